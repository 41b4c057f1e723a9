"""Scoring many projects on several cores, in input order, with only numbers crossing processes.

Workers score by plan and send back each project's total, exact total and first-level scores, or
its problems; this process makes the Result (which explains itself from this process's own
project when asked) and lets the plugins adjust it, so a worker never pickles a result, a ruleset
or a registry.

When the projects are a sequence and this process runs no other thread, the workers are forked:
they inherit the projects, the ruleset and the registry, and receive only index ranges. Otherwise
(an iterator, or threads that a fork could catch holding a lock, or Windows, which cannot fork)
they start clean, from a forkserver or, where there is none (Windows), spawned; they load the
ruleset once each and receive the projects pickled in chunks.
"""

from __future__ import annotations

import collections
import gc
import multiprocessing
import threading
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, localcontext
from pathlib import Path

from .adjusting import apply_adjustments
from .errors import EvalrulesError, Problem, internal_error, rebuilt_error
from .loading import load_ruleset
from .model import Ruleset
from .numbers import CONTEXT
from .plugins import Registry, default_registry
from .project import Project
from .result import Result
from .scoring import plan_for, planned_result, score, score_unadjusted

RulesetRef = Ruleset | str | Path
Scored = str
"""A result crossing processes: total, exact total and first-level scores as text, joined by
SEPARATOR (pickling Decimals one by one costs more than scoring them)."""
SEPARATOR = ";"
Failed = tuple[str, tuple[Problem, ...]]
"""An error crossing processes: its class name and problems (its __init__ does not pickle)."""

CHUNKSIZE = 16
"""Projects per task sent pickled to a forkserver worker."""
MAX_RANGE = 2000
"""Most projects per index range given to a forked worker."""
FINISHED = 32
"""Results made at a time in this process: a few, so that they are not kept long enough for the
garbage collector to go through them, and all the projects with them."""


def score_one(project: Project, ruleset: Ruleset, registry: Registry | None) -> Result | EvalrulesError:
    try:
        return score(project, ruleset, registry)
    except EvalrulesError as error:
        return error
    except Exception as error:  # isolate the project: report it as an error item
        return internal_error(error, project.file)


def _numbers(projects: Iterable[Project], ruleset: Ruleset, registry: Registry) -> list[Scored | Failed]:
    """The ruleset's own numbers for each project, as text (plugins adjust them where the result
    is made)."""
    run = plan_for(ruleset, registry).run
    sent: list[Scored | Failed] = []
    with localcontext(CONTEXT):
        for project in projects:
            numbers = run(project)
            if numbers is None:  # off the plan's road: explained at once, or refused with its problems
                try:
                    result = score_unadjusted(project, ruleset, registry)
                except EvalrulesError as error:
                    sent.append((type(error).__name__, error.problems))
                    continue
                except Exception as error:
                    sent.append(("EvalrulesError", internal_error(error, project.file).problems))
                    continue
                numbers = result.total, result.exact_total, tuple(result.subtotals().items())
            total, exact, firsts = numbers
            scores = ["" if score is None else str(score) for _, score in firsts]
            sent.append(SEPARATOR.join((str(total), str(exact), *scores)))
    return sent


def _finished(
    projects: Sequence[Project], ruleset: Ruleset, registry: Registry, outcomes: Sequence[Scored | Failed]
) -> list[Result | EvalrulesError]:
    """Each project's result made from the numbers a worker sent (or its error), and adjusted by
    the plugins: in one decimal context for the lot, and returned as a list, so that the caller's
    code never runs in that context between two results."""
    names = [indicator.name for indicator in ruleset.indicators]
    adjusters = registry.adjusters
    made: list[Result | EvalrulesError] = []
    with localcontext(CONTEXT):
        for project, numbers in zip(projects, outcomes):
            if isinstance(numbers, tuple):
                made.append(rebuilt_error(*numbers))
                continue
            total, exact, *scores = numbers.split(SEPARATOR)
            firsts = tuple((name, Decimal(score) if score else None) for name, score in zip(names, scores))
            try:
                result = planned_result(project, ruleset, registry, Decimal(total), Decimal(exact), firsts)
                made.append(apply_adjustments(result, ruleset, project, adjusters))
            except EvalrulesError as error:
                made.append(error)
            except Exception as error:
                made.append(internal_error(error, project.file))
    return made


