"""What an .xlsx file will cost before openpyxl reads it (issue 23, items 1, 5 and 9).

openpyxl trusts the file: a merged range or a hyperlink over a whole sheet makes one object per
cell it covers, a comment on a range touches every cell of it, and a zip entry may inflate to far
more than it declares. So, before load_workbook, every XML part of the package is read here as
openpyxl will read it, with a real XML parser (quoting, character references, namespaces and
whitespace cannot hide anything from it), streaming, with the bytes counted as they are inflated
(not as the zip declares them), a DTD refused outright, and the cells, merged cells and time
capped. A workbook over any cap is refused at once with E-EXCEL-SIZE naming the cap.
"""

from __future__ import annotations

import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from openpyxl.utils.cell import range_boundaries

from ..base.errors import Problem
from ..base.extras import need

MAX_SHEET_ROWS = 2000
"""Most rows a 自评表 sheet may use, up to its last non-empty cell, or a merged range may span (a
form has a few dozen)."""
MAX_SHEET_COLUMNS = 100
"""Most columns a 自评表 sheet may use, or a merged range may span (a form has about ten)."""
MAX_WORKBOOK_BYTES = 20_000_000
"""Largest total size of the parts of an .xlsx file as they inflate (a form takes tens of kB)."""
MAX_WORKBOOK_CELLS = 200_000
"""Most cells (``<c>`` elements) in all sheets together (a form has a few hundred)."""
MAX_COVERED_CELLS = 200_000
"""Most cells that merged ranges, hyperlinks and comments cover together: openpyxl makes an
object for each (a form merges a few hundred)."""
MAX_PARTS = 1_000
"""Most entries in the zip (a form has about a dozen)."""
MAX_SECONDS = 10.0
"""Longest time the guard reads one workbook; reaching it means the file is not a form."""

_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384
_RANGE_ELEMENTS = {"mergeCell", "hyperlink", "comment"}
"""Elements whose ``ref`` openpyxl expands into cells."""
_CHUNK = 65_536


class _TooLarge(Exception):
    def __init__(self, message: str, expected: str, found: str = "", where: str = "") -> None:
        super().__init__(message)
        self.message, self.expected, self.found, self.where = message, expected, found, where


class _Counted:
    """A file-like view of a zip entry that counts the bytes as they inflate and stops at the cap."""

    def __init__(self, raw: IO[bytes], budget: _Budget, part: str) -> None:
        self.raw, self.budget, self.part = raw, budget, part

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(_CHUNK if size is None or size < 0 else min(size, _CHUNK))
        self.budget.inflated(len(data), self.part)
        return data


class _Budget:
    def __init__(self) -> None:
        self.bytes = self.cells = self.covered = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def inflated(self, count: int, part: str) -> None:
        self.bytes += count
        if self.bytes > MAX_WORKBOOK_BYTES:
            raise _TooLarge(
                "Excel 工作簿解压后过大，不像一张自评表",
                f"解压后不超过 {MAX_WORKBOOK_BYTES} 字节",
                f"解压到 {part} 时已超过（不论压缩包中声明的大小）",
            )
        if time.monotonic() > self.deadline:
            raise _TooLarge("读取 Excel 工作簿的时间过长，不像一张自评表", f"{MAX_SECONDS:g} 秒之内")

    def cell(self, part: str) -> None:
        self.cells += 1
        if self.cells > MAX_WORKBOOK_CELLS:
            raise _TooLarge(
                "Excel 工作簿的单元格过多，不像一张自评表",
                f"不超过 {MAX_WORKBOOK_CELLS} 个单元格",
                where=part,
            )

    def cover(self, element: str, ref: str, part: str) -> None:
        rows, columns = _span(ref)
        self.covered += rows * columns
        kind = {"mergeCell": "合并单元格", "hyperlink": "超链接", "comment": "批注"}[element]
        if element == "mergeCell" and (rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS):
            raise _TooLarge(
                "合并单元格的范围过大，不像一张自评表",
                f"不超过 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列",
                found=ref,
                where=f"{part} 合并单元格 {ref}",
            )
        if self.covered > MAX_COVERED_CELLS:
            raise _TooLarge(
                f"{kind}的范围过大，不像一张自评表",
                f"合并单元格、超链接、批注共覆盖不超过 {MAX_COVERED_CELLS} 个单元格",
                found=ref,
                where=f"{part} {kind} {ref}",
            )


def _span(ref: str) -> tuple[int, int]:
    """Rows and columns a range such as "F4:XFD1048576", "A:A" or "3:3" spans ((0, 0) when openpyxl
    cannot read it either)."""
    try:
        low_column, low_row, high_column, high_row = range_boundaries(ref.strip().replace("$", ""))
    except (ValueError, TypeError):
        return 0, 0
    rows = (high_row or _EXCEL_ROWS) - (low_row or 1) + 1
    columns = (high_column or _EXCEL_COLUMNS) - (low_column or 1) + 1
    return max(rows, 0), max(columns, 0)


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _elements(source: _Counted) -> Iterator[Any]:
    iterparse = need("defusedxml.ElementTree", "读取 Excel").iterparse
    for _, element in iterparse(source, events=("end",), forbid_dtd=True):
        yield element
        element.clear()  # streaming: nothing kept once counted


def workbook_problem(path: Path, name: str) -> Problem | None:
    """E-EXCEL-SIZE (or E-EXCEL for a DTD) when reading the workbook would cost too much time or
    memory; None when it is within every cap. A file that is not a zip at all, or whose XML is
    damaged, is left for load_workbook to report in its words."""
    defused = need("defusedxml", "读取 Excel")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise _TooLarge(
                    "Excel 工作簿的组成部分过多，不像一张自评表", f"不超过 {MAX_PARTS} 个", str(len(parts))
                )
            budget = _Budget()
            for part in parts:
                try:
                    _read_part(archive, part, budget)
                except (zipfile.BadZipFile, zlib.error, EOFError):
                    # a damaged entry (or one whose declared size lies) stops inflating here;
                    # openpyxl refuses it if it reads it, and the other parts are still checked
                    continue
    except _TooLarge as too_large:
        return Problem(
            "E-EXCEL-SIZE",
            too_large.message,
            file=name,
            where=too_large.where or None,
            expected=too_large.expected,
            found=too_large.found or None,
        )
    except (defused.DTDForbidden, defused.EntitiesForbidden, defused.ExternalReferenceForbidden):
        return Problem(
            "E-EXCEL",
            "Excel 工作簿的 XML 含有 DTD 或实体声明，为安全起见拒绝读取（Excel 自己从不写这些）",
            file=name,
            expected="由 Excel、WPS 等保存的普通 .xlsx",
        )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        return None  # not a zip, damaged, encrypted: load_workbook reports it in its words
    return None


def _read_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, budget: _Budget) -> None:
    """Inflate one entry through the budget; count the cells and covered ranges of an XML part."""
    with archive.open(part) as raw:
        counted = _Counted(raw, budget, part.filename)
        if part.filename.endswith((".xml", ".rels", ".vml")):
            try:
                for element in _elements(counted):
                    tag = _local(element.tag)
                    if tag == "c":
                        budget.cell(part.filename)
                    elif tag in _RANGE_ELEMENTS and element.get("ref"):
                        budget.cover(tag, element.get("ref"), part.filename)
            except SyntaxError:  # ElementTree.ParseError: damaged XML, which openpyxl refuses too
                pass
        while counted.read(_CHUNK):  # the rest (or a binary part) still counts as it inflates
            pass
