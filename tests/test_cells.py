"""Formula injection: text that a spreadsheet would run is written so it cannot run (issue 16)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from evalrules.cells import TRIGGERS, neutralise, restore, string_cell

HOSTILE = '=HYPERLINK("http://example.com/x","点这里")'


def test_every_trigger_is_neutralised_and_plain_text_and_numbers_are_not() -> None:
    for trigger in TRIGGERS:
        assert neutralise(trigger + "1+1") == "'" + trigger + "1+1"
    assert neutralise("工作经费") == "工作经费"
    assert neutralise(-3) == -3  # a number is no formula


@given(st.text())
def test_restore_gives_back_the_original_text(text: str) -> None:
    assert restore(neutralise(text)) == text


def test_an_xlsx_cell_openpyxl_took_for_a_formula_is_a_string() -> None:
    sheet = Workbook().active
    assert sheet is not None
    cell = string_cell(sheet.cell(1, 1, value=HOSTILE))
    assert cell.data_type == "s" and cell.value == HOSTILE
    assert string_cell(sheet.cell(2, 1, value=5)).data_type == "n"
