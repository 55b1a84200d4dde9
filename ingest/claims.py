"""The figures a disclosure's text states, each tied to what it describes.

The text restates the tables in sentences, and adds what they lack (the previous year, reasons):

    2024年单位收支总预算1,113.42万元，同比增加79.80万元，同比增长7.72%。
    公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。…2025年当年预算执行数为1690.69万元，
        2026年预算安排1672.67万元，比2025年预算执行数减少1.07%。主要原因是：部分人员退休。
    一般公共预算财政拨款支出年初预算为 4628.17 万元，支出决算为 4733.14 万元，完成年初预算的 102.27%。
    “三公”经费支出预算0.22万元，比2023年预算0.28万元，同比减少0.06万元，同比下降21.43%。

A sentence is read clause by clause (split at ，；：).  A clause names what it is about before its
figure; one that does not ("同比增加79.80万元") is about what the clause before it named.  Its
words say which figure it is: an amount (预算安排, 决算为, 执行数为 — of the year it names, else the
document's), a change against an earlier year (比/较…增加/减少 N万元, 增长/下降 X%, 持平), or
决算 against 年初预算 (完成年初预算的 X%).  What it is about is read with the vocabulary's wordings
(三公经费, 基本支出, 一般公共预算财政拨款收入 …) or as a 类/款/项 path; a clause whose subject
cannot be told gives no figure.  Each sentence's amounts become figures of the text (table 0),
its change a `Change`, its 年初预算/决算 pair an `Execution`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetkg.ingest.amounts import amount
from budgetkg.ingest.document import squeeze
from budgetkg.ingest.facts import Absence, Change, Execution, ParsedDocument, Project, Share, Subject, TableInfo
from budgetkg.ingest.tables import TableReader
from budgetkg.ontology.terms import GENERAL_MEASURES, Code, code, functional_classes, lexicon, merge, normalize

NUMBER = r"\d[\d,]*(?:\.\d+)?"
_AMOUNT = re.compile(rf"(?P<value>{NUMBER})万元")
_RATE = re.compile(rf"(?P<value>{NUMBER})%")
_FIGURE = re.compile(rf"{NUMBER}(?:万元|%)")
# not the comma of 1,113.42; a 、 after an amount ends one item of a list of figures
_CLAUSE_END = re.compile(r"[，；;：:]|,(?!\d)|(?<=元)、")
_SENTENCE_END = re.compile(r"[。\n]")
# "3，518.85万元": a full-width comma between thousands, not the end of a clause (read as a comma; the
# text keeps its length, so offsets and lines stay where they were)
_WIDE_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?:[,，]\d{3})*(?:\.\d+)?万?元)")
_YEAR = re.compile(r"(?<!\d)(20\d{2})年")
_COMPARED = re.compile(r"^(?:比|较|与|同比)|(?:比|较|与)(?:上年|去年|上一年|20\d{2}年|同期)|相比|同比")
# a head that says only which figure (not what it is of): "年初预算为", "支出决算为", "当年执行数"
_YEARS = re.compile(r"20\d{2}\s*年度?")
_PURPOSE = re.compile(r"^\s*(?:主要)?(?:用于|包括)")
_WHICH_FIGURE = re.compile(r"^(?:当年|全年|本年)?(?:年初预算|预算|决算|支出决算|执行数|实际支出|预算执行数)(?:数)?(?:为|是)?$")
_COMPARISON = re.compile(r"(?:比|较|与)(?:上年|去年|上一年|20\d{2}年|同期|年初|预算)|同比")
_VERB = re.compile(r"(?P<up>增加|增长|上升|提高)|(?P<down>减少|下降|降低)")
_FLAT = re.compile(r"持平|不变|相同")
_VERB_AT_END = re.compile(r"(?:增加|减少|增长|下降|上升|降低|提高)了?\s*$")
_EXECUTION_RATE = re.compile(rf"(?:完成(?:年初)?预算(?:数)?的?|执行率为?|预算执行率为?)(?P<value>{NUMBER})%")
_SHARE = re.compile(r"占")
# "无机关运行经费财政拨款预算", "没有安排政府购买服务支出": to the end of its clause
_ABSENCE = re.compile(r"(?:无(?!法|需|论|关|数字)|没有|未安排|不涉及)[^，。；]{2,30}?(?:收入|支出|预算|安排|拨款|经费|采购)[^，,。；;]{0,20}")
_SHARE_OF = re.compile(rf"^占(?P<of>[^\d%]*?)的?(?P<rate>{NUMBER})%")
_BUDGET_WORDS = re.compile(r"年初预算|预算数|预算安排|预算为|预算|安排")
_FUND_WORDS = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|部门预算|单位预算|预算单位|预算主管部门")
_FINAL_WORDS = re.compile(r"决算|执行数|实际支出|实际执行|支出数")
_PRIOR_BUDGET = re.compile(r"年初预算|全年预算")  # in a 决算: the budget the outturn is measured against
_NUMBERING = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)+")
# words around a topic that name nothing: years, who speaks, connectives
_NOISE = re.compile(r"[（(](?:以|含|不含|按|包括)[^）)]{1,12}[）)]|20\d{2}\s*年度?|本年度|当年|全年|本年(?!收入|支出)|本单位|本部门|我单位|我部门|其中|主要用于|具体|如下|情况|说明|[“”\"'：:]")
# words a topic may carry besides the vocabulary's: they do not make it something else
_FILLER = re.compile(r"金额|单位|部门|总|共计|合计|总计|安排|的|为|是|数|额|全部|为|了|用于|按|分|类|年初|年末|当年|实际|完成")
_TRAILING = re.compile(r"(?:为|是|共|共计)?(?:年初预算|预算数|预算|决算数|决算|执行数|支出决算)?(?:为|是)?$")
# a level's name may hold a bracketed word of its own: 政府办公厅（室）及相关机构事务（款）
_PATH = re.compile(r"((?:[^（(）)，。；]|[（(][^类款项（()）]{1,3}[）)])+?)[（(](?:\d{1,3})?(类|款|项)[）)]")
# a reason: "主要原因是：…", "…的原因为…", or a clause "主要是…" / "主要由于…" (not "主要是用于…": what money is for)
_REASON = re.compile(r"(?:主要原因|原因)(?:是|为|如下|在于)?[:：]?|(?:^|(?<=[，,；;]))\s*主要(?:是|系|由于|因为)(?!用于)")
# a sentence that names what its reason is of: "公务用车购置及运行维护费支出减少的主要原因是…",
# "财政拨款收入支出增加的主要原因是…", "“三公”经费支出决算数小于预算数的主要原因：…"
_NAMED_REASON = re.compile(r"^(?P<head>[^，,。；;：:]{2,60}?)的?(?:主要原因|原因)(?:是|为|在于)?[:：]?(?P<reason>.*)$")
_DIRECTION = {"up": re.compile(r"增加|增长|上升|提高"), "down": re.compile(r"减少|下降|降低|压减"), "flat": re.compile(r"持平|不变|无变化"),
              "over": re.compile(r"(?:大于|高于|超过?)(?:年初)?预算|偏高|超支"), "under": re.compile(r"(?:小于|低于|少于)(?:年初)?预算|偏低|未完成")}
_REASON_REACH = 1500  # characters before a named reason where the figures it explains are looked for
PURCHASE_KINDS = {"货物": "goods", "工程": "works", "服务": "services"}
PURCHASE_DETAILS = {"centralized", "decentralized", "goods", "services", "works"}
_INVOLVES = re.compile(r"^\s*(?:共|合计|总计)?涉及")


@dataclass
class Topic:
    """What a clause talks about: a subject of the code lists, or dimensions (measure, fund, type)."""

    label: str
    dims: dict[str, Code]
    subject: Subject | None = None
    project: Project | None = None
    details: tuple[Code, ...] = ()
    whole: Topic | None = None  # the topic this one is a part of ("其中：货物采购…" of 政府采购)


@dataclass
class Sentence:
    start: int
    text: str
    topic: Topic | None = None
    amounts: list[tuple[int, Decimal, str, int]] = field(default_factory=list)  # offset, value, phase, year
    change: Decimal | None = None
    basis: str | None = None  # what the change is measured against: last year's 预算 (budget) or 决算/执行数 (final)
    rate: Decimal | None = None
    previous: Decimal | None = None
    budget: Decimal | None = None
    final: Decimal | None = None
    execution_rate: Decimal | None = None
    shares: list[tuple[int, str, Decimal | None, Decimal]] = field(default_factory=list)  # offset, of what, %, of this amount
    first: Topic | None = None  # what the sentence began with: the whole of an unqualified "占71.10%"
    whole: Topic | None = None  # after "其中": what the parts named next are parts of
    comparing: bool = False  # "与2024年度相比，…增加100.46万元": the clauses after it state changes
    segment: int = 0  # where the clauses of the current topic start in `text` (a second subject starts another)

    def stated(self) -> bool:
        """Whether the clauses read so far gave the topic a figure, a change or a rate."""
        return bool(self.amounts) or self.change is not None or self.rate is not None or self.execution_rate is not None


class ClaimReader:
    """Reads the figures of one document's text into its ParsedDocument."""

    def __init__(self, document: ParsedDocument, reader: TableReader, text: TextLike) -> None:
        self.doc = document
        self.reader = reader
        self.text = text
        self.stream = _WIDE_THOUSANDS.sub(",", text.text)  # the text as its clauses are read
        self.unit_words = {normalize(document.unit.name)} | {normalize(u.name) for u in document.units.values()}
        self._info: TableInfo | None = None
        self._topics: dict[str, Topic | None] = {}
        self._stated: dict[tuple, Decimal] = {}  # the last figure of this year stated of each topic
        self._explained: list[tuple[int, Change | Execution]] = []  # what the text stated, by offset: a later reason may be of it

    def read(self) -> None:
        stream = self.stream
        start = 0
        previous: Sentence | None = None
        for match in _SENTENCE_END.finditer(stream + "\n"):
            sentence = Sentence(start, stream[start:match.start()])
            if sentence.text.strip():
                self.named_reason(sentence, match.end())
                self.read_sentence(sentence, previous)
                self.emit(sentence, match.end())
                if sentence.topic is not None:  # a reason or an aside between keeps what was talked about
                    previous = sentence
            start = match.end()

    # ------------------------------------------------------------ one sentence
    def read_sentence(self, sentence: Sentence, previous: Sentence | None) -> None:
        if _PURPOSE.match(sentence.text):
            return  # "主要用于：局本部项目支出": what the money is for, not a figure's subject
        absence = _ABSENCE.search(sentence.text)
        if absence and not _FIGURE.search(sentence.text):  # "本部门无政府性基金预算支出安排": why a table is empty
            words = squeeze(absence.group())
            dims: dict[str, Code] = {}
            for _, _, item in lexicon().find(words):
                if item.dimension in {"measure", "fund"}:
                    dims = merge(dims, {item.dimension: item})
            self.doc.absences.append(Absence(words, self.text.line_at(sentence.start), dims))
        position = 0
        topic: Topic | None = None
        whole: Topic | None = None  # after "其中", what the parts named next are parts of (the sentence's, or the one before's)
        for clause_match in _CLAUSE_END.finditer(sentence.text + "，"):
            clause = sentence.text[position:clause_match.start()]
            offset, clause_start = sentence.start + position, position
            position = clause_match.end()
            if whole is None and clause.lstrip().startswith("其中"):
                # "…万元。其中，基本支出…" (the sentence opens with it): parts of what the sentence before was about;
                # not after a heading of its own ("按政府采购项目类型划分，其中：货物类…")
                opens = offset == sentence.start
                whole = sentence.topic or (previous.topic if previous is not None and opens else None)
                sentence.whole = whole
            if clause.lstrip().startswith("占"):
                # "占支出总预算75.81%": the share of the figure just stated in something else, not a new subject
                share = _SHARE_OF.match(clause.strip())
                if share and sentence.topic is not None and sentence.amounts:
                    sentence.shares.append((offset, share["of"], amount(share["rate"]), sentence.amounts[-1][1]))
                continue
            if not _FIGURE.search(clause):
                if _COMPARED.search(clause) and _FLAT.search(clause) and not _VERB.search(clause):
                    # "其中：因公出国（境）费支出决算与2024年持平": no change of what it names; "…0.83万元。与2025年
                    # 预算持平": of what this sentence or the one before named
                    cut = re.search(r"(?:比|较|与|同比)", clause)
                    named = self.topic(clause[:cut.start()]) if cut and cut.start() > 1 else None
                    if named is not None and named is not sentence.topic:
                        if sentence.topic is not None and sentence.stated():
                            self.switch(sentence, named, clause_start)
                        topic = sentence.topic = named
                        sentence.first = sentence.first or named
                    elif named is None and sentence.topic is None and topic is None and previous is not None and previous.topic is not None:
                        topic = sentence.topic = sentence.first = previous.topic
                    if sentence.topic is not None and sentence.change is None and sentence.rate is None:
                        self.read_clause(sentence, clause, offset)
                    continue
                if _COMPARED.search(clause) and len(_YEARS.sub("", clause).strip()) <= 6:
                    sentence.comparing = True  # "与2024年度相比", "同比"
                    continue
                named = self.topic(clause) if sentence.topic is None and not sentence.amounts else None
                if named is not None:  # "…（类）…（款）…（项），主要用于…" before its figures; not "收入全部为…" after them
                    topic = named
                    sentence.first = sentence.first or named
                continue
            bare = _NUMBERING.sub("", clause)
            if _INVOLVES.match(bare):
                continue  # "3个项目实行了绩效目标管理，涉及一般公共预算当年财政拨款202.19万元": the projects' money
            first = _FIGURE.search(bare)
            head = bare[:first.start()] if first else bare
            head = head[:compared.start()] if (compared := _COMPARISON.search(head)) else head
            head = head[:verb.start()] if sentence.comparing and (verb := _VERB.search(head)) else head
            named = self.topic(head)
            if named is not None and whole is not None:
                named = _within(whole, named)
            named = named or self.detail_of(sentence.topic, head)
            if named is not None:
                topic = named
            elif topic is None and previous is not None and previous.topic is not None and \
                    (_COMPARED.search(clause) or _WHICH_FIGURE.match(_YEARS.sub("", head))):
                topic = previous.topic  # "…0.22万元。比上年增加…", "…（项）。主要用于…。年初预算为…": the sentence before named it
            if topic is None:
                continue
            if sentence.topic is None:
                sentence.topic = topic
                sentence.first = sentence.first or topic
            elif topic is not sentence.topic and sentence.stated():
                self.switch(sentence, topic, clause_start)
            self.read_clause(sentence, clause, offset)
        if sentence.topic is None and topic is not None and not sentence.amounts:
            sentence.topic = topic  # "1、…（类）…（款）行政运行（项）。": what the next sentences' figures are of

    def switch(self, sentence: Sentence, topic: Topic, clause_start: int) -> None:
        """A second subject in one sentence ("其中：基本支出…，项目支出…", "…减少19.66万元，其中：…公务用车…
        减少20.06万元") is its own claim, with the reason its own clauses give."""
        self.emit(sentence, None, clause_start)
        sentence.topic, sentence.amounts, sentence.segment = topic, [], clause_start
        sentence.change = sentence.rate = sentence.previous = sentence.budget = sentence.final = sentence.basis = None
        sentence.execution_rate, sentence.shares = None, []

    def read_clause(self, sentence: Sentence, clause: str, offset: int) -> None:
        year_match = _YEAR.search(clause)
        year = int(year_match.group(1)) if year_match else self.doc.year
        execution = _EXECUTION_RATE.search(clause)
        if execution:
            sentence.execution_rate = amount(execution["value"])
            return
        compared = bool(_COMPARED.search(clause)) or sentence.comparing and bool(_VERB.search(clause))
        amount_match = _AMOUNT.search(clause)
        rate_match = _RATE.search(clause)
        verb = _VERB.search(clause)
        if _SHARE.search(clause) and rate_match and not compared:
            return  # "占支出总预算75.81%": a share, not this topic's figure
        if compared and re.match(r"^(?:比|较)(?:年初)?预算", clause):
            return  # "比预算减少5.98万元": 决算 against this year's budget, not a change from last year
        # "…支出决算减少 20.06 万元": the verb right before the amount states a change, not the figure
        # ("减少为 0.00 万元" says what it came down to: the figure)
        changed = verb is not None and amount_match is not None and 0 <= amount_match.start() - verb.end() <= 2 \
            and not re.match(r"\s*(?:为|到|至)", clause[verb.end():])
        if compared or (rate_match and verb) or changed:
            sentence.comparing = True  # "…比2024年度减少19.66万元，其中：公务用车…减少20.06万元": changes too
            if compared and sentence.basis is None:
                sentence.basis = self.phase_of(clause)
            if _FLAT.search(clause) and verb is None:
                sentence.change = Decimal(0)
                if sentence.rate is None:
                    sentence.rate = Decimal(0)
                return
            sign = Decimal(-1) if verb is not None and verb["down"] else Decimal(1)
            if amount_match and (verb is None or amount_match.start() < verb.start()):
                # "比2023年预算0.28万元": the earlier year's figure itself
                sentence.previous = amount(amount_match["value"])
                if sentence.previous is not None and year != self.doc.year:
                    sentence.amounts.append((offset + amount_match.start(), sentence.previous, self.phase_of(clause), year))
                if verb is None:
                    return
                rest = clause[verb.start():]
                amount_match, rate_match = _AMOUNT.search(rest), _RATE.search(rest)
            if amount_match and (value := amount(amount_match["value"])) is not None:
                sentence.change = sign * value
            if rate_match and (value := amount(rate_match["value"])) is not None:
                sentence.rate = sign * value
            return
        if amount_match is None:
            return
        value = amount(amount_match["value"])
        if value is None:
            return
        phase = self.phase_of(clause)
        if _PRIOR_BUDGET.search(clause):
            sentence.budget = value
        elif _FINAL_WORDS.search(clause) and self.doc.phase == "final":
            sentence.final = value
        if year < self.doc.year and phase == "final":
            sentence.previous = value  # "2025年当年预算执行数为1690.69万元": last year's outturn
        sentence.amounts.append((offset + amount_match.start(), value, phase, year))

    def phase_of(self, clause: str) -> str:
        clause = _FUND_WORDS.sub("", clause)  # the 预算 of 一般公共预算 is a fund's name, not the phase
        if _FINAL_WORDS.search(clause) and not re.search(r"年初预算", clause):
            return "final"
        if _BUDGET_WORDS.search(clause):
            return "budget"
        return self.doc.phase

    # ------------------------------------------------------------ what a clause is about
    def topic(self, words: str) -> Topic | None:
        """What a clause's words before its figure name (a sentence's words recur: read each once)."""
        if words not in self._topics:
            self._topics[words] = self._topic(words)
        return self._topics[words]

    def _topic(self, words: str) -> Topic | None:
        words = _VERB_AT_END.sub("", _NUMBERING.sub("", words))  # "…支出决算减少" 20.06万元: the verb is not the topic's
        path = _PATH.findall(words)
        if path:
            # "“一般公共服务支出(类）-统计信息事务（款）-统计管理（项）”": the levels without their quotes and dashes
            subject = self.subject_from_path([name.strip("“”\"'-—－ ") for name, _ in path])
            if subject is not None:
                return Topic(subject.label, {"measure": code("measure", "expenditure")}, subject)
        label = _NOISE.sub("", words)
        for unit_word in self.unit_words:
            label = label.replace(unit_word, "")
        label = label.strip("，,、 ")
        if len(label) < 2:
            return None
        bare = _TRAILING.sub("", label)
        project = self.project_named(bare)
        if project is not None:
            return Topic(project.name, {"measure": code("measure", "expenditure")}, project=project)
        found = lexicon().find(label)
        dims: dict[str, Code] = {}
        details: list[Code] = []
        for _, _, item in found:
            if item.dimension == "phase":
                continue  # 预算/决算 say which figure, not what it is about
            if item.dimension == "detail":
                details.append(item)
            else:
                dims = merge(dims, {item.dimension: item})
        measure = dims.get("measure")
        if "采购" in label and (measure is None or measure.notation in GENERAL_MEASURES) and \
                (dims or any(d.notation in PURCHASE_DETAILS for d in details)):
            # "政府集中采购预算", "一般公共预算安排采购支出预算": 政府采购 (or a part of it), not 支出
            dims = {**dims, "measure": code("measure", "procurement")}
        if dims.get("measure") == code("measure", "procurement") and not details:
            # "政府采购工程预算": the kind of purchase said without 类 (货物类 is the vocabulary's word)
            details = [code("detail", notation) for word, notation in PURCHASE_KINDS.items() if word in label][:1]
        # mostly the vocabulary's words: "按支出功能分类科目划分" is a heading, not 支出
        covered = sum(end - start for start, end, _ in found)
        rest = _FILLER.sub("", normalize(label))
        vocabulary = bool(dims) and len(rest) - covered <= 3
        measure = dims.get("measure")
        if vocabulary and measure is not None and measure.notation not in GENERAL_MEASURES:
            return Topic(label, dims, details=tuple(details))  # 公务接待费 is the measure, not the 经济分类 item
        subject = self.subject_from_path([bare]) if bare else None
        if subject is not None:
            return Topic(subject.label, {"measure": code("measure", "expenditure")}, subject)
        if not vocabulary:
            return None
        if "measure" not in dims:
            if "exptype" in dims or "支出" in label:
                dims = merge(dims, {"measure": code("measure", "expenditure")})
            elif "收入" in label or "fund" in dims:
                dims = merge(dims, {"measure": code("measure", "income")})
        return Topic(label, dims, details=tuple(details))

    def detail_of(self, topic: Topic | None, words: str) -> Topic | None:
        """"…政府采购金额为372.34万元，其中：货物采购金额8.57万元": a part of the sentence's topic, named
        by a detail of the vocabulary alone."""
        if topic is None or topic.subject is not None or topic.project is not None:
            return None
        topic = topic.whole or topic  # "、工程采购金额…": a part of the whole, not of the part before it
        found = lexicon().find(_NOISE.sub("", words))
        details = tuple(item for _, _, item in found if item.dimension == "detail")
        if not details or len(details) != len(found):
            return None
        return Topic(words, topic.dims, details=topic.details + details, whole=topic)

    def project_named(self, label: str) -> Project | None:
        """A project by its name, or by the start of it ("一个号码管服务项目自评综述" → 一个号码管服务运行管理费)."""
        key = normalize(label)
        named = next((p for p in self.doc.projects.values() if normalize(p.name) == key), None)
        if named is not None or len(key) < 4:
            return named
        short = re.sub(r"(?:项目)?(?:绩效)?自评(?:综述|结果|情况)?$|项目$", "", key)
        if short == key or len(short) < 4:
            return None
        return next((p for p in self.doc.projects.values() if normalize(p.name).startswith(short)), None)

    def subject_from_path(self, names: list[str]) -> Subject | None:
        """The subject a 类/款/项 path (or a bare name) names: its last level, told apart by the levels above."""
        key = normalize(names[-1])
        matches = [s for s in self.doc.subjects.values() if normalize(s.label) == key]
        if len(matches) > 1 and len(names) > 1:
            # the one most of whose levels above are named: under 一般公共服务支出（类）, 组织事务（款）'s
            # 一般行政管理事务 (2013202) and not 群众团体事务's (2012902), although the 类 is above both
            parents = {normalize(n) for n in names[:-1]}

            def named_above(subject: Subject) -> int:
                return sum(1 for p in self.doc.subjects.values()
                           if subject.code.startswith(p.code) and p.code != subject.code and normalize(p.label) in parents)

            most = max(map(named_above, matches))
            matches = [s for s in matches if named_above(s) == most]
        if matches:
            return sorted(matches, key=lambda s: (s.scheme != "func", len(s.code)))[0]
        if len(names) == 1 and key in functional_classes():
            return self.doc.subjects.get(("func", functional_classes()[key])) or Subject("func", functional_classes()[key], names[0])
        return None

    # ------------------------------------------------------------ figures, changes, executions
    def emit(self, sentence: Sentence, end: int | None, upto: int | None = None) -> None:
        """The sentence's claims about its topic; `end` is where the sentence ends in the text (None when
        another subject follows in it), `upto` where the topic's clauses end in the sentence."""
        topic = sentence.topic
        if topic is None:
            return
        line = self.text.line_at(sentence.start)
        for offset, value, phase, year in sentence.amounts:
            dims = {**topic.dims, "phase": code("phase", phase)}
            self.reader.fact(value, topic.project.unit if topic.project else self.doc.unit, dims, topic.details, self.info(),
                             self.text.line_at(offset), offset, "正文", f"{topic.label}（正文）", subject=topic.subject,
                             project=topic.project, year=year)
        key = (topic.subject and topic.subject.code, tuple(sorted((k, v.notation) for k, v in topic.dims.items())),
               tuple(d.notation for d in topic.details), topic.project and topic.project.name)
        # this year's figure: of the document's phase ("年初预算为21.00万元，支出决算为16.95万元" in a 决算)
        this_year = [(v, phase) for _, v, phase, year in sentence.amounts if year == self.doc.year]
        current = next((v for v, phase in this_year if phase == self.doc.phase), this_year[0][0] if this_year else None)
        if current is not None:
            self._stated[key] = current
        else:  # "…总计19,044.27万元。与2024年度相比，收入支出总计增加100.46万元": the figure the sentence before stated
            current = self._stated.get(key) if sentence.change is not None or sentence.rate is not None else None
        reason = self.reason(sentence, end, upto)
        if sentence.change is not None or sentence.rate is not None:
            change = sentence.change
            if change is None and current is not None and sentence.previous is not None:
                change = current - sentence.previous
            self.doc.changes.append(Change(self.doc.unit, topic.label, {k: v for k, v in topic.dims.items() if k != "phase"},
                                           topic.subject, current, change, sentence.rate, sentence.previous, reason, line,
                                           sentence.basis))
            self._explained.append((sentence.start, self.doc.changes[-1]))
        for offset, of, rate, value in sentence.shares:
            whole = self.topic(of) if of else (sentence.whole or (sentence.first if sentence.first is not topic else None))
            of = of or (whole.label if whole else "")
            if rate is not None:
                self.doc.shares.append(Share(self.doc.unit, topic.label, {k: v for k, v in topic.dims.items() if k != "phase"},
                                             topic.subject, value, rate, of, whole.dims if whole else {}, self.text.line_at(offset)))
        if sentence.execution_rate is not None or (sentence.budget is not None and sentence.final is not None):
            self.doc.executions.append(Execution(self.doc.unit, topic.label, topic.subject, topic.project, sentence.budget,
                                                 sentence.final, sentence.execution_rate, reason, line,
                                                 {k: v for k, v in topic.dims.items() if k != "phase"}))
            self._explained.append((sentence.start, self.doc.executions[-1]))

    def reason(self, sentence: Sentence, end: int | None, upto: int | None = None) -> str | None:
        """'…主要原因是：…' / '…，主要是…' in the topic's own clauses, or at the start of the sentence after it."""
        own = sentence.text[sentence.segment:upto]
        match = _REASON.search(own)
        if match:
            if upto is not None:
                return _clean_reason(own[match.end():])
            reason, at = own[match.end():], sentence.start + len(sentence.text)
            if _clean_reason(reason) is None and end is not None:
                reason, at = self.sentence_at(end)  # "…低于预算的主要原因是：" ends its line; the reason is the next
            return _clean_reason(reason + self.continued(at))  # the reason ends the sentence, and may go on after it
        if end is None:
            return None
        window, at = self.sentence_at(end)
        match = _REASON.search(window)
        if match and match.start() < 12:
            return _clean_reason(window[match.end():] + self.continued(at))
        return None

    def sentence_at(self, start: int) -> tuple[str, int]:
        """The sentence of the text that starts at `start`, and the offset of its end."""
        stop = _SENTENCE_END.search(self.stream, start)
        at = stop.start() if stop else len(self.stream)
        return self.stream[start:at], at

    def continued(self, at: int) -> str:
        """The sentences that carry a reason on (“…维护维修等。因部分…未实际下达无法支出，故预算执行率偏低。”):
        within its paragraph, led by a causal word, with no figure of their own."""
        stream, more = self.stream, ""
        for _ in range(2):
            if at >= len(stream) or stream[at] != "。":
                break  # the paragraph ends here
            stop = _SENTENCE_END.search(stream, at + 1)
            following = stream[at + 1:stop.start() if stop else len(stream)]
            if not _CAUSE_GOES_ON.match(following) or _FIGURE.search(following) or _REASON.search(following):
                break
            more += "。" + following
            at += 1 + len(following)
        return more

    def named_reason(self, sentence: Sentence, end: int) -> None:
        """A sentence that names what it explains (“公务用车购置及运行维护费支出减少的主要原因是…”): its reason
        goes to the changes or 执行 stated shortly before whose topic and direction it names and that have none."""
        match = _NAMED_REASON.match(sentence.text.strip())
        if match is None or _FIGURE.search(match["head"]):
            return
        head = match["head"]
        directions = {name for name, pattern in _DIRECTION.items() if pattern.search(head)}
        if not directions:
            return  # "原因如下" or a reason of something not stated as a figure
        bare = _DIRECTION_WORDS.sub("", head)
        topic = self.topic(bare)
        named = _named_values(bare)
        if topic is None and not named:
            return
        reason, at = match["reason"], sentence.start + len(sentence.text)
        if _clean_reason(reason) is None:
            reason, at = self.sentence_at(end)  # "…的主要原因：" ends its line
        reason = _clean_reason(reason + self.continued(at))
        for offset, fact in self._explained:
            if offset < sentence.start - _REASON_REACH or fact.reason is not None or offset >= sentence.start:
                continue
            if _explains(directions, fact) and _same_topic(head, topic, named, fact):
                fact.reason = reason
    def info(self) -> TableInfo:
        """Figures the text states are filed under table 0, "正文" (the body text)."""
        if self._info is None:
            self._info = next((t for t in self.doc.tables if t.number == 0), None) or TableInfo(0, "正文", 0)
            if self._info not in self.doc.tables:
                self.doc.tables.append(self._info)
        return self._info


