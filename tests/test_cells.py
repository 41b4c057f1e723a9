"""Formula injection: text that a spreadsheet would run is written so it cannot run (issue 16)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from evalrules.base.cells import TRIGGERS, neutralise, restore, string_cell, visible

HOSTILE = '=HYPERLINK("http://example.com/x","点这里")'


def test_every_trigger_is_neutralised_and_plain_text_and_numbers_are_not() -> None:
    for trigger in TRIGGERS:
        assert neutralise(trigger + "1+1") == "'" + trigger + "1+1"
    assert neutralise("工作经费") == "工作经费"
    assert neutralise(-3) == -3  # a number is no formula


@given(st.text())
def test_restore_gives_back_the_original_text(text: str) -> None:
    assert restore(neutralise(text)) == text


def test_an_xlsx_cell_openpyxl_took_for_a_formula_is_a_string() -> None:
    sheet = Workbook().active
    assert sheet is not None
    cell = string_cell(sheet.cell(1, 1, value=HOSTILE))
    assert cell.data_type == "s" and cell.value == HOSTILE
    assert string_cell(sheet.cell(2, 1, value=5)).data_type == "n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("正常\x1b[31m项目\x01", "正常\\x1b[31m项目\\x01"),
        ("abc\u202edef", "abc\\u202edef"),  # RIGHT-TO-LEFT OVERRIDE: would show "abcfed"
        ("a\u2066b\u2069\u200f", "a\\u2066b\\u2069\\u200f"),
        ("行一\n行二\t列", "行一\n行二\t列"),  # tab and line feed are text
        ("x\ry\x7f\x85", "x\\x0dy\\x7f\\x85"),
        ("绩效评价 ═ ≧ ％", "绩效评价 ═ ≧ ％"),
    ],
)
def test_visible_escapes_what_could_drive_a_terminal_or_reorder_text(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_cli_output_shows_control_characters_escaped(
    write: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 23, 7: a name carrying ESC [2J cleared the analyst's terminal
    from evalrules.cli.main import main

    source = (Path(__file__).parent / "forms" / "audit_self_subsidy.toml").read_text(encoding="utf-8")
    path = write(
        "p.toml", source.replace('name = "困难残疾人生活补贴"', 'name = "困难\\u001b[2J残疾人\\u202e补贴"')
    )
    for argv in (["score", str(path)], ["score", str(path), "--format", "json"], ["audit", str(path)]):
        main(argv)
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out and "困难\\" in out
    main(["score", str(path), "--format", "json"])
    assert json.loads(capsys.readouterr().out)  # the escapes are JSON escapes: still valid JSON


@pytest.mark.parametrize(
    "argv",
    [
        ["batch", "{p}", "-o", "{d}/结果.xlsx"],
        ["batch", "{p}", "-o", "{d}/结果.csv"],
        ["batch", "{p}", "-o", "{d}/结果.jsonl"],
        ["report", "{p}", "--form", "self", "-o", "{d}/自评表.xlsx"],
        ["report", "{p}", "-o", "{d}/报告.docx"],
        ["report", "{p}", "-o", "{d}/报告.html"],
        ["report", "{p}", "-o", "{d}/报告.md"],
    ],
)
def test_every_writer_takes_a_name_with_control_characters(
    write: Callable[[str, str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # issue 23, 4: "正常\u001b[31m项目\u0001" made batch -o r.xlsx fail with IllegalCharacterError:
    # no file, every project lost (also report --form self and .docx)
    from evalrules.cli.main import main

    source = (Path(__file__).parent / "forms" / "audit_self_subsidy.toml").read_text(encoding="utf-8")
    hostile = 'name = "正常\\u001b[31m项目\\u0001"'
    path = write("p.toml", source.replace('name = "困难残疾人生活补贴"', hostile))
    out = tmp_path / "out"
    code = main([a.format(p=path, d=out) for a in argv])
    captured = capsys.readouterr()
    assert code in (0, 3) and "Traceback" not in captured.err, captured.err
    [written] = [p for p in out.iterdir() if not p.name.endswith((".png", ".svg"))]
    if zipfile.is_zipfile(written):  # xlsx, docx: the XML inside
        with zipfile.ZipFile(written) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    else:
        data = written.read_bytes()
    for chart in out.glob("*.svg"):  # the Markdown report's charts: XML forbids most control characters
        assert b"\x1b" not in chart.read_bytes() and b"\x01" not in chart.read_bytes()
    assert b"\x1b" not in data and b"\x01" not in data
    assert b"\\x1b[31m" in data or b"\\u001b[31m" in data  # escaped: in JSONL the JSON way
