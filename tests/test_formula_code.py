"""Compiled formulas agree with the simpleeval reference on every formula and every input.

Differential tests: hypothesis writes random formulas from the whole allowed language (numbers,
names, every operator, comparisons, and/or/not, conditionals, every registered function) and
random values, then compares ``Formula.evaluate`` (the compiled function) with
``Formula.evaluate_reference`` (simpleeval's tree walk): the same value, of the same type, or the
same FormulaError message.
"""

from __future__ import annotations

import ast
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalrules import FormulaError, default_registry
from evalrules.formula.code import to_function
from evalrules.formula.evaluator import Formula, compile_formula
from evalrules.formula.operators import Value

FUNCTIONS = default_registry().functions
NAMES = ("实际值", "指标值", "分值", "x", "y")
BINARY = ("+", "-", "*", "/", "//", "%", "**")
COMPARE = ("==", "!=", "<", "<=", ">", ">=")

numbers = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.decimals(-(10**6), 10**6, places=3, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "0.0", "1", "2", "100", "0.5", "1e3", "3.14159265358979323846264338327950288"]),
)
values = st.one_of(
    st.decimals(-(10**9), 10**9, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal(1), Decimal(-1), Decimal("0.1"), Decimal(44)]),
)


def _call(name: str, arguments: list[str]) -> str:
    return f"{name}({', '.join(arguments)})"


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    functions = []
    for function in FUNCTIONS.values():
        most = function.max_args if function.max_args is not None else function.min_args + 2
        functions.append(
            st.integers(function.min_args, most).flatmap(
                lambda count, name=function.name: st.lists(children, min_size=count, max_size=count).map(
                    lambda arguments, name=name: _call(name, arguments)
                )
            )
        )
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.sampled_from(COMPARE), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
        st.tuples(children, st.sampled_from(["and", "or"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["-", "+", "not "]), children).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[1]} if {t[0]} else {t[2]})"),
        *functions,
    )


formulas = st.recursive(
    st.one_of(numbers, st.sampled_from(NAMES), st.sampled_from(["True", "False"])), _extend, max_leaves=12
)


def _outcome(evaluate: object, given_values: dict[str, Decimal]) -> tuple[str, object]:
    try:
        result: Value = evaluate(given_values)  # type: ignore[operator]
    except FormulaError as error:
        return "error", error.render()
    return type(result).__name__, result


def _agree(formula: Formula, given_values: dict[str, Decimal]) -> None:
    compiled = _outcome(formula.evaluate, given_values)
    reference = _outcome(formula.evaluate_reference, given_values)
    assert compiled == reference, formula.source


@settings(max_examples=400)
@given(formulas, st.fixed_dictionaries({name: values for name in NAMES}))
def test_compiled_formulas_agree_with_simpleeval(source: str, given_values: dict[str, Decimal]) -> None:
    try:
        formula = compile_formula(source, functions=FUNCTIONS, names=NAMES)
    except FormulaError:
        return  # refused before evaluation either way (e.g. a power of a power too large to check)
    _agree(formula, given_values)


@given(formulas)
def test_a_missing_name_is_the_same_error(source: str) -> None:
    try:
        formula = compile_formula(source, functions=FUNCTIONS, names=NAMES)
    except FormulaError:
        return
    _agree(formula, {"x": Decimal(1)})


@pytest.mark.parametrize(
    "source",
    [
        "分值 if 实际值 >= 指标值 else 实际值 / 指标值 * 分值",
        "min(实际值 / 指标值, 1) * 分值",
        "x // 0",
        "0 ** -1",
        "10 ** 101",
        "x and y or not x",
        "1 < x < 3",
        "round(x / 3, 2)",
    ],
)
def test_known_formulas_agree(source: str) -> None:
    formula = compile_formula(source, functions=FUNCTIONS, names=NAMES)
    for x in (Decimal(0), Decimal(2), Decimal("-1.5")):
        _agree(formula, {"实际值": x, "指标值": Decimal(44), "分值": Decimal(2), "x": x, "y": Decimal(3)})


def test_the_compiled_function_has_no_builtins_and_only_bound_objects() -> None:
    body = ast.parse("min(x, 1) + 2", mode="eval").body
    for node in ast.walk(body):
        if isinstance(node, ast.Constant):
            node.value = Decimal(node.value)  # as the checker leaves them
    function = to_function(body, {ast.Add: lambda a, b: a + b}, {"min": min})
    assert function.__globals__["__builtins__"] == {}
    assert set(function.__code__.co_names) <= {
        name for name in function.__globals__ if name.startswith("_bound")
    }
    assert function({"x": Decimal(5)}) == 3


def test_a_node_outside_the_allowlist_is_never_compiled() -> None:
    body = ast.parse("x.real", mode="eval").body
    with pytest.raises(TypeError):
        to_function(body, {}, {})
