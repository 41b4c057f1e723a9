"""What a batch yields per project (BatchItem) and says at the end (Summary)."""

from __future__ import annotations

from pathlib import Path

import attrs
from attrs import frozen

from ..base.errors import EvalrulesError, Problem
from ..model.project import Project
from ..model.result import Result


@frozen
class BatchItem:
    """One input project: its key (file, or file and sheet/row) and its result or its error."""

    key: str
    result: Result | None = None
    error: EvalrulesError | None = None
    project: Project | None = None
    """The project as read, when it could be read (an error row still shows its name)."""

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.error.problems if self.error is not None else ()

    @property
    def message(self) -> str:
        return self.error.render() if self.error is not None else ""

    @property
    def location(self) -> str:
        """Where the first problem is: file:line and the place inside it."""
        if not self.problems:
            return ""
        first = self.problems[0]
        file = (first.file or "") + (f":{first.line}" if first.file and first.line else "")
        return "，".join(part for part in (file, first.where or "") if part)


@frozen
class Summary:
    total: int
    ok: int
    failed: int
    seconds: float
    output: Path
    items: tuple[BatchItem, ...] = attrs.field(repr=False, default=())
    reading: float = 0.0
    """Seconds spent reading and checking the inputs (part of ``seconds``)."""
    scoring: float = 0.0
    writing: float = 0.0
    gb18030: tuple[str, ...] = ()
    """CSV inputs that were not UTF-8 and were read as GB18030 (Excel 中文版's GBK CSV)."""
    skipped: tuple[str, ...] = ()
    """What the input folders held that is not a project file, and hidden sheets, each with why."""

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"共 {self.total} 个项目：成功 {self.ok}，失败 {self.failed}；"
            f"用时 {self.seconds:.1f} 秒，每秒 {self.rate:.0f} 个"
            f"（读取 {self.reading:.1f} 秒，打分 {self.scoring:.1f} 秒，写出 {self.writing:.1f} 秒）"
            + (f"；按 GB18030（GBK）编码读取：{'、'.join(self.gb18030)}" if self.gb18030 else "")
            + "".join(f"\n跳过：{entry}" for entry in self.skipped)
        )
