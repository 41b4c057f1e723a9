"""Built-in review (复核) checks, registered through the same hook a province's plugin uses."""

from __future__ import annotations

from ..findings import AuditCheck
from ..hookspecs import hookimpl

BUILTIN_CHECKS: tuple[AuditCheck, ...] = ()


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(BUILTIN_CHECKS)
