"""Built-in strategies for framework indicators: deductions, steps, checklists, budget rates,
manual scores and free formulas. Registered through the same hook a province's plugin uses."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, ONE, ZERO, fmt, round_to, split_equally
from ..formula.evaluator import Formula, compile_formula
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
    BUDGET_FIELDS,
    BUDGET_ROW_ALIASES,
    BUDGET_ROWS,
    Assessment,
    Budget,
    Target,
    budget_row_name,
)
from ._common import KeysOnly, describe, entries, number, percent, share, within


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


_MEASURE_NAMES = ("实际值", "指标值", "分值", *BUDGET_FIELDS)


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
        formula = compile_formula(measure, functions=context.functions, names=_MEASURE_NAMES)
        return tuple(steps), formula

    def score(self, prepared: Any, item: ScoringInput) -> Outcome:
        steps, formula = prepared
        degree = formula.number(_formula_values(item, formula))
        step = next((s for s in steps if degree >= s.min), None)
        share = step.share if step else ZERO
        score = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)  # the kernel's
        where = f"达到 ≥{fmt(step.min)} 档" if step else "低于所有档位"
        reason = (
            f"{item.name} 完成度 {fmt(round_to(degree, 4))}，{where}，得分值的 {percent(share)}，"
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


TOTAL_ROW_WORDS = ("", "年度资金总额", "合计")
"""What a rate's ``row`` parameter may say for the total."""


@frozen
class BudgetRate:
    """预算执行率 / 资金到位率."""

    name: str
    title: str
    numerator: str
    denominator: str
    doc: str
    params_doc: Mapping[str, str] = {
        "numerator": f"分子，预算数名称之一：{'、'.join(BUDGET_FIELDS)}",
        "denominator": f"分母，预算数名称之一：{'、'.join(BUDGET_FIELDS)}",
        "row": f"用哪一行的数：年度资金总额（缺省）或其中的一行：{'、'.join(BUDGET_ROWS)}",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> tuple[str, str, str]:
        check_keys(params, self.params_doc)
        chosen = []
        for key, default in (("numerator", self.numerator), ("denominator", self.denominator)):
            value = str(params.get(key, default))
            if value not in BUDGET_FIELDS:
                raise ParameterProblem(
                    key,
                    f"{key} 应为预算数名称之一：{'、'.join(BUDGET_FIELDS)}",
                    suggest(value, BUDGET_FIELDS),
                )
            chosen.append(value)
        written = str(params.get("row", ""))
        row = "" if written.strip() in TOTAL_ROW_WORDS else budget_row_name(written)
        if row is None:
            raise ParameterProblem(
                "row",
                f"row 应为年度资金总额或其中的一行：{'、'.join(BUDGET_ROWS)}",
                suggest(written, [*BUDGET_ROWS, *BUDGET_ROW_ALIASES, "年度资金总额"]),
            )
        return chosen[0], chosen[1], row

    def kernel(self, prepared: tuple[str, str, str]) -> Kernel:
        numerator_name, denominator_name, row = prepared

        def rate(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            figures = budget.row_figures(row)
            numerator, denominator = figures[numerator_name], figures[denominator_name]
            if denominator <= ZERO or numerator < ZERO:
                raise ValueError(numerator, denominator)
            return min(numerator / denominator, ONE) * weight

        return rate

    def score(self, prepared: tuple[str, str, str], item: ScoringInput) -> Outcome:
        numerator_name, denominator_name, row = prepared
        budget, unit = item.budget, item.budget.unit
        figures = budget.row_figures(row)
        # a project that does not break its money down: all of it is the one row
        of = f"{row}的" if row and budget.rows else ""
        whole = f"（项目未分列资金来源，{row}按年度资金总额计）" if row and not budget.rows else ""
        for name in (numerator_name, denominator_name):
            if name not in figures:
                raise InputProblem(
                    f"计算{self.title}需要{of}预算数 “{name}”",
                    expected=f'[budget.rows."{row}"] 中的 {name}' if of else f"[budget] 中的 {name}",
                )
        numerator, denominator = figures[numerator_name], figures[denominator_name]
        if denominator <= 0:
            raise InputProblem(f"{of}{denominator_name} 应大于 0", expected="> 0", found=fmt(denominator))
        if numerator < 0:
            raise InputProblem(f"{of}{numerator_name} 不能为负数", expected="≥ 0", found=fmt(numerator))
        rate = CONTEXT.divide(numerator, denominator)
        score = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)  # the kernel's
        description = (
            f"{of}{numerator_name} {fmt(numerator)}{unit} ÷ {of}{denominator_name} {fmt(denominator)}{unit}"
            f" = {percent(rate)}{whole}"
        )
        inputs = {
            numerator_name: fmt(numerator),
            denominator_name: fmt(denominator),
            self.title: percent(rate),
        }
        if rate >= ONE:
            return Outcome(score, (f"{description}，该指标不扣分，得 {fmt(item.weight)} 分",), inputs)
        reason = f"{description}，按比例得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
        return Outcome(score, (reason,), inputs)


EXECUTION_RATE = BudgetRate(
    "execution_rate",
    "预算执行率",
    "执行数",
    "全年预算数",
    "得分 = min(执行数 ÷ 分母, 100%) × 分值；分母由参数 denominator 指定"
    "（全年预算数、调整后预算数或到位资金），用哪一行的数由参数 row 指定（缺省年度资金总额）。",
)
ARRIVAL_RATE = BudgetRate(
    "arrival_rate",
    "资金到位率",
    "到位资金",
    "全年预算数",
    "得分 = min(到位资金 ÷ 预算资金, 100%) × 分值；分母由参数 denominator 指定（缺省 全年预算数），"
    "行由参数 row 指定（缺省年度资金总额）。",
)


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


def _formula_values(item: ScoringInput, formula: Formula) -> dict[str, Decimal]:
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
            str(params["formula"]), functions=context.functions, names=[*_MEASURE_NAMES, *inputs]
        )

    def score(self, prepared: Formula, item: ScoringInput) -> Outcome:
        _formula_values(item, prepared)  # what is missing or shadowed, said in words
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
