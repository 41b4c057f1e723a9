"""A project choosing its own scoring method: refused unless the ruleset allows it
(E-METHOD-NOT-ALLOWED, issue 23, 8), and an allowed choice is an audit finding (A-METHOD-OVERRIDE)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules.cli.main import main
from evalrules.io.export import ruleset_to_toml

FORM = Path(__file__).parent / "forms" / "override_self_formula.toml"

LENIENT = """
[ruleset]
id = "lenient_self"
version = "1"
title = "允许自选方法的自评"
document = "测试"
issuer = "测试"
extends = "caiyu_2020_10_self"

[project_methods]
allowed = ["positive", "reverse", "formula", "manual"]
"""


def test_a_project_cannot_award_itself_points(self_eval: evalrules.Ruleset) -> None:
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(FORM), self_eval)
    refused = [p for p in caught.value.problems if p.code == "E-METHOD-NOT-ALLOWED"]
    assert [(p.line, "formula" in p.message or "manual" in p.message) for p in refused] == [
        (25, True),
        (58, True),
    ]
    assert all("positive、reverse、equal、qualitative" in p.message for p in refused)
    assert len(caught.value.problems) == 2  # the reverse/deviation choice is allowed


def test_the_cli_refuses_and_the_audit_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(FORM)]) == 1
    assert "E-METHOD-NOT-ALLOWED" in capsys.readouterr().err
    assert main(["audit", str(FORM)]) == 3
    out = capsys.readouterr().out
    assert out.count("[A-SCORING]") == 2 and "不允许项目为绩效指标自选计分方法" in out


def test_an_allowed_choice_is_reported_with_the_rule_it_replaced(write: Callable[[str, str], Path]) -> None:
    ruleset = evalrules.load_ruleset(write("lenient.toml", LENIENT))
    assert ruleset.allowed_project_methods == ("positive", "reverse", "formula", "manual")
    report = evalrules.audit(evalrules.load_project(FORM), ruleset)
    found = {f.path[-1]: f for f in report.findings if f.code == "A-METHOD-OVERRIDE"}
    assert set(found) == {"农机购置补贴兑付率", "田间道路建设单价", "技术培训满意度"}
    formula = found["农机购置补贴兑付率"]
    assert formula.severity == "warning" and (formula.claimed, formula.computed) == (15, 9)
    assert "规则集对“≥”指标用 positive" in formula.message and "须核实评价方案" in formula.message
    manual = found["技术培训满意度"]
    assert manual.severity == "warning" and manual.claimed == 10 and manual.computed == Decimal("9.56")
    deviation = found["田间道路建设单价"]
    # 偏离度 10% 扣分, the ratio rule gives 45 / 49.5 × 15 = 13.64: the choice does not pay
    assert deviation.severity == "info" and "variant=deviation" in deviation.message
    assert "reverse（variant=ratio）" in deviation.message and "评价方案规定" in deviation.message


def test_no_finding_without_a_choice(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    assert not [f for f in evalrules.audit(seed, national).findings if f.code == "A-METHOD-OVERRIDE"]


@pytest.mark.parametrize(
    ("allowed", "said"),
    [('["positve"]', "positive"), ('"positive"', "allowed = ["), ("[1]", "可用方法")],
)
def test_project_methods_is_checked(write: Callable[[str, str], Path], allowed: str, said: str) -> None:
    text = LENIENT.replace('["positive", "reverse", "formula", "manual"]', allowed)
    with pytest.raises(evalrules.LoadError) as caught:
        evalrules.load_ruleset(write("bad.toml", text))
    assert said in caught.value.render() and "[project_methods]" in caught.value.render()


def test_project_methods_round_trips_and_an_empty_list_allows_nothing(
    write: Callable[[str, str], Path],
) -> None:
    ruleset = evalrules.load_ruleset(write("lenient.toml", LENIENT))
    again = evalrules.load_ruleset(write("again.toml", ruleset_to_toml(ruleset)))
    assert again.project_methods == ruleset.project_methods
    strict = evalrules.load_ruleset(
        write("strict.toml", LENIENT.replace('"positive", "reverse", "formula", "manual"', ""))
    )
    assert strict.allowed_project_methods == ()
    with pytest.raises(evalrules.ScoringError) as caught:
        evalrules.score(evalrules.load_project(FORM), strict)
    assert {p.code for p in caught.value.problems} == {"E-METHOD-NOT-ALLOWED"}
    assert len(caught.value.problems) == 3
