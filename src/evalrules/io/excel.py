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
  :data:`evalrules.model.operators.OPERATORS`; 正向 / 反向 are read as ≥ / ≤); otherwise a symbol leading the
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
from decimal import Decimal
from pathlib import Path

from ..base.errors import LoadError, Problem
from ..base.extras import MissingExtraError
from ..base.sources import Place, read_capped
from ..model.claims import Claims
from ..model.project import (
    Project,
    Target,
)

try:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
except ImportError as missing:  # the core install has no Excel; say which extra brings it
    raise MissingExtraError("openpyxl", "读取 Excel ") from missing

from .evidence_excel import attach as attach_evidence
from .excel_form import (
    COLUMNS,
    DEFAULT_RULESET,
    GRADE,
    REQUIRED,
    RULESET_LABEL,
    YEAR,
    bare_label,
    shown_text,
    squeezed,
)
from .excel_rows import FormRows
from .workbook_guard import MAX_WORKBOOK_BYTES, workbook_problem


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


class _SheetReader(FormRows):
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
                match = YEAR.search(squeezed(self.value(row, column)))
                if match:
                    return int(match.group(1))
        return None

    def ruleset(self) -> str:
        for row, column in self.order:
            match = RULESET_LABEL.search(shown_text(self.value(row, column)))
            if match:
                return match.group(1)
        return DEFAULT_RULESET

    def goal(self) -> dict[str, str]:
        at = self.find(lambda text: text == "年度总体目标")
        if at is None:
            return {}
        texts = {}
        for column in range(1, self.columns + 1):
            label = squeezed(self.value(at[0], column))
            key = {"预期目标": "overall_goal", "实际完成情况": "overall_result"}.get(label)
            text = shown_text(self.value(at[0] + 1, column)) if key else ""
            if key and text and not text.startswith("【待补充"):
                texts[key] = text
        return texts

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
            label = bare_label(self.value(row, column))
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
                    squeezed(self.value(row, c)) for c in range(1, self.columns + 1) if self.value(row, c)
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
            texts = [squeezed(self.value(row, column)) for column in range(1, self.columns + 1)]
            if "总分" in texts or "合计" in texts:
                return targets, row
            if squeezed(self.value(row, columns["first"])) in {"一级指标", "三级指标"}:
                continue  # a repeated header
            target = self.target(row, columns, scores, places)
            if target is not None:
                targets.append(target)
        return targets, None

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
            match = GRADE.search(squeezed(self.value(row, other)))
            if match:
                grade = match.group(1)
                places["grade"] = self.place(row, other)
        return total, grade
