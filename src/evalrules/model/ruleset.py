"""The ruleset as frozen values: metadata, provenance, the indicator tree, bands, policies.

The model knows nothing of TOML; :mod:`evalrules.io.loading` builds it and checks it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from attrs import field, frozen

from .evidence import EVIDENCE_METHODS, EvidenceMethod
from .operators import Operator

if TYPE_CHECKING:
    from .project import Project

ProvenanceStatus = Literal["verified", "secondary", "unverified"]

SOURCE_TAGS: Mapping[str, ProvenanceStatus] = {
    "V": "verified",
    "V-code": "secondary",
    "S": "secondary",
    "M": "unverified",
    "chosen": "unverified",
}
"""RULES.md's source tags and the provenance status each implies. "chosen" marks a value the
ruleset author picked where no source states one."""


@frozen
class Provenance:
    """Where a parameter comes from: verified, secondary or unverified, with the source."""

    status: ProvenanceStatus
    tag: str
    source: str = ""
    note: str = ""


@frozen
class RulesetInfo:
    """Who issued the rules this ruleset encodes, and which version of the encoding it is."""

    id: str
    version: str
    title: str
    document: str
    issuer: str
    effective: date | None = None
    mode: str = ""
    description: str = ""
    derived_from: tuple[str, ...] = ()
    document_title: str = ""
    """The official title of the document (项目支出绩效评价管理办法, written without 《》), or ""
    when it is not known: a citation then gives the 文号 alone, never the ruleset's own title."""

    @property
    def citation(self) -> str:
        """How every report cites the document: see :func:`cite`."""
        return cite(self.document_title, self.document)

    @property
    def self_evaluation(self) -> bool:
        """Whether the ruleset scores a 单位自评 (its mode says 自评), not a 部门/财政评价."""
        return "自评" in self.mode


def cite(document_title: str, document: str) -> str:
    """The one way a document is cited: 《项目支出绩效评价管理办法》（财预〔2020〕10号）.

    Only what is known is cited: the title alone, or the 文号 alone when the title is not known.
    A ruleset's own title is never put in 《》: it names the encoding, not an issued document.
    """
    title = document_title.strip().strip("《》").strip()
    number = document.strip()
    if title and number:
        return f"《{title}》（{number}）"
    return f"《{title}》" if title else number


@frozen
class GradeBand:
    """A grade over the half-open interval [low, high); the top band also includes high."""

    name: str
    low: Decimal
    high: Decimal


@frozen
class Rounding:
    """How scores are rounded: places, mode (四舍五入 by default) and the stage it applies at.

    stage "indicator": every indicator's score is rounded and parents add rounded scores;
    "level": first-level subtotals are rounded and the total adds them;
    "total": exact throughout, only the total is rounded.
    """

    places: int = 2
    mode: str = "ROUND_HALF_UP"
    stage: Literal["indicator", "level", "total"] = "indicator"
    total_before_grade: bool = True


@frozen
class NotApplicablePolicy:
    """What happens to the weight of a not-applicable indicator (never a score of 0).

    "rescale": the parent is scored on its applicable children and scaled to its own weight;
    "share": the weight is shared equally among the applicable siblings.
    missing_actual: a numeric target without an actual value is an "error", "not_applicable", or
    "unknown" (scored as a range, as with --partial).
    """

    policy: Literal["rescale", "share"] = "rescale"
    missing_actual: Literal["error", "not_applicable", "unknown"] = "error"


@frozen
class AuditPolicy:
    """Thresholds the review (复核) checks use.

    over_completion: an actual value at or above this multiple of its target needs an explanation
    (e.g. 1.3 = 130%); low_execution: budget execution below this rate needs a reason (e.g. 0.9);
    output_outcome_share: the least share of the total weight 产出 + 效益 should carry (e.g. 0.6).
    None switches the check off.
    """

    over_completion: Decimal | None = None
    low_execution: Decimal | None = None
    output_outcome_share: Decimal | None = None


@frozen
class MethodRef:
    """A scoring strategy by name with its parameters, as the ruleset states them."""

    strategy: str
    params: Mapping[str, Any] = field(factory=dict, eq=False)
    prepared: Any = field(default=None, eq=False, repr=False)
    """The strategy's checked, ready form of params (formulas compiled once)."""

    def params_items(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((key, repr(value)) for key, value in self.params.items()))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MethodRef)
            and other.strategy == self.strategy
            and other.params_items() == self.params_items()
        )

    def __hash__(self) -> int:
        return hash((self.strategy, self.params_items()))


