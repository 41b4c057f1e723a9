from __future__ import annotations

from evalrules.io.key_aliases import TARGET_ALIASES, aliases_of, with_keys
from evalrules.io.project_reader import TARGET_KEYS


def test_every_alias_stands_for_a_target_key_and_no_key_is_an_alias() -> None:
    assert set(TARGET_ALIASES.values()) <= set(TARGET_KEYS)
    assert not set(TARGET_ALIASES) & set(TARGET_KEYS)
    assert "得分" not in TARGET_ALIASES and "评价等级" not in TARGET_ALIASES  # two meanings on a form


def test_aliases_are_put_under_their_keys_and_a_second_spelling_is_reported() -> None:
    keys, spelled, twice = with_keys(
        {"年度指标值": 95, "实际值": 96, "指标值": 90, "unit": "%"}, TARGET_ALIASES
    )
    assert keys == {"value": 95, "actual": 96, "unit": "%"}
    assert spelled == {"value": "年度指标值", "actual": "实际值"}
    assert twice == [("年度指标值", "指标值", "value")]
    assert aliases_of("actual") == ["实际完成值", "实际值", "全年实际值"]
