"""Flat formats, the rows of one project: the columns, what each kind of row means, and the
project data the rows build (checked by the project-file reader, so messages are the same as for
TOML, located by row). See docs/flat-formats.md and :mod:`evalrules.io.flat`."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
from attrs import frozen

from ..base.errors import LoadError, Problem, suggest
from ..base.numbers import fmt
from ..base.sources import Document, parse_json
from ..model.project import Project
from .project_loading import project_from_document

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

TARGET_COLUMNS = {
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
ASSESSMENT_COLUMNS = {"score": "score", "rating": "rating", "na": "na", "reason": "reason", "note": "note"}
_TRUE = {"true", "是", "yes", "1"}
_FALSE = {"false", "否", "no", "0"}

Row = Mapping[str, Any]
BROKEN_ROW = "\x00problem"
"""The key of a row that could not be read as a row (its problem is the value)."""


def cell(value: Any) -> str:
    """A cell as text; None and blanks are empty."""
    if type(value) is str:  # most cells: the fast way first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt(value) if value == value.to_integral_value() else str(value)
    return str(value).strip()


def present(row: Row, column: str) -> bool:
    value = row.get(column)
    if type(value) is str:
        return bool(value) and not value.isspace()
    return value is not None and cell(value) != ""


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
            self.problem("E-TYPE", f"{key} 与第 {first} 行不一致", line, found=cell(value))
            return
        values[key] = value
        self.rows.setdefault(("after", str(self.rows[(table,)]), key), line)

    def add(self, line: int, row: Row) -> None:
        self.rows.setdefault(("project",), line)
        if isinstance(row.get(BROKEN_ROW), Problem):
            self.problems.append(row[BROKEN_ROW])
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
            if present(row, column):
                value = row[column]
                if column == "year" and isinstance(value, str) and _is_year(value.strip()):
                    value = int(value)  # anything else stays text: the reader refuses it at this row
                self.set("project", column, value if column == "year" else cell(value), line)
        kind = cell(row.get("kind")) or "target"
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
            if not present(row, column):
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
        unused = _unused_columns(tuple(allowed))
        extra = [c for c in COLUMNS if c in unused and present(row, c)]
        for column in extra:
            self.problem("E-KEY-UNKNOWN", f"kind 为 “{cell(row.get('kind'))}” 的行不用 {column} 列", line)

    def _target(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, TARGET_COLUMNS)
        self.entries("targets", line).append(self.cells(row, TARGET_COLUMNS, line))

    def _budget(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, ("indicator", "value", "unit_of_measure", "reason"))
        self.table("budget", line)
        if present(row, "indicator"):
            self.set("budget", cell(row["indicator"]), _value(row), line)
        for column, key in (("unit_of_measure", "unit"), ("reason", "reason")):
            if present(row, column):
                self.set("budget", key, cell(row[column]), line)

    def _named(self, table: str, line: int, row: Row, value: Any) -> None:
        self._rest_unused(row, line, ("indicator", "value"))
        if not present(row, "indicator"):
            self.problem("E-KEY-UNKNOWN", f"{table} 行缺少 indicator（名称或路径）", line)
            return
        self.set(table, cell(row["indicator"]), value, line)

    def _weight(self, line: int, row: Row) -> None:
        self._named("weights", line, row, _value(row))

    def _text(self, line: int, row: Row) -> None:
        self._named("texts", line, row, cell(row.get("value")))

    def _flag(self, line: int, row: Row) -> None:
        self._named("flags", line, row, _flag(row.get("value", "")))

    def _claim(self, line: int, row: Row) -> None:
        name = cell(row.get("indicator"))
        if name in ("total", "grade"):
            self._named("claims", line, row, cell(row.get("value")) if name == "grade" else _value(row))
        else:
            self.table("claims", line)
            self.rows.setdefault(("claims", "scores"), line)
            self._rest_unused(row, line, ("indicator", "value"))
            scores = self.data["claims"].setdefault("scores", {})
            scores[name] = _value(row)

    def _assessment_entry(self, line: int, row: Row) -> dict[str, Any] | None:
        path = cell(row.get("indicator"))
        if not path:
            self.problem("E-ASSESSMENT", "缺少指标路径 indicator（如 “决策/项目立项/立项依据充分性”）", line)
            return None
        if path not in self.seen:
            self.seen[path] = len(self.data.get("assessments", []))
            self.entries("assessments", line).append({"path": path})
        entry: dict[str, Any] = self.data["assessments"][self.seen[path]]
        return entry

    def _assessment(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, ("indicator", *ASSESSMENT_COLUMNS))
        entry = self._assessment_entry(line, row)
        if entry is not None:
            entry.update(self.cells(row, ASSESSMENT_COLUMNS, line))

    def _deduction(self, line: int, row: Row) -> None:
        self._rest_unused(row, line, ("indicator", "value", "reason"))
        entry = self._assessment_entry(line, row)
        if entry is None:
            return
        deductions = entry.setdefault("deductions", [])
        if present(row, "value") or present(row, "reason"):
            deductions.append({"reason": cell(row.get("reason")), "points": _value(row)})

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


def project_from_rows(key: str, group: list[tuple[int, Row]], file: str) -> Project | LoadError:
    builder = _Builder(key, file)
    if not key:
        builder.problem("E-PROJECT", "project 列为空：每行都要写明属于哪个项目", group[0][0])
    for line, row in group:
        builder.add(line, row)
    try:
        return builder.build()
    except LoadError as error:
        return error


@functools.cache
def _unused_columns(allowed: tuple[str, ...]) -> frozenset[str]:
    """The columns a row of a kind that uses ``allowed`` must leave empty."""
    return frozenset(COLUMNS) - {*PROJECT_COLUMNS, "project", "kind", *allowed}


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
    text = cell(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return cell(value)
