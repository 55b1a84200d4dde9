"""A Chinese question → what it names and asks: units, subjects, projects, dimensions, year, phase
(which kind of question it is, query.intents decides from this).

jieba segments the question with a user dictionary generated from the graph (unit names and
aliases, subject names, project names, the vocabulary's wordings), so each name survives as one
token; the gazetteer then matches names on token boundaries, longest first.  Unit mentions are
compared in `canonical` form, so "长沙12345热线中心" and "长沙市12345政务热线中心" meet.
"""
from __future__ import annotations

import bisect
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import jieba

from budgetkg import cache
from budgetkg.ontology import terms as t
from budgetkg.ontology.names import FILLER, aliases, canonical, organ_names, region_prefix, subject_forms
from budgetkg.ontology.regions import all_region_spellings
from budgetkg.query.catalog import Catalog
from budgetkg.query.language import Years, count_of, normalize_question, years_asked

PROJECT_START_MIN, PROJECT_START_MAX = 5, 20  # how much of a project's name names it (“一个号码管服务项目”)
WORD_FREQ = 200_000  # high enough that a name from the graph is kept as one token

FINAL_WORDS = re.compile(r"决算|实际|执行|花了|用了|支出决算|年末")
BUDGET_WORDS = re.compile(r"预算|计划|安排")
TOTAL_WORDS = re.compile(r"预算总额|总预算|收支总|总额|总共|一共|多少钱|预算多少|预算是多少|多少预算|预算有多少|总计|规模")
BUDGET_QUESTION = re.compile(r"预算|决算|经费|支出|收入|费|资金|拨款|科目|项目|编制|多少|几|金额|万元|上级|下属|单位|部门|执行|结转|采购|公积金|工资|三公")
CODE = re.compile(r"(?<!\d)\d{3,9}(?!\d)")
MONEY_WORDS = re.compile(r"亿元|万元|千元|(?<![万千亿单])元")
# 部门/单位 right after the unit or year ("司法局2026年部门预算", "商务委2025年单位“三公”经费"), not 哪个部门/各单位
KIND_WORDS = re.compile(r"(?:^|(?<=[＿\d年]))(部门|单位)(?!名称|代码|编码)|(?<=[和与、])(部门|单位)(?=预算|决算)")
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
WHY_WORDS = re.compile(r"为什么|为何|为啥|原因|怎么回事|何故|缘故|什么导致|因为什么")
TOP_N = re.compile(r"前\s*(\d+|[一二三四五六七八九十])")
# a department's units chosen by words: its bodies stationed elsewhere (驻外/派出), all but some
# (除…以外), all but its own office (其他单位, 下属单位), or all of them (各单位)
MEMBER_WORDS = {
    # "除机关本级以外", "除热线中心之外", "本级以外": all but the units (or the own office) named
    "except": re.compile(r"除[^，,。?？]{0,16}?(?:以外|之外|(?<!驻)外)|除(?:了)?(?:机关)?(?:本级|本部)|(?:＿|本级|本部)(?:以外|之外)"),
    "stationed": re.compile(r"驻外|派出|派驻|(?:各|\d+个|[一二两三四五六七八九十]+个)驻"),
    "others": re.compile(r"其他单位|其余单位|其它单位|其他[一二两三四五六七八九十\d]+[个家]|"
                         r"下属|下级单位|所属单位|二级单位"),
    "every": re.compile(r"各单位|各个单位|各家单位|各预算单位|所有单位|全部单位|每个单位|每家单位|所有预算单位"),
    # "普陀区各街道", "建管委3个中心": units of one kind, by the end of their names
    "kind": re.compile(r"(?:各|所有|全部|每个|几个|几家|多少个|多少家|哪些|哪几个|\d+个|[一二两三四五六七八九十]+[个家])(?P<head>街道|中心|委员会|委|局|办事处|联络处|大队|队|馆|站|所)"),
}
EXCEPTED = re.compile(r"＿|本级|本部|机关|驻外|派出|派驻")  # what 除…以外 leaves out is units, not a figure
# "4个驻外办事机构", "三家热线中心", "四个部门": how many units the question says it means ("前三个" ranks)
STATED_COUNT = re.compile(r"(?<![前后第近])(\d+|[一二两三四五六七八九十]+)\s*[个家](?=[^，,。?？]{0,2}(?:＿|驻|派|单位|部门|机构|办事|联络|中心|家|的))")
CN_NUMBERS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


