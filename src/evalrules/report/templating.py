"""The jinja2 environment shared by the Markdown and HTML renderers, and atomic file writing.

The wording lives in templates/ (shipped inside the package); the helpers here only format what
ReportContext already holds: numbers with evalrules.base.numbers.fmt, never a recomputed score.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ..base.extras import MissingExtraError
from ..base.numbers import fmt
from ..io.render import markdown_cell
from .context import TEXT_FIELDS, ReportContext, Row, placeholder

try:
    import jinja2
except ImportError as missing:  # the core install has no reports; say which extra brings it
    raise MissingExtraError("jinja2", "生成报告") from missing

TEMPLATES = Path(__file__).parent / "templates"
_NUMERALS = "一二三四五六七八九十"


def number(value: Decimal | None) -> str:
    """A number as the report shows it ("2", "1.12"); an empty cell for None."""
    return "" if value is None else fmt(value)


def score(value: Decimal | None) -> str:
    """得分 as the 评分表 shows it: the number, or 不适用 for an indicator that does not apply."""
    return "不适用" if value is None else fmt(value)


def numeral(index: int) -> str:
    """1 → 一 … 10 → 十 (chapter and section numbers)."""
    return _NUMERALS[index - 1] if 1 <= index <= len(_NUMERALS) else str(index)


def level_columns(rows: tuple[Row, ...]) -> list[str]:
    """The indicator columns of the 附表: 一级指标, 二级指标, 三级指标 (and deeper if the tree is)."""
    depth = max((row.level for row in rows), default=3)
    return [f"{numeral(level)}级指标" for level in range(1, max(depth, 3) + 1)]


class Safe(str):
    """Markdown text that is safe as it is: escaped already, or the author's own [texts]."""


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: object) -> Safe:
    """Text made safe for a Markdown table cell (shared with `score --format markdown`)."""
    return Safe(markdown_cell(value))


def inline(value: object) -> Safe:
    """A name or generated sentence in Markdown running text: one line, raw HTML as entities
    (the project's own [texts] are the author's Markdown and are left as written)."""
    return Safe(_entities(" ".join(str(value).split())))


def _markdown_value(value: object) -> object:
    """Every {{ … }} of a Markdown template: raw HTML in a value a template writes without a
    filter (a title made from the project's name) becomes entities, so no name can inject it."""
    if isinstance(value, (Safe, int, Decimal)) or value is None:
        return value
    return _entities(str(value))


SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def text(context: ReportContext, key: str) -> Safe:
    """The project's [texts] entry, or the marked placeholder where it gives none."""
    return Safe(context.texts.get(key) or placeholder(key))


_DEFAULT_LOADER = jinja2.FileSystemLoader(TEMPLATES)


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_DEFAULT_LOADER,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=None if autoescape else _markdown_value,
    )
    env.filters.update(number=number, score=score, numeral=numeral, cell=cell, inline=inline)
    env.globals.update(level_columns=level_columns, text=text, TEXT_FIELDS=TEXT_FIELDS, severity=SEVERITY)
    return env


def render(template: str, context: ReportContext, **extra: Any) -> str:
    env = environment(template.endswith(".html.j2"))
    chapters = dict(context.outline.chapters)
    folder = context.outline.templates
    if folder is not None and (Path(folder) / template).is_file():  # the outline's own template
        env = env.overlay(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder), _DEFAULT_LOADER]))
    return env.get_template(template).render(ctx=context, chapters=chapters, **extra)
