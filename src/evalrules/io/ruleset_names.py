"""Which ruleset a name means: the ruleset a project is scored under (one rule for every command),
and the rulesets that are not evaluation rulesets (monitoring: E-RULESET-KIND)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ..base.errors import LoadError, Problem


def ruleset_reference(file: str, written: str | None, chosen: str | None = None) -> str:
    """The ruleset a project is scored under: the one chosen (``--ruleset``) or else the one the
    project file writes, a relative .toml path taken from the project file's folder. One rule for
    score, audit, report, validate and batch; E-RULESET-MISSING when there is none."""
    if chosen:
        return chosen
    if not written:
        raise LoadError(
            [
                Problem(
                    "E-RULESET-MISSING",
                    "没有指定规则集",
                    file=file,
                    suggestion='在 [project] 中写 ruleset = "caiyu_2020_10"（部门评价、财政评价）或 '
                    '"caiyu_2020_10_self"（单位自评），或使用 --ruleset；evalrules rulesets 列出全部',
                )
            ]
        )
    if written.endswith(".toml") and not Path(written).is_absolute():
        return str(Path(file).parent / written)
    return written


def monitoring_kind_problem(
    name: str, data: Mapping[str, Any] | None = None, monitoring: Collection[str] = ()
) -> Problem | None:
    """E-RULESET-KIND when an evaluation command is given a monitoring ruleset: a registered one by
    id (``monitoring``: the registry's monitoring ruleset ids), or a file whose parsed ``data`` is
    one (the loader passes what it has read already)."""
    if name not in monitoring and "monitoring_ruleset" not in (data or {}):
        return None
    return Problem(
        "E-RULESET-KIND",
        f"“{name}” 是绩效运行监控规则集，不能用来打分",
        expected="评价规则集（如 caiyu_2020_10）",
        suggestion=f"监控请用 evalrules monitor 记录文件 --ruleset {name}",
    )
