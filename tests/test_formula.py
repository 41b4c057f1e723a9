"""Formulas: exact Decimal arithmetic, Chinese names, and the refusal of everything else.

Every failure, at compile time or at evaluation time, must be one FormulaError: the helper
`refused` lets any other exception type escape and fail the test.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules import FormulaError, FormulaFunction, default_registry
from evalrules.base.numbers import CONTEXT
from evalrules.formula.evaluator import (
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_FORMULA_NODES,
    Formula,
    Value,
    compile_formula,
)
from evalrules.formula.operators import MAX_EXPONENT

FUNCTIONS = default_registry().functions
NAMES = ("实际值", "指标值", "分值", "x", "y", "a", "b")
SEED_VALUES = {"实际值": Decimal(40), "指标值": Decimal(44), "分值": Decimal(2)}
VALUES = {**SEED_VALUES, "x": Decimal(1), "y": Decimal(2), "a": Decimal(3), "b": Decimal(4)}


def compiled(source: str, functions: Mapping[str, FormulaFunction] = FUNCTIONS) -> Formula:
    return compile_formula(source, functions=functions, names=NAMES)


def value(source: str, values: Mapping[str, Decimal] = VALUES) -> Value:
    return compiled(source).evaluate(values)


def refused(
    source: str,
    values: Mapping[str, Decimal] = VALUES,
    functions: Mapping[str, FormulaFunction] = FUNCTIONS,
) -> FormulaError:
    """The FormulaError a formula ends in, whether it is refused when compiled or evaluated."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, functions=functions, names=NAMES).evaluate(values)
    return caught.value


def refused_at_compile(source: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        compiled(source)
    return caught.value


def message(error: FormulaError) -> str:
    return error.problems[0].message


# --- exact arithmetic ---------------------------------------------------------------------


def test_literals_are_exact_decimals_from_their_text() -> None:
    assert value("0.1 + 0.2 == 0.3") is True
    assert value("0.1 + 0.2") == Decimal("0.3")
    one_ten = value("1.10")
    assert isinstance(one_ten, Decimal)
    assert str(one_ten) == "1.10"
    assert str(value("2.675")) == "2.675"
    assert value("1_000") == Decimal(1000)
    assert value("1e3") == Decimal(1000)
    assert value(".5") == Decimal("0.5")
    # a literal is never squeezed through float, even beyond float's 17 digits
    assert value("0.12345678901234567890123") == Decimal("0.12345678901234567890123")


def test_chinese_names_give_the_exact_seed_score() -> None:
    formula = compiled("实际值 / 指标值 * 分值")
    result = formula.evaluate(SEED_VALUES)
    assert isinstance(result, Decimal)
    assert result == Decimal("1.818181818181818181818181818")
    assert formula.names == frozenset({"实际值", "指标值", "分值"})


def test_division_is_bounded_to_the_context_precision() -> None:
    third = value("1 / 3")
    assert third == Decimal("0.3333333333333333333333333333")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("7 // 2", Decimal(3)),
        ("7 % 3", Decimal(1)),
        ("2 ** 10", Decimal(1024)),
        ("2 ** -2", Decimal("0.25")),
        (f"1 ** {MAX_EXPONENT}", Decimal(1)),
        ("-x", Decimal(-1)),
        ("+x", Decimal(1)),
        ("a - b * 2", Decimal(-5)),
        ("(a - b) * 2", Decimal(-2)),
        ("1 if 1 else 2", Decimal(1)),
        ("1 if 0 else 2", Decimal(2)),
        ("x if x > y else y", Decimal(2)),
        ("1 < 2 < 3", True),
        ("3 > 2 > 2", False),
        ("1.0 == 1", True),
        ("x != y", True),
        ("x <= 1 and y >= 2", True),
        ("x > 1 or y > 1", True),
        ("not x", False),
        ("not 0", True),
        ("True", True),
        ("min(实际值, 指标值) + max(x, y, a)", Decimal(43)),
    ],
)
def test_allowed_operations(source: str, expected: Value) -> None:
    result = value(source)
    assert result == expected
    assert type(result) is type(expected)


