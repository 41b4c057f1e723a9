"""The review-check contract: findings, what a check sees, and what a plugin registers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from attrs import frozen

from ..base.sources import Place
from ..model.project import Project
from ..model.result import Result, json_number
from ..model.ruleset import Ruleset

if TYPE_CHECKING:
    from .registry import Registry

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
"""From the most to the least serious."""

Value = Decimal | str | None


@frozen
class Finding:
    """One thing a reviewer should look at: what, where, and the two values where they apply."""

    code: str
    severity: Severity
    message: str
    path: tuple[str, ...] = ()
    claimed: Value = None
    computed: Value = None
    place: Place | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "path": list(self.path),
            "message": self.message,
        }
        for key in ("claimed", "computed"):
            value = getattr(self, key)
            if value is not None:
                data[key] = json_number(value) if isinstance(value, Decimal) else value
        if self.place is not None:
            data["location"] = {"file": self.place.file, "where": self.place.where, "line": self.place.line}
        return data


def reaches(findings: Iterable[Finding], level: Literal["error", "warning", "never"]) -> bool:
    """Whether any finding is at least as serious as ``level`` (``--fail-on``: exit 3)."""
    if level == "never":
        return False
    serious = SEVERITIES[: SEVERITIES.index(level) + 1]
    return any(finding.severity in serious for finding in findings)


def finding_problem(finding: object) -> str | None:
    """What is wrong with an object a check yielded as a finding, in Chinese; None when it is a
    Finding whose fields have the declared types (a plugin's check can return anything)."""
    if not isinstance(finding, Finding):
        return f"应给出 Finding，实际给出 {finding!r}"
    texts = (finding.code, finding.message, *finding.path) if isinstance(finding.path, tuple) else None
    if texts is None or not all(isinstance(text, str) for text in texts):
        return f"Finding 的 code、message、path 应为文字（实际为 {finding!r}）"
    if finding.severity not in SEVERITIES:
        return f"Finding 的 severity 应为 {'、'.join(SEVERITIES)} 之一（实际为 {finding.severity!r}）"
    for value in (finding.claimed, finding.computed):
        if value is not None and not isinstance(value, (str, Decimal)):
            return f"Finding 的 claimed、computed 应为 Decimal、文字或 None（实际为 {value!r}）"
        if isinstance(value, Decimal) and not value.is_finite():
            return f"Finding 的 claimed、computed 应为有限的数（实际为 {value!r}）"
    if finding.place is not None and not isinstance(finding.place, Place):
        return f"Finding 的 place 应为 Place 或 None（实际为 {finding.place!r}）"
    return None


@frozen
class AuditContext:
    """What every check sees."""

    project: Project
    ruleset: Ruleset
    result: Result | None
    """The recomputed result; None when the submission could not be scored."""
    registry: Registry


@runtime_checkable
class AuditCheck(Protocol):
    """What a plugin registers to add a review check."""

    @property
    def code(self) -> str:
        """Stable code of its findings (A-… for built-ins; a plugin uses its own prefix)."""
        ...

    @property
    def severity(self) -> Severity:
        """How serious its findings are."""
        ...

    @property
    def title(self) -> str:
        """A short Chinese title."""
        ...

    @property
    def doc(self) -> str:
        """What it checks and why, in Chinese (shown in docs/audit.md)."""
        ...

    def run(self, context: AuditContext) -> Iterable[Finding]:
        """The findings for one submission (none when all is well)."""
        ...
