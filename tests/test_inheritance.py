from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules import LoadError

HEADER = """
[ruleset]
id = "mine"
version = "1"
title = "我的规则集"
document = "财预〔2020〕10号"
issuer = "某财政局"
extends = "caiyu_2020_10"
"""


def test_extends_with_override_add_remove(
    write: Callable[[str, str], Path], national: evalrules.Ruleset
) -> None:
    text = (
        HEADER
        + """
[[remove]]
path = "过程/组织实施/制度执行有效性"

[rounding]
places = 1

[[override]]
path = "过程/组织实施/管理制度健全性"
weight = 3

[[override]]
path = "过程/资金管理/预算执行率"
params = { numerator = "执行数", denominator = "调整后预算数" }

[[add]]
parent = "过程/组织实施"
name = "档案管理规范性"
weight = 2
method = "deduction"
"""
    )
    ruleset = evalrules.load_ruleset(write("mine.toml", text))
    assert ruleset.info.id == "mine"
    assert ruleset.info.derived_from == ("caiyu_2020_10",)
    assert ruleset.rounding.places == 1 and ruleset.rounding.mode == "ROUND_HALF_UP"
    organisation = ruleset.find(("过程", "组织实施"))
    assert organisation is not None
    assert [(c.name, c.weight) for c in organisation.children] == [
        ("管理制度健全性", 3),
        ("档案管理规范性", 2),
    ]
    rate = ruleset.find(("过程", "资金管理", "预算执行率"))
    assert rate is not None and rate.method is not None
    assert rate.method.prepared == ("执行数", "调整后预算数", "")  # "": the 年度资金总额 row
    assert ruleset.grades == national.grades


def test_override_of_missing_path_suggests(write: Callable[[str, str], Path]) -> None:
    text = HEADER + '\n[[override]]\npath = "过程/资金管理/预算执行"\nweight = 5\n'
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("mine.toml", text))
    problem = caught.value.problems[0]
    assert problem.code == "E-EXTENDS-PATH" and "预算执行率" in (problem.suggestion or "")


def test_weights_rechecked_after_override(write: Callable[[str, str], Path]) -> None:
    text = HEADER + '\n[[override]]\npath = "决策"\nweight = 25\n'
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("mine.toml", text))
    messages = [p.render() for p in caught.value.problems]
    assert any("25" in m and "20" in m for m in messages), messages  # children still add up to 20
    assert any("105" in m for m in messages), messages  # first level now 105 ≠ 100


def test_add_existing_and_remove_missing_are_refused(write: Callable[[str, str], Path]) -> None:
    text = (
        HEADER
        + '[[remove]]\npath = "效益/不存在"\n\n'
        + '[[add]]\nparent = "决策"\nname = "项目立项"\nweight = 1\nmethod = "manual"\n'
    )
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("mine.toml", text))
    assert {p.code for p in caught.value.problems} == {"E-EXTENDS-ADD", "E-EXTENDS-PATH"}


