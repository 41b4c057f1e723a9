"""Scoring by plan agrees with the explaining scorer, number for number and error for error.

``evalrules.score`` runs the ruleset's plan (slots filled, kernels run, sums rescaled); ``evalrules.scoring
.explain`` runs the scorer that writes every reason. Hypothesis writes random self-evaluation
projects (every operator, N/A rows, missing and odd values, given or equal weights, budgets that
cannot be divided) and scores them both ways under rulesets that differ in N/A policy, rounding
stage and missing-value policy: the totals, grades, first-level scores and full JSON must be equal,
or both ways must refuse with the same problems.
"""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from evalrules import LoadError, ScoringError, default_registry, load_ruleset, score, testing
from evalrules.model import Ruleset
from evalrules.plan import RulesetPlan
from evalrules.project import Project
from evalrules.project_loading import load_project, project_from_text
from evalrules.scoring import explain, plan_for

from .conftest import ROOT, SEED

SELF = ROOT / "rulesets" / "caiyu_2020_10_self.toml"
GROUPS = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标"),
    "满意度指标": ("服务对象满意度指标",),
}
RATINGS = ("达成年度指标", "部分达成", "未达成年度指标且效果较差", "很好")


def _variant(tmp: Path, name: str, *replacements: tuple[str, str]) -> Ruleset:
    text = SELF.read_text(encoding="utf-8").replace('id = "caiyu_2020_10_self"', f'id = "{name}"')
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_ruleset(path)


@pytest.fixture(scope="module")
def rulesets(tmp_path_factory: pytest.TempPathFactory) -> list[Ruleset]:
    tmp = tmp_path_factory.mktemp("rulesets")
    return [
        load_ruleset("caiyu_2020_10_self"),
        _variant(tmp, "share", ('policy = "rescale"', 'policy = "share"')),
        _variant(tmp, "level", ('stage = "indicator"', 'stage = "level"')),
        _variant(
            tmp,
            "total",
            ('stage = "indicator"', 'stage = "total"'),
            ("total_before_grade = true", "total_before_grade = false"),
            ('missing_actual = "error"', 'missing_actual = "not_applicable"'),
        ),
    ]


numbers = st.one_of(
    st.sampled_from(["0", "1", "5", "44", "95", "100", "0.5", "-3", "12.345"]),
    st.decimals(0, 1000, places=2, allow_nan=False, allow_infinity=False).map(str),
)


@st.composite
def targets(draw: st.DrawFn, slot: str, index: int, weighted: bool) -> str:
    group = draw(st.sampled_from(GROUPS[slot]))
    operator = draw(st.sampled_from(["≥", "≤", "=", "定性"]))
    lines = ["[[targets]]", f'slot = "{slot}/{group}"', f'name = "指标{index}"', f'operator = "{operator}"']
    if draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans()):
        lines += ["na = true", 'reason = "不适用"']
    elif operator == "定性":
        lines += ['value = "明显提升"', 'actual = "有所提升"', f'rating = "{draw(st.sampled_from(RATINGS))}"']
        if draw(st.integers(0, 5)) == 0:
            lines.append(f"score = {draw(numbers)}")
    else:
        lines.append(f"value = {draw(numbers)}")
        if draw(st.integers(0, 9)):
            lines.append(f"actual = {draw(numbers)}")
    if weighted:
        lines.append(f"weight = {draw(st.sampled_from(['1', '2.5', '10', '0']))}")
    return "\n".join(lines)


@st.composite
def projects(draw: st.DrawFn) -> Project:
    budget = draw(st.sampled_from(["100", "250.5", "0", "1000"]))
    executed = draw(st.sampled_from(["100", "98.76", "0", "2000"]))
    parts = [
        '[project]\nname = "随机项目"\nunit = "单位"\nyear = 2023',
        f'[budget]\n"年初预算数" = {budget}\n"全年预算数" = {budget}\n"执行数" = {executed}',
    ]
    index = 0
    for slot in GROUPS:
        weighted = draw(st.integers(0, 4)) == 0
        for _ in range(draw(st.integers(0 if slot == "满意度指标" else 1, 5))):
            index += 1
            parts.append(draw(targets(slot, index, weighted)))
    try:
        return project_from_text("\n\n".join(parts) + "\n", "random.toml")
    except LoadError:
        reject()  # refused while loading (a negative 执行数, …): nothing to score


