"""MkDocs hooks for the documentation site (registered in mkdocs.yml ``hooks:``).

1. The pages mark their code blocks with words after the language (see tests/test_docs.py):
   ```` ```toml fragment ````, ```` ```python file=evalrules-demo/pyproject.toml ````. GitHub
   ignores those words; Python-Markdown's fences do not accept them, so the site would show such a
   block as plain text. The opening line is rewritten before the page is rendered: ``file=PATH``
   becomes the block's title, the other words are dropped.
2. The docstrings use Sphinx roles (``:class:`~evalrules.model.ruleset.Ruleset```), which Markdown shows
   literally. In the rendered API page each role becomes an optional cross-reference: a link when
   the object is documented on the site, plain code otherwise.
"""

from __future__ import annotations

import re
from typing import Any

OPENING = re.compile(r"^(?P<fence>`{3,})(?P<lang>[\w+-]+)[ \t]+(?P<words>[^`\n]*?)[ \t]*$", re.MULTILINE)
ROLE = re.compile(
    r":(?:py:)?(?:data|mod|class|func|meth|attr|exc|obj):<code>(?P<tilde>~?)(?P<name>[\w.]+)</code>"
)


def _opening(match: re.Match[str]) -> str:
    fence, lang, words = match.group("fence", "lang", "words")
    files = [word.removeprefix("file=") for word in words.split() if word.startswith("file=")]
    return f'{fence}{lang} title="{files[0]}"' if files else f"{fence}{lang}"


def _role(match: re.Match[str]) -> str:
    name = match.group("name")
    shown = name.rsplit(".", 1)[-1] if match.group("tilde") else name
    return f'<autoref identifier="{name}" optional><code>{shown}</code></autoref>'


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Give every fence an opening line Python-Markdown understands."""
    return OPENING.sub(_opening, markdown)


def on_page_content(html: str, **_: Any) -> str:
    """Turn the Sphinx roles of the docstrings into cross-references."""
    return ROLE.sub(_role, html)
