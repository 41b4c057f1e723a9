from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from attrs import frozen

import evalrules
from evalrules import testing
from evalrules.auditing.run import AuditReport, render_text
from evalrules.base.sources import Place
from evalrules.cli.main import main
from evalrules.hooks.findings import AuditContext, Finding

from .conftest import SEED


@frozen
class Always:
    """A plugin check that reports one finding (or crashes) on every submission."""

    code: str = "T-ALWAYS"
    severity: Any = "warning"
    title: str = "总是提示"
    doc: str = "测试用"
    crash: bool = False

    def run(self, context: AuditContext) -> Iterable[Finding]:
        if self.crash:
            raise RuntimeError("检查自身出错")
        yield Finding(
            self.code,
            self.severity,
            f"{context.project.name} 需要复核",
            ("决策",),
            claimed="20",
            computed=None,
            place=Place(context.project.file, "[claims]", 3),
        )


class CheckPlugin:
    def __init__(self, check: Always) -> None:
        self.check = check

    @evalrules.hookimpl
    def register_checks(self) -> list[Any]:
        return [self.check]


def report_with(check: Always, project: evalrules.Project | None = None) -> AuditReport:
    registry = testing.plugin_registry(CheckPlugin(check))
    ruleset = evalrules.load_ruleset("caiyu_2020_10", registry)
    return evalrules.audit(project or evalrules.load_project(SEED), ruleset, registry)


def test_a_plugin_check_reports_with_its_code_and_place() -> None:
    report = report_with(Always())
    mine = [f for f in report.findings if f.code == "T-ALWAYS"]
    assert len(mine) == 1 and mine[0].to_dict() == {
        "code": "T-ALWAYS",
        "severity": "warning",
        "path": ["决策"],
        "message": "工作经费 需要复核",
        "claimed": "20",
        "location": {"file": str(SEED), "where": "[claims]", "line": 3},
    }
    assert report.result is not None and report.result.total == 100


def test_a_crashing_check_is_itself_an_error_finding() -> None:
    report = report_with(Always(crash=True))
    failed = [f for f in report.findings if f.code == "A-CHECK-FAILED"]
    assert len(failed) == 1 and "T-ALWAYS" in failed[0].message and "检查自身出错" in failed[0].message
    assert report.fails("error")


class Garbage:
    code = "T-GARBAGE"
    severity = "warning"
    title = "返回无效结果的检查"
    doc = "测试用。"

    def __init__(self, found: Any) -> None:
        self.found = found

    def run(self, context: AuditContext) -> Any:
        if isinstance(self.found, BaseException):
            raise self.found
        return self.found


@pytest.mark.parametrize(
    ("found", "said"),
    [
        ([1, 2], "应给出 Finding"),
        ([Finding("T-GARBAGE", "fatal", "x")], "severity"),  # type: ignore[arg-type]
        ([Finding("T-GARBAGE", "info", 5)], "应为文字"),  # type: ignore[arg-type]
        ([Finding("T-GARBAGE", "info", "x", ("决策", 3))], "应为文字"),  # type: ignore[arg-type]
        ([Finding("T-GARBAGE", "info", "x", claimed=Decimal("NaN"))], "有限的数"),
        ([Finding("T-GARBAGE", "info", "x", computed=3.5)], "claimed、computed"),  # type: ignore[arg-type]
        ([Finding("T-GARBAGE", "info", "x", place="第 3 行")], "place"),  # type: ignore[arg-type]
        (SystemExit(9), "SystemExit(9)"),
        (7, "出错"),  # not iterable
    ],
)
def test_a_check_returning_garbage_is_one_error_finding(found: Any, said: str) -> None:
    # issue 23, 6: ints from a plugin's check gave an AttributeError traceback when sorting
    report = report_with(Garbage(found))  # type: ignore[arg-type]
    failed = [f for f in report.findings if f.code == "A-CHECK-FAILED"]
    assert len(failed) == 1 and "T-GARBAGE" in failed[0].message and said in failed[0].message
    assert all(isinstance(f, Finding) for f in report.findings)
    render_text(report)  # renders without a traceback


def test_an_unscorable_submission_becomes_findings_not_an_exception() -> None:
    seed = evalrules.load_project(SEED)
    broken = attrs.evolve(
        seed,
        targets=tuple(
            attrs.evolve(t, actual=None, actual_text="完成") if t.name == "车辆维护数" else t
            for t in seed.targets
        ),
    )
    report = report_with(Always(), broken)
    assert report.result is None
    assert next(f.code for f in report.findings if f.severity == "error") == "A-SCORING"
    weights = attrs.evolve(
        seed,
        targets=tuple(
            attrs.evolve(t, weight=t.weight + 1) if t.name == "保障职工人数" and t.weight else t
            for t in seed.targets
        ),
    )
    assert "A-WEIGHT-SUM" in {f.code for f in report_with(Always(), weights).findings}


def test_severity_order_counts_and_fail_levels() -> None:
    report = AuditReport(
        (Finding("B", "warning", "w"), Finding("A", "error", "e"), Finding("C", "info", "i")), None, "p", "r"
    )
    assert report.count("error") == 1 and report.count("info") == 1
    assert report.fails("warning") and report.fails("error") and not report.fails("never")
    only_info = AuditReport((Finding("C", "info", "i"),), None, "p", "r")
    assert not only_info.fails("warning")
    assert report.to_dict()["counts"] == {"error": 1, "warning": 1, "info": 1}


def test_text_groups_by_severity() -> None:
    text = render_text(report_with(Always()))
    assert "警告（" in text and "[T-ALWAYS] 决策：工作经费 需要复核" in text and "申报 20" in text


def test_cli_exit_codes_follow_fail_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p.toml"
    project.write_text(
        SEED.read_text(encoding="utf-8").replace("total = 100", "total = 90"), encoding="utf-8"
    )
    assert main(["audit", str(project), "--format", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert {"findings", "counts", "total", "grade"} <= set(data)
    assert all({"code", "severity", "path", "message"} <= set(f) for f in data["findings"])
    assert main(["audit", str(project), "--fail-on", "never"]) == 0
    assert "复核：工作经费" in capsys.readouterr().out


def test_a_scoring_finding_carries_the_indicator_path() -> None:
    form = Path(__file__).parent / "forms" / "fmt_scoring_path_2023.toml"
    project = evalrules.load_project(form)
    report = evalrules.audit(project, evalrules.load_ruleset(project.ruleset or ""))
    (finding,) = [f for f in report.findings if f.code == "A-SCORING"]
    assert finding.path == ("产出指标", "质量指标", "水质检测合格率")
    assert finding.to_dict()["path"] == ["产出指标", "质量指标", "水质检测合格率"]


def test_text_report_prints_numbers_without_trailing_zeros() -> None:
    form = Path(__file__).parent / "forms" / "audit_self_subsidy.toml"
    project = evalrules.load_project(form)
    text = render_text(evalrules.audit(project, evalrules.load_ruleset(project.ruleset or "")))
    assert "申报 1000，复算 15；" in text and "复算 15.00" not in text


def test_the_recomputed_total_is_shown_without_trailing_zeros() -> None:
    # a ruleset at 4 places keeps 94 as 94.0000: the text says 94, as the score table does
    project = evalrules.load_project(Path(__file__).parent / "forms" / "bud_rows_water_2023.toml")
    report = evalrules.audit(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert report.result is not None
    four_places = attrs.evolve(report, result=attrs.evolve(report.result, total=Decimal("94.0000")))
    assert "复算结果：总分 94，等级" in render_text(four_places)
    assert "复算结果：总分 98.6，等级" in render_text(report)
