from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import evalrules
from evalrules.base.numbers import fmt
from evalrules.report import ReportContext, build_report, placeholder
from evalrules.report.selfform import render_self_form
from evalrules.report.selfform_layout import HEADERS, SHEET_TITLE

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
"到位资金" = 50
"执行数" = 43.1
reason = "部分设备尚未验收，尾款未付"

[texts]
overall_result = "完成设备购置并投入使用。"
implementer = "测试局信息中心"

[[targets]]
slot = "产出指标/数量指标"
name = "购置设备台数"
operator = ">="
value = 20
unit = "台"
actual = 18
weight = 20
reason = "两台设备延期到货，已督促供应商"

[[targets]]
slot = "产出指标/质量指标"
name = "设备验收合格率"
operator = ">="
value = 100
unit = "%"
actual = 100
weight = 15

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
rating = "达成年度指标"
weight = 30
"""


def _sheet(context: ReportContext, path: Path) -> Any:
    render_self_form(context, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [SHEET_TITLE]
    return workbook[SHEET_TITLE]


def _find(sheet: Any, text: str) -> Any:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in the sheet")


def _row_values(sheet: Any, line: int) -> list[Any]:
    return [cell.value for cell in sheet[line]]


def _target_lines(sheet: Any) -> dict[str, list[Any]]:
    header = _find(sheet, HEADERS[0]).row
    total = _find(sheet, "总分").row
    return {str(sheet.cell(line, 3).value): _row_values(sheet, line) for line in range(header + 1, total)}


def _merged(sheet: Any, line: int, column: int) -> Any:
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= line <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return merged
    return None


def _shown(sheet: Any, line: int, column: int) -> Any:
    """What a cell shows: a merged cell shows the value of its range's top-left cell."""
    merged = _merged(sheet, line, column)
    return sheet.cell(merged.min_row, merged.min_col).value if merged else sheet.cell(line, column).value


def _close(value: Any, expected: Decimal) -> bool:
    return isinstance(value, int | float) and Decimal(str(value)) == expected


@pytest.fixture(scope="module")
def seed_context(seed: evalrules.Project, national: evalrules.Ruleset) -> ReportContext:
    return build_report(seed, national)


@pytest.fixture
def self_context(write: Callable[[str, str], Path], self_eval: evalrules.Ruleset) -> ReportContext:
    return build_report(evalrules.load_project(write("self.toml", SELF_PROJECT)), self_eval)


def test_seed_form_title_project_and_budget_block(seed_context: ReportContext, tmp_path: Path) -> None:
    sheet = _sheet(seed_context, tmp_path / "自评表.xlsx")
    title = sheet["A1"]
    assert title.value == SHEET_TITLE and title.font.bold
    assert str(_merged(sheet, 1, 1)) == "A1:J1"
    assert sheet.cell(_find(sheet, "项目名称").row, 3).value == "工作经费"
    unit_cell = _find(sheet, "主管部门")
    assert sheet.cell(unit_cell.row, 3).value == "阿克陶县人民政府办公室"
    assert placeholder("implementer") in _row_values(sheet, unit_cell.row)

    header = _find(sheet, "年初预算数").row
    labels = {str(cell.value): cell.column for cell in sheet[header] if cell.value}
    data = header + 1
    for label in ("年初预算数", "全年预算数", "全年执行数"):
        cell = sheet.cell(data, labels[label])
        assert cell.value == pytest.approx(192.05) and isinstance(cell.value, float)
        assert cell.number_format == "0.00"
    assert "（万元）" in str(_find(sheet, "项目资金\n（万元）").value)
    execution = seed_context.result.node("过程", "资金管理", "预算执行率")
    assert _close(sheet.cell(data, labels["分值"]).value, execution.weight)  # 5 here, not the default 10
    assert (
        sheet.cell(data, labels["执行率"]).value == 1
        and sheet.cell(data, labels["执行率"]).number_format == "0.00%"
    )
    assert execution.score is not None and _close(sheet.cell(data, labels["得分"]).value, execution.score)
    assert _find(sheet, "年初预算数").font.bold


def test_seed_form_goal_uses_texts_and_placeholders(seed_context: ReportContext, tmp_path: Path) -> None:
    sheet = _sheet(seed_context, tmp_path / "form.xlsx")
    goal = _find(sheet, "年度总体目标")
    values = _row_values(sheet, goal.row + 1)
    assert seed_context.texts["overall_goal"] in values
    assert placeholder("overall_result") in values
    assert str(_merged(sheet, goal.row, 1)) == f"A{goal.row}:A{goal.row + 1}"


