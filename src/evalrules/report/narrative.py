"""Sentences of the report that draw on several parts of the data: 二（二）'s indicator system and
provenance caveat, 五（二）'s problems, and the spacing between numbers and Chinese.

The narrative never carries audit codes or file line numbers: those are for the reviewer and go
to the 附表 复核发现的问题 only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..base.numbers import fmt
from ..hooks.findings import Finding
from ..model.result import Result
from ..model.ruleset import Ruleset

if TYPE_CHECKING:
    from .context import Row

_HAN = r"\u3400-\u9fff"
_SPACE_AFTER_NUMBER = re.compile(rf"(?<=[\d%％])[ \u3000]+(?=[{_HAN}（，。；：])")
_SPACE_BEFORE_NUMBER = re.compile(rf"(?<=[{_HAN}（，。；：])[ \u3000]+(?=[\d+\-−])")
_QUOTE_SPACE = re.compile(rf"(?<=[”）])[ \u3000]+(?=[{_HAN}])|(?<=[{_HAN}])[ \u3000]+(?=[“（])")
_TOTAL = re.compile(r"[，,]?\s*得\s*[\d.]+\s*分(?:（分值\s*[\d.]+\s*分）)?")
_POINTS = re.compile(r"[，,]\s*扣\s*[\d.]+\s*分")
_CODE = re.compile(r"[【\[（(]?\b[A-Z]{1,3}(?:-[A-Z0-9]+)+\b[】\]）)]?[：:]?\s*")
_LINE = re.compile(
    r"[（(]?[^\s（）()，。；]*\.(?:toml|xlsx|xls|csv|json|jsonl):\d+[）)]?|[（(]?第\s*\d+\s*行[）)]?"
)


def tidy(text: str) -> str:
    """No space between a number and the Chinese around it (“扣 1 分” → “扣1分”), as 公文 writes."""
    text = _SPACE_BEFORE_NUMBER.sub("", _SPACE_AFTER_NUMBER.sub("", text))
    return _QUOTE_SPACE.sub("", text)


def once(reason: str) -> str:
    """A strategy's reason without the total a statement states anyway (“，得 2 分（分值 3 分）”);
    a single deduction's own 扣 too (several keep theirs: they say what each cost)."""
    reason = _TOTAL.sub("", reason)
    return _POINTS.sub("", reason) if len(_POINTS.findall(reason)) == 1 else reason


def plain(message: str) -> str:
    """A finding's message for the narrative: without codes or file:line references."""
    text = _LINE.sub("", _CODE.sub("", message))
    return tidy(text).strip(" ，；。") + "。"


def indicator_system(result: Result, applicable: Iterable[int]) -> str:
    """二（二）: the ruleset's levels, each first-level indicator's weight and how many indicators apply."""
    counts = list(applicable)
    parts = "、".join(f"{node.name}（{fmt(node.weight)}分）" for node in result.nodes)
    return (
        f"指标体系分{len(result.nodes)}个一级指标：{parts}，满分{fmt(result.max)}分，"
        f"本项目适用的末级指标共{sum(counts)}个。"
    )


def caveat(ruleset: Ruleset) -> str:
    """The ruleset's provenance caveat: which parameters are not verified against the source."""
    unverified = sorted(key for key, value in ruleset.provenance.items() if value.status == "unverified")
    if not unverified:
        return ""
    listed = "、".join(unverified[:6]) + ("等" if len(unverified) > 6 else "")
    return (
        f"说明：规则集“{ruleset.info.title}”中有{len(unverified)}项参数（{listed}）尚未与正式文件核对，"
        "评分结果请以正式文件为准。"
    )


def problems(rows: tuple[Row, ...], findings: Iterable[Finding]) -> tuple[str, ...]:
    """五（二）存在的问题: indicators that lost points, targets not (fully) met with their 偏差原因,
    and the review's errors and warnings rephrased without their codes."""
    found: list[str] = []
    parents = {row.path[:-1] for row in rows}
    for row in rows:
        if row.score is None or row.score >= row.weight or row.level < 2 or row.path in parents:
            continue
        lost = fmt(row.weight - row.score)
        if row.kind == "target":
            state = "部分达成" if row.score > 0 else "未达成"
            actual = f"{row.actual}{row.unit}" if row.actual else "未填写"
            found.append(
                tidy(
                    f"“{row.name}”预期{row.target_value}{row.unit}，实际完成{actual}，{state}预期目标，"
                    f"扣{lost}分；偏差原因：{row.note or '未说明'}。"
                )
            )
        else:
            found.append(
                tidy(f"“{row.name}”扣{lost}分" + (f"：{plain(once(row.note))}" if row.note else "。"))
            )
    for finding in findings:
        if finding.severity in ("error", "warning"):
            found.append(f"复核发现：{plain(finding.message)}")
    return tuple(found)
