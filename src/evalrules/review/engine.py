"""review_targets(): run a review ruleset's rules over a project's targets, conclude."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from attrs import evolve, frozen

from ..base.errors import FormulaError
from ..base.numbers import fmt
from ..base.sources import Place
from ..hooks.findings import SEVERITIES, Finding, Severity, finding_problem, reaches
from ..hooks.registry import Registry, default_registry
from ..hooks.review_checks import Hit, ReviewContext
from ..model.project import Project, Target
from .checks import target_values
from .facts import in_categories, target_facts
from .ruleset import ASPECTS, Conclusion, ReviewRule, ReviewRuleset

_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


@frozen
class ReviewReport:
    """The findings for one project's targets, in reading order, and the 审核结论."""

    project_name: str
    project_file: str
    ruleset_id: str
    findings: tuple[Finding, ...]
    grade: str
    conclusion: str
    next_step: str
    aspects: Mapping[str, str]
    """Each finding's aspect (完整性 …), by its index in findings."""

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def fails(self, level: Literal["error", "warning", "never"]) -> bool:
        """Whether any finding is at least as serious as level (as ``evalrules audit``)."""
        return reaches(self.findings, level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project_name,
            "ruleset": self.ruleset_id,
            "grade": self.grade,
            "conclusion": self.conclusion,
            "next_step": self.next_step,
            "counts": {severity: self.count(severity) for severity in SEVERITIES},
            "findings": [finding.to_dict() for finding in self.findings],
        }


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _path(target: Target | None) -> tuple[str, ...]:
    return (*target.slot, target.name) if target is not None else ()


def review_targets(
    project: Project, review_ruleset: ReviewRuleset, registry: Registry | None = None
) -> ReviewReport:
    """Review a project's performance targets (绩效目标审核) under a review ruleset
    (:func:`evalrules.review.ruleset.load_review_ruleset`): every rule's findings, in the order
    of the project file, and the 审核结论 its conclusions declare. A check function that fails
    or returns something else than hits becomes an R-CHECK-FAILED finding, never a silent pass."""
    registry = registry or default_registry()
    # a target marked not applicable (an evaluation file's na) is not among the targets set
    project = evolve(project, targets=tuple(t for t in project.targets if not t.not_applicable))
    found: list[tuple[Finding, str, int]] = []
    position = {id(target): index + 1 for index, target in enumerate(project.targets)}
    for rule in review_ruleset.rules:
        targets = tuple(t for t in project.targets if in_categories(t, rule.applies_to))
        try:
            hits = _hits(rule, project, targets, registry)
            made = [
                (_finding(rule, hit, project), rule.aspect, position.get(id(hit.target), 0)) for hit in hits
            ]
        except (Exception, SystemExit) as error:
            made = [(_failed(f"审核规则 {rule.id} 出错：{error!r}"), rule.aspect, 0)]
        wrong = next((p for p in (finding_problem(f) for f, _, _ in made) if p is not None), None)
        if wrong is not None:
            made = [(_failed(f"审核规则 {rule.id} 的结果无效：{wrong}"), rule.aspect, 0)]
        found.extend(made)
    # project-wide findings first, then by target in the order of the file, most serious first
    found.sort(key=lambda item: (item[2], SEVERITIES.index(item[0].severity), item[0].code))
    grade, label, next_step = _conclude(review_ruleset.conclusions, found)
    return ReviewReport(
        project.name,
        project.file,
        review_ruleset.id,
        tuple(finding for finding, _, _ in found),
        grade,
        label,
        next_step,
        {str(index): aspect for index, (_, aspect, _) in enumerate(found)},
    )


def _failed(message: str) -> Finding:
    return Finding("R-CHECK-FAILED", "error", message)


def _hits(rule: ReviewRule, project: Project, targets: tuple[Target, ...], registry: Registry) -> list[Hit]:
    if rule.when is not None:
        hits = []
        for target in targets:
            facts = target_facts(target, project)
            try:
                matched = rule.when.evaluate(facts)  # type: ignore[arg-type]
            except FormulaError as error:
                raise FormulaError(
                    error.problems[0].message, formula=rule.when.source, path=f"规则 {rule.id}"
                ) from None
            if matched:
                shown = {k: str(v) if isinstance(v, bool) else fmt(v) for k, v in facts.items()}
                hits.append(Hit(target, {**shown, **target_values(target)}))
        return hits
    check = registry.review_checks[rule.check]
    return list(check.run(ReviewContext(project, targets, rule.params)))


def _finding(rule: ReviewRule, hit: Hit, project: Project) -> Finding:
    values = _Blank({**(target_values(hit.target) if hit.target is not None else {}), **hit.values})
    message = rule.message.format_map(values)
    place = hit.target.place if hit.target is not None else Place(project.file, "", None)
    return Finding(rule.id, rule.severity, message, path=_path(hit.target), place=place)


def _conclude(
    conclusions: tuple[Conclusion, ...], found: list[tuple[Finding, str, int]]
) -> tuple[str, str, str]:
    counts = {name: Decimal(0) for name in _count_names()}
    for finding, aspect, _ in found:
        word = _WORDS[finding.severity]
        counts[word] += 1
        if aspect:
            counts[aspect + word] += 1
    for conclusion in conclusions:
        if conclusion.when is None or conclusion.when.evaluate(counts):
            return conclusion.grade, conclusion.label, conclusion.next_step
    return "", "", ""


def _count_names() -> tuple[str, ...]:
    words = tuple(_WORDS.values())
    return (*words, *(f"{aspect}{word}" for aspect in ASPECTS for word in words))
