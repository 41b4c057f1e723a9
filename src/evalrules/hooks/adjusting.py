"""Plugin adjustments of a finished result (一票否决, grade caps), and the ruleset options that
switch them on.

A plugin declares the options it reads (``register_options``) so that a ruleset's ``[options]``
table is checked like every other key, and implements ``adjust_result`` to return an
:class:`Adjustment`. The engine applies each adjustment in plugin order and records it, with the
plugin's name, in the result's reasons: no adjustment is ever silent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs
from attrs import frozen

from ..base.errors import Problem, ScoringError
from ..base.numbers import NumberProblem, fmt, parse_number
from ..model.project import Project
from ..model.result import Result
from ..model.ruleset import Ruleset

OptionKind = Literal["bool", "text", "number", "texts"]
OPTION_KINDS: dict[str, str] = {
    "bool": "true 或 false",
    "text": "文本",
    "number": "数字",
    "texts": "文本的列表",
}
"""The kinds an option may have, with how a ruleset writes each."""


def option_value(kind: str, value: Any) -> Any:
    """The value when it has the option's kind (numbers as Decimal), else None."""
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "text":
        return value if isinstance(value, str) else None
    if kind == "texts":
        return list(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else None
    try:
        return parse_number(value)
    except NumberProblem:
        return None


def check_option(option: RulesetOption) -> None:
    """A plugin's option must have a known kind and a default of that kind."""
    if option.kind not in OPTION_KINDS:
        raise ValueError(f"开关 {option.name} 的 kind “{option.kind}” 应为 {'、'.join(OPTION_KINDS)} 之一")
    if option_value(option.kind, option.default) is None:
        raise ValueError(f"开关 {option.name} 的缺省值 {option.default!r} 不是 {OPTION_KINDS[option.kind]}")


@frozen
class RulesetOption:
    """A switch a plugin reads from a ruleset's ``[options]`` table."""

    name: str
    kind: OptionKind
    default: Any
    doc: str
    check: Callable[[Any, Ruleset], str | None] | None = attrs.field(default=None, eq=False)
    """Run when a ruleset that writes this option is loaded, with the option's value and the
    ruleset: a message (in Chinese) when the value does not fit the ruleset (a grade it does
    not have, say), None when it does. The loader reports it as E-OPTION at ``[options] name``,
    so a wrong setting stops at ``validate``, not at the first project scored."""


@frozen
class Adjustment:
    """What a plugin changes in a finished result, and why (in Chinese, citing the rule)."""

    reason: str
    grade: str | None = None
    total: Decimal | None = None


@frozen
class AdjustmentRecord:
    """An applied adjustment, as the result keeps it."""

    plugin: str
    reason: str
    grade_before: str
    grade_after: str
    total_before: Decimal
    total_after: Decimal

    def to_dict(self) -> dict[str, Any]:
        from ..model.result import json_number

        return {
            "plugin": self.plugin,
            "reason": self.reason,
            "grade": {"before": self.grade_before, "after": self.grade_after},
            "total": {"before": json_number(self.total_before), "after": json_number(self.total_after)},
        }


Adjuster = tuple[str, Callable[..., Adjustment | None], Sequence[str]]
"""A plugin's name, its adjust_result implementation and the argument names it takes."""


def apply_adjustments(
    result: Result, ruleset: Ruleset, project: Project, adjusters: Sequence[Adjuster]
) -> Result:
    """Apply every plugin's adjustment in pluggy's call order (tryfirst/trylast honoured,
    otherwise the last registered first); each sees the result as adjusted so far."""
    for plugin, function, argnames in adjusters:
        arguments = {"result": result, "ruleset": ruleset, "project": project}
        try:
            adjustment = function(**{name: arguments[name] for name in argnames})
        except (Exception, SystemExit) as error:  # a veto that silently did not run: a wrong grade
            message = f"插件 {plugin} 的 adjust_result 调整结果时出错：{error!r}"
            raise ScoringError([Problem("E-PLUGIN-ADJUST", message, file=project.file)]) from None
        if adjustment is None:
            continue
        problem = _check(adjustment, [band.name for band in ruleset.grades], ruleset.max)
        if problem:
            raise ScoringError(
                [Problem("E-PLUGIN-RESULT", f"插件 {plugin} 的调整无效：{problem}", file=project.file)]
            )
        total = adjustment.total if adjustment.total is not None else result.total
        # a new total without a stated grade is graded by the ruleset's own bands
        grade = adjustment.grade or (ruleset.grade_for(total) if total != result.total else result.grade)
        record = AdjustmentRecord(plugin, adjustment.reason, result.grade, grade, result.total, total)
        changes = []
        if grade != result.grade:
            changes.append(f"等级由 {result.grade} 调整为 {grade}")
        if total != result.total:
            changes.append(f"总分由 {fmt(result.total)} 调整为 {fmt(total)}")
        note = f"{adjustment.reason}：{'，'.join(changes) or '结果不变'}（插件 {plugin}）"
        result = attrs.evolve(
            result,
            grade=grade,
            total=total,
            nodes=result.nodes,  # written once: the adjusted result does not explain it again
            reasons=(*result.reasons, note),
            adjustments=(*result.adjustments, record),
        )
    return result


def _check(adjustment: Adjustment, grades: list[str], maximum: Decimal) -> str | None:
    if not isinstance(adjustment, Adjustment):
        return f"应返回 Adjustment 或 None，实际返回 {type(adjustment).__name__}"
    reason, grade, total = adjustment.reason, adjustment.grade, adjustment.total
    if not isinstance(reason, str) or not reason.strip():
        return f"每项调整都要用文字写明原因 reason（实际为 {reason!r}）"
    if grade is not None and (not isinstance(grade, str) or grade not in grades):
        return f"等级 {grade!r} 不在规则集的等级中（{'、'.join(grades)}）"
    if total is not None and not (isinstance(total, Decimal) and total.is_finite() and 0 <= total <= maximum):
        return f"总分应为 [0, {fmt(maximum)}] 之内的有限 Decimal（实际为 {total!r}）"
    return None
