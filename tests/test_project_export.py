"""project_to_toml is the inverse of project loading: everything but the places survives."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
import tomli_w
from hypothesis import given, reject
from hypothesis import strategies as st

import evalrules
from evalrules import LoadError
from evalrules.io.project_export import exact, project_to_data, project_to_toml
from evalrules.io.project_loading import project_from_text
from evalrules.model.operators import OPERATORS
from evalrules.model.project import BUDGET_FIELDS

PLACES = {"place", "places", "weights_place", "file", "lines"}  # lines: where keys stand


def normalised(project: evalrules.Project) -> dict[str, Any]:
    """The project without the places its values came from."""
    return attrs.asdict(project, filter=lambda field, _value: field.name not in PLACES)


def round_trip(project: evalrules.Project) -> evalrules.Project:
    return project_from_text(project_to_toml(project), "exported.toml")


def test_seed_round_trip(seed: evalrules.Project) -> None:
    again = round_trip(seed)
    assert normalised(again) == normalised(seed)
    assert project_to_data(again) == project_to_data(seed)
    assert [t.value_text for t in again.targets] == [t.value_text for t in seed.targets]


def test_seed_scores_the_same(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    assert evalrules.score(round_trip(seed), national).total == evalrules.score(seed, national).total


def test_numbers_are_written_as_numbers_and_texts_as_texts() -> None:
    project = project_from_text(
        """
        [project]
        name = "p"
        [budget]
        "执行数" = 192.05
        [[targets]]
        slot = "a/b"
        name = "x"
        operator = "≥"
        value = "95%"
        actual = 96.50
        [[targets]]
        slot = "a/b"
        name = "y"
        operator = "定性"
        value = "有效保障"
        actual = 5
        rating = "达成年度指标"
        """
    )
    text = project_to_toml(project)
    assert 'value = "95%"' in text and "actual = 96.50" in text and '"执行数" = 192.05' in text
    assert 'operator = ">="' in text and 'actual = "5"' in text
    assert round_trip(project).targets[0].value_text == "95%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.05", Decimal("192.05")),
        ("44", Decimal(44)),
        ("-3", Decimal(-3)),
        ("95%", "95%"),
        ("1,250.00", "1,250.00"),
        ("1.0", "1.0"),
        ("007", "007"),
        ("NaN", "NaN"),
        ("完成", "完成"),
    ],
)
def test_exact(text: str, expected: Decimal | str) -> None:
    result = exact(text)
    assert result == expected and type(result) is type(expected)


# --------------------------------------------------------------------------- property

WORDS = st.text(alphabet='产出数量效益 ab"\\%', min_size=0, max_size=6)
NAMES = st.text(alphabet="产出数量效益ab", min_size=1, max_size=5)
AMOUNTS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
PATHS = st.lists(NAMES, min_size=1, max_size=3).map("/".join)
FIGURE_TEXTS = st.one_of(
    AMOUNTS,
    st.integers(-5, 10**9),
    AMOUNTS.map(lambda d: f"{d}%"),
    AMOUNTS.map(lambda d: f"{d:,}"),
    st.sampled_from(["1.0", " 7 ", "１２", "0.000001", "1E+3", ""]),
)
ANY_TEXTS = st.one_of(FIGURE_TEXTS, WORDS)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def target(draw: st.DrawFn) -> dict[str, Any]:
    operator = draw(st.sampled_from(sorted(OPERATORS)))
    qualitative = OPERATORS[operator] == "定性"
    entry: dict[str, Any] = {
        "slot": draw(PATHS),
        "name": draw(NAMES),
        "operator": operator,
        "value": draw(optional(WORDS if qualitative else FIGURE_TEXTS)),
        "unit": draw(optional(WORDS)),
        "actual": draw(optional(ANY_TEXTS)),
        "weight": draw(optional(AMOUNTS)),
        "reason": draw(optional(WORDS)),
        "rating": draw(optional(WORDS)),
        "score": draw(optional(AMOUNTS)),
        "na": draw(optional(st.booleans())),
        "note": draw(optional(WORDS)),
    }
    if draw(st.booleans()):
        entry["method"] = draw(NAMES)
        entry["params"] = draw(st.dictionaries(NAMES, st.one_of(AMOUNTS, WORDS, st.booleans()), max_size=2))
    return {key: value for key, value in entry.items() if value is not None}


@st.composite
def assessment(draw: st.DrawFn, path: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": path,
        "score": draw(optional(AMOUNTS)),
        "deductions": draw(
            optional(st.lists(st.fixed_dictionaries({"reason": WORDS, "points": AMOUNTS}), max_size=2))
        ),
        "checklist": draw(optional(st.dictionaries(NAMES, st.booleans(), max_size=2))),
        "rating": draw(optional(WORDS)),
        "values": draw(optional(st.dictionaries(NAMES, AMOUNTS, max_size=2))),
        "na": draw(optional(st.booleans())),
        "reason": draw(optional(WORDS)),
        "note": draw(optional(WORDS)),
    }
    return {key: value for key, value in entry.items() if value is not None}


@st.composite
def project_data(draw: st.DrawFn) -> dict[str, Any]:
    header: dict[str, Any] = {"name": draw(NAMES), "unit": draw(WORDS), "region": draw(WORDS)}
    if draw(st.booleans()):
        header["year"] = draw(st.integers(1990, 2100))
    if draw(st.booleans()):
        header["ruleset"] = draw(NAMES)
    budget: dict[str, Any] = {key: draw(AMOUNTS) for key in draw(st.sets(st.sampled_from(BUDGET_FIELDS)))}
    budget["unit"] = draw(st.sampled_from(["万元", "元"]))
    if draw(st.booleans()):
        budget["reason"] = draw(WORDS)
    paths = draw(st.lists(PATHS, unique=True, max_size=3))
    claims: dict[str, Any] = {"scores": draw(st.dictionaries(PATHS, AMOUNTS, max_size=2))}
    if draw(st.booleans()):
        claims["total"] = draw(AMOUNTS)
        claims["grade"] = draw(NAMES)
    claims["counts"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"path": PATHS, "level": st.integers(1, 4), "count": st.integers(0, 30)},
                optional={"text": WORDS, "source": WORDS},
            ),
            max_size=2,
        )
    )
    claims["figures"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"name": NAMES, "value": AMOUNTS}, optional={"unit": WORDS, "source": WORDS}
            ),
            max_size=2,
        )
    )
    claims["sums"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "name": NAMES,
                    "total": AMOUNTS,
                    "parts": st.dictionaries(NAMES, AMOUNTS, min_size=1, max_size=3),
                },
                optional={"unit": WORDS, "source": WORDS},
            ),
            max_size=2,
        )
    )
    return {
        "project": header,
        "budget": budget,
        "weights": draw(st.dictionaries(PATHS, AMOUNTS, max_size=3)),
        "targets": draw(st.lists(target(), max_size=4)),
        "assessments": [draw(assessment(path)) for path in paths],
        "claims": claims,
        "texts": draw(st.dictionaries(NAMES, WORDS, max_size=2)),
        "flags": draw(st.dictionaries(NAMES, st.one_of(st.booleans(), NAMES), max_size=2)),
    }


@given(project_data())
def test_round_trip_property(data: dict[str, Any]) -> None:
    try:
        project = project_from_text(tomli_w.dumps(data), "generated.toml")
    except LoadError:
        reject()
    again = round_trip(project)
    assert normalised(again) == normalised(project)
    assert project_to_data(again) == project_to_data(project)
    assert [(t.value_text, t.actual_text) for t in again.targets] == [
        (t.value_text, t.actual_text) for t in project.targets
    ]


def test_budget_rows_round_trip_and_a_summed_total_stays_a_sum() -> None:
    from pathlib import Path

    text = (Path(__file__).parent / "forms" / "bud_rows_water_2023.toml").read_text(encoding="utf-8")
    project = project_from_text(text.replace('"全年预算数" = 300.00\n', ""), "表.toml")
    again = round_trip(project)
    assert normalised(again) == normalised(project)
    assert "全年预算数" not in project_to_data(project)["budget"]
    assert again.budget.summed == ("全年预算数",)
