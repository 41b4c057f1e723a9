"""A project bound to a ruleset's tree: each node with its method, target or assessment, the reason
it does not apply, and its weight, as the binder (:mod:`evalrules.engine.binding`) makes it."""

from __future__ import annotations

from decimal import Decimal

from attrs import define, field

from ..base.numbers import ZERO
from ..model.project import Assessment, Target
from ..model.result import NodeKind
from ..model.ruleset import Indicator, MethodRef


@define
class BoundNode:
    path: tuple[str, ...]
    base_weight: Decimal
    kind: NodeKind = "indicator"
    method: MethodRef | None = None
    target: Target | None = None
    assessment: Assessment | None = None
    children: list[BoundNode] = field(factory=list)
    na_reason: str | None = None
    weight: Decimal = ZERO


def group_paths(indicator: Indicator) -> list[tuple[str, ...]]:
    """The places a slot's targets may name, relative to the slot: itself, each group and
    each group's parents ("产出指标/数量指标" allows 产出指标 and 产出指标/数量指标)."""
    paths: list[tuple[str, ...]] = [()]
    for group in indicator.slot.groups if indicator.slot else ():
        parts = tuple(group.split("/"))
        paths.extend(parts[:depth] for depth in range(1, len(parts) + 1) if parts[:depth] not in paths)
    return paths


def walk(node: BoundNode) -> list[BoundNode]:
    found = [node]
    for child in node.children:
        found.extend(walk(child))
    return found