@dataclass
class Mention:
    kind: str  # unit, subject, project, term, code, region, measure
    text: str
    start: int
    end: int
    targets: list[str]


@dataclass
class Understanding:
    question: str
    text: str  # normalised question
    tokens: list[str]
    masked: str = ""  # text with the names it mentions blanked out: the words that say what is asked
    intent: str | None = None  # chosen by query.intents
    units: list[str] = field(default_factory=list)
    unit_mentions: list[Mention] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    dims: dict[str, t.Code] = field(default_factory=dict)
    details: list[t.Code] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    year: int | None = None
    phases: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    unknown_region: str | None = None
    year_offset: int = 0
    unknown_code: str | None = None
    unknown_unit: str | None = None  # a unit's name the graph does not hold ("普陀区财政局", "柳州热线中间")
    top_n: int | None = None
    ascending: bool = False
    follow_up: bool = False
    all_children: bool = False
    members: str | None = None  # units chosen by words: stationed, except, others, every, kind (MEMBER_WORDS)
    member_head: str | None = None  # for kind: how their names end (街道, 中心 …)
    member_words: str = ""  # the words that chose them
    stated_count: int | None = None  # how many units the question says it means
    wants_total: bool = False
    money: str | None = None  # the unit of money the question asks in (元, 万元)
    asks: list[dict[str, t.Code]] = field(default_factory=list)  # "基本支出和项目支出": one set of dims per figure asked
    phase_stated: bool = False  # 预算/决算 named; otherwise a unit's 决算 answers when it has no 预算
    kind: str | None = None  # 部门 or 单位, when the question names the kind of document
    kinds: list[str] = field(default_factory=list)  # both, when it names both (部门预算和单位预算)
    years: Years = field(default_factory=Years)  # several years asked: 2023年和2024年, 近3年, 历年

    @property
    def asked_subjects(self) -> list[str]:
        """Subjects named in the question; a name shared by a functional and an economic code keeps both."""
        return self.subjects[:4]

    @property
    def asks_why(self) -> bool:
        """The question asks for a reason (“为什么比上年增加”, “…的原因是什么”)."""
        return WHY_WORDS.search(self.masked or self.text) is not None

    @property
    def names_a_code(self) -> bool:
        """A subject is named by its code (“2010301是什么科目”)."""
        return any(m.kind == "subject" and CODE.fullmatch(m.text) for m in self.mentions)


