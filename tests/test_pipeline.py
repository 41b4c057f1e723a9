"""The batch pipeline: projects stream through (read, scored and recorded where they are), in input
order, one chunk at a time; what cannot be read or scored becomes its own error record."""

from __future__ import annotations

import csv
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import evalrules
from evalrules.batch import pipeline
from evalrules.batch.parallel import CHUNKSIZE, WINDOW
from evalrules.batch.pipeline import Refused, Rows, Unit, Worker, records, units
from evalrules.batch.results import Record
from evalrules.io.flat import flat_groups, write_flat

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from generate import RULESET, generate


@pytest.fixture(scope="module")
def flat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("projects")
    generate(6, folder, seed=11)
    path = folder / "平面.csv"
    write_flat([evalrules.load_project(file) for file in sorted(folder.glob("*.toml"))], path)
    return path


def _endless(flat: Path, counter: list[int]) -> Iterator[Unit]:
    name, header, groups = flat_groups(flat)
    for key, rows in itertools.cycle(groups):
        counter[0] += 1
        yield Rows(key, rows, name, header)


@pytest.mark.parametrize("jobs", [1, 2])
def test_records_stream_a_chunk_at_a_time(flat: Path, jobs: int) -> None:
    """An endless input gives its first records at once: nothing waits for the whole input."""
    counter = [0]
    ruleset = evalrules.load_ruleset(RULESET)
    stream = records(_endless(flat, counter), ruleset, ".csv", jobs, RULESET)
    first = list(itertools.islice(stream, 5))
    stream.close()  # stops the workers
    assert [record.ok for record in first if isinstance(record, Record)] == [True] * 5
    assert counter[0] <= CHUNKSIZE * (jobs * WINDOW + 1)


def test_units_split_flat_files_and_keep_the_rest_as_files(flat: Path, tmp_path: Path) -> None:
    broken = tmp_path / "坏.csv"
    broken.write_text("没有,project,列\n1,2,3\n", encoding="utf-8")
    missing = tmp_path / "不存在.csv"
    toml = tmp_path / "a.toml"
    got = list(units([flat, broken, missing, toml]))
    assert all(isinstance(unit, Rows) for unit in got[:6]) and got[7:] == [missing, toml]
    refused = got[6]
    assert isinstance(refused, Refused) and refused.key == str(broken)
    assert "E-" in refused.error.render()  # read by the workers: its error is its row


def test_a_project_naming_a_missing_ruleset_fails_alone(flat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worker = Worker(None, ".csv", evalrules.default_registry())
    name, header, groups = flat_groups(flat)
    key, rows = groups[0]
    missing = {"ruleset": "没有这个规则集"}
    cells = [next(csv.reader([row])) for _, row in rows if isinstance(row, str)]  # the rows as written
    renamed = [
        (line, {**dict(zip(header, row, strict=True)), **missing})
        for (line, _), row in zip(rows, cells, strict=True)
    ]
    loads = []
    original = pipeline.load_ruleset
    monkeypatch.setattr(
        pipeline, "load_ruleset", lambda reference: loads.append(reference) or original(reference)
    )
    done = worker.work(
        [Rows(key, renamed, name, header), Rows(key, renamed, name, header), Rows(*groups[1], name, header)]
    )
    assert [isinstance(record, Record) and record.ok for record in done] == [False, False, True]
    first = done[0]
    assert isinstance(first, Record) and first.error is not None
    assert "没有这个规则集" in first.error.render()
    assert loads.count("没有这个规则集") == 1  # a ruleset that cannot be loaded is tried once


def test_a_reader_that_crashes_costs_only_its_project(flat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("读取器出错")

    monkeypatch.setattr(pipeline, "project_of", crash)
    worker = Worker(evalrules.load_ruleset(RULESET), ".jsonl", evalrules.default_registry())
    name, header, groups = flat_groups(flat)
    done = worker.work([Rows(*groups[0], name, header), Refused("坏文件", evalrules.LoadError([]))])
    assert [isinstance(record, Record) and not record.ok for record in done] == [True, True]
    assert '"status": "error"' in done[0].line and "读取器出错" in done[0].line  # type: ignore[union-attr]


def test_a_result_that_cannot_be_explained_costs_only_its_project(
    flat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evalrules.batch import results

    original = results.item_dict
    calls = []

    def explain(item: object) -> object:
        calls.append(item)
        if len(calls) == 1:
            raise RuntimeError("解释出错")
        return original(item)  # type: ignore[arg-type]

    monkeypatch.setattr(results, "item_dict", explain)
    worker = Worker(evalrules.load_ruleset(RULESET), ".jsonl", evalrules.default_registry())
    name, header, groups = flat_groups(flat)
    done = worker.work([Rows(*groups[0], name, header), Rows(*groups[1], name, header)])
    assert [isinstance(record, Record) and record.ok for record in done] == [False, True]
    assert "E-INTERNAL" in done[0].line and "解释出错" in done[0].line  # type: ignore[union-attr]
