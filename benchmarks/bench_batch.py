"""End-to-end throughput the way users work: reading, explaining and writing (not a timed test).

    python benchmarks/bench_batch.py                     # projects/s for jobs=1 and jobs=N
    python benchmarks/bench_batch.py --json              # the standard set; its last line is JSON
    python benchmarks/bench_batch.py --json --count 300 --rss-count 2000   # the CI smoke run

``--json`` measures, on projects from benchmarks/generate.py (6 to 25 targets each):

- read_us_per_indicator: a TOML project file into a checked Project, per target or assessment;
- explain_vs_handwritten: a fully explained result (``score`` then ``to_dict``) per project, over
  the hand-written scorer of benchmarks/reference.py on the same projects;
- batch_csv_per_s_j1 / _j2: ``run_batch`` from one flat CSV file to a results CSV, jobs 1 and 2;
- batch_jsonl_per_s_j2: the same to full explained JSONL, jobs 2;
- batch_toml_per_s_j1 / _j2: ``run_batch`` from a folder of TOML project files to a results CSV;
- peak_rss_mb_100k: the peak memory of a separate process batching ``--rss-count`` projects
  (100,000 by default) from flat CSV files (10,000 projects each, under the 256 MB a flat file may
  have) to CSV: flat when the projects and the results stream through.

Every batch is run twice where it can disagree (jobs 1 and 2): the results files must be the same
byte for byte, or the run stops. docs/performance.md records the figures of this machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evalrules import Result, load_ruleset, score
from evalrules.batch.inputs import read_inputs
from evalrules.batch.parallel import score_many
from evalrules.batch.run import run_batch
from evalrules.io.flat import write_flat
from evalrules.io.project_input import load_project
from evalrules.model.project import Project

sys.path.insert(0, str(Path(__file__).parent))
from generate import RULESET, generate
from reference import score_by_hand


def _projects(folder: Path, count: int, seed: int) -> list[Project]:
    generate(count, folder, seed)
    return [entry for _, entry in read_inputs([folder]) if isinstance(entry, Project)]


def read_us_per_indicator(paths: list[Path]) -> float:
    gc.collect()
    start = time.perf_counter()
    projects = [load_project(path) for path in paths]
    seconds = time.perf_counter() - start
    indicators = sum(len(p.targets) + len(p.assessments) for p in projects)
    return seconds / indicators * 1e6


def explain_vs_handwritten(projects: list[Project], rounds: int = 3) -> float:
    ruleset = load_ruleset(RULESET)
    explained = handwritten = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        for project in projects:
            score(project, ruleset).to_dict()
        explained = min(explained, time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        for project in projects:
            score_by_hand(project)
        handwritten = min(handwritten, time.perf_counter() - start)
    return explained / handwritten


def batch_rate(inputs: Path, output: Path, jobs: int) -> float:
    summary = run_batch([inputs], RULESET, output, jobs, False)
    if summary.failed:
        sys.exit(f"{summary.failed} 个项目打分失败：{output}")
    return summary.rate


def same_file(first: Path, second: Path) -> None:
    if first.read_bytes() != second.read_bytes():
        sys.exit(f"jobs=1 与 jobs=2 的结果不同：{first} {second}")


FLAT_FILE_PROJECTS = 10_000


def peak_rss_mb(count: int, folder: Path, seed: int) -> float:
    """Batch count projects (written to a flat CSV by another process first) in a fresh process,
    and report that process's peak resident memory."""
    here = str(Path(__file__).parent)
    flat, results = folder / "many.csv", folder / "many-results.csv"
    write = f"""
import random, sys
sys.path.insert(0, {here!r})
from generate import project_toml
from evalrules.io.flat import write_flat
from evalrules.io.project_loading import project_from_text
rng = random.Random({seed})
for first in range(1, {count} + 1, {FLAT_FILE_PROJECTS}):
    numbers = range(first, min(first + {FLAT_FILE_PROJECTS}, {count} + 1))
    projects = ((n, project_from_text(project_toml(n, rng), f"p{{n}}.toml")) for n in numbers)
    write_flat(((f"p{{n}}", project) for n, project in projects), f"{{{str(flat)!r}}}-{{first:07d}}.csv")
"""
    batch = f"""
import resource
from pathlib import Path
from evalrules.batch.run import run_batch
files = sorted(Path({str(folder)!r}).glob("many.csv-*.csv"))
summary = run_batch(files, {RULESET!r}, Path({str(results)!r}), 1, False)
assert summary.total == {count} and not summary.failed, summary.line()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    subprocess.run([sys.executable, "-c", write], check=True)
    return float(subprocess.check_output([sys.executable, "-c", batch], text=True).split()[-1])


def standard_set(count: int, rss_count: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        projects = _projects(folder / "projects", count, seed)
        paths = sorted((folder / "projects").glob("*.toml"))
        report: dict[str, float] = {"read_us_per_indicator": round(read_us_per_indicator(paths), 1)}
        print(f"读取：每个指标 {report['read_us_per_indicator']} 微秒")
        report["explain_vs_handwritten"] = round(explain_vs_handwritten(projects), 2)
        print(f"完整解释（score + to_dict）÷ 手写打分：{report['explain_vs_handwritten']} 倍")
        flat = folder / "projects.csv"
        write_flat(projects, flat)
        for jobs in (1, 2):
            rate = batch_rate(flat, folder / f"results-{jobs}.csv", jobs)
            report[f"batch_csv_per_s_j{jobs}"] = round(rate, 1)
            print(f"batch CSV → CSV jobs={jobs}：每秒 {rate:.0f} 个项目")
        same_file(folder / "results-1.csv", folder / "results-2.csv")
        for jobs in (1, 2):
            rate = batch_rate(folder / "projects", folder / f"results-toml-{jobs}.csv", jobs)
            report[f"batch_toml_per_s_j{jobs}"] = round(rate, 1)
            print(f"batch TOML 文件夹 → CSV jobs={jobs}：每秒 {rate:.0f} 个项目")
        same_file(folder / "results-toml-1.csv", folder / "results-toml-2.csv")
        report["batch_jsonl_per_s_j2"] = round(batch_rate(flat, folder / "results-2.jsonl", 2), 1)
        batch_rate(flat, folder / "results-1.jsonl", 1)
        same_file(folder / "results-1.jsonl", folder / "results-2.jsonl")
        print(f"batch CSV → 完整 JSONL jobs=2：每秒 {report['batch_jsonl_per_s_j2']:.0f} 个项目")
        report["peak_rss_mb_100k"] = round(peak_rss_mb(rss_count, folder, seed), 1)
        print(f"{rss_count} 个项目的批量打分：峰值内存 {report['peak_rss_mb_100k']} MB")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--json", action="store_true", help="the standard set of issue 17, one JSON line last"
    )
    parser.add_argument("--rss-count", type=int, default=100_000, help="projects for peak_rss_mb_100k")
    arguments = parser.parse_args()
    if arguments.json:
        print(json.dumps(standard_set(arguments.count, arguments.rss_count, arguments.seed)))
        return
    report: dict[str, object] = {"count": arguments.count, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as folder:
        projects_dir = Path(folder) / "projects"
        projects = _projects(projects_dir, arguments.count, arguments.seed)
        for jobs in sorted({1, arguments.jobs}):
            start = time.perf_counter()
            failed = sum(
                1 for outcome in score_many(projects, RULESET, jobs=jobs) if not isinstance(outcome, Result)
            )
            seconds = time.perf_counter() - start
            rate = len(projects) / seconds
            print(f"score_many jobs={jobs}: {len(projects)} 个项目，{seconds:.2f} 秒，每秒 {rate:.0f} 个")
            print(f"  失败 {failed}")
            report[f"score_many_jobs_{jobs}"] = round(rate, 1)
            summary = run_batch([projects_dir], RULESET, Path(folder) / f"results-{jobs}.csv", jobs, False)
            print(f"run_batch  jobs={jobs}（读取 + 打分 + 写 CSV）：{summary.line()}")
            report[f"run_batch_jobs_{jobs}"] = round(summary.rate, 1)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
