"""Exact numbers: the bounded Decimal context, numbers from text, declared rounding.

Nothing here goes through float: a value from TOML, JSON or a formula literal becomes a Decimal
from its own text, so "192.05" stays 192.05 and a grade boundary never moves.
"""

from __future__ import annotations

import decimal
import functools
import re
from collections.abc import Iterable
from decimal import Decimal

PRECISION = 28
"""Significant digits kept while computing (Python's default; far beyond any budget figure)."""
EXPONENT_LIMIT = 999
"""Largest decimal exponent a computed value may reach before evaluation fails with Overflow."""

CONTEXT = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=EXPONENT_LIMIT,
    Emin=-EXPONENT_LIMIT,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The one context every computation uses, passed explicitly (never the thread's default)."""

ROUNDING_MODES = {
    "ROUND_HALF_UP": decimal.ROUND_HALF_UP,
    "ROUND_HALF_EVEN": decimal.ROUND_HALF_EVEN,
    "ROUND_DOWN": decimal.ROUND_DOWN,
    "ROUND_UP": decimal.ROUND_UP,
    "ROUND_FLOOR": decimal.ROUND_FLOOR,
    "ROUND_CEILING": decimal.ROUND_CEILING,
}
"""Rounding modes a ruleset may declare; ROUND_HALF_UP is 四舍五入."""

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# the full-width comma "，" is a list separator in Chinese text, never a thousands separator

MAX_MAGNITUDE = Decimal(10) ** 15
_SHOWN_EXPONENTS = range(-40, 41)
"""A number whose exponent is outside these is shown as 1E+1000000, not in full (it was refused)."""
"""Largest absolute value an input number may have (a budget of 10^15 元 is far beyond any
project); keeps every rounding to the declared places exact within the context's precision."""


class NumberProblem(ValueError):
    """The text is not a finite number; the message says why, in Chinese."""


def parse_number(value: object) -> Decimal:
    """A finite Decimal from TOML/JSON data or text: "192.05", "95%", "1,234", 44, Decimal.

    A trailing percent sign is dropped (95% → 95: targets keep the unit they were given in).
    Booleans, floats' NaN and infinities, and words such as "完成" are refused.
    """
    if isinstance(value, bool):
        raise NumberProblem(f"应为数字，实际为布尔值 {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text.isascii():  # the table maps only full-width characters: ASCII text is left as it is
            text = text.translate(_FULLWIDTH)
        if text.endswith("%"):
            text = text[:-1].strip()
        if "," in text:  # thousands separators, in their places only: "1,5" is no number
            if not _GROUPED.fullmatch(text):
                raise NumberProblem(
                    f"应为数字，实际为 “{value}”：逗号只能作千位分隔符（如 1,234.5），小数点写作 ."
                )
            text = text.replace(",", "")
        if not text:
            raise NumberProblem("应为数字，实际为空")
        try:
            number = Decimal(text)
        except decimal.InvalidOperation:
            raise NumberProblem(f"应为数字，实际为 “{value}”") from None
    else:
        raise NumberProblem(f"应为数字，实际为 {type(value).__name__}")
    if not number.is_finite():
        raise NumberProblem(f"应为有限的数字，实际为 {value}")
    # copy_abs and adjusted need no context: abs() would go through the thread's default
    # context and raise decimal.Overflow for "1e1000000" instead of refusing it here
    if abs(number.adjusted()) > EXPONENT_LIMIT or number.copy_abs() >= MAX_MAGNITUDE:
        raise NumberProblem(f"数值超出范围（绝对值应小于 10^15）：{value}")
    return number


def quantum(places: int) -> Decimal:
    """1 at the last of a number of decimal places (0.01 for 2): what rounding quantizes to."""
    return _QUANTA[places] if 0 <= places < len(_QUANTA) else Decimal(1).scaleb(-places)


_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(40))


def round_to(value: Decimal, places: int, mode: str = "ROUND_HALF_UP") -> Decimal:
    """Round to a number of decimal places with a declared mode (default 四舍五入); a value too
    large to carry them in the context's precision raises InvalidOperation (see rounded_for_text)."""
    return value.quantize(quantum(places), rounding=ROUNDING_MODES[mode], context=CONTEXT)


def rounded_for_text(value: Decimal, places: int, mode: str = "ROUND_HALF_UP") -> Decimal:
    """round_to for a figure only shown or compared with a stated one (a rate over a budget of
    1e-300 万元): a value too large to carry the places has no digit that far down, and is
    returned as it is instead of raising InvalidOperation."""
    if value.is_finite() and value and value.adjusted() >= CONTEXT.prec - 1 - places:
        return value
    return round_to(value, places, mode)


def fmt(value: Decimal) -> str:
    """Plain text for a number: no exponent, no trailing zeros ("2", "1.82", "192.05")."""
    if value.is_finite() and value.adjusted() not in _SHOWN_EXPONENTS:
        return str(value)  # 1E+1000000: a number this size is refused, and said in a short line
    text = format(value, "f")  # exact at any size: no context, no rounding
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text  # -0.004 rounded is -0.00: shown as 0


def written(value: object) -> str:
    """A value as a message shows what was written: a number as its digits (2.0, never
    Decimal('2.0') or 1E+1), anything else as repr shows it ('x', True, [1])."""
    if isinstance(value, Decimal) and value.is_finite():
        return str(value) if value.adjusted() not in _SHOWN_EXPONENTS else format(value, "f")
    return repr(value)


def split_equally(total: Decimal, parts: int, places: int) -> list[Decimal]:
    """Split total into parts that differ by at most one unit of the last place and add up
    exactly to total (10 in 9 parts at 2 places: 1.12 and eight times 1.11)."""
    if parts < 1:
        raise ValueError("split_equally needs at least one part")
    places = max(places, -total.as_tuple().exponent)  # type: ignore[operator]
    unit = Decimal(1).scaleb(-places)
    # ROUND_FLOOR, not ROUND_DOWN: the remainder to hand out is never negative, even for total < 0
    base = CONTEXT.divide(total, parts).quantize(unit, rounding=decimal.ROUND_FLOOR, context=CONTEXT)
    extra = int(CONTEXT.divide(CONTEXT.subtract(total, CONTEXT.multiply(base, parts)), unit))
    return [base + unit if index < extra else base for index in range(parts)]


def apportion(total: Decimal, bases: list[Decimal], places: int) -> list[Decimal]:
    """Share total in proportion to bases, at the given places, adding up exactly to total
    (largest remainders get the spare units; ties go to the earlier part)."""
    whole = sum(bases, ZERO)
    if whole == 0:
        return [ZERO for _ in bases]
    places = max(places, -total.as_tuple().exponent)  # type: ignore[operator]
    unit = Decimal(1).scaleb(-places)
    exact = [CONTEXT.divide(CONTEXT.multiply(total, base), whole) for base in bases]
    floors = [value.quantize(unit, rounding=decimal.ROUND_FLOOR, context=CONTEXT) for value in exact]
    spare = int(CONTEXT.divide(total - sum(floors, ZERO), unit))
    order = sorted(range(len(bases)), key=lambda i: (floors[i] - exact[i], i))
    for index in order[:spare]:
        floors[index] += unit
    return floors


_EXACT = CONTEXT.copy()
_EXACT.traps[decimal.Rounded] = True  # signalled by every inexact result too


def exact_sum(values: Iterable[Decimal]) -> Decimal | None:
    """The sum of the values when CONTEXT's precision keeps every digit of it (then, if none is
    negative, so it does for any sum of some of them: each is smaller, with no more places);
    None when a digit would be lost.

    >>> exact_sum([Decimal("20.5"), Decimal("29.5")])
    Decimal('50.0')
    >>> exact_sum([Decimal("25.000000000000000000000000001"), Decimal("24.999999999999999999999999999")])
    """
    try:
        return functools.reduce(_EXACT.add, values, ZERO)
    except decimal.Rounded:
        return None
