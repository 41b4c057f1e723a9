"""Everything a plugin author needs, in one stable place (docs/hooks.md, docs/stability.md).

    from evalrules.plugin import hookimpl, Outcome, ScoringInput, InputProblem, fmt

A plugin imports from here and from nothing else in evalrules: the modules behind these names
may move (issue 15 reorganises the package), these names stay. evalrules' own regional plugins
(plugins/evalrules-sichuan, plugins/evalrules-xinjiang) do so, and a test keeps them to it.
"""

from __future__ import annotations

from .base.errors import EvalrulesError, LoadError, PluginError, Problem, ScoringError, suggest
from .base.numbers import CONTEXT, HUNDRED, ONE, ZERO, NumberProblem, fmt, parse_number, round_to
from .base.sources import Document, Place, RulesetSource
from .formula.evaluator import FormulaFunction
from .hooks.adjusting import Adjustment, RulesetOption
from .hooks.findings import AuditCheck, AuditContext, Finding, Severity
from .hooks.outlines import ReportOutline
from .hooks.review_checks import Hit, ReviewCheck, ReviewContext
from .hooks.specs import hookimpl
from .hooks.strategies import (
    InputProblem,
    Kernel,
    KernelStrategy,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    ScoringStrategy,
    check_keys,
)
from .model.project import Assessment, Budget, Project, Target
from .model.result import NodeResult, Result
from .model.ruleset import Indicator, Ruleset

__all__ = [
    "CONTEXT",
    "HUNDRED",
    "ONE",
    "ZERO",
    "Adjustment",
    "Assessment",
    "AuditCheck",
    "AuditContext",
    "Budget",
    "Document",
    "EvalrulesError",
    "Finding",
    "FormulaFunction",
    "Hit",
    "Indicator",
    "InputProblem",
    "Kernel",
    "KernelStrategy",
    "LoadError",
    "NodeResult",
    "NumberProblem",
    "Outcome",
    "ParameterProblem",
    "Place",
    "PluginError",
    "PrepareContext",
    "Problem",
    "Project",
    "ReportOutline",
    "Result",
    "ReviewCheck",
    "ReviewContext",
    "Ruleset",
    "RulesetOption",
    "RulesetSource",
    "ScoringError",
    "ScoringInput",
    "ScoringStrategy",
    "Severity",
    "Target",
    "check_keys",
    "fmt",
    "hookimpl",
    "parse_number",
    "round_to",
    "suggest",
]
