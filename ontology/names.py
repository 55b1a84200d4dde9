"""How people shorten unit names, as rules over a name's parts (never a list typed in per unit).

A unit's name is [party prefix][region][government prefix][body][head]:

    上海市普陀区 | 人民政府 | 万里 | 街道办事处        → 万里街道, 普陀区万里街道办, 万里街道办事处
    上海市普陀区 | 城市管理行政执法 | 局              → 普陀区城管执法局, 区城管执法局
    上海市普陀区 | 建设和管理 | 委员会              → 普陀区建管委, 建设管理委员会
    上海市普陀区 | 规划和自然资源 | 局              → 普陀区规划资源局
    上海市普陀区 | 人民政府 | 办公室              → 普陀区政府办公室, 区府办
    柳州市 | 12345政务服务热线管理 | 中心          → 柳州热线中心, 柳州热线

People drop or shorten the region (上海市普陀区 → 普陀区 → 区), the government prefix (人民政府 →
政府 → nothing), join or abbreviate a body's two halves (A和B → AB, 建设和管理 → 建管, 城市管理 → 城管),
drop words kept only for formality (行政, 12345, 政务服务 …) and shorten the head (委员会 → 委,
街道办事处 → 街道办 → 街道, 中心 → nothing).  The same `canonical` form is applied to names and to
questions, so any wording these rules produce finds the unit.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from budgetkg.ontology.regions import Region, find_region, region_names, short_name
from budgetkg.ontology.terms import normalize

# Words a name keeps only for formality; dropping them never changes which unit is meant.
FILLER = ("12345", "政务服务", "政务", "便民", "管理", "人民", "广西壮族自治区")
_FILLER = re.compile("|".join(re.escape(w) for w in FILLER))
_PARTY = re.compile(r"^(?:中国共产党|中共)")
_GOVERNMENT = ("人民政府", "政府")
# a name's head and the shorter heads people use for it, longest first
HEADS = {
    "街道办事处": ("街道办事处", "街道办", "街道"),
    "办事处": ("办事处", "办"),
    "委员会": ("委员会", "委"),
    "办公室": ("办公室", "办"),
    "中心": ("中心", ""),
}
OWN_LEVEL = re.compile(r"(?:（本级）|\(本级\)|（本部）|\(本部\)|本级|本部|机关本级)$")
HEAD_SUFFIXES = ("中心", "联络处", "办事处", "办公室", "局", "委员会", "处", "站", "所", "院", "馆", "队", "部")
# how a name a question spells ends, whether or not the graph holds the unit ("普陀区财政局")
_ORGAN_HEADS = ("中心", "联络处", "办事处", "办公室", "局", "委员会", "委", "街道", "厅", "站", "院", "馆", "队", "政府", "政府办")
_ORGAN_RUN = re.compile(r"[\u4e00-\u9fff\d（）()]+")
# not a name but a kind of unit or a choice among them ("哪个局", "各驻外办事处", "下属中心")
_NOT_A_NAME = re.compile(r"^(?:哪|各|每|所有|全部|本|该|这|那|其他|其它|几|多少)|驻外|下属|所属|直属|派出|二级|基层|\d+个|[一二三四五六七八九十两]个|家")
_LEADING = re.compile(r"^(?:请问|请|查询|查一下|查查|查|看看|看一下|我想知道|想知道|帮我查|告诉我|列出|统计)")


def organ_names(text: str) -> list[tuple[int, int]]:
    """Spans of a question that read as a unit's name: a run of name characters up to its last head
    (局, 中心, 街道…), not broken by a year; whether the graph holds such a unit is for the caller."""
    spans = []
    for run in _ORGAN_RUN.finditer(re.sub(r"\d{4}\s*年度?|的|和\d", lambda m: "，" * len(m.group()), text)):
        end = max((run.group().rfind(head) + len(head) for head in _ORGAN_HEADS if head in run.group()), default=0)
        if not end:
            continue
        lead = _LEADING.match(run.group())
        start = run.start() + (lead.end() if lead else 0)
        name = text[start:run.start() + end]
        if len(name) >= 4 and not _NOT_A_NAME.search(name):
            spans.append((start, start + len(name)))
    return spans


def without_own_level(name: str) -> str:
    """"上海市普陀区生态环境局（本级）" → the department's name its own office goes by."""
    return OWN_LEVEL.sub("", name)


def canonical(text: str) -> str:
    """Compare form for unit mentions: normalised, filler words and region 市/省 suffixes dropped."""
    text = _FILLER.sub("", normalize(text))
    return _region_patterns()[0].sub(lambda m: m.group()[:-1], text)


@lru_cache(maxsize=1)
def _region_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Province and city names ending in 市/省 (dropped by `canonical`), and every region spelling
    as `canonical` leaves it, as alternations (longest first)."""
    names = {n for n, regions in region_names().items() if any(r.level < 3 for r in regions) and len(n) > 2}
    suffixed = sorted((n for n in names if n.endswith(("市", "省"))), key=len, reverse=True)
    spellings = {n[:-1] if n.endswith(("市", "省")) and len(n) > 2 else n for n in region_names()}
    return (re.compile("|".join(re.escape(r) for r in suffixed)),
            re.compile("|".join(re.escape(r) for r in sorted(spellings, key=len, reverse=True))))


def region_prefix(name: str) -> str | None:
    """The region a canonical name starts with (already without its 市)."""
    match = _region_patterns()[1].match(name)
    return match.group() if match else None


def _region_forms(region: Region | None) -> list[str]:
    """How a name's region may be written: 上海市普陀区, 上海普陀区, 普陀区, 区 (and not at all)."""
    if region is None:
        return [""]
    forms = [region.full_name]
    if region.level == 3:
        forms.append(region.name)
        forms.append(region.name[-1])  # 区, 县, 市 (a county-level city)
    else:
        forms.append(short_name(region) or region.name)
        forms.append(region.name[-1])  # 市, 省
    return forms + [""]


