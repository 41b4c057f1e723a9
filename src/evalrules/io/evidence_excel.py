"""Evidence from Excel: a survey summary table (满意度调查汇总表) and an expert scoring sheet
(专家评分表), read from the sheets of a workbook and attached to the project read from its 自评表.

Survey summary: a header row holding 指标名称 (or 满意度指标) and 有效问卷 (or 有效问卷数), the
answers as further columns (非常满意, 满意, …; 服务对象人数 optional); one row per satisfaction
target, named as in the 自评表. Each row becomes that target's ``inputs``.

Expert scoring sheet: a header row holding 指标 (or 评价指标 / 指标名称) and one column per expert
(专家A, 张三, …); a column "专家A意见" (or "专家A 意见") is that expert's comment. One row per
indicator: a path with "/" ("决策/项目立项/立项依据充分性") is a framework indicator's assessment,
a name without "/" is a target of the project. Each row becomes its ``panel``.

Numbers are read exactly as Excel shows them; problems name the sheet and the cell.
openpyxl is imported lazily (extra ``excel``); a workbook is read only after the workbook guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from ..base.errors import LoadError, Problem, suggest
from ..base.numbers import NumberProblem, fmt, parse_number
from ..base.sources import Place
from ..model.evidence import PanelScore
from ..model.project import Assessment, Project

SURVEY_NAME_LABELS = ("指标名称", "满意度指标", "三级指标")
SURVEY_VALID_LABELS = ("有效问卷", "有效问卷数", "有效样本数")
PANEL_NAME_LABELS = ("指标", "评价指标", "指标名称")
MAX_ROWS = 100_000
"""Rows of an evidence sheet read at most (a survey table or scoring sheet has a few dozen)."""
_NOT_EXPERTS = ("序号", "合计", "平均分", "得分", "分值", "备注", "最高分", "最低分")


@frozen
class Evidence:
    """What a workbook's evidence sheets give: inputs by target name, panels by name or path."""

    surveys: dict[str, tuple[dict[str, Decimal], Place]] = attrs.field(factory=dict)
    panels: dict[str, tuple[tuple[PanelScore, ...], Place]] = attrs.field(factory=dict)


def _label(value: Any) -> str:
    return "".join(str(value).split()) if value is not None else ""


def _number(value: Any) -> Decimal:
    if isinstance(value, float):
        return parse_number(format(value, ".15g"))
    return parse_number(value)


def read_evidence(path: Path) -> Evidence:
    """The evidence sheets of a workbook (checked by the workbook guard first)."""
    from ..base.extras import MissingExtraError
    from ..base.sources import read_capped
    from .workbook_guard import MAX_WORKBOOK_BYTES, workbook_problem

    name = str(path)
    read_capped(Path(path), name, MAX_WORKBOOK_BYTES)
    too_large = workbook_problem(Path(path), name)
    if too_large is not None:
        raise LoadError([too_large])
    try:
        from openpyxl import load_workbook
    except ImportError as missing:
        raise MissingExtraError("openpyxl", "读取 Excel ") from missing
    try:
        workbook = load_workbook(Path(path), data_only=True, read_only=False)
    except Exception as error:  # openpyxl and zipfile raise many kinds for a damaged file
        raise LoadError([Problem("E-EXCEL", f"无法打开 Excel 工作簿：{error}", file=name)]) from None
    return evidence_in(name, workbook.worksheets)


def evidence_in(file: str, sheets: Iterable[Any]) -> Evidence:
    """The evidence of the visible sheets (raises LoadError listing every problem)."""
    evidence, problems = Evidence(), []
    for sheet in sheets:
        if sheet.sheet_state != "visible":
            continue
        rows = _rows(sheet)
        for index, row in enumerate(rows):
            labels = [_label(cell) for cell in row]
            if "一级指标" in labels:
                break  # a 自评表, read by evalrules.io.excel
            if any(x in labels for x in SURVEY_NAME_LABELS) and any(x in labels for x in SURVEY_VALID_LABELS):
                problems += _surveys(file, sheet.title, rows, index, labels, evidence)
                break
            if any(x in labels for x in PANEL_NAME_LABELS) and any("专家" in x for x in labels):
                problems += _panels(file, sheet.title, rows, index, labels, evidence)
                break
    if problems:
        raise LoadError(problems)
    return evidence


def _rows(sheet: Any) -> list[list[Any]]:
    """The rows that hold something, each up to its last filled cell (row and column from 0).

    Only the cells openpyxl read (``_cells``), as evalrules.io.excel does: a sheet's stated size may
    run to Excel's last row, and walking that grid would take hours. Blank rows are kept short."""
    filled = {key: cell.value for key, cell in sheet._cells.items() if cell.value is not None}
    if not filled:
        return []
    last = max(row for row, _ in filled)
    if last > MAX_ROWS:  # the workbook guard keeps real sheets far below this
        last = MAX_ROWS
    rows: list[list[Any]] = [[] for _ in range(last)]
    for (row, column), value in filled.items():
        if row > last:
            continue
        line = rows[row - 1]
        line.extend([None] * (column - len(line)))
        line[column - 1] = value
    return rows


def _cell(column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row + 1}"


