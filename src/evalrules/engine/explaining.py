"""The explaining scorer: binds a project (:mod:`evalrules.engine.binding`) and scores the tree node by
node with every reason: strategies → N/A rescale → rounding → grade. It writes the reasons of every
result, and scores what the plan leaves (problems to report, rarer settings)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from ..base.errors import FormulaError, ScoringError
from ..base.numbers import CONTEXT, ROUNDING_MODES, ZERO, fmt, quantum, round_to
from ..base.sources import Place
from ..hooks.adjusting import Adjuster, apply_adjustments
from ..hooks.registry import Registry
from ..hooks.strategies import InputProblem, ScoringInput, outcome_problem
from ..model.project import Project
from ..model.result import NodeResult, Result, UnknownValue
from ..model.ruleset import Ruleset
from .binding import Binder
from .bound import BoundNode
from .unknowns import LABELS, Unknown, merge, reason, unknown_of, written


class Explainer(Binder):
    """Scores a bound tree node by node, writing every reason: the explaining way."""

    def __init__(
        self, project: Project, ruleset: Ruleset, registry: Registry, *, partial: bool = False
    ) -> None:
        super().__init__(project, ruleset, registry)
        self.blank_is_unknown = partial or ruleset.not_applicable.missing_actual == "unknown"
        self.unknowns: dict[tuple[str, ...], Unknown] = {}
        self.side: Literal["low", "high"] = "low"
        """Where an unknown value is taken: the lowest or the highest score it allows."""
        self.quantum, self.mode = quantum(ruleset.rounding.places), ROUNDING_MODES[ruleset.rounding.mode]

    def run(self) -> Result:
        """The result, unadjusted; a value not known is refused (E-UNKNOWN)."""
        root = self.bound()
        if self.find_unknowns(root):
            self.refuse_unknowns()
        return self.finish(root)  # raises with every problem, the unknown values among them

    def finished(self, adjusters: Sequence[Adjuster], *, ranges: bool) -> Result:
        """The result adjusted by the plugins: with values not known and ``ranges``, scored at the
        low and at the high end of each, each end adjusted, and the two made one."""
        root = self.bound()
        if not self.find_unknowns(root):
            return apply_adjustments(self.finish(root), self.ruleset, self.project, adjusters)
        if not ranges:
            self.refuse_unknowns()
            return self.finish(root)  # raises with every problem, the unknown values among them
        ends = []
        for side in ("low", "high"):
            self.side = side
            ends.append(apply_adjustments(self.finish(root), self.ruleset, self.project, adjusters))
        low, high = ends
        return merge(low, high, self.unknown_values(), len(low.adjustments))

    def find_unknowns(self, node: BoundNode) -> bool:
        """Every applicable leaf whose score depends on a value not known, in tree order;
        whether there is one."""
        if not node.path and not self.blank_is_unknown and not self.marked_unknown():
            return False  # nothing is marked "?" and a blank is no unknown: no leaf need be asked
        if node.na_reason is None and node.children:
            for child in node.children:
                self.find_unknowns(child)
        elif node.na_reason is None:
            unknown = unknown_of(node, self.blank_is_unknown)
            if unknown is not None:
                self.unknowns[node.path] = unknown
        return bool(self.unknowns)

    def marked_unknown(self) -> bool:
        """Whether the project marks any value as not known (unknown_of finds nothing otherwise)."""
        project = self.project
        return any(target.unknown for target in project.targets) or any(
            assessment.unknown for assessment in project.assessments
        )

    def refuse_unknowns(self) -> None:
        """A problem for each value not known (scoring goes on, to report every problem)."""
        for path, unknown in self.unknowns.items():
            for key, text, missing in unknown.fields:
                self.problem(
                    "E-UNKNOWN",
                    f"{written(key, text, missing)}：只能给出得分范围，不能给出确定的得分",
                    self.place_of(path),
                    path,
                    suggestion="evalrules score 给出“不低于……不高于……”的得分范围"
                    + (
                        "（未填写的实际完成值须加 --partial）"
                        if missing and not self.blank_is_unknown
                        else ""
                    )
                    + "；在 Python 中用 score(…, ranges=True)",
                )

    def place_of(self, path: tuple[str, ...]) -> Place | None:
        for target in self.project.targets:
            if (*target.slot, target.name) == path:
                return target.place
        for assessment in self.project.assessments:
            if assessment.path == path:
                return assessment.place
        return None

    def unknown_values(self) -> list[UnknownValue]:
        values = []
        for path, unknown in self.unknowns.items():
            low, high = self.round(unknown.low), self.round(unknown.high)
            for key, text, missing in unknown.fields:
                values.append(UnknownValue(path, LABELS[key], text, missing, low, high, self.place_of(path)))
        return values

    def finish(self, root: BoundNode) -> Result:
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

    def score_node(self, node: BoundNode) -> NodeResult:
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
            shown = self.round(exact)
            if self.rounding.stage == "indicator" or (self.rounding.stage == "level" and len(node.path) == 1):
                exact = shown
            return NodeResult(
                node.path,
                node.weight,
                shown,
                exact,
                "scored",
                tuple(reasons),
                None,
                node.kind,
                {},
                results,
            )
        return self.score_leaf(node, method)

    def score_leaf(self, node: BoundNode, method_name: str | None) -> NodeResult:
        place = node.target.place if node.target else node.assessment.place if node.assessment else None
        if node.method is None:
            return self.failed(node)
        unknown = self.unknowns.get(node.path)
        if unknown is not None:
            return self.bounded(node, method_name, unknown)
        strategy = self.registry.strategies[node.method.strategy]
        item = ScoringInput(
            node.path, node.weight, self.project.budget, self.rounding, node.target, node.assessment
        )
        try:
            outcome = strategy.score(node.method.prepared, item)
        except InputProblem as problem:
            target = node.target
            blank = target is not None and target.actual is None and not target.actual_text
            source = node.target or node.assessment
            key_line = source.lines.get(problem.key) if source is not None and problem.key else None
            if place is not None and key_line is not None:  # at the key the problem is about
                place = Place(place.file, f"{place.where} 的 {problem.key}", key_line)
            self.problem(
                "E-INPUT",
                problem.message,
                place,
                node.path,
                expected=problem.expected,
                found=problem.found,
                suggestion=problem.suggestion
                or (
                    "补填实际完成值；或用 evalrules score --partial 先按已知的数值给出得分范围"
                    if blank
                    else None
                ),
            )
            return self.failed(node)
        except FormulaError as error:
            located = error.located(ruleset=self.ruleset.info.id, path="/".join(node.path))
            self.problems.extend(located.problems)
            return self.failed(node)
        except (Exception, SystemExit) as error:  # a plugin's bug: reported at its place, no traceback
            plugin = self.registry.origin("strategy", strategy.name)
            self.problem(
                "E-STRATEGY", f"计分方法 {strategy.name}（插件 {plugin}）出错：{error!r}", place, node.path
            )
            return self.failed(node)
        wrong = outcome_problem(outcome)
        if wrong is not None:
            plugin = self.registry.origin("strategy", strategy.name)
            self.problem(
                "E-PLUGIN-RESULT", f"计分方法 {strategy.name}（插件 {plugin}）{wrong}", place, node.path
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
        shown = self.round(outcome.score)
        exact = shown if self.rounding.stage == "indicator" else outcome.score
        reasons = outcome.reasons
        if node.target is not None and node.target.reason and outcome.score < node.weight:
            reasons = (*reasons, f"偏差原因：{node.target.reason}")
        return NodeResult(
            node.path,
            node.weight,
            shown,
            exact,
            "scored",
            reasons,
            method_name,
            node.kind,
            outcome.inputs,
        )

    def bounded(self, node: BoundNode, method_name: str | None, unknown: Unknown) -> NodeResult:
        """A leaf whose score depends on a value not known: its low or high end, as the side says."""
        value = unknown.low if self.side == "low" else unknown.high
        exact = self.round(value) if self.rounding.stage == "indicator" else value
        name = node.target.name if node.target is not None else node.path[-1]
        low, high = self.round(unknown.low), self.round(unknown.high)
        inputs: dict[str, str] = {}
        if node.target is not None:
            target = node.target
            inputs = {"指标值": target.value_text, "实际完成值": target.actual_text or "（未填写）"}
            if target.unit:
                inputs["度量单位"] = target.unit
        return NodeResult(
            node.path,
            node.weight,
            self.round(value),
            exact,
            "scored",
            (reason(name, unknown, low, high, node.weight),),
            method_name,
            node.kind,
            inputs,
        )

    def failed(self, node: BoundNode) -> NodeResult:
        return NodeResult(node.path, node.weight, None, None, "not_applicable", ())

    def combine(self, node: BoundNode, results: list[NodeResult]) -> tuple[Decimal, list[str]]:
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
        return value.quantize(self.quantum, self.mode, CONTEXT)  # round_to, its quantum made once
