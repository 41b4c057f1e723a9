from __future__ import annotations

from pathlib import Path

import evalrules
from evalrules.io.render import result_markdown, result_text, ruleset_text


def test_text_shows_every_node_and_explains_lost_points(
    seed: evalrules.Project, national: evalrules.Ruleset
) -> None:
    text = result_text(evalrules.score(seed, national))
    assert text.count("\n") > 50
    assert "不适用" in text and "· 本项目无该指标。" in text
    assert text.rstrip().splitlines()[-2] == "总分 100 / 100，等级 优"


def test_markdown_table_has_one_row_per_node(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    result = evalrules.score(seed, national)
    markdown = result_markdown(result)
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + sum(1 for _ in result.walk())


def test_ruleset_text_shows_methods_and_provenance(national: evalrules.Ruleset) -> None:
    text = ruleset_text(national)
    assert "财预〔2020〕10号" in text and "预算执行率  5 分  execution_rate [unverified]" in text
    assert "项目效益  20 分  由项目绩效指标填充（无指标时：报错） [verified]" in text


def test_markdown_says_how_a_total_was_rescaled(self_eval: evalrules.Ruleset) -> None:
    project = evalrules.load_project(Path(__file__).parent / "forms" / "na_benefit_blank.toml")
    markdown = result_markdown(evalrules.score(project, self_eval))
    assert "- 折算：效益指标 不适用；适用分值 70 分，得分合计 70 分，按 100 分折算为 100 分" in markdown


def test_markdown_cell_keeps_a_name_in_its_cell() -> None:
    # Issue 23 (7): shared by `score --format markdown` and the Markdown report's tables.
    from evalrules.io.render import markdown_cell

    cell = markdown_cell("产出|伪造| 1 |\n<script>x</script> & a\\")
    assert cell == "产出\\|伪造\\| 1 \\| &lt;script&gt;x&lt;/script&gt; &amp; a\\\\"
    assert "\n" not in cell and "<" not in cell


def test_markdown_escapes_indicator_names(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    from attrs import evolve

    result = evalrules.score(seed, national)
    first = result.nodes[0]
    evil = evolve(first, path=("决策|伪造| 1 |\n<script>",), children=())
    markdown = result_markdown(evolve(result, nodes=(evil, *result.nodes[1:])))
    row = next(line for line in markdown.splitlines() if line.startswith("| 决策"))
    assert row.startswith("| 决策\\|伪造\\| 1 \\| &lt;script&gt; | 1 |")
    assert "<script>" not in markdown


def test_ruleset_text_cites_the_document_as_reports_do(national: evalrules.Ruleset) -> None:
    assert "依据：《项目支出绩效评价管理办法》（财预〔2020〕10号）；发布：财政部" in ruleset_text(national)
