from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
import evalrules.model.operators
from evalrules import LoadError
from evalrules.io.project_loading import project_from_text

SMALL = """
[project]
name = "测试项目"
unit = "测试单位"
year = 2023
ruleset = "caiyu_2020_10_self"

[budget]
unit = "万元"
"全年预算数" = 100
"执行数" = 95.5

[[targets]]
slot = "产出指标/数量指标"
name = "培训人数"
operator = "≥"
value = 200
unit = "人次"
actual = 180
reason = "疫情影响，部分培训取消"

[[targets]]
slot = "效益指标/社会效益指标"
name = "服务水平"
operator = "定性"
value = "明显提升"
actual = "有所提升"
rating = "部分达成年度指标并具有一定效果"
score = 20
"""


def codes(error: LoadError) -> set[str]:
    return {problem.code for problem in error.problems}


def test_seed_loads_with_exact_numbers(seed: evalrules.Project) -> None:
    assert seed.name == "工作经费" and seed.year == 2022
    assert seed.budget.figures["执行数"] == Decimal("192.05")
    assert str(seed.budget.figures["执行数"]) == "192.05"
    assert len(seed.targets) == 22
    cost = [t for t in seed.targets if t.slot == ("产出", "产出成本")]
    assert sum(t.value for t in cost if t.value is not None) == Decimal("192.05")
    assert cost[0].value_text == "68.95" and cost[0].weight is None
    assert seed.claims.total == 100 and seed.claims.grade == "优"


def test_small_project(write: Callable[[str, str], Path]) -> None:
    project = evalrules.load_project(write("p.toml", SMALL))
    first, second = project.targets
    assert first.operator == ">=" and first.value == 200 and first.actual == 180
    assert first.slot == ("产出指标", "数量指标")
    assert first.place.line == SMALL.splitlines().index("[[targets]]") + 1
    assert second.operator == "定性" and second.value is None and second.value_text == "明显提升"
    assert second.score == 20


def test_json_project_equals_toml(write: Callable[[str, str], Path]) -> None:
    data = {
        "project": {"name": "测试项目", "unit": "测试单位", "year": 2023, "ruleset": "caiyu_2020_10_self"},
        "budget": {"unit": "万元", "全年预算数": 100, "执行数": 95.5},
        "targets": [
            {
                "slot": "产出指标/数量指标",
                "name": "培训人数",
                "operator": "≥",
                "value": 200,
                "unit": "人次",
                "actual": 180,
                "reason": "疫情影响，部分培训取消",
            },
            {
                "slot": "效益指标/社会效益指标",
                "name": "服务水平",
                "operator": "定性",
                "value": "明显提升",
                "actual": "有所提升",
                "rating": "部分达成年度指标并具有一定效果",
                "score": 20,
            },
        ],
    }
    from_json = evalrules.load_project(write("p.json", json.dumps(data, ensure_ascii=False, indent=1)))
    from_toml = evalrules.load_project(write("p.toml", SMALL))
    assert from_json.targets[0].actual == Decimal("180")
    assert (from_json.budget.figures, from_json.budget.unit) == (
        from_toml.budget.figures,
        from_toml.budget.unit,
    )
    assert [(t.name, t.value, t.actual, t.weight) for t in from_json.targets] == [
        (t.name, t.value, t.actual, t.weight) for t in from_toml.targets
    ]


