from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules import ScoringError
from evalrules.io.project_loading import project_from_text
from evalrules.model.project import Assessment, Deduction, Project, Target

from .test_project_loading import SMALL


def with_target(project: Project, name: str, **changes: object) -> Project:
    """The project with one target changed (actual_text follows a changed actual)."""
    if "actual" in changes and "actual_text" not in changes:
        changes["actual_text"] = str(changes["actual"]) if changes["actual"] is not None else ""
    targets = tuple(attrs.evolve(t, **changes) if t.name == name else t for t in project.targets)
    return attrs.evolve(project, targets=targets)


def codes(error: ScoringError) -> list[str]:
    return [problem.code for problem in error.problems]


# --- the seed ---------------------------------------------------------------------------


def test_seed_scores_as_the_report_states(seed: Project, national: evalrules.Ruleset) -> None:
    result = evalrules.score(seed, national)
    assert result.total == 100 and result.grade == "优"
    assert result.subtotals() == {"决策": 20, "过程": 20, "产出": 40, "效益": 20}
    for path, claimed in seed.claims.scores.items():
        assert result.node(*path.split("/")).score == claimed, path
    quantity = result.node("产出", "产出数量")
    assert [(n.name, n.score) for n in quantity.children] == [
        ("保障职工人数", 2),
        ("购买办公费批次", 2),
        ("电费缴费月数", 1),
        ("支付水费月数", 1),
        ("出差干部人数", 1),
        ("办公设备购置采购批次", 1),
        ("车辆维护数", 1),
        ("支付电话费及网络费费月数", 1),
    ]
    cost = result.node("产出", "产出成本")
    assert sum(n.weight for n in cost.children) == 10
    assert [n.weight for n in cost.children] == [Decimal("1.12")] + [Decimal("1.11")] * 8
    for group in ("经济效益", "生态效益"):
        node = result.node("效益", "项目效益", group)
        assert node.status == "not_applicable" and node.reasons == ("本项目无该指标。",)
    execution = result.node("过程", "资金管理", "预算执行率")
    assert execution.reasons[0] == "执行数 192.05万元 ÷ 到位资金 192.05万元 = 100%，该指标不扣分，得 5 分"


def test_seed_json_contract(seed: Project, national: evalrules.Ruleset) -> None:
    data = evalrules.score(seed, national).to_dict()
    assert set(data) >= {"total", "max", "grade", "ruleset", "project", "indicators"}
    assert data["ruleset"] == {"id": "caiyu_2020_10", "version": "1.0.0", "sha256": national.sha256}
    assert data["project"] == {"name": "工作经费", "unit": "阿克陶县人民政府办公室", "year": 2022}
    first = data["indicators"][0]
    assert first["path"] == ["决策"] and first["level"] == 1 and first["status"] == "scored"
    assert {"path", "level", "weight", "score", "status", "reasons"} <= set(first)
    staff = next(n for n in data["indicators"] if n["path"][-1] == "保障职工人数")
    assert staff["path"] == ["产出", "产出数量", "保障职工人数"] and staff["weight"] == 2


def test_lost_points_are_explained(seed: Project, national: evalrules.Ruleset) -> None:
    project = with_target(seed, "保障职工人数", actual=Decimal(40), reason="年中调出 4 人")
    result = evalrules.score(project, national)
    node = result.node("产出", "产出数量", "保障职工人数")
    assert node.score == Decimal("1.82")
    assert (
        node.reasons[0]
        == "保障职工人数 指标值 =44人，实际完成 40人，完成 90.91%，按完成比例得 1.82 分（分值 2 分）"
    )
    assert node.reasons[1] == "偏差原因：年中调出 4 人"
    assert result.total == Decimal("99.82") and result.grade == "优"
    assert result.node("产出").score == Decimal("39.82")


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("actual", [None, "完成"])
def test_missing_or_non_numeric_actual_is_an_error(
    seed: Project, national: evalrules.Ruleset, actual: str | None
) -> None:
    project = with_target(seed, "车辆维护数", actual=None, actual_text=actual or "")
    with pytest.raises(ScoringError) as caught:
        evalrules.score(project, national)
    problem = caught.value.problems[0]
    assert problem.code == "E-INPUT" and "车辆维护数" in (problem.where or "")
    assert problem.line is not None and problem.file and problem.file.endswith("akto-2022.toml")
    if actual:
        assert problem.found == "“完成”"


