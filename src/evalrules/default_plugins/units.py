"""Units in submissions: which are money, how money converts, what kind a unit or a name measures.

The unit table below was built from the units real 自评表 and 评价报告 write (docs/audit.md, A-UNIT-KIND,
lists it for analysts). A unit the table does not know is of kind "other" and never gives a finding:
a reviewer drops a tool after one false alarm, so only a clearly wrong kind is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from ..base.numbers import CONTEXT

MONEY_UNITS: Mapping[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
"""Money units and their size in 元."""

UnitKind = Literal["money", "unit_money", "percent", "time", "count", "measure", "other"]

PERCENT_UNITS = frozenset(["%", "‰", "百分比", "百分率", "百分点", "个百分点", "比例", "比率"])
TIME_UNITS = frozenset(
    [
        "年",
        "季度",
        "个季度",
        "季",
        "月",
        "个月",
        "月份",
        "周",
        "天",
        "日",
        "个工作日",
        "工作日",
        "小时",
        "年月",
        "年月日",
    ]
)
COUNT_UNITS = frozenset(
    [
        "人",
        "名",
        "人次",
        "户",
        "个",
        "项",
        "次",
        "台",
        "套",
        "台套",
        "台（套）",
        "辆",
        "件",
        "份",
        "家",
        "所",
        "批",
        "批次",
        "场",
        "场次",
        "期",
        "册",
        "本",
        "篇",
        "座",
        "处",
        "间",
        "张",
        "条",
        "门",
        "种",
        "类",
        "村",
        "镇",
        "乡",
        "班",
        "课时",
        "学时",
        "床",
        "张床",
        "头",
        "只",
        "株",
        "棵",
        "部",
        "节",
        "宗",
        "起",
        "单",
        "户次",
        "车次",
        "架次",
    ]
)
MEASURE_UNITS = frozenset(
    [
        "平方米",
        "㎡",
        "m²",
        "m2",
        "平方公里",
        "亩",
        "公顷",
        "公里",
        "千米",
        "km",
        "米",
        "m",
        "延米",
        "立方米",
        "m³",
        "吨",
        "千克",
        "公斤",
        "kg",
        "千瓦",
        "千瓦时",
        "度",
        "兆瓦",
        "升",
    ]
)
_DATE = re.compile(r"^\d{4}\s*年(\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?(前|底|末|以前|之前)?$")


def normal_unit(unit: str) -> str:
    return unit.strip().replace("％", "%").replace("（", "(").replace("）", ")")


def is_money(unit: str) -> bool:
    """万元, 元 — and per-unit money such as 元/人."""
    return normal_unit(unit).split("/")[0] in MONEY_UNITS


def unit_kind(unit: str) -> UnitKind:
    """What a unit measures: money (万元), money per unit (元/人, 万元/公里), percent (%, 百分比, ‰,
    个百分点), time (月, 季度, 2022年12月), count (人, 人次, 台套), measure (平方米, 公里) — or other."""
    unit = normal_unit(unit)
    if unit in MONEY_UNITS:
        return "money"
    if is_money(unit):
        return "unit_money"
    if unit in PERCENT_UNITS:
        return "percent"
    if unit in TIME_UNITS or _DATE.match(unit):
        return "time"
    if unit in COUNT_UNITS or unit.replace("(", "").replace(")", "") in COUNT_UNITS:
        return "count"
    if unit in MEASURE_UNITS:
        return "measure"
    return "other"


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    """A money value in another money unit; None unless both are plain money units."""
    source, goal = MONEY_UNITS.get(normal_unit(unit)), MONEY_UNITS.get(normal_unit(to))
    if source is None or goal is None:
        return None
    return CONTEXT.divide(CONTEXT.multiply(value, source), goal)


# A Chinese noun phrase has its head last: 水费缴费月数 is a number of months (about water bills),
# 成本控制数 is a controlled amount (数 alone says nothing: 预算数, 控制数, 执行数 are money), and
# 每人次补助标准 is a rate of money. So only the end of the name decides that it counts things.
_COUNT_ENDINGS = re.compile(
    r"(人数|人员数|人次|次数|批次|月数|天数|日数|周数|年数|个数|户数|户次|件数|套数|台数|台套数|台次|辆数|车次|架次"
    r"|场次|场数|期数|项数|份数|家数|所数|村数|册数|班数|床位数|课时|学时|[0-9０-９]+\s*(辆|台|人|户|个|项|次|件|套))$"
)


def counts_things(name: str) -> bool:
    """A name whose head counts people, things or time (保障职工人数, 电费缴费月数, 维修车辆 18 辆);
    not 成本控制数, 车辆运行维护费, 每人次补助标准."""
    name = re.sub(r"[（(][^）)]*[）)]$", "", name.strip())
    return bool(_COUNT_ENDINGS.search(name))


_NOT_PERCENT_RATES = re.compile(r"(频率|功率|速率|效率|周转率|帧率|码率|转速率)$")


def wants_percent(name: str) -> bool:
    """A name ending in 率 that is a ratio (合格率, 执行率), not 频率 or 功率."""
    name = re.sub(r"[（(][^）)]*[）)]$", "", name.strip())
    return name.endswith("率") and not _NOT_PERCENT_RATES.search(name)


_UNIT_COST = re.compile(r"人均|生均|户均|亩均|次均|平均|单价|单位成本|均价|每|标准$|标准[（(]")


def is_unit_cost(name: str) -> bool:
    """A cost per person, pupil, household or piece (人均培训成本, 生均补助标准, 每公里养护成本):
    never part of a budget's breakdown."""
    return bool(_UNIT_COST.search(name.strip()))


def is_cost(path: tuple[str, ...]) -> bool:
    return any("成本" in part for part in path)
