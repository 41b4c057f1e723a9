"""The report as a Word document (python-docx), in the outline of 财预〔2020〕10号 附件3.

Reads a ReportContext and never computes a score: every number, statement and finding comes
from the context. How it looks (公文 fonts, A4, margins, page numbers) is a Typography applied by
report.docx_style; the tables come from report.docx_tables, the charts from report.chart.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..base.cells import visible
from ..base.numbers import fmt
from .context import Part, ReportContext, Row, placeholder
from .docx_style import FIGURE_STYLE, apply, page
from .docx_tables import score_sheet, set_widths, small_table
from .files import write_atomic
from .typography import GONGWEN, Typography

_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
_CHAPTER_NUMBERS = "一二三四五六七八九十"
_CHART_LEVELS = (1, 2)
_LEVEL_NAMES = {1: "一级", 2: "二级"}


class _Visible:
    """A python-docx Document whose paragraphs and headings take their text through
    cells.visible: a control character in a name (which lxml refuses, losing the report) is
    written escaped."""

    def __init__(self, document: Any) -> None:
        self._document = document

    def add_paragraph(self, text: str = "", *args: Any, **kwargs: Any) -> Any:
        return self._document.add_paragraph(visible(text), *args, **kwargs)

    def add_heading(self, text: str = "", *args: Any, **kwargs: Any) -> Any:
        return self._document.add_heading(visible(text), *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._document, name)


def render_docx(context: ReportContext, path: Path, typography: Typography = GONGWEN) -> None:
    """Write the report of the context to path (.docx), atomically, in the typography (公文)."""
    from ..base.extras import need

    need("docx", "生成 Word 报告")
    from docx import Document

    doc = _Visible(Document())
    apply(doc, typography)
    doc.add_heading(context.title, level=0)

    writers = {
        "basics": _basic,
        "work": _work,
        "conclusion": _overall,
        "analysis": _analysis,
        "deviation": _deviation,
        "lessons": _lessons,
        "suggestions": lambda doc, context: _text(doc, context, "suggestions"),
        "other": lambda doc, context: _text(doc, context, "other"),
        "sheet": _sheet,
        "findings": _findings,
    }
    landscape = False
    for key, heading in context.outline.chapters:  # the outline's chapters, in its order
        if key in ("sheet", "findings") and not landscape:  # the 附表 on landscape pages (numbers run on)
            page(doc.add_section(), typography, landscape=True)
            landscape = True
        doc.add_heading(heading, level=1)
        writers[key](doc, context)

    buffer = io.BytesIO()
    doc.save(buffer)
    write_atomic(Path(path), buffer.getvalue())


# --- chapters ---------------------------------------------------------------------------------


def _text(doc: Any, context: ReportContext, key: str) -> None:
    text = context.texts.get(key)
    if not text:
        doc.add_paragraph(placeholder(key))
        return
    for paragraph in text.split("\n"):
        if paragraph.strip():
            doc.add_paragraph(paragraph.strip())


def _basic(doc: Any, context: ReportContext) -> None:
    project = context.project
    doc.add_heading("（一）项目概况", level=2)
    year = f"{project.year}年度" if project.year is not None else "（年度未填写）"
    doc.add_paragraph(f"项目名称：{project.name}")
    doc.add_paragraph(f"实施单位：{project.unit or '（未填写）'}")
    doc.add_paragraph(f"评价年度：{year}")
    doc.add_heading("1.项目背景", level=3)
    _text(doc, context, "background")
    doc.add_heading("2.主要内容及实施情况", level=3)
    _text(doc, context, "content")
    doc.add_heading("3.资金投入和使用情况", level=3)
    budget = project.budget
    if budget.figures:
        figures = "，".join(f"{name}{fmt(value)}{budget.unit}" for name, value in budget.figures.items())
        doc.add_paragraph(f"本项目{figures}。")
    else:
        doc.add_paragraph("项目文件未提供预算数据。")
    if budget.reason:
        doc.add_paragraph(f"预算执行偏差原因：{budget.reason}")
    doc.add_heading("（二）项目绩效目标", level=2)
    doc.add_heading("1.项目绩效总目标", level=3)
    _text(doc, context, "overall_goal")
    targets = [row for row in context.rows if row.kind == "target"]
    if targets:
        doc.add_heading("2.绩效指标", level=3)
        cells = [
            (
                row.path[-2],
                row.name,
                f"{row.target_value}{row.unit}",
                f"{row.actual}{row.unit}" if row.actual else "",
            )
            for row in targets
        ]
        table = small_table(doc, ("指标类别", "绩效指标", "指标值", "实际完成值"), cells, last_bold=False)
        set_widths(table, (3.0, 6.0, 3.0, 3.0))


def _work(doc: Any, context: ReportContext) -> None:
    doc.add_heading("（一）绩效评价目的、对象和范围", level=2)
    _text(doc, context, "scope")
    doc.add_heading("（二）绩效评价原则、评价指标体系、评价方法、评价标准", level=2)
    doc.add_paragraph(context.basis + context.system)
    _text(doc, context, "methods")
    if context.caveat:
        doc.add_paragraph(context.caveat)
    doc.add_heading("（三）绩效评价工作过程", level=2)
    _text(doc, context, "process")


def _overall(doc: Any, context: ReportContext) -> None:
    doc.add_heading("（一）综合评价情况", level=2)
    doc.add_paragraph(context.conclusion)
    rows = []
    for part in context.parts:
        score = "不适用" if part.score is None else fmt(part.score)
        rate = "—" if part.rate is None else f"{fmt(part.rate)}%"
        rows.append((part.name, fmt(part.weight), score, rate))
    result = context.result
    rows.append(("合计", fmt(result.max), fmt(result.total), f"评级：{result.grade}"))
    table = small_table(doc, ("一级指标", "分值", "得分", "得分率"), rows, last_bold=True)
    set_widths(table, (4.0, 3.0, 3.0, 5.0))
    _charts(doc, context)


def _charts(doc: Any, context: ReportContext) -> None:
    """The 得分率 charts of the first and second levels (a level with no rate to draw has none)."""
    levels = [level for level in _CHART_LEVELS if context.chart(level)]
    if not levels:
        return
    from docx.shared import Cm

    from .chart import rate_chart_png  # lazy: matplotlib only when a chart is drawn

    for number, level in enumerate(levels, start=1):
        png = rate_chart_png(context, level=level)
        doc.add_paragraph(style=FIGURE_STYLE).add_run().add_picture(io.BytesIO(png), width=Cm(15))
        doc.add_paragraph(f"图{number} {_LEVEL_NAMES[level]}指标得分率", style=FIGURE_STYLE)


def _analysis(doc: Any, context: ReportContext) -> None:
    for number, part in enumerate(context.parts):
        doc.add_heading(f"（{_CHAPTER_NUMBERS[number]}）项目{part.name}情况", level=2)
        doc.add_paragraph(part.summary)
        _part_rows(doc, part)


def _part_rows(doc: Any, part: Part) -> None:
    for second in (row for row in part.rows if row.level == 2):
        doc.add_heading(f"{second.name}（{_score(second)}）", level=3)
        below = [row for row in part.rows if row.level > 2 and row.path[:2] == second.path and row.statement]
        if second.statement:
            doc.add_paragraph(second.statement)
        for index, row in enumerate(below, start=1):
            doc.add_paragraph(f"（{index}）{_statement(row)}")


def _statement(row: Row) -> str:
    if row.kind == "target":
        return row.statement  # a target's statement begins with its own name
    return f"{row.name}：{row.statement}"


def _score(row: Row) -> str:
    if row.score is None:
        return "不适用"
    return f"分值{fmt(row.weight)}分，得分{fmt(row.score)}分"


def _sheet(doc: Any, context: ReportContext) -> None:
    """附表 评分表, then each expert's score (paragraphs: the 评分表 stays the last table)."""
    score_sheet(doc, context)
    if context.panels:
        doc.add_paragraph("专家评议明细：")
    for path, expert, score, comment in context.panels:
        doc.add_paragraph(f"{path}：{expert} {fmt(score)}分" + (f"（{comment}）" if comment else ""))