def _surveys(
    file: str, title: str, rows: list[list[Any]], header: int, labels: list[str], evidence: Evidence
) -> list[Problem]:
    problems = []
    name_at = next(i for i, x in enumerate(labels) if x in SURVEY_NAME_LABELS)
    columns = {i: x for i, x in enumerate(labels) if x and i != name_at and x not in _NOT_EXPERTS}
    for offset, row in enumerate(rows[header + 1 :], start=header + 1):
        target = _label(row[name_at]) if name_at < len(row) else ""
        if not target:
            continue
        inputs: dict[str, Decimal] = {}
        for column, label in columns.items():
            value = row[column] if column < len(row) else None
            if value is None or _label(value) == "":
                continue
            where = f"{title}!{_cell(column, offset)}"
            try:
                number = _number(value)
            except NumberProblem as problem:
                problems.append(Problem("E-NUMBER", f"“{label}” {problem}", file=file, where=where))
                continue
            if number < 0:
                problems.append(
                    Problem("E-INPUTS", f"“{label}” 不能为负数", file=file, where=where, found=fmt(number))
                )
                continue
            inputs["有效问卷" if label in SURVEY_VALID_LABELS else label] = number
        evidence.surveys[target] = (inputs, Place(file, f"{title}!{_cell(name_at, offset)}", None))
    return problems


def _panels(
    file: str, title: str, rows: list[list[Any]], header: int, labels: list[str], evidence: Evidence
) -> list[Problem]:
    problems = []
    name_at = next(i for i, x in enumerate(labels) if x in PANEL_NAME_LABELS)
    experts = {
        i: x
        for i, x in enumerate(labels)
        if x and i != name_at and not x.endswith("意见") and x not in _NOT_EXPERTS
    }
    comments = {x.removesuffix("意见"): i for i, x in enumerate(labels) if x.endswith("意见")}
    for offset, row in enumerate(rows[header + 1 :], start=header + 1):
        key = _label(row[name_at]) if name_at < len(row) else ""
        if not key:
            continue
        panel = []
        for column, expert in experts.items():
            value = row[column] if column < len(row) else None
            if value is None or _label(value) == "":
                continue  # this expert did not score this indicator
            where = f"{title}!{_cell(column, offset)}"
            try:
                score = _number(value)
            except NumberProblem as problem:
                problems.append(Problem("E-NUMBER", f"{expert} 的评分{problem}", file=file, where=where))
                continue
            if score < 0:
                problems.append(
                    Problem("E-PANEL", "专家评分不能为负数", file=file, where=where, found=fmt(score))
                )
                continue
            at = comments.get(expert)
            comment = str(row[at]).strip() if at is not None and at < len(row) and row[at] is not None else ""
            panel.append(PanelScore(expert, score, comment))
        if panel:
            evidence.panels[key] = (tuple(panel), Place(file, f"{title}!{_cell(name_at, offset)}", None))
    return problems


def with_evidence(project: Project, evidence: Evidence) -> Project:
    """The project with the evidence attached: inputs and panels to its targets by name, panels to
    assessments by path (an assessment is added when the project has none for that path)."""
    problems = []
    names = [target.name for target in project.targets]
    targets = list(project.targets)
    for name, (inputs, place) in evidence.surveys.items():
        found = [i for i, target in enumerate(targets) if target.name == name]
        if len(found) != 1:
            problems.append(_unmatched(name, names, place, len(found)))
            continue
        targets[found[0]] = attrs.evolve(targets[found[0]], inputs=inputs)
    assessments = list(project.assessments)
    for key, (panel, place) in evidence.panels.items():
        if "/" in key:
            path = tuple(key.split("/"))
            index = next((i for i, a in enumerate(assessments) if a.path == path), None)
            if index is None:
                assessments.append(Assessment(path=path, place=place, panel=panel))
            else:
                assessments[index] = attrs.evolve(assessments[index], panel=panel)
            continue
        found = [i for i, target in enumerate(targets) if target.name == key]
        if len(found) != 1:
            problems.append(_unmatched(key, names, place, len(found)))
            continue
        targets[found[0]] = attrs.evolve(targets[found[0]], panel=panel)
    if problems:
        raise LoadError(problems)
    return attrs.evolve(project, targets=tuple(targets), assessments=tuple(assessments))


def _unmatched(name: str, names: list[str], place: Place, count: int) -> Problem:
    message = f"绩效指标 “{name}” " + ("在自评表中出现 {count} 次，无法确定" if count else "不在自评表中")
    return Problem(
        "E-EVIDENCE",
        message.replace("{count}", str(count)),
        file=place.file,
        where=place.where,
        suggestion=suggest(name, names) or "框架指标写完整路径，如 决策/项目立项/立项依据充分性",
    )


def attach(file: str, sheets: Iterable[Any], found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Each project read from a workbook's 自评表 with the workbook's evidence sheets attached (a
    problem in the evidence becomes the project's LoadError)."""
    try:
        evidence = evidence_in(file, sheets)
    except LoadError as error:
        return [(key, error if isinstance(item, Project) else item) for key, item in found]
    if not evidence.surveys and not evidence.panels:
        return found
    attached: list[tuple[str, Any]] = []
    for key, item in found:
        try:
            attached.append((key, with_evidence(item, evidence) if isinstance(item, Project) else item))
        except LoadError as error:
            attached.append((key, error))
    return attached
