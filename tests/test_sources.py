from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from evalrules import LoadError
from evalrules.base import sources
from evalrules.base.sources import RulesetSource, parse_text, read_capped, read_text

TEXT = """[project]
name = "x"

[[targets]]
name = "a"
value = 1.10

[[targets]]
name = "b"
params = { variant = "ratio" }
"""


def test_floats_become_decimals_from_their_text() -> None:
    document = parse_text(TEXT, "t.toml")
    assert document.data["targets"][0]["value"] == Decimal("1.10")
    assert str(document.data["targets"][0]["value"]) == "1.10"


def test_lines_are_found() -> None:
    document = parse_text(TEXT, "t.toml")
    assert document.nth_table_line("targets", 1) == 8
    assert document.line_after(8, "variant") == 10
    assert document.line_of("project") == 1


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        read_text(tmp_path / "missing.toml")
    assert caught.value.problems[0].code == "E-FILE"
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(LoadError):
        read_text(binary)
    with pytest.raises(LoadError) as caught:
        read_text(tmp_path)
    assert caught.value.problems[0].code == "E-FILE"


def test_top_level_must_be_a_table() -> None:
    with pytest.raises(LoadError):
        parse_text("[1, 2]", "x.json", json_format=True)


def test_ruleset_source_needs_an_id(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text('[ruleset]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        RulesetSource.from_file(path)
    assert caught.value.problems[0].code == "E-RULESET-ID"


def test_a_file_name_with_a_nul_character_is_a_load_error(tmp_path: Path) -> None:
    # regression (fuzzing): extends = "a\u0000.toml" raised ValueError from the file system
    with pytest.raises(LoadError) as caught:
        read_text(tmp_path / "a\x00.toml")
    assert caught.value.problems[0].code == "E-FILE"


@pytest.mark.parametrize("text", ["a = 1\nb = '", 'a = 1\nb = "x', "a = [1,\n2", "[a"])
def test_a_toml_error_at_the_end_of_the_file_has_the_last_line(text: str) -> None:
    # regression (fuzzing): tomllib says "(at end of document)" instead of a line number
    with pytest.raises(LoadError) as caught:
        parse_text(text, "f.toml")
    [problem] = caught.value.problems
    assert problem.code == "E-TOML"
    assert problem.line == len(text.splitlines())
    assert "end of document" not in problem.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{\n "a": 1,\n "b": NaN\n}', 3),
        ('{"s": "NaN \\" Infinity",\n\n "b": -Infinity}', 3),
        ('{"a": [1,\n Infinity]}', 2),
    ],
)
def test_json_nan_and_infinity_are_refused_at_their_line(text: str, line: int) -> None:
    # regression: the refusal was always reported at line 1
    with pytest.raises(LoadError) as caught:
        parse_text(text, "f.json", json_format=True)
    [problem] = caught.value.problems
    assert (problem.code, problem.line) == ("E-JSON", line)
    assert "应为有限的数字" in problem.message


@pytest.mark.parametrize(
    ("text", "json_format", "line"),
    [
        ("a = 1\nb = 1e-99999999999999999999", False, 2),
        ("a = [1,\n 1e99999999999999999999]", False, 2),
        ("a = 1\nb = 1" + "0" * 5000, False, 2),
        ('{"a": 1,\n "b": 1e-99999999999999999999}', True, 2),
        ('{"a": 1,\n\n "b": 1' + "0" * 5000 + "}", True, 3),
    ],
)
def test_numbers_no_decimal_can_hold_are_refused_at_their_line(
    text: str, json_format: bool, line: int
) -> None:
    # regression (fuzzing): decimal.InvalidOperation or int()'s digit limit (ValueError) escaped
    with pytest.raises(LoadError) as caught:
        parse_text(text, "f", json_format=json_format)
    [problem] = caught.value.problems
    assert (problem.code, problem.line) == ("E-JSON" if json_format else "E-TOML", line)
    assert "位数或指数过大" in problem.message


# --- special files and sizes (issue 23, 2) ------------------------------------------------------


def _refused(path: Path, said: str, read: object = read_text) -> None:
    with pytest.raises(LoadError) as caught:
        read(path)  # type: ignore[operator]
    [problem] = caught.value.problems
    assert problem.code == "E-FILE" and said in problem.render()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_before_reading() -> None:
    _refused(Path("/dev/zero"), "不是普通文件")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "project.toml"
    os.mkfifo(fifo)
    _refused(fifo, "不是普通文件")  # opening it for reading would wait for a writer forever


def test_a_folder_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, "是文件夹")


def test_a_file_over_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_TEXT_BYTES", 1024)
    big = tmp_path / "big.toml"
    big.write_text('[project]\nname = "p"\n' + "# 注释\n" * 400, encoding="utf-8")
    _refused(big, "文件过大")


def test_a_file_growing_past_the_cap_while_read_is_refused(tmp_path: Path) -> None:
    # /proc files report size 0 and /dev/stdin-like files have none: the read itself is bounded
    class Growing:
        def __init__(self, size: int) -> None:
            self.size = size

        def open(self, mode: str) -> io.BytesIO:
            return io.BytesIO(b"#" * self.size)

    with pytest.raises(LoadError) as caught:
        read_capped(Growing(5000), "growing.toml", 4096)  # type: ignore[arg-type]
    assert "文件过大" in caught.value.render()
    assert read_capped(Growing(4096), "fits.toml", 4096) == b"#" * 4096  # type: ignore[arg-type]


