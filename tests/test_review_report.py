"""The 审核意见: conclusion and 修改意见 grouped by target."""

from __future__ import annotations

from pathlib import Path

import pytest

import evalrules
from evalrules.review.report import render_markdown, write_opinions

from .conftest import SEED


def test_opinion_has_conclusion_and_opinions_per_target() -> None:
    report = evalrules.review_targets(evalrules.load_project(SEED), evalrules.load_review_ruleset())
    text = render_markdown(report)
    assert text.startswith("# 工作经费 绩效目标审核意见\n")
    assert "- 审核结论：**修改后通过**（中）" in text
    section = text.split("### 产出/产出成本/水费缴费月数\n\n")[1].split("###")[0]
    assert section.startswith("1. 指标“水费缴费月数”的度量单位“万元”与名称不符")


def test_opinions_as_word(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    import docx

    report = evalrules.review_targets(evalrules.load_project(SEED), evalrules.load_review_ruleset())
    [path] = write_opinions(tmp_path, [report], ".docx")
    assert path.name == "工作经费审核意见.docx"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "审核结论：修改后通过（中）" in text and "水费缴费月数" in text


def test_two_projects_of_one_name_get_two_files(tmp_path: Path) -> None:
    report = evalrules.review_targets(evalrules.load_project(SEED), evalrules.load_review_ruleset())
    paths = write_opinions(tmp_path, [report, report], ".md")
    assert [p.name for p in paths] == ["工作经费审核意见.md", "工作经费-2审核意见.md"]
