"""convert --to: one project under the other national ruleset (单位自评 ↔ 部门评价)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
from evalrules.authoring.retarget import retarget
from evalrules.base.errors import LoadError
from evalrules.io.project_loading import project_from_text

from .conftest import SEED

FORM = Path(__file__).parent / "forms" / "fh_self_roundtrip_2023.toml"


def test_a_self_evaluation_becomes_a_department_evaluation_to_fill_in() -> None:
    department = evalrules.load_ruleset("caiyu_2020_10")
    done = retarget(evalrules.load_project(FORM), "caiyu_2020_10_self", department)
    text = done.text
    assert 'slot = "产出/产出数量"' in text and 'slot = "效益/项目效益/生态效益"' in text
    assert "产出指标/" not in text and "\nweight" not in text
    assert done.left_out == ("绩效指标的分值 weight",) and done.moved == 6
    with pytest.raises(LoadError) as raised:
        project_from_text(text, "部门评价.toml")
    problems = raised.value.problems
    assert {p.code for p in problems} == {"E-TODO"} and len(problems) == done.to_fill == 11
    assert [p.where for p in problems][:2] == ["[budget] 到位资金", "[[assessments]] 第 1 项 deductions"]
    # the evaluators' part filled in: no deductions, 到位资金 as budgeted, no 时效 indicator
    filled = text.replace('"到位资金" = "待填写"', '"到位资金" = 285.6')
    filled = re.sub(r'deductions = "待填写".*', "deductions = []", filled)
    filled = filled.replace('reason = "待填写"', 'reason = "自评表没有时效指标"')
    result = evalrules.score(project_from_text(filled, "部门评价.toml"), department)
    assert (result.total, result.grade) == (Decimal("96.19"), "优")


def test_a_department_evaluation_becomes_a_self_evaluation() -> None:
    own = evalrules.load_ruleset("caiyu_2020_10_self")
    done = retarget(evalrules.load_project(SEED), "caiyu_2020_10", own)
    assert done.to_fill == 0 and "[[assessments]]" in done.left_out and "[claims] scores" in done.left_out
    project = project_from_text(done.text, "自评.toml")
    assert not project.claims.scores and project.claims.figures  # figures have no paths: kept
    assert evalrules.score(project, own).grade == "优"


def test_a_target_with_no_counterpart_or_an_unknown_pair_is_refused() -> None:
    project = evalrules.load_project(FORM)
    with pytest.raises(LoadError) as raised:
        retarget(project, "caiyu_2020_10_self", evalrules.load_ruleset("caiyu_2020_10_self"))
    assert raised.value.problems[0].code == "E-CONVERT-TO"
    moved = project_from_text(
        FORM.read_text(encoding="utf-8").replace("产出指标/数量指标", "产出指标"), "p.toml"
    )
    with pytest.raises(LoadError) as raised:
        retarget(moved, "caiyu_2020_10_self", evalrules.load_ruleset("caiyu_2020_10"))
    (problem,) = raised.value.problems
    assert problem.code == "E-CONVERT-TO" and "“产出指标”" in problem.message and problem.line == 21
