"""Numbers at the edges: each has a defined outcome, a located evalrules error or a documented score.

NaN and infinities (TOML nan / inf, JSON NaN / Infinity, Excel cells, CSV flat files), negative
figures, zero targets, huge and tiny values, more decimals than the ruleset keeps, totals on grade
boundaries and indicators that are all not applicable. The table in docs/safety.md lists the same
cases with the same outcomes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

import evalrules
from evalrules.base.errors import EvalrulesError, LoadError, Problem, ScoringError
from evalrules.base.numbers import MAX_MAGNITUDE
from evalrules.io.excel import read_workbook
from evalrules.io.flat import read_flat

from .test_excel import _unit_form

Write = Callable[[str, str], Path]

RULESET = """
[ruleset]
id = "edges"
version = "1"
title = "边界"
document = "测试"
issuer = "测试"

[scoring]
max = {max}

[rounding]
places = 2
mode = "{mode}"
stage = "{stage}"
total_before_grade = {before}

[[grades]]
name = "优"
min = {excellent}

[[grades]]
name = "良"
min = 80

[[grades]]
name = "中"
min = 60

[[grades]]
name = "差"
min = 0

[target_methods]
">=" = {{ method = "positive" }}
"<=" = {{ method = "reverse" }}
"=" = {{ method = "equal" }}

[[indicators]]
name = "评分"
weight = {manual_weight}
method = "manual"

[[indicators]]
name = "扣分"
weight = 10
method = "deduction"

[[indicators]]
name = "产出"
weight = 40
slot = true
"""

PROJECT = """
[project]
name = "边界项目"

[budget]
"全年预算数" = {budget}
"执行数" = 95

[[assessments]]
path = "评分"
score = {score}

[[assessments]]
path = "扣分"
deductions = [{{ reason = "未按时归档", points = {points} }}]