def test_missing_actual_can_be_not_applicable_by_ruleset(seed: Project, national: evalrules.Ruleset) -> None:
    lenient = attrs.evolve(
        national, not_applicable=attrs.evolve(national.not_applicable, missing_actual="not_applicable")
    )
    result = evalrules.score(with_target(seed, "车辆维护数", actual=None), lenient)
    node = result.node("产出", "产出数量", "车辆维护数")
    assert node.status == "not_applicable" and node.score is None
    # rescale: the 9 applicable quantity points stand for the slot's 10
    assert result.node("产出", "产出数量").score == 10 and result.total == 100


@pytest.mark.parametrize("figure", [Decimal(0), Decimal(-5)])
def test_zero_or_negative_budget_is_an_error(
    seed: Project, national: evalrules.Ruleset, figure: Decimal
) -> None:
    budget = attrs.evolve(seed.budget, figures={**seed.budget.figures, "到位资金": figure})
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, budget=budget), national)
    assert "E-INPUT" in codes(caught.value)
    assert any("到位资金" in p.message for p in caught.value.problems)


def test_target_weights_must_add_up(seed: Project, national: evalrules.Ruleset) -> None:
    with pytest.raises(ScoringError) as caught:
        evalrules.score(with_target(seed, "保障职工人数", weight=Decimal(3)), national)
    problem = caught.value.problems[0]
    assert (
        problem.code == "E-WEIGHT-SUM"
        and problem.expected == "10"
        and problem.found
        and problem.found.startswith("11")
    )


def test_mixed_weights_in_a_slot_are_refused(seed: Project, national: evalrules.Ruleset) -> None:
    with pytest.raises(ScoringError) as caught:
        evalrules.score(with_target(seed, "保障职工人数", weight=None), national)
    assert codes(caught.value) == ["E-TARGET-WEIGHT"]


def test_unknown_slot_and_path_suggest(seed: Project, national: evalrules.Ruleset) -> None:
    project = with_target(seed, "车辆维护数", slot=("产出", "产出数"))
    assessments = (
        attrs.evolve(seed.assessments[0], path=("决策", "项目立项", "立项依据充份性")),
        *seed.assessments[1:],
    )
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(project, assessments=assessments), national)
    by_code = {p.code: p for p in caught.value.problems}
    assert "产出/产出数量" in (by_code["E-TARGET-SLOT"].suggestion or "")
    assert "立项依据充分性" in (by_code["E-ASSESSMENT-PATH"].suggestion or "")
    # the moved target leaves 产出数量 at 9 of 10 points: the same mistake, not told twice (issue 14)
    assert "E-WEIGHT-SUM" not in by_code


def test_every_problem_at_once(seed: Project, national: evalrules.Ruleset) -> None:
    project = with_target(with_target(seed, "车辆维护数", actual=None), "出差干部人数", actual=None)
    with pytest.raises(ScoringError) as caught:
        evalrules.score(project, national)
    assert len(caught.value.problems) == 2


def test_empty_slot_is_an_error_unless_declared_not_applicable(
    seed: Project, national: evalrules.Ruleset
) -> None:
    project = attrs.evolve(seed, targets=tuple(t for t in seed.targets if t.slot != ("产出", "产出时效")))
    with pytest.raises(ScoringError) as caught:
        evalrules.score(project, national)
    assert codes(caught.value) == ["E-SLOT-EMPTY"]


def test_plan_weights_override(seed: Project, national: evalrules.Ruleset) -> None:
    weights = {
        ("决策",): Decimal(15),
        ("决策", "资金投入"): Decimal(5),
        ("决策", "资金投入", "预算编制科学性"): Decimal(2),
        ("决策", "资金投入", "资金分配合理性"): Decimal(3),
        ("效益",): Decimal(25),
        ("效益", "项目效益"): Decimal(25),
    }
    project = attrs.evolve(seed, weights=weights)
    project = with_target(project, "受益群众满意度", weight=Decimal(15))
    result = evalrules.score(project, national)
    assert result.subtotals() == {"决策": 15, "过程": 20, "产出": 40, "效益": 25}
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, weights={("决策",): Decimal(15)}), national)
    assert {"E-WEIGHT-SUM"} == set(codes(caught.value))
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, weights={("决策", "不存在"): Decimal(1)}), national)
    assert codes(caught.value)[0] == "E-PLAN-PATH"


