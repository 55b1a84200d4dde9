"""Who and what a document is about: its unit, year, phase (预算/决算), kind (部门/单位) and region.

Covers come in a few forms, all read by the same rules:

* "上海市普陀区2026年区级部门预算 / 预算主管部门：上海市普陀区司法局" (the unit on a labelled line);
* "上海市普陀区生态环境局 / 2025 年度部门决算", "上海市普陀区财政局 / 年度部门决算 / 2024" (the unit
  before the year, or the year on a line of its own);
* "103007柳州市12345政务服务热线管理中心 / 2024年单位预算公开说明" (a unit code before the name).

What the cover leaves out is taken from the rest of the document: the most common
"单位名称：/编制部门：" line for the unit, the table titles ("2026年部门财务收支预算总表") for the year.
"""
from __future__ import annotations

import re
from collections import Counter

from budgetkg.ingest.document import Document, Grid, Line, squeeze
from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.facts import NameMention, ParsedDocument, Unit
from budgetkg.ingest.layout import Layout
from budgetkg.ingest.units import split_code
from budgetkg.ontology.regions import Region, find_region

_KIND_PHASE = re.compile(r"(?P<kind>部门|单位)(?P<phase>预算|决算)")
_YEAR = re.compile(r"(?<!\d)(?P<year>20\d{2})\s*年")
_BARE_YEAR = re.compile(r"^\s*(?P<year>20\d{2})\s*(?:年度?)?\s*$")
_LABELLED = re.compile(r"(?:预算主管部门|主管部门|预算单位|单位名称|部门名称|编制部门|编制单位)[:：]\s*(?P<name>[^\s：:]{2,60})")
# what the cover puts around the unit's name: "上海市普陀区2026年区级部门预算", "…2025 年度部门决算"
_LEVEL = re.compile(r"(?:省|市|区|县|乡|镇)级$")
_COVER_END = re.compile(r"^(?:目\s*录|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")
_SECTION = re.compile(r"部分|目录|目\s*录|说明$")
_UNIT_END = re.compile(r"(?:（本级）|\(本级\)|本级)?$")


def cover_lines(document: Document, limit: int = 12) -> list[str]:
    """The document's first lines of text, up to its table of contents or first heading."""
    lines: list[str] = []
    for text in document.text_lines():
        text = re.sub(r"^\s*#+\s*|\*\*", "", text).strip()
        if not text:
            continue
        if _COVER_END.match(text) and lines:
            break
        lines.append(squeeze(text))
        if len(lines) >= limit:
            break
    return lines


def _clean_name(name: str) -> str:
    return name.strip(" ，,。:：-—")


def _labelled(lines: list[str]) -> str | None:
    for line in lines:
        match = _LABELLED.search(line)
        if match:
            return match["name"]
    return None


def _cover_name(head: str, kind_phase: re.Match[str] | None) -> str | None:
    """The unit named on the cover before its year or its 部门预算/决算 phrase."""
    end = kind_phase.start() if kind_phase else len(head)
    before = head[:end]
    years = list(_YEAR.finditer(before))
    if years:
        before = before[:years[-1].start()]
    before = re.sub(r"(?:20\d{2})?(?:年度|年)?$", "", before)
    before = _LEVEL.sub("", before).strip()
    region = find_region(before)
    if region is not None and before in {region.name, region.full_name}:
        return None  # "上海市普陀区2026年区级部门预算": the region, not a unit
    return before or None


