"""Batch scoring: order, isolation of broken projects, atomic output, the summary."""

from __future__ import annotations

import csv
import errno
import importlib.util
import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules.base.errors import OutputError
from evalrules.batch import inputs, results
from evalrules.batch import inputs as inputs_module
from evalrules.batch.inputs import read_as_gb18030
from evalrules.batch.pipeline import Worker
from evalrules.batch.run import read_inputs, results_frame, run_batch, score_many
from evalrules.model.project import Project

from .conftest import fuzz_settings

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from generate import RULESET, generate

BROKEN = {
    "x1-bad-number.toml": ("E-NUMBER", '[project]\nname = "坏数"\nunit = "测试局"\nyear = 2023\n'),
    "x2-operator.toml": ("E-OPERATOR", None),
    "x3-syntax.toml": ("E-TOML", "[project\nname = \n"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("projects")
    generate(20, path, seed=7)
    good = (path / "p00001.toml").read_text(encoding="utf-8")
    (path / "x1-bad-number.toml").write_text(good.replace('"执行数" = ', '"执行数" = "一百"\n# '), "utf-8")
    (path / "x2-operator.toml").write_text(good.replace('operator = "', 'operator = "大约'), "utf-8")
    (path / "x3-syntax.toml").write_text("[project\nname = \n", encoding="utf-8")
    return path


def _projects(folder: Path) -> list[Project]:
    return [entry for _, entry in read_inputs([folder]) if isinstance(entry, Project)]


def test_score_many_in_order_same_for_one_and_two_jobs(folder: Path) -> None:
    projects = _projects(folder)
    assert len(projects) == 20
    one = list(score_many(projects, RULESET, jobs=1))
    two = list(score_many(projects, RULESET, jobs=2, chunksize=3))
    assert all(isinstance(result, evalrules.Result) for result in one)
    assert [result.project_name for result in one if isinstance(result, evalrules.Result)] == [
        project.name for project in projects
    ]
    assert [r.to_dict() for r in one if isinstance(r, evalrules.Result)] == [
        r.to_dict() for r in two if isinstance(r, evalrules.Result)
    ]


def test_score_many_yields_errors_and_carries_on(folder: Path) -> None:
    projects = _projects(folder)[:3]
    empty = Project(name="空", unit="u", year=2023, file="empty.toml", budget=projects[0].budget)
    for jobs in (1, 2):
        outcomes = list(score_many([projects[0], empty, projects[1]], RULESET, jobs=jobs))
        assert isinstance(outcomes[0], evalrules.Result) and isinstance(outcomes[2], evalrules.Result)
        assert isinstance(outcomes[1], evalrules.ScoringError) and outcomes[1].problems


def _expected_keys(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.glob("*.toml"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_csv_every_project_once_broken_ones_with_messages(folder: Path, tmp_path: Path, jobs: int) -> None:
    output = tmp_path / "results.csv"
    summary = run_batch([folder], RULESET, output, jobs=jobs, progress=False)
    with output.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["key"] for row in rows] == _expected_keys(folder)
    by_key = {Path(row["key"]).name: row for row in rows}
    for name, (code, _) in BROKEN.items():
        assert by_key[name]["status"] == "error"
        assert code in by_key[name]["error"], by_key[name]["error"]
        assert name in by_key[name]["location"]
    ok = [row for row in rows if row["status"] == "ok"]
    assert len(ok) == 20 and all(row["total"] and row["grade"] and row["产出指标"] for row in ok)
    assert (summary.total, summary.ok, summary.failed) == (23, 20, 3)
    assert summary.line().startswith("共 23 个项目：成功 20，失败 3；用时")
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left


def test_jsonl_and_xlsx(folder: Path, tmp_path: Path) -> None:
    run_batch([folder], RULESET, tmp_path / "results.jsonl", progress=False)
    lines = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text("utf-8").splitlines()]
    assert [line["key"] for line in lines] == _expected_keys(folder)
    errors = {Path(line["key"]).name: line for line in lines if line["status"] == "error"}
    assert set(errors) == set(BROKEN)
    assert errors["x2-operator.toml"]["problems"][0]["code"] == "E-OPERATOR"
    assert errors["x2-operator.toml"]["project"] is None
    scored = [line for line in lines if line["status"] == "ok"]
    assert scored[0]["result"]["ruleset"]["id"] == RULESET

    from openpyxl import load_workbook

    run_batch([folder], RULESET, tmp_path / "results.xlsx", progress=False)
    workbook = load_workbook(tmp_path / "results.xlsx")
    assert workbook.sheetnames == ["结果", "错误"]
    rows = list(workbook["结果"].values)
    header = rows[0]
    assert [row[0] for row in rows[1:]] == _expected_keys(folder)
    status = header.index("status")
    assert sum(row[status] == "error" for row in rows[1:]) == 3
    error_keys = {Path(str(row[0])).name for row in list(workbook["错误"].values)[1:]}
    assert error_keys == set(BROKEN)


def test_inputs_files_and_unsupported(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    missing = tmp_path / "missing.toml"
    inputs = [folder / "p00002.toml", other, missing, folder / "p00002.toml"]
    if importlib.util.find_spec("evalrules.io.flat") is None:
        (tmp_path / "rows.csv").write_text("a,b\n", encoding="utf-8")
        inputs.append(tmp_path / "rows.csv")
    summary = run_batch(inputs, None, tmp_path / "out.jsonl", progress=False)  # ruleset named in the files
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [line["key"] for line in lines] == [str(path) for path in inputs]
    assert [line["status"] for line in lines][:4] == ["ok", "error", "error", "ok"]
    assert "不支持的输入" in lines[1]["message"]
    assert all("不支持的输入" in line["message"] for line in lines[4:])
    assert summary.failed == len(inputs) - 2


def test_unknown_output_format_writes_nothing(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(evalrules.LoadError, match="E-OUTPUT-FORMAT"):
        run_batch([folder], RULESET, tmp_path / "results.txt", progress=False)
    assert list(tmp_path.iterdir()) == []


def _fail_on_fifth(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the writers fail with "disk full" when the fifth project is written."""
    calls = 0

    def counted(function: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 5:
                raise OSError(errno.ENOSPC, "No space left on device")
            return function(*args)

        return wrapper

    for sink in results.SINKS.values():
        monkeypatch.setattr(sink, "add", counted(sink.add))


@pytest.mark.parametrize("name", ["results.csv", "results.jsonl", "results.xlsx"])
def test_failed_write_leaves_existing_file_intact(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    output = tmp_path / name
    output.write_bytes(b"old results")
    _fail_on_fifth(monkeypatch)
    with pytest.raises(OutputError, match="磁盘空间不足"):  # one located E-OUTPUT (issue 23, 3)
        run_batch([folder], RULESET, output, progress=False)
    assert output.read_bytes() == b"old results"
    assert list(tmp_path.iterdir()) == [output]  # the temporary file is removed


@pytest.mark.parametrize("name", ["results.csv", "results.jsonl", "results.xlsx"])
def test_failed_write_creates_no_file(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    _fail_on_fifth(monkeypatch)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        run_batch([folder], RULESET, tmp_path / name, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_progress_line(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_batch([folder / "p00001.toml", folder / "p00002.toml"], RULESET, tmp_path / "r.csv", progress=True)
    assert "\r已处理 2 个项目\n" in capsys.readouterr().err
    run_batch([folder / "p00001.toml"], RULESET, tmp_path / "r.csv")  # not a terminal: quiet
    assert capsys.readouterr().err == ""


def test_results_frame(folder: Path, tmp_path: Path) -> None:
    summary = run_batch([folder], RULESET, tmp_path / "r.csv", progress=False)
    worker = Worker(evalrules.load_ruleset(RULESET), ".csv", evalrules.default_registry())
    items = [worker.item(key, entry) for key, entry in read_inputs([folder])]
    if importlib.util.find_spec("pandas") is None:
        with pytest.raises(evalrules.EvalrulesError, match="pandas"):
            results_frame(items)
        return
    frame = results_frame(items)
    assert len(frame) == 23 and list(frame["status"]).count("error") == 3 == summary.failed
    assert [item.key for item in summary.failures] == list(frame[frame["status"] == "error"]["key"])


def test_a_formula_in_a_project_name_cannot_run_in_csv_or_xlsx(tmp_path: Path) -> None:
    import zipfile

    from openpyxl import load_workbook

    from evalrules.base.cells import restore

    hostile = '=HYPERLINK("http://example.com/x","点这里")'
    seed = (Path(evalrules.__file__).parents[2] / "examples" / "akto-2022.toml").read_text("utf-8")
    project = tmp_path / "in" / "p.toml"
    project.parent.mkdir()
    project.write_text(seed.replace('name = "工作经费"', "name = '" + hostile + "'", 1), "utf-8")
    assert hostile in project.read_text("utf-8")

    run_batch([project.parent], None, tmp_path / "r.csv", progress=False)
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as stream:
        names = [line["project"] for line in csv.DictReader(stream)]
    assert names == ["'" + hostile] and restore(names[0]) == hostile

    run_batch([project.parent], None, tmp_path / "r.xlsx", progress=False)
    with zipfile.ZipFile(tmp_path / "r.xlsx") as archive:
        assert not any("<f>" in archive.read(name).decode() for name in archive.namelist())
    rows = list(load_workbook(tmp_path / "r.xlsx")["结果"].values)
    assert rows[1][rows[0].index("project")] == hostile


def test_a_gbk_csv_is_read_and_the_summary_says_so(tmp_path: Path) -> None:
    from .test_flat import example  # the CSV of docs/flat-formats.md

    utf8, gbk = tmp_path / "utf8.csv", tmp_path / "gbk.csv"
    utf8.write_text(example("csv"), encoding="utf-8")
    gbk.write_bytes(example("csv").encode("gbk"))
    summary = run_batch([utf8, gbk], None, tmp_path / "r.jsonl", progress=False)
    assert summary.ok == summary.total > 0 and summary.failed == 0
    assert summary.gb18030 == (str(gbk),)
    assert f"按 GB18030（GBK）编码读取：{gbk}" in summary.line()
    assert "GB18030" not in run_batch([utf8], None, tmp_path / "s.jsonl", progress=False).line()


@pytest.mark.parametrize("jobs", [1, 2])
def test_paths_with_chinese_and_spaces(folder: Path, tmp_path: Path, jobs: int) -> None:
    inputs = tmp_path / "项目 文件夹"
    inputs.mkdir()
    for name in ("p00001.toml", "p00002.toml"):
        (inputs / f"项目 {name}").write_bytes((folder / name).read_bytes())
    output = tmp_path / "结果 表" / "批量 结果.csv"
    output.parent.mkdir()
    summary = run_batch([inputs], RULESET, output, jobs=jobs, progress=False)
    assert summary.ok == 2
    with output.open(encoding="utf-8-sig", newline="") as stream:  # UTF-8 whatever the code page
        assert [Path(line["key"]).name for line in csv.DictReader(stream)] == [
            "项目 p00001.toml",
            "项目 p00002.toml",
        ]


def test_an_output_that_is_an_input_is_refused(tmp_path: Path, self_eval: evalrules.Ruleset) -> None:
    # issue 23, 4: batch flat.csv -o flat.csv replaced the input with results
    flat = tmp_path / "flat.csv"
    flat.write_text(
        (Path(__file__).parents[1] / "docs" / "flat-formats.md")
        .read_text(encoding="utf-8")
        .split("```csv\n", 1)[1]
        .split("```", 1)[0],
        encoding="utf-8",
    )
    before = flat.read_bytes()
    with pytest.raises(OutputError, match="就是输入文件"):
        run_batch([flat], self_eval, flat, progress=False)
    assert flat.read_bytes() == before


def test_output_that_is_an_input_is_refused_and_input_kept(folder: Path, tmp_path: Path) -> None:
    flat = tmp_path / "flat.csv"
    original = (folder / "p00001.toml").read_text(encoding="utf-8")
    flat.write_text("不是结果\n", encoding="utf-8")
    with pytest.raises(OutputError, match="就是输入文件"):
        run_batch([flat], RULESET, tmp_path / "." / "flat.csv", progress=False)
    assert flat.read_text(encoding="utf-8") == "不是结果\n"
    flat_jsonl = tmp_path / "flat.jsonl"
    flat_jsonl.write_text("{}\n", encoding="utf-8")
    with pytest.raises(OutputError, match="就是输入文件"):
        run_batch([folder, flat_jsonl], RULESET, flat_jsonl, progress=False)
    assert flat_jsonl.read_text(encoding="utf-8") == "{}\n" and original


def test_output_inside_an_input_folder_is_fine(folder: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "p00001.toml").write_text((folder / "p00001.toml").read_text(encoding="utf-8"), "utf-8")
    summary = run_batch([inputs], RULESET, inputs / "results.csv", progress=False)
    assert summary.failed == 0 and (inputs / "results.csv").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="links need privileges on Windows")
@pytest.mark.parametrize("written", [True, False])
def test_the_results_file_is_left_out_of_its_folder_by_any_name(
    folder: Path, tmp_path: Path, written: bool
) -> None:
    # the results file is looked at once, not resolved for each entry (issue 17): still left out
    # as itself, through a link or a hard link, and (not written yet) through a link to its path
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "p00001.toml").write_text((folder / "p00001.toml").read_text(encoding="utf-8"), "utf-8")
    output = inputs / "Results.csv"
    (inputs / "link.csv").symlink_to(output)
    if written:
        output.write_text("key\n", encoding="utf-8")
        os.link(output, inputs / "hard.csv")
    (inputs / "a.txt").write_text("", encoding="utf-8")
    skipped: list[str] = []
    assert list(inputs_module.expand([inputs], skipped, output)) == [inputs / "p00001.toml"]
    assert skipped == [f"{inputs / 'a.txt'}（不是项目文件（应为 .toml、.json、.xlsx、.csv、.jsonl））"]


def test_a_folder_is_read_in_the_order_of_its_paths(tmp_path: Path) -> None:
    names = ["b.toml", "B2.toml", "a.toml", "_x.toml", "10.toml", "9.toml", "甲.toml", "A.toml"]
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    assert list(inputs_module.expand([tmp_path])) == sorted(tmp_path.iterdir())


def test_jobs_above_the_cap_are_lowered_with_a_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from evalrules.cli import batch as batch_cli

    monkeypatch.setattr(batch_cli.os, "cpu_count", lambda: 2)
    assert batch_cli.jobs_for(0) == 2
    assert batch_cli.jobs_for(8) == 8
    assert capsys.readouterr().err == ""
    assert batch_cli.jobs_for(1000) == 8
    assert "改用 8" in capsys.readouterr().err


INTERRUPTED = """
import os, signal, sys, time
from evalrules.batch import results
from evalrules.cli.main import main

def finish(*args):
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the results are being written
    time.sleep(30)

results.CsvSink.finish = finish
sys.exit(main(["batch", {folder!r}, "--ruleset", {ruleset!r}, "-o", {output!r}]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(SIGINT) terminates on Windows")
def test_ctrl_c_prints_one_line_exits_130_and_keeps_the_old_output(folder: Path, tmp_path: Path) -> None:
    import subprocess

    output = tmp_path / "out.csv"
    output.write_text("旧结果\n", encoding="utf-8")
    script = INTERRUPTED.format(folder=str(folder), ruleset=RULESET, output=str(output))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 130
    assert done.stderr.strip() == f"evalrules：已中断，未写出结果；原有的 {output} 未改动"
    assert output.read_text(encoding="utf-8") == "旧结果\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]  # no temporary left


def test_stale_temporaries_of_a_killed_run_are_removed(folder: Path, tmp_path: Path) -> None:
    import os

    stale = tmp_path / ".results.csv.k3_x9q2a.tmp"
    stale.write_text("半截", encoding="utf-8")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    others = [tmp_path / ".results.csv.notours.tmp", tmp_path / ".other.csv.k3_x9q2a.tmp"]
    for other in others:
        other.write_text("别人的", encoding="utf-8")
        os.utime(other, (1_000_000_000, 1_000_000_000))
    run_batch([folder], RULESET, tmp_path / "results.csv", progress=False)
    assert not stale.exists() and all(other.exists() for other in others)


# --- issue 22: a folder's workbooks, CSV and JSONL are read; nothing is dropped silently ----------


def _forms_folder(tmp_path: Path) -> Path:
    """A folder as it comes back from the units: 自评表 workbooks, a note, Excel's lock file."""
    from .test_cli import _workbook

    forms = tmp_path / "forms"
    forms.mkdir()
    _workbook(forms / "xin_乡道.xlsx", "道路养护")
    _workbook(forms / "xin_两表.xlsx", "道路养护", "桥梁维修", "旧表", hidden=("旧表",))
    (forms / "说明.txt").write_text("各单位自评表，2024 年 3 月收齐", encoding="utf-8")
    (forms / "~$xin_乡道.xlsx").write_bytes(b"\x00lock")
    (forms / "归档").mkdir()
    return forms


def test_a_folder_of_workbooks_is_read_and_the_rest_listed(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    forms = _forms_folder(tmp_path)
    output = forms / "结果.xlsx"  # the results may sit among the forms: never read back as one
    for _ in range(2):
        summary = run_batch([forms], "caiyu_2020_10_self", output, progress=False)
        rows = list(load_workbook(output, read_only=True)["结果"].iter_rows(values_only=True))
        assert [row[0] for row in rows[1:]] == [
            f"{forms / 'xin_两表.xlsx'}#道路养护",
            f"{forms / 'xin_两表.xlsx'}#桥梁维修",
            f"{forms / 'xin_乡道.xlsx'}#道路养护",
        ]
        assert summary.ok == 3 and all(Decimal(str(row[4])) == Decimal("98.67") for row in rows[1:])
    assert summary.skipped == (
        f"{forms / '~$xin_乡道.xlsx'}（Excel 打开文件时留下的临时文件）",
        f"{forms / '归档'}（子文件夹（不逐层读取））",
        f"{forms / '说明.txt'}（不是项目文件（应为 .toml、.json、.xlsx、.csv、.jsonl））",
        f"{forms / 'xin_两表.xlsx'}：隐藏的工作表未读取：旧表（如需评分，请先在 Excel 中取消隐藏）",
    )
    line = summary.line()
    assert "共 3 个项目" in line and "跳过：" in line and "说明.txt" in line and "旧表" in line


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks")
def test_fifos_broken_links_and_unreadable_files_are_skipped_not_read(tmp_path: Path) -> None:
    import os

    forms = _forms_folder(tmp_path)
    os.mkfifo(forms / "管道.toml")  # reading it would block until a writer came
    (forms / "失效.xlsx").symlink_to(forms / "不存在.xlsx")
    summary = run_batch([forms], "caiyu_2020_10_self", tmp_path / "out.csv", progress=False)
    skipped = "\n".join(summary.skipped)
    assert f"{forms / '管道.toml'}（不是普通文件（管道、设备等））" in skipped
    assert f"{forms / '失效.xlsx'}（失效的符号链接）" in skipped
    assert summary.total == 3


def test_a_run_that_finds_no_project_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evalrules.cli.main import main as cli_main

    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "说明.docx").write_bytes(b"PK")
    output = tmp_path / "out.csv"
    assert cli_main(["batch", str(forms), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert "E-BATCH-EMPTY" in err and "没有找到任何项目" in err and "说明.docx" in err
    assert not output.exists()
    (forms / "说明.docx").unlink()
    assert cli_main(["batch", str(forms), "-o", str(output)]) == 1
    assert "空文件夹" in capsys.readouterr().err


def test_a_folder_csv_and_jsonl_are_read_like_its_toml(tmp_path: Path, folder: Path) -> None:
    from evalrules.io.flat import write_flat

    inputs = tmp_path / "in"
    inputs.mkdir()
    projects = _projects(folder)[:3]
    write_flat(projects[:2], inputs / "a.csv")
    write_flat(projects[2:], inputs / "b.jsonl")
    summary = run_batch([inputs], RULESET, inputs / "out.csv", progress=False)
    assert summary.total == 3 and summary.ok == 3 and summary.skipped == ()


def test_gb18030_detection_reads_a_capped_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("项目".encode("gbk"))
    assert read_as_gb18030(path)
    monkeypatch.setattr(inputs, "MAX_FLAT_BYTES", 1)
    assert not read_as_gb18030(path)  # too large to read: not read whole, its row says why


def test_a_flat_file_builds_its_projects_in_the_pool_with_the_same_results(
    folder: Path, tmp_path: Path
) -> None:
    # issue 17: with --jobs 2 a CSV's projects are built from their rows in the workers
    from evalrules.io.flat import write_flat

    projects = _projects(folder)
    flat = tmp_path / "平面.csv"
    write_flat(projects, flat)
    with flat.open("a", encoding="utf-8", newline="") as stream:
        stream.write("坏项目,,,,,,target,产出指标/数量指标,坏指标,≥,十,,5,,,,,,,,\n")
    outputs = []
    for jobs in (1, 2):
        output = tmp_path / f"结果{jobs}.csv"
        summary = run_batch([flat], RULESET, output, jobs, False)
        assert (summary.total, summary.failed) == (len(projects) + 1, 1)
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
    assert "坏项目" in outputs[0].decode("utf-8-sig") and "E-NUMBER" in outputs[0].decode("utf-8-sig")


_NAMES = st.sampled_from(["产出", "效益", "决策", "过程", "满意度", "预算执行率"])
_TEXT = st.text(alphabet='ab,"\n\r 甲', max_size=4)
_RECORD = st.tuples(st.lists(_NAMES, unique=True, max_size=4), st.lists(_TEXT, min_size=9, max_size=9))


@fuzz_settings(100)
@given(given_records=st.lists(_RECORD, max_size=8))
def test_the_csv_written_as_rows_come_is_the_table_of_all_of_them(
    given_records: list[tuple[list[str], list[str]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # issue 17: rows go to the spool as CSV text under the columns known then; a column that
    # appears later gives the rows before it a blank cell, as if every row had waited for the last
    made = [
        results.Record(
            str(index), True, cells[:6], {name: f"{name}{index}" for name in names}, cells[6:], [], "", None
        )
        for index, (names, cells) in enumerate(given_records)
    ]
    path = tmp_path_factory.mktemp("sink") / "out.csv"
    sink = results.CsvSink(path)
    for record in made:
        sink.add(record)
    sink.finish()
    sink.close()
    firsts = list(dict.fromkeys(name for record in made for name in record.firsts))
    expected = io.StringIO(newline="")
    writer = csv.writer(expected)
    writer.writerow(results.columns(firsts))
    writer.writerows([*r.head, *(r.firsts.get(name, "") for name in firsts), *r.tail] for r in made)
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.getvalue().encode("utf-8")
