"""A monitoring record (项目支出绩效目标执行监控表) per project, read from TOML or JSON with
located problems (E-MONITOR). Money in 万元 as written; numbers are Decimal from their text."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import field, frozen

from ..base.sources import Document, read_text
from .reading import Reader
from .ruleset import LIKELIHOODS

RECORD_KEYS = (
    "name",
    "department",
    "ruleset",
    "year",
    "as_of",
    "period",
    "budget_initial",
    "budget_adjusted",
    "executed",
    "forecast_executed",
    "goal",
    "goal_progress",
    "reasons",
    "correction",
)
TARGET_KEYS = (
    "slot",
    "name",
    "operator",
    "value",
    "unit",
    "done",
    "forecast",
    "likelihood",
    "reasons",
    "correction",
    "time_proportional",
)
REASON_KEYS = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
"""偏差原因 by the form's five categories [V-code]; each is free text."""
REASON_ALIASES = {"硬件保障": "硬件条件保障", "其他原因": "其他"}
"""Headers seen on real forms ("硬件保障偏差目标" in one provincial system) → the category."""
OPERATORS = ("≥", "≤", "=", ">=", "<=", "≧", "≦", "＝")
_OPERATOR = {">=": "≥", "≧": "≥", "<=": "≤", "≦": "≤", "＝": "="}
_PERIOD = re.compile(r"^\s*(\d{1,2})\s*[-–—~～至到]\s*(\d{1,2})\s*月")


@frozen
class MonitoringTarget:
    """One row of the form: a target, its progress so far and the forecast for the year."""

    name: str
    slot: str
    operator: str
    value: Decimal | None
    """年度指标值 when it is a number; ``value_text`` keeps what was written."""
    value_text: str
    unit: str
    done: Decimal | None
    forecast: Decimal | None
    likelihood: str | None
    reasons: dict[str, str]
    correction: str
    time_proportional: bool
    line: int | None = None


@frozen
class MonitoringRecord:
    """One project's monitoring record."""

    file: str
    name: str
    department: str
    ruleset: str | None
    as_of: datetime.date
    period: str
    budget_initial: Decimal | None
    budget_adjusted: Decimal | None
    executed: Decimal | None
    forecast_executed: Decimal | None
    goal: str
    goal_progress: str
    reasons: dict[str, str]
    correction: str
    targets: tuple[MonitoringTarget, ...]
    lines: Mapping[str, int] = field(factory=dict, eq=False)
    """The lines of executed, forecast_executed, reasons and correction (or of [monitoring]),
    for the findings about the budget execution."""


def load_record(path: str | Path) -> MonitoringRecord:
    """Read a monitoring record from a .toml or .json file."""
    return record_from_document(read_text(Path(path)))


def record_from_document(document: Document) -> MonitoringRecord:
    reader = Reader(document, "E-MONITOR")
    data = document.data
    if "monitoring" not in data:
        reader.problem(
            "缺少 [monitoring] 表：这不是监控记录", "顶层", suggestion="见 docs/monitoring.md 的记录格式"
        )
        reader.done()
    reader.unknown_keys(data, ("monitoring", "targets"), "顶层")
    head = reader.table(data, "monitoring", "[monitoring]")
    reader.unknown_keys(head, RECORD_KEYS, "[monitoring]", "monitoring")
    as_of = _as_of(reader, head)
    rows = data.get("targets", [])
    if not isinstance(rows, list):
        reader.problem("[[targets]] 应为表的数组", "[[targets]]", "targets")
        rows = []
    targets = tuple(_target(reader, row, index) for index, row in enumerate(rows))

    def money(key: str) -> Decimal | None:
        value = reader.number(head.get(key), f"[monitoring] {key}", "monitoring", key)
        if value is not None and value < 0:
            reader.problem("金额不应为负数", f"[monitoring] {key}", "monitoring", key, found=str(value))
        return value

    record = MonitoringRecord(
        file=document.name,
        name=reader.text(head.get("name"), "[monitoring] name", "name") or Path(document.name).stem,
        department=reader.text(head.get("department"), "[monitoring] department", "department"),
        ruleset=reader.text(head.get("ruleset"), "[monitoring] ruleset", "ruleset") or None,
        as_of=as_of or datetime.date(2000, 1, 1),
        period=reader.text(head.get("period"), "[monitoring] period", "period"),
        budget_initial=money("budget_initial"),
        budget_adjusted=money("budget_adjusted"),
        executed=money("executed"),
        forecast_executed=money("forecast_executed"),
        goal=reader.text(head.get("goal"), "[monitoring] goal", "goal"),
        goal_progress=reader.text(head.get("goal_progress"), "[monitoring] goal_progress", "goal_progress"),
        reasons=_reasons(reader, head.get("reasons"), "[monitoring] reasons", "monitoring"),
        correction=reader.text(head.get("correction"), "[monitoring] correction", "correction"),
        targets=targets,
        lines={
            key: line
            for key in ("executed", "forecast_executed", "reasons", "correction")
            if (line := document.line_of("monitoring", key)) is not None
        },
    )

    def blank(key: str) -> bool:  # not written: a figure written wrong is told once, where it is
        return head.get(key) in (None, "")

    if (
        record.budget_initial is None
        and record.budget_adjusted is None
        and blank("budget_initial")
        and blank("budget_adjusted")
    ):
        reader.problem(
            "缺少预算数：budget_initial（年初预算数）或 budget_adjusted（调整后预算数）",
            "[monitoring]",
            "monitoring",
        )
    if record.executed is None and blank("executed"):
        reader.problem("缺少 executed（截至监控期的执行数）", "[monitoring]", "monitoring")
    reader.done()
    return record


