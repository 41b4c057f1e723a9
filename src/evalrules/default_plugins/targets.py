"""Built-in strategies for a project's own targets: ≥ (positive), ≤ (reverse), = (equal), 定性."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from attrs import frozen

from ..base.errors import suggest
from ..base.numbers import CONTEXT, ONE, ZERO, fmt
from ..hooks.specs import hookimpl
from ..hooks.strategies import (
    InputProblem,
    Kernel,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    ScoringStrategy,
    check_keys,
)
from ..model.project import Assessment, Budget, Target
from ._common import KeysOnly, describe, entries, full, inputs, percent, share, target_values, within


@frozen
class Positive(KeysOnly):
    """正向指标 (≥)."""

    name: str = "positive"
    title: str = "正向指标（≥）"
    doc: str = "实际完成值 B ≥ 指标值 A 得满分；否则得 B ÷ A × 分值（不低于 0）。A 为 0 时 B ≥ 0 即得满分。"
    params_doc: Mapping[str, str] = {}

    def score(self, prepared: None, item: ScoringInput) -> Outcome:
        target, goal, actual = target_values(item)
        return _score_at_least(item, target, goal, actual, "≥", self.kernel(prepared))

    def kernel(self, prepared: None) -> Kernel:
        return _positive


def _positive(
    target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
) -> Decimal:
    """The ≥ kernel (also Equal's when the goal is not 0)."""
    goal, actual = target.value, target.actual  # type: ignore[union-attr]  # None fails: score() says why
    if goal < ZERO:  # type: ignore[operator]
        raise ValueError(goal)
    if actual >= goal:  # type: ignore[operator]
        return weight
    return max(actual / goal, ZERO) * weight if goal else ZERO  # type: ignore[operator]


def at_most(goal: Decimal, actual: Decimal, weight: Decimal, variant: str) -> Decimal:
    """≤: the full weight at or below the goal, else A/B × weight or by the deviation."""
    if actual <= goal:
        return weight
    if goal == ZERO:
        return ZERO
    if variant == "ratio":
        return goal / actual * weight
    return max(ONE - (actual - goal) / goal, ZERO) * weight


def _score_at_least(
    item: ScoringInput, target: Target, goal: Decimal, actual: Decimal, symbol: str, kernel: Kernel
) -> Outcome:
    description = describe(target, symbol)
    if goal < 0:
        raise InputProblem(f"{symbol} 型指标的指标值应不小于 0", expected="≥ 0", found=target.value_text)
    score = kernel(target, None, item.budget, item.weight)  # the number: the strategy's kernel's
    if actual >= goal:
        verdict = "达到目标" if actual == goal else "超额完成"
        return Outcome(score, full(item, description, verdict).reasons, inputs(target))
    if goal == 0:
        reason = f"{description}，指标值为 0 而实际小于 0，得 0 分（分值 {fmt(item.weight)} 分）"
        return Outcome(score, (reason,), inputs(target))
    ratio = CONTEXT.divide(actual, goal)
    reason = (
        f"{description}，完成 {percent(ratio)}，按完成比例得 {item.shown(score)} 分"
        f"（分值 {fmt(item.weight)} 分）"
    )
    return Outcome(score, (reason,), inputs(target))


@frozen
class Reverse:
    """反向指标 (≤)."""

    name: str = "reverse"
    title: str = "反向指标（≤）"
    doc: str = (
        "实际完成值 B ≤ 指标值 A 得满分；否则按 variant：ratio 得 A ÷ B × 分值；"
        "deviation 得 (1 − (B − A) ÷ A) × 分值，B ≥ 2A 时得 0。A 为 0 时 B ≤ 0 得满分，否则 0。"
    )
    params_doc: Mapping[str, str] = {
        "variant": '超出指标值时的算法："ratio"（A/B × 分值，默认）或 "deviation"（线性偏离）',
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> str:
        check_keys(params, self.params_doc)
        variant = params.get("variant", "ratio")
        if variant not in ("ratio", "deviation"):
            raise ParameterProblem(
                "variant",
                f'variant 应为 "ratio" 或 "deviation"，实际为 {variant!r}',
                suggest(str(variant), ["ratio", "deviation"]),
            )
        return str(variant)

    def score(self, prepared: str, item: ScoringInput) -> Outcome:
        target, goal, actual = target_values(item)
        description = describe(target, "≤")
        if goal < 0:
            raise InputProblem("反向指标的指标值应不小于 0", expected="≥ 0", found=target.value_text)
        score = self.kernel(prepared)(target, None, item.budget, item.weight)  # the number: the kernel's
        if actual <= goal:
            return Outcome(score, full(item, description, "未超出指标值").reasons, inputs(target))
        if goal == 0:
            reason = f"{description}，指标值为 0 而实际大于 0，得 0 分（分值 {fmt(item.weight)} 分）"
            return Outcome(score, (reason,), inputs(target))
        if prepared == "ratio":
            how = f"按 指标值 ÷ 实际值（{percent(CONTEXT.divide(goal, actual))}）"
        else:
            excess = CONTEXT.divide(CONTEXT.subtract(actual, goal), goal)
            how = f"超出指标值 {percent(excess)}，按偏离度"
        reason = f"{description}，{how}得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
        return Outcome(score, (reason,), inputs(target))

    def kernel(self, prepared: str) -> Kernel:
        def reverse(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            goal = target.value  # type: ignore[union-attr]  # None fails: then score() reports it
            if goal < ZERO:  # type: ignore[operator]
                raise ValueError(goal)
            return at_most(goal, target.actual, weight, prepared)  # type: ignore[union-attr, arg-type]

        return reverse


@frozen
class Equal(KeysOnly):
    """等于型指标 (=)."""

    name: str = "equal"
    title: str = "等于型指标（=）"
    doc: str = "指标值 A > 0 时按正向指标计分；A = 0 时实际值 B ≤ 0 得满分，否则得 0。"
    params_doc: Mapping[str, str] = {}

    def score(self, prepared: None, item: ScoringInput) -> Outcome:
        target, goal, actual = target_values(item)
        if goal != 0:
            return _score_at_least(item, target, goal, actual, "=", self.kernel(prepared))
        description = describe(target, "=")
        score = self.kernel(prepared)(target, None, item.budget, item.weight)  # the number: the kernel's
        if actual <= 0:
            return Outcome(score, full(item, description, "与预期目标一致").reasons, inputs(target))
        reason = f"{description}，指标值为 0 而实际大于 0，得 0 分（分值 {fmt(item.weight)} 分）"
        return Outcome(score, (reason,), inputs(target))

    def kernel(self, prepared: None) -> Kernel:
        def equal(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            if target.value == ZERO:  # type: ignore[union-attr]
                return weight if target.actual <= ZERO else ZERO  # type: ignore[union-attr, operator]
            return _positive(target, assessment, budget, weight)

        return equal


@frozen
class Band:
    label: str
    aliases: tuple[str, ...]
    low: Decimal
    high: Decimal
    default: Decimal

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


def rating_hint(rating: str, bands: Sequence[Sequence[str]]) -> str:
    """What to write for an unknown rating, given each band's names (label first, highest band
    first). A did-you-mean only for a slip of the pen: nearly the same text, and every name of
    another band clearly further; otherwise every band's names, grouped. 基本达成 is 2 characters from
    达成 (the top band) and 部分达成 alike: proposing either would choose a band for the analyst."""
    close = [
        (SequenceMatcher(None, rating, name).ratio(), index, name)
        for index, names in enumerate(bands)
        for name in names
    ]
    best = max(close, default=None)
    if best is not None and best[0] >= SLIP:
        rivals = [entry for entry in close if entry[1] != best[1] and entry[0] >= best[0] - MARGIN]
        if not rivals:  # 达成年度指导 is as near 未达成年度指标 as 达成年度指标: no proposal
            return f"是否想写 “{best[2]}”？"
    listed = "；".join(
        f"{names[0]}（也可写 {'、'.join(names[1:])}）" if len(names) > 1 else names[0] for names in bands
    )
    return f"规则集的评价等级，从高档到低档：{listed}"


def _top_first(band: Band) -> Decimal:
    return -band.high


SLIP = 0.85
"""How alike (difflib ratio) a rating and a band's name must be to propose that name."""
MARGIN = 0.15
"""How much less alike every name of another band must be for the proposal to stand."""

DEFAULT_BANDS = (
    {"label": "达成年度指标", "aliases": ["达成预期指标", "达成"], "low": "0.8", "high": "1", "default": "1"},
    {
        "label": "部分达成年度指标并具有一定效果",
        "aliases": ["部分达成", "部分达成年度指标"],
        "low": "0.6",
        "high": "0.8",
        "default": "0.7",
    },
    {
        "label": "未达成年度指标且效果较差",
        "aliases": ["未达成", "未达成年度指标"],
        "low": "0",
        "high": "0.6",
        "default": "0.3",
    },
)


@frozen
class Qualitative:
    """定性指标：三档."""

    name: str = "qualitative"
    title: str = "定性指标（三档）"
    doc: str = (
        "按评价等级（rating）落档：达成年度指标 [80%, 100%]，部分达成年度指标并具有一定效果 [60%, 80%)，"
        "未达成年度指标且效果较差 [0, 60%)（比例乘分值）。给出人工得分（score）时必须落在该档内，"
        "否则取该档的默认点（default）。"
    )
    params_doc: Mapping[str, str] = {
        "bands": "档位列表，每档 label（等级名）、aliases（同义写法）、low/high（分值比例区间，"
        "上界不含，最高档含）、default（未给人工得分时取的比例）；缺省为三档",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> tuple[Band, ...]:
        check_keys(params, self.params_doc)
        bands = []
        for key, entry in entries(
            params, "bands", ("label", "aliases", "low", "high", "default"), "label", DEFAULT_BANDS
        ):
            with within(key):
                low, high = share(entry, "low"), share(entry, "high")
                default = share(entry, "default") if "default" in entry else None
                aliases = entry.get("aliases", [])
                if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) for a in aliases):
                    raise ParameterProblem("aliases", 'aliases 应为等级名的列表，例如 ["达成预期指标"]')
            label = entry["label"]
            if low >= high:
                raise ParameterProblem(key, f"档位 {label} 应满足 low < high")
            if default is None:
                if high != ONE:
                    raise ParameterProblem(
                        f"{key}.default", f"档位 {label} 不含上界 {fmt(high)}，须给出档内的默认点 default"
                    )
                default = high
            if not (low <= default < high or (high == ONE and default == high)):
                raise ParameterProblem(key, f"档位 {label} 的默认点 default 应在档内（上界仅最高档可取）")
            bands.append(Band(str(entry["label"]), tuple(aliases), low, high, default))
        names = [name for band in bands for name in band.names()]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ParameterProblem("bands", f"等级名在多个档位中重复：{'、'.join(repeated)}")
        ordered = sorted(bands, key=lambda band: band.low)
        if (
            ordered[0].low != 0
            or ordered[-1].high != 1
            or any(a.high != b.low for a, b in itertools.pairwise(ordered))
        ):
            raise ParameterProblem("bands", "档位应首尾相接、无缝隙无重叠地覆盖 [0, 1]")
        return tuple(bands)

    def score(self, prepared: tuple[Band, ...], item: ScoringInput) -> Outcome:
        source = item.target or item.assessment
        rating = source.rating if source is not None else None
        if not rating:
            raise InputProblem(
                "定性指标缺少评价等级（rating）",
                expected="、".join(band.label for band in prepared),
            )
        band = next((b for b in prepared if rating in b.names()), None)
        if band is None:
            raise InputProblem(
                f"未知的评价等级 “{rating}”",
                expected="、".join(b.label for b in prepared),
                found=rating,
                suggestion=rating_hint(rating, [b.names() for b in sorted(prepared, key=_top_first)]),
            )
        low, high = CONTEXT.multiply(band.low, item.weight), CONTEXT.multiply(band.high, item.weight)
        manual = source.score if source is not None else None
        top = band.high == ONE
        if manual is not None:
            if not (low <= manual < high or (top and manual == high)):
                bracket = "]" if top else ")"
                raise InputProblem(
                    f"人工得分不在评价等级 “{band.label}” 的区间内",
                    expected=f"[{fmt(low)}, {fmt(high)}{bracket}",
                    found=fmt(manual),
                )
            how = "评价组给分"
        else:
            how = f"取该档 {percent(band.default)}"
        score = self.kernel(prepared)(item.target, item.assessment, item.budget, item.weight)  # the kernel's
        inputs = {"评价等级": rating}
        if item.target is not None:
            inputs |= {"指标值": item.target.value_text, "实际完成值": item.target.actual_text}
        subject = item.target.name if item.target is not None else item.name
        if score == item.weight:
            reason = f"{subject} 评价为 “{band.label}”，得满分 {fmt(item.weight)} 分"
        else:
            reason = (
                f"{subject} 评价为 “{band.label}”（该档 {fmt(low)}–{fmt(high)} 分），{how}，"
                f"得 {item.shown(score)} 分（分值 {fmt(item.weight)} 分）"
            )
        return Outcome(score, (reason,), inputs)

    def kernel(self, prepared: tuple[Band, ...]) -> Kernel:
        bands = {name: band for band in prepared for name in band.names()}

        def qualitative(
            target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
        ) -> Decimal:
            source = target or assessment
            band = bands[source.rating]  # type: ignore[union-attr, index]  # unknown: score() reports it
            manual = source.score  # type: ignore[union-attr]
            if manual is None:
                return band.default * weight
            high = band.high * weight
            if band.low * weight <= manual < high or (band.high == ONE and manual == high):
                return manual
            raise ValueError(manual)

        return qualitative


TARGET_STRATEGIES: tuple[ScoringStrategy, ...] = (Positive(), Reverse(), Equal(), Qualitative())


@hookimpl
def register_strategies() -> list[ScoringStrategy]:
    return list(TARGET_STRATEGIES)
