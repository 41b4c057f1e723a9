"""The line of every key of a JSON text (evalrules.base.json_lines)."""

from __future__ import annotations

from evalrules.base.json_lines import json_key_lines

from .test_sources import JSON_TEXT


def test_json_lines_are_found_by_key_path() -> None:
    assert json_key_lines(JSON_TEXT) == {
        ("a",): 2,
        ("a", "b"): 2,
        ("t",): 3,
        ("t", 0): 4,
        ("t", 0, "n"): 5,
        ("t", 0, "v"): 6,
        ("t", 1): 8,
        ("t", 1, "n"): 8,
        ("t", 1, "v"): 9,
    }


def test_a_key_inside_a_string_is_not_a_key() -> None:
    assert json_key_lines('{"a": "{\\"b\\": 1}",\n "c": 2}') == {("a",): 1, ("c",): 2}
