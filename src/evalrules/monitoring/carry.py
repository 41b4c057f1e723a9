"""Carry a monitoring record forward into a year-end project file: the project, its budget and
its targets (slot, name, operator, 年度指标值, unit) as the monitoring form has them, so the
analyst adds the year's 实际完成值 instead of retyping the targets. The monitoring figures go
into each target's note, never into ``actual``: a forecast is not a result."""

from __future__ import annotations

from typing import Any

from ..base.numbers import fmt
from ..io.project_export import data_to_toml, exact
from .record import MonitoringRecord, MonitoringTarget
from .workbook import reasons_text

DEFAULT_RULESET = "caiyu_2020_10_self"
"""The year-end 单位自评 ruleset a carried project names unless told otherwise."""


def carried_data(record: MonitoringRecord, ruleset: str = DEFAULT_RULESET) -> dict[str, Any]:
    """The data of the year-end project file."""
    header: dict[str, Any] = {"name": record.name}
    if record.department:
        header["unit"] = record.department
    header["year"] = record.as_of.year
    header["ruleset"] = ruleset
    budget: dict[str, Any] = {"unit": "万元"}
    if record.budget_initial is not None:
        budget["年初预算数"] = record.budget_initial
    if record.budget_adjusted is not None:
        budget["调整后预算数"] = record.budget_adjusted
    data: dict[str, Any] = {"project": header, "budget": budget}
    if record.targets:
        data["targets"] = [_target(target, record) for target in record.targets]
    return data


def _target(target: MonitoringTarget, record: MonitoringRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if target.slot:
        entry["slot"] = target.slot
    entry["name"] = target.name
    entry["operator"] = target.operator
    if target.value_text:
        entry["value"] = exact(target.value_text)
        if target.value is None:  # "2024年10月底前": a project file takes words only as 定性
            entry["operator"] = "定性"
    if target.unit:
        entry["unit"] = target.unit
    note = [f"监控（截至 {record.as_of.isoformat()}）"]
    if target.done is not None:
        note.append(f"已完成 {fmt(target.done)}")
    if target.forecast is not None:
        note.append(f"全年预计 {fmt(target.forecast)}")
    if target.likelihood:
        note.append(f"完成目标可能性：{target.likelihood}")
    if target.reasons:
        note.append(f"偏差原因：{reasons_text(target.reasons)}")
    if target.correction:
        note.append(f"纠偏措施：{target.correction}")
    entry["note"] = "；".join(note)
    return entry


def carried_toml(record: MonitoringRecord, ruleset: str = DEFAULT_RULESET) -> str:
    """The year-end project file as TOML, headed by a comment saying what is left to fill in."""
    head = (
        f"# 由监控记录 {record.file}（截至 {record.as_of.isoformat()}）转入的年终项目文件。\n"
        "# 指标与年度指标值照监控表录入；请补填各指标的实际完成值（actual）\n"
        "# 和预算执行数（[budget] 执行数）。\n\n"
    )
    return head + data_to_toml(carried_data(record, ruleset))