def test_json_nan_is_refused(write: Callable[[str, str], Path]) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.json", '{"project": {"name": "x"}, "budget": {"执行数": NaN}}'))
    assert codes(caught.value) == {"E-JSON"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("actual = 180", "acutal = 180"), "E-KEY-UNKNOWN"),
        (('operator = "≥"', 'operator = "大于"'), "E-OPERATOR"),
        (("value = 200", 'value = "两百"'), "E-NUMBER"),
        (('"执行数" = 95.5', '"执行数" = -1'), "E-BUDGET"),
        (('"执行数" = 95.5', '"执行数" = nan'), "E-NUMBER"),
        (('"执行数" = 95.5', '"执行数" = inf'), "E-NUMBER"),
        (('"执行数" = 95.5', '"执行数" = true'), "E-NUMBER"),
        (('"执行数" = 95.5', '"执行款" = 95.5'), "E-KEY-UNKNOWN"),
        (("year = 2023", 'year = "二〇二三"'), "E-TYPE"),
        (('name = "测试项目"', 'title = "测试项目"'), "E-PROJECT"),
        (('name = "测试项目"', "name = 123"), "E-TYPE"),  # issue 23, 9: not "缺少项目名称"
        (('slot = "产出指标/数量指标"\n', ""), "E-TARGET"),
        (("score = 20", 'score = "满分"'), "E-NUMBER"),
        (("[[targets]]", "[claims]\ntotl = 1\n\n[[targets]]"), "E-KEY-UNKNOWN"),
        (
            (
                "[[targets]]",
                '[[assessments]]\npath = "预算执行率"\ndeductions = [{ points = 1 }]\n\n[[targets]]',
            ),
            "E-DEDUCTION",
        ),
        (("[[targets]]", "[[assessments]]\ndeductions = []\n\n[[targets]]"), "E-ASSESSMENT"),
        (("[[targets]]", '[weights]\n"产出指标" = "五十"\n\n[[targets]]'), "E-NUMBER"),
    ],
)
def test_each_malformed_project_is_refused(
    write: Callable[[str, str], Path], change: tuple[str, str], code: str
) -> None:
    text = SMALL.replace(*change, 1)
    assert text != SMALL
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", text))
    assert code in codes(caught.value)
    assert all(problem.file and problem.file.endswith("p.toml") for problem in caught.value.problems)


def test_all_problems_reported_at_once(write: Callable[[str, str], Path]) -> None:
    text = SMALL.replace("actual = 180", "acutal = 180").replace('"执行数" = 95.5', '"执行数" = -1')
    text = text.replace('operator = "定性"', 'operator = "定姓"')
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", text))
    assert codes(caught.value) == {"E-KEY-UNKNOWN", "E-BUDGET", "E-OPERATOR"}
    unknown = next(p for p in caught.value.problems if p.code == "E-KEY-UNKNOWN")
    assert unknown.suggestion and "actual" in unknown.suggestion
    assert unknown.line == text.splitlines().index("acutal = 180") + 1


def test_operator_spellings_are_normalised() -> None:
    for spelling, canonical in [
        ("≥", ">="),
        ("＞=", ">="),
        ("≧", ">="),
        ("≤", "<="),
        ("＝", "="),
        ("定性", "定性"),
    ]:
        project = project_from_text(SMALL.replace('operator = "≥"', f'operator = "{spelling}"'))
        assert project.targets[0].operator == canonical


def test_blank_target_is_not_applicable() -> None:
    text = SMALL.replace('value = 200\nunit = "人次"\nactual = 180\n', "")
    project = project_from_text(text)
    assert project.targets[0].not_applicable


def test_non_numeric_actual_loads_as_text_for_scoring_to_refuse() -> None:
    project = project_from_text(SMALL.replace("actual = 180", 'actual = "完成"'))
    assert project.targets[0].actual is None and project.targets[0].actual_text == "完成"


def test_percent_text_values() -> None:
    project = project_from_text(
        SMALL.replace("value = 200", 'value = "95%"').replace("actual = 180", 'actual = "96.5%"')
    )
    assert project.targets[0].value == 95 and project.targets[0].actual == Decimal("96.5")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("actual = 180", 'actual = 180\nna = "true"'), "E-TYPE"),
        (("actual = 180", 'actual = 180\nparams = { variant = "ratio" }'), "E-TARGET"),
        (("actual = 180", 'actual = 180\nmethod = "manual"\nparams = 3'), "E-TYPE"),
        (("[[targets]]", "[claims]\nscores = [1]\n\n[[targets]]"), "E-TYPE"),
        (("[[targets]]", '[[assessments]]\npath = "预算执行率"\nvalues = [1, 2]\n\n[[targets]]'), "E-TYPE"),
    ],
)
def test_wrong_shapes_are_refused_not_ignored(
    write: Callable[[str, str], Path], change: tuple[str, str], code: str
) -> None:
    text = SMALL.replace(*change, 1)
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", text))
    assert code in codes(caught.value)


