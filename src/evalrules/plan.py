"""A ruleset prepared once for scoring many projects: its tree, slot table and kernels.

:class:`RulesetPlan` scores a project by arithmetic alone: it fills the slots with the project's
targets, splits or takes their weights, marks what is not applicable, runs each indicator's
kernel (:class:`evalrules.strategies.KernelStrategy`) and adds up with the N/A rescaling and the
rounding the ruleset declares, in the same order as the explaining scorer
(:mod:`evalrules.scoring`), which writes the reasons when a result is first asked for them.

It takes the common road only. Whatever the explaining scorer would check and refuse, and the
rarer settings (plan weights in the project, the "share" N/A policy, a target with a method of
its own), make ``run`` return None, and the project is scored the explaining way, which reports
any problem where it is. tests/test_plan.py checks the two agree on random projects.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import define, frozen

from .model import Indicator, Ruleset
from .numbers import ROUNDING_MODES, ZERO, split_equally
from .project import Assessment, Budget, Project, Target
from .strategies import Kernel, kernel_for

if TYPE_CHECKING:
    from .plugins import Registry

Numbers = tuple[Decimal, Decimal, tuple[tuple[str, Decimal | None], ...]]
"""(total, exact total, first-level scores as displayed)."""
Value = tuple[Decimal | None, Decimal]
"""A node's exact value (None: not applicable) and its weight."""


class _Refused(Exception):
    """The common road ends here: score this project the explaining way."""


@frozen
class _Group:
    """A group of a slot (or the slot itself): its subgroups come before its targets."""

    path: tuple[str, ...]
    """The full path, as the targets' slot names it."""
    rounded: bool
    subgroups: tuple[int, ...]
    within: frozenset[tuple[str, ...]]
    """Its own path and its subgroups' paths, all the way down: a group none of whose paths
    holds a target is not applicable with weight 0, which changes no sum, so it is skipped."""


@frozen
class _Node:
    path: tuple[str, ...]
    weight: Decimal
    rounded: bool
    """Whether its value is rounded (rounding stage indicator; or level, at the first level)."""
    children: tuple[_Node, ...] = ()
    kernel: Kernel | None = None
    groups: tuple[_Group, ...] = ()
    """For a slot: its groups in the order the explaining scorer makes them, the slot first."""
    empty_is_na: bool = False


@define
class _Run:
    """One project on its way through the plan."""

    slots: dict[tuple[str, ...], list[Target]]
    assessments: dict[tuple[str, ...], Assessment]
    budget: Budget
    used_targets: int = 0
    used_assessments: int = 0


