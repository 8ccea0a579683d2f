"""Import: the .xlsx sheet reader (model.importing._SheetReader) reads every kind of cell as openpyxl
does, a row at a time, and refuses what it cannot read safely."""

import io
import re
import tracemalloc
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from model import importing
from model.errors import ValidationError

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook_bytes(rows: list[list[object]], *, epoch: datetime | None = None,
                   cells: dict[str, object] | None = None) -> bytes:
    """An .xlsx file as openpyxl writes it: `rows` from A1 on, then `cells` by their address."""
    book = Workbook()
    if epoch is not None:
        book.epoch = epoch
    for row in rows:
        book.active.append(row)
    for address, value in (cells or {}).items():
        book.active[address] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The .xlsx file with some of its parts replaced (or added, with their content type)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = parts.get(info.filename, source.read(info))
            if info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                part = part.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            target.writestr(info.filename, part)
        for name, part in parts.items():
            if name not in source.namelist():
                target.writestr(name, part)
    return buffer.getvalue()


def sheet_xml(rows: str, *, before: str = "", root: str = f"<worksheet {MAIN}>",
              end: str = "</worksheet>") -> bytes:
    return f'{before}{root}<dimension ref="A1"/><sheetData>{rows}</sheetData>{end}'.encode()


def with_sheet(rows: str, **parts: str) -> bytes:
    """An .xlsx file whose sheet holds the row XML `rows` (and `shared`: the shared texts' XML)."""
    replaced = {"xl/worksheets/sheet1.xml": sheet_xml(rows)}
    if "shared" in parts:
        replaced["xl/sharedStrings.xml"] = f"<sst {MAIN}>{parts['shared']}</sst>".encode()
    return with_parts(workbook_bytes([]), replaced)


