"""The review check SC-LOW-EXECUTION: under a Sichuan ruleset, execution (执行数 ÷ 调整后预算数)
below 90% needs a reason in [budget]; registered through register_checks, run by evalrules.audit and
`evalrules audit`, silent for every other ruleset."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import evalrules
import pytest
from evalrules import testing
from evalrules.cli.main import main
from evalrules.hooks.findings import AuditContext, Finding
from evalrules.hooks.registry import Registry
from evalrules.model.project import Budget
from hypothesis import given
from hypothesis import strategies as st

import evalrules_sichuan
from evalrules_sichuan.checks import LowExecution, budget_line, is_sichuan

CODE = "SC-LOW-EXECUTION"
PLUGIN_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PLUGIN_ROOT / "examples" / "sample.toml"
SAMPLE_BUDGET = '"执行数" = 532'


@pytest.fixture(scope="module")
def registry() -> Registry:
    return testing.plugin_registry(evalrules_sichuan)


@pytest.fixture(scope="module")
def ruleset(registry: Registry) -> evalrules.Ruleset:
    return testing.assert_ruleset_loads("sichuan_self", registry)


def sample(tmp_path: Path, executed: str, reason: str | None = None, name: str = "project.toml") -> Path:
    """The sample 自评表 with another 执行数 (调整后预算数 stays 560) and optionally a reason."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert SAMPLE_BUDGET in text
    budget = f'"执行数" = {executed}' + (f'\nreason = "{reason}"' if reason is not None else "")
    path = tmp_path / name
    path.write_text(text.replace(SAMPLE_BUDGET, budget), encoding="utf-8")
    return path


def ours(report: evalrules.AuditReport) -> list[Finding]:
    return [finding for finding in report.findings if finding.code == CODE]


def audited(path: Path, ruleset: evalrules.Ruleset, registry: Registry) -> list[Finding]:
    return ours(evalrules.audit(evalrules.load_project(path), ruleset, registry))


# ---------------------------------------------------------------------------- registration


def test_registered_by_the_plugin_with_its_code_and_severity(registry: Registry) -> None:
    check = registry.checks[CODE]
    assert isinstance(check, evalrules.AuditCheck)
    assert registry.origin("check", CODE) == "evalrules_sichuan"
    assert check.severity == "error"
    assert re.search(r"[\u4e00-\u9fff]", check.title)
    for text in ("90%", "调整后预算数", "[V]", "sichuan_self", "error"):
        assert text in check.doc, text


def test_sichuan_self_leaves_the_core_threshold_unset(ruleset: evalrules.Ruleset) -> None:
    # the core's A-LOW-EXECUTION runs when [audit] low_execution is set: it would report the same place twice
    assert ruleset.audit.low_execution is None


# ---------------------------------------------------------------------------- fires