class RulesetPlan:
    """The parts of a ruleset every project shares, ready to score projects without reasons."""

    def __init__(self, ruleset: Ruleset, registry: Registry) -> None:
        self.ruleset = ruleset
        self.registry = registry
        rounding = ruleset.rounding
        self.places = rounding.places
        self.quantum = Decimal(1).scaleb(-rounding.places)
        self.mode = ROUNDING_MODES[rounding.mode]
        self.round_leaves = rounding.stage == "indicator"
        self.na_missing_actual = ruleset.not_applicable.missing_actual == "not_applicable"
        self.usable = ruleset.not_applicable.policy == "rescale"
        self.target_kernels: dict[str, Kernel] = {}
        for operator in ("<=", ">=", "=", "定性"):
            method = ruleset.target_method(operator)
            if method is not None and method.strategy in registry.strategies:
                strategy = registry.strategies[method.strategy]
                self.target_kernels[operator] = kernel_for(strategy, method.prepared, (), rounding)
        self.slot_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        try:
            self.roots = tuple(
                self.node(indicator, (indicator.name,), registry) for indicator in ruleset.indicators
            )
        except _Refused:
            self.usable = False
            self.roots = ()
        if sum((root.weight for root in self.roots), ZERO) != ruleset.max:
            self.usable = False

    def node(self, indicator: Indicator, path: tuple[str, ...], registry: Registry) -> _Node:
        if indicator.children:
            children = tuple(self.node(child, (*path, child.name), registry) for child in indicator.children)
            if sum((child.weight for child in children), ZERO) != indicator.weight:
                raise _Refused  # every project would fail E-WEIGHT-SUM: the explaining scorer says so
            return _Node(path, indicator.weight, self.rounds(path), children)
        if indicator.slot is not None:
            groups = self.slot_groups(path, indicator.slot.groups)
            return _Node(
                path,
                indicator.weight,
                self.rounds(path),
                groups=groups,
                empty_is_na=indicator.slot.empty == "not_applicable",
            )
        method = indicator.method
        if method is None or method.strategy not in registry.strategies:
            raise _Refused
        kernel = kernel_for(
            registry.strategies[method.strategy], method.prepared, path, self.ruleset.rounding
        )
        return _Node(path, indicator.weight, self.round_leaves, kernel=kernel)

    def rounds(self, path: tuple[str, ...]) -> bool:
        """Whether a branch's value is rounded: every branch at the rounding stage "indicator",
        the first level at "level", none at "total"."""
        stage = self.ruleset.rounding.stage
        return stage == "indicator" or (stage == "level" and len(path) == 1)

    def slot_groups(self, slot: tuple[str, ...], declared: Sequence[str]) -> tuple[_Group, ...]:
        order: list[tuple[str, ...]] = [slot]
        subgroups: dict[tuple[str, ...], list[int]] = {slot: []}
        for group in declared:  # "产出指标/数量指标" makes 产出指标, then 数量指标 under it
            parts = (*slot, *group.split("/"))
            for depth in range(len(slot) + 1, len(parts) + 1):
                if parts[:depth] not in subgroups:
                    subgroups[parts[:depth]] = []
                    subgroups[parts[: depth - 1]].append(len(order))
                    order.append(parts[:depth])
        for path in order:
            self.slot_of[path] = slot
        return tuple(
            _Group(
                path,
                self.rounds(path),
                tuple(subgroups[path]),
                frozenset(p for p in order if p[: len(path)] == path),
            )
            for path in order
        )

    def run(self, project: Project) -> Numbers | None:
        """The numbers of a project, in the caller's decimal context (scoring uses
        numbers.CONTEXT), or None to score it the explaining way instead."""
        if not self.usable or project.weights:
            return None
        try:
            return self.numbers(project)
        except Exception:  # _Refused, or a kernel refusing its input: the explaining scorer says why
            return None

    def numbers(self, project: Project) -> Numbers:
        slots: dict[tuple[str, ...], list[Target]] = {}
        slot_of = self.slot_of
        for target in project.targets:
            slot = slot_of[target.slot]  # KeyError: not a slot of this ruleset
            bucket = slots.get(slot)
            if bucket is None:
                slots[slot] = [target]
            else:
                bucket.append(target)
        assessments: dict[tuple[str, ...], Assessment] = {}
        for assessment in project.assessments:
            assessments.setdefault(assessment.path, assessment)
        run = _Run(slots, assessments, project.budget)
        values = [self.value(root, run) for root in self.roots]
        if run.used_targets != len(project.targets) or run.used_assessments != len(project.assessments):
            raise _Refused  # a target or assessment the tree did not take: the scorer names it
        exact = self.combine(values, self.ruleset.max)[0]
        if exact is None:
            raise _Refused  # nothing applies (E-ALL-NA)
        quantum, mode = self.quantum, self.mode
        firsts = tuple(
            (root.path[0], None if value is None else value.quantize(quantum, rounding=mode))
            for root, (value, _) in zip(self.roots, values, strict=True)
        )
        return exact.quantize(quantum, rounding=mode), exact, firsts

    def value(self, node: _Node, run: _Run) -> Value:
        assessment = run.assessments.get(node.path)
        if assessment is not None:
            run.used_assessments += 1
            if assessment.not_applicable:
                return None, node.weight
            if node.kernel is None:
                raise _Refused  # only a leaf indicator is assessed
        if node.kernel is not None:
            score = node.kernel(None, assessment, run.budget, node.weight)
            if not isinstance(score, Decimal) or not ZERO <= score <= node.weight:  # NaN raises
                raise _Refused
            return (
                score.quantize(self.quantum, rounding=self.mode) if self.round_leaves else score
            ), node.weight
        if node.groups:
            return self.slot(node, run)
        value = self.combine([self.value(child, run) for child in node.children], node.weight)[0]
        if value is not None and node.rounded:
            value = value.quantize(self.quantum, rounding=self.mode)
        return value, node.weight

    def slot(self, node: _Node, run: _Run) -> Value:
        targets = run.slots.get(node.path)
        if not targets:
            if node.empty_is_na:
                return None, node.weight
            raise _Refused  # E-SLOT-EMPTY
        run.used_targets += len(targets)
        if all(target.weight is None for target in targets):
            shares = _split(node.weight, len(targets), self.places)
        else:
            if any(t.weight is None and not t.not_applicable for t in targets):
                raise _Refused  # E-TARGET-WEIGHT
            shares = tuple(ZERO if t.weight is None else t.weight for t in targets)
            if sum(shares, ZERO) != node.weight:
                raise _Refused  # E-WEIGHT-SUM
        if len({(target.slot, target.name) for target in targets}) != len(targets):
            raise _Refused  # E-TARGET-DUPLICATE
        kernels, budget, quantum, mode = self.target_kernels, run.budget, self.quantum, self.mode
        rounds, missing_is_na = self.round_leaves, self.na_missing_actual
        members: dict[tuple[str, ...], list[Value]] = {}
        for target, share in zip(targets, shares, strict=True):
            if target.method is not None:
                raise _Refused  # a method of its own: prepared by the explaining scorer
            value: Decimal | None = None
            if not target.not_applicable and not (
                missing_is_na
                and target.actual is None
                and target.operator != "定性"
                and not target.actual_text
            ):
                value = kernels[target.operator](target, None, budget, share)
                if not isinstance(value, Decimal) or not ZERO <= value <= share:  # NaN raises
                    raise _Refused
                if rounds:
                    value = value.quantize(quantum, rounding=mode)
            bucket = members.get(target.slot)
            if bucket is None:
                members[target.slot] = [(value, share)]
            else:
                bucket.append((value, share))
        return self.group(node.groups, node.groups[0], members, node.weight)

    def group(
        self,
        groups: tuple[_Group, ...],
        group: _Group,
        members: Mapping[tuple[str, ...], list[Value]],
        weight: Decimal | None = None,
    ) -> Value:
        own = members.get(group.path, ())
        if group.subgroups:
            children = [
                self.group(groups, groups[index], members)
                for index in group.subgroups
                if not groups[index].within.isdisjoint(members)
            ]
            own = [*children, *own]
        value, weight = self.combine(own, weight)
        if value is not None and group.rounded:
            value = value.quantize(self.quantum, rounding=self.mode)
        return value, weight

    @staticmethod
    def combine(children: Sequence[Value], weight: Decimal | None) -> Value:
        """As the explaining scorer's combine: the applicable values added up, rescaled to the
        node's weight (the children's, when None) if some are not applicable; (None, weight)
        when none is."""
        raw = applicable = total = ZERO
        skipped = scored = False
        for value, child_weight in children:
            total += child_weight
            if value is None:
                skipped = True
            else:
                scored = True
                raw += value
                applicable += child_weight
        if weight is None:
            weight = total
        if not scored:
            return None, weight  # every child not applicable: neither is this node
        if not skipped or applicable == weight:
            return raw, weight
        return (raw * weight / applicable if applicable else ZERO), weight


@functools.lru_cache(maxsize=1024)
def _split(total: Decimal, parts: int, places: int) -> tuple[Decimal, ...]:
    return tuple(split_equally(total, parts, places))
