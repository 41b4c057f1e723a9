from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

import evalrules
from evalrules.base.errors import LoadError
from evalrules.io.excel import read_workbook
from evalrules.io.workbook_guard import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_WORKBOOK_BYTES
from evalrules.model.project import Project
from evalrules.report import build_report
from evalrules.report.selfform import render_self_form

SELF_PROJECT = """
[project]
name = "设备购置"
unit = "测试局"
year = 2023
ruleset = "caiyu_2020_10_self"

[budget]
unit = "万元"
"年初预算数" = 40
"全年预算数" = 50
"执行数" = 43.1

[texts]
implementer = "测试局信息中心"

[[targets]]
slot = "产出指标/数量指标"
name = "购置设备台数"
operator = ">="
value = 20
unit = "台"
actual = 18
weight = 20
reason = "两台设备延期到货"

[[targets]]
slot = "产出指标/质量指标"
name = "设备验收合格率"
operator = ">="
value = 100
unit = "%"
actual = 95
weight = 15
reason = "一台返修"

[[targets]]
slot = "产出指标/成本指标"
name = "设备购置成本"
operator = "<="
value = 50
unit = "万元"
actual = 43.1
weight = 15

[[targets]]
slot = "效益指标/社会效益指标"
name = "服务水平"
operator = "定性"
value = "明显提升"
actual = "有所提升"
rating = "部分达成年度指标并具有一定效果"
weight = 30
reason = "尚在磨合"
"""


def _only(entries: list[tuple[str, Project | LoadError]]) -> Project:
    assert len(entries) == 1
    project = entries[0][1]
    assert isinstance(project, Project), project
    return project


def _error(entries: list[tuple[str, Project | LoadError]]) -> LoadError:
    assert len(entries) == 1
    error = entries[0][1]
    assert isinstance(error, LoadError), error
    return error


def test_reads_back_evalrules_own_self_form(
    write: Callable[[str, str], Path], self_eval: evalrules.Ruleset, tmp_path: Path
) -> None:
    original = evalrules.load_project(write("self.toml", SELF_PROJECT))
    context = build_report(original, self_eval)
    path = tmp_path / "自评表.xlsx"
    render_self_form(context, path)

    entries = read_workbook(path)
    assert [key for key, _ in entries] == [f"{path}#项目支出绩效自评表"]
    project = _only(entries)
    assert (project.name, project.unit, project.year) == ("设备购置", "测试局", 2023)
    assert project.ruleset == "caiyu_2020_10_self"
    assert project.texts["implementer"] == "测试局信息中心"
    assert project.budget.unit == "万元"
    assert dict(project.budget.figures) == {
        "年初预算数": Decimal(40),
        "全年预算数": Decimal(50),
        "执行数": Decimal("43.1"),
    }
    targets = {target.name: target for target in project.targets}
    assert set(targets) == {"购置设备台数", "设备验收合格率", "设备购置成本", "服务水平"}
    count = targets["购置设备台数"]
    assert (count.slot, count.operator, count.value, count.unit, count.actual, count.weight) == (
        ("产出指标", "数量指标"),
        ">=",
        Decimal(20),
        "台",
        Decimal(18),
        Decimal(20),
    )
    assert count.reason == "两台设备延期到货"
    assert targets["设备购置成本"].operator == "<="
    assert targets["服务水平"].rating == "部分达成年度指标并具有一定效果"

    result = evalrules.score(project, self_eval)
    assert result.total == context.result.total
    assert project.claims.total == context.result.total
    assert project.claims.grade == context.result.grade
    node = context.result.node("产出指标", "数量指标", "购置设备台数")
    assert project.claims.scores["产出指标/数量指标/购置设备台数"] == node.score
    assert project.claims.places["total"].where is not None
    # the claims the form states agree with the recomputation
    review = evalrules.audit(project, self_eval)
    claim_codes = {"A-SCORE-DIFF", "A-TOTAL-DIFF", "A-GRADE-DIFF", "A-CLAIM-PATH"}
    assert not [f for f in review.findings if f.code in claim_codes]

    # a 得分 changed by hand in the form is caught by the audit, located at its cell
    workbook = load_workbook(path)
    sheet = workbook.active
    where = project.claims.places["产出指标/数量指标/购置设备台数"].where
    assert where is not None
    sheet[where.split("!")[1]] = 20
    workbook.save(path)
    changed = _only(read_workbook(path))
    codes = {f.code for f in evalrules.audit(changed, self_eval).findings}
    assert "A-SCORE-DIFF" in codes


