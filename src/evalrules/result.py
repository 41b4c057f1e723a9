"""Result and NodeResult: scores, N/A status and reasons, and the stable JSON form."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from attrs import field, frozen

if TYPE_CHECKING:
    from .adjusting import AdjustmentRecord

Status = Literal["scored", "not_applicable"]
NodeKind = Literal["indicator", "slot", "group", "target"]


@frozen
class NodeResult:
    """The outcome for one node of the bound tree (an indicator or a project target)."""

    path: tuple[str, ...]
    weight: Decimal
    score: Decimal | None
    """Rounded as the ruleset displays it; None when not applicable."""
    exact: Decimal | None
    """The value used for adding up (rounded when the rounding stage says so)."""
    status: Status
    reasons: tuple[str, ...]
    method: str | None = None
    kind: NodeKind = "indicator"
    inputs: Mapping[str, str] = field(factory=dict)
    children: tuple[NodeResult, ...] = ()

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def level(self) -> int:
        return len(self.path)

    def walk(self) -> Iterator[NodeResult]:
        yield self
        for child in self.children:
            yield from child.walk()


@frozen
class Result:
    """A scored project: total, grade, and every node in tree order."""

    total: Decimal
    exact_total: Decimal
    max: Decimal
    grade: str
    nodes: tuple[NodeResult, ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    ruleset_title: str
    project_name: str
    project_unit: str
    project_year: int | None
    places: int
    reasons: tuple[str, ...] = ()
    adjustments: tuple[AdjustmentRecord, ...] = ()

    def walk(self) -> Iterator[NodeResult]:
        for node in self.nodes:
            yield from node.walk()

    def node(self, *path: str) -> NodeResult:
        for node in self.walk():
            if node.path == path:
                return node
        raise KeyError("/".join(path))

    def subtotals(self) -> dict[str, Decimal | None]:
        return {node.name: node.score for node in self.nodes}

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (DESIGN.md §6); numbers rounded as the ruleset declares."""
        return {
            "total": json_number(self.total),
            "max": json_number(self.max),
            "grade": self.grade,
            "ruleset": {
                "id": self.ruleset_id,
                "version": self.ruleset_version,
                "sha256": self.ruleset_sha256,
            },
            "project": {"name": self.project_name, "unit": self.project_unit, "year": self.project_year},
            "reasons": list(self.reasons),
            "adjustments": [record.to_dict() for record in self.adjustments],
            "indicators": [
                {
                    "path": list(node.path),
                    "level": node.level,
                    "kind": node.kind,
                    "weight": json_number(node.weight, self.places),
                    "score": json_number(node.score) if node.score is not None else None,
                    "status": node.status,
                    "method": node.method,
                    "inputs": dict(node.inputs),
                    "reasons": list(node.reasons),
                }
                for node in self.walk()
            ],
        }


def json_number(value: Decimal, places: int | None = None) -> int | float:
    """A JSON number for a Decimal: an int when whole, else the float whose text is the same."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places - 4)).normalize()
    if value == value.to_integral_value():
        return int(value)
    return float(str(value))
