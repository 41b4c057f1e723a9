"""monitor(record, ruleset): 序时进度, execution against it, each target's progress and forecast,
a light per target and per project, and the findings of the form (reasons missing, a likelihood
that contradicts the forecast, figures that cannot both be true). Exact Decimal throughout."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from attrs import frozen

from ..base.numbers import CONTEXT, fmt, round_to
from .record import MonitoringRecord, MonitoringTarget
from .ruleset import MonitoringRuleset, load_monitoring_ruleset

HUNDRED = Decimal(100)


@frozen
class Light:
    """A level (0 正常, 1 关注, 2 预警) and the ruleset's name for it."""

    level: int
    name: str


@frozen
class MonitorFinding:
    """A signal that turned a light (JK-EXE-…, JK-TGT-…) or a fault of the form (JK-RSN-…,
    JK-POS-…, JK-DAT-…). ``level`` is the light it gives (0 for faults of the form);
    ``severity`` is error/warning/info."""

    code: str
    severity: str
    level: int
    message: str
    target: str | None = None
    line: int | None = None


@frozen
class TargetMonitoring:
    target: MonitoringTarget
    progress: Decimal | None
    """截至监控期完成值 / 年度指标值, in percent (正向); None when the value is no number."""
    forecast_ratio: Decimal | None
    """全年预计完成值 / 年度指标值, in percent."""
    light: Light


@frozen
class ProjectMonitoring:
    record: MonitoringRecord
    ruleset_id: str
    time_progress: Decimal
    """序时进度, percent."""
    budget: Decimal | None
    execution_rate: Decimal | None
    gap: Decimal | None
    """执行率 − 序时进度, percentage points (negative: behind)."""
    forecast_rate: Decimal | None
    carry_over: Decimal | None
    """预计结转结余 = 预算数 − 全年预计执行数 (万元)."""
    execution_light: Light
    targets: tuple[TargetMonitoring, ...]
    light: Light
    findings: tuple[MonitorFinding, ...]

    @property
    def at_risk(self) -> bool:
        return self.light.level > 0

    def risk_key(self) -> tuple[int, Decimal, Decimal]:
        """Sort key, worst first: light, then the execution gap, then the budget (larger first)."""
        return (
            -self.light.level,
            self.gap if self.gap is not None else Decimal(0),
            -(self.budget or Decimal(0)),
        )


def time_progress(as_of: datetime.date, ruleset: MonitoringRuleset) -> Decimal:
    """序时进度 in percent, rounded at the ruleset's places: by month, months elapsed / 12 (a date
    inside a month counts that month's elapsed days as a fraction, or not at all with
    mid_month = "floor"); by day, days elapsed / days in the year (366 in a leap year)."""
    if ruleset.time_basis == "day":
        elapsed = (as_of - datetime.date(as_of.year, 1, 1)).days + (1 if ruleset.count_as_of_day else 0)
        days = 366 if calendar.isleap(as_of.year) else 365
        share = CONTEXT.divide(Decimal(elapsed) * HUNDRED, Decimal(days))
    else:
        month_days = calendar.monthrange(as_of.year, as_of.month)[1]
        months = Decimal(as_of.month - 1)
        if as_of.day == month_days:
            months += 1
        elif ruleset.mid_month == "fraction":
            months += CONTEXT.divide(Decimal(as_of.day), Decimal(month_days))
        share = CONTEXT.divide(months * HUNDRED, Decimal(12))
    return round_to(share, ruleset.places)


def _percent(part: Decimal, whole: Decimal, places: int) -> Decimal | None:
    if whole == 0:
        return None
    return round_to(CONTEXT.divide(part * HUNDRED, whole), places)


