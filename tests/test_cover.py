"""Who a document is about, from the forms real covers take; regions from the national division list."""
from __future__ import annotations

import pytest

from budgetkg.ingest.errors import DocumentError
from budgetkg.ingest.parse import parse_file
from budgetkg.ontology.regions import find_region, region

TABLE = "2025年收入预算总表\n单位：元\n科目编码\t科目名称\t合计\n201\t一般公共服务支出\t1,000.00\n合计\t\t1,000.00\n"


@pytest.mark.parametrize("cover,expected", [
    ("上海市2025年市级单位预算\n预算单位：上海市财政局", ("上海市财政局", 2025, "单位", "budget", "上海市", "310000")),
    ("上海市普陀区2025年区级部门预算\n预算主管部门：上海市普陀区财政局",
     ("上海市普陀区财政局", 2025, "部门", "budget", "上海市普陀区", "310107")),
    ("上海市普陀区财政局\n年度部门决算\n2024", ("上海市普陀区财政局", 2024, "部门", "final", "上海市普陀区", "310107")),
    ("上海市普陀区生态环境局\n2025 年度部门决算", ("上海市普陀区生态环境局", 2025, "部门", "final", "上海市普陀区", "310107")),
    ("上海市普陀区人民政府\n石泉路街道办事处 2025\n年度部门决算",
     ("上海市普陀区人民政府石泉路街道办事处", 2025, "部门", "final", "上海市普陀区", "310107")),
    ("上海市普陀区2024年区级部门决算\n预算主管部门：中共上海市普陀区委社会工作部",
     ("中共上海市普陀区委社会工作部", 2024, "部门", "final", "上海市普陀区", "310107")),
    ("103007柳州市12345政务服务热线管理中心\n2024年单位预算公开说明",
     ("柳州市12345政务服务热线管理中心", 2024, "单位", "budget", "柳州市", "450200")),
    ("湖南省长沙市岳麓区教育局2023年部门预算", ("湖南省长沙市岳麓区教育局", 2023, "部门", "budget", "长沙市岳麓区", "430104")),
])
def test_covers(tmp_path, cover, expected):
    path = tmp_path / "doc.txt"
    path.write_text(cover + "\n目录\n一、概况\n" + TABLE, encoding="utf-8")
    document = parse_file(path)
    assert (document.unit.name, document.year, document.kind, document.phase, document.region_name,
            document.region_code) == expected


def test_the_year_can_come_from_the_table_titles(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("上海市普陀区财政局\n部门预算\n目录\n" + TABLE, encoding="utf-8")
    assert parse_file(path).year == 2025


def test_a_unit_without_a_region_is_refused(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("某某中心2025年单位预算\n" + TABLE, encoding="utf-8")
    with pytest.raises(DocumentError, match="cannot tell the region"):
        parse_file(path)


@pytest.mark.parametrize("name,code", [
    ("上海市普陀区司法局", "310107"),
    ("中共上海市普陀区委社会工作部", "310107"),
    ("舟山市普陀区某局", "330903"),
    ("柳州市人民政府办公室", "450200"),
    ("广西壮族自治区柳州市柳北区某局", "450205"),
    ("北京市海淀区某委员会", "110108"),
    ("上海市财政局", "310000"),
    ("湘西土家族苗族自治州某局", "433100"),
])
def test_regions_down_to_counties(name, code):
    assert find_region(name).code == code


def test_a_county_name_shared_by_two_cities_needs_the_documents_region():
    assert find_region("普陀区城市管理行政执法局") is None
    assert find_region("普陀区城市管理行政执法局", region("310000")).code == "310107"
    assert find_region("普陀区某局", region("330900")).code == "330903"
