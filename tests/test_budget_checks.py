"""The review checks of the budget block and of stated figures the engine computes
(evalrules.default_plugins.budget_checks), on realistic forms in tests/forms/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import evalrules
from evalrules import AuditReport, Finding
from evalrules.default_plugins.budget_checks import BUDGET_CHECKS, states
from evalrules.hooks.registry import default_registry
from evalrules.io.project_loading import project_from_text

FORMS = Path(__file__).parent / "forms"
D = Decimal


def text_of(name: str) -> str:
    return (FORMS / name).read_text(encoding="utf-8")


def audit(
    text: str, name: str = "表.toml", ruleset: str | None = None, registry: evalrules.Registry | None = None
) -> AuditReport:
    project = project_from_text(text, name)
    return evalrules.audit(project, evalrules.load_ruleset(ruleset or project.ruleset, registry), registry)


def found(report: AuditReport, code: str) -> list[Finding]:
    return [finding for finding in report.findings if finding.code == code]


def ours(report: AuditReport) -> set[str]:
    mine = {check.code for check in BUDGET_CHECKS}
    return {finding.code for finding in report.findings if finding.code in mine}


def test_the_checks_are_registered() -> None:
    registry = default_registry()
    for check in BUDGET_CHECKS:
        assert registry.checks[check.code] is check
        assert registry.origin("check", check.code) == "evalrules.default_plugins.budget_checks"


def test_the_seed_gains_no_finding_from_these_checks() -> None:
    seed = evalrules.load_project("examples/akto-2022.toml")
    assert ours(evalrules.audit(seed, evalrules.load_ruleset(seed.ruleset))) == set()


# --- A-OVERSPENT ---------------------------------------------------------------------------------


def test_spending_beyond_the_budget_is_a_warning_while_the_score_stays_capped() -> None:
    text = text_of("audit_self_overspent.toml")
    report = audit(text)
    assert report.result is not None and report.result.node("预算执行率").score == 10
    [finding] = found(report, "A-OVERSPENT")
    assert finding.severity == "warning" and finding.path == ("预算执行率",)
    assert (finding.claimed, finding.computed) == (D(150), D(100))
    assert "超过全年预算数 100万元，超支 50万元" in finding.message and "预算法第十三条" in finding.message
    assert finding.place is not None and finding.place.line == text.splitlines().index('"执行数" = 150') + 1
    assert ours(report) == {"A-OVERSPENT"}  # the stated 100% is the capped rate: no A-FIGURE-COMPUTED


def test_spending_within_the_budget_is_no_finding() -> None:
    text = text_of("audit_self_overspent.toml").replace('"执行数" = 150', '"执行数" = 100')
    assert found(audit(text), "A-OVERSPENT") == []


def test_sichuan_holds_spending_to_the_adjusted_budget_its_execution_rate_divides_by(
    sichuan: evalrules.Registry,
) -> None:
    text = (
        text_of("audit_self_overspent.toml")
        .replace('ruleset = "caiyu_2020_10_self"', 'ruleset = "sichuan_self"')
        .replace('"全年预算数" = 100', '"调整后预算数" = 140')
    )
    [over] = found(audit(text, registry=sichuan), "A-OVERSPENT")
    assert over.message.startswith("执行数 150万元 超过调整后预算数 140万元")
    within = text.replace('"调整后预算数" = 140', '"调整后预算数" = 150')
    # 150 > 年初 100, but the adjusted budget allows it
    assert found(audit(within, registry=sichuan), "A-OVERSPENT") == []


def test_department_evaluation_compares_spending_with_the_full_year_budget_not_money_received() -> None:
    text = text_of("audit_dept_weights.toml").replace('"执行数" = 118.6', '"执行数" = 126')
    report = audit(text)
    [finding] = found(report, "A-OVERSPENT")
    assert finding.path == ("过程", "资金管理", "预算执行率")
    assert "超过全年预算数 120万元" in finding.message
    assert found(report, "A-BUDGET-ROWS")  # 执行数 > 到位资金 stays that check's


# --- A-BUDGET-MISSING ----------------------------------------------------------------------------


def test_a_self_evaluation_form_without_its_opening_budget_is_flagged() -> None:
    text = text_of("audit_self_subsidy.toml").replace('"年初预算数" = 58\n', "")
    [finding] = found(audit(text), "A-BUDGET-MISSING")
    assert finding.severity == "warning" and "没有年初预算数" in finding.message
    assert finding.place is not None and finding.place.line == text.splitlines().index("[budget]") + 1


def test_a_form_without_its_spending_is_flagged() -> None:
    text = text_of("audit_self_boundary.toml").replace('"执行数" = 1999\n', "")
    assert "没有执行数" in found(audit(text), "A-BUDGET-MISSING")[0].message


def test_a_department_report_need_not_state_the_opening_budget() -> None:
    report = audit(text_of("audit_dept_weights.toml"))
    assert found(report, "A-BUDGET-MISSING") == []
    text = text_of("audit_dept_weights.toml").replace('"执行数" = 118.6\n', "")
    assert "没有执行数" in found(audit(text), "A-BUDGET-MISSING")[0].message


def test_a_project_without_any_budget_is_not_flagged() -> None:
    text = text_of("audit_self_subsidy.toml")
    for row in ('"年初预算数" = 58\n', '"全年预算数" = 58\n', '"执行数" = 50\n'):
        text = text.replace(row, "")
    text = text.replace('"预算执行率" = 9\n', "")
    assert found(audit(text), "A-BUDGET-MISSING") == []


# --- A-FIGURE-COMPUTED ---------------------------------------------------------------------------


def test_a_stated_execution_rate_the_budget_contradicts_is_an_error() -> None:
    text = text_of("audit_self_subsidy.toml")
    report = audit(text)
    [finding] = found(report, "A-FIGURE-COMPUTED")
    assert finding.severity == "error" and finding.path == ("预算执行率",)
    assert (finding.claimed, finding.computed) == (D(50), D("86.21"))
    assert "执行数 50万元 ÷ 全年预算数 58万元 = 86.21%" in finding.message
    assert finding.place is not None and finding.place.line == text.splitlines().index("value = 50") - 1


@pytest.mark.parametrize("stated", ["86.2", "86.21", "86", "86.206", "86.20"])
def test_a_stated_rate_rounded_or_cut_to_its_decimals_is_no_conflict(stated: str) -> None:
    text = text_of("audit_self_subsidy.toml").replace("value = 50\n", f"value = {stated}\n")
    assert found(audit(text), "A-FIGURE-COMPUTED") == []


@pytest.mark.parametrize("stated", ["86.3", "87", "8.62"])
def test_a_stated_rate_off_by_more_than_its_rounding_is_a_conflict(stated: str) -> None:
    text = text_of("audit_self_subsidy.toml").replace("value = 50\n", f"value = {stated}\n")
    assert [f.claimed for f in found(audit(text), "A-FIGURE-COMPUTED")] == [D(stated)]


def test_a_rate_stated_against_another_approved_budget_row_is_no_conflict() -> None:
    # 部门评价 divides by 到位资金; a report that divides by 全年预算数 is not wrong
    text = text_of("audit_dept_weights.toml").replace('"到位资金" = 120', '"到位资金" = 100')
    text += '\n[[claims.figures]]\nname = "预算执行率"\nvalue = 98.83\nunit = "%"\n'
    report = audit(text)
    assert found(report, "A-FIGURE-COMPUTED") == []
    wrong = text.replace("value = 98.83", "value = 90")
    [finding] = found(audit(wrong), "A-FIGURE-COMPUTED")
    assert "执行数 118.6万元 ÷ 到位资金 100万元 = 118.6%" in finding.message


def test_a_stated_arrival_rate_total_score_and_count_are_compared() -> None:
    text = text_of("audit_dept_weights.toml") + (
        '\n[[claims.figures]]\nname = "资金到位率"\nvalue = 95\nunit = "%"\n'
        '\n[[claims.figures]]\nname = "综合得分"\nvalue = 96.5\nunit = "分"\n'
        '\n[[claims.figures]]\nname = "产出"\nvalue = 20\nunit = "分"\n'
        '\n[[claims.figures]]\nname = "绩效指标个数"\nvalue = 7\nunit = "个"\n'
        '\n[[claims.figures]]\nname = "参训教师满意度"\nvalue = 94.2\nunit = "%"\n'
    )
    report = audit(text)
    assert [(f.claimed, f.computed) for f in found(report, "A-FIGURE-COMPUTED")] == [
        (D(95), D(100)),
        (D("96.5"), D("99.94")),
        (D(20), D(25)),
        (D(7), D(6)),
    ]
    right = (
        text.replace("value = 95\n", "value = 100\n")
        .replace("value = 96.5", "value = 99.9")
        .replace("value = 20\n", "value = 25\n")
        .replace("value = 7\n", "value = 6\n")
    )
    assert found(audit(right), "A-FIGURE-COMPUTED") == []


def test_states_reads_a_figure_as_a_report_writes_it() -> None:
    assert states(D("86.2"), D("86.2069"))
    assert states(D("86.1"), D("86.19"))  # cut, not rounded
    assert not states(D("86.3"), D("86.2069"))
    assert states(D("99.9"), D("99.94"), D("0.1"))


def test_a_budget_near_zero_is_reported_not_a_crash(seed: evalrules.Project) -> None:
    # found by the fuzzer: 全年预算数 = 1e-300 gave InvalidOperation in A-OVERSPENT and in the
    # explanation of 资金到位率 (the fast plan had scored it)
    figures = {**seed.budget.figures, "全年预算数": Decimal("1e-300")}
    project = attrs.evolve(seed, budget=attrs.evolve(seed.budget, figures=figures))
    ruleset = evalrules.load_ruleset("caiyu_2020_10")
    result = evalrules.score(project, ruleset)
    assert any("1.9205e+304%" in reason for node in result.walk() for reason in node.reasons)
    report = evalrules.audit(project, ruleset)
    assert not [f for f in report.findings if f.code == "A-CHECK-FAILED"]
    assert [f for f in report.findings if f.code == "A-OVERSPENT"]
