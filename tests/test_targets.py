"""The built-in strategies for a project's own targets: positive (≥), reverse (≤), equal (=), 定性.

Each strategy is called directly through the ScoringStrategy contract: prepare once, score once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules import default_registry
from evalrules.base.numbers import NumberProblem, parse_number
from evalrules.default_plugins.targets import TARGET_STRATEGIES, Equal, Positive, Qualitative, Reverse
from evalrules.hooks.strategies import (
    InputProblem,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    ScoringStrategy,
)
from evalrules.model.project import Assessment, Budget, Place, Target
from evalrules.model.ruleset import Rounding

CONTEXT = PrepareContext(default_registry().functions)
PLACE = Place("project.toml", "targets[0]")


def _number(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NumberProblem:
        return None


def target(
    value: str,
    actual: str,
    *,
    name: str = "保障职工人数",
    unit: str = "人",
    operator: str = ">=",
    rating: str | None = None,
    score: str | None = None,
) -> Target:
    """A target as the loader builds it: the numbers from their text, None when not a number."""
    return Target(
        slot=("产出", "产出数量"),
        name=name,
        operator=operator,
        value=_number(value),
        value_text=value,
        unit=unit,
        actual=_number(actual),
        actual_text=actual,
        place=PLACE,
        rating=rating,
        score=None if score is None else Decimal(score),
    )


def item(
    the_target: Target | None,
    weight: str = "2",
    *,
    assessment: Assessment | None = None,
    rounding: Rounding | None = None,
) -> ScoringInput:
    name = the_target.name if the_target is not None else "指标"
    return ScoringInput(
        path=("产出", "产出数量", name),
        weight=Decimal(weight),
        budget=Budget(),
        rounding=rounding or Rounding(),
        target=the_target,
        assessment=assessment,
    )


def run(
    strategy: ScoringStrategy, the_item: ScoringInput, params: Mapping[str, Any] | None = None
) -> Outcome:
    prepared = strategy.prepare(params or {}, CONTEXT)
    return strategy.score(prepared, the_item)


def positive(value: str, actual: str, weight: str = "2") -> Outcome:
    return run(Positive(), item(target(value, actual), weight))


def reverse(value: str, actual: str, weight: str = "2", variant: str | None = None) -> Outcome:
    params = {} if variant is None else {"variant": variant}
    return run(Reverse(), item(target(value, actual, operator="<="), weight), params)


def equal(value: str, actual: str, weight: str = "2") -> Outcome:
    return run(Equal(), item(target(value, actual, operator="="), weight), {})


# ---------------------------------------------------------------------------------------------
# registration


def test_target_strategies_follow_the_protocol_and_are_registered() -> None:
    registry = default_registry()
    for strategy in TARGET_STRATEGIES:
        assert isinstance(strategy, ScoringStrategy)
        assert registry.strategies[strategy.name] is not None
        assert type(registry.strategies[strategy.name]) is type(strategy)
    assert {s.name for s in TARGET_STRATEGIES} == {"positive", "reverse", "equal", "qualitative"}


@pytest.mark.parametrize("strategy", TARGET_STRATEGIES, ids=lambda s: s.name)
def test_unknown_parameter_is_refused(strategy: ScoringStrategy) -> None:
    with pytest.raises(ParameterProblem) as caught:
        strategy.prepare({"weigth": 2}, CONTEXT)
    assert caught.value.key == "weigth"
    assert "weigth" in caught.value.message


# ---------------------------------------------------------------------------------------------
# positive (≥)


def test_positive_met_exactly_gives_full_marks() -> None:
    outcome = positive("44", "44")
    assert outcome.score == Decimal("2")
    assert outcome.reasons == ("保障职工人数 指标值 ≥44人，实际完成 44人，达到目标，得满分 2 分",)


def test_positive_over_completion_gives_full_marks() -> None:
    outcome = positive("44", "50")
    assert outcome.score == Decimal("2")
    assert "超额完成" in outcome.reasons[0]
    assert "得满分 2 分" in outcome.reasons[0]


def test_positive_below_target_scores_in_proportion() -> None:
    outcome = positive("44", "40")
    assert outcome.score == Decimal("1.818181818181818181818181818")
    assert outcome.reasons == (
        "保障职工人数 指标值 ≥44人，实际完成 40人，完成 90.91%，按完成比例得 1.82 分（分值 2 分）",
    )
    assert outcome.inputs == {"指标值": "44", "实际完成值": "40", "度量单位": "人"}


def test_positive_reason_mentions_target_actual_and_score() -> None:
    reason = positive("200", "150", weight="4").reasons[0]
    for part in ("指标值", "≥200人", "实际完成", "150人", "75%", "得 3 分", "分值 4 分"):
        assert part in reason


def test_positive_score_is_exact_and_shown_half_up() -> None:
    # 73 / 80 × 2 = 1.825: 四舍五入 shows 1.83 (half-even would show 1.82); the score stays exact.
    outcome = positive("80", "73")
    assert outcome.score == Decimal("1.825")
    assert "得 1.83 分" in outcome.reasons[0]


def test_positive_reason_follows_the_declared_rounding() -> None:
    outcome = run(Positive(), item(target("44", "40"), rounding=Rounding(places=1)))
    assert "得 1.8 分" in outcome.reasons[0]


def test_positive_percentage_is_rounded_half_up() -> None:
    # 2469 / 20000 = 12.345%: 四舍五入 gives 12.35%, not the banker's 12.34%.
    outcome = positive("20000", "2469", weight="1")
    assert outcome.score == Decimal("0.12345")
    assert "完成 12.35%" in outcome.reasons[0]


def test_positive_negative_actual_scores_zero() -> None:
    outcome = positive("44", "-5")
    assert outcome.score == Decimal("0")
    assert "得 0 分" in outcome.reasons[0]


@pytest.mark.parametrize("actual", ["0", "3", "0.01"])
def test_positive_zero_target_is_met_by_any_non_negative_actual(actual: str) -> None:
    assert positive("0", actual).score == Decimal("2")


def test_positive_zero_target_with_negative_actual_scores_zero() -> None:
    outcome = positive("0", "-1")
    assert outcome.score == Decimal("0")
    assert "得 0 分" in outcome.reasons[0]
    assert "分值 2 分" in outcome.reasons[0]


def test_positive_negative_target_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        positive("-3", "5")
    assert caught.value.expected == "≥ 0"
    assert caught.value.found == "-3"
    assert "指标值" in caught.value.message


def test_positive_missing_actual_says_a_number_is_expected() -> None:
    with pytest.raises(InputProblem) as caught:
        positive("44", "")
    assert caught.value.expected == "数字（单位 人）"
    assert caught.value.found == "空"
    assert "实际完成值" in caught.value.message


def test_positive_non_numeric_actual_is_refused_with_what_was_found() -> None:
    with pytest.raises(InputProblem) as caught:
        positive("44", "完成")
    assert caught.value.expected == "数字（单位 人）"
    assert caught.value.found == "“完成”"


def test_positive_without_unit_expects_a_plain_number() -> None:
    with pytest.raises(InputProblem) as caught:
        run(Positive(), item(target("100", "完成", unit="")))
    assert caught.value.expected == "数字"


def test_positive_missing_target_value_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        positive("若干", "40")
    assert "指标值" in caught.value.message
    assert caught.value.expected == "数字"


def test_positive_without_a_target_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        run(Positive(), item(None))
    assert "指标值" in caught.value.message


# ---------------------------------------------------------------------------------------------
# reverse (≤)


def test_reverse_default_variant_is_ratio() -> None:
    assert Reverse().prepare({}, CONTEXT) == "ratio"
    assert Reverse().prepare({"variant": "deviation"}, CONTEXT) == "deviation"


@pytest.mark.parametrize("variant", ["ratio", "deviation"])
@pytest.mark.parametrize("actual", ["100", "80", "0", "-5"])
def test_reverse_at_or_below_target_gives_full_marks(variant: str, actual: str) -> None:
    outcome = reverse("100", actual, weight="5", variant=variant)
    assert outcome.score == Decimal("5")
    assert "未超出指标值" in outcome.reasons[0]
    assert "得满分 5 分" in outcome.reasons[0]


def test_reverse_ratio_scores_target_over_actual() -> None:
    outcome = reverse("100", "125", weight="5", variant="ratio")
    assert outcome.score == Decimal("4")
    assert outcome.reasons == (
        "保障职工人数 指标值 ≤100人，实际完成 125人，按 指标值 ÷ 实际值（80%）得 4 分（分值 5 分）",
    )


def test_reverse_ratio_is_exact() -> None:
    assert reverse("3", "7", weight="2", variant="ratio").score == Decimal("0.8571428571428571428571428572")


def test_reverse_deviation_scores_linearly() -> None:
    outcome = reverse("100", "125", weight="5", variant="deviation")
    assert outcome.score == Decimal("3.75")
    assert outcome.reasons == (
        "保障职工人数 指标值 ≤100人，实际完成 125人，超出指标值 25%，按偏离度得 3.75 分（分值 5 分）",
    )


def test_reverse_deviation_is_exact() -> None:
    # (1 − (4 − 3) / 3) × 2
    assert reverse("3", "4", variant="deviation").score == Decimal("1.333333333333333333333333333")


@pytest.mark.parametrize("actual", ["200", "250", "10000"])
def test_reverse_deviation_is_zero_from_twice_the_target(actual: str) -> None:
    assert reverse("100", actual, weight="5", variant="deviation").score == Decimal("0")


def test_reverse_variants_differ_beyond_the_target() -> None:
    assert reverse("100", "200", weight="5", variant="ratio").score == Decimal("2.5")
    assert reverse("100", "200", weight="5", variant="deviation").score == Decimal("0")


@pytest.mark.parametrize("variant", ["ratio", "deviation"])
@pytest.mark.parametrize("actual", ["0", "-1"])
def test_reverse_zero_target_met_when_actual_not_above_zero(variant: str, actual: str) -> None:
    assert reverse("0", actual, variant=variant).score == Decimal("2")


@pytest.mark.parametrize("variant", ["ratio", "deviation"])
def test_reverse_zero_target_exceeded_scores_zero(variant: str) -> None:
    outcome = reverse("0", "1", variant=variant)
    assert outcome.score == Decimal("0")
    assert "指标值为 0 而实际大于 0" in outcome.reasons[0]
    assert "得 0 分（分值 2 分）" in outcome.reasons[0]


def test_reverse_negative_target_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        reverse("-1", "5")
    assert caught.value.expected == "≥ 0"
    assert caught.value.found == "-1"


def test_reverse_non_numeric_actual_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        reverse("100", "完成")
    assert caught.value.found == "“完成”"
    assert caught.value.expected is not None and "数字" in caught.value.expected


def test_reverse_misspelled_variant_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ParameterProblem) as caught:
        Reverse().prepare({"variant": "devation"}, CONTEXT)
    assert caught.value.key == "variant"
    assert "ratio" in caught.value.message and "deviation" in caught.value.message
    assert caught.value.suggestion is not None and "deviation" in caught.value.suggestion


def test_reverse_unknown_variant_without_a_close_name() -> None:
    with pytest.raises(ParameterProblem) as caught:
        Reverse().prepare({"variant": "xyz"}, CONTEXT)
    assert caught.value.key == "variant"
    assert "xyz" in caught.value.message


# ---------------------------------------------------------------------------------------------
# equal (=)


def test_equal_positive_target_met_gives_full_marks() -> None:
    outcome = equal("10", "10")
    assert outcome.score == Decimal("2")
    assert "指标值 =10人" in outcome.reasons[0]


def test_equal_positive_target_scored_as_positive() -> None:
    assert equal("10", "8").score == Decimal("1.6")
    assert equal("44", "40").score == positive("44", "40").score
    assert equal("10", "12").score == Decimal("2")


@pytest.mark.parametrize("actual", ["0", "-1"])
def test_equal_zero_target_met_when_actual_not_above_zero(actual: str) -> None:
    outcome = equal("0", actual)
    assert outcome.score == Decimal("2")
    assert "与预期目标一致" in outcome.reasons[0]


def test_equal_zero_target_missed_scores_zero() -> None:
    outcome = equal("0", "1")
    assert outcome.score == Decimal("0")
    assert "得 0 分（分值 2 分）" in outcome.reasons[0]


def test_equal_negative_target_is_refused() -> None:
    with pytest.raises(InputProblem):
        equal("-2", "-2")


def test_equal_missing_actual_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        equal("0", "")
    assert caught.value.found == "空"


# ---------------------------------------------------------------------------------------------
# qualitative (定性, three bands)


def qualitative(
    rating: str | None,
    score: str | None = None,
    weight: str = "10",
    params: Mapping[str, Any] | None = None,
) -> Outcome:
    the_target = target(
        "达成", "达成", name="群众满意情况", unit="", operator="定性", rating=rating, score=score
    )
    return run(Qualitative(), item(the_target, weight), params)


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ("达成年度指标", "10"),
        ("部分达成年度指标并具有一定效果", "7"),
        ("未达成年度指标且效果较差", "3"),
    ],
)
def test_qualitative_default_bands_give_their_default_point(rating: str, expected: str) -> None:
    outcome = qualitative(rating)
    assert outcome.score == Decimal(expected)
    assert rating in outcome.reasons[0]
    assert outcome.inputs["评价等级"] == rating


def test_qualitative_reason_shows_band_and_point() -> None:
    outcome = qualitative("部分达成年度指标并具有一定效果")
    assert outcome.reasons == (
        "群众满意情况 评价为 “部分达成年度指标并具有一定效果”（该档 6–8 分），"
        "取该档 70%，得 7 分（分值 10 分）",
    )


def test_qualitative_full_marks_reason() -> None:
    assert qualitative("达成年度指标").reasons == ("群众满意情况 评价为 “达成年度指标”，得满分 10 分",)


@pytest.mark.parametrize(
    ("alias", "label", "expected"),
    [
        ("达成预期指标", "达成年度指标", "10"),
        ("达成", "达成年度指标", "10"),
        ("部分达成", "部分达成年度指标并具有一定效果", "7"),
        ("部分达成年度指标", "部分达成年度指标并具有一定效果", "7"),
        ("未达成", "未达成年度指标且效果较差", "3"),
    ],
)
def test_qualitative_alias_labels_map_to_their_band(alias: str, label: str, expected: str) -> None:
    outcome = qualitative(alias)
    assert outcome.score == Decimal(expected)
    assert f"“{label}”" in outcome.reasons[0]


@pytest.mark.parametrize(
    ("rating", "score"),
    [
        ("达成年度指标", "8"),
        ("达成年度指标", "8.5"),
        ("达成年度指标", "10"),
        ("部分达成年度指标并具有一定效果", "6"),
        ("部分达成年度指标并具有一定效果", "7.99"),
        ("未达成年度指标且效果较差", "0"),
        ("未达成年度指标且效果较差", "5.9"),
    ],
)
def test_qualitative_manual_score_inside_its_band_is_accepted(rating: str, score: str) -> None:
    outcome = qualitative(rating, score)
    assert outcome.score == Decimal(score)
    if Decimal(score) < 10:
        assert "评价组给分" in outcome.reasons[0]


@pytest.mark.parametrize(
    ("rating", "score", "interval"),
    [
        ("达成年度指标", "7.9", "[8, 10]"),
        ("达成年度指标", "10.5", "[8, 10]"),
        ("部分达成年度指标并具有一定效果", "8", "[6, 8)"),
        ("部分达成年度指标并具有一定效果", "5", "[6, 8)"),
        ("未达成年度指标且效果较差", "6", "[0, 6)"),
        ("未达成年度指标且效果较差", "-1", "[0, 6)"),
    ],
)
def test_qualitative_manual_score_outside_its_band_is_refused(rating: str, score: str, interval: str) -> None:
    with pytest.raises(InputProblem) as caught:
        qualitative(rating, score)
    assert caught.value.expected == interval
    assert caught.value.found == score
    assert rating in caught.value.message


def test_qualitative_unknown_label_is_refused_with_a_suggestion() -> None:
    with pytest.raises(InputProblem) as caught:
        qualitative("达成年度目标")
    assert caught.value.found == "达成年度目标"
    assert caught.value.suggestion is not None and "达成年度指标" in caught.value.suggestion
    assert caught.value.expected is not None and "部分达成年度指标并具有一定效果" in caught.value.expected


def test_qualitative_missing_rating_is_refused() -> None:
    with pytest.raises(InputProblem) as caught:
        qualitative(None)
    assert "rating" in caught.value.message
    assert caught.value.expected is not None and "达成年度指标" in caught.value.expected


def test_qualitative_rates_a_framework_assessment() -> None:
    assessment = Assessment(path=("效益", "社会效益"), place=PLACE, rating="部分达成", score=Decimal("6.5"))
    the_item = ScoringInput(("效益", "社会效益"), Decimal("10"), Budget(), Rounding(), assessment=assessment)
    strategy = Qualitative()
    outcome = strategy.score(strategy.prepare({}, CONTEXT), the_item)
    assert outcome.score == Decimal("6.5")
    assert outcome.reasons[0].startswith("社会效益 评价为 “部分达成年度指标并具有一定效果”")


TWO_BANDS: list[dict[str, Any]] = [
    {"label": "好", "low": "0.5", "high": "1", "default": "0.9"},
    {"label": "差", "aliases": ["不好"], "low": "0", "high": "0.5", "default": "0.2"},
]


def test_qualitative_custom_bands_are_used() -> None:
    assert qualitative("好", params={"bands": TWO_BANDS}).score == Decimal("9")
    assert qualitative("不好", params={"bands": TWO_BANDS}).score == Decimal("2")
    assert qualitative("差", "4.99", params={"bands": TWO_BANDS}).score == Decimal("4.99")
    with pytest.raises(InputProblem):
        qualitative("达成年度指标", params={"bands": TWO_BANDS})


def test_qualitative_top_band_without_default_takes_its_top() -> None:
    bands = [{"label": "好", "low": "0.5", "high": "1"}, {**TWO_BANDS[1]}]
    assert qualitative("好", params={"bands": bands}).score == Decimal("10")


@pytest.mark.parametrize(
    "bands",
    [
        pytest.param(
            [
                {"label": "好", "low": "0.6", "high": "1"},
                {"label": "差", "low": "0", "high": "0.5", "default": "0"},
            ],
            id="gap",
        ),
        pytest.param(
            [
                {"label": "好", "low": "0.4", "high": "1"},
                {"label": "差", "low": "0", "high": "0.5", "default": "0"},
            ],
            id="overlap",
        ),
        pytest.param(
            [
                {"label": "好", "low": "0.5", "high": "0.9", "default": "0.8"},
                {"label": "差", "low": "0", "high": "0.5", "default": "0"},
            ],
            id="short-of-one",
        ),
        pytest.param([{"label": "好", "low": "0.1", "high": "1"}], id="not-from-zero"),
    ],
)
def test_qualitative_bands_must_cover_zero_to_one(bands: list[dict[str, Any]]) -> None:
    with pytest.raises(ParameterProblem) as caught:
        Qualitative().prepare({"bands": bands}, CONTEXT)
    assert caught.value.key == "bands"
    assert "[0, 1]" in caught.value.message


@pytest.mark.parametrize(
    ("band", "key"),
    [
        ({"label": "好", "low": "1", "high": "0.5"}, "bands[0]"),
        ({"label": "好", "low": "0.5", "high": "1", "default": "0.4"}, "bands[0]"),
        ({"low": "0.5", "high": "1"}, "bands[0].label"),
        ({"label": "好", "low": "0.5", "high": "1.5"}, "bands[0].high"),
        ({"label": "好", "low": "半", "high": "1"}, "bands[0].low"),
        ({"label": "好", "high": "1"}, "bands[0].low"),
        ({"label": "好", "low": "0.5", "high": "1", "defualt": "1"}, "bands[0].defualt"),
        ({"label": "好", "low": "0.5", "high": "1", "aliases": "优秀"}, "bands[0].aliases"),
    ],
)
def test_qualitative_malformed_band_is_refused_with_its_place(band: dict[str, Any], key: str) -> None:
    bands = [band, {"label": "差", "low": "0", "high": "0.5", "default": "0.2"}]
    with pytest.raises(ParameterProblem) as caught:
        Qualitative().prepare({"bands": bands}, CONTEXT)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("lower", "key"),
    [
        ({"label": "差", "low": "0", "high": "0.5", "default": "0.5"}, "bands[1]"),
        ({"label": "差", "low": "0", "high": "0.5"}, "bands[1].default"),
    ],
)
def test_qualitative_lower_band_default_must_lie_inside_its_half_open_band(
    lower: dict[str, Any], key: str
) -> None:
    # [0, 0.5) does not contain 0.5: a default there (or one left to default to the top) is refused.
    with pytest.raises(ParameterProblem) as caught:
        Qualitative().prepare({"bands": [TWO_BANDS[0], lower]}, CONTEXT)
    assert caught.value.key == key
    assert "default" in caught.value.message


def test_qualitative_names_must_be_unique_across_bands() -> None:
    bands = [{**TWO_BANDS[0], "aliases": ["一般"]}, {**TWO_BANDS[1], "aliases": ["一般"]}]
    with pytest.raises(ParameterProblem) as caught:
        Qualitative().prepare({"bands": bands}, CONTEXT)
    assert "一般" in caught.value.message


@pytest.mark.parametrize("bands", [[], "三档", {"label": "好"}])
def test_qualitative_bands_must_be_a_non_empty_list(bands: Any) -> None:
    with pytest.raises(ParameterProblem) as caught:
        Qualitative().prepare({"bands": bands}, CONTEXT)
    assert caught.value.key == "bands"


# ---------------------------------------------------------------------------------------------
# properties

amounts = st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
goals = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value="0.1", max_value=100, places=1, allow_nan=False, allow_infinity=False)
variants = st.sampled_from(["ratio", "deviation"])


def _score(
    strategy: ScoringStrategy, params: Mapping[str, Any], goal: Decimal, actual: Decimal, weight: Decimal
) -> Decimal:
    the_target = target(str(goal), str(actual))
    return run(strategy, item(the_target, str(weight)), params).score


@given(goal=goals, actual=amounts, weight=weights)
def test_positive_score_lies_within_zero_and_weight(goal: Decimal, actual: Decimal, weight: Decimal) -> None:
    assert Decimal(0) <= _score(Positive(), {}, goal, actual, weight) <= weight


@given(goal=goals, actual=amounts, weight=weights, variant=variants)
def test_reverse_score_lies_within_zero_and_weight(
    goal: Decimal, actual: Decimal, weight: Decimal, variant: str
) -> None:
    assert Decimal(0) <= _score(Reverse(), {"variant": variant}, goal, actual, weight) <= weight


@given(goal=goals, actual=amounts, weight=weights)
def test_equal_score_lies_within_zero_and_weight(goal: Decimal, actual: Decimal, weight: Decimal) -> None:
    assert Decimal(0) <= _score(Equal(), {}, goal, actual, weight) <= weight


@given(goal=goals, actuals=st.lists(amounts, min_size=2, max_size=2), weight=weights)
def test_positive_never_falls_when_the_actual_rises(
    goal: Decimal, actuals: list[Decimal], weight: Decimal
) -> None:
    low, high = sorted(actuals)
    assert _score(Positive(), {}, goal, low, weight) <= _score(Positive(), {}, goal, high, weight)


@given(goal=goals, actuals=st.lists(amounts, min_size=2, max_size=2), weight=weights, variant=variants)
def test_reverse_never_rises_when_the_actual_rises(
    goal: Decimal, actuals: list[Decimal], weight: Decimal, variant: str
) -> None:
    low, high = sorted(actuals)
    params = {"variant": variant}
    assert _score(Reverse(), params, goal, low, weight) >= _score(Reverse(), params, goal, high, weight)


@given(
    rating=st.sampled_from(["达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差"]),
    weight=weights,
)
def test_qualitative_default_point_lies_within_zero_and_weight(rating: str, weight: Decimal) -> None:
    assert Decimal(0) <= qualitative(rating, weight=str(weight)).score <= weight


@pytest.mark.parametrize("rating", ["基本达成", "基本完成", "较好", "达标", "部分完成"])
def test_an_unknown_rating_is_never_steered_to_a_band(rating: str) -> None:
    # Issue 22: 基本达成 was asked "是否想写 “达成”？", the top band
    with pytest.raises(InputProblem) as caught:
        qualitative(rating)
    hint = caught.value.suggestion or ""
    assert "是否想写" not in hint
    top, middle = hint.index("达成年度指标（"), hint.index("部分达成年度指标并")
    assert top < middle < hint.index("未达成年度指标且") and "（也可写 部分达成、部分达成年度指标）" in hint


def test_a_slip_of_the_pen_is_still_corrected() -> None:
    with pytest.raises(InputProblem) as caught:
        qualitative("部分达成年度指标并具有一定效杲")
    assert caught.value.suggestion == "是否想写 “部分达成年度指标并具有一定效果”？"
    with pytest.raises(InputProblem) as caught:  # one character from 达成年度指标 and two from 未达成…
        qualitative("达成年度指导")
    assert "是否想写" not in (caught.value.suggestion or "")


def test_bands_are_listed_from_the_top_whatever_their_order_in_the_ruleset() -> None:
    bands = [
        {"label": "差", "low": "0", "high": "0.6", "default": "0.3"},
        {"label": "好", "aliases": ["优良"], "low": "0.6", "high": "1"},
    ]
    with pytest.raises(InputProblem) as caught:
        qualitative("一般", params={"bands": bands})
    assert caught.value.suggestion == "规则集的评价等级，从高档到低档：好（也可写 优良）；差"
