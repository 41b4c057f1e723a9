"""A document read from rows (a flat file, an Excel sheet): each table, entry and key at its row."""

from __future__ import annotations

from evalrules.io.row_document import RowDocument

ROWS = RowDocument(
    "表.xlsx#监控表",
    "",
    {"monitoring": {"executed": "x"}, "targets": [{}, {}]},
    tables={"monitoring": 2, "targets": 7},
    entries={("targets", 0): 7, ("targets", 1): 9},
    keys={(2, "executed"): 3, (9, "done"): 10},
)


def test_a_table_an_entry_and_a_key_are_at_their_rows() -> None:
    assert ROWS.line_of("monitoring") == 2
    assert ROWS.line_of("monitoring", "executed") == 3
    assert ROWS.line_of("targets", 1) == 9
    assert ROWS.line_of("targets", 1, "done") == 10
    assert ROWS.nth_table_line("targets", 0) == 7 and ROWS.nth_table_line("targets", 5) is None


def test_what_the_rows_do_not_tell_is_as_close_as_they_can() -> None:
    assert ROWS.line_of("monitoring", "forecast_executed") == 2  # the table's row
    assert ROWS.line_of("targets", 0, "done") == 7  # the entry's row
    assert ROWS.line_of("targets", 4) == 7  # an entry not there: the table's row
    assert ROWS.line_of("budget") is None and ROWS.line_of() is None
    assert ROWS.line_after(9, "done") == 10 and ROWS.line_after(7, "done") == 7
    assert ROWS.line_after(7, "done", fallback=False) is None
