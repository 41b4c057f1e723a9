"""What a project under a ruleset must say, and a commented project file that says it.

``evalrules new --ruleset ID`` writes :func:`skeleton_toml`: every slot and group path a target may
name, every framework indicator that needs an ``[[assessments]]`` entry (with its ``path`` filled
in), the budget figures the ruleset's methods read, one placeholder target per category. Every
value still to be given is the text :data:`PLACEHOLDER`; the project loader reports each one still
there (E-TODO, evalrules.io.placeholders), so the skeleton loads with one "fill this in" problem
per placeholder, and scores once they are filled. ``evalrules show`` lists the same paths
(:func:`paths_text`).
"""

from __future__ import annotations

from collections.abc import Iterator

from attrs import frozen

from ..base.errors import LoadError, Problem
from ..base.numbers import fmt
from ..default_plugins.budget_strategy import BudgetRate
from ..hooks.registry import Registry, default_registry
from ..io.placeholders import PLACEHOLDER
from ..model.project import BUDGET_FIELDS
from ..model.ruleset import Indicator, Ruleset

ASSESSMENT_KEYS = {
    "deduction": ("deductions", '无扣分写 []；扣分写 [{ reason = "扣分原因", points = 1 }]'),
    "checklist": ("checklist", "每个评价要点 true / false"),
    "manual": ("score", "评价组给的分数"),
    "qualitative": ("rating", "评价等级，如 达成年度指标"),
    "formula": ("values", "公式用到的数值，如 { 名称 = 1 }"),
    "step": ("values", "完成度公式用到的数值，如 { 名称 = 1 }"),
    "satisfaction_survey": ("values", "各满意等级的人数，如 { 非常满意 = 120, 满意 = 60 }"),
}
"""What an [[assessments]] entry gives for a framework indicator scored by each method."""


@frozen
class SlotPlace:
    """A slot a project's targets fill, with the groups under it (the paths to type)."""

    path: str
    weight: str
    when_empty: str
    groups: tuple[str, ...]


@frozen
class Assessed:
    """A framework indicator scored from an [[assessments]] entry."""

    path: str
    weight: str
    method: str
    key: str
    hint: str


@frozen
class Needs:
    """What a project must give under a ruleset."""

    places: tuple[SlotPlace, ...]
    assessments: tuple[Assessed, ...]
    budget: tuple[str, ...]
    methods: tuple[str, ...]


def needs(ruleset: Ruleset, registry: Registry | None = None) -> Needs:
    """The slots, assessments, budget figures and target methods of a ruleset."""
    registry = registry or default_registry()
    places: list[SlotPlace] = []
    assessed: list[Assessed] = []
    figures: list[str] = []
    for path, indicator in ruleset.walk():
        text = "/".join(path)
        if indicator.slot is not None:
            empty = "不适用" if indicator.slot.empty == "not_applicable" else "报错"
            groups = tuple(f"{text}/{group}" for group in indicator.slot.groups)
            places.append(SlotPlace(text, fmt(indicator.weight), empty, groups))
        elif not indicator.children and indicator.method is not None:
            name = indicator.method.strategy
            strategy = registry.strategies.get(name)
            if isinstance(strategy, BudgetRate):
                figures.extend(_figures(indicator, strategy))
                continue
            key, hint = ASSESSMENT_KEYS.get(name, ("score", f"按计分方法 {name} 评价（见 evalrules show）"))
            if name == "checklist" and isinstance(indicator.method.prepared, tuple):
                keys = ", ".join(f"{element.key} = true" for element in indicator.method.prepared)
                hint = f"{hint}，如 {{ {keys} }}"
            assessed.append(Assessed(text, fmt(indicator.weight), name, key, hint))
    budget = tuple(name for name in BUDGET_FIELDS if name in figures)
    return Needs(tuple(places), tuple(assessed), budget, ruleset.allowed_project_methods)


def _figures(indicator: Indicator, strategy: BudgetRate) -> Iterator[str]:
    params = indicator.method.params if indicator.method else {}
    yield str(params.get("numerator", strategy.numerator))
    yield str(params.get("denominator", strategy.denominator))


def target_places(place: SlotPlace) -> tuple[str, ...]:
    """Where the skeleton puts a placeholder target: each group of a slot, or the slot itself."""
    return place.groups or (place.path,)