# --- forked workers: inherit everything, receive index ranges ----------------------------------

_inherited: tuple[Sequence[Project], Ruleset, Registry] | None = None


def _score_range(bounds: tuple[int, int]) -> list[Scored | Failed]:
    assert _inherited is not None
    projects, ruleset, registry = _inherited
    return _numbers(map(projects.__getitem__, range(*bounds)), ruleset, registry)


def _forked(
    projects: Sequence[Project], ruleset: Ruleset, registry: Registry, jobs: int
) -> Iterator[Result | EvalrulesError]:
    global _inherited
    size = max(1, min(MAX_RANGE, -(-len(projects) // (jobs * 8))))
    ranges = [(start, min(start + size, len(projects))) for start in range(0, len(projects), size)]
    _inherited = (projects, ruleset, registry)
    gc.freeze()  # the workers share these pages: no collection in them writes to every object
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs)
    finally:
        gc.unfreeze()
        _inherited = None
    with pool:
        for (start, _), outcomes in zip(ranges, pool.imap(_score_range, ranges), strict=True):
            for offset in range(0, len(outcomes), FINISHED):
                some = outcomes[offset : offset + FINISHED]
                begin = start + offset
                owners = [projects[index] for index in range(begin, begin + len(some))]
                yield from _finished(owners, ruleset, registry, some)


# --- forkserver workers: load the ruleset, receive pickled chunks ------------------------------

_loaded: tuple[Ruleset, Registry] | None = None


def _init_worker(ruleset: RulesetRef) -> None:
    """Pool initializer: load the registry and the ruleset once per worker process."""
    global _loaded
    registry = default_registry()
    _loaded = (ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset), registry)


def _score_chunk(chunk: list[Project]) -> list[Scored | Failed]:
    assert _loaded is not None
    ruleset, registry = _loaded
    return _numbers(chunk, ruleset, registry)


def _served(
    projects: Iterable[Project], reference: RulesetRef, ruleset: Ruleset, jobs: int, chunksize: int
) -> Iterator[Result | EvalrulesError]:
    registry = default_registry()
    sent: collections.deque[list[Project]] = collections.deque()

    def chunks() -> Iterator[list[Project]]:
        chunk: list[Project] = []
        for project in projects:
            chunk.append(project)
            if len(chunk) == chunksize:
                sent.append(chunk)
                yield chunk
                chunk = []
        if chunk:
            sent.append(chunk)
            yield chunk

    with clean_context().Pool(jobs, initializer=_init_worker, initargs=(reference,)) as pool:
        for outcomes in pool.imap(_score_chunk, chunks()):
            yield from _finished(sent.popleft(), ruleset, registry, outcomes)  # chunksize at a time


def score_many(
    projects: Iterable[Project],
    ruleset: RulesetRef,
    *,
    jobs: int = 1,
    registry: Registry | None = None,
    chunksize: int = CHUNKSIZE,
) -> Iterator[Result | EvalrulesError]:
    """Score every project, yielding its Result or its EvalrulesError, in input order.

    jobs > 1 scores in a process pool (see the module docstring for how the work is shared). A
    custom registry reaches forked workers only: with an iterator, or with threads running, it
    needs jobs=1. A LoadError for the ruleset itself is raised before any project is scored.
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    loaded = ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset, registry)
    return _score_many(projects, ruleset, loaded, jobs, registry, chunksize)


def _score_many(
    projects: Iterable[Project],
    reference: RulesetRef,
    ruleset: Ruleset,
    jobs: int,
    registry: Registry | None,
    chunksize: int,
) -> Iterator[Result | EvalrulesError]:
    if jobs == 1:
        for project in projects:
            yield score_one(project, ruleset, registry)
    elif isinstance(projects, Sequence) and _can_fork():
        yield from _forked(projects, ruleset, registry or default_registry(), jobs)
    elif registry is not None:
        raise ValueError("a custom registry cannot be sent to forkserver workers: use jobs=1")
    else:
        yield from _served(
            projects,
            reference if not isinstance(reference, Path) else str(reference),
            ruleset,
            jobs,
            chunksize,
        )


def clean_context() -> multiprocessing.context.BaseContext:
    """A start method whose workers begin clean: forkserver where it exists, else spawn (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
