"""score_many on several processes: forked workers for sequences, a forkserver otherwise.

Whichever way the work is shared, the outcomes are those of scoring one project at a time, in
input order: results (explained in this process when asked), errors with their problems, and
results a plugin adjusted.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import evalrules
from evalrules import Result, testing
from evalrules.base import json_text
from evalrules.base.errors import EvalrulesError
from evalrules.batch import parallel
from evalrules.batch.run import score_many
from evalrules.hooks.registry import Registry
from evalrules.io.project_input import load_project
from evalrules.model.project import Project

from .conftest import SEED
from .test_adjusting import CAPPED, GradeCap, flagged

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from generate import RULESET, generate


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> list[Project]:
    folder = tmp_path_factory.mktemp("projects")
    generate(12, folder, seed=3)
    loaded = [load_project(path) for path in sorted(folder.glob("*.toml"))]
    broken = load_project(folder / "p00002.toml")
    broken = evalrules.model.project.Project(**{**_fields(broken), "targets": ()})  # E-SLOT-EMPTY
    return [*loaded[:5], broken, *loaded[5:]]


def _fields(project: Project) -> dict[str, object]:
    import attrs

    return {field.name: getattr(project, field.name) for field in attrs.fields(Project) if field.init}


def _seen(outcomes: Sequence[Result | EvalrulesError]) -> list[object]:
    return [
        json_text.dumps(outcome.to_dict(), ensure_ascii=False)
        if isinstance(outcome, Result)
        else [problem.code for problem in outcome.problems]
        for outcome in outcomes
    ]


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork here (Windows, or simulated)"
)


@needs_fork
def test_forked_workers_give_what_one_process_gives(projects: list[Project]) -> None:
    assert parallel.can_fork()
    one = list(score_many(projects, RULESET, jobs=1))
    two = list(score_many(projects, RULESET, jobs=2))
    assert all(isinstance(outcome, Result) and not outcome.explained for outcome in two[:5])
    assert _seen(two) == _seen(one)
    assert _seen(two)[5] == ["E-SLOT-EMPTY", "E-SLOT-EMPTY"]  # 产出指标 and 效益指标


def test_an_iterator_goes_to_forkserver_workers(projects: list[Project]) -> None:
    def stream() -> Iterator[Project]:
        yield from projects

    one = list(score_many(projects, RULESET, jobs=1))
    assert _seen(list(score_many(stream(), RULESET, jobs=2, chunksize=4))) == _seen(one)


def test_a_process_running_threads_is_not_forked(
    monkeypatch: pytest.MonkeyPatch, projects: list[Project]
) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        chosen: list[str] = []
        monkeypatch.setattr(parallel, "_served", _spy(parallel._served, chosen, "forkserver"))
        outcomes = list(score_many(projects[:3], RULESET, jobs=2))
        assert chosen == ["forkserver"] and all(isinstance(outcome, Result) for outcome in outcomes)
    finally:
        stop.set()
        thread.join()


def _spy(
    function: Callable[..., Iterator[object]], calls: list[str], name: str
) -> Callable[..., Iterator[object]]:
    def spied(*arguments: object) -> Iterator[object]:
        calls.append(name)
        return function(*arguments)

    return spied


@needs_fork
def test_a_custom_registry_reaches_forked_workers_and_adjusted_results_are_scored_here(
    write: Callable[[str, str], Path],
) -> None:
    registry: Registry = testing.plugin_registry(GradeCap())
    ruleset = testing.assert_ruleset_loads(write("capped.toml", CAPPED), registry)
    capped, plain = load_project(flagged(write, '"尚未整改"')), load_project(SEED)
    outcomes = list(score_many([capped, plain, capped], ruleset, jobs=2, registry=registry))
    assert [outcome.grade for outcome in outcomes if isinstance(outcome, Result)] == ["良", "优", "良"]
    assert outcomes[0].to_dict()["adjustments"][0]["plugin"] == "GradeCap"  # type: ignore[union-attr]
    assert outcomes[1].adjustments == ()  # type: ignore[union-attr]


def test_where_only_spawn_exists_workers_are_spawned(
    monkeypatch: pytest.MonkeyPatch, projects: list[Project]
) -> None:
    # Windows: forkserver and fork do not exist; asking for them raises (issue 16).
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert parallel.clean_context().get_start_method() == "spawn"
    assert not parallel.can_fork()
    one = list(score_many(projects, RULESET, jobs=1))
    assert _seen(list(score_many(projects, RULESET, jobs=2, chunksize=4))) == _seen(one)


def test_a_custom_registry_cannot_go_to_forkserver_workers(projects: list[Project]) -> None:
    with pytest.raises(ValueError, match="jobs=1"):
        list(score_many(iter(projects), RULESET, jobs=2, registry=testing.plugin_registry()))


def test_jobs_must_be_positive(projects: list[Project]) -> None:
    with pytest.raises(ValueError):
        score_many(projects, RULESET, jobs=0)


KILLER = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {benchmarks!r})
from generate import RULESET, generate
from evalrules.batch import parallel
from evalrules.batch.run import read_inputs, run_batch, score_many

folder = Path({folder!r})
generate(10, folder, seed=5)
projects = [entry for _, entry in read_inputs([folder])]
victim = projects[{victim}].file
original = parallel._numbers

def numbers(chunk, ruleset, registry):
    chunk = list(chunk)
    if any(project.file == victim for project in chunk):
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return original(chunk, ruleset, registry)

parallel._numbers = numbers  # forked workers inherit it
from evalrules.batch import pipeline
original_one = pipeline.score_one

def score_one(project, ruleset, registry):
    if project.file == victim:
        os.kill(os.getpid(), signal.SIGKILL)
    return original_one(project, ruleset, registry)

pipeline.score_one = score_one  # the batch reads and scores in its workers
for outcome in score_many(projects, RULESET, jobs=2):
    if hasattr(outcome, "total"):
        print(outcome.total)
    else:
        print([f"{{p.code}}:{{p.file}}:{{p.message}}" for p in outcome.problems])
summary = run_batch([folder], RULESET, folder / "out.csv", jobs=2, progress=False)
print("batch", summary.failed, len((folder / "out.csv").read_text("utf-8").splitlines()))
"""


