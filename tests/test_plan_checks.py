"""The review checks of results right by the rules that need a reviewer's eye
(evalrules.default_plugins.plan_checks), on realistic forms in tests/forms/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import AuditReport, Finding, Ruleset
from evalrules.base.errors import LoadError
from evalrules.default_plugins.plan_checks import PLAN_CHECKS
from evalrules.engine.scoring import explain
from evalrules.hooks.registry import default_registry
from evalrules.io.project_loading import project_from_text

FORMS = Path(__file__).parent / "forms"
D = Decimal


def text_of(name: str) -> str:
    return (FORMS / name).read_text(encoding="utf-8")


def audit(text: str, ruleset: Ruleset | None = None) -> AuditReport:
    project = project_from_text(text, "表.toml")
    return evalrules.audit(project, ruleset or evalrules.load_ruleset(project.ruleset))


def found(report: AuditReport, code: str) -> list[Finding]:
    return [finding for finding in report.findings if finding.code == code]


def test_the_checks_are_registered() -> None:
    registry = default_registry()
    for check in PLAN_CHECKS:
        assert registry.checks[check.code] is check
        assert registry.origin("check", check.code) == "evalrules.default_plugins.plan_checks"


def test_the_seed_gains_no_finding_from_these_checks() -> None:
    seed = evalrules.load_project("examples/akto-2022.toml")
    report = evalrules.audit(seed, evalrules.load_ruleset(seed.ruleset))
    assert {f.code for f in report.findings} & {c.code for c in PLAN_CHECKS} == set()


# --- A-EQUAL-MISSED ------------------------------------------------------------------------------


def test_an_equal_target_exceeded_keeps_full_marks_but_is_a_warning() -> None:
    text = text_of("audit_self_subsidy.toml")
    report = audit(text)
    assert report.result is not None
    assert report.result.node("产出指标", "质量指标", "补助标准").score == 15
    [finding] = found(report, "A-EQUAL-MISSED")
    assert finding.severity == "warning" and finding.path == ("产出指标", "质量指标", "补助标准")
    assert (finding.claimed, finding.computed) == (D(1000), D(15))
    assert "指标值 =800元/人），实际完成 1000元/人，高于指标值，为指标值的 125%" in finding.message
    assert (
        finding.place is not None and finding.place.line == text.splitlines().index('name = "补助标准"') - 1
    )


def test_an_equal_target_short_of_its_value_is_a_warning_too_and_quotes_its_reason() -> None:
    text = text_of("audit_self_subsidy.toml").replace(
        "actual = 1000\n", 'actual = 760\nreason = "年中调标，按新标准发放"\n'
    )
    [finding] = found(audit(text), "A-EQUAL-MISSED")
    assert "低于指标值，为指标值的 95%" in finding.message and "偏差原因：年中调标" in finding.message


def test_equal_targets_met_exactly_and_other_operators_are_no_finding() -> None:
    text = text_of("audit_self_subsidy.toml").replace("actual = 1000\n", "actual = 800\n")
    assert found(audit(text), "A-EQUAL-MISSED") == []
    positive = text_of("audit_self_subsidy.toml").replace('operator = "＝"', 'operator = "≥"')
    assert found(audit(positive), "A-EQUAL-MISSED") == []


# --- A-WEIGHT-SHARE ------------------------------------------------------------------------------


def test_a_plan_giving_output_and_outcome_less_than_sixty_percent_is_a_warning() -> None:
    text = text_of("audit_dept_weights.toml")
    [finding] = found(audit(text), "A-WEIGHT-SHARE")
    assert finding.severity == "warning" and finding.path == ()
    assert (finding.claimed, finding.computed) == (D(40), D(60))
    assert "产出 25 分 + 效益 15 分 = 40 分，占总分值 100 分的 40%" in finding.message
    assert "原则上产出、效益指标权重不低于60%" in finding.message
    assert finding.place is not None and finding.place.line == text.splitlines().index('"产出" = 25') + 1


def test_the_threshold_is_the_rulesets_and_only_caiyu_2020_10_sets_it() -> None:
    national = evalrules.load_ruleset("caiyu_2020_10")
    assert national.audit.output_outcome_share == D("0.6")
    assert national.provenance["audit.output_outcome_share"].status == "unverified"
    assert evalrules.load_ruleset("caiyu_2020_10_self").audit.output_outcome_share is None
    off = attrs.evolve(national, audit=attrs.evolve(national.audit, output_outcome_share=None))
    assert found(audit(text_of("audit_dept_weights.toml"), off), "A-WEIGHT-SHARE") == []


def test_sixty_percent_exactly_is_no_finding() -> None:
    text = (
        text_of("audit_dept_weights.toml")
        .replace('"决策" = 30', '"决策" = 20')
        .replace('"决策/项目立项" = 10', '"决策/项目立项" = 5')
        .replace('"决策/项目立项/立项依据充分性" = 6', '"决策/项目立项/立项依据充分性" = 3')
        .replace('"决策/项目立项/立项程序规范性" = 4', '"决策/项目立项/立项程序规范性" = 2')
        .replace('"决策/绩效目标" = 10', '"决策/绩效目标" = 5')
        .replace('"决策/绩效目标/绩效目标合理性" = 6', '"决策/绩效目标/绩效目标合理性" = 3')
        .replace('"决策/绩效目标/绩效指标明确性" = 4', '"决策/绩效目标/绩效指标明确性" = 2')
        .replace('"过程" = 30', '"过程" = 20')
        .replace('"过程/资金管理" = 20', '"过程/资金管理" = 15')
        .replace('"过程/资金管理/资金使用合规性" = 10', '"过程/资金管理/资金使用合规性" = 5')
        .replace('"过程/组织实施" = 10', '"过程/组织实施" = 5')
        .replace('"过程/组织实施/管理制度健全性" = 4', '"过程/组织实施/管理制度健全性" = 2')
        .replace('"过程/组织实施/制度执行有效性" = 6', '"过程/组织实施/制度执行有效性" = 3')
        .replace('"效益" = 15', '"效益" = 35')
        .replace('"效益/项目效益" = 15', '"效益/项目效益" = 35')
        .replace("weight = 7\n", "weight = 17\n")
        .replace("weight = 8\n", "weight = 18\n")
    )
    report = audit(text)
    assert report.result is not None and report.result.node("效益").weight == 35
    assert found(report, "A-WEIGHT-SHARE") == []


@pytest.mark.parametrize(("value", "ok"), [("0.6", True), ("1", True), ("1.2", False), ("0", False)])
def test_the_threshold_is_a_share_between_zero_and_one(tmp_path: Path, value: str, ok: bool) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[ruleset]\nid = "mine"\nversion = "0.1.0"\ntitle = "本县"\ndocument = "某财绩〔2024〕1号"\n'
        f'issuer = "某县财政局"\nextends = "caiyu_2020_10"\n\n[audit]\noutput_outcome_share = {value}\n',
        encoding="utf-8",
    )
    if ok:
        assert evalrules.load_ruleset(path).audit.output_outcome_share == D(value)
    else:
        with pytest.raises(LoadError) as raised:
            evalrules.load_ruleset(path)
        assert "E-AUDIT" in str(raised.value) and "output_outcome_share" in str(raised.value)


# --- A-GRADE-ROUNDING ----------------------------------------------------------------------------


def test_a_grade_carried_across_its_boundary_by_rounding_is_an_info_finding() -> None:
    text = text_of("audit_self_boundary.toml")
    report = audit(text)
    assert report.result is not None and (report.result.total, report.result.grade) == (D(90), "优")
    [finding] = found(report, "A-GRADE-ROUNDING")
    assert finding.severity == "info" and finding.computed == D("89.995")
    assert "不舍入直接相加为 89.995 分，应为“良”" in finding.message and "按规则集取“优”" in finding.message
    assert report.findings == (finding,)  # the claimed 10 for 9.995 is the displayed score, not unearned


def test_no_finding_when_rounding_keeps_the_grade_or_the_ruleset_rounds_only_the_total() -> None:
    lower = text_of("audit_self_boundary.toml").replace('"执行数" = 1999', '"执行数" = 1998')
    assert found(audit(lower), "A-GRADE-ROUNDING") == []  # 9.99: 89.99 either way
    self_rules = evalrules.load_ruleset("caiyu_2020_10_self")
    at_total = attrs.evolve(self_rules, rounding=attrs.evolve(self_rules.rounding, stage="total"))
    assert found(audit(text_of("audit_self_boundary.toml"), at_total), "A-GRADE-ROUNDING") == []


@settings(max_examples=60, deadline=None)
@given(
    spent=st.decimals(min_value=D("1990"), max_value=D("2000"), places=2),
    built=st.integers(min_value=75, max_value=85),
    na_satisfaction=st.booleans(),
)
@example(spent=D("1999"), built=80, na_satisfaction=False)  # 89.995 shown as 90
@example(spent=D("1999.5"), built=80, na_satisfaction=True)
def test_grade_rounding_fires_exactly_when_the_unrounded_total_has_another_grade(
    spent: Decimal, built: int, na_satisfaction: bool
) -> None:
    text = (
        text_of("audit_self_boundary.toml")
        .replace('"执行数" = 1999', f'"执行数" = {spent}')
        .replace("actual = 80\n", f"actual = {built}\n")
    )
    if na_satisfaction:  # rescaled over the applicable indicators
        text = text.replace("actual = 97\n", "actual = 97\nna = true\n")
    project = project_from_text(text, "表.toml")
    rules = evalrules.load_ruleset("caiyu_2020_10_self")
    report = evalrules.audit(project, rules)
    assert report.result is not None
    at_total = attrs.evolve(rules, rounding=attrs.evolve(rules.rounding, stage="total"))
    exact = explain(project, at_total).exact_total
    crossed = rules.grade_for(exact) != report.result.grade
    assert bool(found(report, "A-GRADE-ROUNDING")) is crossed