def _unit_form(
    sheet: Any, *, budget_label: str = "项目资金（元）", budget_rows: list[list[Any]] | None = None
) -> None:
    """A form as a unit fills it: merged 一级/二级, no 指标性质, symbols and units in values."""
    sheet.append(["项目支出绩效自评表"])
    sheet.append(["（ 2024年度 ）"])
    sheet.append(["项目名称", None, "乡村道路养护"])
    sheet.append(["主管部门", None, "某县交通运输局", None, None, "实施单位", None, "某县公路站"])
    sheet.append(
        [budget_label, None, "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率", "得分"]
    )
    for row in budget_rows or [
        [None, "年度资金总额", 1000000, 1200000, 1080000, 10, 0.9, 9],
        [None, "其中：财政拨款", 1000000, 1200000, 1080000],
    ]:
        sheet.append(row)
    sheet.append(["年度总体目标", "预期目标", None, None, "实际完成情况"])
    sheet.append([None, "养护道路 120 公里", None, None, "养护道路 118 公里"])
    sheet.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "度量单位",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    )
    start = sheet.max_row + 1
    rows = [
        ["产出指标", "数量指标", "养护道路里程", "≥120", "公里", 118, 20, 19.67, "雨季停工"],
        [None, None, "培训养护人员", "≥40人", None, "44人", 10, 10, None],
        [None, "质量指标", "养护合格率", "≥95%", None, "96%", 10, 10, None],
        [None, "时效指标", "按时完成率", "≧90%", "%", 0.92, 10, 10, None],
        [None, "成本指标", "本项目无该指标", None, None, None, None, None, None],
        ["效益指标", "社会效益指标", "群众出行条件", "明显改善", None, "达成年度指标", 30, 30, None],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "＞=90%", None, "93%", 10, 10, None],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells(f"A{start}:A{start + 4}")
    sheet.merge_cells(f"B{start}:B{start + 1}")
    sheet.append(["总分", None, None, None, None, None, 100, 98.67, "评价等级：优"])


def test_imports_a_unit_filled_form(self_eval: evalrules.Ruleset, tmp_path: Path) -> None:
    workbook = Workbook()
    _unit_form(workbook.active)
    workbook.active.title = "道路养护"
    path = tmp_path / "unit.xlsx"
    workbook.save(path)

    project = _only(read_workbook(path))
    assert project.name == "乡村道路养护" and project.unit == "某县交通运输局" and project.year == 2024
    assert project.ruleset == "caiyu_2020_10_self"
    assert project.texts["overall_goal"] == "养护道路 120 公里"
    assert project.budget.unit == "元"
    assert project.budget.figures["全年预算数"] == Decimal(1200000)
    assert project.budget.figures["执行数"] == Decimal(1080000)
    assert project.budget.places["执行数"].where == "道路养护!E6"
    targets = {target.name: target for target in project.targets}
    # the merged 一级/二级 cells apply to every row they span
    assert targets["培训养护人员"].slot == ("产出指标", "数量指标")
    assert targets["养护合格率"].slot == ("产出指标", "质量指标")
    people = targets["培训养护人员"]
    assert (people.operator, people.value, people.unit, people.actual) == (
        ">=",
        Decimal(40),
        "人",
        Decimal(44),
    )
    rate = targets["养护合格率"]
    assert (rate.operator, rate.value, rate.unit, rate.actual) == (">=", Decimal(95), "%", Decimal(96))
    timely = targets["按时完成率"]
    assert (timely.value, timely.actual) == (Decimal(90), Decimal(92))  # 0.92 with unit % is 92
    assert targets["群众满意度"].operator == ">="
    assert targets["本项目无该指标"].not_applicable
    assert targets["群众出行条件"].operator == "定性"
    assert targets["群众出行条件"].rating == "达成年度指标"
    assert project.claims.total == Decimal("98.67") and project.claims.grade == "优"
    assert project.claims.scores["预算执行率"] == 9
    assert project.claims.places["产出指标/数量指标/养护道路里程"].where == "道路养护!H11"

    result = evalrules.score(project, self_eval)
    assert result.total == project.claims.total  # the unit's own 总分 recomputes
    assert result.node("产出指标", "成本指标", "本项目无该指标").score is None
    assert result.node("预算执行率").score == 9
    review = evalrules.audit(project, self_eval)
    claim_codes = {"A-SCORE-DIFF", "A-TOTAL-DIFF", "A-GRADE-DIFF", "A-CLAIM-PATH"}
    assert review.result is not None and not [f for f in review.findings if f.code in claim_codes]