class Understander:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.tokenize_ms = 0.0
        self.unit_names = catalog.unit_names()
        self.sorted_unit_names = sorted(self.unit_names)
        self.subject_names: dict[str, set[str]] = {}
        for subject in catalog.subjects.values():
            for label in subject.labels | {subject.label}:
                for form in subject_forms(t.normalize(label)):
                    self.subject_names.setdefault(form, set()).add(subject.iri)
        self.project_names: dict[str, set[str]] = {}
        for project in catalog.projects.values():
            for form in {t.normalize(project.name), canonical(project.name)}:
                if len(form) >= 4:  # a project called "购置费" is not what every question about 购置费 means
                    self.project_names.setdefault(form, set()).add(project.iri)
        self.term_names = {name: name for name in catalog.terms}
        self.region_names = {name: iri for name, iri in catalog.regions.items()}
        self.all_regions = {spelled: regions[0].full_name for spelled, regions in all_region_spellings().items()}
        lexicon = t.lexicon()
        words = set(self.unit_names) | set(self.subject_names) | set(self.project_names) | set(self.term_names) | \
            set(lexicon.entries) | set(self.all_regions)
        self.tokenizer = _tokenizer(w for w in words if len(w) >= 2)
        self._unit_pattern = _alternation(self.unit_names)
        self._subject_pattern = _alternation(self.subject_names)
        self._project_pattern = _alternation(self.project_names)
        self._term_pattern = _alternation(self.term_names)
        self._region_pattern = _alternation(self.all_regions)

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        return list(self.tokenizer.tokenize(text))

    def understand(self, question: str) -> Understanding:
        started = time.perf_counter()
        text = normalize_question(question)
        tokens = self.tokens(text) if text else []
        self.tokenize_ms = (time.perf_counter() - started) * 1000
        u = Understanding(question, text, [w for w, _, _ in tokens])
        if not text:
            return u
        self._units(u, text)
        taken = [(m.start, m.end) for m in u.unit_mentions]
        self._projects(u, text, taken)
        taken += [(m.start, m.end) for m in u.mentions if m.kind == "project"]
        self._dims_and_subjects(u, text, taken)
        self._codes(u, text)
        self._terms(u, text)
        u.masked = _masked(text, u.mentions)
        self._year_phase(u, text)
        self._cues(u, text)
        self._unknown_unit(u, text)
        return u

    # ------------------------------------------------------------ units
    def _units(self, u: Understanding, text: str) -> None:
        canon, positions = canonical_with_positions(text)
        found: list[Mention] = []
        # "其他政府办公厅事务支出" is a subject, not the unit 政府办
        subjects = [m.span() for m in self._subject_pattern.finditer(text)] if self._subject_pattern else []
        for match in self._unit_pattern.finditer(canon) if self._unit_pattern else []:
            start, end = positions[match.start()], positions[match.end() - 1] + 1
            if any(s <= start and end <= e and e - s > end - start for s, e in subjects):
                continue
            found.append(Mention("unit", text[start:end], start, end, sorted(self.unit_names[match.group()])))
        if not found:
            # "长沙的热线中心": a region and an unqualified name apart
            region = next((m for m in self._region_pattern.finditer(canon)), None) if self._region_pattern else None
            if region:
                for name, iris in self.unit_names.items():
                    if name in canon and not name.startswith(region.group()):
                        hits = [i for i in iris if region.group() in self.catalog.units[i].region_name]
                        if hits:
                            s = positions[canon.index(name)]
                            found.append(Mention("unit", text[s:s + len(name)], s, s + len(name), hits))
        for region in self._region_pattern.finditer(canon) if self._region_pattern else []:
            name = region.group()
            start = positions[region.start()]
            covered = any(m.start <= start < m.end for m in found)
            if name in self.region_names:
                u.regions.append(name)
                if not covered and found:
                    # "柳州和长沙热线中心": the region borrows the name that follows it
                    others = self.relocate([i for m in found for i in m.targets], name)
                    if others:
                        end = positions[region.end() - 1] + 1
                        found.append(Mention("unit", text[start:end], start, end, others))
            elif not covered:
                u.unknown_region = self.all_regions[name]
        if u.regions:
            # "长沙市的热线中心": a name without its region means the one in the region named
            for mention in found:
                if region_prefix(canonical(mention.text)) is None:
                    local = [i for i in mention.targets if any(r in self.catalog.units[i].region_name for r in u.regions)]
                    mention.targets = local or mention.targets
        elif u.unknown_region and found and all(region_prefix(canonical(m.text)) is None for m in found):
            found = []  # "深圳热线中心": a region we hold no documents for
        found.sort(key=lambda m: m.start)
        u.unit_mentions = found
        units: list[str] = []
        for mention in found:
            for iri in self._prefer_departments(mention.targets):
                if iri not in units:
                    units.append(iri)
        # "柳州市人民政府办公室驻北京联络处": a department named before its unit only says whose unit it is
        ancestors = {a for i in units for a in self.catalog.lineage(i)[1:]}
        u.units = [i for i in units if i not in ancestors] or units
        u.mentions.extend(found)

    def _unknown_unit(self, u: Understanding, text: str) -> None:
        """A name the graph does not hold: one that reads as a unit's and matches none, or a known
        name that goes on as a longer one and then departs from it ("柳州热线中间" for 柳州热线中心)."""
        for mention in u.unit_mentions:
            following = text[mention.end:mention.end + 2]
            if len(following) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in following):
                continue
            started = canonical(mention.text) + following[0]
            if any(len(form) > len(started) and form[len(started)] != following[1]
                   and not self.unit_names[form].isdisjoint(mention.targets) for form in self._forms_starting(started)):
                u.unknown_unit = mention.text + following
                u.unit_mentions.remove(mention)
                u.mentions.remove(mention)
                u.units = [i for i in u.units if i not in mention.targets]
                return
        if not u.units and u.members not in ("stationed", "kind", "every"):  # "柳州市政府各驻外机构": the words choose the units
            taken = [(m.start, m.end) for m in u.mentions if m.kind in ("unit", "project")]
            u.unknown_unit = next((text[s:e] for s, e in organ_names(text) if not _overlaps((s, e), taken)), None)

    def _forms_starting(self, prefix: str) -> list[str]:
        """The unit names and aliases that begin with prefix (a binary search of the sorted names)."""
        index = bisect.bisect_left(self.sorted_unit_names, prefix)
        found = []
        while index < len(self.sorted_unit_names) and self.sorted_unit_names[index].startswith(prefix):
            found.append(self.sorted_unit_names[index])
            index += 1
        return found

    def relocate(self, units: list[str], region: str) -> list[str]:
        """The units of another region that go by the same name as these ("柳州热线中心" → "长沙热线中心")."""
        result: list[str] = []
        for iri in units:
            entry = self.catalog.units[iri]
            own = entry.region_name.removesuffix("市")
            for form in aliases(entry.name):
                if own and form.startswith(own):
                    for other in self.unit_names.get(region + form[len(own):], ()):
                        if other not in result and region in self.catalog.units[other].region_name:
                            result.append(other)
        return result

    def _prefer_departments(self, iris: list[str]) -> list[str]:
        """A department and its 本级 share a name; the name means the department."""
        chosen = [i for i in iris if not any(self.catalog.units[i].parent == j for j in iris)]
        return chosen or iris

    # ------------------------------------------------------------ projects, subjects, dimensions
    def _projects(self, u: Understanding, text: str, taken: list[tuple[int, int]]) -> None:
        if not self._project_pattern:
            return
        canon, positions = canonical_with_positions(text)
        for source, index in ((text, None), (canon, positions)):
            for match in self._project_pattern.finditer(source):
                start = index[match.start()] if index else match.start()
                end = index[match.end() - 1] + 1 if index else match.end()
                if _overlaps((start, end), taken) and not any(s >= start and e <= end for s, e in taken):
                    continue
                targets = sorted(self.project_names[match.group()])
                if any(m.kind == "project" and m.start == start for m in u.mentions):
                    continue
                u.mentions.append(Mention("project", text[start:end], start, end, targets))
                known = set(u.projects)  # a common name ("业务经费") names thousands of projects
                u.projects.extend(p for p in targets if p not in known)
            if u.projects:
                return
        self._project_by_its_start(u, text, taken)

    def _project_by_its_start(self, u: Understanding, text: str, taken: list[tuple[int, int]]) -> None:
        """“一个号码管服务项目…”: the start of a project's name (一个号码管服务运行管理费) before 项目, when
        no project is named whole; the longest start that only one name shares."""
        for word in re.finditer("项目", text):
            for start in range(max(0, word.start() - PROJECT_START_MAX), word.start() - PROJECT_START_MIN + 1):
                if _overlaps((start, word.start()), taken):
                    continue
                head = t.normalize(text[start:word.start()])
                targets = sorted({i for name, iris in self.project_names.items() if name.startswith(head) for i in iris})
                if len({t.normalize(self.catalog.projects[i].name) for i in targets}) == 1:
                    u.mentions.append(Mention("project", text[start:word.end()], start, word.end(), targets))
                    u.projects.extend(p for p in targets if p not in u.projects)
                    return

    def _dims_and_subjects(self, u: Understanding, text: str, taken: list[tuple[int, int]]) -> None:
        lexicon = t.lexicon()
        measure_spans = [(s, e, c) for s, e, c in lexicon.find(text) if not _overlaps((s, e), taken)]
        subject_spans = [(m.start(), m.end(), m.group()) for m in self._subject_pattern.finditer(text)] if self._subject_pattern else []
        subject_spans = [s for s in subject_spans if not _overlaps(s[:2], taken)]
        for start, end, name in subject_spans:
            # the same words as a specific measure (公务接待费 …) mean the measure unless 科目 is asked
            same = [c for s, e, c in measure_spans if s == start and e == end]
            if same and "科目" not in text and "经济分类" not in text:
                continue
            longer_measure = any(s <= start and e >= end and (e - s) > (end - start) for s, e, _ in measure_spans)
            if longer_measure:
                continue
            targets = self.catalog.subjects_held(u.units, sorted(self.subject_names[name]))
            if not targets:  # none held by the units named: the answer says which is not disclosed
                targets = self.catalog.subjects_held([], sorted(self.subject_names[name]))[:1]
            u.mentions.append(Mention("subject", name, start, end, targets))
            u.subjects.extend(s for s in targets if s not in u.subjects)
            taken.append((start, end))
        named: list[t.Code] = []
        for start, end, item in measure_spans:
            if _overlaps((start, end), taken):
                continue
            if item.dimension == "phase":
                continue
            u.mentions.append(Mention("measure", text[start:end], start, end, [item.iri]))
            if item.dimension == "detail":
                u.details.append(item)
            else:
                named.append(item)
                u.dims = t.merge(u.dims, {item.dimension: item})
        u.asks = separate_asks(named)

    def _codes(self, u: Understanding, text: str) -> None:
        for match in CODE.finditer(text):
            code = match.group()
            if YEAR.match(text, match.start()) or code == "12345" and any(m.start <= match.start() < m.end for m in u.mentions):
                continue
            if code == "12345":
                continue
            units = [e.iri for e in self.catalog.units.values() if e.code == code]
            subjects = [e.iri for e in self.catalog.subjects.values() if e.code == code]
            if units and not subjects:
                u.units = units + [i for i in u.units if i not in units]
                u.mentions.append(Mention("unit", code, match.start(), match.end(), units))
            elif subjects:
                u.subjects = subjects + [s for s in u.subjects if s not in subjects]
                u.mentions.append(Mention("subject", code, match.start(), match.end(), subjects))
                if units:
                    u.units = units + [i for i in u.units if i not in units]
            else:
                u.unknown_code = code

    def _terms(self, u: Understanding, text: str) -> None:
        if not self._term_pattern:
            return
        for match in self._term_pattern.finditer(text.replace("“", "").replace("”", "")):
            u.terms.append(match.group())
            u.mentions.append(Mention("term", match.group(), match.start(), match.end(), [match.group()]))

    def _year_phase(self, u: Understanding, text: str) -> None:
        u.years = years_asked(text)
        year = YEAR.search(text)
        u.year = int(year.group(1)) if year and not u.years.several else None
        if u.year is None and re.search(r"去年|上年度|上一年(?!度?相比)", text) and not re.search(r"比上年|较上年|比去年|较去年|同比", text):
            u.year_offset = -1  # "去年": the year before the latest one disclosed
        # "政府性基金预算财政拨款收入" names a fund, not the 预算 of a year
        funds = [m for m in u.mentions if m.kind == "measure" and t.codes()[m.targets[0]].dimension == "fund"]
        masked = _masked(u.masked, funds, kinds={"measure"})
        final = bool(FINAL_WORDS.search(masked))
        budget = bool(BUDGET_WORDS.search(masked))
        u.phase_stated = final or budget
        if final and budget and ("和" in masked or "与" in masked or "分别" in masked or "对比" in masked or "比较" in masked):
            u.phases = ["budget", "final"]
        elif final and not re.search(r"执行率|完成率", masked):
            u.phases = ["final"]
        else:
            u.phases = ["budget"] if not final else ["final"]
        u.wants_total = bool(TOTAL_WORDS.search(masked))
        money = MONEY_WORDS.search(masked)
        u.money = money.group() if money else None
        u.kinds = list(dict.fromkeys(m.group(1) or m.group(2) for m in KIND_WORDS.finditer(masked)))
        u.kind = u.kinds[0] if len(u.kinds) == 1 else None  # both named: each is asked (query.intents.measure)

    def _cues(self, u: Understanding, text: str) -> None:
        """How many places, which end of a ranking, all of a department's units, a follow-up."""
        top = TOP_N.search(u.masked)
        if top:
            value = top.group(1)
            u.top_n = int(value) if value.isdigit() else CN_NUMBERS.get(value)
        u.ascending = bool(re.search(r"最少|最低|最小|倒数", u.masked))
        u.all_children = bool(re.search(r"各单位|各个单位|下属单位|所属单位|各下属|下属各", u.masked))
        chosen = next(((kind, match) for kind, words in MEMBER_WORDS.items() if (match := words.search(u.masked))
                       and (kind != "except" or EXCEPTED.search(match.group()))), None)
        if chosen:
            u.members, match = chosen
            u.member_head = match.groupdict().get("head")
            u.member_words = match.group()
            # "除机关本级以外": the words choose units, 本级 is no figure asked
            for mention in [m for m in u.mentions if m.kind == "measure" and match.start() <= m.start and m.end <= match.end()]:
                u.mentions.remove(mention)
                u.details = [d for d in u.details if d.iri not in mention.targets]
                u.dims = {k: v for k, v in u.dims.items() if v.iri not in mention.targets}
        stated = STATED_COUNT.search(u.masked)
        u.stated_count = count_of(stated.group(1)) if stated else None
        u.follow_up = bool(re.match(r"^(?:那|那么|那个|它|其|该单位|这个单位)", text)) or text.endswith("呢") or text.endswith("呢?")


