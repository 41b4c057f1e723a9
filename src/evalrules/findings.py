"""The review-check contract: findings, what a check sees, and what a plugin registers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from attrs import frozen

from .model import Ruleset
from .project import Project
from .result import Result, json_number
from .sources import Place

if TYPE_CHECKING:
    from .plugins import Registry

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
