"""Monitoring records per second: generate records, run `evalrules monitor folder/ -o 监控结果.xlsx`
(not a timed test; prints JSON).

python benchmarks/bench_monitor.py --count 1000
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from evalrules.cli import main as cli

LIKELIHOODS = ("确定能", "确定能", "确定能", "有可能", "完全不可能")


def record_text(index: int, rng: random.Random) -> str:
    """One realistic record: 1-7月, a budget, an execution share around 序时进度, 3-6 targets."""
    budget = rng.randint(20, 5000)
    executed = round(budget * rng.uniform(0.2, 0.9), 2)
    lines = [
        "[monitoring]",
        f'name = "生成项目{index:05d}"',
        f'department = "单位{index % 37:02d}"',
        "year = 2024",
        'period = "1-7月"',
        f"budget_initial = {budget}",
        f"executed = {executed}",
        f"forecast_executed = {round(budget * rng.uniform(0.85, 1.0), 2)}",
    ]
    if rng.random() < 0.6:
        lines.append('reasons = { "经费保障" = "资金下达较晚" }')
    if rng.random() < 0.5:
        lines.append('correction = "加快支付进度"')
    for number in range(rng.randint(3, 6)):
        value = rng.randint(10, 2000)
        done = round(value * rng.uniform(0.2, 0.9), 1)
        forecast = value if rng.random() < 0.8 else round(value * rng.uniform(0.5, 0.99), 1)
        lines += [
            "",
            "[[targets]]",
            'slot = "产出/产出数量"',
            f'name = "指标{number}"',
            'operator = "≥"',
            f"value = {value}",
            'unit = "个"',
            f"done = {done}",
            f"forecast = {forecast}",
            f'likelihood = "{rng.choice(LIKELIHOODS)}"',
            f"time_proportional = {'true' if rng.random() < 0.5 else 'false'}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "监控记录"
        records.mkdir()
        for index in range(arguments.count):
            (records / f"r{index:05d}.toml").write_text(record_text(index, rng), encoding="utf-8")
        output = Path(folder) / "监控结果.xlsx"
        start = time.perf_counter()
        status = cli.main(["monitor", str(records), "-o", str(output)])
        seconds = time.perf_counter() - start
        report = {
            "count": arguments.count,
            "status": status,
            "seconds": round(seconds, 2),
            "records_per_second": round(arguments.count / seconds, 1),
            "bytes": output.stat().st_size if output.exists() else 0,
        }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
