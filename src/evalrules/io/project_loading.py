"""TOML/JSON → Project: every value checked, every problem reported at once with its place."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..base.errors import LoadError, Problem, suggest
from ..base.numbers import NumberProblem, fmt, parse_number, written
from ..base.sources import Document, Place, parse_text, read_text
from ..model.claims import Claims, read_claims
from ..model.evidence import PanelScore
from ..model.operators import Operator
from ..model.project import (
    BUDGET_ALIASES,
    BUDGET_FIELDS,
    BUDGET_ROW_ALIASES,
    BUDGET_ROWS,
    Assessment,
    Budget,
    Deduction,
    Project,
    Target,
    budget_row_name,
    canonical_operator,
    is_unknown,
    operator_in_value,
    suggest_operator,
)
from ..model.ruleset import MethodRef
from .evidence_reading import read_inputs, read_panel
from .key_aliases import TARGET_ALIASES, aliases_of, with_keys
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


def read_project_file(path: str | Path) -> Project:
    """A Project from a TOML or JSON project file; raises LoadError listing every problem.
    (:func:`evalrules.io.project_input.load_project` takes any project file, Excel included.)"""
    return project_from_document(read_text(Path(path)))


def project_from_text(text: str, name: str = "<project>", *, json_format: bool = False) -> Project:
    return project_from_document(parse_text(text, name, json_format=json_format))


def project_from_data(data: Mapping[str, Any], name: str = "<data>") -> Project:
    """A project from plain data in the JSON shape (docs/project-format.md), for embedders: the
    same checks and messages as a file, located by key instead of line. Numbers may be int,
    Decimal, text ("95%") or float (read from its shortest repr: 0.1 is 0.1)."""
    if not isinstance(data, Mapping):
        raise LoadError([Problem("E-FILE", "项目数据的顶层应为映射（dict）", file=name)])
    return project_from_document(Document(name, "", dict(data)))


def project_from_document(document: Document) -> Project:
    return _ProjectReader(document).read()


class _ProjectReader:
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

    def read(self) -> Project:
        data = self.document.data
        self.unknown(data, TOP_KEYS, "顶层", None)
        header = self.table("project")
        header_line = self.document.line_of("project")
        self.unknown(header, PROJECT_KEYS, "[project]", header_line)
        name = header.get("name")
        if name is not None and not isinstance(name, str):
            self.problem(
                "E-TYPE",
                "项目名称 name 应为文字（加引号）",
                "[project] name",
                self.document.line_after(header_line, "name"),
                expected=f'name = "{name}"',
                found=f"name = {name}",
            )
        elif not name:
            self.problem("E-PROJECT", "缺少项目名称 [project] name", "[project]", header_line)
        year = header.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            self.problem(
                "E-TYPE", "year 应为整数年份", "[project] year", self.document.line_after(header_line, "year")
            )
            year = None
        ruleset = header.get("ruleset")
        project = Project(
            name=str(header.get("name", "")),
            unit=str(header.get("unit", "")),
            year=year,
            file=self.document.name,
            budget=self.budget(),
            targets=self.targets(),
            assessments=self.assessments(),
            weights=(weights := self.weights())[0],
            weights_place=weights[1],
            claims=self.claims(),
            ruleset=str(ruleset) if ruleset is not None else None,
            texts={str(k): str(v) for k, v in self.table("texts").items()},
            region=str(header.get("region", "")),
            flags=self.flags(),
        )
        if self.todo or self.problems:
            raise LoadError([*self.todo, *self.problems])
        return project

    def flags(self) -> dict[str, bool | str]:
        raw, line = self.table("flags"), self.document.line_of("flags")
        flags: dict[str, bool | str] = {}
        for key, value in raw.items():
            if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
                flags[str(key)] = value
            else:
                self.problem(
                    "E-TYPE",
                    f"“{key}” 应为 true/false 或一段说明文字",
                    "[flags]",
                    self.document.line_after(line, str(key)),
                    found=written(value),
                )
        return flags

    def budget(self) -> Budget:
        raw = self.table("budget")
        line = self.document.line_of("budget")
        self.unknown(raw, ("unit", "reason", "rows", *BUDGET_FIELDS, *BUDGET_ALIASES), "[budget]", line)
        file = self.document.name
        places = {"": Place(file, "[budget]", line)}
        figures = self.budget_figures(raw, "[budget]", line, "", places)
        if "reason" in raw:
            places["reason"] = Place(file, "[budget] reason", self.document.line_after(line, "reason"))
        rows = self.budget_rows(raw.get("rows", {}), line, places)
        summed = []
        for key in BUDGET_FIELDS:  # a form that prints only the rows: the total is their sum
            if key not in figures and any(key in row for row in rows.values()):
                figures[key] = sum((row[key] for row in rows.values() if key in row), Decimal(0))
                summed.append(key)
                places[key] = Place(file, f"[budget.rows] 各行{key}之和", places.get("rows", places[""]).line)
        return Budget(
            str(raw.get("unit", "万元")), figures, str(raw.get("reason", "")), places, rows, tuple(summed)
        )

    def budget_figures(
        self, raw: Mapping[str, Any], where: str, line: int | None, prefix: str, places: dict[str, Place]
    ) -> dict[str, Decimal]:
        """The figures of a budget table (the total or a row), read under their names or aliases
        (全年执行数 for 执行数); a figure given twice with different values is E-BUDGET."""
        figures: dict[str, Decimal] = {}
        written_as: dict[str, str] = {}
        for spelled, value in raw.items():
            key = BUDGET_ALIASES.get(spelled, spelled)
            if key not in BUDGET_FIELDS:
                continue
            at = self.document.line_after(line, spelled)
            number = self.number(value, f"{where} {spelled}", at)
            if number is not None and number < 0:
                self.problem("E-BUDGET", f"{spelled} 不能为负数", f"{where} {spelled}", at, found=fmt(number))
            elif number is not None and key in figures:
                if number != figures[key]:
                    first = written_as[key]
                    self.problem(
                        "E-BUDGET",
                        f"“{spelled}” 与 “{first}” 都是{key}，却写了不同的值",
                        f"{where} {spelled}",
                        at,
                        expected="只写其中一个",
                        found=f"{first} = {fmt(figures[key])}，{spelled} = {fmt(number)}",
                    )
            elif number is not None:
                figures[key], written_as[key] = number, spelled
                places[prefix + key] = Place(self.document.name, f"{where} {spelled}", at)
        return figures

    def budget_rows(
        self, raw: Any, line: int | None, places: dict[str, Place]
    ) -> dict[str, dict[str, Decimal]]:
        """The parts of the 年度资金总额 ([budget.rows."财政拨款"] …), in the form's order."""
        if not raw:
            return {}
        rows_line = self.document.line_of("budget", "rows")
        if not isinstance(raw, dict) or not all(isinstance(entry, dict) for entry in raw.values()):
            self.problem(
                "E-TYPE",
                '[budget.rows] 应为表，每行一个子表，如 [budget.rows."财政拨款"]',
                "[budget.rows]",
                rows_line,
            )
            return {}
        places["rows"] = Place(self.document.name, "[budget.rows]", rows_line)
        rows: dict[str, dict[str, Decimal]] = {}
        for name, entry in raw.items():
            where = f'[budget.rows."{name}"]'
            row_line = self.document.line_of("budget", "rows", str(name))
            row = budget_row_name(str(name))
            if row is None:
                self.problem(
                    "E-BUDGET",
                    f"未知的资金来源 “{name}”",
                    where,
                    row_line,
                    expected=f"年度资金总额的“其中”各行：{'、'.join(BUDGET_ROWS)}",
                    suggestion=suggest(str(name), [*BUDGET_ROWS, *BUDGET_ROW_ALIASES]),
                )
                continue
            if row in rows:
                self.problem("E-BUDGET", f"资金来源 “{row}” 写了两次", where, row_line)
                continue
            self.unknown(entry, (*BUDGET_FIELDS, *BUDGET_ALIASES), where, row_line)
            places[row] = Place(self.document.name, where, row_line)
            rows[row] = self.budget_figures(entry, where, row_line, f"{row}/", places)
        return {row: rows[row] for row in BUDGET_ROWS if row in rows}

    def weights(self) -> tuple[dict[tuple[str, ...], Decimal], dict[tuple[str, ...], Place]]:
        raw, line = self.table("weights"), self.document.line_of("weights")
        weights, places = {}, {}
        for key, value in raw.items():
            key_line = self.document.line_after(line, key)
            number = self.number(value, f"[weights] “{key}”", key_line)
            if number is not None:
                if number < 0:
                    self.problem(
                        "E-WEIGHT", "分值不能为负数", f"[weights] “{key}”", key_line, found=fmt(number)
                    )
                path = tuple(str(key).split("/"))
                weights[path] = number
                places[path] = Place(self.document.name, f"[weights] “{key}”", key_line)
        return weights, places

    def targets(self) -> tuple[Target, ...]:
        built = []
        for index, entry in enumerate(self.tables("targets")):
            line = self.document.nth_table_line("targets", index) or self.document.line_of("targets")
            name = next(
                (entry[k] for k in ("name", "三级指标", "指标名称") if isinstance(entry.get(k), str)), None
            )
            label = f"[[targets]] 第 {index + 1} 项" + (f"（{name}）" if name else "")
            target = self.target(entry, label, line)
            if target is not None:
                built.append(target)
        return tuple(built)

    def target(self, entry: dict[str, Any], where: str, line: int | None) -> Target | None:
        entry, spelled = self.aliased(entry, where, line)
        self.unknown(entry, TARGET_KEYS, where, line)

        def at(key: str) -> Callable[[], int | None]:
            """The line of key as spelled (年度指标值 for value), found only if a problem is there."""
            return functools.partial(self.at, line, spelled.get(key, key))

        ok = True
        for key in ("slot", "name"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                self.problem("E-TARGET", f"缺少 {key}", where, line)
                ok = False
        raw_operator = _text(entry.get("operator"))
        operator = canonical_operator(raw_operator)
        value_text, actual_text = _text(entry.get("value")), _text(entry.get("actual"))
        # a value copied from the form with its operator: "≥95%", "不低于95%", "95%以上"
        # only before or after a number: a 定性 value such as "良好以上" keeps its words
        in_value, bare_value = _operator_in_number(entry.get("value"))
        if in_value is not None and operator not in (None, "定性", in_value):
            self.problem(
                "E-OPERATOR",
                f"指标性质 “{raw_operator}” 与年度指标值 “{value_text}” 中的 “{_shown(in_value)}” 矛盾",
                where,
                at("operator"),
                expected="两处一致，或只写一处",
            )
            ok = False
        elif in_value is not None and operator is None:
            operator = in_value
        elif operator is None:
            self.problem(
                "E-OPERATOR",
                f"未知的指标性质 “{raw_operator}”" if raw_operator else "缺少指标性质 operator",
                where,
                at("operator") if raw_operator else line,
                expected="≥、≤、= 或 定性",
                suggestion=suggest_operator(raw_operator),
            )
            ok = False
        value = actual = None
        lines: dict[str, int | None] = {}
        rating_text = _text(entry.get("rating"))  # rating = "" is as blank as no rating
        evidence = {"score", "inputs", "panel"} & set(entry)
        blank = not value_text and not actual_text and not rating_text and not evidence
        not_applicable = self.flag(entry, "na", where, at("na")) or blank
        unknown = _unknown(entry, ("value", "actual", "score", "rating"))
        if operator not in (None, "定性") and not not_applicable:
            if "value" in unknown:
                value = None  # there, but not known ("?"): scored as a range
            elif value_text:
                number_text = bare_value if in_value is not None else entry["value"]
                value = self.number(number_text, where + " 的 value（年度指标值）", at("value"))
                ok = ok and value is not None
            else:
                self.problem("E-TARGET", "缺少年度指标值 value", where, line)
                ok = False
            if actual_text:
                try:
                    actual = parse_number(entry["actual"])
                except NumberProblem as problem:
                    if _is_numeral(entry["actual"]):  # a number, but beyond any form's (1e1000000)
                        at_actual = where + " 的 actual（实际完成值）"
                        self.problem("E-NUMBER", str(problem), at_actual, at("actual"))
                        ok = False
                    actual = None  # scoring reports a non-numeric actual with the ruleset's policy
                    lines["actual"] = self.at(line, "actual")  # only such an actual is looked up
        if "score" in entry:
            lines["score"] = self.at(line, "score")
        weight = (
            self.number(entry["weight"], where + " 的 weight", at("weight")) if "weight" in entry else None
        )
        if weight is not None and weight < 0:
            self.problem("E-WEIGHT", "分值不能为负数", where, at("weight"), found=fmt(weight))
            ok = False
        score = (
            self.number(entry["score"], where + " 的 score", at("score"))
            if "score" in entry and "score" not in unknown
            else None
        )
        method = None
        if "method" in entry:
            params = self.mapping(entry, "params", where, at("params"))
            method = MethodRef(str(entry["method"]), params)
        elif "params" in entry:
            self.problem(
                "E-TARGET", "写了 params 却没有 method：params 只对自选的计分方法有效", where, at("params")
            )
            ok = False
        history = self.history(entry, where, at("history"))
        inputs = read_inputs(self, entry["inputs"], where, at("inputs")) if "inputs" in entry else {}
        panel = read_panel(self, entry["panel"], where, at("panel")) if "panel" in entry else ()
        if not ok or operator is None or inputs is None or panel is None:  # a missing operator is said above
            return None
        return Target(
            slot=tuple(str(entry["slot"]).split("/")),
            name=str(entry["name"]),
            operator=operator,
            value=value,
            value_text=value_text,
            unit=str(entry.get("unit", "")),
            actual=actual,
            actual_text=actual_text,
            place=Place(self.document.name, where, line),
            weight=weight,
            reason=str(entry.get("reason", "")),
            rating=None if "rating" in unknown else _optional_text(entry.get("rating")),
            score=score,
            not_applicable=not_applicable,
            method=method,
            note=str(entry.get("note", "")),
            unknown=unknown,
            lines={key: at for key, at in lines.items() if at is not None},
            source=_text(entry.get("source")),
            basis=_text(entry.get("basis")),
            history=history,
            inputs=inputs,
            panel=panel,
        )

    def history(self, entry: Mapping[str, Any], where: str, line: Line) -> dict[str, Decimal]:
        """申报表 history = { "2023" = 93, … }: past years' actuals, oldest first."""
        raw = self.mapping(entry, "history", where, line)
        values = {}
        for year in sorted(raw, key=str):
            if not (str(year).isdigit() and len(str(year)) == 4):
                self.problem("E-TARGET", f"history 的键应为四位年份，实际为 “{year}”", where, line)
                continue
            number = self.number(raw[year], f"{where} 的 history “{year}”", line)
            if number is not None:
                values[str(year)] = number
        return values

    def aliased(
        self, entry: dict[str, Any], where: str, line: int | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        if not any(key in TARGET_ALIASES for key in entry):
            return entry, {}
        keys, spelled, twice = with_keys(entry, TARGET_ALIASES)
        for first, key, canonical in twice:
            self.problem(
                "E-KEY-ALIAS",
                f"“{first}” 与 “{key}” 是同一项（{canonical}），只能写一个",
                where,
                self.document.line_after(line, key) or line,
                suggestion=f"删去其中一个（{canonical} 也可以写作 {'、'.join(aliases_of(canonical))}）",
            )
        return keys, spelled

    def assessments(self) -> tuple[Assessment, ...]:
        built, seen = [], set()
        for index, entry in enumerate(self.tables("assessments")):
            line = self.document.nth_table_line("assessments", index) or self.document.line_of("assessments")
            where = f"[[assessments]] 第 {index + 1} 项" + (f"（{entry['path']}）" if "path" in entry else "")
            self.unknown(entry, ASSESSMENT_KEYS, where, line)
            at = functools.partial(self.at, line)
            if not isinstance(entry.get("path"), str) or not entry["path"]:
                self.problem(
                    "E-ASSESSMENT", '缺少指标路径 path（如 "决策/项目立项/立项依据充分性"）', where, line
                )
                continue
            path = tuple(entry["path"].split("/"))
            if path in seen:
                self.problem("E-ASSESSMENT", f"指标 {entry['path']} 被评价了两次", where, line)
            seen.add(path)
            deductions = None
            if "deductions" in entry:
                deductions = self.deductions(entry["deductions"], where, at("deductions"))
            checklist = entry.get("checklist")
            if checklist is not None and (
                not isinstance(checklist, dict) or not all(isinstance(v, bool) for v in checklist.values())
            ):
                self.problem("E-TYPE", "checklist 应为 { 要点 = true/false } 表", where, at("checklist"))
                checklist = None
            unknown = _unknown(entry, ("score", "rating"))
            values = {}
            for key, raw in self.mapping(entry, "values", where, at("values")).items():
                number = self.number(raw, f"{where} 的 values.{key}", at("values"))
                if number is not None:
                    values[str(key)] = number
            built.append(
                Assessment(
                    path=path,
                    place=Place(self.document.name, where, line),
                    score=self.number(entry["score"], where + " 的 score", at("score"))
                    if "score" in entry and "score" not in unknown
                    else None,
                    deductions=deductions,
                    checklist=checklist,
                    rating=None if "rating" in unknown else _optional_text(entry.get("rating")),
                    values=values,
                    not_applicable=self.flag(entry, "na", where, at("na")),
                    reason=str(entry.get("reason", "")),
                    note=str(entry.get("note", "")),
                    unknown=unknown,
                    lines={"score": found} if "score" in entry and (found := at("score")) else {},
                    panel=self.panel(entry, where, at("panel")),
                )
            )
        return tuple(built)

    def panel(self, entry: Mapping[str, Any], where: str, line: Line) -> tuple[PanelScore, ...]:
        return (read_panel(self, entry["panel"], where, line) or ()) if "panel" in entry else ()

    def deductions(self, raw: Any, where: str, line: int | None) -> tuple[Deduction, ...] | None:
        if not isinstance(raw, list):
            self.problem("E-TYPE", 'deductions 应为列表，每项 { reason = "…", points = 数字 }', where, line)
            return None
        items = []
        for index, item in enumerate(raw):
            label = f"{where} 的 deductions[{index}]"
            if not isinstance(item, dict) or not isinstance(item.get("reason"), str) or "points" not in item:
                self.problem("E-DEDUCTION", "每项扣分应写明原因 reason 和分数 points", label, line)
                continue
            points = self.number(item["points"], label + " 的 points", line)
            if points is not None and points < 0:
                self.problem("E-DEDUCTION", "扣分不能为负数", label, line, found=fmt(points))
            elif points is not None:
                items.append(Deduction(item["reason"], points))
        return tuple(items)

    def claims(self) -> Claims:
        return read_claims(self, self.table("claims"), self.document.name, self.document)


def _unknown(entry: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of entry whose value is the marker of a value not known ("?", "不详")."""
    return tuple(key for key in keys if is_unknown(entry.get(key)))


def _operator_in_number(value: Any) -> tuple[Operator | None, str]:
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


def _shown(operator: str) -> str:
    return {">=": "≥", "<=": "≤"}.get(operator, operator)


def _is_numeral(value: Any) -> bool:
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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value) if value == value.to_integral_value() else str(value)
    return str(value).strip()


def _optional_text(value: Any) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None
