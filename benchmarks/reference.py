"""The two yardsticks for benchmarks/bench_scoring.py, written for caiyu_2020_10_self only.

``score_by_hand``: what a careful programmer writes by hand for this one ruleset, in Decimal, with
the ruleset's rules spelled out as code: 预算执行率 10 + 产出 50 + 效益 30 + 满意度 10, weights
given or split equally at 2 places, ≥/≤/=/定性 scoring, N/A rescaled at every level, every score
rounded 四舍五入 to 2 places, 优/良/中/差. It computes the numbers and nothing else: no reasons.

``score_naively``: the same rules as formula text, each evaluated with ``simpleeval.simple_eval``
as it is met (parsed every time): how a rules engine is often first written.

Both return (total, grade, {first-level indicator: score}), what ``evalrules.score`` gives before a
result is explained, so the benchmark can check that all three agree.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import simpleeval

from evalrules.model.project import Project, Target

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
SLOTS = (("产出指标", Decimal(50)), ("效益指标", Decimal(30)), ("满意度指标", Decimal(10)))
QUALITATIVE = {"达成年度指标": Decimal(1), "部分达成年度指标并具有一定效果": Decimal("0.7")}
QUALITATIVE_LOW = Decimal("0.3")  # 未达成年度指标且效果较差
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))

Scores = dict[str, Decimal | None]
TargetScorer = Callable[[Target, Decimal], Decimal]


def by_hand(target: Target, weight: Decimal) -> Decimal:
    if target.operator == "定性":
        return QUALITATIVE.get(target.rating or "", QUALITATIVE_LOW) * weight
    goal, actual = target.value, target.actual
    assert goal is not None and actual is not None
    if target.operator == "<=":
        return weight if actual <= goal else (ZERO if goal == 0 else goal / actual * weight)
    if target.operator == "=" and goal == 0:
        return weight if actual <= 0 else ZERO
    return weight if actual >= goal else (ZERO if goal == 0 else max(actual / goal, ZERO) * weight)


NAIVE_RULES = {
    ">=": "w if b >= a else (0 if a == 0 else max(b / a, 0) * w)",
    "<=": "w if b <= a else (0 if a == 0 else a / b * w)",
    "=": "(w if b <= 0 else 0) if a == 0 else (w if b >= a else max(b / a, 0) * w)",
    "定性": "w * (1 if r == 1 else (partly if r == 2 else poorly))",
}
NAIVE_FUNCTIONS = {"min": min, "max": max}
RATINGS = {"达成年度指标": 1, "部分达成年度指标并具有一定效果": 2}


def naively(target: Target, weight: Decimal) -> Decimal:
    names = {
        "w": weight,
        "a": target.value,
        "b": target.actual,
        "r": RATINGS.get(target.rating or "", 3),
        "partly": QUALITATIVE["部分达成年度指标并具有一定效果"],
        "poorly": QUALITATIVE_LOW,
    }
    rule = NAIVE_RULES[target.operator]
    return Decimal(simpleeval.simple_eval(rule, names=names, functions=NAIVE_FUNCTIONS))


def score_by_hand(project: Project) -> tuple[Decimal, str, Scores]:
    return _score(project, by_hand, _rate_by_hand)


def score_naively(project: Project) -> tuple[Decimal, str, Scores]:
    return _score(project, naively, _rate_naively)


def _rate_by_hand(executed: Decimal, budget: Decimal) -> Decimal:
    return min(executed / budget, ONE) * 10


def _rate_naively(executed: Decimal, budget: Decimal) -> Decimal:
    names = {"x": executed, "y": budget}
    return Decimal(simpleeval.simple_eval("min(x / y, 1) * 10", names=names, functions=NAIVE_FUNCTIONS))


def _score(
    project: Project, scorer: TargetScorer, rate: Callable[[Decimal, Decimal], Decimal]
) -> tuple[Decimal, str, Scores]:
    figures = project.budget.figures
    rate_score = _round(rate(figures["执行数"], figures["全年预算数"]))
    scores: Scores = {"预算执行率": rate_score}
    parts: list[tuple[Decimal, Decimal | None]] = [(Decimal(10), rate_score)]
    for slot, weight in SLOTS:
        targets = [t for t in project.targets if t.slot[0] == slot]
        scores[slot] = _slot(targets, weight, scorer) if targets else None
        parts.append((weight, scores[slot]))
    exact = _rescale(parts, Decimal(100))
    total = _round(exact)
    grade = next((name for low, name in GRADES if total >= low), "差")
    return total, grade, scores


def _slot(targets: list[Target], weight: Decimal, scorer: TargetScorer) -> Decimal | None:
    if targets[0].weight is not None:
        weights = [t.weight or ZERO for t in targets]
    else:
        weights = _split(weight, len(targets))
    groups: dict[str, list[tuple[Decimal, Decimal | None]]] = {}
    for target, share in zip(targets, weights, strict=True):
        score = None if target.not_applicable else _round(scorer(target, share))
        groups.setdefault(target.slot[1], []).append((share, score))
    parts = [(sum((w for w, _ in rows), ZERO), _rescale(rows)) for rows in groups.values()]
    return _rescale(parts, weight)


def _rescale(parts: list[tuple[Decimal, Decimal | None]], weight: Decimal | None = None) -> Decimal | None:
    """Add up the applicable parts; N/A parts' weight is rescaled away (适用指标折算)."""
    weight = sum((w for w, _ in parts), ZERO) if weight is None else weight
    applicable = [(w, s) for w, s in parts if s is not None]
    if not applicable:
        return None
    raw = sum((s for _, s in applicable), ZERO)
    used = sum((w for w, _ in applicable), ZERO)
    return raw if used == weight else _round(raw * weight / used)


def _split(total: Decimal, count: int) -> list[Decimal]:
    base = (total / count).quantize(CENT, rounding=ROUND_FLOOR)
    extra = int((total - base * count) / CENT)
    return [base + CENT if index < extra else base for index in range(count)]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
