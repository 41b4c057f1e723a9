"""满意度问卷（``satisfaction_survey``）：按满意程度加权的问卷满意度，按正向指标计分。

四川插件登记的计分方法：它说明一个省份的插件可以增加计分逻辑，而不只是数据。evalrules 核心的 ``survey``
（绩效指标的 ``inputs``，规则集 [target_methods] 的 "问卷"）做同样的事；本方法保留的是与它不同之处：项目自选、
人数写在 params.counts、每个等级必须给出人数、缺省系数 1 / 0.8 / 0.6 / 0、填报值不符时写入说明。

满意度 = Σ(各等级人数 × 该等级系数) ÷ 有效问卷数，以百分数与指标值比较：满意度 ≥ 指标值得满分，
否则得 满意度 ÷ 指标值 × 分值。

问卷人数从哪里来（evalrules 的项目文件中，绩效指标没有 ``values`` 表，评价项只能评价框架指标）：

- **绩效指标**（自评表的“满意度指标”行）：``method = "satisfaction_survey"``，
  ``params = { counts = { 非常满意 = 120, 满意 = 60, 基本满意 = 15, 不满意 = 5 } }``；
  指标值是该绩效指标的 ``value``（百分数，如 90），指标性质为 ≥。
  ``actual`` 可以照表填写（如 88.5），与按问卷算出的满意度核对，不一致时在说明中指出，按问卷计算值计分。
- **框架指标**（规则集中 ``method = "satisfaction_survey"`` 的指标）：规则集在 ``params`` 中给出指标值
  ``target``（如 90），项目文件的评价项给出 ``values = { 非常满意 = 120, … }``。
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen
from evalrules.plugin import (
    CONTEXT,
    HUNDRED,
    ZERO,
    InputProblem,
    NumberProblem,
    Outcome,
    ParameterProblem,
    PrepareContext,
    ScoringInput,
    check_keys,
    fmt,
    parse_number,
    round_to,
    suggest,
)

DEFAULT_LEVELS: Mapping[str, str] = {"非常满意": "1", "满意": "0.8", "基本满意": "0.6", "不满意": "0"}
"""缺省的等级与系数。等级名见 RULES.md §5（Likert 式满意度问卷）；系数 1 / 0.8 / 0.6 / 0 为本插件选定，
没有文件依据，规则集或绩效指标可以在 ``levels`` 中改写。"""

_EXAMPLE = '{ "非常满意" = 1, "满意" = 0.8, "基本满意" = 0.6, "不满意" = 0 }'


@frozen
class Survey:
    """``prepare`` 的结果：检查过的等级（从最满意到最不满意）、框架指标的指标值、原样保存的问卷人数。"""

    levels: tuple[tuple[str, Decimal], ...]
    target: Decimal | None
    counts: Any
    """params.counts 原样保存：它是项目数据，缺失或有误在计分时报 InputProblem。"""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.levels)


def _percent(ratio: Decimal) -> str:
    """比例显示为百分数，保留 2 位小数，四舍五入（0.885 → 88.5%）。"""
    return f"{fmt(round_to(CONTEXT.multiply(ratio, HUNDRED), 2))}%"


def _coefficient(name: str, raw: Any) -> Decimal:
    key = f"levels.{name}"
    try:
        value = parse_number(raw)
    except NumberProblem as problem:
        raise ParameterProblem(key, f"等级 “{name}” 的系数{problem}") from None
    if isinstance(raw, str) and raw.strip().endswith(("%", "％")):  # "80%" 是 0.8
        value = CONTEXT.divide(value, HUNDRED)
    if not ZERO <= value <= 1:
        raise ParameterProblem(key, f"等级 “{name}” 的系数应在 0 到 1 之间，实际为 {fmt(value)}")
    return value


def _levels(raw: Any) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(raw, Mapping) or len(raw) < 2:
        raise ParameterProblem(
            "levels",
            "levels 应为 { 等级 = 系数 } 表，从最满意到最不满意依次列出，至少两个等级",
            f"例如 levels = {_EXAMPLE}",
        )
    levels = []
    for name, value in raw.items():
        if not isinstance(name, str) or not name.strip():
            raise ParameterProblem("levels", "等级名不能为空")
        levels.append((name, _coefficient(name, value)))
    for (higher, high), (lower, low) in itertools.pairwise(levels):
        if low > high:
            raise ParameterProblem(
                "levels",
                f"等级应从最满意到最不满意依次列出，系数不能递增：“{lower}” {fmt(low)} 高于排在它前面的 "
                f"“{higher}” {fmt(high)}",
                "按满意程度从高到低排列各等级，或检查系数",
            )
    if levels[0][1] == levels[-1][1]:
        raise ParameterProblem("levels", "各等级的系数全部相同，问卷无法区分满意程度")
    return tuple(levels)


def _goal(raw: Any) -> Decimal:
    try:
        value = parse_number(raw)
    except NumberProblem as problem:
        raise ParameterProblem("target", f"target {problem}") from None
    if not ZERO <= value <= HUNDRED:
        raise ParameterProblem(
            "target",
            f"target 是满意度的指标值（百分数，90 表示 90%），应在 0 到 100 之间，实际为 {fmt(value)}",
        )
    return value


def _count(level: str, raw: Any) -> Decimal:
    try:
        value = parse_number(raw)
    except NumberProblem as problem:
        raise InputProblem(
            f"“{level}” 的人数不是数字：{problem}", expected="≥ 0 的整数", found=repr(raw)
        ) from None
    if value < 0:
        raise InputProblem(f"“{level}” 的人数不能为负数", expected="≥ 0 的整数", found=fmt(value))
    if value != value.to_integral_value():
        raise InputProblem(f"“{level}” 的人数应为整数", expected="≥ 0 的整数", found=fmt(value))
    return value


@frozen
class SatisfactionSurvey:
    """满意度问卷：按满意程度加权，按正向指标计分。"""

    name: str = "satisfaction_survey"
    title: str = "满意度问卷（按满意程度加权）"
    doc: str = (
        "满意度 = Σ(各等级人数 × 该等级系数) ÷ 有效问卷数（缺省系数 非常满意 1、满意 0.8、基本满意 0.6、"
        "不满意 0，为本插件选定）；按正向指标计分：满意度 ≥ 指标值得满分，否则得 满意度 ÷ 指标值 × 分值。"
        "绩效指标：指标值取 value（百分数，指标性质 ≥），问卷人数写在 params.counts；"
        "框架指标：指标值取 params.target，问卷人数写在评价项的 values。"
        "每个等级都要给出人数（没有人选写 0），有效问卷不能为 0 份。"
        "绩效指标填写的 actual 与计算值不一致时在说明中指出，按计算值计分。"
    )
    params_doc: Mapping[str, str] = {
        "levels": "等级及其系数（0 到 1，可写 0.8 或 “80%”），从最满意到最不满意依次列出，系数不能递增；"
        "缺省 非常满意 1、满意 0.8、基本满意 0.6、不满意 0",
        "counts": "绩效指标的问卷结果：各等级的人数，"
        "如 { 非常满意 = 120, 满意 = 60, 基本满意 = 15, 不满意 = 5 }"
        "（项目数据，写在项目文件中；框架指标改用评价项的 values）",
        "target": "框架指标的指标值（满意度目标，百分数，90 表示 90%）；绩效指标的指标值写在它的 value 中",
    }

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> Survey:
        check_keys(params, self.params_doc)
        levels = _levels(params.get("levels", DEFAULT_LEVELS))
        target = _goal(params["target"]) if "target" in params else None
        return Survey(levels, target, params.get("counts"))

    def score(self, prepared: Survey, item: ScoringInput) -> Outcome:
        goal, subject = self._goal(prepared, item)
        counts = self._counts(prepared, item)
        total = sum(counts.values(), ZERO)
        if total == 0:
            raise InputProblem(
                "有效问卷为 0 份，无法计算满意度", expected="至少 1 份有效问卷", found="各等级人数均为 0"
            )
        points = sum((CONTEXT.multiply(counts[name], factor) for name, factor in prepared.levels), ZERO)
        degree = CONTEXT.divide(points, total)  # 0 到 1 之间的比例
        measured = CONTEXT.multiply(degree, HUNDRED)  # 百分数，与指标值比较
        tally = "、".join(f"{name} {fmt(counts[name])}" for name in prepared.names)
        terms = " + ".join(f"{fmt(counts[name])} × {fmt(factor)}" for name, factor in prepared.levels)
        description = (
            f"{subject} 有效问卷 {fmt(total)} 份（{tally}），"
            f"满意度 = ({terms}) ÷ {fmt(total)} = {_percent(degree)}，指标值 ≥{fmt(goal)}%"
        )
        if measured >= goal:
            score = item.weight
            verdict = "达到指标值" if measured == goal else "超过指标值"
            reason = f"{description}，{verdict}，得满分 {fmt(item.weight)} 分"
        else:
            share = CONTEXT.divide(measured, goal)
            score = CONTEXT.multiply(share, item.weight)
            reason = (
                f"{description}，完成 {_percent(share)}，按完成比例得 {item.shown(score)} 分"
                f"（分值 {fmt(item.weight)} 分）"
            )
        reasons = [reason]
        stated = self._stated_mismatch(item, measured, degree)
        if stated:
            reasons.append(stated)
        inputs = {
            "有效问卷数": fmt(total),
            **{name: fmt(counts[name]) for name in prepared.names},
            "满意度": _percent(degree),
            "指标值": f"{fmt(goal)}%",
        }
        return Outcome(score, tuple(reasons), inputs)

    def _goal(self, prepared: Survey, item: ScoringInput) -> tuple[Decimal, str]:
        """The target percentage and what the reasons call the indicator."""
        target = item.target
        if target is None:
            if prepared.target is None:
                raise InputProblem(
                    "框架指标按满意度问卷计分，规则集应在 params 中给出指标值 target",
                    expected="params = { target = 90 }（满意度目标，百分数）",
                )
            return prepared.target, item.name
        if prepared.target is not None:
            raise InputProblem(
                "绩效指标的满意度目标写在 value 中，params 中不应再写 target",
                expected="只写 value",
                found=f"value = {target.value_text or '空'}，params.target = {fmt(prepared.target)}",
            )
        if target.operator != ">=":
            raise InputProblem("满意度是正向指标，指标性质应为 ≥", expected="≥（>=）", found=target.operator)
        if target.value is None:
            raise InputProblem(
                "缺少满意度的年度指标值", expected="数字，如 90（表示 90%）", found=target.value_text or "空"
            )
        if target.unit.strip() not in ("", "%", "％"):
            raise InputProblem("满意度的度量单位应为 %", expected="%", found=target.unit)
        if not ZERO <= target.value <= HUNDRED:
            raise InputProblem(
                "满意度的年度指标值应为 0 到 100 之间的百分数", expected="[0, 100]", found=target.value_text
            )
        return target.value, target.name

    def _counts(self, prepared: Survey, item: ScoringInput) -> dict[str, Decimal]:
        from_values = item.assessment.values if item.assessment is not None else None
        if prepared.counts is not None and from_values:
            raise InputProblem(
                "问卷人数给了两处：params.counts 与评价项的 values 只能用其一", expected="只写一处"
            )
        raw = prepared.counts if prepared.counts is not None else from_values
        if raw is None or (isinstance(raw, Mapping) and not raw):
            where = "params.counts" if item.target is not None else "评价项的 values"
            raise InputProblem(
                "缺少问卷结果（各满意度等级的人数）",
                expected=f"{where} = {{ {'、'.join(f'{name} = 人数' for name in prepared.names)} }}",
            )
        if not isinstance(raw, Mapping):
            raise InputProblem("问卷结果应为 { 等级 = 人数 } 表", expected="表", found=type(raw).__name__)
        for level in raw:
            if level not in prepared.names:
                raise InputProblem(
                    f"未知的满意度等级 “{level}”",
                    expected="、".join(prepared.names),
                    found=str(level),
                    suggestion=suggest(str(level), prepared.names),
                )
        missing = [name for name in prepared.names if name not in raw]
        if missing:
            raise InputProblem(
                "问卷结果缺少等级的人数（没有人选的等级写 0）", expected="、".join(missing) + " 的人数"
            )
        return {name: _count(name, raw[name]) for name in prepared.names}

    @staticmethod
    def _stated_mismatch(item: ScoringInput, measured: Decimal, degree: Decimal) -> str | None:
        """The target's stated actual value, checked against the survey at the places it was written."""
        target = item.target
        if target is None or not target.actual_text:
            return None
        if target.actual is None:
            return (
                f"填报的实际完成值 “{target.actual_text}” 不是数字，"
                f"按问卷计算的满意度 {_percent(degree)} 计分"
            )
        places = min(max(-target.actual.as_tuple().exponent, 0), 10)  # type: ignore[operator]
        if round_to(measured, places) == target.actual:
            return None
        return (
            f"填报的实际完成值 {fmt(target.actual)}% 与按问卷计算的满意度 {_percent(degree)} 不一致，"
            "按问卷计算值计分"
        )
