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
    """What a batch did. The results are in the output file: a batch streams them and keeps only
    the projects that failed, so that its memory does not grow with the number of projects."""

    total: int
    ok: int
    failed: int
    seconds: float
    output: Path
    failures: tuple[BatchItem, ...] = attrs.field(repr=False, default=())
    """Each project that could not be read or scored: its key and its error."""
    splitting: float = 0.0
    """Seconds this process spent listing the inputs and splitting flat files into projects."""
    scoring: float = 0.0
    """Seconds spent reading the projects, scoring them and making their rows (in the workers)."""
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
            f"（拆分输入 {self.splitting:.1f} 秒，读取与打分 {self.scoring:.1f} 秒，"
            f"写出 {self.writing:.1f} 秒）"
            + (f"；按 GB18030（GBK）编码读取：{'、'.join(self.gb18030)}" if self.gb18030 else "")
            + "".join(f"\n跳过：{entry}" for entry in self.skipped)
        )
