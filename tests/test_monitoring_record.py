"""evalrules.monitoring.record: reading monitoring records, with located problems (E-MONITOR)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from evalrules.base.errors import LoadError
from evalrules.monitoring import load_record

FORMS = Path(__file__).parent / "forms"

HEAD = """[monitoring]
name = "测试项目"
year = 2024
period = "1-7月"
budget_initial = 100
executed = 50
"""


def problems(tmp_path: Path, text: str, suffix: str = ".toml") -> list[str]:
    path = tmp_path / f"r{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_record(path)
    return [p.render() for p in caught.value.problems]


def test_realistic_record_reads_exactly() -> None:
    record = load_record(FORMS / "mon_ontime_2024.toml")
    assert record.budget_initial == Decimal("1200.00")  # from "1,200.00"
    assert record.as_of == datetime.date(2024, 7, 31)
    quality = record.targets[1]
    assert (quality.value, quality.value_text) == (Decimal(95), "95％")
    deadline = record.targets[2]
    assert (deadline.value, deadline.value_text, deadline.operator) == (None, "2024年10月底前", "=")


def test_period_gives_the_date_and_dashes_vary() -> None:
    record = load_record(FORMS / "mon_lagging_reasons_2024.toml")  # "1–7月", no as_of
    assert record.as_of == datetime.date(2024, 7, 31)
    assert record.reasons == {"经费保障": "上级资金 6 月才下达", "其他": "雨季施工受阻"}


def test_text_date_and_blank_reasons() -> None:
    assert load_record(FORMS / "mon_impossible_2024.toml").as_of == datetime.date(2024, 7, 31)
    assert load_record(FORMS / "mon_lagging_silent_2024.toml").reasons == {}


def test_form_header_alias_for_hardware(tmp_path: Path) -> None:
    """One provincial system heads the column "硬件保障偏差目标" [V-code]."""
    path = tmp_path / "r.toml"
    path.write_text(HEAD + 'reasons = { "硬件保障" = "设备未到货" }\n', encoding="utf-8")
    assert load_record(path).reasons == {"硬件条件保障": "设备未到货"}


def test_misspelled_keys_are_located_with_did_you_mean(tmp_path: Path) -> None:
    text = (
        HEAD
        + 'excuted = 3\n\n[[targets]]\nname = "培训人数"\nvalue = 10\nforcast = 8\nlikelihood = "不可能"\n'
    )
    found = problems(tmp_path, text)
    assert any("r.toml:7" in p and "excuted" in p and "executed" in p for p in found), found
    assert any("forcast" in p and "“forecast”" in p and ":12" in p for p in found), found
    assert any("不可能" in p and "完全不可能" in p for p in found), found
    assert all(p.startswith("[E-MONITOR]") for p in found)


def test_date_and_period_must_agree(tmp_path: Path) -> None:
    found = problems(tmp_path, HEAD + "as_of = 2024-06-30\n")
    assert len(found) == 1
    assert found[0].endswith(
        "r.toml:7，[monitoring] as_of：监控截止日与监控期不符（应为 7 月内；实际为 2024-06-30）"
    )
    found = problems(tmp_path, HEAD.replace("2024", "2023") + "as_of = 2024-07-31\n")
    assert "不在预算年度内" in found[0]


def test_missing_figures_and_bad_numbers(tmp_path: Path) -> None:
    found = problems(tmp_path, '[monitoring]\nname = "x"\nas_of = 2024-07-31\nexecuted = "五十"\n')
    assert any("缺少预算数" in p for p in found)
    assert any("“五十”" in p for p in found)
    # a figure written wrong is told once, at its key: not also as missing
    assert not any("缺少 executed" in p for p in found)
    found = problems(tmp_path, '[monitoring]\nname = "x"\nas_of = 2024-07-31\nbudget_initial = "一百"\n')
    assert any("“一百”" in p for p in found) and not any("缺少预算数" in p for p in found)
    assert any("缺少 executed" in p for p in found)


def test_a_project_file_is_no_record() -> None:
    with pytest.raises(LoadError) as caught:
        load_record(Path(__file__).parents[1] / "examples" / "akto-2022.toml")
    assert [p.code for p in caught.value.problems] == ["E-MONITOR"]
    assert "缺少 [monitoring] 表" in caught.value.problems[0].message


def test_json_record(tmp_path: Path) -> None:
    data = {
        "monitoring": {"name": "J", "as_of": "2024-07-31", "budget_initial": "10", "executed": 5},
        "targets": [{"name": "a", "value": 3, "likelihood": "有可能"}],
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    record = load_record(path)
    assert (record.executed, record.targets[0].likelihood) == (Decimal(5), "有可能")
    data["targets"][0]["likelihood"] = "可能"
    assert any("可能" in p for p in problems(tmp_path, json.dumps(data, ensure_ascii=False), ".json"))
