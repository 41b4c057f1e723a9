"""Review (复核) of a submitted evaluation: recompute it, compare it with its claims, and run
every registered consistency check.

Checks are registered through the ``register_checks`` hook, the built-in ones as well
(:mod:`evalrules.default_plugins.checks`); each has a stable code and a severity and yields
:class:`Finding` values located in the project file. :func:`audit` never raises on a bad
submission: a project that cannot be scored becomes findings too.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from attrs import frozen

from ..base.errors import ScoringError
from ..base.numbers import fmt
from ..base.sources import Place
from ..engine.scoring import score
from ..hooks.findings import SEVERITIES, AuditCheck, AuditContext, Finding, Severity, finding_problem, reaches
from ..hooks.registry import Registry, default_registry
from ..model.project import Project
from ..model.result import Result, json_number
from ..model.ruleset import Ruleset

__all__ = ["AuditCheck", "AuditContext", "AuditReport", "Finding", "audit", "render_text"]


@frozen
class AuditReport:
    """All findings for one submission, most serious first, with the recomputed result."""

    findings: tuple[Finding, ...]
    result: Result | None
    project_name: str
    ruleset_id: str

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def fails(self, level: Literal["error", "warning", "never"]) -> bool:
        """Whether any finding is at least as serious as level."""
        return reaches(self.findings, level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project_name,
            "ruleset": self.ruleset_id,
            "total": json_number(self.result.total) if self.result else None,
            "grade": self.result.grade if self.result else None,
            "counts": {severity: self.count(severity) for severity in SEVERITIES},
            "findings": [finding.to_dict() for finding in self.findings],
        }


def audit(project: Project, ruleset: Ruleset, registry: Registry | None = None) -> AuditReport:
    """Recompute the project, compare it with its claims and run every registered check."""
    registry = registry or default_registry()
    findings: list[Finding] = []
    result = None
    try:
        result = score(project, ruleset, registry)
    except ScoringError as error:
        findings.extend(
            Finding(
                "A-WEIGHT-SUM" if problem.code == "E-WEIGHT-SUM" else "A-SCORING",
                "error",
                f"无法复算：{problem.message}"
                + (f"（应为 {problem.expected}；实际为 {problem.found}）" if problem.expected else ""),
                path=tuple(problem.path.split("/")) if problem.path else (),
                place=Place(problem.file or project.file, problem.where or "", problem.line),
            )
            for problem in error.problems
        )
    context = AuditContext(project, ruleset, result, registry)
    for name, check in registry.checks.items():
        plugin = registry.origin("check", name)
        try:
            found = list(check.run(context))
        except (Exception, SystemExit) as error:  # an audit that silently skipped a check misleads
            findings.append(
                Finding("A-CHECK-FAILED", "error", f"检查 {name}（插件 {plugin}）出错：{error!r}")
            )
            continue
        wrong = next((problem for problem in map(finding_problem, found) if problem is not None), None)
        if wrong is not None:  # none of its findings: one bad one puts the rest in doubt
            findings.append(
                Finding("A-CHECK-FAILED", "error", f"检查 {name}（插件 {plugin}）的结果无效：{wrong}")
            )
            continue
        findings.extend(found)
    ordered = sorted(findings, key=_reading_order)
    return AuditReport(tuple(ordered), result, project.name, ruleset.info.id)


def _reading_order(finding: Finding) -> tuple[int, int, str]:
    """Most serious first; within a severity, in the order of the project file."""
    line = finding.place.line if finding.place and finding.place.line else 10**9
    return SEVERITIES.index(finding.severity), line, finding.code


def render_text(report: AuditReport) -> str:
    """Findings grouped by severity, each with its code, place and values."""
    titles: Mapping[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}
    lines = [f"复核：{report.project_name}（规则集 {report.ruleset_id}）"]
    if report.result is not None:
        lines.append(f"复算结果：总分 {fmt(report.result.total)}，等级 {report.result.grade}")
    for severity in SEVERITIES:
        group = [finding for finding in report.findings if finding.severity == severity]
        if not group:
            continue
        lines += ["", f"{titles[severity]}（{len(group)}）"]
        for finding in group:
            where = "/".join(finding.path)
            place = finding.place
            at = f"{place.file}:{place.line}" if place and place.line else (place.file if place else "")
            lines.append(f"  [{finding.code}] {where + '：' if where else ''}{finding.message}")
            values = [
                f"{label} {fmt(value) if isinstance(value, Decimal) else value}"  # 5, not 5.00
                for label, value in (("申报", finding.claimed), ("复算", finding.computed))
                if value is not None
            ]
            details = "；".join(filter(None, ["，".join(values), f"位置 {at}" if at else ""]))
            if details:
                lines.append(f"      {details}")
    counts = "，".join(f"{titles[s]} {report.count(s)}" for s in SEVERITIES)
    lines += ["", f"共 {len(report.findings)} 项：{counts}"]
    return "\n".join(lines) + "\n"
