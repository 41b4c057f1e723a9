"""Built-in review (复核) checks of results that are right by the rules yet need a reviewer's eye:
an "=" target missed although its method gives it full marks, an evaluation plan that weights
产出 and 效益 below the ruleset's share, and a grade that per-indicator rounding carried across a
boundary.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs
from attrs import frozen

from ..base.errors import ScoringError
from ..base.numbers import CONTEXT, HUNDRED, ZERO, fmt, round_to, rounded_for_text
from ..base.sources import Place
from ..engine.scoring import explain
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from .claimed import key_of, nodes_by_key, target_path


@frozen
class EqualMissed:
    code: str = "A-EQUAL-MISSED"
    severity: Severity = "warning"
    title: str = "等于型指标的实际值与指标值不等"
    doc: str = (
        "等于型（=）绩效指标的实际完成值不等于指标值。规则集按其计分方法计分（指标值为正时按正向指标，"
        "实际高于指标值也得满分，显示为“超额完成”），分数不变；但“=”的目标是恰好达到，"
        "高出（如补助标准 =800 元实际发 1000 元）与不足一样是偏离，须复核人判断。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = nodes_by_key(context)
        for target in context.project.targets:
            value, actual = target.value, target.actual
            if target.operator != "=" or target.not_applicable or value is None or actual is None:
                continue
            if actual == value:
                continue
            node = nodes.get(key_of(target_path(target)))
            computed = node.score if node is not None else None
            side = "高于" if actual > value else "低于"
            ratio = CONTEXT.multiply(CONTEXT.divide(actual, value), HUNDRED) if value != ZERO else None
            share = f"，为指标值的 {fmt(rounded_for_text(ratio, 2))}%" if ratio is not None else ""
            scored = (
                f"；按规则集的计分方法得 {fmt(computed)} 分（分值 {fmt(node.weight)} 分）"
                if node is not None and computed is not None
                else ""
            )
            unit = target.unit
            said = f"（偏差原因：{target.reason.strip()}）" if target.reason.strip() else "，偏离须说明原因"
            yield Finding(
                self.code,
                self.severity,
                f"“{target.name}” 是等于型指标（指标值 ={target.value_text}{unit}），实际完成 "
                f"{target.actual_text}{unit}，{side}指标值{share}{scored}：“=”要求恰好达到{said}",
                target_path(target),
                actual,
                computed,
                target.place,
            )


_OUTPUT_OUTCOME = ("产出", "效益")


@frozen
class WeightShare:
    code: str = "A-WEIGHT-SHARE"
    severity: Severity = "warning"
    title: str = "产出、效益的权重偏低"
    doc: str = (
        "一级指标产出与效益的分值之和占总分值的比例低于规则集的阈值（[audit] output_outcome_share，"
        "如 0.6）：财预〔2020〕10号要求部门评价、财政评价“原则上产出、效益指标权重不低于60%”。"
        "权重取评价方案（项目的 [weights]）覆盖后的分值；指标树没有产出或效益这两个一级指标时不检查。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        threshold, result = context.ruleset.audit.output_outcome_share, context.result
        if threshold is None or result is None:
            return
        firsts = {node.name: node.weight for node in result.nodes}
        if not all(name in firsts for name in _OUTPUT_OUTCOME):
            return
        total = sum(firsts.values(), ZERO)
        part = sum((firsts[name] for name in _OUTPUT_OUTCOME), ZERO)
        if not total or CONTEXT.divide(part, total) >= threshold:
            return
        share = round_to(CONTEXT.multiply(CONTEXT.divide(part, total), HUNDRED), 2)
        weights = context.project.weights_place
        place = next((weights[(name,)] for name in _OUTPUT_OUTCOME if (name,) in weights), None)
        if place is None and weights:
            place = next(iter(weights.values()))
        listed = "、".join(f"{name} {fmt(weight)}" for name, weight in firsts.items())
        yield Finding(
            self.code,
            self.severity,
            f"产出 {fmt(firsts['产出'])} 分 + 效益 {fmt(firsts['效益'])} 分 = {fmt(part)} 分，占总分值 "
            f"{fmt(total)} 分的 {fmt(share)}%，低于规则集的阈值 {fmt(CONTEXT.multiply(threshold, HUNDRED))}%"
            f"（一级指标：{listed}）；原则上产出、效益指标权重不低于60%",
            (),
            Decimal(fmt(share)),
            Decimal(fmt(CONTEXT.multiply(threshold, HUNDRED))),
            place or Place(context.project.file, "[weights]"),
        )


@frozen
class GradeRounding:
    code: str = "A-GRADE-ROUNDING"
    severity: Severity = "info"
    title: str = "逐项舍入使总分跨过等级界限"
    doc: str = (
        "规则集逐项（或逐个一级指标）四舍五入后相加（[rounding] stage 为 indicator 或 level），"
        "得到的总分与不舍入直接相加的总分落在不同的等级（如不舍入 89.995 分为“良”，逐项舍入后 90 分为“优”）。"
        "等级按规则集的规定取舍入后的总分，没有错；提示复核人这一档是舍入带来的。插件调整了等级时不检查。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        result, ruleset = context.result, context.ruleset
        if result is None or ruleset.rounding.stage == "total":
            return
        if any(r.grade_after != r.grade_before for r in result.adjustments):
            return
        # without rescaling (N/A), rounding moves the total by at most half a unit per node:
        # far from every boundary there is nothing to rescore
        nodes = list(result.walk())
        margin = len(nodes) * Decimal(5).scaleb(-ruleset.rounding.places - 1)
        if all(node.status == "scored" for node in nodes) and not any(
            abs(result.total - band.low) <= margin for band in ruleset.grades
        ):
            return
        exact_rules = attrs.evolve(ruleset, rounding=attrs.evolve(ruleset.rounding, stage="total"))
        try:
            exact = explain(context.project, exact_rules, context.registry).exact_total
            shown, unrounded = ruleset.grade_for(result.total), ruleset.grade_for(exact)
        except (ScoringError, ValueError):
            return
        if shown == unrounded:
            return
        stage = "逐项" if ruleset.rounding.stage == "indicator" else "逐个一级指标"
        yield Finding(
            self.code,
            self.severity,
            f"总分 {fmt(result.total)} 分（{shown}）是{stage}四舍五入到 {ruleset.rounding.places} 位小数"
            "后相加的结果；"
            f"不舍入直接相加为 {fmt(exact)} 分，应为“{unrounded}”：等级因舍入跨过了界限，按规则集取“{shown}”",
            (),
            None,
            Decimal(fmt(exact)),
            context.project.claims.places.get("total"),
        )


PLAN_CHECKS: tuple[AuditCheck, ...] = (EqualMissed(), WeightShare(), GradeRounding())
"""Checks of results that are right by the rules but need a reviewer's judgement."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(PLAN_CHECKS)
