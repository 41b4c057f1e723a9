"""The evidence a target or an assessment may carry: one expert's score in a panel, and the
names under which a ruleset declares how evidence is scored."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from attrs import frozen

from ..base.pickling import pickled_by_fields

EvidenceMethod = Literal["问卷", "专家评议"]
"""A [target_methods] key besides the operators: how evidence is scored."""

SURVEY_METHOD: EvidenceMethod = "问卷"
"""The [target_methods] key of the method for a target that carries survey counts (inputs)."""

PANEL_METHOD: EvidenceMethod = "专家评议"
"""The [target_methods] key of the method for a target or assessment scored by an expert panel."""

EVIDENCE_METHODS: tuple[EvidenceMethod, ...] = (SURVEY_METHOD, PANEL_METHOD)


def evidence_method(written: str) -> EvidenceMethod | None:
    """The evidence method a [target_methods] key names, or None."""
    return next((method for method in EVIDENCE_METHODS if method == written), None)


@pickled_by_fields
@frozen
class PanelScore:
    """One evaluator's score (and comment) in an expert panel."""

    expert: str
    score: Decimal
    comment: str = ""
