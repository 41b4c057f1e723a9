"""`evalrules monitor`: wired into cli/main.py by ``monitor_cli.add_parser(commands)`` and
``"monitor": monitor_cli.run``.

Each FILE is a monitoring record (.toml/.json); a folder stands for the records in it. Without
-o the result of every project is printed; -o writes 监控结果.xlsx (汇总 + 预警清单), a
监控情况报告 (.md) or JSON (.json); --carry DIR writes each record as a year-end project file.
Any record that cannot be read stops the run (exit 1) with every problem listed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.errors import EvalrulesError, LoadError, Problem
from ..base.extras import MissingExtraError
from ..base.numbers import fmt
from ..base.sources import read_text
from ..io.outputs import refuse_inputs_as_output, unique_file_names, write_atomic

if TYPE_CHECKING:
    from ..monitoring.engine import ProjectMonitoring
    from ..monitoring.record import MonitoringRecord
    from ..monitoring.ruleset import MonitoringRuleset

SUFFIXES = (".toml", ".json", ".xlsx")
OUTPUTS = (".xlsx", ".md", ".docx", ".json")


def add_parser(commands: Any) -> argparse.ArgumentParser:
    parser = commands.add_parser("monitor", help="绩效运行监控：执行进度与序时进度、指标完成预计、预警")
    parser.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="监控记录文件（.toml/.json，.xlsx 监控表）或其文件夹",
    )
    parser.add_argument(
        "--ruleset", help="监控规则集 id 或 TOML 文件（缺省用记录中的 ruleset，再缺省 jiankong_2019_136）"
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="结果文件：.xlsx（汇总与预警清单）、.md 或 .docx（监控情况报告）、.json",
    )
    parser.add_argument(
        "--carry", type=Path, metavar="DIR", help="把每个记录转为年终项目文件（TOML），写入此文件夹"
    )
    return parser  # type: ignore[no-any-return]


def record_files(inputs: Sequence[Path], skipped: list[Path] | None = None) -> list[Path]:
    """The files given, and the monitoring records of each folder given (sorted by name): a
    folder's .toml/.json files without a [monitoring] table (project files, rulesets) are
    added to ``skipped``, not refused."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            for candidate in sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
            ):
                if _is_record(candidate):
                    found.append(candidate)
                elif skipped is not None:
                    skipped.append(candidate)
        else:
            found.append(path)
    if not found:
        raise LoadError(
            [Problem("E-MONITOR", "没有找到监控记录（.toml/.json）", file=", ".join(map(str, inputs)))]
        )
    return found


def monitor_files(files: Sequence[Path], ruleset_name: str | None = None) -> list[ProjectMonitoring]:
    """Every record monitored; every unreadable record's problems raised together."""
    # the monitoring machinery loads when this command runs, not for every command (start-up time)
    from ..monitoring.engine import monitor
    from ..monitoring.record import load_record
    from ..monitoring.ruleset import load_monitoring_ruleset

    rulesets: dict[str, MonitoringRuleset] = {}

    def ruleset(name: str | None) -> MonitoringRuleset:
        key = ruleset_name or name or "jiankong_2019_136"
        if key not in rulesets:
            rulesets[key] = load_monitoring_ruleset(key)
        return rulesets[key]

    results: list[ProjectMonitoring] = []
    problems: list[Problem] = []
    for path in files:
        try:
            records = _read_workbook(path) if path.suffix.lower() == ".xlsx" else [load_record(path)]
            results += [monitor(record, ruleset(record.ruleset)) for record in records]
        except EvalrulesError as error:
            problems += error.problems
    if problems:
        raise LoadError(problems)
    return results


def _read_workbook(path: Path) -> list[MonitoringRecord]:
    from ..monitoring.excel import read_monitoring_workbook  # openpyxl only when a workbook is given

    return read_monitoring_workbook(path)


def _is_record(path: Path) -> bool:
    """A record, or a file that is none of the other kinds (its problems are then reported); a
    workbook when one of its sheets has the head of a monitoring form."""
    if path.suffix.lower() == ".xlsx":
        try:
            _read_workbook(path)
        except MissingExtraError:
            return True
        except EvalrulesError as error:
            return not all(p.message.startswith("工作簿中没有找到监控表") for p in error.problems)
        return True
    try:
        data = read_text(path).data
    except EvalrulesError:
        return True
    return "monitoring" in data or not ({"project", "ruleset", "monitoring_ruleset"} & set(data))


