"""Import of the 附件1 项目支出绩效自评表 from Excel workbooks as the spending units fill them.

:func:`read_workbook` reads every sheet that holds a 自评表 (one project per sheet, or one per file)
into a :class:`~evalrules.model.project.Project`, or a :class:`~evalrules.base.errors.LoadError`
whose problems name the file, the sheet and the cell (``where="Sheet1!F12"``). Nothing unreadable is guessed.

How the form is read (RULES.md §3; the layout :mod:`evalrules.report.selfform` writes, and variants):

- Header rows are found by their labels, not by position: the indicator header is the row holding
  一级指标 / 三级指标; its columns are matched by label (年度指标值 or 指标值, 度量单位 or 计量单位,
  实际完成值 or 实际值, 分值, 得分, 偏差原因…; 指标性质 is optional). The budget header is the row
  holding 年初预算数 / 全年预算数 / 调整后预算数 / 全年执行数; its figures are read from the
  年度资金总额 row (else the row under the header), and the rows under it labelled 其中：当年财政拨款 /
  上年结转资金 / 其他资金 become the budget's rows (a total left blank is the sum of its rows).
- A merged cell applies to every cell it spans (its top-left value), so a merged 一级/二级 cell
  fills every row it covers.
- 指标性质: the column when present and filled (≥ ≧ ＞= >= ≤ <= = ＝ 定性 …, see
  :data:`evalrules.model.project.OPERATORS`; 正向 / 反向 are read as ≥ / ≤); otherwise a symbol leading the
  年度指标值 ("≥95%") or the words 以上 / 以下 / 以内 after it ("95%以上"). A 指标值 with no number
  and no operator is 定性. A bare number with no operator anywhere is an error, not a guess.
- Percentages: a row is a percent row when its unit is "%" or a value or actual carries a "%" sign
  or an Excel percent format. "95%" means 95; a cell in percent format holding 0.95 means 95. Bare
  numbers (no sign, no percent format) of a percent row are fractions when every non-zero one of
  them is at most 1 (0.95 → 95, 1 → 100); otherwise they are taken as written (95 → 95).
- Units inside a value ("44人") give the unit when the 度量单位 cell is empty; a unit inside a value
  that differs from the 度量单位 cell is an error.
- Budget unit: "（万元）" or "（元）" in the budget block's label (万元 when the form states none, as
  the printed form does). Figures are kept in that unit.
- A row whose 年度指标值 and 实际完成值 are both blank (or 不适用 / 本项目无该指标 / 无 / - / /) is a
  not-applicable target; a row with no 三级指标 and nothing filled in is skipped (the form's empty
  slot rows).
- 定性 rows: the rating is the 实际完成值 when it is a level name (达成年度指标 …); otherwise it
  follows from 得分 / 分值 (≥ 80% 达成年度指标, ≥ 60% 部分达成…, else 未达成…) and 得分 becomes the
  target's manual score. A 定性 row with neither is an error.
- 分值 is the target's weight; 得分 (each row's, 预算执行率's) and 总分 / 评价等级 become claims, so
  ``evalrules audit`` compares them with the computed result.
- The ruleset is the one the sheet names ("规则集 xxx"), else ``caiyu_2020_10_self``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import frozen

from ..base.errors import LoadError, Problem
from ..base.extras import MissingExtraError
from ..base.numbers import HUNDRED, NumberProblem, fmt, parse_number
from ..base.sources import Place, read_capped
from ..model.claims import Claims
from ..model.operators import Operator
from ..model.project import (
    BUDGET_FIELDS,
    BUDGET_ROWS,
    PREFIX_OPERATORS,
    SUFFIX_OPERATORS,
    Budget,
    Project,
    Target,
    budget_row_name,
    canonical_operator,
    is_unknown,
    suggest_operator,
)

try:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
except ImportError as missing:  # the core install has no Excel; say which extra brings it
    raise MissingExtraError("openpyxl", "读取 Excel ") from missing

from .evidence_excel import attach as attach_evidence
from .workbook_guard import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_WORKBOOK_BYTES, workbook_problem

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

_SYMBOL = re.compile(r"^\s*(" + "|".join(map(re.escape, PREFIX_OPERATORS)) + r"|[<>=≥≤≧≦＞＜＝═≈~～≠]+)\s*")
_NUMBER = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?)\s*(%?)\s*(\D*)$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]$")
_YEAR = re.compile(r"(\d{4})\s*年度")
_RULESET = re.compile(r"规则集[:：]?\s*([A-Za-z][A-Za-z0-9_]*)")
_GRADE = re.compile(r"评价等级[:：]\s*(\S+)")


def read_workbook(path: Path, notes: list[str] | None = None) -> list[tuple[str, Project | LoadError]]:
    """Every project in an .xlsx workbook, keyed "file.xlsx#sheet", each a Project or its LoadError.

    Hidden (and very hidden) sheets are not read: a hidden 自评表 is said in ``notes``, never scored.
    """
    name = str(path)
    try:
        read_capped(Path(path), name, MAX_WORKBOOK_BYTES)  # a FIFO or device is refused, not read
    except LoadError as error:
        return [(name, error)]
    too_large = workbook_problem(Path(path), name)
    if too_large is not None:
        return [(name, LoadError([too_large]))]
    try:
        workbook = load_workbook(Path(path), data_only=True)
        formulas = _formulas(Path(path)) if _has_formulas(Path(path)) else {}
    except Exception as error:  # openpyxl and zipfile raise many kinds for a damaged or foreign file
        problem = Problem(
            "E-EXCEL", f"无法打开 Excel 工作簿：{error}", file=name, expected="一个 .xlsx 工作簿"
        )
        return [(name, LoadError([problem]))]
    found: list[tuple[str, Project | LoadError]] = []
    hidden: list[str] = []
    for sheet in workbook.worksheets:
        reader = _SheetReader(name, sheet, formulas.get(sheet.title, {}))
        if not reader.is_form():
            continue
        if sheet.sheet_state != "visible":
            hidden.append(sheet.title)
            continue
        key = f"{name}#{sheet.title}"
        if reader.too_large():
            found.append((key, LoadError(reader.problems)))
            continue
        try:
            found.append((key, reader.read()))
        except LoadError as error:
            found.append((key, error))
    found = attach_evidence(name, workbook.worksheets, found)  # 满意度调查汇总表, 专家评分表
    if hidden and notes is not None:
        notes.append(f"{name}：隐藏的工作表未读取：{'、'.join(hidden)}（如需评分，请先在 Excel 中取消隐藏）")
    if not found:
        problem = Problem(
            "E-EXCEL",
            "工作簿中没有找到自评表" + (f"（隐藏的工作表未读取：{'、'.join(hidden)}）" if hidden else ""),
            file=name,
            expected="含“项目名称”或“一级指标、三级指标”表头的工作表",
            found="、".join(workbook.sheetnames),
        )
        found.append((name, LoadError([problem])))
    return found


def _has_formulas(path: Path) -> bool:
    """Whether any sheet holds a formula (an <f> element): only then is the workbook read twice."""
    with zipfile.ZipFile(path) as archive:
        return any(
            re.search(rb"<(?:\w+:)?f[ >/]", archive.read(part))
            for part in archive.namelist()
            if part.startswith("xl/worksheets/") and part.endswith(".xml")
        )


def _formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet → cell → formula text (the workbook read without cached values)."""
    workbook = load_workbook(path, data_only=False)
    return {
        sheet.title: {
            key: str(cell.value)
            for key, cell in sheet._cells.items()
            if isinstance(cell.value, str) and cell.value.startswith("=")
        }
        for sheet in workbook.worksheets
    }


