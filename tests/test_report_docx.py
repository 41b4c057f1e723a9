"""The Word report of the seed: reopened with python-docx, every chapter and the 附表 are there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import evalrules
from evalrules.report.context import ReportContext, build_report, placeholder

docx = pytest.importorskip("docx")
pytest.importorskip("matplotlib")

from evalrules.report.docx import BODY_FONT, HEADING_FONT, render_docx  # noqa: E402

CHAPTERS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、预算执行进度与绩效指标偏差",
    "六、主要经验及做法、存在的问题及原因分析",
    "七、有关建议",
    "八、其他需要说明的问题",
    "附表 评分表",
)


@pytest.fixture(scope="module")
def context(seed: evalrules.Project, national: evalrules.Ruleset) -> ReportContext:
    return build_report(seed, national)


@pytest.fixture(scope="module")
def document(context: ReportContext, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("docx") / "akto-2022.docx"
    render_docx(context, path)
    assert path.stat().st_size > 0
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    return docx.Document(str(path))


def _paragraphs(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def _section(document: Any, start: str, end: str) -> str:
    texts = _paragraphs(document)
    return "\n".join(texts[texts.index(start) : texts.index(end)])


def test_title_and_every_chapter_heading(document: Any, context: ReportContext) -> None:
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(CHAPTERS)
    assert document.paragraphs[0].text == context.title
    assert document.paragraphs[0].style.name == "Title"


def test_basic_facts_and_ruleset(document: Any, context: ReportContext) -> None:
    text = "\n".join(_paragraphs(document))
    assert f"项目名称：{context.project.name}" in text
    assert f"实施单位：{context.project.unit}" in text
    assert "评价年度：2022年度" in text
    assert "年初预算数192.05万元" in text
    assert context.ruleset_title in text
    assert context.ruleset_document in text and context.ruleset_document


def test_chapter_three_conclusion_and_table(document: Any, context: ReportContext) -> None:
    chapter = _section(document, CHAPTERS[2], CHAPTERS[3])
    assert context.conclusion in chapter
    assert "本项目总得分为100分" in chapter
    assert "“优”" in chapter
    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["一级指标", "分值", "得分", "得分率"]
    assert cells[1:-1] == [
        ["决策", "20", "20", "100%"],
        ["过程", "20", "20", "100%"],
        ["产出", "40", "40", "100%"],
        ["效益", "20", "20", "100%"],
    ]
    assert cells[-1][:3] == ["合计", "100", "100"]
    assert "优" in cells[-1][3]


def test_chart_picture_is_inline(document: Any) -> None:
    assert len(document.inline_shapes) == 1
    blip = document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    image = document.part.related_parts[blip.embed]
    assert image.blob.startswith(b"\x89PNG")


def test_chapter_four_statements(document: Any, context: ReportContext) -> None:
    chapter = _section(document, CHAPTERS[3], CHAPTERS[4])
    assert "保障职工人数（人）44人，与预期目标一致，根据评分标准，该指标不扣分，得2分。" in chapter
    assert "经济效益：本项目无该指标。" in chapter
    for part in context.parts:
        assert part.summary in chapter
    seconds = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert "产出数量（分值10分，得分10分）" in seconds
    for row in context.rows:
        if row.level > 2 and row.statement:
            assert row.statement in chapter


def test_findings_in_words(document: Any, context: ReportContext) -> None:
    chapter = _section(document, CHAPTERS[4], CHAPTERS[5])
    assert context.findings
    for finding in context.findings:
        assert finding.message in chapter
    assert "复核未发现问题" not in chapter


def test_placeholders_for_missing_texts(document: Any, context: ReportContext) -> None:
    text = "\n".join(_paragraphs(document))
    missing = [key for key, value in context.texts.items() if value is None]
    assert {"process", "experience", "problems", "suggestions", "other"} <= set(missing)
    for key in missing:
        assert placeholder(key) in text
    given = [key for key, value in context.texts.items() if value]
    for key in given:
        assert placeholder(key) not in text
        assert str(context.texts[key]).splitlines()[0].strip() in text


def test_score_sheet_has_every_node(document: Any, context: ReportContext) -> None:
    table = document.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "指标值",
        "实际完成值",
        "得分",
        "扣分原因/偏差原因",
    ]
    assert len(cells) == len(context.rows) + 1 == len(list(context.result.walk())) + 1
    assert ["产出", "产出数量", "保障职工人数", "2", "=44人", "44人", "2", ""] in cells
    assert ["效益", "项目效益", "经济效益", "0", "", "", "不适用", ""] in cells
    assert [
        "效益",
        "项目效益",
        "社会效益／提升员工办公效率",
        "5",
        "有效强化",
        "提升公共服务水平",
        "5",
        "",
    ] in cells


def test_east_asian_font_on_styles(document: Any) -> None:
    from docx.oxml.ns import qn

    for name, font in (
        ("Normal", BODY_FONT),
        ("Title", HEADING_FONT),
        ("Heading 1", HEADING_FONT),
        ("Heading 3", HEADING_FONT),
    ):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font
        assert fonts.get(qn("w:eastAsiaTheme")) is None


def test_review_without_findings_says_so(context: ReportContext, tmp_path: Path) -> None:
    from attrs import evolve

    clean = evolve(context, review=evolve(context.review, findings=()))
    path = tmp_path / "clean.docx"
    render_docx(clean, path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "复核未发现问题。" in text
