"""The documentation in docs/ stays complete, and its examples stay real.

Every list checked here comes from the code (module constants, the registry of the built-in
plugins, the resolved form of a ruleset, the keys of a real result), so the test fails when the
code grows a key, a strategy, a function, an operator, a cap, a hook or an error code that the
documentation does not mention. Code-block conventions in docs/*.md:

- ```toml / ```json: a complete file. A TOML file with a [ruleset] table is a ruleset and must
  load; one with a [project] table (or a JSON object with "project") is a project and must load
  and score under its ruleset. A JSON object with "total" and "indicators" is a result sample.
- ```toml fragment: part of a file; it must still be valid TOML.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest

import evalrules
from evalrules import (
    cli,
    formula,
    hookspecs,
    inheritance,
    loading,
    numbers,
    plugins,
    project,
    project_loading,
)
from evalrules.default_plugins import functions as builtin_functions
from evalrules.export import ruleset_to_data
from evalrules.model import SOURCE_TAGS, NotApplicablePolicy, Rounding, Slot
from evalrules.plugins import Registry, build_registry, new_plugin_manager

from .conftest import ROOT, SEED

DOCS = ROOT / "docs"
PAGES = (
    "index",
    "ruleset-format",
    "project-format",
    "formulas",
    "strategies",
    "scoring",
    "plugins",
    "glossary",
)
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")
ERROR_CODE = re.compile(r"[\"'](E-[A-Z]+(?:-[A-Z]+)*)[\"']")
PLUGIN_PAGE = "plugins"
"""Its ruleset example needs the example plugin's strategy and function: checked on its own."""


def page(name: str) -> str:
    path = DOCS / f"{name}.md"
    assert path.is_file(), f"docs/{name}.md is missing"
    return path.read_text(encoding="utf-8")


def blocks(text: str, info: str) -> list[str]:
    """The bodies of the fenced code blocks whose info string is exactly ``info``."""
    return [body for found, body in FENCE.findall(text) if found.strip() == info]


def code(name: object) -> str:
    return f"`{name}`"


def mentions(text: str, value: object) -> bool:
    """The value appears as inline code, bare (`x`) or quoted (`"x"`)."""
    return code(value) in text or code(f'"{value}"') in text


def missing(text: str, names: typing.Iterable[object]) -> list[str]:
    return [str(name) for name in names if not mentions(text, name)]


