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
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from ..base import json_text
from ..base.errors import LoadError, Problem, suggest
from ..base.numbers import fmt
from ..base.sources import MAX_FLAT_BYTES, Document, parse_json, read_capped
from ..model.project import Project
from .outputs import write_atomic
from .project_export import project_to_data
from .project_loading import project_from_document

__all__ = ["COLUMNS", "KINDS", "read_flat", "write_flat"]

PROJECT_COLUMNS = ("name", "unit", "year", "region", "ruleset")
COLUMNS = (
    "project",
    *PROJECT_COLUMNS,
    "kind",
    "slot",
    "indicator",
    "operator",
    "value",
    "unit_of_measure",
    "actual",
    "weight",
    "reason",
    "rating",
    "score",
    "na",
    "method",
    "params",
    "note",
)
"""Every column a flat file may have, in the order write_flat writes them."""

KINDS = ("target", "budget", "weight", "assessment", "deduction", "claim", "text", "flag")
"""What a row may hold (its ``kind`` column; empty means ``target``)."""

_TARGET_COLUMNS = {
    "slot": "slot",
    "indicator": "name",
    "operator": "operator",
    "value": "value",
    "unit_of_measure": "unit",
    "actual": "actual",
    "weight": "weight",
    "reason": "reason",
    "rating": "rating",
    "score": "score",
    "na": "na",
    "method": "method",
    "params": "params",
    "note": "note",
}
_ASSESSMENT_COLUMNS = {"score": "score", "rating": "rating", "na": "na", "reason": "reason", "note": "note"}
_TRUE = {"true", "是", "yes", "1"}
_FALSE = {"false", "否", "no", "0"}

Row = Mapping[str, Any]


def read_flat(path: str | Path) -> list[tuple[str, Project | LoadError]]:
    """Every project of a .csv (UTF-8 with or without BOM, or GB18030/GBK) or .jsonl file, keyed by its
    ``project`` column, in the order of each project's first row. A malformed project is
    returned as its LoadError; it does not stop the others. A file that cannot be read at all
    raises LoadError."""
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
        groups.setdefault(_cell(row.get("project")), []).append((line, row))
    return [(key, _project(key, group, name)) for key, group in groups.items()]


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


def write_flat(projects: Iterable[Project | tuple[str, Project]], path: str | Path) -> None:
    """Write projects as one .csv (UTF-8 with BOM, so Excel reads it) or .jsonl file, atomically.

    A bare Project is keyed by its name (with "#2", "#3"… when names repeat). Raises ValueError
    for what a flat file cannot hold: checklists, formula values and the claimed counts, figures
    and sums of ``[claims]`` (keep such projects in TOML)."""
    path = Path(path)
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    for item in projects:
        key, project = item if isinstance(item, tuple) else (_unique(item.name, used), item)
        used.add(key)
        rows.extend(project_rows(key, project))
    if path.suffix.lower() == ".jsonl":
        text = "".join(_json_line(row) for row in rows)
        encoding = "utf-8"
    elif path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _csv_text(v) for k, v in row.items()} for row in rows)
        text, encoding = buffer.getvalue(), "utf-8-sig"
    else:
        raise ValueError(f"扁平格式的文件名应以 .csv 或 .jsonl 结尾：{path}")
    write_atomic(path, text.encode(encoding))


