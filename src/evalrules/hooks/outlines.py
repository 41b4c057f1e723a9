"""Report outlines: which chapters a 绩效评价报告 has, in which order, under which headings.

The core outline is 财预〔2020〕10号 附件3 (:data:`FUJIAN3`); a plugin supplies another through the
``register_report_outlines`` hook (the Xinjiang platform's eight chapters, with 五、预算执行进度与
绩效指标偏差). A report takes the outline named with ``--outline``, else the one a plugin declares
for the project's ruleset, else 附件3. Only attrs here: the plugin registry imports this module.
"""

from __future__ import annotations

from pathlib import Path

from attrs import field, frozen

CHAPTER_KEYS = (
    "basics",
    "work",
    "conclusion",
    "analysis",
    "deviation",
    "lessons",
    "suggestions",
    "other",
    "sheet",
    "findings",
)
"""The chapters a renderer knows how to write; an outline picks some, orders and names them.
basics 基本情况, work 工作开展情况, conclusion 综合评价, analysis 指标分析, deviation 预算执行
进度与绩效指标偏差, lessons 经验、问题, suggestions 建议, other 其他, sheet 附表 评分表,
findings 附表 复核发现的问题 (the only place audit codes appear)."""


def _chapters(value: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    value = tuple((str(key), str(heading)) for key, heading in value)
    unknown = [key for key, _ in value if key not in CHAPTER_KEYS]
    if unknown:
        raise ValueError(f"提纲中有未知的章节 {unknown}，可用的章节：{'、'.join(CHAPTER_KEYS)}")
    return value


@frozen
class ReportOutline:
    """One outline: a name for ``--outline``, a Chinese title, its chapters as (key, heading)."""

    name: str
    title: str
    chapters: tuple[tuple[str, str], ...] = field(converter=_chapters)
    rulesets: tuple[str, ...] = ()
    """Rulesets whose reports take this outline unless ``--outline`` says otherwise."""
    source: str = ""
    """Where the outline comes from, with its provenance tag ([V] verified / [M] from memory)."""
    templates: Path | None = None
    """A folder whose report.md.j2 / report.html.j2 replace the core templates (optional)."""

    def heading(self, key: str) -> str:
        return dict(self.chapters).get(key, "")

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.chapters)


FUJIAN3 = ReportOutline(
    name="fujian3",
    title="财预〔2020〕10号 附件3 项目支出绩效评价报告（参考提纲）",
    chapters=(
        ("basics", "一、基本情况"),
        ("work", "二、绩效评价工作开展情况"),
        ("conclusion", "三、综合评价情况及评价结论"),
        ("analysis", "四、绩效评价指标分析"),
        ("lessons", "五、主要经验及做法、存在的问题及原因分析"),
        ("suggestions", "六、有关建议"),
        ("other", "七、其他需要说明的问题"),
        ("sheet", "附表1 评分表"),
        ("findings", "附表2 复核发现的问题"),
    ),
    source=(
        "[M] 财预〔2020〕10号 附件3 项目支出绩效评价报告（参考提纲）：章节名与次序凭记忆录入，"
        "与据此撰写的阿克陶县 2022 年报告（seed）的一、二、三、四及其小节一致；检索工具未找到附件3原文"
    ),
)
"""The core outline (财预〔2020〕10号 附件3), for every ruleset no plugin claims."""

SUBSECTIONS = {
    "basics": ("（一）项目概况", "（二）项目绩效目标"),
    "work": (
        "（一）绩效评价目的、对象和范围",
        "（二）绩效评价原则、评价指标体系、评价方法、评价标准",
        "（三）绩效评价工作过程",
    ),
    "conclusion": ("（一）综合评价情况", "（二）评价结论"),
    "lessons": ("（一）主要经验及做法", "（二）存在的问题及原因分析"),
}
"""附件3's sections under its chapters, the same in every outline that has the chapter. [M]"""


def choose_outline(
    outlines: dict[str, ReportOutline], ruleset_id: str, name: str | None = None
) -> ReportOutline:
    """The outline named (``--outline``), else the one declared for the ruleset, else 附件3.
    An unknown name is refused (E-OUTLINE) with the known names and a did-you-mean."""
    from ..base.errors import LoadError, Problem, known_list, suggest

    known = {FUJIAN3.name: FUJIAN3, **outlines}
    if name is not None:
        if name in known:
            return known[name]
        raise LoadError(
            [
                Problem(
                    "E-OUTLINE",
                    f"没有名为 “{name}” 的报告提纲",
                    where="--outline",
                    expected=known_list(known),
                    found=name,
                    suggestion=suggest(name, known),
                )
            ]
        )
    for outline in known.values():
        if ruleset_id in outline.rulesets:
            return outline
    return FUJIAN3
