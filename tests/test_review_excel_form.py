"""The 绩效目标申报表 read from Excel: labels found by their words, merged cells, odd glyphs."""

from __future__ import annotations

from pathlib import Path

import pytest

import evalrules
from evalrules.cli.main import main

openpyxl = pytest.importorskip("openpyxl")

from evalrules.review.excel_form import is_target_form, read_target_forms  # noqa: E402

HEADS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "指标值来源",
    "设定依据",
    "上年实际值",
]
ROWS = [
    ("产出指标", "数量指标", "培训参加人数", "≧", 1500, "人次", "历史标准", None, 1620),
    (None, "质量指标", "培训合格率", None, "较好", None, "其他标准", "往年考核", None),
    (None, "时效指标", "培训资料合规率", "＝", 1, "％", "其他标准", "管理办法", None),
    ("成本指标", "经济成本指标", "培训费", "≤", 86, "万元", "预算支出标准", "培训费管理办法", None),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", None, "≥95%", "%", "历史标准", None, 96),
]


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "培训项目"
    sheet["A1"] = "项目支出绩效目标申报表"
    sheet.merge_cells("A1:J1")
    sheet["A2"] = "（ 2024 年度）"
    sheet["A3"] = "项目名称"
    sheet["B3"] = "基层干部能力提升培训"
    sheet.merge_cells("B3:J3")
    sheet["A4"] = "主管部门"
    sheet["B4"] = "某市委组织部"
    sheet["E4"] = "实施单位"
    sheet["F4"] = "某市干部学校"
    sheet["A5"] = "项目资金（万元）"
    sheet.merge_cells("A5:A7")
    sheet["B5"] = "年度资金总额"
    sheet["C5"] = 80
    sheet["B6"] = "其中：财政拨款"
    sheet["C6"] = 80
    sheet["A8"] = "年度 总体目标"
    sheet["B8"] = "进一步提升基层干部履职能力"
    sheet.merge_cells("B8:J8")
    for index, head in enumerate(HEADS):
        sheet.cell(9, 2 + index, head)
    for row, values in enumerate(ROWS, start=10):
        for column, value in enumerate(values):
            if value is not None:
                sheet.cell(row, 2 + column, value)
    sheet["F12"].number_format = "0%"  # 1 shown as 100%
    sheet.merge_cells("B10:B12")  # 产出指标 over three rows
    book.save(path)
    return path


def test_the_form_is_read_label_by_label(tmp_path: Path) -> None:
    path = workbook(tmp_path / "申报表.xlsx")
    assert is_target_form(path)
    [(key, project)] = read_target_forms(path)
    assert key.endswith("#培训项目") and isinstance(project, evalrules.Project)
    assert (project.name, project.unit, project.year) == ("基层干部能力提升培训", "某市干部学校", 2024)
    assert project.budget.figures["年初预算数"] == 80 and project.texts["overall_goal"].startswith("进一步")
    slots = [t.slot for t in project.targets]
    assert slots[:3] == [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")]
    first, quality, timely, _, satisfied = project.targets
    assert (first.operator, first.value, first.history) == (">=", 1500, {"2023": 1620})
    assert (quality.operator, quality.value_text) == ("定性", "较好")
    assert timely.value == 100  # a percent-formatted 1
    assert (satisfied.operator, satisfied.value) == (">=", 95)


def test_a_self_evaluation_form_is_not_a_target_form(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for column, head in enumerate(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"], 1
    ):
        book.active.cell(5, column, head)
    book.save(tmp_path / "自评表.xlsx")
    assert not is_target_form(tmp_path / "自评表.xlsx")


def test_targets_and_convert_read_the_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path / "申报表.xlsx")
    assert main(["targets", str(path), "--format", "json"]) == 3
    out = capsys.readouterr().out
    assert '"conclusion": "不通过"' in out and "MB-COST-01" in out and "MB-STR-02" in out
    converted = tmp_path / "申报表.toml"
    assert main(["convert", str(path), "-o", str(converted)]) == 0
    again = evalrules.load_project(converted)
    assert again.targets[0].source == "历史标准" and again.targets[0].history == {"2023": 1620}
    assert again.targets[3].basis == "培训费管理办法"


def test_a_workbook_the_guard_refuses_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    [(_, result)] = read_target_forms(path)
    assert isinstance(result, evalrules.LoadError)


def test_each_problem_is_located_at_its_row_of_the_sheet(tmp_path: Path) -> None:
    # a wrong value is told at the sheet's row, as a flat file's is: not at "[[targets]] 第 N 项"
    # alone, which an analyst working in Excel cannot find
    path = workbook(tmp_path / "申报表.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["F10"] = "一千五"  # 培训参加人数's 指标值
    sheet["F12"] = "百分之百"  # 培训资料合规率's, whose 指标性质 is ＝
    sheet["C5"] = "八十"  # 年度资金总额
    book.save(path)
    [(key, result)] = read_target_forms(path)
    assert isinstance(result, evalrules.LoadError)
    found = sorted((problem.line, problem.code) for problem in result.problems)
    assert found == [(5, "E-NUMBER"), (10, "E-NUMBER"), (12, "E-NUMBER")]
    assert all(problem.file == key == f"{path}#培训项目" for problem in result.problems)
    assert f"{path}#培训项目:10，" in result.render()
