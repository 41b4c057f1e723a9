"""Batch scoring: many projects, one ruleset, results in input order, nothing lost.

:func:`score_many` yields a Result or the project's EvalrulesError for every project, in input order,
on one core or a process pool. :func:`run_batch` reads files and folders (TOML/JSON here; Excel,
CSV and JSONL through :mod:`evalrules.io.excel` and :mod:`evalrules.io.flat`), scores them and writes one
results file (.csv, .jsonl or .xlsx) atomically: every input project appears in it exactly once.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

import attrs
from attrs import frozen

from ..base import json_text
from ..base.cells import cell_text, neutralise, string_cell
from ..base.errors import EvalrulesError, LoadError, Problem, internal_error
from ..base.sources import MAX_FLAT_BYTES, read_capped
from ..io.loading import ruleset_reference
from ..io.outputs import atomic_path, refuse_inputs_as_output
from ..io.project_input import load_project
from ..model.project import Project
from ..model.result import Result
from .parallel import CHUNKSIZE, RulesetRef, _ignore_interrupt, clean_context, score_many

PROJECT_SUFFIXES = (".toml", ".json")
READERS = {".xlsx": "evalrules.io.excel.read_workbook", ".csv": "evalrules.io.flat.read_flat"}
READERS[".jsonl"] = READERS[".csv"]
"""Input suffix → reader (module.function) returning [(key, Project | LoadError)], imported when used."""

OUTPUT_SUFFIXES = (".csv", ".jsonl", ".xlsx")


# --------------------------------------------------------------------------- scoring


# --------------------------------------------------------------------------- items and summary


@frozen
class BatchItem:
    """One input project: its key (file, or file and sheet/row) and its result or its error."""

    key: str
    result: Result | None = None
    error: EvalrulesError | None = None
    project: Project | None = None
    """The project as read, when it could be read (an error row still shows its name)."""

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.error.problems if self.error is not None else ()

    @property
    def message(self) -> str:
        return self.error.render() if self.error is not None else ""

    @property
    def location(self) -> str:
        """Where the first problem is: file:line and the place inside it."""
        if not self.problems:
            return ""
        first = self.problems[0]
        file = (first.file or "") + (f":{first.line}" if first.file and first.line else "")
        return "，".join(part for part in (file, first.where or "") if part)


@frozen
class Summary:
    total: int
    ok: int
    failed: int
    seconds: float
    output: Path
    items: tuple[BatchItem, ...] = attrs.field(repr=False, default=())
    reading: float = 0.0
    """Seconds spent reading and checking the inputs (part of ``seconds``)."""
    scoring: float = 0.0
    writing: float = 0.0
    gb18030: tuple[str, ...] = ()
    """CSV inputs that were not UTF-8 and were read as GB18030 (Excel 中文版's GBK CSV)."""
    skipped: tuple[str, ...] = ()
    """What the input folders held that is not a project file, and hidden sheets, each with why."""

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"共 {self.total} 个项目：成功 {self.ok}，失败 {self.failed}；"
            f"用时 {self.seconds:.1f} 秒，每秒 {self.rate:.0f} 个"
            f"（读取 {self.reading:.1f} 秒，打分 {self.scoring:.1f} 秒，写出 {self.writing:.1f} 秒）"
            + (f"；按 GB18030（GBK）编码读取：{'、'.join(self.gb18030)}" if self.gb18030 else "")
            + "".join(f"\n跳过：{entry}" for entry in self.skipped)
        )


# --------------------------------------------------------------------------- reading inputs


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


def _read_in_pool(
    pool: ProcessPoolExecutor, files: list[Path]
) -> Iterator[tuple[str, Project | EvalrulesError]]:
    done = 0
    try:
        for key, entry in pool.map(_read_project, files, chunksize=CHUNKSIZE):
            yield key, entry  # an error pickles as it is (EvalrulesError.__reduce__)
            done += 1
    except BrokenProcessPool:  # a reader was killed: read the rest here rather than hang or stop
        yield from map(_read_project, files[done:])


