"""TOML/JSON → Project: every value checked, every problem reported at once with its place."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..base.errors import LoadError, Problem, suggest
from ..base.numbers import fmt, written
from ..base.sources import Document, Place, parse_text, read_text
from ..model.claims import Claims, read_claims
from ..model.evidence import PanelScore
from ..model.project import (
    BUDGET_ALIASES,
    BUDGET_FIELDS,
    BUDGET_ROW_ALIASES,
    BUDGET_ROWS,
    Assessment,
    Budget,
    Deduction,
    Project,
    budget_row_name,
)
from .evidence_reading import read_panel
from .project_reader import (
    ASSESSMENT_KEYS,
    PROJECT_KEYS,
    TOP_KEYS,
    Line,
    optional_text,
    unknown_keys_of,
)
from .project_targets import TargetReader


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


class _ProjectReader(TargetReader):
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
        raw = self.table("flags")
        line = self.document.line_of("flags") if raw else None  # looked for only when needed
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
        raw = self.table("weights")
        line = self.document.line_of("weights") if raw else None
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
            unknown = unknown_keys_of(entry, ("score", "rating"))
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
                    rating=None if "rating" in unknown else optional_text(entry.get("rating")),
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
        raw = self.table("claims")
        # no [claims] claims nothing (a test holds read_claims to that), and costs no line search
        return read_claims(self, raw, self.document.name, self.document) if raw else Claims()
