"""Result and NodeResult: scores, N/A status and reasons, and the stable JSON form.

A result made by scoring many projects is explained lazily: it holds its total, grade and
first-level scores, and the tree of NodeResults with their reasons is written the first time
``nodes``, ``reasons``, ``walk`` or ``to_dict`` asks for it (then kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs
from attrs import field, frozen

from ..base.numbers import fmt, quantum
from ..base.sources import Place

if TYPE_CHECKING:
    from ..hooks.adjusting import AdjustmentRecord

Status = Literal["scored", "not_applicable", "unknown"]
"""unknown: a value below it is not known (a cut-off cell marked "?", a blank actual value scored
--partial), so its score is a range, low to high."""
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
    low: Decimal | None = None
    """For a node whose status is unknown: its lowest possible score (score is then None)."""
    high: Decimal | None = None
    """For a node whose status is unknown: its highest possible score."""

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
class Rescaled:
    """The total rescaled over the first-level indicators that apply (policy "rescale"): a whole
    first-level indicator is not applicable, so the applicable weight is less than the maximum."""

    not_applicable: tuple[str, ...]
    """The first-level indicators that do not apply."""
    weight: Decimal
    """适用分值: the weights of the first-level indicators that apply, added up."""
    score: Decimal
    """得分合计: their scores as displayed, added up."""
    total: Decimal
    """折算后总分: the total rescaled to the maximum (before any plugin adjustment)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "not_applicable": list(self.not_applicable),
            "applicable_weight": json_number(self.weight),
            "applicable_score": json_number(self.score),
            "total": json_number(self.total),
        }


@frozen
class UnknownValue:
    """A value the project marks as not known ("?", "不详"), or leaves blank when scored with
    --partial: what it is, where, and the scores its indicator may then have."""

    path: tuple[str, ...]
    what: str
    """Which value: 实际完成值, 年度指标值, 得分, 评价等级."""
    text: str
    """The marker as written ("?", "不详") for 年度指标值 and 实际完成值; "" for the others and
    when left blank."""
    missing: bool
    """Left blank (scored with --partial or the ruleset's missing_actual = "unknown")."""
    low: Decimal
    high: Decimal
    place: Place | None = None

    def describe(self) -> str:
        written = "未填写" if self.missing else "不详" + (f"（“{self.text}”）" if self.text else "")
        return f"{'/'.join(self.path)} 的{self.what}{written}：得分 {fmt(self.low)}～{fmt(self.high)}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": list(self.path),
            "what": self.what,
            "text": self.text,
            "missing": self.missing,
            "low": json_number(self.low),
            "high": json_number(self.high),
        }
        if self.place is not None:
            data["location"] = {"file": self.place.file, "where": self.place.where, "line": self.place.line}
        return data


@frozen
class TotalRange:
    """The lowest and highest total the known values allow, when some are not known."""

    low: Decimal
    high: Decimal
    low_grade: str
    high_grade: str
    unknown: tuple[UnknownValue, ...]

    @property
    def grade(self) -> str | None:
        """The grade, when both ends share it."""
        return self.low_grade if self.low_grade == self.high_grade else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": json_number(self.low),
            "high": json_number(self.high),
            "low_grade": self.low_grade,
            "high_grade": self.high_grade,
            "unknown": [value.to_dict() for value in self.unknown],
        }


Explanation = tuple[tuple[NodeResult, ...], tuple[str, ...]]
"""The tree of node results and the reasons of the total."""


