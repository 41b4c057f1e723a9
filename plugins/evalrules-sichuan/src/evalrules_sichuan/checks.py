"""复核检查 ``SC-LOW-EXECUTION``：预算执行率低于 90% 而没有说明原因（四川自评表的要求）。

由 :func:`evalrules_sichuan.register_checks` 通过钩子 ``register_checks`` 登记，``evalrules audit`` 与
:func:`evalrules.audit` 对每个项目运行它；只对四川的规则集（``sichuan_self`` 及继承它的规则集）起作用。
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from attrs import frozen
from evalrules.plugin import (
    CONTEXT,
    HUNDRED,
    AuditContext,
    Document,
    Finding,
    Place,
    Ruleset,
    Severity,
    fmt,
    round_to,
)

from . import RULESET_ID

__all__ = ["THRESHOLD", "LowExecution", "budget_line", "execution_indicator", "is_sichuan", "percent"]

THRESHOLD = Decimal("0.9")
"""四川自评表：预算执行率低于 90% 须说明原因（RULES.md §3 [V]，见到的是表样）。"""

NUMERATOR = "执行数"
DENOMINATOR = "调整后预算数"


def is_sichuan(ruleset: Ruleset) -> bool:
    """规则集是 ``sichuan_self``，或（直接、间接）继承了它。"""
    return ruleset.info.id == RULESET_ID or RULESET_ID in ruleset.info.derived_from


def budget_line(file: str) -> int | None:
    """项目文件中 ``[budget]`` 所在的行（TOML 的表头或 JSON 的 "budget" 键）；读不到文件时为 None。

    检查只拿到 :class:`~evalrules.Project`，其中预算没有位置（不像绩效指标和申报值），所以这里重读文件找行号。
    """
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return Document(file, text, {}).line_of("budget")


def percent(rate: Decimal) -> Decimal:
    """执行率的百分数，保留 2 位小数、四舍五入；低于 90% 的执行率不显示成 90（89.996% 显示为 89.99）。"""
    exact = CONTEXT.multiply(rate, HUNDRED)
    shown = round_to(exact, 2)
    if rate < THRESHOLD <= CONTEXT.divide(shown, HUNDRED):
        shown = round_to(exact, 2, "ROUND_DOWN")
    return shown


def execution_indicator(ruleset: Ruleset) -> tuple[str, ...]:
    """规则集中按 execution_rate 计分的指标的路径（sichuan_self：预算执行率）；没有时为空。"""
    for path, indicator in ruleset.walk():
        if indicator.method is not None and indicator.method.strategy == "execution_rate":
            return path
    return ()


@frozen
class LowExecution:
    """四川：预算执行率（执行数 ÷ 调整后预算数）低于 90%，而 [budget] 没有说明原因。"""

    code: str = "SC-LOW-EXECUTION"
    severity: Severity = "error"
    title: str = "预算执行率低于 90% 未说明原因（四川）"
    doc: str = (
        "四川省项目支出绩效自评表要求：预算执行率低于 90% 时须说明原因（RULES.md §3 [V]，依据是见到的表样；"
        "印发自评表的文件、文号未取得）。本检查只对规则集 sichuan_self 及继承它的规则集运行："
        "执行率 = 执行数 ÷ 调整后预算数（与 sichuan_self 计分的分母相同），低于 90%（不含 90%）"
        "且项目文件 [budget] 的 reason 为空（或只有空白）时报告，位置是 [budget]，"
        "路径是规则集的预算执行率指标，复算值是执行率的百分数（保留 2 位小数）。"
        "缺少执行数或调整后预算数、或调整后预算数为 0 时不检查（无法计算执行率，复算本身会报错）。"
        "级别定为 error：这是表样明文的“须说明”，缺了原因的自评表不完整，复核应退回补充，"
        "而不是仅供参考；它不影响得分。"
        "其他规则集（如全国自评 caiyu_2020_10_self）不受影响；它们的门槛由规则集 [audit] low_execution "
        "决定（核心检查 A-LOW-EXECUTION，级别 warning：那是规则集选定的实践门槛，"
        "而四川的这一条是表样的明文要求）。"
        "sichuan_self 不设 low_execution，同一处不会被两项检查重复报告。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        if not is_sichuan(context.ruleset):
            return
        budget = context.project.budget
        executed = budget.figures.get(NUMERATOR)
        adjusted = budget.figures.get(DENOMINATOR)
        if executed is None or adjusted is None or adjusted <= 0 or budget.reason.strip():
            return
        try:
            rate = CONTEXT.divide(executed, adjusted)
        except decimal.DecimalException:  # out of range: the figures themselves are reported on load
            return
        if rate >= THRESHOLD:
            return
        unit = budget.unit
        shown = percent(rate)
        yield Finding(
            self.code,
            self.severity,
            f"预算执行率 = {NUMERATOR} {fmt(executed)}{unit} ÷ {DENOMINATOR} {fmt(adjusted)}{unit} = "
            f"{fmt(shown)}%，低于 {fmt(THRESHOLD * HUNDRED)}%，[budget] 没有说明原因：四川自评表要求"
            '执行率低于 90% 时说明原因（在 [budget] 中写 reason = "…"）',
            execution_indicator(context.ruleset),
            computed=shown,
            place=Place(context.project.file, "[budget]", budget_line(context.project.file)),
        )
