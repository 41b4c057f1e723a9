"""Built-in strategies for scores from evidence: a satisfaction survey (``survey``) and an expert
panel (``panel``). A ruleset declares them in [target_methods] under "问卷" and "专家评议"; a
target with ``inputs`` or ``panel`` (an assessment with ``panel``) is then scored by them.

The survey gives the actual value (满意度, a percentage) and the target is scored by the ≥ kernel
like any other; the panel's combined score is the indicator's score. Both ``score`` methods take
their number from their own kernel, and add only words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, HUNDRED, ZERO, fmt
from ..hooks.specs import hookimpl
from ..hooks.strategies import (
    InputProblem,
    Kernel,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    ScoringStrategy,
    check_keys,
)
from ..model.project import Assessment, Budget, Target
from ._common import percent, share
from .panel import Panel, count_param
from .targets import _positive

ANSWERS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
"""The default answer scale (five-point Likert, RULES.md §5), from the most to the least satisfied."""


@frozen
class SurveyRule:
    """A survey method's checked parameters."""

    answers: tuple[str, ...]
    satisfied: tuple[str, ...] | None
    weights: Mapping[str, Decimal] | None
    valid: str
    population: str
    target: Decimal | None
    min_sample: Decimal | None
    min_sample_share: Decimal | None


@frozen
class Tally:
    """A survey's counts as read, and the satisfaction they give (a percentage)."""

    counts: Mapping[str, Decimal]
    valid: Decimal
    population: Decimal | None
    rate: Decimal


def _names(params: Mapping[str, Any], key: str, default: Sequence[str] | None) -> tuple[str, ...] | None:
    raw = params.get(key, default)
    if raw is None:
        return None
    if (
        not isinstance(raw, (list, tuple))
        or not raw
        or not all(isinstance(x, str) and x.strip() for x in raw)
    ):
        raise ParameterProblem(key, f'{key} 应为答案名称的非空列表，如 ["非常满意", "满意"]')
    if len(set(raw)) != len(raw):
        raise ParameterProblem(key, f"{key} 中有重复的答案")
    return tuple(raw)


def prepare_survey(params: Mapping[str, Any], allowed: Mapping[str, str]) -> SurveyRule:
    check_keys(params, allowed)
    answers = _names(params, "answers", ANSWERS)
    assert answers is not None
    satisfied = _names(params, "satisfied", None)
    weights: dict[str, Decimal] | None = None
    if "weights" in params:
        raw = params["weights"]
        if not isinstance(raw, Mapping):
            raise ParameterProblem(
                "weights", "weights 应为 { 答案 = 系数 } 表，如 { 非常满意 = 1, 满意 = 0.8 }"
            )
        weights = {}
        for name in raw:
            weights[str(name)] = share(raw, name)
    if (satisfied is None) == (weights is None):
        raise ParameterProblem(
            "satisfied",
            "满意度的算法应声明一种：satisfied（计为满意的答案，满意人数 ÷ 有效问卷数）"
            "或 weights（各答案的系数，加权满意度），两者不能同时写",
        )
    for name in (*(satisfied or ()), *(weights or {})):
        if name not in answers:
            key = "satisfied" if satisfied else f"weights.{name}"
            raise ParameterProblem(key, f"“{name}” 不在 answers 中", suggest(name, answers))
    valid = str(params.get("valid", "有效问卷"))
    population = str(params.get("population", "服务对象人数"))
    target = count_param(params, "target")
    if target is not None and target > HUNDRED:
        raise ParameterProblem(
            "target", f"target 是满意度的指标值（百分数），应在 0 到 100 之间，实际为 {fmt(target)}"
        )
    min_share = share(params, "min_sample_share") if "min_sample_share" in params else None
    return SurveyRule(
        answers, satisfied, weights, valid, population, target, count_param(params, "min_sample"), min_share
    )


def tally(rule: SurveyRule, inputs: Mapping[str, Decimal]) -> Tally:
    """The satisfaction a survey's counts give; InputProblem when they cannot give one."""
    known = (*rule.answers, rule.valid, rule.population)
    for name in inputs:
        if name not in known:
            raise InputProblem(
                f"问卷结果中未知的名称 “{name}”",
                expected="、".join(known),
                found=name,
                suggestion=suggest(name, known),
                key="inputs",
            )
    counts = {name: inputs.get(name, ZERO) for name in rule.answers}
    for name, count in counts.items():
        if count != count.to_integral_value():
            raise InputProblem(
                f"“{name}” 的人数应为整数", expected="≥ 0 的整数", found=fmt(count), key="inputs"
            )
    answered = sum(counts.values(), ZERO)
    valid = inputs.get(rule.valid, answered)
    if valid == 0:
        raise InputProblem("有效问卷为 0 份，无法计算满意度", expected="至少 1 份有效问卷", key="inputs")
    if answered > valid:
        raise InputProblem(
            f"各答案人数之和 {fmt(answered)} 大于{rule.valid} {fmt(valid)}",
            expected=f"各答案人数之和不大于{rule.valid}",
            key="inputs",
        )
    if rule.satisfied is not None:
        points = sum((counts[name] for name in rule.satisfied), ZERO)
    else:
        assert rule.weights is not None
        points = sum((CONTEXT.multiply(counts[n], w) for n, w in rule.weights.items()), ZERO)
    rate = CONTEXT.divide(CONTEXT.multiply(points, HUNDRED), valid)
    return Tally(counts, valid, inputs.get(rule.population), rate)