# --- N/A policies, rounding, grades -----------------------------------------------------


def test_self_evaluation_without_satisfaction_rescales(self_eval: evalrules.Ruleset) -> None:
    project = project_from_text(SMALL)
    result = evalrules.score(project, self_eval)
    assert result.node("满意度指标").status == "not_applicable"
    execution = result.node("预算执行率")
    assert execution.score == Decimal("9.55")
    output = result.node("产出指标")
    assert output.score == Decimal(45)  # 180/200 × 50
    benefit = result.node("效益指标")
    assert benefit.score == Decimal(20)  # manual score inside the 60–80 % band of 30
    # 9.55 + 45 + 20 = 74.55 of 90 applicable points, rescaled to 100
    assert result.total == Decimal("82.83") and result.grade == "良"
    assert "满意度指标 不适用" in result.reasons[0]


def test_share_policy_gives_na_weight_to_siblings(self_eval: evalrules.Ruleset) -> None:
    sharing = attrs.evolve(self_eval, not_applicable=attrs.evolve(self_eval.not_applicable, policy="share"))
    result = evalrules.score(project_from_text(SMALL), sharing)
    # 满意度's 10 points are shared equally at the ruleset's 2 places: 3.34 + 3.33 + 3.33
    assert [n.weight for n in result.nodes] == [
        Decimal("13.34"),
        Decimal("53.33"),
        Decimal("33.33"),
        Decimal(10),
    ]
    assert sum((n.exact or 0) for n in result.nodes) == result.exact_total


THIRDS = """
[ruleset]
id = "thirds"
version = "1"
title = "三等分"
document = "测试"
issuer = "测试"

[rounding]
places = 2
stage = "{stage}"
total_before_grade = {before}

[[grades]]
name = "优"
min = 90

[[grades]]
name = "良"
min = 0

[target_methods]
">=" = {{ method = "positive" }}

[[indicators]]
name = "产出"
weight = 100
slot = true
"""

THIRDS_PROJECT = """
[project]
name = "三等分项目"

{targets}
"""


def thirds_project(actuals: list[str]) -> Project:
    targets = "\n".join(
        f'[[targets]]\nslot = "产出"\nname = "指标{i}"\noperator = ">="\n'
        f"value = 3\nactual = {a}\nweight = {w}\n"
        for i, (a, w) in enumerate(zip(actuals, ["33.33", "33.33", "33.34"], strict=True))
    )
    return project_from_text(THIRDS_PROJECT.format(targets=targets))


@pytest.mark.parametrize(
    ("stage", "total"),
    [("indicator", Decimal("88.90")), ("level", Decimal("88.89")), ("total", Decimal("88.89"))],
)
def test_rounding_stages(write: Callable[[str, str], Path], stage: str, total: Decimal) -> None:
    ruleset = evalrules.load_ruleset(write("r.toml", THIRDS.format(stage=stage, before="true")))
    # each target scores 0.8889 of its weight: 29.627037, 29.627037, 29.635926;
    # rounded one by one 29.63 + 29.63 + 29.64 = 88.90, exact 88.89
    result = evalrules.score(thirds_project(["2.6667"] * 3), ruleset)
    assert result.total == total


def test_grade_boundary_follows_declared_rounding(write: Callable[[str, str], Path]) -> None:
    actuals = ["2.99955", "2.99955", "2.99955"]  # 0.99985 of 100 = 99.985 → rounds to 99.99
    rounded = evalrules.load_ruleset(write("a.toml", THIRDS.format(stage="total", before="true")))
    exact = evalrules.load_ruleset(write("b.toml", THIRDS.format(stage="total", before="false")))
    assert evalrules.score(thirds_project(actuals), rounded).grade == "优"
    project = thirds_project(["2.69985"] * 3)  # 89.995 exactly
    assert evalrules.score(project, rounded).exact_total == Decimal("89.995")
    assert evalrules.score(project, rounded).total == Decimal("90.00")
    assert evalrules.score(project, rounded).grade == "优"
    assert evalrules.score(project, exact).grade == "良"


