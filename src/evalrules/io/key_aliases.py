"""The 自评表's own column words as keys of a project file: 年度指标值 = 95 for value = 95.

Only words with one meaning on the form are taken (得分 is not one: on a form it is the score
claimed, not the evaluator's score; it belongs in [claims])."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TARGET_ALIASES = {
    "三级指标": "name",
    "指标名称": "name",
    "指标性质": "operator",
    "年度指标值": "value",
    "指标值": "value",
    "年度目标值": "value",
    "度量单位": "unit",
    "计量单位": "unit",
    "实际完成值": "actual",
    "实际值": "actual",
    "全年实际值": "actual",
    "分值": "weight",
    "偏差原因分析及改进措施": "reason",
    "偏差原因": "reason",
}
"""The 自评表's column words a [[targets]] entry may use for its keys."""


def aliases_of(key: str, aliases: Mapping[str, str] = TARGET_ALIASES) -> list[str]:
    """The words that may stand for key."""
    return [word for word, canonical in aliases.items() if canonical == key]


def with_keys(
    entry: Mapping[str, Any], aliases: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str], list[tuple[str, str, str]]]:
    """The entry with every alias under its key; how each such key was spelled; and each key
    given twice (value and 年度指标值) as (first spelling, second spelling, key), the second dropped."""
    keys: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    twice: list[tuple[str, str, str]] = []
    for key, value in entry.items():
        canonical = aliases.get(key, key)
        if canonical in keys:
            twice.append((spelled.get(canonical, canonical), key, canonical))
            continue
        keys[canonical] = value
        if key != canonical:
            spelled[canonical] = key
    return keys, spelled, twice
