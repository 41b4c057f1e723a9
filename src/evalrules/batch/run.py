"""Batch scoring: many projects, one ruleset, results in input order, nothing lost.

:func:`score_many` yields a Result or the project's EvalrulesError for every project, in input order,
on one core or a process pool. :func:`run_batch` reads files and folders (TOML/JSON here; Excel,
CSV and JSONL through :mod:`evalrules.io.excel` and :mod:`evalrules.io.flat`), scores them and writes one
results file (.csv, .jsonl or .xlsx) atomically: every input project appears in it exactly once.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO, TypeVar

from ..base.errors import LoadError, Problem
from ..io.loading import load_ruleset
from ..io.outputs import atomic_path, refuse_inputs_as_output
from ..model.ruleset import Ruleset
from .inputs import expand, read_as_gb18030, read_inputs
from .items import BatchItem, Summary
from .parallel import RulesetRef, score_many
from .pipeline import records, units
from .results import SINKS, results_frame

T = TypeVar("T")

__all__ = ["BatchItem", "Summary", "read_inputs", "results_frame", "run_batch", "score_many"]

OUTPUT_SUFFIXES = (".csv", ".jsonl", ".xlsx")


# --------------------------------------------------------------------------- scoring


class _Progress:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream, self.done, self.last = stream, 0, 0.0

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.stream is not None and now - self.last >= 0.1:
            self.last = now
            self.show()

    def show(self) -> None:
        if self.stream is not None:
            self.stream.write(f"\r已处理 {self.done} 个项目")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.done:
            self.show()
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
    suffix, a ruleset that cannot be loaded or inputs without a project. The projects stream
    through (:mod:`evalrules.batch.pipeline`): the summary keeps the failures, not the results.
    """
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in SINKS:
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
    given = None if ruleset is None else ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset)
    skipped: list[str] = []
    files = list(expand(inputs, skipped, output))
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(sys.stderr if show else None)
    failures: list[BatchItem] = []
    clock = _Clock()
    try:
        with atomic_path(output) as temporary, contextlib.ExitStack() as stack:
            sink = SINKS[suffix](temporary)
            stack.callback(sink.close)
            work = clock.timed("splitting", units(files))
            # closed first on the way out, so that the workers stop before the files are removed
            stream = stack.enter_context(contextlib.closing(records(work, given, suffix, jobs, ruleset)))
            for done in stream:
                if isinstance(done, str):
                    skipped.append(done)
                    continue
                if not done.ok:
                    failures.append(BatchItem(done.key, error=done.error))
                with clock.timing("writing"):
                    sink.add(done)
                bar.step()
            if not bar.done:
                raise _empty(inputs, skipped)
            with clock.timing("writing"):
                sink.finish()
    finally:
        bar.close()
    end = time.perf_counter()
    seconds = end - start
    return Summary(
        bar.done,
        bar.done - len(failures),
        len(failures),
        seconds,
        output,
        tuple(failures),
        clock.splitting,
        seconds - clock.splitting - clock.writing,
        clock.writing,
        tuple(str(path) for path in files if read_as_gb18030(path)),
        tuple(skipped),
    )


def _empty(inputs: Sequence[Path], skipped: list[str]) -> LoadError:
    return LoadError(
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


class _Clock:
    """Seconds spent here listing and splitting the inputs, and writing the results."""

    def __init__(self) -> None:
        self.splitting = self.writing = 0.0

    @contextlib.contextmanager
    def timing(self, what: str) -> Iterator[None]:
        begin = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, what, getattr(self, what) + time.perf_counter() - begin)

    def timed(self, what: str, iterator: Iterator[T]) -> Iterator[T]:
        """The iterator's items, the time spent making them counted as ``what``."""
        while True:
            with self.timing(what):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item
