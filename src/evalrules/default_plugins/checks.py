"""Built-in review (复核) checks that compare a submission's claimed scores, total and grade with
the recomputed result and with the targets they score. Registered through the same hook a
province's plugin uses. Claimed subtotals are checked in :mod:`evalrules.default_plugins.subtotals`,
the rows in :mod:`~evalrules.default_plugins.consistency`, and budget rows, figures, counts and sums
in :mod:`~evalrules.default_plugins.statements`; the shared helpers are in
:mod:`~evalrules.default_plugins.claimed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import fmt
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..model.project import Target
from .budget_rates import budget_rates
from .claimed import (
    claim_place,
    differs,
    key_of,
    lost_points,
    nodes_by_key,
    rounds_to_integer,
    target_claim,
    target_met,
    target_path,
    target_weight,
    within_rating,
)


@frozen
class ScoreDiff:
    code: str = "A-SCORE-DIFF"
    severity: Severity = "error"
    title: str = "申报得分与复算得分不符"
    doc: str = (
        "逐项比较申报的指标得分（[claims.scores]）与按规则集复算的得分，相差超过规则集的容差"
        "（tolerance）即报告，并给出复算的理由（为什么是这个分）。申报得分恰为复算得分取整的，"
        "由 A-INTEGER-ROUNDING 报告；不适用的指标由 A-NA-SCORED 报告。定性指标只写了评价等级、"
        "申报得分落在该等级的区间内（如“达成”档 80%–100%，15 分的指标给 13 分）是评价组的判断，不报告；"
        "低于满分而没写偏差原因的，由 A-NO-REASON 报告。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = nodes_by_key(context)
        for key, claimed in context.project.claims.scores.items():
            node = nodes.get(key)
            if (
                node is None
                or node.score is None
                or not differs(claimed, node.score, context.ruleset.tolerance)
            ):
                continue
            if rounds_to_integer(context, claimed, node.score) or within_rating(context, node, claimed):
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
            if node is None or node.score is None or not rounds_to_integer(context, claimed, node.score):
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
        if result is None or claimed is None or not differs(claimed, result.total, context.ruleset.tolerance):
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
        adjusted = [record for record in result.adjustments if record.grade_before != record.grade_after]
        why = (
            "，".join(f"{r.reason}（插件 {r.plugin}：{r.grade_before} → {r.grade_after}）" for r in adjusted)
            if adjusted
            else f"复算总分 {fmt(result.total)} 分对应等级 “{result.grade}”"
        )
        yield Finding(
            self.code,
            self.severity,
            f"申报等级 “{claimed}”，复算等级 “{result.grade}”：{why}",
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
        "按正向指标，实际 ≥ 指标值），申报的得分却低于分值。由预算算出的框架指标（预算执行率、资金到位率）"
        "同样检查：比率达到 100% 即应得满分。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for rate in budget_rates(context):
            if rate.met and rate.claimed is not None and rate.claimed < rate.weight:
                yield Finding(
                    self.code,
                    self.severity,
                    f"“{rate.title}” {rate.description}，已达到 100%，应得满分 {fmt(rate.weight)} 分，"
                    f"申报却只给 {fmt(rate.claimed)} 分",
                    rate.path,
                    rate.claimed,
                    rate.weight,
                    claim_place(context, key_of(rate.path)),
                )
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
    doc: str = (
        "绩效指标按其性质没有达到目标，申报的得分却是满分（分值）；由预算算出的框架指标（预算执行率、"
        "资金到位率）不到 100% 却申报满分，同样报告。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for rate in budget_rates(context):
            if rate.met or rate.claimed is None or rate.claimed < rate.weight:
                continue
            if rate.computed is not None and rate.computed >= rate.weight:
                continue  # 99.95% of 10 points shows as 10.00: the claim is the displayed score
            yield Finding(
                self.code,
                self.severity,
                f"“{rate.title}” {rate.description}，不到 100%，申报却给满分 {fmt(rate.claimed)} 分"
                + (f"（复算 {fmt(rate.computed)} 分）" if rate.computed is not None else ""),
                rate.path,
                rate.claimed,
                rate.computed,
                claim_place(context, key_of(rate.path)),
            )
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
    FullWithheld(),
    FullUnearned(),
)
"""The checks comparing claimed scores, total and grade with the result."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(BUILTIN_CHECKS)
