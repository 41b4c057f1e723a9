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

import contextlib
import gc
import itertools
import multiprocessing
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TypeVar

from ..base.errors import EvalrulesError, Problem, internal_error
from ..base.numbers import CONTEXT
from ..engine.scoring import plan_for, planned_result, score, score_unadjusted
from ..hooks.adjusting import apply_adjustments
from ..hooks.registry import Registry, default_registry
from ..io.loading import load_ruleset
from ..model.project import Project
from ..model.result import Result
from ..model.ruleset import Ruleset

RulesetRef = Ruleset | str | Path
Scored = str
"""A result crossing processes: total, exact total and first-level scores as text, joined by
SEPARATOR (pickling Decimals one by one costs more than scoring them)."""
SEPARATOR = ";"
Failed = EvalrulesError
"""A project's error, sent from a worker as it is (errors pickle)."""
"""An error crossing processes: its class name and problems (its __init__ does not pickle)."""

CHUNKSIZE = 16
"""Projects per task sent pickled to a forkserver worker."""
MAX_RANGE = 2000
"""Most projects per index range given to a forked worker."""
FINISHED = 32
"""Results made at a time in this process: a few, so that they are not kept long enough for the
garbage collector to go through them, and all the projects with them."""


_signalled = False
"""Set when Ctrl-C reached this process while noticing_interrupts() was on: only then is a
KeyboardInterrupt the user's, to be raised; any other one was raised by plugin code."""


