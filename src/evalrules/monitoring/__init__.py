"""绩效运行监控 (mid-year performance monitoring, 财预〔2019〕136号): monitoring records, monitoring
rulesets (a kind of their own, never an evaluation ruleset), the engine that gives each project
and target a light, the 监控结果 workbook, the 监控情况报告 and the carry-forward into the
year-end project file."""

from __future__ import annotations

from .engine import Light, MonitorFinding, ProjectMonitoring, TargetMonitoring, monitor
from .record import MonitoringRecord, MonitoringTarget, load_record
from .ruleset import MonitoringRuleset, load_monitoring_ruleset

__all__ = [
    "Light",
    "MonitorFinding",
    "MonitoringRecord",
    "MonitoringRuleset",
    "MonitoringTarget",
    "ProjectMonitoring",
    "TargetMonitoring",
    "load_monitoring_ruleset",
    "load_record",
    "monitor",
]
