"""evalrules: score Chinese budget performance evaluations (预算绩效评价) under official rulesets.

>>> import evalrules
>>> ruleset = evalrules.load_ruleset("caiyu_2020_10")
>>> project = evalrules.load_project("examples/akto-2022.toml")
>>> result = evalrules.score(project, ruleset)
>>> result.total, result.grade
(Decimal('100.00'), '优')
"""

from __future__ import annotations

from .adjusting import Adjustment, RulesetOption
from .audit import AuditCheck, AuditContext, AuditReport, Finding, audit
from .errors import EvalrulesError, FormulaError, LoadError, PluginError, Problem, ScoringError
from .formula import Formula, FormulaFunction, compile_formula
from .hookspecs import hookimpl
from .loading import load_ruleset
from .model import GradeBand, Indicator, MethodRef, Ruleset
from .monitoring import monitor
from .plugins import DEFAULT_PLUGINS, Registry, default_registry
from .project import Project
from .project_loading import load_project, project_from_data
from .result import NodeResult, Result
from .scoring import score
from .sources import RulesetSource
from .strategies import InputProblem, Outcome, ParameterProblem, ScoringInput, ScoringStrategy

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
    "load_ruleset",
    "monitor",
    "project_from_data",
    "score",
]
