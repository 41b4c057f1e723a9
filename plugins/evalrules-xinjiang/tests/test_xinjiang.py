"""Tests of the evalrules-xinjiang plugin: the ruleset xinjiang_2018_189 and the one-vote veto.

One self-contained module (no conftest.py, no package) so that it runs in the same pytest session
as evalrules' own tests and other plugins' tests without name clashes.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from evalrules import (
    AuditCheck,
    Finding,
    LoadError,
    Registry,
    Ruleset,
    audit,
    load_project,
    load_ruleset,
    testing,
)
from evalrules.cli.main import main
from evalrules.hooks.registry import load_registry

import evalrules_xinjiang

RULESET_ID = "xinjiang_2018_189"
PLUGIN = "evalrules_xinjiang"  # the plugin's name when given to testing.plugin_registry
PLUGIN_ROOT = Path(__file__).resolve().parents[1]
SEED_NAME = Path("examples") / "akto-2022.toml"
SEED_ENV = "EVALRULES_SEED_PROJECT"
TOP_LEVEL = (
    "max",
    "tolerance",
    "grades",
    "rounding",
    "not_applicable",
    "target_methods.>=",
    "target_methods.<=",
    "target_methods.=",
    "target_methods.定性",
    "audit.over_completion",
)
FLAG = '"违规违纪" = "挪用专项资金 20 万元"'


# ---------------------------------------------------------------------------------------- helpers


def seed_project() -> Path:
    """The seed project (阿克陶县 2022): $EVALRULES_SEED_PROJECT, else examples/akto-2022.toml in the
    nearest folder above this file that has it (in the evalrules repository: ../../ from the plugin)."""
    chosen = os.environ.get(SEED_ENV)
    if chosen:
        return Path(chosen)
    for folder in Path(__file__).resolve().parents:
        if (folder / SEED_NAME).is_file():
            return folder / SEED_NAME
    pytest.fail(f"找不到种子项目 {SEED_NAME}：请在 evalrules 仓库中运行，或用环境变量 {SEED_ENV} 指明")


def write_project(folder: Path, flags: str = "") -> Path:
    """The seed project copied, with a [flags] table appended (TOML lines)."""
    text = seed_project().read_text(encoding="utf-8")
    assert "[flags]" not in text, "种子项目本身不应有 [flags]，否则“无标记”的测试失去意义"
    path = folder / "project.toml"
    path.write_text(text + (f"\n[flags]\n{flags}\n" if flags else ""), encoding="utf-8")
    return path


def write_ruleset(folder: Path, options: str = "veto = true", *, extends: str = RULESET_ID) -> Path:
    """An analyst's own ruleset that extends another one and sets [options]."""
    path = folder / "mine.toml"
    path.write_text(
        "[ruleset]\n"
        'id = "akto_2022_veto"\n'
        'version = "1.0.0"\n'
        'title = "阿克陶县 2022 年部门评价方案（含一票否决）"\n'
        'document = "新财预〔2018〕189号"\n'
        'issuer = "阿克陶县财政局"\n'
        f'extends = "{extends}"\n'
        f"\n[options]\n{options}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def registry() -> Registry:
    return testing.plugin_registry(evalrules_xinjiang)


@pytest.fixture(scope="module")
def ruleset(registry: Registry) -> Ruleset:
    return testing.assert_ruleset_loads(RULESET_ID, registry)


# ---------------------------------------------------------------------------------------- ruleset


def test_ruleset_loads_and_grades_cover_0_to_100(ruleset: Ruleset) -> None:
    testing.assert_grades_cover(ruleset)
    assert ruleset.max == Decimal(100)
    assert [band.name for band in ruleset.grades] == ["优", "良", "中", "差"]


def test_ruleset_header(ruleset: Ruleset) -> None:
    info = ruleset.info
    assert info.id == RULESET_ID
    assert info.document == "新财预〔2018〕189号"
    assert info.title == "自治区财政支出绩效评价管理暂行办法"
    assert info.issuer == "新疆维吾尔自治区财政厅"
    assert info.derived_from == ("caiyu_2020_10",)
    assert "未核实" in info.description


def test_registered_by_the_plugin_from_its_package(registry: Registry) -> None:
    source = registry.rulesets[RULESET_ID]
    assert source.document == "新财预〔2018〕189号"
    assert registry.origin("ruleset", RULESET_ID) == PLUGIN
    shipped = evalrules_xinjiang.ruleset_path()
    assert shipped.is_file() and shipped.name == "xinjiang_2018_189.toml"
    assert str(source.resource) == str(shipped)
    assert [plugin for plugin, _, _ in registry.adjusters] == [PLUGIN]


def test_without_the_plugin_the_ruleset_is_unknown() -> None:
    with pytest.raises(LoadError) as refused:
        load_ruleset(RULESET_ID, testing.plugin_registry())
    assert refused.value.problems[0].code == "E-RULESET-UNKNOWN"


def test_same_tree_as_the_national_ruleset(registry: Registry, ruleset: Ruleset) -> None:
    national = load_ruleset("caiyu_2020_10", registry)
    shape = [(path, node.weight, node.method, node.slot) for path, node in ruleset.walk()]
    assert shape == [(path, node.weight, node.method, node.slot) for path, node in national.walk()]
    assert ruleset.grades == national.grades
    assert ruleset.rounding == national.rounding
    assert ruleset.target_methods == national.target_methods


def test_seed_project_scores_100_you(registry: Registry, ruleset: Ruleset) -> None:
    result = testing.assert_scores(seed_project(), ruleset, registry, total="100", grade="优")
    assert result.adjustments == ()


# ---------------------------------------------------------------------------------------- provenance


def test_every_top_level_parameter_is_unverified(ruleset: Ruleset) -> None:
    for key in TOP_LEVEL:
        provenance = ruleset.provenance.get(key)
        assert provenance is not None, f"[provenance] 缺少 {key}"
        assert (provenance.tag, provenance.status) == ("M", "unverified"), key
        assert "原文未取得" in provenance.note and "未核实" in provenance.note, key
    for method in ruleset.target_methods:  # an operator added upstream must not slip through
        assert f"target_methods.{method.operator}" in ruleset.provenance
    assert {key: p.status for key, p in ruleset.provenance.items() if p.status != "unverified"} == {}


def test_every_indicator_is_unverified(registry: Registry, ruleset: Ruleset) -> None:
    national = load_ruleset("caiyu_2020_10", registry)
    assert any(n.provenance and n.provenance.status == "verified" for _, n in national.walk())
    for path, node in ruleset.walk():
        assert node.provenance is not None, path
        assert (node.provenance.tag, node.provenance.status) == ("M", "unverified"), path
        assert "未核实" in node.provenance.note, path


def test_first_level_says_the_weights_and_names_are_unverified(ruleset: Ruleset) -> None:
    assert [node.name for node in ruleset.indicators] == ["决策", "过程", "产出", "效益"]
    for node in ruleset.indicators:
        assert node.provenance is not None
        assert "新疆" in node.provenance.note and "权重未核实" in node.provenance.note, node.name
    first = ruleset.indicators[0].provenance
    assert first is not None and "投入/过程/产出/效果" in first.note


def test_shipped_ruleset_keeps_the_veto_off(ruleset: Ruleset) -> None:
    assert ruleset.options == {"veto": False}
    assert ruleset.provenance["options.veto"].status == "unverified"


# ---------------------------------------------------------------------------------------- options


def test_options_registered_with_defaults_and_chinese_docs(registry: Registry) -> None:
    options = registry.options
    assert (options["veto"].kind, options["veto"].default) == ("bool", False)
    assert (options["veto_flags"].kind, options["veto_flags"].default) == ("texts", ["违规违纪"])
    assert (options["veto_grade"].kind, options["veto_grade"].default) == ("text", "差")
    for name in ("veto", "veto_flags", "veto_grade"):
        assert re.search(r"[\u4e00-\u9fff]", options[name].doc), name
        assert registry.origin("option", name) == PLUGIN
    assert "未核实" in options["veto"].doc


def test_misspelled_option_is_refused_with_a_suggestion(registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(LoadError) as refused:
        load_ruleset(write_ruleset(tmp_path, "vetoo = true"), registry)
    [problem] = refused.value.problems
    assert problem.code == "E-OPTION" and "vetoo" in problem.message
    assert problem.suggestion is not None and "“veto”" in problem.suggestion


def test_option_of_the_wrong_kind_is_refused(registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(LoadError) as refused:
        load_ruleset(write_ruleset(tmp_path, 'veto = "是"'), registry)
    [problem] = refused.value.problems
    assert problem.code == "E-OPTION" and problem.expected == "true 或 false"


def test_veto_options_need_the_plugin(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as refused:
        load_ruleset(write_ruleset(tmp_path, extends="caiyu_2020_10"), testing.plugin_registry())
    assert refused.value.problems[0].code == "E-OPTION"


# ---------------------------------------------------------------------------------------- veto


def test_veto_on_with_the_flag_gives_cha(registry: Registry, tmp_path: Path) -> None:
    mine = testing.assert_ruleset_loads(write_ruleset(tmp_path), registry)
    assert mine.options == {"veto": True}
    result = testing.assert_scores(write_project(tmp_path, FLAG), mine, registry, total="100", grade="差")
    [record] = result.adjustments
    assert record.plugin == PLUGIN
    assert (record.grade_before, record.grade_after) == ("优", "差")
    assert record.total_before == record.total_after == Decimal(100)
    for text in ("一票否决", "违规违纪", "挪用专项资金 20 万元", "新财预〔2018〕189号 原文未核实"):
        assert text in record.reason, text
    [note] = [reason for reason in result.reasons if record.reason in reason]
    assert "等级由 优 调整为 差" in note and PLUGIN in note
    exported = result.to_dict()
    assert exported["grade"] == "差"
    assert exported["adjustments"][0]["reason"] == record.reason
    assert note in exported["reasons"]


def test_flag_true_also_vetoes(registry: Registry, tmp_path: Path) -> None:
    mine = load_ruleset(write_ruleset(tmp_path), registry)
    result = testing.assert_scores(write_project(tmp_path, '"违规违纪" = true'), mine, registry, grade="差")
    assert "“违规违纪”" in result.adjustments[0].reason


def test_veto_on_without_the_flag_changes_nothing(registry: Registry, tmp_path: Path) -> None:
    mine = load_ruleset(write_ruleset(tmp_path), registry)
    result = testing.assert_scores(write_project(tmp_path), mine, registry, total="100", grade="优")
    assert result.adjustments == ()
    assert not any("一票否决" in reason for reason in result.reasons)


@pytest.mark.parametrize("flags", ['"违规违纪" = false', FLAG.replace("违规违纪", "其他违规")])
def test_unset_or_other_flags_do_not_veto(registry: Registry, tmp_path: Path, flags: str) -> None:
    mine = load_ruleset(write_ruleset(tmp_path), registry)
    result = testing.assert_scores(write_project(tmp_path, flags), mine, registry, grade="优")
    assert result.adjustments == ()


@pytest.mark.parametrize("reference", [RULESET_ID, "caiyu_2020_10", "explicitly off"])
def test_veto_off_with_the_flag_changes_nothing(registry: Registry, tmp_path: Path, reference: str) -> None:
    chosen = load_ruleset(
        write_ruleset(tmp_path, "veto = false") if reference == "explicitly off" else reference, registry
    )
    result = testing.assert_scores(write_project(tmp_path, FLAG), chosen, registry, total="100", grade="优")
    assert result.adjustments == ()
    assert not any("一票否决" in reason for reason in result.reasons)


def test_chosen_flags_and_grade(registry: Registry, tmp_path: Path) -> None:
    options = 'veto = true\nveto_flags = ["重大安全责任事故"]\nveto_grade = "中"'
    mine = load_ruleset(write_ruleset(tmp_path, options), registry)
    project = write_project(tmp_path, FLAG)  # 违规违纪 is no longer a veto flag
    assert testing.assert_scores(project, mine, registry, grade="优").adjustments == ()
    project = write_project(tmp_path, '"重大安全责任事故" = "施工坍塌"')
    result = testing.assert_scores(project, mine, registry, total="100", grade="中")
    assert "重大安全责任事故" in result.adjustments[0].reason


@pytest.mark.parametrize("options", ['veto = true\nveto_grade = "不合格"', "veto = true\nveto_flags = []"])
def test_bad_veto_settings_are_refused_when_the_ruleset_loads(
    registry: Registry, tmp_path: Path, options: str
) -> None:
    # issue 15, 5: checked once at load (validate says so), not at every project scored
    with pytest.raises(LoadError) as refused:
        load_ruleset(write_ruleset(tmp_path, options), registry)
    [problem] = refused.value.problems
    assert (problem.code, problem.where) == ("E-OPTION", "[options] veto")


def test_triggered_flags() -> None:
    flags: dict[str, bool | str] = {"违规违纪": " 挪用 ", "其他": True, "无": False, "空": ""}
    found = evalrules_xinjiang.triggered_flags(flags, ["违规违纪", "其他", "无", "空", "缺"])
    assert found == [("违规违纪", "挪用"), ("其他", "")]


# ---------------------------------------------------------------------------------------- installed


def test_installed_through_the_entry_point_group() -> None:
    points = {point.name: point.value for point in importlib.metadata.entry_points(group="evalrules")}
    assert points.get("xinjiang") == "evalrules_xinjiang"
    installed = load_registry(strict=False, blocked=())  # every installed plugin, as the CLI sees them
    [info] = [plugin for plugin in installed.plugins if plugin.name == "xinjiang"]
    assert info.error is None
    assert info.registered["ruleset"] == (RULESET_ID,)
    assert info.registered["option"] == ("veto", "veto_flags", "veto_grade")
    assert info.registered["check"] == ("XJ-VETO-CLAIM", "XJ-VETO-OFF")


def test_readme_example_scores_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (PLUGIN_ROOT / "README.md").read_text(encoding="utf-8")
    [example] = [
        b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if 'extends = "xinjiang_2018_189"' in b
    ]
    mine = tmp_path / "mine.toml"
    mine.write_text(example, encoding="utf-8")
    assert main(["score", str(write_project(tmp_path, FLAG)), "--ruleset", str(mine)]) == 0
    output = capsys.readouterr().out
    assert "等级 差" in output
    [shown] = [line for line in readme.splitlines() if line.startswith("· 一票否决")]
    assert shown in output.splitlines(), "README 中的输出示例与实际输出不一致"


# ---------------------------------------------------------------------------------------- review checks

CLAIM = "XJ-VETO-CLAIM"
OFF = "XJ-VETO-OFF"


def write_claiming(folder: Path, grade: str | None, flags: str = "") -> Path:
    """The seed project with a [flags] table and its claimed grade replaced (None: not claimed)."""
    path = write_project(folder, flags)
    text, count = re.subn(
        r'(?m)^grade = "优"', f'grade = "{grade}"' if grade else "", path.read_text("utf-8")
    )
    assert count == 1, "种子项目的 [claims] 应申报 grade = “优”"
    path.write_text(text, encoding="utf-8")
    return path


def findings(path: Path, ruleset: Ruleset, registry: Registry, *codes: str) -> list[Finding]:
    report = audit(load_project(path), ruleset, registry)
    assert not [f for f in report.findings if f.code == "A-CHECK-FAILED"], report.findings
    return [finding for finding in report.findings if finding.code in (codes or (CLAIM, OFF))]


def test_checks_registered_with_codes_severities_and_docs(registry: Registry) -> None:
    claim, off = registry.checks[CLAIM], registry.checks[OFF]
    assert isinstance(claim, AuditCheck) and isinstance(off, AuditCheck)
    assert (claim.severity, off.severity) == ("error", "info")
    for code in (CLAIM, OFF):
        assert registry.origin("check", code) == PLUGIN
        check = registry.checks[code]
        assert re.search(r"[\u4e00-\u9fff]", check.title), code
        assert "新财预〔2018〕189号 原文未核实" in check.doc, code
    assert "adjust_result" in claim.doc
    assert "info" in off.doc and "不是 warning" in off.doc


def test_veto_claim_fires_when_the_claimed_grade_ignores_the_veto(registry: Registry, tmp_path: Path) -> None:
    mine = load_ruleset(write_ruleset(tmp_path), registry)
    path = write_project(tmp_path, FLAG)
    report = audit(load_project(path), mine, registry)
    assert report.result is not None and report.result.grade == "差"
    [finding] = [f for f in report.findings if f.code in (CLAIM, OFF)]
    assert (finding.code, finding.severity) == (CLAIM, "error")
    assert (finding.claimed, finding.computed) == ("优", "差")
    for text in ("申报等级“优”", "“违规违纪”（挪用专项资金 20 万元）", "akto_2022_veto", "等级应为“差”"):
        assert text in finding.message, text
    assert "新财预〔2018〕189号 原文未核实" in finding.message
    place = finding.place
    assert place is not None and (place.file, place.where) == (str(path), "[claims] grade")
    assert place.line is not None
    assert path.read_text("utf-8").splitlines()[place.line - 1].startswith('grade = "优"')
    assert report.fails("error")


@pytest.mark.parametrize("flags", ['"违规违纪" = true', FLAG])
def test_veto_claim_fires_on_a_ruleset_extending_the_national_one(
    registry: Registry, tmp_path: Path, flags: str
) -> None:
    mine = load_ruleset(write_ruleset(tmp_path, extends="caiyu_2020_10"), registry)  # the switch decides
    [finding] = findings(write_project(tmp_path, flags), mine, registry)
    assert finding.code == CLAIM


@pytest.mark.parametrize(
    ("options", "claimed", "flags"),
    [
        ("veto = true", "优", ""),  # no flag
        ("veto = true", "优", '"违规违纪" = false'),
        ("veto = true", "优", FLAG.replace("违规违纪", "其他违规")),  # not a veto flag
        ("veto = true", "差", FLAG),  # the claim follows the veto
        ("veto = true", None, FLAG),  # nothing claimed
        ("veto = true", "优秀", FLAG),  # not a grade of the ruleset: the grade comparison reports it
        ('veto = true\nveto_grade = "中"', "中", FLAG),
        ('veto = true\nveto_grade = "中"', "差", FLAG),  # worse than the veto: not this check's finding
        ('veto = true\nveto_flags = ["重大安全责任事故"]', "优", FLAG),
    ],
)
def test_veto_claim_silent_when_consistent(
    registry: Registry, tmp_path: Path, options: str, claimed: str | None, flags: str
) -> None:
    mine = load_ruleset(write_ruleset(tmp_path, options), registry)
    assert findings(write_claiming(tmp_path, claimed, flags), mine, registry) == []


@pytest.mark.parametrize("reference", ["caiyu_2020_10", "explicitly off on the national ruleset"])
def test_silent_on_other_rulesets_even_with_the_flag(
    registry: Registry, tmp_path: Path, reference: str
) -> None:
    chosen = load_ruleset(
        write_ruleset(tmp_path, "veto = false", extends="caiyu_2020_10") if " " in reference else reference,
        registry,
    )
    assert findings(write_project(tmp_path, FLAG), chosen, registry) == []


def test_veto_off_note_on_a_xinjiang_ruleset_with_the_flag(
    registry: Registry, ruleset: Ruleset, tmp_path: Path
) -> None:
    path = write_project(tmp_path, FLAG + '\n"重大安全责任事故" = true')
    [finding] = findings(path, ruleset, registry)  # 重大安全责任事故 is not among the default veto_flags
    assert (finding.code, finding.severity) == (OFF, "info")
    assert finding.claimed is None and finding.computed is None
    for text in (
        "“违规违纪”（挪用专项资金 20 万元）",
        "xinjiang_2018_189 没有开启一票否决",
        "等级未因此调整",
    ):
        assert text in finding.message, text
    assert "新财预〔2018〕189号 原文未核实" in finding.message
    place = finding.place
    assert place is not None and (place.file, place.where) == (str(path), "[flags] 违规违纪")
    assert place.line is not None and path.read_text("utf-8").splitlines()[place.line - 1] == FLAG
    # an analyst's Xinjiang ruleset with the veto explicitly off, and chosen flags
    options = 'veto = false\nveto_flags = ["违规违纪", "重大安全责任事故"]'
    mine = load_ruleset(write_ruleset(tmp_path, options), registry)
    assert [f.where for f in (x.place for x in findings(path, mine, registry)) if f] == [
        "[flags] 违规违纪",
        "[flags] 重大安全责任事故",
    ]
    # without the flag: silent
    assert findings(write_project(tmp_path), ruleset, registry) == []


def test_the_command_line_shows_the_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, mine = write_project(tmp_path, FLAG), write_ruleset(tmp_path)
    assert main(["audit", str(project), "--ruleset", str(mine)]) == 3  # error: exit 3 (--fail-on error)
    text = capsys.readouterr().out
    assert f"[{CLAIM}] 申报等级“优”" in text and "申报 优，复算 差" in text
    assert (
        main(["audit", str(project), "--ruleset", str(mine), "--format", "json", "--fail-on", "never"]) == 0
    )
    items = json.loads(capsys.readouterr().out)["findings"]
    [item] = [item for item in items if item["code"] == CLAIM]
    assert (item["severity"], item["claimed"], item["computed"]) == ("error", "优", "差")
    assert item["location"]["where"] == "[claims] grade"
    assert main(["audit", str(project), "--ruleset", RULESET_ID, "--fail-on", "never"]) == 0
    text = capsys.readouterr().out
    assert f"[{OFF}]" in text and f"[{CLAIM}]" not in text
    assert text.index("提示（") < text.index(f"[{OFF}]")


def test_readme_example_findings_are_what_the_command_line_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (PLUGIN_ROOT / "README.md").read_text(encoding="utf-8")
    [example] = [
        b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if 'extends = "xinjiang_2018_189"' in b
    ]
    mine = tmp_path / "mine.toml"
    mine.write_text(example, encoding="utf-8")
    project = write_project(tmp_path, FLAG)
    for code, ruleset in ((CLAIM, str(mine)), (OFF, RULESET_ID)):
        [shown] = [line for line in readme.splitlines() if line.startswith(f"  [{code}]")]
        main(["audit", str(project), "--ruleset", ruleset, "--format", "text"])
        assert shown in capsys.readouterr().out.splitlines(), f"README 中 {code} 的示例与实际输出不一致"
    [shown_json] = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", readme, re.S) if CLAIM in b]
    main(["audit", str(project), "--ruleset", str(mine), "--format", "json"])
    [item] = [item for item in json.loads(capsys.readouterr().out)["findings"] if item["code"] == CLAIM]
    for data in (item, shown_json):
        del data["location"]["file"], data["location"]["line"]  # the seed's lines move as it is edited
    assert item == shown_json, "README 中的 JSON 示例与实际输出不一致"


def test_ruleset_properties_and_worked_examples_hold(ruleset: Ruleset, registry: Registry) -> None:
    """evalrules check, as a test: the properties hold on generated projects and both worked
    examples (copied from caiyu_2020_10, whose rules this ruleset keeps) get their expected scores."""
    report = testing.assert_ruleset_properties(ruleset, registry, examples=20)
    assert [example.name for example in report.examples] == ["全部达标", "有扣分、部分完成"]
    assert report.coverage.missing_indicators == ()


def test_the_measures_are_cited_by_their_title_marked_unverified(ruleset: Ruleset) -> None:
    # issue 22: reports cite the document through RulesetInfo.citation, never the ruleset's title
    assert ruleset.info.citation == "《自治区财政支出绩效评价管理暂行办法》（新财预〔2018〕189号）"
    provenance = ruleset.provenance["ruleset.document_title"]
    assert (provenance.tag, provenance.status) == ("M", "unverified")


# ---------------------------------------------------------------------------------------- outline

XINJIANG_CHAPTERS = [
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、预算执行进度与绩效指标偏差",
    "六、主要经验及做法、存在的问题及原因分析",
    "七、有关建议",
    "八、其他需要说明的问题",
]


def test_outline_is_registered_for_the_ruleset(registry: Registry) -> None:
    outline = registry.outlines["xinjiang"]
    assert outline.rulesets == (RULESET_ID,)
    assert [
        heading for key, heading in outline.chapters if key not in ("sheet", "findings")
    ] == XINJIANG_CHAPTERS
    assert registry.origin("outline", "xinjiang") == PLUGIN


def test_report_follows_the_seed_s_eight_chapters(
    registry: Registry, ruleset: Ruleset, tmp_path: Path
) -> None:
    """The seed report's own chapter headings, in its order (五 is the platform's 偏差 chapter),
    and the ruleset's provenance caveat (every parameter is unverified)."""
    pytest.importorskip("jinja2")
    from evalrules.report import build_report
    from evalrules.report.markdown import render_markdown

    context = build_report(load_project(seed_project()), ruleset, registry)
    render_markdown(context, tmp_path / "r.md")
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    chapters = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert chapters[:8] == XINJIANG_CHAPTERS
    deviation = text[text.index("## 五、") : text.index("## 六、")]
    assert "执行数192.05万元" in deviation
    assert "尚未与正式文件核对" in text
