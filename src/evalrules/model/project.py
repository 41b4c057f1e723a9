"""The evaluated project's data: budget, targets, assessments, plan weights, claims.

Plain frozen values; :mod:`evalrules.io.project_loading` builds them from TOML or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from attrs import field, frozen
from attrs.validators import in_

from ..base.pickling import pickled_by_fields
from ..base.sources import Place as Place  # re-exported: targets and assessments carry their place
from .claims import Claims
from .evidence import PanelScore
from .operators import CANONICAL_OPERATORS, Operator
from .ruleset import MethodRef

BUDGET_FIELDS = ("年初预算数", "全年预算数", "调整后预算数", "到位资金", "执行数")
"""Budget figures a project may give (in its budget unit, 万元 by default)."""

BUDGET_ALIASES = {
    "全年执行数": "执行数",
    "实际执行数": "执行数",
    "调整预算数": "调整后预算数",
    "全年到位数": "到位资金",
}
"""Other printed words for a budget figure, each standing for exactly one of BUDGET_FIELDS (the 自评表
prints 全年执行数). Words that could mean two figures (年初预算 or 预算数 alone) are not among them."""

BUDGET_ROWS = ("财政拨款", "上年结转", "其他资金")
"""The rows under 年度资金总额 in the 自评表 (其中：当年财政拨款 / 上年结转资金 / 其他资金).
Provenance: [M] 财预〔2020〕10号 附件1 from memory; the words 当年财政拨款 and 上年结转资金 [V] in
the seed report (资金到位率: "其中当年财政拨款192.05万元，上年结转资金0万元")."""

BUDGET_ROW_ALIASES = {"当年财政拨款": "财政拨款", "上年结转资金": "上年结转"}
"""The rows' names as forms print them."""


def budget_row_name(written: str) -> str | None:
    """The row (BUDGET_ROWS) a printed label names ("其中：当年财政拨款" → 财政拨款), or None."""
    text = "".join(str(written).split())
    for lead in ("其中：", "其中:", "其中"):
        text = text.removeprefix(lead)
    return text if text in BUDGET_ROWS else BUDGET_ROW_ALIASES.get(text)


UNKNOWN_WORDS = ("?", "unknown", "不详")
"""What a value that is there but cannot be read (a cut-off or illegible cell) is written as, in
TOML/JSON and in CSV/Excel cells alike: neither not applicable nor an error, it is scored as a
range (docs/project-format.md). Any run of ? or ？ counts as "?"; "unknown" in any case."""


def is_unknown(value: object) -> bool:
    """Whether a value is the marker of a value not known (UNKNOWN_WORDS)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and (not text.strip("?？") or text.casefold() in UNKNOWN_WORDS)


@pickled_by_fields
@frozen
class Budget:
    unit: str = "万元"
    figures: Mapping[str, Decimal] = field(factory=dict)
    reason: str = ""
    """Why execution fell short (预算执行偏差原因), when it did."""
    places: Mapping[str, Place] = field(factory=dict)
    """Where each figure (and "reason") stands in the file; "" is the [budget] table itself, a
    row's name its table and "财政拨款/执行数" a row's figure."""
    rows: Mapping[str, Mapping[str, Decimal]] = field(factory=dict)
    """The parts of the 年度资金总额 (BUDGET_ROWS, in that order) with their figures; figures
    holds the total."""
    summed: tuple[str, ...] = ()
    """The total's figures that were not written but taken as the sum of the rows."""

    def row_figures(self, row: str = "") -> Mapping[str, Decimal]:
        """The figures of a row (财政拨款 …): of the total for "", or when no row is given at all
        (all of the money is then the one row)."""
        if not row or not self.rows:
            return self.figures
        return self.rows.get(row, {})


@pickled_by_fields
@frozen
class Target:
    """One of the project's own performance targets (绩效指标), filling a slot."""

    slot: tuple[str, ...]
    name: str
    operator: Operator = field(validator=in_(CANONICAL_OPERATORS))
    value: Decimal | None
    value_text: str
    unit: str
    actual: Decimal | None
    actual_text: str
    place: Place
    weight: Decimal | None = None
    reason: str = ""
    rating: str | None = None
    score: Decimal | None = None
    not_applicable: bool = False
    method: MethodRef | None = None
    note: str = ""
    unknown: tuple[str, ...] = ()
    """The keys whose value is marked as not known ("value", "actual", "score", "rating"); the
    value itself is then None (its text, such as "?", is kept in value_text / actual_text)."""
    lines: Mapping[str, int] = field(factory=dict)
    """The lines of the keys a problem found later (when scoring) may be about: a written actual
    that is not a number, a score; such a problem is located there, not at the table's header."""
    source: str = ""
    """申报表: where the target value comes from (计划标准, 行业标准, 历史标准, 其他标准 …)."""
    basis: str = ""
    """申报表: the basis of the value (a plan, a standard's number, last year's figure)."""
    history: Mapping[str, Decimal] = field(factory=dict)
    """申报表: the indicator's actual values of past years, by year ("2023"), oldest first."""
    inputs: Mapping[str, Decimal] = field(factory=dict)
    """Named input values (survey counts: 非常满意 = 120, 有效问卷 = 300, …), scored by the
    ruleset's [target_methods] "问卷" method (evalrules.default_plugins.evidence)."""
    panel: tuple[PanelScore, ...] = ()
    """Each evaluator's score, scored by the ruleset's [target_methods] "专家评议" method."""


@pickled_by_fields
@frozen
class Deduction:
    reason: str
    points: Decimal


@pickled_by_fields
@frozen
class Assessment:
    """The evaluators' assessment of one framework indicator (决策/过程 items and the like)."""

    path: tuple[str, ...]
    place: Place
    score: Decimal | None = None
    deductions: tuple[Deduction, ...] | None = None
    checklist: Mapping[str, bool] | None = None
    rating: str | None = None
    values: Mapping[str, Decimal] = field(factory=dict)
    not_applicable: bool = False
    reason: str = ""
    note: str = ""
    unknown: tuple[str, ...] = ()
    """The keys whose value is marked as not known ("score", "rating"); the value is then None."""
    lines: Mapping[str, int] = field(factory=dict)
    """The lines of the keys a problem found later (when scoring) may be about: a written actual
    that is not a number, a score; such a problem is located there, not at the table's header."""
    panel: tuple[PanelScore, ...] = ()
    """Each evaluator's score, scored by the ruleset's [target_methods] "专家评议" method."""


@pickled_by_fields
@frozen
class Project:
    name: str
    unit: str
    year: int | None
    file: str
    budget: Budget
    targets: tuple[Target, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    weights: Mapping[tuple[str, ...], Decimal] = field(factory=dict)
    weights_place: Mapping[tuple[str, ...], Place] = field(factory=dict)
    claims: Claims = field(factory=Claims)
    ruleset: str | None = None
    texts: Mapping[str, str] = field(factory=dict)
    region: str = ""
    flags: Mapping[str, bool | str] = field(factory=dict)
    """Facts that plugins act on (违规违纪 = true, or a description such as "挪用专项资金 20 万元")."""
