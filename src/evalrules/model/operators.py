"""A target's operator (指标性质): the four canonical ones and every spelling printed forms use."""

from __future__ import annotations

from typing import Literal

_AT_LEAST = (
    ">=",
    "≥",
    "≧",
    "⩾",
    "＞=",
    ">＝",
    "＞＝",
    "=>",
    "≥=",
    "大于等于",
    "大于或等于",
    "不低于",
    "不少于",
    "不小于",
    "≮",
)
_AT_MOST = (
    "<=",
    "≤",
    "≦",
    "⩽",
    "＜=",
    "<＝",
    "＜＝",
    "=<",
    "≤=",
    "小于等于",
    "小于或等于",
    "不高于",
    "不超过",
    "不多于",
    "不大于",
    "≯",
)
_EQUAL = ("=", "＝", "==", "＝＝", "═", "等于")
Operator = Literal[">=", "<=", "=", "定性"]
"""A target's operator, canonical: at least, at most, equal, or qualitative (定性)."""
CANONICAL_OPERATORS: tuple[Operator, ...] = (">=", "<=", "=", "定性")
OPERATORS: dict[str, Operator] = {
    **dict.fromkeys(_AT_LEAST, ">="),
    **{"以上": ">=", "正向": ">=", "正向指标": ">="},
    **dict.fromkeys(_AT_MOST, "<="),
    **{"以下": "<=", "以内": "<=", "反向": "<=", "反向指标": "<="},
    **dict.fromkeys(_EQUAL, "="),
    "定性": "定性",
    "定性指标": "定性",
}
"""Operator spellings seen in printed forms, each mapped to its canonical form (≥ ≤ = 定性):
symbols in half and full width, ═ (U+2550, a box-drawing line some forms print for =), the
words (不低于 95%, 95%以上) and the 指标性质 column's 正向/反向. A strict > or < is not among them:
forms use it loosely, and whether 95 meets "> 95" is not for evalrules to guess."""

PREFIX_OPERATORS = tuple(sorted((*_AT_LEAST, *_AT_MOST, *_EQUAL), key=len, reverse=True))
"""The spellings that may lead a value written with its operator ("≥95%", "不低于95%"), longest first."""

SUFFIX_OPERATORS: tuple[tuple[str, Operator], ...] = (("以上", ">="), ("以下", "<="), ("以内", "<="))
"""The words that follow a value written with its operator ("95%以上")."""
_PREFIX_STARTS = frozenset(word[0] for word in PREFIX_OPERATORS)
_SUFFIX_WORDS = tuple(word for word, _ in SUFFIX_OPERATORS)


def canonical_operator(written: object) -> Operator | None:
    """The canonical operator (>=, <=, =, 定性) a printed spelling stands for, or None. Spaces
    inside do not matter ("> =", "≥ =", "不 低于" as cut from a form)."""
    return OPERATORS.get("".join(str(written).split()))


def operator_in_value(text: str) -> tuple[Operator | None, str]:
    """The operator written inside a value ("≥95%", "不低于 95%", "95%以上") and the value without
    it; (None, text) when there is none."""
    stripped = text.strip()
    if stripped[:1] in _PREFIX_STARTS:  # most values start with a digit: no spelling to try
        for word in PREFIX_OPERATORS:
            if stripped.startswith(word):
                return OPERATORS[word], stripped[len(word) :].strip()
    if stripped.endswith(_SUFFIX_WORDS):
        for word, operator in SUFFIX_OPERATORS:
            if stripped.endswith(word):
                return operator, stripped[: -len(word)].strip()
    return None, stripped


def suggest_operator(written: object) -> str:
    """What to write instead of an unknown operator. Never a near spelling of the opposite
    (difflib offered 不大于 for 大于): a strict comparison is pointed to its inclusive form, and
    anything else gets the four canonical ones."""
    text = str(written).strip()
    negated = text.startswith("不")
    if any(word in text for word in (">", "＞", "大于", "高于", "多于", "超过")):
        closest = "<=" if negated else ">="
    elif any(word in text for word in ("<", "＜", "小于", "低于", "少于")):
        closest = ">=" if negated else "<="
    else:
        return "可写 ≥（不低于）、≤（不高于）、=（等于）或 定性"
    shown = {">=": "≥（大于等于、不低于）", "<=": "≤（小于等于、不高于）"}[closest]
    return f"是否想写 {shown}？evalrules 没有“严格大于/小于”的指标性质：达到指标值即算完成"
