from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs

import evalrules
from evalrules import json_text
from evalrules.result import Rescaled, json_number


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
