"""evalrules check: properties on generated projects, counter-examples, worked examples."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import evalrules
from evalrules.engine.binding import Binder
from evalrules.engine.bound import BoundNode
from evalrules.engine.scoring import explain
from evalrules.model.applicability import applicability
from evalrules.model.result import Result
from evalrules.model.ruleset import GradeBand
from evalrules.selfcheck import properties as checking
from evalrules.selfcheck.properties import CheckReport, PropertyOutcome, check_ruleset, grade_gaps

FORMS = Path(__file__).parent / "forms"
EXAMPLES = 25
"""Generated projects per property in these tests: enough to find each seeded defect."""

HEADER = """[ruleset]
id = "{id}"
version = "0.1.0"
title = "自检用规则集"
document = "（测试）"
issuer = "测试"
extends = "caiyu_2020_10_self"
"""

SHIPPED = ["caiyu_2020_10", "caiyu_2020_10_self"]
"""The core rulesets; each regional plugin's own test suite checks its ruleset the same way."""


def outcome(report: CheckReport, code: str) -> PropertyOutcome:
    return next(p for p in report.properties if p.code == code)


def failing(report: CheckReport) -> list[str]:
    return [p.code for p in report.failed_properties]


@pytest.fixture
def child(write: Callable[[str, str], Path]) -> Callable[[str], evalrules.Ruleset]:
    """A ruleset extending caiyu_2020_10_self with the given TOML after its header."""
    counter = itertools.count()

    def make(body: str) -> evalrules.Ruleset:
        name = f"child{next(counter)}"
        return evalrules.load_ruleset(write(f"{name}.toml", HEADER.format(id=name) + body))

    return make


@pytest.mark.parametrize("ruleset_id", SHIPPED)
def test_every_shipped_ruleset_passes_with_its_worked_examples(ruleset_id: str) -> None:
    ruleset = evalrules.load_ruleset(ruleset_id)
    report = check_ruleset(ruleset, examples=EXAMPLES)
    assert report.ok, report.render()
    assert [p.status for p in report.properties] == ["passed"] * len(report.properties), report.render()
    assert len(report.examples) >= 2 and all(e.passed for e in report.examples)
    assert report.coverage.missing_indicators == ()
    assert "结论：全部性质成立，全部算例相符。" in report.render()


def test_a_gap_between_grade_bands_is_a_counter_example(national: evalrules.Ruleset) -> None:
    # the loader refuses such bands (E-GRADES-GAP), so the defect is made in code
    bands = (GradeBand("优", Decimal(90), Decimal(100)), GradeBand("差", Decimal(0), Decimal(89)))
    gap = attrs.evolve(national, grades=bands, examples=())
    counter = grade_gaps(gap)
    assert counter is not None and counter.summary == "总分 89 不属于任何等级（缝隙）"
    assert counter.found == "没有等级"
    overlap = (GradeBand("优", Decimal(80), Decimal(100)), GradeBand("差", Decimal(0), Decimal(85)))
    counter = grade_gaps(attrs.evolve(national, grades=overlap))
    assert counter is not None and "重叠" in counter.summary and counter.found == "差、优"
    assert grade_gaps(national) is None
    report = check_ruleset(gap, examples=5)
    assert failing(report) == ["C-GRADES"] and "等级：差 [0, 89)、优 [90, 100]" in report.render()


def test_a_formula_that_can_exceed_its_weight_is_a_counter_example(
    child: Callable[[str], evalrules.Ruleset],
) -> None:
    ruleset = child(
        '[[override]]\npath = "预算执行率"\nmethod = "formula"\n'
        'params = { formula = "执行数 / 全年预算数 * 分值" }\n'
    )
    report = check_ruleset(ruleset, examples=EXAMPLES)
    assert failing(report) == ["C-LEAF"]
    counter = outcome(report, "C-LEAF").counter_example
    assert counter is not None and counter.path == "预算执行率"
    assert counter.expected == "[0, 10]" and Decimal(counter.found) > 10
    assert any(line.startswith("预算（万元）：") and "执行数" in line for line in counter.inputs)
    text = report.render()
    assert "[不成立] C-LEAF" in text and "反例（已化简）：指标 预算执行率 的得分超出 [0, 分值]" in text


