"""The documentation in docs/ stays complete, and its examples stay real.

Every list checked here comes from the code (module constants, the registry of the built-in
plugins, the resolved form of a ruleset, the keys of a real result, the hook specifications, the
command-line parser, ``evalrules.testing.__all__``, the registered review checks, the keys of a
real audit report), so the test fails when the code grows a key, a strategy, a function, an
operator, a cap, a hook, a command, a review check or an error code that the documentation does
not mention. Code-block conventions in docs/*.md:

- ```toml / ```json: a complete file. A TOML file with a [ruleset] table is a ruleset and must
  load; one with a [project] table (or a JSON object with "project") is a project and must load
  and score under its ruleset. A JSON object with "total" and "indicators" is a result sample: it
  must equal the real result of the project of that name on the same page.
- ```toml fragment / ```json fragment: part of a file; it must still be valid TOML or JSON.
- ```LANG file=PATH: a file of the example plugin distribution that docs/plugin-tutorial.md builds
  (and docs/plugin-testing.md tests). The files are written out, the plugin is registered, its
  rulesets are loaded, its sample project is scored, its tests are run and every ``$ evalrules …``
  session shown in the tutorial is run against it as if it were installed.
- ```text blocks in docs/audit.md that start with ``$ evalrules audit …``: the command is run in
  the repository (built-in checks only) and must print what is shown; a line ``…`` stands for
  lines left out.
- ```console / ```sh blocks that start with ``$ ``: a session. Every ``$ evalrules …`` runs in the
  repository (installed plugins blocked) and must print what is shown under it (standard output,
  then standard error; ``…`` stands for lines left out); exit status 1 when an ``[E-…]`` line is
  shown, 0 or 3 for audit, batch and check, else 0. Only evalrules commands may follow ``$ ``.
- ```console / ```sh blocks without ``$ `` (the documented way to show a command that is not
  run: placeholder files, installs): a synopsis. Each ``evalrules …`` command must parse with the
  real command-line parser, ``EVALRULES_…`` variables must exist, and paths into the repository
  (examples/…, rulesets/…, benchmarks/…, docs/…) must exist.
- ```python: runs as a script in a folder with a copy of examples/ and the page's first ```csv /
  ```jsonl block as projects.csv / projects.jsonl (on the plugin pages, with the tutorial's
  plugin importable); its ``assert`` statements are its checks. ```python fragment: must parse.
- The shell and Python blocks of README.md follow the same conventions and are checked too.
- The operator and function tables of docs/formulas.md: each example is evaluated and must give
  the result shown; the section between the GENERATED markers is what tools/formula_reference.py
  writes from the code.
"""

from __future__ import annotations

import argparse
import doctest
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import typing
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import attrs
import pytest

import evalrules
from evalrules import testing
from evalrules.auditing.run import AuditReport
from evalrules.base import numbers, sources
from evalrules.cli import main as cli
from evalrules.default_plugins import functions as builtin_functions
from evalrules.formula import evaluator as formula
from evalrules.hooks import adjusting, findings, outlines, strategies
from evalrules.hooks import registry as plugins
from evalrules.hooks import review_checks as contract
from evalrules.hooks import specs as hookspecs
from evalrules.hooks.registry import Registry, build_registry, load_registry, new_plugin_manager
from evalrules.io import inheritance, project_reader, schema
from evalrules.io.export import ruleset_to_data
from evalrules.model import claims, operators, project, result
from evalrules.model import ruleset as model
from evalrules.model.ruleset import SOURCE_TAGS, AuditPolicy, NotApplicablePolicy, Rounding, Slot
from evalrules.monitoring import load_monitoring_ruleset

from .conftest import ROOT, SEED

DOCS = ROOT / "docs"
PAGES = (
    "index",
    "ruleset-format",
    "project-format",
    "formulas",
    "strategies",
    "scoring",
    "audit",
    "report",
    "batch",
    "flat-formats",
    "plugins",
    "plugin-tutorial",
    "hooks",
    "plugin-testing",
    "glossary",
    "performance",
    "check",
    "safety",
    "getting-started",
    "api",
    "json-formats",
    "stability",
    "design",
    "review",
    "monitoring",
)
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
FILE_INFO = re.compile(r"^(\w+) file=(\S+)$")
LINK = re.compile(r"\]\(([^)\s]+)\)")
ERROR_CODE = re.compile(r"[\"'](E-[A-Z]+(?:-[A-Z]+)*)[\"']")
AUDIT_CODE = re.compile(r"[\"'](A-[A-Z]+(?:-[A-Z]+)*)[\"']")
USING_PLUGINS = "plugins"
TUTORIAL = "plugin-tutorial"
HOOKS = "hooks"
TESTING = "plugin-testing"
AUDIT = "audit"
PLUGIN_PAGES = (USING_PLUGINS, TUTORIAL, HOOKS, TESTING)
"""Pages whose examples use the tutorial's example plugin: checked with it registered."""


def page(name: str) -> str:
    path = DOCS / f"{name}.md"
    assert path.is_file(), f"docs/{name}.md is missing"
    return path.read_text(encoding="utf-8")


def blocks(text: str, info: str) -> list[str]:
    """The bodies of the fenced code blocks whose info string is exactly ``info``."""
    return [body for found, body in FENCE.findall(text) if found.strip() == info]


def example_files(*names: str) -> dict[str, str]:
    """The files of the example plugin distribution: the blocks fenced as ```LANG file=PATH."""
    files: dict[str, str] = {}
    for name in names:
        for info, body in FENCE.findall(page(name)):
            match = FILE_INFO.match(info.strip())
            if match:
                assert match.group(2) not in files, f"docs/{name}.md: {match.group(2)} is shown twice"
                files[match.group(2)] = body
    return files


def code(name: object) -> str:
    return f"`{name}`"


def _row(text: str, value: str) -> bool:
    """A table row whose first cell is `value`."""
    return re.search(rf"^\|\s*`{re.escape(value)}`\s*\|", text, re.MULTILINE) is not None


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


def error_codes(pattern: re.Pattern[str] = ERROR_CODE) -> set[str]:
    source = Path(evalrules.__file__).parent
    return {m for path in source.rglob("*.py") for m in pattern.findall(path.read_text("utf-8"))}


