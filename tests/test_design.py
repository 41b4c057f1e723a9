"""docs/design.md's promises about the code's shape, kept by a test (the layers by lint-imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import evalrules

PACKAGE = Path(evalrules.__file__).parent


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}, "split these by concept (docs/design.md)"


def test_every_package_says_in_one_docstring_what_it_holds() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring, f"{init.relative_to(PACKAGE)} has no docstring"


def test_every_package_is_in_the_design_page() -> None:
    text = (PACKAGE.parents[1] / "docs" / "design.md").read_text(encoding="utf-8")
    packages = {init.parent.name for init in PACKAGE.glob("*/__init__.py")} - {"schemas"}
    assert sorted(name for name in packages if f"`{name}`" not in text) == []
