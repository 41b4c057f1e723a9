"""evalrules.plugin: the one module a plugin imports from (issue 15, 5)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import evalrules.plugin

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_DOCS = ("hooks.md", "plugin-tutorial.md")


def _evalrules_imports(source: str) -> set[str]:
    """The evalrules modules a piece of Python imports from, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "evalrules":
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "evalrules"}
    return found


def test_every_name_is_there_and_is_the_engines_own() -> None:
    assert sorted(evalrules.plugin.__all__) == sorted(set(evalrules.plugin.__all__))
    for name in evalrules.plugin.__all__:
        value = getattr(evalrules.plugin, name)
        home = getattr(value, "__module__", None)
        if home and home.startswith("evalrules.") and home != "evalrules.plugin":
            assert getattr(importlib.import_module(home), name, value) is value, name


def test_the_shipped_plugins_import_only_the_plugin_module() -> None:
    sources = sorted(ROOT.glob("plugins/*/src/**/*.py"))
    assert sources
    wrong = {
        str(path.relative_to(ROOT)): sorted(modules - {"evalrules.plugin"})
        for path in sources
        if (modules := _evalrules_imports(path.read_text(encoding="utf-8"))) - {"evalrules.plugin"}
    }
    assert wrong == {}


def test_the_plugin_docs_import_only_the_plugin_module() -> None:
    for name in PLUGIN_DOCS:
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        for block in re.findall(r"```python\n(.*?)```", text, re.DOTALL):
            modules = _evalrules_imports(block) - {"evalrules.plugin", "evalrules.testing"}
            assert not modules, (name, modules)


def test_the_stability_page_names_every_plugin_name() -> None:
    text = (ROOT / "docs" / "stability.md").read_text(encoding="utf-8")
    assert "evalrules.plugin.__all__" in text
    assert [name for name in evalrules.plugin.__all__ if f"`{name}`" not in text] == []
