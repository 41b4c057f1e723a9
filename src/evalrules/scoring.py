"""Bind a ruleset to a project's targets and assessments, then score the tree.

Order: bind (plan weights, slots filled, N/A marked) → effective weights (N/A share policy)
→ strategies → N/A rescale → rounding → grade. No I/O; every problem is collected first.

``score`` binds once per project shape and keeps the bound tree as a :class:`~evalrules.plan.Plan`,
so most projects are scored by arithmetic alone; their results write the reasons (this module's
``_Scorer`` again) when first asked. Everything runs in the decimal context ``numbers.CONTEXT``.
"""

from __future__ import annotations

import threading
from decimal import Decimal, localcontext
from functools import partial

from attrs import define, field

from .adjusting import apply_adjustments
from .errors import FormulaError, Problem, ScoringError, suggest
from .model import Indicator, MethodRef, Ruleset
from .numbers import CONTEXT, ZERO, apportion, fmt, round_to, split_equally
from .plan import RulesetPlan
from .plugins import Registry, default_registry
from .project import Assessment, Project, Target
from .result import Explanation, NodeKind, NodeResult, Result
from .sources import Place
from .strategies import InputProblem, ParameterProblem, PrepareContext, ScoringInput

NOT_APPLICABLE = "本项目无该指标。"


@define
class _Node:
    path: tuple[str, ...]
    base_weight: Decimal
    kind: NodeKind = "indicator"
    method: MethodRef | None = None
    target: Target | None = None
    assessment: Assessment | None = None
    children: list[_Node] = field(factory=list)
    na_reason: str | None = None
    weight: Decimal = ZERO


def score(project: Project, ruleset: Ruleset, registry: Registry | None = None) -> Result:
    """Score a project under a ruleset, then let plugins adjust the finished result (each
    adjustment recorded in its reasons); raises ScoringError listing every problem."""
    registry = registry or default_registry()
    with localcontext(CONTEXT):
        result = score_unadjusted(project, ruleset, registry)
        return apply_adjustments(result, ruleset, project, registry.adjusters)


def score_unadjusted(project: Project, ruleset: Ruleset, registry: Registry) -> Result:
    """The ruleset's own result, before plugins adjust it: by plan when the project's shape
    allows, otherwise explained at once. Call it in the context ``numbers.CONTEXT``."""
    return _planned(project, ruleset, registry) or _Scorer(project, ruleset, registry).run()


def planned_result(
    project: Project,
    ruleset: Ruleset,
    registry: Registry,
    total: Decimal,
    exact: Decimal,
    firsts: tuple[tuple[str, Decimal | None], ...],
    grade: str | None = None,
) -> Result:
    """A result from its numbers alone; its nodes and reasons are written when first asked."""
    info = ruleset.info
    if grade is None:
        grade = ruleset.grade_for(total if ruleset.rounding.total_before_grade else exact)
    return Result(
        total=total,
        exact_total=exact,
        max=ruleset.max,
        grade=grade,
        nodes=None,
        ruleset_id=info.id,
        ruleset_version=info.version,
        ruleset_sha256=ruleset.sha256,
        ruleset_title=info.title,
        project_name=project.name,
        project_unit=project.unit,
        project_year=project.year,
        places=ruleset.rounding.places,
        reasons=None,
        explain=partial(_explanation, project, ruleset, registry, exact),
        subtotals=firsts,
    )


def explain(project: Project, ruleset: Ruleset, registry: Registry | None = None) -> Result:
    """Score a project the explaining way only (no plan): every node with its reasons at once."""
    registry = registry or default_registry()
    with localcontext(CONTEXT):
        result = _Scorer(project, ruleset, registry).run()
        return apply_adjustments(result, ruleset, project, registry.adjusters)


MAX_RULESETS = 32
"""Rulesets (each with its registry) whose plans are kept."""
_PLANS: dict[tuple[int, int], RulesetPlan] = {}
_PLANS_LOCK = threading.Lock()


def plan_for(ruleset: Ruleset, registry: Registry) -> RulesetPlan:
    """The ruleset's plan under this registry, made once and kept."""
    key = (id(ruleset), id(registry))
    plan = _PLANS.get(key)
    if plan is None or plan.ruleset is not ruleset or plan.registry is not registry:
        with _PLANS_LOCK:
            plan = _PLANS[key] = RulesetPlan(ruleset, registry)  # holds both: their ids stay theirs
            while len(_PLANS) > MAX_RULESETS:
                _PLANS.pop(next(iter(_PLANS)))
    return plan


