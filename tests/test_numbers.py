"""Exact numbers: parsing from text, declared rounding (四舍五入 by default), display, splitting."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules.base import numbers
from evalrules.base.numbers import (
    CONTEXT,
    EXPONENT_LIMIT,
    PRECISION,
    ROUNDING_MODES,
    NumberProblem,
    exact_sum,
    fmt,
    parse_number,
    round_to,
    rounded_for_text,
    split_equally,
)

# --- parse_number -------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_has_nothing_to_translate_from_full_width(text: str) -> None:
    # parse_number skips the translation for ASCII text (issue 17): it could change nothing
    assert text.translate(numbers._FULLWIDTH) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("192.05", "192.05"),
        ("1.10", "1.10"),
        ("95%", "95"),
        ("95 %", "95"),
        ("1,234.5", "1234.5"),
        ("1,234,567", "1234567"),
        ("１９２．０５", "192.05"),
        ("９５％", "95"),
        ("１,２３４", "1234"),
        ("－３", "-3"),
        ("  7  ", "7"),
        ("\u30007\u3000", "7"),  # full-width spaces around
        ("-3", "-3"),
        ("+3", "3"),
        ("0", "0"),
        ("1e3", "1E+3"),
        (44, "44"),
        (0, "0"),
        (-12, "-12"),
        (Decimal("1.10"), "1.10"),
        (Decimal("-0.5"), "-0.5"),
        (0.1, "0.1"),  # a float becomes Decimal from its shortest text, never its binary value
        (192.05, "192.05"),
    ],
)
def test_parse_number_accepts(raw: object, expected: str) -> None:
    number = parse_number(raw)
    assert type(number) is Decimal
    assert str(number) == expected


@pytest.mark.parametrize(
    "raw",
    [
        True,
        False,
        "完成",
        "",
        "   ",
        "%",
        ",",
        "NaN",
        "nan",
        "sNaN",
        "inf",
        "-inf",
        "Infinity",
        "-Infinity",
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        float("nan"),
        float("inf"),
        float("-inf"),
        None,
        [1],
        {"value": 1},
        "1.2.3",
        "1 2",
        "%95",
        "1e5000",
        "-1e5000",
        "1e-5000",
        Decimal("1e5000"),
        10**1200,
    ],
)
def test_parse_number_refuses(raw: object) -> None:
    with pytest.raises(NumberProblem):
        parse_number(raw)


def test_parse_number_problems_speak_chinese_and_name_the_text() -> None:
    with pytest.raises(NumberProblem, match="完成"):
        parse_number("完成")
    with pytest.raises(NumberProblem, match="布尔"):
        parse_number(True)
    with pytest.raises(NumberProblem, match="空"):
        parse_number("")
    assert issubclass(NumberProblem, ValueError)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12))
def test_parse_number_keeps_a_decimal_and_its_text(number: Decimal) -> None:
    assert parse_number(number) == number
    parsed = parse_number(str(number))
    assert parsed == number
    assert str(parsed) == str(number)


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_parse_number_reads_thousands_separators(number: int) -> None:
    assert parse_number(f"{number:,}") == number
    assert parse_number(f"{number}%") == number


# --- round_to -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.675", 2, "2.68"),  # half up, not half even (and not float's 2.67)
        ("89.995", 2, "90.00"),
        ("2.665", 2, "2.67"),
        ("1.005", 2, "1.01"),
        ("-2.675", 2, "-2.68"),  # half away from zero
        ("0.5", 0, "1"),
        ("1.5", 0, "2"),
        ("2.5", 0, "3"),
        ("1.8181818181818181818181818", 2, "1.82"),
        ("1.814", 2, "1.81"),
        ("2", 2, "2.00"),
        ("19.96", 1, "20.0"),
        ("125", -1, "1.3E+2"),
    ],
)
def test_round_to_is_half_up_by_default(value: str, places: int, expected: str) -> None:
    assert str(round_to(Decimal(value), places)) == expected


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("ROUND_HALF_UP", "2.68"),
        ("ROUND_HALF_EVEN", "2.68"),
        ("ROUND_DOWN", "2.67"),
        ("ROUND_UP", "2.68"),
        ("ROUND_FLOOR", "2.67"),
        ("ROUND_CEILING", "2.68"),
    ],
)
def test_round_to_with_a_declared_mode(mode: str, expected: str) -> None:
    assert str(round_to(Decimal("2.675"), 2, mode)) == expected
    assert str(round_to(Decimal("2.665"), 2, "ROUND_HALF_EVEN")) == "2.66"


def test_round_to_ignores_the_threads_default_context() -> None:
    with decimal.localcontext() as local:
        local.rounding = decimal.ROUND_HALF_EVEN
        local.prec = 3
        assert round_to(Decimal("2.675"), 2) == Decimal("2.68")
        assert round_to(Decimal("12345.675"), 2) == Decimal("12345.68")


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=4),
)
def test_round_to_is_within_half_a_unit_and_ties_go_away_from_zero(value: Decimal, places: int) -> None:
    rounded = round_to(value, places)
    unit = Decimal(1).scaleb(-places)
    assert rounded.as_tuple().exponent == -places
    assert abs(rounded - value) <= unit / 2
    if abs(rounded - value) == unit / 2:
        assert abs(rounded) > abs(value)


def test_every_declared_rounding_mode_exists_in_decimal() -> None:
    assert set(ROUNDING_MODES) == {
        "ROUND_HALF_UP",
        "ROUND_HALF_EVEN",
        "ROUND_DOWN",
        "ROUND_UP",
        "ROUND_FLOOR",
        "ROUND_CEILING",
    }
    for name, mode in ROUNDING_MODES.items():
        assert getattr(decimal, name) == mode


# --- fmt ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", "2"),
        ("2.00", "2"),
        ("1.82", "1.82"),
        ("1.820", "1.82"),
        ("192.05", "192.05"),
        ("100", "100"),
        ("100.00", "100"),
        ("1E+2", "100"),
        ("0.5", "0.5"),
        ("-1.50", "-1.5"),
        ("0", "0"),
        ("0.00", "0"),
        ("-0", "0"),
        ("-0.00", "0"),
        ("1E-7", "0.0000001"),
        ("1E+30", "1" + "0" * 30),
        ("123456789012345678901234567890.5", "123456789012345678901234567890.5"),
    ],
)
def test_fmt(value: str, expected: str) -> None:
    assert fmt(Decimal(value)) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_fmt_reads_back_as_the_same_number(value: Decimal) -> None:
    text = fmt(value)
    assert "E" not in text and "e" not in text
    assert parse_number(text) == value
    if "." in text:
        assert not text.endswith("0")


# --- split_equally ------------------------------------------------------------------------


def test_split_ten_in_nine_parts() -> None:
    parts = split_equally(Decimal(10), 9, 2)
    assert parts == [Decimal("1.12")] + [Decimal("1.11")] * 8
    assert sum(parts) == Decimal(10)


@pytest.mark.parametrize(
    ("total", "parts", "places", "expected"),
    [
        ("10", 1, 2, ["10.00"]),
        ("10", 2, 2, ["5.00", "5.00"]),
        ("10", 3, 0, ["4", "3", "3"]),
        ("0.01", 3, 2, ["0.01", "0.00", "0.00"]),
        ("0", 4, 2, ["0.00"] * 4),
        ("1.005", 2, 2, ["0.503", "0.502"]),  # the total's own places are kept
    ],
)
def test_split_equally_examples(total: str, parts: int, places: int, expected: list[str]) -> None:
    result = split_equally(Decimal(total), parts, places)
    assert [str(part) for part in result] == expected
    assert sum(result) == Decimal(total)


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=4),
)
def test_split_equally_adds_up_and_parts_differ_by_at_most_one_unit(
    total: Decimal, parts: int, places: int
) -> None:
    result = split_equally(total, parts, places)
    assert len(result) == parts
    assert sum(result, Decimal(0)) == total
    unit = Decimal(1).scaleb(-max(places, -int(total.as_tuple().exponent)))
    assert max(result) - min(result) <= unit
    for part in result:
        assert part == part.quantize(unit)


@given(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    st.integers(min_value=1, max_value=30),
)
def test_split_equally_weights_never_go_negative(total: Decimal, parts: int) -> None:
    assert all(part >= 0 for part in split_equally(total, parts, 2))


# --- the bounded context ------------------------------------------------------------------


def test_the_context_is_bounded_and_traps_what_must_not_pass_silently() -> None:
    assert CONTEXT.prec == PRECISION == 28
    assert CONTEXT.Emax == EXPONENT_LIMIT
    assert CONTEXT.Emin == -EXPONENT_LIMIT
    for signal in (decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow):
        assert CONTEXT.traps[signal]
    assert CONTEXT is not decimal.getcontext()


def test_the_context_refuses_instead_of_giving_infinity_or_nan() -> None:
    with pytest.raises(decimal.DivisionByZero):
        CONTEXT.divide(Decimal(1), Decimal(0))
    with pytest.raises(decimal.InvalidOperation):
        CONTEXT.divide(Decimal(0), Decimal(0))
    with pytest.raises(decimal.Overflow):
        CONTEXT.multiply(Decimal("1e999"), Decimal(10))
    assert CONTEXT.divide(Decimal(1), Decimal(3)) == Decimal("0." + "3" * PRECISION)


@pytest.mark.parametrize("text", ["1，2", "1000000000000000", "-1E+15", "1e16"])
def test_parse_number_refuses_list_commas_and_huge_values(text: str) -> None:
    with pytest.raises(NumberProblem):
        parse_number(text)


@pytest.mark.parametrize("raw", ["1e1000000", "-1E+1000000", "1e-1000000", Decimal("9e999999")])
def test_parse_number_refuses_exponents_beyond_the_default_context(raw: object) -> None:
    # regression: abs() went through the thread's default context (Emax 999999) and raised
    # decimal.Overflow out of parse_number instead of a NumberProblem
    with pytest.raises(NumberProblem, match="超出范围"):
        parse_number(raw)


def test_split_equally_needs_a_part() -> None:
    with pytest.raises(ValueError):
        split_equally(Decimal(1), 0, 2)


def test_a_sum_is_exact_only_when_no_digit_is_lost() -> None:
    assert exact_sum([Decimal("20.5"), Decimal("29.5")]) == 50
    assert exact_sum([]) == 0
    # 29 digits each: their sum is 50 only once rounded to the 28 digits a sum keeps
    assert (
        exact_sum([Decimal("25.000000000000000000000000001"), Decimal("24.999999999999999999999999999")])
        is None
    )
    assert exact_sum([Decimal("1e30"), Decimal("1e-30")]) is None


@pytest.mark.parametrize("value", [Decimal("1.9205E+302"), Decimal("1E+26"), Decimal("-3E+40")])
def test_rounded_for_text_keeps_a_value_too_large_for_its_places(value: Decimal) -> None:
    # a rate over a budget of 1e-300 万元 raised InvalidOperation in the explanation only (found by
    # the fuzzer): such a value has no digit down at the places, so rounding leaves it as it is
    assert rounded_for_text(value, 2) == value and rounded_for_text(value, 10, "ROUND_DOWN") == value
    big = Decimal("123456789012345678901234.567")
    assert rounded_for_text(big, 2) == round_to(big, 2) == Decimal("123456789012345678901234.57")
    with pytest.raises(decimal.InvalidOperation):
        round_to(value, 2)  # scores and formulas keep refusing what they cannot round


@pytest.mark.parametrize("text", ["1,5", "1,23", "12,34,567", "1，5", ",123", "1,234,5"])
def test_a_comma_is_a_thousands_separator_in_its_places_only(text: str) -> None:
    # issue 15, 4: one number parser for TOML, JSON, CSV and Excel; "1，5" read as 15 in Excel
    with pytest.raises(NumberProblem, match="千位分隔符"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "number"), [("1,234", "1234"), ("１，２３４．５", "1234.5"), ("-12,345%", "-12345")]
)
def test_grouped_numbers_read(text: str, number: str) -> None:
    assert parse_number(text) == Decimal(number)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2.0"), "2.0"),
        (Decimal("1E+1"), "10"),
        (Decimal("94.0000"), "94.0000"),
        ("x", "'x'"),
        (True, "True"),
    ],
)
def test_a_value_is_shown_as_written_never_as_a_decimal_repr(value: object, shown: str) -> None:
    from evalrules.base.numbers import written

    assert written(value) == shown


@given(st.integers(-5, 60))
def test_quantum_is_one_at_the_last_place(places: int) -> None:
    kept = numbers.quantum(places)
    assert kept == Decimal(1).scaleb(-places)
    assert kept.as_tuple().exponent == -places  # what quantize takes: the exponent, exactly