def _as_of(reader: Reader, head: dict[str, Any]) -> datetime.date | None:
    """The 监控截止日: as_of, or the last day of the period's end month in ``year``; the two
    must agree when both are given."""
    as_of = reader.date(head.get("as_of"), "[monitoring] as_of", "monitoring", "as_of")
    period = head.get("period")
    end_month = None
    if isinstance(period, str) and period.strip():
        match = _PERIOD.match(period)
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) != 1:
            reader.problem(
                "监控期应写作 “1-7月” 这样从 1 月起的月份区间", "[monitoring] period", "period", found=period
            )
        else:
            end_month = int(match.group(2))
    year = head.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 < year < 2200):
        reader.problem("应为年份，如 2024", "[monitoring] year", "monitoring", "year", found=repr(year))
        year = None
    if as_of is None and end_month is not None and year is not None:
        return datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])
    if as_of is None:
        reader.problem(
            "缺少监控截止日：写 as_of = 2024-07-31，或 year 与 period", "[monitoring]", "monitoring"
        )
        return None
    if year is not None and as_of.year != year:
        reader.problem(
            "监控截止日不在预算年度内", "[monitoring] as_of", "as_of", expected=str(year), found=str(as_of)
        )
    if end_month is not None and as_of.month != end_month:
        reader.problem(
            "监控截止日与监控期不符",
            "[monitoring] as_of",
            "as_of",
            expected=f"{end_month} 月内",
            found=str(as_of),
        )
    return as_of


def _reasons(reader: Reader, value: Any, where: str, *keys: str | int) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):  # one cell of text: filed under 其他
        return {"其他": value.strip()} if value.strip() else {}
    if not isinstance(value, dict):
        reader.problem('偏差原因应为表，如 { 经费保障 = "…" }', where, *keys, "reasons")
        return {}
    value = {REASON_ALIASES.get(str(k), k): v for k, v in value.items()}
    reader.unknown_keys(value, REASON_KEYS, where, *keys, "reasons")
    return {k: reader.text(v, f"{where} {k}", *keys, k) for k, v in value.items() if k in REASON_KEYS and v}


def _target(reader: Reader, row: Any, index: int) -> MonitoringTarget:
    where = f"[[targets]] 第 {index + 1} 项"
    line = reader.document.nth_table_line("targets", index)
    if not isinstance(row, dict):
        reader.problem("应为表", where, "targets", index)
        row = {}
    reader.unknown_keys(row, TARGET_KEYS, where, "targets", index)
    name = reader.text(row.get("name"), f"{where} name", "targets", index, "name")
    if not name:
        reader.problem("缺少指标名称 name", where, "targets", index)
    where = f"[[targets]] “{name}”" if name else where
    operator = reader.choice(
        row.get("operator", "≥"), OPERATORS, f"{where} operator", "targets", index, "operator"
    )
    raw = row.get("value")
    value_text = "" if raw is None else (format(raw, "f") if isinstance(raw, Decimal) else str(raw))
    value = _optional_number(raw)
    proportional = row.get("time_proportional", False)
    if not isinstance(proportional, bool):
        reader.problem(
            "应为 true 或 false", f"{where} time_proportional", "targets", index, "time_proportional"
        )
        proportional = False
    return MonitoringTarget(
        name=name,
        slot=reader.text(row.get("slot"), f"{where} slot", "targets", index, "slot"),
        operator=_OPERATOR.get(operator or "≥", operator or "≥"),
        value=value,
        value_text=value_text,
        unit=reader.text(row.get("unit"), f"{where} unit", "targets", index, "unit"),
        done=reader.number(row.get("done"), f"{where} done", "targets", index, "done"),
        forecast=reader.number(row.get("forecast"), f"{where} forecast", "targets", index, "forecast"),
        likelihood=reader.choice(
            row.get("likelihood"), LIKELIHOODS, f"{where} likelihood", "targets", index, "likelihood"
        ),
        reasons=_reasons(reader, row.get("reasons"), where, "targets", index),
        correction=reader.text(row.get("correction"), f"{where} correction", "targets", index, "correction"),
        time_proportional=proportional,
        line=line,
    )


def _optional_number(value: Any) -> Decimal | None:
    """年度指标值 may be a date or words ("12月底前", "有效提升"): a number only when it is one."""
    from ..base.numbers import NumberProblem, parse_number

    try:
        return parse_number(value) if value is not None else None
    except NumberProblem:
        return None