# --- properties ---------------------------------------------------------------------------

QUANTITY = (
    "保障职工人数",
    "购买办公费批次",
    "电费缴费月数",
    "支付水费月数",
    "出差干部人数",
    "办公设备购置采购批次",
    "车辆维护数",
    "支付电话费及网络费费月数",
)
actuals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
operators = st.sampled_from(["=", ">=", "<="])
deduction_lists = st.lists(st.decimals(min_value=0, max_value=6, places=1), max_size=3)


@st.composite
def seed_variants(draw: st.DrawFn, seed: Project) -> Project:
    targets = []
    for target in seed.targets:
        if target.name in QUANTITY:
            actual = draw(actuals)
            target = attrs.evolve(target, actual=actual, actual_text=str(actual), operator=draw(operators))
        targets.append(target)
    assessments = tuple(
        attrs.evolve(a, deductions=tuple(Deduction("扣分", p) for p in draw(deduction_lists)))
        for a in seed.assessments
    )
    return attrs.evolve(seed, targets=tuple(targets), assessments=assessments)


@given(data=st.data())
def test_invariants_hold_for_any_variant(
    data: st.DataObject, seed: Project, national: evalrules.Ruleset
) -> None:
    project = data.draw(seed_variants(seed))
    result = evalrules.score(project, national)
    for node in result.walk():
        if node.score is not None:
            assert 0 <= node.score <= node.weight, node.path
    assert result.total == sum(node.exact or 0 for node in result.nodes)
    assert 0 <= result.total <= result.max
    assert evalrules.score(project, national) == result  # deterministic


@given(data=st.data(), first=actuals, second=actuals)
def test_positive_never_falls_and_reverse_never_rises_as_actual_rises(
    data: st.DataObject, seed: Project, national: evalrules.Ruleset, first: Decimal, second: Decimal
) -> None:
    low, high = sorted((first, second))
    name = data.draw(st.sampled_from(QUANTITY))
    for operator, direction in ((">=", 1), ("<=", -1)):
        scores = [
            evalrules.score(with_target(seed, name, actual=value, operator=operator), national).total
            for value in (low, high)
        ]
        assert (scores[1] - scores[0]) * direction >= 0


@given(
    a=st.decimals(min_value=0, max_value=100, places=3), b=st.decimals(min_value=0, max_value=100, places=3)
)
def test_grade_never_falls_when_total_rises(national: evalrules.Ruleset, a: Decimal, b: Decimal) -> None:
    order = [band.name for band in national.grades]  # best first
    low, high = sorted((a, b))
    assert order.index(national.grade_for(high)) <= order.index(national.grade_for(low))


@given(seed_value=st.integers(min_value=0, max_value=2**32))
def test_permuting_targets_leaves_the_total_unchanged(
    seed: Project, national: evalrules.Ruleset, seed_value: int
) -> None:
    shuffled = list(seed.targets)
    random.Random(seed_value).shuffle(shuffled)
    changed = with_target(seed, "车辆维护数", actual=Decimal(11))
    shuffled_changed = with_target(
        attrs.evolve(seed, targets=tuple(shuffled)), "车辆维护数", actual=Decimal(11)
    )
    assert evalrules.score(shuffled_changed, national).total == evalrules.score(changed, national).total


def test_target_is_a_frozen_value(seed: Project) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        seed.targets[0].name = "x"  # type: ignore[misc]
    assert isinstance(seed.targets[0], Target)


def test_plan_weights_must_still_add_up_to_the_maximum(seed: Project, national: evalrules.Ruleset) -> None:
    weights = {("产出",): Decimal(35), ("产出", "产出成本"): Decimal(5)}
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, weights=weights), national)
    problem = caught.value.problems[0]
    assert problem.message == "一级指标分值之和不等于满分" and problem.expected == "100"


def test_a_slot_marked_not_applicable_cannot_also_hold_targets(
    seed: Project, national: evalrules.Ruleset
) -> None:
    place = seed.assessments[0].place
    marked = Assessment(("产出", "产出时效"), place, not_applicable=True, reason="本项目无时效要求")
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, assessments=(*seed.assessments, marked)), national)
    assert codes(caught.value) == ["E-NA-CONFLICT"]
    emptied = attrs.evolve(
        seed,
        assessments=(*seed.assessments, marked),
        targets=tuple(t for t in seed.targets if t.slot != ("产出", "产出时效")),
    )
    result = evalrules.score(emptied, national)
    assert result.node("产出", "产出时效").reasons == ("本项目无时效要求",)
    assert result.node("产出").score == 40  # 30 applicable points rescaled to the 40 of 产出