def _findings(doc: Any, context: ReportContext) -> None:
    """附表 复核发现的问题: the only place the review's codes appear, for the reviewer."""
    findings = context.findings
    if not findings:
        doc.add_paragraph("复核未发现问题。")
        return
    # paragraphs, not a table: the 评分表 stays the document's last table
    for index, finding in enumerate(findings, start=1):
        where = f"（{'/'.join(finding.path)}）" if finding.path else ""
        label = _SEVERITY.get(finding.severity, finding.severity)
        doc.add_paragraph(f"{index}.【{finding.code}】【{label}】{finding.message}{where}")


def _deviation(doc: Any, context: ReportContext) -> None:
    budget = context.project.budget
    if budget.figures:
        figures = "，".join(f"{name}{fmt(value)}{budget.unit}" for name, value in budget.figures.items())
        doc.add_paragraph(f"本项目{figures}。")
    if budget.reason:
        doc.add_paragraph(f"偏差原因：{budget.reason}")
    unmet = [row for row in context.rows if row.kind == "target" and row.note and row.score is not None]
    for row in unmet:
        doc.add_paragraph(_statement(row))
    if not budget.figures and not unmet:
        doc.add_paragraph("项目文件未提供预算执行数据，绩效指标无偏差。")


def _lessons(doc: Any, context: ReportContext) -> None:
    doc.add_heading("（一）主要经验及做法", level=2)
    _text(doc, context, "experience")
    doc.add_heading("（二）存在的问题及原因分析", level=2)
    if context.texts.get("problems"):
        _text(doc, context, "problems")
        return
    for index, problem in enumerate(context.problems, start=1):
        doc.add_paragraph(f"{index}.{problem}")
    if not context.problems:
        doc.add_paragraph("评分和复核未发现扣分、未达成的指标或需说明的问题。")
    _text(doc, context, "problems")
