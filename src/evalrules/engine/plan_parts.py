"""The parts of a ruleset's plan (:mod:`evalrules.engine.plan`): its nodes and slot groups, one
project's run through it, and the signal that sends a project the explaining way."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from attrs import define, field, frozen

from ..hooks.strategies import Kernel
from ..model.project import Assessment, Budget, Target

Value = tuple[Decimal | None, Decimal]
"""A node's exact value (None: not applicable) and its weight."""
MAX_KEPT_SPLIT = 200
"""Equal splits are kept for slots of up to so many targets: projects with ever more targets in
a slot must not make the kept splits grow without end."""


class Refused(Exception):
    """The common road ends here: score this project the explaining way."""


@frozen
class Group:
    """A group of a slot (or the slot itself): its subgroups come before its targets."""

    path: tuple[str, ...]
    """The full path, as the targets' slot names it."""
    rounded: bool
    subgroups: tuple[int, ...]


@frozen
class PlanNode:
    path: tuple[str, ...]
    weight: Decimal
    rounded: bool
    """Whether its value is rounded (rounding stage indicator; or level, at the first level)."""
    children: tuple[PlanNode, ...] = ()
    kernel: Kernel | None = None
    groups: tuple[Group, ...] = ()
    """For a slot: its groups in the order the explaining scorer makes them, the slot first."""
    group_index: Mapping[tuple[str, ...], int] = {}
    """For a slot: the index in groups of each group's path."""
    empty_is_na: bool = False
    slot: int = -1
    """For a slot: its index among the plan's slots (the bucket its targets go to)."""
    splits: dict[int, tuple[Decimal, ...]] = field(factory=dict, eq=False)
    """For a slot: its weight split equally among so many targets, as met (up to MAX_KEPT_SPLIT)."""


@define
class Run:
    """One project on its way through the plan."""

    buckets: list[list[Target]]
    """Each slot's targets, in the project's order."""
    assessments: dict[tuple[str, ...], Assessment]
    budget: Budget
    split: bool
    """No target gives its weight: every slot's weight is split equally."""
    used_targets: int = 0
    used_assessments: int = 0
