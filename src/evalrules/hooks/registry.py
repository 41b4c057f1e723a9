"""The plugin manager and the registry of what plugins registered.

Built-ins come first (:data:`DEFAULT_PLUGINS`), then third-party plugins from the entry-point
group ``evalrules``. Each third-party plugin loads in isolation: one that fails to import, or
whose hooks fail or return something invalid, is recorded with its error and contributes
nothing, while the others load. With the strict switch (``EVALRULES_STRICT_PLUGINS=1`` or
``evalrules --strict-plugins``) any such failure is fatal, for CI. ``EVALRULES_BLOCK_PLUGINS``
names plugins (comma-separated) that are not loaded at all. A name registered by two plugins is
always fatal, naming both.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pluggy
from attrs import define, field, frozen

from ..base.errors import PluginError, Problem
from ..base.sources import RulesetSource
from ..formula.evaluator import FormulaFunction
from . import specs as hookspecs
from .adjusting import Adjuster, RulesetOption, check_option
from .findings import AuditCheck
from .outlines import ReportOutline
from .review_checks import ReviewCheck
from .strategies import ScoringStrategy

DEFAULT_PLUGINS = (
    "evalrules.default_plugins.functions",
    "evalrules.default_plugins.targets",
    "evalrules.default_plugins.evidence",
    "evalrules.default_plugins.strategies",
    "evalrules.default_plugins.rulesets",
    "evalrules.default_plugins.checks",
    "evalrules.default_plugins.subtotals",
    "evalrules.default_plugins.consistency",
    "evalrules.default_plugins.statements",
    "evalrules.default_plugins.budget_checks",
    "evalrules.default_plugins.plan_checks",
    "evalrules.default_plugins.first_level",
    "evalrules.default_plugins.overrides",
    "evalrules.review.checks",
    "evalrules.default_plugins.outlines",
    "evalrules.default_plugins.evidence_checks",
)
"""Modules registered before any third-party plugin, through the same hooks."""

ENTRY_POINT_GROUP = "evalrules"
STRICT_ENV = "EVALRULES_STRICT_PLUGINS"
"""Set to 1 (or true/yes) to make any plugin failure fatal."""
BLOCK_ENV = "EVALRULES_BLOCK_PLUGINS"
"""Comma-separated names of installed plugins not to load."""

_KINDS: dict[str, tuple[str, Callable[[Any], str], type]] = {
    "ruleset": ("register_rulesets", lambda item: item.id, RulesetSource),
    "monitoring_ruleset": ("register_monitoring_rulesets", lambda item: item.id, RulesetSource),
    "strategy": ("register_strategies", lambda item: item.name, ScoringStrategy),
    "function": ("register_functions", lambda item: item.name, FormulaFunction),
    "option": ("register_options", lambda item: item.name, RulesetOption),
    "check": ("register_checks", lambda item: item.code, AuditCheck),
    "review_check": ("register_review_checks", lambda item: item.name, ReviewCheck),
    "outline": ("register_report_outlines", lambda item: item.name, ReportOutline),
}
"""Each kind of registration: its hook, the name it is registered under, the class it must be."""
_NAMESPACES = {kind: ("ruleset", "monitoring_ruleset") for kind in ("ruleset", "monitoring_ruleset")}
"""Kinds whose names are one namespace: a ruleset id names one ruleset, evaluation or monitoring."""


@frozen
class PluginInfo:
    """One plugin as ``evalrules plugins`` shows it."""

    name: str
    version: str
    origin: str
    """"built-in", the entry point ("evalrules_xinjiang") or "python" for one passed in code."""
    registered: Mapping[str, tuple[str, ...]] = field(factory=dict)
    error: str | None = None
    blocked: bool = False


@frozen
class Registry:
    """Everything registered, by name, with the plugin that registered each name."""

    strategies: Mapping[str, ScoringStrategy]
    functions: Mapping[str, FormulaFunction]
    rulesets: Mapping[str, RulesetSource]
    origins: Mapping[tuple[str, str], str]
    options: Mapping[str, RulesetOption] = field(factory=dict)
    checks: Mapping[str, AuditCheck] = field(factory=dict)
    adjusters: tuple[Adjuster, ...] = ()
    plugins: tuple[PluginInfo, ...] = ()
    review_checks: Mapping[str, ReviewCheck] = field(factory=dict)
    """Check functions review rulesets call (绩效目标审核, docs/review.md)."""
    outlines: Mapping[str, ReportOutline] = field(factory=dict)
    monitoring_rulesets: Mapping[str, RulesetSource] = field(factory=dict)
    """Monitoring rulesets (绩效运行监控, docs/monitoring.md): ids no evaluation ruleset has."""

    def origin(self, kind: str, name: str) -> str:
        return self.origins.get((kind, name), "?")

    @property
    def failures(self) -> tuple[PluginInfo, ...]:
        return tuple(plugin for plugin in self.plugins if plugin.error)


@define
class _Loaded:
    manager: pluggy.PluginManager
    infos: dict[str, PluginInfo] = field(factory=dict)


def new_plugin_manager(
    plugins: Iterable[object] = (), *, defaults: bool = True, entry_points: bool = False
) -> pluggy.PluginManager:
    """A plugin manager with the built-ins, the given plugins and optionally installed ones.

    Plugins passed here are the caller's own: a misspelled hook fails at once as a PluginError.
    """
    return _load(plugins, defaults=defaults, entry_points=entry_points, strict=True, blocked=()).manager


def _load(
    plugins: Iterable[object], *, defaults: bool, entry_points: bool, strict: bool, blocked: Iterable[str]
) -> _Loaded:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    loaded = _Loaded(manager)
    if defaults:
        version = _version("evalrules")
        for name in DEFAULT_PLUGINS:
            manager.register(importlib.import_module(name), name=name)
            loaded.infos[name] = PluginInfo(name, version, "built-in")
    for plugin in plugins:
        name = _plugin_name(plugin)
        _register(loaded, plugin, PluginInfo(name, "", "python"), strict=True)
    if entry_points:
        _load_entry_points(loaded, strict=strict, blocked=set(blocked))
    return loaded


def _register(loaded: _Loaded, plugin: object, info: PluginInfo, *, strict: bool) -> None:
    """Register one plugin; a misspelled hook is recorded (or fatal when strict)."""
    try:
        loaded.manager.register(plugin, name=info.name)  # validates each hook's arguments
        loaded.manager.check_pending()  # rejects hooks with no spec (misspelled names)
    except (pluggy.PluginValidationError, ValueError) as error:
        if loaded.manager.is_registered(plugin):
            loaded.manager.unregister(plugin)
        message = f"钩子无效：{error}"
        if strict:
            raise PluginError([Problem("E-PLUGIN-HOOK", f"插件 {info.name} 的{message}")]) from None
        loaded.infos[info.name] = PluginInfo(info.name, info.version, info.origin, error=message)
        return
    loaded.infos[info.name] = info


def _plugin_name(plugin: object) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "未安装（源码）"


def _load_entry_points(loaded: _Loaded, *, strict: bool, blocked: set[str]) -> None:
    """Each installed plugin is imported on its own; one that fails is recorded, not fatal."""
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        name = entry_point.name
        version = entry_point.dist.version if entry_point.dist is not None else "?"
        if name in loaded.infos:
            message = f"与已加载的插件同名（{loaded.infos[name].origin}），未加载 {entry_point.value}"
            if strict:
                raise PluginError([Problem("E-PLUGIN-DUPLICATE", f"插件 {name} {message}")])
            loaded.infos[f"{name}（{entry_point.value}）"] = PluginInfo(
                name, version, entry_point.value, error=message
            )
            continue
        if name in blocked:
            loaded.manager.set_blocked(name)
            loaded.infos[name] = PluginInfo(name, version, entry_point.value, blocked=True)
            continue
        try:
            plugin = entry_point.load()
        except (Exception, SystemExit) as error:
            message = f"无法加载（{entry_point.value}）：{error!r}"
            if strict:
                raise PluginError([Problem("E-PLUGIN-IMPORT", f"插件 {name} {message}")]) from None
            loaded.infos[name] = PluginInfo(name, version, entry_point.value, error=message)
            continue
        _register(loaded, plugin, PluginInfo(name, version, entry_point.value), strict=strict)


def build_registry(
    manager: pluggy.PluginManager, *, strict: bool = True, infos: Mapping[str, PluginInfo] | None = None
) -> Registry:
    """Collect every plugin's registrations. A plugin whose hook fails or returns something
    invalid contributes nothing and is recorded (fatal when strict); duplicates are fatal."""
    known = dict(infos or {})
    order = list(known)  # registration order: built-ins first
    for hook_name in (*(hook for hook, _, _ in _KINDS.values()), "adjust_result"):
        for implementation in getattr(manager.hook, hook_name).get_hookimpls():
            if _owner(manager, implementation) not in order:
                order.append(_owner(manager, implementation))
    contributions, failures = _collect(manager)
    if failures and strict:
        raise PluginError(
            [
                Problem("E-PLUGIN-HOOK", f"插件 {plugin} 的 {error}")
                for plugin, errors in failures.items()
                for error in errors
            ]
        )
    found, origins, clashes = _merge([plugin for plugin in order if plugin not in failures], contributions)
    if clashes and strict:
        raise PluginError([Problem("E-PLUGIN-DUPLICATE", clash) for clash in clashes.values()])
    if clashes:  # the later plugin contributes nothing; the rest (built-ins first) keep working
        for plugin, clash in clashes.items():
            failures.setdefault(plugin, []).append(clash + "，该插件未启用")
        found, origins, _ = _merge([plugin for plugin in order if plugin not in failures], contributions)
    # pluggy's call order: tryfirst/trylast honoured, otherwise the last registered first
    adjusters = tuple(
        (_owner(manager, implementation), implementation.function, tuple(implementation.argnames))
        for implementation in reversed(manager.hook.adjust_result.get_hookimpls())
        if _owner(manager, implementation) not in failures
    )
    described = []
    for plugin in order:
        base = known.get(plugin, PluginInfo(plugin, "", "python"))
        registered = {
            kind: tuple(sorted(n for (k, n), o in origins.items() if (k, o) == (kind, plugin)))
            for kind in _KINDS
        }
        registered["adjuster"] = tuple("adjust_result" for owner, _, _ in adjusters if owner == plugin)
        error = "；".join(failures[plugin]) if plugin in failures else base.error
        named = {kind: names for kind, names in registered.items() if names}
        described.append(PluginInfo(base.name, base.version, base.origin, named, error, base.blocked))
    return Registry(
        found["strategy"],
        found["function"],
        found["ruleset"],
        origins,
        found["option"],
        found["check"],
        adjusters,  # type: ignore[arg-type]
        tuple(described),
        found["review_check"],
        found["outline"],
        found["monitoring_ruleset"],
    )


def _owner(manager: pluggy.PluginManager, implementation: Any) -> str:
    return manager.get_name(implementation.plugin) or _plugin_name(implementation.plugin)


def _collect(manager: pluggy.PluginManager) -> tuple[dict[str, dict[str, list[Any]]], dict[str, list[str]]]:
    """What each plugin registered, by kind; and each plugin's failures (a hook that raised or
    returned something that is not the kind's class)."""
    contributions: dict[str, dict[str, list[Any]]] = {}
    failures: dict[str, list[str]] = {}
    for kind, (hook_name, key, expected) in _KINDS.items():
        for implementation in getattr(manager.hook, hook_name).get_hookimpls():
            plugin = _owner(manager, implementation)
            try:
                items = list(implementation.function() or ())
                for item in items:
                    if not isinstance(item, expected):
                        raise TypeError(f"{hook_name} 返回了无效的对象 {item!r}")
                    key(item)
                    if isinstance(item, RulesetOption):
                        check_option(item)
            except (Exception, SystemExit) as error:
                failures.setdefault(plugin, []).append(f"{hook_name} 出错：{error!r}")
                continue
            contributions.setdefault(plugin, {}).setdefault(kind, []).extend(items)
    return contributions, failures


