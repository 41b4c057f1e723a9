"""What a review rule sees of a target: its category and the facts its formula may test."""

from __future__ import annotations

from decimal import Decimal

from evalrules.io.project_loading import project_from_text
from evalrules.review.facts import FACT_NAMES, category, target_facts

TEXT = """[project]
name = "p"
[budget]
"年初预算数" = 80
[[targets]]
slot = "产出指标/数量指标"
name = "培训参加人数"
operator = "≥"
value = 1500
unit = "人次"
source = "历史标准"
history = { "2022" = 1400, "2023" = 1600 }
"""


def test_facts_have_every_documented_name_and_the_values() -> None:
    project = project_from_text(TEXT)
    facts = target_facts(project.targets[0], project)
    assert tuple(facts) == FACT_NAMES
    assert facts["上年值"] == 1600 and facts["历史均值"] == 1500 and facts["申报预算数"] == 80
    assert facts["正向"] is True and facts["历史标准"] is True and facts["数量类"] is True
    assert facts["有依据"] is False and facts["百分比"] is False
    assert isinstance(facts["指标值"], Decimal)


def test_unknown_slot_words_have_no_category() -> None:
    project = project_from_text(TEXT.replace("产出指标/数量指标", "其他/杂项"))
    assert category(project.targets[0]) == ("", "")
