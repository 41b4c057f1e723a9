"""evalrules 插件：新疆 新财预〔2018〕189号《自治区财政支出绩效评价管理暂行办法》。

登记三样东西：

- 规则集 ``xinjiang_2018_189``：沿用国家规则集 ``caiyu_2020_10``，原文未取得，全部参数标为未核实；
- 一票否决（``adjust_result``）：规则集 ``[options]`` 中 ``veto = true`` 时，项目 ``[flags]`` 中
  ``veto_flags`` 列出的任一标记为 true 或非空说明，等级即定为 ``veto_grade``（缺省“差”）。
  缺省关闭；没有开启它的规则集不受任何影响；
- 复核检查（``register_checks``，:mod:`evalrules_xinjiang.checks`）：``XJ-VETO-CLAIM``（error，申报的等级
  忽略了一票否决）和 ``XJ-VETO-OFF``（info，新疆规则集未开启一票否决而项目标记了否决事项）。

The Xinjiang ruleset (every parameter unverified: the original text was not obtained) and an
optional one-vote veto applied through the ``adjust_result`` hook, off unless a ruleset's
``[options]`` sets ``veto = true``; two review checks (``register_checks``) compare a submission's
claimed grade with the veto.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from evalrules.plugin import (
    Adjustment,
    AuditCheck,
    Project,
    ReportOutline,
    Result,
    Ruleset,
    RulesetOption,
    RulesetSource,
    hookimpl,
)

__all__ = [
    "DOCUMENT",
    "OUTLINE",
    "RULESET_ID",
    "adjust_result",
    "register_checks",
    "register_options",
    "register_report_outlines",
    "register_rulesets",
    "ruleset_path",
    "triggered_flags",
    "veto_settings",
]

__version__ = "0.1.0"

RULESET_ID = "xinjiang_2018_189"
DOCUMENT = "新财预〔2018〕189号"
UNVERIFIED = f"{DOCUMENT} 原文未核实"


def _check_veto(value: Any, ruleset: Ruleset) -> str | None:
    """With the veto on, its grade must be one of the ruleset's and some flag must trigger it:
    checked when the ruleset is loaded, not at every project scored."""
    if value is not True:
        return None
    _, names, grade = veto_settings(ruleset.options)
    grades = [band.name for band in ruleset.grades]
    if grade not in grades:
        return f"veto_grade = “{grade}” 不是规则集的等级（{'、'.join(grades)}）"
    if not names:
        return "开启了一票否决（veto = true），但 veto_flags 为空：没有任何标记能触发它"
    return None


VETO = RulesetOption(
    name="veto",
    kind="bool",
    default=False,
    doc=(
        "一票否决开关（插件 evalrules-xinjiang）：true 时，项目 [flags] 中 veto_flags 列出的任一标记"
        "为 true 或非空说明，等级即定为 veto_grade，原因写入结果。缺省 false（关闭）。"
        f"依据未核实：{DOCUMENT} 原文未取得，一票否决也没有找到权威文本。"
    ),
    check=_check_veto,
)
VETO_FLAGS = RulesetOption(
    name="veto_flags",
    kind="texts",
    default=["违规违纪"],
    doc=(
        '触发一票否决的项目标记（项目文件 [flags] 表中的名称），缺省 ["违规违纪"]。'
        "标记为 true 或一段说明文字即触发；false 或没有写不触发。只在 veto = true 时起作用。"
    ),
)
VETO_GRADE = RulesetOption(
    name="veto_grade",
    kind="text",
    default="差",
    doc="一票否决后的等级，缺省“差”；必须是规则集 [[grades]] 中的等级名称。只在 veto = true 时起作用。",
)
OPTIONS = (VETO, VETO_FLAGS, VETO_GRADE)


def ruleset_path() -> Traversable:
    """The shipped TOML file: inside the installed package, in a wheel as in a source checkout."""
    return files(__name__) / "rulesets" / f"{RULESET_ID}.toml"


@hookimpl
def register_rulesets() -> list[RulesetSource]:
    return [RulesetSource.from_file(ruleset_path())]


@hookimpl
def register_options() -> list[RulesetOption]:
    return list(OPTIONS)


def veto_settings(options: Mapping[str, Any]) -> tuple[bool, tuple[str, ...], str]:
    """(veto, veto_flags, veto_grade) from a ruleset's options, defaults filled in: the loader
    keeps only the options a ruleset writes."""
    enabled = options.get(VETO.name, VETO.default)
    flags = options.get(VETO_FLAGS.name, VETO_FLAGS.default)
    grade = options.get(VETO_GRADE.name, VETO_GRADE.default)
    return enabled is True, tuple(str(flag) for flag in flags), str(grade)


def triggered_flags(flags: Mapping[str, bool | str], names: Sequence[str]) -> list[tuple[str, str]]:
    """The named flags that are set (true, or a non-empty description), with their description."""
    found = []
    for name in names:
        value = flags.get(name, False)
        if value is True:
            found.append((name, ""))
        elif isinstance(value, str) and value.strip():
            found.append((name, value.strip()))
    return found


@hookimpl
def adjust_result(result: Result, ruleset: Ruleset, project: Project) -> Adjustment | None:
    """一票否决：只对 ``[options] veto = true`` 的规则集起作用。"""
    if ruleset.options.get(VETO.name, VETO.default) is not True:
        return None  # checked first: this runs for every project of every ruleset
    _, names, grade = veto_settings(ruleset.options)  # checked when the ruleset was loaded (_check_veto)
    found = triggered_flags(project.flags, names)
    if not found:
        return None
    cited = "、".join(f"“{name}”（{text}）" if text else f"“{name}”" for name, text in found)
    reason = (
        f"一票否决：项目标记了{cited}（规则集 {ruleset.info.id} 开启了 veto；此规则未经核实，{UNVERIFIED}）"
    )
    return Adjustment(reason=reason, grade=grade)


@hookimpl
def register_checks() -> list[AuditCheck]:
    """复核检查 XJ-VETO-CLAIM 与 XJ-VETO-OFF（:mod:`evalrules_xinjiang.checks`）。"""
    from .checks import VetoClaim, VetoOff  # here, not at the top: checks imports from this module

    return [VetoClaim(), VetoOff()]


OUTLINE = ReportOutline(
    name="xinjiang",
    title="新疆预算绩效管理平台 项目支出绩效评价报告（八章）",
    chapters=(
        ("basics", "一、基本情况"),
        ("work", "二、绩效评价工作开展情况"),
        ("conclusion", "三、综合评价情况及评价结论"),
        ("analysis", "四、绩效评价指标分析"),
        ("deviation", "五、预算执行进度与绩效指标偏差"),
        ("lessons", "六、主要经验及做法、存在的问题及原因分析"),
        ("suggestions", "七、有关建议"),
        ("other", "八、其他需要说明的问题"),
        ("sheet", "附表1 评分表"),
        ("findings", "附表2 复核发现的问题"),
    ),
    rulesets=(RULESET_ID,),
    source=(
        "[V] 章节名与次序取自新疆平台导出的阿克陶县 2022 年工作经费项目绩效评价报告（seed）："
        "在附件3 的四、五两章之间加入“五、预算执行进度与绩效指标偏差”"
    ),
)
"""The platform's eight chapters, as the seed report (阿克陶县 2022) follows them."""


@hookimpl
def register_report_outlines() -> list[ReportOutline]:
    """报告提纲 ``xinjiang``：新疆平台的八章提纲，规则集 ``xinjiang_2018_189`` 的报告缺省采用。"""
    return [OUTLINE]
