"""The sichuan_self ruleset: loads, covers its grades, scores the execution rate against
调整后预算数, splits 10 + 90 by the unit's own weights under nested groups, and scores the sample."""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import evalrules
import pytest
from evalrules import testing
from evalrules.cli.main import main
from evalrules.hooks.registry import Registry
from evalrules.io.project_loading import project_from_text

import evalrules_sichuan

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample.toml"
GROUPS = (
    "产出指标/数量指标",
    "产出指标/质量指标",
    "产出指标/时效指标",
    "产出指标/成本指标",
    "产出指标/成本指标/经济成本指标",
    "产出指标/成本指标/社会成本指标",
    "产出指标/成本指标/生态环境成本指标",
    "效益指标/经济效益指标",
    "效益指标/社会效益指标",
    "效益指标/生态效益指标",
    "效益指标/可持续影响指标",
    "满意度指标/服务对象满意度指标",
)

Write = Callable[[str], Path]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return testing.plugin_registry(evalrules_sichuan)


@pytest.fixture(scope="module")
def ruleset(registry: Registry) -> evalrules.Ruleset:
    return testing.assert_ruleset_loads("sichuan_self", registry)


@pytest.fixture
def write(tmp_path: Path) -> Write:
    def _write(text: str) -> Path:
        path = tmp_path / f"project{len(list(tmp_path.iterdir()))}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def project(budget: str, *targets: tuple[str, str, str | None]) -> str:
    """Project text: a budget block and targets (slot, name, weight or None), each met in full."""
    lines = ['[project]\nname = "测试项目"\nunit = "某单位"\nyear = 2023\n', "[budget]", budget, ""]
    for slot, name, weight in targets:
        lines += [
            "[[targets]]",
            f'slot = "{slot}"',
            f'name = "{name}"',
            'operator = ">="',
            "value = 10",
            "actual = 10",
            *([f"weight = {weight}"] if weight is not None else []),
            "",
        ]
    return "\n".join(lines)


BUDGET = '"全年预算数" = 600\n"调整后预算数" = 560\n"执行数" = 532'


def codes(error: evalrules.EvalrulesError) -> list[str]:
    return [problem.code for problem in error.problems]


# ---------------------------------------------------------------------------- the ruleset itself


def test_ruleset_loads_and_grades_cover_0_to_100(ruleset: evalrules.Ruleset) -> None:
    testing.assert_grades_cover(ruleset)
    assert ruleset.max == 100
    assert ruleset.info.id == evalrules_sichuan.RULESET_ID == "sichuan_self"
    assert ruleset.info.title == "四川省项目支出绩效自评"
    assert "未核实" in ruleset.info.document
    assert ruleset.info.derived_from == ("caiyu_2020_10_self",)


def test_ten_plus_ninety_with_the_form_rows_as_nested_groups(ruleset: evalrules.Ruleset) -> None:
    assert [(i.name, i.weight) for i in ruleset.indicators] == [("预算执行率", 10), ("绩效指标", 90)]
    rate, slot = ruleset.indicators
    assert rate.method is not None and rate.method.strategy == "execution_rate"
    assert dict(rate.method.params) == {"numerator": "执行数", "denominator": "调整后预算数"}
    assert slot.slot is not None and slot.slot.groups == GROUPS and slot.slot.empty == "error"


def test_every_parameter_set_here_has_provenance_and_only_the_form_is_verified(
    ruleset: evalrules.Ruleset,
) -> None:
    assert all(indicator.provenance is not None for _, indicator in ruleset.walk())
    set_here = {
        "ruleset.document",
        "预算执行率.denominator",
        "绩效指标.weight",
        "绩效指标.groups",
        "绩效指标.empty",
    }
    assert set_here <= set(ruleset.provenance)
    # RULES.md records only the Sichuan form [V]: nothing else may claim to be verified
    verified = {key for key, p in ruleset.provenance.items() if p.status == "verified"}
    assert verified == {"预算执行率.denominator"}
    inherited = {"max", "tolerance", "grades", "rounding", "not_applicable"}
    assert all(ruleset.provenance[key].status == "unverified" for key in inherited)


# ---------------------------------------------------------------------------- execution rate


def test_execution_rate_is_against_the_adjusted_budget(
    registry: Registry, ruleset: evalrules.Ruleset, write: Write
) -> None:
    text = project(BUDGET, ("绩效指标/产出指标/数量指标", "a", "90"))
    result = evalrules.score(evalrules.load_project(write(text)), ruleset, registry)
    node = result.node("预算执行率")
    assert node.score == Decimal("9.5")  # 532 / 560 = 95%
    assert node.reasons == ("执行数 532万元 ÷ 调整后预算数 560万元 = 95%，按比例得 9.5 分（分值 10 分）",)
    # the national self-evaluation divides the same project's spending by 全年预算数 instead
    national = testing.assert_ruleset_loads("caiyu_2020_10_self", registry)
    text = project(BUDGET, ("产出指标/数量指标", "a", None), ("效益指标/社会效益指标", "b", None))
    assert evalrules.score(evalrules.load_project(write(text)), national, registry).node(
        "预算执行率"
    ).score == Decimal("8.87")  # 532 / 600 = 88.67%