def _survey_inputs(target: Target | None, assessment: Assessment | None) -> Mapping[str, Decimal]:
    if target is not None:
        return target.inputs
    return assessment.values if assessment is not None else {}


@frozen
class Survey:
    """满意度问卷（公众评判法）."""

    name: str = "survey"
    title: str = "满意度问卷"
    doc: str = (
        "由问卷结果算出满意度（百分数），作为实际完成值按正向指标（≥）与指标值比较计分："
        "满意度 ≥ 指标值得满分，否则得 满意度 ÷ 指标值 × 分值。满意度按规则集声明的算法："
        "satisfied 时 = 计为满意的答案人数之和 ÷ 有效问卷数 × 100%；"
        "weights 时 = Σ(人数 × 系数) ÷ 有效问卷数 × 100%。"
        "绩效指标的问卷结果写在 inputs，框架指标的写在评价项的 values（指标值取 params.target）。"
        "没有写出的答案按 0 人；未写有效问卷数时取各答案人数之和。"
    )
    params_doc: Mapping[str, str] = {
        "answers": "答案（满意程度）的名称，从最满意到最不满意；"
        "缺省 非常满意、满意、基本满意、不满意、非常不满意",
        "satisfied": '计为满意的答案，如 ["非常满意", "满意", "基本满意"]：'
        "满意度 = 其人数之和 ÷ 有效问卷数（与 weights 二选一）",
        "weights": "各答案的系数（0 到 1，可写 “80%”），如 { 非常满意 = 1, 满意 = 0.8, 基本满意 = 0.6 }："
        "加权满意度（与 satisfied 二选一）",
        "valid": "inputs 中有效问卷数的名称，缺省 “有效问卷”",
        "population": "inputs 中服务对象总人数的名称，缺省 “服务对象人数”"
        "（复核用：样本量、回收数不应超过总人数）",
        "target": "框架指标的指标值（满意度目标，百分数）；绩效指标的指标值写在它的 value 中",
        "min_sample": "复核：有效问卷不应少于的份数（A-SURVEY-SAMPLE）",
        "min_sample_share": "复核：有效问卷不应少于服务对象人数的比例（如 0.05 或 “5%”，A-SURVEY-SAMPLE）",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> SurveyRule:
        return prepare_survey(params, self.params_doc)

    def kernel(self, prepared: SurveyRule) -> Kernel:
        def survey(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            rate = tally(prepared, _survey_inputs(target, assessment)).rate
            goal = prepared.target if target is None else target.value
            return _positive(_as_target(goal, rate), None, budget, weight)

        return survey

    def score(self, prepared: SurveyRule, item: ScoringInput) -> Outcome:
        target = item.target
        if target is not None and target.operator != ">=":
            raise InputProblem(
                "满意度是正向指标，指标性质应为 ≥", expected="≥", found=target.operator, key="operator"
            )
        goal = prepared.target if target is None else target.value
        if goal is None:
            where = "params.target" if target is None else "年度指标值 value"
            raise InputProblem(f"缺少满意度的指标值（{where}）", expected="百分数，如 90", key="value")
        if target is None and (item.assessment is None or not item.assessment.values):
            raise InputProblem(
                "缺少问卷结果", expected="评价项的 values = { 非常满意 = 人数, …, 有效问卷 = 份数 }"
            )
        found = tally(prepared, _survey_inputs(target, item.assessment))
        score = self.kernel(prepared)(target, item.assessment, item.budget, item.weight)
        how = (
            f"（{' + '.join(prepared.satisfied)}）÷ 有效问卷"
            if prepared.satisfied is not None
            else "Σ(人数 × 系数) ÷ 有效问卷（"
            + "、".join(f"{n} {fmt(w)}" for n, w in (prepared.weights or {}).items())
            + "）"
        )
        counts = "、".join(
            f"{name} {fmt(count)}"
            for name, count in found.counts.items()
            if count or name in (prepared.satisfied or ())
        )
        description = (
            f"{item.name} 有效问卷 {fmt(found.valid)} 份（{counts}），"
            f"满意度 = {how} = {percent(found.rate / HUNDRED)}，"
            f"指标值 ≥{fmt(goal)}%"
        )
        if found.rate >= goal:
            reason = f"{description}，达到指标值，得满分 {fmt(item.weight)} 分"
        else:
            ratio = CONTEXT.divide(found.rate, goal) if goal else ZERO
            reason = (
                f"{description}，完成 {percent(ratio)}，按完成比例得 {item.shown(score)} 分"
                f"（分值 {fmt(item.weight)} 分）"
            )
        inputs = {
            **{name: fmt(count) for name, count in found.counts.items()},
            "有效问卷数": fmt(found.valid),
            "满意度": percent(found.rate / HUNDRED),
            "指标值": f"{fmt(goal)}%",
        }
        if found.population is not None:
            inputs["服务对象人数"] = fmt(found.population)
        return Outcome(score, (reason,), inputs)


@frozen
class _Reached:
    """What the ≥ kernel reads of a target: the goal, and the survey's rate as the actual value."""

    value: Decimal | None
    actual: Decimal


def _as_target(goal: Decimal | None, rate: Decimal) -> Target:
    return cast(Target, _Reached(goal, rate))


EVIDENCE_STRATEGIES: tuple[ScoringStrategy, ...] = (Survey(), Panel())


@hookimpl
def register_strategies() -> list[ScoringStrategy]:
    return list(EVIDENCE_STRATEGIES)
