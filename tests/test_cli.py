from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules.cli.main import main

from .conftest import ROOT, SEED

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_score_json(run: Run) -> None:
    code, out, err = run("score", SEED, "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["total"] == 100 and data["grade"] == "优"
    firsts = {n["path"][0]: n["score"] for n in data["indicators"] if n["level"] == 1}
    assert firsts == {"决策": 20, "过程": 20, "产出": 40, "效益": 20}


def test_score_text_and_markdown(run: Run) -> None:
    code, out, _ = run("score", SEED)
    assert code == 0 and "总分 100 / 100，等级 优" in out and "保障职工人数" in out
    code, out, _ = run("score", SEED, "--format", "markdown")
    assert code == 0 and out.startswith("# 工作经费 绩效评价得分") and "| 决策 | 1 | 20 | 20 |" in out


def test_score_with_other_ruleset_reports_problems(run: Run) -> None:
    code, out, err = run("score", SEED, "--ruleset", "caiyu_2020_10_self")
    assert code == 1 and out == ""
    assert "E-TARGET-SLOT" in err and "Traceback" not in err


def test_formula_prints_exact_value(run: Run) -> None:
    code, out, _ = run(
        "formula", "实际值 / 指标值 * 分值", "--set", "实际值=40", "--set", "指标值=44", "--set", "分值=2"
    )
    assert code == 0 and out.strip() == "1.818181818181818181818181818"
    assert run("formula", "0.1 + 0.2 == 0.3")[1].strip() == "真（True）"


@pytest.mark.parametrize(
    ("argv", "printed"),
    [
        (("formula", "-1+2"), "1"),
        (("formula", "-1 + 2"), "1"),
        (("formula", "-实际值", "--set", "实际值=3"), "-3"),
        (("formula", "--set", "实际值=3", "-实际值*2"), "-6"),
        (("formula", "--set", "实际值=3", "--", "-实际值 + 10"), "7"),
        (("formula", "--set=x=-2", "-x"), "2"),
        # issue 23, 9: the formula reads ｘ as x (NFKC, as Python does), and so does --set
        (("formula", "ｘ + 1", "--set", "ｘ=5"), "6"),
        (("formula", "x + 1", "--set", "ｘ=5"), "6"),
        (("formula", "ｘ + 1", "--set", "x=5"), "6"),
    ],
)
def test_a_formula_may_start_with_a_minus(run: Run, argv: tuple[str, ...], printed: str) -> None:
    # Issue 23, 10: argparse took "-1+2" for an unknown option (exit 2)
    code, out, err = run(*argv)
    assert (code, out.strip(), err) == (0, printed, "")


@pytest.mark.parametrize(
    "argv",
    [
        ("formula", "__import__('os').system('echo hi')"),
        ("formula", "(1).__class__.__bases__"),
        ("formula", "9 ** 9 ** 9"),
        ("formula", "x", "--set", "x=abc"),
        ("formula", "x", "--set", "x"),
        ("formula", "1", "--set", "1x=5"),  # issue 23, 9: not a name a formula can use
        ("formula", "1", "--set", "if=5"),
        ("formula", "1", "--set", "a b=5"),
        ("score", "no-such-file.toml"),
        ("show", "caiyu_2020_1"),
    ],
)
def test_bad_input_exits_1_with_a_message(run: Run, argv: tuple[str, ...]) -> None:
    code, out, err = run(*argv)
    assert code == 1 and out == ""
    assert err.startswith("evalrules：发现") and "Traceback" not in err


def test_bad_usage_exits_2(run: Run) -> None:
    with pytest.raises(SystemExit) as caught:
        run("score")
    assert caught.value.code == 2


def test_rulesets_lists_id_title_document(run: Run) -> None:
    code, out, _ = run("rulesets")
    assert code == 0
    assert "caiyu_2020_10 " in out and "财预〔2020〕10号" in out and "单位自评" in out


def test_show_text_and_toml(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("show", "caiyu_2020_10")
    assert code == 0 and "资金到位率  5 分  arrival_rate" in out and "优 [90, 100]" in out
    code, out, _ = run("show", "caiyu_2020_10", "--format", "toml")
    assert tomllib.loads(out)["ruleset"]["id"] == "caiyu_2020_10"
    (tmp_path / "resolved.toml").write_text(out, encoding="utf-8")
    assert evalrules.load_ruleset(tmp_path / "resolved.toml") == evalrules.load_ruleset("caiyu_2020_10")


def test_validate(run: Run) -> None:
    code, out, _ = run("validate", ROOT / "rulesets" / "caiyu_2020_10.toml")
    assert code == 0 and out.startswith("规则集有效：caiyu_2020_10")
    assert out.endswith("，4 个算例（evalrules check 核对）\n")
    code, out, _ = run("validate", SEED)
    assert code == 0 and "100.00" in out
    code, out, err = run("validate", ROOT / "examples" / "broken" / "ruleset.toml")
    assert code == 1 and "发现 7 个问题" in err
    assert err.count("ruleset.toml:") >= 5  # most problems carry a line


def test_validate_project_without_ruleset(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[project]\nname = "x"\n', encoding="utf-8")
    code, _, err = run("validate", path)
    assert code == 1 and "E-RULESET-MISSING" in err


def test_module_entry_point_from_another_directory(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "evalrules", "score", str(SEED), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert Decimal(str(json.loads(completed.stdout)["total"])) == 100


def test_a_ruleset_path_in_the_project_is_relative_to_the_project(run: Run, tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(
        (ROOT / "rulesets" / "caiyu_2020_10.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    project = tmp_path / "rules" / "project.toml"
    project.write_text(
        SEED.read_text(encoding="utf-8").replace('ruleset = "caiyu_2020_10"', 'ruleset = "mine.toml"'),
        encoding="utf-8",
    )
    code, out, err = run("score", project)
    assert code == 0, err
    assert "总分 100 / 100" in out


def test_report_writes_every_format_and_refuses_others(run: Run, tmp_path: Path) -> None:
    for name in ("r.md", "r.html", "r.docx"):
        code, out, err = run("report", SEED, "-o", tmp_path / name)
        assert code == 0, err
        assert out.startswith(f"已生成 {tmp_path / name}") and (tmp_path / name).stat().st_size > 0
    # issue 22: the 附件1 自评表 is for 单位自评; the seed is a 部门评价, whose 决策/过程 rows it has not
    code, _, err = run("report", SEED, "--form", "self", "-o", tmp_path / "自评表.xlsx")
    assert code == 1 and "E-REPORT-FORM" in err and "单位自评" in err and "evalrules report" in err
    assert not (tmp_path / "自评表.xlsx").exists()
    code, out, err = run("report", SEED, "-o", tmp_path / "r.pdf")
    assert code == 1 and "E-REPORT-FORMAT" in err and not (tmp_path / "r.pdf").exists()
    code, _, err = run("report", SEED, "--form", "self", "-o", tmp_path / "r.docx")
    assert code == 1 and ".xlsx" in err


def test_report_style_and_body_size_choose_the_word_and_html_typography(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("docx")
    code, _, err = run("report", SEED, "-o", tmp_path / "r.docx", "--style", "简洁", "--body-size", "小四")
    assert code == 0, err
    styles = zipfile.ZipFile(tmp_path / "r.docx").read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋"' in styles and "_GB2312" not in styles
    assert '<w:sz w:val="24"/>' in styles  # 小四 = 12 pt
    code, _, err = run("report", SEED, "-o", tmp_path / "r.html", "--style", "简洁")
    assert code == 0, err
    assert '"SimSun"' in (tmp_path / "r.html").read_text(encoding="utf-8")
    # an unknown style is E-REPORT-STYLE with a suggestion, for every format, before anything is read
    for name in ("x.docx", "x.md"):
        code, _, err = run("report", SEED, "-o", tmp_path / name, "--style", "公文格式")
        assert code == 1 and "E-REPORT-STYLE" in err and "公文" in err and not (tmp_path / name).exists()
    code, _, err = run("report", SEED, "-o", tmp_path / "x.html", "--body-size", "大号")
    assert code == 1 and "--body-size" in err


def test_report_refuses_to_overwrite_a_chart_file_it_did_not_write(run: Run, tmp_path: Path) -> None:
    # Issue 23 (7): `report -o r.md` writes r_chart.svg / r_chart2.svg next to it.
    (tmp_path / "r_chart2.svg").write_text("<svg/>", encoding="utf-8")
    code, _, err = run("report", SEED, "-o", tmp_path / "r.md")
    assert code == 1 and "E-OUTPUT" in err and "r_chart2.svg" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r_chart2.svg"]
    (tmp_path / "r_chart2.svg").unlink()
    assert run("report", SEED, "-o", tmp_path / "r.md")[0] == 0
    assert run("report", SEED, "-o", tmp_path / "r.md")[0] == 0  # its own charts are replaced


SELF_PROJECT = """
[project]
name = "培训项目"
unit = "某单位"
year = 2023
ruleset = "caiyu_2020_10_self"

[budget]
"全年预算数" = 100
"执行数" = 90

[[targets]]
slot = "产出指标/数量指标"
name = "培训人数"
operator = ">="
value = 200
unit = "人次"
actual = 180
weight = 50
reason = "部分课程取消"

[[targets]]
slot = "效益指标/社会效益指标"
name = "群众知晓率"
operator = ">="
value = 90
unit = "%"
actual = 95
weight = 30
"""


def test_convert_a_self_form_back_to_toml_that_scores_the_same(run: Run, tmp_path: Path) -> None:
    project = tmp_path / "p.toml"
    project.write_text(SELF_PROJECT, encoding="utf-8")
    assert run("report", project, "--form", "self", "-o", tmp_path / "form.xlsx")[0] == 0
    code, out, err = run("convert", tmp_path / "form.xlsx", "-o", tmp_path / "back.toml")
    assert code == 0 and "已写出" in out, err
    original = evalrules.score(evalrules.load_project(project), evalrules.load_ruleset("caiyu_2020_10_self"))
    again = evalrules.load_project(tmp_path / "back.toml")
    assert evalrules.score(again, evalrules.load_ruleset("caiyu_2020_10_self")).total == original.total
    code, _, err = run("convert", project, "-o", tmp_path / "x.toml")
    assert code == 1 and "E-CONVERT-FORMAT" in err


def test_batch_writes_every_project_once_and_exits_3_on_failures(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "a.toml").write_text(SELF_PROJECT, encoding="utf-8")
    (folder / "b.toml").write_text(SELF_PROJECT.replace("actual = 180", 'actual = "很多"'), encoding="utf-8")
    code, out, _ = run("batch", folder, "-o", tmp_path / "results.csv")
    assert code == 3 and "成功 1，失败 1" in out
    rows = (tmp_path / "results.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and "ok" in rows[1] and "error" in rows[2]
    code, _, err = run("batch", folder, "-o", tmp_path / "results.txt")
    assert code == 1 and "E-OUTPUT-FORMAT" in err


def test_check_passes_a_shipped_ruleset_and_exits_0(run: Run) -> None:
    code, out, err = run("check", "caiyu_2020_10_self", "--examples", "5")
    assert (code, err) == (0, "")
    assert "[通过] C-LEAF" in out and "[通过] 全部达标：总分 100（优）" in out
    assert out.endswith("结论：全部性质成立，全部算例相符。\n")


def test_check_reports_a_counter_example_and_exits_3(run: Run, tmp_path: Path) -> None:
    ruleset = tmp_path / "over.toml"
    ruleset.write_text(
        '[ruleset]\nid = "over"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        'extends = "caiyu_2020_10_self"\n\n[[override]]\npath = "预算执行率"\nmethod = "formula"\n'
        'params = { formula = "执行数 / 全年预算数 * 分值" }\n',
        encoding="utf-8",
    )
    code, out, err = run("check", ruleset, "--examples", "8")
    assert (code, err) == (3, "")
    assert "[不成立] C-LEAF" in out and "反例（已化简）：指标 预算执行率" in out and "应为 [0, 10]" in out
    code, out, _ = run("check", ruleset, "--examples", "8", "--format", "json")
    data = json.loads(out)
    assert code == 3 and data["ok"] is False
    [leaf] = [p for p in data["properties"] if p["code"] == "C-LEAF"]
    assert leaf["status"] == "failed" and leaf["counter_example"]["path"] == "预算执行率"


def test_check_of_an_unloadable_ruleset_exits_1_and_bad_usage_2(run: Run, tmp_path: Path) -> None:
    code, out, err = run("check", "caiyu_2020_1")
    assert (code, out) == (1, "") and "E-RULESET-UNKNOWN" in err and "caiyu_2020_10" in err
    gap = tmp_path / "gap.toml"  # a gap between grade bands is refused when the ruleset loads
    gap.write_text(
        '[ruleset]\nid = "gap"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        'extends = "caiyu_2020_10"\n\n[[grades]]\nname = "优"\nmin = 90\n\n'
        '[[grades]]\nname = "良"\nmin = 80\nmax = 89\n\n[[grades]]\nname = "差"\nmin = 0\n',
        encoding="utf-8",
    )
    code, out, err = run("check", gap)
    assert (code, out) == (1, "") and "E-GRADES-GAP" in err
    with pytest.raises(SystemExit) as caught:
        run("check", "caiyu_2020_10", "--examples", "0")
    assert caught.value.code == 2


# --- values not known, partial scoring ------------------------------------------------------

FORMS = Path(__file__).parent / "forms"


def test_score_gives_a_range_for_cut_off_cells(run: Run) -> None:
    code, out, err = run("score", FORMS / "na_cutoff.toml", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["total"], data["grade"]) == (None, None)
    assert (data["total_range"]["low"], data["total_range"]["high"]) == (76.5, 99.5)
    code, out, _ = run("score", FORMS / "na_cutoff.toml")
    assert code == 0 and "总分 不低于 76.5、不高于 99.5 / 100，等级 中～优（未定）" in out


def test_partial_scores_what_is_known_of_a_form_with_blank_actual_values(run: Run, tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("actual = 44\n", "", 1)
    assert text != SEED.read_text(encoding="utf-8")
    project = tmp_path / "blank.toml"
    project.write_text(text, encoding="utf-8")
    code, out, err = run("score", project)
    assert code == 1 and "E-INPUT" in err and "--partial" in err
    code, out, err = run("score", project, "--partial")
    assert code == 0 and "总分 不低于 98、不高于 100 / 100，等级 优" in out
    assert "未填写 1 项（按 --partial 计）：产出/产出数量/保障职工人数 的实际完成值未填写：得分 0～2" in out


def test_the_self_form_shows_a_range_and_a_report_refuses_it(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("report", FORMS / "na_cutoff.toml", "--form", "self", "-o", tmp_path / "form.xlsx")
    assert code == 0 and "不低于 76.5 分、不高于 99.5 分，中至优，未定" in out
    code, _, err = run("report", FORMS / "na_cutoff.toml", "-o", tmp_path / "report.md")
    assert code == 1 and "E-REPORT" in err and "实际完成值不详" in err


HEAVY = ("hypothesis", "openpyxl", "matplotlib", "jinja2", "docx", "numpy")


@pytest.mark.parametrize(
    "code",
    [
        "import evalrules",
        "import evalrules.cli.main",
        "from evalrules.cli.main import main; main(['score', sys.argv[1]])",
    ],
)
def test_import_and_score_load_no_heavy_packages(code: str) -> None:
    """Start-up stays quick (docs/performance.md): hypothesis, Excel, charts and templates are imported
    only by the commands that need them, never by ``import evalrules`` or ``evalrules score``."""
    probe = (
        f"import sys\n{code}\n"
        f"print('heavy:' + ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, str(SEED)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "heavy:"


def test_formula_reference_evaluates_twice_and_compares(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 15, 1: simpleeval is the documented reference semantics, reachable from the CLI
    from evalrules.formula.evaluator import Formula

    argv = [
        "formula",
        "min(实际值 / 指标值, 1) * 分值",
        "--set",
        "实际值=90",
        "--set",
        "指标值=100",
        "--set",
        "分值=10",
    ]
    assert main([*argv, "--reference"]) == 0
    assert capsys.readouterr().out == "9.0\n参照（simpleeval 逐节点求值）：9.0，一致\n"
    monkeypatch.setattr(Formula, "evaluate_reference", lambda self, values: Decimal("9.1"))
    assert main([*argv, "--reference"]) == 3
    assert "不一致" in capsys.readouterr().out


def test_new_writes_a_skeleton_that_validate_explains_and_refuses_to_overwrite(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "项目.toml"
    code, out, err = run("new", "--ruleset", "caiyu_2020_10", "-o", path)
    assert code == 0 and "已生成" in out and err == ""
    code, _, err = run("validate", path)
    assert code == 1 and "E-TODO" in err and "Traceback" not in err
    assert f"{path}:7，[project] name：还没有填写" in err
    path.write_text("# mine\n", encoding="utf-8")
    code, _, err = run("new", "--ruleset", "caiyu_2020_10", "-o", path)
    assert code == 1 and "E-OUTPUT" in err and "--force" in err
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert run("new", "--ruleset", "caiyu_2020_10", "-o", path, "--force")[0] == 0
    assert "[[assessments]]" in path.read_text(encoding="utf-8")
    code, _, err = run("new", "-o", tmp_path / "other.toml")
    assert code == 1 and "E-RULESET-MISSING" in err
    code, _, err = run("new", "--ruleset", "caiyu_2020_10", "-o", tmp_path / "p.json")
    assert code == 1 and "E-NEW" in err


def test_show_lists_the_paths_exactly_as_typed(run: Run) -> None:
    code, out, _ = run("show", "caiyu_2020_10")
    assert code == 0
    assert "[[targets]] slot =" in out and '"效益/项目效益/社会效益"' in out
    assert '"决策/项目立项/立项依据充分性"  3 分  deduction：写 deductions' in out
    assert "[budget] 用到的预算数：全年预算数、到位资金、执行数" in out


def test_new_writes_a_blank_self_form_only_for_a_self_evaluation(run: Run, tmp_path: Path) -> None:
    form = tmp_path / "自评表.xlsx"
    code, out, err = run("new", "--form", "self", "-o", form)
    assert code == 0 and form.exists() and "evalrules convert" in out, err
    code, _, err = run("new", "--form", "self", "-o", form)
    assert code == 1 and "E-OUTPUT" in err
    code, _, err = run("new", "--form", "self", "--ruleset", "caiyu_2020_10", "-o", tmp_path / "b.xlsx")
    assert code == 1 and "E-REPORT-FORM" in err and not (tmp_path / "b.xlsx").exists()


def test_new_with_a_ruleset_file_writes_its_path_from_the_project_folder(run: Run, tmp_path: Path) -> None:
    ruleset = tmp_path / "rules" / "mine.toml"
    ruleset.parent.mkdir()
    ruleset.write_text((ROOT / "rulesets" / "caiyu_2020_10_self.toml").read_text(encoding="utf-8"))
    (tmp_path / "projects").mkdir()
    project = tmp_path / "projects" / "p.toml"
    assert run("new", "--ruleset", ruleset, "-o", project)[0] == 0
    assert 'ruleset = "../rules/mine.toml"' in project.read_text(encoding="utf-8")


def test_convert_to_the_other_national_ruleset(run: Run, tmp_path: Path) -> None:
    form = ROOT / "tests" / "forms" / "fh_self_roundtrip_2023.toml"
    output = tmp_path / "部门评价.toml"
    code, out, err = run("convert", form, "--to", "caiyu_2020_10", "-o", output)
    assert code == 0 and "还有 11 处 “待填写”" in out, err
    code, _, err = run("validate", output)
    assert code == 1 and err.count("[E-TODO]") == 11
    code, _, err = run("convert", form, "--to", "caiyu_2020_10", "-o", output)
    assert code == 1 and "E-OUTPUT" in err
    code, _, err = run("convert", form, "--to", "xinjiang_2018_189", "-o", tmp_path / "x.toml")
    assert code == 1 and ("E-CONVERT-TO" in err or "E-RULESET" in err)


# --- issue 22: an Excel 自评表 (or a flat file) is a project for every project command -------------


def _workbook(path: Path, *titles: str, hidden: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    from .test_excel import _unit_form

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title in titles:
        sheet = workbook.create_sheet(title)
        _unit_form(sheet)
        sheet["C3"] = f"乡村道路养护（{title}）"
        if title in hidden:
            sheet.sheet_state = "hidden"
    workbook.create_sheet("填表说明")["A1"] = "请填写绿色单元格；金额单位：元"
    workbook.save(path)
    return path


@pytest.mark.parametrize("command", ["score", "validate", "audit"])
def test_project_commands_read_a_self_evaluation_workbook(run: Run, tmp_path: Path, command: str) -> None:
    path = _workbook(tmp_path / "xin_自评表.xlsx", "道路养护")
    code, out, err = run(command, path)
    assert code == 0, err
    assert {"score": "98.67", "validate": "得 98.67 分（优）", "audit": "总分 98.67"}[command] in out
    assert "TOML" not in out + err and "UTF-8" not in out + err


def test_report_reads_a_workbook(run: Run, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "xin_自评表.xlsx", "道路养护")
    code, out, err = run("report", path, "-o", tmp_path / "报告.md")
    assert code == 0, err
    assert "98.67 分" in out and "乡村道路养护" in (tmp_path / "报告.md").read_text("utf-8")


def test_a_workbook_of_several_forms_asks_for_a_sheet(run: Run, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "xin_两个项目.xlsx", "道路养护", "桥梁维修")
    code, out, err = run("score", path)
    assert code == 1 and out == ""
    assert "E-SHEET" in err and "--sheet" in err and "“道路养护”、“桥梁维修”" in err
    assert "TOML" not in err
    code, out, err = run("score", path, "--sheet", "桥梁维修", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["project"]["name"] == "乡村道路养护（桥梁维修）"
    code, _, err = run("audit", path, "--sheet", "桥粱维修")  # 粱 for 梁, as a hurried typist does
    assert code == 1 and "没有名为 “桥粱维修” 的工作表" in err and "是否想写 “桥梁维修”" in err


def test_a_hidden_form_is_noted_not_scored(run: Run, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "xin_隐藏.xlsx", "道路养护", "旧表", hidden=("旧表",))
    code, out, err = run("score", path)
    assert code == 0 and "98.67" in out
    assert "注意" in err and "隐藏的工作表未读取：旧表" in err


def test_sheet_is_refused_for_a_toml_project(run: Run) -> None:
    code, _, err = run("score", SEED, "--sheet", "Sheet1")
    assert code == 1 and "E-SHEET" in err


def test_project_commands_read_a_flat_file_by_key(run: Run, tmp_path: Path) -> None:
    from evalrules.io.flat import write_flat
    from evalrules.io.project_loading import project_from_text

    from .test_excel import SELF_PROJECT

    project = project_from_text(SELF_PROJECT)
    other = project_from_text(SELF_PROJECT.replace('name = "设备购置"', 'name = "设备维护"'))
    path = tmp_path / "xin_projects.jsonl"
    write_flat([project, other], path)
    code, _, err = run("score", path)
    assert code == 1 and "--key" in err and "“设备购置”、“设备维护”" in err
    code, out, err = run("score", path, "--key", "设备维护", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["project"]["name"] == "设备维护"


def test_a_workbook_that_is_not_one_is_an_excel_error(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "xin_坏.xlsx"
    path.write_text("项目名称,道路\n", encoding="gbk")
    code, _, err = run("validate", path)
    assert code == 1 and "E-EXCEL" in err and "TOML" not in err and "UTF-8" not in err


def test_convert_says_which_hidden_sheets_it_did_not_convert(run: Run, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "xin_隐藏.xlsx", "道路养护", "旧表", hidden=("旧表",))
    code, out, err = run("convert", path, "-o", tmp_path / "项目.toml")
    assert code == 0, err
    assert "已写出" in out and "注意：" in out and "隐藏的工作表未读取：旧表" in out


def test_validate_refuses_sheet_for_a_ruleset(run: Run) -> None:
    code, _, err = run("validate", ROOT / "rulesets" / "caiyu_2020_10.toml", "--sheet", "Sheet1")
    assert code == 1 and "E-SHEET" in err and "--sheet 只用于" in err
