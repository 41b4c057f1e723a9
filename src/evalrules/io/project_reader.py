"""The project reader's ground: the keys a project file may use, and the primitives every part of
reading uses (problems with their lines, unknown keys, tables, numbers, flags), with the helpers
that take a value apart. :mod:`evalrules.io.project_loading` reads a project with them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..base.errors import Problem, suggest
from ..base.numbers import NumberProblem, fmt, parse_number, written
from ..base.sources import Document
from ..model.operators import Operator, operator_in_value
from ..model.project import is_unknown
from .placeholders import placeholder_problems

TOP_KEYS = ("project", "budget", "weights", "targets", "assessments", "claims", "texts", "flags")
PROJECT_KEYS = ("name", "unit", "year", "region", "ruleset")
TARGET_KEYS = (
    "slot",
    "name",
    "operator",
    "value",
    "unit",
    "actual",
    "weight",
    "reason",
    "rating",
    "score",
    "na",
    "method",
    "params",
    "note",
    "source",
    "basis",
    "history",
    "inputs",
    "panel",
)
ASSESSMENT_KEYS = (
    *("path", "score", "deductions", "checklist", "rating", "values", "na", "reason", "note"),
    "panel",
)
Line = int | None | Callable[[], int | None]
"""A line number, or how to find it: most values have no problem, and finding a line costs more
than checking the value."""


class ReaderBase:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.todo = placeholder_problems(document)
        # a placeholder's line reports it as not filled in, not as the bad number it also is
        self.todo_lines = {problem.line for problem in self.todo}

    def problem(self, code: str, message: str, where: str, line: Line, **details: str | None) -> None:
        if callable(line):
            line = line()
        if line is not None and line in self.todo_lines:
            return
        self.problems.append(
            Problem(code, message, file=self.document.name, where=where, line=line, **details)
        )

    def unknown(self, table: Mapping[str, Any], allowed: Any, where: str, line: int | None) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    "E-KEY-UNKNOWN",
                    f"未知的键 “{key}”",
                    where,
                    self.document.line_after(line, key) or line,
                    suggestion=suggest(key, allowed) or f"可用的键：{'、'.join(allowed)}",
                )

    def at(self, line: int | None, key: str) -> int | None:
        return self.document.line_after(line, key) or line

    def mapping(self, entry: Mapping[str, Any], key: str, where: str, line: Line) -> dict[str, Any]:
        value = entry.get(key, {})
        if not isinstance(value, dict):
            self.problem(
                "E-TYPE", f"{key} 应为表（{{ 名称 = 值 }}）", where, line, found=type(value).__name__
            )
            return {}
        return value

    def flag(self, entry: Mapping[str, Any], key: str, where: str, line: Line) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.problem("E-TYPE", f"{key} 应为 true 或 false（不加引号）", where, line, found=written(value))
            return False
        return value

    def table(self, key: str) -> dict[str, Any]:
        value = self.document.data.get(key, {})
        if not isinstance(value, dict):
            self.problem("E-TYPE", f"[{key}] 应为表", f"[{key}]", self.document.line_of(key))
            return {}
        return value

    def tables(self, key: str) -> list[dict[str, Any]]:
        value = self.document.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            self.problem("E-TYPE", f"[[{key}]] 应为表的数组", f"[[{key}]]", self.document.line_of(key))
            return []
        return value

    def number(self, value: Any, where: str, line: Line) -> Decimal | None:
        try:
            return parse_number(value)
        except NumberProblem as problem:
            self.problem("E-NUMBER", str(problem), where, line)
            return None


def unknown_keys_of(entry: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of entry whose value is the marker of a value not known ("?", "不详")."""
    return tuple([key for key in keys if key in entry and is_unknown(entry[key])])


def operator_in_number(value: Any) -> tuple[Operator | None, str]:
    """The operator written around a numeric value ("≥95%", "95%以上") and the number's text."""
    if not isinstance(value, str):
        return None, ""
    operator, bare = operator_in_value(value)
    if operator is None:
        return None, ""
    try:
        parse_number(bare)
    except NumberProblem:
        return None, ""
    return operator, bare


def shown_operator(operator: str) -> str:
    return {">=": "≥", "<=": "≤"}.get(operator, operator)


def is_numeral(value: Any) -> bool:
    """Whether a value is written as a number at all (1e1000000, "1e1000000"), not as words."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, Decimal)):
        return True
    try:
        Decimal(str(value).strip())
    except ArithmeticError:
        return False
    return True


def as_text(value: Any) -> str:
    if type(value) is str:  # most values: the fast way first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value) if value == value.to_integral_value() else str(value)
    return str(value).strip()


def optional_text(value: Any) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None
