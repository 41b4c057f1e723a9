"""The tables of the Word report: the 附表 评分表 as a real form prints it, and the small tables.

The 附表 has one row per indicator (a parent's row carries its 小计), the names of the levels
above a row repeated and then merged vertically (w:vMerge) where consecutive rows share them, a
header row Word repeats on every page (w:tblHeader), and the 合计 row with the total and grade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..base.cells import visible
from ..base.numbers import fmt
from .context import ReportContext, Row
from .docx_style import TABLE_STYLE, qn, sub_element

TEXT_WIDTH_CM = 24.3
"""The text width of a landscape A4 page with the 公文 margins (297 − 28 − 26 mm), in cm."""
VALUE_COLUMNS = ("分值", "指标值", "实际完成值", "得分", "扣分原因/偏差原因")
_VALUE_WIDTHS = (1.4, 2.4, 2.6, 1.7, 4.7)
"""分值 and 得分 hold "100.00" in bold on one line."""
_LEVEL_NAMES = "一二三四五六七八九十"
SUBTOTAL = "小计"


def level_count(rows: Sequence[Row]) -> int:
    """How many indicator columns the 附表 has: 一级、二级、三级 (more when the tree is deeper)."""
    return max(3, max((row.level for row in rows), default=3))


def header(levels: int) -> tuple[str, ...]:
    return (*(f"{_LEVEL_NAMES[level]}级指标" for level in range(levels)), *VALUE_COLUMNS)


def widths(rows: Sequence[Row]) -> tuple[float, ...]:
    """Column widths (cm) filling the landscape text width: the indicator columns share what the
    value columns leave, each in proportion to its longest name (within bounds, so that a short
    一级 name still has room and a long 三级 name wraps rather than squeezing the others)."""
    levels = level_count(rows)
    free = TEXT_WIDTH_CM - sum(_VALUE_WIDTHS) - 0.3
    longest = [6] * levels  # the header (一级指标) and a cell's padding
    for line in sheet_cells(rows, levels):
        for column in range(levels):
            longest[column] = max(longest[column], len(line[column]))
    shares = [min(length, 14) for length in longest]
    least = min(1.9, free / levels)  # room for the header 一级指标 on one line
    spare = free - least * levels
    return (*(round(least + spare * share / sum(shares), 2) for share in shares), *_VALUE_WIDTHS)


def sheet_cells(rows: Sequence[Row], levels: int) -> list[tuple[str, ...]]:
    """The text of every row: the names of the levels down to the row's own, then 小计 (a parent)."""
    parents = {row.path[:-1] for row in rows}
    lines = []
    for row in rows:
        names = list(row.path) + [""] * (levels - row.level)
        if row.path in parents and row.level < levels:
            names[row.level] = SUBTOTAL
        score = "不适用" if row.score is None else fmt(row.score)
        target = f"{row.target_value}{row.unit}" if row.target_value else ""
        actual = f"{row.actual}{row.unit}" if row.actual else ""
        lines.append((*names[:levels], fmt(row.weight), target, actual, score, row.note))
    return lines


def merged_runs(rows: Sequence[Row], levels: int) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of each run of two or more consecutive rows sharing a level's
    name: the same indicator (its path down to that level), not merely the same words."""
    runs = []
    for column in range(levels):
        start = 0
        for index in range(1, len(rows) + 1):
            key = _key(rows[start], column)
            if index < len(rows) and key is not None and _key(rows[index], column) == key:
                continue
            if key is not None and index - 1 > start:
                runs.append((column, start, index - 1))
            start = index
    return runs


def _key(row: Row, column: int) -> tuple[str, ...] | None:
    return row.path[: column + 1] if row.level > column else None


def score_sheet(document: Any, context: ReportContext) -> Any:
    """Add the 附表 评分表 to the document (in the current, landscape, section)."""
    rows = context.rows
    levels = level_count(rows)
    table = document.add_table(rows=1, cols=levels + len(VALUE_COLUMNS))
    table.style = "Table Grid"
    center(table)
    fill(table.rows[0], header(levels), bold=True)
    repeat_header(table.rows[0])
    for row, values in zip(rows, sheet_cells(rows, levels), strict=True):
        fill(table.add_row(), values, bold=row.level == 1)
    for column, first, last in merged_runs(rows, levels):
        _merge_down(table, column, first + 1, last + 1)  # + 1: the header row
    for cell in table.rows[-1].cells:  # the 合计 row never starts a page on its own
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
    result = context.result
    total = table.add_row()
    grade = f"评级：{result.grade}"
    fill(total, ("合计", *[""] * (levels - 1), fmt(result.max), "", "", fmt(result.total), grade), bold=True)
    label = total.cells[0].merge(total.cells[levels - 1])
    for paragraph in label.paragraphs[1:]:  # merging keeps each merged cell's (empty) paragraph
        label._tc.remove(paragraph._p)
    set_widths(table, widths(rows))
    return table


def center(table: Any) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table.alignment = WD_TABLE_ALIGNMENT.CENTER


def small_table(
    document: Any, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, last_bold: bool
) -> Any:
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    center(table)
    fill(table.rows[0], columns, bold=True)
    repeat_header(table.rows[0])
    for index, values in enumerate(rows):
        fill(table.add_row(), values, bold=last_bold and index == len(rows) - 1)
    return table


def fill(row: Any, values: Sequence[str], *, bold: bool = False) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    _cant_split(row)
    for cell, value in zip(row.cells, values, strict=True):
        paragraph = cell.paragraphs[0]  # a new row's cell holds one empty paragraph
        paragraph.style = TABLE_STYLE
        run = paragraph.add_run(visible(value))
        run.bold = bold
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def repeat_header(row: Any) -> None:
    """Word repeats this row at the top of every page the table runs onto (w:tblHeader)."""
    sub_element(row._tr.get_or_add_trPr(), "w:tblHeader", val="true")


def _cant_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        sub_element(trpr, "w:cantSplit", val="true")


def _merge_down(table: Any, column: int, first: int, last: int) -> None:
    """Merge a column's cells from row first to row last: the name stays in the first only."""
    for index in range(first, last + 1):
        tc = table.rows[index]._tr.tc_lst[column]  # the rows have no horizontal spans yet
        if index > first:
            for paragraph in tc.findall(qn("w:p"))[1:]:
                tc.remove(paragraph)
            kept = tc.find(qn("w:p"))
            for run in kept.findall(qn("w:r")):
                kept.remove(run)
        tc.vMerge = "restart" if index == first else "continue"


def set_widths(table: Any, columns: Sequence[float]) -> None:
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, columns, strict=True):
        column.width = Cm(width)  # w:gridCol, which LibreOffice reads
    for row in table.rows:
        offset = 0
        for tc in row._tr.tc_lst:  # w:tcW, which Word reads; a spanning cell is as wide as its columns
            span = tc.grid_span
            tc.width = Cm(sum(columns[offset : offset + span]))
            offset += span
