"""A batch's results file: the columns, and writing them as CSV, JSONL or XLSX (every cell safe to
open in Excel); a pandas frame of results."""

from __future__ import annotations

import csv
import importlib
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

import attrs

from ..base import json_text
from ..base.cells import cell_text, neutralise, string_cell
from ..base.errors import EvalrulesError, Problem
from ..base.sources import MAX_FLAT_BYTES
from ..model.result import Result
from .items import BatchItem

FIXED_COLUMNS = ("key", "project", "unit", "year", "total", "grade")
TAIL_COLUMNS = ("status", "error", "location")
ERROR_COLUMNS = ("key", "code", "message", "file", "line", "where", "expected", "found", "suggestion")


class Record(NamedTuple):
    """One project's part of the results file, made where it was scored (a worker process) and
    written here: its cells (as the output format writes them), or its JSONL line."""

    key: str
    ok: bool
    head: list[Any]
    """The FIXED_COLUMNS cells."""
    firsts: dict[str, Any]
    """First-level indicator → its cell: the columns between head and tail come from the results."""
    tail: list[Any]
    """The TAIL_COLUMNS cells."""
    problems: list[list[Any]]
    """The XLSX 错误 sheet's rows for this project."""
    line: str
    """The JSONL line (JSONL output only)."""
    error: EvalrulesError | None


def row_parts(item: BatchItem) -> tuple[list[Any], dict[str, Any], list[Any]]:
    """One results row in three parts: the fixed cells, the first-level scores, the status cells;
    scores as Decimal, N/A and missing values as None."""
    result, project = item.result, item.project
    if result is not None:
        head = [item.key, result.project_name, result.project_unit, result.project_year, result.total]
        return [*head, result.grade], result.subtotals(), ["ok", "", ""]
    head = (
        [item.key, project.name, project.unit, project.year]
        if project is not None
        else [item.key] + [None] * 3
    )
    return [*head, None, None], {}, ["error", item.message, item.location]


def row(item: BatchItem, firsts: Sequence[str]) -> list[Any]:
    """One results row under the given first-level columns."""
    head, scores, tail = row_parts(item)
    return [*head, *(scores.get(name) for name in firsts), *tail]


def _csv_cell(value: Any) -> str:
    value = neutralise(cell_text(value))
    return "" if value is None else str(value)


def record(item: BatchItem, suffix: str) -> Record:
    """What the results file of this suffix holds for one project."""
    if suffix == ".jsonl":
        line = json_text.dumps(item_dict(item), ensure_ascii=False)
        return Record(item.key, item.ok, [], {}, [], [], line, item.error)
    text = _csv_cell if suffix == ".csv" else cell_text
    head, scores, tail = row_parts(item)
    problems = (
        [[text(v) for v in (item.key, *(getattr(p, n) for n in ERROR_COLUMNS[1:]))] for p in item.problems]
        if suffix == ".xlsx"
        else []
    )
    firsts = {name: text(value) for name, value in scores.items()}
    return Record(
        item.key, item.ok, [text(v) for v in head], firsts, [text(v) for v in tail], problems, "", item.error
    )


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


# --------------------------------------------------------------------------- writing


class Sink:
    """Writes a batch's records to ``path`` as they come, in order: ``add`` each, ``finish`` when
    all are in, ``close`` in any case."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, record: Record) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class JsonlSink(Sink):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.stream = path.open("w", encoding="utf-8")

    def add(self, record: Record) -> None:
        self.stream.write(record.line + "\n")

    def finish(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self.stream.close()


class SpooledSink(Sink):
    """A table whose columns depend on the first-level indicators of all the results: the rows
    wait in a temporary spool file (not in memory) until the last one is in."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.firsts: dict[str, None] = {}
        self.spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def add(self, record: Record) -> None:
        self.firsts.update(dict.fromkeys(record.firsts))
        pickle.dump(record[:-1], self.spool, pickle.HIGHEST_PROTOCOL)  # the error object stays here

    def spooled(self) -> Iterator[Record]:
        self.spool.seek(0)
        while True:
            try:
                yield Record._make((*pickle.load(self.spool), None))
            except EOFError:
                return

    def rows(self, blank: Any) -> Iterator[list[Any]]:
        for spooled in self.spooled():
            yield [*spooled.head, *(spooled.firsts.get(name, blank) for name in self.firsts), *spooled.tail]

    def columns(self) -> list[str]:
        return columns(self.firsts)

    def close(self) -> None:
        self.spool.close()


