"""Text cells that a spreadsheet cannot run: CSV and XLSX writers pass their text through here.

A name such as ``=HYPERLINK("http://…","x")`` taken from a project would become a live formula
when the file is opened in Excel (CSV or formula injection). Following the OWASP guidance, a CSV
text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
apostrophe (:func:`neutralise`, undone by :func:`restore`); an XLSX cell is typed as a string, so
it keeps its text exactly and is never a formula (:func:`string_cell`).
"""

from __future__ import annotations

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
