"""Hypothesis strategies that generate projects for a ruleset, for ``evalrules check``.

A generated project has a budget (every figure > 0), an assessment for every framework leaf with
the data its method needs (deduction lists, checklist answers, manual scores, formula inputs,
ratings), and targets in every slot for the operators of [target_methods] (numbers for ≥ ≤ = and
ratings for 定性), splitting the slot's weight equally or giving their weights (some of them 0).
Some indicators and targets are not applicable. Everything shrinks towards small numbers, no
deductions and fewer targets, so a counter-example comes out minimal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from ..base.numbers import fmt, split_equally
from ..base.sources import Place
from ..model.applicability import applicability
from ..model.operators import Operator, canonical_operator
from ..model.project import BUDGET_FIELDS, Assessment, Budget, Deduction, Project, Target
from ..model.ruleset import Indicator, MethodRef, Ruleset

FILE = "<evalrules check>"
"""The file name generated projects carry (they exist only in memory)."""

NUMERIC = ("positive", "reverse", "equal", "step", "formula")
"""Target methods fed a target value and an actual value."""
FRAMEWORK = (
    "deduction",
    "checklist",
    "execution_rate",
    "arrival_rate",
    "step",
    "manual",
    "formula",
    "qualitative",
)
"""Framework methods the generator knows how to feed; other leaves are marked not applicable."""

Draw = Callable[[st.SearchStrategy[Any]], Any]


@functools.cache
def amounts(low: int = 0, high: int = 1000) -> st.SearchStrategy[Decimal]:
    """Decimals with 2 places in [low, high], shrinking towards low (strategies are built once:
    building one costs more than drawing from it)."""
    return st.integers(low * 100, high * 100).map(lambda n: Decimal(n).scaleb(-2).normalize())


@functools.cache
def _deductions(high: int) -> st.SearchStrategy[list[Decimal]]:
    return st.lists(amounts(0, high), max_size=3)


@functools.cache
def _choice(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


_NA = st.sampled_from((False, False, False, True))
_WEIGHTED = st.sampled_from((False, False, True))
_BOOL = st.booleans()
_PERCENT = st.integers(0, 100)
_COUNTS = {low: st.integers(low, 3) for low in (0, 1)}


def _bands(method: MethodRef) -> tuple[Any, ...]:
    prepared = method.prepared
    return (
        tuple(prepared) if isinstance(prepared, tuple) and all(hasattr(b, "label") for b in prepared) else ()
    )


def _rating(draw: Draw, method: MethodRef, weight: Decimal | None) -> tuple[str, Decimal | None]:
    """A rating of one of the method's bands, and sometimes a manual score inside the band."""
    bands = _bands(method)
    band = draw(_choice(bands))
    name = draw(_choice(band.names()))
    if weight is None or not draw(_BOOL):
        return name, None
    low, high = band.low * weight, band.high * weight
    top = band.high == 1
    steps = draw(_PERCENT)
    manual = (low + (high - low) * Decimal(steps) / 100).quantize(Decimal("0.01"))
    if manual < low or (manual >= high and not (top and manual == high)):
        return name, None
    return name, manual


def _assessment(draw: Draw, path: tuple[str, ...], indicator: Indicator, fixed: bool) -> Assessment | None:
    """The evaluators' data for a framework leaf. ``fixed``: its weight is the one scored (under
    "share" it may grow, so a manual score inside a qualitative band is not generated)."""
    method = indicator.method
    assert method is not None
    place = Place(FILE, f"生成的评价 {'/'.join(path)}")
    name, weight = method.strategy, indicator.weight
    if name not in FRAMEWORK or (name == "qualitative" and not _bands(method)):
        return Assessment(path, place, not_applicable=True, reason=f"生成器不能为计分方法 {name} 提供输入")
    if draw(_NA):
        return Assessment(path, place, not_applicable=True)
    if name == "deduction":
        points = draw(_deductions(int(weight) + 2))
        return Assessment(
            path, place, deductions=tuple(Deduction(f"扣分事项{i + 1}", p) for i, p in enumerate(points))
        )
    if name == "checklist":
        keys = [str(element.key) for element in method.prepared]
        return Assessment(path, place, checklist={key: draw(_BOOL) for key in keys})
    if name == "manual":
        share = Decimal(draw(_PERCENT)) / 100
        return Assessment(path, place, score=(weight * share).quantize(Decimal("0.01")))
    if name == "qualitative":
        rating, manual = _rating(draw, method, weight if fixed else None)
        return Assessment(path, place, rating=rating, score=manual)
    if name == "formula":
        inputs = method.params.get("inputs", [])
        names = [str(n) for n in inputs] if isinstance(inputs, list) else []
        return Assessment(path, place, values={n: draw(amounts()) for n in names}) if names else None
    return None  # budget rates and steps read the budget


def _group_paths(indicator: Indicator) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = [()]
    for group in indicator.slot.groups if indicator.slot else ():
        parts = tuple(group.split("/"))
        paths.extend(parts[:depth] for depth in range(1, len(parts) + 1) if parts[:depth] not in paths)
    return paths


def operators(ruleset: Ruleset) -> dict[Operator, MethodRef]:
    """The operators of [target_methods] whose method the generator can feed."""
    usable = {}
    for target_method in ruleset.target_methods:
        method, operator = target_method.method, canonical_operator(target_method.operator)
        if operator is None:
            continue  # 问卷, 专家评议: evidence, which the generator does not write
        if method.strategy in NUMERIC or (method.strategy == "qualitative" and _bands(method)):
            usable[operator] = method
    return usable


