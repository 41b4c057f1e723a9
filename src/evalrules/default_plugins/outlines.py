"""The core report outline (财预〔2020〕10号 附件3), registered like a plugin's."""

from __future__ import annotations

from ..hookspecs import hookimpl
from ..outlines import FUJIAN3, ReportOutline


@hookimpl
def register_report_outlines() -> list[ReportOutline]:
    return [FUJIAN3]
