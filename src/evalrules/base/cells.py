"""Text cells that a spreadsheet cannot run: CSV and XLSX writers pass their text through here.

A name such as ``=HYPERLINK("http://…","x")`` taken from a project would become a live formula
when the file is opened in Excel (CSV or formula injection). Following the OWASP guidance, a CSV
text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
apostrophe (:func:`neutralise`, undone by :func:`restore`); an XLSX cell is typed as a string, so
it keeps its text exactly and is never a formula (:func:`string_cell`).

Control characters (an ESC that recolours a terminal, a NUL that XLSX's XML cannot hold) and the
bidirectional controls that make text display in another order than it reads are shown escaped
by :func:`visible` (``\x1b``, ``\u202e``), in terminal output and in every written cell.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def neutralise(value: Any) -> Any:
    """The text with an apostrophe before a formula trigger; numbers and other values unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The text :func:`neutralise` was given."""
    if text.startswith("'") and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text


def string_cell(cell: Any) -> Any:
    """An openpyxl cell whose text openpyxl took for a formula, typed back as a string."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters but tab and line feed, and the bidirectional marks and overrides."""


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """The text with every control character (but tab and line feed) and bidirectional control
    written as an escape (ESC as \\x1b, RIGHT-TO-LEFT OVERRIDE as \\u202e): it can neither drive
    a terminal, nor break an XLSX file, nor show a name in another order than it is."""
    return _INVISIBLE.sub(_escaped, text)


def cell_text(value: Any) -> Any:
    """A value ready for a written cell: text with its control characters escaped (openpyxl
    refuses them: one ESC in a name lost a whole batch's XLSX), other values unchanged."""
    return visible(value) if isinstance(value, str) else value
