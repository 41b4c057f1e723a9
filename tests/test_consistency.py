"""The built-in review checks of a submission's own consistency
(evalrules.default_plugins.consistency): reasons, over-completion, execution, costs, figures,
counts, units, names, labels, N/A rows, budget rows and stated sums."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import Ruleset
from evalrules.default_plugins.units import counts_things, unit_kind, wants_percent
from evalrules.io.project_loading import project_from_text

from .test_checks import (
    BASE,
    NATIONAL,
    SELF,
    SELF_BASE,
    Builder,
    Spec,
    _cents,
    assert_fires,
    base,
    claim_all,
    claims,
    codes,
    found,
    line,
    one,
    run,
    target,
    target_line,
)

D = Decimal
LOW_EXECUTION = attrs.evolve(NATIONAL, audit=attrs.evolve(NATIONAL.audit, low_execution=D("0.9")))


def with_claims(spec: Spec, **entries: Any) -> Spec:
    spec = claims(spec)
    spec["claims"].update(entries)
    return spec


# --- A-NO-REASON -----------------------------------------------------------------------------------


def test_a_score_below_full_needs_a_reason() -> None:
    spec = base()
    target(spec, "培训人数")["actual"] = D(40)
    report, text = run(spec)
    finding = one(report, "A-NO-REASON")
    assert finding.severity == "warning" and finding.path == ("产出", "产出数量", "培训人数")
    assert (finding.claimed, finding.computed) == (None, D("3.2"))
    assert finding.place is not None and finding.place.line == target_line(text, "培训人数")
    target(spec, "培训人数")["reason"] = "年中调出 10 人"
    assert not found(run(spec)[0], "A-NO-REASON")


def test_a_claimed_score_below_full_needs_a_reason_too() -> None:
    finding = one(run(claims(BASE, {"产出/产出数量/故障报修次数": 2}))[0], "A-NO-REASON")
    assert (finding.claimed, finding.computed) == (D(2), D(3))


def test_a_partly_achieved_qualitative_target_needs_a_reason() -> None:
    spec = base()
    target(spec, "长效机制建立情况")["rating"] = "部分达成"
    assert one(run(spec)[0], "A-NO-REASON").computed == D("3.5")


def test_a_manual_assessment_below_full_needs_a_reason() -> None:
    ruleset = attrs.evolve(
        NATIONAL,
        indicators=tuple(
            attrs.evolve(
                first,
                children=tuple(
                    attrs.evolve(
                        second,
                        children=tuple(
                            attrs.evolve(leaf, method=attrs.evolve(leaf.method, strategy="manual", params={}))
                            if leaf.name == "资金使用合规性" and leaf.method is not None
                            else leaf
                            for leaf in second.children
                        ),
                    )
                    for second in first.children
                ),
            )
            for first in NATIONAL.indicators
        ),
    )
    spec = base()
    spec["assessments"][6] = {"path": "过程/资金管理/资金使用合规性", "score": D(4)}
    report, text = run(spec, ruleset)
    finding = one(report, "A-NO-REASON")
    assert finding.path == ("过程", "资金管理", "资金使用合规性") and finding.computed == 4
    assert (
        finding.place is not None
        and finding.place.line == line(text, 'path = "过程/资金管理/资金使用合规性"') - 1
    )


# --- A-OVER-COMPLETION ------------------------------------------------------------------------------


def test_over_completion_without_a_reason() -> None:
    spec = base()
    target(spec, "培训人数")["actual"] = D(65)
    report, text = run(spec)
    finding = one(report, "A-OVER-COMPLETION")
    assert finding.severity == "warning" and finding.path == ("产出", "产出数量", "培训人数")
    assert finding.claimed == D(65) and "130%" in finding.message
    assert finding.place is not None and finding.place.line == target_line(text, "培训人数")


@pytest.mark.parametrize(
    ("name", "actual", "reason", "ruleset"),
    [
        ("培训人数", "64.99", "", NATIONAL),  # below 130%
        ("培训人数", "65", "超额完成：新增一期培训", NATIONAL),
        (
            "培训人数",
            "80",
            "",
            attrs.evolve(NATIONAL, audit=attrs.evolve(NATIONAL.audit, over_completion=None)),
        ),
        ("故障报修次数", "1", "", NATIONAL),  # ≤ targets are not over-completed by being low
    ],
)
def test_no_over_completion_finding(name: str, actual: str, reason: str, ruleset: Ruleset) -> None:
    spec = base()
    target(spec, name).update(actual=D(actual), reason=reason)
    assert not found(run(spec, ruleset)[0], "A-OVER-COMPLETION")


# --- A-LOW-EXECUTION ----------------------------------------------------------------------------------


def test_low_execution_without_a_reason() -> None:
    spec = base()
    spec["budget"]["执行数"] = D(85)
    report, _ = run(spec, LOW_EXECUTION)
    finding = one(report, "A-LOW-EXECUTION")
    assert finding.severity == "warning" and finding.path == ("过程", "资金管理", "预算执行率")
    assert finding.computed == D(85) and "到位资金" in finding.message
    assert finding.place is not None and finding.place.file == "test.toml"
    spec["budget"]["reason"] = "项目延期，部分资金结转"
    assert not found(run(spec, LOW_EXECUTION)[0], "A-LOW-EXECUTION")
    assert not found(run(base(), LOW_EXECUTION)[0], "A-LOW-EXECUTION")


def test_low_execution_uses_the_rulesets_denominator() -> None:
    spec = base()
    spec["budget"].update({"到位资金": D(80), "执行数": D(76)})  # 95% of 到位资金, 76% of 全年预算数
    assert not found(run(spec, LOW_EXECUTION)[0], "A-LOW-EXECUTION")
    ruleset = attrs.evolve(SELF, audit=attrs.evolve(SELF.audit, low_execution=D("0.9")))
    self_spec = base(SELF_BASE)
    del self_spec["budget"]["reason"]
    finding = one(run(self_spec, ruleset)[0], "A-LOW-EXECUTION")  # 43.1 / 50 全年预算数
    assert finding.path == ("预算执行率",) and finding.computed == D("86.2")


# --- A-COST-SUM ---------------------------------------------------------------------------------------


def test_cost_targets_that_do_not_add_up_to_the_budget() -> None:
    spec = base()
    target(spec, "设备购置费")["value"] = D(70)
    report, text = run(spec)
    finding = one(report, "A-COST-SUM")
    assert finding.severity == "warning" and finding.path == ("产出", "产出成本")
    assert (finding.claimed, finding.computed) == (D(110), D(100))
    assert "全年预算数" in finding.message
    assert finding.place is not None and finding.place.line == target_line(text, "设备购置费")


def test_cost_sum_converts_units_and_skips_without_money_costs() -> None:
    assert not found(run(base())[0], "A-COST-SUM")  # 60 万元 + 400000 元 = 100 万元
    spec = base()
    for name in ("设备购置费", "培训费"):
        target(spec, name).update(unit="%", name=f"{name}控制率", value=D(100), actual=D(100))
    assert not found(run(spec)[0], "A-COST-SUM")
    spec = base()
    del spec["budget"]["全年预算数"]
    spec["budget"]["年初预算数"] = D(90)
    spec["budget"]["到位资金"] = D(90)
    spec["budget"]["执行数"] = D(90)
    assert one(run(spec)[0], "A-COST-SUM").computed == D(90)


def test_cost_sum_in_a_group_of_the_self_evaluation() -> None:
    assert not found(run(SELF_BASE, SELF)[0], "A-COST-SUM")  # 50 万元 = 全年预算数
    spec = base(SELF_BASE)
    target(spec, "设备购置成本")["value"] = D(45)
    assert not found(run(spec, SELF)[0], "A-COST-SUM")  # one line below the budget: a part of it
    spec["targets"].append({**target(spec, "设备购置成本"), "name": "安装调试费", "value": D(2), "weight": 5})
    finding = one(run(spec, SELF)[0], "A-COST-SUM")  # two lines: a breakdown that misses 3 万元
    assert finding.path == ("产出指标", "成本指标") and finding.computed == D(50)
    assert finding.claimed == D(47)


def test_unit_costs_are_never_summed() -> None:
    spec = base(SELF_BASE)
    unit_costs = (
        ("人均培训成本", "0.2", "万元"),
        ("生均补助标准", "500", "元"),
        ("每公里养护成本", "3", "万元/公里"),
    )
    for name, value, unit in unit_costs:
        cost = target(spec, "设备购置成本")
        spec["targets"].append({**cost, "name": name, "value": D(value), "unit": unit})
    assert not found(run(spec, SELF)[0], "A-COST-SUM")


def test_cost_sum_compares_with_the_budget_the_ruleset_divides_by(sichuan: evalrules.Registry) -> None:
    ruleset = evalrules.load_ruleset("sichuan_self", sichuan)
    spec = base(SELF_BASE)
    spec["project"]["ruleset"] = "sichuan_self"
    spec["budget"].update({"年初预算数": D(40), "调整后预算数": D(50), "全年预算数": D(60)})
    report = run(spec, ruleset)[0]
    assert not found(report, "A-COST-SUM")  # 50 万元 = 调整后预算数, not 年初预算数 40 nor 全年预算数 60
    target(spec, "设备购置成本")["value"] = D(55)
    assert "调整后预算数 50" in one(run(spec, ruleset)[0], "A-COST-SUM").message


# --- A-FIGURE-CONFLICT --------------------------------------------------------------------------------


def test_one_figure_stated_twice_with_two_values() -> None:
    figures = [
        {"name": "项目覆盖乡镇", "value": D(12), "unit": "个", "source": "第一章"},
        {"name": "项目覆盖乡镇", "value": D(13), "unit": "个", "source": "第三章"},
    ]
    report, text = run(with_claims(BASE, figures=figures))
    finding = one(report, "A-FIGURE-CONFLICT")
    assert finding.severity == "error" and finding.path == ()
    assert finding.claimed == D(13) and "第一章" in finding.message and "第三章" in finding.message
    assert finding.place is not None and finding.place.line == line(text, "[[claims.figures]]", 1)


def test_a_figure_that_contradicts_the_targets_actual() -> None:
    figures = [{"name": "受益群众满意度", "value": D(99), "unit": "%", "source": "综合评价结论"}]
    report, text = run(with_claims(BASE, figures=figures))
    finding = one(report, "A-FIGURE-CONFLICT")
    assert finding.path == ("效益", "项目效益", "服务对象满意度", "受益群众满意度")
    assert (finding.claimed, finding.computed) == (D(99), D(92))
    assert finding.place is not None and finding.place.line == line(text, "[[claims.figures]]")


def test_a_figure_that_contradicts_the_budget() -> None:
    figures = [{"name": "全年预算数", "value": D(1200000), "unit": "元"}]
    finding = one(run(with_claims(BASE, figures=figures))[0], "A-FIGURE-CONFLICT")
    assert (finding.claimed, finding.computed) == (D(1200000), D(100))


@pytest.mark.parametrize(
    "figures",
    [
        [{"name": "受益群众满意度", "value": D(92), "unit": "%"}, {"name": "受益群众满意度", "value": D(92)}],
        [{"name": "受益群众满意度", "value": D(8), "unit": "人"}],  # another quantity
        [{"name": "全年预算数", "value": D(1000000), "unit": "元"}, {"name": "全年预算数", "value": D(100)}],
        [
            {"name": "验收合格率", "value": D(95), "unit": "%"},
            {"name": "培训人数", "value": D(50), "unit": "人"},
        ],
    ],
)
def test_figures_that_agree_are_no_conflict(figures: list[dict[str, Any]]) -> None:
    assert not found(run(with_claims(BASE, figures=figures))[0], "A-FIGURE-CONFLICT")


# --- A-COUNT ----------------------------------------------------------------------------------------


def test_a_count_that_differs_from_the_tree() -> None:
    counts = [{"path": "决策", "level": 3, "count": 22, "text": "由22个三级指标构成"}]
    report, text = run(with_claims(BASE, counts=counts))
    finding = one(report, "A-COUNT")
    assert finding.severity == "warning" and finding.path == ("决策",)
    assert (finding.claimed, finding.computed) == (D(22), D(6))
    assert "列出 6 个三级指标，其中适用 6 个" in finding.message
    assert finding.place is not None and finding.place.line == line(text, "[[claims.counts]]")


@pytest.mark.parametrize(
    ("path", "level", "count", "fires"),
    [
        ("决策", 3, 6, False),
        ("决策", 2, 3, False),
        ("过程", 3, 5, False),
        ("产出", 3, 4, False),  # no third level under 产出: its four slots
        ("产出", 2, 4, False),
        ("效益", 3, 5, False),  # five groups listed
        ("效益", 3, 3, False),  # three of them apply
        ("效益", 3, 2, True),
        ("产出", 3, 19, True),  # the project's own targets are not framework indicators
    ],
)
def test_counts_listed_or_applicable(path: str, level: int, count: int, fires: bool) -> None:
    counts = [{"path": path, "level": level, "count": count}]
    report, _ = run(with_claims(BASE, counts=counts))
    assert bool(found(report, "A-COUNT")) is fires
    if fires:
        assert one(report, "A-COUNT").computed == (5 if path == "效益" else 4)


def test_a_count_for_an_unknown_path() -> None:
    finding = one(run(with_claims(BASE, counts=[{"path": "决策类", "level": 3, "count": 6}]))[0], "A-COUNT")
    assert "不在指标体系中" in finding.message and "决策" in finding.message


# --- A-UNIT-KIND -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "changes", "why"),
    [
        ("设备购置费", {"unit": "月"}, "成本指标应以金额"),
        ("培训人数", {"unit": "万元"}, "计数或计时"),
        ("设备购置费", {"name": "设备购置月数"}, "计数或计时"),
        ("验收合格率", {"unit": "人"}, "应以 % 计"),
        ("发放补助户数", {"unit": "元"}, "计数或计时"),
    ],
)
def test_a_unit_that_does_not_fit(name: str, changes: dict[str, str], why: str) -> None:
    spec = base()
    target(spec, name).update(changes)
    new_name = changes.get("name", name)
    report, text = run(spec)
    finding = one(report, "A-UNIT-KIND")
    assert finding.severity == "warning" and finding.path[-1] == new_name
    assert why in finding.message and finding.claimed == target(spec, new_name)["unit"]
    assert finding.place is not None and finding.place.line == target_line(text, new_name)


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("保障职工人数", True),
        ("车辆维护数", False),  # 维护数 like 控制数 may be an amount: the head does not say it counts
        ("水费缴费月数", True),
        ("受益人次", True),
        ("成本控制数", False),
        ("每人次补助标准", False),
        ("人均培训成本", False),
        ("购置电脑台数", True),
        ("维修车辆 18 辆", True),
        ("支付电话费及网络费费月数", True),
        ("公务车辆运行维护费", False),
        ("平台运维费", False),
        ("台账完整率", False),
        ("居民消费价格指数", False),
        ("办公费", False),
    ],
)
def test_names_that_count_things(name: str, counts: bool) -> None:
    assert counts_things(name) is counts


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("万元", "money"),
        (" 元 ", "money"),
        ("元/人", "unit_money"),
        ("万元/公里", "unit_money"),
        ("%", "percent"),
        ("％", "percent"),
        ("百分比", "percent"),
        ("百分率", "percent"),
        ("个百分点", "percent"),
        ("‰", "percent"),
        ("月", "time"),
        ("季度", "time"),
        ("2022年12月", "time"),
        ("2022年12月底", "time"),
        ("人次", "count"),
        ("台（套）", "count"),
        ("户", "count"),
        ("平方米", "measure"),
        ("公里", "measure"),
        ("", "other"),
        ("无", "other"),
        ("分", "other"),
    ],
)
def test_the_unit_table(unit: str, kind: str) -> None:
    assert unit_kind(unit) == kind


@pytest.mark.parametrize(
    ("name", "wants"),
    [
        ("验收合格率", True),
        ("资金使用合规率（%）", True),
        ("巡查频率", False),
        ("设备功率", False),
        ("满意度", False),
    ],
)
def test_which_rates_want_percent(name: str, wants: bool) -> None:
    assert wants_percent(name) is wants


def test_fitting_units_are_no_finding() -> None:
    spec = base()
    target(spec, "设备购置费")["name"] = "公务车辆运行维护费"
    target(spec, "培训费").update(name="成本控制率", unit="%", value=D(100), actual=D(100))
    assert not found(run(spec)[0], "A-UNIT-KIND")


# --- A-NAME-DUPLICATE -------------------------------------------------------------------------------------


def test_the_same_name_in_two_categories() -> None:
    spec = base()
    target(spec, "按时完成率")["name"] = "验收合格率"
    report, text = run(spec)
    finding = one(report, "A-NAME-DUPLICATE")
    assert finding.severity == "warning" and finding.path == ("产出", "产出时效", "验收合格率")
    assert "产出/产出质量" in finding.message and "产出/产出时效" in finding.message
    assert finding.place is not None and finding.place.line == line(text, "[[targets]]", 4)


def test_a_blank_row_with_a_repeated_name_is_no_duplicate() -> None:
    spec = base()
    spec["targets"].append(
        {"slot": "效益/项目效益/经济效益", "name": "验收合格率", "operator": ">=", "na": True}
    )
    assert not found(run(spec)[0], "A-NAME-DUPLICATE")


# --- A-LABEL-UNKNOWN ---------------------------------------------------------------------------------------


def test_a_qualitative_label_outside_the_bands() -> None:
    spec = base()
    target(spec, "长效机制建立情况")["rating"] = "基本达成"
    report, text = run(spec)
    finding = one(report, "A-LABEL-UNKNOWN")
    assert finding.severity == "error" and finding.path == (
        "效益",
        "项目效益",
        "可持续影响",
        "长效机制建立情况",
    )
    assert finding.claimed == "基本达成" and "达成年度指标" in finding.message
    # issue 22: never "是否想写 “达成”？" (the top band); the bands, top first
    assert "是否想写" not in finding.message and "从高档到低档：达成年度指标（也可写" in finding.message
    assert finding.place is not None and finding.place.line == target_line(text, "长效机制建立情况")
    assert report.result is None  # scoring refuses it too; the check still runs


@pytest.mark.parametrize("rating", ["达成年度指标", "达成预期指标", "部分达成", "未达成年度指标且效果较差"])
def test_labels_and_aliases_are_known(rating: str) -> None:
    spec = base()
    target(spec, "长效机制建立情况").update(rating=rating, reason="说明")
    assert not found(run(spec)[0], "A-LABEL-UNKNOWN")


def test_an_assessments_rating_is_checked_too() -> None:
    spec = base()
    spec["assessments"][0]["rating"] = "好"
    assert one(run(spec)[0], "A-LABEL-UNKNOWN").path == ("决策", "项目立项", "立项依据充分性")


# --- A-NA-SCORED -----------------------------------------------------------------------------------------


def test_a_not_applicable_target_with_its_own_score() -> None:
    spec = base()
    target(spec, "故障报修次数").update(na=True, score=D(3), reason="本年无报修")
    report, text = run(spec)
    finding = one(report, "A-NA-SCORED")
    assert finding.severity == "error" and finding.path == ("产出", "产出数量", "故障报修次数")
    assert finding.claimed == D(3)
    assert finding.place is not None and finding.place.line == target_line(text, "故障报修次数")


def test_a_blank_row_with_a_claimed_score() -> None:
    spec = base()
    spec["targets"].append({"slot": "效益/项目效益/生态效益", "name": "植被恢复面积", "operator": ">="})
    spec = claims(spec, {"效益/项目效益/生态效益/植被恢复面积": 0})
    report, text = run(spec)
    finding = one(report, "A-NA-SCORED")
    assert finding.path == ("效益", "项目效益", "生态效益", "植被恢复面积") and finding.claimed == 0
    assert finding.place is not None and finding.place.line == line(
        text, '"效益/项目效益/生态效益/植被恢复面积"'
    )


def test_a_claimed_score_for_a_branch_computed_not_applicable() -> None:
    report, text = run(claims(BASE, {"效益/项目效益/经济效益": 0}))
    finding = one(report, "A-NA-SCORED")
    assert finding.path == ("效益", "项目效益", "经济效益") and "复算为不适用" in finding.message
    assert finding.place is not None and finding.place.line == line(text, '"效益/项目效益/经济效益"')


def test_not_applicable_without_a_score_is_fine() -> None:
    spec = base()
    target(spec, "故障报修次数").update(na=True, reason="本年无报修")
    assert not found(run(claim_all(spec))[0], "A-NA-SCORED")


# --- A-BUDGET-ROWS ---------------------------------------------------------------------------------------


def test_a_zero_total_budget_beside_non_zero_rows() -> None:
    spec = base()
    spec["budget"]["全年预算数"] = D(0)
    report, _ = run(spec)
    finding = one(report, "A-BUDGET-ROWS")
    assert finding.severity == "error" and finding.path == () and finding.claimed == 0
    assert "年初预算数 100万元" in finding.message and "执行数 100万元" in finding.message
    assert finding.place is not None and finding.place.where == "[budget] 全年预算数"


def test_spending_more_than_arrived_is_a_warning() -> None:
    spec = base()
    spec["budget"]["执行数"] = D(120)
    finding = one(run(spec)[0], "A-BUDGET-ROWS")
    assert finding.severity == "warning" and (finding.claimed, finding.computed) == (D(120), D(100))


def test_consistent_budget_rows() -> None:
    spec = base()
    spec["budget"] = {"unit": "万元", "全年预算数": D(0), "年初预算数": D(0)}
    assert not found(run(spec)[0], "A-BUDGET-ROWS")
    assert not found(run(base())[0], "A-BUDGET-ROWS")


# --- A-SUM-PARTS -----------------------------------------------------------------------------------------


def test_parts_that_do_not_add_up() -> None:
    sums = [{"name": "实有在职人数", "total": 77, "parts": {"行政在职": 19, "工勤": 9, "事业在职": 16}}]
    report, text = run(with_claims(BASE, sums=sums))
    finding = one(report, "A-SUM-PARTS")
    assert finding.severity == "error" and finding.path == ()
    assert (finding.claimed, finding.computed) == (D(77), D(44))
    assert finding.place is not None and finding.place.line == line(text, "[[claims.sums]]")
    sums[0]["total"] = 44
    assert not found(run(with_claims(BASE, sums=sums))[0], "A-SUM-PARTS")


def test_checks_that_need_no_result_run_when_scoring_fails() -> None:
    spec = base()
    target(spec, "长效机制建立情况")["rating"] = "基本达成"
    sums = [{"name": "人数", "total": 3, "parts": {"甲": 1, "乙": 1}}]
    report, _ = run(with_claims(spec, sums=sums))
    assert report.result is None
    assert {"A-SCORING", "A-LABEL-UNKNOWN", "A-SUM-PARTS"} <= codes(report)


# --- property: each check fires on data built to violate it ------------------------------------------------


def _no_reason(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    target(spec, "培训人数")["actual"] = data.draw(_cents(D(0), D("49.8")))  # 49.94 rounds to full marks
    return spec, NATIONAL, ("产出", "产出数量", "培训人数")


def _over_completion(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    name = data.draw(st.sampled_from(["培训人数", "发放补助户数", "验收合格率", "受益群众满意度"]))
    entry = target(spec, name)
    entry["actual"] = entry["value"] * D("1.3") + data.draw(_cents(D(0), D(500)))
    return spec, NATIONAL, (*entry["slot"].split("/"), name)


def _low_execution(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    spec["budget"]["执行数"] = data.draw(_cents(D(0), D("89.99")))
    return spec, LOW_EXECUTION, ("过程", "资金管理", "预算执行率")


def _cost_sum(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    value = data.draw(_cents(D(0), D(500)).filter(lambda v: v != 60))
    target(spec, "设备购置费")["value"] = value
    return spec, NATIONAL, ("产出", "产出成本")


def _figure_conflict(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    value = data.draw(_cents(D(0), D(100)).filter(lambda v: v != 92))
    figures = [{"name": "受益群众满意度", "value": value, "unit": data.draw(st.sampled_from(["%", ""]))}]
    spec = with_claims(BASE, figures=figures)
    return spec, NATIONAL, ("效益", "项目效益", "服务对象满意度", "受益群众满意度")


def _count(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    path, level, right = data.draw(st.sampled_from([("决策", 3, {6}), ("效益", 3, {3, 5}), ("产出", 2, {4})]))
    count = data.draw(st.integers(0, 40).filter(lambda n: n not in right))
    return with_claims(BASE, counts=[{"path": path, "level": level, "count": count}]), NATIONAL, (path,)


def _unit_kind(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    name, unit = data.draw(
        st.sampled_from(
            [
                ("设备购置费", "月"),
                ("设备购置费", "人次"),
                ("培训人数", "万元"),
                ("故障报修次数", "元"),
                ("验收合格率", "人"),
                ("按时完成率", "天"),
            ]
        )
    )
    entry = target(spec, name)
    entry["unit"] = unit
    return spec, NATIONAL, (*entry["slot"].split("/"), name)


def _name_duplicate(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    numeric = [t for t in spec["targets"] if t["operator"] != "定性"]
    first, second = data.draw(
        st.tuples(st.sampled_from(numeric), st.sampled_from(numeric)).filter(
            lambda p: p[0]["slot"] != p[1]["slot"]
        )
    )
    second["name"] = first["name"]
    later = max(spec["targets"].index(first), spec["targets"].index(second))
    entry = spec["targets"][later]
    return spec, NATIONAL, (*entry["slot"].split("/"), entry["name"])


def _label_unknown(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    known = {
        "达成年度指标",
        "达成预期指标",
        "达成",
        "部分达成年度指标并具有一定效果",
        "部分达成",
        "部分达成年度指标",
    }
    known |= {"未达成年度指标且效果较差", "未达成", "未达成年度指标"}
    rating = data.draw(
        st.text(alphabet="达成未部分良好优基本", min_size=1, max_size=6).filter(lambda r: r not in known)
    )
    target(spec, "群众办事便利程度")["rating"] = rating
    return spec, NATIONAL, ("效益", "项目效益", "社会效益", "群众办事便利程度")


def _na_scored(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    entry = target(spec, data.draw(st.sampled_from(["培训人数", "发放补助户数", "故障报修次数"])))
    entry.update(na=True, reason="不适用", score=data.draw(_cents(D(0), D(4))))
    return spec, NATIONAL, (*entry["slot"].split("/"), entry["name"])


def _budget_rows(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    spec = base()
    if data.draw(st.booleans()):
        spec["budget"]["全年预算数"] = D(0)
    else:
        spec["budget"]["执行数"] = data.draw(_cents(D("100.01"), D(500)))
    return spec, NATIONAL, ()


def _sum_parts(data: st.DataObject) -> tuple[Spec, Ruleset, tuple[str, ...]]:
    parts = data.draw(st.lists(st.integers(0, 100), min_size=1, max_size=5))
    total = sum(parts) + data.draw(st.integers(-50, 50).filter(bool))
    sums = [{"name": "人数", "total": total, "parts": {f"第{i}类": p for i, p in enumerate(parts)}}]
    return with_claims(BASE, sums=sums), NATIONAL, ()


BUILDERS: dict[str, Builder] = {
    "A-NO-REASON": _no_reason,
    "A-OVER-COMPLETION": _over_completion,
    "A-LOW-EXECUTION": _low_execution,
    "A-COST-SUM": _cost_sum,
    "A-FIGURE-CONFLICT": _figure_conflict,
    "A-COUNT": _count,
    "A-UNIT-KIND": _unit_kind,
    "A-NAME-DUPLICATE": _name_duplicate,
    "A-LABEL-UNKNOWN": _label_unknown,
    "A-NA-SCORED": _na_scored,
    "A-BUDGET-ROWS": _budget_rows,
    "A-SUM-PARTS": _sum_parts,
}


@pytest.mark.parametrize("code", BUILDERS)
@settings(max_examples=25)
@given(data=st.data())
def test_each_consistency_check_fires_on_data_built_to_violate_it(code: str, data: st.DataObject) -> None:
    assert_fires(BUILDERS, code, data)


# --- real forms: no false alarm -----------------------------------------------------------------------

FORMS = Path(__file__).parent / "forms"


def test_a_real_self_evaluation_form_with_varied_units_gives_no_unit_or_cost_alarm() -> None:
    project = evalrules.load_project(FORMS / "alarm_training_2023.toml")
    report = evalrules.audit(project, SELF)
    assert not {"A-UNIT-KIND", "A-COST-SUM"} & codes(report), [f.message for f in report.findings]


@pytest.mark.parametrize(
    ("name", "old", "new", "why"),
    [
        ("成本控制数", 'unit = "万元"', 'unit = "月"', "计时单位 “月”"),
        ("成本控制数", 'unit = "万元"', 'unit = "人"', "计数单位 “人”"),
        ("带动周边农户户数", 'unit = "户"', 'unit = "万元"', "计数或计时"),
        ("培训考核合格率", 'unit = "％"', 'unit = "人次"', "应以 % 计"),
    ],
)
def test_the_same_form_with_a_clearly_wrong_unit(
    name: str, old: str, new: str, why: str, tmp_path: Path
) -> None:
    text = (FORMS / "alarm_training_2023.toml").read_text(encoding="utf-8")
    at = text.index(f'name = "{name}"')
    changed = text[:at] + text[at:].replace(old, new, 1)
    path = tmp_path / "form.toml"
    path.write_text(changed, encoding="utf-8")
    finding = one(evalrules.audit(evalrules.load_project(path), SELF), "A-UNIT-KIND")
    assert finding.path[-1] == name and why in finding.message


def test_the_seed_months_measured_in_money_are_still_flagged() -> None:
    project = evalrules.load_project(FORMS.parent.parent / "examples" / "akto-2022.toml")
    report = evalrules.audit(project, NATIONAL)
    assert {f.path[-1] for f in found(report, "A-UNIT-KIND")} == {"水费缴费月数", "电费缴费月数"}
    assert not found(report, "A-COST-SUM")  # nine cost targets = 192.05 = 全年预算数


# --- A-BUDGET-ROWS: 年度资金总额 against 其中各行 ---------------------------------------------------

WATER = Path(__file__).parent / "forms" / "bud_rows_water_2023.toml"


def water(text: str | None = None) -> evalrules.AuditReport:
    source = WATER.read_text(encoding="utf-8") if text is None else text
    project = project_from_text(source, "bud_rows_water_2023.toml")
    return evalrules.audit(project, evalrules.load_ruleset("caiyu_2020_10_self"))


def test_a_total_its_rows_do_not_add_up_to_is_a_warning_at_the_row() -> None:
    (finding,) = [f for f in water().findings if f.code == "A-BUDGET-ROWS"]
    assert finding.severity == "warning"
    assert finding.message == (
        "年度资金总额的执行数 286.4万元，而其中各行 财政拨款 200 + 上年结转 80 + 其他资金 5.6 = 285.6万元，"
        "相差 0.8万元"
    )
    assert (finding.claimed, finding.computed) == (D("286.40"), D("285.60"))
    assert finding.place is not None and finding.place.line == 21  # 当年财政拨款's 全年执行数


def test_rows_off_only_by_rounding_to_the_printed_places_are_no_finding() -> None:
    # 年初预算数 213.33 + 86.66 = 299.99 under a printed 300.00; 0.03 off is more than rounding
    report = water()
    assert not any("年初预算数" in f.message for f in report.findings if f.code == "A-BUDGET-ROWS")
    text = WATER.read_text(encoding="utf-8").replace('"年初预算数" = 86.66', '"年初预算数" = 86.64')
    messages = [f.message for f in water(text).findings if f.code == "A-BUDGET-ROWS"]
    assert any(
        m.startswith("年度资金总额的年初预算数 300万元") and "（其他资金未写年初预算数）" in m
        for m in messages
    )


def test_a_total_taken_as_the_sum_of_its_rows_is_not_compared_with_itself() -> None:
    text = WATER.read_text(encoding="utf-8").replace('"全年执行数" = 286.40\n', "")
    report = water(text)
    assert not [f for f in report.findings if f.code == "A-BUDGET-ROWS"]
    assert report.result is not None
    (rate,) = [n for n in report.result.walk() if n.path == ("预算执行率",)]
    assert rate.inputs["执行数"] == "285.6"


ROW_RULESET = """
[ruleset]
id = "self_by_appropriation"
version = "1"
title = "按当年财政拨款计预算执行率的自评"
document = "测试"
issuer = "测试"
extends = "caiyu_2020_10_self"