def sections(text: str) -> dict[str, str]:
    """Each heading line mapped to the text under it, up to the next heading of any level."""
    parts = re.split(r"^(#{1,6} .*)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@pytest.fixture(scope="module")
def builtins() -> Registry:
    """The built-in plugins only: installed third-party plugins document themselves."""
    return build_registry(new_plugin_manager())


# --- every page -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_exists_and_opens_with_an_english_summary(name: str) -> None:
    head = "\n".join(page(name).splitlines()[:6])
    assert head.startswith("# "), f"docs/{name}.md should start with a title"
    assert "**English summary.**" in head, f"docs/{name}.md needs a short English summary at the top"


@pytest.mark.parametrize("name", PAGES)
def test_links_between_pages_resolve(name: str) -> None:
    for target in LINK.findall(page(name)):
        if target.startswith(("http://", "https://")):
            continue
        file, _, anchor = target.partition("#")
        linked = (DOCS / file) if file else DOCS / f"{name}.md"
        assert linked.is_file(), f"docs/{name}.md links to a missing file: {target}"
        if anchor:
            headings = [slug(h) for h in sections(linked.read_text(encoding="utf-8"))]
            assert anchor in headings, f"docs/{name}.md links to a missing heading: {target}"


def test_index_links_every_page() -> None:
    text = page("index")
    assert [p for p in PAGES if p != "index" and f"]({p}.md)" not in text] == []


def test_index_documents_every_command() -> None:
    text = page("index")
    assert [c for c in cli._COMMANDS if f"evalrules {c}" not in text] == []


def test_every_error_code_is_documented() -> None:
    source = Path(evalrules.__file__).parent
    codes = {m for path in source.rglob("*.py") for m in ERROR_CODE.findall(path.read_text("utf-8"))}
    assert codes, "no error codes found in the source"
    docs = "\n".join(page(p) for p in PAGES)
    assert sorted(missing(docs, codes)) == []


# --- ruleset-format.md ----------------------------------------------------------------------


def test_ruleset_format_documents_every_key() -> None:
    text = page("ruleset-format")
    resolved = ruleset_to_data(evalrules.load_ruleset("caiyu_2020_10"))
    keys: set[str] = {*loading.TOP_KEYS, *loading.INFO_KEYS, *loading.INDICATOR_KEYS}
    for table in ("scoring", "rounding", "not_applicable"):
        keys |= set(resolved[table])
    keys |= {key for band in resolved["grades"] for key in band}
    keys |= {key for entry in resolved["provenance"].values() for key in entry}
    keys |= {field.name for cls in (Rounding, NotApplicablePolicy, Slot) for field in attrs.fields(cls)}
    assert sorted(missing(text, keys)) == []


def test_ruleset_format_documents_every_value() -> None:
    text = page("ruleset-format")
    values: set[object] = {*SOURCE_TAGS, *SOURCE_TAGS.values(), *numbers.ROUNDING_MODES}
    for cls in (Rounding, NotApplicablePolicy, Slot):
        for hint in typing.get_type_hints(cls).values():
            if typing.get_origin(hint) is typing.Literal:
                values |= set(typing.get_args(hint))
    assert sorted(map(str, missing(text, values))) == []
    assert code("MAX_EXTENDS_DEPTH") in text and str(inheritance.MAX_EXTENDS_DEPTH) in text


# --- project-format.md ----------------------------------------------------------------------


def test_project_format_documents_every_key() -> None:
    text = page("project-format")
    keys = {
        *project_loading.TOP_KEYS,
        *project_loading.PROJECT_KEYS,
        *project_loading.TARGET_KEYS,
        *project_loading.ASSESSMENT_KEYS,
        *project_loading.CLAIM_KEYS,
        *project.BUDGET_FIELDS,
    }
    assert sorted(missing(text, keys)) == []


def test_project_format_documents_every_operator_spelling() -> None:
    assert missing(page("project-format"), project.OPERATORS) == []


def test_project_format_has_complete_examples_in_toml_and_json() -> None:
    text = page("project-format")
    toml_projects = [b for b in blocks(text, "toml") if "project" in tomllib.loads(b)]
    json_projects = [b for b in blocks(text, "json") if "project" in json.loads(b)]
    assert toml_projects, "docs/project-format.md needs a complete ```toml project example"
    assert json_projects, "docs/project-format.md needs a complete ```json project example"


# --- formulas.md ----------------------------------------------------------------------------


def test_formulas_documents_every_function_with_its_signature(builtins: Registry) -> None:
    text = page("formulas")
    assert [f.signature for f in builtins.functions.values() if code(f.signature) not in text] == []


def test_formulas_documents_every_operator() -> None:
    assert missing(page("formulas"), formula.OPERATORS) == []


def _caps() -> dict[str, int]:
    """The resource caps: the integer constants of the formula module, the built-in functions
    and the decimal context (MAX_FORMULA_LENGTH, …, PRECISION, EXPONENT_LIMIT)."""
    caps = {}
    for module in (formula, builtin_functions, numbers):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, int) and not isinstance(value, bool):
                caps[name] = value
    return caps


def test_formulas_documents_every_cap_with_its_value() -> None:
    text = page("formulas")
    caps = _caps()
    assert {"MAX_FORMULA_LENGTH", "MAX_FORMULA_DEPTH", "MAX_FORMULA_NODES", "MAX_EXPONENT"} <= set(caps)
    wrong = [
        f"{name} = {value}"
        for name, value in caps.items()
        if not re.search(rf"^\|\s*`{name}`\s*\|\s*{value}\s*\|", text, re.MULTILINE)
    ]
    assert wrong == [], "each cap needs a table row | `NAME` | value | in docs/formulas.md"


# --- strategies.md --------------------------------------------------------------------------


def test_strategies_documents_every_strategy_and_parameter(builtins: Registry) -> None:
    parts = sections(page("strategies"))
    problems = []
    for name, strategy in builtins.strategies.items():
        found = [body for heading, body in parts.items() if code(name) in heading]
        if not found:
            problems.append(f"no heading for strategy `{name}`")
            continue
        problems += [f"{name}: parameter `{key}`" for key in missing(found[0], strategy.params_doc)]
    assert problems == []


# --- scoring.md -----------------------------------------------------------------------------


def _result_keys(data: dict[str, Any]) -> tuple[set[str], set[str], dict[str, set[str]]]:
    nested = {key: set(value) for key, value in data.items() if isinstance(value, dict)}
    node_keys = {key for node in data["indicators"] for key in node}
    return set(data), node_keys, nested


def test_scoring_documents_the_json_result() -> None:
    text = page("scoring")
    real = evalrules.score(evalrules.load_project(SEED), evalrules.load_ruleset("caiyu_2020_10")).to_dict()
    top, node_keys, nested = _result_keys(real)
    assert sorted(missing(text, top | node_keys | set().union(*nested.values()))) == []
    samples = [json.loads(b) for b in blocks(text, "json")]
    samples = [s for s in samples if "total" in s and "indicators" in s]
    assert samples, "docs/scoring.md needs a ```json result sample"
    for sample in samples:
        assert _result_keys(sample) == (top, node_keys, nested)


