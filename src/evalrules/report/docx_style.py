"""Dressing a python-docx Document in a Typography: styles, font table, A4 page, page numbers.

Every style names its fonts outright (w:ascii / w:hAnsi / w:eastAsia on w:rFonts) and the theme
fonts are removed, so Word on Windows shows the installed 仿宋 / 黑体 / 楷体 rather than a theme
font; the font table tells Word which font to use for one it lacks (w:altName, FALLBACKS).
Headings stay Word's built-in Heading 1/2/3 (outline levels 1–3): the navigation pane lists them.
"""

from __future__ import annotations

from typing import Any

from .typography import FALLBACKS, Typography

A4 = (11906, 16838)
"""A4 (210 × 297 mm) in twips, as Word writes it in w:pgSz."""
TABLE_STYLE = "表格文字"
"""The paragraph style of table cells: no indent, single line spacing, the table size."""
FIGURE_STYLE = "图片"
"""The paragraph style holding a chart: centred, single spacing (a fixed line would clip it)."""

_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_HEADINGS = ("Heading 1", "Heading 2", "Heading 3")


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as docx_qn

    return str(docx_qn(tag))


def sub_element(parent: Any, tag: str, **attributes: str) -> Any:
    """Append a new w: element with w: attributes (lxml's SubElement, through python-docx)."""
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    parent.append(element)
    return element


def set_fonts(rpr: Any, east_asian: str, latin: str) -> None:
    """Name the fonts of a w:rPr outright (a theme font would override the names set here)."""
    fonts = rpr.get_or_add_rFonts()
    for theme in _THEME_FONTS:
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def apply(document: Any, style: Typography) -> None:
    """Give the document the typography's styles, font table, page and page numbers."""
    _defaults(document, style)
    for each in document.styles:
        rpr = each.element.rPr
        if rpr is not None and rpr.rFonts is not None:  # every named font, none left to the theme
            set_fonts(rpr, style.body_font, style.latin_font)
    _normal(document, style)
    _title(document, style)
    for level, name in enumerate(_HEADINGS):
        _heading(document.styles[name], style, level)
        linked = document.styles.element.get_by_id(f"Heading{level + 1}Char")
        if linked is not None:  # the character style Word pairs with the heading: the same look
            set_fonts(linked.get_or_add_rPr(), style.heading_fonts[level], style.latin_font)
            _black(document.styles[linked.name_val])
    _table_style(document, style)
    _figure_style(document)
    _font_table(document, style)
    section = document.sections[0]
    page(section, style)
    _page_numbers(section, style)


def page(section: Any, style: Typography, *, landscape: bool = False) -> None:
    """A4 with the typography's margins (a landscape page turns the sheet, not the margins)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Twips

    width, height = A4
    if landscape:
        width, height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(width), Twips(height)
    top, bottom, left, right = style.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(15)
    # GB/T 9704 7.5: the page number's dash sits 7 mm below the 版心
    section.footer_distance = Mm(max(bottom - 7 - 5, 10))


def _defaults(document: Any, style: Typography) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.get_or_add_rFonts()
    for theme in _THEME_FONTS:
        fonts.attrib.pop(qn(theme), None)
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(key), style.latin_font)
    fonts.set(qn("w:eastAsia"), style.body_font)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _size(font: Any, half_points: int) -> None:
    from docx.shared import Pt

    font.size = Pt(half_points / 2)


def _black(style: Any) -> None:
    from docx.shared import RGBColor

    style.font.color.rgb = RGBColor(0, 0, 0)
    color = style.element.rPr.find(qn("w:color"))
    for key in ("w:themeColor", "w:themeShade", "w:themeTint"):
        color.attrib.pop(qn(key), None)


def _lines(paragraph_format: Any, style: Typography) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    if style.line_pitch is None:
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    else:
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph_format.line_spacing = Pt(style.line_pitch)


def _indent_two_characters(element: Any, half_points: int) -> None:
    """首行缩进 2 字符: w:firstLineChars (Word) and the same in twips (LibreOffice)."""
    ind = element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")
    ind.set(qn("w:firstLine"), str(half_points * 20))  # two characters of half_points / 2 pt


def _no_indent(element: Any) -> None:
    ind = element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")


def _normal(document: Any, style: Typography) -> None:
    from docx.shared import Pt

    normal = document.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), style.body_font, style.latin_font)
    _size(normal.font, style.points(style.body_size))
    paragraph = normal.paragraph_format
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(0)
    _lines(paragraph, style)
    _indent_two_characters(normal.element, style.points(style.body_size))


def _title(document: Any, style: Typography) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    title = document.styles["Title"]
    set_fonts(title.element.get_or_add_rPr(), style.title_font, style.latin_font)
    _size(title.font, style.points(style.title_size))
    title.font.bold = style.title_bold
    _black(title)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the template's blue rule under the title
        ppr.remove(border)
    for letter in title.element.rPr.findall(qn("w:spacing")):
        title.element.rPr.remove(letter)
    paragraph = title.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(style.line_pitch or 16)
    paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE  # a fixed line would clip the 二号 title
    _no_indent(title.element)


def _heading(heading: Any, style: Typography, level: int) -> None:
    from docx.shared import Pt

    set_fonts(heading.element.get_or_add_rPr(), style.heading_fonts[level], style.latin_font)
    _size(heading.font, style.points(style.body_size))
    heading.font.bold = style.heading_bold[level]
    heading.font.italic = False
    _black(heading)
    paragraph = heading.paragraph_format
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(0)
    paragraph.keep_with_next = True
    _lines(paragraph, style)
    _indent_two_characters(heading.element, style.points(style.body_size))  # 公文: 左空二字


def _table_style(document: Any, style: Typography) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    cell = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = document.styles["Normal"]
    set_fonts(cell.element.get_or_add_rPr(), style.table_font or style.body_font, style.latin_font)
    _size(cell.font, style.points(style.table_size))
    paragraph = cell.paragraph_format
    paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(0)
    _no_indent(cell.element)


def _figure_style(document: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING

    figure = document.styles.add_style(FIGURE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = document.styles["Normal"]
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_indent(figure.element)


def _font_table(document: Any, style: Typography) -> None:
    """List the fonts in word/fontTable.xml, with the font to use where one is missing."""
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import parse_xml

    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = parse_xml(part.blob)
    listed = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
    for name in style.fonts:
        if name in listed:
            continue
        font = sub_element(table, "w:font", name=name)
        alternative = FALLBACKS.get(name)
        if alternative:
            sub_element(font, "w:altName", val=alternative)
        sub_element(font, "w:charset", val="86")  # GB2312
        sub_element(font, "w:family", val="modern" if "黑" in name else "roman")
        sub_element(font, "w:pitch", val="variable")
    # the font table is a plain Part to python-docx: its bytes are replaced as a whole
    part._blob = serialize_part_xml(table)


def _page_numbers(section: Any, style: Typography) -> None:
    """ "— 1 —" centred in the footer: a PAGE field Word fills in on every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_indent(paragraph._p)

    def run(text: str = "") -> Any:
        added = paragraph.add_run(text)
        set_fonts(added._r.get_or_add_rPr(), style.page_number_font, style.page_number_font)
        _size(added.font, style.points(style.page_number_size))
        return added

    run("— ")
    sub_element(run()._r, "w:fldChar", fldCharType="begin")
    code = sub_element(run()._r, "w:instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = " PAGE "
    sub_element(run()._r, "w:fldChar", fldCharType="separate")
    run("1")  # shown until Word updates the field
    sub_element(run()._r, "w:fldChar", fldCharType="end")
    run(" —")