[[override]]
path = "预算执行率"
params = { numerator = "执行数", denominator = "全年预算数", row = "当年财政拨款" }
"""


def test_the_ruleset_chooses_the_row_that_drives_the_execution_rate(tmp_path: Path) -> None:
    ruleset_file = tmp_path / "row.toml"
    ruleset_file.write_text(ROW_RULESET, encoding="utf-8")
    ruleset = evalrules.load_ruleset(str(ruleset_file))
    project = evalrules.load_project(WATER)
    result = evalrules.score(project, ruleset)
    (rate,) = [n for n in result.walk() if n.path == ("预算执行率",)]
    assert rate.score == 10 and rate.reasons[0].startswith(
        "财政拨款的执行数 200万元 ÷ 财政拨款的全年预算数 200万元"
    )
    total = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert [n.score for n in total.walk() if n.path == ("预算执行率",)] == [D("9.55")]


def test_a_stated_figure_under_the_forms_word_is_compared_with_the_budget() -> None:
    stated = '\n[[claims.figures]]\nname = "全年执行数"\nvalue = 280\nsource = "报告正文 二（一）"\n'
    report = water(WATER.read_text(encoding="utf-8") + stated)
    (finding,) = [f for f in report.findings if f.code == "A-FIGURE-CONFLICT"]
    assert finding.message.endswith("[budget] 中的全年执行数是 286.4万元")
    assert (finding.claimed, finding.computed) == (D(280), D("286.40"))
