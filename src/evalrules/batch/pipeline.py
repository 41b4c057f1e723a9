"""A batch in one pass: each project is read, scored and made into its part of the results file
where it is, so that ``--jobs N`` shares the reading and the explaining, not only the scoring, and
the batch holds a few chunks at a time, never all the projects or all the results.

What travels to a worker is small: a file name, or the rows of one project of a flat file (split
here, because a project's rows may be anywhere in the file). What comes back is the project's
:class:`~evalrules.batch.results.Record`: its cells, or its JSONL line. A worker forked from this
process inherits the ruleset and the plugins; one started clean (forkserver, or spawn on Windows)
loads them once.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from ..base.errors import EvalrulesError, LoadError, internal_error
from ..hooks.registry import Registry, default_registry
from ..io.flat import RowText, flat_groups, project_of
from ..io.flat_project import Row
from ..io.loading import load_ruleset
from ..io.project_input import FLAT_SUFFIXES
from ..io.ruleset_names import ruleset_reference
from ..model.project import Project
from ..model.ruleset import Ruleset
from .inputs import read_path
from .items import BatchItem
from .parallel import (
    CHUNKSIZE,
    WINDOW,
    RulesetRef,
    can_fork,
    clean_context,
    ignore_interrupt,
    resilient,
    score_one,
    worker_died,
)
from .results import Record, record


class Rows(NamedTuple):
    """The rows of one project of a flat file."""

    key: str
    rows: list[tuple[int, Row | RowText]]
    file: str
    header: tuple[str, ...]


class Refused(NamedTuple):
    """An input that could not be read at all: its key and why."""

    key: str
    error: EvalrulesError


Unit = Path | Rows | Refused
Note = str
"""What a reader left out and says (a hidden sheet), sent back among the records."""


def units(files: Iterable[Path]) -> Iterator[Unit]:
    """The work of the inputs, in order: a file to read, or a flat file's projects one by one."""
    for path in files:
        if path.suffix.lower() not in FLAT_SUFFIXES or not path.is_file():
            yield path
            continue
        try:
            name, header, groups = flat_groups(path)
        except EvalrulesError as error:
            yield Refused(str(path), error)
            continue
        except Exception as error:  # one unreadable file must not stop the run
            yield Refused(str(path), internal_error(error, str(path)))
            continue
        groups.reverse()
        while groups:  # each project's rows are let go once sent: never two files' rows at a time
            key, rows = groups.pop()
            yield Rows(key, rows, name, header)


class Worker:
    """Reads, scores and records, with the rulesets it has loaded (each once)."""

    def __init__(self, ruleset: RulesetRef | None, suffix: str, registry: Registry) -> None:
        self.given = None if ruleset is None else self.load(ruleset)
        self.suffix = suffix
        self.registry = registry
        self.named: dict[str, Ruleset | LoadError] = {}

    @staticmethod
    def load(ruleset: RulesetRef) -> Ruleset:
        return ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset)

    def ruleset_of(self, project: Project) -> Ruleset | LoadError:
        if self.given is not None:
            return self.given
        try:
            reference = ruleset_reference(project.file, project.ruleset)
        except LoadError as missing:
            return missing
        if reference not in self.named:
            try:
                self.named[reference] = self.load(reference)
            except LoadError as error:  # a ruleset named in project files: those projects fail
                self.named[reference] = error
        return self.named[reference]

    def item(self, key: str, entry: Project | EvalrulesError) -> BatchItem:
        if isinstance(entry, EvalrulesError):
            return BatchItem(key, error=entry)
        ruleset = self.ruleset_of(entry)
        if isinstance(ruleset, LoadError):
            return BatchItem(key, error=ruleset, project=entry)
        outcome = score_one(entry, ruleset, self.registry)
        if isinstance(outcome, EvalrulesError):
            return BatchItem(key, error=outcome, project=entry)
        return BatchItem(key, result=outcome, project=entry)

    def work(self, chunk: list[Unit]) -> list[Record | Note]:
        done: list[Record | Note] = []
        for unit in chunk:
            notes: list[str] = []
            for key, entry in _read(unit, notes):
                done.append(self.record(key, entry))
            done.extend(notes)
        return done

    def record(self, key: str, entry: Project | EvalrulesError) -> Record:
        item = self.item(key, entry)
        try:
            return record(item, self.suffix)  # the explanation, for JSONL, is made here
        except EvalrulesError as error:
            return record(BatchItem(key, error=error, project=item.project), self.suffix)
        except Exception as error:  # one project's bug must not stop the run
            failed = internal_error(error, item.project.file if item.project else key)
            return record(BatchItem(key, error=failed, project=item.project), self.suffix)


def _read(unit: Unit, notes: list[str]) -> list[tuple[str, Project | EvalrulesError]]:
    if isinstance(unit, Refused):
        return [(unit.key, unit.error)]
    if isinstance(unit, Rows):
        try:
            return [(unit.key, project_of(unit.key, unit.rows, unit.file, unit.header))]
        except Exception as error:  # one unreadable project must not stop the run
            return [(unit.key, internal_error(error, unit.file))]
    return read_path(unit, notes)


def _key(unit: Unit) -> str:
    return unit.key if isinstance(unit, (Rows, Refused)) else str(unit)


# --- workers in a process pool -----------------------------------------------------------------

_worker: Worker | None = None


def _start(ruleset: RulesetRef | None, suffix: str) -> None:
    """Pool initializer: a worker that ignores Ctrl-C (this process stops the run) and has loaded
    the plugins and the ruleset."""
    global _worker
    ignore_interrupt()
    _worker = Worker(ruleset, suffix, default_registry())


def _work(chunk: list[Unit]) -> list[Record | Note]:
    assert _worker is not None
    return _worker.work(chunk)


def records(
    work: Iterable[Unit], ruleset: Ruleset | None, suffix: str, jobs: int, reference: RulesetRef | None = None
) -> Generator[Record | Note, None, None]:
    """Each project's record (and each note), in input order, on this process or ``jobs`` workers.
    ``ruleset`` None scores each project under the ruleset it names; ``reference`` is where the
    ruleset came from, for workers that start clean and load it themselves."""
    iterator = iter(work)
    chunks = iter(lambda: list(itertools.islice(iterator, CHUNKSIZE)), [])
    if jobs == 1:
        here = Worker(ruleset, suffix, default_registry())
        for chunk in chunks:
            yield from here.work(chunk)
        return
    fork = can_fork()
    context = multiprocessing.get_context("fork") if fork else clean_context()
    sent = (
        ruleset if fork or reference is None else str(reference) if isinstance(reference, Path) else reference
    )

    def make_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=(sent, suffix))

    def singles(chunk: list[Unit]) -> list[tuple[list[Unit], Record | Note]]:
        return [([unit], _died(unit, suffix)) for unit in chunk]

    for _, done in resilient(make_pool, _work, chunks, singles, jobs * WINDOW):
        yield from done


def _died(unit: Unit, suffix: str) -> Record:
    key = _key(unit)
    file = unit.file if isinstance(unit, Rows) else key
    return record(BatchItem(key, error=worker_died(key, file)), suffix)