def test_number_refuses_a_boolean_result() -> None:
    formula = compiled("x > y")
    assert formula.evaluate(VALUES) is False
    with pytest.raises(FormulaError):
        formula.number(VALUES)
    assert compiled("x + y").number(VALUES) == Decimal(3)


def test_leading_and_trailing_whitespace_is_allowed() -> None:
    assert value("  x + y  ") == Decimal(3)
    assert value("\n\tx + y\n") == Decimal(3)


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("(1).__class__", "属性"),
        ("x.real", "属性"),
        ("x.real.__class__", "属性"),
        ("__import__('os')", "未知函数"),
        ("__builtins__", "未知名称"),
        ("'a'", "str"),
        ("b'a'", "bytes"),
        ("None", "NoneType"),
        ('f"{1:>99999999}"', "格式化字符串"),
        ("[x for x in (1, 2)]", "推导式"),
        ("{x for x in (1, 2)}", "推导式"),
        ("{x: 1 for x in (1, 2)}", "推导式"),
        ("min(x for x in (1, 2))", "生成器"),
        ("(lambda: 1)()", "已登记的函数"),
        ("lambda: 1", "lambda"),
        ("a[0]", "下标"),
        ("a[0:1]", "下标"),
        ("(y := 1)", "赋值"),
        ("(1, 2)", "Tuple"),
        ("[1]", "List"),
        ("{1: 2}", "Dict"),
        ("1 ^ 2", "BitXor"),
        ("1 | 2", "BitOr"),
        ("1 & 2", "BitAnd"),
        ("1 << 2", "LShift"),
        ("~1", "Invert"),
        ("x in y", "In"),
        ("x is y", "Is"),
        ("0x10", "十进制"),
        ("0b101", "十进制"),
        ("1j", "complex"),
        ("1e1000", "超出范围"),
        ("1e-1000", "超出范围"),
        ("min(a=1)", "按位置"),
        ("min(*x)", "按位置"),
        ("min(x, **y)", "按位置"),
        ("min", "只能调用"),
        ("min + 1", "只能调用"),
        ("abs(1, 2)", "abs(x)"),
        ("clamp(1, 2)", "实际给了 2 个"),
        ("min()", "实际给了 0 个"),
        ("round(1, 2, 3)", "实际给了 3 个"),
        ("x.y()", "已登记的函数"),
    ],
)
def test_refused_when_compiled(source: str, fragment: str) -> None:
    error = refused_at_compile(source)
    assert fragment in message(error)
    assert error.formula == source
    assert error.column is not None


@pytest.mark.parametrize(
    "source",
    [
        "1 +",
        "",
        "   ",
        "# 注释",
        "x = 1",
        "import os",
        "1; 2",
        "if x: 1",
        "x\x00",
        "(((1)",
        "1)",
        "01",
        "1 if 2",
    ],
)
def test_syntax_errors_are_formula_errors(source: str) -> None:
    error = refused_at_compile(source)
    assert error.problems[0].code == "E-FORMULA-SYNTAX" or "无法解析" in message(error)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("4000000**4000000", "指数"),
        ("9**9**9", "指数"),
        ("10**1000", "指数"),
        (f"2 ** {MAX_EXPONENT + 1}", "指数"),
        (f"2 ** -{MAX_EXPONENT + 1}", "指数"),
        ("2 ** 0.5", "指数"),
        ("(10**100)**10", "超出数值范围"),
        ("1e999 * 10", "超出数值范围"),
        ("x / 0", "除数为 0"),
        ("1 / (x - 1)", "除数为 0"),
        ("x // 0", "除数为 0"),
        ("0 ** -1", "除数为 0"),
        ("0 / 0", "无效的数值运算"),
        ("x % 0", "无效的数值运算"),
        ("0 ** 0", "无效的数值运算"),
    ],
)
def test_refused_when_evaluated(source: str, fragment: str) -> None:
    formula = compiled(source)  # checked once, fails on the values
    with pytest.raises(FormulaError) as caught:
        formula.evaluate(VALUES)
    assert fragment in message(caught.value)
    assert caught.value.formula == source


def test_overflow_from_values_is_refused() -> None:
    formula = compiled("x * y")
    with pytest.raises(FormulaError, match="超出数值范围"):
        formula.evaluate({"x": Decimal("1e999"), "y": Decimal("1e999")})


