"""Review rulesets load with every problem located and a did-you-mean for misspelled names."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalrules.base.errors import LoadError
from evalrules.review.ruleset import load_review_ruleset, shipped_ids

GOOD = """[review]
id = "t"
title = "测试"

[[rules]]
id = "T-1"
severity = "warning"
aspect = "相关性"
applies_to = ["成本"]
when = "正向"
message = "{指标}"

[[conclusions]]
grade = "良"
label = "修改后通过"
when = "警告 > 0"

[[conclusions]]
grade = "优"
label = "通过"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_ruleset_loads_with_every_rule_tagged() -> None:
    assert "mubiao_2021_101" in shipped_ids()
    ruleset = load_review_ruleset("mubiao_2021_101")
    assert len(ruleset.rules) >= 25
    for rule in ruleset.rules:
        assert rule.provenance, rule.id
        if "[M]" in rule.provenance:
            assert rule.status == "unverified", rule.id
        if rule.status != "unverified":
            assert "[V" in rule.provenance or "常识" in rule.provenance, rule.id
    assert [c.label for c in ruleset.conclusions] == ["不通过", "修改后通过", "修改后通过", "通过"]


def test_a_good_file_loads(tmp_path: Path) -> None:
    ruleset = load_review_ruleset(write(tmp_path, GOOD))
    assert ruleset.rules[0].applies_to == ("成本",) and ruleset.rules[0].severity == "warning"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('severity = "warning"', 'severity = "warn"', "未知的 severity"),
        ('aspect = "相关性"', 'aspect = "相关"', "是否想写 “相关性”"),
        ('applies_to = ["成本"]', 'applies_to = ["成木"]', "是否想写 “成本”"),
        ('when = "正向"', 'when = "正像"', "未知名称 “正像”"),
        ('when = "正向"', 'check = "duplicate_name"', "是否想写 “duplicate_names”"),
        ('message = "{指标}"', 'message = "{指标名}"', "未知的占位符"),
        ('id = "T-1"', 'id = "T-1"\nseverty = "error"', "E-KEY-UNKNOWN"),
        ('when = "警告 > 0"', 'when = "告警 > 0"', "未知名称 “告警”"),
    ],
)
def test_problems_are_located_with_a_suggestion(tmp_path: Path, old: str, new: str, expected: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_review_ruleset(write(tmp_path, GOOD.replace(old, new, 1)))
    text = caught.value.render()
    assert expected in text and "rules.toml:" in text


def test_params_of_a_check_are_checked(tmp_path: Path) -> None:
    text = GOOD.replace('when = "正向"', 'check = "near_duplicates"\nparams = { similarty = "0.9" }')
    with pytest.raises(LoadError, match="是否想写 “similarity”"):
        load_review_ruleset(write(tmp_path, text))


def test_unknown_id_suggests_the_shipped_one() -> None:
    with pytest.raises(LoadError, match="是否想写 “mubiao_2021_101”"):
        load_review_ruleset("mubiao_2021_10")


def test_the_last_conclusion_has_no_when(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="最后一项审核结论不应有 when"):
        load_review_ruleset(write(tmp_path, GOOD + 'when = "错误 > 0"\n'))
