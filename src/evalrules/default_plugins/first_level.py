"""Built-in review (复核) check: a whole first-level indicator that does not apply.

When every target of 效益指标 is blank or ``na``, the ruleset's N/A policy scores the project on
the other first-level indicators and rescales their sum to the maximum: a 自评 with no benefit
target at all still gets 100 优. The rule is followed, and a reviewer must still see it: 附件1
prints 效益指标 30 分, and a set of targets without one is incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator

from attrs import frozen

from ..base.numbers import fmt
from ..base.sources import Place
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from ..model.applicability import applicability
from ..model.ruleset import Indicator


@frozen
class FirstLevelNotApplicable:
    code: str = "A-FIRST-LEVEL-NA"
    severity: Severity = "warning"
    title: str = "一级指标整个不适用"
    doc: str = (
        "一个一级指标（如效益指标）整个不适用：它的指标都是空白行或标记为不适用。总分只按其余一级指标计，"
        "按不适用政策折算（rescale）或把它的分值均摊给其余一级指标（share），得分照样可以是满分。"
        "附件1 的自评表列有产出、效益、满意度等一级指标，缺了一整类，绩效目标就不完整，"
        "须核实是漏填还是确实没有（其下有实际完成的指标、只是分值为 0 时，须核实分值）。"
        '规则集明确允许该槽位为空（empty = "not_applicable"，如单位自评的满意度指标）、'
        "项目也一行都没有填写时不报告：这是规则集写明的计分方式（结果中仍写明折算）。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        result, ruleset, project = context.result, context.ruleset, context.project
        skipped: dict[str, str] = {}
        measured: set[str] = set()  # rows below it that were scored: they weigh 0
        if result is not None:
            for node in result.nodes:
                if node.status == "not_applicable":
                    skipped[node.name] = node.reasons[0] if node.reasons else ""
                    if any(n.status == "scored" for n in node.walk()):
                        measured.add(node.name)
        else:  # not scored: what the project's data alone says
            applies = applicability(project, ruleset)
            skipped = {i.name: "" for i in ruleset.indicators if not applies.get((i.name,), True)}
        rescaled = result.rescaled if result is not None else None
        for indicator in ruleset.indicators:
            if indicator.name not in skipped:
                continue
            path = (indicator.name,)
            weight = project.weights.get(path, indicator.weight)
            rows = [t for t in project.targets if t.slot[:1] == path]
            if indicator.slot is not None and indicator.slot.empty == "not_applicable" and not rows:
                continue  # left empty as the ruleset allows: its way of scoring, not a defect
            why = skipped[indicator.name]
            head = f"一级指标 “{indicator.name}”（分值 {fmt(weight)} 分）整个不适用"
            head += f"（{why.rstrip('。')}）" if why else ""
            if rescaled is not None:
                how = (
                    f"总分只按其余一级指标计：适用分值 {fmt(rescaled.weight)} 分，得分合计 "
                    f"{fmt(rescaled.score)} 分，按 {fmt(ruleset.max)} 分折算为 {fmt(rescaled.total)} 分"
                )
            elif ruleset.not_applicable.policy == "share":
                how = f"它的 {fmt(weight)} 分均摊给其余一级指标"
            else:
                how = "总分只按其余一级指标折算"
            if indicator.name in measured:
                check = "其下有实际完成的指标，分值却都是 0：请核实分值是否填错"
            else:
                check = "请核实这一类指标是漏填还是确实没有：缺了一整类，绩效目标就不完整"
            yield Finding(
                self.code,
                self.severity,
                f"{head}；{how}。{check}",
                path,
                None,
                rescaled.total if rescaled is not None else None,
                _place(context, indicator),
            )


def _place(context: AuditContext, indicator: Indicator) -> Place:
    """Where to look: the first of its rows, its N/A assessment, or the file."""
    project = context.project
    for target in project.targets:
        if target.slot[:1] == (indicator.name,):
            return target.place
    for assessment in project.assessments:
        if assessment.path[:1] == (indicator.name,):
            return assessment.place
    return Place(project.file, f"一级指标 {indicator.name}")


FIRST_LEVEL_CHECKS: tuple[AuditCheck, ...] = (FirstLevelNotApplicable(),)
"""The checks of what the whole tree leaves out."""


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(FIRST_LEVEL_CHECKS)
