"""The report renderers (Markdown, HTML) and the 得分率 chart, checked on the seed example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import evalrules
from evalrules.report import ReportContext, build_report, placeholder
from evalrules.report.chart import find_cjk_font, rate_chart_png
from evalrules.report.html import render_html
from evalrules.report.markdown import render_markdown

from .conftest import SEED

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SEED_STATEMENTS = [
    "保障职工人数（人）44人，与预期目标一致，根据评分标准，该指标不扣分，得2分。",
    "购买办公费批次",
    "受益群众满意度（%）95%，与预期目标一致",
    "经济效益：本项目无该指标。",
    "生态效益：本项目无该指标。",
]

needs_font = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)")


@pytest.fixture(scope="module")
def context() -> ReportContext:
    return build_report(evalrules.load_project(SEED), evalrules.load_ruleset("caiyu_2020_10"))


@pytest.fixture(scope="module")
def markdown(context: ReportContext, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("md") / "akto.md"
    render_markdown(context, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html(context: ReportContext, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("html") / "akto.html"
    render_html(context, path)
    return path.read_text(encoding="utf-8")


def chapter(text: str, start: str, end: str) -> str:
    """The text between two headings."""
    return text[text.index(start) : text.index(end, text.index(start))]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_outline_of_fujian3(fmt: str, request: pytest.FixtureRequest) -> None:
    text: str = request.getfixturevalue(fmt)
    headings = [
        "工作经费项目绩效评价报告",
        "一、基本情况",
        "二、绩效评价工作开展情况",
        "三、综合评价情况及评价结论",
        "四、绩效评价指标分析",
        "五、主要经验及做法、存在的问题及原因分析",
        "六、有关建议",
        "七、其他需要说明的问题",
        "附表1 评分表",
        "附表2 复核发现的问题",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_chapter_three_total_grade_and_subtotals(fmt: str, request: pytest.FixtureRequest) -> None:
    text: str = request.getfixturevalue(fmt)
    three = chapter(text, "三、综合评价情况及评价结论", "四、绩效评价指标分析")
    assert "本项目总得分为100分，绩效评级属于“优”" in three
    for name, points in [("决策", 20), ("过程", 20), ("产出", 40), ("效益", 20)]:
        assert f"{name}类指标得分{points}分" in three
        cells = r"\s*(?:\||</td><td class=\"num\">)\s*"
        assert re.search(rf"{name}{cells}{points}{cells}{points}{cells}100%", three), name
    assert "评级：优" in three


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_chapter_four_reproduces_the_seed_statements(fmt: str, request: pytest.FixtureRequest) -> None:
    text: str = request.getfixturevalue(fmt)
    four = chapter(text, "四、绩效评价指标分析", "五、主要经验及做法")
    for statement in SEED_STATEMENTS:
        assert statement in four
    assert "产出类指标由19个指标构成，权重分为40分，实际得分40分，得分率为100%。" in four
    assert "对于“产出数量”" in four  # statements grouped under their second-level names
    assert four.index("对于“产出数量”") < four.index("保障职工人数（人）44人") < four.index("对于“产出质量”")


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_texts_or_placeholders(fmt: str, request: pytest.FixtureRequest, context: ReportContext) -> None:
    text: str = request.getfixturevalue(fmt)
    background = context.texts["background"]
    assert background is not None and background in text
    assert placeholder("background") not in text
    for key in ["content", "process", "experience", "problems", "suggestions", "other"]:
        assert context.texts[key] is None
        assert placeholder(key) in text


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_findings_in_words(fmt: str, request: pytest.FixtureRequest, context: ReportContext) -> None:
    """The body has no audit codes or file:line references; 五（二） states the findings as problems
    and the 附表2 lists them with their codes for the reviewer."""
    text: str = request.getfixturevalue(fmt)
    body, annex = text[: text.index("附表1 评分表")], text[text.index("附表2 复核发现的问题") :]
    assert not re.search(r"\b[A-Z]{1,3}(?:-[A-Z0-9]+)+\b", body)
    assert not re.search(r"\.(?:toml|xlsx|csv):\d+|第\s*\d+\s*行", body)
    five = chapter(text, "五、主要经验及做法", "六、有关建议")
    assert five.count("复核发现：") == sum(f.severity in ("error", "warning") for f in context.findings)
    assert "A-FIGURE-CONFLICT" in annex and "A-COUNT" in annex and "A-NAME-DUPLICATE" in annex
    assert all(finding.code in annex for finding in context.findings)
    assert "复核未发现问题" not in annex


def test_markdown_score_table_has_a_row_per_node(markdown: str, context: ReportContext) -> None:
    table = markdown[markdown.index("## 附表1 评分表") : markdown.index("## 附表2")]
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert lines[0].startswith("| 一级指标 | 二级指标 | 三级指标 |")
    assert len(lines) == 2 + len(context.rows) + 1  # header, rule, one per node, 合计
    assert "| 保障职工人数 |  | 2 | =44人 | 44人 | 2 |" in table
    assert table.count("不适用") == 2  # 经济效益, 生态效益


def test_html_score_table_has_a_row_per_node(html: str, context: ReportContext) -> None:
    table = html[html.index("附表1 评分表") :]
    assert table.count('<tr class="level-') == len(context.rows)
    assert "<td>≥95%</td><td>95%</td>" in table


def test_markdown_chart_next_to_the_file(context: ReportContext, tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    render_markdown(context, path)
    text = path.read_text(encoding="utf-8")
    assert "](<report_chart.svg>)" in text  # <...>: a file name with spaces still links
    assert (tmp_path / "report_chart.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report.md",
        "report_chart.svg",
        "report_chart2.svg",
    ]


def test_html_inlines_an_svg_chart(html: str, context: ReportContext) -> None:
    assert "<img" not in html
    assert html.count("<svg ") == 2
    for name, _ in context.chart(1):
        assert f">{name}</text>" in html


def test_markdown_and_html_need_no_font(
    context: ReportContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 16 (6): the reader's browser draws the SVG's text; no font lookup, no matplotlib.
    from evalrules.report import chart

    def no_font() -> None:
        raise AssertionError("md/html must not look up a font")

    monkeypatch.setattr(chart, "find_cjk_font", no_font)
    render_markdown(context, tmp_path / "r.md")
    render_html(context, tmp_path / "r.html")
    svg = (tmp_path / "r_chart.svg").read_text(encoding="utf-8")
    assert "Microsoft YaHei" in svg and "Noto Sans CJK SC" in svg
    for name, _ in context.chart(1):
        assert f">{name}</text>" in svg


def test_html_escapes_project_text(tmp_path: Path) -> None:
    source = SEED.read_text(encoding="utf-8").replace(
        "[texts]\n", '[texts]\nother = "<script>alert(1)</script> & 其他"\n', 1
    )
    project = tmp_path / "escape.toml"
    project.write_text(source, encoding="utf-8")
    context = build_report(evalrules.load_project(project), evalrules.load_ruleset("caiyu_2020_10"))
    render_html(context, tmp_path / "escape.html")
    render_markdown(context, tmp_path / "escape.md")
    html = (tmp_path / "escape.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 其他" in html
    assert "<script>alert(1)</script> & 其他" in (tmp_path / "escape.md").read_text(encoding="utf-8")


def test_lost_points_say_expected_achieved_and_deducted(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    met = 'name = "保障职工人数"\noperator = "="\nvalue = 44\nunit = "人"\nactual = 44\n'
    assert met in seed
    source = seed.replace(met, met.replace("actual = 44", 'actual = 40\nreason = "4人调离"'), 1)
    project = tmp_path / "lost.toml"
    project.write_text(source, encoding="utf-8")
    context = build_report(evalrules.load_project(project), evalrules.load_ruleset("caiyu_2020_10"))
    row = next(row for row in context.rows if row.path == ("产出", "产出数量", "保障职工人数"))
    assert row.score is not None and row.score < row.weight
    lost = evalrules.base.numbers.fmt(row.weight - row.score)
    render_markdown(context, tmp_path / "lost.md")
    render_html(context, tmp_path / "lost.html")
    for name in ["lost.md", "lost.html"]:
        text = (tmp_path / name).read_text(encoding="utf-8")
        four = chapter(text, "四、绩效评价指标分析", "五、主要经验及做法")
        assert "保障职工人数（人）预期指标值=44人，实际完成40人，部分达成预期目标" in four
        assert f"扣{lost}分" in four
        assert "4人调离" in four
        assert "4人调离" in text[text.index("附表1 评分表") :]  # 偏差原因 column


def test_chart_is_a_png(context: ReportContext) -> None:
    if find_cjk_font() is None:
        pytest.skip("no CJK font installed")
    for level in (1, 2):
        png = rate_chart_png(context, level)
        assert png.startswith(PNG_SIGNATURE)
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert width >= 600 and height >= 200
        assert len(png) > 5000


@needs_font
def test_find_cjk_font_finds_the_installed_font() -> None:
    from matplotlib import font_manager

    font = find_cjk_font()
    assert font is not None
    assert any(entry.name == font for entry in font_manager.fontManager.ttflist)


def test_no_cjk_font_is_a_load_error(context: ReportContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from evalrules.report import chart

    monkeypatch.setattr(chart, "find_cjk_font", lambda: None)
    with pytest.raises(evalrules.base.errors.LoadError, match="fonts-noto-cjk"):
        chart.rate_chart_png(context)


@needs_font
def test_a_font_installed_after_matplotlibs_cache_was_built_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 16: matplotlib's cached font list predates `apt-get install fonts-noto-cjk`.
    from matplotlib import font_manager

    stale = [entry for entry in font_manager.fontManager.ttflist if "CJK" not in entry.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    monkeypatch.setattr(font_manager, "json_dump", lambda *_: None)  # leave the real cache alone
    font = find_cjk_font()
    assert font is not None and "CJK" in font


def test_the_font_message_ends_once() -> None:
    from evalrules.report import chart

    problem = evalrules.base.errors.Problem(
        "E-FONT", chart.NO_FONT_MESSAGE, suggestion="apt-get install fonts-noto-cjk"
    )
    assert "。。" not in problem.render() and "然后重新运行。apt-get" in problem.render()


EVIL = "决策|伪造| 100 |\n<script>alert(1)</script>&$\\frac{a$"


def _evil_context(context: ReportContext) -> ReportContext:
    """The seed with its first first-level indicator renamed to something hostile."""
    from attrs import evolve

    first = context.rows[0].path[0]
    rows = tuple(
        evolve(row, path=(EVIL, *row.path[1:])) if row.path[0] == first else row for row in context.rows
    )
    parts = tuple(evolve(part, name=EVIL) if part.name == first else part for part in context.parts)
    return evolve(context, rows=rows, parts=parts)


def test_names_cannot_forge_rows_or_inject_markup(context: ReportContext, tmp_path: Path) -> None:
    # Issue 23 (7): a | or a newline in a name would split a Markdown table row; <script> is HTML.
    evil = _evil_context(context)
    render_markdown(evil, tmp_path / "evil.md")
    render_html(evil, tmp_path / "evil.html")
    md = (tmp_path / "evil.md").read_text(encoding="utf-8")
    html = (tmp_path / "evil.html").read_text(encoding="utf-8")
    svg = (tmp_path / "evil_chart.svg").read_text(encoding="utf-8")
    assert "<script>" not in md and "<script>" not in html and "<script>" not in svg
    row = next(line for line in md.splitlines() if line.startswith("| 决策"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 5  # still four cells: no forged columns or rows
    assert "决策\\|伪造\\| 100 \\| &lt;script&gt;" in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;$\\frac{a$</text>" in svg


def test_markdown_refuses_to_overwrite_a_chart_it_did_not_write(
    context: ReportContext, tmp_path: Path
) -> None:
    mine = tmp_path / "r_chart.svg"
    mine.write_text("<svg>someone's drawing</svg>", encoding="utf-8")
    with pytest.raises(evalrules.base.errors.LoadError) as raised:
        render_markdown(context, tmp_path / "r.md")
    assert raised.value.problems[0].code == "E-OUTPUT"
    assert "r_chart.svg" in str(raised.value)
    assert mine.read_text(encoding="utf-8") == "<svg>someone's drawing</svg>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r_chart.svg"]  # nothing written


def test_markdown_overwrites_its_own_charts(context: ReportContext, tmp_path: Path) -> None:
    render_markdown(context, tmp_path / "r.md")
    (tmp_path / "r.md").unlink()
    render_markdown(context, tmp_path / "r.md")  # the charts of the last run are evalrules's own
    assert (tmp_path / "r.md").exists()


@needs_font
def test_png_chart_takes_names_as_plain_text_not_mathtext(context: ReportContext) -> None:
    # Issue 23 (9): "$\frac{a$" made matplotlib's mathtext parser raise in `report -o r.docx`.
    assert rate_chart_png(_evil_context(context), 1).startswith(PNG_SIGNATURE)


# ---------------------------------------------------------------------- title and citation (issue 22)

FORMS = Path(__file__).parent / "forms"
CITATION = "依据《项目支出绩效评价管理办法》（财预〔2020〕10号）"


def _books(text: str) -> set[str]:
    """Every title in 《》 a text cites."""
    return set(re.findall(r"《([^《》]+)》", text))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_measures_are_cited_by_their_title_never_by_the_rulesets(
    fmt: str, request: pytest.FixtureRequest, context: ReportContext
) -> None:
    text: str = request.getfixturevalue(fmt)
    assert CITATION in text
    assert context.basis in text
    assert f"《{context.ruleset_title}》" not in text
    work = chapter(text, "二、绩效评价工作开展情况", "绩效评价工作过程")  # the rest quotes the project
    assert _books(work) == {"项目支出绩效评价管理办法"}


def test_a_self_evaluation_is_a_self_report(self_eval: evalrules.Ruleset, tmp_path: Path) -> None:
    project = evalrules.load_project(FORMS / "audit_self_subsidy.toml")
    context = build_report(project, self_eval)
    assert context.title == "困难残疾人生活补贴项目绩效自评报告"
    assert context.citation == "《项目支出绩效评价管理办法》（财预〔2020〕10号）"
    render_markdown(context, tmp_path / "self.md")
    text = (tmp_path / "self.md").read_text(encoding="utf-8")
    assert text.startswith("# 困难残疾人生活补贴项目绩效自评报告\n")


def test_a_department_evaluation_is_an_evaluation_report(context: ReportContext) -> None:
    assert context.title == "工作经费项目绩效评价报告"


def test_a_name_ending_in_xiangmu_is_not_doubled(national: evalrules.Ruleset) -> None:
    from evalrules.report.context import report_title

    assert report_title("乡村道路建设项目", national) == "乡村道路建设项目绩效评价报告"


def test_a_ruleset_without_a_known_title_cites_only_what_is_known(
    sichuan: evalrules.Registry, tmp_path: Path
) -> None:
    text = (FORMS / "fmt_sichuan_cost_groups.toml").read_text(encoding="utf-8")
    path = tmp_path / "sichuan.toml"
    path.write_text(text.replace('服务对象满意度"', '服务对象满意度指标"'), encoding="utf-8")
    project = evalrules.load_project(path)
    context = build_report(project, evalrules.load_ruleset("sichuan_self", sichuan), sichuan)
    assert context.title.endswith("项目绩效自评报告")
    render_html(context, tmp_path / "sichuan.html")
    html = (tmp_path / "sichuan.html").read_text(encoding="utf-8")
    assert "本次评价依据四川省项目支出绩效自评表（文号未核实），" in html
    assert _books(html) == set()  # neither the national measures nor the ruleset's title


# ------------------------------------------------------------------ the HTML page and print (issue 22)


def test_html_score_sheet_fits_the_page(html: str, context: ReportContext) -> None:
    """No column is cut off: fixed columns that wrap, widths adding up to the table's width."""
    assert "table.scores { table-layout: fixed; width: 100%; }" in html
    assert "overflow-wrap: anywhere" in html
    assert "white-space: nowrap" not in html
    sheet = chapter(html, '<section class="sheet">', "</section>")
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', sheet)]
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", sheet)
    assert header is not None
    assert len(widths) == header.group(1).count("<th>") == 9  # 一级…四级, 分值 … 扣分原因
    assert 99.5 <= sum(widths) <= 100.5 and min(widths) > 4
    assert '<th colspan="4">合计</th>' in sheet


