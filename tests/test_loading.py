from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules import LoadError
from evalrules.model.ruleset import Slot

from .conftest import ROOT

MINIMAL = """
[ruleset]
id = "mini"
version = "1"
title = "最小规则集"
document = "测试"
issuer = "测试"

[[grades]]
name = "合格"
min = 60

[[grades]]
name = "不合格"
min = 0

[[indicators]]
name = "产出"
weight = 100
slot = true
"""


def codes(error: LoadError) -> list[str]:
    return [problem.code for problem in error.problems]


def test_national_ruleset_structure(national: evalrules.Ruleset) -> None:
    assert national.info.id == "caiyu_2020_10"
    assert national.info.document == "财预〔2020〕10号"
    assert [i.name for i in national.indicators] == ["决策", "过程", "产出", "效益"]
    assert [i.weight for i in national.indicators] == [20, 20, 40, 20]
    assert [(b.name, b.low, b.high) for b in national.grades] == [
        ("优", 90, 100),
        ("良", 80, 90),
        ("中", 60, 80),
        ("差", 0, 60),
    ]
    benefit = national.find(("效益", "项目效益"))
    assert benefit is not None and benefit.slot == Slot(
        "error", ("经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度")
    )
    assert len(national.sha256) == 64


def test_self_evaluation_weights(self_eval: evalrules.Ruleset) -> None:
    assert [(i.name, i.weight) for i in self_eval.indicators] == [
        ("预算执行率", 10),
        ("产出指标", 50),
        ("效益指标", 30),
        ("满意度指标", 10),
    ]


@pytest.mark.parametrize("ruleset_id", ["caiyu_2020_10", "caiyu_2020_10_self"])
def test_shipped_rulesets_cite_the_measures_by_their_official_title(ruleset_id: str) -> None:
    # issue 22: 财预〔2020〕10号 is 《项目支出绩效评价管理办法》, not the ruleset's title
    ruleset = evalrules.load_ruleset(ruleset_id)
    assert ruleset.info.document_title == "项目支出绩效评价管理办法"
    assert ruleset.info.citation == "《项目支出绩效评价管理办法》（财预〔2020〕10号）"
    assert ruleset.provenance["ruleset.document_title"].status == "verified"


@pytest.mark.parametrize("ruleset_id", ["caiyu_2020_10", "caiyu_2020_10_self"])
def test_every_parameter_of_shipped_rulesets_has_provenance(ruleset_id: str) -> None:
    ruleset = evalrules.load_ruleset(ruleset_id)
    missing = ["/".join(path) for path, indicator in ruleset.walk() if indicator.provenance is None]
    assert missing == []
    for key in ("max", "tolerance", "grades", "rounding", "not_applicable"):
        assert key in ruleset.provenance, key
    for method in ruleset.target_methods:
        assert f"target_methods.{method.operator}" in ruleset.provenance
    unverified = {p.status for p in ruleset.provenance.values()}
    assert unverified <= {"verified", "secondary", "unverified"}


def test_load_by_path_equals_load_by_id(national: evalrules.Ruleset) -> None:
    assert evalrules.load_ruleset(ROOT / "rulesets" / "caiyu_2020_10.toml") == national


def test_broken_example_lists_every_problem_with_locations() -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(ROOT / "examples" / "broken" / "ruleset.toml")
    found = caught.value.problems
    assert sorted(codes(caught.value)) == sorted(
        [
            "E-METHOD-UNKNOWN",
            "E-FORMULA",
            "E-WEIGHT-SUM",
            "E-KEY-UNKNOWN",
            "E-WEIGHT-SUM",
            "E-GRADES-GAP",
            "E-ROUNDING",
        ]
    )
    by_code = {p.code: p for p in found}
    assert by_code["E-METHOD-UNKNOWN"].line == 36
    assert by_code["E-METHOD-UNKNOWN"].suggestion and "deduction" in by_code["E-METHOD-UNKNOWN"].suggestion
    assert by_code["E-FORMULA"].line == 41 and "分值" in (by_code["E-FORMULA"].suggestion or "")
    assert by_code["E-KEY-UNKNOWN"].line == 46 and "weight" in (by_code["E-KEY-UNKNOWN"].suggestion or "")
    assert by_code["E-ROUNDING"].line == 14
    assert all(p.file and p.file.endswith("ruleset.toml") for p in found)


