"""The quick reference of docs/formulas.md, generated from the code so that it cannot drift.

Between the two marker lines, docs/formulas.md holds what :func:`render` returns: every operator of
``evalrules.formula.evaluator.OPERATORS``, every function the built-in plugins register (signature, number of
arguments, description, plugin) and every resource cap (the integer constants of
``evalrules.formula.evaluator``, ``evalrules.default_plugins.functions`` and ``evalrules.base.numbers``).
tests/test_docs.py regenerates the section and fails when the page differs. After changing the
code, rewrite the section with::

    python tools/formula_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from evalrules.base import numbers
from evalrules.default_plugins import functions
from evalrules.formula import evaluator as formula
from evalrules.hooks.registry import build_registry, new_plugin_manager

PAGE = Path(__file__).resolve().parents[1] / "docs" / "formulas.md"
BEGIN = "<!-- BEGIN GENERATED: tools/formula_reference.py（由代码生成，请勿手工修改） -->"
END = "<!-- END GENERATED -->"
CAP_MODULES: tuple[ModuleType, ...] = (formula, functions, numbers)


def caps() -> dict[str, tuple[int, str]]:
    """Each resource cap: its value and the module that defines it."""
    found = {}
    for module in CAP_MODULES:
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, int) and not isinstance(value, bool):
                found[name] = (value, module.__name__)
    return found


def _arguments(function: formula.FormulaFunction) -> str:
    if function.max_args is None:
        return f"至少 {function.min_args} 个"
    if function.max_args == function.min_args:
        return f"{function.min_args} 个"
    return f"{function.min_args} 到 {function.max_args} 个"


def render() -> str:
    """The generated section, marker lines included."""
    registry = build_registry(new_plugin_manager())  # the built-in plugins only
    lines = [
        BEGIN,
        "",
        "### 运算符一览",
        "",
        "、".join(f"`{operator}`" for operator in dict.fromkeys(formula.OPERATORS)),
        "",
        "### 函数一览",
        "",
        "| 函数 | 参数个数 | 含义 | 登记它的插件 |",
        "| --- | --- | --- | --- |",
    ]
    for name in sorted(registry.functions):
        function = registry.functions[name]
        origin = registry.origin("function", name)
        doc = function.doc.replace("|", "\\|")
        lines.append(f"| `{function.signature}` | {_arguments(function)} | {doc} | `{origin}` |")
    lines += ["", "### 上限一览", "", "| 常量 | 数值 | 所在模块 |", "| --- | --- | --- |"]
    lines += [f"| `{name}` | {value} | `{module}` |" for name, (value, module) in caps().items()]
    return "\n".join([*lines, "", END])


def current(text: str) -> str:
    """The section as the page has it now (from BEGIN to END), or "" when it has none."""
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] if 0 <= start < end else ""


def main() -> int:
    text = PAGE.read_text(encoding="utf-8")
    old = current(text)
    if not old:
        print(f"{PAGE}: no section between {BEGIN!r} and {END!r}", file=sys.stderr)
        return 1
    PAGE.write_text(text.replace(old, render()), encoding="utf-8")
    print(f"{PAGE}: quick reference regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
