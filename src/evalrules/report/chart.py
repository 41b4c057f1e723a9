"""The 得分率 chart of the Word report: a horizontal bar per indicator, drawn with matplotlib (Agg).

Markdown and HTML reports draw their chart as SVG instead (report.svgchart) and need no font.

Chinese labels need a CJK font; one is looked up at run time and, when none is installed, the
chart refuses with a message saying how to install one rather than drawing empty boxes.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from ..base.cells import visible
from ..base.errors import LoadError, Problem
from ..base.numbers import fmt
from .context import ReportContext

PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
"""CJK font families in order of preference (Simplified Chinese faces first)."""

_FALLBACK_MARKERS = ("CJK SC", "WenQuanYi", "Source Han Sans", "CJK")

_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

NO_FONT_MESSAGE = (
    "未找到中文字体，无法绘制得分率图（否则中文会显示为方框）。请安装 CJK 字体，例如 "
    "Debian/Ubuntu：apt-get install fonts-noto-cjk（或 fonts-wqy-zenhei），然后重新运行"
)


def find_cjk_font() -> str | None:
    """The family name of an installed CJK font that matplotlib can use, or None.

    matplotlib lists fonts from a cache built on its first run; a font installed afterwards (as
    the E-FONT message asks) is not in it. So when the list has no CJK font, the system's font
    folders are scanned once more and the fonts missing from the list are added, before refusing.
    """
    from matplotlib import font_manager

    found = _cjk_font({entry.name for entry in font_manager.fontManager.ttflist})
    if found is None and _add_new_system_fonts(font_manager):
        found = _cjk_font({entry.name for entry in font_manager.fontManager.ttflist})
    return found


def _add_new_system_fonts(font_manager: Any) -> bool:
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):
                continue  # a font file matplotlib cannot read is skipped, as its own scan does
    if added:  # keep the rebuilt list for the next run (a private helper: kept if present)
        dump, cache = (
            getattr(font_manager, "json_dump", None),
            getattr(font_manager, "_get_font_cache_path", None),
        )
        if dump is not None and cache is not None:
            with contextlib.suppress(OSError):
                dump(font_manager.fontManager, cache())
    return added


def _cjk_font(names: set[str]) -> str | None:
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    for marker in _FALLBACK_MARKERS:
        found = sorted(name for name in names if marker in name and "Mono" not in name)
        if found:
            return found[0]
    return None


def rate_chart_png(context: ReportContext, level: int = 1) -> bytes:
    """A PNG bar chart of 得分率 (%) of every scored indicator at a level (1 = 决策/过程/产出/效益)."""
    from ..base.extras import need

    matplotlib = need("matplotlib", "绘制得分率图表")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    font = find_cjk_font()
    if font is None:
        raise LoadError([Problem("E-FONT", NO_FONT_MESSAGE, suggestion="apt-get install fonts-noto-cjk")])
    data = context.chart(level)
    names = [visible(name) for name, _ in data][::-1]  # first indicator on top; no control characters
    rates = [float(rate) for _, rate in data][::-1]

    height = 1.4 + 0.45 * max(len(data), 1)
    figure = Figure(figsize=(8, height), dpi=150)
    axes = figure.subplots()
    bars = axes.barh(range(len(names)), rates, color="#4472c4", height=0.6)
    # parse_math=False: names are plain text; "$\\frac{a$" must not be read as mathtext (and crash)
    axes.set_yticks(range(len(names)), names, fontfamily=font, fontsize=10, parse_math=False)
    axes.set_xlim(0, 110)
    axes.set_xlabel("得分率（%）", fontfamily=font, fontsize=10, parse_math=False)
    level_name = _LEVEL_NAMES.get(level, f"{level}级")
    title = f"{visible(context.project.name)}：{level_name}指标得分率"
    axes.set_title(title, fontfamily=font, fontsize=12, parse_math=False)
    for bar, (_, rate) in zip(bars, data[::-1], strict=True):
        axes.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            f"{fmt(rate)}%",
            va="center",
            fontsize=9,
            fontfamily=font,
            parse_math=False,
        )
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
