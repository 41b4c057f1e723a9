"""Import of the monitoring form (项目支出绩效目标执行监控表) from .xlsx: one project per visible
sheet. The labels of the head (项目名称, 年初预算数, …) are looked up anywhere on the sheet, the
value being the next non-empty cell to their right; the indicator table starts at the row that
holds 三级指标 and 年度指标值. Column names follow the form and the provincial systems' headers
[V-code] ("经费保障偏差原因", "硬件保障偏差目标", "完成目标可能性", …). Every workbook is checked by
workbook_guard before openpyxl opens it (import this module only with the ``excel`` extra)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from ..base.errors import EvalrulesError, LoadError, Problem
from ..base.extras import MissingExtraError
from ..base.sources import read_capped
from ..io.row_document import RowDocument
from ..io.workbook_guard import MAX_WORKBOOK_BYTES, workbook_problem
from .record import MonitoringRecord, record_from_document

try:
    from openpyxl import load_workbook
except ImportError as missing:  # the core install has no Excel; say which extra brings it
    raise MissingExtraError("openpyxl", "读取 Excel 监控表") from missing

HEAD_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称",),
    "department": ("主管部门", "实施单位", "预算单位", "单位名称"),
    "as_of": ("监控截止日", "截止日期", "截至日期"),
    "period": ("监控期", "监控期间"),
    "budget_initial": ("年初预算数",),
    "budget_adjusted": ("调整后预算数", "调整预算数"),
    "executed": ("截至监控期执行数", "1-7月执行数", "执行数", "预算执行数"),
    "forecast_executed": ("全年预计执行数", "全年预计执行情况"),
    "goal": ("年度总体目标",),
    "goal_progress": ("总体目标执行情况", "项目绩效目标执行总体情况"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "first": ("一级指标",),
    "second": ("二级指标",),
    "name": ("三级指标",),
    "operator": ("指标性质",),
    "value": ("年度指标值", "指标值"),
    "unit": ("度量单位", "计量单位"),
    "done": ("截至监控期完成值", "截至监控期完成情况", "1-7月执行情况", "当前月执行情况", "绩效指标完成情况"),
    "forecast": ("全年预计完成值", "全年预计完成情况", "绩效指标全年预计完成情况"),
    "经费保障": ("经费保障", "经费保障偏差原因"),
    "制度保障": ("制度保障", "制度保障偏差原因"),
    "人员保障": ("人员保障", "人员保障偏差原因"),
    "硬件条件保障": (
        "硬件条件保障",
        "硬件保障",
        "硬件保障偏差原因",
        "硬件保障偏差目标",
        "硬件条件保障偏差原因",
    ),
    "其他": ("其他", "其他偏差原因"),
    "likelihood": ("完成目标可能性",),
    "correction": ("纠偏措施", "偏差原因备注", "备注"),
}
_BRACKETS = re.compile(r"[（(][^）)]*[）)]$")
_OPERATOR = re.compile(r"^\s*(≥|≤|>=|<=|≧|≦|＝|=)\s*")
REASONS = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")


def _label(value: Any) -> str:
    text = "".join(str(value).split()) if value is not None else ""
    return _BRACKETS.sub("", text).replace("–", "-")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float):  # openpyxl gives floats: back to the digits shown
        return format(value, ".15g")
    if isinstance(value, str):
        return value.strip()
    return value


def read_monitoring_workbook(path: Path) -> list[MonitoringRecord]:
    """Every monitoring record of an .xlsx workbook (one per visible sheet with the form)."""
    name = str(path)
    read_capped(Path(path), name, MAX_WORKBOOK_BYTES)
    too_large = workbook_problem(Path(path), name)
    if too_large is not None:
        raise LoadError([too_large])
    try:
        workbook = load_workbook(Path(path), data_only=True)
    except Exception as error:  # openpyxl and zipfile raise many kinds for a damaged or foreign file
        raise LoadError([Problem("E-EXCEL", f"无法打开 Excel 工作簿：{error}", file=name)]) from None
    records: list[MonitoringRecord] = []
    problems: list[Problem] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        header = next((i for i, row in enumerate(rows) if {"三级指标"} <= {_label(v) for v in row}), None)
        if header is None or not any(_label(v) == "项目名称" for row in rows[:header] for v in row):
            continue
        try:
            records.append(record_from_document(_document(rows, header, f"{name}#{sheet.title}")))
        except EvalrulesError as error:
            problems += error.problems
    if problems:
        raise LoadError(problems)
    if not records:
        raise LoadError(
            [
                Problem(
                    "E-EXCEL",
                    "工作簿中没有找到监控表",
                    file=name,
                    expected="含“项目名称”和“三级指标”表头的工作表",
                )
            ]
        )
    return records


def _document(rows: list[list[Any]], header: int, file: str) -> RowDocument:
    """The sheet as a monitoring record's data, each key and target at its row of the sheet (row 1
    is the first), so that a problem the record reader finds is located there."""
    head: dict[str, Any] = {}
    at: dict[str, int] = {}
    for number, row in enumerate(rows[:header], 1):
        for column, value in enumerate(row):
            label = _label(value)
            for key, labels in HEAD_LABELS.items():
                if label in labels and key not in head:
                    right = next((v for v in row[column + 1 :] if v not in (None, "")), None)
                    if right is not None:
                        head[key] = right
                        at[key] = number
            if "period" not in head and re.fullmatch(r"\d{1,2}-\d{1,2}月(执行情况)?", label):
                head["period"] = label.removesuffix("执行情况")
    columns = {}
    for column, value in enumerate(rows[header]):
        label = _label(value)
        for key, labels in COLUMNS.items():
            if label in labels and key not in columns:
                columns[key] = column
    targets: list[dict[str, Any]] = []
    entries: dict[tuple[str, int], int] = {}
    first = second = ""
    for number, row in enumerate(rows[header + 1 :], header + 2):

        def get(key: str, row: list[Any] = row) -> Any:
            column = columns.get(key)
            return row[column] if column is not None and column < len(row) else None

        first = str(get("first") or first)
        second = str(get("second") or second)
        name = get("name")
        if name in (None, ""):
            continue
        value = get("value")
        operator = get("operator")
        if isinstance(value, str) and (match := _OPERATOR.match(value)):
            operator = operator or match.group(1)
            value = value[match.end() :]
        target: dict[str, Any] = {"name": str(name), "slot": f"{first}/{second}".strip("/")}
        for key, found in (("operator", operator), ("value", value), ("unit", get("unit"))):
            if found not in (None, ""):
                target[key] = found
        for key in ("done", "forecast", "likelihood", "correction"):
            if get(key) not in (None, ""):
                target[key] = get(key)
        reasons = {kind: str(get(kind)) for kind in REASONS if get(kind) not in (None, "")}
        if reasons:
            target["reasons"] = reasons
        entries[("targets", len(targets))] = number
        targets.append(target)
    top = min(at.values(), default=1)
    tables = {"monitoring": top, "targets": entries.get(("targets", 0), header + 1)}
    keys = {(top, key): number for key, number in at.items()}
    return RowDocument(file, "", {"monitoring": head, "targets": targets}, tables, entries, keys)
