"""Which TOML parser reads a text: the fastest one installed that reads it safely, with the same data.

- ``tomllib``, the standard library's: the core install;
- ``tomli``, its upstream compiled (the ``fast`` extra): the same parser, 2–3× faster; below 2.3 it
  reads TOML 1.0, as tomllib does;
- ``toml-rs``, a Rust parser (the ``fast`` extra): in its TOML 1.0 mode the same data again about
  5× faster (docs/performance.md). It crashes the process (a segmentation fault, not an exception)
  on input nested about a thousand levels deep, and makes numbers of thousands of digits that
  tomllib refuses: it reads only texts with few brackets and no such number. A text it refuses is
  read again by tomli or tomllib, so a problem is always told in their words, at their place.
  tests/test_toml_parsing.py compares the parsers on every TOML file of the repository, on
  malformed texts and on random changes to a real project file.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

try:
    import tomli as standard
except ImportError:  # the core install: the standard library's copy
    import tomllib as standard  # type: ignore[no-redef]

rust_loads: Callable[..., dict[str, Any]] | None
try:
    from toml_rs import loads as rust_loads  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    rust_loads = None

TOMLDecodeError = standard.TOMLDecodeError

MAX_RUST_BRACKETS = 300
"""The most brackets ([ and {) a text may hold to be given to the Rust parser: with at most this
many nothing is nested deeper, which every parser reads alike. More (a large ruleset, or a hostile
file) goes to tomli or tomllib."""


def parse_toml(text: str, parse_float: Callable[[str], Decimal]) -> dict[str, Any]:
    """The data of a TOML text, numbers with a fraction made by ``parse_float``; raises what tomli
    or tomllib raises for a text they refuse."""
    if rust_loads is not None and rust_reads_safely(text):
        try:
            return rust_loads(text, parse_float=parse_float, toml_version="1.0.0")
        except Exception:  # tomli or tomllib, below, says what is wrong, in their words
            pass
    return standard.loads(text, parse_float=parse_float)


@functools.cache
def _long_number(digits: int) -> re.Pattern[str]:
    """A run of at least this many digits (and _); each start of a run is tried once: linear time."""
    return re.compile(rf"(?<![0-9_])[0-9_]{{{digits}}}")


def rust_reads_safely(text: str) -> bool:
    """Not nested deep enough to crash the Rust parser, no byte order mark (which it reads past and
    tomllib refuses in a text given as such) and no number too long for int(): Python refuses one
    over ``sys.get_int_max_str_digits()`` digits (4,300 unless an application set it), and so does
    tomllib, while the Rust parser makes it."""
    digits = sys.get_int_max_str_digits()
    return (
        text.count("[") + text.count("{") <= MAX_RUST_BRACKETS
        and not text.startswith("\ufeff")
        and (not digits or len(text) < digits or _long_number(digits).search(text) is None)
    )
