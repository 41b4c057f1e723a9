"""复核检查：申报的等级与一票否决。

- ``XJ-VETO-CLAIM``（error）：规则集开启了一票否决、项目标记了否决事项，申报的等级却好于 ``veto_grade``；
- ``XJ-VETO-OFF``（info）：新疆规则集没有开启一票否决，项目却标记了否决事项，提示复核人员等级未因此调整。

由 :func:`evalrules_xinjiang.register_checks` 通过钩子 ``register_checks`` 登记。开关的读法与
:func:`evalrules_xinjiang.adjust_result` 相同（:func:`evalrules_xinjiang.veto_settings`）。
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from attrs import frozen
from evalrules.plugin import AuditContext, Document, Finding, Place, Ruleset, Severity

from . import DOCUMENT, RULESET_ID, UNVERIFIED, triggered_flags, veto_settings

__all__ = ["VetoClaim", "VetoOff", "better_grade", "flag_line", "is_xinjiang"]


def is_xinjiang(ruleset: Ruleset) -> bool:
    """规则集是 ``xinjiang_2018_189``，或（直接、间接）继承了它。"""
    return ruleset.info.id == RULESET_ID or RULESET_ID in ruleset.info.derived_from


def better_grade(ruleset: Ruleset, grade: str, than: str) -> bool | None:
    """等级 grade 是否好于 than（按规则集等级区间的下限比较）；任一不是规则集的等级时为 None。"""
    lows = {band.name: band.low for band in ruleset.grades}
    if grade not in lows or than not in lows:
        return None
    return lows[grade] > lows[than]


def flag_line(file: str, name: str) -> int | None:
    """项目文件 ``[flags]`` 中该标记所在的行（找不到该行时为 [flags] 表头的行）；读不到文件时为 None。

    检查只拿到 :class:`~evalrules.Project`，其中标记没有位置，所以这里重读文件找行号。
    """
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    document = Document(file, text, {})
    return document.line_after(document.line_of("flags"), name)


def _cited(found: list[tuple[str, str]]) -> str:
    return "、".join(f"“{name}”（{text}）" if text else f"“{name}”" for name, text in found)


_BASIS = (
    f"依据未核实：{UNVERIFIED}；一票否决常见于地方规则，但没有找到权威文本（RULES.md §5），"
    "所以插件把它做成规则集开关 veto，缺省关闭，由评价方案自行开启。"
)


@frozen
class VetoClaim:
    """申报的等级好于一票否决后的等级：申报忽略了一票否决。"""

    code: str = "XJ-VETO-CLAIM"
    severity: Severity = "error"
    title: str = "申报等级忽略了一票否决"
    doc: str = (
        "规则集开启了一票否决（[options] veto = true，开关的读法与插件的结果调整 adjust_result 相同，"
        "缺省值照填），项目 [flags] 中 veto_flags 列出的任一标记为 true 或一段说明，而 [claims] 申报的等级"
        "好于 veto_grade（按规则集等级区间的高低比较）时报告，位置是 [claims] grade，申报值为申报的等级，"
        "复算值为 veto_grade。级别定为 error：规则集既然开启了否决，否决后的等级就是评价结论，"
        "申报更好的等级是结论错误，不是疏漏。"
        "不报告：没有申报等级；申报的等级不是规则集的等级，或 veto_grade 不是（前者由等级比对报告，"
        "后者在复算时即报 E-PLUGIN-ADJUST）；申报的等级等于或低于 veto_grade。"
        "复算的等级已按否决调整，所以等级比对也会报告同一处不一致；本检查另外指明原因是一票否决。"
        "对任何开启了 veto 的规则集都运行（开关由本插件登记，不限于新疆规则集）。" + _BASIS
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        enabled, names, grade = veto_settings(context.ruleset.options)
        claimed = context.project.claims.grade
        if not enabled or claimed is None:
            return
        found = triggered_flags(context.project.flags, names)
        if not found or not better_grade(context.ruleset, claimed.strip(), grade):
            return
        project = context.project
        yield Finding(
            self.code,
            self.severity,
            f"申报等级“{claimed.strip()}”，但项目标记了{_cited(found)}，规则集 {context.ruleset.info.id} "
            f"开启了一票否决（veto = true），等级应为“{grade}”：申报忽略了一票否决"
            f"（此规则未经核实，{UNVERIFIED}）",
            claimed=claimed.strip(),
            computed=grade,
            place=project.claims.places.get("grade", Place(project.file, "[claims] grade")),
        )


@frozen
class VetoOff:
    """新疆规则集没有开启一票否决，项目却标记了否决事项：等级未因此调整。"""

    code: str = "XJ-VETO-OFF"
    severity: Severity = "info"
    title: str = "标记了否决事项，但一票否决未开启"
    doc: str = (
        f"只对新疆的规则集（{RULESET_ID} 及继承它的规则集）运行："
        "规则集没有开启一票否决（veto 为 false 或没有写），"
        "而项目 [flags] 中 veto_flags（缺省 违规违纪）列出的标记为 true 或一段说明时，每个标记报告一条提示，"
        "位置是该标记。级别定为 info，不是 warning：不开启是规则集的明确选择（缺省关闭），等级按规则集"
        "计算并无错误；但项目记载了违规违纪一类的事实而等级不受影响，复核人员应当知道这是规则集的选择，"
        f"而不是遗漏——{DOCUMENT} 是否规定一票否决，原文未取得，无法判断。"
        "其他规则集（如全国的 caiyu_2020_10）没有一票否决这一规则，本插件不对它们提示。" + _BASIS
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        enabled, names, _ = veto_settings(context.ruleset.options)
        if enabled or not is_xinjiang(context.ruleset):
            return
        project = context.project
        for name, text in triggered_flags(project.flags, names):
            yield Finding(
                self.code,
                self.severity,
                f"项目标记了{_cited([(name, text)])}，但规则集 {context.ruleset.info.id} 没有开启一票否决"
                f"（未写 [options] veto = true），等级未因此调整；"
                f"一票否决是否适用由评价方案决定（{UNVERIFIED}）",
                place=Place(project.file, f"[flags] {name}", flag_line(project.file, name)),
            )
