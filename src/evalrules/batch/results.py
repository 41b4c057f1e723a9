"""A batch's results file: the columns, and writing them as CSV, JSONL or XLSX (every cell safe to
open in Excel); a pandas frame of results."""

from __future__ import annotations

import csv
import importlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..base import json_text
from ..base.cells import cell_text, neutralise, string_cell
from ..base.errors import EvalrulesError, Problem
from ..model.result import Result
from .items import BatchItem

FIXED_COLUMNS = ("key", "project", "unit", "year", "total", "grade")
TAIL_COLUMNS = ("status", "error", "location")


def _firsts(items: Sequence[BatchItem]) -> list[str]:
    """First-level indicator names over all results, in order of first appearance."""
    names: dict[str, None] = {}
    for item in items:
        if item.result is not None:
            names.update(dict.fromkeys(item.result.subtotals()))  # no explanation needed
    return list(names)


def columns(items: Sequence[BatchItem]) -> list[str]:
    return [*FIXED_COLUMNS, *_firsts(items), *TAIL_COLUMNS]


def row(item: BatchItem, firsts: Sequence[str]) -> list[Any]:
    """One results row: scores as Decimal, N/A and missing values as None."""
    result, project = item.result, item.project
    if result is not None:
        subtotals = result.subtotals()
        head = [result.project_name, result.project_unit, result.project_year, result.total, result.grade]
        values = [subtotals.get(name) for name in firsts]
        return [item.key, *head, *values, "ok", "", ""]
    head = [project.name, project.unit, project.year] if project is not None else [None, None, None]
    return [item.key, *head, None, None, *([None] * len(firsts)), "error", item.message, item.location]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(items: Sequence[BatchItem], path: Path) -> None:
    firsts = _firsts(items)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:  # BOM: Excel reads it as UTF-8
        out = csv.writer(stream)
        out.writerow([neutralise(cell_text(column)) for column in columns(items)])
        for item in items:
            out.writerow([_text(neutralise(cell_text(value))) for value in row(item, firsts)])


def item_dict(item: BatchItem) -> dict[str, Any]:
    if item.result is not None:
        return {"key": item.key, "status": "ok", "result": item.result.to_dict()}
    project = item.project
    return {
        "key": item.key,
        "status": "error",
        "project": (
            {"name": project.name, "unit": project.unit, "year": project.year}
            if project is not None
            else None
        ),
        "message": item.message,
        "problems": [
            {name: value for name, value in attrs.asdict(problem).items() if value is not None}
            for problem in item.problems
        ],
    }


def write_jsonl(items: Sequence[BatchItem], path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for item in items:
            stream.write(json_text.dumps(item_dict(item), ensure_ascii=False) + "\n")


ERROR_COLUMNS = ("key", "code", "message", "file", "line", "where", "expected", "found", "suggestion")


def write_xlsx(items: Sequence[BatchItem], path: Path) -> None:
    from ..base.extras import need

    need("openpyxl", "写 Excel 结果表 ")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    firsts = _firsts(items)
    rows = [row(item, firsts) for item in items]  # built first: a failure leaves no half-written sheet
    problems = [
        [item.key, *(getattr(problem, name) for name in ERROR_COLUMNS[1:])]
        for item in items
        for problem in item.problems
    ]
    workbook = Workbook(write_only=True)
    results = workbook.create_sheet("结果")
    errors = workbook.create_sheet("错误")

    def cells(sheet: Any, values: Sequence[Any]) -> list[Any]:  # text stays text (evalrules.base.cells)
        return [string_cell(WriteOnlyCell(sheet, value=cell_text(value))) for value in values]

    results.append(cells(results, columns(items)))
    for line in rows:
        results.append(cells(results, line))
    errors.append(cells(errors, ERROR_COLUMNS))
    for line in problems:
        errors.append(cells(errors, line))
    workbook.save(path)


WRITERS: dict[str, Callable[[Sequence[BatchItem], Path], None]] = {
    ".csv": write_csv,
    ".jsonl": write_jsonl,
    ".xlsx": write_xlsx,
}


# --------------------------------------------------------------------------- pandas


def results_frame(items: Iterable[BatchItem | Result | EvalrulesError]) -> Any:
    """The results as a pandas DataFrame, one row per project (the CSV columns; scores as float).

    Accepts BatchItems, or what :func:`score_many` yields (keyed by position). pandas is optional:
    raises EvalrulesError when it is not installed.
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise EvalrulesError(
            [Problem("E-PANDAS", "results_frame 需要 pandas，但没有安装", suggestion="pip install pandas")]
        ) from None
    batch = [
        item
        if isinstance(item, BatchItem)
        else BatchItem(str(index), result=item)
        if isinstance(item, Result)
        else BatchItem(str(index), error=item)
        for index, item in enumerate(items)
    ]
    firsts = _firsts(batch)
    numeric = {"total", *firsts}
    names = columns(batch)
    records = [
        {
            name: (float(value) if name in numeric and value is not None else value)
            for name, value in zip(names, row(item, firsts), strict=True)
        }
        for item in batch
    ]
    return pandas.DataFrame.from_records(records, columns=names)