def columns(firsts: Iterable[str]) -> list[str]:
    """A results table's columns, with these first-level indicators."""
    return [*FIXED_COLUMNS, *firsts, *TAIL_COLUMNS]


class CsvSink(Sink):
    """Each row is written as it comes, as CSV text, to a temporary spool file, under the
    first-level columns known then. Those of all the results are known only when the last is in:
    a row written before a column appeared gets its blank cell then (columns only ever come after
    the ones before, so the row's own cells keep their places)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.firsts: dict[str, None] = {}
        self.spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.spool)
        self.written = False
        self.grown = False
        """Whether a first-level column appeared after a row was written."""

    def add(self, record: Record) -> None:
        firsts = self.firsts
        if not firsts.keys() >= record.firsts.keys():
            self.grown = self.grown or self.written
            firsts.update(dict.fromkeys(record.firsts))
        self.writer.writerow([*record.head, *(record.firsts.get(name, "") for name in firsts), *record.tail])
        self.written = True

    def finish(self) -> None:
        with self.path.open("w", encoding="utf-8-sig", newline="") as stream:  # BOM: Excel reads UTF-8
            out = csv.writer(stream)
            out.writerow([_csv_cell(column) for column in columns(self.firsts)])
            self.spool.seek(0)
            if not self.grown:
                shutil.copyfileobj(self.spool, stream)
                return
            count, before = len(self.firsts), len(FIXED_COLUMNS)
            csv.field_size_limit(max(csv.field_size_limit(), MAX_FLAT_BYTES))  # a cell as long as read
            for cells in csv.reader(self.spool, strict=True):
                own = len(cells) - before - len(TAIL_COLUMNS)  # the first-level cells it was written with
                end = before + own
                out.writerow(cells if own == count else [*cells[:end], *[""] * (count - own), *cells[end:]])

    def close(self) -> None:
        self.spool.close()


class XlsxSink(SpooledSink):
    def __init__(self, path: Path) -> None:
        from ..base.extras import need

        need("openpyxl", "写 Excel 结果表 ")
        super().__init__(path)

    def finish(self) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        results = workbook.create_sheet("结果")
        errors = workbook.create_sheet("错误")

        def cells(sheet: Any, values: Sequence[Any]) -> list[Any]:  # text stays text (base.cells)
            return [string_cell(WriteOnlyCell(sheet, value=value)) for value in values]

        results.append(cells(results, [cell_text(column) for column in self.columns()]))
        for line in self.rows(None):
            results.append(cells(results, line))
        errors.append(cells(errors, ERROR_COLUMNS))
        for spooled in self.spooled():
            for problem in spooled.problems:
                errors.append(cells(errors, problem))
        workbook.save(self.path)


SINKS: dict[str, type[Sink]] = {".csv": CsvSink, ".jsonl": JsonlSink, ".xlsx": XlsxSink}


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
    firsts = list(dict.fromkeys(name for item in batch for name in row_parts(item)[1]))
    numeric = {"total", *firsts}
    names = [*FIXED_COLUMNS, *firsts, *TAIL_COLUMNS]
    records = [
        {
            name: (float(value) if name in numeric and value is not None else value)
            for name, value in zip(names, row(item, firsts), strict=True)
        }
        for item in batch
    ]
    return pandas.DataFrame.from_records(records, columns=names)
