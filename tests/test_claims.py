from __future__ import annotations

from decimal import Decimal

import pytest

from evalrules import LoadError
from evalrules.io.project_loading import project_from_text

BASE = """
[project]
name = "x"

[claims]
total = 95.5
grade = "优"

[claims.scores]
"决策" = 20

[[claims.counts]]
path = "决策"
level = 3
count = 22
text = "由22个三级指标构成"
source = "四、（一）"

[[claims.figures]]
name = "受益群众满意度"
value = "99%"
unit = "%"
source = "三、（二）"

[[claims.sums]]
name = "编制数"
total = 43
parts = { "行政" = 20, "工勤" = 9, "事业" = 14 }
unit = "人"
"""


def test_claims_are_read_with_their_places() -> None:
    claims = project_from_text(BASE, "p.toml").claims
    assert claims.total == Decimal("95.5") and claims.grade == "优" and claims.scores == {"决策": 20}
    count = claims.counts[0]
    assert (
        count.path == ("决策",)
        and count.level == 3
        and count.count == 22
        and count.text == "由22个三级指标构成"
    )
    assert count.place.line == BASE.splitlines().index("[[claims.counts]]") + 1
    figure = claims.figures[0]
    assert figure.value == 99 and figure.unit == "%" and figure.source == "三、（二）"
    assert claims.sums[0].parts == {"行政": 20, "工勤": 9, "事业": 14} and claims.sums[0].total == 43
    assert claims.places["决策"].line == BASE.splitlines().index('"决策" = 20') + 1
    assert claims.places["total"].line == BASE.splitlines().index("total = 95.5") + 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("level = 3", 'level = "三"'), "E-CLAIM"),
        (("count = 22", "count = -1"), "E-CLAIM"),
        (('path = "决策"\n', ""), "E-CLAIM"),
        (('value = "99%"', 'value = "九十九"'), "E-NUMBER"),
        (("parts = {", 'part = "x"\nparts2 = {'), "E-KEY-UNKNOWN"),
        (('source = "四、（一）"', 'source = "四、（一）"\nsorce = "x"'), "E-KEY-UNKNOWN"),
        (("[[claims.sums]]", "[claims.x]\n\n[[claims.sums]]"), "E-KEY-UNKNOWN"),
    ],
)
def test_malformed_claims_are_refused(change: tuple[str, str], code: str) -> None:
    text = BASE.replace(*change, 1)
    assert text != BASE
    with pytest.raises(LoadError) as caught:
        project_from_text(text, "p.toml")
    assert code in {problem.code for problem in caught.value.problems}


def test_a_claimed_score_is_located_in_claims_scores_not_earlier() -> None:
    text = BASE.replace("[claims]\n", '[weights]\n"决策" = 20\n\n[claims]\n', 1)
    claims = project_from_text(text, "p.toml").claims
    assert claims.places["决策"].line == text.splitlines().index("[claims.scores]") + 2


@pytest.mark.parametrize(
    "change",
    [
        ("level = 3", "level = 0"),
        ('grade = "优"', "grade = 90"),
        ('value = "99%"\n', ""),
        ("total = 43\n", ""),
    ],
)
def test_claims_refuse_level_zero_numeric_grades_and_missing_values(change: tuple[str, str]) -> None:
    with pytest.raises(LoadError) as caught:
        project_from_text(BASE.replace(*change, 1), "p.toml")
    assert "E-CLAIM" in {problem.code for problem in caught.value.problems}
    assert all("NoneType" not in problem.render() for problem in caught.value.problems)