def test_a_project_without_the_adjusted_budget_is_refused(
    registry: Registry, ruleset: evalrules.Ruleset, write: Write
) -> None:
    text = project('"全年预算数" = 600\n"执行数" = 532', ("绩效指标/产出指标/数量指标", "a", "90"))
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(write(text)), ruleset, registry)
    assert codes(caught.value) == ["E-INPUT"]
    assert "调整后预算数" in caught.value.problems[0].message


# ---------------------------------------------------------------------------- the 90-point split


def test_the_units_weights_decide_the_split_under_nested_groups(
    registry: Registry, ruleset: evalrules.Ruleset, write: Write
) -> None:
    text = project(
        BUDGET,
        ("绩效指标/产出指标/数量指标", "a", "20"),
        ("绩效指标/产出指标/质量指标", "b", "10"),
        ("绩效指标/效益指标/社会效益指标", "c", "45"),
        ("绩效指标/满意度指标/服务对象满意度指标", "d", "15"),
    )
    result = evalrules.score(evalrules.load_project(write(text)), ruleset, registry)
    weights = {node.path[1:]: node.weight for node in result.walk() if node.kind == "group"}
    assert weights[("产出指标",)] == 30 and weights[("产出指标", "数量指标")] == 20
    assert weights[("效益指标",)] == 45 and weights[("效益指标", "社会效益指标")] == 45
    assert weights[("满意度指标",)] == 15 and weights[("满意度指标", "服务对象满意度指标")] == 15
    empty = result.node("绩效指标", "产出指标", "时效指标")
    assert empty.status == "not_applicable" and empty.weight == 0
    assert result.node("绩效指标").score == 90 and result.total == Decimal("99.5")


def test_weights_that_do_not_add_up_to_90_are_refused(
    registry: Registry, ruleset: evalrules.Ruleset, write: Write
) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("weight = 20", "weight = 25", 1)
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(write(text)), ruleset, registry)
    assert codes(caught.value) == ["E-WEIGHT-SUM"]
    assert caught.value.problems[0].expected == "90"
    assert caught.value.problems[0].found is not None
    assert caught.value.problems[0].found.startswith("95")


def test_weights_are_all_given_or_none(registry: Registry, ruleset: evalrules.Ruleset, write: Write) -> None:
    mixed = project(
        BUDGET, ("绩效指标/产出指标/数量指标", "a", "90"), ("绩效指标/效益指标/社会效益指标", "b", None)
    )
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(write(mixed)), ruleset, registry)
    assert codes(caught.value) == ["E-TARGET-WEIGHT"]
    # none given: the 90 points are shared equally (the engine's rule for a slot)
    equal = project(
        BUDGET,
        ("绩效指标/产出指标/数量指标", "a", None),
        ("绩效指标/产出指标/成本指标", "b", None),
        ("绩效指标/效益指标/社会效益指标", "c", None),
    )
    result = evalrules.score(evalrules.load_project(write(equal)), ruleset, registry)
    assert [n.weight for n in result.walk() if n.kind == "target"] == [30, 30, 30]


def test_targets_must_name_a_row_of_the_form(
    registry: Registry, ruleset: evalrules.Ruleset, write: Write
) -> None:
    wrong = project(BUDGET, ("产出指标/数量指标", "a", "90"))  # the national slot, without 绩效指标/
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(write(wrong)), ruleset, registry)
    slot = next(p for p in caught.value.problems if p.code == "E-TARGET-SLOT")
    assert "绩效指标/产出指标/数量指标" in (slot.suggestion or "")
    none = project(BUDGET)
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(write(none)), ruleset, registry)
    assert codes(caught.value) == ["E-SLOT-EMPTY"]


# ---------------------------------------------------------------------------- the sample 自评表


