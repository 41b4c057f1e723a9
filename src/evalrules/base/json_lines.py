"""Where each key of a JSON text stands: the lines a JSON project's problems are located by."""

from __future__ import annotations

import json
from typing import Any


def json_key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The line of every key (by its path, ("targets", 0, "actual")) and of every array element
    (("targets", 0)) in a JSON text that parsed: one pass, strings skipped whole."""
    found: dict[tuple[str | int, ...], int] = {}
    stack: list[list[Any]] = []  # per open container: [is object, current key or index, awaiting]
    line, at, end = 1, 0, len(text)
    while at < end:
        char = text[at]
        if char == "\n":
            line += 1
        elif char not in " \t\r":
            top = stack[-1] if stack else None
            if top is not None and not top[0] and top[2] and char != "]":  # an element starts
                found[tuple(entry[1] for entry in stack)] = line
                top[2] = False
            if char == '"':
                close = at + 1
                while close < end and text[close] != '"':
                    close += 2 if text[close] == "\\" else 1
                if top is not None and top[0] and top[2]:  # a key
                    top[1], top[2] = json.loads(text[at : close + 1]), False
                    found[tuple(entry[1] for entry in stack)] = line
                at = close
            elif char in "{[":
                stack.append([char == "{", None if char == "{" else 0, True])
            elif char in "}]" and stack:
                stack.pop()
            elif char == "," and top is not None:
                if not top[0]:
                    top[1] += 1
                top[2] = True
        at += 1
    return found
