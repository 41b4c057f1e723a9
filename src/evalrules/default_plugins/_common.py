"""Helpers shared by the built-in strategies: parameters, targets, percentages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from ..base.numbers import CONTEXT, HUNDRED, ONE, ZERO, NumberProblem, fmt, parse_number, rounded_for_text
from ..hooks.strategies import (
    InputProblem,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    check_keys,
)
from ..model.project import Target


def number(params: Mapping[str, Any], key: str, default: str | None = None) -> Decimal:
    if key not in params:
        if default is None:
            raise ParameterProblem(key, f"缺少参数 “{key}”")
        return Decimal(default)
    try:
        return parse_number(params[key])
    except NumberProblem as problem:
        raise ParameterProblem(key, str(problem)) from None


def share(params: Mapping[str, Any], key: str) -> Decimal:
    """A fraction of the weight: 0.8, or "80%" written as a percentage."""
    value = number(params, key)
    raw = params.get(key)
    if isinstance(raw, str) and raw.strip().endswith(("%", "％")):
        value = CONTEXT.divide(value, HUNDRED)
    if not ZERO <= value <= ONE:
        raise ParameterProblem(key, f"“{key}” 应在 0 到 1 之间（分值的比例），实际为 {fmt(value)}")
    return value


@contextmanager
def within(prefix: str) -> Iterator[None]:
    """Place a ParameterProblem raised inside one entry of a list (``bands[1].low``)."""
    try:
        yield
    except ParameterProblem as problem:
        raise ParameterProblem(f"{prefix}.{problem.key}", problem.message, problem.suggestion) from None


def target_values(item: ScoringInput) -> tuple[Target, Decimal, Decimal]:
    target = item.target
    if target is None:
        raise InputProblem("该评分方法需要项目的绩效指标（指标值与实际完成值）")
    if target.value is None:
        raise InputProblem("缺少年度指标值", expected="数字", found=repr(target.value_text), key="value")
    if target.actual is None:
        raise InputProblem(
            "缺少实际完成值或实际完成值不是数字",
            expected=f"数字（单位 {target.unit}）" if target.unit else "数字",
            found=f"“{target.actual_text}”" if target.actual_text else "空",
            key="actual",
        )
    return target, target.value, target.actual


def describe(target: Target, symbol: str) -> str:
    return (
        f"{target.name} 指标值 {symbol}{target.value_text}{target.unit}，"
        f"实际完成 {target.actual_text}{target.unit}"
    )


def inputs(target: Target) -> dict[str, str]:
    return {"指标值": target.value_text, "实际完成值": target.actual_text, "度量单位": target.unit}


def full(item: ScoringInput, description: str, verdict: str = "达到目标") -> Outcome:
    return Outcome(item.weight, (f"{description}，{verdict}，得满分 {fmt(item.weight)} 分",))


def percent(ratio: Decimal) -> str:
    """A ratio as a percentage with two decimals, rounded 四舍五入 (ROUND_HALF_UP)."""
    scaled = CONTEXT.multiply(ratio, HUNDRED)
    if scaled.adjusted() >= 15:  # a denominator near 0 (1e-300 万元): shown short, not 300 digits
        mantissa, _, exponent = f"{scaled:.6e}".partition("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}%"
    return f"{fmt(rounded_for_text(scaled, 2))}%"


class KeysOnly:
    """``prepare`` for strategies whose parameters need no more than a check of their names."""

    params_doc: Mapping[str, str]

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> None:
        check_keys(params, self.params_doc)


def entries(
    params: Mapping[str, Any], key: str, fields: tuple[str, ...], required: str, default: Any = None
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The tables of a list parameter (bands, steps, elements), each with its place ("steps[1]").

    The list must be non-empty, every entry a table with the required field and no unknown ones.
    """
    raw = params.get(key, default)
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ParameterProblem(key, f"{key} 应为非空的列表，每项是含 {'、'.join(fields)} 的表")
    for index, entry in enumerate(raw):
        place = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            raise ParameterProblem(place, f"每一项应为含 {'、'.join(fields)} 的表")
        if required not in entry:
            raise ParameterProblem(f"{place}.{required}", f"缺少 {required}")
        with within(place):
            check_keys(entry, dict.fromkeys(fields, ""))
        yield place, entry
