"""Values not known: marked "?" / "不详" (or left blank with --partial), scored as a range."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import evalrules
from evalrules import ScoringError, default_registry
from evalrules.base import json_text
from evalrules.engine.plan import RulesetPlan
from evalrules.engine.scoring import explain
from evalrules.io.excel import read_workbook
from evalrules.io.flat import read_flat
from evalrules.io.project_loading import project_from_text
from evalrules.io.render import result_text
from evalrules.model.project import Project, is_unknown
from evalrules.schemas import load_schema

FORMS = Path(__file__).parent / "forms"
CUTOFF = FORMS / "na_cutoff.toml"


def unknown_actual(project: Project, *names: str) -> Project:
    """The project with the actual values of the named targets cut off ("?")."""
    targets = tuple(
        attrs.evolve(t, actual=None, actual_text="?", unknown=("actual",)) if t.name in names else t
        for t in project.targets
    )
    return attrs.evolve(project, targets=targets)


# --- reading the marker ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["?", "？", "???", " ？？ ", "unknown", "Unknown", "不详"])
def test_the_marker_has_a_few_spellings(text: str) -> None:
    assert is_unknown(text)


@pytest.mark.parametrize("value", ["", "0", "不适用", "/", "无", "？1", 0, None, True])
def test_anything_else_is_not_the_marker(value: object) -> None:
    assert not is_unknown(value)


def test_a_project_file_marks_values_not_known() -> None:
    project = evalrules.load_project(CUTOFF)
    marked = {
        t.name: (t.unknown, t.value, t.actual, t.value_text, t.actual_text)
        for t in project.targets
        if t.unknown
    }
    assert marked == {
        "新建集中供水工程": (("actual",), Decimal(6), None, "6", "？"),
        "工程完工及时率": (("value",), None, Decimal(95), "不详", "95"),
        "工程长效运行": (("score",), None, None, "长效运行", "基本实现"),
    }
    assessed = project_from_text(
        '[project]\nname = "p"\nunit = "u"\n[budget]\n"执行数" = 1\n'
        '[[assessments]]\npath = "决策/项目立项/立项依据充分性"\nscore = "不详"\n'
    )
    assert assessed.assessments[0].unknown == ("score",) and assessed.assessments[0].score is None


def test_csv_and_excel_cells_take_the_same_marker(tmp_path: Path) -> None:
    csv = tmp_path / "projects.csv"
    csv.write_text(
        "project,name,ruleset,kind,slot,indicator,operator,value,actual,weight\n"
        "p,饮水工程,caiyu_2020_10_self,budget,,全年预算数,,100,,\n"
        "p,,,budget,,执行数,,100,,\n"
        "p,,,target,产出指标/数量指标,新建供水工程,≥,6,？,\n"
        "p,,,target,效益指标/社会效益指标,集中供水率,≥,88,90,\n",
        encoding="utf-8",
    )
    [(_, project)] = read_flat(csv)
    assert isinstance(project, Project) and project.targets[0].unknown == ("actual",)

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目名称", "饮水工程"])
    sheet.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "年度指标值",
            "度量单位",
            "实际完成值",
            "分值",
            "得分",
        ]
    )
    sheet.append(["产出指标", "数量指标", "新建供水工程", "≥", 6, "处", "?", 50, None])
    sheet.append(["效益指标", "社会效益指标", "集中供水率", "≥", "不详", "%", 90, 30, None])
    sheet.append(["效益指标", "社会效益指标", "群众获得感", "定性", "增强", "", "？", 10, None])
    sheet.append(["总分", None, None, None, None, None, None, 100, None])
    path = tmp_path / "form.xlsx"
    workbook.save(path)
    [(_, read)] = read_workbook(path)
    assert isinstance(read, Project)
    assert [(t.name, t.unknown) for t in read.targets] == [
        ("新建供水工程", ("actual",)),
        ("集中供水率", ("value",)),
        ("群众获得感", ("actual",)),
    ]


# --- scoring as a range ---------------------------------------------------------------------


def test_a_form_with_cut_off_cells_scores_as_a_range(self_eval: evalrules.Ruleset) -> None:
    result = evalrules.score(evalrules.load_project(CUTOFF), self_eval, ranges=True)
    span = result.total_range
    assert span is not None
    # 新建集中供水工程 0..10 and 工程完工及时率 0..10 (产出 50 / 5 targets), 工程长效运行 in the
    # band of 达成年度指标 [80%, 100%] of 15: 12..15; the rest is known
    assert (span.low, span.high, span.low_grade, span.high_grade) == (
        Decimal("76.5"),
        Decimal("99.5"),
        "中",
        "优",
    )
    assert (result.total, result.grade, result.definite) == (span.low, "中", False)
    assert [(v.path[-1], v.what, v.text, v.low, v.high) for v in span.unknown] == [
        ("新建集中供水工程", "实际完成值", "？", 0, 10),
        ("工程完工及时率", "年度指标值", "不详", 0, 10),
        ("工程长效运行", "得分", "", 12, 15),
    ]
    leaf = result.node("产出指标", "数量指标", "新建集中供水工程")
    assert (leaf.status, leaf.score, leaf.low, leaf.high) == ("unknown", None, 0, 10)
    assert leaf.reasons == (
        "新建集中供水工程 实际完成值不详（“？”）：得分不低于 0 分、不高于 10 分（分值 10 分）",
    )
    output = result.node("产出指标")
    assert (output.status, output.low, output.high) == ("unknown", 30, 50)
    assert result.node("产出指标", "数量指标", "改造供水管网").status == "scored"
    assert (
        result.reasons[0] == "总分不低于 76.5 分、不高于 99.5 分（满分 100 分）；等级在 中 与 优 之间，未定"
    )


def test_the_json_gives_total_range_and_no_total_and_meets_the_schema(self_eval: evalrules.Ruleset) -> None:
    data = evalrules.score(evalrules.load_project(CUTOFF), self_eval, ranges=True).to_dict()
    jsonschema.Draft202012Validator(load_schema("result")).validate(data)
    assert (data["total"], data["grade"]) == (None, None)
    assert {k: data["total_range"][k] for k in ("low", "high", "low_grade", "high_grade")} == {
        "low": 76.5,
        "high": 99.5,
        "low_grade": "中",
        "high_grade": "优",
    }
    first = data["total_range"]["unknown"][0]
    assert first["location"]["line"] == 14 and first["missing"] is False
    leaf = next(n for n in data["indicators"] if n["path"][-1] == "新建集中供水工程")
    assert (leaf["status"], leaf["score"], leaf["range"]) == ("unknown", None, {"low": 0, "high": 10})
    assert "range" not in next(n for n in data["indicators"] if n["path"][-1] == "改造供水管网")
    broken = json.loads(json_text.dumps(data))
    broken.pop("total_range")
    assert not jsonschema.Draft202012Validator(load_schema("result")).is_valid(broken)  # total null


def test_the_text_says_not_lower_than_and_not_higher_than(self_eval: evalrules.Ruleset) -> None:
    text = result_text(evalrules.score(evalrules.load_project(CUTOFF), self_eval, ranges=True))
    assert "总分 不低于 76.5、不高于 99.5 / 100，等级 中～优（未定）" in text
    assert "新建集中供水工程                    10      0～10" in text


def test_a_grade_both_ends_share_is_given(self_eval: evalrules.Ruleset) -> None:
    project = evalrules.load_project(CUTOFF)
    known = tuple(
        t
        if t.name == "工程长效运行"
        else attrs.evolve(t, unknown=(), actual=t.actual or Decimal(6), actual_text="6")
        if t.unknown
        else t
        for t in project.targets
    )
    known = tuple(
        attrs.evolve(t, value=Decimal(95), value_text="95") if t.name == "工程完工及时率" else t
        for t in known
    )
    result = evalrules.score(attrs.evolve(project, targets=known), self_eval, ranges=True)
    span = result.total_range
    assert span is not None and (span.low, span.high, span.grade) == (Decimal("96.5"), Decimal("99.5"), "优")
    data = result.to_dict()
    assert (data["total"], data["grade"]) == (None, "优")


def test_without_ranges_a_value_not_known_is_a_located_error(self_eval: evalrules.Ruleset) -> None:
    with pytest.raises(ScoringError) as caught:
        evalrules.score(evalrules.load_project(CUTOFF), self_eval)
    problems = caught.value.problems
    assert [p.code for p in problems] == ["E-UNKNOWN"] * 3
    assert problems[0].line == 14 and "实际完成值不详（“？”）" in problems[0].message
    assert "不低于" in (problems[0].suggestion or "")


def test_the_plan_leaves_values_not_known_to_the_explaining_scorer(self_eval: evalrules.Ruleset) -> None:
    project = evalrules.load_project(CUTOFF)
    assert RulesetPlan(self_eval, default_registry()).run(project) is None
    scored = evalrules.score(project, self_eval, ranges=True)
    assert scored == explain(project, self_eval, ranges=True)


def test_a_value_that_does_not_change_the_score_gives_a_definite_total(
    write: Callable[[str, str], Path], self_eval: evalrules.Ruleset
) -> None:
    text = (
        '[project]\nname = "p"\nunit = "u"\n[budget]\n"全年预算数" = 10\n"执行数" = 10\n'
        '[[targets]]\nslot = "产出指标"\nname = "a"\noperator = "≥"\nvalue = 1\nactual = 1\nweight = 50\n'
        '[[targets]]\nslot = "产出指标"\nname = "b"\noperator = "≥"\nvalue = 1\nactual = "?"\nweight = 0\n'
        '[[targets]]\nslot = "效益指标"\nname = "c"\noperator = "≥"\nvalue = 1\nactual = 1\n'
    )
    result = evalrules.score(evalrules.load_project(write("p.toml", text)), self_eval, ranges=True)
    assert result.definite and result.total == 100 and result.node("产出指标", "b").status == "scored"
    assert result.to_dict()["total"] == 100 and result.total_range is not None


def test_an_assessment_score_not_known_takes_the_whole_weight(
    seed: Project, national: evalrules.Ruleset
) -> None:
    assessments = tuple(
        attrs.evolve(a, deductions=None, score=None, unknown=("score",))
        if a.path == ("过程", "资金管理", "资金使用合规性")
        else a
        for a in seed.assessments
    )
    project = attrs.evolve(seed, assessments=assessments)
    node = evalrules.score(project, national, ranges=True).node("过程", "资金管理", "资金使用合规性")
    assert (node.status, node.low, node.high) == ("unknown", 0, node.weight)


# --- partial scoring: blank actual values ---------------------------------------------------


def _blank(project: Project, *names: str) -> Project:
    targets = tuple(
        attrs.evolve(t, actual=None, actual_text="") if t.name in names else t for t in project.targets
    )
    return attrs.evolve(project, targets=targets)


def test_blank_actual_values_are_an_error_unless_partial(seed: Project, national: evalrules.Ruleset) -> None:
    project = _blank(seed, "保障职工人数", "车辆维护数")
    with pytest.raises(ScoringError) as caught:
        evalrules.score(project, national, ranges=True)
    assert [p.code for p in caught.value.problems] == ["E-INPUT", "E-INPUT"]
    assert "--partial" in (caught.value.problems[0].suggestion or "")
    result = evalrules.score(project, national, partial=True)
    span = result.total_range
    assert span is not None and [(v.path[-1], v.missing, v.text) for v in span.unknown] == [
        ("保障职工人数", True, ""),
        ("车辆维护数", True, ""),
    ]
    assert (span.low, span.high) == (Decimal(97), Decimal(100))  # 2 + 1 points not known
    assert result.reasons[1] == (
        "未填写 2 项（按 --partial 计）：产出/产出数量/保障职工人数 的实际完成值未填写：得分 0～2；"
        "产出/产出数量/车辆维护数 的实际完成值未填写：得分 0～1"
    )
    # what is known is scored as ever: the budget row, the other targets
    assert result.node("过程", "资金管理", "预算执行率").score == 5


def test_a_ruleset_may_take_blank_actual_values_as_not_known(
    seed: Project, national: evalrules.Ruleset
) -> None:
    unknown = attrs.evolve(
        national, not_applicable=attrs.evolve(national.not_applicable, missing_actual="unknown")
    )
    project = _blank(seed, "车辆维护数")
    with pytest.raises(ScoringError, match="E-UNKNOWN"):
        evalrules.score(project, unknown)
    span = evalrules.score(project, unknown, ranges=True).total_range
    assert span is not None and (span.low, span.high) == (Decimal(99), Decimal(100))


# --- the range holds every total the known values allow -------------------------------------

NAMES = ("保障职工人数", "购买办公费批次", "电费缴费月数", "车辆维护数", "办公费", "手续费")


def _variant(national: evalrules.Ruleset, which: str) -> evalrules.Ruleset:
    if which == "share":
        return attrs.evolve(national, not_applicable=attrs.evolve(national.not_applicable, policy="share"))
    if which == "total":
        return attrs.evolve(national, rounding=attrs.evolve(national.rounding, stage="total"))
    return national


@pytest.mark.parametrize("which", ["national", "share", "total"])
@settings(max_examples=25)
@given(st.sets(st.sampled_from(NAMES), min_size=1), st.data())
def test_any_actual_value_gives_a_total_inside_the_range(
    seed: Project, national: evalrules.Ruleset, which: str, names: set[str], data: st.DataObject
) -> None:
    national = _variant(national, which)
    ranged = evalrules.score(unknown_actual(seed, *names), national, ranges=True)
    span = ranged.total_range
    assert span is not None and span.low <= span.high
    actuals = {n: data.draw(st.decimals(0, 200, places=2), label=n) for n in names}
    targets = tuple(
        attrs.evolve(t, actual=actuals[t.name], actual_text=str(actuals[t.name])) if t.name in names else t
        for t in seed.targets
    )
    known = evalrules.score(attrs.evolve(seed, targets=targets), national)
    assert span.low <= known.total <= span.high
    grades = [band.name for band in sorted(national.grades, key=lambda b: -b.low)]
    assert grades.index(span.high_grade) <= grades.index(known.grade) <= grades.index(span.low_grade)
    for node in ranged.walk():
        if node.status == "unknown":
            concrete = known.node(*node.path).score
            assert node.low is not None and node.high is not None and concrete is not None
            assert node.low <= concrete <= node.high


@given(st.one_of(st.text(alphabet="?？ \tunkowNU不详x", max_size=8), st.integers(), st.none()))
def test_the_unknown_marker_is_any_run_of_question_marks_or_an_unknown_word(value: object) -> None:
    # is_unknown tests the run of ? and ？ with strip (issue 17); the definition, with a set:
    text = value.strip() if isinstance(value, str) else ""
    expected = bool(text) and (set(text) <= {"?", "？"} or text.casefold() in ("?", "unknown", "不详"))
    assert is_unknown(value) == expected
