"""监控结果.xlsx: sheet 汇总 (one row per project, worst first) and sheet 预警清单 (every signal
of a project at 预警: what, why, the reasons given and the correction). Text cells stay text
(evalrules.base.cells); the file is written through outputs.atomic_path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..base.cells import cell_text, string_cell
from ..io.outputs import atomic_path
from .engine import ProjectMonitoring

SUMMARY_COLUMNS = (
    "项目名称",
    "单位",
    "监控截止日",
    "预算数（万元）",
    "执行数（万元）",
    "执行率（%）",
    "序时进度（%）",
    "差距（百分点）",
    "全年预计执行率（%）",
    "预计结转结余（万元）",
    "指标数",
    "预警指标数",
    "关注指标数",
    "灯",
    "问题数",
    "文件",
)
WARNING_COLUMNS = ("项目名称", "单位", "指标", "代码", "情况", "偏差原因", "纠偏措施", "完成目标可能性")


def ranked(results: Sequence[ProjectMonitoring]) -> list[ProjectMonitoring]:
    """Worst first: 预警 before 关注 before 正常, then the larger lag, then the larger budget."""
    return sorted(results, key=lambda r: r.risk_key())


def summary_row(result: ProjectMonitoring) -> list[Any]:
    record = result.record
    return [
        record.name,
        record.department,
        record.as_of.isoformat(),
        result.budget,
        record.executed,
        result.execution_rate,
        result.time_progress,
        result.gap,
        result.forecast_rate,
        result.carry_over,
        len(result.targets),
        sum(1 for t in result.targets if t.light.level == 2),
        sum(1 for t in result.targets if t.light.level == 1),
        result.light.name,
        sum(1 for f in result.findings if f.level == 0),
        record.file,
    ]


def reasons_text(reasons: dict[str, str]) -> str:
    return "；".join(f"{kind}：{text}" for kind, text in reasons.items())


def warning_rows(result: ProjectMonitoring) -> list[list[Any]]:
    """The signals of a project at 预警 (level 2), with the reasons and correction of the row."""
    record = result.record
    by_name = {t.target.name: t.target for t in result.targets}
    rows = []
    for finding in result.findings:
        if finding.level != 2:
            continue
        target = by_name.get(finding.target or "")
        reasons = target.reasons if target else record.reasons
        correction = (target.correction if target else "") or record.correction
        rows.append(
            [
                record.name,
                record.department,
                finding.target or "预算执行",
                finding.code,
                finding.message,
                reasons_text(reasons) or "（未填写）",
                correction or "（未填写）",
                (target.likelihood or "") if target else "",
            ]
        )
    return rows


def write_workbook(results: Sequence[ProjectMonitoring], path: Path) -> None:
    from ..base.extras import need

    need("openpyxl", "写监控结果表（.xlsx）")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    ordered = ranked(results)
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("汇总")
    warnings = workbook.create_sheet("预警清单")

    def cells(sheet: Any, values: Sequence[Any]) -> list[Any]:
        return [string_cell(WriteOnlyCell(sheet, value=cell_text(value))) for value in values]

    summary.append(cells(summary, SUMMARY_COLUMNS))
    for result in ordered:
        summary.append(cells(summary, summary_row(result)))
    warnings.append(cells(warnings, WARNING_COLUMNS))
    for result in ordered:
        for line in warning_rows(result):
            warnings.append(cells(warnings, line))
    with atomic_path(path) as temporary:
        workbook.save(temporary)
