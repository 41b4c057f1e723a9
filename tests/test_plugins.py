from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

import evalrules
from evalrules import FormulaFunction, PluginError, hookimpl
from evalrules.base.sources import RulesetSource
from evalrules.hooks.registry import (
    BLOCK_ENV,
    DEFAULT_PLUGINS,
    STRICT_ENV,
    build_registry,
    load_registry,
    new_plugin_manager,
)
from evalrules.hooks.strategies import Outcome, PrepareContext, ScoringInput
from evalrules.io.project_loading import project_from_text

from .conftest import ROOT


@frozen
class Halves:
    """A strategy a province might add: full marks at or above target, half below."""

    name: str = "halves"
    title: str = "两档"
    doc: str = "达到指标值得满分，否则得一半。"
    params_doc: Mapping[str, str] = {}

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> None:
        return None

    def score(self, prepared: None, item: ScoringInput) -> Outcome:
        assert item.target is not None and item.target.actual is not None and item.target.value is not None
        full = item.target.actual >= item.target.value
        return Outcome(item.weight if full else item.weight / 2, ("两档计分",))


class ProvincePlugin:
    @hookimpl
    def register_strategies(self) -> list[Any]:
        return [Halves()]

    @hookimpl
    def register_functions(self) -> list[FormulaFunction]:
        return [FormulaFunction("double", lambda x: x * 2, "double(x)", "加倍", 1, 1)]


def test_builtins_are_registered_through_the_hooks() -> None:
    manager = new_plugin_manager()
    assert set(DEFAULT_PLUGINS) <= {manager.get_name(p) for p in manager.get_plugins()}
    registry = build_registry(manager)
    assert {
        "positive",
        "reverse",
        "equal",
        "qualitative",
        "deduction",
        "step",
        "checklist",
        "execution_rate",
        "arrival_rate",
        "manual",
        "formula",
        "survey",
        "panel",
    } == set(registry.strategies)
    assert {"min", "max", "abs", "clamp", "ratio", "round"} == set(registry.functions)
    assert {"caiyu_2020_10", "caiyu_2020_10_self"} <= set(registry.rulesets)
    assert registry.origin("strategy", "positive") == "evalrules.default_plugins.targets"


def test_a_plugin_adds_scoring_logic_used_by_a_ruleset(write: Callable[[str, str], Path]) -> None:
    registry = build_registry(new_plugin_manager([ProvincePlugin()]))
    ruleset_text = (ROOT / "rulesets" / "caiyu_2020_10_self.toml").read_text(encoding="utf-8")
    ruleset_text = ruleset_text.replace('">=" = { method = "positive" }', '">=" = { method = "halves" }')
    ruleset_text = ruleset_text.replace('id = "caiyu_2020_10_self"', 'id = "province"')
    ruleset = evalrules.load_ruleset(write("province.toml", ruleset_text), registry)
    project = project_from_text(
        '[project]\nname = "p"\n[budget]\n"全年预算数" = 10\n"执行数" = 10\n'
        '[[targets]]\nslot = "产出指标"\nname = "a"\noperator = ">="\nvalue = 10\nactual = 5\n'
        '[[targets]]\nslot = "效益指标"\nname = "b"\noperator = ">="\nvalue = 1\nactual = 1\n'
    )
    result = evalrules.score(project, ruleset, registry)
    assert result.node("产出指标", "a").score == 25 and result.node("产出指标", "a").reasons == ("两档计分",)
    formula = evalrules.compile_formula("double(分值)", functions=registry.functions, names=["分值"])
    assert formula.evaluate({"分值": Decimal(3)}) == 6


def test_duplicate_names_fail_naming_both_plugins() -> None:
    class Copycat:
        @hookimpl
        def register_functions(self) -> list[FormulaFunction]:
            return [FormulaFunction("min", min, "min(a, b)", "重复", 1)]

    manager = new_plugin_manager()
    manager.register(Copycat(), name="copycat")
    with pytest.raises(PluginError) as caught:
        build_registry(manager)
    message = caught.value.render()
    assert "min" in message and "evalrules.default_plugins.functions" in message and "copycat" in message


