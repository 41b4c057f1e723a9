"""A project bound to a ruleset's tree: each node with its method, target or assessment, the reason
it does not apply, and its weight, as the binder (:mod:`evalrules.engine.binding`) makes it."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal

from attrs import define, field, frozen

from ..base.numbers import ZERO
from ..model.project import Assessment, Target
from ..model.result import NodeKind
from ..model.ruleset import Indicator, MethodRef, Ruleset


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


@frozen
class Shape:
    """What binding asks of a ruleset's tree for every project, worked out once per ruleset."""

    groups: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]]
    """Each slot's path and the places its targets may name, relative to it (group_paths)."""
    slot_paths: frozenset[tuple[str, ...]]
    """Every place a project's target may be put: a slot, or a group under it."""


MAX_SHAPES = 32
_SHAPES: dict[int, tuple[Ruleset, Shape]] = {}
_SHAPES_LOCK = threading.Lock()


def shape_of(ruleset: Ruleset) -> Shape:
    """The ruleset's shape, kept for the last few rulesets (each held, so its id stays its own)."""
    kept = _SHAPES.get(id(ruleset))
    if kept is not None and kept[0] is ruleset:
        return kept[1]
    groups = {path: tuple(group_paths(indicator)) for path, indicator in ruleset.walk() if indicator.slot}
    shape = Shape(groups, frozenset((*path, *group) for path, own in groups.items() for group in own))
    with _SHAPES_LOCK:  # threads may score at once: one of them trims the cache at a time
        _SHAPES[id(ruleset)] = ruleset, shape
        while len(_SHAPES) > MAX_SHAPES:
            _SHAPES.pop(next(iter(_SHAPES)), None)
    return shape
