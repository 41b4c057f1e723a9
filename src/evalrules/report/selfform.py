"""The 附件1 项目支出绩效自评表 as an Excel workbook (财预〔2020〕10号; RULES.md §3).

One worksheet in the layout of the form: title, project name / 主管部门 / 实施单位, the budget block
(年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分; under 年度资金总额 the rows 其中：当年财政拨款 /
上年结转资金 / 其他资金 when the project gives them), 年度总体目标 (预期 / 实际), the indicator rows
(一级/二级/三级, 指标性质, 年度指标值, 度量单位, 实际完成值, 分值, 得分, 偏差原因分析及改进措施) and 总分.
When a whole first-level indicator does not apply and the total was rescaled, a row 其中：得分合计
under 总分 gives the 适用分值, what the 得分 column adds up to and how it was scaled to the 折算后总分,
so that the column and the total agree visibly (the row comes after 总分, whose 评价等级 cell stays
as it is: reading the form back, evalrules.io.excel stops at 总分 and reads the grade there).

Everything comes from the :class:`ReportContext`; no score, rate or total is computed here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..base.cells import cell_text, string_cell
from ..base.extras import MissingExtraError
from ..base.numbers import fmt
from ..model.project import BUDGET_ROWS, Target
from ..model.result import NodeResult
from .context import ReportContext, Row, placeholder
from .files import write_atomic

try:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
except ImportError as missing:  # the core install has no Excel; say which extra brings it
    raise MissingExtraError("openpyxl", "生成自评表（.xlsx）") from missing

from .selfform_layout import (
    DEFAULT_EXECUTION_WEIGHT,
    EXECUTION_METHOD,
    HEADERS,
    NATURE,
    NOT_APPLICABLE,
    ROW_LABELS,
    SHEET_TITLE,
    WIDTH,
    WIDTHS,
)

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_BOLD = Font(bold=True)

Value = str | Decimal | None


def render_self_form(context: ReportContext, path: Path) -> None:
    """Write the 自评表 for the context to path (.xlsx), atomically."""
    workbook = Workbook()
    _Sheet(context, workbook.active).fill()
    _save_atomically(workbook, Path(path))


class _Sheet:
    def __init__(self, context: ReportContext, sheet: Any) -> None:
        self.context = context
        self.ws = sheet
        self.row = 0
        places = context.result.places
        self.number_format = "0." + "0" * places if places > 0 else "0"
        self.percent_format = ("0." + "0" * places if places > 0 else "0") + "%"
        self.nodes = {node.path: node for node in context.result.walk()}

    # --- layout ---------------------------------------------------------------------------------

    def fill(self) -> None:
        ws = self.ws
        ws.title = SHEET_TITLE
        for index, width in enumerate(WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        self._title()
        self._project()
        self._budget()
        self._goal()
        self._indicators()
        self._total()
        self._footer()
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def _title(self) -> None:
        self.row += 1
        cell = self._put(self.row, 1, SHEET_TITLE, bold=True, border=False)
        cell.font = Font(bold=True, size=16)
        self._merge(self.row, 1, self.row, WIDTH)
        self.ws.row_dimensions[self.row].height = 30
        year = self.context.project.year
        if year is not None:
            self.row += 1
            self._put(self.row, 1, f"（{year}年度）", border=False)
            self._merge(self.row, 1, self.row, WIDTH)

    def _project(self) -> None:
        project = self.context.project
        self.row += 1
        self._label(self.row, 1, "项目名称", last=2)
        self._put(self.row, 3, project.name, align=_LEFT)
        self._merge(self.row, 3, self.row, WIDTH)
        self.row += 1
        self._label(self.row, 1, "主管部门", last=2)
        self._put(self.row, 3, project.unit, align=_LEFT)
        self._merge(self.row, 3, self.row, 5)
        self._label(self.row, 6, "实施单位", last=7)
        implementer = project.texts.get("implementer") or placeholder("implementer")
        self._put(self.row, 8, implementer, align=_LEFT)
        self._merge(self.row, 8, self.row, WIDTH)

    def _budget(self) -> None:
        budget = self.context.project.budget
        figures = budget.figures
        node = self._execution_node()
        weight = node.weight if node is not None else DEFAULT_EXECUTION_WEIGHT
        rate: Value = _percent(node.inputs.get("预算执行率", "")) if node is not None else None
        score: Value = None
        if node is not None:
            score = NOT_APPLICABLE if node.score is None else node.score
        header, data = self.row + 1, self.row + 2
        parts = BUDGET_ROWS if budget.rows else ()  # the form prints all three, blank where none
        self._label(header, 1, f"项目资金\n（{budget.unit}）", last_row=data + len(parts))
        self._label(header, 2, "")
        self._label(header, 3, "年初预算数", last=4)
        # the figure the project gives, under its own name: it reads back as that figure
        annual_label = (
            "调整后预算数" if "全年预算数" not in figures and "调整后预算数" in figures else "全年预算数"
        )
        self._label(header, 5, annual_label, last=6)
        self._label(header, 7, "全年执行数")
        self._label(header, 8, "分值")
        self._label(header, 9, "执行率")
        self._label(header, 10, "得分")
        self._label(data, 2, "年度资金总额")
        annual = figures.get("全年预算数", figures.get("调整后预算数"))
        self._number(data, 3, figures.get("年初预算数"), last=4)
        self._number(data, 5, annual, last=6)
        self._number(data, 7, figures.get("执行数"))
        self._number(data, 8, weight)
        self._number(data, 9, rate, percent=True)
        self._number(data, 10, score)
        for line, name in enumerate(parts, start=data + 1):
            row = budget.rows.get(name, {})
            self._label(line, 2, ROW_LABELS[name])
            self._number(line, 3, row.get("年初预算数"), last=4)
            self._number(line, 5, row.get("全年预算数", row.get("调整后预算数")), last=6)
            self._number(line, 7, row.get("执行数"))
            for column in (8, 9, 10):
                self._put(line, column, "—")
        self.row = data + len(parts)

    def _goal(self) -> None:
        texts = self.context.texts
        expected = texts.get("overall_goal") or placeholder("overall_goal")
        actual = self.context.project.texts.get("overall_result") or placeholder("overall_result")
        header, data = self.row + 1, self.row + 2
        self._label(header, 1, "年度总体目标", last_row=data)
        self._label(header, 2, "预期目标", last=6)
        self._label(header, 7, "实际完成情况", last=WIDTH)
        self._put(data, 2, expected, align=_LEFT)
        self._merge(data, 2, data, 6)
        self._put(data, 7, actual, align=_LEFT)
        self._merge(data, 7, data, WIDTH)
        longest = max(len(expected) / 60, len(actual) / 70)
        self.ws.row_dimensions[data].height = max(45, 15 * (int(longest) + 2))
        self.row = data

    def _indicators(self) -> None:
        self.row += 1
        for column, header in enumerate(HEADERS, start=1):
            self._label(self.row, column, header)
        rows = self.context.rows
        targets = [row for row in rows if self._is_target_row(row)]
        framework = [row for row in rows if self._is_framework_row(row)]
        self._block(targets)
        self._block(framework)

    def _total(self) -> None:
        result = self.context.result
        span = result.total_range
        self.row += 1
        self._label(self.row, 1, "总分", last=7)
        self._number(self.row, 8, result.max, bold=True)
        if span is not None and span.low != span.high:
            self._put(self.row, 9, f"不低于 {fmt(span.low)}，不高于 {fmt(span.high)}", bold=True)
        else:
            self._number(self.row, 9, result.total, bold=True)
        grade = result.grade
        if span is not None and span.grade is None:
            grade = f"{span.low_grade}至{span.high_grade}之间，未定"
        self._put(self.row, 10, f"评价等级：{grade}", bold=True)
        if span is not None:  # say which values are not known, as the total depends on them
            self.row += 1
            self._label(self.row, 1, "数值不详", last=7)
            listed = "；".join(value.describe() for value in span.unknown)
            self._put(self.row, 8, f"共 {len(span.unknown)} 项：{listed}", align=_LEFT)
            self._merge(self.row, 8, self.row, WIDTH)
        rescaled = result.rescaled
        if rescaled is None:
            return
        # the 得分 column adds up to less than the 总分: show what it adds up to, and how it was scaled
        scale = "百分制" if result.max == 100 else f"满分 {fmt(result.max)} 分"
        note = (
            f"折算后总分：适用分值 {fmt(rescaled.weight)} 分、得分合计 {fmt(rescaled.score)} 分，"
            f"按{scale}折算为 {fmt(rescaled.total)} 分"
            f"（{'、'.join(rescaled.not_applicable)} 不适用，不计入适用分值）"
        )
        if rescaled.total != result.total:
            note += f"；经调整，总分为 {fmt(result.total)} 分"
        self.row += 1
        self._label(self.row, 1, "其中：得分合计", last=7)
        self._number(self.row, 8, rescaled.weight)
        self._number(self.row, 9, rescaled.score)
        self._put(self.row, 10, note, align=_LEFT)

    def _footer(self) -> None:
        context = self.context
        result = context.result
        document = f"（{context.ruleset_document}）" if context.ruleset_document else ""
        cited = context.citation or f"{context.ruleset_title}{document}"  # as every report cites it
        self.row += 1
        text = (
            f"评分依据：{cited}，规则集 {result.ruleset_id} "
            f"{result.ruleset_version}；由 evalrules 根据评分结果生成。"
        )
        self._put(self.row, 1, text, align=_LEFT, border=False)
        self._merge(self.row, 1, self.row, WIDTH)

    # --- indicator rows -------------------------------------------------------------------------

    def _block(self, rows: Sequence[Row]) -> None:
        first = self.row + 1
        for row in rows:
            self.row += 1
            self._indicator(self.row, row)
        self._merge_runs(first, [row.path[0] for row in rows], 1)
        self._merge_runs(first, [(row.path[0], _middle(row)) for row in rows], 2)

    def _indicator(self, line: int, row: Row) -> None:
        target = self._target(row)
        self._put(line, 1, row.path[0])
        self._put(line, 2, _middle(row))
        self._put(line, 3, row.name if row.level > 1 else "", align=_LEFT)
        if target is not None:
            self._put(line, 4, NATURE.get(target.operator, target.operator))
            self._value(line, 5, target, target.value, target.value_text)
            self._put(line, 6, target.unit)
            self._value(line, 7, target, target.actual, target.actual_text)
        else:
            for column in range(4, 8):
                self._put(line, column, "")
        self._number(line, 8, row.weight)
        self._number(line, 9, self._score(row))
        self._put(line, 10, row.note, align=_LEFT)

    def _score(self, row: Row) -> Value:
        """A row's 得分: the score, 不适用, or low～high when a value it depends on is not known."""
        node = self.nodes.get(row.path)
        if node is not None and node.low is not None and node.high is not None:
            return f"{fmt(node.low)}～{fmt(node.high)}"
        return NOT_APPLICABLE if row.score is None else row.score

    def _value(self, line: int, column: int, target: Target, number: Decimal | None, text: str) -> None:
        if target.operator != "定性" and number is not None:
            cell = self._put(line, column, number)
            cell.number_format = "General"
        else:
            self._put(line, column, text)

    def _merge_runs(self, first: int, keys: Sequence[object], column: int) -> None:
        for start, length in _runs(keys):
            if length > 1:
                self._merge(first + start, column, first + start + length - 1, column)

    def _is_target_row(self, row: Row) -> bool:
        node = self.nodes.get(row.path)
        if row.kind == "target":
            return True
        # an empty slot (no targets filled it) stands in its place, as the form's blank rows do
        return row.kind == "slot" and node is not None and not node.children

    def _is_framework_row(self, row: Row) -> bool:
        node = self.nodes.get(row.path)
        if node is None or node.children or row.kind != "indicator":
            return False
        return node.method != EXECUTION_METHOD

    def _target(self, row: Row) -> Target | None:
        if row.kind != "target":
            return None
        for target in self.context.project.targets:
            if (*target.slot, target.name) == row.path:
                return target
        return None

    def _execution_node(self) -> NodeResult | None:
        for node in self.context.result.walk():
            if node.method == EXECUTION_METHOD:
                return node
        return None

    # --- cells ----------------------------------------------------------------------------------

    def _put(
        self,
        line: int,
        column: int,
        value: Value,
        *,
        align: Alignment = _CENTER,
        bold: bool = False,
        border: bool = True,
    ) -> Any:
        cell = string_cell(self.ws.cell(row=line, column=column, value=cell_text(value)))
        cell.alignment = align
        if bold:
            cell.font = _BOLD
        if border:
            cell.border = _BORDER
        return cell

    def _label(self, line: int, column: int, text: str, *, last: int = 0, last_row: int = 0) -> None:
        self._put(line, column, text, bold=True)
        self._merge(line, column, last_row or line, last or column)

    def _number(
        self,
        line: int,
        column: int,
        value: Value,
        *,
        last: int = 0,
        percent: bool = False,
        bold: bool = False,
    ) -> None:
        cell = self._put(line, column, value, bold=bold)
        if isinstance(value, Decimal):
            cell.number_format = self.percent_format if percent else self.number_format
        self._merge(line, column, line, last or column)

    def _merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        if (first_row, first_column) == (last_row, last_column):
            return
        for line in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                self.ws.cell(row=line, column=column).border = _BORDER
        self.ws.merge_cells(
            start_row=first_row, start_column=first_column, end_row=last_row, end_column=last_column
        )


def _middle(row: Row) -> str:
    """The 二级指标 cell: every level between the first and the indicator's own name."""
    if row.level <= 2:
        return row.path[1] if row.level == 2 and row.kind != "target" else ""
    return "/".join(row.path[1:-1])


def _runs(keys: Iterable[object]) -> list[tuple[int, int]]:
    """(start, length) of each run of equal consecutive keys."""
    runs: list[tuple[int, int]] = []
    previous: object = None
    for index, key in enumerate(keys):
        if runs and key == previous:
            start, length = runs[-1]
            runs[-1] = (start, length + 1)
        else:
            runs.append((index, 1))
        previous = key
    return runs


def _percent(text: str) -> Decimal | str | None:
    """The result's 执行率 ("100%", "86.2%") as a fraction for a percent-formatted cell."""
    text = text.strip()
    if not text:
        return None
    try:
        return Decimal(text.removesuffix("%")) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        return text


def _save_atomically(workbook: Workbook, path: Path) -> None:
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())
