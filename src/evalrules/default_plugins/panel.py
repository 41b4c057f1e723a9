"""The expert panel strategy (``panel``, 专家评议): each evaluator's score combined as the ruleset
declares (mean, median, or trimmed: 去掉一个最高分和一个最低分); registered with the survey by
:mod:`evalrules.default_plugins.evidence`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, HUNDRED, ONE, ZERO, NumberProblem, fmt, parse_number
from ..hooks.strategies import (
    InputProblem,
    Kernel,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    check_keys,
)
from ..model.evidence import PanelScore
from ..model.project import Assessment, Budget, Target


def count_param(params: Mapping[str, Any], key: str) -> Decimal | None:
    """A parameter that is a number ≥ 0, or None when not written."""
    if key not in params:
        return None
    try:
        value = parse_number(params[key])
    except NumberProblem as problem:
        raise ParameterProblem(key, f"{key} {problem}") from None
    if value < 0:
        raise ParameterProblem(key, f"{key} 不能为负数，实际为 {fmt(value)}")
    return value


COMBINE = {"mean": "算术平均", "median": "中位数", "trimmed": "去掉一个最高分和一个最低分后平均"}
"""How a panel's scores combine, with the words the explanation uses."""


@frozen
class PanelRule:
    """A panel method's checked parameters."""

    combine: str
    scale: Decimal | None
    min_experts: int
    max_spread: Decimal | None
    spread_relative: bool = False
    """max_spread written as a percentage: a share of the full score (scale, else the weight)."""

    def spread_limit(self, weight: Decimal) -> Decimal | None:
        if self.max_spread is None or not self.spread_relative:
            return self.max_spread
        return CONTEXT.multiply(self.max_spread, self.scale if self.scale is not None else weight)


def combined(method: str, scores: Sequence[Decimal]) -> Decimal:
    """The panel's combined score by method (mean, median, trimmed), exact."""
    ordered = sorted(scores)
    if method == "trimmed":
        ordered = ordered[1:-1]
    if method == "median":
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return CONTEXT.divide(ordered[middle - 1] + ordered[middle], Decimal(2))
    return CONTEXT.divide(sum(ordered, ZERO), Decimal(len(ordered)))


def _panel_of(target: Target | None, assessment: Assessment | None) -> tuple[PanelScore, ...]:
    if target is not None:
        return target.panel
    return assessment.panel if assessment is not None else ()


@frozen
class Panel:
    """专家评议."""

    name: str = "panel"
    title: str = "专家评议"
    doc: str = (
        "每位专家给出评分，按规则集声明的方法合成：mean 算术平均、median 中位数、"
        "trimmed 去掉一个最高分和一个最低分后平均（至少 3 位专家）。专家按指标的分值打分时合成分即得分；"
        "声明 scale（如 100）时专家按百分制打分，得分 = 合成分 ÷ scale × 分值。得分按规则集的舍入规则舍入。"
    )
    params_doc: Mapping[str, str] = {
        "combine": "合成方法：“mean”（算术平均，缺省）、“median”（中位数）"
        "或 “trimmed”（去掉一个最高分和一个最低分后平均）",
        "scale": "专家评分的满分（如 100 表示百分制）；不写时专家直接按指标的分值打分",
        "min_experts": "复核：专家人数不应少于（A-PANEL-SIZE），缺省 1",
        "max_spread": "复核：专家评分的极差（最高分 − 最低分）不应超过的分数（与专家评分同一尺度）；"
        "写作百分数（如 “20%”）时为满分的比例（A-PANEL-SPREAD）",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> PanelRule:
        check_keys(params, self.params_doc)
        method = params.get("combine", "mean")
        if method not in COMBINE:
            raise ParameterProblem(
                "combine",
                f"combine 应为 mean、median 或 trimmed，实际为 {method!r}",
                suggest(str(method), COMBINE),
            )
        scale = count_param(params, "scale")
        if scale is not None and scale <= 0:
            raise ParameterProblem("scale", "scale 应大于 0")
        least = count_param(params, "min_experts") or ONE
        if least != least.to_integral_value():
            raise ParameterProblem("min_experts", "min_experts 应为整数")
        spread, raw = count_param(params, "max_spread"), params.get("max_spread")
        relative = isinstance(raw, str) and raw.strip().endswith(("%", "％"))
        if spread is not None and relative:
            spread = CONTEXT.divide(spread, HUNDRED)
        return PanelRule(str(method), scale, int(least), spread, relative)

    def kernel(self, prepared: PanelRule) -> Kernel:
        def panel(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            scores = [entry.score for entry in _panel_of(target, assessment)]
            top = prepared.scale if prepared.scale is not None else weight
            if not scores or any(score > top for score in scores):
                raise ValueError(scores)
            if prepared.combine == "trimmed" and len(scores) < 3:
                raise ValueError(scores)
            value = combined(prepared.combine, scores)
            return (
                value
                if prepared.scale is None
                else CONTEXT.divide(CONTEXT.multiply(value, weight), prepared.scale)
            )

        return panel

    def score(self, prepared: PanelRule, item: ScoringInput) -> Outcome:
        panel = _panel_of(item.target, item.assessment)
        if not panel:
            raise InputProblem(
                "缺少专家评分", expected='panel = [{ expert = "专家A", score = 数字 }, …]', key="panel"
            )
        top = prepared.scale if prepared.scale is not None else item.weight
        for entry in panel:
            if entry.score > top:
                raise InputProblem(
                    f"专家 {entry.expert} 的评分 {fmt(entry.score)} 超过满分 {fmt(top)}",
                    expected=f"0 到 {fmt(top)}",
                    found=fmt(entry.score),
                    key="panel",
                )
        if prepared.combine == "trimmed" and len(panel) < 3:
            raise InputProblem(
                "去掉一个最高分和一个最低分至少需要 3 位专家",
                expected="≥ 3 位",
                found=f"{len(panel)} 位",
                key="panel",
            )
        score = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)
        value = combined(prepared.combine, [entry.score for entry in panel])
        listed = "、".join(f"{entry.expert} {fmt(entry.score)}" for entry in panel)
        reason = (
            f"{item.name} 专家评议（{len(panel)} 位：{listed}），{COMBINE[prepared.combine]}为 {fmt(value)}"
        )
        if prepared.scale is not None:
            reason += f"，满分 {fmt(prepared.scale)}，折合 {fmt(value)} ÷ {fmt(prepared.scale)} × 分值"
        reason += f"，得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
        reasons = [reason, *(f"{entry.expert}：{entry.comment}" for entry in panel if entry.comment)]
        inputs = {
            "合成方法": COMBINE[prepared.combine],
            **{entry.expert: fmt(entry.score) for entry in panel},
        }
        inputs["合成分"] = fmt(value)
        return Outcome(score, tuple(reasons), inputs)