def _masked(text: str, mentions: list[Mention], kinds: frozenset[str] | set[str] = frozenset({"unit", "project", "subject"})) -> str:
    """The question with the units, projects and subjects it names blanked out, so that the words
    inside a name (“柳州市人民政府办公室”) do not count as words of the question."""
    for m in mentions:
        if m.kind in kinds:
            text = text[:m.start] + "＿" * (m.end - m.start) + text[m.end:]
    return text


def separate_asks(named: list[t.Code]) -> list[dict[str, t.Code]]:
    """The figures a question asks for: one, unless it names two values of one dimension
    ("基本支出和项目支出", "三公经费…其中公务接待费"), then one per value, each with the rest."""
    by_dimension: dict[str, list[t.Code]] = {}
    for item in named:
        if item.notation in t.GENERAL_MEASURES and any(o.dimension == "measure" and o.notation not in t.GENERAL_MEASURES for o in named):
            continue  # "三公经费支出": 支出 only says what kind of figure 三公经费 is
        values = by_dimension.setdefault(item.dimension, [])
        if item not in values:
            values.append(item)
    broader = t.broader_codes()
    for dimension, values in by_dimension.items():  # "基本支出中人员经费和公用经费": the parts, not the whole
        parts = [v for v in values if not any(broader.get(o.iri) == v.iri for o in values)]
        if len(parts) > 1:  # (one part, "三公经费…其中公务接待费", asks for both)
            by_dimension[dimension] = parts
    several = [d for d, values in by_dimension.items() if len(values) > 1]
    if len(several) != 1:
        dims: dict[str, t.Code] = {}
        for item in named:
            dims = t.merge(dims, {item.dimension: item})
        return [dims] if dims else []
    common = {d: values[0] for d, values in by_dimension.items() if d != several[0]}
    return [{**common, several[0]: value} for value in by_dimension[several[0]]]


