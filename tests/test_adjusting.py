from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import evalrules
from evalrules import LoadError, testing
from evalrules.hooks.adjusting import Adjustment, RulesetOption
from evalrules.io.export import ruleset_to_toml

from .conftest import SEED


class GradeCap:
    """A plugin capping the grade at 良 when a ruleset asks for it and the project has a flag."""

    def __init__(self, adjustment: Any = None, fail: bool = False) -> None:
        self.adjustment = adjustment
        self.fail = fail

    @evalrules.hookimpl
    def register_options(self) -> list[RulesetOption]:
        return [
            RulesetOption("grade_cap", "bool", False, "有整改事项时等级最高为良"),
            RulesetOption("cap_flags", "texts", ["未整改"], "触发封顶的事实"),
        ]

    @evalrules.hookimpl
    def adjust_result(
        self, result: evalrules.Result, ruleset: evalrules.Ruleset, project: evalrules.Project
    ) -> Any:
        if self.fail:
            raise RuntimeError("插件内部错误")
        if self.adjustment is not None:
            return self.adjustment
        flags = ruleset.options.get("cap_flags", ["未整改"])
        if (
            ruleset.options.get("grade_cap")
            and any(project.flags.get(f) for f in flags)
            and result.grade == "优"
        ):
            return Adjustment("有未整改事项，等级最高为良", grade="良")
        return None


CAPPED = """
[ruleset]
id = "capped"
version = "1"
title = "封顶"
document = "测试"
issuer = "测试"
extends = "caiyu_2020_10"

[options]
grade_cap = true
"""


def flagged(write: Callable[[str, str], Path], flag: str) -> Path:
    return write("project.toml", SEED.read_text(encoding="utf-8") + f'\n[flags]\n"未整改" = {flag}\n')


def test_an_adjustment_is_applied_and_recorded(write: Callable[[str, str], Path]) -> None:
    registry = testing.plugin_registry(GradeCap())
    ruleset = testing.assert_ruleset_loads(write("capped.toml", CAPPED), registry)
    assert ruleset.options == {"grade_cap": True}
    result = testing.assert_scores(
        flagged(write, '"审计发现的问题尚未整改"'), ruleset, registry, total="100", grade="良"
    )
    assert result.reasons[-1] == "有未整改事项，等级最高为良：等级由 优 调整为 良（插件 GradeCap）"
    record = result.to_dict()["adjustments"][0]
    assert record == {
        "plugin": "GradeCap",
        "reason": "有未整改事项，等级最高为良",
        "grade": {"before": "优", "after": "良"},
        "total": {"before": 100, "after": 100},
    }


def test_no_adjustment_without_the_option_or_the_flag(write: Callable[[str, str], Path]) -> None:
    registry = testing.plugin_registry(GradeCap())
    national = testing.assert_ruleset_loads("caiyu_2020_10", registry)
    assert testing.assert_scores(flagged(write, "true"), national, registry, grade="优").adjustments == ()
    capped = testing.assert_ruleset_loads(write("capped.toml", CAPPED), registry)
    assert testing.assert_scores(flagged(write, "false"), capped, registry, grade="优").adjustments == ()


def test_options_are_checked_and_round_trip(write: Callable[[str, str], Path]) -> None:
    registry = testing.plugin_registry(GradeCap())
    with pytest.raises(evalrules.LoadError) as caught:
        evalrules.load_ruleset(
            write("a.toml", CAPPED.replace("grade_cap = true", "grade_capp = true")), registry
        )
    problem = caught.value.problems[0]
    assert problem.code == "E-OPTION" and "grade_cap" in (problem.suggestion or "")
    with pytest.raises(evalrules.LoadError) as caught:
        evalrules.load_ruleset(
            write("b.toml", CAPPED.replace("grade_cap = true", 'grade_cap = "yes"')), registry
        )
    assert caught.value.problems[0].expected == "true 或 false"
    with pytest.raises(evalrules.LoadError):  # without the plugin, nobody reads the option
        evalrules.load_ruleset(write("c.toml", CAPPED), testing.plugin_registry())
    ruleset = evalrules.load_ruleset(
        write("d.toml", CAPPED.replace("grade_cap = true", 'cap_flags = ["x", "y"]')), registry
    )
    again = evalrules.load_ruleset(write("e.toml", ruleset_to_toml(ruleset)), registry)
    assert again == ruleset and again.options == {"cap_flags": ["x", "y"]}


