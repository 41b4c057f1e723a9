"""Projects per second for jobs=1 and jobs=N on the same generated projects (not a timed test).

python benchmarks/bench_batch.py --count 2000 --jobs 4
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from evalrules.batch.run import read_inputs, run_batch, score_many
from evalrules.model.project import Project

sys.path.insert(0, str(Path(__file__).parent))
from generate import RULESET, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    report: dict[str, object] = {"count": arguments.count, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as folder:
        projects_dir = Path(folder) / "projects"
        generate(arguments.count, projects_dir, arguments.seed)
        projects = [entry for _, entry in read_inputs([projects_dir]) if isinstance(entry, Project)]
        for jobs in sorted({1, arguments.jobs}):
            start = time.perf_counter()
            failed = sum(
                1 for outcome in score_many(projects, RULESET, jobs=jobs) if not hasattr(outcome, "total")
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
