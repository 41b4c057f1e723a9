"""Output files: written whole or not at all, every file-system failure one located E-OUTPUT
(issue 23, 3), never an input replaced, file names unique (issue 23, 4)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from evalrules.base.errors import OutputError
from evalrules.cli.main import main
from evalrules.io import outputs
from evalrules.io.outputs import atomic_path, refuse_inputs_as_output, unique_file_names, write_atomic

from .conftest import SEED

FLAT = Path(__file__).parents[1] / "docs" / "flat-formats.md"


def _only_problem(caught: pytest.ExceptionInfo[OutputError]) -> str:
    [problem] = caught.value.problems
    assert problem.code == "E-OUTPUT"
    return problem.render()


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_the_parent_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_atomic(afile / "out.csv", b"data")
    assert "上级是文件" in _only_problem(caught)


def test_a_name_too_long(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path / ("长" * 300 + ".md"), b"data")
    assert "文件名过长" in _only_problem(caught) and _leftovers(tmp_path) == []


def test_the_output_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path, b"data")
    assert "是一个文件夹" in _only_problem(caught)


@pytest.mark.parametrize(
    ("failing", "error", "said"),
    [
        ("write", errno.ENOSPC, "磁盘空间不足"),
        ("fsync", errno.ENOSPC, "磁盘空间不足"),
        ("replace", errno.EACCES, "没有写入权限"),
        ("replace", errno.EROFS, "只读"),
    ],
)
def test_a_failing_disk_leaves_the_old_output_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, error: int, said: str
) -> None:
    # no small file system can be mounted here: the write, fsync or rename is made to fail
    target = tmp_path / "结果.csv"
    target.write_text("旧的结果", encoding="utf-8")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    if failing == "write":
        monkeypatch.setattr(outputs, "_write", fail)
    else:
        monkeypatch.setattr(outputs.os, failing, fail)
    with pytest.raises(OutputError) as caught:
        write_atomic(target, "新的结果".encode())
    assert said in _only_problem(caught) and str(target) in _only_problem(caught)
    assert target.read_text(encoding="utf-8") == "旧的结果" and _leftovers(tmp_path) == []


def test_an_interrupted_block_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise KeyboardInterrupt
    assert not target.exists() and _leftovers(tmp_path) == []


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "flat.csv"
    source.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        refuse_inputs_as_output(tmp_path / "." / "flat.csv", [source])
    assert "就是输入文件" in _only_problem(caught)
    refuse_inputs_as_output(tmp_path / "other.csv", [source])  # a new file is no input


@pytest.mark.parametrize(
    ("keys", "names"),
    [
        (["P/1", "P_1"], ["P_1", "P_1-2"]),
        (["a", "A"], ["a", "A-2"]),  # Windows and macOS ignore case
        (["CON", "nul"], ["_CON", "_nul"]),
        (["项目 一", "项目/一"], ["项目_一", "项目_一-2"]),
        (["长" * 300], ["长" * 80]),
        ([""], ["_"]),
    ],
)
def test_file_names_are_unique_and_safe(keys: list[str], names: list[str]) -> None:
    assert list(unique_file_names(keys).values()) == names


def test_convert_writes_colliding_keys_to_two_files_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 23, 4: P/1 and P_1 were both written to P_1.toml, one lost
    text = FLAT.read_text(encoding="utf-8")
    csv_text = text.split("```csv\n", 1)[1].split("```", 1)[0]
    first, second = sorted({line.split(",")[0] for line in csv_text.splitlines()[1:] if line})
    csv_text = csv_text.replace(first + ",", "P/1,").replace(second + ",", "P_1,")
    source = tmp_path / "两个项目.csv"
    source.write_text(csv_text, encoding="utf-8")
    assert main(["convert", str(source), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["P_1-2.toml", "P_1.toml"]
    assert "输入中的键 P/1" in out and "输入中的键 P_1" in out


def test_report_to_a_place_that_cannot_hold_files_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert main(["report", str(SEED), "-o", str(afile / "报告.html")]) == 1
    err = capsys.readouterr().err
    assert "[E-OUTPUT]" in err and "Traceback" not in err and err.count("\n") == 2
