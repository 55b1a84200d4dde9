"""Deterministic synthetic corpus of Chinese budget disclosures, for ingest at scale.

The documents imitate the five real ones bundled in ``budgetkg/corpus`` table for table:

* ``tsv`` layout: 单位预算 like 000 (柳州, "lz" regions) or 004 (池州, "cz" regions), and the
  部门预算 of a department that has only its own 本级 unit like 003 (长沙, split 类/款/项 columns);
* ``markdown`` layout: 部门预算 like 002, listing every unit of the department with its own rows;
* ``pdf`` layout: 单位决算 like 001 (space-separated columns, wrapped headers and names,
  side-by-side 基本支出 column groups, full-width indentation, page-break lines).

Departments are real prefecture-level cities × department types; their units, codes and
projects stay the same from year to year, and every figure is a whole number of 0.01 万元 so
that totals reconcile exactly: 类 = Σ款 = Σ项, 基本支出 = 人员经费 + 公用经费, “三公” = Σ parts,
the units' rows add up to the department's row, income equals expenditure, and a unit's own
document shows the same figures as its rows in the department's document.  同比 figures are
the real difference from the same unit's budget of the year before (which the generator can
also write), 决算 figures execute that year's budget.

``generate(out_dir, units=N)`` writes N documents (the plan holds some 100,000: 30 cities × 22
department types × 26 years, the most recent years first); the same seed gives byte-identical files.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import count, zip_longest
from pathlib import Path
from random import Random
from typing import NamedTuple

LAYOUTS = ("tsv", "pdf", "markdown")

# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

# (GB/T 2260 code, name, unit-document style) for real prefecture-level cities (ontology/regions.csv).
REGIONS: tuple[tuple[str, str, str], ...] = (
    ("450200", "柳州市", "lz"), ("341700", "池州市", "cz"), ("430100", "长沙市", "lz"), ("450100", "南宁市", "lz"),
    ("450300", "桂林市", "lz"), ("430200", "株洲市", "cz"), ("430700", "常德市", "lz"), ("340100", "合肥市", "cz"),
    ("340800", "安庆市", "cz"), ("320500", "苏州市", "lz"), ("321000", "扬州市", "cz"), ("330200", "宁波市", "lz"),
    ("330600", "绍兴市", "cz"), ("350200", "厦门市", "lz"), ("360700", "赣州市", "cz"), ("370200", "青岛市", "lz"),
    ("370600", "烟台市", "cz"), ("410300", "洛阳市", "lz"), ("420500", "宜昌市", "cz"), ("440400", "珠海市", "lz"),
    ("510700", "绵阳市", "cz"), ("520300", "遵义市", "lz"), ("530100", "昆明市", "cz"), ("610100", "西安市", "lz"),
    ("620100", "兰州市", "cz"), ("130100", "石家庄市", "lz"), ("140100", "太原市", "cz"), ("210200", "大连市", "lz"),
    ("220100", "长春市", "cz"), ("360100", "南昌市", "lz"),
)
PROVINCES = {
    "13": "河北省", "14": "山西省", "21": "辽宁省", "22": "吉林省", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
    "45": "广西壮族自治区", "51": "四川省", "52": "贵州省", "53": "云南省", "61": "陕西省", "62": "甘肃省",
}

# 2024 政府收支分类科目, 支出功能分类: 类 / 款 / 项 used below.
FUNC: dict[str, str] = {
    "201": "一般公共服务支出", "204": "公共安全支出", "205": "教育支出", "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出", "208": "社会保障和就业支出", "210": "卫生健康支出", "211": "节能环保支出",
    "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出", "220": "自然资源海洋气象等支出",
    "221": "住房保障支出", "224": "灾害防治及应急管理支出",
    "20103": "政府办公厅（室）及相关机构事务", "20104": "发展与改革事务", "20105": "统计信息事务", "20106": "财政事务",
    "20108": "审计事务", "20113": "商贸事务", "20138": "市场监督管理事务", "20406": "司法", "20501": "教育管理事务",
    "20502": "普通教育", "20601": "科学技术管理事务", "20701": "文化和旅游", "20702": "文物",
    "20801": "人力资源和社会保障管理事务", "20802": "民政管理事务", "20805": "行政事业单位养老支出",
    "20810": "社会福利", "21001": "卫生健康管理事务", "21004": "公共卫生", "21011": "行政事业单位医疗",
    "21101": "环境保护管理事务", "21103": "污染防治", "21201": "城乡社区管理事务", "21205": "城乡社区环境卫生",
    "21301": "农业农村", "21303": "水利", "21401": "公路水路运输", "22001": "自然资源事务", "22102": "住房改革支出",
    "22401": "应急管理事务",
    "2010399": "其他政府办公厅（室）及相关机构事务支出", "2010499": "其他发展与改革事务支出",
    "2010507": "专项普查活动", "2010599": "其他统计信息事务支出", "2010699": "其他财政事务支出",
    "2010804": "审计业务", "2010899": "其他审计事务支出", "2011308": "招商引资", "2011399": "其他商贸事务支出",
    "2013899": "其他市场监督管理事务", "2040699": "其他司法支出", "2050199": "其他教育管理事务支出",
    "2050201": "学前教育", "2050202": "小学教育", "2050203": "初中教育", "2050204": "高中教育",
    "2060199": "其他科学技术管理事务支出", "2070104": "图书馆", "2070109": "群众文化", "2070199": "其他文化和旅游支出",
    "2070205": "博物馆", "2080109": "社会保险经办机构", "2080111": "公共就业服务和职业技能鉴定机构",
    "2080199": "其他人力资源和社会保障管理事务支出", "2080299": "其他民政管理事务支出",
    "2080501": "行政单位离退休", "2080502": "事业单位离退休", "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出", "2081002": "老年福利", "2081004": "殡葬",
    "2100199": "其他卫生健康管理事务支出", "2100401": "疾病预防控制机构", "2100402": "卫生监督机构",
    "2100403": "妇幼保健机构", "2101101": "行政单位医疗", "2101102": "事业单位医疗", "2101103": "公务员医疗补助",
    "2110199": "其他环境保护管理事务支出", "2110301": "大气", "2110302": "水体", "2120104": "城管执法",
    "2120199": "其他城乡社区管理事务支出", "2120501": "城乡社区环境卫生", "2130104": "事业运行",
    "2130108": "病虫害控制", "2130199": "其他农业农村支出", "2130306": "水利工程运行与维护", "2130310": "水土保持",
    "2130313": "水文测报", "2130314": "防汛", "2130399": "其他水利支出", "2140106": "公路养护",
    "2140199": "其他公路水路运输支出", "2200104": "自然资源规划及管理", "2200199": "其他自然资源事务支出",
    "2210201": "住房公积金", "2210203": "购房补贴", "2240106": "安全监管", "2240199": "其他应急管理支出",
}
for _k in ("20103", "20104", "20105", "20106", "20108", "20113", "20138", "20406", "20501", "20601", "20701",
           "20801", "20802", "21001", "21101", "21201", "21301", "21303", "21401", "22001", "22401"):
    FUNC[_k + "01"], FUNC[_k + "02"] = "行政运行", "一般行政管理事务"
for _k in ("20103", "20104", "20105", "20106", "20108", "20113", "20138", "20406", "20801", "22001", "22401"):
    FUNC[_k + "50"] = "事业运行"

# 部门预算支出经济分类科目 (the full list of 001's 公开06表, in its order).
ECON: dict[str, str] = {
    "301": "工资福利支出", "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金", "30106": "伙食补助费",
    "30107": "绩效工资", "30108": "机关事业单位基本养老保险缴费", "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费", "30111": "公务员医疗补助缴费", "30112": "其他社会保障缴费", "30113": "住房公积金",
    "30114": "医疗费", "30199": "其他工资福利支出",
    "303": "对个人和家庭的补助", "30301": "离休费", "30302": "退休费", "30303": "退职（役）费", "30304": "抚恤金",
    "30305": "生活补助", "30306": "救济费", "30307": "医疗费补助", "30308": "助学金", "30309": "奖励金",
    "30310": "个人农业生产补贴", "30311": "代缴社会保险费", "30399": "其他对个人和家庭的补助",
    "302": "商品和服务支出", "30201": "办公费", "30202": "印刷费", "30203": "咨询费", "30204": "手续费", "30205": "水费",
    "30206": "电费", "30207": "邮电费", "30208": "取暖费", "30209": "物业管理费", "30211": "差旅费",
    "30212": "因公出国（境）费用", "30213": "维修（护）费", "30214": "租赁费", "30215": "会议费", "30216": "培训费",
    "30217": "公务接待费", "30218": "专用材料费", "30224": "被装购置费", "30225": "专用燃料费", "30226": "劳务费",
    "30227": "委托业务费", "30228": "工会经费", "30229": "福利费", "30231": "公务用车运行维护费",
    "30239": "其他交通费用", "30240": "税金及附加费用", "30299": "其他商品和服务支出",
    "307": "债务利息及费用支出", "30701": "国内债务付息", "30702": "国外债务付息",
    "310": "资本性支出", "31001": "房屋建筑物购建", "31002": "办公设备购置", "31003": "专用设备购置",
    "31005": "基础设施建设", "31006": "大型修缮", "31007": "信息网络及软件购置更新", "31008": "物资储备",
    "31009": "土地补偿", "31010": "安置补助", "31011": "地上附着物和青苗补偿", "31012": "拆迁补偿",
    "31013": "公务用车购置", "31019": "其他交通工具购置", "31021": "文物和陈列品购置", "31022": "无形资产购置",
    "31099": "其他资本性支出",
    "399": "其他支出", "39907": "国家赔偿费用支出", "39908": "对民间非营利组织和群众性自治组织补贴",
    "39909": "经常性赠与", "39910": "资本性赠与", "39999": "其他支出",
}
ECON_CLASS_ORDER = ("301", "302", "303")  # the order of the 基本支出 tables of 000/002/003/004
# 公用经费 items: (code, share of the unit's public pool, probability of appearing).
PUBLIC_ITEMS = (
    ("30201", .12, 1.0), ("30202", .03, .6), ("30205", .01, .6), ("30206", .04, .7), ("30207", .05, .7),
    ("30209", .05, .4), ("30211", .10, 1.0), ("30213", .04, .5), ("30214", .03, .1), ("30215", .02, .6),
    ("30216", .02, .7), ("30217", .01, .8), ("30226", .04, .3), ("30227", .03, .2), ("30228", .06, 1.0),
    ("30229", .02, .6), ("30239", .12, .6), ("30299", .10, 1.0),
)
# Economic item → the functional 项 its 基本支出 is booked under ("run" = the unit's running item).
ECON_TO_FUNC = {"30108": "2080505", "30109": "2080506", "30110": "med", "30111": "2101103", "30113": "2210201",
                "30302": "retire", "30399": "2210203"}

# The 支出功能分类 类 as the 收支总表 lists them, per template.
_CLASS_CODES = {
    "一般公共服务支出": "201", "外交支出": "202", "国防支出": "203", "公共安全支出": "204", "教育支出": "205",
    "科学技术支出": "206", "文化旅游体育与传媒支出": "207", "社会保障和就业支出": "208", "社会保险基金支出": "209",
    "卫生健康支出": "210", "节能环保支出": "211", "城乡社区支出": "212", "农林水支出": "213", "交通运输支出": "214",
    "资源勘探工业信息等支出": "215", "商业服务业等支出": "216", "金融支出": "217", "援助其他地区支出": "219",
    "自然资源海洋气象等支出": "220", "住房保障支出": "221", "粮油物资储备支出": "222", "国有资本经营预算支出": "223",
    "灾害防治及应急管理支出": "224", "预备费": "227", "其他支出": "229", "转移性支出": "230", "债务还本支出": "231",
    "债务付息支出": "232", "债务发行费用支出": "233", "抗疫特别国债安排的支出": "234",
}
_C26 = ("一般公共服务支出 外交支出 国防支出 公共安全支出 教育支出 科学技术支出 文化旅游体育与传媒支出 社会保障和就业支出 "
        "卫生健康支出 节能环保支出 城乡社区支出 农林水支出 交通运输支出 资源勘探工业信息等支出 商业服务业等支出 金融支出 "
        "援助其他地区支出 自然资源海洋气象等支出 住房保障支出 粮油物资储备支出").split()
CLASSES_LZ = tuple(_C26 + ["国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出", "债务还本支出", "债务付息支出",
                           "债务发行费用支出"])
CLASSES_PDF = CLASSES_LZ[:-1] + ("抗疫特别国债安排的支出",)
CLASSES_CZ = tuple(_C26 + ["灾害防治及应急管理支出", "预备费", "其他支出", "转移性支出", "债务还本支出", "债务付息支出",
                           "债务发行费用支出"])
CLASSES_CS = tuple([c for c in _C26 if c not in ("国防支出", "粮油物资储备支出")][:7] + ["社会保险基金支出"]
                   + [c for c in _C26 if c not in ("国防支出",)][7:] + ["灾害防治及应急管理支出", "其他支出"])


class SubUnit(NamedTuple):
    name: str  # "{c}" is the city
    kind: str  # 行政 / 参公 / 事业
    run: str  # functional 项 of its 基本支出
    proj: str  # functional 项 of its 项目支出
    duty: str


class DeptType(NamedTuple):
    name: str  # without the city
    kuan: str  # 款 of the department's own 行政运行 / 一般行政管理事务
    duties: tuple[str, ...]
    units: tuple[SubUnit, ...]
    projects: tuple[str, ...]


def _su(spec: str) -> tuple[SubUnit, ...]:
    return tuple(SubUnit(*line.split("|")) for line in spec.strip().splitlines())


DEPT_TYPES: tuple[DeptType, ...] = (
    DeptType("人民政府办公室", "20103", ("负责市人民政府会议的准备工作，协助市人民政府领导组织实施会议的决定事项",
             "协助市人民政府领导审核、起草以市人民政府、市人民政府办公室名义下发或上报的文件",
             "督促检查各部门及各县（区）对市人民政府文件、会议决定事项的执行情况"), _su("""
{c}12345政务服务热线管理中心|参公|2010399|2010301|受理市民咨询、求助、投诉、举报、建议等诉求并协调处理
{c}人民政府驻北京联络处|行政|2010301|2010302|开展与北京市之间的经济文化协作和信息交流
{c}人民政府驻上海联络处|行政|2010301|2010302|做好与驻地的横向经济联合、贸易往来和文化教育交流
{c}人民政府驻广州办事处|行政|2010301|2010302|在粤港澳大湾区开展招商引资、招才引智、政务联络等工作
{c}机关事务服务中心|事业|2010350|2010399|承担市级机关办公用房、公务用车等后勤服务保障工作
{c}电子政务服务中心|事业|2010350|2010399|承担全市电子政务网络和政务信息系统的建设运维"""),
             ("政府公报编制专项经费", "督查督办工作经费", "办公网络维护及信息安全维护", "专项会议支出", "参事调研服务经费",
              "“三大纠纷”调处工作经费")),
    DeptType("财政局", "20106", ("贯彻执行国家财税方针政策，拟订全市财政发展规划和政策措施",
             "承担市级财政收支管理责任，组织编制市级预决算草案", "负责政府非税收入管理和政府采购监督管理"), _su("""
{c}国库集中支付中心|参公|2010650|2010699|办理市级预算单位财政资金集中支付业务
{c}政府采购中心|事业|2010650|2010699|组织实施市级集中采购目录内项目的采购活动
{c}财政投资评审中心|事业|2010650|2010699|承担财政投资项目预算、结算和决算评审工作
{c}非税收入征收管理中心|参公|2010650|2010699|负责全市政府非税收入征收和票据管理工作
{c}财政信息中心|事业|2010650|2010699|承担财政业务信息系统的建设、运行和维护"""),
             ("预算编审专项经费", "财政信息化建设运维经费", "国库集中支付业务经费", "财政投资评审业务经费",
              "政府采购监管经费", "预算绩效管理专项经费")),
    DeptType("发展和改革委员会", "20104", ("拟订并组织实施全市国民经济和社会发展战略、中长期规划和年度计划",
             "统筹协调经济社会发展，研究分析经济形势", "负责全市重大项目的规划布局和综合协调"), _su("""
{c}价格认定中心|事业|2010450|2010499|承担涉案财物、纪检监察等价格认定工作
{c}经济信息中心|事业|2010450|2010499|承担经济运行监测分析和信息化建设工作
{c}重点项目服务中心|事业|2010450|2010499|承担全市重点项目的跟踪服务和调度工作"""),
             ("国民经济和社会发展规划编制经费", "重大项目前期工作经费", "价格监测专项经费", "经济运行调度经费")),
    DeptType("教育局", "20501", ("贯彻执行国家教育方针政策，拟订全市教育发展规划",
             "统筹管理全市各级各类教育，推进教育体制改革", "负责全市教育经费的统筹管理和学生资助工作"), _su("""
{c}第一中学|事业|2050204|2050204|实施普通高中学历教育
{c}第二中学|事业|2050204|2050204|实施普通高中学历教育
{c}实验小学|事业|2050202|2050202|实施小学学历教育
{c}第三初级中学|事业|2050203|2050203|实施初中学历教育
{c}机关幼儿园|事业|2050201|2050201|实施学前教育
{c}教育考试院|事业|2050199|2050199|承担全市各类教育考试的组织实施工作
{c}电化教育馆|事业|2050199|2050199|承担全市教育信息化建设和应用推广工作"""),
             ("教育督导评估经费", "中小学教师培训经费", "校园安全专项经费", "招生考试组织经费", "学生资助管理经费",
              "教育信息化运维经费")),
    DeptType("卫生健康委员会", "21001", ("贯彻执行国家卫生健康工作方针政策，拟订全市卫生健康事业发展规划",
             "协调推进深化医药卫生体制改革", "负责疾病预防控制和卫生应急工作"), _su("""
{c}疾病预防控制中心|事业|2100401|2100401|承担全市疾病预防控制和公共卫生技术服务工作
{c}卫生健康综合监督执法支队|参公|2100402|2100402|承担全市卫生健康综合监督执法工作
{c}妇幼保健院|事业|2100403|2100403|承担全市妇女儿童保健服务和技术指导工作
{c}急救指挥中心|事业|2100199|2100199|承担全市院前急救调度指挥工作
{c}卫生健康信息中心|事业|2100199|2100199|承担全民健康信息平台的建设运维"""),
             ("重大传染病防控经费", "基本公共卫生服务项目经费", "卫生监督执法专项经费", "妇幼健康服务经费",
              "卫生应急专项经费")),
    DeptType("民政局", "20802", ("贯彻执行民政工作方针政策，拟订全市民政事业发展规划",
             "负责社会救助、养老服务和社会组织登记管理", "负责婚姻登记、殡葬管理和区划地名管理"), _su("""
{c}社会福利院|事业|2081002|2081002|承担城市特困人员集中供养和养老服务工作
{c}救助管理站|事业|2080299|2080299|承担生活无着流浪乞讨人员的救助管理工作
{c}殡葬管理所|事业|2081004|2081004|承担全市殡葬改革和殡葬服务管理工作
{c}婚姻登记中心|事业|2080299|2080299|办理婚姻登记和婚姻家庭辅导服务"""),
             ("社区治理专项经费", "养老服务体系建设经费", "社会组织管理经费", "殡葬改革专项经费", "社会救助工作经费")),
    DeptType("人力资源和社会保障局", "20801", ("贯彻执行人力资源和社会保障方针政策，拟订全市相关发展规划",
             "负责促进就业和社会保险体系建设", "负责劳动保障监察和劳动人事争议调解仲裁"), _su("""
{c}社会保险事业管理中心|参公|2080109|2080109|承担社会保险登记、基金征缴和待遇发放经办工作
{c}公共就业服务中心|事业|2080111|2080111|承担公共就业服务和职业技能鉴定工作
{c}劳动人事争议仲裁院|事业|2080150|2080199|承担劳动人事争议案件的仲裁工作
{c}人才服务中心|事业|2080150|2080199|承担人才引进、人事代理和档案管理服务"""),
             ("就业创业服务经费", "劳动保障监察专项经费", "人才引进专项经费", "职称评审工作经费")),
    DeptType("农业农村局", "21301", ("贯彻执行“三农”工作方针政策，拟订全市农业农村发展规划",
             "统筹推进乡村振兴和农村综合改革", "负责农产品质量安全监督管理和动植物疫病防控"), _su("""
{c}农业技术推广中心|事业|2130104|2130199|承担农业新品种、新技术的试验示范和推广工作
{c}动物疫病预防控制中心|事业|2130104|2130199|承担全市动物疫病监测、诊断和防控技术指导
{c}植保植检站|事业|2130104|2130108|承担农作物病虫害监测预报和植物检疫工作
{c}农产品质量安全检测中心|事业|2130104|2130199|承担农产品质量安全检验检测工作"""),
             ("农产品质量安全监管经费", "高标准农田建设管理经费", "动物防疫专项经费", "乡村振兴工作经费",
              "农作物病虫害防控经费")),
    DeptType("水利局", "21303", ("贯彻执行水利工作方针政策，拟订全市水利发展规划",
             "负责水资源保护和水利工程建设管理", "承担水旱灾害防御相关工作"), _su("""
{c}水利工程管理站|事业|2130306|2130306|承担市管水利工程的运行管理和维修养护
{c}防汛抗旱服务中心|事业|2130314|2130314|承担防汛抗旱日常技术支撑工作
{c}水土保持监测站|事业|2130310|2130310|承担全市水土流失监测和水土保持技术服务
{c}水文水资源监测中心|事业|2130313|2130313|承担水文测报和水资源监测工作"""),
             ("水利工程运行维护经费", "防汛抗旱专项经费", "河湖长制工作经费", "水资源管理专项经费")),
    DeptType("交通运输局", "21401", ("贯彻执行交通运输方针政策，拟订全市综合交通运输发展规划",
             "负责公路、水路行业管理和交通运输安全监管", "负责农村公路建设和养护管理"), _su("""
{c}公路养护中心|事业|2140106|2140106|承担市管公路的日常养护和应急抢通工作
{c}交通运输综合行政执法支队|参公|2140199|2140199|承担交通运输领域综合行政执法工作
{c}交通建设工程质量安全监督站|事业|2140199|2140199|承担交通建设工程质量安全监督工作"""),
             ("农村公路养护专项经费", "交通运输安全监管经费", "交通规划编制经费", "公路桥梁检测经费")),
    DeptType("生态环境局", "21101", ("贯彻执行生态环境保护方针政策，拟订全市生态环境规划",
             "负责大气、水、土壤等污染防治的监督管理", "负责生态环境监测和执法工作"), _su("""
{c}生态环境监测站|事业|2110199|2110301|承担全市环境质量监测和污染源监督性监测
{c}生态环境保护综合行政执法支队|参公|2110199|2110302|承担生态环境保护综合行政执法工作
{c}固体废物管理中心|事业|2110199|2110199|承担固体废物和危险废物的监督管理技术支撑"""),
             ("大气污染防治专项经费", "水污染防治专项经费", "环境监测能力建设经费", "生态环境执法专项经费")),
    DeptType("住房和城乡建设局", "21201", ("贯彻执行住房和城乡建设方针政策，拟订全市住房城乡建设发展规划",
             "负责建筑市场和工程质量安全监督管理", "负责住房保障和房地产市场监管"), _su("""
{c}建设工程质量安全监督站|事业|2120199|2120199|承担房屋建筑和市政工程质量安全监督工作
{c}房屋征收与补偿事务所|事业|2120199|2120199|承担国有土地上房屋征收与补偿的具体事务
{c}住房保障服务中心|事业|2120199|2120199|承担保障性住房的分配和运营管理工作
{c}建筑市场服务中心|事业|2120199|2120199|承担建筑市场信用管理和招投标服务"""),
             ("建筑市场监管经费", "城市更新专项经费", "物业管理专项经费", "房屋安全鉴定经费")),
    DeptType("城市管理局", "21201", ("贯彻执行城市管理方针政策，拟订全市城市管理规划",
             "负责市容环境卫生和市政设施管理", "组织开展城市管理综合行政执法"), _su("""
{c}城市管理综合行政执法支队|参公|2120104|2120104|承担城市管理领域综合行政执法工作
{c}环境卫生管理处|事业|2120501|2120501|承担城区道路清扫保洁和生活垃圾收运工作
{c}市政设施维护中心|事业|2120199|2120199|承担城市道路、桥梁等市政设施的维护工作
{c}园林绿化中心|事业|2120199|2120199|承担城市公园和道路绿地的养护管理"""),
             ("城市环境卫生保洁经费", "市政设施维护经费", "城市管理执法专项经费", "园林绿化养护经费")),
    DeptType("文化广电和旅游局", "20701", ("贯彻执行文化、广电和旅游工作方针政策，拟订全市发展规划",
             "负责公共文化服务体系建设和文物保护", "负责旅游资源开发和文化旅游市场管理"), _su("""
{c}图书馆|事业|2070104|2070104|提供图书借阅、数字阅读和公益讲座等公共文化服务
{c}群众艺术馆|事业|2070109|2070109|组织开展群众文化活动和非遗保护工作
{c}博物馆|事业|2070205|2070205|承担文物收藏、保护、研究和展示工作
{c}文化市场综合行政执法支队|参公|2070199|2070199|承担文化旅游市场综合行政执法工作"""),
             ("公共文化服务体系建设经费", "文物保护专项经费", "旅游宣传推介经费", "非物质文化遗产保护经费")),
    DeptType("审计局", "20108", ("贯彻执行审计工作方针政策，拟订全市审计工作规划",
             "负责对市级预算执行和其他财政收支情况进行审计监督", "负责经济责任审计和政府投资项目审计"), _su("""
{c}政府投资审计中心|事业|2010850|2010804|承担政府投资项目的审计工作
{c}经济责任审计中心|事业|2010850|2010804|承担领导干部经济责任审计的具体工作
{c}审计信息中心|事业|2010850|2010899|承担审计信息化建设和数据分析工作"""),
             ("审计业务专项经费", "政府投资项目审计经费", "审计信息化建设经费")),
    DeptType("统计局", "20105", ("贯彻执行统计工作方针政策，组织实施全市统计调查",
             "负责全市国民经济核算和统计数据质量管理", "组织实施各类普查工作"), _su("""
{c}统计普查中心|事业|2010550|2010507|承担全市各类普查的组织实施工作
{c}社会经济调查中心|事业|2010550|2010599|承担住户收支和社会经济专项调查工作
{c}统计信息中心|事业|2010550|2010599|承担统计数据处理和信息化建设工作"""),
             ("经济普查专项经费", "统计调查专项经费", "统计数据质量核查经费")),
    DeptType("市场监督管理局", "20138", ("负责全市市场综合监督管理，规范市场秩序",
             "负责食品安全、特种设备安全监督管理", "负责质量、标准化、计量和知识产权工作"), _su("""
{c}质量计量检测所|事业|2013850|2013899|承担计量检定和产品质量检验工作
{c}食品药品检验检测中心|事业|2013850|2013899|承担食品、药品的检验检测工作
{c}消费者权益保护中心|事业|2013850|2013899|受理消费者投诉举报并组织调解
{c}市场监管综合行政执法支队|参公|2013899|2013899|承担市场监管领域综合行政执法工作"""),
             ("食品安全抽检经费", "特种设备安全监管经费", "质量强市专项经费", "市场监管执法办案经费")),
    DeptType("应急管理局", "22401", ("贯彻执行应急管理和安全生产方针政策，拟订全市应急管理规划",
             "负责安全生产综合监督管理和工矿商贸行业安全生产监管", "组织协调灾害救助和应急救援工作"), _su("""
{c}应急救援指挥中心|事业|2240150|2240199|承担应急值守和应急救援指挥调度的技术保障
{c}安全生产技术服务中心|事业|2240150|2240106|承担安全生产技术服务和宣传教育培训
{c}应急管理综合行政执法支队|参公|2240106|2240106|承担安全生产等领域综合行政执法工作"""),
             ("安全生产监管专项经费", "应急救援物资储备经费", "防灾减灾宣传经费", "应急演练专项经费")),
    DeptType("自然资源和规划局", "22001", ("贯彻执行自然资源和国土空间规划方针政策",
             "负责自然资源调查监测评价和确权登记", "负责国土空间规划编制和用途管制"), _su("""
{c}不动产登记中心|事业|2200150|2200199|承担不动产登记和登记资料管理工作
{c}国土空间规划研究院|事业|2200150|2200104|承担国土空间规划编制的技术支撑工作
{c}自然资源执法监察支队|参公|2200150|2200199|承担自然资源领域执法监察工作"""),
             ("国土空间规划编制经费", "不动产登记业务经费", "自然资源执法监察经费", "耕地保护专项经费")),
    DeptType("司法局", "20406", ("贯彻执行法治建设方针政策，统筹推进全面依法治市",
             "负责全市普法宣传和人民调解工作", "负责公共法律服务体系建设"), _su("""
{c}公证处|事业|2040650|2040699|依法办理各类公证事项
{c}法律援助中心|事业|2040650|2040699|组织实施全市法律援助工作"""),
             ("普法宣传专项经费", "人民调解工作经费", "法律援助专项经费", "社区矫正工作经费")),
    DeptType("科学技术局", "20601", ("贯彻执行科技工作方针政策，拟订全市科技发展规划",
             "负责科技创新体系建设和科技成果转化", "负责科学技术普及工作"), _su("""
{c}科技情报研究所|事业|2060199|2060199|承担科技文献信息服务和科技情报研究
{c}生产力促进中心|事业|2060199|2060199|为中小企业提供技术咨询和科技成果转化服务"""),
             ("科技创新专项经费", "科技成果转化服务经费", "科普宣传经费")),
    DeptType("商务局", "20113", ("贯彻执行商务工作方针政策，拟订全市商务发展规划",
             "负责推进流通产业发展和外贸外资工作", "组织开展招商引资工作"), _su("""
{c}招商服务中心|事业|2011350|2011308|承担招商引资项目的洽谈服务和跟踪落实
{c}电子商务促进中心|事业|2011350|2011399|承担电子商务发展的服务和推广工作"""),
             ("招商引资专项经费", "外贸发展专项经费", "商贸流通服务经费")),
)
GENERIC_PROJECTS = ("专项业务费", "办公设备购置费", "信息化运行维护费", "业务用房维修改造经费", "宣传培训经费")
GOODS = ("台式计算机", "便携式计算机", "打印设备", "复印机", "空调机", "办公家具")
SERVICES = ("信息技术服务", "物业管理服务", "印刷服务", "会议服务", "运行维护服务")
PURCHASE_CATALOG = (("政府履职辅助性服务", "信息化服务", "信息系统运行维护服务"),
                    ("政府履职辅助性服务", "后勤服务", "物业管理服务"),
                    ("公共服务", "公共公益宣传服务", "公共公益宣传服务"))
INDICATORS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (  # (一级, 二级, ((三级, 指标值, 度量单位)…))
    ("产出指标", "数量指标", (("开展专项工作次数", "≥{n}", "次"), ("服务对象覆盖人次", "≥{m}", "人次"), ("完成任务数量", "{n}", "个"))),
    ("产出指标", "质量指标", (("工作任务完成合格率", "≥95%", "%"), ("资金使用合规率", "100%", "%"))),
    ("产出指标", "时效指标", (("资金支付及时率", "≥90%", "%"), ("任务按期完成率", "100%", "%"))),
    ("产出指标", "成本指标", (("项目总成本", "≤{a}万元", "万元"), ("预算支出控制率", "≤100%", "%"))),
    ("效益指标", "社会效益指标", (("群众办事便利度", "有效提升", ""), ("社会影响", "持续向好", ""))),
    ("效益指标", "可持续影响指标", (("长效管理机制", "逐步健全", ""),)),
    ("满意度指标", "服务对象满意度指标", (("服务对象满意度", "≥90%", "%"),)),
)
GLOSSARY = (
    ("财政拨款收入", "指本级财政部门当年拨付的资金。"),
    ("事业收入", "指事业单位开展专业业务活动及辅助活动所取得的收入。"),
    ("经营收入", "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。"),
    ("其他收入", "指除上述“财政拨款收入”“事业收入”“经营收入”等以外的收入。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("“三公”经费", "纳入本级财政预决算管理的“三公”经费，是指本级各部门用财政拨款安排的因公出国（境）费、公务用车购置"
                 "及运行维护费和公务接待费。其中：因公出国（境）费反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、"
                 "伙食费、培训费、公杂费等支出；公务用车购置及运行维护费反映单位公务用车车辆购置支出（含车辆购置税）及租用费、"
                 "燃料费、维修费、过路过桥费、保险费、安全奖励费用等支出；公务接待费反映单位按规定开支的各类公务接待（含外宾接待）支出。"),
    ("机关运行经费", "为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，包括办公及印刷费、"
                 "邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、"
                 "办公用房物业管理费、公务用车运行维护费以及其他费用。"),
)
GLOSSARY_FINAL = GLOSSARY[:4] + (
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("结余分配", "指事业单位按规定提取的职工福利基金、事业基金和缴纳的所得税，以及建设单位按规定应交回的基本建设竣工项目结余资金。"),
    ("年末结转和结余", "指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需要延迟到以后年度按有关规定继续使用的资金。"),
) + GLOSSARY[4:]
REASONS_UP = ("人员增加，人员经费相应增加", "新增专项工作任务，项目支出增加", "社保及公积金缴费基数调整，人员经费增加",
              "业务工作量增加，专项业务经费相应增加")
REASONS_DOWN = ("按过紧日子和压减一般性支出的要求，压减公用经费", "部分项目已完成，项目支出相应减少",
                "人员减少，人员经费相应减少")
YEARS = (2024, 2023, 2025) + tuple(range(2022, 1999, -1))

# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------

_CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


_CN_NUMBERS = tuple(_cn(n) for n in range(100))


def cn(n: int) -> str:
    """1 → 一, 12 → 十二, 26 → 二十六."""
    return _CN_NUMBERS[n] if n < 100 else _cn(n)


def m(v: int) -> str:
    """An amount in 0.01 万元 as the tables print it: 1,113.42 (exact: v / 100 rounds back to v's digits)."""
    return f"{v / 100:,.2f}"


def plain(v: int) -> str:
    """An amount without thousands separators: 1113.42."""
    return f"{v / 100:.2f}"


def pct(a: int, b: int) -> str:
    return f"{a * 100 / b:.2f}%" if b else "0.00%"


def yoy(cur: int, prev: int, fmt: Callable[[int], str] = m, word: str = "同比") -> str:
    """同比增加79.80万元，同比增长7.72% / 与上年持平 (word="": 增加118.97万元，增长28.31%)."""
    d = cur - prev
    if d == 0:
        return "与上年持平"
    up, rise = ("增加", "增长") if d > 0 else ("减少", "下降")
    return f"{word}{up}{fmt(abs(d))}万元" + (f"，{word}{rise}{pct(abs(d), prev)}" if prev else "")


def H(*rows: str) -> list[list[str]]:
    """Header rows written with | between cells."""
    return [row.split("|") for row in rows]


_SPACED = re.compile(r"(?<=[\u4e00-\u9fff）])(?=[0-9])|(?<=[0-9%])(?=[\u4e00-\u9fff（])")


def spaced(s: str) -> str:
    """Spaces between Chinese and figures, as 003/004 print them: 2024 年收入预算 597.12 万元."""
    return _SPACED.sub(" ", s)


_RUNS = re.compile(r"([0-9A-Za-z.,%/\-]+)|([^0-9A-Za-z.,%/\-]+)")
_CLOSING = frozenset("，。、；：）”’！？》")


def wrap(text: str, w: float) -> list[str]:
    """Hard-wrap text at a display width (a figure's characters count 0.5, others 1) as a PDF
    extractor gives it: figures are never split and no line starts with closing punctuation."""
    lines: list[str] = []
    cur, used = "", 0.0
    for figure, other in _RUNS.findall(text):
        if figure:
            if cur and used + len(figure) * .5 > w:
                lines.append(cur)
                cur, used = "", 0.0
            cur += figure
            used += len(figure) * .5
        while other:
            room = int(w - used)
            if room <= 0:
                if other[0] in _CLOSING:
                    cur, other, used = cur + other[0], other[1:], used + 1
                else:
                    lines.append(cur)
                    cur, used = "", 0.0
                continue
            take = room + (other[room:room + 1] in _CLOSING)
            cur, other, used = cur + other[:take], other[take:], used + min(take, len(other))
    if cur:
        lines.append(cur)
    return lines


def item_path(code: str) -> str:
    """一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）."""
    return f"{FUNC[code[:3]]}（类）{FUNC[code[:5]]}（款）{FUNC[code]}（项）"


# ---------------------------------------------------------------------------------------------
# The model: departments, units, budgets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str  # 行政 / 参公 / 事业
    run: str
    proj: str
    staff: int  # 编制数
    hires: int  # 聘用人员
    retirees: int
    vehicles: int
    housing: bool
    projects: tuple[tuple[str, str, int], ...]  # (name, functional 项, base amount)
    duty: str
    key: str
    wage: float  # 万元 per person and year
    pool: float  # 公用经费, 万元 per person and year

    def func_of(self, econ: str) -> str:
        f = ECON_TO_FUNC.get(econ, "run")
        if f == "med":
            return "2101102" if self.kind == "事业" else "2101101"
        if f == "retire":
            return "2080502" if self.kind == "事业" else "2080501"
        return self.run if f == "run" else f


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    city: str
    region: str
    province: str
    style: str
    type: DeptType
    units: tuple[Unit, ...]
    sections: int  # 内设科室


@dataclass
class Project:
    name: str
    item: str
    amount: int
    unit: Unit
    carry: int = 0  # funded from 上年结转
    goods: int = 0
    services: int = 0
    central: bool = True
    purchase: int = 0  # 政府购买服务
    catalog: int = 0


@dataclass
class Budget:
    """One unit's (or a department's merged) budget or 决算 for one year; amounts in 0.01 万元."""

    year: int
    econ: dict[str, int]
    projects: list[Project]
    items: dict[str, list[int]]  # functional 项 → [人员经费, 公用经费, 项目支出]
    car_buy: int = 0
    staff: int = 0

    @cached_property
    def _classes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for k, v in self.econ.items():
            out[k[:3]] = out.get(k[:3], 0) + v
        return out

    def econ_sum(self, code: str) -> int:
        """An economic class (301) or item (30101)."""
        return self._classes.get(code, 0) if len(code) == 3 else self.econ.get(code, 0)

    @cached_property
    def person(self) -> int:
        return self.econ_sum("301") + self.econ_sum("303")

    @cached_property
    def public(self) -> int:
        return self.econ_sum("302")

    @property
    def basic(self) -> int:
        return self.person + self.public

    @cached_property
    def project(self) -> int:
        return sum(p.amount for p in self.projects)

    @property
    def total(self) -> int:
        return self.basic + self.project

    @cached_property
    def carry(self) -> int:
        return sum(p.carry for p in self.projects)

    @property
    def income(self) -> int:  # 本年收入: all of it 一般公共预算拨款
        return self.total - self.carry

    @property
    def sangong(self) -> tuple[int, int, int, int]:
        """(因公出国（境）费, 公务用车购置费, 公务用车运行维护费, 公务接待费)."""
        return self.econ.get("30212", 0), self.car_buy, self.econ.get("30231", 0), self.econ.get("30217", 0)

    def by(self, digits: int) -> dict[str, list[int]]:
        """Functional totals [basic, project] by 类 (3), 款 (5) or 项 (7) (computed once; do not modify)."""
        if (cached := self.__dict__.get(f"_by{digits}")) is not None:
            return cached
        out: dict[str, list[int]] = {}
        self.__dict__[f"_by{digits}"] = out
        for code, (pe, pu, pr) in self.items.items():
            row = out.setdefault(code[:digits], [0, 0])
            row[0] += pe + pu
            row[1] += pr
        return out

    def carry_of(self, code: str) -> int:
        """上年结转 funding the projects of a functional 类, 款 or 项."""
        return sum(p.carry for p in self.projects if p.item.startswith(code))


def allocate(unit: Unit, econ: dict[str, int], projects: list[Project]) -> dict[str, list[int]]:
    items: dict[str, list[int]] = {}
    for code, v in econ.items():
        items.setdefault(unit.func_of(code), [0, 0, 0])[1 if code.startswith("302") else 0] += v
    for p in projects:
        items.setdefault(p.item, [0, 0, 0])[2] += p.amount
    return dict(sorted(items.items()))


def merge(budgets: list[Budget]) -> Budget:
    econ: dict[str, int] = {}
    items: dict[str, list[int]] = {}
    for b in budgets:
        for k, v in b.econ.items():
            econ[k] = econ.get(k, 0) + v
        for k, row in b.items.items():
            acc = items.setdefault(k, [0, 0, 0])
            for i in range(3):
                acc[i] += row[i]
    return Budget(budgets[0].year, dict(sorted(econ.items())), [p for b in budgets for p in b.projects],
                  dict(sorted(items.items())), sum(b.car_buy for b in budgets), sum(b.staff for b in budgets))


def make_dept(seed: int, region: int, dtype: int) -> Dept:
    """The department of one type in one city: the same units, codes and projects every year."""
    rcode, city, style = REGIONS[region]
    dt = DEPT_TYPES[dtype]
    code = str(Random(f"{seed}/codes/{rcode}").sample(range(101, 700), len(DEPT_TYPES))[dtype])
    r = Random(f"{seed}/{rcode}/{dtype}")
    name = city + dt.name
    subs = [] if r.random() < .12 else r.sample(dt.units, r.randint(1, min(6, len(dt.units))))
    units, number = [], 1
    for i, sub in enumerate([None, *subs]):
        if i:
            number += 2 if r.random() < .15 else 1
        kind = sub.kind if sub else "行政"
        staff = r.randint(15, 90) if sub is None else r.randint(5, 60)
        pool = list(dt.projects) if sub is None else [*r.sample(dt.projects, 2), *GENERIC_PROJECTS]
        names = r.sample(pool, r.randint(1, min(len(pool), 4 if sub is None else 3)))
        scale = staff * r.uniform(.4, 2.0)
        own = dt.kuan + ("99" if dt.kuan + "99" in FUNC and r.random() < .2 else "02")
        projects = tuple((n, sub.proj if sub else own, int(r.uniform(.3, 2.5) * scale * 100)
                          + r.randint(100, 900) * (10 if r.random() < .1 else 1)) for n in names)
        units.append(Unit(
            code=f"{code}{number:03d}", name=sub.name.format(c=city) if sub else name, kind=kind,
            run=sub.run if sub else dt.kuan + "01", proj=sub.proj if sub else dt.kuan + "02", staff=staff,
            hires=r.randint(3, 130) if kind != "行政" and r.random() < .3 else 0,
            retirees=r.randint(2, staff // 2 + 2) if r.random() < .4 else 0,
            vehicles=r.randint(1, 4) if sub is None or r.random() < .3 else 0, housing=r.random() < .25,
            projects=projects, duty=sub.duty if sub else dt.duties[0], key=f"{seed}/{rcode}/{code}/{number}",
            wage=r.uniform(6.5, 10.5), pool=r.uniform(1.0, 3.0)))
    return Dept(code, name, city, rcode, PROVINCES[rcode[:2]], style, dt, tuple(units), r.randint(5, 22))


def budget(u: Unit, year: int) -> Budget:
    """A unit's 年初预算 for a year (a pure function of the unit and the year)."""
    r = Random(f"{u.key}/budget/{year}")
    yf = 1.035 ** (year - 2024) * r.uniform(.97, 1.04)
    staff = max(1, u.staff - r.randint(0, max(1, u.staff // 8)))
    w = staff * u.wage * 100 * yf
    e: dict[str, float] = {"30101": w * .30}
    if u.kind == "事业":
        e.update({"30107": w * .28, "30102": w * .04})
        if r.random() < .4:
            e["30103"] = w * .03
    else:
        e.update({"30102": w * .26, "30103": w * .10, "30111": w * .05})
    e.update({"30108": w * .16, "30110": w * .075, "30112": w * .006, "30113": w * .12})
    if u.hires:
        e["30199"] = u.hires * r.uniform(5, 8) * 100 * yf
    elif r.random() < .3:
        e["30199"] = w * .03
    if u.retirees:
        e["30302"] = u.retirees * r.uniform(.8, 2.5) * 100 * yf
    if u.housing:
        e["30399"] = staff * r.uniform(.1, .4) * 100
    if r.random() < .15:
        e["30305"] = r.uniform(1, 15) * 100
    pool = (staff + u.hires / 3) * u.pool * 100 * yf
    for code, share, prob in PUBLIC_ITEMS:
        if r.random() < prob:
            e[code] = pool * share * r.uniform(.6, 1.4)
    if u.vehicles:
        e["30231"] = u.vehicles * r.uniform(1.2, 2.5) * 100
    if u.kind == "行政" and r.random() < .06:
        e["30212"] = r.uniform(3, 20) * 100
    econ = {k: round(v) for k, v in sorted(e.items()) if round(v) > 0}
    econ["30109"] = econ["30108"] // 2
    econ = dict(sorted(econ.items()))
    projects = [Project(n, item, max(100, round(base * yf * r.uniform(.8, 1.25))), u) for n, item, base in u.projects]
    car_buy = 0
    if u.vehicles and r.random() < .04:
        car_buy = r.randint(15, 30) * 100
        projects.append(Project("公务用车购置", u.proj, car_buy, u, goods=car_buy))
    if r.random() < .12:
        projects[0].carry = projects[0].amount
    for p in projects:
        if r.random() < .4 and not p.goods:
            part = p.amount * r.uniform(.05, .6)
            p.goods = round(part * r.choice((0, .3, 1)))
            p.services = round(part) - p.goods
        p.central = r.random() < .7
        if r.random() < .25:
            p.purchase, p.catalog = round(p.amount * r.uniform(.1, .8)), r.randrange(len(PURCHASE_CATALOG))
    return Budget(year, econ, projects, allocate(u, econ, projects), car_buy, staff)


def final(u: Unit, year: int) -> Budget:
    """A unit's 决算 for a year: its budget executed, item by item."""
    b = budget(u, year)
    r = Random(f"{u.key}/final/{year}")
    econ = {k: round(v * (0 if k[:3] == "302" and r.random() < .05 else r.uniform(.9, 1.15))) for k, v in b.econ.items()}
    econ["30109"] = econ.get("30108", 0) // 2
    if "30399" not in econ and r.random() < .2:
        econ["30399"] = r.randint(10, 80)
    econ = {k: v for k, v in sorted(econ.items()) if v}
    projects = [Project(p.name, p.item, round(p.amount * (r.uniform(.3, .8) if r.random() < .25 else r.uniform(.9, 1.3))),
                        u, goods=p.goods, services=p.services) for p in b.projects]
    projects = [p for p in projects if p.amount]
    return Budget(year, econ, projects, allocate(u, econ, projects), b.car_buy, b.staff)


# ---------------------------------------------------------------------------------------------
# Writing helpers
# ---------------------------------------------------------------------------------------------


class Doc:
    """A document being written: lines, a random source for its variations, table helpers."""

    def __init__(self, r: Random, blank: bool = False, sp: bool = False):
        self.r, self.sp = r, sp
        self.zero = "" if blank else "0.00"
        self.buf: list[str] = ["", ""]
        self.page = r.randint(22, 42)

    def __call__(self, *paras: str) -> None:
        """Paragraphs, each followed by an empty line."""
        for s in paras:
            self.buf += (s, "")

    def n(self, v: int) -> str:
        return f"{v / 100:,.2f}" if v else self.zero

    def ns(self, *vs: int) -> list[str]:
        zero = self.zero
        return [f"{v / 100:,.2f}" if v else zero for v in vs]

    def name(self, s: str, p: float = .5) -> str:
        """A long name with a stray space, as text extracted from a PDF table cell has."""
        return f"{s[:14]} {s[14:]}" if self.sp and len(s) > 15 and self.r.random() < p else s

    def table(self, head: list[list[str]], rows: list[list[str]], repeat: Iterable[str] = (),
              head2: list[list[str]] | None = None) -> None:
        """A tab table; a page break repeats the header (and `repeat`, e.g. the title block)."""
        buf = self.buf
        buf += ("\t".join(h) for h in head)
        left = self.r.randint(4, self.page)
        for row in rows:
            if left == 0:
                buf.append("")
                buf += repeat
                buf += ("\t".join(h) for h in head2 or head)
                left = self.page
            buf.append("\t".join(row))
            left -= 1
        buf.append("")

    def text(self) -> str:
        return "\n".join(self.buf) + "\n"


def indicators(r: Random, amount: int, k: int) -> list[tuple[str, str, str, str, str]]:
    """(一级, 二级, 三级, 指标值, 度量单位) rows for a project's performance targets."""
    rows = []
    for l1, l2, options in INDICATORS:
        for l3, value, unit in r.sample(options, min(len(options), r.randint(1, k))):
            rows.append((l1, l2, l3, value.format(n=r.randint(2, 60), m=r.randint(100, 5000), a=plain(amount)), unit))
    return rows


def goal(p: Project, year: int) -> str:
    topic = p.name.removesuffix("经费").removesuffix("费").removesuffix("专项")
    return (f"完成{year}年度{topic}相关工作任务，保障{p.unit.name}{p.unit.duty[2:] if p.unit.duty.startswith('承担') else '各项工作'}"
            "顺利开展，确保资金使用规范、按期支付，工作目标按时完成。")


def duties(dept: Dept, u: Unit) -> tuple[str, ...]:
    """A unit's 主要职责: the department's own, or the sub-unit's with its housekeeping."""
    return dept.type.duties if u.name == dept.name else (u.duty, "负责本单位财务、人事、资产等内部管理工作")


def changes(b: Budget, prev: Budget) -> tuple[int, str]:
    return b.total - prev.total, (REASONS_UP if b.total >= prev.total else REASONS_DOWN)[b.total % 3 % 2]


SOCIAL_USES = {"20805": "在职在编人员机关事业单位基本养老保险和职业年金缴费及离退休人员经费",
               "21011": "在编人员基本医疗保险及公务员医疗补助缴费", "22102": "在编人员住房公积金及购房补贴"}
RUN_USES = "保障单位正常运转的基本支出，包括基本工资、津贴补贴、奖金、办公费、印刷费、水电费、差旅费、维修（护）费等"


def uses(code: str, projects: list[Project], basic: bool = True) -> str:
    """主要用于: what a functional 类/款/项 pays for."""
    what = [next((t for k, t in SOCIAL_USES.items() if k.startswith(code) or code.startswith(k)), RUN_USES)] if basic else []
    names = list(dict.fromkeys(p.name for p in projects if p.item.startswith(code)))
    if names:
        what.append("、".join(names[:4]) + ("等项目支出" if len(names) > 1 else "项目支出"))
    return "；".join(what)


# ---------------------------------------------------------------------------------------------
# 柳州 template: 单位预算 (000, plain tsv) and 部门预算 (002, markdown)
# ---------------------------------------------------------------------------------------------

LZ_T1 = H("收入||支出|", "项目|预算数|项目（按支出功能科目分类）|预算数")
LZ_T1_LEFT = ("一、一般公共预算拨款|(一) 上级补助|(二) 本级|(三) 一般债券|二、政府性基金预算拨款|(一) 上级补助|(二) 本级|"
              "(三) 专项债券|三、国有资本经营预算拨款|(一) 上级补助|(二) 本级|四、财政专户管理资金收入|五、单位资金|(一) 事业收入|"
              "(二) 事业单位经营收入|(三) 上级补助收入|(四) 附属单位上缴收入|(五) 其他收入").split("|")
LZ_T2 = H("部门（单位）代码|部门（单位）名称|合计|本年收入||||||上年结转结余|||||",
          "|||小计|一般公共预算|政府性基金预算|国有资本经营预算|财政专户管理资金收入|单位资金|小计|一般公共预算|政府性基金预算|"
          "国有资本经营预算|财政专户管理资金收入|单位资金", "|||1|2|3|4|5|6|7|8|9|10|11|12")
LZ_T2_SP = H("部门（单位）代码|部门（单位）名称|合计|本年收入||||||上年结转结余|||||",
             "|||小计|一般公共 预算|政府性基 金预算|国有资本经 营预算|财政专户管理 资金收入|单位 资金|小计|一般公 共预算|政府性基 金预算|"
             "国有资本经 营预算|财政专户管理 资金收入|单位 资金", "|||1|2|3|4|5|6|7|8|9|10|11|12")
LZ_T3 = H("科目编码|部门(单位)代码|部门名称(单位)(功能分类科目名称)|合计|基本支出|项目支出|结转下年支出")
LZ_T4_LEFT = ("（一）一般公共预算拨款|1、上级补助|2、本级|3、一般债券|（二）政府性基金预算拨款|1、上级补助|2、本级|3、专项债券|"
              "（三）国有资本经营预算拨款|1、上级补助|2、本级|二、上年结转结余|（一）一般公共预算拨款|（二）政府性基金预算拨款|"
              "（三）国有资本经营预算拨款").split("|")
LZ_T5 = H("科目编码|部门（单位）代 码|部门（单位）名称(功能分类科目 名称)|合计|本年一般公共预算支出|||",
          "||||基本支出|||项目支出", "||||小计|人员经费|公用经费|", "||||1|2|3|4")
LZ_T5_ASCII = H("科目编码|部门(单位)代 码|部门(单位)名称(功能分类科目 名称)|合计|本年一般公共预算支出|||",
                "||||基本支出|||项目支出", "||||小计|人员经费|公用经费|", "||||1|2|3|4")
LZ_T6 = H("部门预算支出经济分类科目||本年一般公共预算基本支出||", "科目编码|科目名称|合计|人员经费|公用经费")
LZ_T7 = H("部门（单位）代码|部门（单位）名称|资金性质|“三公”经费||||||会议费|培训费||",
          "|||合计|因公出国（境）费|公务用车购置及运行维护费|||公务接待费||小计|本级资金安排|上级补助资金安排",
          "|||||小计|公务用车运行维护费|公务用车购置费|||||", "|||1|2|3|4|5|6||7|8|9")
LZ_T8 = H("科目编码|部门（单位）代码|部门（单位）名称(功能分类科目名称)|本年政府性基金预算支出||", "|||合计|基本支出|项目支出",
          "|||1|2|3")
LZ_T9 = H("科目编码|部门（单位）代码|部门（单位）名称(功能分类科目名称)|本年国有资本经营预算支出||",
          "|||合计|基本支出|项目支出", "|||1|2|3")
LZ_T10 = H("科目编码|部门（单位）代码|部门（单位）名称（功能分类科目名称）|项目名称|政府采购资金类型|||||||政府采购项目类型|||||||",
           "||||合计|一般公共预算拨款|政府性基金预算拨款|国有资本经营预算拨款|财政专户管理的收入|单位资金|政府性基金预算拨款|合计|"
           "集中采购|||分散采购|||", "||||||||||||小计|货物类|服务类|小计|货物类|服务类|服务类")
LZ_T11 = H("科目编码|部门（单位）代 码|部门（单位）名称 (功能分类科目名称)|政府购买服务资金类型||||||",
           "|||合计|一般公共预算 拨款|政府性基金预 算拨款|国有资本经营 预算拨款|财政专户管理 的收入|单位资金|上年结余收入",
           "|||1|2|3|4|5|6|7")
LZ_T12 = H("部门（单位）代码|部门（单位）名称|项目名称|年度绩效目标")
LZ_TABLES = ("收支总体情况表", "收入总体情况表", "支出总体情况表", "财政拨款收支总体情况表", "一般公共预算支出情况表",
             "一般公共预算基本支出情况表", "财政拨款三公两费支出情况表", "政府性基金预算支出情况表", "国有资本经营预算支出情况表",
             "政府采购预算表", "政府购买服务预算表", "项目绩效目标公开表")
LZ_SECTIONS = ("收支预算情况说明", "收入预算情况说明", "支出预算情况说明", "财政拨款收支预算情况说明", "一般公共预算支出情况说明",
               "一般公共预算基本支出情况说明", "一般公共预算“三公”经费情况说明", "政府性基金预算支出情况说明",
               "国有资本经营预算支出情况说明", "政府采购预算情况说明", "政府购买服务预算情况说明", "项目预算绩效目标情况说明",
               "预算其他重要事项情况说明")


def class_line(b: Budget, classes: tuple[str, ...], fmt: Callable[[int], str] = m, sep: str = "、") -> str:
    by = b.by(3)
    return sep.join(f"{c}{fmt(sum(by[k]))}万元" for c in classes if (k := _CLASS_CODES[c]) in by)


def lz_narrative(d: Doc, heading: Callable[[int, str], str], word: str, dept: Dept, units: list[Unit], b: Budget,
                 prev: Budget, y: int) -> None:
    """第二部分 of 000/002: the thirteen explanations, figures taken from the tables."""
    me = f"我{word}"
    cls = [c for c in CLASSES_LZ if _CLASS_CODES[c] in b.by(3)]
    by, pby = b.by(3), prev.by(3)
    d_total, reason = changes(b, prev)
    carry = f"、上年结转结余{m(b.carry)}万元" if b.carry else ""
    d(heading(1, f"一、{word}{LZ_SECTIONS[0]}"),
      f"{y}年{word}收支总预算{m(b.total)}万元，{yoy(b.total, prev.total)}。收入包括：一般公共预算拨款{m(b.income)}万元{carry}。"
      f"支出包括：{class_line(b, CLASSES_LZ)}。",
      heading(1, f"二、{word}{LZ_SECTIONS[1]}"),
      f"{y}年{word}收入总预算{m(b.total)}万元，{yoy(b.total, prev.total)}。其中：",
      f"（一）一般公共预算拨款收入{m(b.income)}万元，{yoy(b.income, prev.income)}。")
    if b.carry:
        d(f"（二）上年结转结余{m(b.carry)}万元。")
    d(f"{y}年收入预算总体{'增加' if d_total >= 0 else '减少'}的主要原因：{reason}。",
      heading(1, f"三、{word}{LZ_SECTIONS[2]}"),
      f"{y}年{word}支出总预算{m(b.total)}万元，基本支出预算{m(b.basic)}万元，占支出总预算{pct(b.basic, b.total)}，"
      f"{yoy(b.basic, prev.basic)}。项目支出预算{m(b.project)}万元，占支出总预算{pct(b.project, b.total)}，"
      f"{yoy(b.project, prev.project)}。",
      f"（一）按支出功能分类科目划分，共分为{len(cls)}类，其中：")
    for i, c in enumerate(cls, 1):
        k = _CLASS_CODES[c]
        cur, old = sum(by[k]), sum(pby.get(k, [0, 0]))
        why = f"，{'增加' if cur > old else '减少'}的主要原因是：{(REASONS_UP if cur > old else REASONS_DOWN)[i % 3 % 2]}" \
            if cur != old else ""
        d(f"{i}. {c}{m(cur)}万元，占支出总预算{pct(cur, b.total)}，{yoy(cur, old)}{why}。")
    d("(二) 按支出结构分类划分，分为基本支出预算和项目支出预算。",
      f"1. 基本支出预算{m(b.basic)}万元，占支出总预算{pct(b.basic, b.total)}，{yoy(b.basic, prev.basic)}。",
      f"2. 项目支出预算{m(b.project)}万元，占支出总预算{pct(b.project, b.total)}，{yoy(b.project, prev.project)}。",
      f"{y}年支出预算总体{'增加' if d_total >= 0 else '减少'}的主要原因：{reason}。",
      heading(1, f"四、{LZ_SECTIONS[3]}"),
      f"{y}年{word}财政拨款收支总预算{m(b.total)}万元，收入包括：一般公共预算拨款{m(b.income)}万元{carry}；"
      f"支出包括：{class_line(b, CLASSES_LZ)}。",
      heading(1, f"五、{LZ_SECTIONS[4]}"),
      f"{y}年{word}一般公共预算拨款支出{m(b.total)}万元，其中：基本支出{m(b.basic)}万元，项目支出{m(b.project)}万元。"
      "具体支出预算如下：")
    for i, (code, (pe, pu, pr)) in enumerate(b.items.items(), 1):
        split = "全部为基本支出" if not pr else "全部为项目支出" if not pe + pu else \
            f"其中：基本支出预算{m(pe + pu)}万元，项目支出预算{m(pr)}万元"
        d(f"（{cn(i)}）{item_path(code)}支出{m(pe + pu + pr)}万元，{split}。主要用于：{uses(code, b.projects, pe + pu > 0)}。")
    persons = "、".join(ECON[k] for k in b.econ if k[:3] in ("301", "303"))
    publics = "、".join(ECON[k] for k in b.econ if k.startswith("302"))
    d(heading(1, f"六、{LZ_SECTIONS[5]}"), f"{y}年{word}一般公共预算基本支出{m(b.basic)}万元，其中：",
      f"（一）人员经费{m(b.person)}万元，主要包括：{persons}。", f"（二）公用经费{m(b.public)}万元，主要包括：{publics}。")
    (ab, buy, run, rec), (pab, pbuy, prun, prec) = b.sangong, prev.sangong
    sg, psg = ab + buy + run + rec, pab + pbuy + prun + prec
    d(heading(1, f"七、{LZ_SECTIONS[6]}"),
      f"{y}年{word}一般公共预算安排的“三公”经费支出预算{m(sg)}万元，比{y - 1}年预算{m(psg)}万元，{yoy(sg, psg)}。其中：",
      f"（一）因公出国（境）经费{y}年预算{m(ab)}万元，{yoy(ab, pab)}。",
      f"（二）公务接待费{y}年预算{m(rec)}万元，{yoy(rec, prec)}"
      + ("，减少的主要原因是：按过紧日子和压减一般性支出的要求，大幅压减公务接待费。" if rec < prec else "。"),
      f"（三）公务用车购置及运行维护费{y}年预算{m(buy + run)}万元，{yoy(buy + run, pbuy + prun)}。其中：",
      f"1. 公务用车购置费{y}年预算{m(buy)}万元，{yoy(buy, pbuy)}。\n2. 公务用车运行维护费{y}年预算{m(run)}万元，{yoy(run, prun)}。",
      heading(1, f"八、{LZ_SECTIONS[7]}"), f"{y}年{me}无政府性基金预算支出安排，故无数据情况说明。",
      heading(1, f"九、{LZ_SECTIONS[8]}"), f"{y}年{me}无国有资本经营预算支出安排，故无数据情况说明。",
      heading(1, f"十、{LZ_SECTIONS[9]}"))
    gp = procurement(b)
    pgp = procurement(prev)
    if gp[0]:
        d(f"{y}年政府采购预算{m(gp[0])}万元，{yoy(gp[0], pgp[0])}。其中：政府集中采购预算{m(gp[1])}万元，占政府采购预算"
          f"{pct(gp[1], gp[0])}，{yoy(gp[1], pgp[1])}；分散采购预算{m(gp[2])}万元，占政府采购预算{pct(gp[2], gp[0])}，"
          f"{yoy(gp[2], pgp[2])}。",
          f"按政府采购项目类型划分，其中：货物类采购预算{m(gp[3])}万元，工程类采购预算0.00万元，服务类采购预算{m(gp[4])}万元。",
          f"按政府采购资金来源划分，其中：一般公共预算安排采购支出预算{m(gp[0])}万元。")
    else:
        d(f"{y}年{me}无政府采购预算。")
    buy_total = sum(p.purchase for p in b.projects)
    d(heading(1, f"十一、{LZ_SECTIONS[10]}"),
      f"{y}年纳入政府购买服务预算支出{m(buy_total)}万元，其中：通过一般公共预算安排购买服务支出预算{m(buy_total)}万元。"
      if buy_total else f"{y}年{me}无政府购买服务预算。", heading(1, f"十二、{LZ_SECTIONS[11]}"),
      f"（一）{me}{y}年所有项目支出（人员类项目、运转类公用经费项目和涉密项目等除外）全面实施绩效管理，"
      f"涉及{dept.city}本级项目{len(b.projects)}个，预算资金{m(b.project)}万元。", "（二）重点项目预算绩效目标说明。")
    top = max(b.projects, key=lambda p: p.amount)
    rows = indicators(Random(f"{top.unit.key}/{top.name}/{y}"), top.amount, 2)
    parts: dict[str, list[str]] = {}
    for _, l2, l3, _, _ in rows:
        parts.setdefault(l2, []).append(l3)
    d(f"重点项目：{top.name}，预算资金{m(top.amount)}万元，{y}年度绩效目标为{goal(top, y)}",
      "；".join(f"设{len(v)}条{k}：" + "，".join(f"{k}{i}{x}" for i, x in enumerate(v, 1)) for k, v in parts.items()) + "。",
      heading(1, f"十三、{y}年{word}{LZ_SECTIONS[12]}"), heading(2, "（一）机关运行经费安排情况说明"),
      f"{y}年行政运行经费预算{m(b.public)}万元，{yoy(b.public, prev.public)}，主要用于保障本{word}正常运转的各项基本支出，"
      "包括办公费，印刷费，水费，电费，邮电费，差旅费，维修（护）费用，会议费，培训费，工会经费，其他交通费用等。",
      heading(2, "（二）国有资产占有使用情况说明"))
    cars = sum(u.vehicles for u in units)
    d(f"{y}年{me}实有在编车辆{cars}辆，按用途划分：公务保障用车{min(cars, 1)}辆，应急机要通信用车{max(cars - 1, 0)}辆。"
      if cars else f"{y}年{me}无国有资产占用相关情况。")


def procurement(b: Budget) -> tuple[int, int, int, int, int]:
    """(total, 集中, 分散, 货物, 服务)."""
    goods = sum(p.goods for p in b.projects)
    services = sum(p.services for p in b.projects)
    central = sum(p.goods + p.services for p in b.projects if p.central)
    return goods + services, central, goods + services - central, goods, services


def lz_tables(d: Doc, md: bool, word: str, dept: Dept, rows: list[tuple[Unit, Budget]], b: Budget, y: int) -> None:
    """第五部分 附件 of 000/002: the twelve tables."""
    label = f"{word}名称：{dept.code + dept.name if word == '部门' else rows[0][0].code + rows[0][0].name}"
    r = d.r
    dept_row = (dept.code, dept.name)

    def title(i: int) -> None:
        t = word + LZ_TABLES[i] if i < 3 else LZ_TABLES[i]
        h = r.choices(("## ", "### ", ""), (8, 1, 1))[0] if md else ""
        d(h + t, label)
        if i not in (11,):
            d("单位：万元")

    def note(t: str) -> None:
        d(f"注：本{word}{y}年没有{t}，故本表无数据。")

    by = b.by(3)
    cls = CLASSES_LZ
    d("表1")
    title(0)
    left = [(t, b.income if i in (0, 2) else 0) for i, t in enumerate(LZ_T1_LEFT)]
    right = [(f"{cn(i)}、{c}", sum(by.get(_CLASS_CODES[c], [0, 0]))) for i, c in enumerate(cls, 1)]
    body = [[lt or "", "" if lt is None else d.n(lv), rt, d.n(rv)]
            for (lt, lv), (rt, rv) in zip_longest(left, right, fillvalue=(None, 0))]
    body += [["本年收入合计", d.n(b.income), "本年支出合计", d.n(b.total)],
             ["上年结转结余", d.n(b.carry), "结转下年支出", d.n(0)], ["收入总计", d.n(b.total), "支出总计", d.n(b.total)]]
    d.table(LZ_T1, body)
    d("注：本套报表金额单位转换时可能存在四舍五入尾数误差。")

    title(1)
    z5 = d.ns(0, 0, 0, 0)

    def income(x: Budget) -> list[str]:
        return [d.n(x.total), d.n(x.income), d.n(x.income), *z5, d.n(x.carry), d.n(x.carry), *z5]
    d.table(LZ_T2_SP if d.sp else LZ_T2, [["", "合计", *income(b)], [*dept_row, *income(b)]]
            + [[u.code, d.name(u.name), *income(ub)] for u, ub in rows])

    title(2)
    body = [["", "", "合计", *d.ns(b.total, b.basic, b.project, 0)], ["", *dept_row, *d.ns(b.total, b.basic, b.project, 0)]]
    for u, ub in rows:
        body.append(["", u.code, u.name, *d.ns(ub.total, ub.basic, ub.project, 0)])
        body += [[c, "", FUNC[c].replace("（", "(").replace("）", ")"), *d.ns(pe + pu + pr, pe + pu, pr, 0)]
                 for c, (pe, pu, pr) in ub.items.items()]
    d.table(LZ_T3, body)

    title(3)
    left = [("一、本年收入", b.income)] + [(t, b.income if i in (0, 2) else b.carry if i in (11, 12) else 0)
                                       for i, t in enumerate(LZ_T4_LEFT)]
    right = [("一、本年支出", b.total)] + [(f"（{cn(i)}）{c}", sum(by.get(_CLASS_CODES[c], [0, 0])))
                                       for i, c in enumerate(cls, 1)] + [("二、结转下年支出", 0)]
    body = [[lt or "", "" if lt is None else d.n(lv), rt, d.n(rv)]
            for (lt, lv), (rt, rv) in zip_longest(left, right, fillvalue=(None, 0))]
    d.table(LZ_T1, body + [["收入总计", d.n(b.total), "支出总计", d.n(b.total)]])

    title(4)
    body = [["", "", "合计", *d.ns(b.total, b.basic, b.person, b.public, b.project)],
            ["", *dept_row, *d.ns(b.total, b.basic, b.person, b.public, b.project)]]
    for u, ub in rows:
        body.append(["", u.code, d.name(u.name), *d.ns(ub.total, ub.basic, ub.person, ub.public, ub.project)])
        body += [[c, "", d.name(FUNC[c]), *d.ns(pe + pu + pr, pe + pu, pe, pu, pr)] for c, (pe, pu, pr) in ub.items.items()]
    d.table(LZ_T5, body, head2=LZ_T5_ASCII if r.random() < .3 else None)

    title(5)
    body = [["", "合计", *d.ns(b.basic, b.person, b.public)]]
    for k in ECON_CLASS_ORDER:
        s = b.econ_sum(k)
        if s:
            pub = k == "302"
            body.append([k, ECON[k], *d.ns(s, 0 if pub else s, s if pub else 0)])
            body += [[c, ECON[c], *d.ns(v, 0 if pub else v, v if pub else 0)]
                     for c, v in b.econ.items() if c.startswith(k) and len(c) == 5]
    d.table(LZ_T6, body)

    d("财政拨款三公两费支出情况表" if md and r.random() < .3 else ("## " if md else "") + "财政拨款三公两费支出情况表",
      label, "单位：万元")

    def sangong(x: Budget) -> list[str]:
        ab, buy, run, rec = x.sangong
        tr = x.econ.get("30216", 0)
        return d.ns(ab + buy + run + rec, ab, buy + run, run, buy, rec, x.econ.get("30215", 0), tr, tr, 0)
    d.table(LZ_T7, [["", "", "合计", *sangong(b)], ["", "", "一般公共预算资金", *sangong(b)], [*dept_row, "", *sangong(b)]]
            + [[u.code, u.name, "一般公共预算资金", *sangong(ub)] for u, ub in rows])

    title(7)
    d.table(LZ_T8, [["", "", "合计", *d.ns(0, 0, 0)]])
    note("政府性基金预算支出")
    title(8)
    d.table(LZ_T9, [["", "", "合计", *d.ns(0, 0, 0)]])
    note("国有资本经营预算支出")

    title(9)

    def gp(projects: list[Project]) -> list[str]:
        """合计, the seven fund columns, 合计, 集中 (小计 货物 服务), 分散 (小计 货物 服务), an empty last cell."""
        cg = sum(p.goods for p in projects if p.central)
        cs = sum(p.services for p in projects if p.central)
        sg = sum(p.goods for p in projects if not p.central)
        ss = sum(p.services for p in projects if not p.central)
        t = cg + cs + sg + ss
        return [*d.ns(t, t, 0, 0, 0, 0, 0, t, cg + cs, cg, cs, sg + ss, sg, ss), ""]
    total = gp(b.projects)
    body = [["", "", "", "合计", *total]]
    if procurement(b)[0]:
        body.append(["", *dept_row, "", *total])
        for u, ub in rows:
            if procurement(ub)[0]:
                body.append(["", u.code, u.name, "", *gp(ub.projects)])
                body += [[p.item, "", FUNC[p.item], p.name, *gp([p])] for p in ub.projects if p.goods + p.services]
    d.table(LZ_T10, body)
    if not procurement(b)[0]:
        note("政府采购预算")

    title(10)
    buy_total = sum(p.purchase for p in b.projects)
    body = [["", "", "合计", *d.ns(buy_total, buy_total, 0, 0, 0, 0, 0)]]
    if buy_total:
        body.append(["", dept.code, d.name(dept.name, 1), *d.ns(buy_total, buy_total, 0, 0, 0, 0, 0)])
        for u, ub in rows:
            ut = sum(p.purchase for p in ub.projects)
            if ut:
                body.append(["", u.code, d.name(u.name, 1), *d.ns(ut, ut, 0, 0, 0, 0, 0)])
                body += [[p.item, "", FUNC[p.item], *d.ns(p.purchase, p.purchase, 0, 0, 0, 0, 0)]
                         for p in ub.projects if p.purchase]
    d.table(LZ_T11, body)
    if not buy_total:
        note("政府购买服务预算支出")

    title(11)
    body = [[dept.code, dept.name, "", ""]]
    body += [[u.code, u.name, p.name, goal(p, y)] for u, ub in rows for p in ub.projects]
    d.table(LZ_T12, body)


def lz_document(dept: Dept, rows: list[tuple[Unit, Budget]], prev: Budget, y: int, r: Random, md: bool) -> str:
    """000 (a unit, md=False) or 002 (a department, md=True)."""
    word = "部门" if md else "单位"
    b = merge([ub for _, ub in rows]) if md else rows[0][1]
    who = dept if md else rows[0][0]
    code, name = who.code, who.name
    d = Doc(r, sp=r.random() < .6)
    nm = d.name(name, .7)
    if md:
        def heading(level: int, t: str) -> str:  # 002 mixes heading levels and bold freely
            if level == 2:
                return f"#### **{t}**"
            h = r.choice(("## ", "### ", "#### **", "## **"))
            return f"{h}{t}**" if h.endswith("**") else h + t
        d(f"# {code}{name}{y}年部门预算公开说明", "# 目 录", f"## 第一部分 {code}{name}概况")
        d.buf += ["- 一、主要职责", "- 二、机构设置情况", ""]
        d(f"## 第二部分 {code}{name}{y}年部门预算情况说明")
        d.buf += [f"- {cn(i)}、{'部门' if i < 4 else ''}{t}" if i != 13 else
                  f"- 十三、{y}年部门{t}" for i, t in enumerate(LZ_SECTIONS, 1)] + [""]
        third = f"第三部分 {code}{name}{y}年部门预算报表"
        d(f"**{third[:-1]}  \n{third[-1]}**" if r.random() < .4 else f"**{third}**", "**第四部分 名词解释**",
          "**第五部分 附件**", f"# 第一部分 {code}{name}概况", "## 一、主要职责")
    else:
        def heading(level: int, t: str) -> str:
            return t
        d.buf += [f"{code}{name}", f"{y}年单位预算公开说明", ""]
        d("目录", f"第一部分 {code}{name}概况", "一、主要职责", "二、机构设置情况",
          f"第二部分 {code}{name} {y}年单位预算情况说明")
        d(*[f"{cn(i)}、{'单位' if i < 4 else ''}{t}" if i != 13 else f"十三、{y}年单位{t}"
            for i, t in enumerate(LZ_SECTIONS, 1)])
        d(f"第三部分 {code}{name} {y}年单位预算报表", "第四部分 名词解释", "第五部分 附件",
          f"第一部分 {code}{nm}概况", "一、主要职责")
    if md:
        d(f"{name}是{dept.city}人民政府的工作部门。", *[f"{i}、{t}。" for i, t in enumerate(dept.type.duties, 1)],
          f"{len(dept.type.duties) + 1}、承办市人民政府交办的其他事项。")
    else:
        d(*[f"（{cn(i)}）{t}。" for i, t in enumerate((*duties(dept, rows[0][0]), "承办上级交办的其他事项"), 1)])
    d(heading(2, "二、机构设置情况") if md else "二、机构设置情况")
    if md:
        subs = [u for u, _ in rows[1:]]
        d(f"{name}是{dept.city}人民政府的组成部门，是正处级国家机关，机关本级内设科室{dept.sections}个。",
          f"部门所属单位{len(subs)}个，具体如下：" if subs else "部门无所属单位。")
        d(*[f"({i}) {u.name}为{name}下属{'参公事业' if u.kind == '参公' else u.kind}单位，主要负责{u.duty}。"
            for i, u in enumerate(subs, 1)])
        d(f"## 第二部分 {code}{name}{y}年 部门预算情况说明")
    else:
        u = rows[0][0]
        level = "正科级" if u.kind != "行政" or r.random() < .5 else "正处级"
        kind = {"参公": "参公事业单位", "事业": "公益一类事业单位", "行政": "行政单位"}[u.kind]
        d(f"{name}为{dept.name}管理的{level}{kind}。" if u.name != dept.name else f"{name}为{dept.city}人民政府工作部门。",
          f"第二部分 {code}{nm}{y}年单位预算情况说明")
    lz_narrative(d, heading, word, dept, [u for u, _ in rows], b, prev, y)
    d(heading(1, f"第三部分 {code}{name}{y}年 {word}预算报表") if md else f"第三部分 {code}{nm}{y}年单位预算报表")
    d.buf += [f"- {cn(i)}、{word + t if i < 4 else t}（表{i}）" for i, t in enumerate(LZ_TABLES, 1)] + [""]
    d("上述报表详见附件。", "## 第四部分 名词解释" if md else "第四部分 名词解释")
    d(*[f"**{cn(i)}、{t}：**{s}" if md else f"{cn(i)}、{t}：{s}" for i, (t, s) in enumerate(GLOSSARY, 1)])
    d("# 第五部分 附件" if md else "第五部分 附件")
    lz_tables(d, md, word, dept, rows, b, y)
    return d.text()


# ---------------------------------------------------------------------------------------------
# 池州 template: 单位预算 (004, tsv with empty cells for zero and key-value performance tables)
# ---------------------------------------------------------------------------------------------

CZ_T1 = H("收 入||支 出|", "收 入 项 目|预算数|支出功能分类科目|预算数")
CZ_T1_LEFT = ("一、一般公共预算拨款收入|其中：中央转移支付收入||二、政府性基金预算拨款收入|其中：中央转移支付收入||"
              "三、国有资本经营预算拨款收入|其中：中央转移支付收入||四、财政专户管理资金收入||五、单位资金收入|其中：事业收入|"
              "事业单位经营收入|上级补助收入|附属单位上缴收入|其他收入").split("|")
CZ_T2 = H("部门（单位）名称|合计|本年收入||||||||||上年结转结余|||||",
          "||小计|一般公共预算|政府性基金预算|国有资本经营预算|财政专户管理资金|单位资金|||||小计|一般公共预算|政府性基金预算|"
          "国有资本经营预算|财政专户管理资金|单位资金",
          "|||||||小计|事业收入|事业单位经营收入|上级补助收入|附属单位上缴收入||||||")
CZ_T3 = H("科目编码|科目名称|合计|基本支出|项目支出|事业单位经营支出|上缴上级支出|对附属单位补助支出")
CZ_T4 = H("收 入||支 出|", "项目|预算数|项目|预算数")
CZ_T5 = H("科目编码|科目名称|合计|基本支出|||项目支出", "|||小计|人员经费|公用经费|")
CZ_T7 = H("科目编码|科目名称|本年政府性基金预算支出||", "||合计|基本支出|项目支出")
CZ_T8 = H("功能分类科目||国有资本经营预算拨款支出||", "科目编码|科目名称|合计|基本支出|项目支出")
CZ_T9 = H("类型|项目名称|项目单位|合计|本年财政拨款|||财政拨款结转结余|||财政专户管理资金|单位资金",
          "||||一般公共预算|政府性基金预算|国有资本经营预算|一般公共预算|政府性基金预算|国有资本经营预算||")
CZ_T10 = H("项目名称|政府采购品目|合计|一般公共预算|政府性基金预算|国有资本经营预算|财政专户管理资金|单位资金")
CZ_T11 = H("项目名称|一级目录名称|二级目录名称|三级目录名称|政府购买服务内容|购买数量|购买金额")
CZ_TABLES = ("收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表", "一般公共预算基本支出表",
             "政府性基金预算支出表", "国有资本经营预算支出表", "项目支出表", "政府采购支出表", "政府购买服务支出表")


def functional_rows(d: Doc, b: Budget, cols: Callable[[str, list[int]], list[str]]) -> list[list[str]]:
    """类 / 款 / 项 rows with full codes (004's 支出总表 and 一般公共预算支出表)."""
    out = []
    items = b.items
    for k3 in sorted({c[:3] for c in items}):
        out.append([k3, FUNC[k3], *cols(k3, sum_items(items, k3))])
        for k5 in sorted({c[:5] for c in items if c.startswith(k3)}):
            out.append([k5, FUNC[k5], *cols(k5, sum_items(items, k5))])
            out += [[c, FUNC[c], *cols(c, v)] for c, v in items.items() if c.startswith(k5)]
    return out


def sum_items(items: dict[str, list[int]], prefix: str) -> list[int]:
    acc = [0, 0, 0]
    for c, v in items.items():
        if c.startswith(prefix):
            for i in range(3):
                acc[i] += v[i]
    return acc


def perf_kv(d: Doc, p: Project, dept: Dept, y: int) -> None:
    """004's key-value 项目支出绩效目标表."""
    d("项目支出绩效目标表", f"({y} 年度)")
    rows = indicators(Random(f"{p.unit.key}/{p.name}/{y}"), p.amount, 2)
    body = [["主管部门及代码", f"[{dept.code}]{dept.name}", "实施单位", p.unit.name, ""],
            ["项目来源", "", "项目期", f"{d.r.randint(1, 3)} 年", ""],
            ["项目资金 (万元)", "年度资金总额:", "", m(p.amount), ""], ["", "其中:财政拨款", "", m(p.amount - p.carry), ""],
            ["", "上年结转", "", m(p.carry), ""], ["", "其他资金", "", "0.00", ""], ["年度目标", goal(p, y), "", "", ""],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]]
    last1 = last2 = ""
    for l1, l2, l3, value, _unit in rows:
        body.append(["", "" if l1 == last1 else l1, "" if l2 == last2 else l2, l3, value])
        last1, last2 = l1, l2
    d.table([["项目名称", p.name, "", "", ""]], body)


def cz_document(dept: Dept, u: Unit, b: Budget, prev: Budget, y: int, r: Random) -> str:
    d = Doc(r, blank=True)
    s = spaced
    nm = u.name
    d.buf += [f"{nm} {y} 年单位预算", "", f"{y} 年 {r.randint(1, 3)} 月", ""]
    d("目 录", "第一部分 单位概况")
    d.buf += ["- 1.主要职责", "- 2.单位预算构成", f"- 3.{y} 年度主要工作任务", ""]
    d(f"第二部分 {y} 年单位预算表")
    d.buf += [f"- {i}.{nm} {y} 年{t}" for i, t in enumerate(CZ_TABLES[:10], 1)] + [""]
    d(f"11.{nm} {y} 年{CZ_TABLES[10]}", f"第三部分 {y} 年单位预算情况说明")
    d.buf += [f"- {i}.关于 {y} 年{t}的说明" for i, t in enumerate(CZ_TABLES, 1)] + ["- 12.其他重要事项情况说明", ""]
    d("第四部分 名词解释", "第一部分 单位概况", "一、主要职责")
    d(*[f"（{cn(i)}）{t}。" for i, t in enumerate(duties(dept, u), 1)])
    d("二、单位预算构成", s(f"{nm}{y}年度单位预算仅包括单位本级预算，无其他下属单位预算。"), f"三、{y} 年度主要工作任务",
      s(f"{y}年，{nm}将围绕中心工作，聚焦主责主业，进一步强化工作落实。"),
      "（一）聚焦主责主业，进一步强化履职能力", f"1、{u.duty}，确保各项工作任务按期完成。",
      "（二）聚焦规范高效，进一步强化队伍建设", "1、加强干部队伍建设，健全培训、考核等管理制度。",
      f"第二部分 {y} 年单位预算表", "单位公开表 1")

    def title(i: int) -> None:
        d(f"{nm} {y} 年{CZ_TABLES[i]}", "单位：万元")

    by = b.by(3)
    title(0)
    right = [(f"{cn(i)}、{c}", sum(by.get(_CLASS_CODES[c], [0, 0]))) for i, c in enumerate(CLASSES_CZ, 1)]
    left = [(t, b.income if i == 0 else 0) for i, t in enumerate(CZ_T1_LEFT)]
    body = [[lt, "" if not lt else d.n(lv), rt, d.n(rv)] for (lt, lv), (rt, rv) in zip_longest(left, right,
                                                                                              fillvalue=("", 0))]
    body += [["本 年 收 入 小 计", d.n(b.income), "本 年 支 出 小 计", d.n(b.total)],
             ["上年结转数", d.n(b.carry), "结转下年", ""], ["一般公共预算", d.n(b.carry), "一般公共预算", ""]]
    body += [[t, "", t, ""] for t in ("政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")]
    d.table(CZ_T1, body + [["收 入 总 计", d.n(b.total), "支 出 总 计", d.n(b.total)]])
    title(1)
    inc = [d.n(b.total), d.n(b.income), d.n(b.income), *[""] * 9, d.n(b.carry), d.n(b.carry), "", "", "", ""]
    d.table(CZ_T2, [[dept.name, *inc], [nm, *inc]])
    title(2)
    d.table(CZ_T3, functional_rows(d, b, lambda c, v: d.ns(sum(v), v[0] + v[1], v[2], 0, 0, 0))
            + [["", "合计", *d.ns(b.total, b.basic, b.project, 0, 0, 0)]])
    title(3)
    left = [("一、本年收入", b.income), ("（一）一般公共预算拨款", b.income), ("（二）政府性基金预算拨款", 0),
            ("（三）国有资本经营预算拨款", 0), ("", 0), ("二、上年结转", b.carry), ("（一）一般公共预算拨款", b.carry),
            ("（二）政府性基金预算拨款", 0), ("（三）国有资本经营预算拨款", 0)]
    right = [("一、本年支出", b.total)] + [(f"（{cn(i)}）{c}", sum(by.get(_CLASS_CODES[c], [0, 0])))
                                       for i, c in enumerate(CLASSES_CZ, 1)]
    right += [("二、年终结转结余", 0), ("（一）一般公共预算结转结余", 0), ("（二）政府性基金预算结转结余", 0),
              ("（三）国有资本经营预算结转结余", 0)]
    body = [[lt, d.n(lv) if lt else "", rt, d.n(rv)] for (lt, lv), (rt, rv) in zip_longest(left, right, fillvalue=("", 0))]
    d.table(CZ_T4, body + [["收 入 总 计", d.n(b.total), "支 出 总 计", d.n(b.total)]])
    title(4)
    d.table(CZ_T5, functional_rows(d, b, lambda c, v: d.ns(sum(v), v[0] + v[1], v[0], v[1], v[2]))
            + [["", "合计", *d.ns(b.total, b.basic, b.person, b.public, b.project)]])
    title(5)
    body = []
    for k in ECON_CLASS_ORDER:
        if sk := b.econ_sum(k):
            pub = k == "302"
            body.append([k, ECON[k], *d.ns(sk, 0 if pub else sk, sk if pub else 0)])
            body += [[c, ECON[c], *d.ns(v, 0 if pub else v, v if pub else 0)]
                     for c, v in b.econ.items() if c.startswith(k) and len(c) == 5]
    d.table(LZ_T6, body + [["合计", "", *d.ns(b.basic, b.person, b.public)]])
    for i, (head, what) in ((6, (CZ_T7, "政府性基金预算")), (7, (CZ_T8, "国有资本经营预算"))):
        title(i)
        d.table(head, [["", "合 计", "", "", ""]])
        d(f"注：{nm}没有{what}拨款收入，也没有{what}拨款安排的支出，故本表无数据。")
    title(8)
    body = [["特定目标类" if p.amount > 5000 or r.random() < .5 else "其他运转类", p.name, nm, d.n(p.amount),
             d.n(p.amount - p.carry), "", "", d.n(p.carry), "", "", "", ""] for p in b.projects]
    d.table(CZ_T9, body + [["合计", "", "", d.n(b.project), d.n(b.project - b.carry), "", "", d.n(b.carry), "", "", "", ""]])
    title(9)
    body = []
    for p in b.projects:
        if p.goods:
            body.append([p.name, GOODS[p.amount % len(GOODS)], d.n(p.goods), d.n(p.goods), "", "", "", ""])
        if p.services:
            body.append([p.name, SERVICES[p.amount % len(SERVICES)], d.n(p.services), d.n(p.services), "", "", "", ""])
    g = procurement(b)
    d.table(CZ_T10, body + [["合计", "", d.n(g[0]), d.n(g[0]), "", "", "", ""]])
    if not g[0]:
        d(f"注：{nm}没有安排政府采购支出，故本表无数据。")
    title(10)
    body = [[p.name, *PURCHASE_CATALOG[p.catalog], p.name.removesuffix("经费").removesuffix("费") + "服务", "1",
             d.n(p.purchase)] for p in b.projects if p.purchase]
    buy_total = sum(p.purchase for p in b.projects)
    d.table(CZ_T11, body + [["合计", "", "", "", "", "", d.n(buy_total)]])
    if not buy_total:
        d(f"注：{nm}没有安排政府购买服务支出，故本表无数据。")

    # 第三部分: the explanations (figures without thousands separators, spaced as 004 prints them)
    f = plain
    cls = [c for c in CLASSES_CZ if _CLASS_CODES[c] in by]
    d(f"第三部分 {y} 年单位预算情况说明", f"一、关于 {y} 年收支总表的说明",
      s(f"按照综合预算的原则，{nm}所有收入和支出均纳入单位预算管理。{nm}{y}年收支总预算{f(b.total)}万元，收入包括一般公共预算拨款收入"
        f"{'、上年结转结余' if b.carry else ''}，支出包括：{'、'.join(cls)}。"),
      f"二、关于 {y} 年收入总表的说明",
      s(f"{nm}{y}年收入预算{f(b.total)}万元，其中，本年收入{f(b.income)}万元，上年结转收入{f(b.carry)}万元。"),
      s(f"（一）本年收入{f(b.income)}万元，收入全部为一般公共预算拨款收入，比{y - 1}年预算"
        f"{yoy(b.income, prev.income, f, '')}。"), f"三、关于 {y} 年支出总表的说明",
      s(f"{nm}{y}年支出预算{f(b.total)}万元，比{y - 1}年预算{yoy(b.total, prev.total, f, '')}。"
        f"其中，基本支出{f(b.basic)}万元，占{pct(b.basic, b.total)}，主要用于日常办公开支及人员支出；项目支出{f(b.project)}万元，"
        f"占{pct(b.project, b.total)}，主要用于{'、'.join(p.name for p in b.projects[:3])}；事业单位经营支出0.00万元，占0.0%；"
        "上缴上级支出0.00万元，占0.0%；对附属单位补助支出0.00万元，占0.0%。"),
      f"四、关于 {y} 年财政拨款收支总表的说明",
      s(f"{nm}{y}年财政拨款收支预算{f(b.total)}万元。收入按资金来源分全部为一般公共预算拨款{f(b.total)}万元；按资金年度分为："
        f"本年财政拨款收入{f(b.income)}万元，上年结转收入{f(b.carry)}万元。支出按功能分类分为："
        + "；".join(f"{c}{f(sum(by[_CLASS_CODES[c]]))}万元，占{pct(sum(by[_CLASS_CODES[c]]), b.total)}" for c in cls) + "。"),
      f"五、关于 {y} 年一般公共预算支出表的说明", "（一）一般公共预算支出规模变化情况",
      s(f"{nm}{y}年一般公共预算支出{f(b.total)}万元，比{y - 1}年预算{yoy(b.total, prev.total, f, '')}。"),
      "（二）一般公共预算支出具体情况")
    for i, (code, v) in enumerate(b.items.items(), 1):
        old = sum(prev.items.get(code, [0, 0, 0]))
        d(s(f"{i}.{item_path(code)}{y}年预算{f(sum(v))}万元，比{y - 1}年预算{yoy(sum(v), old, f, '')}。"))
    d(f"六、关于 {y} 年一般公共预算基本支出表的说明",
      s(f"{nm}{y}年一般公共预算基本支出{f(b.basic)}万元，其中，人员经费{f(b.person)}万元，公用经费{f(b.public)}万元。"),
      s(f"（一）人员经费{f(b.person)}万元，主要包括：{'、'.join(ECON[k] for k in b.econ if k[:3] in ('301', '303'))}。"),
      s(f"（二）公用经费{f(b.public)}万元，主要包括：{'、'.join(ECON[k] for k in b.econ if k.startswith('302'))}。"),
      f"七、关于 {y} 年政府性基金预算支出表的说明",
      s(f"{nm}{y}年没有政府性基金预算拨款收入，也没有使用政府性基金预算拨款安排的支出。"),
      f"八、关于 {y} 年国有资本经营预算支出表的说明",
      s(f"{nm}{y}年没有国有资本经营预算拨款收入，也没有使用国有资本经营预算拨款安排的支出。"),
      f"九、关于 {y} 年项目支出表的说明",
      s(f"{nm}{y}年预算共安排项目支出{f(b.project)}万元，比{y - 1}年预算{yoy(b.project, prev.project, f, '')}。"
        f"主要包括：本年财政拨款安排{f(b.project - b.carry)}万元，上年结转安排{f(b.carry)}万元。"),
      f"十、关于 {y} 年政府采购支出表的说明",
      s(f"{nm}{y}年预算安排政府采购支出{f(g[0])}万元，其中，一般公共预算安排{f(g[0])}万元。") if g[0]
      else s(f"{nm}{y}年没有安排政府采购支出。"),
      f"十一、关于 {y} 年政府购买服务支出表的说明",
      s(f"{nm}{y}年预算安排政府购买服务支出{f(buy_total)}万元。") if buy_total else s(f"{nm}{y}年没有安排政府购买服务支出。"),
      "十二、其他重要事项情况说明", "（一）项目及绩效目标情况。")
    for i, p in enumerate(b.projects[:2], 1):
        d(f"{i}. “{p.name}”项目。", f"（1）项目概述。{goal(p, y)}", f"（2）实施主体。{nm}。",
          s(f"（3）起止时间。{y}.1-{y}.12。"), s(f"（4）年度预算安排。{f(p.amount)}万元。"), "（5）绩效目标。")
        perf_kv(d, p, dept, y)
    d("（二）机关运行经费。",
      s(f"{y}年{nm}机关运行经费财政拨款预算{f(b.public)}万元。") if u.kind != "事业" else
      s(f"{nm}为非参照公务员法管理的事业单位，按照部门预算机关运行经费口径，{y}年无机关运行经费财政拨款预算。"),
      "（三）政府采购情况。", s(f"{nm}{y}年政府采购预算{f(g[0])}万元。其中：政府采购货物预算{f(g[3])}万元，政府采购工程预算0万元，"
                             f"政府采购服务预算{f(g[4])}万元。"),
      "（四）国有资产占有使用情况。", s(f"截至{y - 1}年12月31日，{nm}共有车辆{u.vehicles}辆，单价100万元以上的设备（不含车辆）0台（套）。"),
      "（五）绩效目标设置情况。", s(f"{y}年，{nm}{len(b.projects)}个项目实行了绩效目标管理，涉及一般公共预算当年财政拨款"
                               f"{f(b.project - b.carry)}万元。"), "第四部分 名词解释")
    d(*[f"{cn(i)}、**{t}**：{g_}" for i, (t, g_) in enumerate(GLOSSARY, 1)])
    d(f"{nm} {y} 年度项目支出绩效目标")
    d.table(H("项目支出绩效目标公开清单||", "序号|项目名称|预算金额(单位:万元)"),
            [[str(i), p.name, plain(p.amount)] for i, p in enumerate(b.projects, 1)])
    for p in b.projects[2:]:
        perf_kv(d, p, dept, y)
    return d.text()


# ---------------------------------------------------------------------------------------------
# 长沙 template: 部门预算 of a department with only its 本级 unit (003, split 类/款/项 columns)
# ---------------------------------------------------------------------------------------------

CS_T1 = H("收 入||支 出|", "项 目|本年预算|项 目|本年预算")
CS_T2 = H("类|款|项|功能科目|合计|本级财政拨款||财政专户管理 事业收入|事业单位经营 服务收入|上级补助收 入|其它收入|事业收入|上年结转",
          "|||||金额|其中：经费拨款||||||", "**|**|**|**|1|2|3|4|5|6|7|8|9")
CS_T3 = H("科目编码|||功能科目|总 计|基本支出|项目支出|事业单位经营支出|对附属单位补助支出|上缴上级支出", "类|款|项||||||",
          "**|**|**|**|1|2|3|4|5|6")
CS_T4 = H("收 入||支 出||||", "项目|金 额|项目|合计|一般公共预算|政府性基金预算|国有资本经营预算")
CS_T5 = H("科目编码|||功能科目|总计|基本支出|项目支出", "类|款|项||||", "**|**|**|**|1|2|3")
CS_T6 = H("经济科目编码|经济科目名称|总计|人员类|公用经费", "**|**|1|2|3")
CS_T7 = H("部门名称|三公经费预（决）算数（财政拨款）|||||",
          "|小计|公务接待费|因公出国（境）费|公务用车购置及运行费|其中：公务用车购置|其中：公务用车运行费")
CS_T8 = H("科目编码|||功能科目|总 计|基本支出|项目支出", "类|款|项||||", "**|**|**|**|1|2|3")
CS_T9 = H("单位编码|单位（项目）名称|资金总额|绩效目标|绩效指标||||||||||||",
          "||||一级指标|二级指标|三级指标|指标值|指标值内容|评（扣）分标准|度量单位|指标值类型|备注||||")
CS_T10 = H("单位编码|单位名称|年度预算申请||||||整体绩效目标|部门整体支出年度绩效目标||||||||||",
           "||资金总额|按收入性质分||||按支出性质分||一级指标|二级指标|三级指标|指标值类型|指标值|计量单位|指标解释|评（扣）分标准|备注|",
           "|||一般公共预算|政府性基金拨款|财政专户管理资金|其他资金|基本支出|项目支出||||||||||")
CS_TABLES = ("部门收支总体情况表", "部门收入总体情况表", "部门支出总体情况表", "财政拨款收支总体情况表", "一般公共预算支出情况表",
             "一般公共预算基本支出情况表", "一般公共预算“三公”经费支出情况表", "政府性基金预算支出情况表", "项目支出绩效目标表",
             "部门整体支出绩效目标表")


def split_rows(b: Budget, cols: Callable[[str, list[int]], list[str]]) -> list[list[str]]:
    """类 / 款 / 项 rows with the code split over three columns (003)."""
    out = []
    for k3 in sorted({c[:3] for c in b.items}):
        out.append([k3, "", "", FUNC[k3], *cols(k3, sum_items(b.items, k3))])
        for k5 in sorted({c[:5] for c in b.items if c.startswith(k3)}):
            out.append(["", k5[3:], "", FUNC[k5], *cols(k5, sum_items(b.items, k5))])
            out += [[k3, k5[3:], c[5:], FUNC[c], *cols(c, v)] for c, v in b.items.items() if c.startswith(k5)]
    return out


def cs_document(dept: Dept, u: Unit, b: Budget, prev: Budget, y: int, r: Random) -> str:
    d = Doc(r, blank=True, sp=True)
    s = spaced
    nm = dept.name
    d.buf += [s(nm), "", f"{y} 年部门预算公开", ""]
    d("目 录", f"第一部分 {y} 年部门预算说明")
    d.buf += [f"- {cn(i)}、{t}" for i, t in enumerate(("部门基本概况", "部门预算单位构成", "部门收支总体情况", "一般公共预算拨款支出",
                                                     "政府性基金预算支出", "其他重要事项的情况说明", "名词解释"), 1)] + [""]
    d(f"第二部分 {y} 年部门预算表")
    d.buf += [f"- {i}、{t.removeprefix('部门').replace('情况表', '表').replace('总体表', '总表')}" if i < 9 else f"- {i}、{t}"
              for i, t in enumerate(CS_TABLES, 1)] + [""]
    d("注：以上部门预算报表中，空表表示本部门无相关收支情况", "第一部分 部门预算公开说明", "一、部门基本概况", "(一) 职能职责",
      ";".join(dept.type.duties) + "。", "(二) 机构设置", s(f"{nm}是{dept.city}人民政府工作部门，机关内设科室{dept.sections}个。"),
      "二、部门预算单位构成",
      s(f"{nm}部门只有本级,没有其他二级预算单位,因此,纳入 {y} 年部门预算编制范围的只有{nm}本级。"), " ", "三、部门收支总体情况")
    delta = b.total - prev.total
    word = "增加" if delta >= 0 else "减少"
    move = "上升" if delta >= 0 else "下降"
    d(s(f"(一) 收入预算: 包括一般公共预算、政府性基金、国有资本经营预算等财政拨款收入, 以及经营收入、事业收入等单位资金。{y}年本单位"
        f"收入预算{plain(b.total)}万元, 其中, 一般公共预算拨款{plain(b.income)}万元"
        + (f", 上年结转{plain(b.carry)}万元" if b.carry else "")
        + f"。收入较去年{word}{plain(abs(delta))}万元, {move}{pct(abs(delta), prev.total)}。"),
      "收入预算图", " ", "■ 本级财政拨款收入", "", "",
      s(f"(二) 支出预算：{y}年本单位支出预算{plain(b.total)}万元，其中：{class_line(b, CLASSES_LZ, plain, '，')}。"
        f"支出较去年{word}{plain(abs(delta))}万元，{move}{pct(abs(delta), prev.total)}。"), "支出预算图", "", "",
      "四、一般公共预算拨款支出",
      f"{y}年本单位一般公共预算拨款支出{plain(b.total)}万元，其中："
      + "，".join(f"{FUNC[k]}{plain(sum(v))}万元，占{pct(sum(v), b.total)}" for k, v in b.by(3).items()) + "。具体安排情况如下：",
      f"（一）基本支出：{y}年本单位基本支出预算数{plain(b.basic)}万元，主要是为保障部门正常运转、完成日常工作任务而发生的各项支出，"
      "包括用于基本工资、津贴补贴等人员经费以及办公费、印刷费、水电费、办公设备购置等公用经费。",
      f"（二）项目支出：{y}年本单位项目支出预算{plain(b.project)}万元，主要用于{'、'.join(p.name for p in b.projects)}。",
      "五、政府性基金预算支出", s(f"{y}年本单位无政府性基金安排的支出。"), "六、其他重要事项的情况说明")
    ab, buy, run, rec = b.sangong
    pab, pbuy, prun, prec = prev.sangong
    sg, psg = ab + buy + run + rec, pab + pbuy + prun + prec
    g = procurement(b)
    d(s(f"（一）机关运行经费：{y}年{nm}机关运行经费{plain(b.public)}万元，比上年预算{yoy(b.public, prev.public, plain, '')}。"),
      s(f"（二）“三公”经费预算：{y}年{nm}“三公”经费预算数为{plain(sg)}万元，其中，公务接待费{plain(rec)}万元，公务用车购置及运行费"
        f"{plain(buy + run)}万元（其中，公务用车购置费{plain(buy)}万元，公务用车运行费{plain(run)}万元），因公出国（境）费{plain(ab)}万元。"
        f"{y}年“三公”经费预算较{y - 1}年{'增加' if sg > psg else '减少'}{plain(abs(sg - psg))}万元。"),
      s(f"（三）一般性支出情况：{y}年本单位会议费预算{plain(b.econ.get('30215', 0))}万元；培训费预算"
        f"{plain(b.econ.get('30216', 0))}万元；未举办节庆、晚会、论坛、赛事等活动。"),
      f"（四）政府采购情况：{y}年本单位政府采购预算总额{plain(g[0])}万元，其中，货物类采购预算{plain(g[3])}万元；工程类采购预算0万元；"
      f"服务类采购预算{plain(g[4])}万元。",
      f"（五）国有资产占用使用及新增资产配置情况：截至{y - 1}年12月底，本单位共有公务用车{u.vehicles}辆。",
      f"（六）预算绩效目标说明：本单位所有支出实行绩效管理。纳入{y}年部门整体支出绩效目标的金额为{plain(b.total)}万元，其中，"
      f"基本支出{plain(b.basic)}万元，项目支出{plain(b.project)}万元，具体绩效目标详见报表。", "七、名词解释",
      *[f"{i}. {t}：{x}" for i, (t, x) in enumerate((GLOSSARY[7], GLOSSARY[6]), 1)], f"第二部分 {y} 年部门预算表")

    def block(i: int) -> list[str]:
        return [f"{y}年{CS_TABLES[i]}", "", f"单位名称：{nm}", "", "单位：万元", ""]

    def note(t: str) -> None:
        d(f"注：本表反映部门本年度{t}。")
    by = b.by(3)
    d.buf += block(0)
    d.table(CS_T1, [["一、本级财政拨款收入", d.n(b.income), "一、基本支出", d.n(b.basic)],
                    ["二、财政专户管理事业收入", "", "二、项目支出", d.n(b.project)],
                    ["三、事业单位经营服务收入", "", "三、事业单位经营支出", ""], ["四、上级补助收入", "", "四、对附属单位补助支出", ""],
                    ["五、其它收入", "", "五、上缴上级支出", ""], ["六、事业收入", "", "", ""],
                    ["本年收入合计", d.n(b.income), "本年支出合计", d.n(b.total)],
                    ["七、上年结转", d.n(b.carry), "六、结余分配", ""], ["", "", "七、结转下年", ""],
                    ["收入总计", d.n(b.total), "支出总计", d.n(b.total)]], block(0))
    note("的收支总体情况")
    d.buf += block(1)
    d.table(CS_T2, [["", "", "", "合计", *d.ns(b.total, b.income, b.income, 0, 0, 0, 0, 0, b.carry)]]
            + split_rows(b, lambda c, v: d.ns(sum(v), sum(v) - b.carry_of(c), sum(v) - b.carry_of(c), 0, 0, 0, 0, 0,
                                              b.carry_of(c))), block(1))
    note("取得的各项收入情况")
    d.buf += block(2)
    d.table(CS_T3, [["", "", "", "合计", *d.ns(b.total, b.basic, b.project, 0, 0, 0)]]
            + split_rows(b, lambda c, v: d.ns(sum(v), v[0] + v[1], v[2], 0, 0, 0)), block(2))
    note("各项支出情况")
    d.buf += block(3)
    left = [("一、本年收入", b.income), ("1、一般公共预算拨款收入", b.income), ("2、政府性基金预算拨款收入", 0),
            ("3、国有资本经营预算拨款收入", 0)]
    right = [("一、本年支出", b.total)] + [(f"{i}、{c}", sum(by.get(_CLASS_CODES[c], [0, 0])))
                                       for i, c in enumerate(CLASSES_CS, 1)]
    body = [[lt, d.n(lv) if lt else "", rt, *d.ns(rv, rv, 0, 0)] for (lt, lv), (rt, rv) in zip_longest(left, right,
                                                                                                     fillvalue=("", 0))]
    body += [["二、上年结转", d.n(b.carry), "二、结转下年", "", "", "", ""],
             ["收 入 总 计", d.n(b.total), "支 出 总 计", *d.ns(b.total, b.total, 0, 0)]]
    d.table(CS_T4, body, block(3))
    d("注：本表反映部门财政拨款的总收支情况。")
    d.buf += block(4)
    d.table(CS_T5, [["", "", "", "合计", *d.ns(b.total, b.basic, b.project)]]
            + split_rows(b, lambda c, v: d.ns(sum(v), v[0] + v[1], v[2])), block(4))
    note("一般公共预算支出情况")
    d.buf += block(5)
    body = [["", "合计", *d.ns(b.basic, b.person, b.public)]]
    for k in ECON_CLASS_ORDER:
        if sk := b.econ_sum(k):
            pub = k == "302"
            body.append([k, ECON[k], *d.ns(sk, 0 if pub else sk, sk if pub else 0)])
            body += [[c, ECON[c], *d.ns(v, 0 if pub else v, v if pub else 0)]
                     for c, v in b.econ.items() if c.startswith(k) and len(c) == 5]
    d.table(CS_T6, body, block(5))
    note("一般公共预算基本支出情况")
    d.buf += block(6)
    sgr = d.ns(sg, rec, ab, buy + run, buy, run)
    d.table(CS_T7, [["合计", *sgr], [nm, *sgr]])
    d(f"注：本表反映部门本年度 {y}年公共财政拨款“三公”经费情况，此表如无数字则表示单位无该项支出。")
    d.buf += block(7)
    d.table(CS_T8, [["0"] * 7])
    d("注：本表反映部门本年度政府性基金预算收入支出情况，此表如无数字则表示单位无该项支出。")
    d.buf += block(8)
    body = [["合计", "", d.n(b.project), *[""] * 14], [u.code, u.name, d.n(b.project), *[""] * 14]]
    for p in b.projects:
        last = ""
        for j, (l1, l2, l3, value, unit) in enumerate(indicators(Random(f"{u.key}/{p.name}/{y}"), p.amount, 2)):
            head = [u.code, p.name, d.n(p.amount), goal(p, y)] if j == 0 else ["", "", "", ""]
            body.append([*head, "" if l1 == last else l1, l2, l3, value.lstrip("≥≤"), f"{l3}{value}",
                         "完成得满分，未完成按比例扣分", unit or "项", "≥" if value.startswith("≥") else "≤" if
                         value.startswith("≤") else "定性", "", "", "", "", ""])
            last = l1
    d.table(CS_T9, body, block(8))
    d.buf += block(9)
    ind = indicators(Random(f"{u.key}/whole/{y}"), b.total, 1)
    body = []
    for j, (l1, l2, l3, value, unit) in enumerate(ind):
        head = [u.code, nm, *d.ns(b.total, b.total, 0, 0, 0, b.basic, b.project), f"{nm}{y}年度整体工作目标：" + "；".join(
            dept.type.duties) + "。"] if j == 0 else [""] * 10
        body.append([*head, l1, l2, l3, "≥" if "≥" in value else "≤" if "≤" in value else "定性", value.lstrip("≥≤"),
                     unit, f"{l3}达到{value}", "完成得满分，未完成按比例扣分", ""])
    d.table(CS_T10, body)
    return d.text()


# ---------------------------------------------------------------------------------------------
# PDF-extracted 单位决算 (001)
# ---------------------------------------------------------------------------------------------

IND = "\u3000"  # full-width space: the indentation of 款 and 项 rows
PDF_HEAD = {
    "02": "项目\n本年收入合计 财政拨款收入\n\n上级补助收\n\n入\n事业收入 经营收入\n\n附属单位上\n\n缴收入\n其他收入\n\n"
          "功能分类科目代码 科目名称\n\n栏次 1 2 3 4 5 6 7",
    "03": "项目\n本年支出合计 基本支出 项目支出 上缴上级支出 经营支出\n\n对附属单位补助支出\n\n支出功能分类科目代码 科目名称\n\n"
          "栏次 1 2 3 4 5 6",
    "04": "收入 支出\n\n项目 行次 金额 项目 行次 合计 一般公共预算财政拨款\n政府性基金预算财政拨\n\n款\n\n国有资本经营预算财政\n\n"
          "拨款\n\n栏次 1 栏次 2 3 4 5",
    "05": "项目 本年支出\n\n功能分类科目代码 科目名称 小计 基本支出 项目支出\n\n栏次 1 2 3",
    "06": "经济分类科目代\n\n码\n科目名称 金额\n\n经济分类科目代\n\n码\n科目名称 金额\n\n经济分类科目代\n\n码\n科目名称 金额",
    "07": "项目\n年初结转和结余 本年收入\n\n本年支出\n年末结转和结余\n\n功能分类科目代码 科目名称 小计 基本支出 项目支出\n\n"
          "栏次 1 2 3 4 5 6",
    "08": "项目 本年支出\n\n功能分类科目代码 科目名称 合计 基本支出 项目支出\n\n栏次 1 2 3",
    "09": "预算数 决算数\n\n合计\n因公出国\n\n（境）费\n\n公务用车购置及运行维护费\n\n公务接待费 合计\n因公出国\n\n（境）费\n\n"
          "公务用车购置及运行维护费\n\n公务接待费\n小计\n\n公务用车购\n\n置费\n\n公务用车运行维\n\n护费\n小计\n\n公务用车购\n\n置费\n\n"
          "公务用车运行维\n\n护费\n\n1 2 3 4 5 6 7 8 9 10 11 12",
}
PDF_06 = (("301", "303"), ("302",), ("307", "310", "399"))


class Pdf:
    """Text as a PDF extractor gives it: hard-wrapped lines, empty lines between them, page breaks."""

    def __init__(self, r: Random):
        self.r = r
        self.buf: list[str] = []
        self.left = r.randint(10, 24)
        self.page = 1

    def newpage(self) -> str:
        self.page += 1
        self.left = self.r.randint(18, 24)
        return " "

    def para(self, text: str, indent: bool = False, w: float = 28) -> None:
        for line in wrap((IND * 2 if indent else "") + text, w):
            self.left -= 1
            if self.left <= 0:
                if self.r.random() < .3:
                    self.buf += [f"- {self.page + 10} -", "", "", ""]
                    self.newpage()
                else:
                    line = self.newpage() + line
            self.buf += (line, "")

    def raw(self, *lines: str) -> None:
        self.buf += lines

    def table_page(self, unit: str, number: str, title: str, head: str) -> None:
        self.raw(f" 金额单位：万元单位名称：{unit}", "", f"公开{number}表", "", title, "", head, "")
        self.newpage()

    def text(self) -> str:
        return "\n".join(self.buf) + "\n"


def pdf_row(code: str, name: str, nums: list[str], colw: int) -> list[str]:
    """One functional row; a name too long for its column wraps as 001 shows it."""
    ind = IND * {3: 0, 5: 1, 7: 2}[len(code)]
    if len(ind) + len(name) <= colw:
        return [f"{ind}{code} {ind}{name} {' '.join(nums)}", ""]
    cut = colw - len(ind)
    return [f"{ind}{code}", f"{ind}{name[:cut]}", "", name[cut:], " ".join(nums), ""]


def pdf_functional(b: Budget, cols: Callable[[list[int]], list[int]], colw: int) -> list[str]:
    out = []
    for k3 in sorted({c[:3] for c in b.items}):
        keys = [k3] + [x for k5 in sorted({c[:5] for c in b.items if c.startswith(k3)})
                       for x in (k5, *[c for c in b.items if c.startswith(k5)])]
        for k in keys:
            out += pdf_row(k, FUNC[k], [m(v) for v in cols(sum_items(b.items, k))], colw)
    return out


def pdf_document(dept: Dept, u: Unit, f: Budget, b: Budget, pf: Budget, y: int, r: Random) -> str:
    """001: a unit's 决算 (f) against its 年初预算 (b) and last year's 决算 (pf)."""
    p = Pdf(r)
    nm = u.name
    t = wrap(f"第一部分：{nm}概况", 20)
    p.raw(" " + t[0], *t[1:], "")
    p.raw("一、主要职能", "")
    own = u.name == dept.name
    p.para(f"{nm}是{dept.city}人民政府工作部门，主要负责{u.duty}。" if own else
           f"{nm}是{dept.name}所属{u.kind if u.kind != '参公' else '参公事业'}单位，主要负责{u.duty}。")
    for i, duty in enumerate((*duties(dept, u), "承办上级交办的其他事项"), 1):
        p.para(f"（{cn(i)}）{duty}。", indent=True)
    actual = f.staff + (1 if r.random() < .3 else 0)
    p.raw("二、单位机构设置情况", "")
    kind = {"参公": "参公事业单位", "事业": "公益一类事业单位", "行政": "行政单位"}[u.kind]
    p.para(f"{nm}是{dept.city}人民政府工作部门，内设科室{dept.sections}个，编制数{u.staff}人，实有人数{actual}人。" if own else
           f"{nm}是{dept.name}管理的{'正处级' if u.kind == '行政' else '正科级'}{kind}，编制数{u.staff}人，实有人数{actual}人。")
    p.raw(f" 金额单位：万元单位名称：{nm}", "")
    t = wrap(f"第二部分：{nm}{y}年度单位决算报表", 31)
    p.raw(*t, "", "公开01表", "", "收入支出决算总表", "", "收入 支出", "", "项目 决算数 项目 决算数", "")
    by = f.by(3)
    left = [("一、一般公共预算财政拨款收入", f.total)] + [(x, 0) for x in (
        "二、政府性基金预算财政拨款收入", "三、国有资本经营预算财政拨款收入", "四、上级补助收入", "五、事业收入", "六、经营收入",
        "七、附属单位上缴收入", "八、其他收入")]
    right = [(f"{cn(i)}、{c}", sum(by.get(_CLASS_CODES[c], [0, 0]))) for i, c in enumerate(CLASSES_PDF, 1)]
    for (lt, lv), (rt, rv) in zip_longest(left, right, fillvalue=("", 0)):
        p.raw(f"{lt} {m(lv)} {rt} {m(rv)}" if lt else f"{rt} {m(rv)}", "")
    p.raw(f"本年收入合计 {m(f.total)} 本年支出合计 {m(f.total)}", "", "使用非财政拨款结余（含专用结余） 0.00 结余分配 0.00", "",
          "年初结转和结余 0.00 年末结转和结余 0.00", "", f"收入总计 {m(f.total)} 支出总计 {m(f.total)}", "",
          "注：1.本表反映单位本年度的总收支和年末结转结余情况。", f"{IND * 2}2.本套报表金额单位转换时可能存在尾数误差。")
    p.table_page(nm, "02", "收入决算表", PDF_HEAD["02"])
    p.raw(f"合计 {m(f.total)} {m(f.total)} {' '.join(['0.00'] * 5)}", "")
    p.raw(*pdf_functional(f, lambda v: [sum(v), sum(v), 0, 0, 0, 0, 0], r.choice((19, 19, 24))))
    p.raw("注：本表反映单位本年度取得的各项收入情况。")
    p.table_page(nm, "03", "支出决算表", PDF_HEAD["03"])
    p.raw(f"合计 {m(f.total)} {m(f.basic)} {m(f.project)} 0.00 0.00 0.00", "")
    p.raw(*pdf_functional(f, lambda v: [sum(v), v[0] + v[1], v[2], 0, 0, 0], r.choice((16, 16, 19))))
    p.raw("注：本表反映单位本年度各项支出情况。")
    p.table_page(nm, "04", "财政拨款收入支出决算总表", PDF_HEAD["04"])
    left3 = ("一、一般公共预算财政拨款收入", "二、政府性基金预算财政拨款收入", "三、国有资本经营预算财政拨款收入")
    for i, c in enumerate(CLASSES_PDF, 1):
        v = sum(by.get(_CLASS_CODES[c], [0, 0]))
        lead = f"{left3[i - 1]} {i} {m(f.total if i == 1 else 0)}" if i <= 3 else str(i)
        p.raw(f"{lead} {cn(i)}、{c} {32 + i} {m(v)} {m(v)} 0.00 0.00", "")
    p.raw(f"本年收入合计 27 {m(f.total)} 本年支出合计 59 {m(f.total)} {m(f.total)} 0.00 0.00", "",
          "年初财政拨款结转和结余 28 0.00 年末财政拨款结转和结余 60 0.00 0.00 0.00 0.00", "",
          f"{IND}一般公共预算财政拨款 29 0.00 61", "", f"{IND}政府性基金预算财政拨款 30 0.00 62", "",
          f"{IND}国有资本经营预算财政拨款 31 0.00 63", "", f"合计 32 {m(f.total)} 合计 64 {m(f.total)} {m(f.total)} 0.00 0.00",
          "", "注：本表反映单位本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。")
    p.table_page(nm, "05", "一般公共预算财政拨款支出决算表", PDF_HEAD["05"])
    p.raw(f"合计 {m(f.total)} {m(f.basic)} {m(f.project)}", "")
    p.raw(*pdf_functional(f, lambda v: [sum(v), v[0] + v[1], v[2]], 99))
    p.raw("注：本表反映单位本年度一般公共预算财政拨款实际支出情况。")
    p.table_page(nm, "06", "一般公共预算财政拨款基本支出决算明细表", PDF_HEAD["06"])
    columns = [[c for k in group for c in ECON if c.startswith(k)] for group in PDF_06]
    for cells in zip_longest(*columns):
        parts = []
        for j, c in enumerate(cells):
            if c is None:
                continue
            ind = "" if len(c) == 3 else IND
            if len(ind) + len(ECON[c]) > 16 and j == 2:
                parts.append(f"{ind}{c}\n{ind}{ECON[c][:15]}\n\n{ECON[c][15:]}\n{m(f.econ_sum(c))}")
            else:
                parts.append(f"{ind}{c} {ind}{ECON[c]} {m(f.econ_sum(c))}")
        p.raw(" ".join(parts), "")
    p.raw(f"人员经费合计 {m(f.person)} 公用经费合计 {m(f.public)}", "", "注：本表反映单位本年度一般公共预算财政拨款基本支出明细情况。")
    p.table_page(nm, "07", "政府性基金预算财政拨款收入支出决算表", PDF_HEAD["07"])
    p.raw("合计 0.00 0.00 0.00 0.00 0.00 0.00", "",
          f"注：本单位{y}年度没有政府性基金预算财政拨款收入，也没有政府性基金预算财政拨款安排的支出，故本表无数据。")
    p.table_page(nm, "08", "国有资本经营预算财政拨款支出决算表", PDF_HEAD["08"])
    p.raw("合计 0.00 0.00 0.00", "",
          f"注：本单位{y}年度没有国有资本经营预算财政拨款收入，也没有国有资本经营预算财政拨款安排的支出，故本表无数据。")
    p.table_page(nm, "09", "财政拨款“三公”经费支出决算表", PDF_HEAD["09"])
    (ab, buy, run, rec), (fab, fbuy, frun, frec) = b.sangong, f.sangong
    p.raw(" ".join(m(v) for v in (ab + buy + run + rec, ab, buy + run, buy, run, rec,
                                  fab + fbuy + frun + frec, fab, fbuy + frun, fbuy, frun, frec)), "",
          "注：本表反映单位本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，反映按规定程序调整后的预算数；"
          "决算数是包括当年财政拨款和以前年度结转资金安排的实", "际支出。")

    # 第三部分: the explanations
    t = wrap(f"第三部分：{nm}{y}年度单位决算情况说明", 20)
    p.raw(" " + t[0], *t[1:], "")
    p.raw(f"一、{y}年度收入支出决算总体情况", "")
    d_total = f.total - pf.total

    def vs(cur: int, old: int) -> str:
        d = cur - old
        if d == 0:
            return f"与{y - 1}年度决算数持平，无增减变动"
        return f"较{y - 1}年度决算数{'增加' if d > 0 else '减少'}{m(abs(d))}万元，{'增长' if d > 0 else '下降'}{pct(abs(d), old)}"
    why = (REASONS_UP if d_total >= 0 else REASONS_DOWN)[f.total % 2]
    p.para(f"（一）本单位{y}年度总收入{m(f.total)}万元，其中本年收入{m(f.total)}万元，{vs(f.total, pf.total)}。收入具体情况如下：")
    p.para(f"1.一般公共预算财政拨款收入{m(f.total)}万元，为{dept.city}本级财政当年拨付的资金。{vs(f.total, pf.total)}，主要原因是：{why}。")
    p.para(f"（二）本单位{y}年度总支出{m(f.total)}万元，其中本年支出{m(f.total)}万元，{vs(f.total, pf.total)}。支出具体情况如下：")
    fby, pby = f.by(3), pf.by(3)
    for i, (k, v) in enumerate(fby.items(), 1):
        p.para(f"{i}.{FUNC[k]}（类）{m(sum(v))}万元，主要用于：{uses(k, f.projects, v[0] > 0)}。"
               f"{vs(sum(v), sum(pby.get(k, [0, 0])))}。", indent=i > 1)
    p.raw(f"二、{y}年度一般公共预算财政拨款支出决算情况", "")
    p.para(f"本单位{y}年度一般公共预算财政拨款支出{m(f.total)}万元，{vs(f.total, pf.total)}。其中：基本支出{m(f.basic)}万元，"
           f"项目支出{m(f.project)}万元。")
    p.para(f"本单位{y}年度一般公共预算财政拨款支出年初预算{m(b.total)}万元，支出决算{m(f.total)}万元，完成年初预算的"
           f"{pct(f.total, b.total)}。", indent=True)
    p.para("支出具体情况如下：", indent=True)
    codes = sorted(set(f.items) | set(b.items))
    for i, code in enumerate(codes, 1):
        bv, fv = sum(b.items.get(code, [0, 0, 0])), sum(f.items.get(code, [0, 0, 0]))
        head = f"（{cn(i)}）{item_path(code)}年初预算为{m(bv)}万元，支出决算为{m(fv)}万元"
        if not bv:
            p.para(f"{head}。决算数高于预算数的主要原因是：年初预算未列支，年中作为追加预算进行调整下达。", indent=True)
        elif fv == bv:
            p.para(f"{head}，完成年初预算100%。", indent=True)
        else:
            hi = fv > bv
            p.para(f"{head}，完成年初预算的{pct(fv, bv)}。决算数{'高' if hi else '低'}于预算数的主要原因是："
                   + ("年中追加专项工作任务，相应增加支出。" if hi else "落实过紧日子的要求，严格控制支出，部分项目资金未在年内支付。"),
                   indent=True)
    p.raw(f"三、{y}年度一般公共预算财政拨款基本支出决算情况", "")
    p.para(f"本单位{y}年度一般公共预算财政拨款基本支出{m(f.basic)}万元，其中：人员经费{m(f.person)}万元，主要包括："
           f"{'、'.join(ECON[k] for k in f.econ if k[:3] in ('301', '303'))}；公用经费{m(f.public)}万元，主要包括："
           f"{'、'.join(ECON[k] for k in f.econ if k.startswith('302'))}。")
    p.para("支出具体情况如下：", indent=True)
    for i, k in enumerate(ECON_CLASS_ORDER, 1):
        bv, fv = b.econ_sum(k), f.econ_sum(k)
        if bv:
            p.para(f"（{cn(i)}）{ECON[k]}年初预算为{m(bv)}万元，支出决算为{m(fv)}万元，完成年初预算的{pct(fv, bv)}。", indent=True)
    p.raw(f"四、{y}年度政府性基金预算财政拨款支出决算情况", "")
    p.para(f"本单位{y}年度没有政府性基金预算财政拨款收入，也没有政府性基金预算财政拨款安排的支出，与去年相比无变化。")
    p.raw(f"五、{y}年度国有资本经营预算财政拨款支出决算情况", "")
    p.para(f"本单位{y}年度没有国有资本经营预算财政拨款收入，也没有国有资本经营预算财政拨款安排的支出，与去年相比无变化。")
    p.raw("六、财政拨款安排的“三公”经费支出决算情况", "")
    sgb, sgf = ab + buy + run + rec, fab + fbuy + frun + frec
    p.para(f"本单位{y}年度财政拨款安排的“三公”经费支出预算为{m(sgb)}万元，支出决算为{m(sgf)}万元"
           + (f"，完成预算的{pct(sgf, sgb)}。" if sgb else "。") + f"其中：因公出国（境）费支出决算为{m(fab)}万元；"
           f"公务用车购置及运行维护费支出决算为{m(fbuy + frun)}万元；公务接待费支出决算为{m(frec)}万元。")
    p.para(f"（一）因公出国（境）费支出预算为{m(ab)}万元，支出决算为{m(fab)}万元。")
    p.para(f"（二）公务用车购置及运行维护费支出预算为{m(buy + run)}万元，支出决算为{m(fbuy + frun)}万元，其中：公务用车购置费支出预算为"
           f"{m(buy)}万元，支出决算为{m(fbuy)}万元；公务用车运行维护费支出预算为{m(run)}万元，支出决算为{m(frun)}万元。"
           f"{y}年，{nm}开支财政拨款的公务用车保有量为{u.vehicles}辆。")
    p.para(f"（三）公务接待费支出预算为{m(rec)}万元，支出决算为{m(frec)}万元。")
    p.raw("七、其他重要事项的情况说明", "", "（一）机关运行经费支出情况说明", "")
    p.para(f"本单位{y}年度机关运行经费年初预算为{m(b.public)}万元，支出决算为{m(f.public)}万元，{vs(f.public, pf.public)}。")
    g = procurement(f)
    p.raw("（二）政府采购支出情况说明", "")
    p.para(f"本单位{y}年度政府采购支出总额{m(g[0])}万元，其中：政府采购货物支出{m(g[3])}万元、政府采购工程支出0万元、"
           f"政府采购服务支出{m(g[4])}万元。")
    p.raw("（三）国有资产占用情况说明", "")
    p.para(f"截至{y}年12月31日，本单位共有车辆{u.vehicles}辆。单价100万元（含）以上设备（不含车辆）0台（套）。")
    p.raw("八、预算绩效管理工作开展情况", "", "（一）绩效管理工作开展情况。", "")
    p.para(f"根据财政预算管理要求，我单位组织对{y}年度一般公共预算项目支出全面开展绩效自评。共涉及资金{m(b.project)}万元，"
           "占一般公共预算项目支出总额的100%。")
    p.raw("（二）部门决算中绩效自评结果情况。", "")
    top = max(b.projects, key=lambda x: x.amount)
    done = next((x.amount for x in f.projects if x.name == top.name), 0)
    rate, score = pct(done, top.amount), round(80 + r.random() * 19, 2)
    p.para(f"我单位根据年初设定的绩效目标，共对{len(b.projects)}个项目开展了绩效自评工作。")
    p.para(f"{top.name}项目自评综述：全年预算数{plain(top.amount).rstrip('0').rstrip('.')}万元，执行数{plain(done)}万元，执行率为{rate}，"
           f"自评得分为{score}分。项目绩效目标总体完成情况良好。", indent=True)
    p.raw(" 项目支出绩效自评表", "", f"{y}年度预算项目绩效自评表", "",
          f"项目名称 {top.name} 项目编码 {dept.region}{y % 100}0{u.code}{r.randint(100000, 999999)}", "",
          f"项目实施单位 {u.code}-{nm} 主管部门 {dept.code}-{dept.name}", "", "预算执行情况\n(万元)", "",
          "资金来源 年初预算数 年中预算调整数 调整后预算数 实际支出数 预算执行率(%)", "",
          f"合计 {plain(top.amount)} 0 {plain(top.amount)} {plain(done)} {rate}", "", "其中：一般公共预算拨款",
          "其中: 上级 0.0 0.0 0.0 0.0 0%", "", f"      本级 {plain(top.amount)} 0.0 {plain(top.amount)} {plain(done)} {rate}", "",
          "政府性基金  —— 0.0 0.0 0.0 0.0 0%", "", "      其他资金  —— 0.0 0.0 0.0 0.0 0%", "",
          f"年度绩效目标{goal(top, y)}", "", f"自评得分（满分100分） {score} 预算执行（10分） {round(10 * done / top.amount, 2)}", "",
          "项目绩\n效目标\n衡量指\n\n标", "", "一级指标 二级指标 指标内容 指标值 分值 实际完成值 指标得分\n完成情况简要描\n\n述\n偏差原因及改进措施",
          "")
    last = ""
    for l1, l2, l3, value, _unit in indicators(Random(f"{u.key}/{top.name}/{y}"), top.amount, 1):
        if l1 != last:
            p.raw(l1, "")
            last = l1
        p.raw(f"{l2} {l3} {value} 10 达成预期指标 10", *wrap(f"完成{l3}相关指标", 7), "")
    p.raw("自评分\n析", "", "全年目标完成情\n况", "", goal(top, y), "", "绩效目标偏离原\n因分析", "", "整改措施及建议", "", "其他需说明问题")
    p.raw(" 第四部分：名词解释", "")
    for i, (term, text) in enumerate(GLOSSARY_FINAL, 1):
        p.para(f"{cn(i)}、{term}：{text.replace('本级', dept.city + '本级')}")
    return p.text()


# ---------------------------------------------------------------------------------------------
# The plan and the writer
# ---------------------------------------------------------------------------------------------


@dataclass
class Planned:
    layout: str
    kind: str  # 部门预算 / 单位预算 / 单位决算
    key: str
    render: Callable[[], str]


def plan(seed: int) -> Iterator[Planned]:
    """Documents in order: each year, every (city, department type) in a seeded order."""
    for y in YEARS:
        pairs = [(ri, di) for ri in range(len(REGIONS)) for di in range(len(DEPT_TYPES))]
        Random(f"{seed}/order/{y}").shuffle(pairs)
        for ri, di in pairs:
            yield from dept_documents(seed, make_dept(seed, ri, di), y)


def dept_documents(seed: int, dept: Dept, y: int) -> Iterator[Planned]:
    rows = [(u, budget(u, y)) for u in dept.units]
    prevs = [budget(u, y - 1) for u in dept.units]
    r = Random(f"{seed}/{dept.region}/{dept.code}/{y}/doc")
    base = f"{dept.region}/{dept.code}/{y}"
    if len(rows) > 1:
        yield Planned("markdown", "部门预算", base, lambda: lz_document(dept, rows, merge(prevs), y, Random(f"{base}/md"), True))
    else:
        yield Planned("tsv", "部门预算", base, lambda: cs_document(dept, rows[0][0], rows[0][1], prevs[0], y,
                                                                Random(f"{base}/cs")))
    for (u, b), pb in zip(rows, prevs):
        key = f"{base}/{u.code}"
        if dept.style == "lz":
            render = (lambda u=u, b=b, pb=pb, key=key: lz_document(dept, [(u, b)], pb, y, Random(f"{key}/lz"), False))
        else:
            render = (lambda u=u, b=b, pb=pb, key=key: cz_document(dept, u, b, pb, y, Random(f"{key}/cz")))
        yield Planned("tsv", "单位预算", key, render)
    for u, b in rows:
        if y <= 2024 and r.random() < .3:
            key = f"{base}/{u.code}/final"
            yield Planned("pdf", "单位决算", key, lambda u=u, b=b, key=key: pdf_document(
                dept, u, final(u, y), b, final(u, y - 1), y, Random(f"{key}/pdf")))


def generate(out_dir: Path, units: int, seed: int = 0, layouts: tuple[str, ...] = LAYOUTS) -> list[Path]:
    """Write `units` documents into out_dir (created if missing) and return their paths, in order.

    Each document is rendered and written on its own, so memory stays flat however many there are.
    """
    unknown = set(layouts) - set(LAYOUTS)
    if unknown:
        raise ValueError(f"unknown layouts {sorted(unknown)}; choose from {LAYOUTS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    digits = max(3, len(str(max(units - 1, 0))))
    paths: list[Path] = []
    if units <= 0 or not layouts:
        return paths
    for i, doc in zip(count(), (d for d in plan(seed) if d.layout in layouts)):
        if i >= units:
            break
        tag = hashlib.blake2b(f"{seed}/{doc.key}".encode(), digest_size=8).hexdigest()
        path = out_dir / f"{i:0{digits}d}_{tag}.txt"
        path.write_text(doc.render(), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/synth.py", description="Write a deterministic synthetic corpus of budget documents.")
    ap.add_argument("--units", type=int, default=10, help="number of documents to write (default 10)")
    ap.add_argument("--out", type=Path, required=True, help="directory to write them into")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0); the same seed gives the same bytes")
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help=f"comma-separated subset of {','.join(LAYOUTS)}")
    args = ap.parse_args(argv)
    layouts = tuple(x.strip() for x in args.layouts.split(",") if x.strip())
    if not layouts or set(layouts) - set(LAYOUTS):
        ap.error(f"--layouts: choose from {','.join(LAYOUTS)}")
    start = time.perf_counter()
    paths = generate(args.out, args.units, args.seed, layouts)
    print(f"wrote {len(paths)} documents to {args.out} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
