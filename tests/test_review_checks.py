"""The built-in check functions on small cases, each with a case that must not fire."""

from __future__ import annotations

import evalrules
from evalrules.hooks.review_checks import ReviewContext
from evalrules.io.project_loading import project_from_text
from evalrules.review.checks import BUILTIN_CHECKS
from evalrules.review.facts import category

CHECKS = {check.name: check for check in BUILTIN_CHECKS}


def project(targets: str, extra: str = "") -> evalrules.Project:
    return project_from_text(f'[project]\nname = "p"\n{extra}\n{targets}')


def target(slot: str, name: str, operator: str, value: str, unit: str = "") -> str:
    head = f'[[targets]]\nslot = "{slot}"\nname = "{name}"\n'
    return head + f'operator = "{operator}"\nvalue = {value}\nunit = "{unit}"\n'


def run(name: str, loaded: evalrules.Project, **params: object) -> list[str]:
    check = CHECKS[name]
    context = ReviewContext(loaded, loaded.targets, {**check.params, **params})
    return [hit.target.name if hit.target else "-" for hit in check.run(context)]


def test_categories_in_both_placements() -> None:
    loaded = project(
        target("产出/产出成本", "a", "=", "1", "万元")
        + target("成本指标/经济成本指标", "b", "=", "1", "万元")
        + target("效益/项目效益/服务对象满意度", "c", ">=", "90", "%")
    )
    assert [category(t) for t in loaded.targets] == [
        ("成本", "经济成本"),
        ("成本", "经济成本"),
        ("满意度", "满意度"),
    ]


def test_timeliness_ratio_only_without_a_time_word() -> None:
    loaded = project(
        target("产出/时效", "资金使用合规率", ">=", "100", "%")
        + target("产出/时效", "培训按期完成率", ">=", "100", "%")
        + target("产出/时效", "完成时间", "定性", '"2024年12月底前"')
    )
    assert run("timeliness_ratio", loaded) == ["资金使用合规率"]


def test_unit_fits_reports_only_a_clearly_wrong_kind() -> None:
    loaded = project(
        target("成本", "水费缴费月数", "=", "1", "万元")
        + target("数量", "电费缴费月数", "=", "12", "月")
        + target("质量", "验收合格率", ">=", "95", "百分比")
        + target("成本", "办公费", "=", "3", "万元")
        + target("数量", "覆盖人数", ">=", "3", "千人")  # unknown unit: never reported
    )
    assert run("unit_fits", loaded) == ["水费缴费月数"]


def test_duplicates_and_near_duplicates() -> None:
    loaded = project(
        target("数量", "电费缴费月数", "=", "12", "月")
        + target("成本", "电费缴费 月数", "=", "7", "万元")
        + target("数量", "水费缴费月数", "=", "12", "月")
        + target("数量", "农村公路养护里程数", "=", "12", "公里")
        + target("数量", "农村公路养护里程", "=", "12", "公里")
    )
    assert run("duplicate_names", loaded) == ["电费缴费 月数"]
    assert run("near_duplicates", loaded) == ["农村公路养护里程"]


def test_quantified_and_vague() -> None:
    loaded = project(
        target("质量", "合格率", "定性", '"较好"')
        + target("质量", "完成时限", "定性", '"12月底前"')
        + target("效益", "群众出行条件", "定性", '"明显改善"')
        + target("效益", "群众出行条件等级", "定性", '"达到二级"')
    )
    # the rule applies quantified to 数量/质量/成本 only: a 效益 grade in words is for vague_wording
    assert run("quantified", loaded) == ["合格率", "群众出行条件", "群众出行条件等级"]
    assert run("vague_wording", loaded) == ["合格率", "群众出行条件"]


def test_required_category_and_its_flag() -> None:
    targets = target("产出/数量", "a", "=", "1", "个")
    assert run("required_category", project(targets), category="满意度", unless_flag="面向服务对象") == ["-"]
    flagged = project(targets, '[flags]\n"面向服务对象" = false\n')
    assert run("required_category", flagged, category="满意度", unless_flag="面向服务对象") == []


def test_cost_against_the_request_leaves_unit_costs_out() -> None:
    costs = target("成本", "办公费", "=", "50", "万元") + target("成本", "人均培训成本", "<=", "600", "元/人")
    within = project(costs, '[budget]\n"年初预算数" = 50\n')
    assert run("cost_vs_budget", within) == []
    over = project(costs + target("成本", "差旅费", "=", "5000", "元"), '[budget]\n"年初预算数" = 50\n')
    assert run("cost_vs_budget", over) == ["-"]


def test_goal_measurable() -> None:
    targets = target("数量", "新建供水管网长度", ">=", "120", "公里")
    assert run("goal_measurable", project(targets, '[texts]\noverall_goal = "保障供水"\n')) == ["-"]
    named = '[texts]\noverall_goal = "完成新建供水管网长度目标"\n'
    assert run("goal_measurable", project(targets, named)) == []
    assert run("goal_measurable", project(targets, '[texts]\noverall_goal = "新建管网120公里"\n')) == []
