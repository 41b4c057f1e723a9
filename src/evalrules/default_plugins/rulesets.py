"""Built-in national rulesets, shipped in the package (from the top-level rulesets/ folder)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from ..base.sources import RulesetSource
from ..hooks.specs import hookimpl


def rulesets_folder() -> Path | Traversable:
    """Inside an installed wheel: evalrules/rulesets; in a source checkout: ../../rulesets."""
    packaged = files("evalrules") / "rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rulesets"


@hookimpl
def register_rulesets() -> list[RulesetSource]:
    folder = rulesets_folder()
    return [
        RulesetSource.from_file(entry)
        for entry in sorted(folder.iterdir(), key=lambda item: item.name)
        if entry.name.endswith(".toml")
    ]
