from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import evalrules

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "akto-2022.toml"

settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("fuzz", max_examples=5000, deadline=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

if os.environ.get("EVALRULES_SIMULATE_WINDOWS") == "1":
    # Windows offers only "spawn": make fork and forkserver unavailable, as there (.ci/run runs
    # tests/test_batch.py and tests/test_parallel.py so).
    import multiprocessing

    _get_context = multiprocessing.get_context

    def _spawn_only(method: str | None = None) -> multiprocessing.context.BaseContext:
        if method not in (None, "spawn"):
            raise ValueError(f"cannot find context for {method!r}")
        return _get_context("spawn")

    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    multiprocessing.get_context = _spawn_only  # type: ignore[assignment]


FUZZ_SCALE = {"ci": 1, "dev": 5, "fuzz": 100}
"""How many times its CI budget of examples each fuzz test (tests/test_fuzz.py) runs under the
profile: HYPOTHESIS_PROFILE=fuzz for a long local run (docs/safety.md)."""


def fuzz_settings(examples: int) -> settings:
    """A fuzz test's settings: ``examples`` under the "ci" profile, scaled by FUZZ_SCALE otherwise."""
    return settings(
        max_examples=examples * FUZZ_SCALE.get(PROFILE, 1),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@pytest.fixture
def sichuan(monkeypatch: pytest.MonkeyPatch) -> evalrules.Registry:
    """The built-ins and the Sichuan plugin of this repository, imported from its source folder:
    the README's test command runs before the plugins are installed (.ci/run)."""
    from evalrules import testing

    monkeypatch.syspath_prepend(str(ROOT / "plugins" / "evalrules-sichuan" / "src"))
    return testing.plugin_registry(importlib.import_module("evalrules_sichuan"))


@pytest.fixture
def xinjiang(monkeypatch: pytest.MonkeyPatch) -> evalrules.Registry:
    """The built-ins and the Xinjiang plugin of this repository, imported from its source folder
    (as ``sichuan``)."""
    from evalrules import testing

    monkeypatch.syspath_prepend(str(ROOT / "plugins" / "evalrules-xinjiang" / "src"))
    return testing.plugin_registry(importlib.import_module("evalrules_xinjiang"))


@pytest.fixture(scope="session")
def national() -> evalrules.Ruleset:
    return evalrules.load_ruleset("caiyu_2020_10")


@pytest.fixture(scope="session")
def self_eval() -> evalrules.Ruleset:
    return evalrules.load_ruleset("caiyu_2020_10_self")


@pytest.fixture(scope="session")
def seed() -> evalrules.Project:
    return evalrules.load_project(SEED)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file in tmp_path and return its path."""

    def write_file(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write_file
