"""The guard that reads an .xlsx before openpyxl does (evalrules.io.workbook_guard, issue 23 items 1,
5 and 9): crafted forms, written by evalrules itself and then rewritten as an attacker would, are
refused at once with E-EXCEL-SIZE (or E-EXCEL for a DTD), and a real form still reads.

.ci/run runs this file under a memory limit and a time limit: a guard that let a crafted file
through would exhaust them instead of finishing."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules.base.errors import LoadError
from evalrules.io.excel import read_workbook
from evalrules.io.workbook_guard import MAX_COVERED_CELLS, MAX_WORKBOOK_BYTES, MAX_WORKBOOK_CELLS
from evalrules.report import build_report
from evalrules.report.selfform import render_self_form

FORMS = Path(__file__).parent / "forms"
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 自评表 as `evalrules report --form self` writes it (the issue's starting point)."""
    project = evalrules.load_project(FORMS / "audit_self_subsidy.toml")
    path = tmp_path_factory.mktemp("form") / "自评表.xlsx"
    render_self_form(build_report(project, evalrules.load_ruleset("caiyu_2020_10_self")), path)
    return path.read_bytes()


def rewritten(form: bytes, change: Callable[[bytes], bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(form))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item.filename, change(data) if item.filename == SHEET else data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def refused(tmp_path: Path, data: bytes, code: str = "E-EXCEL-SIZE") -> str:
    path = tmp_path / "crafted.xlsx"
    path.write_bytes(data)
    [(_, outcome)] = read_workbook(path)
    assert isinstance(outcome, LoadError), "the crafted workbook was read"
    [problem] = outcome.problems
    assert (problem.code, problem.file) == (code, str(path)), problem
    return problem.render()


def with_merge(ref_attribute: bytes) -> Callable[[bytes], bytes]:
    """Replace the form's first merged range by the given ref attribute, written as given."""
    return lambda sheet: re.sub(
        rb'<mergeCell ref="[^"]*"/>', b"<mergeCell " + ref_attribute + b"/>", sheet, count=1
    )


def test_the_form_itself_reads(tmp_path: Path, form: bytes) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(form)
    [(_, project)] = read_workbook(path)
    assert isinstance(project, evalrules.Project)


@pytest.mark.parametrize(
    "attribute",
    [
        b"ref='F4:XFD1048576'",  # the single quotes
        b'ref="F4:&#88;FD1048576"',  # a character reference
        b'ref="F4:&#x58;FD1048576"',
        b'ref = "F4:XFD1048576"',  # whitespace around =
        b'ref="\nF4:XFD1048576 "',
        b'ref="$F$4:$XFD$1048576"',  # absolute references
        b'ref="A:XFD"',  # whole columns
        b'ref="1:1048576"',  # whole rows
    ],
)
def test_a_whole_sheet_merge_is_refused_however_it_is_spelled(
    tmp_path: Path, form: bytes, attribute: bytes
) -> None:
    assert "合并单元格" in refused(tmp_path, rewritten(form, with_merge(attribute)))


def test_a_namespace_prefix_does_not_hide_a_merge(tmp_path: Path, form: bytes) -> None:
    def prefixed(sheet: bytes) -> bytes:
        sheet = sheet.replace(
            b"<worksheet ",
            b'<worksheet xmlns:s="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
            1,
        )
        return re.sub(rb'<mergeCell ref="[^"]*"/>', b'<s:mergeCell ref="F4:XFD1048576"/>', sheet, count=1)

    refused(tmp_path, rewritten(form, prefixed))


def test_many_merges_that_each_look_small_are_refused_together(tmp_path: Path, form: bytes) -> None:
    # 100 rows x 100 columns each: within the per-range cap, far beyond the total
    many = b"".join(
        b'<mergeCell ref="A%d:CV%d"/>' % (i, i + 99) for i in range(1, 2 * MAX_COVERED_CELLS // 10_000 + 2)
    )
    refused(
        tmp_path,
        rewritten(form, lambda sheet: re.sub(rb"<mergeCells[^>]*>", b"<mergeCells>" + many, sheet, count=1)),
    )


@pytest.mark.parametrize(
    "element", [b'<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks>']
)
def test_a_hyperlink_over_the_whole_sheet_is_refused(tmp_path: Path, form: bytes, element: bytes) -> None:
    # openpyxl touches every cell of a hyperlink's range
    refused(
        tmp_path,
        rewritten(form, lambda sheet: sheet.replace(b"</mergeCells>", b"</mergeCells>" + element, 1)),
    )


def test_a_comment_on_a_whole_sheet_range_is_refused(tmp_path: Path, form: bytes) -> None:
    comments = (
        b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>a'
        b'</author></authors><commentList><comment ref="A1:XFD1048576" authorId="0"><text><t>x</t></text>'
        b"</comment></commentList></comments>"
    )
    refused(tmp_path, rewritten(form, lambda sheet: sheet, {"xl/comments1.xml": comments}))


def test_too_many_cells_are_refused_before_openpyxl_builds_them(tmp_path: Path, form: bytes) -> None:
    row = b"".join(b'<c r="A%d"><v>1</v></c>' % i for i in range(1, MAX_WORKBOOK_CELLS + 2))
    refused(
        tmp_path,
        rewritten(
            form, lambda sheet: sheet.replace(b"</sheetData>", b"<row>" + row + b"</row></sheetData>", 1)
        ),
    )


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE x [<!ENTITY e "aaaaaaaaaa">]>',  # entity amplification needs a DTD
        b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd">',  # external
        b"<!DOCTYPE x>",
    ],
)
def test_a_dtd_is_refused_outright(tmp_path: Path, form: bytes, doctype: bytes) -> None:
    def with_doctype(sheet: bytes) -> bytes:
        declaration, body = sheet.split(b"?>", 1) if sheet.startswith(b"<?xml") else (b"", sheet)
        return (declaration + b"?>" if declaration else b"") + doctype + body

    assert "DTD" in refused(tmp_path, rewritten(form, with_doctype), code="E-EXCEL")


