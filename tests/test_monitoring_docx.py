"""evalrules.monitoring.docx: the 监控情况报告 as Word."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalrules.monitoring import load_record, monitor

docx = pytest.importorskip("docx")
from evalrules.monitoring.docx import write_report_docx  # noqa: E402

FORMS = Path(__file__).parent / "forms"


def test_word_report_has_a_section_per_department(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evalrules.report import chart

    monkeypatch.setattr(chart, "find_cjk_font", lambda: None)  # no font: the table stands alone
    results = [monitor(load_record(path)) for path in sorted(FORMS.glob("mon_*.toml"))]
    path = tmp_path / "监控情况报告.docx"
    write_report_docx(results, path)
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "绩效运行监控情况报告"
    assert "县卫生健康委" in texts
    assert (
        "问题 [JK-RSN-MISSING]：预算执行存在偏差，但未填写偏差原因（经费/制度/人员/硬件条件保障/其他）"
        in texts
    )
    assert texts.count("（未安装 matplotlib 或中文字体，未绘制图表；执行率与序时进度见上表。）") == 5
    first = document.tables[0]
    assert [c.text for c in first.rows[1].cells] == ["职业技能提升培训", "61.11", "58.33", "2.78", "预警"]
