"""A-FIRST-LEVEL-NA: a whole first-level indicator that does not apply (default_plugins/first_level.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs

import evalrules
from evalrules import testing
from evalrules.auditing.run import Finding

FORMS = Path(__file__).parent / "forms"


def _findings(project: evalrules.Project, ruleset: evalrules.Ruleset) -> list[Finding]:
    report = evalrules.audit(project, ruleset, testing.plugin_registry())
    return [finding for finding in report.findings if finding.code == "A-FIRST-LEVEL-NA"]


def test_a_self_evaluation_without_any_benefit_target_is_a_warning(self_eval: evalrules.Ruleset) -> None:
    project = evalrules.load_project(FORMS / "na_benefit_blank.toml")
    [finding] = _findings(project, self_eval)
    assert (finding.severity, finding.path, finding.computed) == ("warning", ("效益指标",), Decimal(100))
    assert finding.message == (
        "一级指标 “效益指标”（分值 30 分）整个不适用（下级指标均不适用）；总分只按其余一级指标计："
        "适用分值 70 分，得分合计 70 分，按 100 分折算为 100 分。"
        "请核实这一类指标是漏填还是确实没有：缺了一整类，绩效目标就不完整"
    )
    assert finding.place is not None and finding.place.line == 38  # the first 效益 row


def test_rows_that_were_measured_but_weigh_0_point_at_the_weights(self_eval: evalrules.Ruleset) -> None:
    project = evalrules.load_project(FORMS / "na_zero_weight.toml")
    [finding] = _findings(project, self_eval)
    assert finding.path == ("产出指标",) and finding.computed == Decimal(98)
    assert finding.message.endswith("其下有实际完成的指标，分值却都是 0：请核实分值是否填错")


def test_a_slot_the_ruleset_lets_stay_empty_and_left_empty_is_not_reported(
    self_eval: evalrules.Ruleset,
) -> None:
    # caiyu_2020_10_self declares 满意度指标 empty = "not_applicable": a form without any
    # satisfaction row is scored as the ruleset says, not a defect; one whose rows are all "/" is
    project = evalrules.load_project(FORMS / "na_benefit_blank.toml")
    others = tuple(t for t in project.targets if t.slot[0] != "满意度指标")
    assert [f.path for f in _findings(attrs.evolve(project, targets=others), self_eval)] == [("效益指标",)]
    crossed = tuple(
        attrs.evolve(t, not_applicable=True) if t.slot[0] == "满意度指标" else t for t in project.targets
    )
    paths = [f.path for f in _findings(attrs.evolve(project, targets=crossed), self_eval)]
    assert paths == [("效益指标",), ("满意度指标",)]


def test_the_seed_and_a_complete_form_have_none(
    seed: evalrules.Project, national: evalrules.Ruleset, self_eval: evalrules.Ruleset
) -> None:
    assert _findings(seed, national) == []
    project = evalrules.load_project(FORMS / "na_benefit_blank.toml")
    filled = tuple(
        attrs.evolve(t, not_applicable=False, value_text="丰富", actual_text="丰富", rating="达成年度指标")
        if t.slot[0] == "效益指标"
        else t
        for t in project.targets
    )
    assert _findings(attrs.evolve(project, targets=filled), self_eval) == []


def test_under_share_the_weight_is_said_to_go_to_the_others(self_eval: evalrules.Ruleset) -> None:
    sharing = attrs.evolve(self_eval, not_applicable=attrs.evolve(self_eval.not_applicable, policy="share"))
    [finding] = _findings(evalrules.load_project(FORMS / "na_benefit_blank.toml"), sharing)
    assert "它的 30 分均摊给其余一级指标" in finding.message and finding.computed is None


def test_a_project_that_cannot_be_scored_is_still_read(self_eval: evalrules.Ruleset) -> None:
    project = evalrules.load_project(FORMS / "na_benefit_blank.toml")
    broken = tuple(  # a missing actual value: scoring refuses, the data still shows 效益 is blank
        attrs.evolve(t, actual=None, actual_text="") if t.name == "免费开放文化站个数" else t
        for t in project.targets
    )
    report = evalrules.audit(attrs.evolve(project, targets=broken), self_eval)
    assert report.result is None
    [finding] = [f for f in report.findings if f.code == "A-FIRST-LEVEL-NA"]
    assert finding.path == ("效益指标",) and "总分只按其余一级指标折算" in finding.message
