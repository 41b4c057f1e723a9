"""Built-in national rulesets, shipped in the package: the evaluation rulesets (from the top-level
rulesets/ folder) and the monitoring ruleset of 财预〔2019〕136号 (beside evalrules.monitoring)."""

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


MONITORING_RULESETS = ("jiankong_2019_136.toml",)


@hookimpl
def register_monitoring_rulesets() -> list[RulesetSource]:
    # found without importing evalrules.monitoring, which scoring never needs (start-up time)
    folder = files("evalrules") / "monitoring"
    return [RulesetSource.from_file(folder / name, "monitoring_ruleset") for name in MONITORING_RULESETS]
