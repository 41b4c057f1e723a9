"""The 绩效评价报告 as one self-contained HTML file (charts inlined as SVG: no font needed)."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..cells import visible
from .context import ReportContext
from .files import write_atomic
from .svgchart import inline_svg, rate_chart_svg
from .templating import render

CHART_LEVELS = (1, 2)


def render_html(context: ReportContext, path: Path) -> None:
    """Write the report to path as HTML."""
    # Markup: the SVG is built by svgchart with every text escaped, so it goes in as markup.
    charts = {
        level: Markup(inline_svg(rate_chart_svg(context, level)))
        for level in CHART_LEVELS
        if context.chart(level)
    }
    text = render("report.html.j2", context, charts=charts)
    write_atomic(Path(path), visible(text).encode("utf-8"))  # a name cannot carry control characters
