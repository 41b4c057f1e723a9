"""``evalrules targets``: review performance targets (绩效目标审核) of one or more projects."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import json_text
from ..base.cells import visible
from ..base.errors import EvalrulesError, LoadError, Problem
from ..base.extras import MissingExtraError
from ..io.project_input import FLAT_SUFFIXES, WORKBOOK_SUFFIXES, load_input, read_many
from ..model.project import Project
from ..review import DEFAULT_REVIEW_RULESET
from .outcome import Findings

if TYPE_CHECKING:
    from ..review.engine import ReviewReport

PROJECT_SUFFIXES = (".toml", ".json")


def add_parser(commands: Any) -> None:
    targets = commands.add_parser("targets", help="绩效目标审核：按审核规则集检查项目的绩效目标（申报表）")
    targets.add_argument(
        "inputs", nargs="+", metavar="FILE", help="项目文件（TOML、JSON）、Excel 工作簿、CSV/JSONL，或文件夹"
    )
    targets.add_argument(
        "--rules",
        default=DEFAULT_REVIEW_RULESET,
        help=f"审核规则集 id 或 TOML 文件（缺省 {DEFAULT_REVIEW_RULESET}）",
    )
    targets.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    targets.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="有这一级（或更严重）的发现时以退出码 3 结束；缺省 error",
    )
    targets.add_argument("-o", "--output", help="批量审核的结果文件：.csv、.jsonl 或 .xlsx，每个项目一行")
    targets.add_argument(
        "--opinions", metavar="文件夹", help="为每个项目写出一份审核意见（项目名审核意见.md 或 .docx）"
    )
    targets.add_argument(
        "--opinion-format",
        choices=("md", "docx"),
        default="md",
        help="审核意见的格式：md（缺省）或 docx（Word）",
    )


def target_form(path: Path) -> bool:
    """Whether a file is an .xlsx 绩效目标申报表; False without the excel extra (the regular
    reader then says which pip install brings it)."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES or not path.is_file():
        return False
    try:
        from ..review.excel_form import is_target_form  # Excel only when a workbook is read
    except (ImportError, MissingExtraError):
        return False
    return is_target_form(path)


def _projects(inputs: list[str]) -> list[tuple[str, Project | EvalrulesError]]:
    found: list[tuple[str, Project | EvalrulesError]] = []
    for given in inputs:
        path = Path(given)
        files = (
            sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
            if path.is_dir()
            else [path]
        )
        for file in files:
            suffix = file.suffix.lower()
            if path.is_dir() and suffix not in (*PROJECT_SUFFIXES, *WORKBOOK_SUFFIXES, *FLAT_SUFFIXES):
                continue
            try:
                if target_form(file):
                    from ..review.excel_form import read_target_forms

                    found += read_target_forms(file)
                elif suffix in (*WORKBOOK_SUFFIXES, *FLAT_SUFFIXES):  # every project of the file
                    found += read_many(file)
                else:
                    found.append((str(file), load_input(file)))
            except EvalrulesError as error:
                found.append((str(file), error))
    if not found:
        raise LoadError([Problem("E-REVIEW", "没有找到要审核的项目文件", found="、".join(inputs))])
    return found


def run(arguments: argparse.Namespace) -> str:
    # the review machinery loads when this command runs, not for every command (start-up time)
    from ..review.engine import ReviewReport, review_targets
    from ..review.report import render_markdown, render_text, result_row, write_opinions, write_results
    from ..review.ruleset import load_review_ruleset

    ruleset = load_review_ruleset(arguments.rules)
    projects = _projects(arguments.inputs)
    single = len(projects) == 1 and arguments.output is None
    reports: list[tuple[str, ReviewReport | EvalrulesError]] = []
    for name, entry in projects:
        if isinstance(entry, EvalrulesError):
            if single:
                raise entry
            reports.append((name, entry))
        else:
            reports.append((name, review_targets(entry, ruleset)))
    done = [report for _, report in reports if isinstance(report, ReviewReport)]
    if arguments.format == "json":
        data: Any = done[0].to_dict() if single else [report.to_dict() for report in done]
        output = json_text.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        render = render_markdown if arguments.format == "markdown" else render_text
        output = "\n".join(render(report) for report in done)
    for name, report in reports:
        if isinstance(report, EvalrulesError):
            print(f"evalrules：{visible(name)} 无法审核：\n{visible(report.render())}", file=sys.stderr)
    if arguments.output:
        rows = [
            result_row(name, report, "")
            if isinstance(report, ReviewReport)
            else result_row(name, None, report.render())
            for name, report in reports
        ]
        write_results(Path(arguments.output), rows)
        output += f"已写出 {arguments.output}：{len(rows)} 个项目\n"
    if arguments.opinions:
        written = write_opinions(Path(arguments.opinions), done, f".{arguments.opinion_format}")
        output += f"已写出 {len(written)} 份审核意见到 {arguments.opinions}\n"
    failed = len(done) < len(reports)
    if failed or any(report.fails(arguments.fail_on) for report in done):
        raise Findings(output)
    return output