def test_sample_scores_as_computed_by_hand(registry: Registry, ruleset: evalrules.Ruleset) -> None:
    # By hand (each indicator rounded to 2 places, 四舍五入, as caiyu_2020_10_self declares):
    #   预算执行率   532 / 560 = 95%                                   → 0.95 × 10          =  9.50
    #   绩效指标 90 = 产出 55 + 效益 25 + 满意度 10 (the unit's own weights)
    #     产出  养护里程 326 ≥ 320                                      → 20
    #           危桥改造 3 / 4 = 75%                                    → 0.75 × 10          =  7.50
    #           优良路率 82.4 ≥ 80                                      → 10
    #           完成时间 定性 达成年度指标（档内默认 100%）              →  5
    #           每公里补助 ≤0.60，实际 0.62：0.60 / 0.62 × 10 = 9.677… →  9.68
    #           小计 20 + 7.5 + 10 + 5 + 9.68                                                = 52.18
    #     效益  务工增收 236 ≥ 200 → 5；列养率 100 ≥ 100 → 10；
    #           长效管护 定性 部分达成（档内默认 70%）→ 7；生态效益 无指标，分值 0，不适用
    #           小计 5 + 10 + 7                                                              = 22
    #     满意度 问卷 300 份：(156 × 1 + 98 × 0.8 + 30 × 0.6 + 16 × 0) / 300 = 252.4 / 300
    #           = 84.133…%；84.133… / 90 × 10 = 9.348…                                      =  9.35
    #     小计 52.18 + 22 + 9.35                                                             = 83.53
    #   总分 9.50 + 83.53 = 93.03 → 优 (≥ 90)
    result = testing.assert_scores(SAMPLE, ruleset, registry, total="93.03", grade="优")
    assert result.node("预算执行率").score == Decimal("9.5")
    scores = {node.path[1:]: node.score for node in result.walk() if node.level == 2}
    assert scores == {
        ("产出指标",): Decimal("52.18"),
        ("效益指标",): Decimal("22"),
        ("满意度指标",): Decimal("9.35"),
    }
    survey = result.node("绩效指标", "满意度指标", "服务对象满意度指标", "沿线群众满意度")
    assert survey.method == "satisfaction_survey"
    assert survey.inputs["满意度"] == "84.13%"
    assert result.node("绩效指标", "效益指标", "生态效益指标").status == "not_applicable"


def test_an_analysts_own_ruleset_can_extend_sichuan_self(registry: Registry, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[ruleset]\nid = "mine"\nversion = "1"\ntitle = "某市"\ndocument = "某财绩〔2024〕1号"\n'
        'issuer = "某市财政局"\nextends = "sichuan_self"\n\n'
        '[[grades]]\nname = "优良"\nmin = 80\n\n[[grades]]\nname = "中"\nmin = 70\n\n'
        '[[grades]]\nname = "差"\nmin = 0\n',
        encoding="utf-8",
    )
    ruleset = testing.assert_ruleset_loads(mine, registry)
    assert ruleset.info.derived_from == ("caiyu_2020_10_self", "sichuan_self")
    testing.assert_scores(SAMPLE, ruleset, registry, total="93.03", grade="优良")


# ---------------------------------------------------------------------------- installed


def test_installed_through_the_entry_point() -> None:
    entry = {e.name: e.value for e in importlib.metadata.entry_points(group="evalrules")}
    assert entry.get("sichuan") == "evalrules_sichuan"


def test_the_command_line_lists_and_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rulesets"]) == 0
    listed = capsys.readouterr().out
    assert "sichuan_self" in listed and "（sichuan）" in listed
    assert main(["plugins"]) == 0
    plugins = capsys.readouterr().out
    assert "sichuan" in plugins and "satisfaction_survey" in plugins
    assert main(["score", str(SAMPLE), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["total"], result["grade"], result["ruleset"]["id"]) == (93.03, "优", "sichuan_self")


def test_ruleset_properties_and_worked_examples_hold(ruleset: evalrules.Ruleset, registry: Registry) -> None:
    """evalrules check, as a test: the properties hold on generated projects, and the worked
    examples (预算执行率 over 调整后预算数, 90 points shared by the targets) score as computed by hand."""
    report = testing.assert_ruleset_properties(ruleset, registry, examples=20)
    assert [(e.name, e.total, e.grade) for e in report.examples] == [
        ("各指标自填分值", Decimal("98.5"), "优"),
        ("分值平均分配", Decimal("76.5"), "中"),
    ]


FORM = Path(__file__).parents[3] / "tests" / "forms" / "fmt_sichuan_cost_groups.toml"


def test_the_printed_cost_groups_are_slots_and_one_wrong_slot_is_one_error() -> None:
    # issue 14: 经济成本指标 / 社会成本指标 / 生态环境成本指标 under 成本指标, as the form prints them;
    # a wrong slot gave E-TARGET-SLOT and then a spurious E-WEIGHT-SUM
    text = FORM.read_text(encoding="utf-8")
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(FORM), evalrules.load_ruleset("sichuan_self"))
    assert [p.code for p in caught.value.problems] == ["E-TARGET-SLOT"]
    assert "服务对象满意度指标" in (caught.value.problems[0].suggestion or "")
    fixed = project_from_text(text.replace('服务对象满意度"', '服务对象满意度指标"'))
    result = evalrules.score(fixed, evalrules.load_ruleset("sichuan_self"))
    assert result.node("绩效指标", "产出指标", "成本指标", "生态环境成本指标").weight == 10
    assert (result.total, result.grade) == (Decimal("99.7"), "优")


def test_no_document_title_is_invented_the_citation_is_what_is_known(ruleset: evalrules.Ruleset) -> None:
    # issue 22: the issuing document's title is not known; the national 书名 is not inherited
    assert ruleset.info.document_title == ""
    assert ruleset.info.citation == ruleset.info.document == "四川省项目支出绩效自评表（文号未核实）"
    assert "《" not in ruleset.info.citation
    assert ruleset.provenance["ruleset.document_title"].status == "unverified"
