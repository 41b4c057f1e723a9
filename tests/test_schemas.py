"""The JSON Schemas shipped in the package (evalrules/schemas/*.schema.json) describe the real
output: `evalrules score --format json` and `evalrules audit --format json` for the seed, results
under every shipped ruleset (the built-in ones and the regional plugins' of this repository), a
result with not-applicable indicators, a result adjusted by the Xinjiang one-vote veto and a review
of a project that cannot be scored. Each schema also rejects mutated documents, so these tests can
fail. See docs/json-formats.md."""

from __future__ import annotations

import copy
import importlib
import importlib.metadata
import importlib.resources
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

import evalrules
from evalrules import testing
from evalrules.cli import main as cli
from evalrules.hooks import registry as plugins
from evalrules.schemas import SCHEMAS, load_schema

from .conftest import ROOT, SEED

PLUGINS = ROOT / "plugins"

SELF_PROJECT = """\
[project]
name = "村级道路养护"
unit = "某乡人民政府"
year = 2023
ruleset = "caiyu_2020_10_self"

[budget]
"全年预算数" = 50
"执行数" = 45

[[targets]]
slot = "产出指标/数量指标"
name = "养护里程"
operator = ">="
value = 40
unit = "公里"
actual = 36
reason = "一段道路因施工改线未养护"

[[targets]]
slot = "效益指标/社会效益指标"
name = "群众出行条件"
operator = "定性"
value = "明显改善"
actual = "明显改善"
rating = "达成年度指标"
"""
"""A self-evaluation without satisfaction targets: 满意度指标 and several categories are N/A."""


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid(name: str, document: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(document)]
    assert errors == [], f"{name}.schema.json rejects real output"


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(list(argv))
    return status, capsys.readouterr().out


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run commands in the repository with installed third-party plugins blocked."""
    installed = [e.name for e in importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)]
    monkeypatch.setenv(plugins.BLOCK_ENV, ",".join(installed))
    monkeypatch.delenv(plugins.STRICT_ENV, raising=False)
    monkeypatch.chdir(ROOT)
    plugins.default_registry.cache_clear()
    yield
    plugins.default_registry.cache_clear()


def regional(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A regional plugin of this repository, imported from its source folder."""
    monkeypatch.syspath_prepend(str(PLUGINS / f"evalrules-{name}" / "src"))
    return importlib.import_module(f"evalrules_{name}")


# --- the schemas themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_valid_draft_2020_12_and_ships_in_the_package(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    packaged = importlib.resources.files("evalrules") / "schemas" / f"{name}.schema.json"
    assert json.loads(packaged.read_text(encoding="utf-8")) == schema


def test_unknown_schema_is_refused() -> None:
    with pytest.raises(ValueError, match="result"):
        load_schema("results")


# --- results --------------------------------------------------------------------------------------


def test_seed_result_from_the_command_line(in_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run("score", "examples/akto-2022.toml", "--format", "json", capsys=capsys)
    assert status == 0
    data = json.loads(out)
    assert_valid("result", data)
    assert (data["total"], data["grade"]) == (100, "优")
    assert any(node["status"] == "not_applicable" for node in data["indicators"]), "the seed has N/A nodes"


def test_result_with_a_whole_first_level_not_applicable(tmp_path: Path) -> None:
    path = tmp_path / "self.toml"
    path.write_text(SELF_PROJECT, encoding="utf-8")
    project = evalrules.load_project(path)
    data = evalrules.score(project, evalrules.load_ruleset("caiyu_2020_10_self")).to_dict()
    assert_valid("result", data)
    [satisfaction] = [node for node in data["indicators"] if node["path"] == ["满意度指标"]]
    assert (satisfaction["status"], satisfaction["score"]) == ("not_applicable", None)


def _shipped_projects(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[Path, evalrules.Registry]]:
    """A project for every shipped ruleset, with the registry that knows its ruleset."""
    builtins = testing.plugin_registry()
    return {
        "caiyu_2020_10": (SEED, builtins),
        "xinjiang_2018_189": (SEED, testing.plugin_registry(regional("xinjiang", monkeypatch))),
        "sichuan_self": (
            PLUGINS / "evalrules-sichuan" / "examples" / "sample.toml",
            testing.plugin_registry(regional("sichuan", monkeypatch)),
        ),
    }


def test_results_under_every_shipped_ruleset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects = _shipped_projects(monkeypatch)
    self_path = tmp_path / "self.toml"
    self_path.write_text(SELF_PROJECT, encoding="utf-8")
    projects["caiyu_2020_10_self"] = (self_path, testing.plugin_registry())
    shipped = {path.stem for path in (ROOT / "rulesets").glob("*.toml")}
    shipped |= {p.stem for p in PLUGINS.glob("*/src/*/rulesets/*.toml")}
    assert shipped <= set(projects), "add a project for the new ruleset"
    for ruleset_id, (path, registry) in projects.items():
        ruleset = evalrules.load_ruleset(ruleset_id, registry)
        data = evalrules.score(evalrules.load_project(path), ruleset, registry).to_dict()
        assert data["ruleset"]["id"] == ruleset_id
        assert_valid("result", data)


def test_result_adjusted_by_the_xinjiang_veto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = testing.plugin_registry(regional("xinjiang", monkeypatch))
    project = tmp_path / "project.toml"
    project.write_text(
        SEED.read_text(encoding="utf-8") + '\n[flags]\n"违规违纪" = "挪用专项资金 20 万元"\n',
        encoding="utf-8",
    )
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[ruleset]\nid = "akto_veto"\nversion = "1"\ntitle = "含一票否决"\ndocument = "新财预〔2018〕189号"\n'
        'issuer = "某县财政局"\nextends = "xinjiang_2018_189"\n\n[options]\nveto = true\n',
        encoding="utf-8",
    )
    ruleset = evalrules.load_ruleset(mine, registry)
    data = evalrules.score(evalrules.load_project(project), ruleset, registry).to_dict()
    assert data["adjustments"], "the veto adjusted the result"
    assert (
        data["grade"]
        == data["adjustments"][-1]["grade"]["after"]
        != data["adjustments"][0]["grade"]["before"]
    )
    assert_valid("result", data)


