"""The free-formula strategy: a ruleset's own formula over a target's or assessment's values."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen

from ..base.numbers import ZERO, fmt
from ..formula.evaluator import Formula, compile_formula
from ..hooks.strategies import (
    InputProblem,
    Kernel,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    check_keys,
)
from ..model.project import (
    BUDGET_FIELDS,
    Assessment,
    Budget,
    Target,
)
from ._common import describe

MEASURE_NAMES = ("实际值", "指标值", "分值", *BUDGET_FIELDS)
"""The names a formula over a target or assessment may use, besides its own inputs."""


def item_formula_values(item: ScoringInput, formula: Formula) -> dict[str, Decimal]:
    return formula_values(formula, item.weight, item.target, item.assessment, item.budget)


def formula_values(
    formula: Formula, weight: Decimal, target: Target | None, assessment: Assessment | None, budget: Budget
) -> dict[str, Decimal]:
    """The names a formula sees: 分值, the budget figures, 指标值/实际值 and the assessment's values."""
    values: dict[str, Decimal] = {"分值": weight, **budget.figures}
    if target is not None:
        if target.value is not None:
            values["指标值"] = target.value
        if target.actual is not None:
            values["实际值"] = target.actual
    if assessment is not None:
        shadowed = sorted(values.keys() & assessment.values.keys())
        if shadowed:
            raise InputProblem(
                f"values 不能改写 {'、'.join(shadowed)}：它们来自分值、预算数或绩效指标",
                expected="inputs 中声明的其他名称",
            )
        values.update(assessment.values)
    missing = sorted(formula.names - values.keys())
    if missing:
        raise InputProblem("公式所需的数值没有给出", expected="、".join(missing))
    return values


@frozen
class FreeFormula:
    """自定义公式."""

    name: str = "formula"
    title: str = "公式计分"
    doc: str = (
        "按规则集给出的公式计分。公式可用 分值、指标值、实际值、预算数名称和 inputs 声明的名称；"
        "结果必须落在 [0, 分值] 之内，否则报错（不会被悄悄截断）。"
    )
    params_doc: Mapping[str, str] = {
        "formula": "计分公式，例如 min(实际值 / 指标值, 1) * 分值",
        "inputs": '评价时在 values 中给出的其他名称列表，例如 ["满意人数", "有效样本数"]',
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> Formula:
        check_keys(params, self.params_doc)
        if "formula" not in params:
            raise ParameterProblem("formula", "缺少参数 “formula”")
        written = params["formula"]
        if not isinstance(written, str):  # formula = 5 is a number, not a formula
            raise ParameterProblem("formula", f'formula 应为文字的公式（加引号，如 formula = "{written}"）')
        inputs = params.get("inputs", [])
        if not isinstance(inputs, list) or not all(isinstance(name, str) for name in inputs):
            raise ParameterProblem("inputs", "inputs 应为名称的列表")
        return compile_formula(
            str(params["formula"]), functions=context.functions, names=[*MEASURE_NAMES, *inputs]
        )

    def score(self, prepared: Formula, item: ScoringInput) -> Outcome:
        item_formula_values(item, prepared)  # what is missing or shadowed, said in words
        score = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)  # the kernel's
        if not ZERO <= score <= item.weight:
            raise InputProblem(
                f"公式 “{prepared.source}” 的结果超出 [0, 分值]",
                expected=f"[0, {fmt(item.weight)}]",
                found=fmt(score),
            )
        subject = describe(item.target, "") + "，" if item.target and item.target.actual is not None else ""
        reason = f"{subject}按公式 {prepared.source} 得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
        return Outcome(score, (reason,))

    def kernel(self, prepared: Formula) -> Kernel:
        def formula(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            return prepared.number(formula_values(prepared, weight, target, assessment, budget))

        return formula
