"""Worked examples (golden cases) a ruleset carries in ``[[examples]]``: reading them when the
ruleset loads, scoring them for ``evalrules check``, and what they cover.

An example is a project written inline (the tables of a project file under ``examples.``) and the
scores expected: ``expected = { total = 95.5, grade = "优", "产出" = 40, "效益/项目效益" = "不适用" }``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from .errors import EvalrulesError, LoadError, Problem, suggest
from .evidence.model import PANEL_METHOD, SURVEY_METHOD
from .model import Example, Indicator, Ruleset
from .numbers import NumberProblem, fmt, parse_number
from .plugins import Registry
from .project import Project
from .project_loading import project_from_document
from .result import Result
from .schema import EXAMPLE_KEYS
from .scoring import score
from .sources import Document

if TYPE_CHECKING:
    from .ruleset_tables import RulesetReader

NOT_APPLICABLE_TEXT = "不适用"
"""What ``expected`` says for an indicator that must come out not applicable."""
_PROJECT_TABLES = ("budget", "weights", "targets", "assessments", "flags")
_SUBTABLE = re.compile(r"^(\s*\[\[?\s*)examples\.")
_TABLE = re.compile(r"\[(\[?)(?=[a-z])")


def read_examples(
    reader: RulesetReader, data: Mapping[str, Any], indicators: tuple[Indicator, ...]
) -> tuple[Example, ...]:
    """Every ``[[examples]]`` of the ruleset's own file, each problem with its file and line."""
    raw = data.get("examples", [])
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        reader.problem("E-TYPE", "examples 应写成表的数组 [[examples]]", "[[examples]]", key="examples")
        return ()
    grades = data.get("grades")
    grade_names = [
        str(g.get("name")) for g in (grades if isinstance(grades, list) else []) if isinstance(g, dict)
    ]
    paths = {path for indicator in indicators for path, _ in indicator.walk()}
    slots = [path for indicator in indicators for path, node in indicator.walk() if node.slot]
    built, names = [], set()
    for index, entry in enumerate(raw):
        place = _Place(reader, index, entry.get("name"))
        for key in entry:
            if key not in EXAMPLE_KEYS:
                place.report("E-KEY-UNKNOWN", f"未知的键 “{key}”", key, suggestion=suggest(key, EXAMPLE_KEYS))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            place.report("E-EXAMPLE", "算例缺少名称 name")
            continue
        if name in names:
            place.report("E-EXAMPLE", f"算例名称 “{name}” 重复", "name")
        names.add(name)
        expected = entry.get("expected")
        if not isinstance(expected, dict) or not expected:
            place.report(
                "E-EXAMPLE",
                "算例缺少预期结果 expected",
                "expected",
                expected='{ total = 95.5, grade = "优" }',
            )
            continue
        total, grade, scores = None, None, []
        for key, value in expected.items():
            if key == "grade":
                grade = str(value)
                if grade not in grade_names:
                    place.report(
                        "E-EXAMPLE",
                        f"预期等级 “{grade}” 不是规则集的等级",
                        "grade",
                        expected="、".join(grade_names),
                    )
                continue
            number = None
            if key == "total" or value != NOT_APPLICABLE_TEXT:
                try:
                    number = parse_number(value)
                except NumberProblem as problem:
                    place.report("E-NUMBER", f"expected 的 “{key}” {problem}", key)
                    continue
            if key == "total":
                total = number
                continue
            path = tuple(key.split("/"))
            if path not in paths and not any(path[: len(slot)] == slot and path != slot for slot in slots):
                place.report(
                    "E-EXAMPLE",
                    f"预期得分的指标 “{key}” 不在规则集中",
                    key,
                    suggestion=suggest(key, ["/".join(p) for p in sorted(paths)]),
                )
                continue
            scores.append((path, number))
        project = _project(reader, entry, name, index, place)
        if project is not None:
            description = str(entry.get("description", ""))
            built.append(
                Example(
                    name, entry, project, total, grade, tuple(scores), description, place.file, place.line
                )
            )
    return tuple(built)


class _Place:
    """Where one example stands in the ruleset file, to report its problems."""

    def __init__(self, reader: RulesetReader, index: int, name: object) -> None:
        self.reader, self.document = reader, reader.documents[0]
        self.file, self.line = self.document.name, self.document.nth_table_line("examples", index)
        self.where = f"[[examples]] 第 {index + 1} 项" + (f"（{name}）" if isinstance(name, str) else "")

    def report(self, code: str, message: str, key: str | None = None, **details: str | None) -> None:
        line = self.document.line_after(self.line, key) if key else self.line
        self.reader.problems.append(
            Problem(code, message, file=self.file, where=self.where, line=line, **details)
        )