def test_unknown_ruleset_id_suggests(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset("caiyu_2020_1")
    assert caught.value.problems[0].code == "E-RULESET-UNKNOWN"
    assert "caiyu_2020_10" in (caught.value.problems[0].suggestion or "")


def test_broken_toml_names_the_line(write: Callable[[str, str], Path]) -> None:
    path = write("bad.toml", '[ruleset]\nid = "x"\nversion = \n')
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(path)
    problem = caught.value.problems[0]
    assert problem.code == "E-TOML" and problem.line == 3


def test_missing_header_and_indicators(write: Callable[[str, str], Path]) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("empty.toml", "[scoring]\nmax = 100\n"))
    assert {"E-RULESET-HEADER", "E-INDICATORS", "E-GRADES"} <= set(codes(caught.value))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("weight = 100\nslot = true", 'weight = "abc"\nslot = true'), "E-NUMBER"),
        (("weight = 100\nslot = true", "weight = -1\nslot = true"), "E-WEIGHT"),
        (("weight = 100\nslot = true", 'weight = 100\nslot = true\nmethod = "manual"'), "E-INDICATOR-KIND"),
        (("weight = 100\nslot = true", 'weight = 100\nslot = "yes"'), "E-SLOT"),
        (("min = 60", "min = 60\nmax = 90"), "E-GRADES-GAP"),
        (("min = 0", "min = 10"), "E-GRADES-GAP"),
        (("[[grades]]", '[rounding]\nstage = "levels"\n\n[[grades]]'), "E-ROUNDING"),
        (("[[grades]]", '[not_applicable]\npolicy = "zero"\n\n[[grades]]'), "E-NA-POLICY"),
        (("[[grades]]", '[target_methods]\n">" = { method = "positive" }\n\n[[grades]]'), "E-OPERATOR"),
        (('issuer = "测试"', 'issuer = "测试"\neffective = "2020-02-25"'), "E-TYPE"),
        (('issuer = "测试"', 'issuer = "测试"\ntitel = "x"'), "E-KEY-UNKNOWN"),
        (('issuer = "测试"', 'issuer = "测试"\ndocument_title = 10'), "E-TYPE"),
        (("slot = true", 'slot = true\nprovenance = { tag = "X" }'), "E-PROVENANCE"),
    ],
)
def test_each_malformed_ruleset_is_refused(
    write: Callable[[str, str], Path], change: tuple[str, str], code: str
) -> None:
    text = MINIMAL.replace(*change, 1)
    assert text != MINIMAL
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("r.toml", text))
    assert code in codes(caught.value)


def test_minimal_ruleset_loads(write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset(write("r.toml", MINIMAL))
    assert ruleset.grade_for(Decimal("59.99")) == "不合格"
    assert ruleset.grade_for(Decimal("60")) == "合格"
    assert ruleset.grade_for(Decimal("100")) == "合格"


def test_strategy_parameter_problem_is_located(write: Callable[[str, str], Path]) -> None:
    text = MINIMAL.replace("slot = true", 'method = "reverse"\nparams = { variant = "ratoi" }')
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("r.toml", text))
    problem = caught.value.problems[0]
    assert problem.code == "E-PARAM" and "ratio" in (problem.suggestion or "")
    assert problem.line == text.splitlines().index('params = { variant = "ratoi" }') + 1


def test_derived_from_that_is_not_a_list_is_a_located_problem(write: Callable[[str, str], Path]) -> None:
    # regression (fuzzing): derived_from = 5 raised TypeError
    text = (ROOT / "rulesets" / "caiyu_2020_10.toml").read_text(encoding="utf-8")
    path = write("r.toml", text.replace("[ruleset]\n", "[ruleset]\nderived_from = 5\n", 1))
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.where, problem.file, problem.line) == (
        "E-TYPE",
        "[ruleset] derived_from",
        str(path),
        text.splitlines().index("[ruleset]") + 2,
    )


def _nested(depth: int) -> str:
    node = '{ name = "n0", weight = 100, method = "manual" }'
    for level in range(1, depth + 1):
        node = f'{{ name = "n{level}", weight = 100, children = [{node}] }}'
    return node


