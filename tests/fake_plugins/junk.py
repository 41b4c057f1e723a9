from __future__ import annotations

from typing import Any

from evalrules import hookimpl


@hookimpl
def register_strategies() -> list[Any]:
    return [object()]
