"""Worked examples (golden cases) a ruleset carries in ``[[examples]]``: scoring them for
``evalrules check``, and what they cover (reading them is :mod:`evalrules.io.examples`)."""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from ..base.errors import EvalrulesError
from ..base.numbers import fmt
from ..engine.scoring import score
from ..hooks.registry import Registry
from ..io.examples import NOT_APPLICABLE_TEXT
from ..model.evidence import PANEL_METHOD, SURVEY_METHOD
from ..model.result import Result
from ..model.ruleset import Example, Ruleset


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
    used: set[str] = {t.operator for e in ruleset.examples for t in e.project.targets if not t.not_applicable}
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
