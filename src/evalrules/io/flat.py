"""Flat formats: CSV and JSONL files holding many projects, one row per indicator.

Each row belongs to the project named in its ``project`` column; rows of one project need not be
adjacent, and projects keep the order of their first row. A row's ``kind`` says what it holds
(``target`` by default, ``budget``, ``weight``, ``assessment``, ``deduction``, ``claim``, ``text``,
``flag``). The rows of a project become the data of a project file, which goes through the same
checks as a TOML project, so a bad value gives the same message, located by file and row (the
line number: in a CSV the header is line 1). See docs/flat-formats.md.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..base.errors import LoadError, Problem, suggest
from ..base.sources import MAX_FLAT_BYTES, parse_json, read_capped
from ..model.project import Project
from .flat_project import BROKEN_ROW, COLUMNS, KINDS, Row, cell, project_from_rows
from .flat_write import write_flat

__all__ = ["COLUMNS", "KINDS", "read_flat", "write_flat"]

MAX_BROKEN_ROWS = 100
"""Most rows with a stray quote one CSV file may have, each failing its own project, before the
whole file is refused (each is read again from the next line: the rereading stays bounded)."""


def read_flat(path: str | Path) -> list[tuple[str, Project | LoadError]]:
    """Every project of a .csv (UTF-8 with or without BOM, or GB18030/GBK) or .jsonl file, keyed by its
    ``project`` column, in the order of each project's first row. A malformed project is
    returned as its LoadError; it does not stop the others. A file that cannot be read at all
    raises LoadError."""
    flat = flat_groups(path)
    return [(key, project_of(key, rows, flat.name, flat.header)) for key, rows in flat.groups]


RowText = str
"""A CSV row as its file wrote it (its lines, a cell over several lines included): how a file's rows
are held until their project is built, where they are read into cells (in a batch's workers). The
split keeps only each row's project, so that it, the one part done in order, does the least."""


class FlatGroups(NamedTuple):
    """A flat file's rows grouped by project, in the order of each project's first row."""

    name: str
    header: tuple[str, ...]
    """The CSV header the rows' cells follow (empty for JSONL, whose rows are dicts)."""
    groups: list[tuple[str, list[tuple[int, Row | RowText]]]]


def flat_groups(path: str | Path) -> FlatGroups:
    """The file's rows grouped by project: what :func:`project_of` builds one project from (a batch
    builds them in its worker processes). A file that cannot be read at all raises LoadError."""
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    # the bytes are not kept while the rows are read: a large file is held once less
    text, _ = decode_text(read_capped(path, name, MAX_FLAT_BYTES), name, gb18030=suffix == ".csv")
    if suffix == ".jsonl":
        groups: dict[str, list[tuple[int, Row | RowText]]] = {}
        for line, row in _jsonl_rows(text, name):
            groups.setdefault(cell(row.get("project")), []).append((line, row))
        return FlatGroups(name, (), list(groups.items()))
    if suffix == ".csv":
        header, groups = _csv_groups(text, name)
        return FlatGroups(name, header, list(groups.items()))
    raise LoadError([Problem("E-FILE", "扁平格式的文件名应以 .csv 或 .jsonl 结尾", file=name)])


def project_of(
    key: str, rows: Sequence[tuple[int, Row | RowText]], name: str, header: tuple[str, ...]
) -> Project | LoadError:
    """The project of one group of :func:`flat_groups` (see project_from_rows)."""
    texts = [row for _, row in rows if isinstance(row, str)]
    cells = _cells(texts, len(header)) if texts else iter(())
    mappings: list[tuple[int, Row]] = [
        (line, dict(zip(header, next(cells), strict=True)) if isinstance(row, str) else row)
        for line, row in rows
    ]
    return project_from_rows(key, mappings, name)


def _cells(texts: list[RowText], width: int) -> Iterator[list[Any]]:
    """The cells of CSV rows, each a whole row as the split found it (so read here the same):
    as many as the header has, short rows filled with None, cells beyond the header not read."""
    _allow_long_cells()
    for values in csv.reader(io.StringIO("".join(texts), newline=""), strict=True):
        yield values if len(values) == width else values[:width] + [None] * (width - len(values))


def _allow_long_cells() -> None:
    # one long cell is that project's business, not a reason to lose the file (the default
    # limit, 131,072 characters, made the csv module give up on every row after it); the limit
    # is the process's: a worker started clean sets it too
    if csv.field_size_limit() < MAX_FLAT_BYTES:
        csv.field_size_limit(MAX_FLAT_BYTES)


def decode_text(data: bytes, name: str, *, gb18030: bool = True) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else GB18030 (what Excel 中文版
    saves as "CSV (逗号分隔)", GBK being part of it). UTF-8 is tried first because a GB18030 text
    with Chinese in it is practically never valid UTF-8, so the two cannot both fit."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        if not gb18030:
            raise LoadError([Problem("E-FILE", "文件不是 UTF-8 编码的文本", file=name)]) from None
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        message = "文件既不是 UTF-8 也不是 GB18030（GBK）编码的文本"
        raise LoadError([Problem("E-FILE", message, file=name)]) from None


# --------------------------------------------------------------------------- reading rows


def _csv_groups(text: str, name: str) -> tuple[tuple[str, ...], dict[str, list[tuple[int, Row | RowText]]]]:
    """The header, and each project's rows: the line each ends on and its text."""
    _allow_long_cells()
    lines = io.StringIO(text, newline="").readlines()  # the lines exactly as the csv reader counts them
    reader = csv.reader(lines, strict=True)
    try:
        header = [column.strip() for column in next(reader, [])]  # the first row: may fail too
    except csv.Error as error:
        raise LoadError([Problem("E-FILE", f"CSV 格式错误：{_said(error)}", file=name, line=1)]) from None
    _check_columns(header, name)
    width = len(header)
    owner = {column: index for index, column in enumerate(header)}.get("project", 0)  # as dict() reads
    groups: dict[str, list[tuple[int, Row | RowText]]] = {}
    offset = ended = reader.line_num  # lines read before the rows being read now
    if '"' not in text:  # no quote, so no cell over several lines: a line is a row, as csv.reader
        for line, physical in enumerate(itertools.islice(lines, offset, None), offset + 1):  # reads it
            body = physical.rstrip("\r\n")
            if body:  # not a blank line
                cells = body.split(",", owner + 1)  # enough to reach the row's project
                key = cells[owner].strip() if owner < len(cells) else ""
                groups.setdefault(key, []).append((line, physical))
        return tuple(header), groups
    broken = 0
    while True:
        part = csv.reader(lines[offset:], strict=True)
        begun = offset  # the first line of the row being read
        try:
            for cells in part:
                line = offset + part.line_num
                if not cells:  # a blank line
                    begun = line
                    continue
                if line - ended > 1:  # a cell that spans lines: did it swallow rows?
                    swallowed = _swallowed_rows(cells[:width], width)  # cells beyond the header are not read
                    if swallowed:
                        raise _Broken(_unbalanced(name, ended + 1, swallowed))
                key = cells[owner].strip() if owner < len(cells) else ""
                text = lines[begun] if line == begun + 1 else "".join(lines[begun:line])
                groups.setdefault(key, []).append((line, text))
                begun = ended = line
            return tuple(header), groups
        except (csv.Error, _Broken) as error:
            problem = error.problem if isinstance(error, _Broken) else None
            problem = problem or Problem("E-FILE", f"CSV 格式错误：{_said(error)}", file=name, line=ended + 1)
            # the broken row fails its own project; the rows after it are read again from the
            # next line, so one stray quote loses no other project
            owner_text = lines[ended].split(",", 1)[0].strip() if ended < len(lines) else ""
            if not owner_text or '"' in owner_text:
                raise LoadError([problem]) from None  # whose row it was is unknown: nothing is scored
            groups.setdefault(owner_text, []).append(
                (ended + 1, {"project": owner_text, BROKEN_ROW: problem})
            )
            broken += 1
            if broken > MAX_BROKEN_ROWS:
                many = f"超过 {MAX_BROKEN_ROWS} 行的引号不成对，不像一个可以读取的 CSV 文件"
                raise LoadError([Problem("E-FILE", many, file=name)]) from None
            offset = ended = ended + 1


class _Broken(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _said(error: Exception) -> str:
    said = str(error)
    if "end of data" in said:
        return "引号不成对：从这一行的引号起到文件末尾都被当成一个格子"
    if "expected after" in said:
        return '引号不成对：格子的结束引号后面应紧跟逗号（格子内的引号要写成两个 ""）'
    return said


def _swallowed_rows(cells: Iterable[Any], columns: int) -> int:
    """How many whole rows a cell holds: a quote left open takes the next lines into one cell
    (a cell may span lines, as Excel writes Alt+Enter, but not lines shaped like rows)."""
    swallowed = 0
    for text in cells:
        if isinstance(text, str) and "\n" in text:
            swallowed += sum(1 for line in text.splitlines()[1:] if line.count(",") >= max(columns - 1, 2))
    return swallowed


def _unbalanced(name: str, line: int, swallowed: int) -> Problem:
    return Problem(
        "E-FILE",
        f"CSV 格式错误：引号不成对，一个格子吞下了其后的 {swallowed} 行",
        file=name,
        line=line,
        suggestion='检查这一行中的双引号：格子内容中的双引号要写两次（""），或整格不加引号',
    )


def _jsonl_rows(text: str, name: str) -> list[tuple[int, Row]]:
    """The rows of a JSONL file; a line that is not a JSON object becomes a row whose only
    content is its problem (see _Builder.add), so the other projects still load."""
    rows: list[tuple[int, Row]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = parse_json(line)
        except json.JSONDecodeError as error:
            row = Problem(
                "E-JSON", f"JSON 语法错误：{error.msg}", file=name, where=f"第 {number} 行", line=number
            )
        except RecursionError:
            row = Problem("E-FILE", "嵌套过深", file=name, where=f"第 {number} 行", line=number)
        if not isinstance(row, (dict, Problem)):
            row = Problem("E-FILE", "每行应为一个 JSON 对象", file=name, where=f"第 {number} 行", line=number)
        if isinstance(row, Problem):
            rows.append((number, {"project": f"<第 {number} 行>", BROKEN_ROW: row}))
        else:
            rows.append((number, row))
    return rows


def _check_columns(header: list[str], name: str) -> None:
    problems = [
        Problem(
            "E-KEY-UNKNOWN",
            f"未知的列 “{column}”",
            file=name,
            line=1,
            suggestion=suggest(column, COLUMNS) or f"可用的列：{'、'.join(COLUMNS)}",
        )
        for column in header
        if column and column not in COLUMNS
    ]
    if "project" not in header:
        problems.append(Problem("E-FILE", "缺少 project 列（项目的键）", file=name, line=1))
    if problems:
        raise LoadError(problems)
