"""Reading TOML and JSON text into data with exact numbers, and finding lines for messages."""

from __future__ import annotations

import functools
import json
import re
import stat
from collections.abc import Callable
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from attrs import field, frozen

from .errors import LoadError, Problem
from .json_lines import json_key_lines
from .pickling import pickled_by_fields
from .toml_parsing import TOMLDecodeError, parse_toml

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_END = "(at end of document)"


@pickled_by_fields
@frozen
class Place:
    """Where a value came from in the project file, for messages."""

    file: str
    where: str
    line: int | None = None


@frozen
class Document:
    """A parsed file: its data, its text (to find lines) and the name used in messages."""

    name: str
    text: str
    data: dict[str, Any]
    lines: tuple[str, ...] = field(init=False, eq=False, repr=False)
    """The text's lines, split once: every message looks its line up in them."""
    headers: dict[str, list[int]] = field(init=False, eq=False, repr=False, factory=dict)
    """The lines of each ``[[table]]``'s headers, found when first asked."""
    json: bool = field(default=False, kw_only=True)
    """JSON text: lines are found by the path of each key (("targets", 3, "actual")), not by
    TOML's table headers."""
    paths: dict[Any, Any] = field(init=False, eq=False, repr=False, factory=dict)
    """JSON: the line of every key path and array element, and the paths starting on each line,
    indexed when first asked."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.text.splitlines()))

    def json_lines(self) -> tuple[dict[tuple[str | int, ...], int], dict[int, list[tuple[str | int, ...]]]]:
        """JSON: the line of each key path, and the paths that start on each line."""
        if not self.paths:
            found = json_key_lines(self.text)
            starting: dict[int, list[tuple[str | int, ...]]] = {}
            for path, line in found.items():
                starting.setdefault(line, []).append(path)
            self.paths["found"], self.paths["starting"] = found, starting
        return self.paths["found"], self.paths["starting"]

    def line_of(self, *keys: str | int) -> int | None:
        """The line where a key path most likely stands, e.g. ("targets", 3, "actual")."""
        if self.json:  # the deepest part of the path that is there
            found = self.json_lines()[0]
            for end in range(len(keys), 0, -1):
                if keys[:end] in found:
                    return found[keys[:end]]
            return None
        lines = self.lines
        start = 0
        for key in keys:
            if isinstance(key, int):
                continue
            pattern, json_pattern = _key_patterns(key)
            for number in range(start, len(lines)):
                if key in lines[number] and (
                    pattern.search(lines[number]) or json_pattern.search(lines[number])
                ):
                    start = number
                    break
            else:
                return start + 1 if start else None
        return start + 1

    def nth_table_line(self, table: str, index: int) -> int | None:
        """The line of the index-th ``[[table]]`` header (TOML), or of the index-th element of
        the array (JSON), or None."""
        if self.json:
            return self.json_lines()[0].get((*table.split("."), index))
        headers = self.headers.get(table)
        if headers is None:
            header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
            headers = self.headers[table] = [
                n for n, line in enumerate(self.lines, 1) if "[[" in line and header.match(line)
            ]
        return headers[index] if 0 <= index < len(headers) else None

    def line_after(self, start: int | None, key: str, *, fallback: bool = True) -> int | None:
        """The first line at or after ``start`` (within its table) that sets ``key``; when there
        is none, ``start`` itself, or None with ``fallback=False``."""
        if start is None:
            return None
        if self.json:  # the key inside the deepest object that starts on that line
            found, starting = self.json_lines()
            for path in sorted(starting.get(start, ()), key=len, reverse=True):
                if (*path, key) in found:
                    return found[(*path, key)]
            return start if fallback else None
        lines = self.lines
        for number in range(start - 1, len(lines)):
            if number > start - 1 and lines[number].lstrip().startswith("["):
                break
            if key in lines[number] and _sets(lines[number], key):
                return number + 1
        return start if fallback else None


def _sets(line: str, key: str) -> bool:
    """Whether a TOML line sets key, bare or quoted, at its start or in an inline table."""
    for written in (key, f'"{key}"', f"'{key}'"):
        at = line.find(written)
        while at >= 0:
            before = line[:at].rstrip()
            if (not before or before[-1] in "{,") and line[at + len(written) :].lstrip().startswith("="):
                return True
            at = line.find(written, at + 1)
    return False


@functools.lru_cache(maxsize=1024)
def _key_patterns(key: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A key where it is set or opens a table, in TOML (a.key =, [a.key], "key" =) and in JSON."""
    toml = re.compile(r"^\s*(\[\[?\s*)?([\w.\"'/ -]*\.)?[\"']?" + re.escape(key) + r"[\"']?\s*(=|\]|\.|:)")
    return toml, re.compile(r'^\s*"' + re.escape(key) + r'"\s*:')


