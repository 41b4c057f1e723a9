"""C-GRADES: the grade bands cover [0, max] with no gap and no overlap, probed at every edge."""

from __future__ import annotations

import itertools

from ..base.numbers import ZERO, fmt
from ..model.ruleset import Ruleset
from .report import CounterExample


def grade_gaps(ruleset: Ruleset) -> CounterExample | None:
    """The first total in [0, max] with no grade or two grades, probing each band's edges."""
    bands = sorted(ruleset.grades, key=lambda band: band.low)
    points = {ZERO, ruleset.max}
    for band in bands:
        points |= {band.low, band.high}
    for low, high in itertools.pairwise(sorted(points)):
        points.add((low + high) / 2)
    for total in sorted(p for p in points if ZERO <= p <= ruleset.max):
        holders = [
            b.name
            for b in bands
            if b.low <= total < b.high or (b.high == ruleset.max and total == ruleset.max)
        ]
        if len(holders) != 1:
            shown = "、".join(
                f"{b.name} [{fmt(b.low)}, {fmt(b.high)}{']' if b.high == ruleset.max else ')'}" for b in bands
            )
            kind = "不属于任何等级（缝隙）" if not holders else f"同时属于 {'、'.join(holders)}（重叠）"
            return CounterExample(
                f"总分 {fmt(total)} {kind}",
                (f"等级：{shown}",),
                "恰好一个等级",
                "、".join(holders) or "没有等级",
            )
    return None
