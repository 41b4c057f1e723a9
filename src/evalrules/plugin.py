"""Everything a plugin author needs, in one stable place (docs/hooks.md, docs/stability.md).

    from evalrules.plugin import hookimpl, Outcome, ScoringInput, InputProblem, fmt

A plugin imports from here and from nothing else in evalrules: the modules behind these names
may move (issue 15 reorganises the package), these names stay. evalrules' own regional plugins
(plugins/evalrules-sichuan, plugins/evalrules-xinjiang) do so, and a test keeps them to it.
"""

from __future__ import annotations

from .adjusting import Adjustment, RulesetOption
from .errors import EvalrulesError, LoadError, PluginError, Problem, ScoringError, suggest
from .findings import AuditCheck, AuditContext, Finding, Severity
from .formula import FormulaFunction
from .hookspecs import hookimpl
from .model import Indicator, Ruleset
from .numbers import CONTEXT, HUNDRED, ONE, ZERO, NumberProblem, fmt, parse_number, round_to
from .outlines import ReportOutline
from .project import Assessment, Budget, Project, Target
from .result import NodeResult, Result
from .sources import Document, Place, RulesetSource
from .strategies import (
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