def _is_output(path: Path, output: Path | None) -> bool:
    """The results file (or one of its temporaries) inside an input folder: never read as input."""
    if output is None:
        return False
    if path.name.startswith(f".{output.name}.") and path.name.endswith(".tmp"):
        return path.parent.resolve() == output.parent.resolve()
    try:
        return path.resolve() == output.resolve() or (output.exists() and path.samefile(output))
    except OSError:
        return False


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


def _expand(
    inputs: Iterable[Path], skipped: list[str] | None = None, output: Path | None = None
) -> Iterator[Path]:
    """Files named, and the project files of the folders named (sorted by name); what a folder
    holds besides is said in ``skipped``, the results file itself is left out."""
    for path in map(Path, inputs):
        if not path.is_dir():
            yield path
            continue
        for entry in sorted(path.iterdir()):
            if _is_output(entry, output):
                continue
            reason = _skip_reason(entry)
            if reason is None:
                yield entry
            elif skipped is not None:
                skipped.append(f"{entry}（{reason}）")


def read_inputs(
    inputs: Iterable[Path],
    jobs: int = 1,
    skipped: list[str] | None = None,
    output: Path | None = None,
) -> Iterator[tuple[str, Project | EvalrulesError]]:
    """Every project of the inputs, keyed, in order: a folder gives its project files (.toml,
    .json, .xlsx, .csv, .jsonl) sorted by name.

    jobs > 1 parses the TOML/JSON files in a process pool (parsing costs more than scoring).
    What was not read (a folder's other files, hidden sheets) is said in ``skipped``; ``output``
    (the results file) is never read from a folder.
    """
    paths = list(_expand(inputs, skipped, output))
    files = [path for path in paths if path.suffix.lower() in PROJECT_SUFFIXES]
    loaded: Iterator[tuple[str, Project | EvalrulesError]]
    with contextlib.ExitStack() as stack:
        if jobs > 1 and len(files) > 1:
            pool = stack.enter_context(
                ProcessPoolExecutor(
                    min(jobs, len(files)), mp_context=clean_context(), initializer=_ignore_interrupt
                )
            )
            loaded = _read_in_pool(pool, files)
        else:
            loaded = map(_read_project, files)
        for path in paths:
            if path.suffix.lower() in PROJECT_SUFFIXES:
                yield next(loaded)
            elif not path.exists():
                yield str(path), LoadError([Problem("E-FILE", "文件不存在", file=str(path))])
            elif path.suffix.lower() in READERS:
                yield from _read_with(path, READERS[path.suffix.lower()], skipped)
            else:
                yield _unsupported(path, f"无法识别的文件类型 “{path.suffix or path.name}”")


# --------------------------------------------------------------------------- running