def _merge(
    order: list[str], contributions: dict[str, dict[str, list[Any]]]
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], str], dict[str, str]]:
    """Every registration by kind and name, in plugin order; and for each plugin that takes a
    name an earlier one took, the first such clash (its registration is not kept)."""
    found: dict[str, dict[str, Any]] = {kind: {} for kind in _KINDS}
    origins: dict[tuple[str, str], str] = {}
    clashes: dict[str, str] = {}
    for plugin in order:
        for kind, items in contributions.get(plugin, {}).items():
            for item in items:
                name = _KINDS[kind][1](item)
                taken = next((k for k in _NAMESPACES.get(kind, (kind,)) if name in found[k]), None)
                if taken is not None:
                    first = origins[(taken, name)]
                    clashes.setdefault(plugin, f"{kind} “{name}” 被两个插件重复登记：{first} 与 {plugin}")
                    continue
                found[kind][name] = item
                origins[(kind, name)] = plugin
    return found, origins, clashes


def load_registry(
    plugins: Iterable[object] = (),
    *,
    defaults: bool = True,
    entry_points: bool = True,
    strict: bool | None = None,
    blocked: Iterable[str] | None = None,
) -> Registry:
    """Load plugins and build their registry; strict and blocked default to the environment."""
    if strict is None:
        strict = os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    if blocked is None:
        blocked = [name.strip() for name in os.environ.get(BLOCK_ENV, "").split(",") if name.strip()]
    loaded = _load(plugins, defaults=defaults, entry_points=entry_points, strict=strict, blocked=blocked)
    return build_registry(loaded.manager, strict=strict, infos=loaded.infos)


@functools.cache
def default_registry() -> Registry:
    """The registry of the built-ins and every installed plugin (built once per process)."""
    return load_registry()
