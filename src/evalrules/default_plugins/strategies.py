"""Built-in strategies for framework indicators: deductions, steps, checklists and manual scores here;
budget rates (budget_strategy.py) and free formulas (formula_strategy.py) beside them. All are
registered here, through the same hook a province's plugin uses."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, ONE, ZERO, fmt, rounded_for_text, split_equally
from ..formula.evaluator import compile_formula
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
from ..model.project import (
    Assessment,
    Budget,
    Target,
)
from ._common import KeysOnly, entries, number, percent, share, within
from .budget_strategy import ARRIVAL_RATE, EXECUTION_RATE
from .formula_strategy import MEASURE_NAMES, FreeFormula, formula_values, item_formula_values


def _assessment_for(item: ScoringInput, what: str) -> Any:
    if item.assessment is None:
        key = what.split()[-1]
        raise InputProblem(
            f"缺少对该指标的评价（{what}）",
            suggestion=f'添加 [[assessments]] path = "{"/".join(item.path)}"，写明 {key}'
            "（不适用的写 na = true 和 reason）",
        )
    return item.assessment


@frozen
class DeductionList(KeysOnly):
    """扣分制."""

    name: str = "deduction"
    title: str = "扣分制"
    doc: str = "从分值起，逐项减去扣分（每项写明原因和分数），扣完为止、不低于 0。无扣分事项得满分。"
    params_doc: Mapping[str, str] = {"points": "评价要点及其建议扣分（仅供说明，可省略）"}

    def score(self, prepared: None, item: ScoringInput) -> Outcome:
        assessment = _assessment_for(item, "扣分清单 deductions")
        if assessment.deductions is None:
            raise InputProblem("该指标按扣分制评分，需要扣分清单 deductions（无扣分时写 deductions = []）")
        negative = next((d for d in assessment.deductions if d.points < 0), None)
        if negative is not None:
            raise InputProblem(
                f"扣分不能为负数（{negative.reason}）", expected="≥ 0", found=fmt(negative.points)
            )
        score = self.kernel(prepared)(item.target, assessment, item.budget, item.weight)  # the kernel's
        if not assessment.deductions:
            basis = f"{assessment.note}，" if assessment.note else ""
            return Outcome(score, (f"{basis}无扣分事项，该指标不扣分，得 {fmt(item.weight)} 分",))
        total = sum((d.points for d in assessment.deductions), ZERO)
        parts = "；".join(f"{d.reason}，扣 {fmt(d.points)} 分" for d in assessment.deductions)
        floor = "，扣完为止" if total > item.weight else ""
        reason = f"{parts}{floor}，得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
        return Outcome(score, (reason,))

    def kernel(self, prepared: None) -> Kernel:
        def deduction(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            deductions = assessment.deductions  # type: ignore[union-attr]  # None: score() reports it
            total = ZERO
            for entry in deductions:  # type: ignore[union-attr]
                if entry.points < 0:
                    raise ValueError(entry.points)
                total += entry.points
            return max(weight - total, ZERO)

        return deduction


@frozen
class Step:
    min: Decimal
    share: Decimal


@frozen
class StepTable:
    """档位计分."""

    name: str = "step"
    title: str = "档位计分"
    doc: str = (
        "先算出完成度（默认 实际值 ÷ 指标值，或 measure 公式），再按档位表取分值的比例："
        "完成度 ≥ 某档 min 即得该档 share × 分值，取满足条件的最高档；低于所有档得 0。"
    )
    params_doc: Mapping[str, str] = {
        "steps": "档位列表，每档 min（完成度下限）与 share（得分占分值的比例）",
        "measure": "完成度公式（可用 实际值、指标值、分值 与预算数名称），缺省为 实际值 / 指标值",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> Any:
        check_keys(params, self.params_doc)
        steps = []
        for place, entry in entries(params, "steps", ("min", "share"), "min"):
            with within(place):
                steps.append(Step(number(entry, "min"), share(entry, "share")))
        steps.sort(key=lambda step: step.min, reverse=True)
        if len({step.min for step in steps}) != len(steps):
            raise ParameterProblem("steps", "档位的 min 不能重复")
        if any(higher.share < lower.share for higher, lower in itertools.pairwise(steps)):
            raise ParameterProblem("steps", "完成度更高的档位得分比例不能更低（档位应单调）")
        measure = params.get("measure", "实际值 / 指标值")
        if not isinstance(measure, str):
            raise ParameterProblem("measure", f'measure 应为文字的公式（加引号，如 measure = "{measure}"）')
        formula = compile_formula(measure, functions=context.functions, names=MEASURE_NAMES)
        return tuple(steps), formula

    def score(self, prepared: Any, item: ScoringInput) -> Outcome:
        steps, formula = prepared
        degree = formula.number(item_formula_values(item, formula))
        step = next((s for s in steps if degree >= s.min), None)
        share = step.share if step else ZERO
        score = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)  # the kernel's
        where = f"达到 ≥{fmt(step.min)} 档" if step else "低于所有档位"
        reason = (
            f"{item.name} 完成度 {fmt(rounded_for_text(degree, 4))}，{where}，得分值的 {percent(share)}，"
            f"即 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
        )
        return Outcome(score, (reason,))

    def kernel(self, prepared: Any) -> Kernel:
        steps, formula = prepared

        def step(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            degree = formula.number(formula_values(formula, weight, target, assessment, budget))
            reached = next((s for s in steps if degree >= s.min), None)
            return (reached.share if reached else ZERO) * weight

        return step


@frozen
class Element:
    key: str
    text: str
    share: Decimal


@frozen
class Checklist:
    """要素计数 / 评价要点."""

    name: str = "checklist"
    title: str = "评价要点（要素计数）"
    doc: str = (
        "每个评价要点占分值的一定比例（share，合计为 1）；满足的要点得其比例 × 分值，"
        "未满足的扣去。评价时逐项回答 true / false。"
    )
    params_doc: Mapping[str, str] = {
        "elements": "要点列表，每项 key（编号）、text（要点内容）、share（占分值的比例，合计为 1；"
        "都不写时平均分配）",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> tuple[Element, ...]:
        check_keys(params, self.params_doc)
        raw = list(entries(params, "elements", ("key", "text", "share"), "key"))
        given = ["share" in entry for _, entry in raw]
        if any(given) and not all(given):
            raise ParameterProblem("elements", "要点要么都写 share，要么都不写（平均分配）")
        equal = iter(split_equally(ONE, len(raw), 4))
        elements = []
        for place, entry in raw:
            with within(place):
                portion = share(entry, "share") if "share" in entry else next(equal)
            elements.append(Element(str(entry["key"]), str(entry.get("text", "")), portion))
        total = sum((e.share for e in elements), ZERO)
        if total != ONE:
            raise ParameterProblem("elements", f"要点比例合计应为 1，实际为 {fmt(total)}")
        if len({e.key for e in elements}) != len(elements):
            raise ParameterProblem("elements", "要点编号 key 不能重复")
        return tuple(elements)

    def score(self, prepared: tuple[Element, ...], item: ScoringInput) -> Outcome:
        assessment = _assessment_for(item, "评价要点 checklist")
        answers = assessment.checklist
        if answers is None:
            raise InputProblem(
                "该指标按评价要点评分，需要 checklist（每个要点 true/false）",
                expected="、".join(e.key for e in prepared),
            )
        keys = [e.key for e in prepared]
        for key in answers:
            if key not in keys:
                raise InputProblem(
                    f"未知的评价要点 “{key}”", expected="、".join(keys), suggestion=suggest(key, keys)
                )
        missing = [key for key in keys if key not in answers]
        if missing:
            raise InputProblem("评价要点未逐项回答", expected="、".join(missing) + " 的 true/false")
        unmet = [e for e in prepared if not answers[e.key]]
        score = self.kernel(prepared)(item.target, assessment, item.budget, item.weight)  # the kernel's
        if not unmet:
            return Outcome(score, (f"评价要点全部满足，该指标不扣分，得 {fmt(item.weight)} 分",))
        lost = "；".join(
            f"未满足要点 {e.key}{('（' + e.text + '）') if e.text else ''}，"
            f"扣 {item.shown(CONTEXT.multiply(e.share, item.weight))} 分"
            for e in unmet
        )
        return Outcome(score, (f"{lost}，得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）",))

    def kernel(self, prepared: tuple[Element, ...]) -> Kernel:
        keys = {element.key for element in prepared}

        def checklist(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            answers = assessment.checklist  # type: ignore[union-attr]  # None fails: score() says why
            if answers.keys() != keys:  # type: ignore[union-attr]
                raise ValueError(sorted(answers))  # type: ignore[arg-type]
            return sum((e.share for e in prepared if answers[e.key]), ZERO) * weight  # type: ignore[index]

        return checklist


@frozen
class Manual(KeysOnly):
    """人工评分."""

    name: str = "manual"
    title: str = "人工评分"
    doc: str = "评价组直接给分（score），必须在 [0, 分值] 之内；低于满分时应写明理由（reason）。"
    params_doc: Mapping[str, str] = {}

    def score(self, prepared: None, item: ScoringInput) -> Outcome:
        source = item.assessment or item.target
        manual = source.score if source is not None else None
        if manual is None:
            raise InputProblem("该指标为人工评分，需要 score")
        if not ZERO <= manual <= item.weight:
            raise InputProblem(
                "人工得分超出范围", expected=f"[0, {fmt(item.weight)}]", found=fmt(manual), key="score"
            )
        why = source.reason if source is not None and source.reason else ""
        basis = f"，{why}" if why else ""
        manual = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)  # the kernel's
        return Outcome(manual, (f"评价组给分 {fmt(manual)} 分（分值 {fmt(item.weight)} 分）{basis}",))

    def kernel(self, prepared: None) -> Kernel:
        def manual(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            score: Decimal = (assessment or target).score  # type: ignore[union-attr, assignment]
            if not ZERO <= score <= weight:  # None fails too: score() reports it
                raise ValueError(score)
            return score

        return manual


BUILTIN_STRATEGIES: tuple[ScoringStrategy, ...] = (
    DeductionList(),
    StepTable(),
    Checklist(),
    EXECUTION_RATE,
    ARRIVAL_RATE,
    Manual(),
    FreeFormula(),
)


@hookimpl
def register_strategies() -> list[ScoringStrategy]:
    return list(BUILTIN_STRATEGIES)
