"""监控情况报告 as Word (.docx, extra ``report``): the sections of report_markdown, with the
execution-vs-序时进度 table and, where a CJK font is installed, the chart as a PNG."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from ..base.cells import visible
from ..base.numbers import fmt
from ..io.outputs import atomic_path
from .engine import ProjectMonitoring
from .workbook import ranked, reasons_text


def _departments(results: Sequence[ProjectMonitoring]) -> dict[str, list[ProjectMonitoring]]:
    grouped: dict[str, list[ProjectMonitoring]] = {}
    for result in ranked(results):
        grouped.setdefault(result.record.department or "未填写单位", []).append(result)
    return dict(sorted(grouped.items()))


def execution_chart_png(title: str, results: Sequence[ProjectMonitoring]) -> bytes | None:
    """Bars of 执行率 with a mark at each 序时进度; None when matplotlib or a CJK font is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from ..report.chart import find_cjk_font

    font = find_cjk_font()
    rows = [r for r in results if r.execution_rate is not None][::-1]
    if font is None or not rows:
        return None
    figure = Figure(figsize=(8, 1.4 + 0.45 * len(rows)), dpi=150)
    axes = figure.subplots()
    colours = {0: "#4472c4", 1: "#ed7d31", 2: "#c00000"}
    positions = range(len(rows))
    axes.barh(
        positions,
        [float(r.execution_rate or 0) for r in rows],
        color=[colours[r.execution_light.level] for r in rows],
        height=0.6,
    )
    axes.scatter([float(r.time_progress) for r in rows], positions, marker="|", s=400, color="#000000")
    names = [visible(r.record.name) for r in rows]
    axes.set_yticks(positions, names, fontfamily=font, fontsize=10, parse_math=False)
    axes.set_xlim(0, 110)
    axes.set_xlabel("预算执行率（%；黑线为序时进度）", fontfamily=font, fontsize=10, parse_math=False)
    axes.set_title(visible(title), fontfamily=font, fontsize=12, parse_math=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def write_report_docx(results: Sequence[ProjectMonitoring], path: Path) -> None:
    from ..base.extras import need

    need("docx", "生成 Word 监控情况报告")
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.add_heading("绩效运行监控情况报告", level=0)
    for department, items in _departments(results).items():
        document.add_heading(visible(department), level=1)
        counts: dict[str, int] = {}
        for item in items:
            counts[item.light.name] = counts.get(item.light.name, 0) + 1
        document.add_paragraph(
            f"监控规则集 {items[0].ruleset_id}；项目 {len(items)} 个："
            + "，".join(f"{name} {count} 个" for name, count in counts.items())
            + "。"
        )
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("项目", "执行率（%）", "序时进度（%）", "差距（百分点）", "灯"), strict=True
        ):
            cell.text = text
        for item in items:
            cells = table.add_row().cells
            values = (
                item.record.name,
                "—" if item.execution_rate is None else fmt(item.execution_rate),
                fmt(item.time_progress),
                "—" if item.gap is None else fmt(item.gap),
                item.light.name,
            )
            for cell, text in zip(cells, values, strict=True):
                cell.text = visible(text)
        risky = [item for item in items if item.at_risk]
        document.add_heading("需关注和预警的项目", level=2)
        if not risky:
            document.add_paragraph("无。")
        for item in risky:
            document.add_heading(visible(f"{item.record.name}（{item.light.name}）"), level=3)
            for finding in item.findings:
                if finding.level:
                    document.add_paragraph(visible(finding.message), style="List Bullet")
            reasons = [reasons_text(item.record.reasons)] + [
                f"{t.target.name}：{reasons_text(t.target.reasons)}" for t in item.targets if t.target.reasons
            ]
            reasons = [r for r in reasons if r]
            document.add_paragraph(
                visible("偏差原因：" + ("；".join(reasons) or "（未填写）")), style="List Bullet"
            )
            corrections = [
                c for c in [item.record.correction, *(t.target.correction for t in item.targets)] if c
            ]
            document.add_paragraph(
                visible("纠偏措施：" + ("；".join(corrections) or "（未填写）")), style="List Bullet"
            )
            for fault in (f for f in item.findings if f.level == 0):
                document.add_paragraph(visible(f"问题 [{fault.code}]：{fault.message}"), style="List Bullet")
        chart = execution_chart_png(f"{department}：预算执行率与序时进度", items)
        if chart is not None:
            document.add_picture(io.BytesIO(chart), width=Cm(16))
        else:
            document.add_paragraph("（未安装 matplotlib 或中文字体，未绘制图表；执行率与序时进度见上表。）")
    with atomic_path(path) as temporary:
        document.save(str(temporary))
