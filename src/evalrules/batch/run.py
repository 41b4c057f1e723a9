"""Batch scoring: many projects, one ruleset, results in input order, nothing lost.

:func:`score_many` yields a Result or the project's EvalrulesError for every project, in input order,
on one core or a process pool. :func:`run_batch` reads files and folders (TOML/JSON here; Excel,
CSV and JSONL through :mod:`evalrules.io.excel` and :mod:`evalrules.io.flat`), scores them and writes one
results file (.csv, .jsonl or .xlsx) atomically: every input project appears in it exactly once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..base.errors import EvalrulesError, LoadError, Problem
from ..io.outputs import atomic_path, refuse_inputs_as_output
from ..io.ruleset_names import ruleset_reference
from ..model.project import Project
from ..model.result import Result
from .inputs import expand, read_as_gb18030, read_inputs
from .items import BatchItem, Summary
from .parallel import RulesetRef, score_many
from .results import WRITERS, results_frame

__all__ = ["BatchItem", "Summary", "read_inputs", "results_frame", "run_batch", "score_many"]

OUTPUT_SUFFIXES = (".csv", ".jsonl", ".xlsx")


# --------------------------------------------------------------------------- scoring


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
    writer = WRITERS.get(output.suffix.lower())
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
    files = list(expand(inputs, skipped, output))
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
        tuple(str(path) for path in files if read_as_gb18030(path)),
        tuple(skipped),
    )
