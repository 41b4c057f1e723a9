"""The review's outputs: findings grouped by target (text), the 审核意见 (Markdown), and one row
per project for a batch's results file (CSV, JSONL, XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..base import json_text
from ..base.cells import cell_text, neutralise
from ..base.errors import LoadError, Problem
from ..hooks.findings import SEVERITIES, Finding
from ..io.outputs import atomic_path, write_atomic
from .engine import ReviewReport

WORDS = {"error": "错误", "warning": "警告", "info": "提示"}
RESULT_COLUMNS = (
    "文件",
    "项目",
    "审核规则集",
    "审核等级",
    "审核结论",
    "错误",
    "警告",
    "提示",
    "问题代码",
    "说明",
)
"""The columns of a batch's results file, one row per project (说明: why a file was not reviewed)."""


def _groups(report: ReviewReport) -> list[tuple[str, list[Finding]]]:
    """Findings about the project as a whole first, then one group per target, in file order."""
    groups: dict[str, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault("/".join(finding.path) or "", []).append(finding)
    return list(groups.items())


def render_text(report: ReviewReport) -> str:
    lines = [
        f"绩效目标审核：{report.project_name}（审核规则集 {report.ruleset_id}）",
        f"审核结论：{report.conclusion}（{report.grade}）"
        + (f"——{report.next_step}" if report.next_step else ""),
    ]
    for where, group in _groups(report):
        lines += ["", where or "项目整体"]
        for finding in group:
            at = f"（第 {finding.place.line} 行）" if finding.place and finding.place.line else ""
            lines.append(f"  [{finding.code}] {WORDS[finding.severity]}：{finding.message}{at}")
    counts = "，".join(f"{WORDS[s]} {report.count(s)}" for s in SEVERITIES)
    lines += ["", f"共 {len(report.findings)} 项：{counts}"]
    return "\n".join(lines) + "\n"


def render_markdown(report: ReviewReport) -> str:
    """The 审核意见 for one project: conclusion, then 修改意见 grouped by target."""
    lines = [
        f"# {report.project_name} 绩效目标审核意见",
        "",
        f"- 审核依据：审核规则集 `{report.ruleset_id}`",
        f"- 审核结论：**{report.conclusion}**（{report.grade}）",
    ]
    if report.next_step:
        lines.append(f"- 处理：{report.next_step}")
    counts = "，".join(f"{WORDS[s]} {report.count(s)} 项" for s in SEVERITIES)
    lines += [f"- 发现：{counts}", "", "## 修改意见", ""]
    if not report.findings:
        lines.append("绩效目标设置完整、量化，无修改意见。")
    for where, group in _groups(report):
        lines += [f"### {where or '项目整体'}", ""]
        lines += [f"{i}. {f.message}（{WORDS[f.severity]}，{f.code}）" for i, f in enumerate(group, 1)]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_docx(report: ReviewReport, path: Path) -> None:
    """The 审核意见 as a Word document (python-docx, extra ``report``): the same content as
    :func:`render_markdown`, headings and numbered opinions."""
    from ..base.extras import need

    docx = need("docx", "生成 Word 审核意见")
    document = docx.Document()
    for line in render_markdown(report).splitlines():
        if line.startswith("# "):
            document.add_heading(cell_text(line[2:]), level=0)
        elif line.startswith(("## ", "### ")):
            level = 1 if line.startswith("## ") else 2
            document.add_heading(cell_text(line.lstrip("#").strip()), level=level)
        elif line.strip():
            document.add_paragraph(cell_text(line.replace("**", "").replace("`", "")))
    buffer = io.BytesIO()
    document.save(buffer)
    write_atomic(path, buffer.getvalue())


def write_opinions(folder: Path, reports: Sequence[ReviewReport], suffix: str) -> list[Path]:
    """One 审核意见 per project in folder (.md or .docx), named after the project."""
    from ..io.outputs import unique_file_names

    written: list[Path] = []
    taken: set[str] = set()
    for report in reports:
        title = report.project_name or Path(report.project_file).stem
        base = name = unique_file_names([title])[title]
        while name.casefold() in taken:  # two projects of the same name: 项目-2审核意见.md
            name = f"{base}-{len(taken) + 1}"
        taken.add(name.casefold())
        path = folder / f"{name}审核意见{suffix}"
        if suffix == ".docx":
            render_docx(report, path)
        else:
            write_atomic(path, render_markdown(report).encode("utf-8"))
        written.append(path)
    return written


def result_row(file: str, report: ReviewReport | None, problem: str = "") -> list[str | int]:
    if report is None:
        return [file, "", "", "", "无法审核", "", "", "", "", problem]
    codes = "、".join(dict.fromkeys(finding.code for finding in report.findings))
    counts = [report.count(severity) for severity in SEVERITIES]
    return [file, report.project_name, report.ruleset_id, report.grade, report.conclusion, *counts, codes, ""]


def write_results(path: Path, rows: Sequence[Sequence[str | int]]) -> None:
    """One results file for a batch: .csv (UTF-8 with BOM for Excel), .jsonl or .xlsx."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(RESULT_COLUMNS)
        writer.writerows([[cell_text(neutralise(cell)) for cell in row] for row in rows])
        write_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    elif suffix == ".jsonl":
        text = "".join(
            json_text.dumps(dict(zip(RESULT_COLUMNS, row, strict=True)), ensure_ascii=False) + "\n"
            for row in rows
        )
        write_atomic(path, text.encode("utf-8"))
    elif suffix == ".xlsx":
        _write_xlsx(path, rows)
    else:
        raise LoadError(
            [
                Problem(
                    "E-REVIEW-OUTPUT",
                    "不支持的结果文件格式",
                    file=str(path),
                    expected=".csv、.jsonl 或 .xlsx",
                )
            ]
        )


def _write_xlsx(path: Path, rows: Iterable[Sequence[str | int]]) -> None:
    from ..base.cells import string_cell
    from ..base.extras import need

    openpyxl = need("openpyxl", "写 Excel 审核结果")

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "审核结果"
    sheet.append(list(RESULT_COLUMNS))
    for row in rows:
        sheet.append([cell_text(cell) for cell in row])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            string_cell(cell)
    with atomic_path(path) as temporary:
        book.save(temporary)
