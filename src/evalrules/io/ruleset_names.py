"""Which ruleset a name means: the ruleset a project is scored under (one rule for every command),
and the rulesets that are not evaluation rulesets (monitoring: E-RULESET-KIND)."""

from __future__ import annotations

from pathlib import Path

from ..base.errors import LoadError, Problem
from ..base.sources import read_text


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


MONITORING_RULESET_IDS = frozenset({"jiankong_2019_136"})
"""The built-in monitoring rulesets of evalrules.monitoring (which imports this, so the layers
stay downward): a monitoring ruleset is no evaluation ruleset (E-RULESET-KIND)."""


def monitoring_kind_problem(id_or_path: str | Path) -> Problem | None:
    """E-RULESET-KIND when an evaluation command is given a monitoring ruleset (by id or file)."""
    name = str(id_or_path)
    is_monitoring = name in MONITORING_RULESET_IDS
    if not is_monitoring and name.endswith(".toml") and Path(name).is_file():
        try:
            is_monitoring = "monitoring_ruleset" in read_text(Path(name)).data
        except LoadError:
            return None  # the loader below reports what is wrong with the file
    if not is_monitoring:
        return None
    return Problem(
        "E-RULESET-KIND",
        f"“{name}” 是绩效运行监控规则集，不能用来打分",
        expected="评价规则集（如 caiyu_2020_10）",
        suggestion=f"监控请用 evalrules monitor 记录文件 --ruleset {name}",
    )