def _outcome(scorer: object, project: Project, ruleset: Ruleset) -> object:
    try:
        result = scorer(project, ruleset)  # type: ignore[operator]
    except ScoringError as error:
        return "error", error.problems
    fast = (result.total, result.exact_total, result.grade, result.subtotals())
    return "scored", fast, json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True)


def _agree(project: Project, ruleset: Ruleset) -> None:
    assert _outcome(score, project, ruleset) == _outcome(explain, project, ruleset)


@settings(max_examples=150)
@given(projects(), st.integers(0, 3))
def test_plan_and_explanation_agree_on_random_projects(
    rulesets: list[Ruleset], project: Project, which: int
) -> None:
    _agree(project, rulesets[which])


def test_a_ruleset_is_planned_once_per_registry(rulesets: list[Ruleset]) -> None:
    registry = default_registry()
    plan = plan_for(rulesets[0], registry)
    assert plan_for(rulesets[0], registry) is plan
    assert plan_for(rulesets[1], registry) is not plan
    assert plan_for(rulesets[0], testing.plugin_registry()) is not plan  # kernels come from the registry


def test_the_seed_agrees_under_the_national_ruleset(national: Ruleset) -> None:
    project = load_project(SEED)
    _agree(project, national)
    result = score(project, national)
    assert not result.explained  # nothing written until asked
    assert result.total == 100 and result.subtotals() == {
        "决策": Decimal(20),
        "过程": Decimal(20),
        "产出": Decimal(40),
        "效益": Decimal(20),
    }
    assert result.node("产出").score == 40 and result.explained


def test_a_project_off_the_common_road_is_scored_the_explaining_way(national: Ruleset) -> None:
    project = project_from_text(_project_text(weight="10"), "weighted.toml")
    assert RulesetPlan(load_ruleset("caiyu_2020_10_self"), default_registry()).run(project) is None  # 10 ≠ 50
    with pytest.raises(ScoringError, match="E-WEIGHT-SUM"):
        score(project, load_ruleset("caiyu_2020_10_self"))


def test_the_plan_scores_a_project_of_the_common_road() -> None:
    text = _project_text(weight="50") + (
        '[[targets]]\nslot = "效益指标/社会效益指标"\nname = "受益"\noperator = "≥"\nvalue = 1\nactual = 1\n'
    )
    numbers = RulesetPlan(load_ruleset("caiyu_2020_10_self"), default_registry()).run(
        project_from_text(text, "common.toml")
    )
    # 9/10 × 10 = 9, 90/100 × 50 = 45, 效益 30; 满意度 not applicable: 84 / 90 × 100 = 93.33
    assert numbers == (
        Decimal("93.33"),
        Decimal(84) * 100 / 90,
        (
            ("预算执行率", Decimal("9.00")),
            ("产出指标", Decimal("45.00")),
            ("效益指标", Decimal("30.00")),
            ("满意度指标", None),
        ),
    )


def _project_text(actual: str = "90", weight: str = "10", operator: str = "≥") -> str:
    return (
        '[project]\nname = "p"\nunit = "u"\n[budget]\n"全年预算数" = 10\n"执行数" = 9\n'
        f'[[targets]]\nslot = "产出指标/数量指标"\nname = "数量"\noperator = "{operator}"\n'
        f"value = 100\nactual = {actual}\nweight = {weight}\n"
    )


def test_a_result_pickles_explained_without_its_project_ruleset_or_registry(national: Ruleset) -> None:
    result = score(load_project(SEED), national)
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.explained and again._explain is None
    assert len(pickle.dumps(result)) < 40_000  # the nodes and reasons, not the ruleset and registry