def _body_forms(body: str) -> set[str]:
    """A body and its shortenings: 建设和管理 → 建设管理, 建管; 规划和自然资源 → 规划资源; 城市管理行政执法 → 城管执法."""
    forms = {body}
    if "驻" in body:  # 办公室驻北京联络处 → 驻北京联络处, 北京联络处
        station = body[body.index("驻"):]
        forms |= {station, station[1:]}
    plain = body.replace("行政执法", "执法")
    forms.add(plain)
    for text in list(forms):
        halves = text.split("和")
        if len(halves) == 2 and all(halves):
            left, right = halves
            forms.add(left + right)
            forms.add(left + right.removeprefix("自然"))  # 规划和自然资源 → 规划资源
            if len(left) == 2 and len(right) == 2:
                forms.add(left[0] + right[0])  # 建设和管理 → 建管, 文化和旅游 → 文旅
        match = re.match(r"^([\u4e00-\u9fff]{2})([\u4e00-\u9fff]{2})(.*)$", text)
        if match and match.group(3) in {"", "执法"}:  # 城市管理执法 → 城管执法, 社会工作 → 社工
            forms.add(match.group(1)[0] + match.group(2)[0] + match.group(3))
        forms.add(text.replace("监督管理", "监管"))
    return {f for f in forms if f}


def _split(name: str) -> tuple[str, Region | None, str, str, str, str]:
    """(party prefix, region, government prefix, body, head, own-level suffix) of a normalised name."""
    party = _PARTY.match(name)
    prefix = party.group() if party else ""
    rest = name[len(prefix):]
    region = find_region(rest)
    if region is not None:
        spelled = next((s for s in (region.full_name, region.name, short_name(region) or "") if s and rest.startswith(s)), "")
        rest = rest[len(spelled):] if spelled else rest
    own = OWN_LEVEL.search(rest)
    suffix = own.group() if own else ""
    rest = rest[:len(rest) - len(suffix)]
    # a party body's 委 (中共…区委社会工作部) stands where a government's 人民政府 does
    government = next((g for g in (("委",) if prefix else _GOVERNMENT) if rest.startswith(g)), "")
    rest = rest[len(government):]
    head = next((h for h in HEADS if rest.endswith(h)), "")
    if not head:
        head = next((h for h in HEAD_SUFFIXES if rest.endswith(h) and len(rest) > len(h)), "")
    return prefix, region, government, rest[:len(rest) - len(head)], head, suffix


def aliases(name: str) -> set[str]:
    """Canonical forms a unit can be called by, from its full name."""
    name = normalize(name)
    other = re.search(r"[（(]([^）)]{4,})[）)]$", name)
    if other and not OWN_LEVEL.search(name):  # 上海市普陀区图书馆（上海市普陀区少年儿童图书馆）: either name
        return _aliases(name[:other.start()]) | _aliases(other.group(1)) | {canonical(name)}
    return _aliases(name)


def _aliases(name: str) -> set[str]:
    prefix, region, government, body, head, own = _split(name)
    heads = HEADS.get(head, (head,))
    governments = [government] if prefix else [government, "政府", ""] if government else [""]
    owns = [own, "本级", "本部"] if own else [""]
    forms = set()
    for region_form, government_form, body_form, head_form, own_form in product(
            _region_forms(region), governments, _body_forms(body) or {""}, heads, owns):
        form = region_form + government_form + body_form + head_form + own_form
        if not body_form and not government_form and head_form in {"办", "办公室", ""}:
            continue  # "普陀区办公室" says nothing
        shortened = body_form != body or head_form != head
        department = head_form[-1:] in ("局", "委", "办")  # a government department: 司法局, not 图书馆
        if len(form) < 3 or len(form) == 3 and not (region_form and len(region_form) > 1) and not (shortened or department):
            continue  # without its region a form must still say something: 文旅局, 商务委, 司法局; not 图书馆 or 办公室
        forms.add(canonical(form))
    if government and not body and head == "办公室":  # 人民政府办公室 → 府办: 区府办, 市府办
        for region_form in _region_forms(region)[:-1]:
            forms.add(canonical(region_form + "府办"))
    forms.add(canonical(name))
    if prefix:
        forms |= {canonical(prefix + form) for form in forms if not form.startswith(prefix)}
    return {f for f in forms if len(f) >= 3}


def subject_forms(label: str) -> set[str]:
    """How people shorten a subject's name: "对个人和家庭的补助" → 对个人和家庭补助, "其他政府办公厅（室）
    及相关机构事务支出" → 其他政府办公厅事务支出; names of two characters or fewer are not shortened."""
    forms = {label}
    for form in list(forms):
        forms.add(re.sub(r"[（(][^）)]{1,4}[）)]", "", form))
    for form in list(forms):
        forms.add(form.replace("及相关机构", ""))
        forms.add(re.sub(r"(?<=[\u4e00-\u9fff]{2})的(?=[\u4e00-\u9fff]{2})", "", form))
    return {f for f in forms if len(f) >= 3}