@frozen(eq=False)
class Result:
    """A scored project: total, grade, and every node in tree order.

    ``nodes`` and ``reasons`` are given either as they are or as a function that writes them
    when first asked (``explain``); either way they read the same.
    """

    total: Decimal
    exact_total: Decimal
    max: Decimal
    grade: str
    _nodes: tuple[NodeResult, ...] | None = field(alias="nodes")
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    ruleset_title: str
    project_name: str
    project_unit: str
    project_year: int | None
    places: int
    _reasons: tuple[str, ...] | None = field(default=(), alias="reasons")
    adjustments: tuple[AdjustmentRecord, ...] = ()
    _explain: Callable[[], Explanation] | None = field(default=None, alias="explain", repr=False)
    _subtotals: tuple[tuple[str, Decimal | None], ...] | None = field(
        default=None, alias="subtotals", repr=False
    )
    total_range: TotalRange | None = None
    """Set when some value is not known: the total is then a range and ``total`` and ``grade``
    are its low end (see ``definite``)."""
    _written: dict[str, Any] = field(factory=dict, init=False, repr=False)
    """The explanation once written (``explain`` called once): kept beside the fields, which
    never change, as functools.cached_property keeps a value beside an object's attributes."""

    @property
    def definite(self) -> bool:
        """Whether the total is known: no value is unknown, or the unknown ones do not change it."""
        return self.total_range is None or self.total_range.low == self.total_range.high

    @property
    def nodes(self) -> tuple[NodeResult, ...]:
        if self._nodes is not None:
            return self._nodes
        nodes: tuple[NodeResult, ...] = self._explanation()[0]
        return nodes

    @property
    def reasons(self) -> tuple[str, ...]:
        if self._reasons is not None:  # given, or an adjusted result's own
            return self._reasons
        reasons: tuple[str, ...] = self._explanation()[1]
        return reasons

    @property
    def explained(self) -> bool:
        """Whether the tree of reasons has been written (it is, on first use)."""
        return (self._nodes is not None and self._reasons is not None) or "explanation" in self._written

    def _explanation(self) -> Explanation:
        """The nodes and reasons, written by ``explain`` the first time they are asked for."""
        if "explanation" not in self._written:
            assert self._explain is not None, "a Result without nodes needs explain"
            self._written["explanation"] = self._explain()
        explanation: Explanation = self._written["explanation"]
        return explanation

    def __getstate__(self) -> dict[str, Any]:
        """Pickled explained, without what explains it (the project, ruleset and registry)."""
        state = {field.name: getattr(self, field.name) for field in attrs.fields(Result)}
        return state | {"_nodes": self.nodes, "_reasons": self.reasons, "_explain": None, "_written": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        """The same scores: totals, grade, first-level scores, adjustments, ruleset and project.
        The reasons are how a result explains itself, not what it is: comparing two results
        never writes (re-scores) an explanation."""
        if not isinstance(other, Result):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.total, self.grade, self.ruleset_sha256, self.project_name))

    def _key(self) -> tuple[Any, ...]:
        return (
            self.total,
            self.exact_total,
            self.max,
            self.grade,
            tuple((name, str(score)) for name, score in self.subtotals().items()),
            self.ruleset_id,
            self.ruleset_version,
            self.ruleset_sha256,
            self.ruleset_title,
            self.project_name,
            self.project_unit,
            self.project_year,
            self.places,
            self.adjustments,
            self.total_range,
        )

    def walk(self) -> Iterator[NodeResult]:
        for node in self.nodes:
            yield from node.walk()

    def node(self, *path: str) -> NodeResult:
        for node in self.walk():
            if node.path == path:
                return node
        raise KeyError("/".join(path))

    def subtotals(self) -> dict[str, Decimal | None]:
        """First-level indicator → its score as displayed (None when not applicable)."""
        if self._subtotals is not None:
            return dict(self._subtotals)
        return {node.name: node.score for node in self.nodes}

    @property
    def rescaled(self) -> Rescaled | None:
        """How the total was rescaled when a whole first-level indicator does not apply and the
        others' weights add up to less than the maximum (policy "rescale"); None otherwise."""
        skipped = tuple(node.name for node in self.nodes if node.status == "not_applicable")
        scored = [node for node in self.nodes if node.score is not None]
        weight = sum((node.weight for node in scored), Decimal(0))
        if not skipped or not scored or weight == self.max or any(n.status == "unknown" for n in self.nodes):
            return None
        total = self.adjustments[0].total_before if self.adjustments else self.total
        return Rescaled(
            skipped, weight, sum((n.score for n in scored if n.score is not None), Decimal(0)), total
        )

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (DESIGN.md §6); numbers rounded as the ruleset declares. A key
        that only some results have (``rescaled``) is left out where it does not apply."""
        ranged = self.total_range
        data: dict[str, Any] = {
            "total": json_number(self.total) if self.definite else None,
            "max": json_number(self.max),
            "grade": self.grade if ranged is None or ranged.grade is not None else None,
            "ruleset": {
                "id": self.ruleset_id,
                "version": self.ruleset_version,
                "sha256": self.ruleset_sha256,
            },
            "project": {"name": self.project_name, "unit": self.project_unit, "year": self.project_year},
            "reasons": list(self.reasons),
            "adjustments": [record.to_dict() for record in self.adjustments],
        }
        if ranged is not None:
            data["total_range"] = ranged.to_dict()
        rescaled = self.rescaled
        if rescaled is not None:
            data["rescaled"] = rescaled.to_dict()
        data["indicators"] = [self._node_dict(node) for node in self.walk()]
        return data

    def _node_dict(self, node: NodeResult) -> dict[str, Any]:
        data = {
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
        if node.low is not None and node.high is not None:
            data["range"] = {"low": json_number(node.low), "high": json_number(node.high)}
        return data


def json_number(value: Decimal, places: int | None = None) -> int | Decimal:
    """A number of a ``to_dict``: an int when whole, else the exact Decimal (never a float; the
    JSON text writes it with its own digits, see evalrules.base.json_text)."""
    if places is not None:
        value = value.quantize(quantum(places + 4)).normalize()
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
