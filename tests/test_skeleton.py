"""evalrules new: the project skeleton of a ruleset loads with one E-TODO per placeholder and
scores once they are filled in; evalrules show lists the same paths."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

import evalrules
from evalrules.authoring.skeleton import needs, paths_text, skeleton_toml
from evalrules.base.errors import LoadError
from evalrules.io.placeholders import PLACEHOLDER
from evalrules.io.project_loading import project_from_text

FILLED = {
    "year": "2024",
    "value": "100",
    "actual": "96",
    "deductions": "[]",
    "全年预算数": "200",
    "调整后预算数": "200",
    "执行数": "190",
    "到位资金": "200",
}


def fill(text: str) -> str:
    """The skeleton as an analyst fills it in: every placeholder replaced, names made distinct."""
    counter = itertools.count(1)

    def value(match: re.Match[str]) -> str:
        key = match.group(2)
        if key in FILLED:
            return f"{match.group(1)}{FILLED[key]}"
        return f'{match.group(1)}"{key}{next(counter)}"'

    return re.sub(r'^(\s*"?([^"=\s]+)"?\s*=\s*)"' + PLACEHOLDER + '"', value, text, flags=re.M)


def test_the_national_skeleton_names_every_assessment_slot_group_and_figure() -> None:
    ruleset = evalrules.load_ruleset("caiyu_2020_10")
    text = skeleton_toml(ruleset, "caiyu_2020_10")
    assert 'path = "决策/项目立项/立项依据充分性"' in text and 'path = "过程/组织实施/制度执行有效性"' in text
    assert text.count("[[assessments]]") == 9  # the budget rates read [budget], not an assessment
    assert '"到位资金" = "待填写"' in text and '"执行数" = "待填写"' in text
    for slot in ("产出/产出数量", "产出/产出成本", "效益/项目效益/社会效益", "效益/项目效益/服务对象满意度"):
        assert f'slot = "{slot}"' in text
    assert needs(ruleset).budget == ("全年预算数", "到位资金", "执行数")


@pytest.mark.parametrize("ruleset_id", ["caiyu_2020_10", "caiyu_2020_10_self"])
def test_a_skeleton_loads_with_one_todo_per_placeholder(ruleset_id: str) -> None:
    text = skeleton_toml(evalrules.load_ruleset(ruleset_id), ruleset_id)
    with pytest.raises(LoadError) as raised:
        project_from_text(text, "项目.toml")
    problems = raised.value.problems
    assert {p.code for p in problems} == {"E-TODO"}  # no E-NUMBER / E-TYPE for the same cells
    assert len(problems) == text.count(f'"{PLACEHOLDER}"') - text.count(f'"{PLACEHOLDER}" 换成')
    year = next(p for p in problems if p.where == "[project] year")
    assert year.line == text.splitlines().index('year = "待填写"  # 年度，如 2024（不加引号）') + 1
    assert any(p.where == "[[targets]] 第 2 项 actual" for p in problems)


@pytest.mark.parametrize("ruleset_id", ["caiyu_2020_10", "caiyu_2020_10_self"])
def test_a_filled_skeleton_scores(ruleset_id: str) -> None:
    ruleset = evalrules.load_ruleset(ruleset_id)
    project = project_from_text(fill(skeleton_toml(ruleset, ruleset_id)), "项目.toml")
    result = evalrules.score(project, ruleset)
    assert project.ruleset == ruleset_id and result.grade == "优"
    assert 90 <= result.total < 100  # 190 / 200 executed and 96 of 100: not full marks


def test_plugin_skeletons_score_once_filled(
    sichuan: evalrules.Registry, xinjiang: evalrules.Registry
) -> None:
    for registry, ruleset_id in ((sichuan, "sichuan_self"), (xinjiang, "xinjiang_2018_189")):
        ruleset = evalrules.load_ruleset(ruleset_id, registry)
        text = skeleton_toml(ruleset, ruleset_id, registry)
        with pytest.raises(LoadError):
            project_from_text(text, "项目.toml")
        result = evalrules.score(project_from_text(fill(text), "项目.toml"), ruleset, registry)
        assert result.grade == "优", ruleset_id


def test_a_problem_other_than_a_placeholder_is_still_told() -> None:
    text = skeleton_toml(evalrules.load_ruleset("caiyu_2020_10_self"), "caiyu_2020_10_self")
    text = text.replace('operator = ">="', 'operator = "大约"', 1)
    with pytest.raises(LoadError) as raised:
        project_from_text(text, "项目.toml")
    assert {p.code for p in raised.value.problems} == {"E-TODO", "E-OPERATOR"}


def test_the_word_in_a_comment_or_a_longer_text_is_no_placeholder() -> None:
    text = skeleton_toml(evalrules.load_ruleset("caiyu_2020_10_self"), "caiyu_2020_10_self")
    filled = fill(text).replace('reason = ""', 'reason = "原定待填写的表格已补齐"')
    assert project_from_text(filled + '\n# note = "待填写"\n', "项目.toml").name


def test_show_lists_the_paths_to_type() -> None:
    text = paths_text(evalrules.load_ruleset("caiyu_2020_10"))
    assert '"效益/项目效益/服务对象满意度"' in text and '"决策/资金投入/资金分配合理性"' in text
    assert "到位资金" in text and "positive" in text
    self_text = paths_text(evalrules.load_ruleset("caiyu_2020_10_self"))
    assert '"产出指标/数量指标"' in self_text and "（无指标时：不适用）" in self_text


def test_each_method_gets_the_assessment_key_it_reads(tmp_path: Path) -> None:
    ruleset = tmp_path / "mine.toml"
    ruleset.write_text(
        """
[ruleset]
id = "mine"
version = "1"
title = "评价方案"
document = "某财绩〔2024〕1号"
issuer = "某县财政局"
extends = "caiyu_2020_10"

[[override]]
path = "决策/项目立项/立项依据充分性"
method = "checklist"
params = { elements = [{ key = "①", text = "符合规划" }, { key = "②", text = "符合职责" }] }

[[override]]
path = "决策/项目立项/立项程序规范性"
method = "manual"
""",
        encoding="utf-8",
    )
    text = skeleton_toml(evalrules.load_ruleset(ruleset), "mine.toml")
    assert 'checklist = "待填写"  # 每个评价要点 true / false，如 { ① = true, ② = true }' in text
    assert 'score = "待填写"  # 评价组给的分数' in text
    assert text.count('deductions = "待填写"') == 7
