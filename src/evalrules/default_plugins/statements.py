"""Built-in review (复核) checks of what a submission states beside its scores: budget rows and
execution, cost targets against the budget, and the figures, counts and sums its text gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, HUNDRED, ZERO, fmt, round_to
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..model.claims import FigureClaim
from ..model.project import BUDGET_ALIASES, BUDGET_FIELDS, Target
from .budget_rates import execution_denominator, execution_method, row_label
from .claimed import key_of, nodes_by_key, target_path
from .units import convert, is_cost, is_unit_cost, normal_unit


def level_name(level: int) -> str:
    """三级 for 3 (the way reports name a level of the tree)."""
    return ("一二三四五六七八九"[level - 1] if 1 <= level <= 9 else str(level)) + "级"


def framework_paths(context: AuditContext) -> list[tuple[str, ...]]:
    """The framework's nodes: the ruleset's indicators and the groups of its slots."""
    paths: list[tuple[str, ...]] = []
    for path, indicator in context.ruleset.walk():
        paths.append(path)
        for group in indicator.slot.groups if indicator.slot else ():
            parts = tuple(group.split("/"))
            paths.extend((*path, *parts[:depth]) for depth in range(1, len(parts) + 1))
    return list(dict.fromkeys(paths))


@frozen
class CountClaimCheck:
    code: str = "A-COUNT"
    severity: Severity = "warning"
    title: str = "申报的指标个数与指标体系不符"
    doc: str = (
        "报告文字说某部分“由 N 个三级指标构成”（[[claims.counts]]），与指标体系在该处列出的指标个数"
        "（框架指标与分组，不含项目自己的绩效指标）不符：既不等于列出的个数，也不等于适用的个数。"
        "指标体系在该路径下没有那么深时，按该处最深一级计数（如产出下的四个二级指标）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        paths = framework_paths(context)
        nodes = nodes_by_key(context)
        for claim in context.project.claims.counts:
            where = key_of(claim.path)
            if claim.path not in paths:
                hint = suggest(where, [key_of(p) for p in paths])
                message = f"申报指标个数的路径 “{where}” 不在指标体系中" + (f"；{hint}" if hint else "")
                yield Finding(
                    self.code, self.severity, message, claim.path, Decimal(claim.count), None, claim.place
                )
                continue
            below = [p for p in paths if len(p) > len(claim.path) and p[: len(claim.path)] == claim.path]
            level = claim.level
            if below and not any(len(p) == level for p in below):
                level = max(len(p) for p in below)
            listed = [p for p in below if len(p) == level]
            applicable = [p for p in listed if key_of(p) in nodes and nodes[key_of(p)].status == "scored"]
            counts = {len(listed)} | ({len(applicable)} if context.result is not None else set())
            if claim.count in counts:
                continue
            usable = f"，其中适用 {len(applicable)} 个" if context.result is not None else ""
            said = f"（“{claim.text}”）" if claim.text else ""
            yield Finding(
                self.code,
                self.severity,
                f"“{where}” 申报由 {claim.count} 个{level_name(claim.level)}指标构成{said}，指标体系在此列出 "
                f"{len(listed)} 个{level_name(level)}指标{usable}"
                + (f"（{'、'.join(p[-1] for p in listed)}）" if listed else ""),
                claim.path,
                Decimal(claim.count),
                Decimal(len(listed)),
                claim.place,
            )


@frozen
class LowExecution:
    code: str = "A-LOW-EXECUTION"
    severity: Severity = "warning"
    title: str = "预算执行率偏低却未说明原因"
    doc: str = (
        "预算执行率（执行数除以规则集预算执行率指标所用的分母，没有该指标时除以全年预算数）低于规则集的"
        "阈值（[audit] low_execution，如 0.9），而 [budget] 没有写原因（reason）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        threshold, budget = context.ruleset.audit.low_execution, context.project.budget
        if threshold is None or budget.reason.strip():
            return
        method = execution_method(context)
        path, denominator = execution_denominator(context)
        row = method.row if method is not None else ""
        figures, of = budget.row_figures(row), row_label(budget, row)
        spent, base = figures.get("执行数"), figures.get(denominator)
        if spent is None or not base:
            return
        rate = CONTEXT.divide(spent, base)
        if rate >= threshold:
            return
        shown = round_to(CONTEXT.multiply(rate, HUNDRED), 2)
        limit = fmt(CONTEXT.multiply(threshold, HUNDRED))
        yield Finding(
            self.code,
            self.severity,
            f"预算执行率 = {of}执行数 {fmt(spent)}{budget.unit} ÷ {of}{denominator} "
            f"{fmt(base)}{budget.unit} = {fmt(shown)}%，低于规则集的阈值 {limit}%，"
            "[budget] 却没有写原因（reason）",
            path,
            None,
            shown,
            budget.places.get(f"{row}/执行数" if of else "执行数")
            or Place(context.project.file, "[budget] 执行数"),
        )


@frozen
class CostSum:
    code: str = "A-COST-SUM"
    severity: Severity = "warning"
    title: str = "成本指标合计与预算不符"
    doc: str = (
        "成本类位置（路径中含“成本”）下以金额计的指标值（元、千元、万元、亿元，换算为预算的单位）之和，"
        "与预算不同：预算取规则集预算执行率所用的预算数（四川为调整后预算数；分母是到位资金等非预算数时取全年预算数，"
        "[budget] 中都没有时取年初预算数）。"
        "合计超过预算时报告；少于预算时只在有两项以上、看来是把预算分项列出时报告（只列一项的，多为预算的"
        "一部分）。单位成本（人均、生均、户均、每…、…标准、单价，或单位为“元/人”这类）不加总。"
        "没有这样的成本指标时不检查。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        budget = context.project.budget
        _, figure = execution_denominator(context)
        # 到位资金 (caiyu_2020_10's denominator) is money received, not the budget the costs break down
        if "预算数" not in figure or figure not in budget.figures:
            figure = "全年预算数" if "全年预算数" in budget.figures else "年初预算数"
        total = budget.figures.get(figure)
        costs: list[tuple[Target, Decimal]] = []
        for target in context.project.targets:
            if is_cost(target.slot) and not target.not_applicable and target.value is not None:
                if is_unit_cost(target.name):
                    continue
                converted = convert(target.value, target.unit, budget.unit)
                if converted is not None:
                    costs.append((target, converted))
        if total is None or not costs:
            return
        amount = sum((value for _, value in costs), ZERO)
        if amount == total or (amount < total and len(costs) < 2):
            return
        common = costs[0][0].slot
        for target, _ in costs:
            while target.slot[: len(common)] != common:
                common = common[:-1]
        yield Finding(
            self.code,
            self.severity,
            f"{len(costs)} 个成本指标的指标值合计 {fmt(amount)}{budget.unit}，与{figure} {fmt(total)}"
            f"{budget.unit} 相差 {fmt(amount - total)}{budget.unit}"
            f"（{'、'.join(t.name for t, _ in costs)}）",
            common,
            amount,
            total,
            costs[0][0].place,
        )


def _comparable(a: Decimal, a_unit: str, b: Decimal, b_unit: str) -> Decimal | None:
    """b in a's unit when the two units can be compared (equal, one left out, or both money)."""
    first, second = normal_unit(a_unit), normal_unit(b_unit)
    if not first or not second or first == second:
        return b
    return convert(b, second, first)