@needs_fork
def test_a_worker_killed_mid_batch_costs_only_its_project(tmp_path: Path) -> None:
    # issue 23 item 4: a SIGKILLed worker (OOM killer) used to leave the pool waiting forever
    import subprocess

    benchmarks = str(Path(__file__).parent.parent / "benchmarks")
    script = KILLER.format(benchmarks=benchmarks, folder=str(tmp_path / "p"), victim=3)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", timeout=180
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 11
    assert "E-WORKER" in lines[3] and "意外退出" in lines[3] and "p00004" in lines[3]
    assert all("E-WORKER" not in line and "[" not in line for i, line in enumerate(lines[:10]) if i != 3)
    assert lines[10] == "batch 1 11"  # header + 10 rows, one of them the dead worker's


class Exiting(GradeCap):
    """A plugin whose hook exits (SystemExit) or interrupts (KeyboardInterrupt) for flagged projects."""

    def __init__(self, raised: BaseException) -> None:
        super().__init__()
        self.raised = raised

    @evalrules.hookimpl
    def adjust_result(
        self, result: evalrules.Result, ruleset: evalrules.Ruleset, project: evalrules.Project
    ) -> object:
        if project.flags:
            raise self.raised
        return None


@pytest.mark.parametrize("raised", [SystemExit(9), KeyboardInterrupt()])
@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=needs_fork)])
def test_a_plugin_that_exits_or_interrupts_costs_only_its_project(
    write: Callable[[str, str], Path], raised: BaseException, jobs: int
) -> None:
    registry: Registry = testing.plugin_registry(Exiting(raised))
    ruleset = testing.assert_ruleset_loads(write("capped.toml", CAPPED), registry)
    capped, plain = load_project(flagged(write, '"尚未整改"')), load_project(SEED)
    with parallel.noticing_interrupts():  # as `evalrules batch` runs: a real Ctrl-C still stops it
        outcomes = list(score_many([plain, capped, plain], ruleset, jobs=jobs, registry=registry))
    assert isinstance(outcomes[0], Result) and isinstance(outcomes[2], Result)
    assert isinstance(outcomes[1], EvalrulesError)
    (problem,) = outcomes[1].problems
    # sys.exit in adjust_result is that hook's failure (E-PLUGIN-ADJUST, docs/hooks.md); an interrupt
    # from plugin code is E-EXIT-IN-PLUGIN: either way only this project, and the batch goes on
    code = "E-PLUGIN-ADJUST" if isinstance(raised, SystemExit) else "E-EXIT-IN-PLUGIN"
    assert problem.code == code and type(raised).__name__ in problem.message
    assert "adjust_result" in problem.message and problem.file == capped.file


def test_a_real_ctrl_c_still_stops_the_run(write: Callable[[str, str], Path]) -> None:
    registry: Registry = testing.plugin_registry(Exiting(KeyboardInterrupt()))
    ruleset = testing.assert_ruleset_loads(write("capped.toml", CAPPED), registry)
    capped = load_project(flagged(write, '"尚未整改"'))
    with pytest.raises(KeyboardInterrupt):  # not noticing: a library caller's Ctrl-C is not eaten
        list(score_many([capped], ruleset, jobs=1, registry=registry))
