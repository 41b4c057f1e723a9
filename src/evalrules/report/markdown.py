"""The 绩效评价报告 as Markdown; the 得分率 charts are PNG files written next to the .md."""

from __future__ import annotations

from pathlib import Path

from ..cells import visible
from .chart import rate_chart_png
from .context import ReportContext
from .files import write_atomic
from .templating import render

CHART_LEVELS = (1, 2)


def chart_path(path: Path, level: int) -> Path:
    """Where the chart of a level goes: FILE_chart.png (level 1), FILE_chart2.png (level 2)."""
    suffix = "" if level == 1 else str(level)
    return path.with_name(f"{path.stem}_chart{suffix}.png")


def render_markdown(context: ReportContext, path: Path) -> None:
    """Write the report to path (Markdown) and its charts next to it."""
    path = Path(path)
    charts: dict[int, str] = {}
    for level in CHART_LEVELS:
        if context.chart(level):
            image = chart_path(path, level)
            write_atomic(image, rate_chart_png(context, level))
            charts[level] = image.name
    text = render("report.md.j2", context, charts=charts)
    write_atomic(path, visible(text).encode("utf-8"))  # a name cannot carry control characters