def call(name: str, function: Any) -> str:
    """How the docs write a call: the name and the parameters with defaults, no annotations."""
    signature = inspect.signature(function)
    plain = signature.replace(
        parameters=[p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()],
        return_annotation=inspect.Signature.empty,
    )
    return f"{name}{plain}"


@pytest.fixture(scope="module")
def builtins() -> Registry:
    """The built-in plugins only: installed third-party plugins document themselves."""
    return build_registry(new_plugin_manager())


class Distribution(NamedTuple):
    """The tutorial's example plugin, written out from the docs and imported."""

    root: Path
    """The folder holding its pyproject.toml."""
    pyproject: dict[str, Any]
    name: str
    """The entry point's name: the plugin's name once installed."""
    plugin: ModuleType
    registry: Registry
    """The built-ins and this plugin (evalrules.testing.plugin_registry)."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Distribution]:
    files = example_files(TUTORIAL, TESTING)
    projects = [path for path in files if path.endswith("/pyproject.toml")]
    assert len(projects) == 1, f"docs/{TUTORIAL}.md shows one pyproject.toml (```toml file=…/pyproject.toml)"
    base = tmp_path_factory.mktemp("distribution")
    for path, body in files.items():
        (base / path).parent.mkdir(parents=True, exist_ok=True)
        (base / path).write_text(body, encoding="utf-8")
    pyproject = tomllib.loads(files[projects[0]])
    entry_points = pyproject["project"].get("entry-points", {}).get(plugins.ENTRY_POINT_GROUP, {})
    assert len(entry_points) == 1, f"one entry point in [project.entry-points.{plugins.ENTRY_POINT_GROUP}]"
    [(name, target)] = entry_points.items()
    package, _, attribute = target.partition(":")
    root = (base / projects[0]).parent
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(root))
        try:
            module = importlib.import_module(package)
            plugin = getattr(module, attribute) if attribute else module
            yield Distribution(root, pyproject, name, plugin, testing.plugin_registry(plugin))
        finally:
            top = package.split(".")[0]
            for loaded in [m for m in sys.modules if m == top or m.startswith(f"{top}.")]:
                del sys.modules[loaded]


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


def _global_options() -> list[str]:
    """The options of the command line that come before the command (--strict-plugins, …)."""
    actions = cli._parser()._actions
    return [s for a in actions for s in a.option_strings if s.startswith("--") and s != "--help"]


def test_index_documents_every_command_and_global_option() -> None:
    text = page("index")
    assert [c for c in cli._COMMANDS if f"evalrules {c}" not in text] == []
    assert _global_options(), "no global options found in the parser"
    assert missing(text, _global_options()) == []


def test_every_error_code_is_documented() -> None:
    codes = error_codes()
    assert codes, "no error codes found in the source"
    docs = "\n".join(page(p) for p in PAGES)
    assert sorted(missing(docs, codes)) == []


# --- ruleset-format.md ----------------------------------------------------------------------


def _declared_keys(module: ModuleType) -> set[str]:
    """Every key a module declares in its ``…_KEYS`` (and ``…_RESERVED``) constants: the items of
    a tuple, the keys of a dict and the items of the tuples it maps to."""
    keys: set[str] = set()
    for name, value in vars(module).items():
        if not (name.isupper() and name.endswith(("_KEYS", "_RESERVED"))):
            continue
        keys |= set(value)
        if isinstance(value, dict):
            keys |= {key for item in value.values() if isinstance(item, tuple) for key in item}
    return keys


def test_ruleset_format_documents_every_key() -> None:
    """Every key of evalrules.io.schema (all its …_KEYS constants, so a new table's keys are
    included), and every key of the resolved built-in ruleset."""
    text = page("ruleset-format")
    resolved = ruleset_to_data(evalrules.load_ruleset("caiyu_2020_10"))
    keys: set[str] = _declared_keys(schema)
    assert {*schema.TOP_KEYS, *schema.INFO_KEYS, *schema.INDICATOR_KEYS, *schema.AUDIT_KEYS} <= keys
    for table in ("scoring", "rounding", "not_applicable"):
        keys |= set(resolved[table])
    keys |= {key for band in resolved["grades"] for key in band}
    keys |= {key for entry in resolved["provenance"].values() for key in entry}
    keys |= {field.name for cls in (Rounding, NotApplicablePolicy, Slot) for field in attrs.fields(cls)}
    assert sorted(missing(text, keys)) == []


def test_ruleset_format_documents_the_audit_table() -> None:
    """Each review threshold has a row in the [audit] section, with the check that uses it."""
    [body] = [body for heading, body in sections(page("ruleset-format")).items() if "`[audit]`" in heading]
    names = {*schema.AUDIT_KEYS, *(field.name for field in attrs.fields(AuditPolicy))}
    assert [n for n in sorted(names) if not _row(body, n)] == []
    assert code("E-AUDIT") in body


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
    """Every key project_reader and claims declare (their …_KEYS constants) and every budget figure."""
    text = page("project-format")
    keys = {*_declared_keys(project_reader), *_declared_keys(claims), *project.BUDGET_FIELDS}
    assert {*project_reader.TARGET_KEYS, *project_reader.ASSESSMENT_KEYS} <= keys
    assert sorted(missing(text, keys)) == []


def test_project_format_documents_every_budget_key() -> None:
    """The [budget] section has a row for every figure (BUDGET_FIELDS) and every other field of
    Budget (unit, reason)."""
    [body] = [body for heading, body in sections(page("project-format")).items() if "`[budget]`" in heading]
    keys = {
        *project.BUDGET_FIELDS,
        # summed is not written: it records which totals were taken as the sum of the rows
        *(f.name for f in attrs.fields(project.Budget) if f.name not in ("figures", "places", "summed")),
    }
    assert [k for k in sorted(keys) if not _row(body, k)] == []


def test_project_format_documents_every_claim_key() -> None:
    """[claims] and each of its arrays of tables: every key the reader accepts has a table row in
    the section about it."""
    parts = sections(page("project-format"))
    tables = {
        "`[claims]`": claims.CLAIM_KEYS,
        "`[[claims.counts]]`": claims.COUNT_KEYS,
        "`[[claims.figures]]`": claims.FIGURE_KEYS,
        "`[[claims.sums]]`": claims.SUM_KEYS,
    }
    problems = []
    for table, keys in tables.items():
        found = [body for heading, body in parts.items() if table in heading]
        if not found:
            problems.append(f"no heading for {table}")
            continue
        problems += [f"{table}: `{k}`" for k in keys if not _row(found[0], k)]
    assert problems == []


def test_project_format_documents_every_operator_spelling() -> None:
    assert missing(page("project-format"), operators.OPERATORS) == []


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


OPTIONAL_RESULT_KEYS = {"rescaled", "total_range"}
"""Keys a result has only when they apply (a rescaled total, values not known): the seed has none."""
OPTIONAL_NODE_KEYS = {"range"}


def _result_keys(data: dict[str, Any]) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """The keys of a result, of its nodes and of each object inside it, optional keys left out."""
    nested = {
        key: set(value)
        for key, value in data.items()
        if isinstance(value, dict) and key not in OPTIONAL_RESULT_KEYS
    }
    node_keys = {key for node in data["indicators"] for key in node} - OPTIONAL_NODE_KEYS
    return set(data) - OPTIONAL_RESULT_KEYS, node_keys, nested


def _record_keys(data: dict[str, Any]) -> dict[str, set[str]]:
    """The keys of an adjustment record, and of each object inside it ("" for the top)."""
    keys = {"": set(data)}
    keys.update({key: set(value) for key, value in data.items() if isinstance(value, dict)})
    return keys


RECORD = adjusting.AdjustmentRecord("插件", "原因", "优", "差", Decimal(95), Decimal(95)).to_dict()


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
        optional = {key: sample[key] for key in OPTIONAL_RESULT_KEYS if key in sample}
        nodes = sample["indicators"]
        optional |= {key: node[key] for node in nodes for key in OPTIONAL_NODE_KEYS if key in node}
        inner = {k for value in optional.values() if isinstance(value, dict) for k in value}
        assert sorted(missing(text, set(optional) | inner)) == []


def test_scoring_documents_adjustment_records() -> None:
    text = page("scoring")
    assert sorted(missing(text, set().union(*_record_keys(RECORD).values()))) == []
    shown = [json.loads(b) for b in blocks(text, "json fragment")]
    records = [record for data in shown for record in data.get("adjustments", [])]
    assert records, "docs/scoring.md needs a ```json fragment with an adjustments example"
    assert [_record_keys(record) for record in records] == [_record_keys(RECORD)] * len(records)


def test_scoring_result_sample_is_the_real_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample is what `evalrules score --format json` gives for the page's project (the
    ruleset's SHA-256 aside, which changes with every edit of a built-in ruleset)."""
    text = page("scoring")
    projects = {tomllib.loads(b)["project"]["name"]: b for b in blocks(text, "toml") if "project" in b}
    monkeypatch.chdir(tmp_path)
    for ruleset_id, body in _rulesets_of_the_docs().items():
        (tmp_path / f"{ruleset_id}.toml").write_text(body, encoding="utf-8")
    for sample in [json.loads(b, parse_float=Decimal) for b in blocks(text, "json")]:
        if {"total", "indicators"} <= set(sample):
            path = tmp_path / "project.toml"
            path.write_text(projects[sample["project"]["name"]], encoding="utf-8")
            loaded = evalrules.load_project(path)
            real = evalrules.score(loaded, evalrules.load_ruleset(loaded.ruleset or "")).to_dict()
            assert re.fullmatch("[0-9a-f]{64}", sample["ruleset"].pop("sha256"))
            real["ruleset"].pop("sha256")
            assert sample == real


