"""监控情况报告 (Markdown) per department: counts by light, the projects at risk with their
reasons, and an SVG chart of each project's execution rate against its 序时进度 (text stays
text and is XML-escaped, as in report.svgchart)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from ..base.numbers import fmt
from ..report.svgchart import FONT_FAMILY
from .engine import ProjectMonitoring
from .workbook import ranked, reasons_text

_WIDTH = 760
_LABEL = 220
_AREA = 460  # 0–110 %
_ROW = 26
_TOP = 48


def _x(rate: Decimal) -> float:
    return _LABEL + _AREA * max(min(float(rate), 110.0), 0.0) / 110.0


def execution_chart_svg(title: str, results: Sequence[ProjectMonitoring]) -> str:
    """Bars: each project's 执行率; a red tick: its 序时进度 (dates may differ between records)."""
    rows = [r for r in results if r.execution_rate is not None]
    bottom = _TOP + _ROW * len(rows)
    height = bottom + 44
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" font-family={quoteattr(FONT_FAMILY)} font-size="13" '
        f'role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        f'<text x="{_WIDTH / 2:g}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    for tick in range(0, 111, 20):
        x = _x(Decimal(tick))
        lines.append(f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#dddddd"/>')
        lines.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="11">{tick}</text>')
    colours = {0: "#4472c4", 1: "#ed7d31", 2: "#c00000"}
    for index, result in enumerate(rows):
        rate = result.execution_rate or Decimal(0)
        y = _TOP + _ROW * index
        width = _x(rate) - _LABEL
        mark = _x(result.time_progress)
        colour = colours[result.execution_light.level]
        lines.append(
            f'<text x="{_LABEL - 8}" y="{y + 14}" text-anchor="end">{escape(result.record.name)}</text>'
        )
        lines.append(f'<rect x="{_LABEL}" y="{y}" width="{width:.1f}" height="18" fill="{colour}"/>')
        lines.append(
            f'<line x1="{mark:.1f}" y1="{y - 3}" x2="{mark:.1f}" y2="{y + 21}" '
            'stroke="#000000" stroke-width="2"/>'
        )
        lines.append(
            f'<text x="{_LABEL + width + 4:.1f}" y="{y + 14}" font-size="12">{escape(fmt(rate))}%</text>'
        )
    lines.append(
        f'<text x="{_LABEL + _AREA / 2:g}" y="{bottom + 36}" text-anchor="middle">'
        "预算执行率（%；黑线为序时进度）</text>"
    )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(results: Sequence[ProjectMonitoring]) -> str:
    """One section per department (records without one: “未填写单位”), departments in name order."""
    departments: dict[str, list[ProjectMonitoring]] = {}
    for result in ranked(results):
        departments.setdefault(result.record.department or "未填写单位", []).append(result)
    parts = ["# 绩效运行监控情况报告", ""]
    for department in sorted(departments):
        items = departments[department]
        names = items[0].ruleset_id
        parts += [f"## {department}", "", f"监控规则集：{names}；项目 {len(items)} 个。", ""]
        counts: dict[str, int] = {}
        for item in items:
            counts[item.light.name] = counts.get(item.light.name, 0) + 1
        parts += ["| 灯 | 项目数 |", "|---|---|"]
        parts += [f"| {_cell(name)} | {count} |" for name, count in counts.items()]
        parts.append("")
        risky = [item for item in items if item.at_risk]
        parts += ["### 需关注和预警的项目", ""]
        if not risky:
            parts += ["无。", ""]
        for item in risky:
            record = item.record
            parts.append(f"#### {_cell(record.name)}（{item.light.name}）")
            parts.append("")
            for finding in item.findings:
                if finding.level:
                    parts.append(f"- {_cell(finding.message)}")
            reasons = [reasons_text(record.reasons)] + [
                f"{t.target.name}：{reasons_text(t.target.reasons)}" for t in item.targets if t.target.reasons
            ]
            reasons = [r for r in reasons if r]
            parts.append(f"- 偏差原因：{_cell('；'.join(reasons)) if reasons else '（未填写）'}")
            corrections = [record.correction] + [
                t.target.correction for t in item.targets if t.target.correction
            ]
            corrections = [c for c in corrections if c]
            parts.append(f"- 纠偏措施：{_cell('；'.join(corrections)) if corrections else '（未填写）'}")
            faults = [f for f in item.findings if f.level == 0]
            for fault in faults:
                parts.append(f"- 问题 [{fault.code}]：{_cell(fault.message)}")
            parts.append("")
        parts += ["### 预算执行与序时进度", ""]
        parts.append(execution_chart_svg(f"{department}：预算执行率与序时进度", items))
    return "\n".join(parts).rstrip("\n") + "\n"