@frozen
class _Entry:
    """A 年度指标值 or 实际完成值 cell, taken apart."""

    text: str
    symbol: str
    number: Decimal | None
    explicit_percent: bool
    unit: str


def _label(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def _bare_label(value: Any) -> str:
    return _BRACKETS.sub("", _label(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        try:
            return fmt(_decimal(value))
        except NumberProblem:  # NaN, infinity, beyond MAX_MAGNITUDE: shown as stored, refused where read
            return str(value)
    return str(value).strip()


def _decimal(value: Any) -> Decimal:
    """A cell's number exactly as Excel shows it (floats to 15 significant digits)."""
    if isinstance(value, float):
        return parse_number(format(value, ".15g"))
    return parse_number(value)


class _SheetReader:
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
            if test(_label(self.value(row, column))):
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
            return _decimal(raw.translate(_FULLWIDTH) if isinstance(raw, str) else raw)
        except NumberProblem as problem:
            self.problem("E-NUMBER", f"{what}应为数字：{problem}", self.where(row, column), found=_text(raw))
            return None

    def right_of(self, row: int, column: int) -> str:
        """The text filled in after a label in its row (stopping at the next label)."""
        own = self.merged.get((row, column), (row, column))
        for next_column in range(column + 1, self.columns + 1):
            if self.merged.get((row, next_column), (row, next_column)) == own:
                continue
            text = _text(self.value(row, next_column))
            if _label(text) in {"主管部门", "实施单位", "项目名称"}:
                return ""
            if text:
                return text
        return ""

    # --- the form -------------------------------------------------------------------------------

    def is_form(self) -> bool:
        return self.find(lambda text: text in {"项目名称", "三级指标", "一级指标"}) is not None

    def read(self) -> Project:
        name = self.labelled("项目名称")
        if not name:
            at = self.find(lambda text: text == "项目名称")
            where = self.where(*at) if at else self.title
            self.problem("E-PROJECT", "缺少项目名称", where, expected="“项目名称”及其右侧的名称")
        department, implementer = self.labelled("主管部门"), self.labelled("实施单位")
        if implementer.startswith("【待补充"):  # report --form self's placeholder: nothing was given
            implementer = ""
        texts = {"implementer": implementer} if implementer else {}
        texts.update(self.goal())
        score_claims: dict[str, Decimal] = {}
        places: dict[str, Place] = {}
        budget = self.budget(score_claims, places)
        targets, total_row = self.targets(score_claims, places)
        total, grade = self.total(total_row, places)
        if self.problems:
            raise LoadError(self.problems)
        return Project(
            name=name,
            unit=department or implementer,
            year=self.year(),
            file=self.file,
            budget=budget,
            targets=tuple(targets),
            claims=Claims(total=total, grade=grade, scores=score_claims, places=places),
            ruleset=self.ruleset(),
            texts=texts,
        )

    def labelled(self, label: str) -> str:
        at = self.find(lambda text: text == label)
        return self.right_of(*at) if at else ""

    def year(self) -> int | None:
        for row in range(1, min(self.rows, 5) + 1):
            for column in range(1, self.columns + 1):
                match = _YEAR.search(_label(self.value(row, column)))
                if match:
                    return int(match.group(1))
        return None

    def ruleset(self) -> str:
        for row, column in self.order:
            match = _RULESET.search(_text(self.value(row, column)))
            if match:
                return match.group(1)
        return DEFAULT_RULESET

    def goal(self) -> dict[str, str]:
        at = self.find(lambda text: text == "年度总体目标")
        if at is None:
            return {}
        texts = {}
        for column in range(1, self.columns + 1):
            label = _label(self.value(at[0], column))
            key = {"预期目标": "overall_goal", "实际完成情况": "overall_result"}.get(label)
            text = _text(self.value(at[0] + 1, column)) if key else ""
            if key and text and not text.startswith("【待补充"):
                texts[key] = text
        return texts

    # --- budget block ---------------------------------------------------------------------------

    def budget(self, scores: dict[str, Decimal], places: dict[str, Place]) -> Budget:
        at = self.find(lambda text: text in {"年初预算数", "全年预算数", "调整后预算数"})
        if at is None:
            return Budget()
        header = at[0]
        columns: dict[str, int] = {}
        for column in range(1, self.columns + 1):
            if self.merged.get((header, column), (header, column))[1] != column:
                continue  # the rest of a merged label
            label = _bare_label(self.value(header, column))
            for key, labels in BUDGET_COLUMNS.items():
                if label in labels and key not in columns:
                    columns[key] = column
        data, total_row = header + 1, False
        for row in range(header + 1, min(header + 6, self.rows) + 1):
            if any(_label(self.value(row, c)) == "年度资金总额" for c in range(1, self.columns + 1)):
                data, total_row = row, True
                break
        figures: dict[str, Decimal] = {}
        budget_places = {"": Place(self.file, self.where(header, at[1]))}
        for key, column in columns.items():
            number = self.number(data, column, key)
            if number is None:
                continue
            if key == "得分":
                scores["预算执行率"] = number
                places["预算执行率"] = self.place(data, column)
            elif key != "分值":
                if number < 0:
                    self.problem("E-BUDGET", f"{key} 不能为负数", self.where(data, column), found=fmt(number))
                figures[key] = number
                budget_places[key] = self.place(data, column)
        rows = self.budget_rows(data, columns, budget_places) if total_row else {}
        summed = []
        for key in BUDGET_FIELDS:  # a form that fills in only the rows: the total is their sum
            if key not in figures and any(key in row for row in rows.values()):
                figures[key] = sum((row[key] for row in rows.values() if key in row), Decimal(0))
                summed.append(key)
                budget_places[key] = budget_places[""]
        unit = self.budget_unit(header, data)
        return Budget(unit, figures, "", budget_places, rows, tuple(summed))

    def budget_rows(
        self, total: int, columns: dict[str, int], places: dict[str, Place]
    ) -> dict[str, dict[str, Decimal]]:
        """The rows under 年度资金总额 (其中：当年财政拨款 / 上年结转资金 / 其他资金), each with the
        figures the total row has columns for; their 分值 / 执行率 / 得分 cells (— in the form) are
        not read."""
        rows: dict[str, dict[str, Decimal]] = {}
        first = min(columns.values(), default=self.columns + 1)
        for line in range(total + 1, min(total + 6, self.rows) + 1):
            names = [budget_row_name(_label(self.value(line, c))) for c in range(1, first)]
            name = next((n for n in names if n is not None), None)
            if name is None:
                break
            figures: dict[str, Decimal] = {}
            for key, column in columns.items():
                if key in ("分值", "得分"):
                    continue
                number = self.number(line, column, key)
                if number is not None and number < 0:
                    self.problem(
                        "E-BUDGET", f"{name}的{key} 不能为负数", self.where(line, column), found=fmt(number)
                    )
                elif number is not None:
                    figures[key] = number
                    places[f"{name}/{key}"] = self.place(line, column)
            if name not in rows and figures:  # a row printed blank gives nothing
                rows[name] = figures
                places[name] = self.place(line, 1)
        return {name: rows[name] for name in BUDGET_ROWS if name in rows}

    def budget_unit(self, header: int, data: int) -> str:
        texts = [
            _label(self.value(row, column))
            for row in range(max(header - 1, 1), data + 1)
            for column in range(1, self.columns + 1)
        ]
        if any("万元" in text for text in texts):
            return "万元"
        if any(re.search(r"[（(]元[）)]|单位[:：]元", text) for text in texts):
            return "元"
        return "万元"

    # --- indicator rows -------------------------------------------------------------------------

    def header(self) -> tuple[int, dict[str, int]] | None:
        at = self.find(lambda text: text in {"三级指标", "一级指标"})
        if at is None:
            self.problem(
                "E-EXCEL-HEADER",
                "找不到绩效指标表头",
                self.title,
                expected="一行含“一级指标、二级指标、三级指标、年度指标值、实际完成值、分值”",
            )
            return None
        row = at[0]
        columns: dict[str, int] = {}
        for column in range(1, self.columns + 1):
            if self.merged.get((row, column), (row, column))[1] != column:
                continue
            label = _bare_label(self.value(row, column))
            for key, labels in COLUMNS.items():
                if key not in columns and (
                    label in labels or (key == "reason" and label.startswith("偏差原因"))
                ):
                    columns[key] = column
                    break
        missing = [COLUMNS[key][0] for key in REQUIRED if key not in columns]
        if missing:
            self.problem(
                "E-EXCEL-HEADER",
                f"绩效指标表头缺少列：{'、'.join(missing)}",
                f"{self.title}!A{row}:{get_column_letter(self.columns)}{row}",
                expected="、".join(COLUMNS[key][0] for key in REQUIRED),
                found="、".join(
                    _label(self.value(row, c)) for c in range(1, self.columns + 1) if self.value(row, c)
                ),
            )
            return None
        return row, columns

    def targets(
        self, scores: dict[str, Decimal], places: dict[str, Place]
    ) -> tuple[list[Target], int | None]:
        found = self.header()
        if found is None:
            return [], None
        header, columns = found
        self.score_column = columns.get("score")
        targets: list[Target] = []
        for row in range(header + 1, self.rows + 1):
            texts = [_label(self.value(row, column)) for column in range(1, self.columns + 1)]
            if "总分" in texts or "合计" in texts:
                return targets, row
            if _label(self.value(row, columns["first"])) in {"一级指标", "三级指标"}:
                continue  # a repeated header
            target = self.target(row, columns, scores, places)
            if target is not None:
                targets.append(target)
        return targets, None

    def target(
        self, row: int, columns: dict[str, int], scores: dict[str, Decimal], places: dict[str, Place]
    ) -> Target | None:
        def text(key: str) -> str:
            return _text(self.value(row, columns[key])) if key in columns else ""

        first, second, name = text("first"), text("second"), text("third")
        if "预算执行率" in (first, name):
            score = self.number(row, columns["score"], "得分") if "score" in columns else None
            if score is not None:
                scores["预算执行率"] = score
                places["预算执行率"] = self.place(row, columns["score"])
            return None
        value_text, actual_text = text("value"), text("actual")
        filled = [value_text, actual_text, text("nature"), text("unit")]
        filled_in = ("third", "nature", "value", "unit", "actual", "weight", "score")
        if [key for key in filled_in if key in columns and self.formula(row, columns[key])]:
            return None
        said = [t for t in (value_text, actual_text) if t]
        if not name and first and said and all(t in NOT_APPLICABLE_WORDS for t in said):
            # a slot's "no such indicator" row whose name cell was left blank: not applicable
            if (first, second) in self.unnamed:
                return None  # one is enough for the slot
            self.unnamed.add((first, second))
            name = "本项目无该指标"
        if not name:
            if any(filled):
                self.problem(
                    "E-TARGET",
                    "填写了指标值却缺少三级指标名称",
                    self.where(row, columns["third"]),
                    expected="指标名称，或在指标值处写“不适用”",
                )
            return None
        if not first:
            self.problem(
                "E-TARGET", "缺少一级指标", self.where(row, columns["first"]), expected="如 产出指标"
            )
            return None
        slot = (first, *second.split("/")) if second else (first,)  # 产出指标/数量指标 under 绩效指标
        path = "/".join((*slot, name))
        weight = self.number(row, columns["weight"], "分值")
        if weight is not None and weight < 0:
            self.problem("E-WEIGHT", "分值不能为负数", self.where(row, columns["weight"]), found=fmt(weight))
        score = self.number(row, columns["score"], "得分") if "score" in columns else None
        if score is not None:
            scores[path] = score
            places[path] = self.place(row, columns["score"])
        reason = text("reason")
        place = self.place(row, columns["third"])
        not_applicable = all(not t or t in NOT_APPLICABLE_WORDS for t in (value_text, actual_text))
        operator = self.operator(row, columns, allow_missing=not_applicable)
        if not_applicable:
            return Target(
                slot, name, operator or ">=", None, "", text("unit"), None, "", place, weight, reason,
                not_applicable=True,
            )  # fmt: skip
        if operator is None:
            return None
        value = self.entry(row, columns["value"])
        actual = self.entry(row, columns["actual"])
        cells = (("value", value_text), ("actual", actual_text))
        unknown = tuple(key for key, cell in cells if is_unknown(cell))
        if operator == "定性":
            if "actual" in unknown and score is None:  # a cut-off or illegible 实际完成值: a range
                return Target(
                    slot, name, "定性", None, value_text, text("unit"), None, actual_text, place, weight,
                    reason, unknown=("actual",),
                )  # fmt: skip
            rating = self.rating(row, columns, actual_text, weight, score)
            return Target(
                slot, name, "定性", None, value_text, text("unit"), None, actual_text, place, weight,
                reason, rating=rating, score=score,
            )  # fmt: skip
        if value.number is None and "value" not in unknown:
            self.problem(
                "E-NUMBER",
                "年度指标值应为数字（定量指标）",
                self.where(row, columns["value"]),
                expected=f"数字，或把指标性质写为“定性”（当前为 {operator}）",
                found=value_text,
            )
            return None
        unit = self.unit(row, columns, (value, actual))
        if unit is None:
            return None
        numbers = self.percent_row(row, columns, unit, (value, actual))
        return Target(
            slot=slot,
            name=name,
            operator=operator,
            value=numbers[0],
            value_text=fmt(numbers[0]) if numbers[0] is not None else value_text,
            unit=unit,
            actual=numbers[1],
            actual_text=fmt(numbers[1]) if numbers[1] is not None else actual_text,
            place=place,
            weight=weight,
            reason=reason,
            unknown=unknown,
        )

    def entry(self, row: int, column: int) -> _Entry:
        raw = self.value(row, column)
        if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
            try:
                number = _decimal(raw)
            except NumberProblem as problem:
                self.problem(
                    "E-NUMBER", f"数值无法使用：{problem}", self.where(row, column), found=_text(raw)
                )
                return _Entry(_text(raw), "", None, False, "")
            if "%" in self.cell_format(row, column):
                return _Entry(_text(raw), "", number * HUNDRED, True, "")
            return _Entry(_text(raw), "", number, False, "")
        text = _text(raw)
        normalised = text.translate(_FULLWIDTH)
        symbol = ""
        match = _SYMBOL.match(normalised)
        if match:
            symbol = match.group(1)
            normalised = normalised[match.end() :]
        found = _NUMBER.match(normalised.strip())
        if not found:
            return _Entry(text, symbol, None, False, "")
        try:
            number = parse_number(found.group(1))
        except NumberProblem as problem:
            self.problem("E-NUMBER", f"数值无法使用：{problem}", self.where(row, column), found=text)
            return _Entry(text, symbol, None, False, "")
        unit = found.group(3).strip()
        for word, operator in SUFFIX_OPERATORS:
            if unit.endswith(word) and not symbol:
                unit, symbol = unit[: -len(word)].strip(), operator
        return _Entry(text, symbol, number, found.group(2) == "%", unit)

    def operator(self, row: int, columns: dict[str, int], *, allow_missing: bool) -> Operator | None:
        value = self.entry(row, columns["value"])
        symbol_operator = None
        if value.symbol:
            symbol_operator = canonical_operator(value.symbol)
            if symbol_operator is None and not allow_missing:
                self.problem(
                    "E-OPERATOR",
                    f"年度指标值中的符号 “{value.symbol}” 无法识别",
                    self.where(row, columns["value"]),
                    expected="≥、≤、= 或 定性",
                    found=value.text,
                    suggestion=suggest_operator(value.symbol),
                )
                return None
        nature = _label(self.value(row, columns["nature"])) if "nature" in columns else ""
        if nature:
            operator = canonical_operator(nature)
            if operator is None:
                if not allow_missing:
                    self.problem(
                        "E-OPERATOR",
                        f"未知的指标性质 “{nature}”",
                        self.where(row, columns["nature"]),
                        expected="≥、≤、= 或 定性",
                        suggestion=suggest_operator(nature),
                    )
                return None
            if symbol_operator is not None and symbol_operator != operator and not allow_missing:
                self.problem(
                    "E-OPERATOR",
                    f"指标性质 “{nature}” 与年度指标值中的符号 “{value.symbol}” 不一致",
                    self.where(row, columns["value"]),
                    found=value.text,
                )
                return None
            return operator
        if symbol_operator is not None:
            return symbol_operator
        if value.number is None and value.text:
            return "定性"
        if not allow_missing:
            self.problem(
                "E-OPERATOR",
                "无法确定指标性质：没有指标性质列，年度指标值前也没有 ≥、≤、= 符号",
                self.where(row, columns["value"]),
                expected="如 “≥95%”、“≤50”，或填写指标性质列",
                found=value.text,
            )
        return None

    def unit(self, row: int, columns: dict[str, int], entries: tuple[_Entry, _Entry]) -> str | None:
        column_unit = _text(self.value(row, columns["unit"])) if "unit" in columns else ""
        inside = {entry.unit for entry in entries if entry.unit}
        if column_unit:
            wrong = inside - {column_unit}
            if wrong:
                self.problem(
                    "E-UNIT",
                    f"指标值中的单位 “{'、'.join(sorted(wrong))}” 与度量单位 “{column_unit}” 不一致",
                    self.where(row, columns["unit"]),
                )
                return None
            return column_unit
        if len(inside) > 1:
            self.problem(
                "E-UNIT",
                f"年度指标值与实际完成值的单位不一致：{'、'.join(sorted(inside))}",
                self.where(row, columns["value"]),
            )
            return None
        if inside:
            return inside.pop()
        return "%" if any(entry.explicit_percent for entry in entries) else ""

    def percent_row(
        self, row: int, columns: dict[str, int], unit: str, entries: tuple[_Entry, _Entry]
    ) -> tuple[Decimal | None, Decimal | None]:
        numbers = [entry.number for entry in entries]
        if unit != "%" and not any(entry.explicit_percent for entry in entries):
            return numbers[0], numbers[1]
        bare = [
            e.number for e in entries if e.number is not None and not e.explicit_percent and e.number != 0
        ]
        fractions = bool(bare) and all(abs(number) <= 1 for number in bare)
        scaled = [
            number * HUNDRED if number is not None and fractions and not entry.explicit_percent else number
            for entry, number in zip(entries, numbers, strict=True)
        ]
        return scaled[0], scaled[1]

    def rating(
        self,
        row: int,
        columns: dict[str, int],
        actual_text: str,
        weight: Decimal | None,
        score: Decimal | None,
    ) -> str | None:
        if actual_text in RATING_NAMES:
            return actual_text
        found = actual_text
        if score is not None and weight:
            share = score / weight
            rating = next((name for name, low in RATINGS if share >= low), None)
            if rating is not None:
                return rating
            found = f"{actual_text}（得分 {fmt(score)}，分值 {fmt(weight)}）"  # a negative share
        self.problem(
            "E-RATING",
            "定性指标无法确定评价等级",
            self.where(row, columns["actual"]),
            expected="实际完成值写评价等级（达成年度指标 等），或填写不为负的分值与得分",
            found=found,
        )
        return None

    # --- total ----------------------------------------------------------------------------------

    def total(self, row: int | None, places: dict[str, Place]) -> tuple[Decimal | None, str | None]:
        if row is None:
            return None, None
        column = self.score_column
        if column is None:
            return None, None
        total = self.number(row, column, "总分")
        if total is not None:
            places["total"] = self.place(row, column)
        grade = None
        for other in range(1, self.columns + 1):
            match = _GRADE.search(_label(self.value(row, other)))
            if match:
                grade = match.group(1)
                places["grade"] = self.place(row, other)
        return total, grade
