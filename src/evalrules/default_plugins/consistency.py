"""Built-in review (复核) checks of a submission's own target and assessment rows: deviation
reasons, over-completion, units, duplicate names, qualitative labels and scored N/A rows.
The claimed scores are compared in :mod:`evalrules.default_plugins.checks`; budget rows and the
figures, counts and sums a text states in :mod:`evalrules.default_plugins.statements`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from ..base.numbers import CONTEXT, HUNDRED, fmt, round_to
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..hooks.strategies import PrepareContext
from ..model.project import Target
from ..model.ruleset import MethodRef
from .claimed import claim_place, key_of, nodes_by_key, target_claim, target_path, target_weight
from .targets import rating_hint
from .units import counts_things, is_cost, normal_unit, unit_kind, wants_percent


@frozen
class NoReason:
    code: str = "A-NO-REASON"
    severity: Severity = "warning"
    title: str = "未得满分却没有偏差原因"
    doc: str = (
        "绩效指标复算或申报的得分低于分值，却没有写偏差原因（reason，即“偏差原因分析及改进措施”）。"
        "评价组直接给分（score 或 rating）的评价项同样要写明理由；扣分项在扣分清单中已有原因。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        nodes = nodes_by_key(context)
        for target in context.project.targets:
            if target.not_applicable or target.reason.strip():
                continue
            claim = target_claim(context, target)
            yield from self._check(
                context,
                target_path(target),
                target_weight(target, nodes),
                claim[0] if claim else None,
                target.place,
            )
        for assessment in context.project.assessments:
            manual = assessment.score is not None or assessment.rating is not None
            if assessment.not_applicable or assessment.reason.strip() or not manual:
                continue
            if assessment.deductions is not None or assessment.checklist is not None:
                continue
            node = nodes.get(key_of(assessment.path))
            weight = node.weight if node is not None else None
            yield from self._check(
                context,
                assessment.path,
                weight,
                context.project.claims.scores.get(key_of(assessment.path)),
                assessment.place,
            )

    def _check(
        self,
        context: AuditContext,
        path: tuple[str, ...],
        weight: Decimal | None,
        claimed: Decimal | None,
        place: Place,
    ) -> Iterator[Finding]:
        node = nodes_by_key(context).get(key_of(path))
        computed = node.score if node is not None else None
        if weight is None or not any(v is not None and v < weight for v in (computed, claimed)):
            return
        shown = "、".join(
            f"{label} {fmt(value)} 分"
            for label, value in (("复算", computed), ("申报", claimed))
            if value is not None
        )
        yield Finding(
            self.code,
            self.severity,
            f"“{path[-1]}” 得分低于分值 {fmt(weight)} 分（{shown}），却没有写偏差原因（reason）",
            path,
            claimed,
            computed,
            place,
        )


@frozen
class OverCompletion:
    code: str = "A-OVER-COMPLETION"
    severity: Severity = "warning"
    title: str = "超额完成较多却未说明原因"
    doc: str = (
        "正向（≥）或等于型（=）指标的实际完成值达到指标值的规则集阈值倍数以上（[audit] over_completion，"
        "如 1.3 即 130%），却没有写原因：完成值高于指标值较多的，要分析原因（目标是否定得过低）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        threshold = context.ruleset.audit.over_completion
        if threshold is None:
            return
        for target in context.project.targets:
            value, actual = target.value, target.actual
            if target.not_applicable or target.operator not in (">=", "=") or target.reason.strip():
                continue
            if value is None or actual is None or value <= 0 or actual < CONTEXT.multiply(threshold, value):
                continue
            ratio = round_to(CONTEXT.divide(CONTEXT.multiply(actual, HUNDRED), value), 2)
            limit = fmt(CONTEXT.multiply(threshold, HUNDRED))
            yield Finding(
                self.code,
                self.severity,
                f"“{target.name}” 实际完成 {target.actual_text}{target.unit}，为指标值 {target.value_text}"
                f"{target.unit} 的 {fmt(ratio)}%，达到规则集的阈值 {limit}%，却没有说明原因",
                target_path(target),
                actual,
                None,
                target.place,
            )


KIND_WORDS = {"money": "金额", "time": "计时", "count": "计数", "measure": "计量"}


@frozen
class UnitKind:
    code: str = "A-UNIT-KIND"
    severity: Severity = "warning"
    title: str = "计量单位与指标类型不符"
    doc: str = (
        "单位的种类与指标明显不符（只认单位表中的单位，见文档；不认识的单位不报）：成本指标（路径中含“成本”）"
        "以计时、计数或计量单位计（月、人、台套、平方米…）；名称的中心词是计数或计时（…人数、…人次、…月数、"
        "…户数）的指标以金额（元、万元）计；名称以“率”结尾的比率（频率、功率等除外）以金额、计数、计时或计量"
        "单位计。名称末尾只是“数”（成本控制数、预算数）不算计数。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        for target in context.project.targets:
            if target.operator == "定性":
                continue
            unit = normal_unit(target.unit)
            kind = unit_kind(unit)
            problems = []
            if is_cost(target.slot) and kind in ("time", "count", "measure"):
                problems.append(f"成本指标应以金额（元、万元等）计，却以{KIND_WORDS[kind]}单位 “{unit}” 计")
            if counts_things(target.name) and kind == "money":
                problems.append(f"名称表明计数或计时，却以金额 “{unit}” 计")
            if wants_percent(target.name) and kind in ("money", "time", "count", "measure"):
                problems.append(f"名称以“率”结尾，应以 % 计，却以{KIND_WORDS[kind]}单位 “{unit}” 计")
            if problems:
                yield Finding(
                    self.code,
                    self.severity,
                    f"“{target.name}”（{key_of(target.slot)}）的单位不符：{'；'.join(problems)}",
                    target_path(target),
                    target.unit,
                    None,
                    target.place,
                )


@frozen
class NameDuplicate:
    code: str = "A-NAME-DUPLICATE"
    severity: Severity = "warning"
    title: str = "同一指标名称出现在两个类别"
    doc: str = (
        "同一个绩效指标名称出现在两个不同的类别（位置或分组）中，如质量指标和时效指标都叫“资金使用合规率”："
        "多为照抄或归错类别。不适用的空行不计。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        first: dict[str, Target] = {}
        for target in context.project.targets:
            if target.not_applicable:
                continue
            name = target.name.strip()
            seen = first.setdefault(name, target)
            if seen.slot == target.slot:
                continue
            yield Finding(
                self.code,
                self.severity,
                f"绩效指标 “{name}” 既在 “{key_of(seen.slot)}”"
                + (f"（第 {seen.place.line} 行）" if seen.place.line else "")
                + f"，又在 “{key_of(target.slot)}” 中",
                target_path(target),
                None,
                None,
                target.place,
            )


def band_names(method: MethodRef | None, context: AuditContext) -> tuple[tuple[str, ...], ...] | None:
    """The labels and aliases of a qualitative method's bands (each band's own, highest band
    first), or None for another method."""
    if method is None:
        return None
    prepared = method.prepared
    strategy = context.registry.strategies.get(method.strategy)
    if prepared is None and strategy is not None:
        try:
            prepared = strategy.prepare(method.params, PrepareContext(context.registry.functions))
        except Exception:
            return None  # its parameters are reported when scoring
    if not isinstance(prepared, tuple) or not prepared:
        return None
    if not all(callable(getattr(band, "names", None)) for band in prepared):
        return None
    if all(isinstance(getattr(band, "high", None), Decimal) for band in prepared):
        prepared = tuple(sorted(prepared, key=lambda band: -band.high))
    return tuple(tuple(str(name) for name in band.names()) for band in prepared)


@frozen
class LabelUnknown:
    code: str = "A-LABEL-UNKNOWN"
    severity: Severity = "error"
    title: str = "定性评价等级不在规则集的档位中"
    doc: str = (
        "定性指标或评价项的评价等级（rating）不是规则集定性计分方法的档位名称或其同义写法"
        "（如“基本达成”“良好”）：无法落档计分。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        default = band_names(context.ruleset.target_method("定性"), context)
        for target in context.project.targets:
            if target.operator == "定性" and target.rating and not target.not_applicable:
                names = band_names(target.method, context) if target.method else default
                yield from self._check(target.rating, names, target_path(target), target.place)
        for assessment in context.project.assessments:
            if assessment.rating and not assessment.not_applicable:
                indicator = context.ruleset.find(assessment.path)
                own = band_names(indicator.method, context) if indicator is not None else None
                yield from self._check(assessment.rating, own or default, assessment.path, assessment.place)

    def _check(
        self, rating: str, bands: tuple[tuple[str, ...], ...] | None, path: tuple[str, ...], place: Place
    ) -> Iterator[Finding]:
        if bands is None or any(rating in names for names in bands):
            return
        hint = rating_hint(rating, bands)  # never a name of another band (基本达成 is not 达成)
        yield Finding(
            self.code,
            self.severity,
            f"“{path[-1]}” 的评价等级 “{rating}” 不是规则集的定性档位；{hint}",
            path,
            rating,
            None,
            place,
        )


@frozen
class NaScored:
    code: str = "A-NA-SCORED"
    severity: Severity = "error"
    title: str = "不适用的指标却有得分"
    doc: str = (
        "标记为不适用（na = true、空行，或复算为不适用）的绩效指标、评价项或指标，仍写有得分（score）"
        "或申报了得分：不适用的指标不计分，也不是 0 分。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        scores, seen = context.project.claims.scores, set()
        rows = [(target_path(t), t.score, t.place) for t in context.project.targets if t.not_applicable]
        rows += [(a.path, a.score, a.place) for a in context.project.assessments if a.not_applicable]
        for path, own, place in rows:
            key = key_of(path)
            if own is not None or key in scores:
                seen.add(key)
                claimed = scores.get(key, own)
                at = claim_place(context, key) if key in scores else place
                yield self._finding(path, claimed, "标记为不适用", at)
        nodes = nodes_by_key(context)
        for key, claimed in scores.items():
            parts = key.split("/")
            below = ["/".join(parts[:depth]) for depth in range(len(parts), 0, -1)]
            na = next((k for k in below if k in nodes and nodes[k].status == "not_applicable"), None)
            if key in seen or na is None:
                continue
            why = "复算为不适用" if na == key else f"其上级 “{na}” 复算为不适用"
            yield self._finding(tuple(parts), claimed, why, claim_place(context, key))

    def _finding(self, path: tuple[str, ...], claimed: Decimal | None, why: str, place: Place) -> Finding:
        return Finding(
            self.code,
            self.severity,
            f"“{key_of(path)}” {why}，却有得分 {fmt(claimed) if claimed is not None else ''} 分："
            "不适用的指标不计分（也不记 0 分）",
            path,
            claimed,
            None,
            place,
        )


ROW_CHECKS: tuple[AuditCheck, ...] = (
    NoReason(),
    OverCompletion(),
    UnitKind(),
    NameDuplicate(),
    LabelUnknown(),
    NaScored(),
)
"""The checks of a submission's target and assessment rows."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(ROW_CHECKS)