def test_qualitative_target_with_only_a_rating_is_scored_not_dropped() -> None:
    text = SMALL.replace('value = "明显提升"\nactual = "有所提升"\n', "")
    project = project_from_text(text)
    assert not project.targets[1].not_applicable and project.targets[1].rating


def test_json_blank_cells_are_a_blank_row() -> None:
    data = {
        "project": {"name": "x"},
        "targets": [{"slot": "产出指标", "name": "a", "operator": "≥", "value": "", "actual": ""}],
    }
    project = project_from_text(json.dumps(data, ensure_ascii=False), json_format=True)
    assert project.targets[0].not_applicable


def test_negative_target_weight_is_refused(write: Callable[[str, str], Path]) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", SMALL.replace("actual = 180", "actual = 180\nweight = -10")))
    assert codes(caught.value) == {"E-WEIGHT"}


FORMS = Path(__file__).parent / "forms"


@pytest.mark.parametrize(("written", "canonical"), sorted(evalrules.model.operators.OPERATORS.items()))
def test_every_printed_operator_reads(
    write: Callable[[str, str], Path], written: str, canonical: str
) -> None:
    text = SMALL.replace('operator = "≥"', f'operator = "{written}"', 1)
    project = evalrules.load_project(write("p.toml", text))
    assert project.targets[0].operator == canonical


def test_a_form_with_printed_operators_scores() -> None:
    # issue 14: ═ ≧ 不低于 以上 不高于 ≦ ＞＝ 大于等于, as a 自评表 prints them
    project = evalrules.load_project(FORMS / "fmt_operators_printed.toml")
    natures = [target.operator for target in project.targets]
    assert natures == [">=", ">=", ">=", "=", "<=", "<=", ">=", ">="]
    result = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert (result.total, result.grade) == (Decimal("99.8"), "优")


@pytest.mark.parametrize(
    ("written", "hint"),
    [("大于", "≥"), (">", "≥"), ("高于", "≥"), ("小于", "≤"), ("<", "≤"), ("约等于", "定性")],
)
def test_an_unknown_operator_is_never_told_its_opposite(
    write: Callable[[str, str], Path], written: str, hint: str
) -> None:
    # difflib offered 不大于 (≤) for 大于 (>)
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", SMALL.replace('operator = "≥"', f'operator = "{written}"', 1)))
    [problem] = caught.value.problems
    assert problem.code == "E-OPERATOR" and hint in (problem.suggestion or "")
    assert "不大于" not in (problem.suggestion or "") and "不小于" not in (problem.suggestion or "")


@pytest.mark.parametrize(
    ("operator_line", "value", "canonical", "number"),
    [
        ("", '"≥95%"', ">=", 95),
        ("", '"不低于 95%"', ">=", 95),
        ("", '"95%以上"', ">=", 95),
        ("", '"≤3天"', None, None),  # "3天" is no number: the unit belongs in unit, so E-OPERATOR
        ('operator = "≥"\n', '"≥95%"', ">=", 95),
        ('operator = "> ="\n', '"95"', ">=", 95),  # a cell cut as "> ="
        ('operator = "≮"\n', "95", ">=", 95),
        ('operator = "≯"\n', "5", "<=", 5),
        ('operator = "="\n', '"═100%"', "=", 100),
    ],
)
def test_the_operator_may_be_written_with_the_value_as_printed(
    write: Callable[[str, str], Path],
    operator_line: str,
    value: str,
    canonical: str | None,
    number: int | None,
) -> None:
    # issue 14 §3: a 指标值 copied from the form keeps its operator ("≥95%", "95%以上")
    text = SMALL.replace('operator = "≥"\n', operator_line, 1).replace("value = 200", f"value = {value}", 1)
    if canonical is None:
        with pytest.raises(LoadError) as caught:
            evalrules.load_project(write("p.toml", text))
        assert "E-OPERATOR" in codes(caught.value)
        return
    target = evalrules.load_project(write("p.toml", text)).targets[0]
    assert (target.operator, target.value) == (canonical, number)


