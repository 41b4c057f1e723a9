"""Evaluation reports: the 绩效评价报告 (Markdown, HTML, Word) and the 附件1 自评表 (Excel).

Rendering is its own layer: :func:`build_report` puts together what the report says from the
scored result and its review, and each renderer only lays it out.
"""

from __future__ import annotations

from .context import TEXT_FIELDS, Part, ReportContext, Row, build_report, placeholder

__all__ = ["TEXT_FIELDS", "Part", "ReportContext", "Row", "build_report", "placeholder"]
