from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import evalrules
from evalrules.model.ruleset import SOURCE_TAGS, RulesetInfo, cite


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("89.999999", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grades_are_half_open(national: evalrules.Ruleset, total: str, grade: str) -> None:
    assert national.grade_for(Decimal(total)) == grade


def test_grade_outside_range(national: evalrules.Ruleset) -> None:
    with pytest.raises(ValueError):
        national.grade_for(Decimal("100.01"))


def test_find_and_walk(national: evalrules.Ruleset) -> None:
    assert national.find(("过程", "资金管理", "预算执行率")) is not None
    assert national.find(("过程", "不存在")) is None
    assert sum(1 for _ in national.walk()) == 25  # 10 决策 + 8 过程 + 5 产出 + 2 效益
    assert sum(i.weight for i in national.indicators) == national.max


def test_source_tags() -> None:
    assert SOURCE_TAGS["V"] == "verified" and SOURCE_TAGS["M"] == "unverified"


def test_worked_examples_compare_by_their_content(national: evalrules.Ruleset) -> None:
    first, second, third, _ = national.examples
    assert (first.name, first.expected_total, first.expected_grade) == ("全部达标", Decimal(100), "优")
    assert (("效益", "项目效益", "经济效益"), None) in second.expected_scores  # "不适用"
    assert third.project.assessments[5].not_applicable
    # where an example was read from is not part of it: the same table elsewhere is the same example
    moved = attrs.evolve(first, file="elsewhere.toml", line=1, project=second.project)
    assert moved == first and moved != second


MEASURES = "《项目支出绩效评价管理办法》（财预〔2020〕10号）"


@pytest.mark.parametrize(
    ("title", "document", "cited"),
    [
        ("项目支出绩效评价管理办法", "财预〔2020〕10号", MEASURES),
        ("《项目支出绩效评价管理办法》", "财预〔2020〕10号", MEASURES),
        ("", "财预〔2020〕10号", "财预〔2020〕10号"),
        ("自治区财政支出绩效评价管理暂行办法", "", "《自治区财政支出绩效评价管理暂行办法》"),
        ("  ", " ", ""),
    ],
)
def test_a_document_is_cited_by_what_is_known(title: str, document: str, cited: str) -> None:
    assert cite(title, document) == cited


def test_a_ruleset_without_a_document_title_cites_its_document_number_only() -> None:
    # issue 22: the ruleset's own title was cited as if it were a document in 《》
    info = RulesetInfo("x", "1", "项目支出绩效评价（部门评价、财政评价）", "财预〔2020〕10号", "财政部")
    assert info.citation == "财预〔2020〕10号"
    assert "《" not in info.citation


@pytest.mark.parametrize(
    ("mode", "self_evaluation"), [("单位自评", True), ("部门评价/财政评价", False), ("", False)]
)
def test_self_evaluation_is_read_from_the_mode(mode: str, self_evaluation: bool) -> None:
    assert RulesetInfo("x", "1", "t", "d", "i", mode=mode).self_evaluation is self_evaluation


# --- issue 15 §2: the kinds of node, and the closed operator -----------------------------------


def test_a_node_is_a_branch_a_leaf_or_a_slot(national: evalrules.Ruleset) -> None:
    kinds = {node.kind for indicator in national.indicators for _, node in indicator.walk()}
    assert kinds == {"branch", "leaf", "slot"}
    for indicator in national.indicators:
        for _, node in indicator.walk():
            assert (node.kind == "branch") == bool(node.children)
            assert (node.kind == "leaf") == (node.method is not None)
            assert (node.kind == "slot") == (node.slot is not None)


def test_a_wrong_tree_cannot_be_built_in_code() -> None:
    from evalrules.model.ruleset import Indicator, MethodRef, Slot

    method = MethodRef("manual", {})
    leaf = Indicator("资金到位率", Decimal(5), method=method)
    with pytest.raises(ValueError, match="有下级指标"):
        Indicator("过程", Decimal(5), children=(leaf,), method=method)
    with pytest.raises(ValueError, match="有下级指标"):
        Indicator("产出", Decimal(5), children=(leaf,), slot=Slot())
    with pytest.raises(ValueError, match="恰有计分方法或 slot 之一"):
        Indicator("空指标", Decimal(5))
    with pytest.raises(ValueError, match="恰有计分方法或 slot 之一"):
        Indicator("两者都有", Decimal(5), method=method, slot=Slot())
    with pytest.raises(ValueError):
        attrs.evolve(leaf, method=None)


def test_a_target_operator_is_one_of_four() -> None:
    from evalrules.model.operators import CANONICAL_OPERATORS, OPERATORS
    from evalrules.model.project import Place, Target

    assert set(OPERATORS.values()) == set(CANONICAL_OPERATORS)
    place = Place("p.toml", "t")
    for operator in CANONICAL_OPERATORS:
        Target(("产出",), "t", operator, None, "", "", None, "", place)
    with pytest.raises(ValueError, match="operator"):
        Target(("产出",), "t", "≥", None, "", "", None, "", place)  # type: ignore[arg-type]
