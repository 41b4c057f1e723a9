"""A batch's inputs: files and folders expanded into projects (TOML/JSON read here; Excel, CSV and
JSONL by their readers), and what was skipped and why."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from ..base.errors import EvalrulesError, LoadError, Problem, internal_error
from ..base.sources import MAX_FLAT_BYTES, read_capped
from ..io.project_input import load_project
from ..model.project import Project

PROJECT_SUFFIXES = (".toml", ".json")
READERS = {".xlsx": "evalrules.io.excel.read_workbook", ".csv": "evalrules.io.flat.read_flat"}
READERS[".jsonl"] = READERS[".csv"]
"""Input suffix → reader (module.function) returning [(key, Project | LoadError)], imported when used."""


def _unsupported(path: Path, why: str) -> tuple[str, Project | EvalrulesError]:
    return str(path), LoadError([Problem("E-INPUT", f"不支持的输入：{why}", file=str(path))])


def _read_with(
    path: Path, target: str, notes: list[str] | None = None
) -> list[tuple[str, Project | EvalrulesError]]:
    module_name, function = target.rsplit(".", 1)
    try:
        reader: Callable[[Path], Sequence[tuple[str, Project | EvalrulesError]]] = getattr(
            importlib.import_module(module_name), function
        )
    except (ImportError, AttributeError) as error:
        return [_unsupported(path, f"读取 {path.suffix} 文件的 {module_name} 不可用（{error}）")]
    try:
        if path.suffix.lower() == ".xlsx":  # hidden sheets are said, not scored
            return [(str(key), item) for key, item in reader(path, notes)]  # type: ignore[call-arg]
        return [(str(key), item) for key, item in reader(path)]
    except EvalrulesError as error:
        return [(str(path), error)]
    except Exception as error:  # one unreadable file must not stop the run
        return [(str(path), internal_error(error, str(path)))]


def _read_project(path: Path) -> tuple[str, Project | EvalrulesError]:
    try:
        return str(path), load_project(path)
    except EvalrulesError as error:
        return str(path), error
    except Exception as error:
        return str(path), internal_error(error, str(path))


class _Output:
    """The results file, to be left out of an input folder: looked at once, not for each entry."""

    def __init__(self, output: Path) -> None:
        self.path = output
        try:
            self.resolved: Path | None = output.resolve()
        except OSError:
            self.resolved = None
        try:
            status = output.stat()
        except OSError:  # not written yet
            self.identity: tuple[int, int] | None = None
        else:
            self.identity = (status.st_dev, status.st_ino)

    def holds(self, path: Path) -> bool:
        """Whether a folder's entry is the results file (the same path once resolved, or the same
        file: a link to it) or one of its temporaries."""
        output = self.path
        if path.name.startswith(f".{output.name}.") and path.name.endswith(".tmp"):
            return path.parent.resolve() == output.parent.resolve()
        try:
            if self.identity is None:  # only a link, or an entry of its name, can resolve to it
                return (path.name == output.name or path.is_symlink()) and path.resolve() == self.resolved
            status = path.stat()
        except OSError:  # a broken link
            try:
                return path.resolve() == self.resolved
            except OSError:
                return False
        return (status.st_dev, status.st_ino) == self.identity


def _skip_reason(path: Path) -> str | None:
    """Why a folder's entry is not read, or None when it is a project file to read."""
    if path.is_symlink() and not path.exists():
        return "失效的符号链接"
    if path.is_dir():
        return "子文件夹（不逐层读取）"
    if not path.is_file():
        return "不是普通文件（管道、设备等）"
    suffix = path.suffix.lower()
    if path.name.startswith("~$"):
        return "Excel 打开文件时留下的临时文件"
    if suffix not in PROJECT_SUFFIXES and suffix not in READERS:
        return f"不是项目文件（应为 {'、'.join((*PROJECT_SUFFIXES, *READERS))}）"
    if not os.access(path, os.R_OK):
        return "没有读取权限"
    return None


def expand(
    inputs: Iterable[Path], skipped: list[str] | None = None, output: Path | None = None
) -> Iterator[Path]:
    """Files named, and the project files of the folders named (sorted by name); what a folder
    holds besides is said in ``skipped``, the results file itself is left out."""
    results = _Output(output) if output is not None else None
    for path in map(Path, inputs):
        if not path.is_dir():
            yield path
            continue
        # by name as paths compare (case-folded on Windows), without comparing whole paths
        for entry in sorted(path.iterdir(), key=lambda entry: os.path.normcase(entry.name)):
            if results is not None and results.holds(entry):
                continue
            reason = _skip_reason(entry)
            if reason is None:
                yield entry
            elif skipped is not None:
                skipped.append(f"{entry}（{reason}）")


def read_inputs(
    inputs: Iterable[Path], skipped: list[str] | None = None, output: Path | None = None
) -> Iterator[tuple[str, Project | EvalrulesError]]:
    """Every project of the inputs, keyed, in order: a folder gives its project files (.toml,
    .json, .xlsx, .csv, .jsonl) sorted by name. What was not read (a folder's other files, hidden
    sheets) is said in ``skipped``; ``output`` (the results file) is never read from a folder.
    (A batch reads its projects in its workers instead: :mod:`evalrules.batch.pipeline`.)"""
    for path in list(expand(inputs, skipped, output)):  # what a folder skips is said first
        yield from read_path(path, skipped)


def read_path(path: Path, notes: list[str] | None = None) -> list[tuple[str, Project | EvalrulesError]]:
    """The projects of one input file, each keyed, or the errors that stop them: never raises.
    What was not read (hidden sheets) is said in ``notes``."""
    suffix = path.suffix.lower()
    if suffix in PROJECT_SUFFIXES:
        return [_read_project(path)]
    if not path.exists():
        return [(str(path), LoadError([Problem("E-FILE", "文件不存在", file=str(path))]))]
    if suffix in READERS:
        return _read_with(path, READERS[suffix], notes)
    return [_unsupported(path, f"无法识别的文件类型 “{path.suffix or path.name}”")]


def read_as_gb18030(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    try:
        read_capped(path, str(path), MAX_FLAT_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    except LoadError:  # not readable: its row already says why
        return False
    return False
