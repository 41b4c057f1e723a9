"""Scores from evidence: survey counts and expert panels (evalrules.default_plugins.evidence)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules import LoadError
from evalrules.base.errors import ScoringError
from evalrules.base.sources import Place
from evalrules.default_plugins.evidence import Survey, prepare_survey, tally
from evalrules.default_plugins.panel import Panel, combined
from evalrules.hooks.strategies import ParameterProblem, PrepareContext, ScoringInput
from evalrules.io.project_export import project_to_toml
from evalrules.io.project_loading import project_from_text
from evalrules.model.evidence import PanelScore
from evalrules.model.project import Assessment, Budget
from evalrules.model.ruleset import Rounding
from evalrules.testing import assert_kernel_agrees

FORMS = Path(__file__).parent / "forms"
SURVEY_FORM = FORMS / "evi_survey_2023.toml"
PANEL_FORM = FORMS / "evi_panel_2022.toml"

SURVEY = """
[project]
name = "问卷"
ruleset = "caiyu_2020_10_self"
[budget]
"年初预算数" = 100
"全年预算数" = 100
"执行数" = 100
[[targets]]
slot = "产出指标/数量指标"
name = "人数"
operator = ">="
value = 10
actual = 10
[[targets]]
slot = "效益指标/社会效益指标"
name = "效果"
operator = "定性"
value = "好"
rating = "达成"
[[targets]]
slot = "满意度指标/服务对象满意度指标"
name = "满意度"
operator = ">="
value = 90
unit = "%"
"""


def survey_project(inputs: str, actual: str = "") -> evalrules.Project:
    quoted = re.sub(r"(\w+) =", r'"\1" =', inputs)  # Chinese keys are quoted in TOML
    return project_from_text(SURVEY + actual + f"inputs = {{ {quoted} }}\n", "survey.toml")


def node(result: evalrules.Result, name: str) -> evalrules.NodeResult:
    return next(n for n in result.walk() if n.path[-1] == name)


def codes(project: evalrules.Project, ruleset: str) -> list[str]:
    report = evalrules.audit(project, evalrules.load_ruleset(ruleset))
    return [finding.code for finding in report.findings]


def test_the_300_questionnaire_survey_scores_as_the_ruleset_declares() -> None:
    project = evalrules.load_project(SURVEY_FORM)
    result = evalrules.score(project, evalrules.load_ruleset(project.ruleset or ""))
    row = node(result, "体检群众满意度")
    assert row.method == "survey"
    assert row.score == 10  # (120 + 150) ÷ 300 = 90% ≥ 90%
    assert row.inputs["满意度"] == "90%" and row.inputs["有效问卷数"] == "300"
    assert "（非常满意 + 满意）÷ 有效问卷 = 90%" in row.reasons[0]
    assert result.to_dict()["indicators"][-1]["inputs"]["非常满意"] == "120"


def test_a_survey_below_the_target_scores_by_the_positive_kernel() -> None:
    project = survey_project("非常满意 = 100, 满意 = 80, 不满意 = 20, 有效问卷 = 200")
    result = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    row = node(result, "满意度")  # 90% of 90%: 180/200 = 90 ≥ 90 → full
    assert row.score == row.weight
    project = survey_project("非常满意 = 100, 满意 = 62, 不满意 = 38")
    row = node(evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self")), "满意度")
    assert row.score == Decimal("9")  # 81% ÷ 90% × 10
    assert "完成 90%" in row.reasons[0]


def test_planted_inconsistencies_in_surveys_are_found() -> None:
    assert codes(evalrules.load_project(SURVEY_FORM), "caiyu_2020_10_self") == ["A-SURVEY-STATED"]
    small = survey_project("非常满意 = 10, 满意 = 10, 有效问卷 = 20, 服务对象人数 = 5000")
    assert "A-SURVEY-SAMPLE" in codes(small, "caiyu_2020_10_self")
    crowded = survey_project("非常满意 = 200, 满意 = 100, 有效问卷 = 300, 服务对象人数 = 250")
    assert "A-SURVEY-POPULATION" in codes(crowded, "caiyu_2020_10_self")
    fine = survey_project("非常满意 = 200, 满意 = 100, 有效问卷 = 300, 服务对象人数 = 3000", "actual = 100\n")
    assert codes(fine, "caiyu_2020_10_self") == []


def test_the_five_expert_panel_drops_the_outlier() -> None:
    project = evalrules.load_project(PANEL_FORM)
    result = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10"))
    row = node(result, "立项依据充分性")
    assert row.score == Decimal("2.7") and row.method == "panel"
    assert "去掉一个最高分和一个最低分后平均为 2.7" in row.reasons[0]
    assert "专家E 1" in row.reasons[0] and any("专家E：" in reason for reason in row.reasons)
    assert row.inputs["专家E"] == "1" and row.inputs["合成方法"].startswith("去掉")
    assert node(result, "制度执行有效性").score == Decimal("2.75")
    found = codes(project, "caiyu_2020_10")
    assert {"A-PANEL-SPREAD", "A-PANEL-SIZE", "A-TOTAL-DIFF"} <= set(found)


def test_the_seed_is_unchanged() -> None:
    seed = evalrules.load_project(Path(__file__).parents[1] / "examples" / "akto-2022.toml")
    result = evalrules.score(seed, evalrules.load_ruleset("caiyu_2020_10"))
    assert (result.total, result.grade) == (100, "优")


def test_evidence_round_trips() -> None:
    for form in (SURVEY_FORM, PANEL_FORM):
        project = evalrules.load_project(form)
        again = project_from_text(project_to_toml(project), "again.toml")
        assert [t.inputs for t in again.targets] == [t.inputs for t in project.targets]
        assert [a.panel for a in again.assessments] == [a.panel for a in project.assessments]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ('非常满意 = "很多"', "inputs.非常满意"),
        ("非常满意 = -3", "不能为负数"),
    ],
)
def test_bad_inputs_are_located(inputs: str, expected: str) -> None:
    with pytest.raises(LoadError) as error:
        survey_project(inputs)
    problem = error.value.problems[0]
    assert expected in problem.render() and problem.line is not None


def test_a_misspelled_answer_is_an_input_problem_with_a_suggestion() -> None:
    project = survey_project("非常满竟 = 3, 满意 = 3")
    with pytest.raises(ScoringError) as error:
        evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert "非常满意" in error.value.problems[0].render()


def test_evidence_without_a_declared_method_is_refused() -> None:
    project = survey_project("非常满意 = 3")
    loaded = evalrules.load_ruleset("caiyu_2020_10_self")

    bare = attrs.evolve(
        loaded, target_methods=tuple(t for t in loaded.target_methods if t.operator != "问卷")
    )
    with pytest.raises(ScoringError) as error:
        evalrules.score(project, bare)
    assert error.value.problems[0].code == "E-EVIDENCE-METHOD"


def test_bad_parameters_are_refused() -> None:
    context = PrepareContext({})
    with pytest.raises(ParameterProblem, match="两者不能同时写"):
        Survey().prepare({"satisfied": ["满意"], "weights": {"满意": 1}}, context)
    with pytest.raises(ParameterProblem, match="不在 answers"):
        Survey().prepare({"satisfied": ["很满意"]}, context)
    with pytest.raises(ParameterProblem, match="combine"):
        Panel().prepare({"combine": "average"}, context)


scores = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(scores, min_size=3, max_size=9), st.sampled_from(["mean", "median", "trimmed"]))
def test_a_panels_combined_score_lies_within_its_members_range(members: list[Decimal], method: str) -> None:
    assert min(members) <= combined(method, members) <= max(members)


counts = st.integers(min_value=0, max_value=500)


@given(st.lists(counts, min_size=5, max_size=5), st.booleans())
def test_another_very_satisfied_answer_never_lowers_satisfaction(answers: list[int], weighted: bool) -> None:
    params = (
        {"weights": {"非常满意": 1, "满意": "0.8", "基本满意": "0.6", "不满意": "0.2"}}
        if weighted
        else {"satisfied": ["非常满意", "满意"]}
    )
    rule = prepare_survey(params, Survey().params_doc)
    names = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
    before = {name: Decimal(n) for name, n in zip(names, answers, strict=True)}
    after = {**before, "非常满意": before["非常满意"] + 1}
    if sum(before.values()) == 0:
        return
    assert tally(rule, after).rate >= tally(rule, before).rate


@given(st.lists(counts, min_size=5, max_size=5), st.integers(min_value=0, max_value=100))
def test_the_survey_kernel_agrees_with_its_score(answers: list[int], goal: int) -> None:
    names = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
    inputs = {name: Decimal(n) for name, n in zip(names, answers, strict=True)}
    target = evalrules.load_project(SURVEY_FORM).targets[-1]
    item = attrs.evolve(target, inputs=inputs, value=Decimal(goal))
    scoring = ScoringInput((*item.slot, item.name), Decimal(10), Budget(), Rounding(), item)
    assert assert_kernel_agrees(Survey(), {"satisfied": ["非常满意", "满意"]}, [scoring]) <= 1


@given(st.lists(scores, min_size=1, max_size=7), st.sampled_from(["mean", "median", "trimmed"]))
def test_the_panel_kernel_agrees_with_its_score(members: list[Decimal], method: str) -> None:
    panel = tuple(PanelScore(f"专家{i}", score) for i, score in enumerate(members))
    assessment = Assessment(path=("决策", "立项"), place=Place("x", "", None), panel=panel)
    scoring = ScoringInput(("决策", "立项"), Decimal(10), Budget(), Rounding(), None, assessment)
    assert assert_kernel_agrees(Panel(), {"combine": method}, [scoring]) <= 1


def test_the_result_json_with_evidence_follows_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from evalrules.schemas import load_schema

    for form in (SURVEY_FORM, PANEL_FORM):
        project = evalrules.load_project(form)
        result = evalrules.score(project, evalrules.load_ruleset(project.ruleset or ""))
        jsonschema.validate(result.to_dict(), load_schema("result"))


def test_a_json_project_carries_inputs_and_panels() -> None:
    data = {
        "project": {"name": "问卷", "ruleset": "caiyu_2020_10_self"},
        "targets": [
            {"slot": "满意度指标", "name": "满意度", "operator": ">=", "value": 90, "inputs": {"满意": "88"}},
            {
                "slot": "效益指标",
                "name": "效果",
                "operator": "定性",
                "value": "好",
                "panel": [{"expert": "甲", "score": 20}],
            },
        ],
    }
    project = evalrules.project_from_data(data)
    assert project.targets[0].inputs == {"满意": Decimal(88)}
    assert project.targets[1].panel == (PanelScore("甲", Decimal(20)),)
