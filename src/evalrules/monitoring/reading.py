"""Located problems for the monitoring files (records and monitoring rulesets): every problem
names the file, the table/key and its line, what was expected and a did-you-mean."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..base.errors import LoadError, Problem, known_list, suggest
from ..base.numbers import NumberProblem, parse_number
from ..base.sources import Document


class Reader:
    """Collects the problems of one document; ``done`` raises them all at once."""

    def __init__(self, document: Document, code: str) -> None:
        self.document = document
        self.code = code
        self.problems: list[Problem] = []

    def problem(self, message: str, where: str, *keys: str | int, **details: str | None) -> None:
        line = self.document.line_of(*keys) if keys else None
        self.problems.append(
            Problem(self.code, message, file=self.document.name, where=where, line=line, **details)
        )

    def done(self) -> None:
        if self.problems:
            raise LoadError(self.problems)

    def table(self, data: Any, key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {}) if isinstance(data, dict) else {}
        if not isinstance(value, dict):
            self.problem(f"“{key}” 应为表", where, key, found=type(value).__name__)
            return {}
        return value

    def unknown_keys(self, data: dict[str, Any], known: Iterable[str], where: str, *keys: str | int) -> None:
        known = tuple(known)
        for key in data:
            if key not in known:
                self.problem(
                    f"未知的键 “{key}”",
                    where,
                    *keys,
                    key,
                    expected=known_list(known),
                    suggestion=suggest(key, known),
                )

    def number(self, value: Any, where: str, *keys: str | int) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            return parse_number(value)
        except NumberProblem as error:
            self.problem(str(error), where, *keys)
            return None

    def text(self, value: Any, where: str, *keys: str | int) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        self.problem("应为文字", where, *keys, found=repr(value))
        return ""

    def choice(self, value: Any, choices: Iterable[str], where: str, *keys: str | int) -> str | None:
        choices = tuple(choices)
        if value is None or value == "":
            return None
        if value not in choices:
            self.problem(
                f"不认识的取值 “{value}”",
                where,
                *keys,
                expected=known_list(choices),
                suggestion=suggest(str(value), choices),
            )
            return None
        return str(value)

    def date(self, value: Any, where: str, *keys: str | int) -> datetime.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            text = value.strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
            try:
                return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
            except ValueError:
                pass
        self.problem("应为日期，如 2024-07-31", where, *keys, found=repr(value))
        return None