def test_an_operator_that_contradicts_the_value_is_refused(write: Callable[[str, str], Path]) -> None:
    text = SMALL.replace("value = 200", 'value = "≤200"', 1)
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", text))
    [problem] = caught.value.problems
    assert problem.code == "E-OPERATOR" and "矛盾" in problem.message and "≤" in problem.message
    assert problem.line == text.splitlines().index('operator = "≥"') + 1


def test_a_qualitative_value_keeps_its_words() -> None:
    # "良好以上" is a 定性 指标值, not "良好" with the operator ≥
    project = project_from_text(SMALL.replace('value = "明显提升"', 'value = "良好以上"'))
    assert (project.targets[1].operator, project.targets[1].value_text) == ("定性", "良好以上")


def test_a_missing_operator_is_named_as_missing(write: Callable[[str, str], Path]) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_project(write("p.toml", SMALL.replace('operator = "≥"\n', "", 1)))
    [problem] = caught.value.problems
    assert problem.code == "E-OPERATOR" and "缺少指标性质" in problem.message


def test_project_from_data_checks_as_a_file_does() -> None:
    # issue 15, 5: embedders build a project from a dict without touching Target's internals
    data = {
        "project": {"name": "数据项目", "unit": "单位", "ruleset": "caiyu_2020_10_self"},
        "budget": {"全年预算数": 100, "执行数": 95.5},  # a float is read from its repr: 95.5
        "targets": [
            {"slot": "产出指标/数量指标", "name": "培训人数", "operator": "≥", "value": 200, "actual": "180"},
            {
                "slot": "效益指标/社会效益指标",
                "name": "受益",
                "operator": "≥",
                "value": "95%",
                "actual": 96.0,
            },
        ],
    }
    project = evalrules.project_from_data(data)
    assert project.budget.figures["执行数"] == Decimal("95.5") and project.targets[1].actual == 96
    result = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert result.total > 0
    with pytest.raises(LoadError) as caught:
        evalrules.project_from_data({**data, "targets": [{"slot": "产出指标", "name": "x", "operatr": "≥"}]})
    assert {"E-KEY-UNKNOWN", "E-OPERATOR"} <= codes(caught.value)
    with pytest.raises(LoadError, match="映射"):
        evalrules.project_from_data([1, 2])  # type: ignore[arg-type]


# --- issue 22: the 自评表's column words as keys ------------------------------------------------


def test_a_target_may_use_the_forms_column_words_for_its_keys() -> None:
    path = Path(__file__).parent / "forms" / "fh_aliases_2023.toml"
    project = evalrules.load_project(path)
    first, _, third, fourth = project.targets
    assert (first.name, first.operator, first.value, first.unit, first.actual, first.weight) == (
        "服务老年人人次",
        ">=",
        Decimal(12000),
        "人次",
        Decimal(12850),
        Decimal(25),
    )
    assert (third.name, third.value_text, third.actual_text) == (
        "老年人居家生活便利程度",
        "明显提升",
        "有所提升",
    )
    assert third.reason == "助浴服务 9 月才开通"
    assert (fourth.operator, fourth.value, fourth.unit) == (">=", Decimal(95), "%")
    result = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert (result.total, result.grade) == (Decimal(91), "优")


def test_a_key_and_its_alias_both_given_is_an_error_at_the_second() -> None:
    text = """
[project]
name = "x"

[[targets]]
slot = "产出/产出数量"
name = "培训人次"
operator = ">="
value = 500
"年度指标值" = 600
actual = 520
"""
    with pytest.raises(LoadError) as raised:
        project_from_text(text, "项目.toml")
    (problem,) = raised.value.problems
    assert (problem.code, problem.line) == ("E-KEY-ALIAS", 10)
    assert "“value” 与 “年度指标值” 是同一项（value），只能写一个" in problem.message