_CAUSE_GOES_ON = re.compile(r"^\s*(?:因|由于|且|同时|另外|此外|加之|故|所以|导致|从而|以及|并且)")
# what a named reason's head says about the direction, left out when reading what it is of
_DIRECTION_WORDS = re.compile(r"(?:决算数?|支出决算数?|执行数)?(?:大于|小于|高于|低于|少于|超过?)(?:年初)?预算数?|偏高|偏低|超支|未完成"
                              r"|增加|增长|上升|提高|减少|下降|降低|压减|持平|不变|无变化|总体|大幅|较大|有所")


# a line without a full stop runs into the heading after it: "…项目支出" + "财政拨款支出主要内容如下："
_LEAD_IN = re.compile(r"(?:财政拨款|一般公共预算|政府性基金预算?|国有资本经营预算)?(?:收入|支出)?(?:主要内容|具体情况|具体内容)如下$")


def _clean_reason(text: str) -> str | None:
    return _LEAD_IN.sub("", text.strip("，,；;：:。 \n")).strip("，,；;：:。 \n") or None


def _named_values(words: str) -> dict[str, set[str]]:
    """The code-list values (measure, fund, type) that words name, by dimension."""
    found: dict[str, set[str]] = {}
    for _, _, item in lexicon().find(words):
        if item.dimension not in {"phase", "detail"}:
            found.setdefault(item.dimension, set()).add(item.notation)
    return found