def test_results_are_always_finite() -> None:
    # Infinity or NaN never comes out as a score, whether from a value or from arithmetic
    formula = compiled("x + 1")
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")):
        with pytest.raises(FormulaError):
            formula.evaluate({"x": bad})


def test_unknown_function_suggests_the_close_one() -> None:
    error = refused_at_compile("mn(1, 2)")
    assert "mn" in message(error)
    assert error.problems[0].suggestion is not None
    assert "min" in error.problems[0].suggestion
    assert error.column == 1


def test_unknown_name_suggests_the_close_one_at_its_character_column() -> None:
    error = refused_at_compile("实际值 + 实际直")
    assert "实际直" in message(error)
    assert error.problems[0].suggestion is not None
    assert "实际值" in error.problems[0].suggestion
    assert error.column == 7  # characters, not UTF-8 bytes (which would give 13)
    assert "第 7 列" in str(error)


def test_column_counts_characters_after_chinese_names() -> None:
    assert refused_at_compile("分值 * 实际值 + 'a'").column == 12
    assert refused_at_compile("实际值 + x.real").column == 7
    assert refused_at_compile("指标值 ^ 2").column == 1  # the BinOp starts the formula


def test_syntax_error_column_counts_characters_after_chinese_names() -> None:
    error = refused_at_compile("实际值 + * 2")
    assert error.column == 7
    error = refused_at_compile("实际值 + $")
    assert error.column == 7


def test_column_refers_to_the_text_as_written_with_leading_whitespace() -> None:
    assert refused_at_compile("  实际直").column == 3
    assert refused_at_compile("  实际值 + * 2").column == 9
    assert refused_at_compile("\t'a'").column == 2


def test_column_is_on_its_own_line_in_a_multiline_formula() -> None:
    error = refused_at_compile("(x +\n 实际值 + 实际直)")
    assert "实际直" in message(error)
    assert error.column == 8
    assert refused_at_compile("(x +\n 实际值 + * 2)").column == 8


def test_deep_nesting_is_refused() -> None:
    for source in (
        "(" * 200 + "1" + ")" * 200,
        "(" * 201 + "1" + ")" * 201,
        "-" * 1000 + "1",
        "-" * 400 + "1",
        "not " * 100 + "1",
        "abs(" * 80 + "1" + ")" * 80,
        "1 if " * 60 + "1" + " else 1" * 60,
    ):
        error = refused(source)
        assert "嵌套过深" in message(error) or "过长" in message(error) or "语法" in message(error)


def test_depth_cap_is_exact() -> None:
    assert value("-" * (MAX_FORMULA_DEPTH - 1) + "1") == Decimal(-1)
    assert "嵌套过深" in message(refused_at_compile("-" * MAX_FORMULA_DEPTH + "1"))
    nested = "(" * MAX_FORMULA_DEPTH + "1" + ")" * MAX_FORMULA_DEPTH
    assert value(nested) == Decimal(1)
    too_deep = "(" * (MAX_FORMULA_DEPTH + 1) + "1" + ")" * (MAX_FORMULA_DEPTH + 1)
    error = refused_at_compile(too_deep)
    assert "括号嵌套过深" in message(error)
    assert error.column == MAX_FORMULA_DEPTH + 1


def test_length_cap_is_exact() -> None:
    longest = "1".ljust(MAX_FORMULA_LENGTH)
    assert value(longest) == Decimal(1)
    error = refused_at_compile("1".ljust(MAX_FORMULA_LENGTH + 1))
    assert "过长" in message(error)
    assert str(MAX_FORMULA_LENGTH) in message(error)


def test_node_cap_is_exact() -> None:
    # max(x, x, …): one Call node plus one Name node per argument
    largest = "max(" + ",".join(["x"] * (MAX_FORMULA_NODES - 1)) + ")"
    assert len(largest) <= MAX_FORMULA_LENGTH
    assert value(largest) == Decimal(1)
    too_large = "max(" + ",".join(["x"] * MAX_FORMULA_NODES) + ")"
    assert len(too_large) <= MAX_FORMULA_LENGTH
    assert "过大" in message(refused_at_compile(too_large))