def test_seed_form_has_every_target_row_with_values_and_scores(
    seed_context: ReportContext, tmp_path: Path
) -> None:
    sheet = _sheet(seed_context, tmp_path / "form.xlsx")
    header = _find(sheet, HEADERS[0]).row
    assert _row_values(sheet, header) == list(HEADERS)
    assert all(cell.font.bold for cell in sheet[header])
    total_line = _find(sheet, "总分").row
    lines = range(header + 1, total_line)
    cells = {(str(sheet.cell(line, 1).value or ""), str(sheet.cell(line, 3).value)): line for line in lines}
    project = seed_context.project
    seen = 0
    for target in project.targets:
        node = seed_context.result.node(*target.slot, target.name)
        matches = [
            line
            for line in lines
            if sheet.cell(line, 3).value == target.name
            and _shown(sheet, line, 2) == "/".join(target.slot[1:])
            and _close(sheet.cell(line, 8).value, node.weight)
            and (sheet.cell(line, 4).value, sheet.cell(line, 6).value or "")
            == ({">=": "≥", "<=": "≤", "=": "=", "定性": "定性"}[target.operator], target.unit)
        ]
        assert matches, target.name
        line = matches[0]
        if target.operator == "定性":
            assert sheet.cell(line, 5).value == target.value_text
            assert sheet.cell(line, 7).value == target.actual_text
        else:
            assert target.value is not None and target.actual is not None
            assert _close(sheet.cell(line, 5).value, target.value)
            assert _close(sheet.cell(line, 7).value, target.actual)
        assert node.score is not None and _close(sheet.cell(line, 9).value, node.score)
        assert sheet.cell(line, 9).number_format == "0.00"
        seen += 1
    assert seen == len(project.targets) == 22
    # the evaluators' framework indicators follow the targets; 预算执行率 is in the budget block
    assert cells.get(("决策", "立项依据充分性")) is not None
    assert all(name != "预算执行率" for _, name in cells)
    four_levels = _find(sheet, "受益群众满意度").row
    assert sheet.cell(four_levels, 2).value == "项目效益/服务对象满意度"


def test_seed_form_merges_first_and_second_levels(seed_context: ReportContext, tmp_path: Path) -> None:
    sheet = _sheet(seed_context, tmp_path / "form.xlsx")
    first = _find(sheet, "保障职工人数").row
    merged = _merged(sheet, first, 1)
    assert merged is not None and sheet.cell(first, 1).value == "产出"
    assert merged.max_row - merged.min_row + 1 == 19  # every 产出 target
    second = _merged(sheet, first, 2)
    assert second is not None and second.max_row - second.min_row + 1 == 8  # 产出数量
    for name in ("决策", "过程", "效益"):
        line = _find(sheet, name).row
        assert _merged(sheet, line, 1) is not None, name


def test_seed_form_total_row(seed_context: ReportContext, tmp_path: Path) -> None:
    sheet = _sheet(seed_context, tmp_path / "form.xlsx")
    line = _find(sheet, "总分").row
    result = seed_context.result
    assert _close(sheet.cell(line, 8).value, result.max)
    assert _close(sheet.cell(line, 9).value, result.total)
    assert result.grade in str(sheet.cell(line, 10).value)
    assert sheet.column_dimensions["J"].width > sheet.column_dimensions["H"].width
    assert sheet.cell(line, 9).border.left.style == "thin"