[[targets]]
slot = "产出"
name = "完成数"
operator = "{operator}"
value = {value}
actual = {actual}
unit = "个"
weight = {weight}
"""

DEFAULTS = {
    "budget": "100",
    "score": "40",
    "points": "0",
    "operator": ">=",
    "value": "10",
    "actual": "10",
    "weight": "40",
}


def ruleset(
    write: Write,
    *,
    stage: str = "indicator",
    mode: str = "ROUND_HALF_UP",
    before: bool = True,
    **changes: str,
) -> evalrules.Ruleset:
    fields = {"max": "100", "excellent": "90", "manual_weight": "50", **changes}
    text = RULESET.format(stage=stage, mode=mode, before=str(before).lower(), **fields)
    return evalrules.load_ruleset(write("edges.toml", text))


def project_text(**changes: str) -> str:
    return PROJECT.format(**{**DEFAULTS, **changes})


def line(text: str, fragment: str) -> int:
    """The 1-based line of the first line of text containing fragment."""
    return next(number for number, row in enumerate(text.splitlines(), 1) if fragment in row)


def refusal(call: Callable[[], object], kind: type[EvalrulesError] = EvalrulesError) -> Problem:
    with pytest.raises(kind) as caught:
        call()
    [problem] = caught.value.problems
    return problem


def scored(write: Write, rules: evalrules.Ruleset | None = None, **changes: str) -> evalrules.Result:
    project = evalrules.load_project(write("p.toml", project_text(**changes)))
    return evalrules.score(project, rules or ruleset(write))


def target_score(write: Write, **changes: str) -> Decimal | None:
    return scored(write, **changes).node("产出", "完成数").score


# --------------------------------------------------------------------------- NaN and infinities


NON_FINITE = ["nan", "+nan", "-nan", "inf", "+inf", "-inf", '"NaN"', '"Infinity"', '"-Infinity"', '"sNaN"']


@pytest.mark.parametrize("spelling", NON_FINITE)
@pytest.mark.parametrize(
    ("field", "fragment"),
    [
        ("budget", '"全年预算数"'),
        ("score", "score ="),
        ("points", "points ="),
        ("value", "value ="),
        ("weight", "weight ="),
    ],
)
def test_non_finite_numbers_in_a_toml_project_are_refused_at_their_line(
    write: Write, field: str, fragment: str, spelling: str
) -> None:
    text = project_text(**{field: spelling})
    path = write("p.toml", text)
    problem = refusal(lambda: evalrules.load_project(path), LoadError)
    assert (problem.code, problem.file, problem.line) == ("E-NUMBER", str(path), line(text, fragment))
    assert "有限的数字" in problem.message


@pytest.mark.parametrize("spelling", [*NON_FINITE, "1e300", "1e1000000", str(MAX_MAGNITUDE)])
def test_an_actual_written_as_a_number_no_form_holds_is_e_number_at_its_line(
    write: Write, spelling: str
) -> None:
    # issue 23 §4: a number (not words) that is not finite or beyond any form is E-NUMBER when the
    # project is read, at the actual's own line (issue 14 §3), and shown short (1E+1000000)
    text = project_text(actual=spelling)
    path = write("p.toml", text)
    problem = refusal(lambda: evalrules.load_project(path), LoadError)
    assert (problem.code, problem.file, problem.line) == ("E-NUMBER", str(path), line(text, "actual = "))
    assert "有限的数字" in problem.message or "超出范围" in problem.message
    assert len(problem.message) < 200


def test_an_actual_in_words_is_still_an_input_error_when_scored(write: Write) -> None:
    text = project_text(actual='"大约九成"')
    path = write("p.toml", text)
    project = evalrules.load_project(path)
    problem = refusal(lambda: evalrules.score(project, ruleset(write)), ScoringError)
    assert (problem.code, problem.line) == ("E-INPUT", line(text, "actual = "))
    assert "不是数字" in problem.message


@pytest.mark.parametrize("spelling", ["nan", "inf", "-inf", '"NaN"'])
@pytest.mark.parametrize(
    ("field", "fragment", "code"),
    [
        ("manual_weight", "weight = ", "E-NUMBER"),
        ("max", "max = ", "E-NUMBER"),
        ("excellent", "min = ", "E-NUMBER"),
    ],
)
def test_non_finite_numbers_in_a_ruleset_are_refused_at_their_line(
    write: Write, field: str, fragment: str, code: str, spelling: str
) -> None:
    with pytest.raises(LoadError) as caught:
        ruleset(write, **{field: spelling})
    problems = [p for p in caught.value.problems if p.code == code]
    assert problems, caught.value.render()
    for problem in problems:  # the template has the same lines as the file
        assert problem.file and problem.file.endswith("edges.toml")
        assert problem.line == line(RULESET, fragment), problem


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused_at_their_line(tmp_path: Path, constant: str) -> None:
    text = '{\n  "project": {"name": "p"},\n  "budget": {\n    "执行数": ' + constant + "\n  }\n}\n"
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    problem = refusal(lambda: evalrules.load_project(path), LoadError)
    assert (problem.code, problem.file, problem.line) == ("E-JSON", str(path), 4)


@pytest.mark.parametrize("spelling", ["NaN", "nan", "inf", "Infinity", "-Infinity", "1e300", "1e999999"])
def test_non_finite_or_huge_numbers_in_a_csv_flat_file_are_refused_at_their_row(
    tmp_path: Path, spelling: str
) -> None:
    path = tmp_path / "flat.csv"
    path.write_text(
        "project,kind,indicator,value\n甲,budget,全年预算数,100\n甲,budget,执行数," + spelling + "\n",
        encoding="utf-8",
    )
    [(key, error)] = read_flat(path)
    assert key == "甲" and isinstance(error, LoadError)
    [problem] = error.problems
    assert (problem.code, problem.file, problem.line) == ("E-NUMBER", str(path), 3)


def test_jsonl_nan_is_refused_at_its_row(tmp_path: Path) -> None:
    path = tmp_path / "flat.jsonl"
    path.write_text(
        '{"project": "甲", "kind": "budget", "indicator": "全年预算数", "value": 100}\n'
        '{"project": "甲", "kind": "budget", "indicator": "执行数", "value": NaN}\n',
        encoding="utf-8",
    )
    errors = [item for _, item in read_flat(path) if isinstance(item, LoadError)]
    assert [(p.code, p.line) for error in errors for p in error.problems] == [("E-JSON", 2)]


# --------------------------------------------------------------------------- Excel cells


def _form(tmp_path: Path, change: Callable[[object], None]) -> Path:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    _unit_form(workbook.active)
    change(workbook.active)
    path = tmp_path / "form.xlsx"
    workbook.save(path)
    return path


def _with_xml_value(path: Path, cell: str, value: str) -> None:
    """Store a raw value in a cell's XML: what another program may write (Excel itself cannot
    hold NaN or infinity)."""
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                pattern = rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>'.encode()
                content, count = re.subn(pattern, rb"\1<v>" + value.encode() + rb"</v>", content)
                assert count == 1
            target.writestr(item, content)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("stored", ["1E+999", "-1E+999"])
@pytest.mark.parametrize("cell", ["F11", "G11", "D6"])
def test_an_infinite_excel_cell_is_refused_at_its_cell(tmp_path: Path, cell: str, stored: str) -> None:
    path = _form(tmp_path, lambda sheet: None)
    _with_xml_value(path, cell, stored)
    [(_, error)] = read_workbook(path)
    assert isinstance(error, LoadError)
    assert [(p.code, p.where, p.file) for p in error.problems] == [("E-NUMBER", f"Sheet1!{cell}", str(path))]


def test_a_nan_excel_cell_is_an_empty_cell(tmp_path: Path, self_eval: evalrules.Ruleset) -> None:
    # openpyxl (like Excel) cannot store NaN: the cell is written empty, and an empty 实际完成值 is
    # a missing actual (an error under the self-evaluation ruleset, located at the target)
    path = _form(tmp_path, lambda sheet: sheet.__setitem__("F11", float("nan")))
    [(_, project)] = read_workbook(path)
    assert isinstance(project, evalrules.Project)
    target = next(t for t in project.targets if t.name == "养护道路里程")
    assert target.actual is None and target.actual_text == ""
    problem = refusal(lambda: evalrules.score(project, self_eval), ScoringError)
    assert problem.code == "E-INPUT" and problem.where and "养护道路里程" in problem.where


@pytest.mark.parametrize("error_value", ["#NUM!", "#DIV/0!", "#VALUE!"])
def test_an_excel_error_value_is_refused_at_its_cell(tmp_path: Path, error_value: str) -> None:
    path = _form(tmp_path, lambda sheet: sheet.__setitem__("G11", error_value))
    [(_, error)] = read_workbook(path)
    assert isinstance(error, LoadError)
    assert [(p.code, p.where) for p in error.problems] == [("E-NUMBER", "Sheet1!G11")]


def test_a_negative_excel_budget_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = _form(tmp_path, lambda sheet: sheet.__setitem__("E6", -5))
    [(_, error)] = read_workbook(path)
    assert isinstance(error, LoadError)
    assert [(p.code, p.where) for p in error.problems] == [("E-BUDGET", "Sheet1!E6")]


# --------------------------------------------------------------------------- negative numbers


@pytest.mark.parametrize(
    ("field", "fragment", "code"),
    [
        ("budget", '"全年预算数"', "E-BUDGET"),
        ("weight", "weight =", "E-WEIGHT"),
        ("points", "points =", "E-DEDUCTION"),
    ],
)
def test_negative_budgets_weights_and_deductions_are_refused_at_their_line(
    write: Write, field: str, fragment: str, code: str
) -> None:
    text = project_text(**{field: "-5"})
    path = write("p.toml", text)
    problem = refusal(lambda: evalrules.load_project(path), LoadError)
    assert (problem.code, problem.file) == (code, str(path))
    assert problem.line == line(text, fragment)


@pytest.mark.parametrize("operator", [">=", "<=", "="])
def test_a_negative_target_value_is_an_input_error(write: Write, operator: str) -> None:
    text = project_text(operator=operator, value="-5", actual="-3")
    path = write("p.toml", text)
    problem = refusal(lambda: evalrules.score(evalrules.load_project(path), ruleset(write)), ScoringError)
    assert (problem.code, problem.line) == ("E-INPUT", line(text, "[[targets]]"))
    assert "不小于 0" in problem.message


def test_a_negative_manual_score_is_an_input_error(write: Write) -> None:
    problem = refusal(lambda: scored(write, score="-1"), ScoringError)
    assert problem.code == "E-INPUT" and "超出范围" in problem.message


# --------------------------------------------------------------------------- zero targets


@pytest.mark.parametrize(
    ("operator", "actual", "expected"),
    [
        (">=", "0", "40"),  # 指标值 0, reached
        (">=", "5", "40"),
        (">=", "-1", "0"),  # below a target of 0
        ("<=", "0", "40"),
        ("<=", "-1", "40"),
        ("<=", "5", "0"),  # any amount above a ceiling of 0
        ("=", "0", "40"),
        ("=", "-1", "40"),  # documented: A = 0 and B ≤ 0 scores in full
        ("=", "5", "0"),
    ],
)
def test_zero_targets(write: Write, operator: str, actual: str, expected: str) -> None:
    assert target_score(write, operator=operator, value="0", actual=actual) == Decimal(expected)


@pytest.mark.parametrize("operator", [">=", "="])
def test_nothing_done_of_a_positive_target_scores_zero(write: Write, operator: str) -> None:
    assert target_score(write, operator=operator, value="5", actual="0") == 0


# --------------------------------------------------------------------------- huge and tiny values


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", "1e300"),
        ("value", str(MAX_MAGNITUDE)),
        ("value", "-" + str(MAX_MAGNITUDE)),
        ("budget", "1e15"),
        ("budget", "1e300"),
        ("weight", "1e300"),
        ("score", "1e-1000"),
        ("value", "1e-1000"),
    ],
)
def test_numbers_beyond_the_caps_are_refused_at_their_line(write: Write, field: str, value: str) -> None:
    text = project_text(**{field: value})
    path = write("p.toml", text)
    problem = refusal(lambda: evalrules.load_project(path), LoadError)
    assert (problem.code, problem.file) == ("E-NUMBER", str(path))
    assert "超出范围" in problem.message


@pytest.mark.parametrize(
    ("operator", "value", "actual", "expected"),
    [
        (">=", "1e-300", "1", "40"),  # far beyond a tiny target: full marks, never more
        (">=", "1", "1e-300", "0"),  # 1e-300 of the target: 0.00 after rounding
        ("<=", "1e-300", "1", "0"),  # A/B = 1e-300 of the weight
        ("<=", "1", "1e-300", "40"),
        (">=", "999999999999999.99", "999999999999999.99", "40"),  # the largest accepted
        (">=", "999999999999999.99", "1", "0"),
    ],
)
def test_huge_and_tiny_values_within_the_caps_score(
    write: Write, operator: str, value: str, actual: str, expected: str
) -> None:
    assert target_score(write, operator=operator, value=value, actual=actual) == Decimal(expected)


# --------------------------------------------------------------------------- more decimals than kept


def test_values_keep_every_decimal_and_scores_are_rounded_as_declared(write: Write) -> None:
    result = scored(write, value="3", actual="2.99999999999999999999999999", score="33.333333333333333333")
    node = result.node("产出", "完成数")
    assert node.score == Decimal("40.00")  # 39.99999999999999999999999987 rounded to 2 places
    assert result.node("评分").score == Decimal("33.33")
    assert result.total == Decimal("83.33")


def test_a_deduction_smaller_than_the_last_place_vanishes_by_rounding(write: Write) -> None:
    assert scored(write, points="0.004").node("扣分").score == Decimal("10.00")
    assert scored(write, points="0.005").node("扣分").score == Decimal("10.00")  # 9.995 HALF_UP
    assert scored(write, points="0.006").node("扣分").score == Decimal("9.99")


def test_weights_must_add_up_exactly_whatever_the_places(write: Write) -> None:
    problem = refusal(lambda: scored(write, weight="40.0000000000000000001"), ScoringError)
    assert problem.code == "E-WEIGHT-SUM"


@pytest.mark.parametrize("places", ["11", "-1", "2.5", '"2"'])
def test_rounding_places_outside_0_to_10_are_refused(write: Write, places: str) -> None:
    text = RULESET.format(
        max="100", excellent="90", manual_weight="50", stage="indicator", mode="ROUND_HALF_UP", before="true"
    ).replace("places = 2", f"places = {places}")
    problem = refusal(lambda: evalrules.load_ruleset(write("r.toml", text)), LoadError)
    assert problem.code == "E-ROUNDING" and problem.line == line(text, "places =")


# --------------------------------------------------------------------------- grade boundaries


@pytest.mark.parametrize(
    ("manual", "mode", "before", "total", "grade"),
    [
        ("39.995", "ROUND_HALF_UP", True, "90.00", "优"),  # 89.995 → 90.00, graded after rounding
        ("39.995", "ROUND_HALF_UP", False, "90.00", "良"),  # graded on the exact 89.995
        ("40", "ROUND_HALF_UP", True, "90.00", "优"),  # 90 exactly: bands are [min, next min)
        ("40", "ROUND_HALF_UP", False, "90.00", "优"),
        ("39.994", "ROUND_HALF_UP", True, "89.99", "良"),
        ("39.985", "ROUND_HALF_UP", True, "89.99", "良"),
        ("39.985", "ROUND_HALF_EVEN", True, "89.98", "良"),
        ("39.995", "ROUND_HALF_EVEN", True, "90.00", "优"),
        ("39.995", "ROUND_DOWN", True, "89.99", "良"),
        ("29.9999999", "ROUND_HALF_UP", True, "80.00", "良"),  # 79.9999999
        ("29.9999999", "ROUND_HALF_UP", False, "80.00", "中"),
        ("29.9999999", "ROUND_DOWN", True, "79.99", "中"),
        ("9.995", "ROUND_HALF_UP", True, "60.00", "中"),  # 59.995
        ("9.995", "ROUND_HALF_UP", False, "60.00", "差"),
        ("0", "ROUND_HALF_UP", True, "50.00", "差"),
    ],
)
def test_totals_on_grade_boundaries(
    write: Write, manual: str, mode: str, before: bool, total: str, grade: str
) -> None:
    rules = ruleset(write, stage="total", mode=mode, before=before)
    result = scored(write, rules, score=manual)
    assert result.exact_total == Decimal(manual) + 50
    assert (result.total, result.grade) == (Decimal(total), grade)


def test_indicator_rounding_moves_the_exact_total_onto_the_boundary(write: Write) -> None:
    # stage "indicator": 39.995 is rounded where it is scored, so even total_before_grade = false sees 90
    rules = ruleset(write, stage="indicator", before=False)
    result = scored(write, rules, score="39.995")
    assert (result.exact_total, result.total, result.grade) == (Decimal("90.00"), Decimal("90.00"), "优")


def test_full_marks_are_the_top_band(write: Write) -> None:
    result = scored(write, score="50")
    assert (result.total, result.grade) == (Decimal("100.00"), "优")


# --------------------------------------------------------------------------- not applicable everywhere


NOT_APPLICABLE = """
[project]
name = "都不适用"

[[assessments]]
path = "评分"
na = true
reason = "本项目无此项"

[[assessments]]
path = "扣分"
na = true
reason = "本项目无此项"

[[targets]]
slot = "产出"
name = "完成数"
operator = ">="
na = true
"""


def test_everything_not_applicable_is_an_error_not_zero(write: Write) -> None:
    path = write("p.toml", NOT_APPLICABLE)
    problem = refusal(lambda: evalrules.score(evalrules.load_project(path), ruleset(write)), ScoringError)
    assert (problem.code, problem.file) == ("E-ALL-NA", str(path))


def test_what_remains_applicable_is_rescaled_to_the_full_score(write: Write) -> None:
    text = NOT_APPLICABLE.replace('na = true\nreason = "本项目无此项"\n', "score = 45\n", 1)
    result = evalrules.score(evalrules.load_project(write("p.toml", text)), ruleset(write))
    assert result.node("产出", "完成数").score is None  # N/A is never 0
    assert result.node("评分").score == Decimal(45)
    assert (result.total, result.grade) == (Decimal("90.00"), "优")  # 45 of 50 applicable, rescaled
