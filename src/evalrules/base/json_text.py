"""JSON text with exact numbers. ``to_dict`` methods give Decimals (exact, for embedders); the
standard json module cannot write a Decimal as a number, and a float would change it (0.1 + 0.2
style digits, or 94.6 read back as 94.59999…). ``dumps`` writes each Decimal with its own text."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from typing import Any


def dumps(data: Any, **options: Any) -> str:
    """json.dumps with every Decimal written as a JSON number with its exact text (a whole one as
    an integer, 94.60 as 94.60); ``options`` as for json.dumps."""
    mark = "\x00" + os.urandom(8).hex() + ":"  # no text in the data can forge it
    found = re.compile('"' + re.escape(json.dumps(mark)[1:-1]) + r'([-+0-9.Ee]+)\\u0000"')
    text = json.dumps(_marked(data, mark), **options)
    return found.sub(r"\1", text)


def _marked(value: Any, mark: str) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"JSON 没有这样的数：{value}")
        if value == value.to_integral_value():
            return int(value)
        return mark + str(value) + "\x00"
    if isinstance(value, dict):
        return {key: _marked(item, mark) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_marked(item, mark) for item in value]
    return value
