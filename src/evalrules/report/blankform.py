"""A blank 附件1 项目支出绩效自评表 to fill in (``evalrules new --form self``).

The layout of :mod:`evalrules.report.selfform` (title, 项目名称 / 主管部门 / 实施单位, the budget
block, 年度总体目标, the indicator header, 总分), with two empty rows for each category of the
ruleset (一级指标 and 二级指标 filled in, as the printed form has them) and the ruleset's id in the
footer, so that :mod:`evalrules.io.excel` reads the filled form back under the same ruleset.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..authoring.skeleton import is_self_evaluation, needs, target_places
from ..base.errors import LoadError, Problem
from ..base.extras import MissingExtraError
from ..base.numbers import fmt
from ..model.ruleset import Ruleset
from .files import write_atomic
from .selfform_layout import EXECUTION_METHOD, HEADERS, SHEET_TITLE, WIDTH, WIDTHS

try:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
except ImportError as missing:  # the core install has no Excel; say which extra brings it
    raise MissingExtraError("openpyxl", "生成自评表（.xlsx）") from missing

ROWS_PER_CATEGORY = 2
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def render_blank_form(ruleset: Ruleset, path: Path) -> None:
    """Write a blank 自评表 for the ruleset's categories to path (.xlsx), atomically."""
    if not is_self_evaluation(ruleset):
        info = ruleset.info
        raise LoadError(
            [
                Problem(
                    "E-REPORT-FORM",
                    f"附件1 项目支出绩效自评表用于单位自评，规则集 {info.id} 是{info.mode or '其他评价'}",
                    where="--ruleset",
                    suggestion=f"部门评价的项目文件用 evalrules new --ruleset {info.id} -o 项目.toml 生成",
                )
            ]
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _Blank(sheet, ruleset).fill()
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(Path(path), buffer.getvalue())


class _Blank:
    def __init__(self, sheet: Any, ruleset: Ruleset) -> None:
        self.ws = sheet
        self.ruleset = ruleset

    def fill(self) -> None:
        self.put(1, 1, SHEET_TITLE, border=False).font = Font(bold=True, size=16)
        self.merge(1, 1, 1, WIDTH)
        self.put(2, 1, "（      年度）", border=False)
        self.merge(2, 1, 2, WIDTH)
        self.label(3, 1, "项目名称", last=2)
        self.merge(3, 3, 3, WIDTH)
        self.label(4, 1, "主管部门", last=2)
        self.merge(4, 3, 4, 5)
        self.label(4, 6, "实施单位", last=7)
        self.merge(4, 8, 4, WIDTH)
        self.budget(5)
        self.label(7, 1, "年度总体目标", last_row=8)
        self.label(7, 2, "预期目标", last=6)
        self.label(7, 7, "实际完成情况", last=WIDTH)
        self.merge(8, 2, 8, 6)
        self.merge(8, 7, 8, WIDTH)
        self.ws.row_dimensions[8].height = 60
        for column, header in enumerate(HEADERS, start=1):
            self.label(9, column, header)
        row = self.indicators(10)
        self.label(row, 1, "总分", last=7)
        self.put(row, 8, self.ruleset.max)
        self.put(row, 9, None)
        self.put(row, 10, "评价等级：")
        info = self.ruleset.info
        footer = f"评分依据：{info.citation or info.title}，规则集 {info.id}；由 evalrules new 生成的空白表。"
        self.put(row + 1, 1, footer, border=False)
        self.merge(row + 1, 1, row + 1, WIDTH)
        self.ws.page_setup.orientation = "landscape"

    def budget(self, header: int) -> None:
        data = header + 1
        execution = next(
            (
                node
                for _, node in self.ruleset.walk()
                if node.method and node.method.strategy == EXECUTION_METHOD
            ),
            None,
        )
        self.label(header, 1, "项目资金\n（万元）", last_row=data)
        self.label(header, 2, "")
        self.label(header, 3, "年初预算数", last=4)
        figures = needs(self.ruleset).budget
        annual = "调整后预算数" if "调整后预算数" in figures and "全年预算数" not in figures else "全年预算数"
        self.label(header, 5, annual, last=6)  # the denominator the ruleset's 执行率 divides by
        self.label(header, 7, "全年执行数")
        self.label(header, 8, "分值")
        self.label(header, 9, "执行率")
        self.label(header, 10, "得分")
        self.label(data, 2, "年度资金总额")
        for first, last in ((3, 4), (5, 6)):
            self.put(data, first, None)
            self.merge(data, first, data, last)
        for column in (7, 9, 10):
            self.put(data, column, None)
        self.put(data, 8, fmt(execution.weight) if execution is not None else None)

    def indicators(self, row: int) -> int:
        for place in needs(self.ruleset).places:
            start = row
            for slot in target_places(place):
                first, *rest = slot.split("/")
                for _ in range(ROWS_PER_CATEGORY):
                    self.put(row, 1, first)
                    self.put(row, 2, "/".join(rest))
                    for column in range(3, WIDTH + 1):
                        self.put(row, column, None)
                    row += 1
            self.merge(start, 1, row - 1, 1)
        return row

    def put(self, row: int, column: int, value: object, *, border: bool = True) -> Any:
        cell = self.ws.cell(row=row, column=column, value=value)
        cell.alignment = _CENTER
        if border:
            cell.border = _BORDER
        return cell

    def label(self, row: int, column: int, text: str, *, last: int = 0, last_row: int = 0) -> None:
        self.put(row, column, text).font = Font(bold=True)
        self.merge(row, column, last_row or row, last or column)

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        if (first_row, first_column) == (last_row, last_column):
            return
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                self.ws.cell(row=row, column=column).border = _BORDER
        self.ws.merge_cells(
            start_row=first_row, start_column=first_column, end_row=last_row, end_column=last_column
        )
