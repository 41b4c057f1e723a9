"""Writing report files: see evalrules.io.outputs (one writer for every output)."""

from __future__ import annotations

from ..io.outputs import write_atomic

__all__ = ["write_atomic"]