def _flag_interrupt(signum: int, frame: object) -> None:
    global _signalled
    _signalled = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def noticing_interrupts() -> Iterator[None]:
    """Tell a real Ctrl-C from a KeyboardInterrupt raised by a plugin (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    signal.signal(signal.SIGINT, _flag_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def plugin_exit(error: BaseException, file: str | None) -> EvalrulesError:
    """A KeyboardInterrupt or SystemExit raised by plugin code as the project's error item; a real
    Ctrl-C (see noticing_interrupts) goes on up."""
    if isinstance(error, KeyboardInterrupt) and (_signalled or not _noticing()):
        raise error
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"
    return EvalrulesError(
        [
            Problem(
                "E-EXIT-IN-PLUGIN",
                f"插件代码抛出 {type(error).__name__}: {error}（在 {where}），该项目未打分，批处理继续",
                file=file,
            )
        ]
    )


def _noticing() -> bool:
    handler = signal.getsignal(signal.SIGINT)
    return handler is _flag_interrupt or handler == signal.SIG_IGN


def score_one(project: Project, ruleset: Ruleset, registry: Registry | None) -> Result | EvalrulesError:
    try:
        return score(project, ruleset, registry)
    except EvalrulesError as error:
        return error
    except Exception as error:  # isolate the project: report it as an error item
        return internal_error(error, project.file)
    except (KeyboardInterrupt, SystemExit) as error:
        return plugin_exit(error, project.file)


def _numbers(projects: Iterable[Project], ruleset: Ruleset, registry: Registry) -> list[Scored | Failed]:
    """The ruleset's own numbers for each project, as text (plugins adjust them where the result
    is made)."""
    run = plan_for(ruleset, registry).run
    sent: list[Scored | Failed] = []
    with localcontext(CONTEXT):
        for project in projects:
            try:
                numbers = run(project)
            except (KeyboardInterrupt, SystemExit) as error:  # from a plugin's strategy
                sent.append(plugin_exit(error, project.file))
                continue
            if numbers is None:  # off the plan's road: explained at once, or refused with its problems
                try:
                    result = score_unadjusted(project, ruleset, registry)
                except EvalrulesError as error:
                    sent.append(error)
                    continue
                except Exception as error:
                    sent.append(internal_error(error, project.file))
                    continue
                except (KeyboardInterrupt, SystemExit) as error:  # SIGINT is ignored in workers
                    sent.append(plugin_exit(error, project.file))
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
            if isinstance(numbers, EvalrulesError):
                made.append(numbers)
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
            except (KeyboardInterrupt, SystemExit) as error:
                made.append(plugin_exit(error, project.file))
    return made


# --- pools that survive a dead worker -----------------------------------------------------------

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")
WINDOW = 4
"""Tasks in flight per worker: enough to keep them busy, few enough not to hold an iterator whole."""


def worker_died(name: str, file: str | None) -> Failed:
    """The error of a project whose worker process died while it was being read or scored."""
    return EvalrulesError(
        [
            Problem(
                "E-WORKER",
                f"打分进程在处理项目“{name}”时意外退出（可能被系统因内存不足终止），该项目未打分",
                file=file,
            )
        ]
    )


def _died(project: Project) -> Failed:
    return worker_died(getattr(project, "name", "") or project.file or "?", project.file)


def _submit(
    pool: ProcessPoolExecutor, work: Callable[[Task], list[Outcome]], task: Task
) -> Future[list[Outcome]]:
    try:
        return pool.submit(work, task)
    except BrokenProcessPool as error:  # broken since the last result: handled where it is awaited
        future: Future[list[Outcome]] = Future()
        future.set_exception(error)
        return future


def resilient(
    make_pool: Callable[[], ProcessPoolExecutor],
    work: Callable[[Task], list[Outcome]],
    tasks: Iterator[Task],
    singles: Callable[[Task], list[tuple[Task, Outcome]]],
    window: int,
) -> Iterator[tuple[Task, list[Outcome]]]:
    """Each task with its outcomes, in order. A worker that dies (SIGKILL, the OOM killer) breaks
    the pool and every task in flight: the broken task is run again one project at a time (its
    ``singles``: each a task and the outcome to give if that one kills its worker too, an E-WORKER
    error), so that only the project that kills its worker is lost; then a new pool goes on."""
    pool = make_pool()
    try:
        flight: list[tuple[Task, Future[list[Outcome]]]] = []
        while True:
            more = itertools.islice(tasks, window - len(flight))
            flight.extend((task, _submit(pool, work, task)) for task in more)
            if not flight:
                return
            task, future = flight.pop(0)
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                pool = make_pool()
                outcomes = []
                for single, died in singles(task):
                    try:
                        outcomes.extend(_submit(pool, work, single).result())
                    except BrokenProcessPool:
                        outcomes.append(died)
                        pool.shutdown(wait=True)
                        pool = make_pool()
                tasks = itertools.chain([task for task, _ in flight], tasks)
                flight = []
            yield task, outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- forked workers: inherit everything, receive index ranges ----------------------------------

_inherited: tuple[Sequence[Project], Ruleset, Registry] | None = None


def _score_range(bounds: tuple[int, int]) -> list[Scored | Failed]:
    assert _inherited is not None
    projects, ruleset, registry = _inherited
    return _numbers(map(projects.__getitem__, range(*bounds)), ruleset, registry)


def _nothing() -> None:
    pass


def ignore_interrupt() -> None:
    """Workers leave Ctrl-C to this process, which stops the run (else each prints a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _forked(
    projects: Sequence[Project], ruleset: Ruleset, registry: Registry, jobs: int
) -> Iterator[Result | EvalrulesError]:
    size = max(1, min(MAX_RANGE, -(-len(projects) // (jobs * 8))))
    ranges = [(start, min(start + size, len(projects))) for start in range(0, len(projects), size)]

    def make_pool() -> ProcessPoolExecutor:
        global _inherited
        _inherited = (projects, ruleset, registry)
        gc.freeze()  # the workers share these pages: no collection in them writes to every object
        try:
            pool = ProcessPoolExecutor(
                jobs, mp_context=multiprocessing.get_context("fork"), initializer=ignore_interrupt
            )
            pool.submit(_nothing).result()  # a fork pool starts all its workers at the first task
        finally:
            gc.unfreeze()
            _inherited = None
        return pool

    def singles(bounds: tuple[int, int]) -> list[tuple[tuple[int, int], Scored | Failed]]:
        return [((index, index + 1), _died(projects[index])) for index in range(*bounds)]

    for (start, _), outcomes in resilient(make_pool, _score_range, iter(ranges), singles, jobs * WINDOW):
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
    ignore_interrupt()
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

    def chunks() -> Iterator[list[Project]]:
        iterator = iter(projects)
        while chunk := list(itertools.islice(iterator, chunksize)):
            yield chunk

    def make_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            jobs, mp_context=clean_context(), initializer=_init_worker, initargs=(reference,)
        )

    def singles(chunk: list[Project]) -> list[tuple[list[Project], Scored | Failed]]:
        return [([project], _died(project)) for project in chunk]

    for chunk, outcomes in resilient(make_pool, _score_chunk, chunks(), singles, jobs * WINDOW):
        yield from _finished(chunk, ruleset, registry, outcomes)  # chunksize at a time


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
    elif isinstance(projects, Sequence) and can_fork():
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


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
