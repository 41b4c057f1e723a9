"""The 附件1 自评表 as a sheet: its labels and columns, the cell primitives a reader uses (values
through merged cells, places, numbers as Excel shows them, formulas without a value), and how a
value cell is taken apart. :mod:`evalrules.io.excel` reads the form with them."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from attrs import frozen

from ..base.errors import Problem
from ..base.extras import MissingExtraError
from ..base.numbers import NumberProblem, fmt, parse_number
from ..base.sources import Place
from ..model.operators import PREFIX_OPERATORS

try:
    from openpyxl.utils import get_column_letter
except ImportError as missing:  # the core install has no Excel; say which extra brings it
    raise MissingExtraError("openpyxl", "读取 Excel ") from missing

from .workbook_guard import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS

DEFAULT_RULESET = "caiyu_2020_10_self"
NOT_APPLICABLE_WORDS = frozenset(
    {"不适用", "本项目无该指标", "无", "-", "--", "/", "—", "——", "／", "－", "不涉及"}
)
RATINGS = (
    ("达成年度指标", Decimal("0.8")),
    ("部分达成年度指标并具有一定效果", Decimal("0.6")),
    ("未达成年度指标且效果较差", Decimal(0)),
)
RATING_NAMES = frozenset({name for name, _ in RATINGS} | {"达成预期指标"})

# indicator header: field -> labels (matched after removing spaces and a trailing "（…）")
COLUMNS: dict[str, tuple[str, ...]] = {
    "first": ("一级指标",),
    "second": ("二级指标",),
    "third": ("三级指标",),
    "nature": ("指标性质",),
    "value": ("年度指标值", "指标值", "年度目标值", "目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
    "actual": ("实际完成值", "全年实际值", "实际值", "全年实际完成值"),
    "weight": ("分值",),
    "score": ("得分",),
    "reason": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因"),
}
REQUIRED = ("first", "second", "third", "value", "actual", "weight")
BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "年初预算数": ("年初预算数",),
    "全年预算数": ("全年预算数",),
    "调整后预算数": ("调整后预算数", "调整预算数"),
    "到位资金": ("到位资金", "全年到位数"),
    "执行数": ("全年执行数", "执行数", "实际执行数"),
    "分值": ("分值",),
    "得分": ("得分",),
}

SYMBOL = re.compile(r"^\s*(" + "|".join(map(re.escape, PREFIX_OPERATORS)) + r"|[<>=≥≤≧≦＞＜＝═≈~～≠]+)\s*")
NUMBER = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?)\s*(%?)\s*(\D*)$")
FULLWIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")
BRACKETS = re.compile(r"[（(][^）)]*[）)]$")
YEAR = re.compile(r"(\d{4})\s*年度")
RULESET_LABEL = re.compile(r"规则集[:：]?\s*([A-Za-z][A-Za-z0-9_]*)")
GRADE = re.compile(r"评价等级[:：]\s*(\S+)")


@frozen
class Entry:
    """A 年度指标值 or 实际完成值 cell, taken apart."""

    text: str
    symbol: str
    number: Decimal | None
    explicit_percent: bool
    unit: str


def squeezed(value: Any) -> str:
    """A label without any whitespace (as forms space out 项 目 名 称)."""
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def bare_label(value: Any) -> str:
    return BRACKETS.sub("", squeezed(value))


def shown_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        try:
            return fmt(cell_decimal(value))
        except NumberProblem:  # NaN, infinity, beyond MAX_MAGNITUDE: shown as stored, refused where read
            return str(value)
    return str(value).strip()


def cell_decimal(value: Any) -> Decimal:
    """A cell's number exactly as Excel shows it (floats to 15 significant digits)."""
    if isinstance(value, float):
        return parse_number(format(value, ".15g"))
    return parse_number(value)