def test_scoring_documents_every_rounding_stage_and_policy() -> None:
    text = page("scoring")
    values = {
        *typing.get_args(typing.get_type_hints(Rounding)["stage"]),
        *typing.get_args(typing.get_type_hints(NotApplicablePolicy)["policy"]),
    }
    assert sorted(missing(text, values)) == []


# --- audit.md -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checks() -> dict[str, Any]:
    """The built-in review checks (installed plugins document their own)."""
    registry = load_registry(entry_points=False)
    built_in = {
        name
        for plugin in registry.plugins
        if plugin.name in plugins.DEFAULT_PLUGINS
        for name in plugin.registered.get("check", ())
    }
    return {name: check for name, check in registry.checks.items() if name in built_in}


def test_audit_page_documents_every_check(checks: dict[str, Any]) -> None:
    """Every built-in check: a row in the overview table with its severity, and a heading whose
    section states the severity and shows an example finding (a ```text block with its code)."""
    assert len(checks) > 10, "the built-in checks are missing"
    text = page(AUDIT)
    parts = sections(text)
    problems = []
    for name, check in checks.items():
        row = re.search(rf"^\|\s*`{re.escape(name)}`\s*\|\s*`(\w+)`\s*\|", text, re.MULTILINE)
        if row is None:
            problems.append(f"{name}: no row | `{name}` | `severity` | in the overview table")
        elif row.group(1) != check.severity:
            problems.append(f"{name}: the table says {row.group(1)}, the check is {check.severity}")
        found = [body for heading, body in parts.items() if code(name) in heading]
        if not found:
            problems.append(f"{name}: no heading")
            continue
        if code(check.severity) not in found[0]:
            problems.append(f"{name}: its section does not state its severity `{check.severity}`")
        if not any(f"[{name}]" in body for body in blocks(found[0], "text")):
            problems.append(f"{name}: its section shows no example finding")
    assert problems == []


def test_audit_page_documents_every_code_in_the_source() -> None:
    """Every A-… code written in the source (the checks and those the review framework reports
    itself: A-SCORING, A-WEIGHT-SUM, A-CHECK-FAILED) has a heading or a table row."""
    codes = error_codes(AUDIT_CODE)
    assert {"A-SCORING", "A-WEIGHT-SUM", "A-CHECK-FAILED"} <= codes
    text = page(AUDIT)
    headings = list(sections(text))
    undocumented = [c for c in sorted(codes) if not _row(text, c) and not any(code(c) in h for h in headings)]
    assert undocumented == []


