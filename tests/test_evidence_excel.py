"""Evidence from Excel: a survey summary table and an expert scoring sheet beside the 自评表."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules.base.errors import LoadError
from evalrules.io.evidence_excel import read_evidence
from evalrules.model.project import Project
from evalrules.report import build_report
from evalrules.report.selfform import render_self_form

openpyxl = pytest.importorskip("openpyxl")

ANSWERS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")

FORM = """
[project]
name = "城乡居民健康体检"
unit = "某县卫生健康委员会"
year = 2023
ruleset = "caiyu_2020_10_self"

[budget]
"年初预算数" = 120
"全年预算数" = 120
"执行数" = 118.6

[[targets]]
slot = "产出指标/数量指标"
name = "体检人数"
operator = ">="
value = 5000
unit = "人"
actual = 5120

[[targets]]
slot = "效益指标/社会效益指标"
name = "群众健康意识"
operator = "定性"
value = "明显提高"
actual = "提高"
rating = "达成年度指标"

[[targets]]
slot = "满意度指标/服务对象满意度指标"
name = "体检群众满意度"
operator = ">="
value = 90
unit = "%"
actual = 96
"""


def workbook(tmp_path: Path, survey_rows: list[list[object]], panel_rows: list[list[object]]) -> Path:
    """The 自评表 evalrules writes, with a 满意度调查汇总表 and a 专家评分表 added as analysts do."""
    source = tmp_path / "体检.toml"
    source.write_text(FORM, encoding="utf-8")
    project = evalrules.load_project(source)
    path = tmp_path / "自评表.xlsx"
    render_self_form(build_report(project, evalrules.load_ruleset("caiyu_2020_10_self")), path)
    book = openpyxl.load_workbook(path)
    survey = book.create_sheet("满意度调查汇总表")
    survey.append(["满意度调查汇总表（2023 年 11 月）"])
    survey.append(["指标名称", *ANSWERS, "有效问卷数", "服务对象人数"])
    for row in survey_rows:
        survey.append(row)
    panel = book.create_sheet("专家评分表")
    panel.append(["序号", "评价指标", "专家A", "专家B", "专家C", "专家D", "专家E", "专家E意见", "平均分"])
    for row in panel_rows:
        panel.append(row)
    book.save(path)
    return path


SURVEY_ROW = ["体检群众满意度", 120, 150, 20, 10, 0, 300, 5120]
PANEL_ROW = [1, "群众健康意识", 27, 26, 27.5, 28, 12, "宣传材料发放不足", 24.1]


def test_the_survey_table_and_the_scoring_sheet_are_read_with_the_form(tmp_path: Path) -> None:
    path = workbook(tmp_path, [SURVEY_ROW], [PANEL_ROW])
    project = evalrules.load_project(path)
    assert isinstance(project, Project)
    survey = next(t for t in project.targets if t.name == "体检群众满意度")
    counts = dict(zip(ANSWERS, (120, 150, 20, 10, 0), strict=True))
    assert survey.inputs == {**counts, "有效问卷": 300, "服务对象人数": 5120}
    panel = next(t for t in project.targets if t.name == "群众健康意识").panel
    assert [(p.expert, p.score) for p in panel][-1] == ("专家E", Decimal(12))
    assert panel[-1].comment == "宣传材料发放不足" and panel[0].comment == ""
    result = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    node = {n.path[-1]: n for n in result.walk()}
    assert node["体检群众满意度"].method == "survey" and node["体检群众满意度"].inputs["满意度"] == "90%"
    assert node["群众健康意识"].method == "panel"
    assert node["群众健康意识"].score == Decimal("26.83")  # (27 + 26 + 27.5) ÷ 3, 去掉 28 和 12


def test_a_framework_indicator_is_named_by_its_path(tmp_path: Path) -> None:
    path = workbook(tmp_path, [], [[1, "决策/项目立项/立项依据充分性", 2.8, 2.6, 2.7, 2.9, 1]])
    evidence = read_evidence(path)
    [(panel, place)] = evidence.panels.values()
    assert "决策/项目立项/立项依据充分性" in evidence.panels and len(panel) == 5
    assert place.where == "专家评分表!B2"


def test_problems_name_the_sheet_and_the_cell(tmp_path: Path) -> None:
    bad = ["体检群众满意度", 120, -150, 20, 10, 0, 300, 5120]
    with pytest.raises(LoadError) as error:
        evalrules.load_project(workbook(tmp_path, [bad], [[1, "群众健康意识", "二十七"]]))
    rendered = [problem.render() for problem in error.value.problems]
    assert any("满意度调查汇总表!C3" in text and "E-INPUTS" in text for text in rendered)
    assert any("专家评分表!C2" in text for text in rendered)


def test_a_target_the_form_does_not_have_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    row = ["体检群众满意", 120, 150, 20, 10, 0, 300, 5120]
    with pytest.raises(LoadError) as error:
        evalrules.load_project(workbook(tmp_path, [row], []))
    [problem] = error.value.problems
    assert problem.code == "E-EVIDENCE" and "体检群众满意度" in (problem.suggestion or "")
