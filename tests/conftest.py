from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

import evalrules

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "akto-2022.toml"

settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
