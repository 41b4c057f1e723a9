"""绩效目标审核: review a project's performance targets (绩效目标申报表) before the year starts.

A *review ruleset* (TOML, :mod:`.ruleset`) names rules, each a formula over a target's facts
(:mod:`.facts`) or a registered check function (:mod:`.checks`, hook ``register_review_checks``);
:func:`review_targets` runs them and gives findings in the audit's shape and a 审核结论.
"""

DEFAULT_REVIEW_RULESET = "mubiao_2021_101"
"""The review ruleset used unless told otherwise (财预〔2021〕101号); here, so that the command line
can show it without loading the review machinery."""
