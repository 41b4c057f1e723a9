"""JSON text with exact numbers. ``to_dict`` methods give Decimals (exact, for embedders); the
standard json module cannot write a Decimal as a number, and a float would change it (0.1 + 0.2
style digits, or 94.6 read back as 94.59999…). ``dumps`` writes each Decimal with its own text."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

_MARKED = re.compile(r'"\\u0000([0-9a-f]{16}):([-+0-9.Ee]+)\\u0000"')
"""A Decimal written as a JSON string by :func:`dumps`: NUL, the call's mark, its text, NUL."""


def dumps(data: Any, **options: Any) -> str:
    """json.dumps with every Decimal written as a JSON number with its exact text (a whole one as
    an integer, 94.60 as 94.60); ``options`` as for json.dumps (a ``default`` is asked about what
    is neither JSON nor a Decimal). json's own C code walks the containers; only the Decimals
    come to Python."""
    mark = os.urandom(8).hex()  # drawn for each call: no text in the data can forge it

    def number(found: re.Match[str]) -> str:
        return found.group(2) if found.group(1) == mark else found.group(0)

    text = json.dumps(data, default=_exact(mark, options.pop("default", None)), **options)
    return _MARKED.sub(number, text)


def _exact(mark: str, fallback: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """json's ``default``: a Decimal as a whole number or as its marked text."""

    def exact(value: Any) -> Any:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"JSON 没有这样的数：{value}")
            if value == value.to_integral_value():
                return int(value)
            return f"\x00{mark}:{value}\x00"
        if fallback is not None:
            return fallback(value)
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    return exact
