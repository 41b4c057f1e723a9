"""The 得分率 chart of the Markdown and HTML reports as SVG, written by hand.

Text stays text (<text> elements), so the reader's browser supplies the glyphs: neither
matplotlib nor an installed CJK font is needed. Every piece of text is XML-escaped, so an
indicator name cannot close the element or inject markup. Only the Word report (report.docx)
draws a PNG with matplotlib (report.chart), since python-docx cannot embed SVG.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from ..base.numbers import fmt
from .context import ReportContext

MARKER = "<!-- evalrules chart -->"
"""Comment every SVG written by evalrules carries: a chart file with it may be overwritten."""

FONT_FAMILY = "Microsoft YaHei, SimSun, PingFang SC, Noto Sans CJK SC, Source Han Sans SC, sans-serif"

_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
_WIDTH = 760
_LABEL = 200  # room for the indicator names, left of the bars
_BAR_AREA = 460  # 0–110 %
_ROW = 28
_TOP = 48


def _x(rate: Decimal) -> float:
    return _LABEL + _BAR_AREA * min(float(rate), 110.0) / 110.0


def rate_chart_svg(context: ReportContext, level: int = 1) -> str:
    """An SVG bar chart of 得分率 (%) of every scored indicator at a level, first indicator on top."""
    data = context.chart(level)
    height = _TOP + _ROW * max(len(data), 1) + 44
    level_name = _LEVEL_NAMES.get(level, f"{level}级")
    title = f"{context.project.name}：{level_name}指标得分率"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        MARKER,
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" font-family={quoteattr(FONT_FAMILY)} font-size="13" '
        f'role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        f'<text x="{_WIDTH / 2:g}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    bottom = _TOP + _ROW * len(data)
    for tick in range(0, 111, 20):
        x = _x(Decimal(tick))
        lines.append(f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#dddddd"/>')
        lines.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="11">{tick}</text>')
    for index, (name, rate) in enumerate(data):
        y = _TOP + _ROW * index
        width = max(_x(rate) - _LABEL, 0.0)
        lines.append(f'<text x="{_LABEL - 8}" y="{y + 14}" text-anchor="end">{escape(name)}</text>')
        lines.append(f'<rect x="{_LABEL}" y="{y}" width="{width:.1f}" height="18" fill="#4472c4"/>')
        lines.append(
            f'<text x="{_LABEL + width + 4:.1f}" y="{y + 14}" font-size="12">{escape(fmt(rate))}%</text>'
        )
    lines.append(
        f'<text x="{_LABEL + _BAR_AREA / 2:g}" y="{bottom + 36}" text-anchor="middle">得分率（%）</text>'
    )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def inline_svg(svg: str) -> str:
    """The <svg> element alone, for inlining in an HTML page (no XML declaration)."""
    return svg[svg.index("<svg") :]
