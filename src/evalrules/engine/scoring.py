"""Scoring a project under a ruleset: by the ruleset's plan, or the explaining way.

``score`` runs the ruleset's :class:`~evalrules.engine.plan.RulesetPlan` (made once per ruleset and
registry): arithmetic alone, and a result that writes its nodes and reasons when first asked, with
the explaining scorer (:class:`~evalrules.engine.explaining.Explainer`), which also scores every
project the plan leaves (problems to report, rarer settings); the two are checked against each
other on every explanation. Everything runs in the decimal context ``numbers.CONTEXT``; no I/O;
every problem is collected first.
"""

from __future__ import annotations

import threading
from decimal import Decimal, localcontext
from functools import partial

from ..base.errors import Problem, ScoringError
from ..base.numbers import CONTEXT
from ..hooks.adjusting import apply_adjustments
from ..hooks.registry import Registry, default_registry
from ..model.project import Project
from ..model.result import Explanation, Result
from ..model.ruleset import Ruleset
from .explaining import Explainer
from .plan import RulesetPlan


def score(
    project: Project,
    ruleset: Ruleset,
    registry: Registry | None = None,
    *,
    ranges: bool = False,
    partial: bool = False,
) -> Result:
    """Score a project under a ruleset, then let plugins adjust the finished result (each
    adjustment recorded in its reasons); raises ScoringError listing every problem.

    A value the project marks as not known ("?", "不详") is refused (E-UNKNOWN) unless ``ranges``:
    then the result's ``total_range`` gives the lowest and highest total the known values allow
    (``total`` and ``grade`` are its low end). ``partial`` takes blank actual values as not known
    too, instead of refusing them (E-INPUT), and implies ``ranges``."""
    registry = registry or default_registry()
    with localcontext(CONTEXT):
        planned = _planned(project, ruleset, registry)
        if planned is not None:
            return apply_adjustments(planned, ruleset, project, registry.adjusters)
        scorer = Explainer(project, ruleset, registry, partial=partial)
        return scorer.finished(registry.adjusters, ranges=ranges or partial)


def score_unadjusted(project: Project, ruleset: Ruleset, registry: Registry) -> Result:
    """The ruleset's own result, before plugins adjust it: by the ruleset's plan when the project
    keeps to its road, otherwise explained at once. Call it in the context ``numbers.CONTEXT``."""
    return _planned(project, ruleset, registry) or Explainer(project, ruleset, registry).run()


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
        explain=partial(_explanation, project, ruleset, registry, exact, firsts),
        subtotals=firsts,
    )


def explain(
    project: Project,
    ruleset: Ruleset,
    registry: Registry | None = None,
    *,
    ranges: bool = False,
    partial: bool = False,
) -> Result:
    """Score a project the explaining way only (no plan): every node with its reasons at once."""
    registry = registry or default_registry()
    with localcontext(CONTEXT):
        scorer = Explainer(project, ruleset, registry, partial=partial)
        return scorer.finished(registry.adjusters, ranges=ranges or partial)


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


def _explanation(
    project: Project,
    ruleset: Ruleset,
    registry: Registry,
    exact: Decimal,
    firsts: tuple[tuple[str, Decimal | None], ...],
) -> Explanation:
    with localcontext(CONTEXT):
        explained = Explainer(project, ruleset, registry).run()
    # the plan and the scorer must never disagree: on the total, and on the first-level scores
    # (batch writes those from the plan, a report from the explanation)
    shown = tuple((node.name, node.score) for node in explained.nodes)
    if explained.exact_total != exact or [(n, str(s)) for n, s in shown] != [(n, str(s)) for n, s in firsts]:
        raise ScoringError(
            [
                Problem(
                    "E-INTERNAL",
                    f"内部错误：按计划打分得 {exact}（{_firsts(firsts)}），"
                    f"逐项解释得 {explained.exact_total}（{_firsts(shown)}）",
                    file=project.file,
                )
            ]
        )
    return explained.nodes, explained.reasons


def _firsts(firsts: tuple[tuple[str, Decimal | None], ...]) -> str:
    return "，".join(f"{name} {'不适用' if value is None else value}" for name, value in firsts)
