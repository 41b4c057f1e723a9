"""Evidence → project data: the inverse of :mod:`evalrules.io.evidence_reading`, for the project export."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..model.evidence import PanelScore


def evidence_data(inputs: Mapping[str, Decimal], panel: tuple[PanelScore, ...]) -> dict[str, Any]:
    """The ``inputs`` and ``panel`` keys of a target or assessment (only those given)."""
    data: dict[str, Any] = {}
    if inputs:
        data["inputs"] = dict(inputs)
    if panel:
        data["panel"] = [
            {
                "expert": entry.expert,
                "score": entry.score,
                **({"comment": entry.comment} if entry.comment else {}),
            }
            for entry in panel
        ]
    return data
