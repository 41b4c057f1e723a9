"""Built-in review (复核) checks that compare a submission's claimed scores, subtotals, total and
grade with the recomputed result, with each other and with the targets they score. Registered
through the same hook a province's plugin uses; the checks of the submission's own consistency
(units, names, labels, N/A rows, budget rows, figures, counts and sums) are in
:mod:`evalrules.default_plugins.consistency`, which shares the helpers defined here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from attrs import frozen

from ..errors import suggest
from ..findings import AuditCheck, AuditContext, Finding, Severity
from ..hookspecs import hookimpl
from ..model import Indicator
from ..numbers import CONTEXT, ZERO, fmt, round_to
from ..project import Target
from ..result import NodeResult
from ..sources import Place

# --- shared helpers ----------------------------------------------------------------------------


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


def _differs(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) > tolerance


def _rounds_to_integer(context: AuditContext, claimed: Decimal, computed: Decimal) -> bool:
    mode = context.ruleset.rounding.mode
    return claimed != computed and claimed == round_to(computed, 0, mode)


# --- the claimed tree: subtotals and what they can reach --------------------------------------


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


@frozen
class ScoreDiff:
    code: str = "A-SCORE-DIFF"
    severity: Severity = "error"
    title: str = "申报得分与复算得分不符"
    doc: str = (
        "逐项比较申报的指标得分（[claims.scores]）与按规则集复算的得分，相差超过规则集的容差"
        "（tolerance）即报告，并给出复算的理由（为什么是这个分）。申报得分恰为复算得分取整的，"
        "由 A-INTEGER-ROUNDING 报告；不适用的指标由 A-NA-SCORED 报告。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = nodes_by_key(context)
        for key, claimed in context.project.claims.scores.items():
            node = nodes.get(key)
            if (
                node is None
                or node.score is None
                or not _differs(claimed, node.score, context.ruleset.tolerance)
            ):
                continue
            if _rounds_to_integer(context, claimed, node.score):
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{key}” 申报 {fmt(claimed)} 分，复算为 {fmt(node.score)} 分（分值 {fmt(node.weight)} 分），"
                f"相差 {fmt(claimed - node.score)} 分，超过容差 {fmt(context.ruleset.tolerance)}。"
                f"复算理由：{lost_points(node)}",
                node.path,
                claimed,
                node.score,
                claim_place(context, key),
            )


@frozen
class IntegerRounding:
    code: str = "A-INTEGER-ROUNDING"
    severity: Severity = "warning"
    title: str = "得分被取整"
    doc: str = (
        "申报得分等于复算得分四舍五入到整数，却不等于按规则集规定的小数位数（places）显示的复算得分，"
        "例如预算执行率 86.2% 按 10 分计得 8.62 分，报表却写 9 分。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = nodes_by_key(context)
        places = context.ruleset.rounding.places
        for key, claimed in context.project.claims.scores.items():
            node = nodes.get(key)
            if node is None or node.score is None or not _rounds_to_integer(context, claimed, node.score):
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{key}” 申报 {fmt(claimed)} 分，是复算得分 {fmt(node.score)} 分取整的结果；"
                f"规则集要求得分保留 {places} 位小数。复算理由：{lost_points(node)}",
                node.path,
                claimed,
                node.score,
                claim_place(context, key),
            )


@frozen
class ClaimPath:
    code: str = "A-CLAIM-PATH"
    severity: Severity = "error"
    title: str = "申报得分的指标不存在"
    doc: str = (
        "申报得分（[claims.scores]）的路径不是复算结果中的指标、分组或绩效指标（多为笔误或改名），"
        "这一项得分无从核对；消息给出最接近的路径。不适用指标之下的路径由 A-NA-SCORED 报告。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = nodes_by_key(context)
        if not nodes:
            return
        for key, claimed in context.project.claims.scores.items():
            if key in nodes:
                continue
            parts = key.split("/")
            if any(
                nodes.get("/".join(parts[:depth])) is not None
                and nodes["/".join(parts[:depth])].status == "not_applicable"
                for depth in range(1, len(parts))
            ):
                continue  # below a not-applicable branch: A-NA-SCORED
            hint = suggest(key, nodes)
            yield Finding(
                self.code,
                self.severity,
                f"申报得分的指标 “{key}” 不在复算结果中，无法核对" + (f"；{hint}" if hint else ""),
                tuple(parts),
                claimed,
                None,
                claim_place(context, key),
            )


@frozen
class TotalDiff:
    code: str = "A-TOTAL-DIFF"
    severity: Severity = "error"
    title: str = "申报总分与复算总分不符"
    doc: str = "申报的总分（[claims] total）与复算总分相差超过规则集的容差。消息列出复算的各一级指标得分。"

    def run(self, context: AuditContext) -> Iterator[Finding]:
        result, claimed = context.result, context.project.claims.total
        if (
            result is None
            or claimed is None
            or not _differs(claimed, result.total, context.ruleset.tolerance)
        ):
            return
        firsts = "、".join(
            f"{node.name} {fmt(node.score) if node.score is not None else '不适用'}" for node in result.nodes
        )
        why = f"；{'；'.join(result.reasons)}" if result.reasons else ""
        yield Finding(
            self.code,
            self.severity,
            f"申报总分 {fmt(claimed)} 分，复算总分 {fmt(result.total)} 分，"
            f"相差 {fmt(claimed - result.total)} 分，超过容差 {fmt(context.ruleset.tolerance)}。"
            f"复算的一级指标：{firsts}{why}",
            (),
            claimed,
            result.total,
            context.project.claims.places.get("total"),
        )


@frozen
class GradeDiff:
    code: str = "A-GRADE-DIFF"
    severity: Severity = "error"
    title: str = "申报等级与复算等级不符"
    doc: str = "申报的等级（[claims] grade）与按复算总分（及插件的调整）得出的等级不同。"

    def run(self, context: AuditContext) -> Iterator[Finding]:
        result, claimed = context.result, context.project.claims.grade
        if result is None or claimed is None or claimed.strip() == result.grade:
            return
        yield Finding(
            self.code,
            self.severity,
            f"申报等级 “{claimed}”，复算总分 {fmt(result.total)} 分对应等级 “{result.grade}”",
            (),
            claimed,
            result.grade,
            context.project.claims.places.get("grade"),
        )


@frozen
class GradeBand:
    code: str = "A-GRADE-BAND"
    severity: Severity = "error"
    title: str = "申报等级与申报总分不符"
    doc: str = (
        "申报的等级不属于申报的总分在规则集等级区间中的那一档（如 89.5 分却评为“优”），"
        "与复算无关：报告自身前后矛盾。插件调整了等级（如一票否决）时不检查。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        claims = context.project.claims
        if claims.total is None or claims.grade is None:
            return
        result = context.result
        if result is not None and any(r.grade_after != r.grade_before for r in result.adjustments):
            return
        names = [band.name for band in context.ruleset.grades]
        try:
            expected: str | None = context.ruleset.grade_for(claims.total)
        except ValueError:
            expected = None
        if expected == claims.grade.strip():
            return
        if expected is None:
            why = f"申报总分 {fmt(claims.total)} 分不在规则集的任何等级区间内"
        else:
            why = f"申报总分 {fmt(claims.total)} 分按规则集应为 “{expected}”"
        known = (
            ""
            if claims.grade.strip() in names
            else f"；“{claims.grade}” 不是规则集的等级（{'、'.join(names)}）"
        )
        yield Finding(
            self.code,
            self.severity,
            f"申报等级 “{claims.grade}” 与申报总分不符：{why}{known}",
            (),
            claims.grade,
            expected,
            claims.places.get("grade") or claims.places.get("total"),
        )


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
            if not _differs(claimed, total, context.ruleset.tolerance):
                continue
            terms = " + ".join(f"{c.path[-1]} {fmt(v)}" for c, v in zip(applicable, parts, strict=True))
            scaled = f"，按适用分值折算为 {fmt(round_to(total, 4))} 分" if factor != 1 else ""
            yield Finding(
                self.code,
                self.severity,
                f"“{_name(branch)}” 申报 {fmt(claimed)} 分，其下级指标申报的得分 {terms} = "
                f"{fmt(sum(parts, ZERO))} 分{scaled}，相差超过容差 {fmt(context.ruleset.tolerance)}",
                branch.path,
                claimed,
                round_to(total, 4),
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
                    f"最多只能合计 {fmt(round_to(high, 4))} 分（已申报的得分加上未申报指标的满分）",
                    high,
                )
            elif claimed < low - tolerance:
                why, limit = f"已申报的下级得分合计已有 {fmt(round_to(low, 4))} 分", low
            else:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{_name(branch)}” 申报 {fmt(claimed)} 分，无法由其下级指标的申报得分达到：{why}",
                branch.path,
                claimed,
                round_to(limit, 4),
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


def _full_marks(context: AuditContext, met: bool) -> Iterator[tuple[Target, Decimal, Decimal, Place]]:
    """Targets met (or missed) with a claimed score, their weight and where the claim stands;
    only where the recomputed score, if any, agrees that meeting the target means full marks."""
    nodes = nodes_by_key(context)
    for target in context.project.targets:
        claim = target_claim(context, target)
        weight = target_weight(target, nodes)
        if claim is None or weight is None or target_met(target) is not met:
            continue
        node = nodes.get(key_of(target_path(target)))
        if node is not None and (node.score is None or (node.score == node.weight) is not met):
            continue  # the method scores this target otherwise: A-SCORE-DIFF compares
        yield target, claim[0], weight, claim[1]


def _describe(target: Target) -> str:
    operator = {">=": "≥", "<=": "≤", "=": "="}.get(target.operator, target.operator)
    unit = target.unit
    return f"指标值 {operator}{target.value_text}{unit}，实际完成 {target.actual_text}{unit}"


@frozen
class FullWithheld:
    code: str = "A-FULL-WITHHELD"
    severity: Severity = "error"
    title: str = "达到目标却未得满分"
    doc: str = (
        "绩效指标按其性质已达到目标（≥：实际 ≥ 指标值；≤：实际 ≤ 指标值；=：与指标值相等，指标值为正时"
        "按正向指标，实际 ≥ 指标值），申报的得分却低于分值。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for target, claimed, weight, place in _full_marks(context, met=True):
            if claimed >= weight:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{target.name}” {_describe(target)}，已达到目标，应得满分 {fmt(weight)} 分，申报却只给 "
                f"{fmt(claimed)} 分",
                target_path(target),
                claimed,
                weight,
                place,
            )


@frozen
class FullUnearned:
    code: str = "A-FULL-UNEARNED"
    severity: Severity = "error"
    title: str = "未达到目标却得满分"
    doc: str = "绩效指标按其性质没有达到目标，申报的得分却是满分（分值）。"

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for target, claimed, weight, place in _full_marks(context, met=False):
            if claimed < weight:
                continue
            node = nodes_by_key(context).get(key_of(target_path(target)))
            computed = node.score if node is not None else None
            yield Finding(
                self.code,
                self.severity,
                f"“{target.name}” {_describe(target)}，未达到目标，申报却给满分 {fmt(claimed)} 分"
                + (f"（复算 {fmt(computed)} 分）" if computed is not None else ""),
                target_path(target),
                claimed,
                computed,
                place,
            )


BUILTIN_CHECKS: tuple[AuditCheck, ...] = (
    ScoreDiff(),
    IntegerRounding(),
    ClaimPath(),
    TotalDiff(),
    GradeDiff(),
    GradeBand(),
    SubtotalSum(),
    TotalUnreachable(),
    FullWithheld(),
    FullUnearned(),
)
"""The checks comparing claimed scores, total and grade with the result and with each other."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(BUILTIN_CHECKS)