def test_misspelled_hook_is_rejected() -> None:
    class Misspelled:
        @hookimpl
        def register_strategys(self) -> list[Any]:
            return []

    with pytest.raises(PluginError) as caught:
        new_plugin_manager([Misspelled()])
    assert "Misspelled" in caught.value.render() and "register_strategys" in caught.value.render()


def test_a_plugin_whose_hook_fails_or_returns_junk_is_reported() -> None:
    class Broken:
        @hookimpl
        def register_functions(self) -> list[Any]:
            raise RuntimeError("数据库不可用")

        @hookimpl
        def register_strategies(self) -> list[Any]:
            return [object()]

    with pytest.raises(PluginError) as caught:
        build_registry(new_plugin_manager([Broken()]))
    text = caught.value.render()
    assert "Broken" in text and "数据库不可用" in text and "register_strategies" in text


def test_registry_without_defaults_is_empty() -> None:
    registry = build_registry(new_plugin_manager(defaults=False))
    assert not registry.strategies and not registry.functions and not registry.rulesets


def test_default_registry_is_built_once() -> None:
    assert evalrules.default_registry() is evalrules.default_registry()


@frozen
class Buggy:
    """A plugin strategy with a bug: it fails where a real one would score."""

    name: str = "buggy"
    title: str = "有缺陷的方法"
    doc: str = "总是出错。"
    params_doc: Mapping[str, str] = {"fail_in_prepare": "为真时在检查参数时出错"}

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> None:
        if params.get("fail_in_prepare"):
            raise KeyError("boom")

    def score(self, prepared: None, item: ScoringInput) -> Outcome:
        return Outcome(Decimal(1) / Decimal(0), ())


class BuggyPlugin:
    @hookimpl
    def register_strategies(self) -> list[Any]:
        return [Buggy()]


@pytest.mark.parametrize("fail_in_prepare", [True, False])
def test_a_buggy_plugin_strategy_becomes_a_located_problem(
    write: Callable[[str, str], Path], fail_in_prepare: bool
) -> None:
    manager = new_plugin_manager()
    manager.register(BuggyPlugin(), name="buggy-plugin")
    registry = build_registry(manager)
    params = "{ fail_in_prepare = true }" if fail_in_prepare else "{}"
    ruleset_text = (
        '[ruleset]\nid = "b"\nversion = "1"\ntitle = "b"\ndocument = "d"\nissuer = "i"\n'
        '[[grades]]\nname = "合格"\nmin = 0\n'
        f'[[indicators]]\nname = "决策"\nweight = 100\nmethod = "buggy"\nparams = {params}\n'
    )
    path = write("b.toml", ruleset_text)
    if fail_in_prepare:
        with pytest.raises(evalrules.LoadError) as loading:
            evalrules.load_ruleset(path, registry)
        assert "buggy-plugin" in loading.value.render() and loading.value.problems[0].line == 14
        return
    ruleset = evalrules.load_ruleset(path, registry)
    with pytest.raises(evalrules.ScoringError) as scoring:
        evalrules.score(project_from_text('[project]\nname = "p"\n'), ruleset, registry)
    problem = scoring.value.problems[0]
    assert problem.code == "E-STRATEGY" and "buggy-plugin" in problem.message and problem.where == "指标 决策"


class Garbage:
    name: str = "garbage"
    title: str = "返回无效结果的方法"
    doc: str = "测试用。"
    params_doc: Mapping[str, str] = {}

    def __init__(self, returned: Any) -> None:
        self.returned = returned

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> None:
        return None

    def score(self, prepared: None, item: ScoringInput) -> Any:
        if isinstance(self.returned, BaseException):
            raise self.returned
        return self.returned