def _target(draw: Draw, slot: tuple[str, ...], name: str, operator: Operator, method: MethodRef) -> Target:
    place = Place(FILE, f"生成的绩效指标 {name}")
    group = slot
    if draw(_NA):
        return Target(group, name, operator, None, "", "", None, "", place, not_applicable=True)
    if method.strategy == "qualitative":
        rating, _ = _rating(draw, method, None)
        return Target(group, name, operator, None, "定性目标", "", None, "定性完成情况", place, rating=rating)
    value, actual = draw(amounts()), draw(amounts())
    return Target(group, name, operator, value, fmt(value), "", actual, fmt(actual), place)


@st.composite
def projects(draw: Draw, ruleset: Ruleset) -> Project:
    """A project for the ruleset: every leaf assessed (or not applicable), every slot filled."""
    budget = Budget(figures={field: draw(amounts(1)) for field in BUDGET_FIELDS})
    usable = operators(ruleset)
    assessments, targets = [], []
    counter, weighted = 0, draw(_WEIGHTED)
    for path, indicator in ruleset.walk():
        if indicator.method is not None:
            assessment = _assessment(draw, path, indicator, ruleset.not_applicable.policy != "share")
            if assessment is not None:
                assessments.append(assessment)
        elif indicator.slot is not None:
            least = 1 if indicator.slot.empty == "error" else 0
            count = draw(_COUNTS[least]) if usable else 0
            if count == 0 and indicator.slot.empty == "error":
                assessments.append(Assessment(path, Place(FILE, "/".join(path)), not_applicable=True))
            groups = _group_paths(indicator)
            filled = []
            for _ in range(count):
                counter += 1
                operator = draw(_choice(tuple(sorted(usable))))
                where = (*path, *draw(_choice(tuple(groups))))
                filled.append(_target(draw, where, f"指标{counter}", operator, usable[operator]))
            if weighted and filled:
                filled = _weighted(draw, filled, indicator.weight, ruleset.rounding.places)
            targets += filled
    project = Project("生成的项目", "", None, FILE, budget, tuple(targets), tuple(assessments))
    assume(applicability(project, ruleset)[()])  # something that weighs applies: else E-ALL-NA
    return project


def _weighted(draw: Draw, targets: list[Target], weight: Decimal, places: int) -> list[Target]:
    """The slot's targets giving their weights. Beside a target that does not apply, the first
    few that do may weigh 0 (shrinking towards none), so that what weighs may be only what does
    not apply; the others share the slot's weight equally."""
    applicable = [t for t in targets if not t.not_applicable]
    zero = set(map(id, applicable[: draw(_COUNTS[0])])) if len(applicable) < len(targets) else set()
    shares = iter(split_equally(weight, len(targets) - len(zero), places))
    return [attrs.evolve(t, weight=Decimal(0) if id(t) in zero else next(shares)) for t in targets]


def _assessment_text(assessment: Assessment) -> str:
    if assessment.not_applicable:
        return "不适用" + (f"（{assessment.reason}）" if assessment.reason else "")
    parts = []
    if assessment.deductions is not None:
        parts.append(
            "扣分 " + "、".join(fmt(d.points) for d in assessment.deductions)
            if assessment.deductions
            else "无扣分"
        )
    if assessment.checklist is not None:
        parts.append(
            "评价要点 " + " ".join(f"{k}={'是' if v else '否'}" for k, v in assessment.checklist.items())
        )
    if assessment.rating:
        parts.append(f"评价等级 {assessment.rating}")
    if assessment.score is not None:
        parts.append(f"评价组给分 {fmt(assessment.score)}")
    if assessment.values:
        parts.append("数值 " + "、".join(f"{k} = {fmt(v)}" for k, v in assessment.values.items()))
    return "；".join(parts) or "（没有评价数据：按预算数计分）"


def target_text(target: Target, actual: Decimal | None = None) -> str:
    symbol = {">=": "≥", "<=": "≤"}.get(target.operator, target.operator)
    weight = f"，分值 {fmt(target.weight)}" if target.weight is not None else ""
    head = f"{'/'.join((*target.slot, target.name))}（绩效指标，指标性质 {symbol}{weight}）"
    if target.not_applicable:
        return f"{head}：不适用"
    if target.rating:
        return f"{head}：评价等级 {target.rating}"
    shown = target.actual if actual is None else actual
    return f"{head}：指标值 {target.value_text}，实际完成值 {fmt(shown) if shown is not None else '（空）'}"


def describe(
    project: Project, paths: Iterable[tuple[str, ...]] | None = None, *, budget: bool = True
) -> list[str]:
    """The project's inputs in the ruleset's terms, one line each (only those under ``paths``)."""
    wanted = list(paths) if paths is not None else None

    def chosen(path: tuple[str, ...]) -> bool:
        return wanted is None or any(path[: len(w)] == w or w[: len(path)] == path for w in wanted)

    lines = []
    if budget:
        figures: Mapping[str, Decimal] = project.budget.figures
        lines.append("预算（万元）：" + "，".join(f"{k} {fmt(v)}" for k, v in figures.items()))
    texts = [(a.path, _assessment_text(a)) for a in project.assessments if chosen(a.path)]
    plain = [path for path, text in texts if text == "无扣分"] if wanted is None else []
    lines += [f"{'/'.join(path)}：{text}" for path, text in texts if path not in plain]
    if plain:
        lines.append(f"其余 {len(plain)} 个扣分制指标：无扣分")
    lines += [target_text(t) for t in project.targets if chosen((*t.slot, t.name))]
    return lines
