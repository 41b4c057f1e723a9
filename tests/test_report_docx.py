"""The Word report of the seed: reopened with python-docx, every chapter and the 附表 are there,
and its XML has the 公文 typography, A4 pages, page numbers and a 评分表 as a real form prints it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

import evalrules
from evalrules.report.context import ReportContext, build_report, placeholder

docx = pytest.importorskip("docx")
pytest.importorskip("matplotlib")

from evalrules.report.docx import render_docx  # noqa: E402
from evalrules.report.typography import GONGWEN, PLAIN, typography  # noqa: E402

CHAPTERS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附表1 评分表",
    "附表2 复核发现的问题",
)


@pytest.fixture(scope="module")
def context(seed: evalrules.Project, national: evalrules.Ruleset) -> ReportContext:
    return build_report(seed, national)


@pytest.fixture(scope="module")
def written(context: ReportContext, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "akto-2022.docx"
    render_docx(context, path)
    assert path.stat().st_size > 0
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    return path


@pytest.fixture(scope="module")
def document(written: Path) -> Any:
    return docx.Document(str(written))


@pytest.fixture(scope="module")
def parts(written: Path) -> dict[str, str]:
    """Every XML part of the .docx as text."""
    with zipfile.ZipFile(written) as archive:
        return {
            name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
        }


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
    # issue 22: the measures by their title; the ruleset's title is never put in 《》
    assert "本次评价依据《项目支出绩效评价管理办法》（财预〔2020〕10号），" in text
    assert f"《{context.ruleset_title}》" not in text


def test_chapter_three_conclusion_and_table(document: Any, context: ReportContext) -> None:
    chapter = _section(document, CHAPTERS[2], CHAPTERS[3])
    assert context.conclusion in chapter
    assert "本项目总得分为100分" in chapter
    assert "“优”" in chapter
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "一级指标")
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


def test_both_charts_are_inline_pictures(document: Any) -> None:
    assert len(document.inline_shapes) == 2  # 一级 and 二级 得分率
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = document.part.related_parts[blip.embed]
        assert image.blob.startswith(b"\x89PNG")
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == ["图1 一级指标得分率", "图2 二级指标得分率"]
    pictures = [p for p in document.paragraphs if p._p.xpath(".//pic:pic")]
    assert all(p.style.name == "图片" for p in pictures)  # not the body's fixed line, which clips


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
    """Codes only in the 附表2; chapter 五 states the findings as problems, without codes."""
    text = "\n".join(_paragraphs(document))
    body, annex = text[: text.index(CHAPTERS[7])], text[text.index(CHAPTERS[8]) :]
    assert context.findings
    for finding in context.findings:
        assert finding.message in annex and finding.code in annex
    assert not re.search(r"\b[A-Z]{1,3}(?:-[A-Z0-9]+)+\b", body)
    five = _section(document, CHAPTERS[4], CHAPTERS[5])
    assert five.count("复核发现：") == sum(f.severity in ("error", "warning") for f in context.findings)


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


SHEET_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "四级指标",
    "分值",
    "指标值",
    "实际完成值",
    "得分",
    "扣分原因/偏差原因",
]


def test_score_sheet_has_every_node_its_subtotals_and_the_total(
    document: Any, context: ReportContext
) -> None:
    table = document.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == SHEET_HEADER  # the seed's tree reaches a fourth level under 社会效益
    assert len(cells) == len(context.rows) + 2 == len(list(context.result.walk())) + 2
    assert ["决策", "小计", "", "", "20", "", "", "20", ""] in cells
    assert ["产出", "产出数量", "小计", "", "10", "", "", "10", ""] in cells
    assert ["产出", "产出数量", "保障职工人数", "", "2", "=44人", "44人", "2", ""] in cells
    assert ["效益", "项目效益", "经济效益", "", "0", "", "", "不适用", ""] in cells
    assert ["效益", "项目效益", "社会效益", "小计", "5", "", "", "5", ""] in cells
    assert [
        "效益",
        "项目效益",
        "社会效益",
        "提升员工办公效率",
        "5",
        "有效强化",
        "提升公共服务水平",
        "5",
        "",
    ] in cells
    assert cells[-1] == ["合计"] * 4 + ["100", "", "", "100", "评级：优"]  # one cell across the levels
    assert table.rows[-1]._tr.tc_lst[0].grid_span == 4


def test_score_sheet_merges_shared_levels_down_the_column(document: Any, context: ReportContext) -> None:
    table = document.tables[-1]
    merges = [
        [tc.vMerge for tc in row._tr.tc_lst[:2]] for row in table.rows[1:-1]
    ]  # 一级, 二级 of every indicator row
    firsts = [merge[0] for merge in merges]
    # one restart per first-level indicator, every other row of it continues the merge
    assert firsts.count("restart") == len(context.parts)
    assert firsts.count("continue") == len(context.rows) - len(context.parts)
    seconds = [
        row
        for row in context.rows
        if row.level == 2 and any(r.path[:2] == row.path for r in context.rows if r.level > 2)
    ]
    assert [merge[1] for merge in merges].count("restart") == len(seconds)
    first_row = table.rows[1]._tr.tc_lst
    continued = table.rows[2]._tr.tc_lst
    assert "".join(first_row[0].xpath(".//w:t/text()")) == "决策"
    assert continued[0].xpath(".//w:t") == []  # the name is written once, in the merged cell


def test_score_sheet_header_repeats_on_every_page_and_rows_do_not_split(document: Any) -> None:
    from docx.oxml.ns import qn

    table = document.tables[-1]
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_score_sheet_fits_the_landscape_page(document: Any) -> None:
    from docx.shared import Cm

    section = document.sections[-1]
    assert (section.page_width, section.page_height) == (16838 * 635, 11906 * 635)
    text_width = section.page_width - section.left_margin - section.right_margin
    grid = document.tables[-1]._tbl.tblGrid
    assert sum(column.w for column in grid.gridCol_lst) <= text_width
    assert all(column.w >= Cm(1.2) for column in grid.gridCol_lst)


# ------------------------------------------------------------------------------ typography (issue 22)


def test_every_part_names_installed_windows_fonts_never_noto(parts: dict[str, str]) -> None:
    for name, xml in parts.items():
        assert "Noto" not in xml, name
    styles = parts["word/styles.xml"]
    for font in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"):
        assert f'w:eastAsia="{font}"' in styles
    assert "w:eastAsiaTheme" not in styles.split("</w:docDefaults>")[0]  # no theme font by default


def test_east_asian_fonts_and_sizes_of_the_styles(document: Any) -> None:
    from docx.oxml.ns import qn

    expected = {
        "Normal": ("仿宋_GB2312", 16),  # 三号
        "Title": ("方正小标宋简体", 22),  # 二号
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
        "Heading 3": ("仿宋_GB2312", 16),
        "表格文字": ("仿宋_GB2312", 10.5),  # 五号
    }
    for name, (font, size) in expected.items():
        style = document.styles[name]
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name
        assert fonts.get(qn("w:ascii")) == "Times New Roman", name
        assert style.font.size.pt == size, name
    assert document.styles["Heading 3"].font.bold is True
    assert document.styles["Heading 1"].font.bold is False


def test_fonts_word_may_lack_name_the_one_to_use_instead(parts: dict[str, str]) -> None:
    table = parts["word/fontTable.xml"]
    for font, alternative in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        entry = re.search(f'<w:font w:name="{font}">(.*?)</w:font>', table)
        assert entry is not None, font
        assert f'<w:altName w:val="{alternative}"/>' in entry.group(1)
        assert '<w:charset w:val="86"/>' in entry.group(1)


def test_headings_are_words_own_heading_styles_for_the_navigation_pane(document: Any) -> None:
    from docx.oxml.ns import qn

    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"]
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
    used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= used


def test_a4_pages_with_the_gongwen_margins(parts: dict[str, str], document: Any) -> None:
    sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', parts["word/document.xml"])
    assert sizes == [("11906", "16838"), ("16838", "11906")]  # the 附表 is landscape A4
    for section in document.sections:
        margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        assert [round(margin.mm, 1) for margin in margins] == [37, 35, 28, 26]  # 上 下 左 右, to a twip


def test_body_has_the_fixed_28_point_line_and_a_two_character_indent(parts: dict[str, str]) -> None:
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', parts["word/styles.xml"], re.S)
    assert normal is not None
    assert 'w:lineRule="exact"' in normal.group(0) and 'w:line="560"' in normal.group(0)
    assert 'w:firstLineChars="200"' in normal.group(0)


def test_page_numbers_are_a_page_field_in_the_footer(parts: dict[str, str], document: Any) -> None:
    footers = [xml for name, xml in parts.items() if name.startswith("word/footer")]
    assert len(footers) == 1  # the landscape 附表 runs on with the same footer
    assert '<w:instrText xml:space="preserve"> PAGE </w:instrText>' in footers[0]
    assert footers[0].count("w:fldCharType") == 3
    assert document.sections[0].footer.paragraphs[0].text == "— 1 —"
    assert all(section.footer.is_linked_to_previous for section in document.sections[1:])


def test_the_plain_style_uses_fonts_every_windows_has(context: ReportContext, tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    render_docx(context, path, typography("简洁"))
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    assert "_GB2312" not in styles and "方正" not in styles
    document = docx.Document(str(path))
    assert document.styles["Normal"].font.size.pt == 14  # 四号
    assert (
        document.styles["Title"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "宋体"
    )


def test_body_size_can_be_chosen(context: ReportContext, tmp_path: Path) -> None:
    path = tmp_path / "four.docx"
    render_docx(context, path, typography("公文", body_size="四号"))
    document = docx.Document(str(path))
    assert document.styles["Normal"].font.size.pt == 14
    assert document.styles["Heading 1"].font.size.pt == 14


def test_styles_are_frozen_values() -> None:
    import attrs

    assert GONGWEN.fonts == ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体")
    assert PLAIN.body_size == "四号"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        GONGWEN.body_size = "四号"  # type: ignore[misc]
    with pytest.raises(ValueError, match="不是字号"):
        attrs.evolve(GONGWEN, body_size="16pt")


def test_an_unknown_style_says_which_there_are() -> None:
    from evalrules.base.errors import LoadError

    with pytest.raises(LoadError) as caught:
        typography("公文格式")
    [problem] = caught.value.problems
    assert problem.code == "E-REPORT-STYLE" and problem.expected == "公文、简洁"
    assert problem.suggestion is not None and "公文" in problem.suggestion


def test_review_without_findings_says_so(context: ReportContext, tmp_path: Path) -> None:
    from attrs import evolve

    clean = evolve(context, review=evolve(context.review, findings=()))
    path = tmp_path / "clean.docx"
    render_docx(clean, path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "复核未发现问题。" in text


def test_the_total_row_keeps_to_the_row_above_it(document: Any) -> None:
    table = document.tables[-1]
    before_total = table.rows[-2]
    assert all(p.paragraph_format.keep_with_next for cell in before_total.cells for p in cell.paragraphs)


def test_a_self_evaluation_sheet_with_a_first_level_leaf(
    self_eval: evalrules.Ruleset, tmp_path: Path
) -> None:
    from .conftest import ROOT

    project = evalrules.load_project(ROOT / "tests" / "forms" / "audit_self_subsidy.toml")
    context = build_report(project, self_eval)
    path = tmp_path / "self.docx"
    render_docx(context, path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "困难残疾人生活补贴项目绩效自评报告"
    table = document.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][:3] == ["一级指标", "二级指标", "三级指标"] and len(cells[0]) == 8
    assert cells[1][:5] == ["预算执行率", "", "", "10", ""]  # a leaf of the first level: no 小计
    assert cells[1][6] == "8.62"
    assert ["产出指标", "小计", "", "50", "", "", "50", ""] in cells
    assert cells[-1][3:7] == ["100", "", "", "98.62"]
    # 预算执行率 is a row of its own: the merge of 一级 starts again with 产出指标
    assert table.rows[1]._tr.tc_lst[0].vMerge is None
    assert table.rows[2]._tr.tc_lst[0].vMerge == "restart"


@pytest.mark.parametrize("depth", [3, 4, 5, 8])
def test_sheet_columns_fill_the_page_and_keep_room_for_their_header(depth: int) -> None:
    from decimal import Decimal

    from evalrules.report.context import Row
    from evalrules.report.docx_tables import TEXT_WIDTH_CM, widths

    path = tuple(f"很长很长的第{level}级指标名称" for level in range(1, depth + 1))
    rows = [Row(path[:level], "indicator", Decimal(1), Decimal(1), "scored") for level in range(1, depth + 1)]
    columns = widths(rows)
    assert len(columns) == depth + 5
    assert TEXT_WIDTH_CM - 0.5 <= sum(columns) <= TEXT_WIDTH_CM
    assert min(columns[:depth]) >= min(1.9, 11.2 / depth) - 0.01


def test_only_the_same_indicator_is_merged_not_the_same_words() -> None:
    from decimal import Decimal

    from evalrules.report.context import Row
    from evalrules.report.docx_tables import merged_runs, sheet_cells

    def row(*path: str) -> Row:
        return Row(path, "indicator", Decimal(1), Decimal(1), "scored")

    rows = [row("产出"), row("产出", "数量"), row("产出", "数量", "人数"), row("效益"), row("效益", "数量")]
    # 一级: 产出 over rows 0-2 and 效益 over 3-4; 二级: 产出/数量 over 1-2 only, never with 效益/数量
    assert merged_runs(rows, 3) == [(0, 0, 2), (0, 3, 4), (1, 1, 2)]
    assert [line[:3] for line in sheet_cells(rows, 3)] == [
        ("产出", "小计", ""),
        ("产出", "数量", "小计"),
        ("产出", "数量", "人数"),
        ("效益", "小计", ""),
        ("效益", "数量", ""),
    ]


def test_chapters_and_sections_are_word_heading_styles(document: Any) -> None:
    """A navigation pane lists the outline: chapters are Heading 1, 附件3's sections Heading 2."""
    styles = {p.text: p.style.name for p in document.paragraphs if p.style is not None}
    assert all(styles[heading] == "Heading 1" for heading in CHAPTERS)
    for section in (
        "（一）项目概况",
        "（二）项目绩效目标",
        "（一）绩效评价目的、对象和范围",
        "（三）绩效评价工作过程",
    ):
        assert styles[section] == "Heading 2"


def test_libreoffice_renders_the_report_to_pdf(written: Path, tmp_path: Path) -> None:
    """The Word file opens in LibreOffice (when installed) and lays out on a plausible number of
    A4 pages: the seed's 33 indicators, the charts and the landscape 附表."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = (tmp_path / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(written)], check=True, capture_output=True, timeout=300
    )
    pdf = (tmp_path / written.with_suffix(".pdf").name).read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 8 <= pages <= 40, pages


def test_targets_table_in_chapter_one(document: Any, context: ReportContext) -> None:
    """一（二）: every target with its category, 指标值 and 实际完成值; the header repeats on each page."""
    from docx.oxml.ns import qn

    table = next(t for t in document.tables if t.rows[0].cells[0].text == "指标类别")
    targets = [row for row in context.rows if row.kind == "target"]
    assert len(table.rows) == 1 + len(targets)
    assert [c.text for c in table.rows[1].cells] == ["产出数量", "保障职工人数", "=44人", "44人"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
