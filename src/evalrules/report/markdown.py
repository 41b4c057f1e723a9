"""The 绩效评价报告 as Markdown; the 得分率 charts are SVG files written next to the .md.

A chart file is only ever overwritten when evalrules wrote it (it carries svgchart.MARKER);
any other file of that name makes the run refuse (E-OUTPUT) before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from ..base.cells import visible
from ..base.errors import LoadError, Problem
from ..io.outputs import exists
from .context import ReportContext
from .files import write_atomic
from .svgchart import MARKER, rate_chart_svg
from .templating import render

CHART_LEVELS = (1, 2)


def chart_path(path: Path, level: int) -> Path:
    """Where the chart of a level goes: FILE_chart.svg (level 1), FILE_chart2.svg (level 2)."""
    suffix = "" if level == 1 else str(level)
    return path.with_name(f"{path.stem}_chart{suffix}.svg")


def _written_by_evalrules(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return MARKER.encode("ascii") in head


def _refuse_foreign(images: list[Path]) -> None:
    for image in images:
        if exists(image) and not (image.is_file() and _written_by_evalrules(image)):
            raise LoadError(
                [
                    Problem(
                        "E-OUTPUT",
                        f"图表文件 {image} 已存在且不是 evalrules 生成的，为免覆盖他人文件，未写出任何文件",
                        file=str(image),
                        suggestion="删除或改名该文件，或用 -o 换一个报告文件名",
                    )
                ]
            )


def render_markdown(context: ReportContext, path: Path) -> None:
    """Write the report to path (Markdown) and its charts next to it."""
    path = Path(path)
    levels = [level for level in CHART_LEVELS if context.chart(level)]
    images = {level: chart_path(path, level) for level in levels}
    _refuse_foreign(list(images.values()))
    for level, image in images.items():  # a name cannot carry control characters (XML forbids most)
        write_atomic(image, visible(rate_chart_svg(context, level)).encode("utf-8"))
    charts = {level: image.name for level, image in images.items()}
    text = render("report.md.j2", context, charts=charts)
    write_atomic(path, visible(text).encode("utf-8"))