def test_bytes_are_counted_as_they_inflate(tmp_path: Path, form: bytes) -> None:
    data = rewritten(form, lambda sheet: sheet, {"xl/media/padding.bin": bytes(MAX_WORKBOOK_BYTES + 1)})
    assert "解压" in refused(tmp_path, data)


def test_a_declared_size_that_lies_does_not_get_past(tmp_path: Path, form: bytes) -> None:
    # the zip says the sheet is 10 bytes; it inflates to 30 MB of whitespace: reading stops at
    # what is declared or at the cap, whichever comes first, and the sheet is a damaged one
    padded = rewritten(
        form,
        lambda sheet: sheet.replace(
            b"</sheetData>", b" " * (MAX_WORKBOOK_BYTES + 10_000_000) + b"</sheetData>"
        ),
    )
    data = bytearray(padded)
    info = zipfile.ZipFile(io.BytesIO(padded)).getinfo(SHEET)
    struct.pack_into("<I", data, info.header_offset + 22, 10)  # local header: uncompressed size
    for offset in [m.start() for m in re.finditer(rb"PK\x01\x02", padded)]:  # central directory
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if bytes(data[offset + 46 : offset + 46 + name_length]) == SHEET.encode():
            struct.pack_into("<I", data, offset + 24, 10)
    refused(tmp_path, bytes(data), code="E-EXCEL")


def test_a_damaged_part_does_not_switch_the_guard_off(tmp_path: Path, form: bytes) -> None:
    # a broken entry openpyxl never reads, then a whole-sheet merge: still refused
    data = bytearray(
        rewritten(
            form, with_merge(b"ref='A1:XFD1048576'"), {"customXml/item1.xml": b"<a>" + b" " * 5000 + b"</a>"}
        )
    )
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("customXml/item1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8  # no longer inflates
    refused(tmp_path, bytes(data))


MUTATIONS: list[Callable[[bytes], bytes]] = [
    with_merge(b"ref='A1:XFD1048576'"),
    with_merge(b'ref="A1:&#88;FD1048576"'),
    with_merge(b'ref="A:A"'),
    lambda sheet: sheet.replace(b"<mergeCells", b"<mergeCells foo='1'", 1),
    lambda sheet: sheet.replace(b'"', b"'"),
    lambda sheet: sheet.replace(b"><", b">\n  <"),
    lambda sheet: sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1
    ),
    lambda sheet: sheet + b"<!-- trailing -->",
    lambda sheet: sheet[: len(sheet) // 2],  # cut off
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(range(len(MUTATIONS))), min_size=1, max_size=4), st.integers(1, 5))
def test_mutations_of_a_real_form_are_read_or_refused_never_hang(
    tmp_path: Path, form: bytes, chosen: list[int], copies: int
) -> None:
    def mutate(sheet: bytes) -> bytes:
        for index in chosen:
            sheet = MUTATIONS[index](sheet)
        return sheet

    extra = {
        f"xl/worksheets/sheet{n + 2}.xml": mutate(zipfile.ZipFile(io.BytesIO(form)).read(SHEET))
        for n in range(copies)
    }
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(rewritten(form, mutate, extra))
    for _, outcome in read_workbook(path):
        assert isinstance(outcome, evalrules.Project | LoadError)
        if isinstance(outcome, LoadError):
            assert all(
                problem.code.startswith("E-") and problem.file == str(path) for problem in outcome.problems
            )
