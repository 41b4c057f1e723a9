"""Built-in review (复核) checks of claimed subtotals: children that do not add up to their claimed
parent (or the claimed total), and claimed parents their claimed children cannot reach."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.numbers import CONTEXT, ZERO, fmt, rounded_for_text
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..model.result import NodeResult
from ..model.ruleset import Indicator
from .claimed import (
    differs,
    key_of,
)


@frozen
class _Branch:
    """A node of the tree as the sums see it: weight, whether it applies, its children."""

    path: tuple[str, ...]
    weight: Decimal
    applicable: bool
    children: tuple[_Branch, ...] = ()


def _tree(context: AuditContext) -> _Branch:
    """The scored tree; without a result, the ruleset's framework (slots as leaves)."""
    if context.result is not None:

        def from_node(node: NodeResult) -> _Branch:
            children = tuple(from_node(child) for child in node.children)
            return _Branch(node.path, node.weight, node.status == "scored", children)

        return _Branch((), context.result.max, True, tuple(from_node(n) for n in context.result.nodes))
    na = {a.path for a in context.project.assessments if a.not_applicable}

    def from_ruleset(path: tuple[str, ...], indicator: Indicator) -> _Branch:
        weight = context.project.weights.get(path, indicator.weight)
        branches = () if path in na else tuple(from_ruleset((*path, c.name), c) for c in indicator.children)
        return _Branch(path, weight, path not in na, branches)

    roots = tuple(from_ruleset((i.name,), i) for i in context.ruleset.indicators)
    return _Branch((), context.ruleset.max, True, roots)


def _walk(branch: _Branch) -> Iterator[_Branch]:
    yield branch
    for child in branch.children:
        yield from _walk(child)


def _claimed(context: AuditContext, branch: _Branch) -> Decimal | None:
    if not branch.path:
        return context.project.claims.total
    return context.project.claims.scores.get(key_of(branch.path))


def _factor(context: AuditContext, branch: _Branch) -> Decimal:
    """What the applicable children's sum is multiplied by (rescaled when some do not apply)."""
    applicable = sum((c.weight for c in branch.children if c.applicable), ZERO)
    rescaled = context.ruleset.not_applicable.policy == "rescale"
    if not rescaled or all(c.applicable for c in branch.children) or applicable == branch.weight:
        return Decimal(1)
    return CONTEXT.divide(branch.weight, applicable) if applicable else ZERO


def _total_adjusted(context: AuditContext) -> bool:
    """A plugin changed the total (a veto): the first level need not add up to it."""
    result = context.result
    return result is not None and any(r.total_after != r.total_before for r in result.adjustments)


def _parents(context: AuditContext) -> Iterator[tuple[_Branch, Decimal, Place]]:
    """Every claimed parent (the claimed total for the first level) with its place."""
    for branch in _walk(_tree(context)):
        claimed = _claimed(context, branch)
        if claimed is None or not branch.children or not branch.applicable:
            continue
        if not branch.path and _total_adjusted(context):
            continue
        key = key_of(branch.path) if branch.path else "total"
        place = context.project.claims.places.get(key) or Place(context.project.file, "[claims]")
        yield branch, claimed, place


def _name(branch: _Branch) -> str:
    return key_of(branch.path) if branch.path else "总分"


# --- the checks ---------------------------------------------------------------------------------


def at_places(context: AuditContext, value: Decimal) -> Decimal:
    """A computed subtotal at the ruleset's places, as its scores are (93.33, not 93.3333)."""
    rounding = context.ruleset.rounding
    return rounded_for_text(value, rounding.places, rounding.mode)


def shown(context: AuditContext, value: Decimal) -> str:
    return fmt(at_places(context, value))


@frozen
class SubtotalSum:
    code: str = "A-SUBTOTAL-SUM"
    severity: Severity = "error"
    title: str = "申报的下级得分合计不等于上级得分"
    doc: str = (
        "一个申报了得分的上级指标（第一级为申报总分），其适用的下级指标都申报了得分，"
        "下级得分之和却与它相差超过容差。有不适用的下级指标、规则集按适用分值折算时，按折算后的和比较。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for branch, claimed, place in _parents(context):
            applicable = [c for c in branch.children if c.applicable]
            values = [_claimed(context, c) for c in applicable]
            if not applicable or any(v is None for v in values):
                continue
            parts = [v for v in values if v is not None]
            factor = _factor(context, branch)
            total = CONTEXT.multiply(sum(parts, ZERO), factor)
            if not differs(claimed, total, context.ruleset.tolerance):
                continue
            terms = " + ".join(f"{c.path[-1]} {fmt(v)}" for c, v in zip(applicable, parts, strict=True))
            scaled = f"，按适用分值折算为 {shown(context, total)} 分" if factor != 1 else ""
            yield Finding(
                self.code,
                self.severity,
                f"“{_name(branch)}” 申报 {fmt(claimed)} 分，其下级指标申报的得分 {terms} = "
                f"{fmt(sum(parts, ZERO))} 分{scaled}，相差超过容差 {fmt(context.ruleset.tolerance)}",
                branch.path,
                claimed,
                at_places(context, total),
                place,
            )


@frozen
class TotalUnreachable:
    code: str = "A-TOTAL-UNREACHABLE"
    severity: Severity = "error"
    title: str = "申报的上级得分无法由下级得分达到"
    doc: str = (
        "一个申报了得分的上级指标（或申报总分），其下只有部分指标申报了得分：它不能高于已申报的得分"
        "加上未申报指标的满分，也不能低于已申报得分之和。超出这一范围，说明上级得分或某个下级得分写错了。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for branch, claimed, place in _parents(context):
            applicable = [c for c in branch.children if c.applicable]
            if all(_claimed(context, c) is not None for c in applicable):
                continue  # all claimed: A-SUBTOTAL-SUM
            if not any(_claimed(context, d) is not None for c in applicable for d in _walk(c)):
                continue
            factor = _factor(context, branch)
            bounds = [self._bounds(context, c) for c in applicable]
            low = CONTEXT.multiply(sum((b[0] for b in bounds), ZERO), factor)
            high = CONTEXT.multiply(sum((b[1] for b in bounds), ZERO), factor)
            tolerance = context.ruleset.tolerance
            if claimed > high + tolerance:
                why, limit = (
                    f"最多只能合计 {shown(context, high)} 分（已申报的得分加上未申报指标的满分）",
                    high,
                )
            elif claimed < low - tolerance:
                why, limit = f"已申报的下级得分合计已有 {shown(context, low)} 分", low
            else:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{_name(branch)}” 申报 {fmt(claimed)} 分，无法由其下级指标的申报得分达到：{why}",
                branch.path,
                claimed,
                at_places(context, limit),
                place,
            )

    def _bounds(self, context: AuditContext, branch: _Branch) -> tuple[Decimal, Decimal]:
        claimed = _claimed(context, branch)
        if claimed is not None:
            return claimed, claimed
        if not branch.applicable:
            return ZERO, ZERO
        if not branch.children:
            return ZERO, branch.weight
        bounds = [self._bounds(context, c) for c in branch.children if c.applicable]
        factor = _factor(context, branch)
        return (
            CONTEXT.multiply(sum((b[0] for b in bounds), ZERO), factor),
            CONTEXT.multiply(sum((b[1] for b in bounds), ZERO), factor),
        )


SUBTOTAL_CHECKS: tuple[AuditCheck, ...] = (SubtotalSum(), TotalUnreachable())
"""The checks of claimed subtotals against their claimed parts."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(SUBTOTAL_CHECKS)