@pytest.mark.parametrize(
    ("adjustment", "message"),
    [
        (Adjustment("x", grade="特优"), "不在规则集的等级中"),
        (Adjustment("x", total=Decimal(101)), "总分应为"),
        (Adjustment(" ", grade="差"), "写明原因"),
        ("差", "应返回 Adjustment"),
        # issue 23, 6: garbage across the hook boundary gave AttributeError / InvalidOperation
        (Adjustment(5), "写明原因"),  # type: ignore[arg-type]
        (Adjustment("x", grade=["差"]), "不在规则集的等级中"),  # type: ignore[arg-type]
        (Adjustment("x", total=Decimal("NaN")), "有限 Decimal"),
        (Adjustment("x", total=Decimal("sNaN")), "有限 Decimal"),
        (Adjustment("x", total=Decimal("Infinity")), "有限 Decimal"),
        (Adjustment("x", total=85.5), "有限 Decimal"),  # type: ignore[arg-type]
    ],
)
def test_invalid_adjustments_are_refused(adjustment: Any, message: str) -> None:
    registry = testing.plugin_registry(GradeCap(adjustment))
    ruleset = evalrules.load_ruleset("caiyu_2020_10", registry)
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(SEED), ruleset, registry)
    problem = caught.value.problems[0]
    assert problem.code == "E-PLUGIN-RESULT" and message in problem.message and "GradeCap" in problem.message


def test_an_adjuster_calling_sys_exit_is_a_problem_not_an_exit() -> None:
    class Exiting(GradeCap):
        @evalrules.hookimpl
        def adjust_result(self, result: evalrules.Result) -> Any:
            raise SystemExit(9)

    registry = testing.plugin_registry(Exiting())
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(
            evalrules.load_project(SEED), evalrules.load_ruleset("caiyu_2020_10", registry), registry
        )
    assert caught.value.problems[0].code == "E-PLUGIN-ADJUST" and "SystemExit(9)" in caught.value.render()


def test_a_failing_adjuster_stops_scoring_with_its_name() -> None:
    registry = testing.plugin_registry(GradeCap(fail=True))
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(
            evalrules.load_project(SEED), evalrules.load_ruleset("caiyu_2020_10", registry), registry
        )
    assert "GradeCap" in caught.value.render() and "插件内部错误" in caught.value.render()


def test_a_total_adjustment_is_recorded() -> None:
    registry = testing.plugin_registry(GradeCap(Adjustment("扣减违规资金对应分值", total=Decimal("85.5"))))
    result = evalrules.score(
        evalrules.load_project(SEED), evalrules.load_ruleset("caiyu_2020_10", registry), registry
    )
    assert result.total == Decimal("85.5") and result.grade == "良"  # graded again by the ruleset's bands
    assert "等级由 优 调整为 良，总分由 100 调整为 85.5" in result.reasons[-1]


class CheckedCap(GradeCap):
    """GradeCap whose option is checked against the ruleset when it loads."""

    def __init__(self, check: Any) -> None:
        super().__init__()
        self.check = check

    @evalrules.hookimpl
    def register_options(self) -> list[RulesetOption]:
        return [RulesetOption("grade_cap", "bool", False, "有整改事项时等级最高为良", check=self.check)]


def test_an_option_is_checked_against_the_ruleset_when_it_loads(write: Callable[[str, str], Path]) -> None:
    # issue 15, 5: a setting that cannot work is refused by validate, not at the first project scored
    def needs_liang(value: Any, ruleset: evalrules.Ruleset) -> str | None:
        names = [band.name for band in ruleset.grades]
        return None if "良" in names else f"封顶等级“良”不是规则集的等级（{'、'.join(names)}）"

    ruleset = testing.assert_ruleset_loads(
        write("capped.toml", CAPPED), testing.plugin_registry(CheckedCap(needs_liang))
    )
    assert ruleset.options == {"grade_cap": True}
    no_liang = CAPPED + '\n[[grades]]\nname = "合格"\nmin = 60\n\n[[grades]]\nname = "不合格"\nmin = 0\n'
    with pytest.raises(LoadError) as refused:
        evalrules.load_ruleset(
            write("no_liang.toml", no_liang), testing.plugin_registry(CheckedCap(needs_liang))
        )
    [problem] = [p for p in refused.value.problems if p.code == "E-OPTION"]
    assert problem.where == "[options] grade_cap" and "不是规则集的等级" in problem.message


def test_a_failing_option_check_is_a_message_not_a_traceback(write: Callable[[str, str], Path]) -> None:
    def broken(value: Any, ruleset: evalrules.Ruleset) -> str | None:
        raise KeyError("oops")

    with pytest.raises(LoadError, match="插件检查开关 “grade_cap” 时出错"):
        evalrules.load_ruleset(write("capped.toml", CAPPED), testing.plugin_registry(CheckedCap(broken)))
