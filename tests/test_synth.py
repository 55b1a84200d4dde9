"""The synthetic corpus: deterministic, sized as asked, fast, and internally consistent.

The consistency checks re-read the generated documents with a deliberately small reader (tab
tables by title; the PDF layout's 05/06/09 tables by pattern), independent of the real parser.
"""
from __future__ import annotations

import csv
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
import synth

from budgetkg.ingest.parse import parse_file
from budgetkg.settings import CORPUS_DIR

ROOT = Path(__file__).resolve().parents[1]
N = 160  # documents for the consistency checks: several departments of every kind


# --------------------------------------------------------------------------- a tiny reader


def num(cell: str) -> int:
    """'1,113.42' → 111342 (hundredths of 万元); an empty cell is 0."""
    cell = cell.strip()
    if not cell:
        return 0
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", cell), f"not an amount: {cell!r}"
    return int(cell.replace(",", "").replace(".", ""))


def tables(text: str) -> dict[str, list[list[str]]]:
    """Tab tables keyed by the last title line (a line ending in 表) before them; continuation
    pages after a page break add to the same table."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    title = ""
    for line in text.split("\n"):
        if "\t" in line:
            out[title].append(line.split("\t"))
        elif line.strip():
            t = line.strip().lstrip("#").strip().strip("*")
            if t.endswith("表") and len(t) < 50:
                title = t
    return out


def table(text: str, title: str) -> list[list[str]]:
    """The one table whose title ends with `title` (a regular expression)."""
    found = [rows for t, rows in tables(text).items() if re.search(f"{title}$", t)]
    assert len(found) == 1, f"{title}: {len(found)} tables"
    return found[0]


def kind(text: str) -> str:
    if "公开01表" in text:
        return "pdf"
    if text.startswith("\n\n# "):
        return "markdown"
    if "年部门预算公开\n" in text:
        return "cs"
    return "cz" if "年单位预算\n" in text else "lz"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str]]:
    paths = synth.generate(tmp_path_factory.mktemp("synth"), N, seed=3)
    return [(p, p.read_text(encoding="utf-8")) for p in paths]


def by_kind(corpus: list[tuple[Path, str]], k: str) -> list[str]:
    docs = [text for _, text in corpus if kind(text) == k]
    assert docs, f"no {k} document among {len(corpus)}"
    return docs


# --------------------------------------------------------------------------- API


def test_determinism(tmp_path: Path) -> None:
    a = synth.generate(tmp_path / "a", 40, seed=7)
    b = synth.generate(tmp_path / "b", 40, seed=7)
    c = synth.generate(tmp_path / "c", 40, seed=8)
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    assert [p.name for p in a] != [p.name for p in c]
    assert [x.read_bytes() for x in a] != [y.read_bytes() for y in c]


def test_counts_and_layouts(tmp_path: Path) -> None:
    assert synth.generate(tmp_path / "none", 0) == []
    ten = synth.generate(tmp_path / "ten", 10)
    assert len(ten) == 10 and all(p.is_file() and p.stat().st_size > 5000 for p in ten)
    assert sorted(tmp_path.joinpath("ten").iterdir()) == sorted(ten)
    for layout, kinds in (("pdf", {"pdf"}), ("markdown", {"markdown"}), ("tsv", {"lz", "cz", "cs"})):
        paths = synth.generate(tmp_path / layout, 25, layouts=(layout,))
        assert len(paths) == 25
        assert {kind(p.read_text(encoding="utf-8")) for p in paths} <= kinds
    with pytest.raises(ValueError):
        synth.generate(tmp_path / "bad", 3, layouts=("docx",))


def test_every_kind_of_document(corpus: list[tuple[Path, str]]) -> None:
    kinds = {kind(text) for _, text in corpus}
    assert kinds == {"pdf", "markdown", "lz", "cz", "cs"}


def test_cli(tmp_path: Path) -> None:
    assert synth.main(["--units", "12", "--out", str(tmp_path), "--seed", "5"]) == 0
    assert len(list(tmp_path.glob("*.txt"))) == 12


def test_speed(tmp_path: Path) -> None:
    start = time.perf_counter()
    paths = synth.generate(tmp_path, 200)
    assert len(paths) == 200
    assert time.perf_counter() - start < 4.0


# --------------------------------------------------------------------------- reference data


def test_regions_are_real() -> None:
    with (ROOT / "ontology" / "regions.csv").open(encoding="utf-8") as f:
        rows = {r["code"]: r["name"] for r in csv.DictReader(line for line in f if not line.startswith("#"))}
    assert len(synth.REGIONS) >= 30
    for code, name, _ in synth.REGIONS:
        assert rows.get(code) == name
        assert rows[code[:2] + "0000"] == synth.PROVINCES[code[:2]]


def test_subject_names_match_the_real_documents() -> None:
    """Where the bundled documents name a functional or economic code, the generator names it the same."""
    seen = 0
    for path in CORPUS_DIR.glob("*.txt"):
        for row in (r for rows in tables(path.read_text(encoding="utf-8")).values() for r in rows):
            code = row[0].strip()
            name = next((c for c in row[1:3] if c.strip() and not c.strip().isdigit()), "")
            name = name.replace(" ", "").replace("(", "（").replace(")", "）")
            if code in synth.FUNC and len(code) == 7:
                assert synth.FUNC[code] == name, (code, name)
                seen += 1
            elif code in synth.ECON and len(code) == 5:
                assert synth.ECON[code] == name, (code, name)
                seen += 1
    assert seen > 50


# --------------------------------------------------------------------------- reconciliation


def check_tree(rows: list[tuple[str, list[int]]], total: list[int] | None, leaf: int = 7) -> None:
    """类 = Σ款 = Σ项 (codes of 3, 5 and 7 digits; economic ones stop at 5) and 合计 = Σ类."""
    values = dict(rows)
    assert len(values) == len(rows), "a code twice"
    for code, v in rows:
        kids = [w for c, w in rows if len(c) == len(code) + 2 and c.startswith(code)]
        if len(code) < leaf:
            assert kids, f"{code} without children"
            assert [sum(col) for col in zip(*kids)] == v, code
    if total is not None:
        assert [sum(col) for col in zip(*(v for c, v in rows if len(c) == 3))] == total


def lz_checks(text: str) -> dict[str, int]:
    """000/002: returns unit name → total from the 收入总体情况表."""
    t1 = table(text, "^(部门|单位)收支总体情况表")
    rows = {r[0]: r for r in t1}
    assert num(rows["收入总计"][1]) == num(rows["收入总计"][3])
    assert num(rows["本年收入合计"][1]) + num(rows["上年结转结余"][1]) == num(rows["收入总计"][1])
    classes = sum(num(r[3]) for r in t1 if re.match(r"^[一二三四五六七八九十]+、.+支出$", r[2]))
    assert rows["本年收入合计"][2] == "本年支出合计" and rows["收入总计"][2] == "支出总计"
    assert classes == num(rows["本年收入合计"][3]) == num(rows["收入总计"][3])  # no 结转下年支出
    grand = num(rows["收入总计"][3])

    for suffix, width in (("支出总体情况表", 4), ("一般公共预算支出情况表", 5)):
        body = [r for r in table(text, suffix) if r[2] == "合计" or re.fullmatch(r"\d{3}|\d{6}", r[1])
                or re.fullmatch(r"\d{7}", r[0])]
        total, dept, units, unit = None, None, [], None
        for r in body:
            v = [num(c) for c in r[3:3 + width]]
            if width == 5:
                assert v[1] == v[2] + v[3] and v[0] == v[1] + v[4], r  # 基本 = 人员 + 公用; 合计 = 基本 + 项目
            else:
                assert v[0] == v[1] + v[2], r
            if r[2] == "合计":
                total = v
            elif len(r[1]) == 3:
                dept = v
            elif r[1]:
                unit = [v, []]
                units.append(unit)
            else:
                unit[1].append(v)
        assert total == dept and total[0] == grand
        for uv, items in units:
            assert [sum(col) for col in zip(*items)] == uv
        assert [sum(col) for col in zip(*(u for u, _ in units))] == dept
        if width == 5:
            person, public = total[2], total[3]

    t6 = [r for r in table(text, "一般公共预算基本支出情况表") if r[1] == "合计" or re.fullmatch(r"\d{3,5}", r[0])]
    v6 = [[num(c) for c in r[2:5]] for r in t6]
    assert all(v[0] == v[1] + v[2] for v in v6)
    assert v6[0] == [person + public, person, public]
    check_tree([(r[0], v) for r, v in zip(t6[1:], v6[1:])], v6[0], leaf=5)

    t7 = [[num(c) for c in r[3:13]] for r in table(text, "三公两费支出情况表") if r[2] == "合计" or re.match(r"\d", r[0])]
    for v in t7:
        assert v[0] == v[1] + v[2] + v[5] and v[2] == v[3] + v[4] and v[7] == v[8] + v[9]
    assert t7[0] == t7[1] and [sum(c) for c in zip(*t7[2:])] == t7[0]

    t2 = [r for r in table(text, "收入总体情况表") if re.fullmatch(r"\d{3}|\d{6}", r[0]) or r[1] == "合计"]
    v2 = [[num(c) for c in r[2:]] for r in t2]
    assert all(v[0] == v[1] + v[7] and v[1] == sum(v[2:7]) for v in v2)
    assert v2[0] == v2[1] == [sum(c) for c in zip(*v2[2:])] and v2[0][0] == grand

    t10 = [r for r in table(text, "政府采购预算表") if r[3] == "合计" or re.match(r"\d", r[0] + r[1])]
    for r in t10:
        v = [num(c) for c in r[4:18]]
        assert v[0] == v[7] == v[8] + v[11] and v[8] == v[9] + v[10] and v[11] == v[12] + v[13], r
    m = re.search(r"年(?:单位|部门)收支总预算([\d,]+\.\d\d)万元", text)
    assert m and num(m.group(1)) == grand
    return {r[1].replace(" ", ""): num(r[2]) for r in t2[2:]}


def test_lz_unit_and_department_documents(corpus: list[tuple[Path, str]]) -> None:
    for text in by_kind(corpus, "lz") + by_kind(corpus, "markdown"):
        lz_checks(text)


def cz_checks(text: str) -> tuple[str, int]:
    """004: returns (unit name, total)."""
    t1 = {r[0]: r for r in table(text, "年收支总表")}
    grand = num(t1["收 入 总 计"][1])
    assert grand == num(t1["收 入 总 计"][3]) == num(t1["本 年 收 入 小 计"][3])
    assert num(t1["本 年 收 入 小 计"][1]) + num(t1["上年结转数"][1]) == grand
    for suffix, width in (("年支出总表", 3), ("年一般公共预算支出表", 5)):
        body = [r for r in table(text, suffix) if re.fullmatch(r"\d{3,7}", r[0]) or r[1] == "合计"]
        vals = [[num(c) for c in r[2:2 + width]] for r in body]
        for v in vals:
            if width == 5:
                assert v[1] == v[2] + v[3] and v[0] == v[1] + v[4]
            else:
                assert v[0] == v[1] + v[2]
        assert body[-1][1] == "合计" and vals[-1][0] == grand
        check_tree([(r[0], v) for r, v in zip(body[:-1], vals[:-1])], vals[-1])
    t6 = [r for r in table(text, "年一般公共预算基本支出表") if re.fullmatch(r"\d{3,5}", r[0]) or r[0] == "合计"]
    v6 = [[num(c) for c in r[2:5]] for r in t6]
    assert all(v[0] == v[1] + v[2] for v in v6)
    check_tree([(r[0], v) for r, v in zip(t6[:-1], v6[:-1])], v6[-1], leaf=5)
    t9 = table(text, "年项目支出表")
    projects, last = [r for r in t9 if r[0] in ("特定目标类", "其他运转类")], t9[-1]
    assert last[0] == "合计" and all(num(r[3]) == num(r[4]) + num(r[7]) for r in [*projects, last])
    assert all(sum(num(r[k]) for r in projects) == num(last[k]) for k in (3, 4, 7))
    unit = table(text, "年收入总表")[-1]
    assert num(unit[1]) == grand
    return unit[0], grand


def test_cz_unit_documents(corpus: list[tuple[Path, str]]) -> None:
    for text in by_kind(corpus, "cz"):
        cz_checks(text)


def test_cs_department_documents(corpus: list[tuple[Path, str]]) -> None:
    for text in by_kind(corpus, "cs"):
        t1 = {r[0]: r for r in table(text, "部门收支总体情况表") if r[0]}
        grand = num(t1["收入总计"][1])
        assert grand == num(t1["收入总计"][3]) == num(t1["一、本级财政拨款收入"][1]) + num(t1["七、上年结转"][1])
        assert num(t1["一、本级财政拨款收入"][3]) + num(t1["二、财政专户管理事业收入"][3]) == grand  # 基本 + 项目
        for suffix in ("部门支出总体情况表", "一般公共预算支出情况表", "部门收入总体情况表"):
            rows, total = [], None
            for r in table(text, suffix):
                if r[3] == "合计":
                    total = [num(c) for c in r[4:7]]
                elif re.fullmatch(r"\d{3}", r[0] or "x") or re.fullmatch(r"\d\d", r[1]):
                    code = r[0] if not r[1] else (r[0] or "") + r[1] + r[2]
                    rows.append((code, [num(c) for c in r[4:7]]))
            # a 款 row carries only its two digits: give it its 类
            fixed, cls = [], ""
            for code, v in rows:
                cls = code if len(code) == 3 else cls
                fixed.append((cls + code if len(code) == 2 else code, v))
            check_tree(fixed, total)
            assert total[0] == grand
        sg = [[num(c) for c in r[1:7]] for r in table(text, "三公”经费支出情况表")[2:]]
        assert all(v[0] == v[1] + v[2] + v[3] and v[3] == v[4] + v[5] for v in sg)


AMOUNT = r"-?[\d,]+\.\d\d"


def test_pdf_final_accounts(corpus: list[tuple[Path, str]]) -> None:
    for text in by_kind(corpus, "pdf"):
        part = text[text.index("公开05表"):text.index("公开06表")]
        rows = []
        for line in part.split("\n"):
            if m := re.fullmatch(rf"合计 ({AMOUNT}) ({AMOUNT}) ({AMOUNT})", line):
                total = [num(x) for x in m.groups()]
            elif m := re.fullmatch(rf"\u3000*(\d{{3,7}}) \u3000*\S+ ({AMOUNT}) ({AMOUNT}) ({AMOUNT})", line):
                rows.append((m.group(1), [num(x) for x in m.groups()[1:]]))
        assert all(v[0] == v[1] + v[2] for _, v in rows) and total[0] == total[1] + total[2]
        check_tree(rows, total)
        m = re.search(rf"人员经费合计 ({AMOUNT}) 公用经费合计 ({AMOUNT})", text)
        assert num(m.group(1)) + num(m.group(2)) == total[1]
        m = re.search(rf"\n收入总计 ({AMOUNT}) 支出总计 ({AMOUNT})\n", text)
        assert num(m.group(1)) == num(m.group(2)) == total[0]
        nine = text[text.index("公开09表"):]
        m = re.search(r"\n1 2 3 4 5 6 7 8 9 10 11 12\n\n(.+)\n", nine)
        v = [num(x) for x in m.group(1).split()]
        for s in (v[:6], v[6:]):
            assert s[0] == s[1] + s[2] + s[5] and s[2] == s[3] + s[4]
        flat = "".join(x.strip() for x in text.split("\n") if not re.fullmatch(r"- \d+ -", x))  # unwrapped text
        assert re.search(r"编制数\d+人，实有人数\d+人", flat)
        assert re.search(r"完成年初预算的\d+\.\d\d%", flat)
        for line in text.split("\n"):
            assert not re.search(r"\d\.$", line), f"a figure split over two lines: {line}"


def test_units_add_up_to_their_department(corpus: list[tuple[Path, str]]) -> None:
    """A unit's own document shows the total that its department's document gives it."""
    def year(text: str) -> str:
        return re.search(r"(\d{4}) ?年(?:部门|单位)预算", text).group(1)
    in_dept = {(year(text), name): total for text in by_kind(corpus, "markdown") for name, total in lz_checks(text).items()}
    own = [((year(text), name), total) for text in by_kind(corpus, "lz") for name, total in lz_checks(text).items()]
    own += [((year(text), name), total) for text in by_kind(corpus, "cz") for name, total in [cz_checks(text)]]
    matched = [(key, total) for key, total in own if key in in_dept]
    assert len(matched) >= 10
    assert all(in_dept[key] == total for key, total in matched)


# --------------------------------------------------------------------------- the real parser


def test_every_document_parses_without_warnings(tmp_path: Path) -> None:
    for path in synth.generate(tmp_path, 60, seed=11):
        document = parse_file(path)
        assert not document.warnings, f"{path.name}: {[str(w) for w in document.warnings[:5]]}"