def identify(document: Document, layout: Layout) -> ParsedDocument:
    path = document.path
    lines = cover_lines(document)
    head = "".join(lines)
    kind_phase = _KIND_PHASE.search(head)
    everything = [squeeze(text) for text in document.text_lines()]
    if kind_phase is None:  # no cover: the first heading that names its 部门预算 or 单位决算
        for text in everything[:400]:
            text = re.sub(r"^.*?第[一二三四五六七八九十]+部分[：:\s]*", "", text)
            found = _KIND_PHASE.search(text)
            if found:
                head, kind_phase = text, found
                break
        else:
            raise DocumentError(f"{path}: no title such as 'XX单位2024年部门预算' or '部门决算' found; not a budget disclosure")

    year = _year(head, kind_phase, lines, layout, everything)
    if year is None:
        raise DocumentError(f"{path}: the year of the disclosure is not stated on its cover or in its table titles")

    named = Counter(m["name"] for text in everything for m in _LABELLED.finditer(text))
    name = _labelled(lines) or _cover_name(head, kind_phase) or (named.most_common(1)[0][0] if named else None)
    if not name:
        raise DocumentError(f"{path}: the cover names no unit (looked for '预算单位：…', '单位名称：…' and a name before the year)")
    code, name = split_code(_clean_name(name))
    if not code and named:
        code = split_code(named.most_common(1)[0][0])[0]
    name = squeeze(name)

    context = _cover_region(lines)
    region = find_region(name, context) or context
    if region is None:
        raise DocumentError(f"{path}: cannot tell the region of '{name}' (no province, city or county name on its cover)")
    unit = Unit(name=name, code=code)
    kind, phase = kind_phase["kind"], kind_phase["phase"]
    parsed = ParsedDocument(
        source_name=path.name,
        sha256=document.sha256,
        layout=document.format,
        title=f"{code or ''}{name}{year}年{kind}{phase}",
        unit=unit,
        year=year,
        phase="budget" if phase == "预算" else "final",
        kind=kind,
        region_name=region.full_name,
        region_code=region.code,
    )
    parsed.units[unit.key] = unit
    parsed.name_mentions = name_mentions(document, layout, name)
    return parsed


_HEADING_NAME = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分[：:\s]*)?(?P<name>[^\s、：:]{4,40}?)(?:（部门）|（单位）)?"
                           r"(?:主要职能|机构设置|概况|部门概况|单位概况)$")


def name_mentions(document: Document, layout: Layout, cover_name: str) -> list[NameMention]:
    """Where the document names its unit: the cover, each table's 编制部门/单位名称 line, and the text's
    headings ("上海市普陀区司法局主要职能"), so that a name printed differently can be found."""
    found = [NameMention("cover", cover_name, _first_line(document, cover_name))]
    for item in document.items:
        rows = [(item.number, item.text)] if isinstance(item, Line) else [(r.number, " ".join(r.cells)) for r in item.rows[:3]]
        for number, text in rows:
            # before squeezing: "编制部门：上海市普陀区司法局 单位：元" ends the name at the space
            for match in _LABELLED.finditer(text):
                found.append(NameMention("table" if isinstance(item, Grid) or number > found[0].line + 5 else "cover",
                                         squeeze(split_code(_clean_name(match["name"]))[1]), number))
    for paragraph in layout.paragraphs:
        match = _HEADING_NAME.match(squeeze(paragraph.text).strip())
        if match and not match["name"].startswith(("部门", "单位", "本", "第")):
            found.append(NameMention("text", split_code(match["name"])[1], paragraph.line))
    return found


def _first_line(document: Document, name: str) -> int:
    key = squeeze(name)
    return next((line.number for line in document.lines if key[:6] in squeeze(line.text)), 1)


def _year(head: str, kind_phase: re.Match[str], lines: list[str], layout: Layout, everything: list[str]) -> int | None:
    """The year next to the 部门预算 phrase, else a year on a cover line of its own, else the
    year most table titles name."""
    before = list(_YEAR.finditer(head[:kind_phase.start()]))
    if before:
        return int(before[-1]["year"])
    after = _YEAR.search(head[kind_phase.end():kind_phase.end() + 12])
    if after:
        return int(after["year"])
    for line in lines:
        match = _BARE_YEAR.match(line) or re.search(r"(?<!\d)(20\d{2})\s*$", line)
        if match:
            return int(match.group(1))
    titles = Counter(int(m["year"]) for block in layout.blocks if (m := _YEAR.search(block.title)))
    if titles:
        return titles.most_common(1)[0][0]
    stated = Counter(int(m[1]) for text in everything[:300] for m in re.finditer(r"(?<!\d)(20\d{2})\s*年度", text))
    return stated.most_common(1)[0][0] if stated else None


def _cover_region(lines: list[str]) -> Region | None:
    """The region a cover line starts with ("上海市普陀区2026年区级部门预算"), if any."""
    for line in lines:
        region = find_region(_LABELLED.sub(lambda m: m["name"], line))
        if region is not None:
            return region
    return None
