"""Reading a target's named inputs (``inputs = { 非常满意 = 120, … }``) and a panel
(``panel = [{ expert = "专家A", score = 4.5, comment = "…" }, …]``) from a project file.

Called by the project reader (:mod:`evalrules.io.project_loading`) with itself as ``reader``: its
``problem`` and ``number`` collect located problems, so every mistake is told in one run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from ..base.numbers import fmt
from ..model.evidence import PanelScore

Line = int | None | Callable[[], int | None]

PANEL_ENTRY_KEYS = ("expert", "score", "comment")
"""The keys of one evaluator's entry in ``panel``."""


class Reader(Protocol):
    def problem(self, code: str, message: str, where: str, line: Line, **details: str | None) -> None: ...

    def number(self, value: Any, where: str, line: Line) -> Decimal | None: ...


def read_inputs(reader: Reader, raw: Any, where: str, line: Line) -> dict[str, Decimal] | None:
    """The named input values, each a Decimal ≥ 0 from its text; None when any is wrong."""
    if not isinstance(raw, Mapping) or not raw:
        reader.problem(
            "E-INPUTS",
            "inputs 应为 { 名称 = 数值 } 表，如 { 非常满意 = 120, 满意 = 150, 有效问卷 = 300 }",
            where,
            line,
            found=type(raw).__name__ if not isinstance(raw, Mapping) else "空表",
        )
        return None
    values: dict[str, Decimal] = {}
    ok = True
    for name, value in raw.items():
        number = reader.number(value, f"{where} 的 inputs.{name}", line)
        if number is None:
            ok = False
        elif number < 0:
            reader.problem("E-INPUTS", f"inputs.{name} 不能为负数", where, line, found=fmt(number))
            ok = False
        else:
            values[str(name).strip()] = number
    return values if ok else None


def read_panel(reader: Reader, raw: Any, where: str, line: Line) -> tuple[PanelScore, ...] | None:
    """Each evaluator's score, in the order written; None when any entry is wrong."""
    example = '[{ expert = "专家A", score = 4.5, comment = "…" }, …]'
    if not isinstance(raw, list) or not raw:
        reader.problem("E-PANEL", f"panel 应为专家评分的列表，如 panel = {example}", where, line)
        return None
    scores, seen, ok = [], set(), True
    for index, entry in enumerate(raw):
        label = f"{where} 的 panel[{index}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("expert"), str) or "score" not in entry:
            reader.problem("E-PANEL", "每位专家应写明 expert（姓名或代号）和 score（评分）", label, line)
            ok = False
            continue
        unknown = [key for key in entry if key not in PANEL_ENTRY_KEYS]
        if unknown:
            reader.problem(
                "E-PANEL", f"未知的键 “{unknown[0]}”", label, line, expected="、".join(PANEL_ENTRY_KEYS)
            )
            ok = False
        expert = entry["expert"].strip()
        if not expert or expert in seen:
            why = "专家的姓名或代号为空" if not expert else f"专家 “{expert}” 出现两次"
            reader.problem("E-PANEL", why, label, line)
            ok = False
        seen.add(expert)
        score = reader.number(entry["score"], label + " 的 score", line)
        if score is None:
            ok = False
        elif score < 0:
            reader.problem("E-PANEL", "专家评分不能为负数", label, line, found=fmt(score))
            ok = False
        else:
            scores.append(PanelScore(expert, score, str(entry.get("comment", "")).strip()))
    return tuple(scores) if ok else None
