"""Which TOML parser reads a text: the Rust parser gives the data tomli and tomllib give, only where
it is safe, and every text it refuses is read again so that a problem is told in the same words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules.base import toml_parsing
from evalrules.base.errors import LoadError
from evalrules.base.sources import parse_text

from .conftest import ROOT, fuzz_settings
from .test_sources import _TOML_CASES

FILES = [
    p for folder in ("rulesets", "examples", "tests", "plugins") for p in (ROOT / folder).rglob("*.toml")
]


def _standard(text: str) -> str:
    try:
        return repr(toml_parsing.standard.loads(text, parse_float=Decimal))
    except Exception as error:
        return f"refused: {type(error).__name__}"


def _rust(text: str) -> str | None:
    """The Rust parser's data, or None when it refuses the text."""
    toml_rs = pytest.importorskip("toml_rs")
    try:
        return repr(toml_rs.loads(text, parse_float=Decimal, toml_version="1.0.0"))
    except Exception:
        return None


def test_every_toml_file_reads_alike() -> None:
    assert len(FILES) > 20
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = _rust(text)
        assert found is None or found == _standard(text), path


def test_a_text_either_reads_alike_or_is_refused_in_the_standard_words() -> None:
    for text in _TOML_CASES:
        found = _rust(text)
        assert found is None or found == _standard(text), text
        expected: Any
        try:
            expected = toml_parsing.standard.loads(text, parse_float=Decimal)
        except Exception as error:
            expected = type(error)
        try:
            got: Any = toml_parsing.parse_toml(text, Decimal)
        except Exception as error:
            got = type(error)
        assert repr(got) == repr(expected), text


_SEED = (ROOT / "examples" / "akto-2022.toml").read_text(encoding="utf-8")
_CHANGES = st.lists(
    st.tuples(
        st.integers(0, len(_SEED)),
        st.sampled_from(
            ["", "[", "]", "{", "}", '"', "'", "=", ",", ".", "\n", "#", "1", " ", "\\", "e", "_"]
        ),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=4,
)


@fuzz_settings(300)
@given(changes=_CHANGES)
def test_what_the_rust_parser_reads_the_standard_one_reads_alike(changes: list[tuple[int, str, int]]) -> None:
    # random changes to a real project file: whatever the Rust parser accepts, tomli and tomllib
    # accept too, with the same data (a text it refuses goes to them anyway)
    text = _SEED
    for at, inserted, removed in changes:
        text = text[:at] + inserted + text[at + removed :]
    found = _rust(text)
    assert found is None or found == _standard(text)


def test_a_text_with_many_brackets_or_a_bom_never_reaches_the_rust_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given: list[str] = []

    def record(text: str, **options: Any) -> Any:
        given.append(text)
        raise ValueError("refused")

    monkeypatch.setattr(toml_parsing, "rust_loads", record)
    deep = "a = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n"  # crashes the Rust parser
    with pytest.raises(LoadError):  # nested too deep for tomllib too: a located problem, no crash
        parse_text(deep, "deep.toml")
    limit = toml_parsing.MAX_RUST_BRACKETS
    many = "".join(f"[[targets]]\nname = {n}\n" for n in range(limit // 2 + 1))  # two [ each
    assert len(parse_text(many, "many.toml").data["targets"]) == limit // 2 + 1
    with pytest.raises(LoadError):  # tomllib refuses a byte order mark inside a text
        parse_text("\ufeffa = 1\n", "bom.toml")
    with pytest.raises(LoadError, match="数字无法读取"):  # int() refuses it: found by tests/test_fuzz.py
        parse_text("places = 1" + "0" * 5000 + "\n", "long.toml")
    with pytest.raises(LoadError, match="数字无法读取"):
        parse_text("places = 1" + "_000" * 1500 + "\n", "long.toml")
    assert given == []
    fewer = "".join(f"[[targets]]\nname = {n}\n" for n in range(limit // 2))
    assert len(parse_text(fewer, "fewer.toml").data["targets"]) == limit // 2
    assert given == [fewer]  # the Rust parser may read it (here it refuses: tomli or tomllib reads it)


def test_the_digits_python_allows_are_the_digits_the_rust_parser_may_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # an application may lower int()'s limit (sys.set_int_max_str_digits): tomllib then refuses
    # shorter numbers, and so they are no longer given to the Rust parser either
    text = "places = " + "1" * 700 + "\n"
    assert toml_parsing.rust_reads_safely(text)
    monkeypatch.setattr(toml_parsing.sys, "get_int_max_str_digits", lambda: 640)
    assert not toml_parsing.rust_reads_safely(text)
    monkeypatch.setattr(toml_parsing.sys, "get_int_max_str_digits", lambda: 0)  # no limit at all
    assert toml_parsing.rust_reads_safely(text + "x = " + "1" * 9000 + "\n")


def test_a_text_the_rust_parser_refuses_is_read_by_the_standard_one(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("refused")

    monkeypatch.setattr(toml_parsing, "rust_loads", refuses)
    assert toml_parsing.parse_toml("a = 94.60\n", Decimal) == {"a": Decimal("94.60")}
    with pytest.raises(toml_parsing.TOMLDecodeError):
        toml_parsing.parse_toml("a = \n", Decimal)


def test_the_rust_parser_reads_what_it_may() -> None:
    pytest.importorskip("toml_rs")
    assert toml_parsing.rust_loads is not None
    assert toml_parsing.rust_reads_safely(_SEED)
    assert not toml_parsing.rust_reads_safely("\ufeff" + _SEED)
    assert not toml_parsing.rust_reads_safely("a = " + "[" * 301 + "]" * 301)
