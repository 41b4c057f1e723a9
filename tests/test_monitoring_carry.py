"""evalrules.monitoring.carry: a monitoring record becomes a year-end project file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import evalrules
from evalrules.monitoring import load_record
from evalrules.monitoring.carry import carried_data, carried_toml

FORMS = Path(__file__).parent / "forms"


def test_targets_and_values_kept_actuals_left_blank(tmp_path: Path) -> None:
    record = load_record(FORMS / "mon_ontime_2024.toml")
    path = tmp_path / "年终.toml"
    path.write_text(carried_toml(record), encoding="utf-8")
    project = evalrules.load_project(path)
    assert (project.name, project.unit, project.year, project.ruleset) == (
        "农村饮水安全巩固提升工程",
        "县水利局",
        2024,
        "caiyu_2020_10_self",
    )
    assert [(t.name, t.operator, t.value_text, t.unit) for t in project.targets] == [
        ("集中供水工程改造", ">=", "12", "处"),
        ("水质达标率", ">=", "95％", "%"),
        ("工程完工时间", "定性", "2024年10月底前", "日期"),  # words: 定性
        ("受益人口", ">=", "3.6", "万人"),
    ]
    assert all(t.actual is None for t in project.targets)  # a forecast is not a result
    assert "全年预计 12" in project.targets[0].note
    assert project.budget.figures["调整后预算数"] == Decimal(1200)


def test_reasons_and_corrections_go_into_the_note() -> None:
    data = carried_data(load_record(FORMS / "mon_impossible_2024.toml"), ruleset="caiyu_2020_10")
    assert data["project"]["ruleset"] == "caiyu_2020_10"
    note = data["targets"][0]["note"]
    assert "完成目标可能性：完全不可能" in note and "人员保障：师资不足" in note and "纠偏措施" in note
