"""Scoring speed side by side: evalrules, a hand-written scorer and a naive simpleeval scorer.

    python benchmarks/bench_scoring.py                  # about a minute; ends with one JSON line
    python benchmarks/bench_scoring.py --million 0      # skip the score_many run
    python benchmarks/bench_scoring.py --projects 300 --rounds 2 --million 20000   # a quick look

What it does, all in one run on the same generated projects (caiyu_2020_10_self, 30 indicators
each: 预算执行率 and 29 targets of every kind, some not applicable, weights given or split):

1. checks that evalrules, ``reference.score_by_hand`` and ``reference.score_naively`` give the same
   total, grade and first-level scores for every project (it stops if they do not);
2. times the three alternately, ``--rounds`` times, and keeps each one's fastest round;
3. scores ``--million`` projects through ``score_many`` with ``--jobs`` processes: the mix of
   benchmarks/generate.py (6 to 25 targets each, as real 自评表 vary), ``--distinct`` of them over
   and over (a million distinct projects would not fit in memory; nothing is cached per project);
4. times loading the national ruleset in a fresh process, and measures the memory a held result
   costs (tracemalloc, results as ``score`` returns them, not yet explained).

The last line is the JSON the issue asks for: vs_handwritten (evalrules time ÷ hand-written time,
lower is better), vs_naive (naive time ÷ evalrules time, higher is better), projects_per_s,
load_ms and bytes_per_result. docs/performance.md has the figures of this machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import generate as mix
from generate import REASONS, _q, _target
from reference import score_by_hand, score_naively

from evalrules import Result, default_registry, load_ruleset, score
from evalrules.batch.run import score_many
from evalrules.io.project_loading import project_from_text
from evalrules.model.project import Project

RULESET = "caiyu_2020_10_self"
LAYOUT = (
    ("产出指标/数量指标", 6),
    ("产出指标/质量指标", 6),
    ("产出指标/时效指标", 4),
    ("产出指标/成本指标", 4),
    ("效益指标/社会效益指标", 4),
    ("效益指标/经济效益指标", 2),
    ("效益指标/可持续影响指标", 2),
    ("满意度指标/服务对象满意度指标", 1),
)
"""29 targets: with 预算执行率, 30 indicators are scored."""
Scorer = Callable[[Project], Any]


def project_toml(number: int, rng: random.Random) -> str:
    budget = round(rng.uniform(5, 2000), 2)
    executed = round(budget * rng.choice((1, 1, 0.98, 0.9, 0.75)), 2)
    lines = [
        "[project]",
        f'name = "项目{number}"',
        f'unit = "单位{number % 97}"',
        "year = 2023",
        "[budget]",
        f'"全年预算数" = {budget}',
        f'"执行数" = {executed}',
        f"reason = {_q(rng.choice(REASONS))}",
    ]
    weighted = {"产出指标": rng.random() < 0.5, "效益指标": rng.random() < 0.5}
    weights = {"产出指标": iter(_split(50, 20, rng)), "效益指标": iter(_split(30, 8, rng))}
    slots = [slot for slot, count in LAYOUT for _ in range(count)]
    for index, slot in enumerate(slots):
        top = slot.split("/")[0]
        weight = next(weights[top]) if weighted.get(top) else None
        lines += _target(slot, index, weight, rng)
    return "\n".join(lines) + "\n"


def _split(total: int, count: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), count - 1))
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(count)]


def generate(count: int, seed: int = 0) -> tuple[list[Project], float]:
    """count projects read from TOML text, and the seconds reading took."""
    rng = random.Random(seed)
    texts = [project_toml(number, rng) for number in range(1, count + 1)]
    start = time.perf_counter()
    projects = [project_from_text(text, f"p{number}.toml") for number, text in enumerate(texts, 1)]
    return projects, time.perf_counter() - start


def by_engine(project: Project) -> Result:
    return score(project, RULESET_LOADED)


RULESET_LOADED = load_ruleset(RULESET)


SCORERS: tuple[tuple[str, Scorer], ...] = (
    ("evalrules", by_engine),
    ("手写", score_by_hand),
    ("simpleeval", score_naively),
)


def numbers(outcome: Any) -> tuple[Decimal, str, dict[str, Decimal | None]]:
    if isinstance(outcome, Result):
        return outcome.total, outcome.grade, outcome.subtotals()
    return outcome  # type: ignore[no-any-return]


def check_agreement(projects: Sequence[Project]) -> None:
    for project in projects:
        engine, hand, naive = (numbers(f(project)) for f in (by_engine, score_by_hand, score_naively))
        if not engine == hand == naive:
            sys.exit(f"{project.file}: evalrules {engine}, by hand {hand}, naive {naive}")


def time_round(scorer: Scorer, projects: Sequence[Project]) -> float:
    gc.collect()
    start = time.perf_counter()
    for project in projects:
        scorer(project)
    return (time.perf_counter() - start) / len(projects)


def load_ms() -> float:
    """Loading the national ruleset (formulas checked) in a fresh process, registry built first."""
    code = (
        "import time; from evalrules import default_registry, load_ruleset; default_registry();"
        "s = time.perf_counter(); load_ruleset('caiyu_2020_10'); print(time.perf_counter() - s)"
    )
    runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(3)]
    return min(runs) * 1000


def bytes_per_result(projects: Sequence[Project]) -> float:
    by_engine(projects[0])
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [by_engine(project) for project in projects]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(held) == len(projects)
    return (after - before) / len(projects)


def million(distinct: int, count: int, jobs: int) -> float:
    rng = random.Random(1)
    texts = [mix.project_toml(number, rng) for number in range(1, distinct + 1)]
    projects = [project_from_text(text, f"m{number}.toml") for number, text in enumerate(texts, 1)]
    cycle = [projects[index % len(projects)] for index in range(count)]
    start = time.perf_counter()
    scored = sum(1 for outcome in score_many(cycle, RULESET_LOADED, jobs=jobs) if isinstance(outcome, Result))
    seconds = time.perf_counter() - start
    print(f"score_many：{count} 个项目（{len(projects)} 个不同项目循环），jobs={jobs}")
    print(f"  {seconds:.1f} 秒，成功 {scored}")
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=1000, help="distinct generated projects")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--million", type=int, default=1_000_000, help="projects for score_many (0: skip)")
    parser.add_argument("--distinct", type=int, default=2000, help="distinct projects in the million")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    default_registry()
    projects, reading = generate(arguments.projects, arguments.seed)
    each = reading / len(projects) * 1e6
    print(f"读取 {len(projects)} 个项目（TOML 文本 → Project）：每个 {each:.0f} 微秒")
    check_agreement(projects)
    print("evalrules、手写打分与 simpleeval 打分的总分、等级和一级指标得分全部一致")
    best: dict[str, float] = {}
    for _ in range(arguments.rounds):
        for name, scorer in SCORERS:
            best[name] = min(best.get(name, float("inf")), time_round(scorer, projects))
    for name, seconds in best.items():
        print(f"{name}：每个项目 {seconds * 1e6:.1f} 微秒")
    report: dict[str, float | None] = {
        "vs_handwritten": round(best["evalrules"] / best["手写"], 2),
        "vs_naive": round(best["simpleeval"] / best["evalrules"], 1),
        "projects_per_s": round(million(arguments.distinct, arguments.million, arguments.jobs))
        if arguments.million
        else None,
        "load_ms": round(load_ms(), 1),
        "bytes_per_result": round(bytes_per_result(projects)),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