def test_budget_in_wan_yuan(tmp_path: Path) -> None:
    workbook = Workbook()
    _unit_form(workbook.active, budget_label="项目资金\n（万元）")
    path = tmp_path / "wan.xlsx"
    workbook.save(path)
    assert _only(read_workbook(path)).budget.unit == "万元"


def _broken(tmp_path: Path, change: Callable[[Any], None]) -> LoadError:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    _unit_form(sheet)
    change(sheet)
    path = tmp_path / "broken.xlsx"
    workbook.save(path)
    return _error(read_workbook(path))


def test_text_in_a_numeric_value_names_the_cell(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("D11", "≥完成"))
    [problem] = error.problems
    assert problem.where == "Sheet1!D11" and problem.code == "E-NUMBER"
    assert problem.file is not None and problem.file.endswith("broken.xlsx")
    assert "Sheet1!D11" in str(error)


def test_a_number_with_no_operator_is_not_guessed(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("D13", "95%"))
    assert [(p.code, p.where) for p in error.problems] == [("E-OPERATOR", "Sheet1!D13")]


def test_unknown_symbol_names_the_cell(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("D12", "≈40人"))
    [problem] = error.problems
    assert (problem.code, problem.where) == ("E-OPERATOR", "Sheet1!D12")
    assert "≈" in problem.message


def test_missing_header_names_the_row(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("F10", "备注"))
    [problem] = error.problems
    assert problem.code == "E-EXCEL-HEADER" and problem.where is not None
    assert problem.where.startswith("Sheet1!A10:")
    assert "实际完成值" in problem.message


def test_non_numeric_budget_figure(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("E6", "约一百万"))
    assert [(p.code, p.where) for p in error.problems] == [("E-NUMBER", "Sheet1!E6")]


def test_extra_nature_column(tmp_path: Path, self_eval: evalrules.Ruleset) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目名称", "小项目"])
    sheet.append(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    sheet.append(["年度资金总额", 10, 10, 10, 10, 1, 10])
    sheet.append(
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分"]
    )
    sheet.append(["产出指标", "数量指标", "台数", "≥", 5, "台", 5, 50, 50])
    sheet.append(["效益指标", "社会效益指标", "受益人数", "正向", "100人", None, "120人", 30, 30])
    sheet.append(["满意度指标", "服务对象满意度指标", "满意度", "＞＝", 0.9, "%", 0.95, 10, 10])
    sheet.append(["产出指标", "质量指标", "返工率", "＜＝", "5%", None, "3%", 0, 0])
    sheet.append(["产出指标", "质量指标", "坏指标", "大约", 5, None, 3, 0, 0])
    path = tmp_path / "nature.xlsx"
    workbook.save(path)
    error = _error(read_workbook(path))
    assert [(p.code, p.where) for p in error.problems] == [("E-OPERATOR", "Sheet!D9")]

    sheet.delete_rows(9)
    workbook.save(path)
    project = _only(read_workbook(path))
    targets = {target.name: target for target in project.targets}
    assert targets["台数"].operator == ">="
    assert (targets["受益人数"].operator, targets["受益人数"].unit, targets["受益人数"].actual) == (
        ">=",
        "人",
        Decimal(120),
    )
    assert (targets["满意度"].value, targets["满意度"].actual) == (Decimal(90), Decimal(95))
    assert (targets["返工率"].operator, targets["返工率"].value, targets["返工率"].unit) == (
        "<=",
        Decimal(5),
        "%",
    )
    assert evalrules.score(project, self_eval).total is not None


def test_two_sheets_are_two_projects(tmp_path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    first.title = "项目一"
    _unit_form(first)
    second = workbook.create_sheet("项目二")
    _unit_form(second)
    second["C3"] = "第二个项目"
    second["D11"] = "完成"  # with no 指标性质 this is 定性, but a 定性 row needs a rating or a score
    second["H11"] = None
    workbook.create_sheet("填表说明")["A1"] = "请按要求填写"
    path = tmp_path / "two.xlsx"
    workbook.save(path)

    entries = read_workbook(path)
    assert [key for key, _ in entries] == [f"{path}#项目一", f"{path}#项目二"]
    assert isinstance(entries[0][1], Project) and entries[0][1].name == "乡村道路养护"
    error = entries[1][1]
    assert isinstance(error, LoadError)
    assert [(p.code, p.where) for p in error.problems] == [("E-RATING", "项目二!F11")]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    error = _error(read_workbook(path))
    assert error.problems[0].code == "E-EXCEL" and error.problems[0].file == str(path)


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("≥95%", ">="),
        ("95%以上", ">="),
        ("不低于95%", ">="),  # issue 14: printed forms write the words
        ("大于等于 95%", ">="),
        ("＞＝95％", ">="),
        ("≦95%", "<="),
        ("不超过95%", "<="),
        ("═95%", "="),  # U+2550, a box-drawing line some forms print for =
    ],
)
def test_symbol_spellings(tmp_path: Path, text: str, operator: str) -> None:
    workbook = Workbook()
    _unit_form(workbook.active)
    workbook.active["D13"] = text
    path = tmp_path / "s.xlsx"
    workbook.save(path)
    rate = {t.name: t for t in _only(read_workbook(path)).targets}["养护合格率"]
    assert (rate.operator, rate.value, rate.unit) == (operator, Decimal(95), "%")


