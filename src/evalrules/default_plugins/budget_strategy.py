"""The budget-rate strategies (预算执行率, 资金到位率): a figure of the project's budget over another,
scored by bands; a project's budget rows (财政拨款 …) when the ruleset names one."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, ONE, ZERO, fmt
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
    BUDGET_ROW_ALIASES,
    BUDGET_ROWS,
    Assessment,
    Budget,
    Target,
    budget_row_name,
)
from ._common import percent

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
