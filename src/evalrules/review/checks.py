"""The built-in check functions of review rulesets, registered like any plugin's.

Each finds one kind of fault; the rule that calls it gives code, severity and message. No false
alarms: every check was run over every project file in examples/ and tests/forms/ and only
reports what a reviewer would write back about (tests/test_review_checks.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..base.errors import suggest
from ..base.numbers import CONTEXT, fmt
from ..default_plugins.units import (
    convert,
    counts_things,
    is_unit_cost,
    normal_unit,
    unit_kind,
    wants_percent,
)
from ..hooks.review_checks import Hit, ReviewCheck, ReviewContext
from ..hooks.specs import hookimpl
from ..model.project import Target
from .facts import SECOND_LEVELS, SOURCES, budget_request, category, has_number, in_categories
from .words import BENEFIT_PREFIXES, BOUNDED_RATES, TIME_WORDS, VAGUE_WORDS


def _name(target: Target) -> str:
    text = "".join(target.name.split()).replace("（", "(").replace("）", ")")
    return text


def target_values(target: Target, **more: str) -> dict[str, str]:
    """The placeholders every message may use about a target (contract.TARGET_FIELDS)."""
    first, second = category(target)
    value = target.value_text
    if unit_kind(target.unit) == "percent" and value.endswith(("%", "％")):
        value = value[:-1]  # "95%" with the unit %: the message writes {指标值}{单位}
    return {
        "指标": target.name,
        "指标值": value,
        "单位": target.unit,
        "指标性质": target.operator,
        "类别": second or first or "/".join(target.slot),
        "来源": target.source,
        "依据": target.basis,
        **more,
    }


def _hit(target: Target, **more: str) -> Hit:
    return Hit(target, target_values(target, **more))


def required_category(context: ReviewContext) -> Iterator[Hit]:
    wanted = str(context.params["category"])
    flag = str(context.params["unless_flag"])
    if flag and context.project.flags.get(flag) is False:
        return
    if not any(in_categories(target, (wanted,)) for target in context.project.targets):
        yield Hit(None, {"类别": wanted})


def quantified(context: ReviewContext) -> Iterator[Hit]:
    words = [str(word) for word in context.params["vague_words"]]
    for target in context.targets:
        if target.operator != "定性" and target.value is not None:
            continue
        if has_number(target.value_text):
            continue  # 定性 with a date or a level ("12月底前") is judged by other rules
        found = [word for word in words if word in target.value_text]
        yield _hit(target, 模糊词="、".join(found) or "无数值")


def vague_wording(context: ReviewContext) -> Iterator[Hit]:
    words = [str(word) for word in context.params["vague_words"]]
    for target in context.targets:
        if target.operator == "定性" and not has_number(target.value_text):
            found = [word for word in words if word in target.value_text]
            if found:
                yield _hit(target, 模糊词="、".join(found))


def _expected_kinds(name: str) -> tuple[tuple[str, ...], str] | None:
    if counts_things(name):
        return ("count", "time", "other"), "个数、人数或月数等计数单位"
    if wants_percent(name) or name.endswith("满意度"):
        return ("percent",), "%"
    if re.search(r"(费|成本|经费|资金|金额)$", name) and not is_unit_cost(name):
        return ("money", "unit_money"), "元、万元等金额单位"
    return None


def unit_fits(context: ReviewContext) -> Iterator[Hit]:
    for target in context.targets:
        name = re.sub(r"[（(][^）)]*[）)]$", "", _name(target))
        expected = _expected_kinds(name)
        if not target.unit or expected is None or unit_kind(target.unit) == "other":
            continue  # an unknown unit is never reported: only a clearly wrong kind
        kinds, shown = expected
        if unit_kind(target.unit) not in kinds:
            yield _hit(target, 期望=shown)


def bounded_rate(context: ReviewContext) -> Iterator[Hit]:
    endings = tuple(str(word) for word in context.params["rates"])
    for target in context.targets:
        if (
            target.value is not None
            and unit_kind(target.unit) == "percent"
            and normal_unit(target.unit) in ("%", "百分比", "百分率")
            and _name(target).endswith(endings)
            and target.value > 100
        ):
            yield _hit(target)


def timeliness_ratio(context: ReviewContext) -> Iterator[Hit]:
    words = tuple(str(word) for word in context.params["time_words"])
    for target in context.targets:
        if not in_categories(target, ("时效",)):
            continue
        ratio = unit_kind(target.unit) == "percent" or wants_percent(_name(target))
        if ratio and not any(word in target.name or word in target.value_text for word in words):
            yield _hit(target)


def source_given(context: ReviewContext) -> Iterator[Hit]:
    missing = [target for target in context.targets if not target.source]
    if missing and len(missing) == len(context.targets):
        # one finding, not one per row of a form that has no such column
        yield Hit(None, {"说明": f"全部 {len(missing)} 个指标都没有写"})
        return
    for target in missing:
        yield _hit(target, 说明=f"指标“{target.name}”")


def source_known(context: ReviewContext) -> Iterator[Hit]:
    for target in context.targets:
        if target.source and target.source not in SOURCES:
            yield _hit(target, 建议=suggest(target.source, SOURCES) or f"可写 {'、'.join(SOURCES)}")


def cost_vs_budget(context: ReviewContext) -> Iterator[Hit]:
    request = budget_request(context.project)
    if request is None:
        return
    unit = context.project.budget.unit
    total, counted = Decimal(0), 0
    for target in context.targets:
        if target.value is None or is_unit_cost(target.name):
            continue
        amount = convert(target.value, target.unit, unit)
        if amount is not None:
            total, counted = CONTEXT.add(total, amount), counted + 1
    tolerance = Decimal(str(context.params["tolerance"]))
    if counted and total > CONTEXT.add(request, tolerance):
        yield Hit(None, {"合计": fmt(total), "预算": fmt(request), "预算单位": unit, "个数": str(counted)})


def _key(target: Target) -> str:
    return re.sub(r"[()（）\s]", "", target.name)


def duplicate_names(context: ReviewContext) -> Iterator[Hit]:
    first_seen: dict[str, Target] = {}
    for target in context.targets:
        key = _key(target)
        if key in first_seen:
            other = first_seen[key]
            yield _hit(target, 另一类别=target_values(other)["类别"])
        else:
            first_seen[key] = target


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def near_duplicates(context: ReviewContext) -> Iterator[Hit]:
    threshold = Decimal(str(context.params["similarity"]))
    seen: list[Target] = []
    for target in context.targets:
        mine = _bigrams(_key(target))
        for other in seen:
            theirs = _bigrams(_key(other))
            if _key(other) == _key(target):
                continue  # duplicate_names reports it
            similarity = CONTEXT.divide(Decimal(len(mine & theirs)), Decimal(len(mine | theirs)))
            if similarity >= threshold:
                yield _hit(target, 另一指标=other.name)
                break
        seen.append(target)


def benefit_restates_output(context: ReviewContext) -> Iterator[Hit]:
    prefixes = tuple(str(word) for word in context.params["prefixes"])
    outputs = [t for t in context.project.targets if in_categories(t, ("数量", "质量"))]
    for target in context.targets:
        if not in_categories(target, ("效益",)):
            continue
        name = _key(target)
        for prefix in prefixes:
            name = name.removeprefix(prefix)
        for output in outputs:
            other = _key(output)
            if other == _key(target):
                continue  # duplicate_names reports it
            same_name = len(name) >= 4 and (name in other or other in name)
            same_figure = (
                target.value is not None
                and target.value == output.value
                and target.unit
                and normal_unit(target.unit) == normal_unit(output.unit)
                and unit_kind(target.unit) != "percent"
            )
            if same_name or same_figure:
                yield _hit(target, 产出指标=output.name)
                break


def category_count(context: ReviewContext) -> Iterator[Hit]:
    most, fewest = int(context.params["max_per_category"]), int(context.params["min_per_category"])
    counts: dict[str, int] = {}
    for target in context.targets:
        second = category(target)[1]
        if second:
            counts[second] = counts.get(second, 0) + 1
    for name in SECOND_LEVELS:
        count = counts.get(name, 0)
        if count > most or 0 < count < fewest:
            limit = f"不超过 {most} 个" if count > most else f"不少于 {fewest} 个"
            yield Hit(None, {"类别": name, "个数": str(count), "建议": limit})
    total = len(context.targets)
    if total > int(context.params["max_total"]):
        yield Hit(
            None, {"类别": "全部", "个数": str(total), "建议": f"不超过 {context.params['max_total']} 个"}
        )


def _goal(context: ReviewContext) -> str:
    texts = context.project.texts
    return (texts.get("overall_goal") or texts.get("总体目标") or "").strip()


def goal_present(context: ReviewContext) -> Iterator[Hit]:
    if not _goal(context):
        yield Hit(None, {})


def goal_measurable(context: ReviewContext) -> Iterator[Hit]:
    goal = _goal(context)
    if not goal or has_number(goal):
        return
    named = [
        t.name for t in context.project.targets if len(_key(t)) >= 4 and _key(t) in "".join(goal.split())
    ]
    if not named:
        yield Hit(None, {"总体目标": goal if len(goal) <= 40 else goal[:39] + "…"})


BUILTIN_CHECKS = (
    ReviewCheck(
        "required_category",
        required_category,
        "项目的全部指标中没有 category 类别的指标（一级或二级，见“指标类别”）；unless_flag 为项目 "
        "[flags] 中的一个键，它写为 false 时不检查（如“面向服务对象 = false”的项目不要求满意度指标）。",
        {"category": "数量", "unless_flag": ""},
        ("类别",),
    ),
    ReviewCheck(
        "quantified",
        quantified,
        "指标值没有数值：定性指标或指标值中没有数字；{模糊词}为其中的模糊词（vague_words），没有时为“无数值”。"
        "写有日期或等级数字的定性值（“12月底前”）不算。",
        {"vague_words": VAGUE_WORDS},
        ("模糊词",),
    ),
    ReviewCheck(
        "vague_wording",
        vague_wording,
        "定性指标的指标值用了模糊词（vague_words）而没有分级分档或数字。",
        {"vague_words": VAGUE_WORDS},
        ("模糊词",),
    ),
    ReviewCheck(
        "unit_fits",
        unit_fits,
        "度量单位与指标名称不符：名称以人数、月数、批次等结尾（计数）却以金额或 % 计；名称以“率”结尾（比率）"
        "却不以 % 计；名称以费、成本、经费、资金、金额结尾却不以金额计。不认识的单位不报告。",
        {},
        ("期望",),
    ),
    ReviewCheck(
        "bounded_rate",
        bounded_rate,
        "名称以 rates 中的词结尾（合格率、满意度……）、单位为 % 的指标，指标值超过 100。",
        {"rates": BOUNDED_RATES},
        (),
    ),
    ReviewCheck(
        "timeliness_ratio",
        timeliness_ratio,
        "时效指标是比率（单位 % 或名称以“率”结尾），名称和指标值中却没有时间词（time_words：按时、及时、"
        "时限……）：如把“资金使用合规率”放在时效下。",
        {"time_words": TIME_WORDS},
        (),
    ),
    ReviewCheck(
        "source_given",
        source_given,
        "指标没有写指标值来源（source）。全部指标都没有写时只报告一次，不针对某个指标；{说明}为"
        "“指标“…””或“全部 N 个指标都没有写”。",
        {},
        ("说明",),
    ),
    ReviewCheck(
        "source_known",
        source_known,
        "指标值来源不是计划标准、行业标准、历史标准、预算支出标准、其他标准之一；{建议}为最接近的写法。",
        {},
        ("建议",),
    ),
    ReviewCheck(
        "cost_vs_budget",
        cost_vs_budget,
        "以金额计（元、万元）的成本指标（人均、单价等单位成本除外）换算为预算单位后的合计{合计}，"
        "超过申报预算{预算}（[budget] 年初预算数，没有时用全年预算数）加 tolerance。",
        {"tolerance": "0"},
        ("合计", "预算", "预算单位", "个数"),
    ),
    ReviewCheck(
        "duplicate_names",
        duplicate_names,
        "两个指标同名（忽略空格与括号）；报告后出现的一个，{另一类别}为先出现的一个的类别。",
        {},
        ("另一类别",),
    ),
    ReviewCheck(
        "near_duplicates",
        near_duplicates,
        "两个指标名称相近：相邻两字的集合的 Jaccard 相似度不低于 similarity（缺省 0.8）；同名的由 "
        "duplicate_names 报告。",
        {"similarity": "0.8"},
        ("另一指标",),
    ),
    ReviewCheck(
        "benefit_restates_output",
        benefit_restates_output,
        "效益指标重复表述产出：去掉 prefixes（带动、促进……）后与某个数量、质量指标的名称相同或互相包含"
        "（至少 4 个字），或与某个数量指标的指标值和单位（% 除外）都相同。",
        {"prefixes": BENEFIT_PREFIXES},
        ("产出指标",),
    ),
    ReviewCheck(
        "category_count",
        category_count,
        "某个二级类别的指标多于 max_per_category 或（有指标时）少于 min_per_category，"
        "或全部指标多于 max_total。",
        {"max_per_category": 6, "min_per_category": 1, "max_total": 30},
        ("个数", "建议"),
    ),
    ReviewCheck(
        "goal_present",
        goal_present,
        "没有填写年度总体目标（[texts] overall_goal 或 总体目标）。",
        {},
        (),
    ),
    ReviewCheck(
        "goal_measurable",
        goal_measurable,
        "总体目标没有数字，也没有提到任何一个指标的名称（4 个字以上）：没有可衡量的产出或效果。",
        {},
        ("总体目标",),
    ),
)


@hookimpl
def register_review_checks() -> list[ReviewCheck]:
    return list(BUILTIN_CHECKS)
