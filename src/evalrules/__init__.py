"""evalrules: score Chinese budget performance evaluations (预算绩效评价) under official rulesets.

>>> import evalrules
>>> ruleset = evalrules.load_ruleset("caiyu_2020_10")
>>> project = evalrules.load_project("examples/akto-2022.toml")
>>> result = evalrules.score(project, ruleset)
>>> result.total, result.grade
(Decimal('100.00'), '优')
"""

from __future__ import annotations

from .auditing.run import AuditCheck, AuditContext, AuditReport, Finding, audit
from .base.errors import EvalrulesError, FormulaError, LoadError, PluginError, Problem, ScoringError
from .base.sources import RulesetSource
from .engine.scoring import score
from .formula.evaluator import Formula, FormulaFunction, compile_formula
from .hooks.adjusting import Adjustment, RulesetOption
from .hooks.registry import DEFAULT_PLUGINS, Registry, default_registry
from .hooks.specs import hookimpl
from .hooks.strategies import InputProblem, Outcome, ParameterProblem, ScoringInput, ScoringStrategy
from .io.loading import load_ruleset
from .io.project_input import load_project
from .io.project_loading import project_from_data
from .model.project import Project
from .model.result import NodeResult, Result
from .model.ruleset import GradeBand, Indicator, MethodRef, Ruleset
from .monitoring import monitor
from .review.engine import review_targets
from .review.ruleset import load_review_ruleset

__all__ = [
    "DEFAULT_PLUGINS",
    "Adjustment",
    "AuditCheck",
    "AuditContext",
    "AuditReport",
    "EvalrulesError",
    "Finding",
    "Formula",
    "FormulaError",
    "FormulaFunction",
    "GradeBand",
    "Indicator",
    "InputProblem",
    "LoadError",
    "MethodRef",
    "NodeResult",
    "Outcome",
    "ParameterProblem",
    "PluginError",
    "Problem",
    "Project",
    "Registry",
    "Result",
    "Ruleset",
    "RulesetOption",
    "RulesetSource",
    "ScoringError",
    "ScoringInput",
    "ScoringStrategy",
    "audit",
    "compile_formula",
    "default_registry",
    "hookimpl",
    "load_project",
    "load_review_ruleset",
    "load_ruleset",
    "monitor",
    "project_from_data",
    "review_targets",
    "score",
]
