from __future__ import annotations

from decimal import Decimal

from evalrules import FormulaFunction, hookimpl


def _triple(value: Decimal) -> Decimal:
    return value * 3


@hookimpl
def register_functions() -> list[FormulaFunction]:
    return [FormulaFunction("triple", _triple, "triple(x)", "三倍", 1, 1)]
