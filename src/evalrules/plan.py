"""A ruleset bound to one shape of project, flattened so that scoring many projects is arithmetic.

Binding a project to a ruleset (which slot each target fills, the weights split equally or
shared, which indicators are not applicable, which method scores each leaf) depends only on the
project's *shape* (:attr:`evalrules.project.Project.shape`): its targets' places, names,
operators, weights and N/A marks, its assessments' paths and its plan weights, never on the
values measured. So the bound tree is built once per
shape (by the same scorer that explains results) and kept as a :class:`Plan`: a list of leaf
kernels and a list of sums, each with its weights and rescaling settled in advance.

Scoring a project with a plan computes exactly what the explaining scorer computes, in the same
order and the same decimal context, without writing a reason; tests/test_plan.py checks that
the two agree on random projects. Anything unusual (a value a kernel refuses, a score outside its
weight) makes ``Plan.run`` return None, and the project is scored the explaining way, which
reports the problem where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from .model import MethodRef, Ruleset
from .numbers import ROUNDING_MODES, ZERO
from .project import Assessment, Budget, Project, Target
from .strategies import Kernel, kernel_for

if TYPE_CHECKING:
    from .plugins import Registry
    from .scoring import _Node

Shape = tuple[object, ...]
"""A project's shape (:attr:`evalrules.project.Project.shape`)."""


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


Numbers = tuple[Decimal, Decimal, tuple[tuple[str, Decimal | None], ...]]
"""(total, exact total, first-level scores as displayed)."""


@frozen
class Plan:
    """Leaves first, then branches in post-order, each giving one value; compiled to one function."""

    leaves: tuple[Leaf, ...]
    branches: tuple[Branch, ...]
    root: Branch
    firsts: tuple[tuple[str, int | None], ...]
    """First-level indicator names with the index of their value (None: not applicable)."""
    round_leaves: bool
    quantum: Decimal
    rounding: str
    _function: Callable[[Sequence[Target], Sequence[Assessment], Budget], Numbers | None] = field(
        init=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_function", _compile(self))

    def run(self, project: Project) -> Numbers | None:
        """The numbers of a project of this plan's shape, computed in the caller's decimal context
        (scoring uses numbers.CONTEXT); None to score it the explaining way instead."""
        try:
            return self._function(project.targets, project.assessments, project.budget)
        except Exception:  # a kernel refused its input: the explaining scorer says why
            return None


def _compile(plan: Plan) -> Callable[[Sequence[Target], Sequence[Assessment], Budget], Numbers | None]:
    """The plan as straight-line Python: one line per leaf and per branch, every kernel, weight and
    rounding setting bound in the namespace (nothing from a project or a ruleset becomes code)."""
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "Decimal": Decimal,
        "isinstance": isinstance,
        "ZERO": ZERO,
        "QUANTUM": plan.quantum,
        "MODE": plan.rounding,
    }
    lines = ["def run(targets, assessments, budget):"]
    for index, leaf in enumerate(plan.leaves):
        namespace[f"k{index}"], namespace[f"w{index}"] = leaf.kernel, leaf.weight
        target = f"targets[{leaf.target}]" if leaf.target >= 0 else "None"
        assessment = f"assessments[{leaf.assessment}]" if leaf.assessment >= 0 else "None"
        lines += [
            f"    v{index} = k{index}({target}, {assessment}, budget)",
            f"    if not isinstance(v{index}, Decimal) or not ZERO <= v{index} <= w{index}: return None",
        ]
        if plan.round_leaves:
            lines.append(f"    v{index} = v{index}.quantize(QUANTUM, rounding=MODE)")
    count = len(plan.leaves)
    for index, branch in enumerate((*plan.branches, plan.root), count):
        lines.append(f"    v{index} = {_sum(branch, index, namespace)}")
        if branch.rounded:
            lines.append(f"    v{index} = v{index}.quantize(QUANTUM, rounding=MODE)")
    total = count + len(plan.branches)
    for index, (name, _) in enumerate(plan.firsts):
        namespace[f"name{index}"] = name
    firsts = ", ".join(
        f"(name{index}, {'None' if at is None else f'v{at}.quantize(QUANTUM, rounding=MODE)'})"
        for index, (_, at) in enumerate(plan.firsts)
    )
    lines.append(f"    return v{total}.quantize(QUANTUM, rounding=MODE), v{total}, ({firsts},)")
    exec(compile("\n".join(lines), "<plan>", "exec"), namespace)  # our own text: see the docstring
    function: Callable[[Sequence[Target], Sequence[Assessment], Budget], Numbers | None] = namespace["run"]
    return function


def _sum(branch: Branch, index: int, namespace: dict[str, Any]) -> str:
    """What the explaining scorer's combine computes: ZERO + children, rescaled if N/A is skipped."""
    raw = " + ".join(["ZERO", *(f"v{child}" for child in branch.children)])
    if not branch.rescale:
        return raw
    if not branch.applicable:
        return "ZERO"
    namespace[f"weight{index}"], namespace[f"applicable{index}"] = branch.weight, branch.applicable
    return f"({raw}) * weight{index} / applicable{index}"


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
