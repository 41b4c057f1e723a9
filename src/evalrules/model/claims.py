"""What a submission claims about itself: scores, totals, grade, counts, figures and sums.

A reviewer (复核) compares these with what evalrules computes and with each other; see
:mod:`evalrules.audit`. The project file's ``[claims]`` table holds them:

    [claims]
    total = 100
    grade = "优"
    [claims.scores]
    "决策" = 20
    [[claims.counts]]          # "由22个三级指标构成"
    path = "决策"
    level = 3
    count = 22
    [[claims.figures]]         # a figure the text states: "受益职工满意度达到99%"
    name = "受益群众满意度"
    value = 99
    unit = "%"
    source = "三、（二）综合评价结论"
    [[claims.sums]]            # "实有在职人数 77 人，其中：行政在职19人,工勤9人、事业在职16人"
    name = "实有在职人数"
    total = 77
    parts = { "行政在职" = 19, "工勤" = 9, "事业在职" = 16 }
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from attrs import field, frozen

from ..base.pickling import pickled_by_fields
from ..base.sources import Place

CLAIM_KEYS = ("total", "grade", "scores", "counts", "figures", "sums")
COUNT_KEYS = ("path", "level", "count", "text", "source")
FIGURE_KEYS = ("name", "value", "unit", "source")
SUM_KEYS = ("name", "total", "parts", "unit", "source")


@pickled_by_fields
@frozen
class CountClaim:
    """The text says how many indicators of a level a part of the tree has."""

    path: tuple[str, ...]
    level: int
    count: int
    place: Place
    text: str = ""
    source: str = ""


@pickled_by_fields
@frozen
class FigureClaim:
    """A figure the text states somewhere (the same name stated twice must agree)."""

    name: str
    value: Decimal
    place: Place
    unit: str = ""
    source: str = ""


@pickled_by_fields
@frozen
class SumClaim:
    """A total the text states together with its parts (the parts must add up to it)."""

    name: str
    total: Decimal
    parts: Mapping[str, Decimal]
    place: Place
    unit: str = ""
    source: str = ""


@pickled_by_fields
@frozen
class Claims:
    """Everything a submission states about its own result."""

    total: Decimal | None = None
    grade: str | None = None
    scores: Mapping[str, Decimal] = field(factory=dict)
    counts: tuple[CountClaim, ...] = ()
    figures: tuple[FigureClaim, ...] = ()
    sums: tuple[SumClaim, ...] = ()
    places: Mapping[str, Place] = field(factory=dict)
    """Where each claimed score (by path), "total" and "grade" stand in the file."""


class _Reader(Protocol):
    """The parts of the project reader that reading claims uses."""

    def problem(
        self, code: str, message: str, where: str, line: int | None, **details: str | None
    ) -> None: ...
    def unknown(self, table: Mapping[str, Any], allowed: Any, where: str, line: int | None) -> None: ...
    def number(self, value: Any, where: str, line: int | None) -> Decimal | None: ...
    def mapping(self, entry: Mapping[str, Any], key: str, where: str, line: int | None) -> dict[str, Any]: ...


def read_claims(reader: _Reader, raw: dict[str, Any], file: str, lines: Any) -> Claims:
    """Claims from the ``[claims]`` table; ``lines`` is the Document (line_of, nth_table_line, line_after)."""
    line = lines.line_of("claims")
    reader.unknown(raw, CLAIM_KEYS, "[claims]", line)
    places: dict[str, Place] = {}
    total = None
    if "total" in raw:
        at = lines.line_after(line, "total")
        total = reader.number(raw["total"], "[claims] total", at)
        places["total"] = Place(file, "[claims] total", at)
    grade = raw.get("grade")
    if grade is not None:
        places["grade"] = Place(file, "[claims] grade", lines.line_after(line, "grade"))
        if not isinstance(grade, str) or not grade.strip():
            reader.problem(
                "E-CLAIM", 'grade 应为等级名称的文字（如 "优"）', "[claims] grade", places["grade"].line
            )
            grade = None
    scores = {}
    table = lines.line_of("claims", "scores")
    for key, value in reader.mapping(raw, "scores", "[claims]", line).items():
        at = lines.line_after(table, str(key), fallback=False) or lines.line_of(str(key))
        number = reader.number(value, f"[claims.scores] “{key}”", at)
        if number is not None:
            scores[str(key)] = number
            places[str(key)] = Place(file, f"[claims.scores] “{key}”", at)
    return Claims(
        total,
        str(grade) if grade is not None else None,
        scores,
        tuple(_counts(reader, raw, file, lines)),
        tuple(_figures(reader, raw, file, lines)),
        tuple(_sums(reader, raw, file, lines)),
        places,
    )


def _entries(
    reader: _Reader, raw: dict[str, Any], key: str, keys: tuple[str, ...], lines: Any
) -> list[tuple[str, int | None, dict[str, Any]]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        reader.problem("E-TYPE", f"[[claims.{key}]] 应为表的数组", f"[[claims.{key}]]", lines.line_of(key))
        return []
    found = []
    for index, entry in enumerate(value):
        where = f"[[claims.{key}]] 第 {index + 1} 项"
        line = lines.nth_table_line(f"claims.{key}", index)
        reader.unknown(entry, keys, where, line)
        found.append((where, line, entry))
    return found


def _counts(reader: _Reader, raw: dict[str, Any], file: str, lines: Any) -> list[CountClaim]:
    claims = []
    for where, line, entry in _entries(reader, raw, "counts", COUNT_KEYS, lines):
        path, level, count = entry.get("path"), entry.get("level"), entry.get("count")
        if not isinstance(path, str) or not path:
            reader.problem("E-CLAIM", '缺少 path（如 "决策"）', where, line)
        elif not (isinstance(level, int) and isinstance(count, int) and _whole(count)) or not level >= 1:
            reader.problem("E-CLAIM", "level 应为正整数（1 为一级指标），count 应为非负整数", where, line)
        else:
            claims.append(
                CountClaim(
                    tuple(path.split("/")),
                    level,
                    count,
                    Place(file, where, line),
                    str(entry.get("text", "")),
                    str(entry.get("source", "")),
                )
            )
    return claims


def _figures(reader: _Reader, raw: dict[str, Any], file: str, lines: Any) -> list[FigureClaim]:
    claims = []
    for where, line, entry in _entries(reader, raw, "figures", FIGURE_KEYS, lines):
        name = entry.get("name")
        value = reader.number(entry["value"], where + " 的 value", line) if "value" in entry else None
        if "value" not in entry:
            reader.problem("E-CLAIM", "缺少 value", where, line)
        if not isinstance(name, str) or not name:
            reader.problem("E-CLAIM", "缺少 name", where, line)
        elif value is not None:
            claims.append(
                FigureClaim(
                    name,
                    value,
                    Place(file, where, line),
                    str(entry.get("unit", "")),
                    str(entry.get("source", "")),
                )
            )
    return claims


def _sums(reader: _Reader, raw: dict[str, Any], file: str, lines: Any) -> list[SumClaim]:
    claims = []
    for where, line, entry in _entries(reader, raw, "sums", SUM_KEYS, lines):
        name = entry.get("name")
        total = reader.number(entry["total"], where + " 的 total", line) if "total" in entry else None
        if "total" not in entry:
            reader.problem("E-CLAIM", "缺少 total", where, line)
        parts = {}
        for part, value in reader.mapping(entry, "parts", where, line).items():
            number = reader.number(value, f"{where} 的 parts.{part}", line)
            if number is not None:
                parts[str(part)] = number
        if not isinstance(name, str) or not name or not parts:
            reader.problem("E-CLAIM", "每项应有 name、total 和至少一个 parts", where, line)
        elif total is not None:
            claims.append(
                SumClaim(
                    name,
                    total,
                    parts,
                    Place(file, where, line),
                    str(entry.get("unit", "")),
                    str(entry.get("source", "")),
                )
            )
    return claims


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
