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
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
    name, groups = flat_groups(path)
    return [(key, project_from_rows(key, rows, name)) for key, rows in groups]


def flat_groups(path: str | Path) -> tuple[str, list[tuple[str, list[tuple[int, Row]]]]]:
    """The file's name and its rows grouped by project, in the order of each project's first row:
    what :func:`~evalrules.io.flat_project.project_from_rows` builds one project from (a batch
    builds them in its worker processes). A file that cannot be read at all raises LoadError."""
    path = Path(path)
    name = str(path)
    data = read_capped(path, name, MAX_FLAT_BYTES)
    text, _ = decode_text(data, name, gb18030=path.suffix.lower() == ".csv")
    if path.suffix.lower() == ".jsonl":
        rows = _jsonl_rows(text, name)
    elif path.suffix.lower() == ".csv":
        rows = _csv_rows(text, name)
    else:
        raise LoadError([Problem("E-FILE", "扁平格式的文件名应以 .csv 或 .jsonl 结尾", file=name)])
    groups: dict[str, list[tuple[int, Row]]] = {}
    for line, row in rows:
        groups.setdefault(cell(row.get("project")), []).append((line, row))
    return name, list(groups.items())


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


def _csv_rows(text: str, name: str) -> list[tuple[int, Row]]:
    # one long cell is that project's business, not a reason to lose the file (the default
    # limit, 131,072 characters, made the csv module give up on every row after it)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FLAT_BYTES))
    lines = io.StringIO(text, newline="").readlines()  # the lines exactly as the csv reader counts them
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in reader.fieldnames or ()]  # reads the first row: may fail too
    except csv.Error as error:
        raise LoadError([Problem("E-FILE", f"CSV 格式错误：{_said(error)}", file=name, line=1)]) from None
    _check_columns(header, name)
    rows: list[tuple[int, Row]] = []
    offset = ended = reader.line_num  # lines read before the rows being read now
    while True:
        part = csv.DictReader(
            io.StringIO("".join(lines[offset:]), newline=""), fieldnames=header, strict=True
        )
        try:
            for row in part:
                cells = {k: v for k, v in row.items() if k is not None}
                swallowed = _swallowed_rows(cells.values(), len(header))
                if swallowed:
                    raise _Broken(_unbalanced(name, ended + 1, swallowed))
                rows.append((offset + part.line_num, cells))
                ended = offset + part.line_num
            return rows
        except (csv.Error, _Broken) as error:
            problem = error.problem if isinstance(error, _Broken) else None
            problem = problem or Problem("E-FILE", f"CSV 格式错误：{_said(error)}", file=name, line=ended + 1)
            # the broken row fails its own project; the rows after it are read again from the
            # next line, so one stray quote loses no other project
            owner = lines[ended].split(",", 1)[0].strip() if ended < len(lines) else ""
            if not owner or '"' in owner:
                raise LoadError([problem]) from None  # whose row it was is unknown: nothing is scored
            rows.append((ended + 1, {"project": owner, BROKEN_ROW: problem}))
            if sum(1 for _, row in rows if BROKEN_ROW in row) > MAX_BROKEN_ROWS:
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
