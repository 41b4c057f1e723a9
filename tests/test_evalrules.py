"""The package's public face (evalrules/__init__.py): every public name is there, imported only when
first used, and the names type checkers see are the names the package gives."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest

import evalrules

from .conftest import ROOT, SEED


def _checked_imports() -> dict[str, str]:
    """Name → module of the imports under ``if TYPE_CHECKING:`` in evalrules/__init__.py."""
    tree = ast.parse((ROOT / "src" / "evalrules" / "__init__.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    found[alias.asname or alias.name] = "." * statement.level + (statement.module or "")
    return found


def test_type_checkers_see_what_the_package_gives() -> None:
    """The two lists (for type checkers, for the lazy lookup) cannot drift apart."""
    homes = evalrules._HOMES
    assert _checked_imports() == homes
    assert sorted(homes) == sorted(evalrules.__all__)


def test_every_public_name_is_the_object_of_its_home() -> None:
    for name, home in evalrules._HOMES.items():
        assert getattr(evalrules, name) is getattr(importlib.import_module(home, "evalrules"), name)
    assert set(evalrules.__all__) <= set(dir(evalrules))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="scoer"):
        evalrules.scoer  # noqa: B018
    assert not hasattr(evalrules, "_not_there")


def test_the_check_bites_when_a_name_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(evalrules._HOMES, "extra", ".engine.scoring")
    assert _checked_imports() != evalrules._HOMES


def _loaded(code: str) -> set[str]:
    listed = "print(' '.join(sorted(m for m in sys.modules if m.startswith('evalrules'))))"
    probe = f"import sys\n{code}\n{listed}"
    completed = subprocess.run(
        [sys.executable, "-c", probe, str(SEED)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert completed.returncode == 0, completed.stderr
    return set(completed.stdout.splitlines()[-1].split())


def test_import_evalrules_loads_nothing_until_asked() -> None:
    assert _loaded("import evalrules") == {"evalrules"}


OTHER_COMMANDS = (
    "evalrules.auditing.run",
    "evalrules.authoring.skeleton",
    "evalrules.batch.run",
    "evalrules.monitoring.engine",
    "evalrules.report",
    "evalrules.review.engine",
    "evalrules.review.report",
    "evalrules.selfcheck.golden",
    "evalrules.selfcheck.properties",
)


def test_score_loads_only_the_scoring_machinery() -> None:
    """docs/performance.md, 启动时间: `evalrules score` does not load what other commands use."""
    loaded = _loaded("from evalrules.cli.main import main; main(['score', sys.argv[1]])")
    assert "evalrules.engine.scoring" in loaded
    assert sorted(loaded & set(OTHER_COMMANDS)) == []
