"""Binding a ruleset to a project: the slots filled with the project's targets, the weights taken
or split equally, what is not applicable marked, the effective weights assigned (plan weights,
the N/A share policy). Every problem is collected with its place before anything is scored.
"""

from __future__ import annotations

from decimal import Decimal

from ..base.errors import FormulaError, Problem, ScoringError, suggest
from ..base.numbers import ZERO, apportion, fmt, split_equally
from ..base.sources import Place
from ..hooks.registry import Registry
from ..hooks.strategies import InputProblem, ParameterProblem, PrepareContext, ScoringInput
from ..model.evidence import PANEL_METHOD, SURVEY_METHOD
from ..model.project import Assessment, Project, Target
from ..model.ruleset import Indicator, MethodRef, Ruleset
from .bound import BoundNode, shape_of, walk

NOT_APPLICABLE = "本项目无该指标。"
ALL_CHILDREN_NA = "下级指标均不适用。"


class Binder:
    """Binds one project to one ruleset; the explaining scorer (evalrules.engine.scoring) builds on it."""

    def __init__(self, project: Project, ruleset: Ruleset, registry: Registry) -> None:
        self.project = project
        self.ruleset = ruleset
        self.registry = registry
        self.problems: list[Problem] = []
        self.rounding = ruleset.rounding
        self.misplaced = False
        self.shape = shape_of(ruleset)
        self.assessed: dict[tuple[str, ...], Assessment] = {}
        for assessment in project.assessments:  # the first of a path, as the binder always took
            self.assessed.setdefault(assessment.path, assessment)

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
                path="/".join(path) or None,
                **details,
            )
        )

    def bound(self) -> BoundNode:
        """The bound tree with effective weights; raises ScoringError listing every problem."""
        self.check_plan_weights()
        slots = self.shape.slot_paths
        # a target in no known slot is reported once (E-TARGET-SLOT); the slot it was meant for is
        # then neither "empty" nor short of its weight: that would be the same mistake told twice
        self.misplaced = any(target.slot not in slots for target in self.project.targets)
        roots = [self.bind(indicator, (indicator.name,)) for indicator in self.ruleset.indicators]
        self.check_leftovers(roots)
        root = BoundNode((), self.ruleset.max, children=roots)
        self.check_sum(
            root,
            self.project.weights_place.get(roots[0].path) if roots else None,
            "一级指标分值之和不等于满分",
        )
        self.mark_empty_branches(root)
        if root.na_reason:
            why = "；".join(f"{c.path[-1]}：{c.na_reason}" for c in root.children if c.na_reason)
            self.problem("E-ALL-NA", f"所有指标都不适用，无法评分（{why}）", None)
        if self.problems:
            self.check_inputs(root)
            raise ScoringError(self.problems)
        self.assign_weights(root, self.ruleset.max)
        return root

    def check_inputs(self, root: BoundNode) -> None:
        """With binding problems nothing is scored: the framework indicators' own input problems
        (a missing assessment, a missing budget figure) are told in the same run all the same,
        not one stage at a time."""
        for node in walk(root):
            if node.kind != "indicator" or node.children or node.method is None or node.na_reason:
                continue
            strategy = self.registry.strategies.get(node.method.strategy)
            if strategy is None:
                continue
            budget, rounding = self.project.budget, self.rounding
            item = ScoringInput(node.path, node.base_weight, budget, rounding, None, node.assessment)
            try:
                strategy.score(node.method.prepared, item)
            except InputProblem as problem:
                place = node.assessment.place if node.assessment else None
                self.problem(
                    "E-INPUT",
                    problem.message,
                    place,
                    node.path,
                    expected=problem.expected,
                    found=problem.found,
                    suggestion=problem.suggestion,
                )
            except (Exception, SystemExit):  # reported where it is scored, once the rest is fixed
                continue

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

    def bind(self, indicator: Indicator, path: tuple[str, ...]) -> BoundNode:
        node = BoundNode(path, self.weight_of(indicator, path), method=indicator.method)
        assessment = self.assessed.get(path)
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
            if assessment is not None and assessment.panel:
                node.method = self.evidence_method(assessment.place, False)
        return node

    def evidence_method(self, place: Place, survey: bool) -> MethodRef | None:
        """The ruleset's [target_methods] "问卷" or "专家评议" method for evidence a project gives."""
        key = SURVEY_METHOD if survey else PANEL_METHOD
        method = self.ruleset.target_method(key)
        if method is None:
            what = "问卷结果 inputs" if survey else "专家评分 panel"
            self.problem(
                "E-EVIDENCE-METHOD",
                f"项目给出了{what}，规则集 {self.ruleset.info.id} 却没有规定它的计分方法",
                place,
                suggestion=f'在规则集的 [target_methods] 中写 "{key}" = {{ method = … }}，或改用规则集的方法',
            )
        return method

    def check_sum(
        self, node: BoundNode, place: Place | None, message: str = "下级指标分值之和不等于上级分值"
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

    def fill_slot(self, node: BoundNode, indicator: Indicator) -> None:
        own = self.shape.groups[node.path]
        places = {(*node.path, *group) for group in own}
        targets = [t for t in self.project.targets if t.slot in places]
        if not targets:
            if indicator.slot is not None and indicator.slot.empty == "not_applicable":
                node.na_reason = NOT_APPLICABLE
            elif not self.misplaced:
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
        for group in own:  # 产出指标/数量指标 makes 产出指标, then 数量指标 under it
            for depth in range(1, len(group) + 1):
                path = (*node.path, *group[:depth])
                if path not in groups:
                    groups[path] = BoundNode(path, ZERO, kind="group")
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
        # linear: counting each name in a list took 53 s for 50,000 targets
        first: dict[tuple[tuple[str, ...], str], Place | None] = {}
        repeated: dict[tuple[tuple[str, ...], str], None] = {}
        for target in targets:
            key = (target.slot, target.name)
            if key in first:
                repeated[key] = None
            else:
                first[key] = target.place
        for key in sorted(repeated):
            self.problem("E-TARGET-DUPLICATE", f"同一位置下绩效指标 “{key[1]}” 重复", first[key], key[0])
        if weighted and not self.misplaced:
            self.check_sum(node, targets[0].place)

    def target_node(self, target: Target, equal_share: Decimal) -> BoundNode:
        weight = target.weight if target.weight is not None else equal_share
        child = BoundNode((*target.slot, target.name), weight, kind="target", target=target)
        child.method = self.target_method(target)
        if target.not_applicable:
            child.na_reason = target.reason or NOT_APPLICABLE
        elif (
            target.actual is None
            and target.operator != "定性"
            and not target.actual_text
            and not target.inputs  # the survey gives the actual value
            and self.ruleset.not_applicable.missing_actual == "not_applicable"
        ):
            child.na_reason = "未填写实际完成值，按规则集的规定视为不适用。"
        return child

    def target_method(self, target: Target) -> MethodRef | None:
        if target.method is None and (target.inputs or target.panel):
            return self.evidence_method(target.place, bool(target.inputs))
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
        allowed = self.ruleset.allowed_project_methods
        if strategy.name not in allowed:
            self.problem(
                "E-METHOD-NOT-ALLOWED",
                f"规则集 {self.ruleset.info.id} 不允许项目为绩效指标自选计分方法 “{strategy.name}”"
                f"（可自选：{'、'.join(allowed) or '无'}）",
                target.place,
                suggestion="去掉 method 和 params，按规则集的方法计分；评价方案确有规定的，"
                "在规则集的 [project_methods] allowed 中列出这种方法",
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
        except (Exception, SystemExit) as error:  # a plugin's bug
            self.problem("E-PARAM", f"计分方法 {strategy.name} 检查参数时出错：{error!r}", target.place)
            return None
        return MethodRef(target.method.strategy, target.method.params, prepared)

    def check_leftovers(self, roots: list[BoundNode]) -> None:
        slots = self.shape.slot_paths
        for target in self.project.targets:
            if target.slot not in slots:
                self.problem(
                    "E-TARGET-SLOT",
                    f"绩效指标的位置 slot “{'/'.join(target.slot)}” 不是规则集中可填写的位置",
                    target.place,
                    suggestion=suggest("/".join(target.slot), ["/".join(s) for s in slots]),
                )
        if not self.project.assessments:
            return
        kinds = {node.path: node.kind for root in roots for node in walk(root)}
        for assessment in self.project.assessments:
            kind = kinds.get(assessment.path)
            if kind in ("target", "group"):
                self.problem(
                    "E-ASSESSMENT-PATH",
                    f"“{'/'.join(assessment.path)}” 是项目的绩效指标或其分组：它的评价写在 [[targets]] 中"
                    "（actual、rating、score、na），不用 [[assessments]]",
                    assessment.place,
                )
            elif kind not in ("indicator", "slot"):
                names = ["/".join(p) for p, k in kinds.items() if k in ("indicator", "slot")]
                self.problem(
                    "E-ASSESSMENT-PATH",
                    f"评价的指标 “{'/'.join(assessment.path)}” 不在规则集中",
                    assessment.place,
                    suggestion=suggest("/".join(assessment.path), names),
                )

    def mark_empty_branches(self, node: BoundNode) -> None:
        """A branch is not applicable when none of its children is, or when those that are weigh
        0 and it does not: scored, it would get 0 of its weight for what was never measured."""
        for child in node.children:
            self.mark_empty_branches(child)
        if not node.children or node.na_reason is not None:
            return
        applicable = [c for c in node.children if c.na_reason is None]
        if not applicable:
            node.na_reason = ALL_CHILDREN_NA
        elif node.base_weight != 0 and sum((c.base_weight for c in applicable), ZERO) == 0:
            skipped = [c.path[-1] for c in node.children if c.na_reason is not None]
            node.na_reason = (
                f"适用的下级指标（{'、'.join(c.path[-1] for c in applicable)}）分值合计为 0，"
                f"其余（{'、'.join(skipped)}）不适用：按不适用处理，不计 0 分。"
            )

    def assign_weights(self, node: BoundNode, weight: Decimal) -> None:
        """Effective weights: scaled with the parent; under "share", N/A weight goes to siblings."""
        node.weight = weight
        if not node.children:
            return
        share = self.ruleset.not_applicable.policy == "share"
        if weight == node.base_weight and not share:  # the common case: every child keeps its own
            for child in node.children:  # + ZERO as below: the context's precision, the same digits
                own = child.base_weight
                self.assign_weights(child, own + ZERO if child.na_reason is None else own)
            return
        bases = [child.base_weight for child in node.children]
        if weight == node.base_weight:
            owns = bases
        elif sum(bases, ZERO) == 0:  # a weight-0 branch given a share: its children share it equally
            owns = split_equally(weight, len(bases), self.rounding.places)
        else:
            owns = apportion(weight, bases, self.rounding.places)
        applicable = [child for child in node.children if child.na_reason is None]
        extras = iter([ZERO] * len(applicable))
        if share and applicable:
            shared = sum((own for own, c in zip(owns, node.children, strict=True) if c.na_reason), ZERO)
            extras = iter(split_equally(shared, len(applicable), self.rounding.places))
        for child, own in zip(node.children, owns, strict=True):
            self.assign_weights(child, own + next(extras) if child.na_reason is None else own)
