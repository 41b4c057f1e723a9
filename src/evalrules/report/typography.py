"""How the Word report looks: fonts, sizes, page and margins, as a frozen value chosen by name.

``公文`` (the default) follows the habits of 党政机关公文格式 (GB/T 9704-2012): A4, 天头 37 mm,
订口 28 mm, 版心 156 × 225 mm (so 下 35 mm, 右 26 mm), title 方正小标宋简体 二号, body 仿宋_GB2312 三号
on a fixed 28-point line, 一级标题 黑体, 二级标题 楷体_GB2312, 三级标题 仿宋 bold, page numbers
"— 1 —" in 宋体 四号. ``简洁`` uses only the fonts every Chinese Windows installs (宋体, 黑体, 楷体, 仿宋)
at 四号. Font names are what Word on Windows knows; a font Word lacks falls back to FALLBACKS.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from attrs import frozen

from ..base.errors import LoadError, Problem, suggest

SIZES: Mapping[str, int] = {
    "初号": 84,
    "小初": 72,
    "一号": 52,
    "小一": 48,
    "二号": 44,
    "小二": 36,
    "三号": 32,
    "小三": 30,
    "四号": 28,
    "小四": 24,
    "五号": 21,
    "小五": 18,
}
"""Chinese type sizes (字号) in half-points, Word's own unit (三号 = 16 pt = 32)."""

FALLBACKS: Mapping[str, str] = {
    "方正小标宋简体": "宋体",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
}
"""The font Word uses when the first is not installed (written as w:altName in the font table):
方正小标宋简体 is not part of Windows, and Windows 7 and later ship 仿宋 and 楷体 instead of the
_GB2312 faces of Windows XP."""


def _size(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in SIZES:
        raise ValueError(f"{attribute.name} = {value!r}：不是字号（{'、'.join(SIZES)}）")


@frozen
class Typography:
    """Fonts (East Asian names, as Word on Windows lists them), sizes (字号) and the page."""

    name: str
    title_font: str
    body_font: str
    heading_fonts: tuple[str, str, str]
    """一级、二级、三级标题 (chapter, （一） section, 1. item)."""
    title_size: str = attrs.field(default="二号", validator=_size)
    body_size: str = attrs.field(default="三号", validator=_size)
    table_size: str = attrs.field(default="五号", validator=_size)
    page_number_size: str = attrs.field(default="四号", validator=_size)
    title_bold: bool = False
    heading_bold: tuple[bool, bool, bool] = (False, False, True)
    line_pitch: int | None = 28
    """Fixed line spacing in points (公文: 固定值 28 磅, 22 lines to the 225 mm 版心), or None for
    1.5 lines."""
    latin_font: str = "Times New Roman"
    table_font: str = ""
    """Font of the tables; the body font when empty."""
    page_number_font: str = "宋体"
    margins_mm: tuple[int, int, int, int] = (37, 35, 28, 26)
    """上、下、左、右 page margins in millimetres (GB/T 9704: 天头 37, 订口 28, 版心 156 × 225)."""

    @property
    def fonts(self) -> tuple[str, ...]:
        """Every East Asian font the document names, in order of first use."""
        names = (self.title_font, self.body_font, *self.heading_fonts, self.table_font, self.page_number_font)
        return tuple(dict.fromkeys(name for name in names if name))

    def points(self, size: str) -> int:
        """A 字号 in half-points."""
        return SIZES[size]


GONGWEN = Typography(
    name="公文",
    title_font="方正小标宋简体",
    body_font="仿宋_GB2312",
    heading_fonts=("黑体", "楷体_GB2312", "仿宋_GB2312"),
)
PLAIN = Typography(
    name="简洁",
    title_font="宋体",
    body_font="仿宋",
    heading_fonts=("黑体", "楷体", "仿宋"),
    title_bold=True,
    body_size="四号",
    line_pitch=None,
)
STYLES: Mapping[str, Typography] = {style.name: style for style in (GONGWEN, PLAIN)}
"""The styles `evalrules report --style` offers."""
BODY_SIZES = ("三号", "四号", "小四")
"""The body sizes `evalrules report --body-size` offers."""


def typography(style: str = "公文", body_size: str | None = None) -> Typography:
    """The named style, with its body size changed when one is given (E-REPORT-STYLE when unknown)."""
    chosen = STYLES.get(style)
    if chosen is None:
        raise LoadError(
            [
                Problem(
                    "E-REPORT-STYLE",
                    f"没有名为 “{style}” 的报告样式",
                    where="--style",
                    expected="、".join(STYLES),
                    suggestion=suggest(style, STYLES),
                )
            ]
        )
    if body_size is not None and body_size not in SIZES:
        raise LoadError(
            [
                Problem(
                    "E-REPORT-STYLE",
                    f"“{body_size}” 不是字号",
                    where="--body-size",
                    expected="、".join(BODY_SIZES),
                    suggestion=suggest(body_size, SIZES),
                )
            ]
        )
    return chosen if body_size is None else attrs.evolve(chosen, body_size=body_size)


CSS_FAMILIES: Mapping[str, tuple[str, ...]] = {
    "方正小标宋简体": (
        "方正小标宋简体",
        "FZXiaoBiaoSong-B05S",
        "宋体",
        "SimSun",
        "STSong",
        "Noto Serif CJK SC",
    ),
    "仿宋_GB2312": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "仿宋": ("仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "楷体_GB2312": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
    "楷体": ("楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
    "黑体": ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC"),
    "宋体": ("宋体", "SimSun", "STSong", "Noto Serif CJK SC"),
}
"""What a browser is asked for in place of a Word font: its Windows, macOS and Linux names."""


def css_family(font: str) -> str:
    """A CSS font-family list for a font of the typography (names reduced to letters, digits,
    spaces, _ and -, so that a font name cannot break out of the style sheet)."""
    names = CSS_FAMILIES.get(font, (font,))
    safe = ("".join(ch for ch in name if ch.isalnum() or ch in " _-").strip() for name in names)
    generic = "sans-serif" if font == "黑体" else "serif"
    return ", ".join([*(f'"{name}"' for name in safe if name), generic])
