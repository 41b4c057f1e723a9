"""A ruleset bound to one shape of project, flattened so that scoring many projects is arithmetic.

Binding a project to a ruleset (which slot each target fills, the weights split equally or
shared, which indicators are not applicable, which method scores each leaf) depends only on the
project's *shape*: its targets' places, names, operators, weights and N/A marks, its assessments'
paths and its plan weights, never on the values measured. So the bound tree is built once per
shape (by the same scorer that explains results) and kept as a :class:`Plan`: a list of leaf
kernels and a list of sums, each with its weights and rescaling settled in advance.

Scoring a project with a plan computes exactly what the explaining scorer computes, in the same
order and the same decimal context, without writing a reason; tests/test_plan.py checks that
the two agree on random projects. Anything unusual (a value a kernel refuses, a score outside its
weight) makes ``Plan.run`` return None, and the project is scored the explaining way, which
reports the problem where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import frozen

from .model import MethodRef, Ruleset
from .numbers import ROUNDING_MODES, ZERO
from .project import Project
from .strategies import Kernel, kernel_for

if TYPE_CHECKING:
    from .plugins import Registry
    from .scoring import _Node

Shape = tuple[object, ...]


def shape_of(project: Project) -> Shape:
    """Everything binding reads from a project, as a hashable key (values measured excluded)."""
    return (
        tuple(
            [
                (
                    t.slot,
                    t.name,
                    t.operator,
                    None if t.weight is None else str(t.weight),  # 10 and 10.000 split differently
                    t.not_applicable,
                    t.actual is None,
                    not t.actual_text,
                    None if t.method is None else (t.method.strategy, repr(t.method.params)),
                )
                for t in project.targets
            ]
        ),
        tuple([(a.path, a.not_applicable) for a in project.assessments]),
        tuple([(path, str(weight)) for path, weight in project.weights.items()]),
    )


@frozen
class Leaf:
    kernel: Kernel
    target: int
    """Index into project.targets, or -1."""
    assessment: int
    """Index into project.assessments, or -1."""
    weight: Decimal


@frozen
class Branch:
    children: tuple[int, ...]
    """Indexes of the applicable children's values."""
    weight: Decimal
    applicable: Decimal
    """The applicable children's weight: the sum is rescaled from it to weight when rescale."""
    rescale: bool
    rounded: bool


@frozen
class Plan:
    """Leaves first, then branches in post-order; each appends one value."""

    leaves: tuple[Leaf, ...]
    branches: tuple[Branch, ...]
    root: Branch
    firsts: tuple[tuple[str, int | None], ...]
    """First-level indicator names with the index of their value (None: not applicable)."""
    round_leaves: bool
    quantum: Decimal
    rounding: str

    def run(self, project: Project) -> tuple[Decimal, Decimal, tuple[tuple[str, Decimal | None], ...]] | None:
        """(total, exact total, first-level scores) under the decimal context of
        :data:`evalrules.numbers.CONTEXT` (the caller's), or None to score the explaining way."""
        targets, assessments, budget = project.targets, project.assessments, project.budget
        quantum, mode = self.quantum, self.rounding
        values: list[Decimal] = []
        append = values.append
        try:
            for leaf in self.leaves:
                score = leaf.kernel(
                    targets[leaf.target] if leaf.target >= 0 else None,
                    assessments[leaf.assessment] if leaf.assessment >= 0 else None,
                    budget,
                )
                if not isinstance(score, Decimal) or not ZERO <= score <= leaf.weight:  # NaN raises
                    return None
                append(score.quantize(quantum, rounding=mode) if self.round_leaves else score)
            for branch in self.branches:
                append(_combine(branch, values, quantum, mode))
            exact = _combine(self.root, values, quantum, mode)
        except Exception:  # a kernel refused its input: the explaining scorer says why
            return None
        firsts = tuple(
            (name, None if index is None else values[index].quantize(quantum, rounding=mode))
            for name, index in self.firsts
        )
        return exact.quantize(quantum, rounding=mode), exact, firsts


def _combine(branch: Branch, values: list[Decimal], quantum: Decimal, mode: str) -> Decimal:
    raw = sum([values[index] for index in branch.children], ZERO)
    if branch.rescale:
        raw = raw * branch.weight / branch.applicable if branch.applicable else ZERO
    return raw.quantize(quantum, rounding=mode) if branch.rounded else raw


def build_plan(root: _Node, project: Project, ruleset: Ruleset, registry: Registry) -> Plan | None:
    """The plan of a bound tree (weights assigned), or None when a leaf has no method."""
    rounding = ruleset.rounding
    share = ruleset.not_applicable.policy == "share"
    targets = {id(target): index for index, target in enumerate(project.targets)}
    assessments = {id(assessment): index for index, assessment in enumerate(project.assessments)}
    leaves: list[Leaf] = []
    pending: list[tuple[_Node, list[int]]] = []

    def visit(node: _Node) -> int | None:
        """The index node's value will have (branches are numbered after all leaves)."""
        if node.na_reason is not None:
            return None
        if not node.children:
            method = node.method
            if not isinstance(method, MethodRef):
                raise _NoPlan
            strategy = registry.strategies[method.strategy]
            kernel = kernel_for(strategy, method.prepared, node.path, node.weight, rounding)
            leaves.append(
                Leaf(
                    kernel,
                    targets[id(node.target)] if node.target is not None else -1,
                    assessments[id(node.assessment)] if node.assessment is not None else -1,
                    node.weight,
                )
            )
            return -len(leaves)  # leaves: -1, -2, … until the count of leaves is known
        children = [index for child in node.children if (index := visit(child)) is not None]
        pending.append((node, children))
        return len(pending) - 1 + _BRANCH

    try:
        firsts = [(node.path[-1], visit(node)) for node in root.children]
    except (_NoPlan, KeyError):
        return None

    def where(index: int | None) -> int | None:
        if index is None:
            return None
        return -index - 1 if index < 0 else len(leaves) + index - _BRANCH

    def branch(node: _Node, children: Sequence[int], level_rounded: bool) -> Branch:
        applicable = sum(
            (child.weight for child in node.children if child.na_reason is None),
            ZERO,
        )
        skipped = len(children) != len(node.children)
        return Branch(
            tuple(where(index) for index in children),  # type: ignore[misc]
            node.weight,
            applicable,
            skipped and not share and applicable != node.weight,
            level_rounded,
        )

    stage = rounding.stage
    branches = tuple(
        branch(node, children, stage == "indicator" or (stage == "level" and len(node.path) == 1))
        for node, children in pending
    )
    root_children = [index for _, index in firsts if index is not None]
    return Plan(
        tuple(leaves),
        branches,
        branch(root, root_children, False),
        tuple((name, where(index)) for name, index in firsts),
        stage == "indicator",
        Decimal(1).scaleb(-rounding.places),
        ROUNDING_MODES[rounding.mode],
    )


_BRANCH = 1 << 30
"""Branch indexes are counted from here while the tree is walked, then moved after the leaves."""


class _NoPlan(Exception):
    pass