@pytest.mark.parametrize(("depth", "refused"), [(9, False), (10, True), (130, True)])
def test_an_indicator_tree_deeper_than_the_cap_is_refused_located(
    write: Callable[[str, str], Path], depth: int, refused: bool
) -> None:
    # issue 23, 5: a 130-level tree gave RecursionError in tomli_w when the ruleset was hashed
    text = (
        f"indicators = [{_nested(depth)}]\n"
        '[ruleset]\nid = "deep"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        '[[grades]]\nname = "合格"\nmin = 0\n'
    )
    path = write("deep.toml", text)
    if not refused:
        assert evalrules.load_ruleset(path).find(tuple(f"n{i}" for i in range(depth, -1, -1)))
        return
    with pytest.raises(evalrules.LoadError) as caught:
        evalrules.load_ruleset(path)
    [problem] = caught.value.problems
    assert problem.code == "E-TREE-DEPTH" and problem.where.count("/") == 9


def test_more_grades_than_the_cap_are_refused(write: Callable[[str, str], Path]) -> None:
    # issue 23, 5: `evalrules check` with 100,001 grades ran past 60 s
    grades = "".join(f'[[grades]]\nname = "g{i}"\nmin = {100 - i}\n' for i in range(21))
    text = (
        '[ruleset]\nid = "many"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        '[[indicators]]\nname = "a"\nweight = 100\nmethod = "manual"\n'
        + grades.replace("min = 80\n", "min = 0\n")
    )
    with pytest.raises(evalrules.LoadError) as caught:
        evalrules.load_ruleset(write("many.toml", text))
    assert [p.code for p in caught.value.problems] == ["E-GRADES"] and "21 档" in caught.value.render()


def test_one_ruleset_resolution_for_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 15, 4: cli and batch resolved a project's ruleset each their own way (and suggested
    # different ids when there was none)
    from evalrules.batch.run import run_batch
    from evalrules.cli.main import main
    from evalrules.io.ruleset_names import ruleset_reference

    assert ruleset_reference("a/p.toml", "r.toml") == str(Path("a") / "r.toml")
    assert ruleset_reference("a/p.toml", "caiyu_2020_10") == "caiyu_2020_10"
    assert ruleset_reference("a/p.toml", "r.toml", "chosen") == "chosen"
    project = tmp_path / "p.toml"
    project.write_text('[project]\nname = "无规则集"\n', encoding="utf-8")
    assert main(["score", str(project)]) == 1
    said = capsys.readouterr().err
    summary = run_batch([project], None, tmp_path / "out.jsonl", progress=False)
    assert summary.failed == 1
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    for piece in ("E-RULESET-MISSING", "caiyu_2020_10_self", "单位自评"):
        assert piece in said and piece in written


TWO_OF_A_NAME = MINIMAL.replace(
    """[[indicators]]
name = "产出"
weight = 100
slot = true
""",
    """[[indicators]]
name = "过程"
weight = 50

  [[indicators.children]]
  name = "资金管理"
  weight = 50
  method = "manual"

[[indicators]]
name = "产出"
weight = 50

  [[indicators.children]]
  name = "资金管理"
  weight = -5
  method = "manual"
""",
)


def test_two_indicators_of_one_name_under_different_parents_have_their_own_lines(
    write: Callable[[str, str], Path],
) -> None:
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("two.toml", TWO_OF_A_NAME))
    weight = [p for p in caught.value.problems if p.code == "E-WEIGHT"]
    text = TWO_OF_A_NAME.splitlines()
    assert [p.line for p in weight] == [text.index("  weight = -5") + 1]  # 产出's, not 过程's (line 33)


def test_empty_children_is_refused_not_dropped(write: Callable[[str, str], Path]) -> None:
    # issue 15 §2: a node of no kind cannot be built, so the loader must say why it has none
    text = MINIMAL.replace("slot = true", "children = []")
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("empty.toml", text))
    (problem,) = caught.value.problems
    assert problem.code == "E-INDICATORS" and "children 为空" in problem.message


def test_a_child_with_a_wrong_method_still_counts_in_its_parents_sum(
    write: Callable[[str, str], Path],
) -> None:
    text = MINIMAL.replace(
        "slot = true",
        '\n  [[indicators.children]]\n  name = "甲"\n  weight = 60\n  method = "manul"\n'
        '\n  [[indicators.children]]\n  name = "乙"\n  weight = 30\n  method = "manual"\n',
    )
    with pytest.raises(LoadError) as caught:
        evalrules.load_ruleset(write("sum.toml", text))
    found = {p.code: p for p in caught.value.problems}
    assert set(found) == {"E-METHOD-UNKNOWN", "E-WEIGHT-SUM"}
    assert found["E-WEIGHT-SUM"].found == "90（60 + 30）"
