"""The plugin manager and the registry of what plugins registered.

Built-ins come first (:data:`DEFAULT_PLUGINS`), then third-party plugins from the entry-point
group ``evalrules``. Every name is unique across plugins; a duplicate fails naming both plugins.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import pluggy
from attrs import frozen

from . import hookspecs
from .errors import PluginError, Problem
from .formula import FormulaFunction
from .sources import RulesetSource
from .strategies import ScoringStrategy

DEFAULT_PLUGINS = (
    "evalrules.default_plugins.functions",
    "evalrules.default_plugins.targets",
    "evalrules.default_plugins.strategies",
    "evalrules.default_plugins.rulesets",
)
"""Modules registered before any third-party plugin, through the same hooks."""

ENTRY_POINT_GROUP = "evalrules"

T = TypeVar("T")


def new_plugin_manager(
    plugins: Iterable[object] = (), *, defaults: bool = True, entry_points: bool = False
) -> pluggy.PluginManager:
    """A plugin manager with the built-ins, the given plugins and optionally installed ones.

    A misspelled hook (or a hook with wrong arguments) fails as a PluginError naming the plugin.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    try:
        if defaults:
            for name in DEFAULT_PLUGINS:
                manager.register(importlib.import_module(name), name=name)
        for plugin in plugins:
            manager.register(plugin, name=_plugin_name(plugin))
        if entry_points:
            _load_entry_points(manager)
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(
            [Problem("E-PLUGIN-HOOK", f"插件 {_plugin_name(error.plugin)} 的钩子无效：{error}")]
        ) from None
    return manager


def _plugin_name(plugin: object) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    """Each installed plugin is imported on its own; one that fails to import is fatal with a
    clear message naming it (never a traceback)."""
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if manager.get_plugin(entry_point.name) is not None:
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:
            raise PluginError(
                [
                    Problem(
                        "E-PLUGIN-IMPORT",
                        f"插件 {entry_point.name}（{entry_point.value}）无法加载：{error!r}",
                    )
                ]
            ) from None
        manager.register(plugin, name=entry_point.name)


@frozen
class Registry:
    """Everything registered, by name, with the plugin that registered each name."""

    strategies: Mapping[str, ScoringStrategy]
    functions: Mapping[str, FormulaFunction]
    rulesets: Mapping[str, RulesetSource]
    origins: Mapping[tuple[str, str], str]

    def origin(self, kind: str, name: str) -> str:
        return self.origins.get((kind, name), "?")


def build_registry(manager: pluggy.PluginManager) -> Registry:
    origins: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []

    def collect(kind: str, hook: Any, key: Callable[[T], str]) -> dict[str, T]:
        found: dict[str, T] = {}
        for implementation in hook.get_hookimpls():  # in registration order: built-ins first
            plugin = manager.get_name(implementation.plugin) or repr(implementation.plugin)
            try:
                items = list(implementation.function() or ())
            except Exception as error:
                problems.append(Problem("E-PLUGIN-HOOK", f"插件 {plugin} 的 {hook.name} 出错：{error!r}"))
                continue
            for item in items:
                try:
                    name = key(item)
                except AttributeError:
                    problems.append(
                        Problem("E-PLUGIN-HOOK", f"插件 {plugin} 的 {hook.name} 返回了无效的对象 {item!r}")
                    )
                    continue
                if name in found:
                    problems.append(
                        Problem(
                            "E-PLUGIN-DUPLICATE",
                            f"{kind} “{name}” 被两个插件重复登记：{origins[(kind, name)]} 与 {plugin}",
                        )
                    )
                    continue
                found[name] = item
                origins[(kind, name)] = plugin
        return found

    strategies: dict[str, ScoringStrategy] = collect(
        "strategy", manager.hook.register_strategies, lambda s: s.name
    )
    functions: dict[str, FormulaFunction] = collect(
        "function", manager.hook.register_functions, lambda f: f.name
    )
    rulesets: dict[str, RulesetSource] = collect("ruleset", manager.hook.register_rulesets, lambda r: r.id)
    if problems:
        raise PluginError(problems)
    return Registry(strategies, functions, rulesets, origins)


@functools.cache
def default_registry() -> Registry:
    """The registry of the built-ins and every installed plugin (built once per process)."""
    return build_registry(new_plugin_manager(entry_points=True))