def test_html_prints_on_a4_with_the_sheet_on_landscape_pages(html: str) -> None:
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm;" in html  # 上 右 下 左 (GB/T 9704)
    assert 'content: "— " counter(page) " —"' in html
    assert "@page sheet { size: A4 landscape;" in html
    assert "section.sheet { page: sheet; break-before: page; }" in html
    assert "table.scores thead { display: table-header-group; }" in html  # header on every page


def test_html_asks_for_the_typographys_fonts_by_their_windows_names_first(html: str) -> None:
    assert 'body { font-family: "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong",' in html
    assert 'h1 { font-family: "方正小标宋简体",' in html
    assert 'h2 { font-family: "黑体", "SimHei",' in html
    assert 'h3 { font-family: "楷体_GB2312",' in html


def test_a_font_name_cannot_break_out_of_the_style_sheet(context: ReportContext, tmp_path: Path) -> None:
    import attrs

    from evalrules.report.typography import GONGWEN

    style = attrs.evolve(GONGWEN, body_font='x"; } body { display: none } </style><script>')
    render_html(context, tmp_path / "r.html", style)
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in text and "display: none" not in text
    assert 'font-family: "x  body  display none  stylescript", serif;' in text


def test_the_documented_citation_sentence_is_the_one_written(context: ReportContext) -> None:
    from .conftest import ROOT

    for page in ("report.md", "ruleset-format.md"):
        text = "".join((ROOT / "docs" / page).read_text(encoding="utf-8").splitlines())
        assert f"“{context.basis}”" in text, page


