"""Values still to be filled in: the placeholder ``evalrules new`` writes, found where it stands.

A project file written by ``evalrules new`` (or ``convert --to``) says :data:`PLACEHOLDER` wherever
the analyst has to give something. Loading reports each one still there (E-TODO) at its line, instead of the
number or name problem the placeholder would otherwise cause there.
"""

from __future__ import annotations

import re
from typing import Any

from ..base.errors import Problem
from ..base.sources import Document

PLACEHOLDER = "待填写"
"""The value ``evalrules new`` writes where the analyst has to fill something in."""

_VALUE = re.compile(r'^\s*["\']?([^"\'=:]+?)["\']?\s*[=:]\s*"' + PLACEHOLDER + r'"')
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]")


def placeholder_problems(document: Document) -> list[Problem]:
    """An E-TODO for each value that is still the placeholder, with its line and table."""
    if f'"{PLACEHOLDER}"' not in document.text or not _holds(document.data):
        return []
    problems, table, counts = [], "顶层", dict[str, int]()
    for number, line in enumerate(document.lines, 1):
        header = _HEADER.match(line)
        if header is not None:
            name = header.group(2)
            if header.group(1) == "[[":
                counts[name] = counts.get(name, 0) + 1
                table = f"[[{name}]] 第 {counts[name]} 项"
            else:
                table = f"[{name}]"
            continue
        value = _VALUE.match(line)
        if value is not None:
            key = value.group(1).strip()
            problems.append(
                Problem(
                    "E-TODO",
                    f"还没有填写（仍是占位的 “{PLACEHOLDER}”）",
                    file=document.name,
                    where=f"{table} {key}",
                    line=number,
                    suggestion="换成实际内容",
                )
            )
    return problems


def _holds(data: Any) -> bool:
    """Whether the placeholder is a value anywhere in the data (not only in a comment)."""
    if isinstance(data, dict):
        return any(_holds(value) for value in data.values())
    if isinstance(data, list):
        return any(_holds(value) for value in data)
    return isinstance(data, str) and data.strip() == PLACEHOLDER
