"""The 绩效评价报告 as one self-contained HTML file (charts embedded as base64 PNG)."""

from __future__ import annotations

import base64
from pathlib import Path

from ..cells import visible
from .chart import rate_chart_png
from .context import ReportContext
from .files import write_atomic
from .templating import render

CHART_LEVELS = (1, 2)


def render_html(context: ReportContext, path: Path) -> None:
    """Write the report to path as HTML."""
    charts = {
        level: "data:image/png;base64," + base64.b64encode(rate_chart_png(context, level)).decode("ascii")
        for level in CHART_LEVELS
        if context.chart(level)
    }
    text = render("report.html.j2", context, charts=charts)
    write_atomic(Path(path), visible(text).encode("utf-8"))  # a name cannot carry control characters
