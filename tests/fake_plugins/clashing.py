"""An installed plugin that registers a ruleset under a built-in's id (issue 23, 6)."""

from __future__ import annotations

from pathlib import Path

from evalrules import hookimpl
from evalrules.base.sources import RulesetSource

BUILT_IN = Path(__file__).parents[2] / "rulesets" / "caiyu_2020_10_self.toml"


@hookimpl
def register_rulesets() -> list[RulesetSource]:
    return [RulesetSource.from_file(BUILT_IN)]
