"""The plugin contract: read this first.

A plugin is a module or object with functions marked ``@hookimpl`` whose names match the specs
below. Built-in rulesets, strategies and functions are registered the same way
(:data:`evalrules.hooks.registry.DEFAULT_PLUGINS`). Third-party plugins are found through the entry-point
group ``evalrules``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ..base.sources import RulesetSource
    from ..formula.evaluator import FormulaFunction
    from ..model.project import Project
    from ..model.result import Result
    from ..model.ruleset import Ruleset
    from .adjusting import Adjustment, RulesetOption
    from .findings import AuditCheck
    from .outlines import ReportOutline
    from .review_checks import ReviewCheck
    from .strategies import ScoringStrategy

PROJECT_NAME = "evalrules"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""The marker of a plugin's hook implementations: ``@hookimpl def register_rulesets(): ...``."""


@hookspec
def register_rulesets() -> list[RulesetSource]:  # type: ignore[empty-body]
    """Rulesets this plugin provides, each a :class:`~evalrules.base.sources.RulesetSource`
    (usually ``RulesetSource.from_file(path)`` for a TOML file shipped in the package)."""


@hookspec
def register_monitoring_rulesets() -> list[RulesetSource]:  # type: ignore[empty-body]
    """Monitoring rulesets (绩效运行监控, ``[monitoring_ruleset]``) this plugin provides, each a
    :class:`~evalrules.base.sources.RulesetSource`, usually
    ``RulesetSource.from_file(path, "monitoring_ruleset")``. An id is either an evaluation ruleset's
    or a monitoring ruleset's, never both."""


@hookspec
def register_strategies() -> list[ScoringStrategy]:  # type: ignore[empty-body]
    """Scoring strategies this plugin provides (objects following
    :class:`~evalrules.hooks.strategies.ScoringStrategy`), each under a unique ``name``."""


@hookspec
def register_functions() -> list[FormulaFunction]:  # type: ignore[empty-body]
    """Functions formulas may call (:class:`~evalrules.formula.evaluator.FormulaFunction`): pure,
    Decimal in and Decimal out, with a signature and a Chinese description for the docs."""


@hookspec
def register_options() -> list[RulesetOption]:  # type: ignore[empty-body]
    """Switches this plugin reads from a ruleset's ``[options]`` table
    (:class:`~evalrules.hooks.adjusting.RulesetOption`: name, kind, default, Chinese description), so
    that the table is checked like every other key of a ruleset."""


@hookspec
def adjust_result(result: Result, ruleset: Ruleset, project: Project) -> Adjustment | None:
    """Change a finished result (a one-vote veto, a grade cap): return an
    :class:`~evalrules.hooks.adjusting.Adjustment` with a reason, or None to leave it. Adjustments apply
    in plugin order, and each is recorded with the plugin's name in ``result.reasons`` and
    ``result.adjustments``. An exception here stops scoring with a located error."""


@hookspec
def register_checks() -> list[AuditCheck]:  # type: ignore[empty-body]
    """Review checks this plugin adds to ``evalrules audit`` (objects following
    :class:`~evalrules.hooks.findings.AuditCheck`: code, severity, title, doc, run(context)), each
    under a unique ``code``; a region adds the checks its own rules call for."""


@hookspec
def register_review_checks() -> list[ReviewCheck]:  # type: ignore[empty-body]
    """Check functions review rulesets (绩效目标审核) may call by name with ``check = "…"``
    (:class:`~evalrules.hooks.review_checks.ReviewCheck`: name, run(context), doc, params, fields)."""


@hookspec
def register_report_outlines() -> list[ReportOutline]:  # type: ignore[empty-body]
    """Report outlines this plugin provides (:class:`~evalrules.hooks.outlines.ReportOutline`: a name
    for ``evalrules report --outline``, its chapters in order with their headings, the rulesets
    whose reports take it by default, and optionally a folder of templates), each under a unique
    ``name``. The core registers 附件3's outline as ``fujian3``."""