def paths_text(ruleset: Ruleset, registry: Registry | None = None) -> str:
    """The paths to type in a project file, for ``evalrules show``."""
    found = needs(ruleset, registry)
    lines = ["", "项目文件中的写法（路径照此原样输入）："]
    lines.append("  [[targets]] slot =（绩效指标的位置）")
    for place in found.places:
        lines.append(f'    "{place.path}"  {place.weight} 分（无指标时：{place.when_empty}）')
        lines.extend(f'      "{group}"' for group in place.groups)
    if found.assessments:
        lines.append("  [[assessments]] path =（评价组逐项评价的指标）")
        lines.extend(
            f'    "{item.path}"  {item.weight} 分  {item.method}：写 {item.key}' for item in found.assessments
        )
    if found.budget:
        lines.append("  [budget] 用到的预算数：" + "、".join(found.budget))
    lines.append("  绩效指标可选的计分方法 method：" + "、".join(found.methods))
    return "\n".join(lines) + "\n"


def skeleton_toml(ruleset: Ruleset, reference: str, registry: Registry | None = None) -> str:
    """A commented project file for the ruleset (``reference`` is written as its ``ruleset``)."""
    found = needs(ruleset, registry)
    info = ruleset.info
    todo = f'"{PLACEHOLDER}"'
    lines = [
        f"# 项目文件：按规则集 {info.id}（{info.title}，{info.document}）评分",
        f"# 由 evalrules new 生成。把每个 {todo} 换成实际内容（数字不加引号）；",
        "# 不适用的指标不要删成空白：绩效指标写 na = true，评价项写 na = true，并写 reason 说明原因。",
        "# 每填完一部分可运行 evalrules validate 本文件，列出还没有填写的地方和其他问题。",
        "",
        "[project]",
        f"name = {todo}  # 项目名称",
        f"unit = {todo}  # 主管部门或单位",
        f"year = {todo}  # 年度，如 2024（不加引号）",
        f'ruleset = "{reference}"',
        "",
        "[texts]",
        '# implementer = "实施单位"  # 自评表的 实施单位（与主管部门不同时写）',
        "",
        "[budget]",
        'unit = "万元"',
    ]
    figures = found.budget or ("全年预算数", "执行数")
    lines.extend(f'"{name}" = {todo}' for name in figures)
    if found.assessments:
        lines += ["", "# ---------------------------------------------------------------- 评价组的评价"]
        for item in found.assessments:
            lines += [
                "",
                "[[assessments]]",
                f'path = "{item.path}"  # {item.weight} 分，{item.method}',
                f"{item.key} = {todo}  # {item.hint}",
            ]
    lines += [
        "",
        "# ---------------------------------------------------------------- 项目的绩效指标",
        "# 每个类别一个示例；同一类别有几个指标就复制几项，本项目没有的类别整项删去。",
        "# operator：>=、<=、= 或 定性；定性指标写 rating（评价等级），不写 unit。",
        "# 同一位置下的指标都不写 weight 时平均分配分值；要写就都写。",
    ]
    for place in found.places:
        empty = "，本项目没有时可删去" if place.when_empty == "不适用" else ""
        for slot in target_places(place):
            lines += [
                "",
                "[[targets]]",
                f'slot = "{slot}"  # {place.path} 共 {place.weight} 分{empty}',
                f"name = {todo}  # 三级指标名称",
                'operator = ">="',
                f"value = {todo}  # 年度指标值",
                'unit = ""  # 度量单位，如 % 人 万元',
                f"actual = {todo}  # 实际完成值",
                "# weight = 5  # 分值",
                '# reason = ""  # 未完成时的偏差原因',
            ]
    return "\n".join(lines) + "\n"


def is_self_evaluation(ruleset: Ruleset) -> bool:
    """Whether the ruleset is a 单位自评 one: the 附件1 自评表 is its form (RulesetInfo.mode)."""
    return "自评" in ruleset.info.mode


def refuse_self_form(ruleset: Ruleset, file: str | None = None) -> None:
    """E-REPORT-FORM unless the ruleset is a 单位自评 one: the 附件1 自评表 has no rows for the
    framework indicators of a 部门评价 (决策、过程 would read back as targets)."""
    if is_self_evaluation(ruleset):
        return
    info = ruleset.info
    raise LoadError(
        [
            Problem(
                "E-REPORT-FORM",
                f"附件1 项目支出绩效自评表用于单位自评，规则集 {info.id} 是{info.mode or '其他评价'}，"
                "不能写成自评表",
                file=file,
                where="--form self",
                suggestion="部门评价、财政评价的结果用 evalrules report 项目.toml -o 报告.docx"
                "（或 .md、.html）生成评价报告，或 evalrules batch 项目.toml -o 得分.xlsx 生成得分表；"
                "要写自评表，用单位自评的规则集（如 --ruleset caiyu_2020_10_self）",
            )
        ]
    )