def test_exponent_cap_is_exact() -> None:
    assert value(f"2 ** {MAX_EXPONENT}") == CONTEXT.plus(Decimal(2**MAX_EXPONENT))
    inverse = value(f"2 ** -{MAX_EXPONENT}")
    assert isinstance(inverse, Decimal)
    assert abs(inverse * 2**MAX_EXPONENT - 1) < Decimal("1e-25")


def test_a_name_without_a_value_at_evaluation_is_refused() -> None:
    formula = compiled("x + y")
    with pytest.raises(FormulaError, match="未提供名称 “y”"):
        formula.evaluate({"x": Decimal(1)})


def test_non_text_formula_is_refused() -> None:
    with pytest.raises(FormulaError):
        compile_formula(12, functions=FUNCTIONS, names=NAMES)  # type: ignore[arg-type]


# --- plugin functions ---------------------------------------------------------------------


def _with(function: FormulaFunction) -> dict[str, FormulaFunction]:
    return {**FUNCTIONS, function.name: function}


def _raises(exception: BaseException) -> FormulaFunction:
    def implementation(*args: Value) -> Value:
        raise exception

    return FormulaFunction("bad", implementation, "bad(x)", "总是失败", 1, 1)


def _returns(result: object) -> FormulaFunction:
    def implementation(*args: Value) -> Value:
        return result  # type: ignore[return-value]

    return FormulaFunction("bad", implementation, "bad(x)", "返回错误的类型", 1, 1)


@pytest.mark.parametrize(
    "exception",
    [
        ValueError("坏了"),
        KeyError("k"),
        TypeError("t"),
        RuntimeError("r"),
        ZeroDivisionError("z"),
        ArithmeticError("a"),
        RecursionError("deep"),
        MemoryError(),
        OverflowError("o"),
    ],
)
def test_a_plugin_function_that_raises_becomes_a_formula_error(exception: BaseException) -> None:
    error = refused("bad(x) + 1", functions=_with(_raises(exception)))
    assert error.formula == "bad(x) + 1"


@pytest.mark.parametrize(
    "result",
    [1, 1.5, "1", None, [Decimal(1)], Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")],
)
def test_a_plugin_function_must_return_a_finite_decimal(result: object) -> None:
    error = refused("bad(x)", functions=_with(_returns(result)))
    assert "bad" in message(error)


def test_a_plugin_function_may_raise_its_own_formula_error() -> None:
    own = FormulaError("插件自己的错误", formula="bad(x)")
    assert refused("bad(x)", functions=_with(_raises(own))) is own


def test_a_plugin_function_returning_a_decimal_or_bool_is_used() -> None:
    double = FormulaFunction("double", lambda v: v * 2, "double(x)", "两倍", 1, 1)
    assert compiled("double(x) + 1", _with(double)).evaluate(VALUES) == Decimal(3)
    positive = FormulaFunction("positive", lambda v: v > 0, "positive(x)", "是否为正", 1, 1)
    assert compiled("1 if positive(x) else 2", _with(positive)).evaluate(VALUES) == Decimal(1)


# --- many evaluations, no shared state ----------------------------------------------------


def test_one_formula_evaluated_many_times_with_different_values() -> None:
    formula = compiled("实际值 / 指标值 * 分值")
    for actual in range(0, 60, 3):
        for target in (1, 7, 44, 100):
            values = {"实际值": Decimal(actual), "指标值": Decimal(target), "分值": Decimal(2)}
            expected = Decimal(actual) / Decimal(target) * Decimal(2)
            assert formula.evaluate(values) == expected
    # and the values of an earlier evaluation never stand in for missing ones
    with pytest.raises(FormulaError):
        formula.evaluate({"实际值": Decimal(1)})
    assert formula.evaluate(SEED_VALUES) == Decimal("1.818181818181818181818181818")


def test_formulas_compiled_from_the_same_functions_do_not_share_values() -> None:
    first, second = compiled("x + 1"), compiled("x + 2")
    assert first.evaluate({"x": Decimal(10)}) == Decimal(11)
    assert second.evaluate({"x": Decimal(20)}) == Decimal(22)
    assert first.evaluate({"x": Decimal(30)}) == Decimal(31)


def test_a_function_evaluating_the_same_formula_again_does_not_disturb_it() -> None:
    holder: list[Formula] = []
    calls: list[Value] = []

    def again() -> Value:
        calls.append(Decimal(-1))
        if len(calls) == 1:  # the outer call evaluates once more; the inner one just answers
            calls.append(holder[0].evaluate({"x": Decimal(100)}))
        return Decimal(0)

    function = FormulaFunction("again", again, "again()", "再算一遍", 0, 0)
    holder.append(compile_formula("again() + x", functions=_with(function), names=["x"]))
    assert holder[0].evaluate({"x": Decimal(1)}) == Decimal(1)
    assert calls == [Decimal(-1), Decimal(-1), Decimal(100)]


def test_threads_evaluating_one_formula_see_their_own_values() -> None:
    barrier = threading.Barrier(2, timeout=30)

    def meet() -> Value:
        barrier.wait()  # both threads have started evaluating before either reads x
        return Decimal(0)

    function = FormulaFunction("meet", meet, "meet()", "等另一个线程", 0, 0)
    formula = compile_formula("meet() + x", functions=_with(function), names=["x"])
    results: dict[int, Value] = {}

    def run(number: int) -> None:
        results[number] = formula.evaluate({"x": Decimal(number)})

    threads = [threading.Thread(target=run, args=(number,)) for number in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {1: Decimal(1), 2: Decimal(2)}


def test_formula_equality_is_by_source() -> None:
    first, second = compiled("x + 1"), compiled("x + 1")
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1
    assert first != compiled("x+1")
    assert first != "x + 1"
    assert first.source == "x + 1"


# --- properties ---------------------------------------------------------------------------

DECIMALS = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False, allow_infinity=False
)
SMALL = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=2, allow_nan=False, allow_infinity=False
)
ADD_SUB = compiled("a + b - b")
MUL_DIV = compiled("a * b / b")
COMPARE = compiled("a < b")
MIN_MAX = compiled("min(a, b) <= max(a, b)")
ABS = compiled("abs(a - b) == abs(b - a)")


