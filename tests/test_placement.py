"""The arithmetic that places a row's printed figures when the blank cells were left out."""
from __future__ import annotations

from decimal import Decimal

from budgetkg.ingest.placement import Problem, candidates, place

D = Decimal
TOTAL_BASIC_PROJECT = [{0: 1, 1: -1, 2: -1}]  # 合计 = 基本支出 + 项目支出


def rows(*figures: str) -> list[list[Decimal]]:
    return [[D(f) for f in row.split()] for row in figures]


def test_candidates_keep_the_printed_order():
    assert candidates(2, [0, 1, 2]) == [(0, 1), (0, 2), (1, 2)]


def test_a_full_row_is_placed_as_printed():
    problem = Problem(3, rows("10 7 3"), row_relations=TOTAL_BASIC_PROJECT)
    assert place(problem) == [[0, 1, 2]]


def test_a_full_row_that_does_not_add_up_is_still_placed():
    problem = Problem(3, rows("10 7 4"), row_relations=TOTAL_BASIC_PROJECT)
    assert place(problem) == [[0, 1, 2]]


def test_a_lone_short_row_is_not_guessed():
    """'6 6' under 合计 | 基本 | 项目: 合计 is certain, the second figure is 基本 or 项目."""
    problem = Problem(3, rows("6 6"), row_relations=TOTAL_BASIC_PROJECT)
    assert place(problem) == [[0, None]]


def test_children_decide_by_their_parent():
    """208 (full) = 20805 + 20808; each child prints two figures."""
    problem = Problem(3, rows("10 7 3", "7 7", "3 3"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1}])
    assert place(problem) == [[0, 1, 2], [0, 1], [0, 2]]


def test_a_total_row_decides_the_classes_under_it():
    """合计 (full) = Σ 类 rows; the short 类 rows are placed by what the full ones leave."""
    problem = Problem(3, rows("100 60 40", "30 30", "50 30 20", "20 20"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1, 3: 1}])
    assert place(problem) == [[0, 1, 2], [0, 1], [0, 1, 2], [0, 2]]


def test_an_ambiguous_tree_is_not_guessed():
    """Two children of equal size under a parent split half and half: either could be 基本."""
    problem = Problem(3, rows("10 5 5", "5 5", "5 5"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1}])
    assert place(problem) == [[0, 1, 2], [0, None], [0, None]]


def test_a_parent_that_is_not_the_sum_of_its_children_decides_nothing():
    problem = Problem(3, rows("10 5 5", "7 7", "4 4"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1}])
    assert place(problem) == [[0, 1, 2], [0, None], [0, None]]


def test_the_decision_passes_down_several_levels():
    """合计 → 类 → 款: the 款 row's column follows from the 类 row decided by the 合计 row."""
    problem = Problem(3, rows("100 60 40", "60 60", "40 40", "60 60"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1}, {1: -1, 3: 1}])
    assert place(problem) == [[0, 1, 2], [0, 1], [0, 2], [0, 1]]


def test_cells_another_table_states_decide_what_the_table_leaves_open():
    """The 收支总表 says 事业收入 is blank: '6 6' under 合计 | 财政拨款 | 事业收入 is 合计 + 财政拨款."""
    relations = [{0: 1, 1: -1, 2: -1}]
    alone = Problem(3, rows("6 6"), row_relations=relations)
    assert place(alone) == [[0, None]]
    told = Problem(3, rows("6 6"), row_relations=relations, known={(0, 2): (D(0), D(0))})
    assert place(told) == [[0, 1]]


def test_stated_cells_that_contradict_the_table_are_ignored():
    problem = Problem(3, rows("10 7 3", "7 7", "3 3"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1}], known={(1, 2): (D(7), D(7))})
    assert place(problem) == [[0, 1, 2], [0, 1], [0, 2]]


def test_an_upper_bound_decides_too():
    """Spending of one fund is at most what all funds spend: a 基本支出 of 0 for all funds puts
    the fund's figure under 项目支出."""
    problem = Problem(3, rows("5 5"), row_relations=TOTAL_BASIC_PROJECT, known={(0, 1): (None, D(0))})
    assert place(problem) == [[0, 2]]


def test_stated_cells_match_within_their_rounding():
    relations = [{0: 1, 1: -1, 2: -1}]
    problem = Problem(3, rows("15250 15250"), row_relations=relations, known={(0, 1): (D(15250), D(15350))})
    assert place(problem) == [[0, 1]]


def test_nested_totals_within_a_row():
    """三公: 合计 = 出国 + 接待 + 公务用车小计; 小计 = 购置 + 运行; 机关运行经费 stands apart."""
    relations = [{0: 1, 1: -1, 2: -1, 3: -1}, {3: 1, 4: -1, 5: -1}]
    problem = Problem(7, rows("8.53 1.53 7 7 386.02"), row_relations=relations)
    assert place(problem) == [[0, None, 3, None, 6]]


def test_too_many_figures_cannot_be_placed():
    problem = Problem(2, rows("1 2 3"))
    assert place(problem) == [[None, None, None]]


def test_allowed_columns_restrict_a_row():
    problem = Problem(4, rows("5"), allowed=[[2, 3]], row_relations=[{2: 1, 3: -1}])
    assert place(problem) == [[None]]
    assert place(Problem(4, rows("5 5"), allowed=[[2, 3]], row_relations=[{2: 1, 3: -1}])) == [[2, 3]]


def test_sums_hold_up_to_the_rounding_of_the_figures():
    """万元 figures with two decimals: 3,019.34 printed for children printing 3,019.33 in all."""
    problem = Problem(3, rows("3019.34 2439.14 580.19", "1281.95 1240.49 41.46", "1360.03 998.47 361.56",
                              "200.18 200.18", "177.17 177.17"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1, 3: 1, 4: 1}], tolerance=D("0.005"))
    assert place(problem)[3:] == [[0, 1], [0, 2]]


def test_a_column_the_document_breaks_does_not_void_the_others():
    """The parent's 基本支出 is a misprint; its 项目支出 still decides the children."""
    problem = Problem(3, rows("30 9 10", "20 20", "10 10"), row_relations=TOTAL_BASIC_PROJECT,
                      tree_relations=[{0: -1, 1: 1, 2: 1}])
    assert place(problem)[1:] == [[0, 1], [0, 2]]


def test_a_stated_figure_counts_before_a_bound():
    """Another table states 国有资本经营预算 is blank; a bound worked out from two others (which
    contradict this one) would put the figure there: the stated figure wins."""
    relations = [{0: 1, 1: -1, 2: -1, 3: -1}]
    problem = Problem(4, rows("10 7 3"), row_relations=relations,
                      known={(0, 2): (None, D(2)), (0, 3): (D(0), D(0))})
    assert place(problem) == [[0, 1, 2]]