def test_a_problem_in_an_aliased_key_is_found_on_its_line() -> None:
    text = (
        '[project]\nname = "x"\n\n[[targets]]\nslot = "产出/产出数量"\n'
        '"三级指标" = "培训人次"\n"指标性质" = ">="\n"年度指标值" = "五百"\n'
    )
    with pytest.raises(LoadError) as raised:
        project_from_text(text, "项目.toml")
    problem = raised.value.problems[0]
    assert (problem.code, problem.line) == ("E-NUMBER", 8) and "（培训人次）" in (problem.where or "")


def test_words_with_two_meanings_on_the_form_are_no_aliases() -> None:
    text = (
        '[project]\nname = "x"\n\n[[targets]]\nslot = "a"\nname = "b"\n'
        'operator = ">="\nvalue = 1\nactual = 1\n"得分" = 5\n'
    )
    with pytest.raises(LoadError) as raised:
        project_from_text(text, "项目.toml")
    assert raised.value.problems[0].code == "E-KEY-UNKNOWN"


# --- budget rows (年度资金总额 其中：当年财政拨款 / 上年结转资金 / 其他资金) and figure aliases ----------

FORMS = Path(__file__).parent / "forms"


def test_budget_rows_are_read_as_the_form_prints_them() -> None:
    project = evalrules.load_project(FORMS / "bud_rows_water_2023.toml")
    budget = project.budget
    assert list(budget.rows) == ["财政拨款", "上年结转", "其他资金"]
    assert budget.rows["财政拨款"] == {"年初预算数": Decimal("213.33"), "全年预算数": 200, "执行数": 200}
    assert "年初预算数" not in budget.rows["其他资金"]  # a blank cell is no figure, not an error
    assert budget.figures["执行数"] == Decimal("286.40") and budget.summed == ()
    assert budget.places["财政拨款/执行数"].line == 21
    assert budget.places["财政拨款/执行数"].where == '[budget.rows."当年财政拨款"] 全年执行数'
    assert budget.row_figures("上年结转")["执行数"] == 80 and budget.row_figures("")["执行数"] == Decimal(
        "286.40"
    )


def test_a_total_left_out_is_the_sum_of_its_rows() -> None:
    text = (FORMS / "bud_rows_water_2023.toml").read_text(encoding="utf-8")
    project = project_from_text(text.replace('"全年预算数" = 300.00\n', ""), "表.toml")
    assert project.budget.figures["全年预算数"] == Decimal("300.00") and project.budget.summed == (
        "全年预算数",
    )


def test_a_project_without_rows_scores_its_total_for_any_row() -> None:
    budget = project_from_text(SMALL).budget
    assert budget.rows == {} and budget.row_figures("财政拨款") is budget.figures


@pytest.mark.parametrize(("alias", "key"), [("全年执行数", "执行数"), ("调整预算数", "调整后预算数")])
def test_a_budget_figure_may_be_written_as_the_form_prints_it(alias: str, key: str) -> None:
    project = project_from_text(SMALL.replace('"执行数" = 95.5', f'"{alias}" = 95.5'))
    assert project.budget.figures[key] == Decimal("95.5")
    assert project.budget.places[key].where == f"[budget] {alias}"


def test_a_figure_and_its_alias_with_different_values_is_an_error() -> None:
    text = SMALL.replace('"执行数" = 95.5', '"执行数" = 95.5\n"全年执行数" = 59.5')
    with pytest.raises(LoadError) as caught:
        project_from_text(text, "表.toml")
    (problem,) = caught.value.problems
    assert problem.code == "E-BUDGET" and problem.line == 12 and problem.where == "[budget] 全年执行数"
    assert "“全年执行数” 与 “执行数” 都是执行数" in problem.message
    assert problem.found == "执行数 = 95.5，全年执行数 = 59.5"
    same = SMALL.replace('"执行数" = 95.5', '"执行数" = 95.5\n"全年执行数" = 95.50')
    assert project_from_text(same).budget.figures["执行数"] == Decimal("95.5")