def read_by_openpyxl(data: bytes) -> list[list[str]]:
    """The rows as the importer read them before it had a reader of its own (openpyxl's)."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.active
        sheet.reset_dimensions()
        return [[importing._cell_text(value) for value in values]
                for values in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read(data: bytes) -> list[list[str]]:
    return list(importing._xlsx_rows(data, "ark.xlsx"))


RICH = CellRichText(["Anne-", TextBlock(InlineFont(b=True), "Marie"), " Hansen"])
OPENPYXL_FILES = {
    "texts": [["Fornavn", " Ænne ", "Øster Åby", "", "x" * 1000, "1 < 2 & 3", "linje\nlinje"]],
    "numbers": [[0, 7, -12, 1985, 12.5, 3.0, 1e20, 0.1 + 0.2, 24256790, 1.5e-7]],
    "dates and times": [[date(2024, 3, 1), datetime(2024, 3, 1, 12, 30), datetime(1970, 1, 1),
                         time(8, 15), timedelta(hours=37, minutes=30), date(1900, 2, 1)]],
    "true and false": [[True, False]],
    "rich text": [[RICH, "efter"]],
    "formula without a result": [["=1+1", "=A1&B1"]],
    "errors": [["#N/A", "#DIV/0!"]],
    "gaps": [["a", None, None, "d"], [], [None, None, "c"], ["", "", ""]],
}


@pytest.mark.parametrize("rows", OPENPYXL_FILES.values(), ids=OPENPYXL_FILES.keys())
def test_the_sheet_reader_reads_every_kind_of_cell_as_openpyxl_does(rows):
    data = workbook_bytes(rows)
    assert read(data) == read_by_openpyxl(data)


def test_dates_of_a_workbook_counting_from_1904_are_read_as_openpyxl_reads_them():
    data = workbook_bytes([[date(2024, 3, 1), datetime(2001, 5, 6, 7, 8)]], epoch=CALENDAR_MAC_1904)
    assert read(data) == read_by_openpyxl(data) == [["2024-03-01", "2001-05-06T07:08:00"]]


def test_cells_and_rows_far_apart_keep_their_places():
    data = workbook_bytes([["Fornavn"]], cells={"AD1": "Noter", "C7": "Aisha", "XFD9": "langt ude"})
    rows = read(data)
    assert rows == read_by_openpyxl(data)
    assert [len(row) for row in rows] == [30, 0, 0, 0, 0, 0, 3, 0, 16384]
    assert rows[6][2] == "Aisha" and rows[8][-1] == "langt ude"


SHEETS = {
    "rows and cells without numbers": (
        '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>'
        '<row><c t="inlineStr"><is><t>b</t></is></c></row>',
        [["a", "2"], ["b"]]),
    "rows left out and a row out of order": (
        '<row r="2"><c r="A2"><v>2</v></c></row><row r="5"><c r="B5"><v>5</v></c></row>'
        '<row r="4"><c r="A4"><v>4</v></c></row><row r="6.0"><c r="A6"><v>6</v></c></row>',
        [[], ["2"], [], [], ["", "5"], ["6"]]),
    "inline text in runs, with a phonetic hint left out": (
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>Kyo</t></r><r><rPr><b/></rPr><t>to</t></r>'
        '<rPh sb="0" eb="1"><t>kyo</t></rPh></is></c></row>',
        [["Kyoto"]]),
    "shared texts, plain, in runs and with a phonetic hint": (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row>',
        [["Fornavn", "Ånden", "Tokyo"]]),
    "a formula's text, an ISO date, true and an error": (
        '<row r="1"><c r="A1" t="str"><f>A2</f><v> tekst </v></c><c r="B1" t="d"><v>2024-03-01</v></c>'
        '<c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><v>#REF!</v></c></row>',
        [["tekst", "2024-03-01", "ja", "#REF!"]]),
    "empty values and formatted empty cells": (
        '<row r="1"><c r="A1" s="0"/><c r="B1"><v></v></c><c r="C1" t="inlineStr"/>'
        '<c r="D1" t="inlineStr"><is><t/></is></c><c r="E1" s="0"/></row>',
        [["", "", "", "", ""]]),
    "a value beside an inline text is not the text": (
        '<row r="1"><c r="A1" t="inlineStr"><v>9</v><is><t>ni</t></is></c></row>',
        [["ni"]]),
}
SHARED = ("<si><t>Fornavn</t></si><si><r><t>Ån</t></r><r><rPr><b/></rPr><t>den</t></r></si>"
          '<si><t>Tokyo</t><rPh sb="0" eb="1"><t>toukyou</t></rPh></si>')


@pytest.mark.parametrize(("rows", "expected"), SHEETS.values(), ids=SHEETS.keys())
def test_sheets_not_written_by_openpyxl_are_read_as_openpyxl_reads_them(rows, expected):
    data = with_sheet(rows, shared=SHARED)
    assert read(data) == read_by_openpyxl(data) == expected


def test_a_sheet_with_a_namespace_prefix_is_read():
    xml = sheet_xml('<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Fornavn</x:t></x:is></x:c></x:row>',
                    root=f"<x:worksheet {MAIN.replace('xmlns', 'xmlns:x')}>", end="</x:worksheet>")
    xml = xml.replace(b"<dimension", b"<x:dimension").replace(b"<sheetData>", b"<x:sheetData>")
    xml = xml.replace(b"</sheetData>", b"</x:sheetData>")
    data = with_parts(workbook_bytes([]), {"xl/worksheets/sheet1.xml": xml})
    assert read(data) == read_by_openpyxl(data) == [["Fornavn"]]


@pytest.mark.parametrize("rows", [
    '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',  # no such shared text
    '<row r="1"><c r="A1"><v>tolv</v></c></row>',  # a number that is none
    '<row r="x"><c r="A1"><v>1</v></c></row>',
    '<row r="1.5"><c r="A1"><v>1</v></c></row>',
    '<row r="1"><c r="1A"><v>1</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></row>',  # not XML
])
def test_a_sheet_that_cannot_be_read_is_refused_as_unreadable(rows):
    with pytest.raises(ValidationError, match="data.error_unreadable"):
        importing.read_table(with_sheet(rows, shared=SHARED), "ark.xlsx")


def test_a_sheet_with_a_dtd_is_refused_before_an_entity_is_expanded():
    """Excel never writes a DTD; one that declares entities can make a small sheet read as a huge one."""
    entities = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
    xml = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>', before=entities)
    data = with_parts(workbook_bytes([]), {"xl/worksheets/sheet1.xml": xml})
    with pytest.raises(ValidationError, match="data.error_unreadable"):
        importing.read_table(data, "ark.xlsx")


def test_rows_of_one_far_cell_are_refused_at_the_cell_limit_without_holding_them_all():
    """Each row is widened to its last column only when it is taken, so a sheet of rows of one
    formatted empty cell at column XFD is refused at the cell limit, holding about one such row."""
    row = '<row><c r="XFD{n}" s="0"/></row>'
    header = '<row><c r="A1" t="inlineStr"><is><t>Fornavn</t></is></c></row>'
    data = with_sheet(header + "".join(row.format(n=n) for n in range(2, 20_001)))
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="data.error_too_many_cells"):
            importing.read_table(data, "ark.xlsx")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024


def test_the_sheet_is_parsed_a_piece_at_a_time_and_not_past_the_row_limit(monkeypatch):
    rows = [["Fornavn"], *([f"Navn {n}"] for n in range(5_000))]
    data = workbook_bytes(rows)
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 100)
    parsed = []
    original = importing._SheetReader.rows

    def counting(self, source):
        read = source.read

        def counted(size=-1):
            chunk = read(size)
            parsed.append(len(chunk))
            return chunk

        source.read = counted
        yield from original(self, source)

    monkeypatch.setattr(importing._SheetReader, "rows", counting)
    with pytest.raises(ValidationError, match="data.error_too_many_rows"):
        importing.read_table(data, "ark.xlsx")
    sheet_size = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size
    assert sum(parsed) < sheet_size / 4


def test_the_reader_names_the_elements_as_openpyxl_does():
    from openpyxl.worksheet import _reader

    for ours, theirs in ((importing.ROW, _reader.ROW_TAG), (importing.CELL, _reader.CELL_TAG),
                         (importing.VALUE, _reader.VALUE_TAG), (importing.INLINE, _reader.INLINE_STRING)):
        assert "{" + ours == theirs
    assert re.fullmatch(r"http://schemas\.openxmlformats\.org/spreadsheetml/2006/main\}rPh",
                        importing.PHONETIC)
