"""satisfaction_survey: the maths, the reasons, the refusals, and two properties."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import evalrules
import pytest
from evalrules import InputProblem, Outcome, ParameterProblem, ScoringInput, testing
from evalrules.base.numbers import round_to
from evalrules.hooks.strategies import PrepareContext
from evalrules.model.project import Assessment, Budget, Place, Target
from evalrules.model.ruleset import Rounding
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules_sichuan
from evalrules_sichuan import SatisfactionSurvey
from evalrules_sichuan.survey import Survey

SURVEY = SatisfactionSurvey()
PLACE = Place("项目.toml", "[[targets]] 第 1 项")
COUNTS = {
    "非常满意": 120,
    "满意": 60,
    "基本满意": 15,
    "不满意": 5,
}  # 200 份：(120 + 48 + 9 + 0) / 200 = 88.5%


def prepare(params: Mapping[str, Any]) -> Survey:
    return SURVEY.prepare(params, PrepareContext({}))


def target(
    value: str | None = "90",
    *,
    actual: str = "",
    operator: str = ">=",
    unit: str = "%",
    name: str = "群众满意度",
) -> Target:
    return Target(
        slot=("绩效指标", "满意度指标", "服务对象满意度指标"),
        name=name,
        operator=operator,
        value=Decimal(value) if value is not None else None,
        value_text=value or "",
        unit=unit,
        actual=Decimal(actual) if actual and actual[0].isdigit() else None,
        actual_text=actual,
        place=PLACE,
    )


def run(
    params: Mapping[str, Any],
    weight: str = "10",
    *,
    on: Target | None = None,
    assessment: Assessment | None = None,
) -> Outcome:
    chosen = on if on is not None or assessment is not None else target()
    item = ScoringInput(
        path=(*chosen.slot, chosen.name) if chosen is not None else ("满意度",),
        weight=Decimal(weight),
        budget=Budget(),
        rounding=Rounding(),
        target=chosen,
        assessment=assessment,
    )
    return SURVEY.score(prepare(params), item)


# ---------------------------------------------------------------------------- the maths


def test_degree_below_the_target_scores_in_proportion() -> None:
    outcome = run({"counts": COUNTS})
    # 88.5 / 90 × 10 = 9.8333…
    assert round_to(outcome.score, 10) == Decimal("9.8333333333")
    assert outcome.reasons == (
        "群众满意度 有效问卷 200 份（非常满意 120、满意 60、基本满意 15、不满意 5），"
        "满意度 = (120 × 1 + 60 × 0.8 + 15 × 0.6 + 5 × 0) ÷ 200 = 88.5%，指标值 ≥90%，"
        "完成 98.33%，按完成比例得 9.83 分（分值 10 分）",
    )
    assert outcome.inputs == {
        "有效问卷数": "200",
        "非常满意": "120",
        "满意": "60",
        "基本满意": "15",
        "不满意": "5",
        "满意度": "88.5%",
        "指标值": "90%",
    }


def test_at_or_above_the_target_scores_full_marks() -> None:
    above = run({"counts": COUNTS}, on=target("85"))
    assert above.score == 10 and above.reasons[0].endswith("指标值 ≥85%，超过指标值，得满分 10 分")
    exactly = run({"counts": COUNTS}, on=target("88.5"))
    assert exactly.score == 10 and "达到指标值，得满分 10 分" in exactly.reasons[0]
    assert run({"counts": {**COUNTS, "非常满意": 0, "满意": 0, "基本满意": 0}}, on=target("0")).score == 10


def test_nobody_satisfied_scores_zero() -> None:
    outcome = run({"counts": {"非常满意": 0, "满意": 0, "基本满意": 0, "不满意": 7}})
    assert outcome.score == 0 and "= 0%" in outcome.reasons[0]


def test_configured_levels_and_percent_coefficients() -> None:
    # five levels, the middle one written as a percentage
    levels = {"非常满意": 1, "满意": "0.9", "一般": "60%", "不满意": "0.2", "非常不满意": 0}
    counts = {"非常满意": 50, "满意": 30, "一般": 10, "不满意": 5, "非常不满意": 5}
    outcome = run({"levels": levels, "counts": counts}, weight="8")
    # (50 + 27 + 6 + 1 + 0) / 100 = 84%; 84 / 90 × 8 = 7.4666…
    assert outcome.inputs["满意度"] == "84%"
    assert round_to(outcome.score, 6) == Decimal("7.466667")


def test_satisfied_over_valid_is_the_two_level_case() -> None:
    # RULES.md §3: 满意度 = satisfied respondents / valid respondents
    levels = {"满意": 1, "基本满意": 1, "不满意": 0}
    outcome = run({"levels": levels, "counts": {"满意": 150, "基本满意": 30, "不满意": 20}})
    assert outcome.inputs["满意度"] == "90%" and outcome.score == 10


def test_the_stated_actual_is_checked_against_the_survey() -> None:
    assert len(run({"counts": COUNTS}, on=target(actual="88.5")).reasons) == 1
    assert len(run({"counts": COUNTS}, on=target(actual="88.50")).reasons) == 1
    assert len(run({"counts": COUNTS}, on=target(actual="89")).reasons) == 1  # 88.5 rounds to 89 四舍五入
    wrong = run({"counts": COUNTS}, on=target(actual="95"))
    assert wrong.reasons[1] == "填报的实际完成值 95% 与按问卷计算的满意度 88.5% 不一致，按问卷计算值计分"
    assert round_to(wrong.score, 2) == Decimal("9.83")  # scored on the survey, not on the claim
    words = run({"counts": COUNTS}, on=target(actual="较满意"))
    assert words.reasons[1] == "填报的实际完成值 “较满意” 不是数字，按问卷计算的满意度 88.5% 计分"


def test_a_framework_indicator_takes_counts_from_the_assessment_values() -> None:
    values = {name: Decimal(count) for name, count in COUNTS.items()}
    outcome = run({"target": 90}, assessment=Assessment(("满意度",), PLACE, values=values))
    assert round_to(outcome.score, 2) == Decimal("9.83")
    assert outcome.reasons[0].startswith("满意度 有效问卷 200 份")


# ---------------------------------------------------------------------------- parameter refusals


@pytest.mark.parametrize(
    ("params", "key", "message"),
    [
        ({"level": {}}, "level", "未知参数 “level”"),
        ({"levels": {"满意": 1.2, "不满意": 0}}, "levels.满意", "应在 0 到 1 之间"),
        ({"levels": {"满意": 1, "不满意": -0.1}}, "levels.不满意", "应在 0 到 1 之间"),
        ({"levels": {"满意": "120%", "不满意": 0}}, "levels.满意", "应在 0 到 1 之间"),
        ({"levels": {"满意": "很高", "不满意": 0}}, "levels.满意", "系数"),
        ({"levels": {"基本满意": 0.6, "满意": 0.8, "不满意": 0}}, "levels", "系数不能递增"),
        ({"levels": {"满意": 0.5, "不满意": 0.5}}, "levels", "全部相同"),
        ({"levels": {"满意": 1}}, "levels", "至少两个等级"),
        ({"levels": [1, 0.8]}, "levels", "{ 等级 = 系数 } 表"),
        ({"target": 120}, "target", "0 到 100"),
        ({"target": "九十"}, "target", "target"),
    ],
)
def test_bad_parameters_are_refused(params: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(ParameterProblem) as caught:
        prepare(params)
    assert caught.value.key == key
    assert message in caught.value.message


def test_a_misspelled_parameter_gets_a_suggestion() -> None:
    with pytest.raises(ParameterProblem) as caught:
        prepare({"level": {}})
    assert caught.value.suggestion == "是否想写 “levels”？"
    with pytest.raises(ParameterProblem) as caught:
        prepare({"levels": {"基本满意": 0.6, "满意": 0.8, "不满意": 0}})
    assert "“满意” 0.8 高于排在它前面的 “基本满意” 0.6" in caught.value.message


def test_equal_neighbouring_levels_are_allowed() -> None:
    prepared = prepare({"levels": {"非常满意": 1, "满意": 1, "不满意": 0}})
    assert [weight for _, weight in prepared.levels] == [1, 1, 0]


# ---------------------------------------------------------------------------- input refusals


@pytest.mark.parametrize(
    ("params", "on", "message", "expected"),
    [
        (
            {},
            None,
            "缺少问卷结果",
            "params.counts = { 非常满意 = 人数、满意 = 人数、基本满意 = 人数、不满意 = 人数 }",
        ),
        ({"counts": {}}, None, "缺少问卷结果", None),
        ({"counts": {"非常满意": 1, "满意": 1}}, None, "缺少等级的人数", "基本满意、不满意 的人数"),
        ({"counts": {**COUNTS, "不满意": -1}}, None, "“不满意” 的人数不能为负数", "≥ 0 的整数"),
        ({"counts": {**COUNTS, "满意": 1.5}}, None, "“满意” 的人数应为整数", "≥ 0 的整数"),
        ({"counts": {**COUNTS, "满意": "许多"}}, None, "“满意” 的人数不是数字", "≥ 0 的整数"),
        ({"counts": dict.fromkeys(COUNTS, 0)}, None, "有效问卷为 0 份", "至少 1 份有效问卷"),
        ({"counts": [120, 60]}, None, "{ 等级 = 人数 } 表", "表"),
        ({"counts": COUNTS}, target(operator="<="), "满意度是正向指标", "≥（>=）"),
        ({"counts": COUNTS}, target(unit="人"), "度量单位应为 %", "%"),
        ({"counts": COUNTS}, target("120"), "0 到 100", "[0, 100]"),
        ({"counts": COUNTS}, target(None), "缺少满意度的年度指标值", "数字，如 90（表示 90%）"),
        ({"counts": COUNTS, "target": 90}, None, "params 中不应再写 target", "只写 value"),
    ],
)
def test_bad_survey_data_is_refused(
    params: dict[str, Any], on: Target | None, message: str, expected: str | None
) -> None:
    with pytest.raises(InputProblem) as caught:
        run(params, on=on)
    assert message in caught.value.message
    if expected is not None:
        assert caught.value.expected == expected


def test_an_unknown_level_is_named_with_a_suggestion() -> None:
    with pytest.raises(InputProblem) as caught:
        run({"counts": {**COUNTS, "很满意": 3}})
    assert caught.value.found == "很满意"
    assert caught.value.expected == "非常满意、满意、基本满意、不满意"
    assert caught.value.suggestion is not None and "满意" in caught.value.suggestion


def test_a_framework_indicator_needs_its_target_and_one_source_of_counts() -> None:
    values = {name: Decimal(count) for name, count in COUNTS.items()}
    assessment = Assessment(("满意度",), PLACE, values=values)
    with pytest.raises(InputProblem, match="规则集应在 params 中给出指标值 target"):
        run({}, assessment=assessment)
    with pytest.raises(InputProblem, match="问卷人数给了两处"):
        run({"target": 90, "counts": COUNTS}, assessment=assessment)


def test_the_engine_places_problems_at_the_target(tmp_path: Path) -> None:
    registry = testing.plugin_registry(evalrules_sichuan)
    ruleset = evalrules.load_ruleset("sichuan_self", registry)
    header = '[project]\nname = "p"\n[budget]\n"调整后预算数" = 10\n"执行数" = 10\n'
    negative = (
        '\n[[targets]]\nslot = "绩效指标/满意度指标/服务对象满意度指标"\nname = "满意度"\noperator = ">="\n'
        'value = 90\nunit = "%"\nweight = {weight}\nmethod = "satisfaction_survey"\n'
        'params = {{ counts = {{ "非常满意" = 3, "满意" = 1, "基本满意" = 0, "不满意" = -2 }} }}\n'
    )
    rising = (
        '\n[[targets]]\nslot = "绩效指标/满意度指标/服务对象满意度指标"\nname = "另一问卷"\noperator = ">="\n'
        'value = 90\nunit = "%"\nweight = 40\nmethod = "satisfaction_survey"\n'
        'params = { levels = { "满意" = 0, "不满意" = 1 }, counts = { "满意" = 1, "不满意" = 1 } }\n'
    )
    path = tmp_path / "p.toml"
    path.write_text(header + negative.format(weight=50) + rising, encoding="utf-8")
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(path), ruleset, registry)
    rendered = caught.value.render()
    assert [p.code for p in caught.value.problems] == ["E-PARAM"]  # parameters are checked at binding
    assert "另一问卷" in rendered and "系数不能递增" in rendered
    path.write_text(header + negative.format(weight=90), encoding="utf-8")
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(path), ruleset, registry)
    (problem,) = caught.value.problems
    assert problem.code == "E-INPUT" and problem.line == 7  # the [[targets]] line
    assert "“不满意” 的人数不能为负数" in problem.message and problem.found == "-2"


# ---------------------------------------------------------------------------- properties


@st.composite
def surveys(draw: st.DrawFn) -> tuple[dict[str, Decimal], list[int], Decimal, Decimal, int, int]:
    """Levels with non-increasing coefficients, counts, a target %, a weight, and a move of one
    respondent from level ``worse`` up to the more satisfied level ``better``."""
    size = draw(st.integers(min_value=2, max_value=5))
    coefficients = sorted(
        draw(st.lists(st.decimals(0, 1, places=2), min_size=size, max_size=size)), reverse=True
    )
    if coefficients[0] == coefficients[-1]:
        coefficients[0], coefficients[-1] = Decimal(1), Decimal(0)
    levels = {f"等级{index}": coefficient for index, coefficient in enumerate(coefficients)}
    counts = draw(st.lists(st.integers(0, 400), min_size=size, max_size=size).filter(lambda c: any(c[1:])))
    worse = draw(st.sampled_from([index for index in range(1, size) if counts[index] > 0]))
    better = draw(st.integers(0, worse - 1))
    goal = draw(st.decimals(0, 100, places=2))
    weight = draw(st.decimals(0, 100, places=2))
    return levels, counts, goal, weight, worse, better


def survey_score(levels: dict[str, Decimal], counts: list[int], goal: Decimal, weight: Decimal) -> Decimal:
    params = {"levels": levels, "counts": dict(zip(levels, counts, strict=True))}
    return run(params, str(weight), on=target(str(goal))).score


@settings(deadline=None, max_examples=300)
@given(surveys())
def test_score_stays_within_the_weight_and_never_falls_when_an_answer_improves(
    case: tuple[dict[str, Decimal], list[int], Decimal, Decimal, int, int],
) -> None:
    levels, counts, goal, weight, worse, better = case
    before = survey_score(levels, counts, goal, weight)
    moved = list(counts)
    moved[worse] -= 1
    moved[better] += 1
    after = survey_score(levels, moved, goal, weight)
    assert 0 <= before <= weight and 0 <= after <= weight
    assert after >= before