def test_scoring_documents_every_rounding_stage_and_policy() -> None:
    text = page("scoring")
    values = {
        *typing.get_args(typing.get_type_hints(Rounding)["stage"]),
        *typing.get_args(typing.get_type_hints(NotApplicablePolicy)["policy"]),
    }
    assert sorted(missing(text, values)) == []


# --- plugins.md -----------------------------------------------------------------------------


def _hookspecs() -> dict[str, Any]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return {name: f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, marker)}


def test_plugins_documents_every_hook_with_its_signature() -> None:
    text = page(PLUGIN_PAGE)
    specs = _hookspecs()
    assert specs, "no hook specifications found"
    calls = [f"{name}({', '.join(inspect.signature(f).parameters)})" for name, f in specs.items()]
    headings = list(sections(text))
    assert [c for c in calls if not any(c in heading for heading in headings)] == [], "a heading per hook"


def test_plugins_documents_default_plugins_and_entry_point_group() -> None:
    text = page(PLUGIN_PAGE)
    assert missing(text, ("DEFAULT_PLUGINS", *plugins.DEFAULT_PLUGINS, "E-PLUGIN-DUPLICATE")) == []
    assert f"[project.entry-points.{plugins.ENTRY_POINT_GROUP}]" in text
    assert code(plugins.ENTRY_POINT_GROUP) in text


def test_plugins_example_plugin_registers_and_its_ruleset_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = page(PLUGIN_PAGE)
    [source] = [b for b in blocks(text, "python") if "@hookimpl" in b and "def register_strategies" in b]
    [ruleset_text] = [b for b in blocks(text, "toml") if "ruleset" in tomllib.loads(b)]
    ruleset_id = tomllib.loads(ruleset_text)["ruleset"]["id"]
    package = re.search(r'^demo = "(\w+)"$', text, re.MULTILINE)
    assert package, 'the entry point `demo = "module"` of the example plugin'
    folder = tmp_path / package.group(1)
    folder.mkdir()
    (folder / "__init__.py").write_text(source, encoding="utf-8")
    (folder / f"{ruleset_id}.toml").write_text(ruleset_text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, package.group(1), raising=False)
    module = importlib.import_module(package.group(1))
    try:
        assert [name for name in _hookspecs() if not hasattr(module, name)] == [], "show every hook"
        registry = build_registry(new_plugin_manager([module]))
        ruleset = evalrules.load_ruleset(ruleset_id, registry=registry)
        assert ruleset.info.id == ruleset_id
    finally:
        sys.modules.pop(package.group(1), None)


# --- every example is real ------------------------------------------------------------------


def _examples() -> list[tuple[str, int, str, str]]:
    found = []
    for name in PAGES:
        for info in ("toml", "json", "toml fragment"):
            for index, body in enumerate(blocks(page(name), info)):
                found.append((name, index, info, body))
    return found


EXAMPLES = _examples()


def _rulesets_of_the_docs() -> dict[str, str]:
    """Every complete ruleset example outside the plugin page, by id."""
    rulesets = {}
    for name, _, info, body in EXAMPLES:
        if info == "toml" and name != PLUGIN_PAGE and "ruleset" in (data := tomllib.loads(body)):
            rulesets[data["ruleset"]["id"]] = body
    return rulesets


@pytest.mark.parametrize(
    ("name", "index", "info", "body"),
    EXAMPLES,
    ids=[f"{name}-{info.replace(' ', '-')}-{index}" for name, index, info, _ in EXAMPLES],
)
def test_example_is_real(
    name: str, index: int, info: str, body: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(body) if info == "json" else tomllib.loads(body)
    if info == "toml fragment" or (name == PLUGIN_PAGE and "ruleset" in data):
        return  # a fragment parses; the plugin's ruleset is loaded with its plugin above
    if info == "json" and {"total", "indicators"} <= set(data):
        return  # a result sample: its keys are checked in test_scoring_documents_the_json_result
    # Projects refer to rulesets of the docs by file name, relative to the working directory.
    for ruleset_id, text in _rulesets_of_the_docs().items():
        (tmp_path / f"{ruleset_id}.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    if "ruleset" in data:
        ruleset = evalrules.load_ruleset(tmp_path / f"{data['ruleset']['id']}.toml")
        assert ruleset.info.id == data["ruleset"]["id"]
    elif "project" in data:
        path = tmp_path / f"project.{info}"
        path.write_text(body, encoding="utf-8")
        loaded = evalrules.load_project(path)
        assert loaded.ruleset, f"docs/{name}.md: a complete project example names its ruleset"
        result = evalrules.score(loaded, evalrules.load_ruleset(loaded.ruleset))
        assert result.grade and 0 <= result.total <= result.max
    else:
        pytest.fail(
            f"docs/{name}.md ```{info} block {index} is neither a ruleset nor a project: "
            "fence a partial file as ```toml fragment"
        )
