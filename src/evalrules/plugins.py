"""The plugin manager and the registry of what plugins registered.

Built-ins come first (:data:`DEFAULT_PLUGINS`), then third-party plugins from the entry-point
group ``evalrules``. Every name is unique across plugins; a duplicate fails naming both plugins.
"""

from __future__ import annotations

import functools
import importlib
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
    """A plugin manager with the built-ins, the given plugins and optionally installed ones."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    if defaults:
        for name in DEFAULT_PLUGINS:
            manager.register(importlib.import_module(name), name=name)
    for plugin in plugins:
        manager.register(plugin)
    if entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    manager.check_pending()
    return manager


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
        for implementation in reversed(hook.get_hookimpls()):
            plugin = manager.get_name(implementation.plugin) or repr(implementation.plugin)
            for item in implementation.function() or ():
                name = key(item)
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
