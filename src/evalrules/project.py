"""The evaluated project's data: budget, targets, assessments, plan weights, claims.

Plain frozen values; :mod:`evalrules.project_loading` builds them from TOML or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from attrs import field, frozen

from .claims import Claims
from .evidence.model import PanelScore
from .model import MethodRef
from .pickling import pickled_by_fields
from .sources import Place as Place  # re-exported: targets and assessments carry their place

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


_AT_LEAST = (
    ">=",
    "≥",
    "≧",
    "⩾",
    "＞=",
    ">＝",
    "＞＝",
    "=>",
    "≥=",
    "大于等于",
    "大于或等于",
    "不低于",
    "不少于",
    "不小于",
    "≮",
)
_AT_MOST = (
    "<=",
    "≤",
    "≦",
    "⩽",
    "＜=",
    "<＝",
    "＜＝",
    "=<",
    "≤=",
    "小于等于",
    "小于或等于",
    "不高于",
    "不超过",
    "不多于",
    "不大于",
    "≯",
)
_EQUAL = ("=", "＝", "==", "＝＝", "═", "等于")
OPERATORS = {
    **dict.fromkeys(_AT_LEAST, ">="),
    **{"以上": ">=", "正向": ">=", "正向指标": ">="},
    **dict.fromkeys(_AT_MOST, "<="),
    **{"以下": "<=", "以内": "<=", "反向": "<=", "反向指标": "<="},
    **dict.fromkeys(_EQUAL, "="),
    "定性": "定性",
    "定性指标": "定性",
}
"""Operator spellings seen in printed forms, each mapped to its canonical form (≥ ≤ = 定性):
symbols in half and full width, ═ (U+2550, a box-drawing line some forms print for =), the
words (不低于 95%, 95%以上) and the 指标性质 column's 正向/反向. A strict > or < is not among them:
forms use it loosely, and whether 95 meets "> 95" is not for evalrules to guess."""

PREFIX_OPERATORS = tuple(sorted((*_AT_LEAST, *_AT_MOST, *_EQUAL), key=len, reverse=True))
"""The spellings that may lead a value written with its operator ("≥95%", "不低于95%"), longest first."""

SUFFIX_OPERATORS = (("以上", ">="), ("以下", "<="), ("以内", "<="))
"""The words that follow a value written with its operator ("95%以上")."""


def canonical_operator(written: object) -> str | None:
    """The canonical operator (>=, <=, =, 定性) a printed spelling stands for, or None. Spaces
    inside do not matter ("> =", "≥ =", "不 低于" as cut from a form)."""
    return OPERATORS.get("".join(str(written).split()))


def operator_in_value(text: str) -> tuple[str | None, str]:
    """The operator written inside a value ("≥95%", "不低于 95%", "95%以上") and the value without
    it; (None, text) when there is none."""
    stripped = text.strip()
    for word in PREFIX_OPERATORS:
        if stripped.startswith(word):
            return OPERATORS[word], stripped[len(word) :].strip()
    for word, operator in SUFFIX_OPERATORS:
        if stripped.endswith(word):
            return operator, stripped[: -len(word)].strip()
    return None, stripped


def suggest_operator(written: object) -> str:
    """What to write instead of an unknown operator. Never a near spelling of the opposite
    (difflib offered 不大于 for 大于): a strict comparison is pointed to its inclusive form, and
    anything else gets the four canonical ones."""
    text = str(written).strip()
    negated = text.startswith("不")
    if any(word in text for word in (">", "＞", "大于", "高于", "多于", "超过")):
        closest = "<=" if negated else ">="
    elif any(word in text for word in ("<", "＜", "小于", "低于", "少于")):
        closest = ">=" if negated else "<="
    else:
        return "可写 ≥（不低于）、≤（不高于）、=（等于）或 定性"
    shown = {">=": "≥（大于等于、不低于）", "<=": "≤（小于等于、不高于）"}[closest]
    return f"是否想写 {shown}？evalrules 没有“严格大于/小于”的指标性质：达到指标值即算完成"


UNKNOWN_WORDS = ("?", "unknown", "不详")
"""What a value that is there but cannot be read (a cut-off or illegible cell) is written as, in
TOML/JSON and in CSV/Excel cells alike: neither not applicable nor an error, it is scored as a
range (docs/project-format.md). Any run of ? or ？ counts as "?"; "unknown" in any case."""


def is_unknown(value: object) -> bool:
    """Whether a value is the marker of a value not known (UNKNOWN_WORDS)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and (set(text) <= {"?", "？"} or text.casefold() in UNKNOWN_WORDS)


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
    operator: str
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