def test_a_strict_comparison_is_pointed_to_its_inclusive_form(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("D12", ">40人"))
    [problem] = error.problems
    assert problem.code == "E-OPERATOR" and "≥" in (problem.suggestion or "")


@pytest.mark.parametrize("cell", ["D11", "F11", "C3", "C11", "A1"])
@pytest.mark.parametrize("number", [1e20, 10**20, -(10**16)])
def test_a_number_beyond_the_magnitude_cap_is_a_located_problem(
    tmp_path: Path, cell: str, number: float
) -> None:
    # regression (fuzzing): such a number in any cell escaped as a bare NumberProblem
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    _unit_form(workbook.active)
    workbook.active[cell] = number
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    outcome = read_workbook(path)[0][1]
    if cell in ("D11", "F11"):  # a value or actual: refused at its cell, once
        assert isinstance(outcome, LoadError)
        numbers = [p for p in outcome.problems if p.code == "E-NUMBER"]
        assert [(p.where, p.file) for p in numbers] == [(f"Sheet1!{cell}", str(path))]
        assert "10^15" in numbers[0].message
    else:  # a name or a title: text as shown
        assert isinstance(outcome, Project)


def test_a_huge_number_written_as_text_is_refused_not_taken_as_missing(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    _unit_form(workbook.active)
    workbook.active["F11"] = "99999999999999999公里"
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    error = _error(read_workbook(path))
    assert [(p.code, p.where) for p in error.problems] == [("E-NUMBER", "Sheet1!F11")]


def test_formatting_far_away_does_not_make_the_sheet_large(tmp_path: Path) -> None:
    # regression: every cell up to max_row × max_column was visited; a format applied far away (as
    # Excel does for a whole column) made a small form take minutes
    workbook = Workbook()
    _unit_form(workbook.active)
    workbook.active.cell(row=1_048_576, column=16_384).number_format = "0.00%"
    path = tmp_path / "styled.xlsx"
    workbook.save(path)
    assert _only(read_workbook(path)).name == "乡村道路养护"


@pytest.mark.parametrize(
    ("row", "column"), [(MAX_SHEET_ROWS + 1, 3), (20, MAX_SHEET_COLUMNS + 1), (1_048_576, 16_384)]
)
def test_a_sheet_used_beyond_the_size_caps_is_refused_at_its_farthest_cell(
    tmp_path: Path, row: int, column: int
) -> None:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    _unit_form(workbook.active)
    workbook.active.cell(row=row, column=column).value = "备注"
    path = tmp_path / "large.xlsx"
    workbook.save(path)
    error = _error(read_workbook(path))
    [problem] = error.problems
    assert (problem.code, problem.file) == ("E-EXCEL-SIZE", str(path))
    assert problem.where == f"Sheet1!{get_column_letter(column)}{row}"


def test_a_sheet_just_within_the_size_caps_is_read(tmp_path: Path) -> None:
    workbook = Workbook()
    _unit_form(workbook.active)
    workbook.active.cell(row=MAX_SHEET_ROWS, column=MAX_SHEET_COLUMNS).value = "备注"
    path = tmp_path / "edge.xlsx"
    workbook.save(path)
    assert _only(read_workbook(path)).name == "乡村道路养护"


def _rewritten(
    path: Path, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None
) -> None:
    """Rewrite the parts of an .xlsx file (what a foreign or hostile program may write)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:A1048576", "A:A", "1:1", f"B2:B{MAX_SHEET_ROWS + 2}"])
def test_a_merged_range_beyond_the_size_caps_is_refused_before_it_is_read(tmp_path: Path, ref: str) -> None:
    # regression: openpyxl makes one object per merged cell: a whole-sheet range never finished
    workbook = Workbook()
    _unit_form(workbook.active)
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
    _rewritten(path, lambda name, data: data.replace(b"</sheetData>", b"</sheetData>" + merge, 1))
    error = _error(read_workbook(path))
    [problem] = error.problems
    assert (problem.code, problem.file) == ("E-EXCEL-SIZE", str(path))
    assert problem.where is not None and ref in problem.where


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    workbook = Workbook()
    _unit_form(workbook.active)
    path = tmp_path / "bomb.xlsx"
    workbook.save(path)
    _rewritten(path, lambda name, data: data, {"xl/media/padding.bin": bytes(MAX_WORKBOOK_BYTES)})
    assert path.stat().st_size < MAX_WORKBOOK_BYTES // 100  # small on disk, huge unpacked
    error = _error(read_workbook(path))
    assert [(p.code, p.file) for p in error.problems] == [("E-EXCEL-SIZE", str(path))]


def test_a_damaged_sheet_inside_the_zip_is_an_excel_error(tmp_path: Path) -> None:
    # regression (fuzzing): zlib.error escaped from the size check that looks inside the zip first
    workbook = Workbook()
    _unit_form(workbook.active)
    path = tmp_path / "damaged.xlsx"
    workbook.save(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8  # the deflated stream no longer inflates
    path.write_bytes(bytes(data))
    error = _error(read_workbook(path))
    assert [(p.code, p.file) for p in error.problems] == [("E-EXCEL", str(path))]


def test_an_entity_trick_in_a_sheet_is_refused_with_defusedxml(tmp_path: Path) -> None:
    # Issue 16: openpyxl parses through defusedxml when it is installed (the `excel` extra);
    # a DOCTYPE with entities (billion laughs, external entities) is then refused, not expanded.
    pytest.importorskip("defusedxml")
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    workbook = Workbook()
    _unit_form(workbook.active)
    path = tmp_path / "laughs.xlsx"
    workbook.save(path)
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'

    def entity(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        body = data.split(b"?>", 1)[-1]  # after the XML declaration, if there is one
        return laughs + body.replace(b"<sheetPr>", b"<sheetPr>&b;", 1)

    _rewritten(path, entity, {})
    error = _error(read_workbook(path))
    assert error.problems[0].file == str(path)
    assert error.problems[0].code == "E-EXCEL"


def test_the_rows_under_the_annual_total_are_read(self_eval: evalrules.Ruleset, tmp_path: Path) -> None:
    # 其中：当年财政拨款 / 上年结转资金 / 其他资金 as printed: 分值/执行率/得分 cells "—", 其他资金 blank
    workbook = Workbook()
    rows = [
        [None, "年度资金总额", 100, None, 108, 10, 0.9, 9],  # 全年预算数 of the total left blank
        [None, "其中：当年财政拨款", 80, 96.5, 90.2, "—", "—", "—"],
        [None, "上年结转资金", 20, 23.5, 17.8, "—", "—", "—"],
        [None, "其他资金", None, None, None, "—", "—", "—"],
    ]
    _unit_form(workbook.active, budget_label="项目资金（万元）", budget_rows=rows)
    path = tmp_path / "rows.xlsx"
    workbook.save(path)
    budget = _only(read_workbook(path)).budget
    assert budget.rows == {
        "财政拨款": {"年初预算数": 80, "全年预算数": Decimal("96.5"), "执行数": Decimal("90.2")},
        "上年结转": {"年初预算数": 20, "全年预算数": Decimal("23.5"), "执行数": Decimal("17.8")},
    }
    assert budget.figures["全年预算数"] == 120 and budget.summed == ("全年预算数",)
    assert budget.places["上年结转/执行数"].where == "Sheet!E8"


# --- issue 22: blank-named 不适用 rows, formulas, hidden sheets ------------------------------------


@pytest.mark.parametrize("word", ["不适用", "/", "—", "-", "无", "本项目无该指标", "——", "／"])
def test_a_blank_named_row_saying_not_applicable_is_not_applicable(
    tmp_path: Path, self_eval: evalrules.Ruleset, word: str
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "道路养护"
    _unit_form(sheet)
    # the 成本指标 row as units return it: name cell left blank, a dash or 不适用 in the value cells
    sheet["C15"], sheet["D15"], sheet["F15"] = None, word, word
    path = tmp_path / f"xin_na_{ord(word[0])}.xlsx"
    workbook.save(path)
    project = _only(read_workbook(path))
    cost = [target for target in project.targets if target.slot == ("产出指标", "成本指标")]
    assert len(cost) == 1 and cost[0].not_applicable and cost[0].place.where == "道路养护!C15"
    assert evalrules.score(project, self_eval).total == Decimal("98.67")


def test_a_blank_named_row_with_a_real_value_still_asks_for_the_name(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda sheet: sheet.__setitem__("C12", None))
    assert [(p.code, p.where) for p in error.problems] == [("E-TARGET", "Sheet1!C12")]


def test_two_blank_named_not_applicable_rows_in_one_slot_make_one(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    _unit_form(sheet)
    sheet["C15"], sheet["D15"], sheet["F15"] = None, "/", "/"
    sheet.insert_rows(16)
    sheet["A16"], sheet["B16"], sheet["D16"], sheet["F16"] = "产出指标", "成本指标", "不适用", "—"
    path = tmp_path / "xin_na_twice.xlsx"
    workbook.save(path)
    project = _only(read_workbook(path))
    assert sum(1 for target in project.targets if target.slot == ("产出指标", "成本指标")) == 1


def test_a_formula_without_a_value_is_asked_to_be_typed_in(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    _unit_form(sheet)
    sheet["F12"] = "=100%"  # openpyxl saves no computed value, as a form filled by a script
    sheet["E6"] = "=SUM(E7:E7)"  # 全年执行数
    path = tmp_path / "xin_formula.xlsx"
    workbook.save(path)
    error = _error(read_workbook(path))
    formulas = [(p.where, p.message, p.found) for p in error.problems if p.code == "E-EXCEL-FORMULA"]
    assert formulas == [
        ("自评表!E6", "该单元格是公式，请填写数值", "=SUM(E7:E7)"),
        ("自评表!F12", "该单元格是公式，请填写数值", "=100%"),
    ]
    assert not [p for p in error.problems if "缺少" in p.message]  # not taken for an empty cell


def test_a_formula_with_its_computed_value_is_read_as_the_value(tmp_path: Path) -> None:
    workbook = Workbook()
    _unit_form(workbook.active)
    path = tmp_path / "xin_cached.xlsx"
    workbook.save(path)
    # as Excel saves it: the formula and its cached value side by side in the sheet XML
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = re.search(r'<c r="F11"[^>]*>.*?</c>', sheet)
    assert cell is not None
    sheet = sheet.replace(cell.group(0), '<c r="F11"><f>118*1</f><v>118</v></c>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    targets = {target.name: target for target in _only(read_workbook(path)).targets}
    assert targets["养护道路里程"].actual == Decimal(118)


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_skipped_and_said(tmp_path: Path, state: str) -> None:
    workbook = Workbook()
    shown = workbook.active
    shown.title = "道路养护"
    _unit_form(shown)
    old = workbook.create_sheet("旧版（作废）")
    _unit_form(old)
    old.sheet_state = state
    path = tmp_path / "xin_hidden.xlsx"
    workbook.save(path)
    notes: list[str] = []
    entries = read_workbook(path, notes)
    assert [key for key, _ in entries] == [f"{path}#道路养护"]
    assert notes == [f"{path}：隐藏的工作表未读取：旧版（作废）（如需评分，请先在 Excel 中取消隐藏）"]


def test_a_workbook_whose_only_form_is_hidden_says_so(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "说明"
    hidden = workbook.create_sheet("自评")
    _unit_form(hidden)
    hidden.sheet_state = "hidden"
    path = tmp_path / "xin_all_hidden.xlsx"
    workbook.save(path)
    error = _error(read_workbook(path))
    assert error.problems[0].code == "E-EXCEL" and "隐藏的工作表未读取：自评" in error.problems[0].message