def canonical_with_positions(text: str) -> tuple[str, list[int]]:
    """canonical(text) and, for each of its characters, the index in text it came from."""
    keep = list(range(len(text)))
    out = text
    for word in sorted(FILLER, key=len, reverse=True):
        while word in out:
            index = out.index(word)
            out = out[:index] + out[index + len(word):]
            del keep[index:index + len(word)]
    result = canonical(out)
    if result == out:
        return out, keep
    # region 市 suffixes dropped by canonical(): realign by walking both strings
    positions, j = [], 0
    for ch in result:
        while j < len(out) and out[j] != ch:
            j += 1
        positions.append(keep[min(j, len(keep) - 1)])
        j += 1
    return result, positions


def _tokenizer(words: Iterable[str]) -> jieba.Tokenizer:
    """jieba with the graph's names as words of their own.

    Loading jieba's dictionary and adding the names of 10,000 documents take over a second, so
    the resulting word table is cached, keyed by the words.  FREQ and total are the two
    attributes `Tokenizer.initialize` and `add_word` fill in (jieba 0.42).
    """
    words = sorted(set(words))
    key = cache.digest(jieba.__version__, "\n".join(words))
    tokenizer = jieba.Tokenizer()
    state = cache.read("jieba", key)
    if state is None:
        tokenizer.initialize()
        for word in words:
            tokenizer.add_word(word, freq=WORD_FREQ)
        cache.write("jieba", key, (tokenizer.FREQ, tokenizer.total))
    else:
        tokenizer.FREQ, tokenizer.total = state
        tokenizer.initialized = True
    return tokenizer


def _alternation(words) -> re.Pattern[str] | None:
    words = [w for w in words if w]
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)