def monitor(record: MonitoringRecord, ruleset: MonitoringRuleset | None = None) -> ProjectMonitoring:
    """Monitor one record under a monitoring ruleset (default: the record's, else jiankong_2019_136)."""
    ruleset = ruleset or load_monitoring_ruleset(record.ruleset)
    names = ruleset.light_names
    findings: list[MonitorFinding] = []
    progress = time_progress(record.as_of, ruleset)
    budget = record.budget_adjusted if ruleset.budget == "adjusted" else record.budget_initial
    budget = budget if budget is not None else (record.budget_initial or record.budget_adjusted)
    rate = (
        _percent(record.executed, budget, ruleset.places) if budget and record.executed is not None else None
    )
    gap = rate - progress if rate is not None else None
    forecast_rate = (
        _percent(record.forecast_executed, budget, ruleset.places)
        if budget and record.forecast_executed is not None
        else None
    )
    carry = (
        budget - record.forecast_executed
        if budget is not None and record.forecast_executed is not None
        else None
    )
    level = 0
    if gap is not None and gap < -ruleset.lag_watch:
        level = 2 if gap < -ruleset.lag_warn else 1
        findings.append(
            MonitorFinding(
                "JK-EXE-LAG",
                "warning",
                level,
                f"预算执行率 {fmt(rate or Decimal(0))}%，"
                f"低于序时进度 {fmt(progress)}% 共 {fmt(-gap)} 个百分点",
                line=record.lines.get("executed"),
            )
        )
    if forecast_rate is not None and forecast_rate < ruleset.forecast_watch:
        forecast_level = 2 if forecast_rate < ruleset.forecast_warn else 1
        level = max(level, forecast_level)
        findings.append(
            MonitorFinding(
                "JK-EXE-FORECAST",
                "warning",
                forecast_level,
                f"全年预计执行率 {fmt(forecast_rate)}%，预计结转结余 {fmt(carry or Decimal(0))} 万元",
                line=record.lines.get("forecast_executed"),
            )
        )
    if level and not record.reasons:
        findings.append(
            MonitorFinding(
                "JK-RSN-MISSING",
                "error",
                0,
                "预算执行存在偏差，但未填写偏差原因（经费/制度/人员/硬件条件保障/其他）",
                line=record.lines.get("reasons"),
            )
        )
    if budget is not None and record.executed is not None and record.executed > budget:
        findings.append(
            MonitorFinding(
                "JK-DAT-EXCEED",
                "error",
                0,
                f"截至监控期执行数 {fmt(record.executed)} 万元超过预算数 {fmt(budget)} 万元",
                line=record.lines.get("executed"),
            )
        )
    if (
        record.forecast_executed is not None
        and record.executed is not None
        and record.forecast_executed < record.executed
    ):
        findings.append(
            MonitorFinding(
                "JK-DAT-FORECAST",
                "error",
                0,
                f"全年预计执行数 {fmt(record.forecast_executed)} 万元"
                f"小于截至监控期执行数 {fmt(record.executed)} 万元",
                line=record.lines.get("forecast_executed"),
            )
        )
    execution_light = Light(level, names[level])
    targets = tuple(_target(t, progress, ruleset, findings) for t in record.targets)
    worst = max([level, *(t.light.level for t in targets)])
    if (
        worst == 2
        and not record.correction
        and not any(t.target.correction for t in targets if t.light.level == 2)
    ):
        findings.append(
            MonitorFinding(
                "JK-RSN-CORRECTION",
                "error",
                0,
                "存在预警，但未提出纠偏措施（correction）",
                line=record.lines.get("correction"),
            )
        )
    return ProjectMonitoring(
        record=record,
        ruleset_id=ruleset.id,
        time_progress=progress,
        budget=budget,
        execution_rate=rate,
        gap=gap,
        forecast_rate=forecast_rate,
        carry_over=carry,
        execution_light=execution_light,
        targets=targets,
        light=Light(worst, names[worst]),
        findings=tuple(findings),
    )


def _target(
    target: MonitoringTarget, progress: Decimal, ruleset: MonitoringRuleset, findings: list[MonitorFinding]
) -> TargetMonitoring:
    def note(code: str, severity: str, level: int, message: str) -> None:
        findings.append(MonitorFinding(code, severity, level, message, target.name, target.line))

    reverse = target.operator == "≤"
    value = target.value
    done_share = forecast_share = None
    level = 0
    forecast_short = False
    if value is not None and value != 0:
        if target.done is not None:
            done_share = _percent(target.done, value, ruleset.places)
        if target.forecast is not None:
            forecast_share = _percent(target.forecast, value, ruleset.places)
    if value is not None and target.forecast is not None:
        forecast_short = target.forecast > value if reverse else target.forecast < value
        if forecast_short:
            level = max(level, ruleset.forecast_below)
            relation = "高于" if reverse else "低于"
            note(
                "JK-TGT-FORECAST",
                "warning",
                ruleset.forecast_below,
                f"“{target.name}”全年预计完成 {fmt(target.forecast)}{target.unit}，"
                f"{relation}年度指标值 {target.value_text}{target.unit}",
            )
    if (
        target.time_proportional
        and not reverse
        and done_share is not None
        and done_share - progress < -ruleset.target_lag_watch
    ):
        level = max(level, 1)
        note(
            "JK-TGT-LAG",
            "warning",
            1,
            f"“{target.name}”完成进度 {fmt(done_share)}%，"
            f"低于序时进度 {fmt(progress)}% 共 {fmt(progress - done_share)} 个百分点",
        )
    if target.likelihood is None:
        note(
            "JK-POS-MISSING", "warning", 0, f"“{target.name}”未选择完成目标可能性（确定能/有可能/完全不可能）"
        )
    else:
        chosen = ruleset.likelihood[target.likelihood]
        if chosen:
            level = max(level, chosen)
            note(
                "JK-TGT-LIKELIHOOD",
                "warning",
                chosen,
                f"“{target.name}”填报完成目标可能性为“{target.likelihood}”",
            )
        if target.likelihood == "确定能" and forecast_short:
            note(
                "JK-POS-CONFLICT",
                "warning",
                0,
                f"“{target.name}”填报“确定能”完成，但全年预计完成值达不到年度指标值",
            )
        if (
            target.likelihood == "完全不可能"
            and value is not None
            and target.forecast is not None
            and not forecast_short
        ):
            note(
                "JK-POS-CONFLICT",
                "warning",
                0,
                f"“{target.name}”填报“完全不可能”完成，但全年预计完成值已达到年度指标值",
            )
    if level and not target.reasons:
        note("JK-RSN-MISSING", "error", 0, f"“{target.name}”存在偏差，但未填写偏差原因")
    if (
        target.time_proportional
        and target.done is not None
        and target.forecast is not None
        and target.forecast < target.done
    ):
        note(
            "JK-DAT-FORECAST",
            "error",
            0,
            f"“{target.name}”全年预计完成值 {fmt(target.forecast)} 小于截至监控期完成值 {fmt(target.done)}",
        )
    return TargetMonitoring(target, done_share, forecast_share, Light(level, ruleset.light_names[level]))