@pytest.mark.parametrize(
    ("returned", "code", "said"),
    [
        (None, "E-PLUGIN-RESULT", "应返回 Outcome"),
        (Decimal(5), "E-PLUGIN-RESULT", "应返回 Outcome"),
        (Outcome(Decimal("NaN"), ()), "E-PLUGIN-RESULT", "有限的 Decimal"),
        (Outcome(5, ()), "E-PLUGIN-RESULT", "有限的 Decimal"),  # type: ignore[arg-type]
        (Outcome(Decimal(5), "满分"), "E-PLUGIN-RESULT", "理由"),  # type: ignore[arg-type]
        (Outcome(Decimal(5), (1,)), "E-PLUGIN-RESULT", "理由"),  # type: ignore[arg-type]
        (Outcome(Decimal(5), (), {"x": 1}), "E-PLUGIN-RESULT", "inputs"),  # type: ignore[dict-item]
        (SystemExit(9), "E-STRATEGY", "SystemExit(9)"),
    ],
)
def test_a_strategy_returning_garbage_is_a_located_problem(
    write: Callable[[str, str], Path], returned: Any, code: str, said: str
) -> None:
    # issue 23, 6: a strategy returning None gave an AttributeError traceback
    class Plugin:
        @hookimpl
        def register_strategies(self) -> list[Any]:
            return [Garbage(returned)]

    manager = new_plugin_manager()
    manager.register(Plugin(), name="garbage-plugin")
    registry = build_registry(manager)
    path = write(
        "g.toml",
        '[ruleset]\nid = "g"\nversion = "1"\ntitle = "g"\ndocument = "d"\nissuer = "i"\n'
        '[[grades]]\nname = "合格"\nmin = 0\n'
        '[[indicators]]\nname = "决策"\nweight = 100\nmethod = "garbage"\n',
    )
    ruleset = evalrules.load_ruleset(path, registry)
    with pytest.raises(evalrules.ScoringError) as scoring:
        evalrules.score(project_from_text('[project]\nname = "p"\n'), ruleset, registry)
    problem = scoring.value.problems[0]
    assert problem.code == code and "garbage-plugin" in problem.message and said in problem.message
    assert problem.where == "指标 决策"


class Clashing:
    """A plugin taking the id of a built-in ruleset beside a strategy of its own."""

    @hookimpl
    def register_rulesets(self) -> list[Any]:
        return [RulesetSource.from_file(ROOT / "rulesets" / "caiyu_2020_10.toml")]

    @hookimpl
    def register_strategies(self) -> list[Any]:
        return [Garbage(None)]


def test_a_plugin_taking_a_builtin_ruleset_id_is_disabled_not_fatal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 23, 6: the clash made every command fail, `evalrules plugins` included
    registry = load_registry([Clashing()], entry_points=False, strict=False)
    assert registry.origin("ruleset", "caiyu_2020_10") == "evalrules.default_plugins.rulesets"
    assert "garbage" not in registry.strategies  # the clashing plugin contributes nothing
    failed = [plugin for plugin in registry.plugins if plugin.name == "Clashing"]
    assert failed and failed[0].error and "caiyu_2020_10" in failed[0].error and "未启用" in failed[0].error
    with pytest.raises(PluginError) as caught:
        load_registry([Clashing()], entry_points=False, strict=True)
    assert caught.value.problems[0].code == "E-PLUGIN-DUPLICATE"


def test_cli_runs_beside_an_installed_plugin_that_takes_a_builtin_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from evalrules.cli.main import main

    point = importlib.metadata.EntryPoint("clashing", "tests.fake_plugins.clashing", "evalrules")
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **selection: [point])
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.delenv(BLOCK_ENV, raising=False)
    evalrules.default_registry.cache_clear()
    try:
        assert main(["plugins"]) == 0
        assert "重复登记" in capsys.readouterr().out
        assert main(["score", str(ROOT / "examples" / "akto-2022.toml")]) == 0
        captured = capsys.readouterr()
        assert "总分 100 / 100" in captured.out and "插件 clashing 加载失败" in captured.err
    finally:
        evalrules.default_registry.cache_clear()