def project_rows(key: str, project: Project) -> list[dict[str, Any]]:
    """The rows of one project (values as in a project file: Decimal, str, bool)."""
    data = project_to_data(project)
    header = {"project": key, **data["project"]}
    rows: list[dict[str, Any]] = []

    def add(kind: str, **cells: Any) -> None:
        rows.append({**header, "kind": kind, **{k: v for k, v in cells.items() if v is not None}})

    budget = data["budget"]
    if "rows" in budget:
        raise ValueError(f"项目 {key}：[budget.rows]（年度资金总额的其中各行）不能写入扁平格式")
    for figure, amount in budget.items():
        if figure not in ("unit", "reason"):
            add("budget", indicator=figure, value=amount, unit_of_measure=budget["unit"])
    if "reason" in budget or (budget["unit"] != "万元" and len(budget) == 1):
        add("budget", unit_of_measure=budget["unit"], reason=budget.get("reason"))
    for path, weight in data.get("weights", {}).items():
        add("weight", indicator=path, value=weight)
    for target in data.get("targets", []):
        cells = {column: target[key] for column, key in _TARGET_COLUMNS.items() if key in target}
        add("target", **cells)
    for entry in data.get("assessments", []):
        unsupported = {"checklist", "values"} & entry.keys()
        if unsupported:
            raise ValueError(
                f"项目 {key}：评价项 {entry['path']} 的 {'、'.join(sorted(unsupported))} 不能写入扁平格式"
            )
        cells = {column: entry[k] for column, k in _ASSESSMENT_COLUMNS.items() if k in entry}
        if set(entry) != {"path", "deductions"}:
            add("assessment", indicator=entry["path"], **cells)
        deductions = entry.get("deductions")
        if deductions == []:
            add("deduction", indicator=entry["path"])
        for deduction in deductions or []:
            add("deduction", indicator=entry["path"], value=deduction["points"], reason=deduction["reason"])
    claims = data.get("claims", {})
    unsupported = {"counts", "figures", "sums"} & claims.keys()
    if unsupported:
        raise ValueError(f"项目 {key}：[claims] 的 {'、'.join(sorted(unsupported))} 不能写入扁平格式")
    for claim in ("total", "grade"):
        if claim in claims:
            add("claim", indicator=claim, value=claims[claim])
    for claim_path, score in claims.get("scores", {}).items():
        add("claim", indicator=claim_path, value=score)
    for text_key, text in data.get("texts", {}).items():
        add("text", indicator=text_key, value=text)
    for flag, value in data.get("flags", {}).items():
        add("flag", indicator=flag, value=value)
    if not rows:
        add("budget", unit_of_measure=budget["unit"])
    return rows


# --------------------------------------------------------------------------- reading rows


def _csv_rows(text: str, name: str) -> list[tuple[int, Row]]:
    # one long cell is that project's business, not a reason to lose the file (the default
    # limit, 131,072 characters, made the csv module give up on every row after it)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FLAT_BYTES))
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, Row]] = []
    ended = 0
    try:
        header = [column.strip() for column in reader.fieldnames or ()]  # reads the first row: may fail too
        reader.fieldnames = header
        _check_columns(header, name)
        ended = reader.line_num
        for row in reader:
            cells = {k: v for k, v in row.items() if k is not None}
            swallowed = _swallowed_rows(cells.values(), len(header))
            if swallowed:
                raise LoadError([_unbalanced(name, ended + 1, swallowed)])
            rows.append((reader.line_num, cells))
            ended = reader.line_num
    except csv.Error as error:
        said = str(error)
        if "end of data" in said:
            said = "引号不成对：从这一行的引号起到文件末尾都被当成一个格子"
        elif "expected after" in said:
            said = '引号不成对：格子的结束引号后面应紧跟逗号（格子内的引号要写成两个 ""）'
        raise LoadError([Problem("E-FILE", f"CSV 格式错误：{said}", file=name, line=ended + 1)]) from None
    return rows


def _swallowed_rows(cells: Iterable[Any], columns: int) -> int:
    """How many whole rows a cell holds: a quote left open takes the next lines into one cell
    (a cell may span lines, as Excel writes Alt+Enter, but not lines shaped like rows)."""
    swallowed = 0
    for cell in cells:
        if isinstance(cell, str) and "\n" in cell:
            swallowed += sum(1 for line in cell.splitlines()[1:] if line.count(",") >= max(columns - 1, 2))
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
            rows.append((number, {"project": f"<第 {number} 行>", _BROKEN: row}))
        else:
            rows.append((number, row))
    return rows


_BROKEN = "\x00problem"


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


