"""A document read from rows, not from a text file: a flat file's rows, the rows of an Excel sheet
(the 申报表, the 监控表). Its "lines" are the rows that gave each table, entry and key, so the
readers that check TOML and JSON locate each problem of these inputs at its row."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from ..base.sources import Document


@frozen
class RowDocument(Document):
    """A Document whose lines are the rows (numbered as the file or the sheet numbers them) that
    gave each table, each entry of an array of tables and each key."""

    tables: Mapping[str, int] = field(factory=dict)
    """The row of each table's first value."""
    entries: Mapping[tuple[str, int], int] = field(factory=dict)
    """The row of each entry of an array of tables ([[targets]], [[assessments]]), by (table, index)."""
    keys: Mapping[tuple[int, str], int] = field(factory=dict)
    """The first row giving each key, by (the row of its table or entry, key)."""

    def line_of(self, *keys: str | int) -> int | None:
        """The row of a table, of one of its entries ("targets", 2), or of a key of either
        ("monitoring", "executed"; "targets", 2, "done"): as close as the rows tell."""
        parts = list(keys)
        while parts and not isinstance(parts[0], str):
            parts.pop(0)
        if not parts:
            return None
        table = str(parts.pop(0))
        line = self.tables.get(table)
        index = parts[0] if parts else None
        if isinstance(index, int):
            parts.pop(0)
            line = self.entries.get((table, index)) or line
        if parts and isinstance(parts[0], str) and line is not None:
            line = self.keys.get((line, parts[0])) or line
        return line

    def nth_table_line(self, table: str, index: int) -> int | None:
        return self.entries.get((table, index))

    def line_after(self, start: int | None, key: str, *, fallback: bool = True) -> int | None:
        found = self.keys.get((start, key)) if start is not None else None
        return found if found is not None else start if fallback else None
