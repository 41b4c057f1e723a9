"""The 绩效评价报告 as one self-contained HTML file (charts inlined as SVG: no font needed).

The typography's fonts become CSS font lists (the Windows name first, then macOS and Linux ones);
printed, the pages are A4 with its margins and the 附表 gets landscape pages of its own.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..base.cells import visible
from .context import ReportContext, Row
from .docx_tables import widths
from .files import write_atomic
from .svgchart import inline_svg, rate_chart_svg
from .templating import render
from .typography import GONGWEN, Typography, css_family

CHART_LEVELS = (1, 2)


def sheet_widths(rows: tuple[Row, ...]) -> list[str]:
    """The 附表's column widths in percent of the table, in the Word report's proportions."""
    cm = widths(rows)
    return [f"{100 * width / sum(cm):.1f}" for width in cm]


def style_sheet(typography: Typography) -> dict[str, Markup]:
    """The typography as CSS values (font names sanitised by css_family, the rest numbers)."""
    heading1, heading2, heading3 = (css_family(font) for font in typography.heading_fonts)
    values = {
        "body": css_family(typography.body_font),
        "title": css_family(typography.title_font),
        "heading1": heading1,
        "heading2": heading2,
        "heading3": heading3,
        "title_weight": "bold" if typography.title_bold else "normal",
        "margins": " ".join(f"{typography.margins_mm[i]}mm" for i in (0, 3, 1, 2)),  # CSS: 上 右 下 左
        "body_pt": f"{typography.points(typography.body_size) / 2:g}",
        "title_pt": f"{typography.points(typography.title_size) / 2:g}",
        "table_pt": f"{typography.points(typography.table_size) / 2:g}",
    }
    return {key: Markup(value) for key, value in values.items()}


def render_html(context: ReportContext, path: Path, typography: Typography = GONGWEN) -> None:
    """Write the report to path as HTML."""
    # Markup: the SVG is built by svgchart with every text escaped, so it goes in as markup.
    charts = {
        level: Markup(inline_svg(rate_chart_svg(context, level)))
        for level in CHART_LEVELS
        if context.chart(level)
    }
    text = render(
        "report.html.j2", context, charts=charts, style=style_sheet(typography), sheet_widths=sheet_widths
    )
    write_atomic(Path(path), visible(text).encode("utf-8"))  # a name cannot carry control characters