def test_a_positive_target_made_non_monotone_by_a_formula_is_a_counter_example(
    child: Callable[[str], evalrules.Ruleset],
) -> None:
    ruleset = child(
        '[target_methods]\n">=" = { method = "formula", params = '
        '{ formula = "分值 if 实际值 <= 指标值 else 分值 / 2" } }\n'
    )
    # the defect shows only when the actual value is just below the target: it takes more projects
    report = check_ruleset(ruleset, examples=2 * EXAMPLES)
    assert "C-POSITIVE" in failing(report) and "C-REVERSE" not in failing(report)
    counter = outcome(report, "C-POSITIVE").counter_example
    assert counter is not None and counter.path is not None
    assert "指标性质 ≥" in counter.inputs[0] and "得分反而减少" in counter.summary
    assert Decimal(counter.found) < Decimal(counter.expected.split("≥ ")[1].rstrip("）"))


def test_a_reverse_target_that_rewards_overspending_is_a_counter_example(
    child: Callable[[str], evalrules.Ruleset],
) -> None:
    ruleset = child(
        '[target_methods]\n"<=" = { method = "formula", params = '
        '{ formula = "分值 if 实际值 > 指标值 else 分值 / 2" } }\n'
    )
    report = check_ruleset(ruleset, examples=EXAMPLES)
    assert failing(report) == ["C-REVERSE"]
    counter = outcome(report, "C-REVERSE").counter_example
    assert counter is not None and "得分反而增加" in counter.summary


def test_a_formula_that_divides_by_zero_is_unscorable(child: Callable[[str], evalrules.Ruleset]) -> None:
    ruleset = child(
        '[[override]]\npath = "预算执行率"\nmethod = "formula"\n'
        'params = { formula = "min(满意人数 / 样本数, 1) * 分值", inputs = ["满意人数", "样本数"] }\n'
    )
    report = check_ruleset(ruleset, examples=EXAMPLES)
    assert failing(report) == ["C-SCORABLE"]
    counter = outcome(report, "C-SCORABLE").counter_example
    assert counter is not None and counter.path == "预算执行率"
    assert any("样本数 = 0" in line for line in counter.inputs), counter.inputs


def _wrapped(monkeypatch: pytest.MonkeyPatch, change: Callable[[Result], Result]) -> None:
    real = checking.score

    def scoring(*args: Any, **kwargs: Any) -> Result:
        return change(real(*args, **kwargs))

    monkeypatch.setattr(checking, "score", scoring)


def test_a_total_that_counts_not_applicable_as_zero_breaks_the_promise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def as_zero(result: Result) -> Result:
        total = sum((node.score or Decimal(0) for node in result.nodes), Decimal(0))
        return attrs.evolve(result, total=total, exact_total=total)

    _wrapped(monkeypatch, as_zero)
    self_evaluation = evalrules.load_ruleset("caiyu_2020_10_self")
    report = check_ruleset(attrs.evolve(self_evaluation, examples=()), examples=10)
    assert failing(report) == ["C-NA"]
    counter = outcome(report, "C-NA").counter_example
    assert counter is not None and counter.path == "总分" and "不适用" in counter.summary
    assert "按适用指标得分折算" in counter.expected