def _planned(project: Project, ruleset: Ruleset, registry: Registry) -> Result | None:
    numbers = plan_for(ruleset, registry).run(project)
    return None if numbers is None else planned_result(project, ruleset, registry, *numbers)


def _explanation(project: Project, ruleset: Ruleset, registry: Registry, exact: Decimal) -> Explanation:
    with localcontext(CONTEXT):
        explained = _Scorer(project, ruleset, registry).run()
    if explained.exact_total != exact:  # the plan and the scorer must never disagree
        raise ScoringError(
            [
                Problem(
                    "E-INTERNAL",
                    f"内部错误：按计划打分得 {exact}，逐项解释得 {explained.exact_total}",
                    file=project.file,
                )
            ]
        )
    return explained.nodes, explained.reasons


class _Scorer:
    def __init__(self, project: Project, ruleset: Ruleset, registry: Registry) -> None:
        self.project = project
        self.ruleset = ruleset
        self.registry = registry
        self.problems: list[Problem] = []
        self.rounding = ruleset.rounding

    def problem(
        self, code: str, message: str, place: Place | None, path: tuple[str, ...] = (), **details: str | None
    ) -> None:
        where = "，".join(
            x for x in ((place.where if place else ""), ("指标 " + "/".join(path)) if path else "") if x
        )
        self.problems.append(
            Problem(
                code,
                message,
                file=place.file if place else self.project.file,
                line=place.line if place else None,
                where=where or None,
                **details,
            )
        )

    def run(self) -> Result:
        root = self.bound()
        results = [self.score_node(node) for node in root.children]
        if self.problems:
            raise ScoringError(self.problems)
        exact, reasons = self.combine(root, results)
        places, mode = self.rounding.places, self.rounding.mode
        total = round_to(exact, places, mode)
        graded = total if self.rounding.total_before_grade else exact
        info = self.ruleset.info
        return Result(
            total=total,
            exact_total=exact,
            max=self.ruleset.max,
            grade=self.ruleset.grade_for(graded),
            nodes=tuple(results),
            ruleset_id=info.id,
            ruleset_version=info.version,
            ruleset_sha256=self.ruleset.sha256,
            ruleset_title=info.title,
            project_name=self.project.name,
            project_unit=self.project.unit,
            project_year=self.project.year,
            places=places,
            reasons=tuple(reasons),
        )

    # --- binding -------------------------------------------------------------------------

    def bound(self) -> _Node:
        """The bound tree with effective weights; raises ScoringError listing every problem."""
        self.check_plan_weights()
        roots = [self.bind(indicator, (indicator.name,)) for indicator in self.ruleset.indicators]
        self.check_leftovers(roots)
        root = _Node((), self.ruleset.max, children=roots)
        self.check_sum(
            root,
            self.project.weights_place.get(roots[0].path) if roots else None,
            "一级指标分值之和不等于满分",
        )
        self.mark_empty_branches(root)
        if root.na_reason:
            self.problem("E-ALL-NA", "所有指标都不适用，无法评分", None)
        if self.problems:
            raise ScoringError(self.problems)
        self.assign_weights(root, self.ruleset.max)
        return root

    def check_plan_weights(self) -> None:
        for path in self.project.weights:
            if self.ruleset.find(path) is None:
                names = ["/".join(p) for p, _ in self.ruleset.walk()]
                self.problem(
                    "E-PLAN-PATH",
                    f"评价方案的分值指向不存在的指标 “{'/'.join(path)}”",
                    self.project.weights_place.get(path),
                    suggestion=suggest("/".join(path), names),
                )

    def weight_of(self, indicator: Indicator, path: tuple[str, ...]) -> Decimal:
        return self.project.weights.get(path, indicator.weight)

    def bind(self, indicator: Indicator, path: tuple[str, ...]) -> _Node:
        node = _Node(path, self.weight_of(indicator, path), method=indicator.method)
        assessment = next((a for a in self.project.assessments if a.path == path), None)
        if assessment is not None and assessment.not_applicable:
            node.na_reason = assessment.reason or NOT_APPLICABLE
            node.assessment = assessment
            if indicator.slot is not None:
                node.kind = "slot"
            filled = [t for t in self.project.targets if t.slot[: len(path)] == path]
            assessed = [
                a for a in self.project.assessments if len(a.path) > len(path) and a.path[: len(path)] == path
            ]
            if filled or assessed:
                self.problem(
                    "E-NA-CONFLICT",
                    f"“{'/'.join(path)}” 标记为不适用（na = true），其下却填写了 {len(filled)} 个绩效指标、"
                    f"{len(assessed)} 项评价",
                    assessment.place,
                    suggestion="删去不适用标记，或删去其下的绩效指标和评价",
                )
            return node
        if indicator.children:
            node.children = [self.bind(child, (*path, child.name)) for child in indicator.children]
            self.check_sum(node, self.project.weights_place.get(path))
            if assessment is not None:
                self.problem(
                    "E-ASSESSMENT-BRANCH", "只能评价末级指标（或标记 na = true）", assessment.place, path
                )
        elif indicator.slot is not None:
            node.kind = "slot"
            self.fill_slot(node, indicator)
            if assessment is not None:
                self.problem(
                    "E-ASSESSMENT-BRANCH",
                    "由绩效指标填充的位置只能在 [[assessments]] 中标记 na = true，其余写在 [[targets]] 中",
                    assessment.place,
                    path,
                )
        else:
            node.assessment = assessment
        return node

    def check_sum(
        self, node: _Node, place: Place | None, message: str = "下级指标分值之和不等于上级分值"
    ) -> None:
        total = sum((child.base_weight for child in node.children), ZERO)
        if total != node.base_weight:
            parts = " + ".join(fmt(child.base_weight) for child in node.children)
            self.problem(
                "E-WEIGHT-SUM",
                message,
                place,
                node.path,
                expected=fmt(node.base_weight),
                found=f"{fmt(total)}（{parts}）",
            )

    def fill_slot(self, node: _Node, indicator: Indicator) -> None:
        places = {(*node.path, *group) for group in _group_paths(indicator)}
        targets = [t for t in self.project.targets if t.slot in places]
        if not targets:
            if indicator.slot is not None and indicator.slot.empty == "not_applicable":
                node.na_reason = NOT_APPLICABLE
            else:
                slot = "/".join(node.path)
                self.problem(
                    "E-SLOT-EMPTY",
                    f'缺少 “{slot}” 下的绩效指标（[[targets]] slot = "{slot}"）',
                    None,
                    node.path,
                )
            return
        weighted = [t for t in targets if t.weight is not None]
        if weighted and any(t.weight is None and not t.not_applicable for t in targets):
            self.problem(
                "E-TARGET-WEIGHT",
                "同一位置下的绩效指标要么都写 weight，要么都不写（平均分配）",
                targets[0].place,
                node.path,
            )
            return
        groups = {node.path: node}
        for group in _group_paths(indicator):  # 产出指标/数量指标 makes 产出指标, then 数量指标 under it
            for depth in range(1, len(group) + 1):
                path = (*node.path, *group[:depth])
                if path not in groups:
                    groups[path] = _Node(path, ZERO, kind="group")
                    groups[path[:-1]].children.append(groups[path])
        # all weights given (a blank, not-applicable row may leave its own out: it weighs 0), or none
        shares = iter(
            [t.weight if t.weight is not None else ZERO for t in targets]
            if weighted
            else split_equally(node.base_weight, len(targets), self.rounding.places)
        )
        for target in targets:
            groups[target.slot].children.append(self.target_node(target, next(shares)))
        for holder in reversed(list(groups.values())[1:]):  # deepest first: a group adds up its children
            holder.base_weight = sum((child.base_weight for child in holder.children), ZERO)
            if all(child.na_reason for child in holder.children):
                holder.na_reason = NOT_APPLICABLE
        for parent in groups.values():
            names = [child.path[-1] for child in parent.children if child.kind == "target"]
            for name in sorted({name for name in names if names.count(name) > 1}):
                place = next(t.place for t in targets if t.slot == parent.path and t.name == name)
                self.problem("E-TARGET-DUPLICATE", f"同一位置下绩效指标 “{name}” 重复", place, parent.path)
        if weighted:
            self.check_sum(node, targets[0].place)

    def target_node(self, target: Target, equal_share: Decimal) -> _Node:
        weight = target.weight if target.weight is not None else equal_share
        child = _Node((*target.slot, target.name), weight, kind="target", target=target)
        child.method = self.target_method(target)
        if target.not_applicable:
            child.na_reason = target.reason or NOT_APPLICABLE
        elif (
            target.actual is None
            and target.operator != "定性"
            and not target.actual_text
            and self.ruleset.not_applicable.missing_actual == "not_applicable"
        ):
            child.na_reason = "未填写实际完成值，按规则集的规定视为不适用。"
        return child

    def target_method(self, target: Target) -> MethodRef | None:
        if target.method is None:
            method = self.ruleset.target_method(target.operator)
            if method is None:
                self.problem(
                    "E-TARGET-METHOD", f"规则集没有为指标性质 “{target.operator}” 规定计分方法", target.place
                )
            return method
        strategy = self.registry.strategies.get(target.method.strategy)
        if strategy is None:
            self.problem(
                "E-METHOD-UNKNOWN",
                f"未知的计分方法 “{target.method.strategy}”",
                target.place,
                suggestion=suggest(target.method.strategy, self.registry.strategies),
            )
            return None
        try:
            prepared = strategy.prepare(target.method.params, PrepareContext(self.registry.functions))
        except ParameterProblem as problem:
            self.problem("E-PARAM", problem.message, target.place, suggestion=problem.suggestion)
            return None
        except FormulaError as error:
            self.problem("E-FORMULA", error.render(), target.place)
            return None
        except Exception as error:  # a plugin's bug
            self.problem("E-PARAM", f"计分方法 {strategy.name} 检查参数时出错：{error!r}", target.place)
            return None
        return MethodRef(target.method.strategy, target.method.params, prepared)

    def check_leftovers(self, roots: list[_Node]) -> None:
        slots = {
            (*path, *group)
            for path, indicator in self.ruleset.walk()
            if indicator.slot
            for group in _group_paths(indicator)
        }
        leaves = {node.path for root in roots for node in _walk(root) if node.kind in ("indicator", "slot")}
        for target in self.project.targets:
            if target.slot not in slots:
                self.problem(
                    "E-TARGET-SLOT",
                    f"绩效指标的位置 slot “{'/'.join(target.slot)}” 不是规则集中可填写的位置",
                    target.place,
                    suggestion=suggest("/".join(target.slot), ["/".join(s) for s in slots]),
                )
        targets = {node.path for root in roots for node in _walk(root) if node.kind in ("target", "group")}
        for assessment in self.project.assessments:
            if assessment.path in targets:
                self.problem(
                    "E-ASSESSMENT-PATH",
                    f"“{'/'.join(assessment.path)}” 是项目的绩效指标或其分组：它的评价写在 [[targets]] 中"
                    "（actual、rating、score、na），不用 [[assessments]]",
                    assessment.place,
                )
            elif assessment.path not in leaves:
                names = ["/".join(p) for p in leaves]
                self.problem(
                    "E-ASSESSMENT-PATH",
                    f"评价的指标 “{'/'.join(assessment.path)}” 不在规则集中",
                    assessment.place,
                    suggestion=suggest("/".join(assessment.path), names),
                )

    def mark_empty_branches(self, node: _Node) -> None:
        for child in node.children:
            self.mark_empty_branches(child)
        if node.children and node.na_reason is None and all(c.na_reason for c in node.children):
            node.na_reason = "下级指标均不适用。"

    def assign_weights(self, node: _Node, weight: Decimal) -> None:
        """Effective weights: scaled with the parent; under "share", N/A weight goes to siblings."""
        node.weight = weight
        if not node.children:
            return
        bases = [child.base_weight for child in node.children]
        owns = bases if weight == node.base_weight else apportion(weight, bases, self.rounding.places)
        applicable = [child for child in node.children if child.na_reason is None]
        extras = iter([ZERO] * len(applicable))
        if self.ruleset.not_applicable.policy == "share" and applicable:
            shared = sum((own for own, c in zip(owns, node.children, strict=True) if c.na_reason), ZERO)
            extras = iter(split_equally(shared, len(applicable), self.rounding.places))
        for child, own in zip(node.children, owns, strict=True):
            self.assign_weights(child, own + next(extras) if child.na_reason is None else own)

    # --- scoring -------------------------------------------------------------------------

    def score_node(self, node: _Node) -> NodeResult:
        method = node.method.strategy if node.method else None
        if node.na_reason is not None:
            children = tuple(self.score_node(child) for child in node.children)
            return NodeResult(
                node.path,
                node.weight,
                None,
                None,
                "not_applicable",
                (node.na_reason,),
                method,
                node.kind,
                {},
                children,
            )
        if node.children:
            results = tuple(self.score_node(child) for child in node.children)
            exact, reasons = self.combine(node, list(results))
            if self.rounding.stage == "indicator" or (self.rounding.stage == "level" and len(node.path) == 1):
                exact = self.round(exact)
            return NodeResult(
                node.path,
                node.weight,
                self.round(exact),
                exact,
                "scored",
                tuple(reasons),
                None,
                node.kind,
                {},
                results,
            )
        return self.score_leaf(node, method)

    def score_leaf(self, node: _Node, method_name: str | None) -> NodeResult:
        place = node.target.place if node.target else node.assessment.place if node.assessment else None
        if node.method is None:
            return self.failed(node)
        strategy = self.registry.strategies[node.method.strategy]
        item = ScoringInput(
            node.path, node.weight, self.project.budget, self.rounding, node.target, node.assessment
        )
        try:
            outcome = strategy.score(node.method.prepared, item)
        except InputProblem as problem:
            self.problem(
                "E-INPUT",
                problem.message,
                place,
                node.path,
                expected=problem.expected,
                found=problem.found,
                suggestion=problem.suggestion,
            )
            return self.failed(node)
        except FormulaError as error:
            located = error.located(ruleset=self.ruleset.info.id, path="/".join(node.path))
            self.problems.extend(located.problems)
            return self.failed(node)
        except Exception as error:  # a plugin's bug: reported with its place, never a traceback
            plugin = self.registry.origin("strategy", strategy.name)
            self.problem(
                "E-STRATEGY", f"计分方法 {strategy.name}（插件 {plugin}）出错：{error!r}", place, node.path
            )
            return self.failed(node)
        if not isinstance(outcome.score, Decimal) or not outcome.score.is_finite():
            self.problem(
                "E-STRATEGY", f"计分方法 {strategy.name} 返回的得分不是有限的 Decimal", place, node.path
            )
            return self.failed(node)
        if not ZERO <= outcome.score <= node.weight:
            self.problem(
                "E-STRATEGY",
                f"计分方法 {strategy.name} 给出的得分 {fmt(outcome.score)} 超出 [0, {fmt(node.weight)}]",
                place,
                node.path,
            )
            return self.failed(node)
        exact = self.round(outcome.score) if self.rounding.stage == "indicator" else outcome.score
        reasons = outcome.reasons
        if node.target is not None and node.target.reason and outcome.score < node.weight:
            reasons = (*reasons, f"偏差原因：{node.target.reason}")
        return NodeResult(
            node.path,
            node.weight,
            self.round(outcome.score),
            exact,
            "scored",
            reasons,
            method_name,
            node.kind,
            outcome.inputs,
        )

    def failed(self, node: _Node) -> NodeResult:
        return NodeResult(node.path, node.weight, None, None, "not_applicable", ())

    def combine(self, node: _Node, results: list[NodeResult]) -> tuple[Decimal, list[str]]:
        scored = [r for r in results if r.status == "scored" and r.exact is not None]
        raw = sum((r.exact for r in scored if r.exact is not None), ZERO)
        applicable_weight = sum((r.weight for r in scored), ZERO)
        skipped = [r.name for r in results if r.status == "not_applicable"]
        label = "总分" if not node.path else "小计"
        if not skipped or self.ruleset.not_applicable.policy == "share" or applicable_weight == node.weight:
            shared = "，其分值均摊给同级指标" if self.ruleset.not_applicable.policy == "share" else ""
            note = f"（{'、'.join(skipped)} 不适用{shared}）" if skipped else ""
            return raw, [f"{label} {fmt(self.round(raw))} 分（分值 {fmt(node.weight)} 分）{note}"]
        if applicable_weight == 0:
            return ZERO, [f"{label} 0 分：适用指标的分值合计为 0"]
        exact = CONTEXT.divide(CONTEXT.multiply(raw, node.weight), applicable_weight)
        reason = (
            f"{'、'.join(skipped)} 不适用；适用指标得分 {fmt(self.round(raw))} 分 / "
            f"适用分值 {fmt(self.round(applicable_weight))} 分，"
            f"按 {fmt(node.weight)} 分折算得 {fmt(self.round(exact))} 分"
        )
        return exact, [reason]

    def round(self, value: Decimal) -> Decimal:
        return round_to(value, self.rounding.places, self.rounding.mode)


def _group_paths(indicator: Indicator) -> list[tuple[str, ...]]:
    """The places a slot's targets may name, relative to the slot: itself, each group and
    each group's parents ("产出指标/数量指标" allows 产出指标 and 产出指标/数量指标)."""
    paths: list[tuple[str, ...]] = [()]
    for group in indicator.slot.groups if indicator.slot else ():
        parts = tuple(group.split("/"))
        paths.extend(parts[:depth] for depth in range(1, len(parts) + 1) if parts[:depth] not in paths)
    return paths


def _walk(node: _Node) -> list[_Node]:
    found = [node]
    for child in node.children:
        found.extend(_walk(child))
    return found
