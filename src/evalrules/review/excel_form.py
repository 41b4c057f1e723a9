"""Import of the 项目支出绩效目标申报表 from Excel (``evalrules targets``, ``evalrules convert``).

The layout [M] (88号's annex as provinces print it): label cells 项目名称, 主管部门/实施单位, 项目资金
(年度资金总额, 其中：财政拨款 …), 年度总体目标, then the indicator table whose header row holds 一级指标,
二级指标, 三级指标, 指标性质, 指标值 (年度指标值), 度量单位, and optionally 指标值来源 (绩效标准), 设定依据
and 上年实际值. Labels are found by their words, not by position; a merged cell fills every cell it
spans. A sheet whose indicator header has 实际完成值 is a 自评表, not a 申报表. The workbook is checked
by the workbook guard before openpyxl opens it. The data then goes through the project loader, so
every value is checked as in a project file.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..base.errors import LoadError, Problem
from ..base.extras import need
from ..base.numbers import HUNDRED, fmt, parse_number
from ..base.sources import read_capped
from ..io.project_loading import project_from_document
from ..io.row_document import RowDocument
from ..io.workbook_guard import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_WORKBOOK_BYTES, workbook_problem
from ..model.project import Project

COLUMNS: dict[str, tuple[str, ...]] = {
    "first": ("一级指标",),
    "second": ("二级指标",),
    "name": ("三级指标", "指标名称"),
    "operator": ("指标性质",),
    "value": ("指标值", "年度指标值", "年度目标值", "目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
    "source": ("指标值来源", "绩效标准", "指标值设定依据", "取值依据"),
    "basis": ("设定依据", "依据说明", "设定依据说明"),
    "history": ("上年实际值", "上年完成值", "上年实际完成值", "上年自评值"),
}
"""Indicator header: field → labels (spaces and a trailing "（…）" ignored)."""
_BRACKETS = re.compile(r"[（(][^）)]*[）)]$")
_YEAR = re.compile(r"(\d{4})\s*年度?")


def _label(value: Any) -> str:
    return _BRACKETS.sub("", re.sub(r"\s+", "", str(value))) if value is not None else ""


class _Sheet:
    def __init__(self, sheet: Any) -> None:
        self.title = str(sheet.title)
        self.cells = {key: cell for key, cell in sheet._cells.items() if cell.value is not None}
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        rows = max((row for row, _ in self.cells), default=0)
        columns = max((column for _, column in self.cells), default=0)
        self.too_large = rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS
        for merged in sheet.merged_cells.ranges:
            for row in range(merged.min_row, min(merged.max_row, rows, MAX_SHEET_ROWS) + 1):
                for column in range(merged.min_col, min(merged.max_col, columns, MAX_SHEET_COLUMNS) + 1):
                    self.merged[(row, column)] = (merged.min_row, merged.min_col)

    def cell(self, row: int, column: int) -> Any:
        return self.cells.get(self.merged.get((row, column), (row, column)))

    def text(self, row: int, column: int) -> str:
        cell = self.cell(row, column)
        if cell is None:
            return ""
        value = cell.value
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            number = parse_number(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
            if "%" in str(cell.number_format or ""):
                return fmt(number * HUNDRED) + "%"
            return fmt(number)
        return str(value).strip()

    def find(self, *labels: str) -> tuple[int, int] | None:
        return next((key for key in sorted(self.cells) if _label(self.cells[key].value) in labels), None)

    def right_of(self, key: tuple[int, int] | None) -> str:
        """The first filled cell to the right of a label (past the label's own merged range)."""
        if key is None:
            return ""
        row, column = key
        start = self.merged.get(key, key)
        for right in range(column + 1, column + 30):
            if self.merged.get((row, right)) == start:
                continue
            text = self.text(row, right)
            if text:
                return text
        return ""

    def header(self) -> tuple[int, dict[str, int]] | None:
        for row, column in sorted(self.cells):
            if _label(self.cells[(row, column)].value) not in COLUMNS["name"]:
                continue
            found: dict[str, int] = {}
            for right in range(1, column + 30):
                label = _label(self.text(row, right))
                for field, labels in COLUMNS.items():
                    if label in labels and field not in found:
                        found[field] = right
                if label in ("实际完成值", "全年实际值", "实际值"):
                    return None  # a 自评表
            if "value" in found:
                return row, found
        return None


def is_target_form(path: Path) -> bool:
    """Whether an .xlsx workbook holds a 绩效目标申报表 (read only after the workbook guard)."""
    if workbook_problem(path, str(path)) is not None:
        return False
    try:
        book = need("openpyxl", "读取 Excel 申报表").load_workbook(path, data_only=True)
    except Exception:  # damaged or foreign: the regular reader says why
        return False
    return any(_Sheet(sheet).header() is not None for sheet in book.worksheets)


def read_target_forms(path: Path) -> list[tuple[str, Project | LoadError]]:
    """Every 申报表 sheet of a workbook, keyed "file.xlsx#sheet"."""
    name = str(path)
    try:
        read_capped(path, name, MAX_WORKBOOK_BYTES)
    except LoadError as error:
        return [(name, error)]
    problem = workbook_problem(path, name)
    if problem is not None:
        return [(name, LoadError([problem]))]
    openpyxl = need("openpyxl", "读取 Excel 申报表")
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl and zipfile raise many kinds for a damaged file
        return [(name, LoadError([Problem("E-EXCEL", f"无法打开 Excel 工作簿：{error}", file=name)]))]
    found: list[tuple[str, Project | LoadError]] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        reader = _Sheet(sheet)
        key = f"{name}#{reader.title}"
        if reader.too_large:
            found.append((key, LoadError([Problem("E-EXCEL-SIZE", "工作表使用的范围过大", file=name)])))
            continue
        header = reader.header()
        if header is None:
            continue
        try:
            found.append((key, project_from_document(_document(reader, key, *header))))
        except LoadError as error:
            found.append((key, error))
    if not found:
        found.append((name, LoadError([Problem("E-EXCEL", "工作簿中没有找到绩效目标申报表", file=name)])))
    return found


def _document(sheet: _Sheet, name: str, header: int, columns: dict[str, int]) -> RowDocument:
    """The sheet as project data, each table, target and key at the row of the sheet it came from,
    so that a problem the project reader finds is located at its row."""
    tables: dict[str, int] = {}
    entries: dict[tuple[str, int], int] = {}
    keys: dict[tuple[int, str], int] = {}
    year_key, year_match = next(
        ((key, m) for key in sorted(sheet.cells)[:40] if (m := _YEAR.search(str(sheet.cells[key].value)))),
        (None, None),
    )
    year = int(year_match.group(1)) if year_match else None
    named = sheet.find("项目名称")
    tables["project"] = named[0] if named else header
    project: dict[str, Any] = {"name": sheet.right_of(named) or sheet.title}
    for unit_label in (sheet.find("实施单位", "项目单位"), sheet.find("主管部门")):
        unit = sheet.right_of(unit_label)
        if unit and unit_label:
            project["unit"] = unit
            keys[(tables["project"], "unit")] = unit_label[0]
            break
    if year is not None and year_key is not None:
        project["year"] = year
        keys[(tables["project"], "year")] = year_key[0]
    data: dict[str, Any] = {"project": project}
    total_label = sheet.find("年度资金总额", "资金总额", "项目资金总额")
    total = sheet.right_of(total_label)
    if total and total_label:
        tables["budget"] = total_label[0]
        money = (
            "元"
            if any("（元）" in str(c.value) or "(元)" in str(c.value) for c in sheet.cells.values())
            else "万元"
        )
        data["budget"] = {"unit": money, "年初预算数": total}
    goal_label = sheet.find("年度总体目标", "总体目标", "年度绩效目标", "年度目标")
    goal = sheet.right_of(goal_label)
    if goal and goal_label:
        data["texts"] = {"overall_goal": goal}
        tables["texts"] = goal_label[0]
    targets: list[dict[str, Any]] = []
    last_row = max(row for row, _ in sheet.cells)
    for row in range(header + 1, last_row + 1):
        cells = {field: sheet.text(row, column) for field, column in columns.items()}
        if not cells.get("name"):
            continue
        slot = "/".join(part for part in (cells.get("first", ""), cells.get("second", "")) if part)
        entry: dict[str, Any] = {
            "slot": slot or "未分类",
            "name": cells["name"],
            "value": cells.get("value", ""),
        }
        operator = cells.get("operator", "")
        if not operator and not re.search(r"\d", entry["value"]):
            operator = "定性"  # a value with no number and no operator is a 定性 one, as in the 自评表
        if operator:
            entry["operator"] = operator
        for field in ("unit", "source", "basis"):
            if cells.get(field):
                entry[field] = cells[field]
        if cells.get("history") and year is not None:
            entry["history"] = {str(year - 1): cells["history"]}
        tables.setdefault("targets", row)
        entries[("targets", len(targets))] = row
        targets.append(entry)
    data["targets"] = targets
    return RowDocument(name, "", data, tables, entries, keys)
