"""evalrules.monitoring.engine: 序时进度, lights and findings on the realistic records of tests/forms."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules.monitoring import load_monitoring_ruleset, load_record, monitor
from evalrules.monitoring.engine import time_progress

FORMS = Path(__file__).parent / "forms"
BUILTIN = load_monitoring_ruleset("jiankong_2019_136")


def run(name: str) -> evalrules.monitoring.ProjectMonitoring:
    return monitor(load_record(FORMS / name), BUILTIN)


def codes(result: evalrules.monitoring.ProjectMonitoring) -> list[str]:
    return [f.code for f in result.findings]


def test_on_time_record_is_normal_without_findings() -> None:
    result = run("mon_ontime_2024.toml")
    assert result.time_progress == Decimal("58.33")
    assert result.execution_rate == Decimal("61.88")  # 742.5 / 1200
    assert result.gap == Decimal("3.55")
    assert result.light.name == "正常"
    assert [t.light.name for t in result.targets] == ["正常"] * 4
    assert result.findings == ()


def test_lagging_with_reasons_is_a_warning_without_a_fault() -> None:
    result = run("mon_lagging_reasons_2024.toml")
    assert result.budget == Decimal(2000)  # 调整后预算数, not 年初 2500
    assert (result.execution_rate, result.gap) == (Decimal("38.00"), Decimal("-20.33"))
    assert result.execution_light.name == "预警"
    assert result.light.name == "预警"
    assert codes(result) == ["JK-EXE-LAG", "JK-EXE-FORECAST", "JK-TGT-LIKELIHOOD"]
    assert [t.light.name for t in result.targets] == ["关注", "正常"]
    assert "20.33 个百分点" in result.findings[0].message


def test_lagging_without_reasons_is_a_finding() -> None:
    """Five blank reason cells are no reason: never read as 无偏差."""
    result = run("mon_lagging_silent_2024.toml")
    assert result.light.name == "关注"
    assert codes(result) == ["JK-EXE-LAG", "JK-RSN-MISSING"]
    missing = result.findings[1]
    assert (missing.severity, missing.level, missing.target) == ("error", 0, None)
    assert [f.line for f in result.findings] == [8, 10]  # executed = 130, the blank reasons


def test_a_target_that_cannot_be_met() -> None:
    result = run("mon_impossible_2024.toml")
    assert result.light.name == "预警"
    people = result.targets[0]
    assert (people.light.name, people.progress, people.forecast_ratio) == (
        "预警",
        Decimal("35.83"),
        Decimal("66.67"),
    )
    assert codes(result) == ["JK-EXE-FORECAST", "JK-TGT-FORECAST", "JK-TGT-LIKELIHOOD"]
    assert result.carry_over == Decimal(30)
    # 培训合格率 93% now, 92% forecast: a rate may fall, no JK-DAT-FORECAST on it
    assert all(f.target != "培训合格率" for f in result.findings)
    assert result.findings[1].line == 15  # the [[targets]] header of 培训人数


def test_mid_month_record() -> None:
    result = run("mon_midmonth_2024.toml")
    assert result.record.as_of == datetime.date(2024, 7, 15)
    assert result.time_progress == Decimal("54.03")  # (6 + 15/31) / 12
    assert result.gap == Decimal("-0.70")
    assert result.light.name == "正常"
    by_day = attrs.evolve(BUILTIN, time_basis="day")
    assert monitor(result.record, by_day).time_progress == Decimal("53.83")  # 197 / 366


@pytest.mark.parametrize(
    ("as_of", "basis", "extra", "expected"),
    [
        ("2024-07-31", "month", {}, "58.33"),
        ("2023-07-31", "day", {}, "58.08"),  # 212 / 365
        ("2023-07-31", "day", {"count_as_of_day": False}, "57.81"),  # 211 / 365, as one platform does
        ("2024-07-31", "day", {}, "58.20"),  # 213 / 366: leap year
        ("2024-02-29", "day", {}, "16.39"),  # 60 / 366
        ("2024-07-15", "month", {"mid_month": "floor"}, "50.00"),
        ("2024-12-31", "day", {}, "100.00"),
        ("2024-12-31", "month", {}, "100.00"),
    ],
)
def test_time_progress(as_of: str, basis: str, extra: dict[str, object], expected: str) -> None:
    ruleset = attrs.evolve(BUILTIN, time_basis=basis, **extra)
    assert time_progress(datetime.date.fromisoformat(as_of), ruleset) == Decimal(expected)


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_time_progress_is_a_share_and_month_end_agrees(day: datetime.date) -> None:
    for basis in ("month", "day"):
        share = time_progress(day, attrs.evolve(BUILTIN, time_basis=basis))
        assert Decimal(0) < share <= Decimal(100)
        assert share == share.quantize(Decimal("0.01"))
    if (day + datetime.timedelta(days=1)).day == 1:  # a month end: whole months
        months = time_progress(day, BUILTIN)
        assert months == (Decimal(day.month) * 100 / 12).quantize(Decimal("0.01"))


def test_reverse_target_and_conflicting_likelihood() -> None:
    record = load_record(FORMS / "mon_lagging_reasons_2024.toml")
    cost = attrs.evolve(record.targets[1], forecast=Decimal(1600), likelihood="确定能")
    result = monitor(attrs.evolve(record, targets=(cost,)), BUILTIN)
    assert [f.code for f in result.findings if f.target == "亩均建设成本"] == [
        "JK-TGT-FORECAST",
        "JK-POS-CONFLICT",
        "JK-RSN-MISSING",
    ]
    assert "高于年度指标值 1500元/亩" in result.findings[-3].message


def test_warning_without_correction_and_bad_figures() -> None:
    record = load_record(FORMS / "mon_impossible_2024.toml")
    stripped = attrs.evolve(
        record,
        correction="",
        executed=Decimal(200),
        targets=tuple(attrs.evolve(t, correction="") for t in record.targets),
    )
    found = [f.code for f in monitor(stripped, BUILTIN).findings]
    assert "JK-RSN-CORRECTION" in found
    assert "JK-DAT-EXCEED" in found  # 200 > 180
    assert "JK-DAT-FORECAST" in found  # forecast 150 < executed 200


def test_missing_likelihood_and_own_light_names() -> None:
    record = load_record(FORMS / "mon_midmonth_2024.toml")
    blank = attrs.evolve(record.targets[0], likelihood=None, done=Decimal(100))
    ruleset = attrs.evolve(BUILTIN, light_names=("绿灯", "黄灯", "红灯"))
    result = monitor(attrs.evolve(record, targets=(blank,)), ruleset)
    assert [f.code for f in result.findings] == ["JK-TGT-LAG", "JK-POS-MISSING", "JK-RSN-MISSING"]
    assert result.light.name == "黄灯"


def test_api_is_exported() -> None:
    assert evalrules.monitor is monitor
    result = evalrules.monitor(load_record(FORMS / "mon_ontime_2024.toml"))  # the default ruleset
    assert result.ruleset_id == "jiankong_2019_136"
