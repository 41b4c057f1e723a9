from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import evalrules
from evalrules import testing
from evalrules.hooks.registry import DEFAULT_PLUGINS
from evalrules.model.ruleset import GradeBand

from .conftest import SEED
from .test_plugins import ProvincePlugin


def test_plugin_registry_is_isolated_and_strict() -> None:
    registry = testing.plugin_registry(ProvincePlugin())
    assert "halves" in registry.strategies and "double" in registry.functions
    assert [p.name for p in registry.plugins][: len(DEFAULT_PLUGINS)] == list(DEFAULT_PLUGINS)
    assert not testing.plugin_registry(defaults=False).strategies

    class Misspelled:
        @evalrules.hookimpl
        def register_rulesetz(self) -> list[Any]:
            return []

    with pytest.raises(evalrules.PluginError):
        testing.plugin_registry(Misspelled())


def test_assertions_pass_on_the_national_ruleset() -> None:
    registry = testing.plugin_registry()
    ruleset = testing.assert_ruleset_loads("caiyu_2020_10", registry)
    testing.assert_grades_cover(ruleset)
    result = testing.assert_scores(SEED, ruleset, registry, total="100", grade="优")
    assert result.total == Decimal(100)


def test_assertions_fail_with_a_reason(write: Callable[[str, str], Path]) -> None:
    registry = testing.plugin_registry()
    with pytest.raises(AssertionError, match="无法加载"):
        testing.assert_ruleset_loads(write("bad.toml", "[ruleset]\n"), registry)
    ruleset = evalrules.load_ruleset("caiyu_2020_10", registry)
    gap = attrs.evolve(
        ruleset, grades=(GradeBand("优", Decimal(90), Decimal(100)), GradeBand("差", Decimal(0), Decimal(89)))
    )
    with pytest.raises(AssertionError, match="缝隙"):
        testing.assert_grades_cover(gap)
    short = attrs.evolve(ruleset, grades=(GradeBand("优", Decimal(10), Decimal(100)),))
    with pytest.raises(AssertionError, match="不是 0"):
        testing.assert_grades_cover(short)
    with pytest.raises(AssertionError, match="等级应为 良"):
        testing.assert_scores(SEED, ruleset, registry, grade="良")
    with pytest.raises(AssertionError, match="总分应为 99"):
        testing.assert_scores(SEED, ruleset, registry, total="99")
    with pytest.raises(AssertionError, match="无法按"):
        testing.assert_scores(SEED, evalrules.load_ruleset("caiyu_2020_10_self", registry), registry)


def test_ruleset_properties_as_assertions(write: Callable[[str, str], Path]) -> None:
    registry = testing.plugin_registry()
    ruleset = testing.assert_ruleset_loads("caiyu_2020_10_self", registry)
    report = testing.assert_ruleset_properties(ruleset, registry, examples=5)
    assert report.ok and report is not None and len(report.examples) == 5
    assert testing.check_ruleset(ruleset, registry, examples=5).render() == report.render()
    over = write(
        "over.toml",
        '[ruleset]\nid = "over"\nversion = "1"\ntitle = "t"\ndocument = "d"\nissuer = "i"\n'
        'extends = "caiyu_2020_10_self"\n\n[[override]]\npath = "预算执行率"\nmethod = "formula"\n'
        'params = { formula = "执行数 / 全年预算数 * 分值" }\n',
    )
    defective = testing.assert_ruleset_loads(over, registry)
    with pytest.raises(AssertionError, match=r"规则集 over 自检未通过(.|\n)*反例（已化简）：指标 预算执行率"):
        testing.assert_ruleset_properties(defective, registry, examples=8)


def test_generated_projects_score_under_their_ruleset() -> None:
    from hypothesis import given, settings

    registry = testing.plugin_registry()
    ruleset = evalrules.load_ruleset("caiyu_2020_10", registry)

    @settings(max_examples=10, deadline=None, database=None)
    @given(testing.projects(ruleset))
    def scores(project: evalrules.Project) -> None:
        result = evalrules.score(project, ruleset, registry)
        assert 0 <= result.total <= 100 and result.grade in {"优", "良", "中", "差"}

    scores()


def _target_items(pairs: list[tuple[str, str]]) -> list[evalrules.ScoringInput]:
    from evalrules.base.sources import Place
    from evalrules.model.project import Budget, Target
    from evalrules.model.ruleset import Rounding

    return [
        evalrules.ScoringInput(
            ("产出", "数量", "x"),
            Decimal("10"),
            Budget(),
            Rounding(),
            Target(
                slot=("产出", "数量"),
                name="x",
                operator="<=",
                value=Decimal(value),
                value_text=value,
                unit="",
                actual=Decimal(actual),
                actual_text=actual,
                place=Place("p.toml", "targets[0]"),
            ),
        )
        for value, actual in pairs
    ]


PAIRS = [("100", "90"), ("100", "150"), ("100", "250"), ("0", "0"), ("0", "3"), ("-1", "2"), ("7", "7.5")]


def test_assert_kernel_agrees_passes_a_builtin_and_counts_what_it_compared() -> None:
    from evalrules.default_plugins.targets import Reverse

    for variant in ("ratio", "deviation"):
        assert (
            testing.assert_kernel_agrees(Reverse(), {"variant": variant}, _target_items(PAIRS)) == 6
        )  # -1 refused


def test_assert_kernel_agrees_catches_a_kernel_that_disagrees() -> None:
    @attrs.frozen
    class Halving:
        """A plugin's strategy whose kernel forgot what its score does above the target."""

        name: str = "halving"
        title: str = "半分"
        doc: str = "达到指标值得满分，否则半分"
        params_doc: dict[str, str] = attrs.Factory(dict)

        def prepare(self, params: Any, context: Any) -> None:
            return None

        def score(self, prepared: None, item: evalrules.ScoringInput) -> evalrules.Outcome:
            target = item.target
            assert target is not None and target.actual is not None and target.value is not None
            full = target.actual <= target.value
            return evalrules.Outcome(item.weight if full else item.weight / 2, ("",))

        def kernel(self, prepared: None) -> Any:
            return lambda target, assessment, budget, weight: weight / 2

    with pytest.raises(AssertionError, match=r"kernel 得 5，score 得 10"):
        testing.assert_kernel_agrees(Halving(), {}, _target_items(PAIRS))
