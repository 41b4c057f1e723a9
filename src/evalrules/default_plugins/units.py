"""Units in submissions: which are money, how money converts, which names count things."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from ..numbers import CONTEXT

MONEY_UNITS: Mapping[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
"""Money units and their size in 元."""


def normal_unit(unit: str) -> str:
    return unit.strip().replace("％", "%")


def is_money(unit: str) -> bool:
    """万元, 元 — and per-unit money such as 元/人."""
    return normal_unit(unit).split("/")[0] in MONEY_UNITS


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    """A money value in another money unit; None unless both are plain money units."""
    source, goal = MONEY_UNITS.get(normal_unit(unit)), MONEY_UNITS.get(normal_unit(to))
    if source is None or goal is None:
        return None
    return CONTEXT.divide(CONTEXT.multiply(value, source), goal)


_COUNT_WORDS = re.compile(
    r"人数|人次|次数|批次|月数|天数|个数|户数|件数|套数|场次|期数|项数|份数|家数|台数|台次|辆数|车次|架次|周数|年数|课时|学时"
)
_NOT_COUNTS = re.compile(r"(指数|系数|分数|参数|倍数|函数|基数)$")
_COMPOUNDS = re.compile(r"车辆|平台|舞台|电台|柜台|窗台|阳台|后台|前台|出台|站台|台账|台风|讲台|台帐")


def counts_things(name: str) -> bool:
    """A name that counts people, things or time (人数, 批次, 月数, 车辆维护数, 18 辆, 5 台)."""
    name = re.sub(r"[（(][^）)]*[）)]$", "", name.strip())
    if _COUNT_WORDS.search(name) or re.search(r"[辆台]", _COMPOUNDS.sub("", name)):
        return True
    return name.endswith("数") and not _NOT_COUNTS.search(name)


def is_cost(path: tuple[str, ...]) -> bool:
    return any("成本" in part for part in path)
