"""evalrules targets: text, JSON in the audit's finding shape, exit 3, a batch's results file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from evalrules.cli.main import main

from .conftest import SEED

FORM = Path(__file__).parent / "forms" / "rev_shenbao_training_2024.toml"


def test_text_groups_findings_by_target_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", str(SEED)]) == 3
    out = capsys.readouterr().out
    assert "审核结论：修改后通过（中）" in out
    assert "产出/产出成本/水费缴费月数\n  [MB-UNIT-02] 警告" in out


def test_fail_on_never_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", str(SEED), "--fail-on", "never"]) == 0


def test_json_has_the_audit_finding_shape(capsys: pytest.CaptureFixture[str]) -> None:
    main(["targets", str(FORM), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["conclusion"] == "不通过" and data["counts"]["error"] == 4
    finding = next(f for f in data["findings"] if f["code"] == "MB-SRC-02")
    assert set(finding) == {"code", "severity", "path", "message", "location"}
    assert finding["location"]["line"] == 26


def test_a_folder_gives_one_results_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.toml").write_text(FORM.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.toml").write_text("[project\n", encoding="utf-8")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    output = tmp_path / "审核结果.csv"
    assert main(["targets", str(folder), "-o", str(output)]) == 3
    rows = list(csv.reader(output.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:5] == ["文件", "项目", "审核规则集", "审核等级", "审核结论"]
    assert [row[4] for row in rows[1:]] == ["不通过", "无法审核"]
    assert "无法审核" in capsys.readouterr().err


def test_xlsx_results(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    import openpyxl

    output = tmp_path / "r.xlsx"
    main(["targets", str(FORM), str(SEED), "-o", str(output)])
    sheet = openpyxl.load_workbook(output).active
    assert [sheet.cell(row, 5).value for row in (2, 3)] == ["不通过", "修改后通过"]


def test_unknown_rules_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", str(SEED), "--rules", "mubiao"]) == 1
    assert "E-REVIEW" in capsys.readouterr().err
