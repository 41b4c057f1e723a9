"""Built-in formula functions: min, max, abs, clamp, ratio, round."""

from __future__ import annotations

from decimal import Decimal

from ..base.numbers import CONTEXT, round_to
from ..formula.evaluator import FormulaFunction
from ..formula.operators import Value
from ..hooks.specs import hookimpl

MAX_ROUND_PLACES = 10


def _number(value: Value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise TypeError(f"{what} 应为数字")
    return value


def _min(*values: Value) -> Decimal:
    return min(_number(v, "min 的参数") for v in values)


def _max(*values: Value) -> Decimal:
    return max(_number(v, "max 的参数") for v in values)


def _abs(value: Value) -> Decimal:
    return CONTEXT.abs(_number(value, "abs 的参数"))


def _clamp(value: Value, low: Value, high: Value) -> Decimal:
    x, lo, hi = _number(value, "clamp 的值"), _number(low, "下限"), _number(high, "上限")
    if lo > hi:
        raise ArithmeticError(f"clamp 的下限 {lo} 大于上限 {hi}")
    return min(max(x, lo), hi)


def _ratio(numerator: Value, denominator: Value, when_zero: Value) -> Decimal:
    top, bottom = _number(numerator, "分子"), _number(denominator, "分母")
    if bottom == 0:
        return _number(when_zero, "分母为 0 时的结果")
    return CONTEXT.divide(top, bottom)


def _round(value: Value, places: Value = Decimal(2)) -> Decimal:
    digits = _number(places, "小数位数")
    if digits != digits.to_integral_value() or not 0 <= digits <= MAX_ROUND_PLACES:
        raise ArithmeticError(f"小数位数应为 0 到 {MAX_ROUND_PLACES} 的整数")
    return round_to(_number(value, "round 的值"), int(digits), "ROUND_HALF_UP")


BUILTIN_FUNCTIONS = (
    FormulaFunction("min", _min, "min(a, b, …)", "取最小值", 1),
    FormulaFunction("max", _max, "max(a, b, …)", "取最大值", 1),
    FormulaFunction("abs", _abs, "abs(x)", "绝对值", 1, 1),
    FormulaFunction("clamp", _clamp, "clamp(x, 下限, 上限)", "把 x 限制在 [下限, 上限] 之内", 3, 3),
    FormulaFunction(
        "ratio",
        _ratio,
        "ratio(分子, 分母, 分母为0时的结果)",
        "安全比值：分母为 0 时返回第三个参数声明的结果，而不是报错",
        3,
        3,
    ),
    FormulaFunction("round", _round, "round(x, 小数位数=2)", "四舍五入（ROUND_HALF_UP）到给定小数位数", 1, 2),
)


@hookimpl
def register_functions() -> list[FormulaFunction]:
    return list(BUILTIN_FUNCTIONS)