@given(DECIMALS, DECIMALS)
def test_adding_and_subtracting_is_exact(a: Decimal, b: Decimal) -> None:
    assert ADD_SUB.evaluate({"a": a, "b": b}) == a
    assert COMPARE.evaluate({"a": a, "b": b}) is (a < b)
    assert MIN_MAX.evaluate({"a": a, "b": b}) is True
    assert ABS.evaluate({"a": a, "b": b}) is True


@given(SMALL, SMALL.filter(lambda b: b != 0))
def test_multiplying_and_dividing_is_exact(a: Decimal, b: Decimal) -> None:
    assert MUL_DIV.evaluate({"a": a, "b": b}) == a


@given(SMALL, SMALL)
def test_names_and_literals_give_the_same_result(a: Decimal, b: Decimal) -> None:
    by_name = compiled("a * 2 - b").evaluate({"a": a, "b": b})
    by_literal = compiled(f"({a}) * 2 - ({b})").evaluate({})
    assert by_name == by_literal == a * 2 - b


TOKENS = st.sampled_from(
    [
        *"0123456789.+-*/%()<>=!,_ ejx",
        "**",
        "//",
        " if ",
        " else ",
        " and ",
        " or ",
        "not ",
        "min(",
        "max(",
        "abs(",
        "round(",
        "ratio(",
        "clamp(",
        "实际值",
        "指标值",
        "分值",
        "实际直",
        "1e999",
        "0",
    ]
)
FORMULA_LIKE = st.lists(TOKENS, max_size=40).map("".join)


def _compile_and_run(source: str) -> None:
    try:
        formula = compiled(source)
    except FormulaError:
        return
    assert isinstance(formula, Formula)
    try:
        result = formula.evaluate(VALUES)
    except FormulaError:
        return
    assert isinstance(result, (Decimal, bool))
    if isinstance(result, Decimal):
        assert result.is_finite()


@given(st.text(max_size=200))
def test_any_text_compiles_or_is_a_formula_error(source: str) -> None:
    _compile_and_run(source)


@given(FORMULA_LIKE)
def test_any_formula_like_text_evaluates_or_is_a_formula_error(source: str) -> None:
    _compile_and_run(source)
