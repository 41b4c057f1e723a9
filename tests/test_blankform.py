"""evalrules new --form self: a blank 附件1 自评表 with the ruleset's categories, which reads back
(evalrules.io.excel) and scores once an analyst fills it in."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import evalrules
from evalrules.base.errors import LoadError
from evalrules.io.excel import read_workbook
from evalrules.model.project import Project
from evalrules.report.blankform import render_blank_form


def fill(path: Path) -> list[str]:
    """Fill the blank form as a unit would: name, budget, the first row of each category (the
    second stays empty, as spare rows do); the categories found, as 一级/二级."""
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet["C3"] = "乡村道路养护"
    sheet["C4"] = "某县交通运输局"
    sheet["H4"] = "某县公路养护站"
    sheet["C6"], sheet["E6"], sheet["G6"] = 120, 120, 108
    categories, seen = [], set()
    header = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 3).value == "三级指标")
    first = ""
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == "总分":
            break
        first = sheet.cell(row, 1).value or first  # merged: the top cell holds it
        category = f"{first}/{sheet.cell(row, 2).value}"
        if category in seen:
            continue
        seen.add(category)
        categories.append(category)
        sheet.cell(row, 3, f"指标{len(categories)}")
        sheet.cell(row, 4, "≥")
        sheet.cell(row, 5, 100)
        sheet.cell(row, 6, "％")
        sheet.cell(row, 7, 96)
    workbook.save(path)
    return categories


def only(path: Path) -> Project:
    (entry,) = read_workbook(path)
    project = entry[1]
    assert isinstance(project, Project), project
    return project


def test_a_blank_form_has_the_rulesets_categories_and_scores_once_filled(tmp_path: Path) -> None:
    ruleset = evalrules.load_ruleset("caiyu_2020_10_self")
    path = tmp_path / "自评表.xlsx"
    render_blank_form(ruleset, path)
    categories = fill(path)
    assert categories[0] == "产出指标/数量指标" and categories[-1] == "满意度指标/服务对象满意度指标"
    assert len(categories) == 9
    project = only(path)
    assert project.ruleset == "caiyu_2020_10_self" and project.texts["implementer"] == "某县公路养护站"
    result = evalrules.score(project, ruleset)
    # 执行 108 / 120 → 9 of 10; every target 96 / 100 of its share → 0.96 × 90
    assert (result.total, result.grade) == (Decimal("95.40"), "优")


def test_an_unfilled_form_reads_back_as_problems_not_as_a_project_scored_0(tmp_path: Path) -> None:
    ruleset = evalrules.load_ruleset("caiyu_2020_10_self")
    path = tmp_path / "自评表.xlsx"
    render_blank_form(ruleset, path)
    (entry,) = read_workbook(path)
    assert isinstance(entry[1], LoadError) and entry[1].problems[0].code == "E-PROJECT"


def test_a_plugin_form_with_nested_groups_reads_back(sichuan: evalrules.Registry, tmp_path: Path) -> None:
    ruleset = evalrules.load_ruleset("sichuan_self", sichuan)
    path = tmp_path / "自评表.xlsx"
    render_blank_form(ruleset, path)
    categories = fill(path)
    assert categories[0] == "绩效指标/产出指标/数量指标"
    project = only(path)
    assert project.targets[0].slot == ("绩效指标", "产出指标", "数量指标")
    assert evalrules.score(project, ruleset, sichuan).grade == "优"


def test_a_department_ruleset_has_no_self_form(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as raised:
        render_blank_form(evalrules.load_ruleset("caiyu_2020_10"), tmp_path / "x.xlsx")
    assert raised.value.problems[0].code == "E-REPORT-FORM"
    assert not (tmp_path / "x.xlsx").exists()