MAX_TEXT_BYTES = 16 * 1024 * 1024
"""The largest ruleset or project file read (TOML, JSON): far above any real one (a 5,000-target
project is about 1 MB), far below what would exhaust memory."""

MAX_FLAT_BYTES = 256 * 1024 * 1024
"""The largest CSV or JSONL file of many projects read."""


def read_capped(path: Path | Traversable, display: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else (a device such as
    /dev/zero, a FIFO, a folder, a file too large, or one that grows while read) is E-FILE,
    refused before or while reading, never read until memory runs out."""
    try:
        size = 0
        if isinstance(path, Path):
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):
                what = "文件夹" if stat.S_ISDIR(status.st_mode) else "设备、管道或套接字等特殊文件"
                raise LoadError([Problem("E-FILE", f"不是普通文件（是{what}），不能读取", file=display)])
            if status.st_size > limit:
                raise LoadError([_too_large(display, status.st_size, limit)])
            size = status.st_size
        with path.open("rb") as stream:
            # what the file holds and a byte more (a buffer of the limit for every small file cost
            # more than reading it); then on up to the limit if it grew after stat or said 0 (/proc)
            want = min(size, limit) + 1 if size else limit + 1
            data = stream.read(want)
            if len(data) == want < limit + 1:
                data += stream.read(limit + 1 - want)
    except FileNotFoundError:
        raise LoadError([Problem("E-FILE", "文件不存在", file=display)]) from None
    except IsADirectoryError:
        raise LoadError([Problem("E-FILE", "不是普通文件（是文件夹），不能读取", file=display)]) from None
    except OSError as error:
        raise LoadError([Problem("E-FILE", f"无法读取文件：{error.strerror}", file=display)]) from None
    except ValueError:  # a name the system cannot hold, e.g. with a NUL character (from an extends)
        raise LoadError([Problem("E-FILE", "文件名含有无效字符", file=repr(display))]) from None
    if len(data) > limit:
        raise LoadError([_too_large(display, len(data), limit)])
    return data


def _too_large(display: str, size: int, limit: int) -> Problem:
    mega = 1024 * 1024
    return Problem(
        "E-FILE",
        "文件过大",
        file=display,
        expected=f"不超过 {limit // mega} MB",
        found=f"{size / mega:.1f} MB 以上" if size > limit else f"{size / mega:.1f} MB",
    )


def read_text(path: Path | Traversable, name: str | None = None) -> Document:
    """Read and parse a TOML or JSON file (by suffix, UTF-8 with or without a BOM). Numbers become
    Decimal from their text."""
    display = name or str(path)
    data = read_capped(path, display, MAX_TEXT_BYTES)
    try:
        text = data.decode("utf-8-sig")  # a BOM, as Windows Notepad writes it, is not content
    except UnicodeDecodeError:
        raise LoadError([Problem("E-FILE", "文件不是 UTF-8 编码的文本", file=display)]) from None
    return parse_text(text, display, json_format=str(path).lower().endswith(".json"))


def parse_text(text: str, name: str, *, json_format: bool = False) -> Document:
    parse: Callable[[str], Any] = parse_json if json_format else _parse_toml
    try:
        data = parse(text)
    except TOMLDecodeError as error:
        match = _TOML_POSITION.search(str(error))
        line = int(match.group(1)) if match else None
        message = _TOML_POSITION.sub("", str(error)).strip()
        if _TOML_END in message:  # e.g. an unclosed string on the last line: the last line it is
            line = max(len(text.splitlines()), 1)
            message = message.replace(_TOML_END, "（文件末尾）").strip()
        suggestion = "检查引号、方括号和等号是否成对、完整"
        bare = _bare_key(text, line)
        if bare is not None:  # tomli says only "Invalid statement" for 全年预算数 = 100
            message = f"键 “{bare}” 含有中文或 / 等符号，须加引号（{message}）"
            suggestion = f'写成 "{bare}" = …（TOML 中只有英文字母、数字、_ 和 - 组成的键可以不加引号）'
        raise LoadError(
            [Problem("E-TOML", f"TOML 语法错误：{message}", file=name, line=line, suggestion=suggestion)]
        ) from None
    except json.JSONDecodeError as error:
        line = _constant_line(text) if error.doc in _JSON_CONSTANTS else error.lineno
        raise LoadError([Problem("E-JSON", f"JSON 语法错误：{error.msg}", file=name, line=line)]) from None
    except _BadNumber as error:  # TOML: a float Decimal cannot hold
        line = text.count("\n", 0, max(text.find(error.token), 0)) + 1
        raise LoadError([Problem("E-TOML", error.message(), file=name, line=line)]) from None
    except ValueError:  # TOML: an integer beyond Python's digit limit for int()
        found = _LONG_DIGITS.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        raise LoadError([Problem("E-TOML", _BadNumber("").message(), file=name, line=line)]) from None
    except RecursionError:
        raise LoadError([Problem("E-FILE", "文件嵌套过深", file=name)]) from None
    if not isinstance(data, dict):
        raise LoadError([Problem("E-FILE", "文件顶层应为表（对象）", file=name)])
    return Document(name, text, data, json=json_format)


_KEY_BEFORE_EQUALS = re.compile(r"(?:^|[{,])\s*([^\s\"'=,{}\[\]#]+)\s*=")
_BARE_KEY = re.compile(r"[A-Za-z0-9_.-]+")


def _bare_key(text: str, line: int | None) -> str | None:
    """An unquoted key the line sets that TOML does not allow bare (全年预算数, 决策/项目立项)."""
    lines = text.splitlines()
    if line is None or not 0 < line <= len(lines):
        return None
    for match in _KEY_BEFORE_EQUALS.finditer(lines[line - 1]):
        key = match.group(1)
        if not _BARE_KEY.fullmatch(key):
            return key
    return None


def _parse_toml(text: str) -> Any:
    return parse_toml(text, _decimal)


class _BadNumber(Exception):
    """A number in the text that Decimal or int cannot hold: an exponent beyond Decimal's limits
    (1e-99999999999999999999) or more digits than int() converts (sys.get_int_max_str_digits)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token

    def message(self) -> str:
        shown = self.token if len(self.token) <= 30 else self.token[:29] + "…"
        return f"数字无法读取：位数或指数过大{f'（{shown}）' if shown else ''}"


_LONG_DIGITS = re.compile(r"\d{4000,}")  # beyond int()'s default limit of 4300 digits, with room


def _decimal(token: str) -> Decimal:
    try:
        return Decimal(token)
    except ArithmeticError:  # decimal.InvalidOperation: the exponent does not fit
        raise _BadNumber(token) from None


def _int(token: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise _BadNumber(token) from None


_JSON_CONSTANTS = ("NaN", "Infinity", "-Infinity")
_JSON_CONSTANT = re.compile(r'"(?:\\.|[^"\\])*"|(-?Infinity|NaN)')
"""A JSON string (skipped whole) or a bare constant outside strings."""


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"不允许 {name}（应为有限的数字）", name, 0)


def _constant_line(text: str) -> int | None:
    """The line of the first NaN / Infinity outside a string: the one the parser refused
    (the parser hands the constant over without its position)."""
    for match in _JSON_CONSTANT.finditer(text):
        if match.group(1):
            return text.count("\n", 0, match.start()) + 1
    return None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: JSON parsers keep the last of two silently (and a
    changed weight changed a score from 99.78 to 89.88); TOML refuses them, and so does this."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def parse_json(text: str) -> Any:
    """JSON with exact numbers: floats become Decimal from their text; NaN, Infinity, numbers no
    Decimal or int can hold, and a key given twice in one object raise json.JSONDecodeError (for
    the last two, at the number or at the key's second occurrence)."""
    try:
        return json.loads(
            text,
            parse_float=_decimal,
            parse_int=_int,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_pairs,
        )
    except _BadNumber as error:
        raise json.JSONDecodeError(error.message(), text, max(text.find(error.token), 0)) from None
    except _DuplicateKey as error:
        spelled = re.compile(re.escape(json.dumps(error.key, ensure_ascii=False)) + r"\s*:")
        places = [match.start() for match in spelled.finditer(text)]
        position = places[1] if len(places) > 1 else 0
        message = f"同一个对象中键 “{error.key}” 出现了两次（只能写一次）"
        raise json.JSONDecodeError(message, text, position) from None


@frozen
class RulesetSource:
    """A ruleset a plugin provides: its id and where its TOML text comes from."""

    id: str
    resource: Path | Traversable
    title: str = ""
    document: str = ""

    @classmethod
    def from_file(cls, path: Path | Traversable, table: str = "ruleset") -> RulesetSource:
        """Read the [ruleset] header of a TOML file to learn its id, title and 文号 (a monitoring
        ruleset's: ``table="monitoring_ruleset"``, whose title is its ``name`` and 文号 its ``basis``)."""
        header = read_text(path).data.get(table, {})
        ruleset_id = header.get("id") if isinstance(header, dict) else None
        if not isinstance(ruleset_id, str) or not ruleset_id:
            raise LoadError([Problem("E-RULESET-ID", f"规则集缺少 [{table}] id", file=str(path))])
        title, document = ("title", "document") if table == "ruleset" else ("name", "basis")
        return cls(ruleset_id, path, str(header.get(title, "")), str(header.get(document, "")))

    def read(self) -> Document:
        return read_text(self.resource)
