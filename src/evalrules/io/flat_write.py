"""Writing projects as flat rows (CSV or JSONL), the inverse of :func:`evalrules.io.flat.read_flat`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..base import json_text
from ..model.project import Project
from .flat_project import ASSESSMENT_COLUMNS, COLUMNS, TARGET_COLUMNS, cell
from .outputs import write_atomic
from .project_export import project_to_data


def write_flat(projects: Iterable[Project | tuple[str, Project]], path: str | Path) -> None:
    """Write projects as one .csv (UTF-8 with BOM, so Excel reads it) or .jsonl file, atomically.

    A bare Project is keyed by its name (with "#2", "#3"… when names repeat). Raises ValueError
    for what a flat file cannot hold: checklists, formula values and the claimed counts, figures
    and sums of ``[claims]`` (keep such projects in TOML)."""
    path = Path(path)
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    for item in projects:
        key, project = item if isinstance(item, tuple) else (_unique(item.name, used), item)
        used.add(key)
        rows.extend(project_rows(key, project))
    if path.suffix.lower() == ".jsonl":
        text = "".join(_json_line(row) for row in rows)
        encoding = "utf-8"
    elif path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _csv_text(v) for k, v in row.items()} for row in rows)
        text, encoding = buffer.getvalue(), "utf-8-sig"
    else:
        raise ValueError(f"扁平格式的文件名应以 .csv 或 .jsonl 结尾：{path}")
    write_atomic(path, text.encode(encoding))


def project_rows(key: str, project: Project) -> list[dict[str, Any]]:
    """The rows of one project (values as in a project file: Decimal, str, bool)."""
    data = project_to_data(project)
    header = {"project": key, **data["project"]}
    rows: list[dict[str, Any]] = []

    def add(kind: str, **cells: Any) -> None:
        rows.append({**header, "kind": kind, **{k: v for k, v in cells.items() if v is not None}})

    budget = data["budget"]
    if "rows" in budget:
        raise ValueError(f"项目 {key}：[budget.rows]（年度资金总额的其中各行）不能写入扁平格式")
    for figure, amount in budget.items():
        if figure not in ("unit", "reason"):
            add("budget", indicator=figure, value=amount, unit_of_measure=budget["unit"])
    if "reason" in budget or (budget["unit"] != "万元" and len(budget) == 1):
        add("budget", unit_of_measure=budget["unit"], reason=budget.get("reason"))
    for path, weight in data.get("weights", {}).items():
        add("weight", indicator=path, value=weight)
    for target in data.get("targets", []):
        unheld = set(target) - {*TARGET_COLUMNS.values(), "slot", "name"}
        if unheld:  # inputs, panel, the 申报表's source/basis/history: never silently dropped
            raise ValueError(
                f"项目 {key}：绩效指标 {target['name']} 的 {'、'.join(sorted(unheld))} 不能写入扁平格式"
            )
        cells = {column: target[key] for column, key in TARGET_COLUMNS.items() if key in target}
        add("target", **cells)
    for entry in data.get("assessments", []):
        unsupported = entry.keys() - {*ASSESSMENT_COLUMNS.values(), "path", "deductions"}
        if unsupported:
            raise ValueError(
                f"项目 {key}：评价项 {entry['path']} 的 {'、'.join(sorted(unsupported))} 不能写入扁平格式"
            )
        cells = {column: entry[k] for column, k in ASSESSMENT_COLUMNS.items() if k in entry}
        if set(entry) != {"path", "deductions"}:
            add("assessment", indicator=entry["path"], **cells)
        deductions = entry.get("deductions")
        if deductions == []:
            add("deduction", indicator=entry["path"])
        for deduction in deductions or []:
            add("deduction", indicator=entry["path"], value=deduction["points"], reason=deduction["reason"])
    claims = data.get("claims", {})
    unsupported = {"counts", "figures", "sums"} & claims.keys()
    if unsupported:
        raise ValueError(f"项目 {key}：[claims] 的 {'、'.join(sorted(unsupported))} 不能写入扁平格式")
    for claim in ("total", "grade"):
        if claim in claims:
            add("claim", indicator=claim, value=claims[claim])
    for claim_path, score in claims.get("scores", {}).items():
        add("claim", indicator=claim_path, value=score)
    for text_key, text in data.get("texts", {}).items():
        add("text", indicator=text_key, value=text)
    for flag, value in data.get("flags", {}).items():
        add("flag", indicator=flag, value=value)
    if not rows:
        add("budget", unit_of_measure=budget["unit"])
    return rows


def _unique(name: str, used: set[str]) -> str:
    key, number = name, 1
    while key in used:
        number += 1
        key = f"{name}#{number}"
    return key


def _csv_text(value: Any) -> str:
    if isinstance(value, dict):
        return json_text.dumps(value, ensure_ascii=False)
    return cell(value) if not isinstance(value, str) else value


def _json_line(row: Mapping[str, Any]) -> str:
    """One JSON object per line, Decimals written with their exact text (192.05, not a float)."""
    return json_text.dumps(row, ensure_ascii=False) + "\n"