def run(arguments: argparse.Namespace) -> str:
    skipped: list[Path] = []
    files = record_files(arguments.inputs, skipped)
    output: Path | None = arguments.output
    if output is not None and output.suffix.lower() not in OUTPUTS:
        raise LoadError(
            [
                Problem(
                    "E-OUTPUT",
                    "不支持的结果文件类型",
                    file=str(output),
                    expected="、".join(OUTPUTS),
                    found=output.suffix,
                )
            ]
        )
    results = monitor_files(files, arguments.ruleset)
    lines = [f"跳过 {len(skipped)} 个不是监控记录的文件（项目文件或规则集）"] if skipped else []
    if arguments.carry is not None:
        from ..monitoring.carry import carried_toml

        names = unique_file_names(r.record.name for r in results)
        for result in results:
            target = arguments.carry / f"{names[result.record.name]}.toml"
            write_atomic(target, carried_toml(result.record).encode("utf-8"))
        lines.append(f"已把 {len(results)} 个记录转为年终项目文件，写入 {arguments.carry}")
    if output is None:
        return "\n".join([*(result_text(r) for r in results), *lines]) + "\n"
    refuse_inputs_as_output(output, files)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        from ..monitoring.workbook import write_workbook

        write_workbook(results, output)
    elif suffix == ".docx":
        from ..monitoring.docx import write_report_docx

        write_report_docx(results, output)
    elif suffix == ".md":
        from ..monitoring.report import report_markdown

        write_atomic(output, report_markdown(results).encode("utf-8"))
    else:
        text = json.dumps([result_data(r) for r in results], ensure_ascii=False, indent=2)
        write_atomic(output, (text + "\n").encode("utf-8"))
    counts: dict[str, int] = {}
    for result in results:
        counts[result.light.name] = counts.get(result.light.name, 0) + 1
    summary = "，".join(f"{name} {count}" for name, count in counts.items())
    return "\n".join([f"监控 {len(results)} 个项目：{summary}", f"结果已写入 {output}", *lines]) + "\n"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{fmt(value)}%"


def result_text(result: ProjectMonitoring) -> str:
    record = result.record
    head = f"{record.name}（{record.department or '未填写单位'}）截至 {record.as_of.isoformat()}"
    head += f"（{record.period}）" if record.period else ""
    gap = "—" if result.gap is None else f"{'+' if result.gap >= 0 else ''}{fmt(result.gap)} 个百分点"
    lines = [
        f"{head}：{result.light.name}",
        f"  [{result.execution_light.name}] 预算执行：执行率 {_pct(result.execution_rate)}，"
        f"序时进度 {_pct(result.time_progress)}，差距 {gap}，全年预计执行率 {_pct(result.forecast_rate)}",
    ]
    for item in result.targets:
        target = item.target
        lines.append(
            f"  [{item.light.name}] {target.name}：年度 {target.operator}{target.value_text}{target.unit}，"
            f"完成进度 {_pct(item.progress)}，预计完成度 {_pct(item.forecast_ratio)}，"
            f"可能性 {target.likelihood or '未填'}"
        )
    for finding in result.findings:
        where = f"（第 {finding.line} 行）" if finding.line else ""
        lines.append(f"  [{finding.code}] {finding.message}{where}")
    return "\n".join(lines)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def result_data(result: ProjectMonitoring) -> dict[str, Any]:
    """JSON of one project's monitoring: figures as exact decimal text."""
    record = result.record
    return {
        "file": record.file,
        "name": record.name,
        "department": record.department,
        "as_of": record.as_of.isoformat(),
        "ruleset": result.ruleset_id,
        "time_progress": _number(result.time_progress),
        "budget": _number(result.budget),
        "execution_rate": _number(result.execution_rate),
        "gap": _number(result.gap),
        "forecast_rate": _number(result.forecast_rate),
        "carry_over": _number(result.carry_over),
        "light": result.light.name,
        "level": result.light.level,
        "targets": [
            {
                "name": t.target.name,
                "progress": _number(t.progress),
                "forecast_ratio": _number(t.forecast_ratio),
                "light": t.light.name,
                "level": t.light.level,
            }
            for t in result.targets
        ],
        "findings": [
            {
                "code": f.code,
                "severity": f.severity,
                "level": f.level,
                "message": f.message,
                "target": f.target,
                "line": f.line,
            }
            for f in result.findings
        ],
    }
