"""The framework indicators a ruleset computes from the budget (预算执行率, 资金到位率), as the
review checks see them: which budget rows they divide, the rate the project's budget gives, and
what the submission claims for them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.numbers import CONTEXT, ONE, fmt
from ..hooks.findings import AuditContext
from ..model.project import BUDGET_FIELDS, Budget, budget_row_name
from ._common import percent
from .claimed import key_of, nodes_by_key

RATE_STRATEGIES = {"execution_rate": "预算执行率", "arrival_rate": "资金到位率"}
"""The built-in budget-rate strategies and the indicator each computes."""

APPROVED = ("全年预算数", "调整后预算数", "年初预算数")
"""The budget rows that are an approved budget (not money received or spent), most current first."""


@frozen
class RateMethod:
    """A budget-rate indicator of the ruleset: where it is and the rows it divides."""

    path: tuple[str, ...]
    strategy: str
    numerator: str
    denominator: str
    row: str = ""
    """The row of the budget it divides (财政拨款 …), "" for the 年度资金总额."""

    @property
    def title(self) -> str:
        return RATE_STRATEGIES[self.strategy]


@frozen
class BudgetRate:
    """One budget-rate indicator computed from the project's budget."""

    path: tuple[str, ...]
    title: str
    rate: Decimal
    description: str
    weight: Decimal
    computed: Decimal | None
    claimed: Decimal | None

    @property
    def met(self) -> bool:
        return self.rate >= ONE


def rate_methods(context: AuditContext) -> list[RateMethod]:
    """The ruleset's budget-rate indicators, in tree order."""
    found = []
    for path, indicator in context.ruleset.walk():
        method = indicator.method
        if method is None or method.strategy not in RATE_STRATEGIES:
            continue
        prepared = method.prepared
        if isinstance(prepared, tuple) and len(prepared) == 3:
            numerator, denominator, row = (str(part) for part in prepared)
        else:
            default = "执行数" if method.strategy == "execution_rate" else "到位资金"
            numerator = str(method.params.get("numerator", default))
            denominator = str(method.params.get("denominator", "全年预算数"))
            row = budget_row_name(str(method.params.get("row", ""))) or ""
        if numerator in BUDGET_FIELDS and denominator in BUDGET_FIELDS:
            found.append(RateMethod(path, method.strategy, numerator, denominator, row))
    return found


def execution_method(context: AuditContext) -> RateMethod | None:
    """The ruleset's 预算执行率 indicator, if it has one."""
    return next((m for m in rate_methods(context) if m.strategy == "execution_rate"), None)


def execution_denominator(context: AuditContext) -> tuple[tuple[str, ...], str]:
    """The ruleset's 预算执行率 indicator and the budget row it divides by (全年预算数 when the
    ruleset has none, 调整后预算数 under Sichuan)."""
    for method in rate_methods(context):
        if method.strategy == "execution_rate":
            return method.path, method.denominator
    return (), "全年预算数"


def row_label(budget: Budget, row: str) -> str:
    """How a rate's row is named before its figures ("财政拨款的"), "" for the total or when the
    project gives no rows (all of its money is then the one row)."""
    return f"{row}的" if row and budget.rows else ""


def describe(numerator: str, spent: Decimal, denominator: str, base: Decimal, unit: str, of: str = "") -> str:
    rate = percent(CONTEXT.divide(spent, base))
    return f"{of}{numerator} {fmt(spent)}{unit} ÷ {of}{denominator} {fmt(base)}{unit} = {rate}"


def budget_rates(context: AuditContext) -> Iterator[BudgetRate]:
    """Each budget-rate indicator the project's budget can compute and the result scores."""
    nodes = nodes_by_key(context)
    budget = context.project.budget
    for method in rate_methods(context):
        node = nodes.get(key_of(method.path))
        figures = budget.row_figures(method.row)
        top, bottom = figures.get(method.numerator), figures.get(method.denominator)
        if node is None or node.status != "scored" or top is None or not bottom:
            continue
        yield BudgetRate(
            method.path,
            method.title,
            CONTEXT.divide(top, bottom),
            describe(
                method.numerator, top, method.denominator, bottom, budget.unit, row_label(budget, method.row)
            ),
            node.weight,
            node.score,
            context.project.claims.scores.get(key_of(method.path)),
        )
