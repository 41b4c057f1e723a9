"""Helpers the built-in review checks share: claimed scores by path, where they stand, and what
the recomputed result says about the same node."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..base.numbers import fmt, round_to
from ..base.sources import Place
from ..hooks.findings import AuditContext
from ..hooks.strategies import PrepareContext
from ..model.project import Assessment, Target
from ..model.result import NodeResult
from ..model.ruleset import MethodRef
from .targets import Band


def key_of(path: tuple[str, ...]) -> str:
    """A path as claims write it ("产出/产出数量")."""
    return "/".join(path)


def target_path(target: Target) -> tuple[str, ...]:
    return (*target.slot, target.name)


def nodes_by_key(context: AuditContext) -> dict[str, NodeResult]:
    return {key_of(node.path): node for node in context.result.walk()} if context.result else {}


def claim_place(context: AuditContext, key: str) -> Place:
    return context.project.claims.places.get(key) or Place(context.project.file, f"[claims.scores] “{key}”")


def target_claim(context: AuditContext, target: Target) -> tuple[Decimal, Place] | None:
    """The score the submission gives a target: its claimed score, else the row's own score."""
    key = key_of(target_path(target))
    if key in context.project.claims.scores:
        return context.project.claims.scores[key], claim_place(context, key)
    if target.score is not None:
        return target.score, target.place
    return None


def target_weight(target: Target, nodes: Mapping[str, NodeResult]) -> Decimal | None:
    node = nodes.get(key_of(target_path(target)))
    return node.weight if node is not None else target.weight


def target_met(target: Target) -> bool | None:
    """Whether a numeric target is met by its operator as the core scores it (None: unknown)."""
    if target.not_applicable or target.value is None or target.actual is None:
        return None
    value, actual = target.value, target.actual
    if target.operator == ">=":
        return actual >= value
    if target.operator == "<=":
        return actual <= value
    if target.operator == "=":
        if value > 0:
            return actual >= value
        return actual <= 0 if value == 0 else actual == value
    return None


def lost_points(node: NodeResult) -> str:
    """Why a node scores what it does: its reasons and, for a parent, the children below full."""
    parts = list(node.reasons)
    for child in node.children:
        if child.score is not None and child.score < child.weight:
            parts.append(f"{child.name} 得 {fmt(child.score)} 分（分值 {fmt(child.weight)} 分）")
    return "；".join(parts) or "无"


def differs(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) > tolerance


def rounds_to_integer(context: AuditContext, claimed: Decimal, computed: Decimal) -> bool:
    mode = context.ruleset.rounding.mode
    return claimed != computed and claimed == round_to(computed, 0, mode)


def _rating_source(
    context: AuditContext, node: NodeResult
) -> tuple[Target | Assessment | None, MethodRef | None]:
    """The target or assessment a node scores, and its method as bound (prepared where the ruleset's)."""
    if node.kind == "target":
        target = next((t for t in context.project.targets if target_path(t) == node.path), None)
        if target is None:
            return None, None
        return target, target.method or context.ruleset.target_method(target.operator)
    assessment = next((a for a in context.project.assessments if a.path == node.path), None)
    indicator = context.ruleset.find(node.path)
    return assessment, indicator.method if indicator is not None else None


def within_rating(context: AuditContext, node: NodeResult, claimed: Decimal) -> bool:
    """Whether a claimed score lies inside the band of the rating the row gives without a score of
    its own (达成 [80%, 100%] of the weight): the evaluators' judgement, not a miscalculation."""
    source, method = _rating_source(context, node)
    if source is None or method is None or not source.rating or source.score is not None:
        return False
    prepared = method.prepared
    if prepared is None:
        strategy = context.registry.strategies.get(method.strategy)
        try:
            prepared = (
                strategy.prepare(method.params, PrepareContext(context.registry.functions))
                if strategy
                else None
            )
        except Exception:  # a method that does not prepare: binding has reported it
            return False
    if not isinstance(prepared, tuple) or not all(isinstance(band, Band) for band in prepared):
        return False  # not a banded qualitative method
    bands: tuple[Band, ...] = prepared
    band = next((b for b in bands if source.rating in b.names()), None)
    if band is None:
        return False
    low, high = band.low * node.weight, band.high * node.weight
    return low <= claimed < high or (band.high == 1 and claimed == high)


# --- the claimed tree: subtotals and what they can reach --------------------------------------