NESTED = """
[ruleset]
id = "nested"
version = "1"
title = "嵌套分组"
document = "测试"
issuer = "测试"

[[grades]]
name = "优"
min = 90

[[grades]]
name = "差"
min = 0

[target_methods]
">=" = {{ method = "positive" }}

[[indicators]]
name = "预算执行率"
weight = 10
method = "execution_rate"
params = {{ denominator = "调整后预算数" }}

[[indicators]]
name = "绩效指标"
weight = 90
slot = {{ groups = ["产出指标/数量指标", "产出指标/质量指标", "效益指标/社会效益指标"] }}
"""

NESTED_PROJECT = """
[project]
name = "嵌套"

[budget]
"全年预算数" = 100
"调整后预算数" = 80
"执行数" = 80

[[targets]]
slot = "绩效指标/产出指标/数量指标"
name = "培训人数"
operator = ">="
value = 100
actual = 50
weight = {first}

[[targets]]
slot = "绩效指标/效益指标/社会效益指标"
name = "群众知晓率"
operator = ">="
value = 90
actual = 90
weight = {second}
"""


def test_nested_groups_build_the_form_rows(write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset(write("r.toml", NESTED.format()))
    result = evalrules.score(project_from_text(NESTED_PROJECT.format(first=60, second=30)), ruleset)
    assert result.node("预算执行率").score == 10  # 80 of an adjusted 80, not of 100
    output = result.node("绩效指标", "产出指标")
    assert output.kind == "group" and output.weight == 60 and output.score == 30
    assert result.node("绩效指标", "产出指标", "质量指标").status == "not_applicable"
    assert result.node("绩效指标", "效益指标").weight == 30
    assert result.total == 70
    with pytest.raises(ScoringError) as caught:
        evalrules.score(project_from_text(NESTED_PROJECT.format(first=60, second=20)), ruleset)
    assert caught.value.problems[0].expected == "90"


def test_assessments_cannot_target_project_targets_or_fill_slots(
    seed: Project, national: evalrules.Ruleset
) -> None:
    place = seed.assessments[0].place
    on_target = Assessment(("产出", "产出数量", "车辆维护数"), place, score=Decimal(1))
    on_slot = Assessment(("产出", "产出质量"), place, score=Decimal(10))
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, assessments=(*seed.assessments, on_target, on_slot)), national)
    messages = {p.code: p.message for p in caught.value.problems}
    assert "[[targets]]" in messages["E-ASSESSMENT-PATH"] and "[[targets]]" in messages["E-ASSESSMENT-BRANCH"]