def test_fires_below_90_percent_without_a_reason(
    registry: Registry, ruleset: evalrules.Ruleset, tmp_path: Path
) -> None:
    path = sample(tmp_path, "476")  # 476 / 560 = 85%
    report = evalrules.audit(evalrules.load_project(path), ruleset, registry)
    [finding] = ours(report)
    assert finding.severity == "error" and finding.path == ("预算执行率",)
    assert finding.message.startswith(
        "预算执行率 = 执行数 476万元 ÷ 调整后预算数 560万元 = 85%，低于 90%，[budget] 没有说明原因"
    )
    assert finding.computed == Decimal("85") and finding.claimed is None
    assert finding.place is not None
    assert (finding.place.file, finding.place.where) == (str(path), "[budget]")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert finding.place.line is not None and lines[finding.place.line - 1] == "[budget]"
    assert report.fails("error")
    assert finding.to_dict()["location"] == {
        "file": str(path),
        "where": "[budget]",
        "line": finding.place.line,
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_blank_reason_is_no_reason(
    registry: Registry, ruleset: evalrules.Ruleset, tmp_path: Path, reason: str
) -> None:
    assert len(audited(sample(tmp_path, "476", reason), ruleset, registry)) == 1


def test_a_rate_just_below_90_percent_is_not_shown_as_90(
    registry: Registry, ruleset: evalrules.Ruleset, tmp_path: Path
) -> None:
    [finding] = audited(sample(tmp_path, "503.99"), ruleset, registry)  # 89.998…%
    assert finding.computed == Decimal("89.99")
    assert "= 89.99%，低于 90%" in finding.message


def test_an_analysts_ruleset_extending_sichuan_self_is_checked(registry: Registry, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[ruleset]\nid = "mine"\nversion = "1"\ntitle = "某市"\ndocument = "某财绩〔2024〕1号"\n'
        'issuer = "某市财政局"\nextends = "sichuan_self"\n',
        encoding="utf-8",
    )
    ruleset = testing.assert_ruleset_loads(mine, registry)
    assert is_sichuan(ruleset) and ruleset.info.id == "mine"
    assert len(audited(sample(tmp_path, "476"), ruleset, registry)) == 1


# ---------------------------------------------------------------------------- silent


@pytest.mark.parametrize(
    ("executed", "reason"),
    [
        ("532", None),  # the sample: 95%
        ("504", None),  # exactly 90%: not below
        ("560", None),  # 100%
        ("476", "年末两笔工程款因结算审核未完成未能支付，已于次年 1 月支付"),
    ],
)
def test_silent_when_consistent(
    registry: Registry, ruleset: evalrules.Ruleset, tmp_path: Path, executed: str, reason: str | None
) -> None:
    assert audited(sample(tmp_path, executed, reason), ruleset, registry) == []


def test_silent_on_other_rulesets(registry: Registry, tmp_path: Path) -> None:
    text = (
        '[project]\nname = "测试项目"\nunit = "某单位"\nyear = 2023\n\n'
        '[budget]\n"全年预算数" = 560\n"调整后预算数" = 560\n"执行数" = 476\n\n'
        '[[targets]]\nslot = "产出指标/数量指标"\nname = "a"\noperator = ">="\nvalue = 10\nactual = 10\n\n'
        '[[targets]]\nslot = "效益指标/社会效益指标"\nname = "b"\noperator = ">="\nvalue = 10\nactual = 10\n'
    )
    path = tmp_path / "national.toml"
    path.write_text(text, encoding="utf-8")
    project = evalrules.load_project(path)
    for other in ("caiyu_2020_10_self", "caiyu_2020_10"):
        ruleset = testing.assert_ruleset_loads(other, registry)
        assert not is_sichuan(ruleset)
        assert ours(evalrules.audit(project, ruleset, registry)) == []


def test_silent_when_the_rate_cannot_be_computed(
    registry: Registry, ruleset: evalrules.Ruleset, tmp_path: Path
) -> None:
    # without 调整后预算数 the project cannot be scored: the audit reports that, not this check
    path = tmp_path / "project.toml"
    text = SAMPLE.read_text(encoding="utf-8").replace('"调整后预算数" = 560', "")
    path.write_text(text.replace(SAMPLE_BUDGET, '"执行数" = 400'), encoding="utf-8")
    report = evalrules.audit(evalrules.load_project(path), ruleset, registry)
    assert ours(report) == [] and report.result is None
    assert any(finding.code == "A-SCORING" for finding in report.findings)


# ---------------------------------------------------------------------------- the rule itself


@given(
    adjusted=st.decimals(min_value=0, max_value=10**6, places=2),
    executed=st.decimals(min_value=0, max_value=10**6, places=2),
    reason=st.sampled_from(["", " ", "年末结算未完成"]),
)
def test_fires_exactly_when_below_90_percent_without_a_reason(
    ruleset: evalrules.Ruleset, registry: Registry, adjusted: Decimal, executed: Decimal, reason: str
) -> None:
    budget = Budget(figures={"调整后预算数": adjusted, "执行数": executed}, reason=reason)
    project = evalrules.Project("测试项目", "某单位", 2023, "<memory>", budget)
    findings = list(LowExecution().run(AuditContext(project, ruleset, None, registry)))
    expected = adjusted > 0 and executed < adjusted * Decimal("0.9") and not reason.strip()
    assert len(findings) == (1 if expected else 0)
    for finding in findings:
        assert finding.place is not None and finding.place.line is None  # no such file to read
        assert isinstance(finding.computed, Decimal) and finding.computed < 90
        assert finding.path == ("预算执行率",)


def test_budget_line_in_toml_and_json(tmp_path: Path) -> None:
    toml = tmp_path / "p.toml"
    toml.write_text('[project]\nname = "x"\n\n[budget]\n"执行数" = 1\n', encoding="utf-8")
    assert budget_line(str(toml)) == 4
    data = tmp_path / "p.json"
    data.write_text('{\n  "project": {"name": "x"},\n  "budget": {"执行数": 1}\n}\n', encoding="utf-8")
    assert budget_line(str(data)) == 3
    assert budget_line(str(tmp_path / "missing.toml")) is None


# ---------------------------------------------------------------------------- command line


def test_the_command_line_shows_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample(tmp_path, "476")
    assert main(["audit", str(path)]) == 3  # an error finding: exit 3 with the default --fail-on error
    text = capsys.readouterr().out
    [line] = [line for line in text.splitlines() if f"[{CODE}]" in line]
    assert "预算执行率：预算执行率 = 执行数 476万元 ÷ 调整后预算数 560万元 = 85%" in line
    assert f"位置 {path}:" in text
    assert main(["audit", str(path), "--format", "json", "--fail-on", "never"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    [item] = [item for item in findings if item["code"] == CODE]
    assert item["severity"] == "error" and item["computed"] == 85 and item["path"] == ["预算执行率"]
    assert item["location"]["where"] == "[budget]"
    assert main(["audit", str(sample(tmp_path, "476", "工程款次年支付", "ok.toml"))]) in (0, 3)
    assert f"[{CODE}]" not in capsys.readouterr().out


def test_readme_example_finding_is_what_the_command_line_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (PLUGIN_ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```text\n(.*?)```", readme, re.S) if f"[{CODE}]" in b]
    [shown] = [line for line in block.splitlines() if f"[{CODE}]" in line]
    path = sample(tmp_path, "476")
    main(["audit", str(path)])
    assert shown in capsys.readouterr().out.splitlines(), "README 中的复核示例与实际输出不一致"
    [example] = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", readme, re.S) if CODE in b]
    main(["audit", str(path), "--format", "json"])
    [item] = [item for item in json.loads(capsys.readouterr().out)["findings"] if item["code"] == CODE]
    assert item["location"].pop("file") == str(path)
    assert example["location"].pop("file") == "project.toml"
    assert item == example, "README 中的 JSON 示例与实际输出不一致"
