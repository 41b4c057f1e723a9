"""What a review rule sees of a target: its category (一级/二级) and facts a formula can test.

Categories follow 财预〔2021〕101号's structure [M]: 成本 (经济/社会/生态环境成本), 产出 (数量/质量/
时效), 效益 (经济/社会/生态效益, 可持续影响), 满意度. A 88号-era form (and the 自评表) puts 成本 under
产出 and 满意度 under 效益: both placements are read the same way, from the words of the slot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from ..base.numbers import CONTEXT
from ..default_plugins.units import normal_unit, unit_kind
from ..model.project import Project, Target

FIRST_LEVELS = ("产出", "成本", "效益", "满意度")
SECOND_LEVELS = (
    "数量",
    "质量",
    "时效",
    "经济成本",
    "社会成本",
    "生态环境成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "满意度",
)
CATEGORIES = (*FIRST_LEVELS, *SECOND_LEVELS)
"""The words a rule's applies_to may name."""

SOURCES = ("计划标准", "行业标准", "历史标准", "预算支出标准", "其他标准")
"""指标值来源 (绩效标准): 88号/101号's four [M] and 预算支出标准, used for 成本 targets [V-code]."""

_SECOND = {
    "数量": "数量",
    "产出数量": "数量",
    "质量": "质量",
    "产出质量": "质量",
    "时效": "时效",
    "产出时效": "时效",
    "成本": "经济成本",
    "产出成本": "经济成本",
    "经济成本": "经济成本",
    "社会成本": "社会成本",
    "生态环境成本": "生态环境成本",
    "生态成本": "生态环境成本",
    "经济效益": "经济效益",
    "社会效益": "社会效益",
    "生态效益": "生态效益",
    "可持续影响": "可持续影响",
    "可持续效益": "可持续影响",
}
_FIRST_OF = {
    "数量": "产出",
    "质量": "产出",
    "时效": "产出",
    "经济成本": "成本",
    "社会成本": "成本",
    "生态环境成本": "成本",
    "经济效益": "效益",
    "社会效益": "效益",
    "生态效益": "效益",
    "可持续影响": "效益",
    "满意度": "满意度",
}
_TRIM = re.compile(r"指标$|类$")
_DIGIT = re.compile(r"[0-9０-９]")


def category(target: Target) -> tuple[str, str]:
    """(一级, 二级) of a target from the words of its slot; ("", "") when they name none."""
    for part in reversed(target.slot):
        word = _TRIM.sub("", "".join(part.split()))
        word = _TRIM.sub("", word)
        if "满意度" in word:
            return "满意度", "满意度"
        if word in _SECOND:
            return _FIRST_OF[_SECOND[word]], _SECOND[word]
    first = _TRIM.sub("", "".join(target.slot[0].split())) if target.slot else ""
    return (first, "") if first in FIRST_LEVELS else ("", "")


def in_categories(target: Target, names: tuple[str, ...]) -> bool:
    """Whether a target is in one of the categories named (a first or a second level); all when ()."""
    if not names:
        return True
    first, second = category(target)
    return first in names or second in names


def has_number(text: str) -> bool:
    return bool(_DIGIT.search(text))


def budget_request(project: Project) -> Decimal | None:
    """The budget requested: the 申报表's 年度资金总额, written as [budget] 年初预算数 (the budget
    the project asks to start the year with); else 全年预算数."""
    figures = project.budget.figures
    return figures.get("年初预算数", figures.get("全年预算数"))


def target_facts(target: Target, project: Project) -> Mapping[str, Decimal | bool]:
    """The names a rule's ``when`` formula may use (docs/review.md lists them)."""
    first, second = category(target)
    unit = normal_unit(target.unit)
    kind = unit_kind(target.unit)
    history = list(target.history.values())
    request = budget_request(project)
    facts: dict[str, Decimal | bool] = {
        "定量": target.operator in (">=", "<=", "="),
        "定性": target.operator == "定性",
        "正向": target.operator == ">=",
        "反向": target.operator == "<=",
        "有数值": target.value is not None,
        "指标值": target.value if target.value is not None else Decimal(0),
        "有单位": bool(unit),
        "百分比": kind == "percent",
        "金额单位": kind in ("money", "unit_money"),
        "有来源": bool(target.source),
        "有依据": bool(target.basis),
        "有历史值": bool(history),
        "上年值": history[-1] if history else Decimal(0),
        "历史均值": (
            CONTEXT.divide(sum(history, Decimal(0)), Decimal(len(history))) if history else Decimal(0)
        ),
        "有预算": request is not None,
        "申报预算数": request if request is not None else Decimal(0),
    }
    for source in SOURCES:
        facts[source] = target.source == source
    for name in ("产出", "成本", "效益", "满意度"):
        facts[f"{name}类"] = first == name
    for name in ("数量", "质量", "时效"):
        facts[f"{name}类"] = second == name
    return facts


FACT_NAMES = (
    "定量",
    "定性",
    "正向",
    "反向",
    "有数值",
    "指标值",
    "有单位",
    "百分比",
    "金额单位",
    "有来源",
    "有依据",
    "有历史值",
    "上年值",
    "历史均值",
    "有预算",
    "申报预算数",
    *SOURCES,
    "产出类",
    "成本类",
    "效益类",
    "满意度类",
    "数量类",
    "质量类",
    "时效类",
)
"""Every name of :func:`target_facts` (a formula is checked against them when a ruleset loads)."""