class _Progress:
    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream, self.done, self.last = total, stream, 0, 0.0

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.stream is not None and (now - self.last >= 0.1 or self.done == self.total):
            self.last = now
            self.stream.write(f"\r已处理 {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.total:
            self.stream.write("\n")
            self.stream.flush()


def run_batch(
    inputs: Sequence[Path],
    ruleset: RulesetRef | None,
    output: Path,
    jobs: int = 1,
    progress: bool | None = None,
) -> Summary:
    """Read, score and write: one row per input project, in input order, written atomically.

    ruleset None scores each project under the ruleset it names. progress None shows a progress line
    only when stderr is a terminal. Raises LoadError (nothing written) for an unsupported output
    suffix or a ruleset that cannot be loaded.
    """
    output = Path(output)
    writer = _WRITERS.get(output.suffix.lower())
    if writer is None:
        raise LoadError(
            [
                Problem(
                    "E-OUTPUT-FORMAT",
                    f"不支持的输出格式 “{output.suffix or output.name}”",
                    where="-o",
                    expected="、".join(OUTPUT_SUFFIXES),
                )
            ]
        )
    refuse_inputs_as_output(output, [path for path in map(Path, inputs) if not path.is_dir()])
    start = time.perf_counter()
    skipped: list[str] = []
    files = list(_expand(inputs, skipped, output))
    read = list(read_inputs(files, jobs, skipped))
    reading = time.perf_counter() - start
    if not read:
        raise LoadError(
            [
                Problem(
                    "E-BATCH-EMPTY",
                    "输入中没有找到任何项目，未写出结果",
                    file="、".join(map(str, inputs)),
                    expected="项目文件 .toml、.json，Excel 自评表 .xlsx，或 .csv、.jsonl",
                    found="；".join(skipped) or "空文件夹",
                )
            ]
        )
    outcomes: list[Result | EvalrulesError | None] = [
        entry if isinstance(entry, EvalrulesError) else None for _, entry in read
    ]
    groups: dict[str, list[int]] = {}  # ruleset reference ("" for the one given) → project indexes
    for index, (_, entry) in enumerate(read):
        if isinstance(entry, Project):
            try:
                reference = "" if ruleset is not None else ruleset_reference(entry.file, entry.ruleset)
            except LoadError as missing:
                outcomes[index] = missing
            else:
                groups.setdefault(reference, []).append(index)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(len(read), sys.stderr if show else None)
    for _ in range(sum(1 for outcome in outcomes if outcome is not None)):
        bar.step()
    try:
        for reference, indexes in groups.items():
            chosen: RulesetRef = reference if ruleset is None else ruleset
            try:
                projects = [entry for index in indexes if isinstance(entry := read[index][1], Project)]
                scored = score_many(projects, chosen, jobs=min(jobs, max(1, len(indexes))))
                for index, outcome in zip(indexes, scored, strict=True):
                    outcomes[index] = outcome
                    bar.step()
            except LoadError as error:
                if ruleset is not None:
                    raise  # the one ruleset asked for cannot be loaded: nothing can be scored
                for index in indexes:  # a ruleset named in project files: those projects fail
                    outcomes[index] = error
                    bar.step()
    finally:
        bar.close()
    items = []
    for (key, entry), final in zip(read, outcomes, strict=True):
        project = entry if isinstance(entry, Project) else None
        if isinstance(final, Result):
            items.append(BatchItem(key, result=final, project=project))
        else:
            assert final is not None
            items.append(BatchItem(key, error=final, project=project))
    written = time.perf_counter()
    with atomic_path(output) as temporary:
        writer(items, temporary)
    ok = sum(1 for item in items if item.ok)
    end = time.perf_counter()
    return Summary(
        len(items),
        ok,
        len(items) - ok,
        end - start,
        output,
        tuple(items),
        reading,
        written - start - reading,
        end - written,
        tuple(str(path) for path in files if _read_as_gb18030(path)),
        tuple(skipped),
    )


def _read_as_gb18030(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    try:
        read_capped(path, str(path), MAX_FLAT_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    except LoadError:  # not readable: its row already says why
        return False
    return False


# --------------------------------------------------------------------------- writing


FIXED_COLUMNS = ("key", "project", "unit", "year", "total", "grade")
TAIL_COLUMNS = ("status", "error", "location")


def _firsts(items: Sequence[BatchItem]) -> list[str]:
    """First-level indicator names over all results, in order of first appearance."""
    names: dict[str, None] = {}
    for item in items:
        if item.result is not None:
            names.update(dict.fromkeys(item.result.subtotals()))  # no explanation needed
    return list(names)


def columns(items: Sequence[BatchItem]) -> list[str]:
    return [*FIXED_COLUMNS, *_firsts(items), *TAIL_COLUMNS]


def row(item: BatchItem, firsts: Sequence[str]) -> list[Any]:
    """One results row: scores as Decimal, N/A and missing values as None."""
    result, project = item.result, item.project
    if result is not None:
        subtotals = result.subtotals()
        head = [result.project_name, result.project_unit, result.project_year, result.total, result.grade]
        values = [subtotals.get(name) for name in firsts]
        return [item.key, *head, *values, "ok", "", ""]
    head = [project.name, project.unit, project.year] if project is not None else [None, None, None]
    return [item.key, *head, None, None, *([None] * len(firsts)), "error", item.message, item.location]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(items: Sequence[BatchItem], path: Path) -> None:
    firsts = _firsts(items)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:  # BOM: Excel reads it as UTF-8
        out = csv.writer(stream)
        out.writerow([neutralise(cell_text(column)) for column in columns(items)])
        for item in items:
            out.writerow([_text(neutralise(cell_text(value))) for value in row(item, firsts)])


def item_dict(item: BatchItem) -> dict[str, Any]:
    if item.result is not None:
        return {"key": item.key, "status": "ok", "result": item.result.to_dict()}
    project = item.project
    return {
        "key": item.key,
        "status": "error",
        "project": (
            {"name": project.name, "unit": project.unit, "year": project.year}
            if project is not None
            else None
        ),
        "message": item.message,
        "problems": [
            {name: value for name, value in attrs.asdict(problem).items() if value is not None}
            for problem in item.problems
        ],
    }


def write_jsonl(items: Sequence[BatchItem], path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for item in items:
            stream.write(json_text.dumps(item_dict(item), ensure_ascii=False) + "\n")


ERROR_COLUMNS = ("key", "code", "message", "file", "line", "where", "expected", "found", "suggestion")


def write_xlsx(items: Sequence[BatchItem], path: Path) -> None:
    from ..base.extras import need

    need("openpyxl", "写 Excel 结果表 ")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    firsts = _firsts(items)
    rows = [row(item, firsts) for item in items]  # built first: a failure leaves no half-written sheet
    problems = [
        [item.key, *(getattr(problem, name) for name in ERROR_COLUMNS[1:])]
        for item in items
        for problem in item.problems
    ]
    workbook = Workbook(write_only=True)
    results = workbook.create_sheet("结果")
    errors = workbook.create_sheet("错误")

    def cells(sheet: Any, values: Sequence[Any]) -> list[Any]:  # text stays text (evalrules.base.cells)
        return [string_cell(WriteOnlyCell(sheet, value=cell_text(value))) for value in values]

    results.append(cells(results, columns(items)))
    for line in rows:
        results.append(cells(results, line))
    errors.append(cells(errors, ERROR_COLUMNS))
    for line in problems:
        errors.append(cells(errors, line))
    workbook.save(path)


_WRITERS: dict[str, Callable[[Sequence[BatchItem], Path], None]] = {
    ".csv": write_csv,
    ".jsonl": write_jsonl,
    ".xlsx": write_xlsx,
}


# --------------------------------------------------------------------------- pandas


def results_frame(items: Iterable[BatchItem | Result | EvalrulesError]) -> Any:
    """The results as a pandas DataFrame, one row per project (the CSV columns; scores as float).

    Accepts BatchItems, or what :func:`score_many` yields (keyed by position). pandas is optional:
    raises EvalrulesError when it is not installed.
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise EvalrulesError(
            [Problem("E-PANDAS", "results_frame 需要 pandas，但没有安装", suggestion="pip install pandas")]
        ) from None
    batch = [
        item
        if isinstance(item, BatchItem)
        else BatchItem(str(index), result=item)
        if isinstance(item, Result)
        else BatchItem(str(index), error=item)
        for index, item in enumerate(items)
    ]
    firsts = _firsts(batch)
    numeric = {"total", *firsts}
    names = columns(batch)
    records = [
        {
            name: (float(value) if name in numeric and value is not None else value)
            for name, value in zip(names, row(item, firsts), strict=True)
        }
        for item in batch
    ]
    return pandas.DataFrame.from_records(records, columns=names)
