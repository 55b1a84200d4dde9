"""How people shorten unit names, as rules (never a list typed in per unit).

"柳州市12345政务服务热线管理中心" is also "柳州热线中心", "柳州热线", "12345热线中心" and "热线中心":
people drop the province and the 市 of the region, and the filler words of the name.  The same
`canonical` form is applied to names and to questions, so any wording that keeps the region
and the head noun finds the unit.
"""
from __future__ import annotations

import re
from functools import lru_cache

from budgetkg.ontology.terms import normalize, regions

# Words a name keeps only for formality; dropping them never changes which unit is meant.
FILLER = ("12345", "政务服务", "政务", "便民", "管理", "人民", "广西壮族自治区")
_FILLER = re.compile("|".join(re.escape(w) for w in FILLER))
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区)")
HEAD_SUFFIXES = ("中心", "联络处", "办事处", "办公室", "局", "委员会", "处", "站", "所", "院", "馆", "队")


def canonical(text: str) -> str:
    """Compare form for unit mentions: normalised, filler words and region 市/省 suffixes dropped."""
    text = _FILLER.sub("", normalize(text))
    return _region_patterns()[0].sub(lambda m: m.group()[:-1], text)


@lru_cache(maxsize=1)
def _region_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Region names ending in 市/省, and every region's short form, as alternations (longest
    first): one pass over a name instead of one per region."""
    names = sorted((r for r in regions() if len(r) > 2), key=len, reverse=True)
    shorts = sorted({r[:-1] if r.endswith(("市", "省")) else r for r in names}, key=len, reverse=True)
    return (re.compile("|".join(re.escape(r) for r in names if r.endswith(("市", "省")))),
            re.compile("|".join(re.escape(r) for r in shorts)))


def region_prefix(name: str) -> str | None:
    """The region a canonical name starts with (already without its 市)."""
    match = _region_patterns()[1].match(name)
    return match.group() if match else None


def aliases(name: str) -> set[str]:
    """Canonical forms a unit can be called by, from its full name."""
    full = canonical(_PROVINCE.sub("", normalize(name)))
    forms = {full}
    region = region_prefix(full)
    bare = full[len(region):] if region else full
    if region:
        forms.add(bare)
        forms.add(bare.removeprefix("政府") if bare.startswith("政府") and len(bare) > 4 else bare)
    for form in list(forms):
        stripped = re.sub(r"^(?:市)?政府", "", form)
        if stripped != form and len(stripped) >= 4:
            forms.add(stripped)
        # the head noun without its suffix: 热线中心 → 热线 (only when something is left)
        for suffix in ("中心",):
            if form.endswith(suffix) and len(form) - len(suffix) >= 2:
                forms.add(form[: -len(suffix)])
    # 驻北京联络处 → 北京联络处
    for form in list(forms):
        if form.startswith("驻") and len(form) > 4:
            forms.add(form[1:])
    # without its region a form must still say something ("办公室" alone does not)
    return {f for f in forms if len(f) >= 4 or (region and f.startswith(region))}
