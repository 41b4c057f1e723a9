"""The monitoring ruleset: a kind of its own ([monitoring_ruleset], never [ruleset]), declaring
how 序时进度 is counted, how far execution and targets may lag before a light turns, and the
names of the lights. ``evalrules score`` refuses it (E-RULESET-KIND)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import frozen

from ..base.errors import LoadError, Problem, known_list, suggest
from ..base.sources import read_text
from ..hooks.registry import Registry, default_registry
from .reading import Reader

TOP_KEYS = ("monitoring_ruleset", "time", "lights", "execution", "targets", "provenance")
INFO_KEYS = ("id", "name", "basis", "status")
TIME_KEYS = ("basis", "mid_month", "count_as_of_day", "places")
LIGHT_KEYS = ("normal", "watch", "warn")
EXECUTION_KEYS = ("budget", "lag_watch", "lag_warn", "forecast_watch", "forecast_warn")
TARGET_KEYS = ("lag_watch", "forecast_below", "likelihood")
TIME_BASES = ("month", "day")
MID_MONTH = ("fraction", "floor")
BUDGET_BASES = ("adjusted", "initial")
LIKELIHOODS = ("确定能", "有可能", "完全不可能")
"""完成目标可能性 as the monitoring form offers it [V-code]."""


@frozen
class MonitoringRuleset:
    """The rules of one monitoring ruleset; percentages are in percent (58.33), lags in points."""

    id: str
    name: str
    basis: str
    status: str
    time_basis: str
    mid_month: str
    count_as_of_day: bool
    places: int
    light_names: tuple[str, str, str]
    """The names of the levels 0 (正常), 1 (关注), 2 (预警)."""
    budget: str
    lag_watch: Decimal
    lag_warn: Decimal
    forecast_watch: Decimal
    forecast_warn: Decimal
    target_lag_watch: Decimal
    forecast_below: int
    likelihood: dict[str, int]
    provenance: dict[str, str]


def load_monitoring_ruleset(
    id_or_path: str | Path | None = None, registry: Registry | None = None
) -> MonitoringRuleset:
    """A monitoring ruleset by id (default jiankong_2019_136, built in; plugins register more with
    ``register_monitoring_rulesets``) or one from a TOML file."""
    name = str(id_or_path or "jiankong_2019_136")
    registry = registry or default_registry()
    known = registry.monitoring_rulesets
    if name in known:
        document = known[name].read()
    elif name.endswith((".toml", ".json")) or Path(name).is_file():
        document = read_text(Path(name))
    else:
        raise LoadError(
            [
                Problem(
                    "E-MONITOR-RULESET",
                    f"“{name}” 是评价规则集，不是监控规则集"
                    if name in registry.rulesets
                    else f"没有 id 为 “{name}” 的监控规则集",
                    expected=known_list(known),
                    suggestion=suggest(name, known) or "或给出监控规则集 TOML 文件的路径",
                )
            ]
        )
    return _build(Reader(document, "E-MONITOR-RULESET"))


_LEVELS = {"normal": 0, "watch": 1, "warn": 2}


def _build(reader: Reader) -> MonitoringRuleset:
    data = reader.document.data
    if "monitoring_ruleset" not in data:
        kind = "评价规则集（[ruleset]）" if "ruleset" in data else "其他文件"
        reader.problem(f"不是监控规则集：缺少 [monitoring_ruleset] 表，这是{kind}", "顶层")
        reader.done()
    reader.unknown_keys(data, TOP_KEYS, "顶层")
    info = reader.table(data, "monitoring_ruleset", "[monitoring_ruleset]")
    reader.unknown_keys(info, INFO_KEYS, "[monitoring_ruleset]", "monitoring_ruleset")
    time = reader.table(data, "time", "[time]")
    reader.unknown_keys(time, TIME_KEYS, "[time]", "time")
    lights = reader.table(data, "lights", "[lights]")
    reader.unknown_keys(lights, LIGHT_KEYS, "[lights]", "lights")
    execution = reader.table(data, "execution", "[execution]")
    reader.unknown_keys(execution, EXECUTION_KEYS, "[execution]", "execution")
    targets = reader.table(data, "targets", "[targets]")
    reader.unknown_keys(targets, TARGET_KEYS, "[targets]", "targets")
    ruleset_id = reader.text(info.get("id"), "[monitoring_ruleset] id", "id")
    if not ruleset_id:
        reader.problem("缺少 id", "[monitoring_ruleset]", "monitoring_ruleset")

    def points(table: dict[str, Any], key: str, default: str, where: str) -> Decimal:
        value = reader.number(table.get(key, default), f"[{where}] {key}", where, key)
        if value is not None and value < 0:
            reader.problem("应为不小于 0 的百分点数", f"[{where}] {key}", where, key, found=str(value))
        return value if value is not None else Decimal(default)

    places = time.get("places", 2)
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6:
        reader.problem("应为 0 到 6 的整数", "[time] places", "time", "places", found=repr(places))
        places = 2
    count_day = time.get("count_as_of_day", True)
    if not isinstance(count_day, bool):
        reader.problem("应为 true 或 false", "[time] count_as_of_day", "time", "count_as_of_day")
        count_day = True
    likelihood = dict(_LIKELIHOOD_DEFAULT)
    given = targets.get("likelihood", {})
    if isinstance(given, dict):
        for option, level in given.items():
            where = f"[targets] likelihood “{option}”"
            if reader.choice(option, LIKELIHOODS, where, "likelihood", option) is not None:
                chosen = reader.choice(level, LIGHT_KEYS, where, "likelihood", option)
                likelihood[option] = _LEVELS[chosen] if chosen else likelihood[option]
    names = tuple(reader.text(lights.get(k, d), f"[lights] {k}", "lights", k) or d for k, d in _DEFAULT_NAMES)
    if len(set(names)) != 3:
        reader.problem("三个灯的名称应各不相同", "[lights]", "lights", found="、".join(names))
    forecast_below = reader.choice(
        targets.get("forecast_below", "warn"),
        LIGHT_KEYS,
        "[targets] forecast_below",
        "targets",
        "forecast_below",
    )
    provenance = reader.table(data, "provenance", "[provenance]")
    ruleset = MonitoringRuleset(
        id=ruleset_id,
        name=reader.text(info.get("name"), "[monitoring_ruleset] name", "name"),
        basis=reader.text(info.get("basis"), "[monitoring_ruleset] basis", "basis"),
        status=reader.text(info.get("status", "verified"), "[monitoring_ruleset] status", "status"),
        time_basis=reader.choice(time.get("basis", "month"), TIME_BASES, "[time] basis", "time", "basis")
        or "month",
        mid_month=reader.choice(time.get("mid_month", "fraction"), MID_MONTH, "[time] mid_month", "mid_month")
        or "fraction",
        count_as_of_day=count_day,
        places=places,
        light_names=(names[0], names[1], names[2]),
        budget=reader.choice(
            execution.get("budget", "adjusted"), BUDGET_BASES, "[execution] budget", "budget"
        )
        or "adjusted",
        lag_watch=points(execution, "lag_watch", "10", "execution"),
        lag_warn=points(execution, "lag_warn", "20", "execution"),
        forecast_watch=points(execution, "forecast_watch", "100", "execution"),
        forecast_warn=points(execution, "forecast_warn", "90", "execution"),
        target_lag_watch=points(targets, "lag_watch", "20", "targets"),
        forecast_below=_LEVELS[forecast_below or "warn"],
        likelihood=likelihood,
        provenance={str(k): str(v) for k, v in provenance.items()},
    )
    if ruleset.lag_warn < ruleset.lag_watch:
        reader.problem("预警的差距应不小于关注的差距", "[execution] lag_warn", "execution", "lag_warn")
    reader.done()
    return ruleset


_DEFAULT_NAMES = (("normal", "正常"), ("watch", "关注"), ("warn", "预警"))
_LIKELIHOOD_DEFAULT = {"确定能": 0, "有可能": 1, "完全不可能": 2}