def test_audit_page_documents_the_command() -> None:
    """The options of `evalrules audit` with their choices, every exit code, the [claims] and
    [audit] keys, and a link to the hook that adds checks."""
    text = page(AUDIT)
    [parser] = [
        action.choices["audit"]
        for action in cli._parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    options = [a for a in parser._actions if a.option_strings and "--help" not in a.option_strings]
    assert options
    problems = [a.option_strings[-1] for a in options if not _row(text, a.option_strings[-1])]
    problems += [str(c) for a in options for c in (a.choices or ()) if not mentions(text, c)]
    problems += [f"exit {n}" for n in (0, 1, 2, 3) if not re.search(rf"^\|\s*{n}\s*\|", text, re.MULTILINE)]
    problems += missing(text, (*claims.CLAIM_KEYS, *schema.AUDIT_KEYS, "register_checks"))
    assert problems == []
    assert "](hooks.md" in text, "link to the hook reference"


def test_audit_page_documents_the_json_report(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    """Every key of the JSON report and of a finding (one with all optional keys)."""
    report = evalrules.audit(seed, national, load_registry(entry_points=False))
    full = findings.Finding(
        "A-X", "error", "说明", ("决策",), Decimal(1), Decimal(2), sources.Place("p.toml", "[claims]", 3)
    )
    data = full.to_dict()
    keys = {*report.to_dict(), *report.to_dict()["counts"], *data, *data["location"]}
    assert code(AuditReport.__name__) in page(AUDIT)
    assert sorted(missing(page(AUDIT), keys)) == []


def test_audit_sessions_give_the_output_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each `$ evalrules audit …` session of docs/audit.md, run in the repository with the
    installed plugins blocked (their checks could add findings of their own)."""
    sessions = [(c, shown) for c, shown in _sessions(page(AUDIT)) if c.startswith("evalrules audit")]
    assert sessions, (
        "docs/audit.md shows the review of the seed: a ```text block starting `$ evalrules audit …`"
    )
    installed = [e.name for e in importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)]
    monkeypatch.setenv(plugins.BLOCK_ENV, ",".join(installed))
    monkeypatch.delenv(plugins.STRICT_ENV, raising=False)
    monkeypatch.chdir(ROOT)
    plugins.default_registry.cache_clear()
    try:
        for command, shown in sessions:
            status = cli.main(shlex.split(command)[1:])
            captured = capsys.readouterr()
            real = [line.rstrip() for line in captured.out.splitlines()]
            while real and not real[-1]:
                real.pop()
            assert status in (0, 3), command + "\n" + captured.err
            if "…" in shown:
                kept = [line for line in shown if line != "…"]
                assert _in_order(kept, real), f"{command}:\n" + "\n".join(real)
            else:
                assert shown == real, f"{command}:\n" + "\n".join(real)
    finally:
        plugins.default_registry.cache_clear()


# --- plugins.md, plugin-tutorial.md, hooks.md, plugin-testing.md -------------------------------


def _hookspecs() -> dict[str, Any]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return {name: f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, marker)}


def test_plugins_page_documents_using_plugins() -> None:
    text = page(USING_PLUGINS)
    plugin_codes = sorted(c for c in error_codes() if c.startswith("E-PLUGIN"))
    assert plugin_codes, "no plugin error codes found in the source"
    names = (
        f"{plugins.__name__}.DEFAULT_PLUGINS",
        *plugins.DEFAULT_PLUGINS,
        plugins.STRICT_ENV,
        plugins.BLOCK_ENV,
    )
    assert missing(text, (*names, *_global_options(), *plugin_codes)) == []
    assert "evalrules plugins" in text and "evalrules rulesets" in text


def test_plugins_page_extends_a_plugin_ruleset_and_sets_its_option(demo: Distribution) -> None:
    """An analyst's own ruleset file that extends the example plugin's ruleset and switches on
    one of its options (test_example_is_real loads it, and scores any project shown with it)."""
    rulesets = [tomllib.loads(b) for b in blocks(page(USING_PLUGINS), "toml")]
    ours = [
        data
        for data in rulesets
        if demo.registry.origin("ruleset", str(data.get("ruleset", {}).get("extends")))
        == demo.plugin.__name__
        and set(data.get("options", {})) & set(demo.registry.options)
    ]
    assert ours, f"docs/{USING_PLUGINS}.md: a ```toml ruleset that extends the example plugin's ruleset"
    assert "--ruleset" in page(USING_PLUGINS)


def test_hooks_page_documents_every_hook_with_its_signature() -> None:
    specs = _hookspecs()
    assert specs, "no hook specifications found"
    headings = list(sections(page(HOOKS)))
    wanted = []
    for name, function in specs.items():
        signature = inspect.signature(function)
        returns = signature.return_annotation
        returns = returns if isinstance(returns, str) else inspect.formatannotation(returns)
        wanted.append(f"`{name}({', '.join(signature.parameters)}) -> {returns}`")
    assert [w for w in wanted if not any(w in heading for heading in headings)] == [], "a heading per hook"


def _value_objects() -> list[type]:
    """The classes the hooks return (inside list[...] or ... | None), from their annotations."""
    namespace: dict[str, Any] = {}
    for module in (
        adjusting,
        findings,
        formula,
        model,
        outlines,
        project,
        result,
        sources,
        strategies,
        contract,
    ):
        namespace.update(vars(module))
    found: list[type] = []
    for function in _hookspecs().values():
        returned = typing.get_type_hints(function, globalns=namespace)["return"]
        for kind in typing.get_args(returned) or (returned,):
            for cls in typing.get_args(kind) or (kind,):
                if isinstance(cls, type) and cls is not type(None) and cls not in found:
                    found.append(cls)
    return found


def _members(cls: type, namespace: dict[str, Any] | None = None) -> list[str]:
    """Attrs fields (and the values of Literal fields), or a protocol's members, calls written
    with their parameters (`prepare(params, context)`). ``namespace`` resolves the names a module
    imports only for type checking."""
    if attrs.has(cls):
        names: list[str] = [field.name for field in attrs.fields(cls)]
        for hint in typing.get_type_hints(cls, localns=namespace).values():
            if typing.get_origin(hint) is typing.Literal:
                names += [str(value) for value in typing.get_args(hint)]
        return names
    members = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            members.append(name)
        elif inspect.isfunction(value):
            members.append(call(name, value).replace("(self, ", "(").replace("(self)", "()"))
    return members


def test_hooks_page_documents_every_value_object() -> None:
    classes = _value_objects()
    # each hook returns its own kind of object, except the two kinds of ruleset (evaluation and
    # monitoring), which are both a RulesetSource
    assert len(classes) == len(_hookspecs()) - 1, "a hook's return type is not resolved"
    parts = sections(page(HOOKS))
    problems = []
    for cls in classes:
        found = [body for heading, body in parts.items() if code(cls.__name__) in heading]
        if not found:
            problems.append(f"no heading for `{cls.__name__}`")
            continue
        problems += [f"{cls.__name__}: `{name}`" for name in _members(cls) if code(name) not in found[0]]
    assert problems == []


def test_hooks_page_documents_what_a_check_sees_and_returns() -> None:
    """The classes in the signature of AuditCheck.run (AuditContext, Finding): a heading each,
    with every field."""
    namespace = {**vars(findings), "Registry": Registry}
    hints = typing.get_type_hints(findings.AuditCheck.run, globalns=namespace)
    classes = [
        cls
        for hint in hints.values()
        for cls in (typing.get_args(hint) or (hint,))
        if isinstance(cls, type) and attrs.has(cls)
    ]
    assert {cls.__name__ for cls in classes} == {"AuditContext", "Finding"}
    parts = sections(page(HOOKS))
    problems = []
    for cls in classes:
        found = [body for heading, body in parts.items() if code(cls.__name__) in heading]
        if not found:
            problems.append(f"no heading for `{cls.__name__}`")
            continue
        members = _members(cls, namespace)
        problems += [f"{cls.__name__}: `{name}`" for name in members if code(name) not in found[0]]
    assert problems == []


def test_testing_page_documents_every_helper_with_its_signature() -> None:
    text = page(TESTING)
    assert testing.__all__
    assert [c for c in (call(n, getattr(testing, n)) for n in testing.__all__) if code(c) not in text] == []
    assert code(plugins.STRICT_ENV) in text, "strict mode in CI"


def test_tutorial_builds_a_complete_plugin(demo: Distribution) -> None:
    tutorial = page(TUTORIAL)
    assert f"[project.entry-points.{plugins.ENTRY_POINT_GROUP}]" in tutorial
    assert code(plugins.ENTRY_POINT_GROUP) in tutorial
    assert {"build-system", "project"} <= set(demo.pyproject), "a pyproject.toml that pip can install"
    specs = _hookspecs()
    assert [name for name in specs if not hasattr(demo.plugin, name)] == [], "show every hook"
    empty = [name for name, f in specs.items() if not inspect.signature(f).parameters]
    assert [name for name in empty if not getattr(demo.plugin, name)()] == [], "register something"
    # Every ruleset file shipped in the package is registered, loads and grades [0, max].
    package = Path(demo.plugin.__file__ or "").parent
    files = [tomllib.loads(p.read_text("utf-8")) for p in package.rglob("*.toml")]
    shipped = {data["ruleset"]["id"] for data in files if "ruleset" in data}
    ours = {r for r in demo.registry.rulesets if demo.registry.origin("ruleset", r) == demo.plugin.__name__}
    assert shipped and shipped == ours
    for ruleset_id in sorted(ours):
        testing.assert_grades_cover(testing.assert_ruleset_loads(ruleset_id, demo.registry))
    watched = {data["monitoring_ruleset"]["id"] for data in files if "monitoring_ruleset" in data}
    kind = "monitoring_ruleset"
    mine = {
        r for r in demo.registry.monitoring_rulesets if demo.registry.origin(kind, r) == demo.plugin.__name__
    }
    assert watched and watched == mine and len(files) == len(shipped) + len(watched)
    for ruleset_id in sorted(mine):
        assert load_monitoring_ruleset(ruleset_id, demo.registry).id == ruleset_id
    # Every project file of the distribution scores under its ruleset.
    samples = [
        path
        for path in demo.root.rglob("*.toml")
        if path.name != "pyproject.toml" and "project" in tomllib.loads(path.read_text("utf-8"))
    ]
    assert samples, "the tutorial's distribution has a sample project"
    for sample in samples:
        loaded = evalrules.load_project(sample)
        ruleset = testing.assert_ruleset_loads(loaded.ruleset or "", demo.registry)
        testing.assert_scores(loaded, ruleset, demo.registry)


def _sessions(text: str) -> list[tuple[str, list[str]]]:
    """Each `$ evalrules …` line of the ```text blocks that are shell sessions, with the output
    shown under it."""
    found: list[tuple[str, list[str]]] = []
    for body in blocks(text, "text"):
        if not body.startswith("$ "):
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            else:
                found[-1][1].append(line.rstrip())
    for _, output in found:
        while output and not output[-1]:
            output.pop()
    return found


def _in_order(shown: list[str], real: list[str]) -> bool:
    """Every line shown appears in the real output, in the same order (other installed plugins
    may add lines of their own)."""
    rest = iter(real)
    return all(any(line == candidate for candidate in rest) for line in shown)


def test_tutorial_sessions_give_the_output_shown(
    demo: Distribution, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Install the plugin as pip would (a dist-info with its entry points) and run every command
    the tutorial shows, in the distribution's folder."""
    project = demo.pyproject["project"]
    info = tmp_path / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n", encoding="utf-8"
    )
    groups = project["entry-points"]
    entry_points = "".join(
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
        for group, points in groups.items()
    )
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(plugins.STRICT_ENV, raising=False)
    monkeypatch.delenv(plugins.BLOCK_ENV, raising=False)
    monkeypatch.chdir(demo.root)
    assert demo.name in [e.name for e in importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)]
    sessions = _sessions(page(TUTORIAL))
    assert "evalrules plugins" in [command for command, _ in sessions], "show the plugin in the list"
    plugins.default_registry.cache_clear()
    try:
        for command, shown in sessions:
            words = shlex.split(command)
            assert words[0] == "evalrules", command
            code = cli.main(words[1:])
            captured = capsys.readouterr()
            real = (captured.out + captured.err).splitlines()
            assert code == (1 if any(line.startswith("[E-") for line in shown) else 0), command
            assert _in_order(shown, [line.rstrip() for line in real]), f"{command}:\n" + "\n".join(real)
    finally:
        plugins.default_registry.cache_clear()


def test_testing_page_tests_pass(demo: Distribution) -> None:
    """The test file of docs/plugin-testing.md passes against the tutorial's plugin."""
    tests = [path for path in example_files(TESTING) if Path(path).name.startswith("test_")]
    assert tests, f"docs/{TESTING}.md shows a complete test file (```python file=…/tests/test_….py)"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(demo.root), *sys.path])}
    environment.pop(plugins.BLOCK_ENV, None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *(p.split("/", 1)[1] for p in tests),
        ],
        cwd=demo.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


# --- every example is real ------------------------------------------------------------------


def _examples() -> list[tuple[str, int, str, str]]:
    found = []
    for name in PAGES:
        for info in ("toml", "json", "toml fragment", "json fragment"):
            for index, body in enumerate(blocks(page(name), info)):
                found.append((name, index, info, body))
    return found


EXAMPLES = _examples()


def _rulesets_of_the_docs() -> dict[str, str]:
    """Every complete ruleset example, by id."""
    rulesets = {}
    for _, _, info, body in EXAMPLES:
        if info == "toml" and "ruleset" in (data := tomllib.loads(body)):
            assert data["ruleset"]["id"] not in rulesets, f"two ruleset examples are {data['ruleset']['id']}"
            rulesets[data["ruleset"]["id"]] = body
    return rulesets


@pytest.mark.parametrize(
    ("name", "index", "info", "body"),
    EXAMPLES,
    ids=[f"{name}-{info.replace(' ', '-')}-{index}" for name, index, info, _ in EXAMPLES],
)
def test_example_is_real(
    name: str,
    index: int,
    info: str,
    body: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    data = json.loads(body) if info.startswith("json") else tomllib.loads(body)
    if info.endswith("fragment"):
        return  # a fragment parses
    if info == "json" and {"total", "indicators"} <= set(data):
        return  # a result sample: its keys are checked in test_scoring_documents_the_json_result
    # Projects refer to rulesets of the docs by file name, relative to the working directory.
    for ruleset_id, text in _rulesets_of_the_docs().items():
        (tmp_path / f"{ruleset_id}.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # Examples on the plugin pages may use the tutorial's example plugin.
    registry = request.getfixturevalue("demo").registry if name in PLUGIN_PAGES else None
    if "review" in data:  # a review ruleset (docs/review.md)
        path = tmp_path / "review.toml"
        path.write_text(body, encoding="utf-8")
        assert evalrules.load_review_ruleset(path, registry).id == data["review"]["id"]
        return
    if "ruleset" in data:
        ruleset = evalrules.load_ruleset(tmp_path / f"{data['ruleset']['id']}.toml", registry)
        assert ruleset.info.id == data["ruleset"]["id"]
    elif "project" in data:
        path = tmp_path / f"project.{info}"
        path.write_text(body, encoding="utf-8")
        loaded = evalrules.load_project(path)
        assert loaded.ruleset, f"docs/{name}.md: a complete project example names its ruleset"
        result = evalrules.score(loaded, evalrules.load_ruleset(loaded.ruleset, registry), registry)
        assert result.grade and 0 <= result.total <= result.max
    elif "monitoring_ruleset" in data or "monitoring" in data:  # docs/monitoring.md
        from evalrules import monitoring

        path = tmp_path / f"monitoring.{info}"
        path.write_text(body, encoding="utf-8")
        if "monitoring_ruleset" in data:
            assert monitoring.load_monitoring_ruleset(path).id == data["monitoring_ruleset"]["id"]
        else:
            assert monitoring.monitor(monitoring.load_record(path)).light.name
    else:
        pytest.fail(
            f"docs/{name}.md ```{info} block {index} is neither a ruleset nor a project: "
            "fence a partial file as ```toml fragment"
        )


# --- every command and every Python example runs ----------------------------------------------

SHELL = ("console", "sh", "shell", "bash")
"""Fences that hold shell commands."""
README = "../README"
"""The repository's README.md, as a page name: its commands and Python examples are checked too."""
DATA_FILES = {"csv": "projects.csv", "jsonl": "projects.jsonl"}
"""The data blocks of a page, written as these files for the page's Python examples."""
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def _shell_blocks() -> list[tuple[str, int, str]]:
    """(page, index, body) of each shell block: ```console, ```sh, ```shell or ```bash."""
    found = []
    for name in (*PAGES, README):
        bodies = [body for info, body in FENCE.findall(page(name)) if info.strip() in SHELL]
        found += [(name, index, body) for index, body in enumerate(bodies)]
    return found


SHELL_BLOCKS = _shell_blocks()
SESSIONS = [block for block in SHELL_BLOCKS if block[2].startswith("$ ")]
SYNOPSES = [block for block in SHELL_BLOCKS if not block[2].startswith("$ ")]


def _session(body: str) -> list[tuple[str, list[str]]]:
    """Each `$ command` of a session block, with the output lines shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line.rstrip())
    for _, output in found:
        while output and not output[-1]:
            output.pop()
    return found


def _command(line: str) -> tuple[dict[str, str], list[str]]:
    """The environment assignments (`NAME=value` before the command) and the words of a command."""
    words = shlex.split(line, comments=True)
    environment = {}
    while words and (assignment := ASSIGNMENT.match(words[0])):
        environment[assignment.group(1)] = assignment.group(2)
        words.pop(0)
    return environment, words


def _known_environment(environment: dict[str, str]) -> list[str]:
    """Variables named like evalrules's own that the code does not read."""
    known = (plugins.STRICT_ENV, plugins.BLOCK_ENV)
    return [name for name in environment if name.startswith("EVALRULES_") and name not in known]


@pytest.mark.parametrize(
    ("name", "index", "body"), SESSIONS, ids=[f"{name}-{index}" for name, index, _ in SESSIONS]
)
def test_command_session_gives_the_output_shown(
    name: str,
    index: int,
    body: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A ```console (or ```sh) block that starts with `$ ` is a session: every `$ evalrules …`
    runs in the repository (installed plugins blocked, as on a fresh install) and prints what is
    shown under it, standard output then standard error; a line `…` stands for lines left out.
    The exit status is 1 when the output shown has an `[E-…]` problem, 3 is allowed for
    `evalrules audit`, `evalrules batch`, `evalrules check` and `evalrules targets` (findings,
    failed projects, failed properties), 0 otherwise."""
    installed = [e.name for e in importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)]
    monkeypatch.chdir(ROOT)
    plugins.default_registry.cache_clear()
    try:
        for line, shown in _session(body):
            environment, words = _command(line)
            assert words[:1] == ["evalrules"], (
                f"docs/{name}.md: only `$ evalrules …` commands run in a session; show `{line}` in a "
                "block without the `$ ` prompt"
            )
            assert _known_environment(environment) == [], line
            with monkeypatch.context() as patch:
                patch.setenv(plugins.BLOCK_ENV, ",".join(installed))
                patch.delenv(plugins.STRICT_ENV, raising=False)
                for variable, value in environment.items():
                    patch.setenv(variable, value)
                plugins.default_registry.cache_clear()
                status = cli.main(words[1:])
                captured = capsys.readouterr()
            real = [text.rstrip() for text in (captured.out + captured.err).splitlines()]
            while real and not real[-1]:
                real.pop()
            if any(text.startswith("[E-") for text in shown):
                allowed = {1}
            elif words[1:2] in (["audit"], ["batch"], ["check"], ["targets"]):
                allowed = {0, 3}
            else:
                allowed = {0}
            assert status in allowed, f"{line}: exit status {status}\n{captured.err}"
            if "…" in shown:
                kept = [text for text in shown if text != "…"]
                assert _in_order(kept, real), f"docs/{name}.md: {line}\n" + "\n".join(real)
            else:
                assert shown == real, f"docs/{name}.md: {line}\n" + "\n".join(real)
    finally:
        plugins.default_registry.cache_clear()


def _synopsis_commands(body: str) -> list[str]:
    """The commands of a synopsis block: continued lines joined, `&&`, `||`, `;`, `|` split."""
    text = re.sub(r"\\\n\s*", " ", body)
    commands = []
    for line in text.splitlines():
        commands += [part.strip() for part in re.split(r"&&|\|\||;|\|", line) if part.strip()]
    return [command for command in commands if not command.startswith("#")]


@pytest.mark.parametrize(
    ("name", "index", "body"), SYNOPSES, ids=[f"{name}-{index}" for name, index, _ in SYNOPSES]
)
def test_command_synopsis_is_valid(
    name: str, index: int, body: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shell block without the `$ ` prompt is a synopsis: commands with placeholder files
    (项目.toml, 我的规则集.toml) that are not run. Each `evalrules …` command must still parse
    with the real command-line parser (the command, its options and their choices exist), the
    `EVALRULES_…` variables set before a command must be ones evalrules reads, and every path into
    the repository (examples/…, rulesets/…, benchmarks/…, docs/…) must exist."""
    problems = []
    for command in _synopsis_commands(body):
        environment, words = _command(command)
        problems += [f"{command}: unknown variable {v}" for v in _known_environment(environment)]
        problems += [
            f"{command}: {word} does not exist"
            for word in words
            if word.startswith(("examples/", "rulesets/", "benchmarks/", "docs/"))
            and not (ROOT / word).exists()
        ]
        if words and Path(words[0]).name == "evalrules":
            try:
                cli._parser().parse_args(words[1:])
            except SystemExit as stop:  # --help exits 0
                if stop.code:
                    problems.append(f"{command}: {capsys.readouterr().err.strip()}")
    assert problems == [], f"docs/{name}.md"


def _python_blocks() -> list[tuple[str, int, str, str]]:
    found = []
    for name in (*PAGES, README):
        for info in ("python", "python fragment"):
            found += [(name, index, info, body) for index, body in enumerate(blocks(page(name), info))]
    return found


PYTHON_BLOCKS = _python_blocks()


@pytest.mark.parametrize(
    ("name", "index", "info", "body"),
    PYTHON_BLOCKS,
    ids=[f"{name}-{info.replace(' ', '-')}-{index}" for name, index, info, _ in PYTHON_BLOCKS],
)
def test_python_example_runs(
    name: str,
    index: int,
    info: str,
    body: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """A ```python block runs, as a script, in a folder that holds a copy of the repository's
    examples/ and the page's first ```csv and ```jsonl blocks as projects.csv and
    projects.jsonl; on the plugin pages the tutorial's example plugin can be imported. Its
    `assert` statements are its checks. A ```python fragment (part of a module, not runnable on
    its own) must still parse; ```python file=PATH blocks are the example plugin's files, run by
    the tests of the plugin pages."""
    code_object = compile(body, f"docs/{name}.md (python block {index})", "exec")
    if info.endswith("fragment"):
        return
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for kind, file in DATA_FILES.items():
        data = blocks(page(name), kind)
        if data:
            (tmp_path / file).write_text(data[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    if name in PLUGIN_PAGES:
        request.getfixturevalue("demo")  # its folder is on sys.path while the fixture lives
    exec(code_object, {"__name__": "__docs__"})  # the documentation is our own code


# --- the site: every page, the navigation, the API reference ------------------------------------


def test_every_page_is_checked() -> None:
    """Every page of docs/ is in PAGES (English summary, links, examples)."""
    assert sorted(p.stem for p in DOCS.glob("*.md")) == sorted(PAGES)


def test_api_page_lists_the_public_api() -> None:
    """Every name of `evalrules.__all__` has a row linking to the module that defines it, and the
    public modules are rendered (`::: evalrules.…`)."""
    text = page("api")
    rows = dict(re.findall(r"^\| \[`(\w+)`\]\[([\w.]+)\] \|", text, re.MULTILINE))
    homes = {"DEFAULT_PLUGINS": plugins.__name__, "hookimpl": hookspecs.__name__}
    wanted = {n: f"{homes.get(n) or getattr(evalrules, n).__module__}.{n}" for n in evalrules.__all__}
    assert rows == wanted
    rendered = set(re.findall(r"^::: ([\w.]+)", text, re.MULTILINE))
    assert set(API_MODULES) <= rendered
    for module in rendered:
        importlib.import_module(module)


API_MODULES = (
    "evalrules",
    "evalrules.io.loading",
    "evalrules.io.project_input",
    "evalrules.io.project_loading",
    "evalrules.engine.scoring",
    "evalrules.model.result",
    "evalrules.auditing.run",
    "evalrules.hooks.findings",
    "evalrules.batch.run",
    "evalrules.io.flat",
    "evalrules.testing",
    "evalrules.base.errors",
    "evalrules.hooks.strategies",
    "evalrules.hooks.specs",
    "evalrules.hooks.registry",
    "evalrules.formula.evaluator",
    "evalrules.hooks.adjusting",
    "evalrules.model.ruleset",
    "evalrules.model.project",
    "evalrules.schemas",
)
"""The modules an embedder or a plugin author imports."""


def test_site_builds_in_strict_mode(tmp_path: Path) -> None:
    """`mkdocs build --strict`: every page in the navigation, no broken link, anchor or API
    reference (skipped when the docs extra is not installed; .ci/run installs it)."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "site" / "api" / "index.html").is_file()


def test_formulas_quick_reference_is_generated_from_the_code() -> None:
    """The section between the markers of docs/formulas.md is what tools/formula_reference.py
    generates (run it after changing operators, functions or caps)."""
    generator = _tool("formula_reference")
    text = page("formulas")
    assert generator.current(text), "docs/formulas.md lost the markers of the generated section"
    assert generator.current(text) == generator.render(), "run: python tools/formula_reference.py"


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- json-formats.md, stability.md ----------------------------------------------------------------


def _schema_keys(schema: Any) -> set[str]:
    """Every property name anywhere in a JSON Schema."""
    if isinstance(schema, dict):
        keys = set(schema.get("properties", {})) if isinstance(schema.get("properties"), dict) else set()
        return keys.union(*(_schema_keys(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_schema_keys(value) for value in schema))
    return set()


def test_json_formats_documents_every_key(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    """Every key of a real result, adjustment record, review report and finding, and every
    property of the shipped schemas, has a table row on docs/json-formats.md."""
    text = page("json-formats")
    top, node_keys, nested = _result_keys(evalrules.score(seed, national).to_dict())
    report = evalrules.audit(seed, national, load_registry(entry_points=False)).to_dict()
    full = findings.Finding(
        "A-X", "error", "说明", ("决策",), Decimal(1), Decimal(2), sources.Place("p.toml", "[claims]", 3)
    ).to_dict()
    rows = top | node_keys | set(_record_keys(RECORD)[""]) | set(report) | set(full)
    assert sorted(k for k in rows if not _row(text, k)) == []
    inner = set().union(*nested.values(), *_record_keys(RECORD).values(), report["counts"], full["location"])
    assert sorted(missing(text, inner)) == []
    schemas = importlib.import_module("evalrules.schemas")
    for name in schemas.SCHEMAS:
        assert f"`evalrules/schemas/{name}.schema.json`" in text
        assert sorted(missing(text, _schema_keys(schemas.load_schema(name)))) == []
    records = [r for b in blocks(text, "json fragment") for r in json.loads(b).get("adjustments", [])]
    assert records and [_record_keys(r) for r in records] == [_record_keys(RECORD)] * len(records)


def test_stability_page_lists_what_is_stable() -> None:
    """Every hook with its parameters, every command, the global options and environment
    variables, every exit code, the schema files and the public Python names."""
    text = page("stability")
    hooks = [f"{name}({', '.join(inspect.signature(f).parameters)})" for name, f in _hookspecs().items()]
    problems = missing(text, hooks)
    problems += [c for c in cli._COMMANDS if f"`evalrules {c}`" not in text]
    problems += missing(text, (*_global_options(), plugins.STRICT_ENV, plugins.BLOCK_ENV))
    problems += [f"exit {n}" for n in (0, 1, 2, 3) if not re.search(rf"^\|\s*{n}\s*\|", text, re.MULTILINE)]
    problems += missing(text, ("evalrules.__all__", "evalrules.testing.__all__", plugins.ENTRY_POINT_GROUP))
    problems += [f for f in ("result", "audit") if f"`evalrules/schemas/{f}.schema.json`" not in text]
    assert problems == []
    for target in ("ruleset-format.md#", "project-format.md#", "json-formats.md", "hooks.md", "api.md"):
        assert f"]({target}" in text, f"link to {target}"


def _formula_examples() -> list[tuple[str, dict[str, str], str]]:
    """The rows of the operator and function tables of docs/formulas.md: (formula, the values
    written after it as `名称 数值、…`, the result column)."""
    parts = sections(page("formulas"))
    rows = []
    for heading in ("## 运算符", "## 函数"):
        for line in parts[heading].splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) != 4 or not cells[2].startswith("`"):
                continue
            example, _, values = cells[2][1:].partition("`")
            pairs = dict(pair.split() for pair in values.strip("，, ").split("、") if pair.strip())
            rows.append((example, pairs, cells[3]))
    return rows


@pytest.mark.parametrize(("example", "values", "shown"), _formula_examples())
def test_formula_table_example_gives_the_result_shown(
    example: str, values: dict[str, str], shown: str, builtins: Registry
) -> None:
    """Each example of the operator and function tables is evaluated: a result in code must be
    the exact result; 真假值 / 数字 say the kind of result (names without values are set to 1)."""
    names = {name: Decimal(text) for name, text in values.items()}
    compiled = formula.compile_formula(
        example, functions=builtins.functions, names={*names, "实际值", "指标值", "分值", "执行数"}
    )
    result = compiled.evaluate({"实际值": Decimal(1), "指标值": Decimal(1), "分值": Decimal(1), **names})
    if shown == "真假值":
        assert isinstance(result, bool)
    elif shown == "数字":
        assert isinstance(result, Decimal)
    else:
        assert shown == f"`{result if isinstance(result, bool) else format(result, 'f')}`", example


def test_docstring_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``>>>`` examples in the docstrings (shown on the API page) give the output shown."""
    monkeypatch.chdir(ROOT)
    source = Path(evalrules.__file__).parent
    modules = [
        "evalrules"
        + ".".join(("", *path.relative_to(source).with_suffix("").parts)).removesuffix(".__init__")
        for path in sorted(source.rglob("*.py"))
        if ">>> " in path.read_text(encoding="utf-8")
    ]
    assert "evalrules" in modules
    for name in modules:
        failed, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
        assert tried and not failed, name


def test_review_page_documents_every_key_fact_check_and_code() -> None:
    """docs/review.md: every key of a review ruleset, fact name, count name, check function with
    its parameters, and every rule of the shipped review ruleset."""
    from evalrules.review import facts
    from evalrules.review import ruleset as review_ruleset
    from evalrules.review.checks import BUILTIN_CHECKS

    text = page("review")
    names = [*_declared_keys(review_ruleset), *facts.FACT_NAMES, *review_ruleset.count_names()[:3]]
    names += [*facts.CATEGORIES, *review_ruleset.ASPECTS, *contract.TARGET_FIELDS]
    for check in BUILTIN_CHECKS:
        names += [check.name, *check.params, *check.fields]
    names += [rule.id for rule in review_ruleset.load_review_ruleset().rules]
    assert sorted(missing(text, set(names))) == []