def test_cycle_is_refused(write: Callable[[str, str], Path]) -> None:
    a = write("a.toml", HEADER.replace('id = "mine"', 'id = "a"').replace("caiyu_2020_10", "PLACEHOLDER"))
    b = write("b.toml", HEADER.replace('id = "mine"', 'id = "b"').replace('"caiyu_2020_10"', f'"{a}"'))
    a.write_text(a.read_text(encoding="utf-8").replace("PLACEHOLDER", str(b)), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(a)
    assert caught.value.problems[0].code == "E-EXTENDS-CYCLE"


def test_child_chain_of_two(write: Callable[[str, str], Path]) -> None:
    parent = write("parent.toml", HEADER + "\n[scoring]\ntolerance = 0.5\n")
    child = write(
        "child.toml",
        HEADER.replace('id = "mine"', 'id = "child"').replace('"caiyu_2020_10"', f'"{parent}"'),
    )
    ruleset = evalrules.load_ruleset(child)
    assert ruleset.tolerance == Decimal("0.5")
    assert ruleset.info.derived_from == ("caiyu_2020_10", "mine")


def test_child_header_replaces_the_parents(write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset(write("mine.toml", HEADER))
    assert ruleset.info.effective is None and ruleset.info.mode == "" and ruleset.info.issuer == "某财政局"


def test_misspelled_override_key_is_located_in_the_child(write: Callable[[str, str], Path]) -> None:
    text = HEADER + '\n[[override]]\npath = "决策"\nwieght = 20\n'
    path = write("mine.toml", text)
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(path)
    problem = caught.value.problems[0]
    assert problem.code == "E-KEY-UNKNOWN" and problem.file == str(path)
    assert problem.line == text.splitlines().index("wieght = 20") + 1 and "weight" in (
        problem.suggestion or ""
    )


@pytest.mark.parametrize("edit", ['remove = ["决策"]', 'override = ["决策"]'])
def test_edits_that_are_not_tables_are_refused(write: Callable[[str, str], Path], edit: str) -> None:
    text = HEADER.replace("[ruleset]", edit + "\n\n[ruleset]")
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("mine.toml", text))
    assert caught.value.problems[0].code == "E-TYPE" and "[[" in caught.value.problems[0].message


def test_relative_extends_is_taken_from_the_referring_file(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "parent.toml").write_text(
        HEADER.replace('id = "mine"', 'id = "parent"'), encoding="utf-8"
    )
    child = tmp_path / "base" / "child.toml"
    child.write_text(HEADER.replace('"caiyu_2020_10"', '"parent.toml"'), encoding="utf-8")
    assert evalrules.load_ruleset(child).info.derived_from == ("caiyu_2020_10", "parent")


def test_a_ruleset_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    path = tmp_path / "self.toml"
    path.write_text(HEADER.replace('"caiyu_2020_10"', '"self.toml"'), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(path)
    assert caught.value.problems[0].code == "E-EXTENDS-CYCLE"
    assert caught.value.problems[0].message == "extends 形成循环：mine → mine"


def test_a_long_chain_is_a_depth_error_not_a_cycle(tmp_path: Path) -> None:
    previous = "caiyu_2020_10"
    for index in range(12):
        path = tmp_path / f"r{index}.toml"
        path.write_text(
            HEADER.replace('id = "mine"', f'id = "r{index}"').replace('"caiyu_2020_10"', f'"{previous}"'),
            encoding="utf-8",
        )
        previous = str(path)
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(previous)
    assert caught.value.problems[0].code == "E-EXTENDS-DEPTH"


def test_a_problem_in_an_overrides_params_points_at_the_child(write: Callable[[str, str], Path]) -> None:
    text = (
        HEADER
        + '\n[[override]]\npath = "过程/资金管理/预算执行率"\nparams = { denominator = "调整后预算" }\n'
    )
    path = write("mine.toml", text)
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(path)
    problem = caught.value.problems[0]
    assert problem.code == "E-PARAM" and problem.file == str(path)
    assert problem.line == text.splitlines().index('params = { denominator = "调整后预算" }') + 1


def test_worked_examples_are_not_inherited(write: Callable[[str, str], Path]) -> None:
    header = (
        '[ruleset]\nid = "{0}"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\nextends = "{1}"\n'
    )
    assert evalrules.load_ruleset("caiyu_2020_10_self").examples
    bare = write("bare.toml", header.format("bare", "caiyu_2020_10_self"))
    assert evalrules.load_ruleset(bare).examples == ()
    own = write(
        "own.toml",
        header.format("own", "caiyu_2020_10_self")
        + '\n[[examples]]\nname = "自己的算例"\nexpected = { total = 10 }\n\n[examples.budget]\n'
        '"全年预算数" = 1\n"执行数" = 1\n',
    )
    [example] = evalrules.load_ruleset(own).examples
    assert example.name == "自己的算例" and example.file == str(own) and example.line == 9
    grandchild = write("grandchild.toml", header.format("grandchild", "own.toml"))
    assert evalrules.load_ruleset(grandchild).examples == ()
