"""The built-in strategies for framework indicators: deduction, step, checklist, execution_rate,
arrival_rate, manual and formula, called directly through the ScoringStrategy contract."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules import FormulaError, default_registry
from evalrules.default_plugins.strategies import (
    ARRIVAL_RATE,
    BUILTIN_STRATEGIES,
    EXECUTION_RATE,
    Checklist,
    DeductionList,
    FreeFormula,
    Manual,
    StepTable,
)
from evalrules.hooks.strategies import (
    InputProblem,
    KernelStrategy,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    ScoringStrategy,
)
from evalrules.model.project import Assessment, Budget, Deduction, Place, Target
from evalrules.model.ruleset import Rounding

CONTEXT = PrepareContext(default_registry().functions)
PLACE = Place("project.toml", "assessments[0]")
BUDGET = {"年初预算数": "200", "全年预算数": "200", "调整后预算数": "160", "到位资金": "180", "执行数": "150"}


def assessment(
    *,
    score: str | None = None,
    deductions: list[tuple[str, str]] | None = None,
    checklist: Mapping[str, bool] | None = None,
    values: Mapping[str, str] | None = None,
    reason: str = "",
    note: str = "",
) -> Assessment:
    return Assessment(
        path=("过程", "组织实施", "制度执行有效性"),
        place=PLACE,
        score=None if score is None else Decimal(score),
        deductions=None if deductions is None else tuple(Deduction(r, Decimal(p)) for r, p in deductions),
        checklist=checklist,
        values={name: Decimal(value) for name, value in (values or {}).items()},
        reason=reason,
        note=note,
    )


def target(value: str, actual: str, *, score: str | None = None) -> Target:
    return Target(
        slot=("产出", "产出数量"),
        name="保障职工人数",
        operator=">=",
        value=Decimal(value),
        value_text=value,
        unit="人",
        actual=Decimal(actual),
        actual_text=actual,
        place=Place("project.toml", "targets[0]"),
        score=None if score is None else Decimal(score),
    )


def item(
    weight: str = "10",
    *,
    the_assessment: Assessment | None = None,
    the_target: Target | None = None,
    budget: Mapping[str, str] | None = None,
    rounding: Rounding | None = None,
) -> ScoringInput:
    figures = BUDGET if budget is None else budget
    return ScoringInput(
        path=("过程", "组织实施", "制度执行有效性"),
        weight=Decimal(weight),
        budget=Budget("万元", {name: Decimal(value) for name, value in figures.items()}),
        rounding=rounding or Rounding(),
        target=the_target,
        assessment=the_assessment,
    )


def run(
    strategy: ScoringStrategy, the_item: ScoringInput, params: Mapping[str, Any] | None = None
) -> Outcome:
    return strategy.score(strategy.prepare(params or {}, CONTEXT), the_item)


# ---------------------------------------------------------------------------------------------
# registration


def test_builtin_strategies_follow_the_protocol_and_are_registered() -> None:
    registry = default_registry()
    names = {strategy.name for strategy in BUILTIN_STRATEGIES}
    assert names == {"deduction", "step", "checklist", "execution_rate", "arrival_rate", "manual", "formula"}
    for strategy in BUILTIN_STRATEGIES:
        assert isinstance(strategy, ScoringStrategy)
        assert registry.strategies[strategy.name] == strategy
        assert strategy.title and strategy.doc


@pytest.mark.parametrize("strategy", BUILTIN_STRATEGIES, ids=lambda s: s.name)
def test_unknown_parameter_is_refused(strategy: ScoringStrategy) -> None:
    with pytest.raises(ParameterProblem) as caught:
        strategy.prepare({"weigth": 1}, CONTEXT)
    assert caught.value.key == "weigth"


# ---------------------------------------------------------------------------------------------
# deduction (扣分制)


def deduct(items: list[tuple[str, str]] | None, weight: str = "5", note: str = "") -> Outcome:
    return run(DeductionList(), item(weight, the_assessment=assessment(deductions=items, note=note)))


def test_deduction_empty_list_gives_full_marks() -> None:
    outcome = deduct([])
    assert outcome.score == Decimal("5")
    assert outcome.reasons == ("无扣分事项，该指标不扣分，得 5 分",)


def test_deduction_empty_list_keeps_the_evaluators_note() -> None:
    outcome = deduct([], note="制度健全并严格执行")
    assert outcome.reasons == ("制度健全并严格执行，无扣分事项，该指标不扣分，得 5 分",)


def test_deduction_items_are_summed() -> None:
    outcome = deduct([("未按规定公示", "1"), ("台账不全", "0.5")])
    assert outcome.score == Decimal("3.5")
    assert outcome.reasons == ("未按规定公示，扣 1 分；台账不全，扣 0.5 分，得 3.5 分（分值 5 分）",)


def test_deduction_stops_at_zero() -> None:
    outcome = deduct([("挪用资金", "4"), ("虚列支出", "3")])
    assert outcome.score == Decimal("0")
    assert "扣完为止" in outcome.reasons[0]
    assert "得 0 分（分值 5 分）" in outcome.reasons[0]


def test_deduction_of_exactly_the_weight_gives_zero() -> None:
    outcome = deduct([("挪用资金", "5")])
    assert outcome.score == Decimal("0")
    assert "扣完为止" not in outcome.reasons[0]


def test_deduction_is_exact() -> None:
    assert deduct([("a", "0.1"), ("b", "0.2")], weight="0.3").score == Decimal("0")
    assert deduct([("a", "0.01")], weight="2").score == Decimal("1.99")


def test_deduction_missing_list_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        deduct(None)
    assert "deductions" in caught.value.message


def test_deduction_without_an_assessment_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        run(DeductionList(), item())
    assert "deductions" in caught.value.message


def test_deduction_negative_points_are_refused() -> None:
    # A negative deduction would raise the score above the weight.
    with pytest.raises(InputProblem) as caught:
        deduct([("加分", "-1")])
    assert caught.value.found == "-1"


def test_deduction_accepts_its_documented_points_parameter() -> None:
    params = {"points": ["未按规定公示扣 1 分"]}
    the_item = item("5", the_assessment=assessment(deductions=[]))
    assert run(DeductionList(), the_item, params).score == Decimal("5")


points = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)


@given(
    weight=st.decimals(min_value="0.5", max_value=100, places=1, allow_nan=False, allow_infinity=False),
    values=st.lists(points, max_size=8),
)
def test_deduction_score_lies_within_zero_and_weight(weight: Decimal, values: list[Decimal]) -> None:
    outcome = deduct([(f"事项{i}", str(v)) for i, v in enumerate(values)], weight=str(weight))
    assert Decimal(0) <= outcome.score <= weight
    assert outcome.score == max(weight - sum(values, Decimal(0)), Decimal(0))


@given(values=st.lists(st.decimals(min_value=-50, max_value=50, places=2), min_size=1, max_size=6))
def test_deduction_any_list_is_scored_within_bounds_or_refused(values: list[Decimal]) -> None:
    try:
        outcome = deduct([(f"事项{i}", str(v)) for i, v in enumerate(values)], weight="5")
    except InputProblem:
        assert any(v < 0 for v in values)
    else:
        assert Decimal(0) <= outcome.score <= Decimal(5)


# ---------------------------------------------------------------------------------------------
# step (档位)

STEPS = [
    {"min": "0.6", "share": "0.6"},
    {"min": "1", "share": "1"},
    {"min": "0.8", "share": "0.75"},
]


def step(actual: str, params: Mapping[str, Any] | None = None, weight: str = "4") -> Outcome:
    params = {"steps": STEPS} if params is None else params
    return run(StepTable(), item(weight, the_target=target("100", actual)), params)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("120", "4"),
        ("100", "4"),
        ("99.99", "3"),
        ("80", "3"),
        ("79.99", "2.4"),
        ("60", "2.4"),
    ],
)
def test_step_takes_the_highest_step_reached(actual: str, expected: str) -> None:
    assert step(actual).score == Decimal(expected)


@pytest.mark.parametrize("actual", ["59.99", "0", "-10"])
def test_step_below_every_step_scores_zero(actual: str) -> None:
    outcome = step(actual)
    assert outcome.score == Decimal("0")
    assert "低于所有档位" in outcome.reasons[0]


def test_step_reason_names_the_step_and_score() -> None:
    outcome = step("85")
    assert outcome.reasons == (
        "制度执行有效性 完成度 0.85，达到 ≥0.8 档，得分值的 75%，即 3 分（分值 4 分）",
    )


def test_step_with_a_custom_measure_on_budget_figures() -> None:
    params = {"steps": STEPS, "measure": "执行数 / 调整后预算数"}
    # 150 / 160 = 0.9375 → the 0.8 step.
    assert run(StepTable(), item("4"), params).score == Decimal("3")
    assert run(StepTable(), item("4", budget={**BUDGET, "执行数": "96"}), params).score == Decimal("2.4")


def test_step_measure_from_assessment_values() -> None:
    the_assessment = assessment(values={"实际值": "9", "指标值": "10"})
    assert run(StepTable(), item("4", the_assessment=the_assessment), {"steps": STEPS}).score == Decimal("3")


def test_step_measure_without_its_values_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        run(StepTable(), item("4"), {"steps": STEPS})
    assert caught.value.expected == "实际值、指标值"


def test_step_duplicate_minimum_is_refused() -> None:
    steps = [{"min": "1", "share": "1"}, {"min": "1.0", "share": "0.5"}]
    with pytest.raises(ParameterProblem) as caught:
        StepTable().prepare({"steps": steps}, CONTEXT)
    assert caught.value.key == "steps"
    assert "min" in caught.value.message


@pytest.mark.parametrize("share", ["1.5", "-0.1", "150%"])
def test_step_share_outside_zero_to_one_is_refused(share: str) -> None:
    steps = [{"min": "1", "share": "1"}, {"min": "0.5", "share": share}]
    with pytest.raises(ParameterProblem) as caught:
        StepTable().prepare({"steps": steps}, CONTEXT)
    assert caught.value.key == "steps[1].share"
    assert "0 到 1" in caught.value.message


@pytest.mark.parametrize(
    ("steps", "key"),
    [
        (None, "steps"),
        ([], "steps"),
        ("1:1", "steps"),
        (["1"], "steps[0]"),
        ([{"share": "1"}], "steps[0].min"),
        ([{"min": "一", "share": "1"}], "steps[0].min"),
        ([{"min": "1"}], "steps[0].share"),
    ],
)
def test_step_malformed_table_is_refused(steps: Any, key: str) -> None:
    params = {} if steps is None else {"steps": steps}
    with pytest.raises(ParameterProblem) as caught:
        StepTable().prepare(params, CONTEXT)
    assert caught.value.key == key


@pytest.mark.parametrize("measure", ["实际值 /", "实际 / 指标值", "实际值.real", "'完成'", "[实际值][0]"])
def test_step_invalid_measure_formula_is_a_formula_error(measure: str) -> None:
    with pytest.raises(FormulaError) as caught:
        StepTable().prepare({"steps": STEPS, "measure": measure}, CONTEXT)
    assert caught.value.formula == measure


def test_step_unknown_name_in_measure_is_suggested() -> None:
    with pytest.raises(FormulaError) as caught:
        StepTable().prepare({"steps": STEPS, "measure": "实际 / 指标值"}, CONTEXT)
    assert caught.value.problems[0].suggestion is not None
    assert "实际值" in caught.value.problems[0].suggestion


# ---------------------------------------------------------------------------------------------
# checklist (评价要点)

ELEMENTS = [
    {"key": "①", "text": "制度健全", "share": "0.4"},
    {"key": "②", "text": "按制度执行", "share": "0.3"},
    {"key": "③", "text": "资料齐全", "share": "0.3"},
]


def check(answers: Mapping[str, bool] | None, elements: list[dict[str, str]] | None = None) -> Outcome:
    params = {"elements": ELEMENTS if elements is None else elements}
    return run(Checklist(), item("10", the_assessment=assessment(checklist=answers)), params)


def test_checklist_all_met_gives_full_marks() -> None:
    outcome = check({"①": True, "②": True, "③": True})
    assert outcome.score == Decimal("10")
    assert outcome.reasons == ("评价要点全部满足，该指标不扣分，得 10 分",)


def test_checklist_unmet_element_deducts_its_share() -> None:
    outcome = check({"①": True, "②": False, "③": True})
    assert outcome.score == Decimal("7")
    assert outcome.reasons == ("未满足要点 ②（按制度执行），扣 3 分，得 7 分（分值 10 分）",)


def test_checklist_several_unmet_elements() -> None:
    outcome = check({"①": False, "②": True, "③": False})
    assert outcome.score == Decimal("3")
    assert "未满足要点 ①" in outcome.reasons[0] and "未满足要点 ③" in outcome.reasons[0]
    assert check({"①": False, "②": False, "③": False}).score == Decimal("0")


@pytest.mark.parametrize(
    "shares", [("0.4", "0.3", "0.2"), ("0.4", "0.4", "0.3"), ("0.3333", "0.3333", "0.3333")]
)
def test_checklist_shares_must_sum_to_one(shares: tuple[str, str, str]) -> None:
    elements = [{**element, "share": share} for element, share in zip(ELEMENTS, shares, strict=True)]
    with pytest.raises(ParameterProblem) as caught:
        Checklist().prepare({"elements": elements}, CONTEXT)
    assert caught.value.key == "elements"
    assert "合计应为 1" in caught.value.message


def test_checklist_exact_decimal_shares_sum_to_one() -> None:
    elements = [
        {**element, "share": share}
        for element, share in zip(ELEMENTS, ["0.3334", "0.3333", "0.3333"], strict=True)
    ]
    prepared = Checklist().prepare({"elements": elements}, CONTEXT)
    outcome = Checklist().score(
        prepared, item("10", the_assessment=assessment(checklist={"①": True, "②": True, "③": False}))
    )
    assert outcome.score == Decimal("6.667")


@pytest.mark.parametrize(
    ("elements", "key"),
    [
        (None, "elements"),
        ([], "elements"),
        (["①"], "elements[0]"),
        ([{"text": "制度健全", "share": "1"}], "elements[0].key"),
        ([{"key": "①", "share": "1.2"}], "elements[0].share"),
        ([{"key": "①"}, {"key": "②", "share": "1"}], "elements"),
        ([{"key": "①", "share": "1", "txt": "x"}], "elements[0].txt"),
        ([{"key": "①", "share": "0.5"}, {"key": "①", "share": "0.5"}], "elements"),
    ],
)
def test_checklist_malformed_elements_are_refused(elements: Any, key: str) -> None:
    params = {} if elements is None else {"elements": elements}
    with pytest.raises(ParameterProblem) as caught:
        Checklist().prepare(params, CONTEXT)
    assert caught.value.key == key


def test_checklist_unknown_answer_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        check({"①": True, "②": True, "③": True, "④": False})
    assert "④" in caught.value.message
    assert caught.value.expected == "①、②、③"


def test_checklist_unknown_answer_is_suggested() -> None:
    elements = [{"key": "制度健全", "share": "0.5"}, {"key": "执行有效", "share": "0.5"}]
    with pytest.raises(InputProblem) as caught:
        check({"制度健全": True, "执行有效性": True}, elements)
    assert caught.value.suggestion is not None and "执行有效" in caught.value.suggestion


def test_checklist_missing_answer_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        check({"①": True, "②": True})
    assert caught.value.expected is not None and "③" in caught.value.expected
    assert "①" not in caught.value.expected


def test_checklist_without_answers_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        check(None)
    assert "checklist" in caught.value.message
    with pytest.raises(InputProblem):
        run(Checklist(), item("10"), {"elements": ELEMENTS})


# ---------------------------------------------------------------------------------------------
# execution_rate / arrival_rate


def rate(strategy: ScoringStrategy, params: Mapping[str, Any] | None = None, **figures: str) -> Outcome:
    return run(strategy, item("10", budget={**BUDGET, **figures}), params)


def test_execution_rate_defaults_to_the_full_year_budget() -> None:
    outcome = rate(EXECUTION_RATE)
    assert outcome.score == Decimal("7.5")
    assert outcome.reasons == ("执行数 150万元 ÷ 全年预算数 200万元 = 75%，按比例得 7.5 分（分值 10 分）",)
    assert outcome.inputs == {"执行数": "150", "全年预算数": "200", "预算执行率": "75%"}


@pytest.mark.parametrize(
    ("denominator", "expected"),
    [
        ("全年预算数", "7.5"),
        ("调整后预算数", "9.375"),
        ("到位资金", "8.333333333333333333333333333"),
    ],
)
def test_execution_rate_denominator_is_a_parameter(denominator: str, expected: str) -> None:
    assert rate(EXECUTION_RATE, {"denominator": denominator}).score == Decimal(expected)


def test_execution_rate_is_capped_at_one_hundred_percent() -> None:
    outcome = rate(EXECUTION_RATE, 执行数="250")
    assert outcome.score == Decimal("10")
    assert "125%" in outcome.reasons[0]
    assert "不扣分，得 10 分" in outcome.reasons[0]


def test_execution_rate_percentage_is_rounded_half_up() -> None:
    outcome = rate(EXECUTION_RATE, 执行数="24.69")
    assert outcome.score == Decimal("1.2345")
    assert "= 12.35%" in outcome.reasons[0]


def test_execution_rate_zero_rate_scores_zero() -> None:
    assert rate(EXECUTION_RATE, 执行数="0").score == Decimal("0")


@pytest.mark.parametrize("strategy", [EXECUTION_RATE, ARRIVAL_RATE], ids=lambda s: s.name)
@pytest.mark.parametrize("value", ["0", "-5"])
def test_rate_zero_or_negative_denominator_is_refused(strategy: ScoringStrategy, value: str) -> None:
    with pytest.raises(InputProblem) as caught:
        rate(strategy, 全年预算数=value)
    assert caught.value.expected == "> 0"
    assert caught.value.found == value
    assert "全年预算数" in caught.value.message


def test_rate_negative_numerator_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        rate(EXECUTION_RATE, 执行数="-1")
    assert caught.value.found == "-1"


@pytest.mark.parametrize(
    ("strategy", "params", "missing"),
    [
        (EXECUTION_RATE, {}, "执行数"),
        (EXECUTION_RATE, {}, "全年预算数"),
        (EXECUTION_RATE, {"denominator": "调整后预算数"}, "调整后预算数"),
        (ARRIVAL_RATE, {}, "到位资金"),
    ],
)
def test_rate_missing_budget_figure_is_refused(
    strategy: ScoringStrategy, params: dict[str, str], missing: str
) -> None:
    figures = {name: value for name, value in BUDGET.items() if name != missing}
    with pytest.raises(InputProblem) as caught:
        run(strategy, item("10", budget=figures), params)
    assert missing in caught.value.message
    assert caught.value.expected is not None and missing in caught.value.expected


@pytest.mark.parametrize("strategy", [EXECUTION_RATE, ARRIVAL_RATE], ids=lambda s: s.name)
@pytest.mark.parametrize("key", ["numerator", "denominator"])
def test_rate_unknown_field_is_refused_with_a_suggestion(strategy: ScoringStrategy, key: str) -> None:
    with pytest.raises(ParameterProblem) as caught:
        strategy.prepare({key: "调整后预算"}, CONTEXT)
    assert caught.value.key == key
    assert caught.value.suggestion is not None and "调整后预算数" in caught.value.suggestion


def test_arrival_rate_defaults_to_funds_over_full_year_budget() -> None:
    outcome = rate(ARRIVAL_RATE)
    assert outcome.score == Decimal("9")
    assert outcome.reasons == ("到位资金 180万元 ÷ 全年预算数 200万元 = 90%，按比例得 9 分（分值 10 分）",)


def test_arrival_rate_denominator_changes_the_result_and_is_capped() -> None:
    outcome = rate(ARRIVAL_RATE, {"denominator": "调整后预算数"})
    assert outcome.score == Decimal("10")
    assert "112.5%" in outcome.reasons[0]


def test_rate_numerator_is_a_parameter() -> None:
    # 预算执行率 as 实际支出 ÷ 实际到位资金 (RULES.md §4): 150 / 180.
    params = {"numerator": "执行数", "denominator": "到位资金"}
    assert rate(ARRIVAL_RATE, params).score == rate(EXECUTION_RATE, {"denominator": "到位资金"}).score


# ---------------------------------------------------------------------------------------------
# manual


@pytest.mark.parametrize("score", ["0", "7.5", "10"])
def test_manual_score_within_the_weight_is_taken_as_is(score: str) -> None:
    outcome = run(Manual(), item("10", the_assessment=assessment(score=score)))
    assert outcome.score == Decimal(score)
    assert f"评价组给分 {score} 分（分值 10 分）" in outcome.reasons[0]


def test_manual_reason_is_kept() -> None:
    outcome = run(Manual(), item("10", the_assessment=assessment(score="8", reason="档案管理不规范")))
    assert outcome.reasons == ("评价组给分 8 分（分值 10 分），档案管理不规范",)


def test_manual_score_on_a_target() -> None:
    assert run(Manual(), item("2", the_target=target("44", "40", score="1.5"))).score == Decimal("1.5")


@pytest.mark.parametrize("score", ["-0.01", "10.01", "100"])
def test_manual_score_outside_the_weight_is_refused(score: str) -> None:
    with pytest.raises(InputProblem) as caught:
        run(Manual(), item("10", the_assessment=assessment(score=score)))
    assert caught.value.expected == "[0, 10]"
    assert caught.value.found == score


def test_manual_without_a_score_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        run(Manual(), item("10", the_assessment=assessment()))
    assert "score" in caught.value.message
    with pytest.raises(InputProblem):
        run(Manual(), item("10"))


# ---------------------------------------------------------------------------------------------
# formula


def formula(params: Mapping[str, Any], the_item: ScoringInput) -> Outcome:
    return run(FreeFormula(), the_item, params)


def test_formula_uses_target_values_and_weight() -> None:
    outcome = formula({"formula": "min(实际值 / 指标值, 1) * 分值"}, item("2", the_target=target("44", "40")))
    assert outcome.score == Decimal("1.818181818181818181818181818")
    assert outcome.reasons == (
        "保障职工人数 指标值 44人，实际完成 40人，"
        "按公式 min(实际值 / 指标值, 1) * 分值 得 1.82 分（分值 2 分）",
    )


def test_formula_reason_describes_a_target_whose_actual_is_zero() -> None:
    outcome = formula({"formula": "实际值 / 指标值 * 分值"}, item("2", the_target=target("44", "0")))
    assert outcome.score == Decimal("0")
    assert "实际完成 0人" in outcome.reasons[0]


def test_formula_uses_budget_names() -> None:
    outcome = formula({"formula": "min(执行数 / 调整后预算数, 1) * 分值"}, item("10"))
    assert outcome.score == Decimal("9.375")
    assert outcome.reasons == ("按公式 min(执行数 / 调整后预算数, 1) * 分值 得 9.38 分（分值 10 分）",)


def test_formula_uses_declared_inputs_from_the_assessment() -> None:
    params = {"formula": "满意人数 / 有效样本数 * 分值", "inputs": ["满意人数", "有效样本数"]}
    the_item = item("10", the_assessment=assessment(values={"满意人数": "45", "有效样本数": "50"}))
    assert formula(params, the_item).score == Decimal("9")


def test_formula_missing_declared_input_is_refused() -> None:
    params = {"formula": "满意人数 / 有效样本数 * 分值", "inputs": ["满意人数", "有效样本数"]}
    with pytest.raises(InputProblem) as caught:
        formula(params, item("10", the_assessment=assessment(values={"满意人数": "45"})))
    assert caught.value.expected == "有效样本数"


@pytest.mark.parametrize(
    ("expression", "found"), [("分值 + 1", "11"), ("分值 - 11", "-1"), ("执行数", "150")]
)
def test_formula_result_outside_the_weight_is_refused_not_clamped(expression: str, found: str) -> None:
    with pytest.raises(InputProblem) as caught:
        formula({"formula": expression}, item("10"))
    assert caught.value.expected == "[0, 10]"
    assert caught.value.found == found


@pytest.mark.parametrize("expression", ["0", "分值"])
def test_formula_result_at_the_bounds_is_accepted(expression: str) -> None:
    assert formula({"formula": expression}, item("10")).score in (Decimal("0"), Decimal("10"))


def test_formula_unknown_parameter_is_suggested() -> None:
    with pytest.raises(ParameterProblem) as caught:
        FreeFormula().prepare({"formla": "分值"}, CONTEXT)
    assert caught.value.key == "formla"
    assert caught.value.suggestion is not None and "formula" in caught.value.suggestion


def test_formula_parameter_is_required() -> None:
    with pytest.raises(ParameterProblem) as caught:
        FreeFormula().prepare({}, CONTEXT)
    assert caught.value.key == "formula"


@pytest.mark.parametrize("inputs", ["满意人数", [1, 2], {"满意人数": 1}])
def test_formula_inputs_must_be_a_list_of_names(inputs: Any) -> None:
    with pytest.raises(ParameterProblem) as caught:
        FreeFormula().prepare({"formula": "分值", "inputs": inputs}, CONTEXT)
    assert caught.value.key == "inputs"


def test_formula_undeclared_name_is_a_formula_error() -> None:
    with pytest.raises(FormulaError) as caught:
        FreeFormula().prepare({"formula": "满意人数 / 有效样本数 * 分值"}, CONTEXT)
    assert caught.value.formula == "满意人数 / 有效样本数 * 分值"


def test_formula_boolean_result_is_a_formula_error() -> None:
    with pytest.raises(FormulaError):
        formula({"formula": "执行数 > 0"}, item("10"))


def test_formula_division_by_zero_is_a_formula_error() -> None:
    with pytest.raises(FormulaError):
        formula({"formula": "执行数 / 年初预算数"}, item("10", budget={**BUDGET, "年初预算数": "0"}))


def test_step_share_may_be_a_percentage() -> None:
    steps, _ = StepTable().prepare(
        {"steps": [{"min": "1", "share": "100%"}, {"min": "0.9", "share": "75%"}]}, CONTEXT
    )
    assert [step.share for step in steps] == [Decimal(1), Decimal("0.75")]


def test_step_table_must_be_monotone() -> None:
    steps = [{"min": "1", "share": "0.6"}, {"min": "0.5", "share": "0.8"}]
    with pytest.raises(ParameterProblem) as caught:
        StepTable().prepare({"steps": steps}, CONTEXT)
    assert caught.value.key == "steps" and "单调" in caught.value.message


def test_step_entries_refuse_unknown_keys() -> None:
    with pytest.raises(ParameterProblem) as caught:
        StepTable().prepare({"steps": [{"min": "1", "shares": "1"}]}, CONTEXT)
    assert caught.value.key == "steps[0].shares" and caught.value.suggestion


def test_checklist_without_shares_splits_equally() -> None:
    elements = Checklist().prepare({"elements": [{"key": "①"}, {"key": "②"}, {"key": "③"}]}, CONTEXT)
    assert [e.share for e in elements] == [Decimal("0.3334"), Decimal("0.3333"), Decimal("0.3333")]
    assert sum(e.share for e in elements) == 1


def test_assessment_values_cannot_shadow_weight_budget_or_target() -> None:
    formula = FreeFormula().prepare(
        {"formula": "分值 * 满意人数 / 有效样本数", "inputs": ["满意人数", "有效样本数"]}, CONTEXT
    )
    values = {"满意人数": Decimal(9), "有效样本数": Decimal(10), "分值": Decimal(100)}
    item = ScoringInput(("满意度",), Decimal(10), Budget(), Rounding(), None, assessment(values=values))
    with pytest.raises(InputProblem) as caught:
        FreeFormula().score(formula, item)
    assert "分值" in caught.value.message


@pytest.mark.parametrize(
    ("strategy", "params", "key"),
    [
        (FreeFormula(), {"formula": 5}, "formula"),  # issue 23, 9: a number is not a formula
        (FreeFormula(), {"formula": ["分值"]}, "formula"),
        (StepTable(), {"steps": STEPS, "measure": 1}, "measure"),
    ],
)
def test_a_formula_parameter_must_be_text(strategy: Any, params: dict[str, Any], key: str) -> None:
    with pytest.raises(ParameterProblem) as caught:
        strategy.prepare(params, CONTEXT)
    assert caught.value.key == key and "应为文字的公式" in caught.value.message


# ---------------------------------------------------------------------------------------------
# one scoring truth (issue 15, 1): every built-in strategy's score takes its number from its
# own kernel, so the plan (kernels) and the explanation (score) cannot compute two numbers


def _kernel_cases() -> list[tuple[ScoringStrategy, ScoringInput, Mapping[str, Any]]]:
    from evalrules.default_plugins.targets import Equal, Positive, Qualitative, Reverse

    rated = attrs.evolve(target("100", "90"), operator="定性", rating="部分达成")
    return [
        (DeductionList(), item(the_assessment=assessment(deductions=[("制度不全", "1")])), {}),
        (DeductionList(), item(the_assessment=assessment(deductions=[])), {}),
        (StepTable(), item(the_target=target("100", "90")), {"steps": [{"min": "0.8", "share": "0.5"}]}),
        (
            Checklist(),
            item(the_assessment=assessment(checklist={"a": True, "b": False})),
            {"elements": [{"key": "a"}, {"key": "b"}]},
        ),
        (EXECUTION_RATE, item(), {}),
        (ARRIVAL_RATE, item(), {}),
        (Manual(), item(the_assessment=assessment(score="7")), {}),
        (FreeFormula(), item(the_target=target("100", "90")), {"formula": "实际值 / 指标值 * 分值"}),
        (Positive(), item(the_target=target("100", "90")), {}),
        (Positive(), item(the_target=target("100", "120")), {}),
        (Reverse(), item(the_target=target("100", "120")), {}),
        (Equal(), item(the_target=target("0", "0")), {}),
        (Equal(), item(the_target=target("100", "90")), {}),
        (Qualitative(), item(the_target=rated), {}),
    ]


@pytest.mark.parametrize("case", range(len(_kernel_cases())))
def test_score_takes_its_number_from_its_own_kernel(case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    strategy, the_item, params = _kernel_cases()[case]
    assert isinstance(strategy, KernelStrategy), f"{strategy.name} has no kernel"
    prepared = strategy.prepare(params, CONTEXT)
    real = strategy.score(prepared, the_item).score
    assert real == strategy.kernel(prepared)(
        the_item.target, the_item.assessment, the_item.budget, the_item.weight
    )
    marker = Decimal("0.123")
    monkeypatch.setattr(type(strategy), "kernel", lambda self, prepared: lambda *arguments: marker)
    assert strategy.score(prepared, the_item).score == marker, "score computed its own number"


def test_every_builtin_strategy_is_covered_by_the_kernel_cases() -> None:
    from evalrules.default_plugins.targets import TARGET_STRATEGIES

    covered = {strategy.name for strategy, _, _ in _kernel_cases()}
    assert covered == {strategy.name for strategy in (*BUILTIN_STRATEGIES, *TARGET_STRATEGIES)}


# --- the row a budget rate reads (row = "财政拨款") ---------------------------------------------------

ROWS = {
    "财政拨款": {"全年预算数": Decimal(160), "执行数": Decimal(144)},
    "上年结转": {"全年预算数": Decimal(40)},
}


def rated_row(params: Mapping[str, Any], rows: Mapping[str, Mapping[str, Decimal]]) -> Outcome:
    budget = Budget("万元", {name: Decimal(value) for name, value in BUDGET.items()}, rows=rows)
    the_item = ScoringInput(("预算执行率",), Decimal(10), budget, Rounding(), None, None)
    return run(EXECUTION_RATE, the_item, params)


def test_execution_rate_reads_the_row_the_ruleset_names() -> None:
    outcome = rated_row({"row": "财政拨款"}, ROWS)
    assert outcome.score == Decimal(9)
    assert outcome.reasons[0].startswith("财政拨款的执行数 144万元 ÷ 财政拨款的全年预算数 160万元 = 90%")
    assert rated_row({"row": "年度资金总额"}, ROWS).score == rate(EXECUTION_RATE).score


def test_a_project_that_does_not_split_its_money_is_scored_on_its_total_and_says_so() -> None:
    outcome = rated_row({"row": "当年财政拨款"}, {})
    assert outcome.score == rate(EXECUTION_RATE).score
    assert "（项目未分列资金来源，财政拨款按年度资金总额计）" in outcome.reasons[0]


def test_a_row_without_the_figure_the_rate_needs_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        rated_row({"row": "上年结转"}, ROWS)
    assert caught.value.message == "计算预算执行率需要上年结转的预算数 “执行数”"
    assert caught.value.expected == '[budget.rows."上年结转"] 中的 执行数'


def test_an_unknown_row_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ParameterProblem) as caught:
        EXECUTION_RATE.prepare({"row": "财政拔款"}, CONTEXT)
    assert caught.value.key == "row" and caught.value.suggestion == "是否想写 “财政拨款”？"
