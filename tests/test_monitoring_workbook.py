"""evalrules.monitoring.workbook: 监控结果.xlsx, one row per project worst first, 预警清单."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from evalrules.monitoring import load_record, monitor
from evalrules.monitoring.workbook import SUMMARY_COLUMNS, WARNING_COLUMNS, ranked, write_workbook

openpyxl = pytest.importorskip("openpyxl")
FORMS = Path(__file__).parent / "forms"


def results() -> list:  # type: ignore[type-arg]
    return [monitor(load_record(path)) for path in sorted(FORMS.glob("mon_*.toml"))]


def test_ranked_worst_first() -> None:
    names = [r.record.name for r in ranked(results())]
    assert names == [
        "高标准农田建设项目",
        "职业技能提升培训",
        "乡镇卫生院设备购置",
        "城区道路照明维护",
        "农村饮水安全巩固提升工程",
    ]


def test_workbook_sheets(tmp_path: Path) -> None:
    path = tmp_path / "监控结果.xlsx"
    write_workbook(results(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", "预警清单"]
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[0] == SUMMARY_COLUMNS
    assert summary[1][0] == "高标准农田建设项目"
    first = dict(zip(SUMMARY_COLUMNS, summary[1], strict=True))
    assert (first["执行率（%）"], first["差距（百分点）"], first["灯"]) == (38, -20.33, "预警")
    warnings = list(book["预警清单"].iter_rows(values_only=True))
    assert warnings[0] == WARNING_COLUMNS
    assert [(row[0], row[3]) for row in warnings[1:]] == [
        ("高标准农田建设项目", "JK-EXE-LAG"),
        ("职业技能提升培训", "JK-EXE-FORECAST"),
        ("职业技能提升培训", "JK-TGT-FORECAST"),
        ("职业技能提升培训", "JK-TGT-LIKELIHOOD"),
    ]
    assert warnings[3][5] == "人员保障：师资不足；其他：企业用工需求下降，报名人数不足"


def test_formula_like_names_stay_text(tmp_path: Path) -> None:
    result = monitor(load_record(FORMS / "mon_ontime_2024.toml"))
    record = attrs.evolve(result.record, name='=HYPERLINK("http://x","y")', department="\x1b[31m局")
    path = tmp_path / "x.xlsx"
    write_workbook([attrs.evolve(result, record=record)], path)
    row = next(openpyxl.load_workbook(path)["汇总"].iter_rows(min_row=2, values_only=True))
    assert row[0] == '=HYPERLINK("http://x","y")'
    assert row[1] == "\\x1b[31m局"
