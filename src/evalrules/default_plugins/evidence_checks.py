"""Built-in review checks of evidence: a survey's counts against the stated satisfaction, the
sample size and the population served; an expert panel's size and spread. The thresholds are
the parameters of the ruleset's [target_methods] "问卷" and "专家评议" methods."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.numbers import CONTEXT, ZERO, fmt, round_to, rounded_for_text
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..hooks.strategies import InputProblem
from ..model.evidence import PANEL_METHOD, SURVEY_METHOD, PanelScore
from .claimed import target_path
from .evidence import SurveyRule, Tally, tally
from .panel import PanelRule


def _surveys(context: AuditContext) -> Iterator[tuple[SurveyRule, Tally, tuple[str, ...], Place, str]]:
    """Each target with survey counts the ruleset's survey method can read, with its tally."""
    method = context.ruleset.target_method(SURVEY_METHOD)
    if method is None or not isinstance(method.prepared, SurveyRule):
        return
    for target in context.project.targets:
        if not target.inputs or target.not_applicable or target.method is not None:
            continue
        try:
            found = tally(method.prepared, target.inputs)
        except InputProblem:
            continue  # scoring reports it
        yield method.prepared, found, target_path(target), target.place, target.name


def _panels(
    context: AuditContext,
) -> Iterator[tuple[PanelRule, tuple[PanelScore, ...], tuple[str, ...], Place]]:
    method = context.ruleset.target_method(PANEL_METHOD)
    if method is None or not isinstance(method.prepared, PanelRule):
        return
    for target in context.project.targets:
        if target.panel and not target.not_applicable and target.method is None:
            yield method.prepared, target.panel, target_path(target), target.place
    for assessment in context.project.assessments:
        if assessment.panel and not assessment.not_applicable:
            yield method.prepared, assessment.panel, assessment.path, assessment.place


def _percent(value: Decimal) -> str:
    return f"{fmt(rounded_for_text(value, 2))}%"


@frozen
class SurveyStated:
    code: str = "A-SURVEY-STATED"
    severity: Severity = "warning"
    title: str = "填报的满意度与问卷结果不符"
    doc: str = (
        "绩效指标给出了问卷结果（inputs），又填写了实际完成值（满意度）：按规则集的算法由问卷算出的满意度，"
        "舍入到填报值的小数位后与填报值不同。得分按问卷算出的满意度计算，填报值须更正或说明。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        stated = {target_path(t): t for t in context.project.targets if t.actual is not None}
        for _, found, path, place, name in _surveys(context):
            target = stated.get(path)
            if target is None or target.actual is None:
                continue
            places = min(max(-int(target.actual.as_tuple().exponent), 0), 10)
            if round_to(found.rate, places) == target.actual:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{name}” 填报满意度 {target.actual_text}，按问卷（有效问卷 {fmt(found.valid)} 份）"
                f"算出 {_percent(found.rate)}：按问卷计分，填报值须更正",
                path,
                target.actual,
                round_to(found.rate, 2),
                place,
            )


@frozen
class SurveySample:
    code: str = "A-SURVEY-SAMPLE"
    severity: Severity = "warning"
    title: str = "问卷样本量不足"
    doc: str = (
        "有效问卷数少于规则集“问卷”方法的 min_sample 份，或少于服务对象人数乘 min_sample_share："
        "样本太小，满意度不足以代表服务对象。规则集没有声明门槛时不检查。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for rule, found, path, place, name in _surveys(context):
            needed = rule.min_sample
            why = f"规则集要求至少 {fmt(needed)} 份" if needed is not None else ""
            if rule.min_sample_share is not None and found.population is not None:
                share = CONTEXT.multiply(rule.min_sample_share, found.population)
                if needed is None or share > needed:
                    needed = share
                    why = (
                        f"服务对象 {fmt(found.population)} 人的 {_percent(rule.min_sample_share * 100)}"
                        f"，即 {fmt(rounded_for_text(share, 2))} 份"
                    )
            if needed is None or found.valid >= needed:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{name}” 有效问卷 {fmt(found.valid)} 份，少于{why}：样本量不足以代表服务对象",
                path,
                found.valid,
                needed,
                place,
            )


@frozen
class SurveyPopulation:
    code: str = "A-SURVEY-POPULATION"
    severity: Severity = "error"
    title: str = "问卷数多于服务对象人数"
    doc: str = "有效问卷数（或各答案人数之和）多于填报的服务对象人数：同一人答了多份，或人数填错。"

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for rule, found, path, place, name in _surveys(context):
            if found.population is None or found.valid <= found.population:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{name}” 有效问卷 {fmt(found.valid)} 份，多于{rule.population} {fmt(found.population)}",
                path,
                found.valid,
                found.population,
                place,
            )


@frozen
class PanelSize:
    code: str = "A-PANEL-SIZE"
    severity: Severity = "warning"
    title: str = "评议专家人数不足"
    doc: str = "专家评议的专家人数少于规则集“专家评议”方法的 min_experts。"

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for rule, panel, path, place in _panels(context):
            if len(panel) >= rule.min_experts:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{'/'.join(path)}” 由 {len(panel)} 位专家评议，规则集要求至少 {rule.min_experts} 位",
                path,
                Decimal(len(panel)),
                Decimal(rule.min_experts),
                place,
            )


@frozen
class PanelSpread:
    code: str = "A-PANEL-SPREAD"
    severity: Severity = "warning"
    title: str = "专家评分分歧过大"
    doc: str = (
        "专家评分的极差（最高分 − 最低分）超过规则集“专家评议”方法的 max_spread："
        "须核实评分依据，或说明分歧（意见写在 comment）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = {node.path: node for node in context.result.walk()} if context.result else {}
        for rule, panel, path, place in _panels(context):
            node = nodes.get(path)
            if node is None and rule.spread_relative:
                continue  # a share of a weight the result does not give (it could not be scored)
            limit = rule.spread_limit(node.weight if node is not None else ZERO)
            if limit is None or len(panel) < 2:
                continue
            high = max(panel, key=lambda entry: entry.score)
            low = min(panel, key=lambda entry: entry.score)
            spread = high.score - low.score
            if spread <= limit:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"“{'/'.join(path)}” 专家评分极差 {fmt(spread)}（{high.expert} {fmt(high.score)}，"
                f"{low.expert} {fmt(low.score)}），超过规则集允许的 {fmt(rounded_for_text(limit, 2))}",
                path,
                spread,
                limit,
                place,
            )


EVIDENCE_CHECKS: tuple[AuditCheck, ...] = (
    SurveyStated(),
    SurveySample(),
    SurveyPopulation(),
    PanelSize(),
    PanelSpread(),
)


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(EVIDENCE_CHECKS)