def test_a_branch_scored_0_for_targets_that_weigh_0_breaks_the_promise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the scorer as it was: a branch applies as long as one child does, even one that weighs 0
    def old_marking(self: Binder, node: BoundNode) -> None:
        for child in node.children:
            old_marking(self, child)
        if node.children and node.na_reason is None and all(c.na_reason for c in node.children):
            node.na_reason = "下级指标均不适用。"

    monkeypatch.setattr(Binder, "mark_empty_branches", old_marking)
    monkeypatch.setattr(checking, "score", explain)  # the plan has its own, unchanged, rule
    self_evaluation = evalrules.load_ruleset("caiyu_2020_10_self")
    report = check_ruleset(attrs.evolve(self_evaluation, examples=()), examples=100)
    assert failing(report) == ["C-NA"]
    counter = outcome(report, "C-NA").counter_example
    assert counter is not None and "没有分值大于 0 的适用指标，却计了分" in counter.summary
    assert counter.found == "得分 0" and any("分值 0）" in line for line in counter.inputs)


def test_the_oracle_reads_applicability_from_the_project_alone() -> None:
    project = evalrules.load_project(FORMS / "na_zero_weight.toml")
    applies = applicability(project, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert applies[()] and applies[("预算执行率",)] and applies[("效益指标",)]
    assert applies[("产出指标", "数量指标")] and applies[("产出指标", "数量指标", "购置办公电脑台数")]
    assert not applies[("产出指标",)]  # weighs 50, and what applies below it weighs 0
    assert not applies[("产出指标", "质量指标")] and ("产出指标", "时效指标") not in applies
    equal = attrs.evolve(project, targets=tuple(attrs.evolve(t, weight=None) for t in project.targets))
    applies = applicability(equal, evalrules.load_ruleset("caiyu_2020_10_self"))
    assert applies[("产出指标",)]  # split equally: the measured target weighs 25


def test_a_scorer_that_changes_its_mind_is_not_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = itertools.count()
    _wrapped(monkeypatch, lambda result: attrs.evolve(result, grade=f"第 {next(calls)} 次"))
    self_evaluation = evalrules.load_ruleset("caiyu_2020_10_self")
    report = check_ruleset(attrs.evolve(self_evaluation, examples=()), examples=5)
    assert failing(report) == ["C-DETERMINISM"]


def test_the_report_is_reproducible_and_a_seed_is_honoured(child: Callable[[str], evalrules.Ruleset]) -> None:
    ruleset = child(
        '[[override]]\npath = "预算执行率"\nmethod = "formula"\n'
        'params = { formula = "执行数 / 全年预算数 * 分值" }\n'
    )
    first = check_ruleset(ruleset, examples=8).render()
    assert "[不成立] C-LEAF" in first and first == check_ruleset(ruleset, examples=8).render()
    passing = evalrules.load_ruleset("caiyu_2020_10_self")
    assert check_ruleset(passing, examples=5, seed=7).ok


def test_properties_without_generable_targets_are_skipped(child: Callable[[str], evalrules.Ruleset]) -> None:
    ruleset = child(
        '[target_methods]\n">=" = { method = "manual" }\n"<=" = { method = "manual" }\n'
        '"=" = { method = "manual" }\n"定性" = { method = "manual" }\n'
    )
    report = check_ruleset(attrs.evolve(ruleset, examples=()), examples=5)
    assert outcome(report, "C-POSITIVE").status == "skipped" and report.ok
    assert "规则集没有可生成的 ≥ 型绩效指标" in report.render()


# --- worked examples --------------------------------------------------------------------------

EXAMPLE = """
[[examples]]
name = "达标"
expected = {{ total = {total}, grade = "{grade}", "预算执行率" = {budget}, "满意度指标" = "不适用" }}

[examples.budget]
"全年预算数" = 100
"执行数" = 100

[[examples.targets]]
slot = "产出指标/数量指标"
name = "人数"
operator = ">="
value = 10
actual = {actual}

[[examples.targets]]
slot = "效益指标/社会效益指标"
name = "效果"
operator = "定性"
rating = "达成"
"""


def test_worked_examples_report_expected_and_found(child: Callable[[str], evalrules.Ruleset]) -> None:
    good = child(EXAMPLE.format(total=100, grade="优", budget=10, actual=10))
    [example] = good.examples
    assert example.expected_total == 100 and example.expected_scores[1] == (("满意度指标",), None)
    report = check_ruleset(good, examples=3)
    assert report.ok and report.examples[0].total == 100
    assert report.coverage.missing_grades == ("良", "中", "差")
    assert report.coverage.missing_operators == ("<=", "=", "问卷", "专家评议")  # no survey, no panel
    # 5/10 × 50 = 25 for output: (10 + 25 + 30) / 90 × 100 = 72.22, 中
    wrong = child(EXAMPLE.format(total=100, grade="优", budget=9, actual=5))
    report = check_ruleset(wrong, examples=3)
    assert not report.ok and report.failed_properties == ()
    [failed] = report.failed_examples
    assert [(m.what, m.expected, m.found) for m in failed.mismatches] == [
        ("总分", "100", "72.22"),
        ("等级", "优", "中"),
        ("预算执行率", "9", "10"),
    ]
    assert "总分：应为 100；实际为 72.22" in report.render()


def test_a_worked_example_that_cannot_be_scored_says_why(child: Callable[[str], evalrules.Ruleset]) -> None:
    ruleset = child(EXAMPLE.format(total=100, grade="优", budget=10, actual=10).replace('"执行数" = 100', ""))
    report = check_ruleset(ruleset, examples=3)
    [failed] = report.failed_examples
    assert failed.error is not None and "执行数" in failed.error
    assert "无法评分" in report.render()


def test_worked_examples_are_checked_when_the_ruleset_loads(write: Callable[[str, str], Path]) -> None:
    body = (
        EXAMPLE.format(total='"x"', grade="甲", budget=10, actual=10)
        .replace('operator = ">="', 'operator = ">>"')
        .replace('name = "达标"', 'name = "达标"\nvalue = 3')
        .replace('"预算执行率" = 10', '"产出/数" = 3')
    )
    path = write("bad.toml", HEADER.format(id="bad") + body)
    with pytest.raises(evalrules.LoadError) as caught:
        evalrules.load_ruleset(path)
    problems = {(p.code, p.line) for p in caught.value.problems}
    text = caught.value.render()
    lines = (HEADER.format(id="bad") + body).splitlines()
    header = lines.index("[[examples]]") + 1
    assert ("E-KEY-UNKNOWN", header + 2) in problems  # value = 3, with a suggestion
    assert ("E-NUMBER", header + 3) in problems and "“total”" in text
    assert "预期等级 “甲” 不是规则集的等级" in text and "预期得分的指标 “产出/数” 不在规则集中" in text
    operator = lines.index('operator = ">>"') + 1
    assert ("E-OPERATOR", operator) in problems
    assert "[[examples]] 第 1 项（达标）的 [[examples.targets]] 第 1 项" in text
    assert all(p.file == str(path) for p in caught.value.problems)


def test_an_example_needs_a_name_and_expected_scores(child: Callable[[str], evalrules.Ruleset]) -> None:
    with pytest.raises(evalrules.LoadError, match="算例缺少名称"):
        child("[[examples]]\nexpected = { total = 1 }\n")
    with pytest.raises(evalrules.LoadError, match="算例缺少预期结果"):
        child('[[examples]]\nname = "甲"\n')
    with pytest.raises(evalrules.LoadError, match="算例名称 “甲” 重复"):
        child('[[examples]]\nname = "甲"\nexpected = { total = 1 }\n' * 2)
    with pytest.raises(evalrules.LoadError, match="project 应为表"):
        child('[[examples]]\nname = "甲"\nexpected = { total = 1 }\nproject = { name = "乙" }\n')


@pytest.fixture(autouse=True)
def _no_stray_output(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Checking prints nothing itself (hypothesis is kept quiet): the report is the output."""
    yield
    assert capsys.readouterr().out == ""
