"""Values that are there but not known: scoring them as a range.

A cut-off or illegible cell is neither not applicable nor an error: the project marks it "?" (or
"unknown", "不详": :data:`evalrules.model.project.UNKNOWN_WORDS`), and a blank actual value may be taken
the same way (``--partial``, or the ruleset's ``missing_actual = "unknown"``). Such an indicator
gets the lowest and the highest score it could have: 0 and its full weight, or the band of a known
rating when only the score inside the band is unknown. Adding up and rescaling never lower a
total when a score rises, so the explaining scorer scores the tree twice, every unknown indicator
at its low end and then at its high end, and :func:`merge` makes one result of the two: a node
whose two scores differ is "unknown", with its range, and the total is a :class:`TotalRange`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from ..base.numbers import ZERO, fmt
from ..model.result import NodeResult, Result, TotalRange, UnknownValue

if TYPE_CHECKING:
    from .bound import BoundNode

LABELS = {"value": "年度指标值", "actual": "实际完成值", "score": "得分", "rating": "评价等级"}
"""The names analysts use for the values that may be marked unknown."""


@frozen
class Unknown:
    """What is not known about one indicator, and the scores it may have."""

    fields: tuple[tuple[str, str, bool], ...]
    """(key, text as written, left blank) for each value not known."""
    low: Decimal
    high: Decimal


def unknown_of(node: BoundNode, blank_is_unknown: bool) -> Unknown | None:
    """What is not known about a leaf that its score depends on, or None when all of it is."""
    fields: list[tuple[str, str, bool]] = []
    target, assessment = node.target, node.assessment
    if target is not None:
        marked = set(target.unknown)
        numeric = target.operator != "定性" or target.method is not None
        if numeric:
            fields += [(key, _text(target, key), False) for key in ("value", "actual") if key in marked]
            blank = target.actual is None and not target.actual_text and "actual" not in marked
            if blank and blank_is_unknown:
                fields.append(("actual", "", True))
        else:  # 定性: the rating decides (the actual value, where it is not given), or a score
            if target.rating is None and target.score is None:
                fields += [(key, _text(target, key), False) for key in ("actual", "rating") if key in marked]
            if "score" in marked:
                fields.append(("score", "", False))
        source_rating, score_only = target.rating, [key for key, _, _ in fields] == ["score"]
    elif assessment is not None:
        fields += [(key, "", False) for key in ("score", "rating") if key in assessment.unknown]
        source_rating, score_only = assessment.rating, [key for key, _, _ in fields] == ["score"]
    else:
        return None
    if not fields:
        return None
    low, high = ZERO, node.weight
    band = _band(node, source_rating) if score_only else None
    if band is not None:  # the rating is known, the score inside its band is not
        low, high = band
    return Unknown(tuple(fields), low, high)


def _text(target: object, key: str) -> str:
    """The marker as written, for the values whose text a target keeps (年度指标值, 实际完成值)."""
    return str(getattr(target, f"{key}_text", ""))


def written(key: str, text: str, missing: bool) -> str:
    """How a value not known is named: 未填写实际完成值, 实际完成值不详（“?”）, 得分不详."""
    if missing:
        return f"未填写{LABELS[key]}"
    return f"{LABELS[key]}不详" + (f"（“{text}”）" if text else "")


def _band(node: BoundNode, rating: str | None) -> tuple[Decimal, Decimal] | None:
    """The scores of the band a qualitative method gives the rating, if it is one of its bands."""
    prepared = node.method.prepared if node.method is not None else None
    if rating is None or not isinstance(prepared, tuple):
        return None
    for band in prepared:
        names = getattr(band, "names", None)
        if callable(names) and rating in names():
            low, high = getattr(band, "low", None), getattr(band, "high", None)
            if isinstance(low, Decimal) and isinstance(high, Decimal):
                return low * node.weight, high * node.weight
    return None


def reason(name: str, unknown: Unknown, low: Decimal, high: Decimal, weight: Decimal) -> str:
    """Why an indicator's score is a range (the same words at both ends)."""
    parts = [written(key, text, missing) for key, text, missing in unknown.fields]
    return (
        f"{name} {'，'.join(parts)}：得分不低于 {fmt(low)} 分、不高于 {fmt(high)} 分（分值 {fmt(weight)} 分）"
    )


def merge(low: Result, high: Result, values: Sequence[UnknownValue], adjusted: int) -> Result:
    """One result from the same project scored at the low and the high end of every unknown
    value (each then adjusted by the plugins; ``adjusted``: how many reasons they added)."""
    nodes = tuple(_merged(a, b) for a, b in zip(low.nodes, high.nodes, strict=True))
    span = TotalRange(low.total, high.total, low.grade, high.grade, tuple(values))
    if low.total == high.total:
        head = f"总分 {fmt(low.total)} 分（满分 {fmt(low.max)} 分）：数值不详的指标不影响总分"
    else:
        head = f"总分不低于 {fmt(low.total)} 分、不高于 {fmt(high.total)} 分（满分 {fmt(low.max)} 分）"
    grade = (
        f"等级 {low.grade}" if span.grade is not None else f"等级在 {low.grade} 与 {high.grade} 之间，未定"
    )
    missing = [v for v in values if v.missing]
    marked = [v for v in values if not v.missing]
    lines = [f"{head}；{grade}"]
    if marked:
        lines.append(f"数值不详 {len(marked)} 项：" + "；".join(v.describe() for v in marked))
    if missing:
        lines.append(
            f"未填写 {len(missing)} 项（按 --partial 计）：" + "；".join(v.describe() for v in missing)
        )
    notes = low.reasons[len(low.reasons) - adjusted :] if adjusted else ()
    return attrs.evolve(low, nodes=nodes, reasons=(*lines, *notes), total_range=span)


def _merged(a: NodeResult, b: NodeResult) -> NodeResult:
    children = tuple(_merged(x, y) for x, y in zip(a.children, b.children, strict=True))
    if a.score == b.score:
        return attrs.evolve(a, children=children)
    assert a.score is not None and b.score is not None  # the same tree: both scored
    reasons = a.reasons
    if a.children:
        range_ = f"不低于 {fmt(a.score)} 分、不高于 {fmt(b.score)} 分"
        reasons = (f"小计{range_}（分值 {fmt(a.weight)} 分）：其下有数值不详的指标",)
    return attrs.evolve(
        a,
        score=None,
        exact=None,
        status="unknown",
        reasons=reasons,
        children=children,
        low=a.score,
        high=b.score,
    )
