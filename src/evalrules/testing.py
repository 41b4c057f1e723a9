"""Helpers for plugin and ruleset authors' own test suites.

    from evalrules import testing
    import evalrules_mine

    registry = testing.plugin_registry(evalrules_mine)          # built-ins + only this plugin
    ruleset = testing.assert_ruleset_loads("mine_2024", registry)
    testing.assert_grades_cover(ruleset)
    testing.assert_scores("tests/sample.toml", ruleset, registry, total="95.5", grade="优")
    testing.assert_ruleset_properties(ruleset, registry, examples=30)  # evalrules check, as a test
    testing.assert_kernel_agrees(MyStrategy(), {"param": 1}, items)     # kernel == score, per item

Every assertion raises AssertionError with a message in Chinese that says what was wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from .base.errors import EvalrulesError
from .base.numbers import CONTEXT, fmt
from .engine.scoring import score
from .hooks.registry import Registry, load_registry
from .hooks.strategies import InputProblem, KernelStrategy, PrepareContext, ScoringInput, ScoringStrategy
from .io.loading import load_ruleset
from .io.project_input import load_project
from .model.project import Project
from .model.result import Result
from .model.ruleset import Ruleset
from .selfcheck.projects import projects
from .selfcheck.properties import DEFAULT_EXAMPLES, check_ruleset
from .selfcheck.report import CheckReport

__all__ = [
    "assert_grades_cover",
    "assert_kernel_agrees",
    "assert_ruleset_loads",
    "assert_ruleset_properties",
    "assert_scores",
    "check_ruleset",
    "plugin_registry",
    "projects",
]


def plugin_registry(*plugins: object, defaults: bool = True) -> Registry:
    """An isolated registry: the built-ins (unless ``defaults=False``) and exactly the plugins
    given (modules or objects with ``@hookimpl`` functions). Installed plugins are ignored, and
    any plugin problem is raised at once (strict)."""
    return load_registry(plugins, defaults=defaults, entry_points=False, strict=True, blocked=())


def assert_ruleset_loads(reference: str | Path, registry: Registry) -> Ruleset:
    """The ruleset loads (by id or path) without a single problem; returns it."""
    try:
        return load_ruleset(reference, registry)
    except EvalrulesError as error:
        raise AssertionError(f"规则集 {reference} 无法加载：\n{error.render()}") from None


def assert_grades_cover(ruleset: Ruleset) -> None:
    """The grade bands are ordered, touch each other and cover [0, max] with no gap or overlap."""
    bands = sorted(ruleset.grades, key=lambda band: band.low)
    if not bands:
        raise AssertionError(f"规则集 {ruleset.info.id} 没有等级")
    if bands[0].low != 0:
        raise AssertionError(f"最低等级 {bands[0].name} 从 {fmt(bands[0].low)} 开始，而不是 0")
    if bands[-1].high != ruleset.max:
        raise AssertionError(
            f"最高等级 {bands[-1].name} 到 {fmt(bands[-1].high)} 为止，而不是满分 {fmt(ruleset.max)}"
        )
    for lower, upper in itertools.pairwise(bands):
        if lower.high != upper.low:
            raise AssertionError(
                f"等级 {lower.name} [{fmt(lower.low)}, {fmt(lower.high)}) 与 {upper.name} "
                f"[{fmt(upper.low)}, …) 之间有缝隙或重叠"
            )


def assert_scores(
    project: str | Path | Project,
    ruleset: Ruleset,
    registry: Registry,
    *,
    total: str | Decimal | None = None,
    grade: str | None = None,
) -> Result:
    """The project scores without a problem (and, when given, to this total and grade)."""
    try:
        loaded = project if isinstance(project, Project) else load_project(project)
        result = score(loaded, ruleset, registry)
    except EvalrulesError as error:
        raise AssertionError(f"项目无法按 {ruleset.info.id} 评分：\n{error.render()}") from None
    if total is not None and result.total != Decimal(str(total)):
        raise AssertionError(f"总分应为 {total}，实际为 {fmt(result.total)}")
    if grade is not None and result.grade != grade:
        raise AssertionError(f"等级应为 {grade}，实际为 {result.grade}（总分 {fmt(result.total)}）")
    return result


def assert_ruleset_properties(
    ruleset: Ruleset,
    registry: Registry | None = None,
    *,
    examples: int = DEFAULT_EXAMPLES,
    seed: int | None = None,
) -> CheckReport:
    """What ``evalrules check`` does, as an assertion: every property holds on ``examples``
    generated projects (fixed seed) and every worked example ([[examples]]) gets its expected
    scores. The AssertionError carries the whole report, counter-examples included."""
    report = check_ruleset(ruleset, registry, examples=examples, seed=seed)
    if not report.ok:
        raise AssertionError(f"规则集 {ruleset.info.id} 自检未通过：\n{report.render()}")
    return report


def assert_kernel_agrees(
    strategy: ScoringStrategy,
    params: Mapping[str, Any],
    items: Iterable[ScoringInput],
    registry: Registry | None = None,
) -> int:
    """A strategy's ``kernel`` gives the number its ``score`` gives, for every item ``score``
    accepts (the plan scores many projects with the kernel; an explanation uses ``score``, and
    the two must never disagree). Items ``score`` refuses (InputProblem) are skipped: the engine
    then never uses the kernel. Feed it generated items, e.g. from hypothesis; returns how many
    items were compared, so a test can insist that enough were."""
    if not isinstance(strategy, KernelStrategy):
        raise AssertionError(f"计分方法 {strategy.name} 没有 kernel：无需比较（evalrules 会调用 score）")
    registry = registry or load_registry((), defaults=True, entry_points=False, strict=True, blocked=())
    prepared = strategy.prepare(params, PrepareContext(registry.functions))
    kernel = strategy.kernel(prepared)
    compared = 0
    for item in items:
        with localcontext(CONTEXT):
            try:
                expected = strategy.score(prepared, item).score
            except InputProblem:
                continue
            got = kernel(item.target, item.assessment, item.budget, item.weight)
        if got != expected:
            raise AssertionError(
                f"计分方法 {strategy.name} 的 kernel 得 {got}，score 得 {expected}（{'/'.join(item.path)}，"
                f"分值 {fmt(item.weight)}）：两者必须一致"
            )
        compared += 1
    return compared
