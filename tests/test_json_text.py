"""JSON text with exact numbers (evalrules.base.json_text)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules.base import json_text

from .conftest import fuzz_settings


def test_decimals_are_numbers_with_their_own_digits_wherever_they_are() -> None:
    data = {"a": Decimal("94.60"), "b": [Decimal("1E+2"), (Decimal("0.1"), {"c": Decimal("-3.00")})]}
    assert json_text.dumps(data) == '{"a": 94.60, "b": [100, [0.1, {"c": -3}]]}'


def test_text_that_looks_like_the_marker_stays_text() -> None:
    forged = "\x00" + "0" * 16 + ":12\x00"
    assert json.loads(json_text.dumps({"x": forged})) == {"x": forged}


def test_a_number_json_has_not_is_refused() -> None:
    with pytest.raises(ValueError, match="JSON 没有这样的数"):
        json_text.dumps([Decimal("NaN")])


def test_other_values_go_to_the_callers_default_or_are_refused() -> None:
    class Odd:
        def __str__(self) -> str:
            return "奇"

    assert json_text.dumps([Odd(), Decimal("2.5")], ensure_ascii=False, default=str) == '["奇", 2.5]'
    with pytest.raises(TypeError, match="Odd"):
        json_text.dumps([Odd()])


_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
        st.integers(),
        st.none(),
        st.booleans(),
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=20,
)


@fuzz_settings(200)
@given(data=_VALUES)
def test_what_is_written_reads_back_exactly(data: Any) -> None:
    again = json.loads(json_text.dumps(data), parse_float=Decimal, parse_int=Decimal)
    assert again == _as_read(data)


def _as_read(value: Any) -> Any:
    """What json gives back: every number exact, as Decimal."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, list):
        return [_as_read(item) for item in value]
    return {key: _as_read(item) for key, item in value.items()}