FAKE = {
    "good": "tests.fake_plugins.good",
    "broken": "tests.fake_plugins.broken_import",
    "junk": "tests.fake_plugins.junk",
    "misspelled": "tests.fake_plugins.misspelled",
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the fake plugins are installed under the entry-point group "evalrules"."""
    points = [importlib.metadata.EntryPoint(name, value, "evalrules") for name, value in FAKE.items()]

    def entry_points(**selection: str) -> list[importlib.metadata.EntryPoint]:
        return points if selection.get("group") == "evalrules" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def test_broken_installed_plugins_are_recorded_and_the_rest_load(installed: None) -> None:
    registry = load_registry(strict=False, blocked=())
    infos = {plugin.name: plugin for plugin in registry.plugins}
    assert "triple" in registry.functions and infos["good"].error is None
    assert infos["good"].registered == {"function": ("triple",)}
    assert "some_missing_package" in (infos["broken"].error or "")
    assert "register_strategies" in (infos["junk"].error or "")
    assert "register_rulesetz" in (infos["misspelled"].error or "")
    assert {p.name for p in registry.failures} == {"broken", "junk", "misspelled"}
    assert "positive" in registry.strategies  # the built-ins still load


def test_strict_makes_any_failure_fatal(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PluginError) as caught:
        load_registry(strict=True, blocked=("junk", "misspelled"))
    assert "broken" in caught.value.render()
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(PluginError):
        load_registry(blocked=())


def test_blocked_plugins_are_not_loaded(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "broken, junk,misspelled")
    monkeypatch.delenv(STRICT_ENV, raising=False)
    registry = load_registry()
    infos = {plugin.name: plugin for plugin in registry.plugins}
    assert infos["broken"].blocked and infos["broken"].error is None
    assert not registry.failures and "triple" in registry.functions
    strict = load_registry(strict=True)
    assert "triple" in strict.functions


def test_cli_plugins_lists_errors_while_other_commands_work(
    installed: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from evalrules.cli.main import main

    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.delenv(BLOCK_ENV, raising=False)
    evalrules.default_registry.cache_clear()
    try:
        assert main(["plugins"]) == 0
        out = capsys.readouterr().out
        assert "broken" in out and "加载失败" in out and "some_missing_package" in out
        assert "evalrules.default_plugins.targets" in out and "计分方法：equal" in out
        assert main(["score", str(ROOT / "examples" / "akto-2022.toml")]) == 0
        captured = capsys.readouterr()
        assert "总分 100 / 100" in captured.out
        assert "注意：插件 broken、junk、misspelled 加载失败" in captured.err
        assert main(["--strict-plugins", "rulesets"]) == 1
        assert "E-PLUGIN-IMPORT" in capsys.readouterr().err
    finally:
        evalrules.default_registry.cache_clear()


def test_two_installed_plugins_with_one_name(monkeypatch: pytest.MonkeyPatch) -> None:
    points = [
        importlib.metadata.EntryPoint("same", "tests.fake_plugins.good", "evalrules"),
        importlib.metadata.EntryPoint("same", "tests.fake_plugins.junk", "evalrules"),
    ]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **selection: points)
    registry = load_registry(strict=False, blocked=())
    assert [p.error for p in registry.plugins if p.name == "same"][1] is not None
    with pytest.raises(PluginError) as caught:
        load_registry(strict=True, blocked=())
    assert caught.value.problems[0].code == "E-PLUGIN-DUPLICATE"


def test_option_kinds_and_defaults_are_checked() -> None:
    from evalrules.hooks.adjusting import RulesetOption

    class BadOptions:
        @hookimpl
        def register_options(self) -> list[RulesetOption]:
            return [RulesetOption("a", "boolean", False, "x"), RulesetOption("b", "bool", "no", "x")]  # type: ignore[arg-type]

    with pytest.raises(PluginError) as caught:
        build_registry(new_plugin_manager([BadOptions()]))
    assert "boolean" in caught.value.render()
    lenient = build_registry(new_plugin_manager([BadOptions()]), strict=False)
    assert "a" not in lenient.options and any(p.error for p in lenient.plugins if p.name == "BadOptions")


def test_adjusters_follow_pluggys_order() -> None:
    from evalrules.hooks.adjusting import Adjustment

    class First:
        @hookimpl(tryfirst=True)
        def adjust_result(self) -> Adjustment:
            return Adjustment("先封顶", grade="良")

    class Second:
        @hookimpl
        def adjust_result(self) -> Adjustment:
            return Adjustment("再否决", grade="差")

    registry = build_registry(new_plugin_manager([First(), Second()]))
    assert [name for name, _, _ in registry.adjusters] == ["First", "Second"]
    result = evalrules.score(
        evalrules.load_project(ROOT / "examples" / "akto-2022.toml"),
        evalrules.load_ruleset("caiyu_2020_10", registry),
        registry,
    )
    assert result.grade == "差" and [r.reason for r in result.adjustments] == ["先封顶", "再否决"]
