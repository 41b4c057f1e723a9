from __future__ import annotations

import copy
import pickle

import pytest

from evalrules.base.errors import (
    EvalrulesError,
    FormulaError,
    LoadError,
    OutputError,
    PluginError,
    Problem,
    ScoringError,
    internal_error,
    suggest,
)
from evalrules.base.extras import MissingExtraError


def test_problem_renders_file_line_place_expected_found_suggestion() -> None:
    problem = Problem(
        "E-X",
        "分值不对",
        file="a.toml",
        where="指标 决策",
        line=3,
        expected="20",
        found="25",
        suggestion="是否想写 “决策”？",
    )
    assert problem.render() == "[E-X] a.toml:3，指标 决策：分值不对（应为 20；实际为 25）。是否想写 “决策”？"


def test_error_carries_all_problems() -> None:
    error = EvalrulesError([Problem("E-A", "一"), Problem("E-B", "二")])
    assert len(error.problems) == 2 and str(error).splitlines() == ["[E-A] 一", "[E-B] 二"]


def test_formula_error_located() -> None:
    error = FormulaError("除数为 0", formula="1/0").located(ruleset="r", path="决策/x")
    assert error.ruleset == "r" and error.path == "决策/x" and error.formula == "1/0"
    assert "规则集 r，指标 决策/x，公式 “1/0”" in error.render()


def test_suggest() -> None:
    assert suggest("deducton", ["deduction", "manual"]) == "是否想写 “deduction”？"
    assert suggest("zzz", ["deduction"]) is None


def test_suggest_compares_names_that_are_not_text() -> None:
    # regression (fuzzing): a number among the known names (name = 1 in a file) raised TypeError
    assert suggest("决策", [1, "决策a", None]) == "是否想写 “决策a”？"  # type: ignore[list-item]
    assert suggest(12, ["123"]) == "是否想写 “123”？"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "error",
    [
        LoadError([Problem("E-FILE", "文件不存在", file="a.toml")]),
        ScoringError([Problem("E-INPUT", "缺少实际完成值", path="产出/数量")]),
        FormulaError("未知名称 “x”", formula="x + 1", ruleset="r", path="产出", column=1),
        OutputError([Problem("E-OUTPUT", "磁盘空间不足", file="r.csv")]),
        MissingExtraError("openpyxl", "读取 Excel"),
        PluginError([Problem("E-PLUGIN", "坏插件")]),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_error_pickles_and_deep_copies_as_it_is(error: EvalrulesError) -> None:
    # issue 15, 5: a process pool or celery carries them; no class-name workaround in between
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error), copy.copy(error)):
        assert type(again) is type(error) and again.problems == error.problems
        assert str(again) == str(error) and vars(again) == vars(error)


def test_an_unexpected_exception_is_an_internal_error_item() -> None:
    error = internal_error(ZeroDivisionError("division by zero"), "p.toml")
    assert [(p.code, p.file) for p in error.problems] == [("E-INTERNAL", "p.toml")]
    assert "ZeroDivisionError: division by zero" in error.problems[0].message
