"""review_targets(): the planted-fault 申报表 and the seed give exactly what a reviewer writes back."""

from __future__ import annotations

from pathlib import Path

import evalrules
from evalrules.review.engine import review_targets
from evalrules.review.ruleset import load_review_ruleset

from .conftest import SEED

FORMS = Path(__file__).parent / "forms"
EXAMPLES = Path(__file__).parent.parent / "examples"


def codes(report: evalrules.review.engine.ReviewReport) -> list[tuple[str, str]]:
    return [(finding.code, finding.path[-1] if finding.path else "") for finding in report.findings]


def test_planted_faults_give_exactly_the_expected_findings_and_conclusion() -> None:
    project = evalrules.load_project(FORMS / "rev_shenbao_training_2024.toml")
    report = evalrules.review_targets(project, evalrules.load_review_ruleset("mubiao_2021_101"))
    assert sorted(codes(report)) == sorted(
        [
            ("MB-GOAL-02", ""),
            ("MB-COST-01", ""),
            ("MB-SRC-02", "培训班次"),
            ("MB-SRC-05", "培训参加人数"),
            ("MB-UNIT-02", "讲师课时"),
            ("MB-QNT-01", "培训合格率"),
            ("MB-TIME-01", "培训资料合规率"),
            ("MB-QNT-03", "培训场地租赁费"),
            ("MB-SRC-03", "人均培训成本"),
            ("MB-DUP-03", "带动培训参加人数"),
            ("MB-UNIT-03", "参训人员满意度"),
        ]
    )
    assert (report.grade, report.conclusion) == ("差", "不通过")  # cost over the request: 适当性
    cost = next(f for f in report.findings if f.code == "MB-COST-01")
    assert cost.message == "2项以金额计的成本指标合计 86万元，超过申报预算 80万元"
    low = next(f for f in report.findings if f.code == "MB-SRC-05")
    assert "1500 不及上年实际完成值 1620" in low.message and low.place and low.place.line == 35


def test_the_seed_reviewed_gives_the_faults_a_reviewer_sees() -> None:
    report = review_targets(evalrules.load_project(SEED), load_review_ruleset())
    found = codes(report)
    assert ("MB-TIME-01", "资金使用合规率") in found  # a compliance ratio as 时效
    assert ("MB-UNIT-02", "水费缴费月数") in found and ("MB-UNIT-02", "电费缴费月数") in found  # 月数 in 万元
    assert found.count(("MB-DUP-01", "提升员工办公效率")) == 1
    assert ("MB-COST-01", "") not in found  # nine cost targets sum to the budget, 192.05
    assert (report.grade, report.conclusion) == ("中", "修改后通过")


def test_no_false_alarms_over_every_project_file() -> None:
    """Only findings a reviewer would write back: none for unit, rate, cost or 时效 on files whose
    targets are right (each kept here was read and is real)."""
    ruleset = load_review_ruleset()
    expected = {
        ("akto-2022.toml", "MB-TIME-01"),
        ("out_deduct_2023.toml", "MB-TIME-01"),  # the seed with deductions: the seed's own finding
        ("evi_panel_2022.toml", "MB-TIME-01"),  # the seed with expert panels: the same finding
        ("rev_shenbao_training_2024.toml", "MB-TIME-01"),
    }
    seen = set()
    for path in [*sorted(EXAMPLES.glob("*.toml")), *sorted(FORMS.glob("*.toml"))]:
        if path.name.startswith("mon_"):
            continue  # monitoring records (evalrules monitor), not project files
        report = review_targets(evalrules.load_project(path), ruleset)
        for finding in report.findings:
            if finding.code in ("MB-TIME-01", "MB-UNIT-01", "MB-UNIT-03", "MB-COST-01", "R-CHECK-FAILED"):
                seen.add((path.name, finding.code))
    assert seen - {("rev_shenbao_training_2024.toml", c) for c in ("MB-UNIT-03", "MB-COST-01")} == expected


def test_not_applicable_targets_are_not_reviewed() -> None:
    project = evalrules.load_project(FORMS / "na_zero_weight.toml")
    report = review_targets(project, load_review_ruleset())
    assert not any(f.code == "MB-QNT-01" for f in report.findings)


def test_a_failing_check_function_is_a_finding_not_a_pass(tmp_path: Path) -> None:
    from evalrules.hooks.registry import load_registry
    from evalrules.hooks.review_checks import ReviewCheck, ReviewContext
    from evalrules.hooks.specs import hookimpl

    def broken(context: ReviewContext) -> list[object]:
        raise ValueError("boom")

    class Plugin:
        @hookimpl
        def register_review_checks(self) -> list[ReviewCheck]:
            return [ReviewCheck("broken", broken, "总是出错")]  # type: ignore[arg-type]

    registry = load_registry([Plugin()], entry_points=False)
    rules = tmp_path / "r.toml"
    rules.write_text(
        '[review]\nid = "x"\ntitle = "x"\n[[rules]]\nid = "X-1"\nseverity = "warning"\naspect = "完整性"\n'
        'check = "broken"\nmessage = "m"\n[[conclusions]]\ngrade = "优"\nlabel = "通过"\n',
        encoding="utf-8",
    )
    report = review_targets(evalrules.load_project(SEED), load_review_ruleset(rules, registry), registry)
    assert [f.code for f in report.findings] == ["R-CHECK-FAILED"]
    assert report.conclusion == "通过" and report.fails("error")
