"""The core report outline (财预〔2020〕10号 附件3), registered like a plugin's."""

from __future__ import annotations

from ..hooks.outlines import FUJIAN3, ReportOutline
from ..hooks.specs import hookimpl


@hookimpl
def register_report_outlines() -> list[ReportOutline]:
    return [FUJIAN3]