def test_no_name_can_inject_html_anywhere_in_the_markdown(tmp_path: Path) -> None:
    # issue 23 §7, found by review: the title line wrote the project's name as it was
    import attrs

    project = evalrules.load_project(SEED)
    project = attrs.evolve(project, name="甲<script>x</script>|乙&")
    context = build_report(project, evalrules.load_ruleset("caiyu_2020_10"))
    path = tmp_path / "r.md"
    render_markdown(context, path)
    text = path.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert text.splitlines()[0].startswith("# 甲&lt;script&gt;x&lt;/script&gt;|乙&amp;")


def test_the_sheet_lists_each_experts_score(tmp_path: Path) -> None:
    # issue 21 §2: the report's 附表 lists the panel's individual scores
    from evalrules.report.docx import render_docx

    forms = Path(__file__).parent / "forms"
    project = evalrules.load_project(forms / "evi_panel_2022.toml")
    context = build_report(project, evalrules.load_ruleset(project.ruleset or "caiyu_2020_10"))
    assert context.panels and all(expert for _, expert, _, _ in context.panels)
    render_markdown(context, tmp_path / "r.md")
    render_html(context, tmp_path / "r.html")
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    path, expert, _, _ = context.panels[0]
    assert "专家评议明细" in markdown and f"| {path} | {expert} |" in markdown
    assert "专家评议明细" in html and f"<td>{expert}</td>" in html
    pytest.importorskip("docx")
    render_docx(context, tmp_path / "r.docx")
    import docx

    paragraphs = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
    assert "专家评议明细：" in paragraphs and any(p.startswith(f"{path}：{expert}") for p in paragraphs)