def _project(
    reader: RulesetReader, entry: Mapping[str, Any], name: str, index: int, place: _Place
) -> Project | None:
    """The example's project, read by the project-file reader from the example's own lines
    (``[[examples.targets]]`` read as ``[[targets]]``); its problems placed in the ruleset file."""
    header = entry.get("project", {})
    if not isinstance(header, dict) or {"name", "ruleset"} & header.keys():
        place.report(
            "E-EXAMPLE", "project 应为表，只写 unit、year、region（项目名称取算例的 name）", "project"
        )
        return None
    document = place.document
    data = {key: entry[key] for key in _PROJECT_TABLES if key in entry}
    data["project"] = {**header, "name": name}
    lines = document.text.splitlines()
    start = (place.line or 1) - 1
    end = (document.nth_table_line("examples", index + 1) or len(lines) + 1) - 1
    text = "\n".join(_SUBTABLE.sub(r"\1", line) for line in lines[start:end])
    try:
        return project_from_document(Document(document.name, text, data))
    except LoadError as error:
        for problem in error.problems:
            reader.problems.append(
                attrs.evolve(
                    problem,
                    file=document.name,
                    line=problem.line + start if problem.line is not None and place.line else None,
                    where=place.where
                    + ("的 " + _TABLE.sub(r"[\1examples.", problem.where) if problem.where else ""),
                )
            )
        return None


# --- running ------------------------------------------------------------------------------------


@frozen
class Mismatch:
    """One expected value an example did not get: what (总分, 等级 or a path), expected, found."""

    what: str
    expected: str
    found: str


@frozen
class ExampleOutcome:
    """How one worked example scored: passed, or its mismatches or the error that stopped it."""

    name: str
    total: Decimal | None
    grade: str | None
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


def _shown(value: Decimal | None) -> str:
    return NOT_APPLICABLE_TEXT if value is None else fmt(value)


def run_example(
    example: Example, ruleset: Ruleset, registry: Registry
) -> tuple[ExampleOutcome, Result | None]:
    try:
        result = score(example.project, ruleset, registry)
    except EvalrulesError as error:
        return ExampleOutcome(example.name, None, None, error=error.render()), None
    mismatches = []
    if example.expected_total is not None and result.total != example.expected_total:
        mismatches.append(Mismatch("总分", fmt(example.expected_total), fmt(result.total)))
    if example.expected_grade is not None and result.grade != example.expected_grade:
        mismatches.append(Mismatch("等级", example.expected_grade, result.grade))
    for path, expected in example.expected_scores:
        try:
            node = result.node(*path)
        except KeyError:
            mismatches.append(Mismatch("/".join(path), _shown(expected), "结果中没有该指标"))
            continue
        found = node.score if node.status == "scored" else None
        if found != expected:
            mismatches.append(Mismatch("/".join(path), _shown(expected), _shown(found)))
    return ExampleOutcome(example.name, result.total, result.grade, tuple(mismatches)), result


@frozen
class Coverage:
    """What the worked examples exercise: indicators scored, grades reached, target operators used."""

    indicators: tuple[str, ...]
    missing_indicators: tuple[str, ...]
    grades: tuple[str, ...]
    missing_grades: tuple[str, ...]
    operators: tuple[str, ...]
    missing_operators: tuple[str, ...]


def coverage(ruleset: Ruleset, results: list[Result]) -> Coverage:
    """An indicator is covered when some example scores it (not N/A); a grade when some example
    reaches it; an operator (≥ ≤ = 定性 of [target_methods]) when some example's target uses it."""
    framework = ["/".join(path) for path, _ in ruleset.walk()]
    scored = {"/".join(n.path) for r in results for n in r.walk() if n.status == "scored"}
    reached = {r.grade for r in results}
    grades = [band.name for band in sorted(ruleset.grades, key=lambda band: band.low, reverse=True)]
    operators = [tm.operator for tm in ruleset.target_methods]
    used = {t.operator for e in ruleset.examples for t in e.project.targets if not t.not_applicable}
    used |= {SURVEY_METHOD for e in ruleset.examples for t in e.project.targets if t.inputs}
    projects = [e.project for e in ruleset.examples]
    if any(t.panel for p in projects for t in p.targets) or any(
        a.panel for p in projects for a in p.assessments
    ):
        used.add(PANEL_METHOD)
    return Coverage(
        tuple(p for p in framework if p in scored),
        tuple(p for p in framework if p not in scored),
        tuple(g for g in grades if g in reached),
        tuple(g for g in grades if g not in reached),
        tuple(o for o in operators if o in used),
        tuple(o for o in operators if o not in used),
    )
