from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import evalrules
from evalrules.base import json_text
from evalrules.model.result import Rescaled, json_number


def test_json_numbers_keep_their_text() -> None:
    assert json_number(Decimal("100.00")) == 100 and isinstance(json_number(Decimal("100.00")), int)
    # exact for embedders (issue 22): a Decimal, never the float 1.82 (whose text differs)
    exact = json_number(Decimal("1.82"))
    assert exact == Decimal("1.82") and isinstance(exact, Decimal)
    assert json_number(Decimal(10) / 9, places=2) == Decimal("1.111111")


def test_walk_and_node_lookup(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    result = evalrules.score(seed, national)
    paths = [node.path for node in result.walk()]
    assert paths[0] == ("决策",) and len(paths) == len(set(paths)) + 0
    node = result.node("效益", "项目效益", "服务对象满意度", "受益群众满意度")
    assert node.kind == "target" and node.level == 4 and node.inputs["指标值"] == "95"
    assert result.node("效益", "项目效益", "社会效益").kind == "group"


def test_to_dict_is_json_and_stable(seed: evalrules.Project, national: evalrules.Ruleset) -> None:
    data = evalrules.score(seed, national).to_dict()
    again = json.loads(json_text.dumps(data, ensure_ascii=False), parse_float=Decimal)
    assert again == data
    statuses = {n["status"] for n in data["indicators"]}
    assert statuses == {"scored", "not_applicable"}
    na = [n for n in data["indicators"] if n["status"] == "not_applicable"]
    assert all(n["score"] is None and n["reasons"] == ["本项目无该指标。"] for n in na)


FORMS = Path(__file__).parent / "forms"


def test_a_whole_first_level_not_applicable_says_how_the_total_was_rescaled(
    self_eval: evalrules.Ruleset,
) -> None:
    # every 效益 row is blank or "/": 70 of the 70 applicable points, rescaled to 100
    result = evalrules.score(evalrules.load_project(FORMS / "na_benefit_blank.toml"), self_eval)
    assert (result.total, result.grade) == (Decimal(100), "优")
    assert result.rescaled == Rescaled(("效益指标",), Decimal(70), Decimal(70), Decimal(100))
    data = result.to_dict()
    assert data["rescaled"] == {
        "not_applicable": ["效益指标"],
        "applicable_weight": 70,
        "applicable_score": 70,
        "total": 100,
    }
    assert list(data)[-2:] == ["rescaled", "indicators"]


def test_no_rescaled_note_when_every_first_level_applies_or_the_weight_is_shared(
    seed: evalrules.Project, national: evalrules.Ruleset, self_eval: evalrules.Ruleset
) -> None:
    result = evalrules.score(seed, national)
    assert result.rescaled is None and "rescaled" not in result.to_dict()
    sharing = attrs.evolve(self_eval, not_applicable=attrs.evolve(self_eval.not_applicable, policy="share"))
    shared = evalrules.score(evalrules.load_project(FORMS / "na_benefit_blank.toml"), sharing)
    assert shared.node("效益指标").status == "not_applicable" and shared.rescaled is None


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the explanations written (each is a full re-scoring of the project)."""
    from evalrules.engine import scoring

    calls: list[int] = []
    real = scoring._explanation

    def counting(*arguments: object) -> object:
        calls.append(1)
        return real(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(scoring, "_explanation", counting)
    return calls


def test_comparing_results_never_writes_an_explanation(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 15, 1: == re-scored both projects to compare their reasons
    calls = _counted(monkeypatch)
    ruleset = evalrules.load_ruleset("caiyu_2020_10")
    project = evalrules.load_project(Path(__file__).parents[1] / "examples" / "akto-2022.toml")
    first, second = evalrules.score(project, ruleset), evalrules.score(project, ruleset)
    assert first == second and hash(first) == hash(second) and calls == []
    assert first == evalrules.engine.scoring.explain(project, ruleset)  # an explained one compares the same
    assert not first.explained and calls == []


def test_explaining_writes_once_and_changes_no_field(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    ruleset = evalrules.load_ruleset("caiyu_2020_10")
    result = evalrules.score(
        evalrules.load_project(Path(__file__).parents[1] / "examples" / "akto-2022.toml"), ruleset
    )
    fields = {field.name: getattr(result, field.name) for field in attrs.fields(type(result)) if field.init}
    assert result.nodes and result.reasons and result.to_dict() and result.explained
    assert calls == [1]  # nodes, reasons and to_dict share one explanation
    assert {name: getattr(result, name) for name in fields} == fields  # the frozen fields never change
