"""The evidence a target or an assessment may carry: one expert's score in a panel, and the
names under which a ruleset declares how evidence is scored."""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from ..pickling import pickled_by_fields

SURVEY_METHOD = "问卷"
"""The [target_methods] key of the method for a target that carries survey counts (inputs)."""

PANEL_METHOD = "专家评议"
"""The [target_methods] key of the method for a target or assessment scored by an expert panel."""

EVIDENCE_METHODS = (SURVEY_METHOD, PANEL_METHOD)


@pickled_by_fields
@frozen
class PanelScore:
    """One evaluator's score (and comment) in an expert panel."""

    expert: str
    score: Decimal
    comment: str = ""
