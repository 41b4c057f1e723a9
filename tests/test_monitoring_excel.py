"""evalrules.monitoring.excel: the 项目支出绩效目标执行监控表 from .xlsx, as units fill it in."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from evalrules.base.errors import LoadError
from evalrules.cli import main as cli

openpyxl = pytest.importorskip("openpyxl")
from evalrules.monitoring.excel import read_monitoring_workbook  # noqa: E402

HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "度量单位",
    "1-7月执行情况",
    "全年预计完成情况",
    "经费保障偏差原因",
    "制度保障偏差原因",
    "人员保障偏差原因",
    "硬件保障偏差目标",  # sic, as one provincial system heads it [V-code]
    "其他偏差原因",
    "完成目标可能性",
    "偏差原因备注",
)


def form(path: Path, *, hidden_copy: bool = False, likelihood: str = "完全不可能") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "监控表"
    sheet.append(["项目支出绩效目标执行监控表（2024 年 1-7 月）"])
    sheet.merge_cells("A1:N1")
    sheet.append(["项目名称", None, "职业技能提升培训", None, "主管部门", "县人力资源和社会保障局"])
    sheet.append(["年初预算数（万元）", 180, "调整后预算数", 180, "截至监控期执行数", 110.0])
    sheet.append(["全年预计执行数", 150, "监控截止日", datetime.datetime(2024, 7, 31)])
    sheet.append(["年度总体目标", "完成 1200 人次培训"])
    sheet.append(list(HEADER))
    sheet.append(
        [
            "产出指标",
            "数量指标",
            "培训人数",
            "≥1200",
            "人次",
            430,
            800,
            None,
            None,
            "师资不足",
            None,
            "企业用工需求下降",
            likelihood,
            "联合企业开展订单式培训",
        ]
    )
    sheet.append(
        [None, "质量指标", "培训合格率", "≥ 90％", "%", 93, 92, None, None, None, None, None, "确定能"]
    )
    sheet.merge_cells("A7:A8")
    sheet.append([None, None, None])  # a blank sub-row
    sheet.append(
        ["满意度指标", "服务对象满意度指标", "受训学员满意度", "≥90", "%", None, None]
        + [None] * 5
        + ["确定能"]
    )
    if hidden_copy:
        copy = book.copy_worksheet(sheet)
        copy.sheet_state = "hidden"
    book.save(path)
    return path


def test_form_reads_as_a_record(tmp_path: Path) -> None:
    [record] = read_monitoring_workbook(form(tmp_path / "监控表.xlsx", hidden_copy=True))
    assert (record.name, record.department) == ("职业技能提升培训", "县人力资源和社会保障局")
    assert record.as_of == datetime.date(2024, 7, 31)
    assert (record.budget_initial, record.executed, record.forecast_executed) == (
        Decimal(180),
        Decimal(110),
        Decimal(150),
    )
    people, rate, satisfaction = record.targets
    assert (people.slot, people.operator, people.value, people.done) == ("产出指标/数量指标", "≥", 1200, 430)
    assert people.reasons == {"人员保障": "师资不足", "其他": "企业用工需求下降"}
    assert (people.likelihood, people.correction) == ("完全不可能", "联合企业开展订单式培训")
    assert (rate.slot, rate.value, rate.value_text) == ("产出指标/质量指标", Decimal(90), "90％")
    assert satisfaction.slot == "满意度指标/服务对象满意度指标"


def test_cli_reads_the_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["monitor", str(form(tmp_path / "监控表.xlsx"))]) == 0
    out = capsys.readouterr().out
    assert "职业技能提升培训（县人力资源和社会保障局）截至 2024-07-31：预警" in out
    assert "[JK-TGT-LIKELIHOOD]" in out


def test_a_misspelled_choice_names_the_sheet(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        read_monitoring_workbook(form(tmp_path / "x.xlsx", likelihood="不可能"))
    text = caught.value.render()
    assert "x.xlsx#监控表" in text and "完全不可能" in text


def test_a_workbook_without_the_form(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["别的表"])
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(LoadError) as caught:
        read_monitoring_workbook(tmp_path / "other.xlsx")
    assert caught.value.problems[0].code == "E-EXCEL"
    assert cli.main(["monitor", str(tmp_path), "-o", str(tmp_path / "r.json")]) == 1  # nothing to monitor


def test_each_problem_is_located_at_its_row_of_the_sheet(tmp_path: Path) -> None:
    # the head's figures and each target are told at their rows of the sheet (row 1 is the
    # first), as a flat file's are, not only by key
    path = form(tmp_path / "监控表.xlsx", likelihood="不可能")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["F3"] = "一百一十"  # 截至监控期执行数
    sheet["G8"] = "九成二"  # 培训合格率's 全年预计完成情况
    book.save(path)
    with pytest.raises(LoadError) as caught:
        read_monitoring_workbook(path)
    problems = caught.value.problems
    assert sorted(problem.line for problem in problems) == [3, 7, 8]
    assert all(problem.file == f"{path}#监控表" for problem in problems)
    assert f"{path}#监控表:7，" in caught.value.render()


def test_the_findings_of_a_workbook_are_at_its_rows(tmp_path: Path) -> None:
    from evalrules.monitoring import load_monitoring_ruleset, monitor

    [record] = read_monitoring_workbook(form(tmp_path / "监控表.xlsx"))
    found = {finding.code: finding.line for finding in monitor(record, load_monitoring_ruleset()).findings}
    assert found["JK-EXE-FORECAST"] == 4  # 全年预计执行数's row
    assert found["JK-TGT-LIKELIHOOD"] == 7  # 培训人数's row
