"""evalrules monitor: files, folders, outputs, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalrules.cli import main as cli

FORMS = Path(__file__).parent / "forms"
RECORDS = sorted(FORMS.glob("mon_*.toml"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The realistic records and, beside them, a project file that is no record."""
    records = tmp_path / "监控记录"
    records.mkdir()
    for path in RECORDS:
        shutil.copy(path, records / path.name)
    shutil.copy(Path(__file__).parents[1] / "examples" / "akto-2022.toml", records / "akto-2022.toml")
    return records


def test_one_file_prints_lights_and_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["monitor", str(FORMS / "mon_lagging_silent_2024.toml")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "乡镇卫生院设备购置（县卫生健康委）截至 2024-07-31（1-7月）：关注"
    assert "[JK-RSN-MISSING]" in out


def test_folder_to_json_skips_project_files(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = folder.parent / "结果.json"
    assert cli.main(["monitor", str(folder), "-o", str(output)]) == 0
    out = capsys.readouterr().out
    assert "监控 5 个项目：" in out and "跳过 1 个" in out
    data = json.loads(output.read_text("utf-8"))
    lights = {item["name"]: item["light"] for item in data}
    assert lights == {
        "农村饮水安全巩固提升工程": "正常",
        "高标准农田建设项目": "预警",
        "乡镇卫生院设备购置": "关注",
        "职业技能提升培训": "预警",
        "城区道路照明维护": "正常",
    }
    midmonth = next(item for item in data if item["as_of"] == "2024-07-15")
    assert (midmonth["time_progress"], midmonth["gap"]) == ("54.03", "-0.7")


def test_bad_record_exits_1_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[monitoring]\nname = "x"\nas_of = 2024-07-31\nbudget_initial = 10\n', encoding="utf-8")
    output = tmp_path / "out.xlsx"
    assert cli.main(["monitor", str(RECORDS[0]), str(bad), "-o", str(output)]) == 1
    assert "[E-MONITOR]" in capsys.readouterr().err
    assert not output.exists()


def test_unknown_output_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["monitor", str(RECORDS[0]), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "E-OUTPUT" in capsys.readouterr().err


def test_ruleset_option_changes_the_lights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    strict = tmp_path / "strict.toml"
    strict.write_text(
        '[monitoring_ruleset]\nid = "strict"\n[lights]\nnormal = "绿灯"\nwatch = "黄灯"\nwarn = "红灯"\n'
        "[execution]\nlag_watch = 0\nlag_warn = 0.5\n",
        encoding="utf-8",
    )
    assert cli.main(["monitor", str(FORMS / "mon_midmonth_2024.toml"), "--ruleset", str(strict)]) == 0
    assert "：红灯" in capsys.readouterr().out  # 0.70 points behind


def test_carry_writes_year_end_projects(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = folder.parent / "年终"
    assert cli.main(["monitor", str(folder), "--carry", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(
        f"{name}.toml"
        for name in (
            "农村饮水安全巩固提升工程",
            "高标准农田建设项目",
            "乡镇卫生院设备购置",
            "职业技能提升培训",
            "城区道路照明维护",
        )
    )
    assert "已把 5 个记录转为年终项目文件" in capsys.readouterr().out


def test_generated_records_of_the_benchmark_monitor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """benchmarks/bench_monitor.py's records are valid (its speed is measured there, not here)."""
    import random
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from bench_monitor import record_text

    rng = random.Random(1)
    for index in range(30):
        (tmp_path / f"r{index}.toml").write_text(record_text(index, rng), encoding="utf-8")
    assert cli.main(["monitor", str(tmp_path), "-o", str(tmp_path / "out.json")]) == 0
    data = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert len(data) == 30 and {item["light"] for item in data} <= {"正常", "关注", "预警"}
