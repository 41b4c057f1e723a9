"""The built-in formula functions: min, max, abs, clamp, ratio, round.

Called directly (Decimal in, Decimal out) and from formulas, where every refusal is a FormulaError.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules import FormulaError, FormulaFunction, compile_formula, default_registry
from evalrules.base.numbers import CONTEXT, round_to
from evalrules.default_plugins import functions as builtins
from evalrules.formula.operators import Value

FUNCTIONS: Mapping[str, FormulaFunction] = default_registry().functions
NAMES = ("x", "y", "z", "实际值", "指标值")
D = Decimal


def call(name: str, *args: Value) -> Value:
    return FUNCTIONS[name].implementation(*args)


def value(source: str, **values: Decimal) -> Value:
    return compile_formula(source, functions=FUNCTIONS, names=NAMES).evaluate(values)


def refused(source: str, **values: Decimal) -> FormulaError:
    formula = compile_formula(source, functions=FUNCTIONS, names=NAMES)
    with pytest.raises(FormulaError) as caught:
        formula.evaluate(values)
    return caught.value


def test_the_table_has_the_six_builtins_registered_as_a_plugin_would() -> None:
    assert {"min", "max", "abs", "clamp", "ratio", "round"} <= set(FUNCTIONS)
    for function in builtins.BUILTIN_FUNCTIONS:
        assert FUNCTIONS[function.name] is function
        assert function.doc and function.signature.startswith(function.name + "(")
    assert builtins.register_functions() == list(builtins.BUILTIN_FUNCTIONS)


@pytest.mark.parametrize(
    ("name", "min_args", "max_args"),
    [("min", 1, None), ("max", 1, None), ("abs", 1, 1), ("clamp", 3, 3), ("ratio", 3, 3), ("round", 1, 2)],
)
def test_arity(name: str, min_args: int, max_args: int | None) -> None:
    assert FUNCTIONS[name].min_args == min_args
    assert FUNCTIONS[name].max_args == max_args


# --- min, max, abs ------------------------------------------------------------------------


def test_min_max_abs() -> None:
    assert call("min", D(3), D(1), D(2)) == D(1)
    assert call("max", D(3), D(1), D(2)) == D(3)
    assert call("min", D("-1.5")) == D("-1.5")
    assert call("abs", D("-1.5")) == D("1.5")
    assert call("abs", D("1.5")) == D("1.5")
    assert value("min(实际值, 指标值)", 实际值=D(40), 指标值=D(44)) == D(40)
    assert value("max(x, y, 100)", x=D(1), y=D(2)) == D(100)
    assert value("abs(x - y)", x=D(1), y=D(3)) == D(2)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("min", (True, D(1))),
        ("min", (D(1), False)),
        ("max", (True,)),
        ("max", (D(1), True)),
        ("abs", (True,)),
        ("abs", (False,)),
    ],
)
def test_min_max_abs_refuse_booleans(name: str, args: tuple[Value, ...]) -> None:
    with pytest.raises(TypeError):
        call(name, *args)


@pytest.mark.parametrize("source", ["min(x > 1, 2)", "max(1, 1 < 2)", "abs(not x)", "min(True)"])
def test_min_max_abs_refuse_booleans_in_a_formula(source: str) -> None:
    error = refused(source, x=D(1))
    assert "应为数字" in error.problems[0].message


# --- clamp --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [(D(-1), D(0)), (D(0), D(0)), (D("1.5"), D("1.5")), (D(3), D(3)), (D(5), D(3))],
)
def test_clamp(x: Decimal, expected: Decimal) -> None:
    assert call("clamp", x, D(0), D(3)) == expected
    assert value("clamp(x, 0, 3)", x=x) == expected


def test_clamp_with_equal_bounds() -> None:
    assert call("clamp", D(5), D(2), D(2)) == D(2)


def test_clamp_refuses_low_above_high() -> None:
    with pytest.raises(ArithmeticError):
        call("clamp", D(1), D(3), D(2))
    error = refused("clamp(x, 3, 2)", x=D(1))
    assert "下限" in error.problems[0].message
    assert "3" in error.problems[0].message and "2" in error.problems[0].message


def test_clamp_refuses_booleans() -> None:
    refused("clamp(x > 0, 0, 1)", x=D(1))
    refused("clamp(x, 0, True)", x=D(1))


@given(
    st.decimals(min_value=-1000, max_value=1000, places=3),
    st.decimals(min_value=-1000, max_value=1000, places=3),
    st.decimals(min_value=-1000, max_value=1000, places=3),
)
def test_clamp_lands_inside_its_bounds(x: Decimal, a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    clamped = call("clamp", x, low, high)
    assert isinstance(clamped, Decimal)
    assert low <= clamped <= high
    if low <= x <= high:
        assert clamped == x


# --- ratio --------------------------------------------------------------------------------


def test_ratio_divides_exactly_in_the_context() -> None:
    assert call("ratio", D(1), D(4), D(0)) == D("0.25")
    assert call("ratio", D(40), D(44), D(0)) == D("0.9090909090909090909090909091")
    assert value("ratio(实际值, 指标值, 1) * 2", 实际值=D(40), 指标值=D(44)) == D(
        "1.818181818181818181818181818"
    )


@pytest.mark.parametrize("when_zero", [D(0), D(1), D("0.5"), D(-3)])
def test_ratio_returns_the_declared_result_for_a_zero_denominator(when_zero: Decimal) -> None:
    assert call("ratio", D(5), D(0), when_zero) == when_zero
    assert call("ratio", D(0), D(0), when_zero) == when_zero  # 0/0 too: no InvalidOperation
    assert call("ratio", D(5), D("0.00"), when_zero) == when_zero
    assert value("ratio(实际值, 指标值, z)", 实际值=D(5), 指标值=D(0), z=when_zero) == when_zero


def test_ratio_refuses_a_boolean_declared_result_when_it_is_used() -> None:
    refused("ratio(x, 0, 1 > 0)", x=D(1))
    refused("ratio(x > 0, 1, 0)", x=D(1))


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=4),
    st.decimals(min_value=-(10**6), max_value=10**6, places=4),
    st.decimals(min_value=-10, max_value=10, places=2),
)
def test_ratio_is_division_or_the_declared_result(top: Decimal, bottom: Decimal, when_zero: Decimal) -> None:
    result = call("ratio", top, bottom, when_zero)
    if bottom == 0:
        assert result == when_zero
    else:
        assert result == CONTEXT.divide(top, bottom)


# --- round --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("round(2.675, 2)", "2.68"),
        ("round(2.675)", "2.68"),  # two places by default
        ("round(89.995, 2)", "90.00"),
        ("round(2.665, 2)", "2.67"),  # half up, not half even
        ("round(2.5, 0)", "3"),
        ("round(-2.5, 0)", "-3"),
        ("round(1.25, 1)", "1.3"),
        ("round(1, 10)", "1.0000000000"),
        ("round(实际值 / 指标值 * 2, 2)", "1.82"),
    ],
)
def test_round_is_half_up(source: str, expected: str) -> None:
    assert str(value(source, 实际值=D(40), 指标值=D(44))) == expected


@pytest.mark.parametrize("places", ["1.5", "-1", "11", "100", "0.1"])
def test_round_refuses_non_integer_or_out_of_range_places(places: str) -> None:
    with pytest.raises(ArithmeticError):
        call("round", D("2.675"), D(places))
    error = refused(f"round(x, {places})", x=D("2.675"))
    assert "小数位数" in error.problems[0].message


def test_round_accepts_integral_places_written_with_a_point() -> None:
    assert str(value("round(2.675, 2.0)")) == "2.68"


def test_round_refuses_booleans() -> None:
    with pytest.raises(TypeError):
        call("round", True)
    with pytest.raises(TypeError):
        call("round", D(1), True)
    refused("round(x > 0)", x=D(1))
    refused("round(x, x > 0)", x=D(1))


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=6),
    st.integers(min_value=0, max_value=builtins.MAX_ROUND_PLACES),
)
def test_round_agrees_with_round_to_half_up(number: Decimal, places: int) -> None:
    assert call("round", number, D(places)) == round_to(number, places, "ROUND_HALF_UP")
