"""`evalrules batch`: wired into cli.py by ``batch_cli.add_parser(commands)`` and ``"batch": batch_cli.run``.

Exit 0 when every project scored; 3 when some failed (the results file is still written, the summary
printed); 1 when nothing could be run (unknown output format, ruleset that cannot be loaded).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..io.outputs import exists
from .outcome import Findings

JOBS_PER_CPU = 4
"""--jobs is lowered to this many processes per CPU: more only costs memory and start-up time."""


def jobs_for(requested: int) -> int:
    """The number of processes for --jobs: 0 means every CPU; above JOBS_PER_CPU × CPUs is lowered
    to that cap with a note on stderr."""
    cpus = os.cpu_count() or 1
    if requested <= 0:
        return cpus
    cap = JOBS_PER_CPU * cpus
    if requested > cap:
        print(f"evalrules：--jobs {requested} 超过 CPU 数的 {JOBS_PER_CPU} 倍，改用 {cap}", file=sys.stderr)
        return cap
    return requested


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add the batch subcommand to cli.py's subparsers."""
    batch = commands.add_parser("batch", help="批量打分：多个项目文件或文件夹，结果写入一个文件")
    batch.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="INPUT",
        help="项目文件（.toml/.json，.xlsx 自评表，.csv/.jsonl）或文件夹（其中这些文件；其余的列为跳过）",
    )
    batch.add_argument("--ruleset", help="规则集 id 或 TOML 文件路径（缺省用各项目文件中的 ruleset）")
    batch.add_argument("-o", "--output", required=True, type=Path, help="结果文件：.csv、.xlsx 或 .jsonl")
    batch.add_argument(
        "--jobs",
        type=int,
        default=1,
        help=(
            f"并行进程数；0 表示使用全部 CPU（本机 {os.cpu_count()} 个）；缺省 1；"
            f"大于 CPU 数的 {JOBS_PER_CPU} 倍时降为该上限并提示"
        ),
    )
    return batch  # type: ignore[no-any-return]


def run(arguments: argparse.Namespace) -> str:
    """Run the batch; the summary is the output. Some projects failed: raise cli.Findings (exit 3)."""
    from ..batch.run import run_batch

    jobs = jobs_for(arguments.jobs)
    output_existed = exists(Path(arguments.output))
    from ..batch.parallel import noticing_interrupts

    try:
        with noticing_interrupts():
            summary = run_batch(arguments.inputs, arguments.ruleset, arguments.output, jobs=jobs)
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback; the temporary file is already gone
        kept = f"；原有的 {arguments.output} 未改动" if output_existed else ""
        print(f"evalrules：已中断，未写出结果{kept}", file=sys.stderr)
        raise SystemExit(130) from None
    output = f"{summary.line()}\n结果已写入 {summary.output}\n"
    if summary.failed:
        raise Findings(output)
    return output
