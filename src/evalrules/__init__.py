"""evalrules: score Chinese budget performance evaluations (预算绩效评价) under official rulesets.

>>> import evalrules
>>> ruleset = evalrules.load_ruleset("caiyu_2020_10")
>>> project = evalrules.load_project("examples/akto-2022.toml")
>>> result = evalrules.score(project, ruleset)
>>> result.total, result.grade
(Decimal('100.00'), '优')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and documentation; a test keeps the two equal
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

_HOMES = {
    "AuditCheck": ".auditing.run",
    "AuditContext": ".auditing.run",
    "AuditReport": ".auditing.run",
    "Finding": ".auditing.run",
    "audit": ".auditing.run",
    "EvalrulesError": ".base.errors",
    "FormulaError": ".base.errors",
    "LoadError": ".base.errors",
    "PluginError": ".base.errors",
    "Problem": ".base.errors",
    "ScoringError": ".base.errors",
    "RulesetSource": ".base.sources",
    "score": ".engine.scoring",
    "Formula": ".formula.evaluator",
    "FormulaFunction": ".formula.evaluator",
    "compile_formula": ".formula.evaluator",
    "Adjustment": ".hooks.adjusting",
    "RulesetOption": ".hooks.adjusting",
    "DEFAULT_PLUGINS": ".hooks.registry",
    "Registry": ".hooks.registry",
    "default_registry": ".hooks.registry",
    "hookimpl": ".hooks.specs",
    "InputProblem": ".hooks.strategies",
    "Outcome": ".hooks.strategies",
    "ParameterProblem": ".hooks.strategies",
    "ScoringInput": ".hooks.strategies",
    "ScoringStrategy": ".hooks.strategies",
    "load_ruleset": ".io.loading",
    "load_project": ".io.project_input",
    "project_from_data": ".io.project_loading",
    "Project": ".model.project",
    "NodeResult": ".model.result",
    "Result": ".model.result",
    "GradeBand": ".model.ruleset",
    "Indicator": ".model.ruleset",
    "MethodRef": ".model.ruleset",
    "Ruleset": ".model.ruleset",
    "monitor": ".monitoring",
    "review_targets": ".review.engine",
    "load_review_ruleset": ".review.ruleset",
}
"""Each public name → the module it lives in, imported on first use, so that ``import evalrules``
(and the command line) loads only the machinery a task needs: scoring one project does not load
the target review, monitoring, the self-checks or the reports."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'evalrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


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