def test_a_blank_row_may_leave_out_its_weight(write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset(write("r.toml", NESTED.format()))
    text = NESTED_PROJECT.format(first=60, second=30) + (
        '\n[[targets]]\nslot = "绩效指标/产出指标/质量指标"\nname = "合格率"\noperator = ">="\n'
    )
    result = evalrules.score(project_from_text(text), ruleset)
    blank = result.node("绩效指标", "产出指标", "质量指标", "合格率")
    assert blank.status == "not_applicable" and blank.weight == 0
    assert result.total == 70
    # a weight-0 row that does not apply needs no rescaling, and the reason does not pretend it does
    assert result.node("绩效指标", "产出指标").reasons == ("小计 30 分（分值 60 分）（质量指标 不适用）",)


def test_a_branch_marked_not_applicable_cannot_hide_targets(
    seed: Project, national: evalrules.Ruleset
) -> None:
    marked = Assessment(("效益",), seed.assessments[0].place, not_applicable=True)
    with pytest.raises(ScoringError) as caught:
        evalrules.score(attrs.evolve(seed, assessments=(*seed.assessments, marked)), national)
    assert codes(caught.value) == ["E-NA-CONFLICT"] and "3 个绩效指标" in caught.value.problems[0].message


# --- N/A is never 0: what applies weighs 0 ---------------------------------------------------------

FORMS = Path(__file__).parent / "forms"


def test_applicable_targets_that_weigh_0_beside_a_not_applicable_one_leave_the_slot_not_applicable(
    self_eval: evalrules.Ruleset,
) -> None:
    # 产出指标's 50 points stand on the N/A row; the one applicable target weighs 0: 产出指标 used to
    # score 0 of 50 (total 49, 差), although nothing that counts in it was measured
    project = evalrules.load_project(FORMS / "na_zero_weight.toml")
    result = evalrules.score(project, self_eval)
    output = result.node("产出指标")
    assert (output.status, output.score) == ("not_applicable", None)
    assert output.reasons == (
        "适用的下级指标（数量指标）分值合计为 0，其余（质量指标、时效指标、成本指标）不适用："
        "按不适用处理，不计 0 分。",
    )
    assert result.node("产出指标", "数量指标", "购置办公电脑台数").score == 0  # 0 of its 0 points
    # 9 + 30 + 10 = 49 of the 50 applicable points, rescaled to 100
    assert (result.total, result.grade) == (Decimal(98), "优")
    assert result.reasons == ("产出指标 不适用；适用指标得分 49 分 / 适用分值 50 分，按 100 分折算得 98 分",)
    assert result == evalrules.engine.scoring.explain(project, self_eval)


def test_a_group_whose_targets_weigh_0_is_not_applicable_beside_a_weighted_not_applicable_one(
    write: Callable[[str, str], Path], self_eval: evalrules.Ruleset
) -> None:
    rows = [
        ("数量指标", "a", "0", False),
        ("数量指标", "b", "0", False),
        ("质量指标", "c", "20", True),
        ("时效指标", "d", "30", False),
    ]
    text = '[project]\nname = "p"\nunit = "u"\n[budget]\n"全年预算数" = 10\n"执行数" = 10\n'
    for group, name, weight, na in rows:
        text += f'[[targets]]\nslot = "产出指标/{group}"\nname = "{name}"\noperator = "≥"\n'
        text += f"weight = {weight}\n"
        text += "na = true\n" if na else "value = 10\nactual = 5\n"
    text += '[[targets]]\nslot = "效益指标"\nname = "e"\noperator = "≥"\nvalue = 1\nactual = 1\n'
    result = evalrules.score(evalrules.load_project(write("p.toml", text)), self_eval)
    # 数量指标 (0 points, applicable) and 时效指标 (30 points, half done) apply, 质量指标 does not:
    # 产出指标 = 15 / 30 × 50 = 25, the 0-point group adding nothing and scoring 0 of 0
    assert result.node("产出指标", "数量指标").score == 0
    assert result.node("产出指标").score == 25


def test_when_nothing_that_weighs_applies_anywhere_scoring_refuses(
    write: Callable[[str, str], Path],
) -> None:
    ruleset = write(
        "r.toml",
        '[ruleset]\nid = "r"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        '[[grades]]\nname = "合格"\nmin = 60\n[[grades]]\nname = "不合格"\nmin = 0\n'
        '[target_methods]\n">=" = { method = "positive" }\n'
        '[[indicators]]\nname = "产出"\nweight = 100\nslot = {}\n',
    )
    text = (
        '[project]\nname = "p"\nunit = "u"\n[budget]\n"全年预算数" = 10\n"执行数" = 10\n'
        '[[targets]]\nslot = "产出"\nname = "a"\noperator = "≥"\nvalue = 1\nactual = 1\nweight = 0\n'
        '[[targets]]\nslot = "产出"\nname = "b"\noperator = "≥"\nna = true\nweight = 100\n'
    )
    with pytest.raises(ScoringError) as caught:
        evalrules.score(evalrules.load_project(write("p.toml", text)), evalrules.load_ruleset(ruleset))
    assert codes(caught.value) == ["E-ALL-NA"]
    assert "分值合计为 0" in caught.value.problems[0].message


def test_under_share_a_weight_0_group_given_a_share_passes_it_to_its_targets(
    write: Callable[[str, str], Path], self_eval: evalrules.Ruleset
) -> None:
    sharing = attrs.evolve(self_eval, not_applicable=attrs.evolve(self_eval.not_applicable, policy="share"))
    rows = [("数量指标", "a", "0", False), ("质量指标", "b", "20", False), ("时效指标", "c", "30", True)]
    text = '[project]\nname = "p"\nunit = "u"\n[budget]\n"全年预算数" = 10\n"执行数" = 10\n'
    for group, name, weight, na in rows:
        text += f'[[targets]]\nslot = "产出指标/{group}"\nname = "{name}"\noperator = "≥"\n'
        text += f"weight = {weight}\n"
        text += "na = true\n" if na else "value = 10\nactual = 5\n"
    text += '[[targets]]\nslot = "效益指标"\nname = "e"\noperator = "≥"\nvalue = 1\nactual = 1\n'
    text += '[[targets]]\nslot = "满意度指标"\nname = "s"\noperator = "≥"\nvalue = 1\nactual = 1\n'
    result = evalrules.score(evalrules.load_project(write("p.toml", text)), sharing)
    # 时效指标's 30 points go 15 and 15 to 数量指标 and 质量指标; 数量指标 weighed 0, so its one
    # target takes all 15 (apportioning by weights of 0 would lose them: 0 of 15)
    quantity = result.node("产出指标", "数量指标")
    assert (quantity.weight, quantity.children[0].weight) == (15, 15)
    assert quantity.score == Decimal("7.5")
    assert result.node("产出指标").score == Decimal("25")  # half of 15 + half of 35


def test_one_target_in_a_wrong_slot_is_one_error_not_a_cascade(self_eval: evalrules.Ruleset) -> None:
    # issue 14: the only 效益 row put under a misspelt slot gave E-TARGET-SLOT, then E-SLOT-EMPTY
    form = Path(__file__).parent / "forms" / "fmt_operators_printed.toml"
    text = form.read_text(encoding="utf-8").replace("效益指标/社会效益指标", "效益指标/社会效益")
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(project_from_text(text), self_eval)
    assert [p.code for p in caught.value.problems] == ["E-TARGET-SLOT"]


def test_every_missing_assessment_and_figure_is_told_at_once_with_the_line_to_add(
    national: evalrules.Ruleset,
) -> None:
    # Issue 22: a newcomer's first project (no assessments, no budget, one target in a wrong slot)
    # was told the slot first, and only after fixing it the eleven missing inputs, one stage at a time
    project = project_from_text(
        """
[project]
name = "办公楼维修"
ruleset = "caiyu_2020_10"

[[targets]]
slot = "产出/数量"
name = "维修面积"
operator = ">="
value = 1200
unit = "平方米"
actual = 1200
""",
        "新项目.toml",
    )
    with pytest.raises(ScoringError) as raised:
        evalrules.score(project, national)
    problems = raised.value.problems
    assert [p.code for p in problems].count("E-TARGET-SLOT") == 1
    inputs = [p for p in problems if p.code == "E-INPUT"]
    assert len(inputs) == 11  # 9 assessments + 资金到位率 and 预算执行率 (no [budget])
    rendered = "\n".join(p.render() for p in inputs)
    for path, _ in national.walk():
        leaf = national.find(path)
        if leaf is not None and leaf.method is not None and leaf.method.strategy == "deduction":
            assert f'添加 [[assessments]] path = "{"/".join(path)}"，写明 deductions' in rendered
    assert "需要预算数 “到位资金”" in rendered and "需要预算数 “执行数”" in rendered


LOCATIONS = Path(__file__).parent / "forms" / "bud_locations_2023.toml"


def test_an_actual_that_is_not_a_number_is_located_at_its_line_in_toml_and_json(tmp_path: Path) -> None:
    import json

    from evalrules.io.project_export import project_to_data

    project = evalrules.load_project(LOCATIONS)
    text = LOCATIONS.read_text(encoding="utf-8").splitlines()
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    (problem,) = caught.value.problems
    assert problem.line == text.index('actual = "约九成"') + 1  # not the [[targets]] header
    assert problem.where is not None and problem.where.startswith(
        "[[targets]] 第 4 项（群众满意度） 的 actual"
    )
    data = json.dumps(project_to_data(project), ensure_ascii=False, indent=2, default=str)
    path = tmp_path / "表.json"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(path), evalrules.load_ruleset("caiyu_2020_10_self"))
    (problem,) = caught.value.problems
    assert problem.line == data.splitlines().index('      "actual": "约九成",') + 1  # not "targets"