def _explains(directions: set[str], fact: Change | Execution) -> bool:
    """Whether a reason of a change up/down/flat, or of an outturn over/under its budget, can be of the fact."""
    if isinstance(fact, Change):
        value = fact.change if fact.change is not None else fact.rate
        if value is None:
            return False
        return bool(directions & ({"up"} if value > 0 else {"down"} if value < 0 else {"flat"}))
    if fact.rate is not None:
        over = fact.rate > 100
    elif fact.budget is not None and fact.final is not None:
        over = fact.final > fact.budget
    else:
        return False
    return bool(directions & ({"over"} if over else {"under"}))


def _same_topic(head: str, topic: Topic | None, named: dict[str, set[str]], fact: Change | Execution) -> bool:
    """Whether a reason's head names the fact's topic: its subject or project, else every value it has
    (a 收入 or 支出 by the word, which "财政拨款收入" may have taken into a fund's name)."""
    if fact.subject is not None or (isinstance(fact, Execution) and fact.project is not None):
        return topic is not None and ((fact.subject is not None and topic.subject is fact.subject)
                                      or (isinstance(fact, Execution) and topic.project is fact.project and fact.project is not None))
    if not fact.dims:
        return False
    for dimension, value in fact.dims.items():
        if dimension == "measure" and value.notation in GENERAL_MEASURES:
            if value.label not in head and "收支" not in head and value.notation not in named.get("measure", set()):
                return False
        elif dimension == "fund" and "fund" not in named:
            continue  # "“三公”经费支出决算数小于预算数" is of the 财政拨款 三公经费 stated before it
        elif value.notation not in named.get(dimension, set()):
            return False
    return True


def _within(whole: Topic, part: Topic) -> Topic:
    """What "X万元，其中：基本支出Y万元" states: Y is the 基本支出 of X.  The part keeps every dimension it
    names and takes the others (the subject, the type, the fund) from the whole."""
    if part.subject is not None and whole.subject is not None or part.project is not None:
        return part  # a subject (or project) within a subject: the part's own path says where it is
    dims = {**{k: v for k, v in whole.dims.items() if k != "measure" or "measure" not in part.dims}, **part.dims}
    return Topic(part.label, dims, part.subject or whole.subject, whole.project, tuple(dict.fromkeys(whole.details + part.details)))


class TextLike:  # the narrative's joined text with line numbers (narrative.Text)
    text: str

    def line_at(self, offset: int) -> int: ...
