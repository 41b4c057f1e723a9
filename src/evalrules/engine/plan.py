"""A ruleset prepared once for scoring many projects: its tree, slot table and kernels.

:class:`RulesetPlan` scores a project by arithmetic alone: it fills the slots with the project's
targets, splits or takes their weights, marks what is not applicable, runs each indicator's
kernel (:class:`evalrules.hooks.strategies.KernelStrategy`) and adds up with the N/A rescaling and the
rounding the ruleset declares, in the same order as the explaining scorer
(:mod:`evalrules.engine.scoring`), which writes the reasons when a result is first asked for them.

It takes the common road only. Whatever the explaining scorer would check and refuse, and the
rarer settings (plan weights in the project, the "share" N/A policy, a target with a method of
its own, a value marked as not known), make ``run`` return None, and the project is scored the
explaining way, which reports any problem where it is. tests/test_plan.py checks the two agree
on random projects.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from ..base.numbers import PRECISION, ROUNDING_MODES, ZERO, exact_sum, split_equally
from ..hooks.strategies import Kernel, kernel_for
from ..model.project import Assessment, Budget, Project, Target
from ..model.ruleset import Indicator, Ruleset
from .plan_parts import MAX_KEPT_SPLIT, Group, PlanNode, Refused, Run, Value

if TYPE_CHECKING:
    from ..hooks.registry import Registry

Numbers = tuple[Decimal, Decimal, tuple[tuple[str, Decimal | None], ...]]
"""(total, exact total, first-level scores as displayed)."""


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
        self.exact_sums = self.round_leaves and ruleset.max.adjusted() + rounding.places + 3 < PRECISION
        """Every score is rounded to the same places and no sum reaches the precision: adding
        scores is exact, so a slot's groups need not be added one by one (see rescaled)."""
        self.target_kernels: dict[str, Kernel] = {}
        for symbol in ("<=", ">=", "=", "定性"):
            method = ruleset.target_method(symbol)
            if method is not None and method.strategy in registry.strategies:
                strategy = registry.strategies[method.strategy]
                self.target_kernels[symbol] = kernel_for(strategy, method.prepared, (), rounding)
        self.slot_of: dict[tuple[str, ...], int] = {}
        """Each group path a target may name, and the index of its slot."""
        self.slot_count = 0
        try:
            self.roots = tuple(
                self.node(indicator, (indicator.name,), registry) for indicator in ruleset.indicators
            )
        except Refused:
            self.usable = False
            self.roots = ()
        if sum((root.weight for root in self.roots), ZERO) != ruleset.max:
            self.usable = False
        self.names = tuple(root.path[0] for root in self.roots)

    def node(self, indicator: Indicator, path: tuple[str, ...], registry: Registry) -> PlanNode:
        if indicator.children:
            children = tuple(self.node(child, (*path, child.name), registry) for child in indicator.children)
            if sum((child.weight for child in children), ZERO) != indicator.weight:
                raise Refused  # every project would fail E-WEIGHT-SUM: the explaining scorer says so
            return PlanNode(path, indicator.weight, self.rounds(path), children)
        if indicator.slot is not None:
            groups = self.slot_groups(path, indicator.slot.groups)
            self.slot_count += 1
            return PlanNode(
                path,
                indicator.weight,
                self.rounds(path),
                groups=groups,
                group_index={group.path: index for index, group in enumerate(groups)},
                empty_is_na=indicator.slot.empty == "not_applicable",
                slot=self.slot_count - 1,
            )
        method = indicator.method
        if method is None or method.strategy not in registry.strategies:
            raise Refused
        kernel = kernel_for(
            registry.strategies[method.strategy], method.prepared, path, self.ruleset.rounding
        )
        return PlanNode(path, indicator.weight, self.round_leaves, kernel=kernel)

    def rounds(self, path: tuple[str, ...]) -> bool:
        """Whether a branch's value is rounded: every branch at the rounding stage "indicator",
        the first level at "level", none at "total"."""
        stage = self.ruleset.rounding.stage
        return stage == "indicator" or (stage == "level" and len(path) == 1)

    def slot_groups(self, slot: tuple[str, ...], declared: Sequence[str]) -> tuple[Group, ...]:
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
            self.slot_of[path] = self.slot_count
        return tuple(
            Group(
                path,
                self.rounds(path),
                tuple(subgroups[path]),
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
        except (Exception, SystemExit):  # Refused, or a kernel refusing its input: the scorer says why
            return None

    def numbers(self, project: Project) -> Numbers:
        targets = project.targets
        buckets: list[list[Target]] = [[] for _ in range(self.slot_count)]
        slot_of = self.slot_of
        split = True  # no target gives its weight
        for target in targets:
            buckets[slot_of[target.slot]].append(target)  # KeyError: not a slot of this ruleset
            if target.method is not None or target.unknown or target.inputs or target.panel:
                raise Refused  # a method of its own, or a value not known: the explaining scorer
            if target.weight is not None:
                split = False
        count = len(targets)
        if len(set(map(_NAME, targets))) != count and len(set(map(_SLOT_AND_NAME, targets))) != count:
            raise Refused  # E-TARGET-DUPLICATE
        assessments: dict[tuple[str, ...], Assessment] = {}
        for assessment in project.assessments:
            assessments.setdefault(assessment.path, assessment)
        run = Run(buckets, assessments, project.budget, split)
        values = [self.value(root, run) for root in self.roots]
        if run.used_targets != count or run.used_assessments != len(project.assessments):
            raise Refused  # a target or assessment the tree did not take: the scorer names it
        quantum, mode = self.quantum, self.mode
        scores = [value for value, _ in values]
        if self.exact_sums and all(map(operator.is_not, scores, _NONE)):  # all rounded, all apply
            whole = sum(cast(list[Decimal], scores), ZERO)
            return whole.quantize(quantum, mode), whole, tuple(zip(self.names, scores))
        exact = self.combine(values, self.ruleset.max)[0]
        if exact is None:
            raise Refused  # nothing applies (E-ALL-NA)
        firsts = tuple(
            (name, None if value is None else value.quantize(quantum, mode))
            for name, value in zip(self.names, scores, strict=True)
        )
        return exact.quantize(quantum, mode), exact, firsts

    def value(self, node: PlanNode, run: Run) -> Value:
        assessment = run.assessments.get(node.path) if run.assessments else None
        if assessment is not None:
            run.used_assessments += 1
            if assessment.not_applicable:
                return None, node.weight
            if node.kernel is None or assessment.unknown or assessment.panel:
                raise Refused  # only a leaf indicator is assessed, with values known
        if node.kernel is not None:
            score = node.kernel(None, assessment, run.budget, node.weight)
            if not isinstance(score, Decimal) or not ZERO <= score <= node.weight:  # NaN raises
                raise Refused
            return (score.quantize(self.quantum, self.mode) if self.round_leaves else score), node.weight
        if node.groups:
            return self.slot(node, run)
        value = self.combine([self.value(child, run) for child in node.children], node.weight)[0]
        if value is not None and node.rounded:
            value = value.quantize(self.quantum, self.mode)
        return value, node.weight

    def slot(self, node: PlanNode, run: Run) -> Value:
        targets = run.buckets[node.slot]
        if not targets:
            if node.empty_is_na:
                return None, node.weight
            raise Refused  # E-SLOT-EMPTY
        count = len(targets)
        run.used_targets += count
        if run.split or all(map(operator.is_, map(_WEIGHT, targets), _NONE)):
            shares: Sequence[Decimal] | None = node.splits.get(count)
            if shares is None:
                shares = tuple(split_equally(node.weight, count, self.places))
                if count <= MAX_KEPT_SPLIT:
                    node.splits[count] = shares
            exact, split = self.exact_sums, True
        else:
            split = False
            shares = []
            for target in targets:
                weight = target.weight
                if weight is None:
                    if not target.not_applicable:
                        raise Refused  # E-TARGET-WEIGHT
                    weight = ZERO
                shares.append(weight)
            given = exact_sum(shares)
            if (sum(shares, ZERO) if given is None else given) != node.weight:
                raise Refused  # E-WEIGHT-SUM
            exact = given is not None and self.exact_sums and min(shares) >= ZERO
        values, total = self.scores(targets, shares, run.budget, split)
        if not exact:
            return self.added(node, targets, shares, values), node.weight
        if total is not None:
            return total, node.weight
        return self.rescaled(node, targets, shares, values), node.weight

    def scores(
        self, targets: list[Target], shares: Sequence[Decimal], budget: Budget, rounded: bool
    ) -> tuple[list[Decimal | None], Decimal | None]:
        """Each target's score (None: not applicable), rounded if leaves are, and their sum
        (None when one does not apply). rounded: the shares are rounded already (split equally)."""
        kernels, quantum, mode = self.target_kernels, self.quantum, self.mode
        rounds, missing_is_na = self.round_leaves, self.na_missing_actual
        values: list[Decimal | None] = []
        total: Decimal | None = ZERO
        for target, share in zip(targets, shares):
            if target.not_applicable or (
                missing_is_na
                and target.actual is None
                and target.operator != "定性"
                and not target.actual_text
            ):
                values.append(None)
                total = None
                continue
            value = kernels[target.operator](target, None, budget, share)
            if not isinstance(value, Decimal) or not ZERO <= value <= share:  # NaN raises
                raise Refused
            if rounds and (value is not share or not rounded):  # full marks: the share, rounded if split
                value = value.quantize(quantum, mode)
            values.append(value)
            if total is not None:
                total += value
        return values, total

    def rescaled(
        self, node: PlanNode, targets: list[Target], shares: Sequence[Decimal], values: list[Decimal | None]
    ) -> Decimal | None:
        """A slot's value when some target does not apply and every sum is exact (exact_sums, and
        shares of few places): each group's applicable scores and weights are added in any
        order, and the groups combined and rounded from the innermost to the slot, rescaled to
        their weight where something does not apply, as the explaining scorer's combine does."""
        groups = node.groups
        count = len(groups)
        raw, total, skipped_weight = [ZERO] * count, [ZERO] * count, [ZERO] * count
        members, skipped = [0] * count, [0] * count  # what a group holds, and what of it does not apply
        index_of = node.group_index
        for target, share, value in zip(targets, shares, values):
            index = index_of[target.slot]
            members[index] += 1
            total[index] += share
            if value is None:
                skipped[index] += 1
                skipped_weight[index] += share
            else:
                raw[index] += value
        sums: list[Decimal | None] = [None] * count
        for index in range(count - 1, -1, -1):
            for sub in groups[index].subgroups:
                if members[sub]:  # a group with no target within weighs 0 and changes no sum
                    members[index] += 1
                    total[index] += total[sub]
                    value = sums[sub]
                    if value is None:
                        skipped[index] += 1
                        skipped_weight[index] += total[sub]
                    else:
                        raw[index] += value
            if members[index] == skipped[index]:
                continue  # nothing within applies (or nothing is within): neither does the group
            value = raw[index]
            if skipped[index]:
                weight = node.weight if index == 0 else total[index]
                applicable = total[index] - skipped_weight[index]
                if not applicable and weight:
                    continue  # what applies weighs 0 beside what does not: not applicable, never 0
                if applicable != weight:
                    value = value * weight / applicable
            sums[index] = value.quantize(self.quantum, self.mode) if groups[index].rounded else value
        return sums[0]

    def added(
        self, node: PlanNode, targets: list[Target], shares: Sequence[Decimal], values: list[Decimal | None]
    ) -> Decimal | None:
        """A slot's value, every sum made in the explaining scorer's order: each group combined
        from its subgroups (those with a target within), then its targets in their order, from
        the innermost group to the slot."""
        groups, index_of = node.groups, node.group_index
        count = len(groups)
        own: list[list[Value]] = [[] for _ in groups]
        for target, share, value in zip(targets, shares, values):
            own[index_of[target.slot]].append((value, share))
        combined: list[Value | None] = [None] * count
        quantum, mode = self.quantum, self.mode
        for index in range(count - 1, -1, -1):
            group = groups[index]
            parts = [part for part in map(combined.__getitem__, group.subgroups) if part is not None]
            parts += own[index]
            if not parts:  # no target within: not applicable with weight 0, which changes no sum
                continue
            value, weight = self.combine(parts, node.weight if index == 0 else None)
            if value is not None and group.rounded:
                value = value.quantize(quantum, mode)
            combined[index] = value, weight
        return combined[0][0]  # type: ignore[index]  # the slot holds its targets

    @staticmethod
    def combine(children: Sequence[Value], weight: Decimal | None) -> Value:
        """As the explaining scorer's combine: the applicable values added up, rescaled to the
        node's weight (the children's, when None) if some are not applicable; (None, weight)
        when none is, or when those that are weigh 0 and the node does not."""
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
        if not applicable:
            return None, weight  # what applies weighs 0 beside what does not: not applicable, never 0
        return raw * weight / applicable, weight


_WEIGHT = operator.attrgetter("weight")
_NAME = operator.attrgetter("name")
_NONE = itertools.repeat(None)
_SLOT_AND_NAME = operator.attrgetter("slot", "name")