@frozen
class Slot:
    """A place in the tree that a project's own targets fill (e.g. 产出/产出数量).

    groups: optional sub-categories a target may name (产出指标/数量指标); a group's weight is
    the sum of its targets' weights, and a group without targets is not applicable.
    empty: what an unfilled slot is: an "error" or "not_applicable".
    """

    empty: Literal["error", "not_applicable"] = "error"
    groups: tuple[str, ...] = ()


@frozen
class Indicator:
    """One node of the indicator tree. A leaf has a method or is a slot; a branch has children."""

    name: str
    weight: Decimal
    children: tuple[Indicator, ...] = ()
    method: MethodRef | None = None
    slot: Slot | None = None
    description: str = ""
    provenance: Provenance | None = None

    def __attrs_post_init__(self) -> None:
        # the three kinds of node, so that a wrong tree cannot be built in code either
        if self.children and (self.method is not None or self.slot is not None):
            raise ValueError(f"指标 “{self.name}” 有下级指标，不能再有计分方法或作为 slot")
        if not self.children and (self.method is None) == (self.slot is None):
            raise ValueError(f"末级指标 “{self.name}” 须恰有计分方法或 slot 之一")

    @property
    def kind(self) -> Literal["branch", "leaf", "slot"]:
        """branch: has children; leaf: scored by its method; slot: filled by a project's targets."""
        return "branch" if self.children else "slot" if self.slot is not None else "leaf"

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Indicator]]:
        path = (*prefix, self.name)
        yield path, self
        for child in self.children:
            yield from child.walk(path)


@frozen
class TargetMethod:
    """How a project's target with a given operator (≥, ≤, =, 定性) is scored, or a target or
    assessment that carries evidence (问卷, 专家评议)."""

    operator: Operator | EvidenceMethod
    method: MethodRef


@frozen
class Example:
    """A worked example (golden case) a ruleset carries: a project and the scores it must get.

    expected_scores maps an indicator path to its expected score, or None for 不适用.
    data is the example's own TOML table, kept to write the ruleset back out unchanged.
    """

    name: str
    data: Mapping[str, Any]
    project: Project = field(eq=False, repr=False)
    expected_total: Decimal | None = None
    expected_grade: str | None = None
    expected_scores: tuple[tuple[tuple[str, ...], Decimal | None], ...] = ()
    description: str = ""
    file: str = field(default="", eq=False)
    line: int | None = field(default=None, eq=False)


@frozen
class Ruleset:
    """A complete, checked ruleset: what `load_ruleset` returns and `score` uses."""

    info: RulesetInfo
    max: Decimal
    indicators: tuple[Indicator, ...]
    grades: tuple[GradeBand, ...]
    rounding: Rounding
    not_applicable: NotApplicablePolicy
    target_methods: tuple[TargetMethod, ...]
    tolerance: Decimal = Decimal("0.1")
    provenance: Mapping[str, Provenance] = field(factory=dict)
    audit: AuditPolicy = field(factory=AuditPolicy)
    options: Mapping[str, Any] = field(factory=dict)
    """Switches read by plugins (e.g. a one-vote veto), checked against the registered options."""
    examples: tuple[Example, ...] = ()
    """Worked examples ([[examples]]): the child's own, never inherited through ``extends``."""
    project_methods: tuple[str, ...] | None = None
    """[project_methods] allowed: the scoring methods a project's target may name for itself;
    None when the ruleset does not say (then those of its [target_methods])."""
    sha256: str = field(default="", eq=False)
    """SHA-256 of the fully resolved ruleset as TOML (set by the loader)."""

    def walk(self) -> Iterator[tuple[tuple[str, ...], Indicator]]:
        for indicator in self.indicators:
            yield from indicator.walk()

    def find(self, path: tuple[str, ...]) -> Indicator | None:
        level: tuple[Indicator, ...] = self.indicators
        found: Indicator | None = None
        for name in path:
            found = next((node for node in level if node.name == name), None)
            if found is None:
                return None
            level = found.children
        return found

    @property
    def allowed_project_methods(self) -> tuple[str, ...]:
        """The methods a project's target may choose: [project_methods] allowed, else the
        methods the ruleset itself gives ≥ ≤ = 定性 targets (so never manual or a free formula
        unless the ruleset lists it: a project must not award itself points)."""
        if self.project_methods is not None:
            return self.project_methods
        chosen = (t.method.strategy for t in self.target_methods if t.operator not in EVIDENCE_METHODS)
        return tuple(dict.fromkeys(chosen))

    def target_method(self, operator: str) -> MethodRef | None:
        return next((t.method for t in self.target_methods if t.operator == operator), None)

    def grade_for(self, total: Decimal) -> str:
        """The band containing total: half-open [low, high), the top band closed at max."""
        for band in self.grades:
            if band.low <= total < band.high or (band.high == self.max and total == self.max):
                return band.name
        raise ValueError(f"总分 {total} 不在任何等级区间内")