@pytest.mark.parametrize(("written", "refused"), [(3000, False), (5000, True)])
def test_a_file_that_grew_after_its_size_was_taken_is_read_whole_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: int, refused: bool
) -> None:
    # only what stat said is read at first (and a byte more): the rest up to the cap must follow
    path = tmp_path / "growing.toml"
    path.write_bytes(b"#" * written)
    real = os.stat(path)
    said = os.stat_result((*real[:6], 10, *real[7:10]))
    monkeypatch.setattr(Path, "stat", lambda self, **_: said)
    if refused:
        with pytest.raises(LoadError, match="文件过大"):
            read_capped(path, "growing.toml", 4096)
    else:
        assert read_capped(path, "growing.toml", 4096) == b"#" * written


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_byte_order_mark_is_not_content(tmp_path: Path, suffix: str) -> None:
    # Windows Notepad writes UTF-8 with a BOM
    path = tmp_path / f"project{suffix}"
    text = '[project]\nname = "项目"\n' if suffix == ".toml" else '{"project": {"name": "项目"}}'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_text(path).data == {"project": {"name": "项目"}}


def test_a_json_key_given_twice_is_refused_at_its_second_line() -> None:
    # issue 23, 7: the last of two weights won silently and moved a score from 99.78 to 89.88
    text = '{"project": {"name": "p"},\n "weights": {"决策": 20,\n  "决策": 10}}'
    with pytest.raises(LoadError) as caught:
        parse_text(text, "p.json", json_format=True)
    [problem] = caught.value.problems
    assert problem.code == "E-JSON" and problem.line == 3 and "“决策” 出现了两次" in problem.message
    assert parse_text('{"a": {"x": 1}, "b": {"x": 2}}', "ok.json", json_format=True).data["b"] == {"x": 2}


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('[project]\nname = "维修"\n\n[budget]\n全年预算数 = 100\n', "全年预算数", 5),
        ('[weights]\n"决策" = 20\n决策/项目立项 = 5\n', "决策/项目立项", 3),
        ('[[targets]]\nslot = "产出/产出数量"\nparams = { 实际值 = 5 }\n', "实际值", 3),
    ],
)
def test_an_unquoted_chinese_key_is_told_to_take_quotes(text: str, key: str, line: int) -> None:
    # Issue 22: tomli says only "Invalid statement"
    with pytest.raises(LoadError) as raised:
        parse_text(text, "项目.toml")
    (problem,) = raised.value.problems
    assert (problem.code, problem.line) == ("E-TOML", line)
    assert f"键 “{key}” 含有中文" in problem.message and "须加引号" in problem.message
    assert problem.suggestion is not None and f'写成 "{key}" = …' in problem.suggestion


def test_other_syntax_errors_keep_their_message() -> None:
    with pytest.raises(LoadError) as raised:
        parse_text('name = "维修\n', "项目.toml")
    assert "须加引号" not in raised.value.problems[0].message
    assert raised.value.problems[0].suggestion == "检查引号、方括号和等号是否成对、完整"


def test_a_json_document_finds_lines_by_key_path() -> None:
    from evalrules.base.sources import parse_text

    document = parse_text(JSON_TEXT, "x.json", json_format=True)
    second = document.nth_table_line("t", 1)
    assert (second, document.line_after(second, "v"), document.line_of("t", 0, "v")) == (8, 9, 6)
    assert (
        document.line_after(second, "missing") == 8
        and document.line_after(second, "missing", fallback=False) is None
    )


JSON_TEXT = (
    '{\n  "a": {"b": 1},\n  "t": [\n    {\n      "n": "x \\" y",\n      "v": 2\n    },\n'
    '    {"n": "z",\n     "v": 3}\n  ]\n}'
)
"""A JSON project's shape: nested objects, an array of tables, a quote inside a string
(tests/test_json_lines.py reads the same text)."""


# --- issue 17: the compiled TOML parser (extra "fast") reads exactly as tomllib does -----------

_TOML_CASES = (
    'a = "x\n',
    "全年预算数 = 100\n",
    "[a\n",
    "a = 1\na = 2\n",
    "a = [1,\n",
    "x = 1.5.5\n",
    "a = {b = 1\n",
    "a = {b = 1,\n c = 2,}\n",  # TOML 1.1 only: refused by both
    's = "\\e"\n',  # TOML 1.1 only
    "t = 07:32\n",  # TOML 1.1 only
    "a = 1e99999\n",
    "a = 0.1000000000000000055511151231257827\n",
)


def _read(parser: Any, text: str) -> Any:
    try:
        return parser.loads(text, parse_float=Decimal)
    except parser.TOMLDecodeError as error:
        return f"error: {error}"


def test_the_compiled_toml_parser_reads_every_file_as_tomllib_does() -> None:
    import tomllib

    tomli = pytest.importorskip("tomli")
    root = Path(__file__).parent.parent
    files = [
        p for folder in ("rulesets", "examples", "tests", "plugins") for p in (root / folder).rglob("*.toml")
    ]
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert _read(tomli, text) == _read(tomllib, text), path
    for text in _TOML_CASES:
        assert _read(tomli, text) == _read(tomllib, text), text
