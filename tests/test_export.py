from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules.io.export import ruleset_sha256, ruleset_to_toml


@pytest.mark.parametrize("ruleset_id", ["caiyu_2020_10", "caiyu_2020_10_self"])
def test_resolved_toml_loads_back_equal(ruleset_id: str, write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset(ruleset_id)
    text = ruleset_to_toml(ruleset)
    again = evalrules.load_ruleset(write("resolved.toml", text))
    assert again == ruleset
    assert again.sha256 == ruleset.sha256 == ruleset_sha256(ruleset)
    assert "extends" not in tomllib.loads(text)["ruleset"]


weights = st.integers(min_value=0, max_value=40)


@given(
    a=weights,
    b=weights,
    places=st.integers(min_value=0, max_value=4),
    mode=st.sampled_from(["ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN"]),
    policy=st.sampled_from(["rescale", "share"]),
)
def test_round_trip_of_extended_rulesets(
    tmp_path_factory: pytest.TempPathFactory, a: int, b: int, places: int, mode: str, policy: str
) -> None:
    """Any child of the national ruleset, resolved and written back, loads to the same ruleset."""
    folder = tmp_path_factory.mktemp("rt")
    child = folder / "child.toml"
    child.write_text(
        f"""
[ruleset]
id = "child"
version = "2"
title = "变体"
document = "测试"
issuer = "测试"
extends = "caiyu_2020_10"

[rounding]
places = {places}
mode = "{mode}"

[not_applicable]
policy = "{policy}"

[[override]]
path = "决策"
weight = {10 + a + b}

[[override]]
path = "决策/资金投入"
weight = {a + b}

[[override]]
path = "决策/资金投入/预算编制科学性"
weight = {a}

[[override]]
path = "决策/资金投入/资金分配合理性"
weight = {b}

[[override]]
path = "效益"
weight = {30 - a - b}

[[override]]
path = "效益/项目效益"
weight = {30 - a - b}
""",
        encoding="utf-8",
    )
    if a + b > 30:
        with pytest.raises(evalrules.LoadError):
            evalrules.load_ruleset(child)
        return
    ruleset = evalrules.load_ruleset(child)
    resolved = folder / "resolved.toml"
    resolved.write_text(ruleset_to_toml(ruleset), encoding="utf-8")
    assert evalrules.load_ruleset(resolved) == ruleset


def test_worked_examples_round_trip_and_leave_the_hash_alone(write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset("caiyu_2020_10_self")
    data = tomllib.loads(ruleset_to_toml(ruleset))
    assert [e["name"] for e in data["examples"]] == [e.name for e in ruleset.examples]
    assert data["examples"][1]["expected"]["满意度指标"] == "不适用"
    again = evalrules.load_ruleset(write("resolved.toml", ruleset_to_toml(ruleset)))
    assert again.examples == ruleset.examples and again.examples[1].project.targets
    # the hash identifies the rules: a worked example changes no score
    assert ruleset_sha256(attrs.evolve(ruleset, examples=())) == ruleset.sha256
