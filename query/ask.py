"""Questions → answers: understand, pick a template, run its SPARQL, say what it found.

`Asker(store).ask(question, session_id)` returns one JSON-ready dict (the same for the CLI and
the web API).  Every figure in an answer is read from the graph, with its document, table and
line; a question that cannot be answered gets an honest status instead of a guess.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from budgetkg import settings as config
from budgetkg.ontology import terms as t
from budgetkg.query import templates as q
from budgetkg.query.catalog import Catalog, ProjectEntry
from budgetkg.query.understand import BUDGET_QUESTION, BUDGET_WORDS, FINAL_WORDS, Understander, Understanding
from budgetkg.stores import Store

PHASE_IRI = {"budget": t.ID["phase-budget"], "final": t.ID["phase-final"]}
PHASE_LABEL = {"budget": "预算", "final": "决算"}
FUND_RANK = {None: 0, "fiscal": 1, "general": 2}
EXPTYPE_RANK = {None: 0, "basic": 1}
RANKING_SHOWN = 10  # places named in a ranking when the question does not say how many
FEW_UNITS = 10  # up to this many units, figures are first looked for in the units' latest documents
MAX_UNITS = 8


def money(value: Decimal | str) -> str:
    return f"{Decimal(value):,.2f}"


def say_amount(figure: "Figure", asked: str | None) -> str:
    """A figure in the unit of money the question asks for, else in the one its document prints."""
    unit = asked or figure.money
    if unit == figure.money and figure.printed is not None:
        return f"{money(figure.printed)}{unit}"
    return f"{money(figure.amount / t.money_units()[unit].wanyuan)}{unit}"


@dataclass
class Figure:
    unit: str
    year: int
    phase: str
    amount: Decimal
    doc: str
    table: str
    line: int
    label: str = ""
    printed: Decimal | None = None  # as the document prints it, in `money`
    money: str = "万元"


@dataclass
class Result:
    status: str
    answer: str
    intent: str | None = None
    sparql: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    chart: dict[str, Any] | None = None


class Asker:
    def __init__(self, store: Store) -> None:
        started = time.perf_counter()
        self.store = store
        self.catalog = Catalog(store)
        self.understander = Understander(self.catalog)
        self.sessions: OrderedDict[str, Understanding] = OrderedDict()
        self._lock = threading.Lock()
        self.startup_s = time.perf_counter() - started
        self.timings: dict[str, float] = {}

    # ------------------------------------------------------------ entry point
    def ask(self, question: str, session_id: str | None = None) -> dict[str, Any]:
        question = question if isinstance(question, str) else ""
        if len(question) > config.MAX_QUESTION_CHARS:
            result = Result("not_understood", f"问题太长（{len(question)}个字符），请控制在{config.MAX_QUESTION_CHARS}个字符以内。")
            return self._payload(question, result, None, session_id)
        t0 = time.perf_counter()
        understood = self.understander.understand(question)
        t1 = time.perf_counter()
        understood = self._with_context(understood, session_id)
        try:
            result = self._answer(understood)
        except Exception as error:  # a template or engine failure must not look like an answer
            result = Result("not_understood", f"无法回答这个问题（{type(error).__name__}）。", understood.intent)
        t2 = time.perf_counter()
        tokenize = self.understander.tokenize_ms
        self.timings = {"tokenize_ms": tokenize, "match_ms": (t1 - t0) * 1000 - tokenize,
                        "understand_ms": (t1 - t0) * 1000, "answer_ms": (t2 - t1) * 1000}
        if session_id is not None and result.status in {"ok", "no_data"}:
            with self._lock:
                self.sessions[session_id] = understood
                self.sessions.move_to_end(session_id)
                while len(self.sessions) > 10_000:
                    self.sessions.popitem(last=False)
        return self._payload(question, result, understood, session_id)

    def _payload(self, question: str, result: Result, u: Understanding | None, session_id: str | None) -> dict[str, Any]:
        return {
            "question": question,
            "status": result.status,
            "answer": result.answer,
            "intent": result.intent,
            "entities": [{"type": m.kind, "text": m.text, "start": m.start, "end": m.end, "ids": m.targets}
                         for m in (u.mentions if u else [])],
            "tokens": u.tokens if u else [],
            "year": u.year if u else None,
            "phase": u.phases if u else [],
            "sparql": "\n\n".join(result.sparql),
            "columns": result.columns,
            "rows": result.rows,
            "sources": result.sources,
            "suggestions": result.suggestions,
            "chart": result.chart,
            "session_id": session_id,
        }

    # ------------------------------------------------------------ follow-up questions
    def _with_context(self, u: Understanding, session_id: str | None) -> Understanding:
        if session_id is None:
            return u
        with self._lock:
            previous = self.sessions.get(session_id)
        if previous is None:
            return u
        asks_little = not (u.dims or u.subjects or u.projects or u.terms)
        if not BUDGET_QUESTION.search(u.text) and not u.follow_up:
            return u
        if not (u.follow_up or (asks_little and not u.units) or (not u.units and u.intent in {"parent", "children", "staffing", "projects"})):
            return u
        merged = replace(u)
        if not u.units and not u.unknown_region:
            merged.units = list(previous.units)
            if u.regions:  # "那长沙呢": the same kind of unit in another region
                moved = self.understander.relocate(previous.units, u.regions[-1])
                if not moved:
                    return u
                merged.units = moved
        if asks_little:
            merged.dims, merged.details = dict(previous.dims), list(previous.details)
            merged.subjects, merged.projects = list(previous.subjects), list(previous.projects)
            merged.wants_total = previous.wants_total
        if not (BUDGET_WORDS.search(u.text) or FINAL_WORDS.search(u.text)):  # "那长沙呢" keeps 预算/决算
            merged.phases = list(previous.phases)
        if merged.year is None:
            merged.year = previous.year
        if u.intent in (None, "measure") and previous.intent not in (None, "definition", "code"):
            merged.intent = previous.intent if asks_little else (u.intent or "measure")
        merged.intent = merged.intent or previous.intent
        merged.all_children = u.all_children or (previous.all_children and not u.units)
        return merged

    # ------------------------------------------------------------ dispatch
    def _answer(self, u: Understanding) -> Result:
        if not u.text or not BUDGET_QUESTION.search(u.text) and not (u.units or u.subjects or u.projects or u.terms or u.follow_up):
            return Result("not_understood", "没有理解这个问题。可以这样问：“柳州热线中心三公经费多少”、“2010301是什么科目”、“哪个热线中心的预算最多”。",
                          suggestions=["柳州热线中心三公经费多少", "2010301是什么科目", "哪个热线中心的预算最多"])
        if u.unknown_region and not u.units:
            return Result("not_found", f"图谱中没有{u.unknown_region}的预算文件，无法回答。现有地区："
                          + "、".join(sorted(self.catalog.regions)) + "。", u.intent)
        if u.unknown_code and not (u.units or u.subjects):
            return Result("not_found", f"图谱中没有编码为{u.unknown_code}的单位或科目。", u.intent)
        handler = getattr(self, f"_intent_{u.intent}", None) if u.intent else None
        if handler is None:
            return Result("not_understood", "没有理解要查询什么。请说明单位和指标，例如“长沙热线中心的人员经费”。", u.intent,
                          suggestions=["长沙热线中心的人员经费", "柳州市人民政府办公室有哪些下属单位"])
        return handler(u)

    def _need_units(self, u: Understanding) -> Result | None:
        if not u.units:
            # a budget question that names no unit could be about any of them: offer the choices
            choices = [self.catalog.unit_label(i) + u.text for i in list(self.catalog.units)[:12]]
            return Result("ambiguous", "问题没有说明是哪个单位。可以用全称、简称或单位代码，例如“柳州热线中心”“103007”。",
                          u.intent, suggestions=choices)
        if len(u.units) > MAX_UNITS:
            mention = u.unit_mentions[0].text if u.unit_mentions else ""
            return Result("ambiguous", f"“{mention}”可以指{len(u.units)}个单位，请说得更具体一些。", u.intent,
                          suggestions=[u.text.replace(mention, self.catalog.unit_label(i), 1) if mention else self.catalog.unit_label(i)
                                       for i in u.units[:20]])
        return None

    # ------------------------------------------------------------ figures
    def _measure_of(self, u: Understanding) -> tuple[str | None, str | None, str | None]:
        measure = u.dims.get("measure")
        fund = u.dims.get("fund")
        exptype = u.dims.get("exptype")
        if measure is None:
            if exptype is not None or u.subjects or u.projects:
                measure = t.code("measure", "expenditure")
            elif fund is not None:
                measure = t.code("measure", "income")
            else:
                measure = t.code("measure", "expenditure-total")
        return measure.iri, fund.iri if fund else None, exptype.iri if exptype else None

    def _figures(self, u: Understanding, units: list[str], phase: str, subject: str | None = None,
                 project: str | None = None, sparql: list[str] | None = None) -> dict[str, Figure]:
        measure, fund, exptype = self._measure_of(u)
        measures = [measure]
        if measure.endswith("expenditure-total"):
            measures.append(str(t.ID["measure-expenditure"]))
        if measure.endswith("income-total"):
            measures.append(str(t.ID["measure-income"]))
        if project:
            bases = {project: units[0]}
        elif subject:
            entry = self.catalog.subjects[subject]
            bases = {f"{unit}/{entry.scheme}/{entry.code}": unit for unit in units}
        else:
            bases = {unit: unit for unit in units}
        wanted = {d.iri for d in u.details}
        best: dict[str, Figure] = {}
        # a few units' latest figures are looked for in their latest documents first: a unit's
        # slice holds every year of every document that names it (dozens at 10,000 documents)
        latest = [] if project else self._latest_documents(u, units, phase)
        searches = [latest] if latest and u.kind else [latest, None] if latest else [None]  # a kind asked is never widened
        for documents, candidate in ((d, c) for d in searches for c in measures):
            notation = t.codes()[candidate].notation
            slices = [str(t.slice_iri(base, phase, notation)) for base, unit in bases.items() if unit not in best]
            if not slices:
                break
            query = q.observations(slices, fund, exptype, u.year, documents)
            if sparql is not None:
                sparql.append(query)
            grouped: dict[str, dict] = {}
            for row in self.store.select(query).values():
                row = grouped.setdefault(row["o"], {**row, "details": set()})
                if row["detail"]:
                    row["details"].add(row["detail"])
            by_unit: dict[str, list[dict]] = {}
            for row in grouped.values():
                if wanted <= row["details"]:
                    by_unit.setdefault(row["unit"], []).append(row)
            for unit, mine in by_unit.items():
                if unit in best or unit not in units:
                    continue
                latest = max(int(r["year"]) for r in mine) + u.year_offset
                candidates = [r for r in mine if int(r["year"]) == latest]
                if not candidates:
                    continue
                row = min(candidates, key=lambda r: self._rank(r, unit, wanted, phase))
                best[unit] = Figure(unit, latest, phase, Decimal(row["amount"]), row["doc"], row["table"], int(row["line"]),
                                    printed=Decimal(row["printed"]) if row["printed"] else None,
                                    money=t.money_units()[row["money"]].notation if row["money"] else "万元")
        return best

    def _latest_documents(self, u: Understanding, units: list[str], phase: str) -> list[str]:
        """Per unit, the documents of the phase (and kind, when asked) that describe it (its own and
        its departments'), of the latest year among them or the year asked; none (no restriction)
        when neither a kind nor a few units narrow the search."""
        if u.kind is None and (u.year is not None or u.year_offset or len(units) > FEW_UNITS):
            return []
        found: list[str] = []
        for unit in units:
            documents = [d for d in self.catalog.documents_about(unit) if d.phase == phase
                         and (u.kind is None or d.kind == u.kind) and (u.year is None or d.year == u.year)]
            if documents:
                year = max(d.year for d in documents)
                found += [d.iri for d in documents if d.year == year]
        if u.kind is not None and not found:
            return [str(t.ID["doc/none"])]  # no document of the kind asked: nothing, not everything
        return list(dict.fromkeys(found))

    def _rank(self, row: dict, unit: str, wanted: set[str], phase: str) -> tuple:
        fund = (row["fund"] or "").rsplit("-", 1)[-1] or None
        exptype = (row["exptype"] or "").rsplit("-", 1)[-1] or None
        details = row["details"] - wanted
        own = self.catalog.documents.get(row["doc"])
        table_number = t.table_number(row["table"] or "") or 999
        column = int(row["o"].rsplit("-c", 1)[-1]) if "-c" in row["o"] else 0  # observation IRIs end with their column
        # the most aggregate figure, from a table rather than the text, from a document of the phase asked
        # (a 决算 repeats the budget), from the unit's own document
        return (len(details), table_number == 999, own is None or own.phase != phase, own is None or own.kind != "部门",
                FUND_RANK.get(fund, 3),
                EXPTYPE_RANK.get(exptype, 2), 0 if own and own.unit == unit else 1, table_number, int(row["line"]), column)

    def source(self, doc: str, table: str | None, line: int) -> dict[str, Any]:
        document = self.catalog.documents.get(doc)
        number, title = self.catalog.table(table)
        return {"document": document.title if document else doc, "file": document.file if document else "",
                "graph": doc, "table": number, "table_title": title, "line": line}

    def cite(self, source: dict[str, Any]) -> str:
        where = f"表{source['table']}“{source['table_title']}”" if source["table"] else "正文"
        return f"（来源：《{source['document']}》{where}第{source['line']}行）"

    def describe(self, u: Understanding, subject: str | None = None, project: str | None = None) -> str:
        if project:
            return f"项目“{self.catalog.projects[project].name}”"
        measure, fund, exptype = self._measure_of(u)
        words = []
        if fund:
            words.append(t.codes()[fund].label)
        if subject:
            entry = self.catalog.subjects[subject]
            words.append(f"{'功能' if entry.scheme == 'func' else '经济'}分类科目{entry.code}“{entry.label}”")
        if exptype:
            words.append(t.codes()[exptype].label)
        label = t.codes()[measure].label
        if label == "支出总计":
            label = "收支总额"
        if not (exptype and label == "支出") and not (subject and label == "支出"):
            words.append(label)
        for detail in u.details:
            words.append(detail.label)
        return "".join(words)

    def _intent_measure(self, u: Understanding) -> Result:
        if not u.units and u.projects:
            return self._intent_project(u)
        if not u.units and u.subjects and not u.dims:
            return self._intent_code(u)
        missing = self._need_units(u)
        if missing:
            return missing
        sparql: list[str] = []
        sentences, sources, rows, missing_units = [], [], [], []
        subjects = self._subjects_for(u) or [None]
        projects = self._projects_named(u) or [None]
        asked = u
        for dims, phase, subject, project in ((d, p, s, j) for d in (u.asks or [u.dims]) for p in u.phases
                                      for s in subjects for j in projects):
            u = replace(asked, dims=dims)
            units = [self.catalog.projects[project].unit] if project else u.units
            figures = self._figures(u, units, phase, subject, project, sparql)
            what = self.describe(u, subject, project)
            for unit in units:
                figure = figures.get(unit)
                name = self.catalog.unit_label(unit)
                if figure is None:
                    missing_units.append((name, phase, what))
                    continue
                src = self.source(figure.doc, figure.table, figure.line)
                sources.append(src)
                rows.append([name, figure.year, PHASE_LABEL[phase], what, float(figure.amount), src["document"], src["table"], src["line"]])
                sentences.append(f"{name}{figure.year}年{PHASE_LABEL[phase]}{what}为{say_amount(figure, u.money)}{self.cite(src)}")
        u = asked
        if not rows and not u.phase_stated and u.phases == ["budget"]:
            return self._intent_measure(replace(u, phases=["final"], phase_stated=True))  # only a 决算 says it
        year = f"{u.year}年" if u.year else ("上一年度" if u.year_offset else "")
        for name, phase, what in missing_units:
            sentences.append(f"{name}的文件未公开{year}{PHASE_LABEL[phase]}{what}")
        if not rows:
            status = "no_data"
        else:
            status = "ok"
        chart = None
        if len(rows) > 1:
            chart = {"type": "bar", "labels": [f"{r[0]} {r[2]}" for r in rows], "values": [r[4] for r in rows], "unit": "万元"}
        return Result(status, "；".join(sentences) + "。", u.intent or "measure", sparql,
                      ["单位", "年度", "阶段", "指标", "金额（万元）", "文件", "表", "行"], rows, sources, chart=chart)

    def _subjects_for(self, u: Understanding) -> list[str]:
        """Subjects named in the question; a name shared by a functional and an economic code keeps both."""
        return u.subjects[:4]

    _intent_compare = _intent_measure  # several units or phases: the same look-up, one figure each

    def _intent_project(self, u: Understanding) -> Result:
        if not u.projects:
            return self._intent_measure(u)
        chosen = self._one_year(u, self._projects_named(u))
        names = {self.catalog.projects[p].name for p in chosen}
        if len(chosen) > MAX_UNITS:
            return Result("ambiguous", f"有{len(chosen)}个同名项目，请说明单位。", "project",
                          suggestions=[f"{self.catalog.unit_label(self.catalog.projects[p].unit)}{self.catalog.projects[p].name}" for p in chosen[:10]])
        sparql: list[str] = []
        sentences, sources, rows = [], [], []
        for phase in u.phases:
            for project in chosen:
                entry = self.catalog.projects[project]
                measure = replace(u, dims={**u.dims, "measure": u.dims.get("measure", t.code("measure", "expenditure"))}, year=u.year or entry.year)
                figures = self._figures(measure, [entry.unit], phase, None, project, sparql)
                figure = figures.get(entry.unit)
                name = self.catalog.unit_label(entry.unit)
                if figure is None:
                    continue
                src = self.source(figure.doc, figure.table, figure.line)
                sources.append(src)
                rows.append([name, entry.name, figure.year, PHASE_LABEL[phase], float(figure.amount), src["document"], src["line"]])
                sentences.append(f"{name}项目“{entry.name}”{figure.year}年{PHASE_LABEL[phase]}金额为{say_amount(figure, u.money)}{self.cite(src)}")
        if not rows:
            return Result("no_data", f"文件未公开项目“{'、'.join(sorted(names))}”的{PHASE_LABEL[u.phases[0]]}金额。", "project", sparql)
        return Result("ok", "；".join(sentences) + "。", "project", sparql, ["单位", "项目", "年度", "阶段", "金额（万元）", "文件", "行"], rows, sources)

    def _scope_units(self, u: Understanding) -> list[str]:
        if u.units and (u.all_children or u.intent == "children"):
            scope = [c for unit in u.units for c in self.catalog.units[unit].children]
            return scope or u.units
        if u.units:
            return u.units
        return list(self.catalog.units)

    def _intent_ranking(self, u: Understanding) -> Result:
        units = self._scope_units(u)
        if not units:
            return Result("not_found", "没有可以排名的单位。", "ranking")
        sparql: list[str] = []
        subject = (self._subjects_for(u) or [None])[0]
        phase = u.phases[0]
        figures = self._figures(u, units, phase, subject, None, sparql)
        if not figures:
            return Result("no_data", f"这些单位的文件都未公开{PHASE_LABEL[phase]}{self.describe(u, subject)}。", "ranking", sparql)
        ordered = sorted(figures.values(), key=lambda f: f.amount, reverse=not u.ascending)
        shown = u.top_n or RANKING_SHOWN
        more = f"共{len(ordered)}个单位公开了该项，列出前{shown}名。" if len(ordered) > shown and not u.top_n else ""
        ordered = ordered[:shown]
        what = self.describe(u, subject)
        rows, sources, parts = [], [], []
        for rank, figure in enumerate(ordered, start=1):
            name = self.catalog.unit_label(figure.unit)
            src = self.source(figure.doc, figure.table, figure.line)
            sources.append(src)
            rows.append([rank, name, figure.year, float(figure.amount), src["document"], src["line"]])
            parts.append(f"第{rank}名 {name} {money(figure.amount)}万元{self.cite(src)}")
        top = ordered[0]
        head = f"{'最少' if u.ascending else '最多'}的是{self.catalog.unit_label(top.unit)}，{top.year}年{PHASE_LABEL[phase]}{what}{money(top.amount)}万元。"
        silent = [self.catalog.unit_label(x) for x in units if x not in figures]
        tail = f"未公开该项的单位：{'、'.join(silent)}。" if silent and len(silent) <= 10 else ""
        body = more + "排名：" + "；".join(parts) + "。"
        chart = {"type": "bar", "labels": [r[1] for r in rows], "values": [r[3] for r in rows], "unit": "万元"}
        return Result("ok", head + body + tail, "ranking", sparql, ["名次", "单位", "年度", "金额（万元）", "文件", "行"], rows, sources, chart=chart)

    # ------------------------------------------------------------ units
    def _intent_parent(self, u: Understanding) -> Result:
        missing = self._need_units(u)
        if missing:
            return missing
        query = q.parent(u.units)
        rows = self.store.select(query).values()
        sentences, sources, table = [], [], []
        for unit in u.units:
            mine = [r for r in rows if r["unit"] == unit]
            name = self.catalog.unit_label(unit)
            if not mine:
                sentences.append(f"文件中没有{name}的上级部门")
                continue
            parent = min(mine, key=lambda r: not r["name"])  # a document that also names the parent
            if not parent["name"]:
                entry = self.catalog.units.get(parent["parent"])
                parent = {**parent, "name": entry.name if entry else parent["parent"], "code": entry.code if entry else None}
            code = f"（代码{parent['code']}）" if parent["code"] else ""
            src = self.source(parent["doc"], None, 0)
            sources.append(src)
            table.append([name, parent["name"], parent["code"]])
            sentences.append(f"{name}的上级部门是{parent['name']}{code}（来源：《{src['document']}》）")
        status = "ok" if table else "no_data"
        return Result(status, "；".join(sentences) + "。", "parent", [query], ["单位", "上级部门", "代码"], table, sources)

    def _intent_children(self, u: Understanding) -> Result:
        missing = self._need_units(u)
        if missing:
            return missing
        query = q.children(u.units)
        rows = self.store.select(query).values()
        sentences, table = [], []
        for unit in u.units:
            mine = [r for r in rows if r["unit"] == unit]
            name = self.catalog.unit_label(unit)
            if not mine:
                sentences.append(f"文件中没有{name}的下属单位")
                continue
            listed = [f"{self.catalog.unit_label(r['child'])}（{r['code']}）" if r["code"] else self.catalog.unit_label(r["child"]) for r in mine]
            table.extend([name, self.catalog.unit_label(r["child"]), r["code"]] for r in mine)
            sentences.append(f"{name}有{len(mine)}个下属单位：{'、'.join(listed)}")
        status = "ok" if table else "no_data"
        docs = {d for unit in u.units for d in self.catalog.units[unit].own_documents}
        sources = [self.source(d, None, 0) for d in sorted(docs)]
        return Result(status, "；".join(sentences) + "。", "children", [query], ["单位", "下属单位", "代码"], table, sources)

    def _intent_staffing(self, u: Understanding) -> Result:
        missing = self._need_units(u)
        if missing:
            return missing
        query = q.staffing(u.units)
        rows = self.store.select(query).values()
        sentences, table, sources = [], [], []
        for unit in u.units:
            name = self.catalog.unit_label(unit)
            mine = [r for r in rows if r["unit"] == unit]
            if not mine:
                sentences.append(f"{name}的文件未公开编制数和实有人数")
                continue
            r = mine[0]
            parts = []
            if r["authorized"]:
                parts.append(f"编制数{r['authorized']}人")
            if r["actual"]:
                parts.append(f"实有人数{r['actual']}人")
            src = self.source(r["doc"], None, 0)
            sources.append(src)
            table.append([name, r["authorized"], r["actual"]])
            sentences.append(f"{name}{'，'.join(parts)}（来源：《{src['document']}》）")
        return Result("ok" if table else "no_data", "；".join(sentences) + "。", "staffing", [query], ["单位", "编制数", "实有人数"], table, sources)

    # ------------------------------------------------------------ projects
    def _intent_projects(self, u: Understanding) -> Result:
        missing = self._need_units(u)
        if missing:
            return missing
        iris = self._one_year(u, self._units_projects(u.units))
        query = q.projects(iris) if iris else ""
        rows = q.pivot(self.store.select(query), q.PROJECT_FIELDS, ("name", "unit")) if iris else []
        slices = {str(t.slice_iri(r["x"], "budget", "expenditure")): r["x"] for r in rows}
        amounts_query = q.slice_amounts(list(slices)) if slices else ""
        amounts = {slices[r["slice"]]: r["amount"] for r in self.store.select(amounts_query).values()} if slices else {}
        for r in rows:
            r["budget"] = amounts.get(r["x"])
        sentences, short, table, sources = [], [], [], []
        for unit in u.units:
            name = self.catalog.unit_label(unit)
            seen: dict[str, dict] = {}
            for r in rows:
                if r["unit"] == unit:
                    key = t.normalize(r["name"])
                    if key not in seen or (r["budget"] and not seen[key]["budget"]):
                        seen[key] = r
            if not seen:
                sentences.append(f"{name}的文件未列出项目")
                short.append(sentences[-1])
                continue
            listed = []
            for r in seen.values():
                listed.append(f"{r['name']}（{money(r['budget'])}万元）" if r["budget"] else r["name"])
                table.append([name, r["name"], float(r["budget"]) if r["budget"] else None])
            docs = {r["doc"] for r in seen.values()}
            sources.extend(self.source(d, None, 0) for d in sorted(docs))
            head = f"{name}{next(iter(seen.values()))['year']}年共有{len(seen)}个项目："
            sentences.append(head + "、".join(listed))
            short.append(head + "、".join(r["name"] for r in seen.values()))
        status = "ok" if table else "no_data"
        # many amounts make a long sentence: the names alone, the amounts stay in the table
        answer = "；".join(short if len({row[2] for row in table if row[2] is not None}) > 8 else sentences) + "。"
        return Result(status, answer, "projects", [x for x in (query, amounts_query) if x], ["单位", "项目", "预算（万元）"], table, sources)

    def _one_year(self, u: Understanding, projects: list[str]) -> list[str]:
        """Of each unit's projects, those of the year asked, or of the unit's latest year among them
        (a unit has a project of the same name every year)."""
        by_unit: dict[str, list[ProjectEntry]] = {}
        for iri in projects:
            entry = self.catalog.projects[iri]
            by_unit.setdefault(entry.unit, []).append(entry)
        found = []
        for mine in by_unit.values():
            year = u.year or max(p.year for p in mine)
            found += [p.iri for p in mine if p.year == year]
        return found

    def _projects_named(self, u: Understanding) -> list[str]:
        """The projects the question names; those of the units it names, when it names both."""
        return [p for p in u.projects if self.catalog.projects[p].unit in u.units] or u.projects

    def _units_projects(self, units: list[str]) -> list[str]:
        return [p for unit in units for p in self.catalog.units[unit].projects]

    def _performance_projects(self, u: Understanding) -> list[str]:
        """The projects named, else the units' projects; of one year."""
        return self._one_year(u, self._projects_named(u) or self._units_projects(u.units))

    def _intent_performance(self, u: Understanding) -> Result:
        projects = self._performance_projects(u)
        if not projects:
            return self._need_units(u) or Result("no_data", "文件未公开这些单位的项目绩效目标。", "performance")
        query = q.indicators(projects)
        order = {p: i for i, p in enumerate(projects)}
        rows = sorted(q.pivot(self.store.select(query), q.INDICATOR_FIELDS, ("level3", "value", "line")),
                      key=lambda r: (order[r["owner"]], int(r["line"])))
        for r in rows:
            r["name"] = self.catalog.projects[r["owner"]].name if r["owner"] in self.catalog.projects else r["owner"]
        wanted = [w for w in ("满意度", "办结率", "数量", "质量", "时效", "成本", "效益", "培训", "座席", "考核") if w in u.text]
        if wanted:
            rows = [r for r in rows if any(w in (r["level3"] or "") + (r["level2"] or "") + (r["level1"] or "") for w in wanted)]
        if not rows:
            goal_query = q.goals(projects)
            goals = self.store.select(goal_query).values()
            if goals:
                g = goals[0]
                src = self.source(g["doc"], None, 0)
                return Result("ok", f"项目“{g['name']}”的年度绩效目标：{g['goal']}（来源：《{src['document']}》）。", "performance",
                              [query, goal_query], ["项目", "绩效目标"], [[g["name"], g["goal"]]], [src])
            return Result("no_data", "文件未公开这个项目的绩效指标。", "performance", [query])
        if len(rows) > 6 and not wanted:
            rows = rows[:6]
        sentences, table, sources = [], [], []
        for r in rows:
            src = self.source(r["doc"], None, int(r["line"]))
            src["table_title"] = "绩效目标表"
            sources.append(src)
            table.append([r["name"], r["level1"], r["level2"], r["level3"], r["value"]])
            sentences.append(f"项目“{r['name']}”的{r['level3']}目标值为{r['value']}（{r['level2'] or r['level1'] or '指标'}，来源：《{src['document']}》第{r['line']}行）")
        return Result("ok", "；".join(sentences) + "。", "performance", [query], ["项目", "一级指标", "二级指标", "三级指标", "指标值"], table, sources)

    # ------------------------------------------------------------ narrative facts
    def _narrative_facts(self, u: Understanding, units: list[str], kind: str, phase: str,
                         pick: Callable[[list[dict]], dict | None]) -> tuple[dict[str, dict], list[str]]:
        """Per unit, the Change or Execution fact `pick` chooses among the unit's facts.  A unit's
        narrative is repeated in every document that names it, every year, so without a year asked
        its latest documents of the phase are read first, then all for the units `pick` left out."""
        latest = self._latest_documents(u, units, phase)
        chosen: dict[str, dict] = {}
        queries: list[str] = []
        for documents in ([latest, None] if latest else [None]):
            todo = [unit for unit in units if unit not in chosen]
            if not todo:
                break
            queries.append(q.facts(todo, kind, documents))
            rows = q.pivot(self.store.select(queries[-1]), q.FACT_FIELDS, ("label", "year", "line"))
            for unit in todo:
                found = pick([r for r in rows if r["unit"] == unit and (u.year is None or int(r["year"]) == u.year)])
                if found is not None:
                    chosen[unit] = found
        return chosen, queries

    def _intent_change(self, u: Understanding) -> Result:
        missing = self._need_units(u)
        if missing:
            return missing
        measure, fund, exptype = self._measure_of(u)
        subjects = set(self._subjects_for(u))
        wanted = [measure] + ([str(t.ID["measure-expenditure"]), str(t.ID["measure-income"])] if measure.endswith("-total") else [])

        def pick(mine: list[dict]) -> dict | None:
            if subjects:
                mine = sorted((r for r in mine if r["subject"] in subjects), key=lambda r: -int(r["year"]))  # the latest year
            else:
                # the latest year; the stated wording wins; otherwise the broadest (no fund or type named)
                mine = sorted((r for r in mine if not r["subject"] and r["measure"] in wanted),
                              key=lambda r: (-int(r["year"]), wanted.index(r["measure"]), r["fund"] != fund, r["exptype"] != exptype,
                                             bool(r["fund"]) and fund is None, bool(r["exptype"]) and exptype is None))
            return mine[0] if mine else None

        chosen, queries = self._narrative_facts(u, u.units, "Change", u.phases[0], pick)
        sentences, table, sources = [], [], []
        for unit in u.units:
            name = self.catalog.unit_label(unit)
            r = chosen.get(unit)
            if r is None:
                sentences.append(f"{name}的文件未说明这一项与上年相比的变化")
                continue
            change, rate = Decimal(r["change"]), Decimal(r["rate"]) if r["rate"] else None
            verb = "增加" if change >= 0 else "减少"
            rate_text = f"，{'增长' if rate is None or rate >= 0 else '下降'}{abs(rate):.2f}%" if rate is not None else ""
            amount = f"为{money(r['amount'])}万元，" if r["amount"] else ""
            reason = f"主要原因：{r['reason']}" if r["reason"] else ""
            src = self.source(r["doc"], None, int(r["line"]))
            sources.append(src)
            table.append([name, r["label"], float(r["amount"]) if r["amount"] else None, float(change), float(rate) if rate is not None else None])
            sentences.append(f"{name}{r['year']}年{r['label']}{amount}比上年{verb}{money(abs(change))}万元{rate_text}{self.cite(src)}。{reason}")
        status = "ok" if table else "no_data"
        return Result(status, "；".join(s.rstrip("。") for s in sentences) + "。", "change", queries, ["单位", "项目", "金额（万元）", "增减（万元）", "增减率（%）"], table, sources)

    def _intent_execution(self, u: Understanding) -> Result:
        missing = self._need_units(u) if not u.projects else None
        if missing:
            return missing
        units = u.units or [self.catalog.projects[p].unit for p in u.projects]
        subjects = set(self._subjects_for(u))

        def pick(mine: list[dict]) -> dict | None:
            mine = [r for r in mine if r["rate"]]
            if u.projects:
                mine = [r for r in mine if r["project"] in u.projects]
            elif subjects:
                mine = [r for r in mine if r["subject"] in subjects]
            else:
                mine = [r for r in mine if not r["subject"] and not r["project"]]
            return max(mine, key=lambda r: int(r["year"]), default=None)  # the latest 决算 (the first of a year)

        chosen, queries = self._narrative_facts(u, units, "Execution", "final", pick)
        sentences, table, sources = [], [], []
        for unit in units:
            name = self.catalog.unit_label(unit)
            r = chosen.get(unit)
            if r is None:
                sentences.append(f"{name}的决算文件未说明这一项的执行率")
                continue
            src = self.source(r["doc"], None, int(r["line"]))
            sources.append(src)
            table.append([name, r["label"], float(r["budget"]) if r["budget"] else None, float(r["final"]) if r["final"] else None, float(r["rate"])])
            sentences.append(f"{name}{r['year']}年{r['label']}年初预算{money(r['budget'])}万元，决算{money(r['final'])}万元，执行率{Decimal(r['rate']):.2f}%{self.cite(src)}")
        status = "ok" if table else "no_data"
        return Result(status, "；".join(sentences) + "。", "execution", queries, ["单位", "项目", "年初预算（万元）", "决算（万元）", "执行率（%）"], table, sources)

    # ------------------------------------------------------------ words and codes
    def _intent_definition(self, u: Understanding) -> Result:
        names = list(dict.fromkeys(u.terms))
        if not names:
            words = [m.text for m in u.mentions if m.kind == "measure"]
            names = [n for n in self.catalog.terms if any(t.normalize(w) in n or n in t.normalize(w) for w in words)]
        if not names:
            if u.subjects:
                return self._intent_code(u)
            return Result("no_data", "文件的名词解释中没有这个词。", "definition")
        labels = [self.catalog.terms[n] for n in names]
        query, count_query = q.definitions(labels), q.definition_documents(labels)
        rows = sorted(self.store.select(query).values(), key=lambda r: (r["doc"], int(r["line"])))
        if not rows:
            return Result("no_data", "文件的名词解释中没有这个词。", "definition", [query])
        first = rows[0]
        src = self.source(first["doc"], None, int(first["line"]))
        src["table_title"] = "名词解释"
        others = int(self.store.select(count_query).rows[0][0].value) - 1
        more = f"另有{others}份文件给出了相同或相近的解释。" if others > 0 else ""
        return Result("ok", f"{first['name']}：{first['definition']}（来源：《{src['document']}》名词解释，第{first['line']}行）。{more}",
                      "definition", [query, count_query], ["名词", "解释", "文件", "行"],
                      [[r["name"], r["definition"], self.source(r["doc"], None, 0)["document"], int(r["line"])] for r in rows], [src])

    def _intent_code(self, u: Understanding) -> Result:
        subjects = u.subjects
        if not subjects:
            if u.units:
                unit = self.catalog.units[u.units[0]]
                return Result("ok", f"{unit.code or ''}是单位代码：{self.catalog.unit_label(unit.iri)}。", "code")
            return Result("not_found", "图谱中没有这个科目编码。", "code")
        query = q.concept(subjects)
        rows = self.store.select(query).values()
        sentences, table = [], []
        seen = set()
        for r in rows:
            if r["c"] in seen:
                continue
            seen.add(r["c"])
            entry = self.catalog.subjects[r["c"]]
            path = [x for x in (r["b2label"], r["b1label"]) if x]
            scheme = "支出功能分类" if entry.scheme == "func" else "支出经济分类"
            within = f"，属于{' > '.join(path)}" if path else ""
            level = {3: "类", 5: "款", 7: "项"}.get(len(entry.code), "")
            sentences.append(f"{entry.code}是{scheme}科目“{entry.label}”（{level}级{within}）")
            table.append([entry.code, entry.label, scheme, " > ".join(path)])
        return Result("ok" if table else "not_found", "；".join(sentences) + "。", "code", [query], ["编码", "名称", "分类", "上级"], table)