def _cell(value: Any) -> str:
    """A cell as text; None and blanks are empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt(value) if value == value.to_integral_value() else str(value)
    return str(value).strip()


def _present(row: Row, column: str) -> bool:
    return _cell(row.get(column)) != ""


# --------------------------------------------------------------------------- building a project


@frozen
class _FlatDocument(Document):
    """A Document whose "lines" are the rows of the flat file that gave each table and key."""

    rows: Mapping[tuple[str, ...], int] = attrs.field(factory=dict)

    def line_of(self, *keys: str | int) -> int | None:
        return self.rows.get(tuple(str(k) for k in keys if isinstance(k, str))[:1])

    def nth_table_line(self, table: str, index: int) -> int | None:
        return self.rows.get((table, str(index)))

    def line_after(self, start: int | None, key: str, *, fallback: bool = True) -> int | None:
        found = self.rows.get(("after", str(start), key))
        return found if found is not None else start if fallback else None


class _Builder:
    def __init__(self, key: str, file: str) -> None:
        self.key = key
        self.file = file
        self.data: dict[str, Any] = {"project": {}}
        self.rows: dict[tuple[str, ...], int] = {}
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}

    def problem(self, code: str, message: str, line: int, **details: str | None) -> None:
        self.problems.append(
            Problem(code, message, file=self.file, where=f"第 {line} 行", line=line, **details)
        )

    def table(self, name: str, line: int) -> dict[str, Any]:
        self.rows.setdefault((name,), line)
        table: dict[str, Any] = self.data.setdefault(name, {})
        return table

    def entries(self, name: str, line: int) -> list[dict[str, Any]]:
        self.rows.setdefault((name,), line)
        entries: list[dict[str, Any]] = self.data.setdefault(name, [])
        self.rows[(name, str(len(entries)))] = line
        return entries

    def set(self, table: str, key: str, value: Any, line: int) -> None:
        """table[key] = value, remembering the row; a second, different value is an error."""
        values = self.table(table, line)
        if key in values and values[key] != value:
            first = self.rows.get(("after", str(self.rows[(table,)]), key))
            self.problem("E-TYPE", f"{key} 与第 {first} 行不一致", line, found=_cell(value))
            return
        values[key] = value
        self.rows.setdefault(("after", str(self.rows[(table,)]), key), line)

    def add(self, line: int, row: Row) -> None:
        self.rows.setdefault(("project",), line)
        if isinstance(row.get(_BROKEN), Problem):
            self.problems.append(row[_BROKEN])
            return
        for column in row:
            if column not in COLUMNS:
                self.problem(
                    "E-KEY-UNKNOWN",
                    f"未知的列 “{column}”",
                    line,
                    suggestion=suggest(column, COLUMNS) or f"可用的列：{'、'.join(COLUMNS)}",
                )
        for column in PROJECT_COLUMNS:
            if _present(row, column):
                value = row[column]
                if column == "year" and isinstance(value, str) and _is_year(value.strip()):
                    value = int(value)  # anything else stays text: the reader refuses it at this row
                self.set("project", column, value if column == "year" else _cell(value), line)
        kind = _cell(row.get("kind")) or "target"
        handler = getattr(self, "_" + kind, None) if kind in KINDS else None
        if handler is None:
            self.problem(
                "E-KEY-UNKNOWN",
                f"未知的行类型 kind “{kind}”",
                line,
                suggestion=suggest(kind, KINDS) or f"可用的类型：{'、'.join(KINDS)}",
            )
            return
        handler(line, row)

    def cells(self, row: Row, columns: Mapping[str, str], line: int) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        for column, key in columns.items():
            if not _present(row, column):
                continue
            value = row[column]
            if key == "na":
                value = _flag(value)
            elif key == "params" and isinstance(value, str):
                try:
                    value = parse_json(value)
                except json.JSONDecodeError as error:
                    self.problem("E-TYPE", f"params 应为 JSON 对象（{error.msg}）", line, found=value)
                    continue
            elif isinstance(value, str):
                value = value.strip()
            entry[key] = value
        return entry

    def _rest_unused(self, row: Row, line: int, allowed: Iterable[str]) -> None:
        extra = [
            c
            for c in COLUMNS
            if c not in (*PROJECT_COLUMNS, "project", "kind", *allowed) and _present(row, c)
        ]
        for column in extra:
            self.problem("E-KEY-UNKNOWN", f"kind 为 “{_cell(row.get('kind'))}” 的行不用 {column} 列", line)

    def _target(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, _TARGET_COLUMNS)
        self.entries("targets", line).append(self.cells(row, _TARGET_COLUMNS, line))

    def _budget(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, ("indicator", "value", "unit_of_measure", "reason"))
        self.table("budget", line)
        if _present(row, "indicator"):
            self.set("budget", _cell(row["indicator"]), _value(row), line)
        for column, key in (("unit_of_measure", "unit"), ("reason", "reason")):
            if _present(row, column):
                self.set("budget", key, _cell(row[column]), line)

    def _named(self, table: str, line: int, row: Row, value: Any) -> None:
        self._rest_unused(row, line, ("indicator", "value"))
        if not _present(row, "indicator"):
            self.problem("E-KEY-UNKNOWN", f"{table} 行缺少 indicator（名称或路径）", line)
            return
        self.set(table, _cell(row["indicator"]), value, line)

    def _weight(self, line: int, row: Row) -> None:
        self._named("weights", line, row, _value(row))

    def _text(self, line: int, row: Row) -> None:
        self._named("texts", line, row, _cell(row.get("value")))

    def _flag(self, line: int, row: Row) -> None:
        self._named("flags", line, row, _flag(row.get("value", "")))

    def _claim(self, line: int, row: Row) -> None:
        name = _cell(row.get("indicator"))
        if name in ("total", "grade"):
            self._named("claims", line, row, _cell(row.get("value")) if name == "grade" else _value(row))
        else:
            self.table("claims", line)
            self.rows.setdefault(("claims", "scores"), line)
            self._rest_unused(row, line, ("indicator", "value"))
            scores = self.data["claims"].setdefault("scores", {})
            scores[name] = _value(row)

    def _assessment_entry(self, line: int, row: Row) -> dict[str, Any] | None:
        path = _cell(row.get("indicator"))
        if not path:
            self.problem("E-ASSESSMENT", "缺少指标路径 indicator（如 “决策/项目立项/立项依据充分性”）", line)
            return None
        if path not in self.seen:
            self.seen[path] = len(self.data.get("assessments", []))
            self.entries("assessments", line).append({"path": path})
        entry: dict[str, Any] = self.data["assessments"][self.seen[path]]
        return entry

    def _assessment(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, ("indicator", *_ASSESSMENT_COLUMNS))
        entry = self._assessment_entry(line, row)
        if entry is not None:
            entry.update(self.cells(row, _ASSESSMENT_COLUMNS, line))

    def _deduction(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, ("indicator", "value", "reason"))
        entry = self._assessment_entry(line, row)
        if entry is None:
            return
        deductions = entry.setdefault("deductions", [])
        if _present(row, "value") or _present(row, "reason"):
            deductions.append({"reason": _cell(row.get("reason")), "points": _value(row)})

    def build(self) -> Project:
        if not self.data["project"].get("name"):
            self.data["project"]["name"] = self.key
        document = _FlatDocument(self.file, "", self.data, self.rows)
        try:
            project = project_from_document(document)
        except LoadError as error:
            raise LoadError([*self.problems, *error.problems]) from None
        if self.problems:
            raise LoadError(self.problems)
        return project


def _project(key: str, group: list[tuple[int, Row]], file: str) -> Project | LoadError:
    builder = _Builder(key, file)
    if not key:
        builder.problem("E-PROJECT", "project 列为空：每行都要写明属于哪个项目", group[0][0])
    for line, row in group:
        builder.add(line, row)
    try:
        return builder.build()
    except LoadError as error:
        return error


def _is_year(text: str) -> bool:
    """Digits int() reads ("2023", "２０２３"); not "²" (a digit, not decimal) nor thousands of them."""
    return text.isdecimal() and len(text) <= 9


def _value(row: Row) -> Any:
    value = row.get("value")
    return value.strip() if isinstance(value, str) else value


def _flag(value: Any) -> Any:
    """true/false from a cell ("true", "是", "1"…); anything else is left for the reader to refuse
    (na) or kept as a description (flags)."""
    if isinstance(value, bool):
        return value
    text = _cell(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return _cell(value)


# --------------------------------------------------------------------------- writing rows


def _unique(name: str, used: set[str]) -> str:
    key, number = name, 1
    while key in used:
        number += 1
        key = f"{name}#{number}"
    return key


def _csv_text(value: Any) -> str:
    if isinstance(value, dict):
        return json_text.dumps(value, ensure_ascii=False)
    return _cell(value) if not isinstance(value, str) else value


def _json_line(row: Mapping[str, Any]) -> str:
    """One JSON object per line, Decimals written with their exact text (192.05, not a float)."""
    return json_text.dumps(row, ensure_ascii=False) + "\n"