# --- review reports -------------------------------------------------------------------------------


def test_seed_review_from_the_command_line(in_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run("audit", "examples/akto-2022.toml", "--format", "json", capsys=capsys)
    assert status == 3, "the seed's report contradicts itself"
    data = json.loads(out)
    assert_valid("audit", data)
    assert data["findings"] and all("location" in finding for finding in data["findings"])
    assert any(isinstance(f.get("claimed"), str) for f in data["findings"]), "a unit is claimed as text"


def test_review_of_a_project_that_cannot_be_scored(tmp_path: Path) -> None:
    path = tmp_path / "self.toml"
    path.write_text(SELF_PROJECT.replace("actual = 36\n", ""), encoding="utf-8")
    report = evalrules.audit(evalrules.load_project(path), evalrules.load_ruleset("caiyu_2020_10_self"))
    data = report.to_dict()
    assert (data["total"], data["grade"]) == (None, None)
    assert_valid("audit", data)


# --- the schemas reject what is not the format ----------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]

RESULT_MUTATIONS: dict[str, Mutation] = {
    "total as a string": lambda d: d.update(total="100"),
    "no grade": lambda d: d.pop("grade"),
    "an unknown key": lambda d: d.update(totals=100),
    "a bad sha256": lambda d: d["ruleset"].update(sha256="abc"),
    "an unknown status": lambda d: d["indicators"][0].update(status="skipped"),
    "a negative score": lambda d: d["indicators"][0].update(score=-1),
    "a scored node without a score": lambda d: d["indicators"][0].update(score=None),
    "a not-applicable node with a score": lambda d: [
        node.update(score=0) for node in d["indicators"] if node["status"] == "not_applicable"
    ],
    "an input as a number": lambda d: d["indicators"][-1]["inputs"].update(指标值=44),
    "an empty path": lambda d: d["indicators"][0].update(path=[]),
}


@pytest.mark.parametrize("mutation", RESULT_MUTATIONS)
def test_result_schema_rejects(mutation: str, seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    data = evalrules.score(seed, national).to_dict()
    assert_valid("result", data)
    broken = copy.deepcopy(data)
    RESULT_MUTATIONS[mutation](broken)
    assert broken != data
    assert not validator("result").is_valid(broken), mutation


AUDIT_MUTATIONS: dict[str, Mutation] = {
    "counts as a list": lambda d: d.update(counts=[1, 7, 0]),
    "an unknown severity": lambda d: d["findings"][0].update(severity="fatal"),
    "a finding without a code": lambda d: d["findings"][0].pop("code"),
    "a lower-case code": lambda d: d["findings"][0].update(code="a-count"),
    "a line as text": lambda d: d["findings"][0]["location"].update(line="12"),
}


@pytest.mark.parametrize("mutation", AUDIT_MUTATIONS)
def test_audit_schema_rejects(mutation: str, seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    data = evalrules.audit(seed, national, testing.plugin_registry()).to_dict()
    assert_valid("audit", data)
    broken = copy.deepcopy(data)
    AUDIT_MUTATIONS[mutation](broken)
    assert not validator("audit").is_valid(broken), mutation