def test_self_evaluation_form(self_context: ReportContext, tmp_path: Path) -> None:
    path = tmp_path / "out" / "self.xlsx"
    path.parent.mkdir()
    sheet = _sheet(self_context, path)
    assert [p.name for p in path.parent.iterdir()] == ["self.xlsx"]  # no temporary file left behind
    result = self_context.result

    unit_line = _find(sheet, "主管部门").row
    assert "测试局信息中心" in _row_values(sheet, unit_line)
    goal = _find(sheet, "年度总体目标").row
    values = _row_values(sheet, goal + 1)
    assert placeholder("overall_goal") in values and "完成设备购置并投入使用。" in values

    header = _find(sheet, "年初预算数").row
    labels = {str(cell.value): cell.column for cell in sheet[header] if cell.value}
    data = header + 1
    assert sheet.cell(data, labels["年初预算数"]).value == 40
    assert sheet.cell(data, labels["全年预算数"]).value == 50
    assert sheet.cell(data, labels["全年执行数"]).value == pytest.approx(43.1)
    execution = result.node("预算执行率")
    assert execution.score is not None
    assert _close(sheet.cell(data, labels["分值"]).value, execution.weight)
    assert _close(sheet.cell(data, labels["得分"]).value, execution.score)
    assert sheet.cell(data, labels["执行率"]).value == pytest.approx(0.862)

    rows = _target_lines(sheet)
    count = rows["购置设备台数"]
    node = result.node("产出指标", "数量指标", "购置设备台数")
    assert count[:7] == ["产出指标", "数量指标", "购置设备台数", "≥", 20, "台", 18]
    assert node.score is not None and _close(count[8], node.score) and node.score < node.weight
    assert count[9] == "两台设备延期到货，已督促供应商"
    assert rows["设备购置成本"][3] == "≤"
    quality = rows["服务水平"]
    assert quality[3:7] == ["定性", "明显提升", None, "有所提升"]
    # no satisfaction target: the empty slot shows as 不适用, never 0
    assert rows["None"][0] == "满意度指标" and rows["None"][8] == "不适用"
    assert "预算执行率" not in rows

    # 满意度指标 does not apply: 总分 is rescaled, and the 得分 column adds up to 得分合计 over 90
    rescaled = result.rescaled
    assert rescaled is not None and rescaled.weight == 90
    scores = [execution.score] + [row[8] for row in rows.values() if row[8] != "不适用"]
    assert sum(Decimal(str(score)) for score in scores) == rescaled.score
    line = _find(sheet, "总分").row
    assert _close(sheet.cell(line, 8).value, Decimal(100)) and _close(sheet.cell(line, 9).value, result.total)
    assert sheet.cell(line, 10).value == f"评价等级：{result.grade}"
    added = _find(sheet, "其中：得分合计").row
    assert added == line + 1
    assert _close(sheet.cell(added, 8).value, Decimal(90)) and _close(
        sheet.cell(added, 9).value, rescaled.score
    )
    assert sheet.cell(added, 10).value == (
        f"折算后总分：适用分值 90 分、得分合计 {fmt(rescaled.score)} 分，"
        f"按百分制折算为 {fmt(result.total)} 分（满意度指标 不适用，不计入适用分值）"
    )