def test_an_unknown_budget_row_is_refused_with_a_suggestion() -> None:
    text = SMALL.replace('"执行数" = 95.5', '"执行数" = 95.5\n\n[budget.rows."其它资金"]\n"执行数" = 1')
    with pytest.raises(LoadError) as caught:
        project_from_text(text, "表.toml")
    (problem,) = caught.value.problems
    assert problem.code == "E-BUDGET" and problem.line == 13
    assert problem.suggestion == "是否想写 “其他资金”？"


def test_budget_rows_in_json_are_read_the_same() -> None:
    data = {
        "project": {"name": "x"},
        "budget": {
            "全年预算数": 100,
            "全年执行数": 90,
            "rows": {
                "当年财政拨款": {"全年预算数": 70, "执行数": 70},
                "上年结转资金": {"全年预算数": 30, "执行数": 20},
            },
        },
    }
    budget = project_from_text(json.dumps(data, ensure_ascii=False, indent=2), json_format=True).budget
    assert budget.figures == {"全年预算数": 100, "执行数": 90}
    assert budget.rows == {
        "财政拨款": {"全年预算数": 70, "执行数": 70},
        "上年结转": {"全年预算数": 30, "执行数": 20},
    }


def test_a_wrong_flag_shows_the_number_as_written() -> None:
    text = SMALL.replace('reason = "疫情影响，部分培训取消"', 'reason = "疫情影响，部分培训取消"\nna = 1.0')
    with pytest.raises(LoadError) as caught:
        project_from_text(text, "表.toml")
    (problem,) = caught.value.problems
    assert problem.code == "E-TYPE" and problem.found == "1.0"  # not Decimal('1.0')


def test_target_form_keys_source_basis_and_history() -> None:
    """申报表 keys (docs/review.md): kept as written; history's keys are four-digit years."""
    head = '[project]\nname = "p"\n[[targets]]\nslot = "产出/数量"\nname = "人数"\n'
    head += 'operator = ">="\nvalue = 10\n'
    project = project_from_text(head + 'source = "历史标准"\nbasis = "上年"\nhistory = { "2023" = 9 }\n')
    target = project.targets[0]
    assert (target.source, target.basis, dict(target.history)) == ("历史标准", "上年", {"2023": 9})
    with pytest.raises(LoadError, match="history 的键应为四位年份"):
        project_from_text(head + 'history = { "上年" = 9 }\n')
    with pytest.raises(LoadError, match="E-NUMBER"):
        project_from_text(head + 'history = { "2023" = "很多" }\n')


# --------------------------------------------------------------------------- the fast ways agree


def _operator_in_value_by_every_spelling(text: str) -> tuple[str | None, str]:
    """operator_in_value as it was before it skipped values no spelling starts with (issue 17)."""
    operators = evalrules.model.operators
    stripped = text.strip()
    for word in operators.PREFIX_OPERATORS:
        if stripped.startswith(word):
            return operators.OPERATORS[word], stripped[len(word) :].strip()
    for word, operator in operators.SUFFIX_OPERATORS:
        if stripped.endswith(word):
            return operator, stripped[: -len(word)].strip()
    return None, stripped


_SPELLINGS = st.sampled_from(
    [*evalrules.model.operators.PREFIX_OPERATORS, "以上", "以下", "以内", "", "", "定性"]
)


@given(
    before=_SPELLINGS, number=st.sampled_from(["95", " 95% ", "", "良好", "1,000", "９５"]), after=_SPELLINGS
)
def test_an_operator_in_a_value_is_found_as_by_trying_every_spelling(
    before: str, number: str, after: str
) -> None:
    for text in (before + number + after, f" {before} {number}", number + after, number):
        assert evalrules.model.operators.operator_in_value(text) == _operator_in_value_by_every_spelling(text)


def test_a_project_without_claims_claims_what_an_empty_claims_table_claims() -> None:
    # the reader skips read_claims (and its line searches) when there is no [claims] table
    from evalrules.base.sources import parse_text
    from evalrules.io.project_loading import _ProjectReader
    from evalrules.model.claims import Claims, read_claims

    document = parse_text(SMALL, "p.toml")
    reader = _ProjectReader(document)
    assert read_claims(reader, {}, document.name, document) == Claims() == project_from_text(SMALL).claims
    assert not reader.problems