class SheetBase:
    def __init__(self, file: str, sheet: Any, formulas: dict[tuple[int, int], str] | None = None) -> None:
        self.file = file
        self.sheet = sheet
        self.title = str(sheet.title)
        self.problems: list[Problem] = []
        # only the cells that hold something: a sheet's stated size (max_row, max_column) may run to
        # the last row Excel has (formatting applied to a whole column), and touching every cell of
        # that grid would take hours; openpyxl keeps the cells it has read in ``_cells``
        self.cells: dict[tuple[int, int], Any] = {
            key: cell for key, cell in sheet._cells.items() if cell.value is not None
        }
        self.order = sorted(self.cells)  # row by row, as a reader scans the form
        self.rows = max((row for row, _ in self.cells), default=0)
        self.columns = max((column for _, column in self.cells), default=0)
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in sheet.merged_cells.ranges:  # only the part within the used cells matters
            for row in range(merged.min_row, min(merged.max_row, self.rows, MAX_SHEET_ROWS) + 1):
                for column in range(merged.min_col, min(merged.max_col, self.columns, MAX_SHEET_COLUMNS) + 1):
                    self.merged[(row, column)] = (merged.min_row, merged.min_col)
        self.score_column: int | None = None
        # formulas whose value Excel never computed (no cached value): asked to be typed in
        self.unnamed: set[tuple[str, str]] = set()
        self.formulas = {key: text for key, text in (formulas or {}).items() if key not in self.cells}

    # --- cells ----------------------------------------------------------------------------------

    def value(self, row: int, column: int) -> Any:
        """What the cell shows: a merged cell shows its range's top-left value."""
        cell = self.cells.get(self.merged.get((row, column), (row, column)))
        return cell.value if cell is not None else None

    def cell_format(self, row: int, column: int) -> str:
        cell = self.cells.get(self.merged.get((row, column), (row, column)))
        return str(cell.number_format or "") if cell is not None else ""

    def too_large(self) -> bool:
        """A sheet beyond MAX_SHEET_ROWS or MAX_SHEET_COLUMNS: a problem at its farthest cell."""
        if self.rows <= MAX_SHEET_ROWS and self.columns <= MAX_SHEET_COLUMNS:
            return False
        far = max(self.order, key=lambda key: (key[0] > MAX_SHEET_ROWS or key[1] > MAX_SHEET_COLUMNS, key))
        self.problem(
            "E-EXCEL-SIZE",
            "工作表使用的范围过大，不像一张自评表",
            self.where(*far),
            expected=f"不超过 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列（删除表格之外的内容）",
            found=f"{self.rows} 行、{self.columns} 列",
        )
        return True

    def where(self, row: int, column: int) -> str:
        return f"{self.title}!{get_column_letter(column)}{row}"

    def place(self, row: int, column: int) -> Place:
        return Place(self.file, self.where(row, column))

    def problem(
        self,
        code: str,
        message: str,
        where: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        problem = Problem(
            code, message, file=self.file, where=where, expected=expected, found=found, suggestion=suggestion
        )
        if problem not in self.problems:  # a cell read twice (operator, then value) is reported once
            self.problems.append(problem)

    def find(self, test: Callable[[str], bool]) -> tuple[int, int] | None:
        """The first cell, row by row, whose label passes the test (a merged range's top-left
        cell comes first in its range, so only the cells that hold something are looked at)."""
        for row, column in self.order:
            if test(squeezed(self.value(row, column))):
                return row, column
        return None

    def formula(self, row: int, column: int) -> bool:
        """A formula with no computed value at the cell: said (once), and True."""
        at = self.merged.get((row, column), (row, column))
        text = self.formulas.get(at)
        if text is None:
            return False
        self.problem(
            "E-EXCEL-FORMULA",
            "该单元格是公式，请填写数值",
            self.where(*at),
            expected="数值或文字（公式没有计算结果；可在 Excel 中复制后“选择性粘贴为数值”）",
            found=text,
        )
        return True

    def number(self, row: int, column: int, what: str) -> Decimal | None:
        raw = self.value(row, column)
        if raw is None and self.formula(row, column):
            return None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if what == "得分" and isinstance(raw, str) and raw.strip() in NOT_APPLICABLE_WORDS:
            return None  # 得分 不适用 (as report --form self writes it): no score is claimed
        try:
            return cell_decimal(raw.translate(FULLWIDTH) if isinstance(raw, str) else raw)
        except NumberProblem as problem:
            self.problem(
                "E-NUMBER", f"{what}应为数字：{problem}", self.where(row, column), found=shown_text(raw)
            )
            return None

    def right_of(self, row: int, column: int) -> str:
        """The text filled in after a label in its row (stopping at the next label)."""
        own = self.merged.get((row, column), (row, column))
        for next_column in range(column + 1, self.columns + 1):
            if self.merged.get((row, next_column), (row, next_column)) == own:
                continue
            text = shown_text(self.value(row, next_column))
            if squeezed(text) in {"主管部门", "实施单位", "项目名称"}:
                return ""
            if text:
                return text
        return ""