def test_render_replaces_an_existing_file(self_context: ReportContext, tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_text("old", encoding="utf-8")
    render_self_form(self_context, path)
    assert load_workbook(path).sheetnames == [SHEET_TITLE]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx", "self.toml"]


def test_a_formula_in_a_name_is_written_as_text_and_reads_back_as_written(
    write: Callable[[str, str], Path], self_eval: evalrules.Ruleset, tmp_path: Path
) -> None:
    # Issue 16: openpyxl writes a str starting with "=" as a formula (<f> in the sheet XML).
    import zipfile

    hostile = '=HYPERLINK("http://example.com/x","点这里")'
    source = SELF_PROJECT.replace('name = "', "name = '" + hostile + "'\n# ", 1)
    context = build_report(evalrules.load_project(write("hostile.toml", source)), self_eval)
    path = tmp_path / "自评表.xlsx"
    render_self_form(context, path)
    with zipfile.ZipFile(path) as archive:
        assert not any("<f>" in archive.read(name).decode() for name in archive.namelist())
    sheet = load_workbook(path)[SHEET_TITLE]
    assert sheet.cell(_find(sheet, "项目名称").row, 3).value == hostile


def test_a_form_with_values_not_known_shows_ranges(self_eval: evalrules.Ruleset, tmp_path: Path) -> None:
    project = evalrules.load_project(Path(__file__).parent / "forms" / "na_cutoff.toml")
    sheet = _sheet(build_report(project, self_eval, ranges=True), tmp_path / "form.xlsx")
    rows = _target_lines(sheet)
    assert rows["新建集中供水工程"][6:10] == [
        "？",
        10,
        "0～10",
        "新建集中供水工程 实际完成值不详（“？”）：得分不低于 0 分、不高于 10 分（分值 10 分）",
    ]
    assert rows["工程长效运行"][8] == "12～15"
    assert _close(rows["改造供水管网"][8], Decimal(10))
    line = _find(sheet, "总分").row
    assert sheet.cell(line, 9).value == "不低于 76.5，不高于 99.5"
    assert sheet.cell(line, 10).value == "评价等级：中至优之间，未定"
    unknown = _find(sheet, "数值不详").row
    assert str(sheet.cell(unknown, 8).value).startswith(
        "共 3 项：产出指标/数量指标/新建集中供水工程 的实际完成值不详（“？”）"
    )
    with pytest.raises(evalrules.ScoringError, match="E-REPORT"):
        build_report(project, self_eval)  # a report refuses what it cannot show


# --- issue 22: the 自评表 reads back to the same scores --------------------------------------

FORMS = Path(__file__).parent / "forms"


def _scores(result: evalrules.Result) -> dict[tuple[str, ...], Decimal | None]:
    return {node.path: node.score for node in result.walk()}


def test_the_self_form_reads_back_through_convert_and_batch_to_the_same_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evalrules.cli.main import main

    source = FORMS / "fh_self_roundtrip_2023.toml"  # a 不适用 row, a whole 不适用 一级指标, 定性 rows
    ruleset = evalrules.load_ruleset("caiyu_2020_10_self")
    original = evalrules.score(evalrules.load_project(source), ruleset)
    form, back = tmp_path / "自评表.xlsx", tmp_path / "back.toml"
    assert main(["report", str(source), "--form", "self", "-o", str(form)]) == 0
    assert main(["convert", str(form), "-o", str(back)]) == 0, capsys.readouterr().err
    project = evalrules.load_project(back)
    assert project.texts["implementer"] == "某镇人民政府"
    again = evalrules.score(project, ruleset)
    assert (again.total, again.grade) == (original.total, original.grade) == (Decimal("93.76"), "优")
    assert _scores(again) == _scores(original)
    # the 得分 of the 不适用 row is 不适用 on the form, read as no claim (not E-NUMBER)
    assert "效益指标/经济效益指标/带动就业" not in project.claims.scores
    assert project.claims.scores["效益指标/生态效益指标/村庄环境质量"] == 7
    assert main(["batch", str(form), "-o", str(tmp_path / "out.csv")]) == 0
    row = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert ",93.76,优,9.50,49.38,25.50,," in row


def test_a_plugin_self_form_reads_back_to_the_same_scores(
    sichuan: evalrules.Registry, tmp_path: Path
) -> None:
    from evalrules.io.excel import read_workbook

    source = evalrules.load_project(FORMS / "fh_sichuan_roundtrip_2023.toml")
    ruleset = evalrules.load_ruleset("sichuan_self", sichuan)
    render_self_form(build_report(source, ruleset, sichuan), tmp_path / "自评表.xlsx")
    ((_, project),) = read_workbook(tmp_path / "自评表.xlsx")
    assert isinstance(project, evalrules.Project), project
    # 调整后预算数 (the denominator of Sichuan's 执行率) keeps its name; 经济成本指标 stays nested
    assert project.budget.figures["调整后预算数"] == Decimal("1620.5")
    assert ("绩效指标", "产出指标", "成本指标", "经济成本指标") in {t.slot for t in project.targets}
    original, again = evalrules.score(source, ruleset, sichuan), evalrules.score(project, ruleset, sichuan)
    assert again.total == original.total == Decimal("97.96")
    assert _scores(again) == _scores(original)


def test_a_department_evaluation_has_no_self_form(xinjiang: evalrules.Registry) -> None:
    from evalrules.authoring.skeleton import refuse_self_form
    from evalrules.base.errors import LoadError

    for ruleset in (
        evalrules.load_ruleset("caiyu_2020_10"),
        evalrules.load_ruleset("xinjiang_2018_189", xinjiang),
    ):
        with pytest.raises(LoadError) as raised:
            refuse_self_form(ruleset)
        assert raised.value.problems[0].code == "E-REPORT-FORM"
        assert "单位自评" in raised.value.problems[0].message
    refuse_self_form(evalrules.load_ruleset("caiyu_2020_10_self"))  # no refusal


def test_an_implementer_not_given_does_not_come_back_as_its_placeholder(tmp_path: Path) -> None:
    from evalrules.io.excel import read_workbook

    text = (FORMS / "fh_self_roundtrip_2023.toml").read_text(encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text.replace('implementer = "某镇人民政府"\n', ""), encoding="utf-8")
    ruleset = evalrules.load_ruleset("caiyu_2020_10_self")
    render_self_form(build_report(evalrules.load_project(path), ruleset), tmp_path / "f.xlsx")
    ((_, project),) = read_workbook(tmp_path / "f.xlsx")
    assert isinstance(project, evalrules.Project)
    assert "implementer" not in project.texts and project.unit == "某县农业农村局"


def test_the_budget_rows_are_written_under_the_annual_total_and_read_back(
    self_eval: evalrules.Ruleset, tmp_path: Path
) -> None:
    from evalrules.io.excel import read_workbook

    project = evalrules.load_project(Path(__file__).parent / "forms" / "bud_rows_water_2023.toml")
    sheet = _sheet(build_report(project, self_eval), tmp_path / "form.xlsx")
    total = _find(sheet, "年度资金总额").row
    assert [sheet.cell(total + n, 2).value for n in (1, 2, 3)] == [
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
    ]
    assert [sheet.cell(total + 3, c).value for c in (3, 5, 7, 8)] == [None, 6, 5.6, "—"]
    (entry,) = read_workbook(tmp_path / "form.xlsx")
    back = entry[1]
    assert isinstance(back, evalrules.Project)
    assert back.budget.rows == project.budget.rows and back.budget.figures == project.budget.figures
