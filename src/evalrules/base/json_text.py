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

_MARK = "\x00" + os.urandom(8).hex() + ":"
"""Put before a Decimal's text written as a JSON string, to be made a number again: no text in the
data can forge it (it is drawn anew in every process, and a real string's NUL is escaped)."""
_MARKED = re.compile('"' + re.escape(json.dumps(_MARK)[1:-1]) + r'([-+0-9.Ee]+)\\u0000"')


def dumps(data: Any, **options: Any) -> str:
    """json.dumps with every Decimal written as a JSON number with its exact text (a whole one as
    an integer, 94.60 as 94.60); ``options`` as for json.dumps (a ``default`` is asked about what
    is neither JSON nor a Decimal)."""
    text = json.dumps(data, default=_exact(options.pop("default", None)), **options)
    return _MARKED.sub(r"\1", text)


def _exact(fallback: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """json's ``default`` for a Decimal: only the values that are not JSON come here, so the
    containers are walked by json's own C code, not in Python."""

    def exact(value: Any) -> Any:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"JSON 没有这样的数：{value}")
            if value == value.to_integral_value():
                return int(value)
            return _MARK + str(value) + "\x00"
        if fallback is not None:
            return fallback(value)
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    return exact
