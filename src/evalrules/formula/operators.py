"""What a formula may compute: its operators (arithmetic in the bounded decimal context, ``**`` with
a bounded integer exponent, comparisons, not), as the checker allows them and simpleeval applies them."""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..base.numbers import CONTEXT

MAX_EXPONENT = 100
"""Largest absolute integer exponent `**` accepts; results must also stay in the context."""

Value = Decimal | bool


def power(base: Value, exponent: Value) -> Decimal:
    exponent = Decimal(exponent)
    if exponent != exponent.to_integral_value() or abs(exponent) > MAX_EXPONENT:
        raise ArithmeticError(f"乘方的指数必须是绝对值不超过 {MAX_EXPONENT} 的整数")
    if base == 0 and exponent < 0:  # the decimal spec gives Infinity here without a signal
        raise ZeroDivisionError("0 的负数次方")
    return CONTEXT.power(Decimal(base), exponent)


BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", CONTEXT.add),
    ast.Sub: ("-", CONTEXT.subtract),
    ast.Mult: ("*", CONTEXT.multiply),
    ast.Div: ("/", CONTEXT.divide),
    ast.FloorDiv: ("//", CONTEXT.divide_int),
    ast.Mod: ("%", CONTEXT.remainder),
    ast.Pow: ("**", power),
}
UNARY: dict[type[ast.unaryop], tuple[str, Callable[[Any], Any]]] = {
    ast.USub: ("-", CONTEXT.minus),
    ast.UAdd: ("+", CONTEXT.plus),
    ast.Not: ("not", lambda value: not value),
}
COMPARE: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], bool]]] = {
    ast.Eq: ("==", lambda a, b: a == b),
    ast.NotEq: ("!=", lambda a, b: a != b),
    ast.Lt: ("<", lambda a, b: a < b),
    ast.LtE: ("<=", lambda a, b: a <= b),
    ast.Gt: (">", lambda a, b: a > b),
    ast.GtE: (">=", lambda a, b: a >= b),
}
OPERATORS: tuple[str, ...] = (
    *(symbol for table in (BINARY, UNARY, COMPARE) for symbol, _ in table.values()),
    "and",
    "or",
    "x if 条件 else y",
)
"""Every operator a formula may use, for the documentation."""

SIMPLEEVAL_OPERATORS: dict[type, Callable[..., Any]] = {
    kind: function for table in (BINARY, UNARY, COMPARE) for kind, (_, function) in table.items()
}
