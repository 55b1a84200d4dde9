"""China's administrative divisions (GB/T 2260): provinces, prefecture-level cities, counties and districts.

The list is the cpca package's code list (`cpca/resources/adcodes.csv`, MIT), read as a file so that
cpca's own pandas-based matcher is never imported.  `find_region` reads the region a unit's
name or a cover line starts with: "上海市普陀区司法局" → 上海市普陀区 (310107), "中共上海市普陀区委
社会工作部" → the same, "柳州市人民政府办公室" → 柳州市 (450200).  A county name alone, such as
普陀区 (a district of both 上海市 and 舟山市), needs the region the document is about to decide.
"""
from __future__ import annotations

import csv
import importlib.resources
import re
from dataclasses import dataclass
from functools import cache

# placeholders the code list uses for the city level of municipalities and directly administered counties
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# what an organisation's name may put before its region: 中共上海市…委, 共青团…, 民革…
_NAME_PREFIX = re.compile(r"^(?:中国共产党|中共|共青团|中国国民党革命委员会|民革|民盟|民建|民进|农工党|致公党|九三学社)")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"(?:市|地区|盟|(?:[\u4e00-\u9fff]{1,8}族)+自治州|自治州)$")


@dataclass(frozen=True)
class Region:
    code: str  # six digits
    name: str  # as the code list spells it: 普陀区
    level: int  # 1 province, 2 prefecture-level city, 3 county or district
    parent: str | None  # the code of the level above (placeholders skipped)

    @property
    def full_name(self) -> str:
        """The name with the levels above it: 上海市普陀区, 广西壮族自治区柳州市 → 柳州市 for a city."""
        names = []
        region: Region | None = self
        while region is not None:
            names.append(region.name)
            region = divisions().get(region.parent) if region.parent else None
        names.reverse()
        if self.level == 2 and len(names) == 2:  # a city is known by its own name
            return names[1]
        if self.level == 3 and len(names) == 3:  # a county by its city's: 柳州市柳北区
            return names[1] + names[2]
        return "".join(names)

    def within(self, other: Region) -> bool:
        region: Region | None = self
        while region is not None:
            if region.code == other.code:
                return True
            region = divisions().get(region.parent) if region.parent else None
        return False


@cache
def divisions() -> dict[str, Region]:
    """Every division by its six-digit code."""
    source = importlib.resources.files("cpca").joinpath("resources/adcodes.csv")
    rows: dict[str, str] = {}
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["adcode"][:6]] = row["name"]
    regions: dict[str, Region] = {}
    for code, name in rows.items():
        if name in _PLACEHOLDERS:
            continue
        if code.endswith("0000"):
            level, parent = 1, None
        elif code.endswith("00"):
            level, parent = 2, code[:2] + "0000"
        else:
            level = 3
            city = code[:4] + "00"
            parent = city if city in rows and rows[city] not in _PLACEHOLDERS else code[:2] + "0000"
        regions[code] = Region(code, name, level, parent)
    return regions


def short_name(region: Region) -> str | None:
    """How people shorten a province or city: 上海市 → 上海, 广西壮族自治区 → 广西, 湘西土家族苗族自治州 → 湘西."""
    if region.level == 1:
        short = _PROVINCE_SUFFIX.sub("", region.name)
    elif region.level == 2:
        short = _CITY_SUFFIX.sub("", region.name)
    else:
        return None
    return short if 2 <= len(short) < len(region.name) else None


@cache
def _names() -> dict[str, tuple[Region, ...]]:
    """Every spelling (full name, and the short form of provinces and cities) → the regions it names."""
    found: dict[str, list[Region]] = {}
    for region in divisions().values():
        for name in {region.name, short_name(region)} - {None}:
            found.setdefault(name, []).append(region)  # type: ignore[arg-type]
    return {name: tuple(regions) for name, regions in found.items()}


@cache
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(_names(), key=len, reverse=True)))


def region_names() -> dict[str, tuple[Region, ...]]:
    return _names()


def find_region(text: str, context: Region | None = None) -> Region | None:
    """The deepest region the text starts with (after a party or league prefix), each level
    read within the one before; a name several regions share is decided by `context` (the
    region the document is about), and otherwise not at all."""
    position = match.end() if (match := _NAME_PREFIX.match(text)) else 0
    found: Region | None = None
    while True:
        match = _pattern().match(text, position)
        if match is None:
            break
        candidates = [r for r in _names()[match.group()] if found is None or r.within(found) and r.code != found.code]
        if found is None and len(candidates) > 1:
            if context is not None:
                candidates = [r for r in candidates if r.within(context) or context.within(r)]
            if len(candidates) > 1:  # 普陀区 with nothing to tell which
                candidates = [r for r in candidates if r.level < 3] if any(r.level < 3 for r in candidates) else []
        if len(candidates) != 1:
            break
        found, position = candidates[0], match.end()
    return found


def region(code: str) -> Region:
    return divisions()[code]


def region_chain(code: str) -> list[Region]:
    """A region and the regions above it, itself first."""
    chain: list[Region] = []
    region = divisions().get(code)
    while region is not None:
        chain.append(region)
        region = divisions().get(region.parent) if region.parent else None
    return chain


def region_spellings(region: Region) -> list[str]:
    """How a question may name the region, as `canonical` leaves it: 普陀区; 柳州 (市 dropped); 上海."""
    return [s for s in dict.fromkeys([region.name.removesuffix("市") if region.level < 3 else region.name,
                                      short_name(region) or ""]) if s]


@cache
def all_region_spellings() -> dict[str, tuple[Region, ...]]:
    """Every spelling `region_spellings` gives, of every region (two counties may share one)."""
    found: dict[str, list[Region]] = {}
    for region in divisions().values():
        for spelled in region_spellings(region):
            if len(spelled) >= 2:
                found.setdefault(spelled, []).append(region)
    return {spelled: tuple(regions) for spelled, regions in found.items()}
