"""evalrules.monitoring.report: the 监控情况报告 per department."""

from __future__ import annotations

from pathlib import Path

import attrs

from evalrules.monitoring import load_record, monitor
from evalrules.monitoring.report import execution_chart_svg, report_markdown

FORMS = Path(__file__).parent / "forms"


def test_report_sections_counts_and_reasons() -> None:
    results = [monitor(load_record(path)) for path in sorted(FORMS.glob("mon_*.toml"))]
    text = report_markdown(results)
    assert text.startswith("# 绩效运行监控情况报告\n")
    assert text.count("\n## ") == 5  # five departments
    section = text.split("## 县卫生健康委")[1].split("\n## ")[0]
    assert "| 关注 | 1 |" in section
    assert "- 偏差原因：（未填写）" in section
    assert "- 问题 [JK-RSN-MISSING]" in section
    water = text.split("## 县水利局")[1]
    assert "无。" in water  # nothing at risk
    assert text.count("<svg") == 5


def test_chart_escapes_names_and_marks_time_progress() -> None:
    result = monitor(load_record(FORMS / "mon_midmonth_2024.toml"))
    record = attrs.evolve(result.record, name="<script>&")
    svg = execution_chart_svg("标题", [attrs.evolve(result, record=record)])
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg
    assert 'stroke-width="2"' in svg  # the 序时进度 mark
    assert ">53.33%<" in svg