@frozen
class FigureConflict:
    code: str = "A-FIGURE-CONFLICT"
    severity: Severity = "error"
    title: str = "同一数据前后不一"
    doc: str = (
        "同一个数据在一份材料中有两个不同的值：报告文字中同名的数据（[[claims.figures]]，单位可比时）"
        "互相矛盾（如第四章写满意度 95%，第三章写 99%），或与同名绩效指标的实际完成值、同名的预算数"
        "（[budget] 中的全年预算数、执行数等，也认“全年执行数”这类别名）不同。"
        "每个与前文或表格不符的数据报告一次。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        figures, budget = context.project.claims.figures, context.project.budget

        def unit(figure: FigureClaim) -> str:  # a budget row's figure without a unit: the budget's
            name = figure.name.strip()
            return figure.unit or (budget.unit if BUDGET_ALIASES.get(name, name) in BUDGET_FIELDS else "")

        for index, figure in enumerate(figures):
            name = figure.name.strip()
            conflicts: list[str] = []
            earlier = [
                (other, value)
                for other in figures[:index]
                if other.name.strip() == name
                and (value := _comparable(figure.value, unit(figure), other.value, unit(other))) is not None
            ]
            if earlier and all(value != figure.value for _, value in earlier):
                other = earlier[0][0]
                source = f"（{other.source}）" if other.source else ""
                line = f"（第 {other.place.line} 行）" if other.place.line else ""
                conflicts.append(f"前文{line}写作 {fmt(other.value)}{other.unit}{source}")
            targets = [
                (target, value)
                for target in context.project.targets
                if target.name.strip() == name
                and target.actual is not None
                and (value := _comparable(figure.value, unit(figure), target.actual, target.unit)) is not None
            ]
            path: tuple[str, ...] = ()
            computed: Decimal | None = None
            if targets and all(value != figure.value for _, value in targets):
                target = targets[0][0]
                path, computed = target_path(target), target.actual
                conflicts.append(
                    f"同名绩效指标（{key_of(target.slot)}）的实际完成值是 {target.actual_text}{target.unit}"
                )
            row = budget.figures.get(BUDGET_ALIASES.get(name, name))  # 全年执行数 is 执行数
            if row is not None:
                value = _comparable(figure.value, unit(figure), row, budget.unit)
                if value is not None and value != figure.value:
                    computed = computed if computed is not None else row
                    conflicts.append(f"[budget] 中的{name}是 {fmt(row)}{budget.unit}")
            if conflicts:
                source = f"（{figure.source}）" if figure.source else ""
                yield Finding(
                    self.code,
                    self.severity,
                    f"“{name}” 在此写作 {fmt(figure.value)}{figure.unit}{source}，而{'；'.join(conflicts)}",
                    path,
                    figure.value,
                    computed,
                    figure.place,
                )


@frozen
class BudgetRows:
    code: str = "A-BUDGET-ROWS"
    severity: Severity = "error"
    title: str = "预算各行相互矛盾"
    doc: str = (
        "预算表各行互相矛盾：全年预算数为 0，年初预算数、调整后预算数、到位资金或执行数却不为 0（错误）；"
        "执行数大于到位资金（警告：花出的钱多于到位的钱）；年度资金总额的某个数与其中各行"
        "（财政拨款、上年结转、其他资金，[budget.rows]）之和不等（警告；只容许按所印小数位四舍五入造成的差，"
        "即每个数至多差末位的半个单位）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        budget, file = context.project.budget, context.project.file
        figures = budget.figures
        parts = [k for k in ("年初预算数", "调整后预算数", "到位资金", "执行数") if figures.get(k)]
        if figures.get("全年预算数") == 0 and parts:
            listed = "、".join(f"{k} {fmt(figures[k])}{budget.unit}" for k in parts)
            yield Finding(
                self.code,
                "error",
                f"全年预算数为 0，{listed} 却不为 0",
                (),
                figures["全年预算数"],
                None,
                context.project.budget.places.get("全年预算数", Place(file, "[budget] 全年预算数")),
            )
        spent, arrived = figures.get("执行数"), figures.get("到位资金")
        if spent is not None and arrived is not None and spent > arrived:
            yield Finding(
                self.code,
                "warning",
                f"执行数 {fmt(spent)}{budget.unit} 大于到位资金 {fmt(arrived)}{budget.unit}",
                (),
                spent,
                arrived,
                context.project.budget.places.get("执行数", Place(file, "[budget] 执行数")),
            )
        yield from self.row_sums(context)

    def row_sums(self, context: AuditContext) -> Iterator[Finding]:
        """年度资金总额 against the sum of its rows, figure by figure."""
        budget, file = context.project.budget, context.project.file
        for key in BUDGET_FIELDS:
            total = budget.figures.get(key)
            parts = [(row, figures[key]) for row, figures in budget.rows.items() if key in figures]
            if total is None or key in budget.summed or not parts:
                continue
            added = sum((value for _, value in parts), ZERO)
            if abs(total - added) <= rounding_slack([total, *(value for _, value in parts)]):
                continue
            listed = " + ".join(f"{row} {fmt(value)}" for row, value in parts)
            blank = [row for row in budget.rows if key not in budget.rows[row]]
            unwritten = f"（{'、'.join(blank)}未写{key}）" if blank else ""
            yield Finding(
                self.code,
                "warning",
                f"年度资金总额的{key} {fmt(total)}{budget.unit}，而其中各行 {listed} = {fmt(added)}"
                f"{budget.unit}{unwritten}，相差 {fmt(total - added)}{budget.unit}",
                (),
                total,
                added,
                budget.places.get(f"{parts[0][0]}/{key}") or Place(file, f"[budget.rows] {key}"),
            )


def rounding_slack(values: list[Decimal]) -> Decimal:
    """How far a printed total may be from the sum of its printed parts by rounding alone: each
    of the numbers is off by at most half a unit of the finest place printed (0.005 for 12.34)."""
    places = max(max(0, -int(value.as_tuple().exponent)) for value in values)
    return CONTEXT.multiply(Decimal(len(values)), Decimal(5).scaleb(-places - 1))


@frozen
class SumParts:
    code: str = "A-SUM-PARTS"
    severity: Severity = "error"
    title: str = "分项之和不等于合计"
    doc: str = (
        "报告文字给出的合计与其分项（[[claims.sums]]，如“实有在职人数 77 人，其中：行政在职19人、"
        "工勤9人、事业在职16人”）不相等。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for claim in context.project.claims.sums:
            added = sum(claim.parts.values(), ZERO)
            if added == claim.total:
                continue
            parts = " + ".join(f"{name} {fmt(value)}" for name, value in claim.parts.items())
            yield Finding(
                self.code,
                self.severity,
                f"“{claim.name}” 合计 {fmt(claim.total)}{claim.unit}，其分项 {parts} = "
                f"{fmt(added)}{claim.unit}，相差 {fmt(claim.total - added)}{claim.unit}"
                + (f"（{claim.source}）" if claim.source else ""),
                (),
                claim.total,
                added,
                claim.place,
            )


STATEMENT_CHECKS: tuple[AuditCheck, ...] = (
    CountClaimCheck(),
    LowExecution(),
    CostSum(),
    FigureConflict(),
    BudgetRows(),
    SumParts(),
)
"""The checks of budget rows and of the figures, counts and sums a submission states."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(STATEMENT_CHECKS)
