"""Built-in review (复核) checks of the budget block and of the figures a submission states that the
engine can compute itself: spending beyond the approved budget, a budget row left out of the form,
and a stated 执行率, 到位率, total, score or count that the project does not give.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.numbers import CONTEXT, HUNDRED, fmt, rounded_for_text
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..model.claims import FigureClaim
from .budget_rates import APPROVED, RATE_STRATEGIES, rate_methods
from .claimed import key_of, nodes_by_key
from .units import normal_unit

LAW = "预算法第十三条：各级政府、各部门、各单位的支出必须以经批准的预算为依据，未列入预算的不得支出"


def _budget_place(context: AuditContext, row: str) -> Place:
    return context.project.budget.places.get(row) or Place(context.project.file, f"[budget] {row}")


def approved_budget(context: AuditContext) -> str | None:
    """The approved budget row spending is held to: the ruleset's execution-rate denominator where
    that is a budget (调整后预算数 under Sichuan), else the most current approved row given."""
    figures = context.project.budget.figures
    for method in rate_methods(context):
        if (
            method.strategy == "execution_rate"
            and method.denominator in APPROVED
            and figures.get(method.denominator)
        ):
            return method.denominator
    return next((row for row in APPROVED if figures.get(row)), None)


@frozen
class Overspent:
    code: str = "A-OVERSPENT"
    severity: Severity = "warning"
    title: str = "执行数超过批准的预算"
    doc: str = (
        "执行数大于经批准的预算（规则集预算执行率指标的分母是预算数时用它，如四川的调整后预算数；"
        "否则用全年预算数，没有时用调整后预算数、年初预算数）：支出超出预算，须有调整预算的依据"
        "（预算法第十三条）。预算执行率按 100% 封顶计分，分数不变，但超支本身要复核人判断。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        budget = context.project.budget
        row, spent = approved_budget(context), budget.figures.get("执行数")
        if row is None or spent is None or spent <= budget.figures[row]:
            return
        base = budget.figures[row]
        rate = rounded_for_text(CONTEXT.multiply(CONTEXT.divide(spent, base), HUNDRED), 2)
        paths = [m.path for m in rate_methods(context) if m.strategy == "execution_rate"]
        capped = "；预算执行率按 100% 计分" if paths else ""
        yield Finding(
            self.code,
            self.severity,
            f"执行数 {fmt(spent)}{budget.unit} 超过{row} {fmt(base)}{budget.unit}，超支 "
            f"{fmt(spent - base)}{budget.unit}（为{row}的 {fmt(rate)}%）{capped}，超支须有调整预算的依据"
            f"（{LAW}）",
            paths[0] if paths else (),
            spent,
            base,
            _budget_place(context, "执行数"),
        )


_FORM_ROWS = (("年初预算数",), ("全年预算数", "调整后预算数"), ("执行数",))
"""The three amounts every 自评表 prints (全年预算数 may be printed as 调整后预算数)."""


@frozen
class BudgetMissing:
    code: str = "A-BUDGET-MISSING"
    severity: Severity = "warning"
    title: str = "预算表缺少金额"
    doc: str = (
        "自评表（规则集的 mode 含“自评”）的预算栏印有年初预算数、全年预算数（或调整后预算数）、"
        "执行数三个金额，项目的 [budget] 写了其中两个，却缺了第三个（多为漏填或空格）；"
        "部门评价、财政评价的报告不必写年初预算数，"
        "只在写了预算数却没有执行数、或写了执行数却没有预算数时报告。缺的数无从核对执行率与超支。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        figures = context.project.budget.figures
        # only the 自评表 prints 年初预算数; a 部门评价 report need not state it
        rows = _FORM_ROWS if "自评" in context.ruleset.info.mode else _FORM_ROWS[1:]
        given = [names for names in rows if any(row in figures for row in names)]
        missing = [names for names in rows if names not in given]
        if not given or not missing or (len(rows) == 3 and len(given) < 2):
            return
        have = "、".join(row for rows in given for row in rows if row in figures)
        lacks = "、".join("（或）".join(rows) for rows in missing)
        yield Finding(
            self.code,
            self.severity,
            f"[budget] 写了{have}，却没有{lacks}：预算表的这一格漏填或空白，执行率和超支无从完整核对",
            (),
            None,
            None,
            context.project.budget.places.get("") or Place(context.project.file, "[budget]"),
        )


_RATE_NAMES = {
    "预算执行率": "execution_rate",
    "执行率": "execution_rate",
    "资金执行率": "execution_rate",
    "预算资金执行率": "execution_rate",
    "资金到位率": "arrival_rate",
    "到位率": "arrival_rate",
    "预算资金到位率": "arrival_rate",
}
_TOTAL_NAMES = ("总分", "总得分", "综合得分", "综合评分", "评价得分", "自评得分", "绩效评价得分", "自评总分")
_COUNT_NAMES = ("绩效指标个数", "绩效指标数", "绩效指标数量")
_PERCENT_UNITS = ("", "%", "百分比")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def states(claimed: Decimal, computed: Decimal, tolerance: Decimal = Decimal(0)) -> bool:
    """Whether a stated figure is the computed one as a report writes it: rounded (四舍五入) or cut
    to the stated decimals, or within the tolerance (86.2 for 86.19%, 86 for 86.19%)."""
    places = _places(claimed)
    return (
        abs(claimed - computed) <= tolerance
        or rounded_for_text(computed, places) == claimed
        or rounded_for_text(computed, places, "ROUND_DOWN") == claimed
    )


@frozen
class _Computed:
    label: str
    value: Decimal
    accepted: tuple[Decimal, ...]
    path: tuple[str, ...] = ()
    tolerance: Decimal = Decimal(0)
    capped: bool = False


def _rate(context: AuditContext, figure: FigureClaim, strategy: str) -> _Computed | None:
    if normal_unit(figure.unit) not in _PERCENT_UNITS:
        return None
    figures, unit = context.project.budget.figures, context.project.budget.unit
    numerator = "执行数" if strategy == "execution_rate" else "到位资金"
    top = figures.get(numerator)
    methods = [m for m in rate_methods(context) if m.strategy == strategy]
    rows = [*(m.denominator for m in methods), *APPROVED]
    bases = [row for row in dict.fromkeys(rows) if figures.get(row) and row != numerator]
    if top is None or not bases:
        return None
    rates = [CONTEXT.multiply(CONTEXT.divide(top, figures[row]), HUNDRED) for row in bases]
    main = bases[0]
    label = (
        f"按 [budget] 算得 {RATE_STRATEGIES[strategy]} = {numerator} {fmt(top)}{unit} ÷ {main} "
        f"{fmt(figures[main])}{unit} = {fmt(rounded_for_text(rates[0], 2))}%"
    )
    return _Computed(
        label, rounded_for_text(rates[0], 2), tuple(rates), methods[0].path if methods else (), capped=True
    )


def _total(context: AuditContext, figure: FigureClaim) -> _Computed | None:
    result = context.result
    if result is None or normal_unit(figure.unit) not in ("", "分"):
        return None
    label = f"复算总分是 {fmt(result.total)} 分"
    return _Computed(label, result.total, (result.total,), (), context.ruleset.tolerance)


def _node(context: AuditContext, figure: FigureClaim) -> _Computed | None:
    if normal_unit(figure.unit) != "分":
        return None
    name = figure.name.strip()
    names = {name, name.removesuffix("得分"), name.removesuffix("指标得分")}
    found = [n for n in nodes_by_key(context).values() if n.name in names or key_of(n.path) in names]
    score = found[0].score if len(found) == 1 else None
    if score is None:
        return None
    label = f"“{key_of(found[0].path)}” 复算得 {fmt(score)} 分"
    return _Computed(label, score, (score,), found[0].path, context.ruleset.tolerance)


def _count(context: AuditContext, figure: FigureClaim) -> _Computed | None:
    if normal_unit(figure.unit) not in ("", "个", "项"):
        return None
    targets = context.project.targets
    listed, applicable = len(targets), sum(1 for t in targets if not t.not_applicable)
    label = f"项目列出 {listed} 个绩效指标" + (f"，其中适用 {applicable} 个" if applicable != listed else "")
    return _Computed(label, Decimal(listed), (Decimal(listed), Decimal(applicable)))


def _computed(context: AuditContext, figure: FigureClaim) -> _Computed | None:
    name = figure.name.strip()
    if name in _RATE_NAMES:
        return _rate(context, figure, _RATE_NAMES[name])
    if name in _TOTAL_NAMES:
        return _total(context, figure)
    if name in _COUNT_NAMES:
        return _count(context, figure)
    return _node(context, figure)


@frozen
class FigureComputed:
    code: str = "A-FIGURE-COMPUTED"
    severity: Severity = "error"
    title: str = "申报的数据与算得的不符"
    doc: str = (
        "报告文字中的数据（[[claims.figures]]）是 evalrules 能从项目算出的：预算执行率、资金到位率"
        "（执行数、到位资金除以规则集的分母或任一预算数，单位 % 或不写）、总分（name 为总分、综合得分等）、"
        "某个指标的得分（name 为指标名称、单位“分”）、绩效指标个数；写的值不是算得的值按其小数位数四舍五入"
        "（或舍去）的结果，得分相差超过容差时报告。比率达到 100% 以上写作 100% 不报告（计分封顶）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for figure in context.project.claims.figures:
            computed = _computed(context, figure)
            if computed is None:
                continue
            claimed = figure.value
            if any(states(claimed, value, computed.tolerance) for value in computed.accepted):
                continue
            if computed.capped and claimed == HUNDRED and max(computed.accepted) >= HUNDRED:
                continue
            source = f"（{figure.source}）" if figure.source else ""
            yield Finding(
                self.code,
                self.severity,
                f"“{figure.name.strip()}” 在此写作 {fmt(claimed)}{figure.unit}{source}，而{computed.label}",
                computed.path,
                claimed,
                computed.value,
                figure.place,
            )


BUDGET_CHECKS: tuple[AuditCheck, ...] = (Overspent(), BudgetMissing(), FigureComputed())
"""The checks of the budget block and of stated figures the engine can compute."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(BUDGET_CHECKS)
