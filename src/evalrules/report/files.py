"""Writing report files: see evalrules.outputs (one writer for every output)."""

from __future__ import annotations

from ..outputs import write_atomic

__all__ = ["write_atomic"]
