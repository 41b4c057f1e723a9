"""Flat formats, the rows of one project: the columns, what each kind of row means, and the
project data the rows build (checked by the project-file reader, so messages are the same as for
TOML, located by row). See docs/flat-formats.md and :mod:`evalrules.io.flat`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..base.errors import LoadError, Problem, suggest
from ..base.numbers import fmt
from ..base.sources import parse_json
from ..model.project import Project
from .project_loading import project_from_document
from .row_document import RowDocument

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
_COLUMN_SET = frozenset(COLUMNS)
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


def is_filled(value: Any) -> bool:
    """Whether a cell holds something (not None, not blank)."""
    if type(value) is str:
        return bool(value) and not value.isspace()
    return value is not None and cell(value) != ""


def filled_cells(row: Row) -> dict[str, Any]:
    """The cells of a row that hold something, by column, in the row's order: the row is looked
    at once, and each handler asks this instead of each column again."""
    return {
        column: value
        for column, value in row.items()
        # most cells are text: strip() is what is_filled says of them, without a call per cell
        if (value.strip() if type(value) is str else is_filled(value))
    }


# --------------------------------------------------------------------------- building a project


class _Builder:
    def __init__(self, key: str, file: str) -> None:
        self.key = key
        self.file = file
        self.data: dict[str, Any] = {"project": {}}
        self.tables: dict[str, int] = {}
        self.entries_at: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[int, str], int] = {}
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}

    def problem(self, code: str, message: str, line: int, **details: str | None) -> None:
        self.problems.append(
            Problem(code, message, file=self.file, where=f"第 {line} 行", line=line, **details)
        )

    def table(self, name: str, line: int) -> dict[str, Any]:
        self.tables.setdefault(name, line)
        table: dict[str, Any] = self.data.setdefault(name, {})
        return table

    def entries(self, name: str, line: int) -> list[dict[str, Any]]:
        self.tables.setdefault(name, line)
        entries: list[dict[str, Any]] = self.data.setdefault(name, [])
        self.entries_at[(name, len(entries))] = line
        return entries

    def set(self, table: str, key: str, value: Any, line: int) -> None:
        """table[key] = value, remembering the row; a second, different value is an error."""
        values = self.table(table, line)
        if key in values and values[key] != value:
            first = self.keys.get((self.tables[table], key))
            self.problem("E-TYPE", f"{key} 与第 {first} 行不一致", line, found=cell(value))
            return
        values[key] = value
        self.keys.setdefault((self.tables[table], key), line)

    def add(self, line: int, row: Row) -> None:
        self.tables.setdefault("project", line)
        if isinstance(row.get(BROKEN_ROW), Problem):
            self.problems.append(row[BROKEN_ROW])
            return
        if not _COLUMN_SET.issuperset(row):  # a JSONL row may have keys of its own
            for column in row:
                if column not in _COLUMN_SET:
                    self.problem(
                        "E-KEY-UNKNOWN",
                        f"未知的列 “{column}”",
                        line,
                        suggestion=suggest(column, COLUMNS) or f"可用的列：{'、'.join(COLUMNS)}",
                    )
        filled = filled_cells(row)
        project = self.data["project"]
        for column in PROJECT_COLUMNS:
            if column in filled:
                value = filled[column]
                if column == "year" and isinstance(value, str) and _is_year(value.strip()):
                    value = int(value)  # anything else stays text: the reader refuses it at this row
                elif column != "year":
                    value = cell(value)
                earlier = project.get(column)
                if type(value) in (str, int) and type(earlier) is type(value) and earlier == value:
                    continue  # what an earlier row set, to the letter (most rows repeat the name…)
                self.set("project", column, value, line)
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
        handler(line, row, filled)

    def cells(self, filled: Row, columns: Mapping[str, str], line: int) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        for column, key in columns.items():
            if column not in filled:
                continue
            value = filled[column]
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

    def _rest_unused(self, row: Row, filled: Row, line: int, kind: str) -> None:
        unused = _UNUSED[kind]
        if unused.isdisjoint(filled):
            return
        for column in (c for c in COLUMNS if c in unused and c in filled):
            self.problem("E-KEY-UNKNOWN", f"kind 为 “{cell(row.get('kind'))}” 的行不用 {column} 列", line)

    def _target(self, line: int, row: Row, filled: Row) -> None:
        self._rest_unused(row, filled, line, "target")
        self.entries("targets", line).append(self.cells(filled, TARGET_COLUMNS, line))

    def _budget(self, line: int, row: Row, filled: Row) -> None:
        self._rest_unused(row, filled, line, "budget")
        self.table("budget", line)
        if "indicator" in filled:
            self.set("budget", cell(filled["indicator"]), _value(row), line)
        for column, key in (("unit_of_measure", "unit"), ("reason", "reason")):
            if column in filled:
                self.set("budget", key, cell(filled[column]), line)

    def _named(self, table: str, line: int, row: Row, filled: Row, value: Any) -> None:
        self._rest_unused(row, filled, line, cell(row.get("kind")))
        if "indicator" not in filled:
            self.problem("E-KEY-UNKNOWN", f"{table} 行缺少 indicator（名称或路径）", line)
            return
        self.set(table, cell(filled["indicator"]), value, line)

    def _weight(self, line: int, row: Row, filled: Row) -> None:
        self._named("weights", line, row, filled, _value(row))

    def _text(self, line: int, row: Row, filled: Row) -> None:
        self._named("texts", line, row, filled, cell(row.get("value")))

    def _flag(self, line: int, row: Row, filled: Row) -> None:
        self._named("flags", line, row, filled, _flag(row.get("value", "")))

    def _claim(self, line: int, row: Row, filled: Row) -> None:
        name = cell(row.get("indicator"))
        if name in ("total", "grade"):
            value = cell(row.get("value")) if name == "grade" else _value(row)
            self._named("claims", line, row, filled, value)
        else:
            self.table("claims", line)
            self._rest_unused(row, filled, line, "claim")
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

    def _assessment(self, line: int, row: Row, filled: Row) -> None:
        self._rest_unused(row, filled, line, "assessment")
        entry = self._assessment_entry(line, row)
        if entry is not None:
            entry.update(self.cells(filled, ASSESSMENT_COLUMNS, line))

    def _deduction(self, line: int, row: Row, filled: Row) -> None:
        self._rest_unused(row, filled, line, "deduction")
        entry = self._assessment_entry(line, row)
        if entry is None:
            return
        deductions = entry.setdefault("deductions", [])
        if "value" in filled or "reason" in filled:
            deductions.append({"reason": cell(row.get("reason")), "points": _value(row)})

    def build(self) -> Project:
        if not self.data["project"].get("name"):
            self.data["project"]["name"] = self.key
        document = RowDocument(self.file, "", self.data, self.tables, self.entries_at, self.keys)
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


_USED = {
    "target": tuple(TARGET_COLUMNS),
    "budget": ("indicator", "value", "unit_of_measure", "reason"),
    "weight": ("indicator", "value"),
    "text": ("indicator", "value"),
    "flag": ("indicator", "value"),
    "claim": ("indicator", "value"),
    "assessment": ("indicator", *ASSESSMENT_COLUMNS),
    "deduction": ("indicator", "value", "reason"),
}
_UNUSED = {
    kind: frozenset(COLUMNS) - {*PROJECT_COLUMNS, "project", "kind", *used} for kind, used in _USED.items()
}
"""The columns a row of each kind must leave empty."""


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
