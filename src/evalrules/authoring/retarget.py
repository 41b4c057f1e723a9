"""One project under the other national ruleset: ``evalrules convert 项目.toml --to caiyu_2020_10``.

单位自评 (caiyu_2020_10_self, 附件1) and 部门评价 (caiyu_2020_10, 附件2) name the places of a
project's targets differently (产出指标/数量指标 and 产出/产出数量). :func:`retarget` moves every
target to the other ruleset's place (:data:`SELF_TO_DEPARTMENT`), leaves out what does not carry
over (the targets' weights, which the other tree splits differently; claimed scores and counts,
whose paths are the old tree's; assessments, which a 单位自评 has none of) and, for a 部门评价,
adds what it needs and the 自评 does not give: each framework assessment and the 到位资金, as the
placeholder ``evalrules new`` writes (E-TODO until filled in).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from attrs import frozen

from ..base.errors import LoadError, Problem
from ..io.placeholders import PLACEHOLDER
from ..io.project_export import data_to_toml, project_to_data
from ..model.project import Project
from ..model.ruleset import Ruleset
from .skeleton import needs

SELF, DEPARTMENT = "caiyu_2020_10_self", "caiyu_2020_10"
SELF_TO_DEPARTMENT = {
    "产出指标/数量指标": "产出/产出数量",
    "产出指标/质量指标": "产出/产出质量",
    "产出指标/时效指标": "产出/产出时效",
    "产出指标/成本指标": "产出/产出成本",
    "效益指标/经济效益指标": "效益/项目效益/经济效益",
    "效益指标/社会效益指标": "效益/项目效益/社会效益",
    "效益指标/生态效益指标": "效益/项目效益/生态效益",
    "效益指标/可持续影响指标": "效益/项目效益/可持续影响",
    "满意度指标/服务对象满意度指标": "效益/项目效益/服务对象满意度",
}
"""Where a 单位自评 target goes in a 部门评价 (docs/project-format.md has the same table)."""
MAPPINGS = {
    (SELF, DEPARTMENT): SELF_TO_DEPARTMENT,
    (DEPARTMENT, SELF): {department: own for own, department in SELF_TO_DEPARTMENT.items()},
}


@frozen
class Retargeted:
    """The project file's text under the other ruleset, and what was changed on the way."""

    text: str
    moved: int
    left_out: tuple[str, ...]
    to_fill: int


def retarget(project: Project, source: str, target: Ruleset) -> Retargeted:
    """The project (scored under ruleset id ``source``) as a project file for ``target``."""
    mapping = MAPPINGS.get((source, target.info.id))
    if mapping is None:
        pairs = "、".join(f"{a} → {b}" for a, b in MAPPINGS)
        raise LoadError(
            [
                Problem(
                    "E-CONVERT-TO",
                    f"不能把按 {source} 的项目转为 {target.info.id}",
                    file=project.file,
                    where="--to",
                    expected=pairs,
                )
            ]
        )
    data = project_to_data(project)
    data["project"]["ruleset"] = target.info.id
    problems, left_out = [], []
    for index, entry in enumerate(data.get("targets", [])):
        place = project.targets[index].place
        moved = mapping.get(entry["slot"])
        if moved is None:
            problems.append(
                Problem(
                    "E-CONVERT-TO",
                    f"绩效指标的位置 “{entry['slot']}” 在 {target.info.id} 中没有对应的位置",
                    file=place.file,
                    where=place.where,
                    line=place.line,
                    expected="、".join(mapping),
                )
            )
            continue
        entry["slot"] = moved
        if entry.pop("weight", None) is not None and "绩效指标的分值 weight" not in left_out:
            left_out.append("绩效指标的分值 weight")
    if problems:
        raise LoadError(problems)
    for key, what in (("weights", "[weights]"), ("assessments", "[[assessments]]")):
        if data.pop(key, None):
            left_out.append(what)
    claims: dict[str, Any] = data.get("claims", {})
    for key in ("total", "grade", "scores", "counts"):
        if claims.pop(key, None) is not None:
            left_out.append(f"[claims] {key}")
    if "claims" in data and not claims:
        del data["claims"]
    found = needs(target)
    budget = data.setdefault("budget", {})
    missing = [name for name in found.budget if name not in budget]
    for name in missing:
        budget[name] = PLACEHOLDER
    text = data_to_toml(data)
    if found.assessments:  # as [[assessments]] tables, the way evalrules new writes them
        text += (
            "\n# ---------------------------------------------------------------- 评价组的评价（待填写）\n"
        )
        text += "".join(
            f'\n[[assessments]]\npath = "{item.path}"  # {item.weight} 分，{item.method}\n'
            f'{item.key} = "{PLACEHOLDER}"  # {item.hint}\n'
            for item in found.assessments
        )
    slots = [entry["slot"] for entry in data.get("targets", [])]
    empty = [
        place.path
        for place in found.places
        if place.when_empty == "报错" and not any(f"{slot}/".startswith(f"{place.path}/") for slot in slots)
    ]
    text += "".join(
        f"\n# 原项目在 “{path}” 下没有绩效指标：补上 [[targets]]，或如下标为不适用并写明原因\n"
        f'[[assessments]]\npath = "{path}"\nna = true\nreason = "{PLACEHOLDER}"\n'
        for path in empty
    )
    to_fill = len(missing) + len(found.assessments) + len(empty)
    return Retargeted(text, len(project.targets), tuple(left_out), to_fill)


def convert_to(source: Path, output: Path, ruleset_id: str, *, force: bool = False) -> str:
    """``evalrules convert 项目.toml --to ID -o 新项目.toml``: write the retargeted project file."""
    from ..io.loading import load_ruleset
    from ..io.outputs import exists, write_atomic
    from ..io.project_input import load_project

    if output.suffix.lower() != ".toml":
        raise LoadError([Problem("E-CONVERT-TO", "-o 应为 .toml 文件", where="-o", found=str(output))])
    if exists(output) and not force:
        raise LoadError(
            [Problem("E-OUTPUT", "输出文件已存在，没有覆盖", file=str(output), suggestion="换一个文件名")]
        )
    project = load_project(source)
    if project.ruleset is None:
        raise LoadError(
            [
                Problem(
                    "E-RULESET-MISSING", "项目文件没有写 ruleset，不知道从哪个规则集转换", file=project.file
                )
            ]
        )
    done = retarget(project, project.ruleset, load_ruleset(ruleset_id))
    write_atomic(output, done.text.encode("utf-8"))
    parts = [f"已写出 {output}（{project.name}，按 {ruleset_id}：{done.moved} 个绩效指标换到对应的位置"]
    if done.left_out:
        parts.append(f"；未带过去：{'、'.join(done.left_out)}")
    if done.to_fill:
        parts.append(f"；还有 {done.to_fill} 处 “{PLACEHOLDER}” 要填写，evalrules validate {output} 逐个列出")
    return "".join(parts) + "）\n"
