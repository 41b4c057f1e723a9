"""The failure-mode table of docs/safety.md (## 失败方式一览), walked row by row: each row's
situation is built here, the command line is run, and its code, exit code and what is left on
disk are checked against the table (issue 23, 11)."""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from evalrules.cli.main import main
from evalrules.io import outputs

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "akto-2022.toml"
FORMS = ROOT / "tests" / "forms"
SELF = FORMS / "audit_self_subsidy.toml"
ROW = re.compile(r"^\| (F\d\d) \| (.+?) \| (.+?) \| (.+?) \| (.+?) \| (\d) \| (.+?) \|$")
OLD = "旧的输出".encode()


def table() -> dict[str, tuple[str, int, str]]:
    """Row id → (code, exit code, what is left on disk), as docs/safety.md says."""
    text = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    section = text.split("## 失败方式一览", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if found := ROW.match(line):
            code = re.search(r"`(E-[A-Z-]+)`", found.group(5))
            assert code, line
            rows[found.group(1)] = (code.group(1), int(found.group(6)), found.group(7))
    return rows


Scenario = Callable[[Path, pytest.MonkeyPatch], list[str]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(row: str) -> Callable[[Scenario], Scenario]:
    def register(function: Scenario) -> Scenario:
        SCENARIOS[row] = function
        return function

    return register


def self_form(folder: Path) -> Path:
    path = folder / "自评表.xlsx"
    assert main(["report", str(SELF), "--form", "self", "-o", str(path)]) == 0
    return path


def rewrite_sheet(
    path: Path, change: Callable[[bytes], bytes], extra: dict[str, bytes] | None = None
) -> None:
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(
                item.filename, change(data) if item.filename.startswith("xl/worksheets/") else data
            )
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    path.write_bytes(buffer.getvalue())


@scenario("F01")
def special_project(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    return ["score", "/dev/zero"]


@scenario("F02")
def big_project(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = work / "大.toml"
    path.write_bytes(SEED.read_bytes() + b"# " + b"x" * (17 * 1024 * 1024) + b"\n")
    return ["score", str(path)]


@scenario("F03")
def gbk_project(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = work / "gbk.toml"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    return ["score", str(path)]


@scenario("F04")
def duplicate_json_key(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = work / "p.json"
    path.write_text('{"project": {"name": "甲", "name": "乙"}, "targets": []}', encoding="utf-8")
    return ["score", str(path), "--ruleset", "caiyu_2020_10_self"]


@scenario("F05")
def huge_number(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = work / "p.toml"
    path.write_text(
        SELF.read_text(encoding="utf-8").replace('"执行数" = ', '"执行数" = 1e1000000 # ', 1),
        encoding="utf-8",
    )
    return ["score", str(path)]


@scenario("F06")
def special_extends(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    ruleset = work / "r.toml"
    ruleset.write_text('[ruleset]\nid = "r"\nextends = "/dev/zero"\n', encoding="utf-8")
    return ["validate", str(SEED), "--ruleset", str(ruleset)]


@scenario("F07")
def deep_tree(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    nested = '{ name = "n0", weight = 100, method = "manual" }'
    for level in range(1, 40):
        nested = f'{{ name = "n{level}", weight = 100, children = [{nested}] }}'
    ruleset = work / "deep.toml"
    ruleset.write_text(
        f"indicators = [{nested}]\n"
        '[ruleset]\nid = "deep"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        '[[grades]]\nname = "合格"\nmin = 0\n',
        encoding="utf-8",
    )
    return ["validate", str(SEED), "--ruleset", str(ruleset)]


@scenario("F08")
def whole_sheet_merge(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    form = self_form(work)
    rewrite_sheet(
        form,
        lambda sheet: re.sub(
            rb'<mergeCell ref="[^"]*"/>', b"<mergeCell ref='A1:XFD1048576'/>", sheet, count=1
        ),
    )
    return ["convert", str(form), "-o", str(work / "转换")]


@scenario("F09")
def dtd(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    form = self_form(work)
    rewrite_sheet(form, lambda sheet: b'<!DOCTYPE x [<!ENTITY e "e">]>' + sheet.split(b"?>", 1)[-1])
    return ["convert", str(form), "-o", str(work / "转换")]


@scenario("F10")
def bomb(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    form = self_form(work)
    rewrite_sheet(form, lambda sheet: sheet, {"xl/media/padding.bin": bytes(25_000_000)})
    return ["convert", str(form), "-o", str(work / "转换")]


@scenario("F11")
def unbalanced_quote(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    flat = work / "flat.csv"
    flat.write_text('project,name,ruleset\nP1,"甲\nP2,乙,caiyu_2020_10_self\n', encoding="utf-8")
    return ["batch", str(flat), "-o", str(work / "结果.csv")]


@scenario("F12")
def parent_is_a_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (work / "afile").write_bytes(OLD)
    return ["report", str(SEED), "-o", str(work / "afile" / "r.md")]


@scenario("F13")
def name_too_long(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return ["report", str(SEED), "-o", str(work / ("长" * 300 + ".html"))]


def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """No small file system can be mounted here: every write through evalrules.io.outputs fails."""

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs, "_write", fail)
    monkeypatch.setattr(outputs.os, "replace", fail)


@scenario("F14")
def report_disk_full(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (work / "r.html").write_bytes(OLD)
    disk_full(monkeypatch)
    return ["report", str(SEED), "-o", str(work / "r.html")]


@scenario("F15")
def output_is_input(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    flat = work / "flat.csv"
    flat.write_text("project,name,ruleset\nP1,甲,caiyu_2020_10_self\n", encoding="utf-8")
    return ["batch", str(flat), "-o", str(flat)]


@scenario("F16")
def foreign_chart(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (work / "r_chart.svg").write_bytes(OLD)
    return ["report", str(SEED), "-o", str(work / "r.md")]


@scenario("F17")
def batch_disk_full(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (work / "结果.csv").write_bytes(OLD)
    disk_full(monkeypatch)
    return ["batch", str(SEED), "-o", str(work / "结果.csv")]


@scenario("F18")
def some_projects_fail(work: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    folder = work / "项目"
    folder.mkdir()
    (folder / "好.toml").write_bytes(SEED.read_bytes())
    (folder / "坏.toml").write_text(
        SEED.read_text(encoding="utf-8").replace("year = 2022", "year = 2022\n[budget.x]\n"), encoding="utf-8"
    )
    bad = SELF.read_text(encoding="utf-8").replace('"执行数" = ', '"执行数" = 1e1000000 # ', 1)
    (folder / "数.toml").write_text(bad, encoding="utf-8")
    return ["batch", str(folder), "-o", str(work / "结果.csv")]


def _projects_in(entry: Path) -> int:
    """How many result rows an input must give: a folder's files, a flat file's project keys."""
    if entry.is_dir():
        return len(list(entry.glob("*.toml")))
    if entry.suffix == ".csv":
        return len({line.split(",", 1)[0] for line in entry.read_text(encoding="utf-8").splitlines()[1:]})
    return 1


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(folder.rglob("*"))
    }


def test_the_table_and_the_scenarios_match() -> None:
    assert sorted(table()) == sorted(SCENARIOS), "a row without a scenario, or a scenario the table lacks"


@pytest.mark.parametrize("row", sorted(table()))
def test_each_failure_mode_ends_as_the_table_says(
    row: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, exit_code, disk = table()[row]
    work = tmp_path / "work"
    work.mkdir()
    argv = SCENARIOS[row](work, monkeypatch)
    capsys.readouterr()
    before = snapshot(work)
    assert main(argv) == exit_code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    after = snapshot(work)
    assert not any(name.endswith(".tmp") for name in after), "a temporary file was left"
    if disk.startswith("结果文件完整"):
        [output] = [Path(argv[argv.index("-o") + 1])]
        written = output.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(written)))[1:]
        inputs = [Path(entry) for entry in argv[1 : argv.index("-o")]]
        assert rows and code in written
        expected = sum(_projects_in(entry) for entry in inputs)
        assert len(rows) == expected, rows
    else:  # 不写任何文件 / 原文件不变：the folder is as it was, byte for byte
        assert after == before
        assert f"[{code}]" in captured.err, captured.err


@pytest.mark.parametrize(
    "command",
    [
        ["batch", str(SEED), "-o", "{long}.csv"],
        ["report", str(SEED), "-o", "{long}.md"],
        ["report", str(SEED), "-o", "{long}.docx"],
        ["new", "--ruleset", "caiyu_2020_10", "-o", "{long}.toml"],
        ["new", "--form", "self", "-o", "{long}.xlsx"],
        ["convert", str(FORMS / "fh_self_roundtrip_2023.toml"), "--to", "caiyu_2020_10", "-o", "{long}.toml"],
    ],
)
def test_a_name_too_long_is_e_output_for_every_command_that_writes(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # F13 for each writer: Path.exists raised ENAMETOOLONG before the writer could say it
    long = str(tmp_path / ("长" * 300))
    assert main([part.replace("{long}", long) for part in command]) == 1
    said = capsys.readouterr().err
    assert "[E-OUTPUT]" in said and "文件名过长" in said and "Traceback" not in said
    assert list(tmp_path.iterdir()) == []
