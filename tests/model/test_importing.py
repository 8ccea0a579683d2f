"""Import: reading CSV and Excel, the dry run that lists every bad row, and the one-transaction commit."""

import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, func, select

from model import clock, exporting, importing, staffing
from model.errors import AccessDenied, ValidationError
from model.tables import (
    AuditLog,
    Citizen,
    Company,
    ComparisonGroup,
    FollowUp,
    HousingArea,
    Initiative,
    Placement,
    Staff,
    Team,
)

THIS_YEAR = clock.today().year
# CVR numbers that pass the modulus-11 check.
CVR_A, CVR_B, CVR_C = "24256790", "61126228", "54562519"


# --- factories ----------------------------------------------------------------------------------

def csv_bytes(rows: list[list[object]], sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=sep).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table(rows: list[list[object]]) -> pd.DataFrame:
    return importing.read_table(csv_bytes(rows), "import.csv")


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def imports_logged(engine) -> list[str]:
    with Session(engine) as session:
        return session.exec(select(AuditLog.detail).where(AuditLog.action == "import")).all()


def add(engine, *rows) -> list[int]:
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def errors_of(report) -> list[tuple[int, str, str]]:
    return list(zip(report.errors["row"], report.errors["column"], report.errors["key"]))


@pytest.fixture
def leader(actor_factory):
    return actor_factory("leader")


CITIZENS_DA = [
    ["Fornavn", "Efternavn", "Fødselsår", "Målgruppe", "Ydelse", "Matchgruppe", "Sagsreference",
     "Ønsker"],
    ["Aisha", "Benali", 1990, "aktivitetsparat kontanthjælp", "kontanthjælp", 2, "J-101",
     "lager, køkken"],
    ["Jonas", "Madsen", 1995, "", "dagpenge", "", "", ""],
]
CITIZENS_EN = [
    ["first_name", "last_name", "birth_year", "target_group", "benefit_type", "match_group",
     "external_ref", "wishes"],
    *CITIZENS_DA[1:],
]


# --- pure helpers -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Fødselsår", "foedselsaar"),
    ("  Timer pr. uge ", "timer pr uge"),
    ("first_name", "first name"),
    ("CVR-nummer", "cvr nummer"),
])
def test_normalise_headers(text, expected):
    assert importing.normalise(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Løntilskud", "loentilskud"),
    ("ordinære timer", "ordinaere_timer"),
    ("Jobsamtaletræning", "jobsamtaletraening"),
    ("kontanthjælp", "kontanthjaelp"),
])
def test_values_become_codes(text, expected):
    assert importing.code(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("21-09-2026", date(2026, 9, 21)),
    ("21.09.2026", date(2026, 9, 21)),
    ("21/09/2026", date(2026, 9, 21)),
    ("2026-09-21", date(2026, 9, 21)),
    (" 01-02-2027 ", date(2027, 2, 1)),
])
def test_parse_date_reads_danish_and_iso_dates(text, expected):
    assert importing.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31-02-2026", "21-09-26", "i morgen", "2026/09/21"])
def test_parse_date_refuses_what_is_no_date(text):
    with pytest.raises(ValidationError) as refused:
        importing.parse_date(text)
    assert (refused.value.key, refused.value.params) == ("data.error_date", {"value": text})


@pytest.mark.parametrize("text, expected", [
    ("12,5", 12.5), ("12.5", 12.5), ("1.250,50", 1250.5), ("37", 37.0), ("120 kr.", 120.0),
])
def test_parse_number_takes_a_decimal_comma_or_point(text, expected):
    assert importing.parse_number(text) == expected


@pytest.mark.parametrize("text, expected", [("1990", 1990), ("1990.0", 1990), ("1990,0", 1990)])
def test_parse_whole_number(text, expected):
    assert importing.parse_whole_number(text) == expected


@pytest.mark.parametrize("text", ["1990,5", "nitten", "19x0"])
def test_parse_whole_number_refuses_fractions_and_words(text):
    with pytest.raises(ValidationError, match="data.error_whole_number"):
        importing.parse_whole_number(text)


@pytest.mark.parametrize("text, expected", [("ja", True), ("JA", True), ("yes", True), ("x", True),
                                            ("nej", False), ("No", False), ("0", False)])
def test_parse_yes_no(text, expected):
    assert importing.parse_yes_no(text) is expected


@pytest.mark.parametrize("kind, header, field", [
    ("citizens", "Fødselsår", "birth_year"),
    ("citizens", "birth_year", "birth_year"),
    ("citizens", "Birth year", "birth_year"),
    ("citizens", "sagsreference", "external_ref"),
    ("companies", "virksomhed", "company"),
    ("companies", "name", "company"),
    ("companies", "branche", "industry"),
    ("companies", "aftale", "agreement_kind"),
    ("placements", "forløbstype", "kind"),
    ("placements", "startdato", "start_date"),
    ("placements", "slutdato", "planned_end_date"),
    ("placements", "planned_end_date", "planned_end_date"),
    ("placements", "timer pr. uge", "hours_per_week"),
    ("placements", "hours_per_week", "hours_per_week"),
])
def test_columns_accept_danish_and_english_headers(kind, header, field):
    accepting = [column.field for column in importing.COLUMNS[kind] if column.accepts(header)]
    assert accepting == [field]


@pytest.mark.parametrize("kind", importing.KINDS)
def test_the_template_has_the_danish_headers_and_reads_back_cleanly(kind):
    template = importing.template(kind)
    assert list(template.columns) == [c.header("da") for c in importing.COLUMNS[kind]]
    for data, name in ((exporting.to_csv_bytes(template), "t.csv"),
                       (exporting.to_excel_bytes({"t": template}), "t.xlsx")):
        mapping, errors, ignored = importing._column_map(kind, importing.read_table(data, name))
        assert (set(mapping), errors, ignored) == ({c.field for c in importing.COLUMNS[kind]}, [], ())


# --- reading files ------------------------------------------------------------------------------

@pytest.mark.parametrize("sep, encoding", [(";", "utf-8-sig"), (";", "utf-8"), (",", "utf-8"),
                                           (";", "cp1252"), ("\t", "utf-8")])
def test_read_table_reads_csv_with_either_separator_and_encoding(sep, encoding):
    frame = importing.read_table(csv_bytes(CITIZENS_DA, sep, encoding), "borgere.csv")
    assert list(frame.columns) == CITIZENS_DA[0]
    assert frame.loc[2, "Ønsker"] == "lager, køkken"
    assert frame.loc[2, "Målgruppe"] == "aktivitetsparat kontanthjælp"
    assert frame.index.tolist() == [2, 3]


def test_read_table_reads_xlsx_numbers_and_dates_as_typed():
    data = xlsx_bytes([["CVR", "Fødselsår", "Startdato", "Timer pr. uge"],
                       [int(CVR_A), 1990, date(2026, 9, 21), 12.5]])
    frame = importing.read_table(data, "forløb.XLSX")
    assert frame.loc[2].tolist() == [CVR_A, "1990", "2026-09-21", "12.5"]


def test_read_table_numbers_rows_as_the_spreadsheet_does():
    frame = table([["Fornavn", "Efternavn"], ["Aisha", "Benali"], ["", ""], ["Jonas", "Madsen"]])
    assert frame.index.tolist() == [2, 4]


def test_a_column_without_header_or_values_is_dropped_and_one_with_values_is_named_by_letter():
    frame = table([["Fornavn", "", "Efternavn", ""], ["Aisha", "", "Benali", ""],
                   ["Jonas", "noget", "Madsen", ""]])
    assert list(frame.columns) == ["Fornavn", "B", "Efternavn"]


@pytest.mark.parametrize("data, name, key", [
    (b"x" * (importing.MAX_IMPORT_BYTES + 1), "stor.csv", "data.error_too_large"),
    (b"Fornavn;Efternavn", "borgere.txt", "data.error_file_type"),
    (b"not a zip file", "borgere.xlsx", "data.error_unreadable"),
    (b"", "tom.csv", "data.error_no_header"),
    (b"Fornavn;fornavn\nBo;Bo", "dobbelt.csv", "data.error_duplicate_header"),
    (b"Fornavn\n\x81\x8d", "ulaeselig.csv", "data.error_encoding"),
    (b"Fornavn\n" + b"x" * 200_000, "kaempelinje.csv", "data.error_line_too_long"),
    (b"Fornavn\n" + b"x" * 100_001, "kaempecelle.csv", "data.error_cell_too_large"),
    (b'Fornavn\n"' + b"x\n" * 80_000 + b'"', "kaempefelt.csv", "data.error_unreadable"),
])
def test_read_table_refuses_bad_files(data, name, key):
    with pytest.raises(ValidationError) as refused:
        importing.read_table(data, name)
    assert refused.value.key == key


def test_the_size_limit_names_the_size_and_the_limit():
    with pytest.raises(ValidationError) as refused:
        importing.read_table(b"x" * (importing.MAX_IMPORT_BYTES + 200_000), "stor.csv")
    assert refused.value.params == {"size": "10,2", "limit": "10,0"}
    # A file of exactly the limit is read.
    line = b"x" * 999 + b"\n"
    body = importing.MAX_IMPORT_BYTES - len(b"Fornavn\n")
    at_limit = b"Fornavn\n" + line * (body // 1000) + b"y" * (body % 1000)
    assert len(at_limit) == importing.MAX_IMPORT_BYTES
    assert len(importing.read_table(at_limit, "netop.csv")) == body // 1000 + 1


def test_read_table_reads_excel_unicode_text():
    data = csv_bytes(CITIZENS_DA, "\t", "utf-16")
    assert importing.read_table(data, "borgere.csv").loc[3, "Efternavn"] == "Madsen"


def test_read_table_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(ValidationError, match="data.error_too_many_rows"):
        table([["Fornavn"], ["A"], ["B"], ["C"]])


def counted(monkeypatch, reader: str) -> list:
    """The rows the named reader of importing hands on, counted as the table takes them."""
    taken = []
    original = getattr(importing, reader)

    def counting(data, filename):
        for row in original(data, filename):
            taken.append(row)
            yield row

    monkeypatch.setattr(importing, reader, counting)
    return taken


def xlsx_with(rows: list[list[object]], sheet) -> bytes:
    """An .xlsx file of `rows` whose sheet XML is rewritten by `sheet` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info.filename,
                            sheet(part) if info.filename == "xl/worksheets/sheet1.xml" else part)
    return buffer.getvalue()


def without_dimension(xml: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*>", b"", xml)


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_reading_stops_at_the_row_after_the_row_limit(monkeypatch, file_type):
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 10)
    rows = [["Fornavn", "Efternavn"], *[[f"Navn {i}", "Hansen"] for i in range(2000)]]
    data = csv_bytes(rows) if file_type == "csv" else xlsx_bytes(rows)
    taken = counted(monkeypatch, f"_{file_type}_rows")
    with pytest.raises(ValidationError) as refused:
        importing.read_table(data, f"mange.{file_type}")
    assert (refused.value.key, refused.value.params) == ("data.error_too_many_rows", {"limit": "10"})
    assert len(taken) == 1 + 11  # the header and the row past the limit, of 2,001 rows


@pytest.mark.parametrize("endless, key", [
    (itertools.repeat(["Aisha"]), "data.error_too_many_rows"),
    (itertools.repeat([]), "data.error_too_many_blank_rows"),
    (itertools.repeat([""] * 1000), "data.error_too_many_cells"),
    (itertools.repeat(["x" * 4000, "y" * 4000]), "data.error_too_much_text"),
])
def test_a_table_without_end_is_refused_at_its_first_limit(endless, key):
    with pytest.raises(ValidationError) as refused:
        importing._table(itertools.chain([["Fornavn", "Efternavn"]], endless))
    assert refused.value.key == key


def test_content_beyond_the_column_limit_is_refused_and_empty_cells_after_it_do_not_count():
    wide = [f"K{i}" for i in range(importing.MAX_IMPORT_COLUMNS + 1)]
    with pytest.raises(ValidationError) as refused:
        table([wide, ["x"]])
    assert (refused.value.key, refused.value.params) == ("data.error_too_many_columns", {"limit": "100"})
    frame = table([["Fornavn", *[""] * 300], ["Aisha", *[""] * 300]])
    assert list(frame.columns) == ["Fornavn"]


def long_cells(rows: list[list[object]], file_type: str) -> bytes:
    """A file of `rows`; in an .xlsx file the long texts are written into the sheet's XML, as
    openpyxl cuts a text at Excel's own limit of 32,767 characters."""
    if file_type == "csv":
        return csv_bytes(rows)
    texts = {f"TEKST{r}X{c}": cell for r, row in enumerate(rows) for c, cell in enumerate(row)}
    marked = [[f"TEKST{r}X{c}" for c in range(len(row))] for r, row in enumerate(rows)]

    def unmark(xml: bytes) -> bytes:
        for mark, text in texts.items():
            xml = xml.replace(f">{mark}<".encode(), f">{text}<".encode())
        return xml

    return xlsx_with(marked, unmark)


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_a_cell_over_the_cell_limit_is_refused_by_its_place(file_type):
    longest = "x" * importing.MAX_CELL_CHARS
    rows = [["Fornavn", "Ønsker"], ["Aisha", longest], ["Jonas", longest + "x"]]
    with pytest.raises(ValidationError) as refused:
        importing.read_table(long_cells(rows, file_type), f"lang.{file_type}")
    assert (refused.value.key, refused.value.params) == (
        "data.error_cell_too_large", {"cell": "B3", "length": "100.001", "limit": "100.000"})
    frame = importing.read_table(long_cells(rows[:2], file_type), f"lang.{file_type}")
    assert frame.loc[2].tolist() == ["Aisha", longest]


def test_a_csv_line_too_long_to_be_a_row_is_refused_before_it_is_split():
    data = b"Fornavn;Efternavn\n" + b"x;" * importing.MAX_LINE_CHARS + b"\n"
    with pytest.raises(ValidationError) as refused:
        importing.read_table(data, "bred.csv")
    assert (refused.value.key, refused.value.params) == (
        "data.error_line_too_long", {"line": 2, "limit": "130.000"})


@pytest.mark.parametrize("stated", ["A1:A1", "A1:XFD1048576", "C5:D6"])
def test_a_sheet_that_states_a_wrong_size_is_read_as_it_is(stated):
    rows = [["Fornavn", "Efternavn"], ["Aisha", "Benali"], ["Jonas", "Madsen"]]
    data = xlsx_with(rows, lambda xml: re.sub(rb'<dimension ref="[^"]+"',
                                              f'<dimension ref="{stated}"'.encode(), xml))
    frame = importing.read_table(data, "forkert.xlsx")
    assert list(frame.columns) == ["Fornavn", "Efternavn"]
    assert frame.values.tolist() == [["Aisha", "Benali"], ["Jonas", "Madsen"]]


@pytest.mark.parametrize("limit, sheet, key", [
    ("MAX_UNPACKED_BYTES", None, "data.error_xlsx_unpacked"),
    ("MAX_WHOLE_PARTS_BYTES", None, "data.error_xlsx_whole_parts"),
    ("MAX_ROW_XML_BYTES", None, "data.error_xlsx_row_too_large"),
    ("MAX_UNSIZED_SHEET_BYTES", without_dimension, "data.error_xlsx_unsized"),
])
def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_parsed(monkeypatch, limit, sheet,
                                                                          key):
    rows = [["Fornavn", "Efternavn", "Ønsker"], *[[f"Navn {i}", "Hansen", "lager"] for i in range(200)],
            ["Bo", "Holm", *[f"ønske {i}" for i in range(importing.MAX_IMPORT_COLUMNS - 2)]]]
    data = xlsx_with(rows, sheet or (lambda xml: xml))
    assert len(importing.read_table(data, "stor.xlsx")) == 201  # within the real limits
    monkeypatch.setattr(importing, limit, 4000)

    def never(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(importing, "load_workbook", never)
    with pytest.raises(ValidationError) as refused:
        importing.read_table(data, "stor.xlsx")
    assert refused.value.key == key


def test_a_sheet_that_states_its_size_is_not_held_to_the_limit_of_one_that_does_not(monkeypatch):
    rows = [["Fornavn"], *[[f"Navn {i}"] for i in range(200)]]
    monkeypatch.setattr(importing, "MAX_UNSIZED_SHEET_BYTES", 4000)
    assert len(importing.read_table(xlsx_bytes(rows), "med.xlsx")) == 200
    with pytest.raises(ValidationError, match="data.error_xlsx_unsized"):
        importing.read_table(xlsx_with(rows, without_dimension), "uden.xlsx")
    assert len(importing.read_table(xlsx_with(rows[:20], without_dimension), "lille.xlsx")) == 19


# --- citizens -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [CITIZENS_DA, CITIZENS_EN], ids=["danish", "english"])
@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_a_clean_citizen_file_passes_the_dry_run_and_commits(engine, leader, rows, file_type):
    data = csv_bytes(rows) if file_type == "csv" else xlsx_bytes(rows)
    frame = importing.read_table(data, f"borgere.{file_type}")
    report = importing.dry_run(engine, leader, "citizens", frame)
    assert (report.total_rows, report.rows_ok, report.bad_rows, report.can_commit) == (2, 2, 0, True)
    assert count(engine, Citizen) == 0  # the dry run wrote nothing

    assert importing.commit_import(engine, leader, "citizens", frame) == 2
    with Session(engine) as session:
        aisha, jonas = session.exec(select(Citizen).order_by(Citizen.first_name)).all()
    assert (aisha.last_name, aisha.birth_year, aisha.benefit_type, aisha.match_group,
            aisha.external_ref, aisha.wishes, aisha.team_id) == \
        ("Benali", 1990, "kontanthjaelp", 2, "J-101", ["lager", "køkken"], leader.team_id)
    assert (jonas.benefit_type, jonas.external_ref, jonas.wishes) == ("dagpenge", None, [])
    assert imports_logged(engine) == ["count=2"]


def test_a_file_of_good_and_bad_rows_lists_every_bad_row_and_writes_nothing(engine, leader):
    add(engine, HousingArea(name="Brøndby Strand", municipality="Brøndby"))
    frame = table([
        ["Fornavn", "Efternavn", "Fødselsår", "Ydelse", "Boligområde", "Dagpenge ophører"],
        ["Aisha", "Benali", "1990", "kontanthjælp", "brøndby strand", ""],   # good
        ["", "Hansen", "1990", "", "", ""],                                   # no first name
        ["Bo", "Jensen", "1890", "", "", ""],                                 # too old
        ["Ida", "Larsen", "halvfems", "", "", ""],                            # no number
        ["Omar", "Demir", "1988", "løn", "", ""],                             # unknown benefit
        ["Sara", "Nielsen", "1992", "", "Vestbyen", ""],                      # unknown area
        ["Lars", "Olsen", "1970", "kontanthjælp", "", "31-12-2026"],          # dagpenge rule
        ["Mads", "Poulsen", "1985", "", "", "snart"],                         # no date
    ])
    report = importing.dry_run(engine, leader, "citizens", frame)
    assert errors_of(report) == [
        (3, "Fornavn", "data.error_required"),
        (4, "Fødselsår", "error.birth_year"),
        (5, "Fødselsår", "data.error_whole_number"),
        (6, "Ydelse", "error.unknown_benefit"),
        (7, "Boligområde", "data.error_unknown_area"),
        (8, "Dagpenge ophører", "error.dagpenge_end_without_dagpenge"),
        (9, "Dagpenge ophører", "data.error_date"),
    ]
    assert report.errors.loc[2, "params"] == {"value": "halvfems"}
    assert (report.total_rows, report.rows_ok, report.bad_rows, report.can_commit) == (8, 1, 7, False)

    with pytest.raises(ValidationError) as refused:
        importing.commit_import(engine, leader, "citizens", frame)
    assert (refused.value.key, refused.value.params) == ("data.error_not_clean", {"bad": 7})
    assert count(engine, Citizen) == 0
    assert imports_logged(engine) == []


def test_a_cpr_number_in_any_cell_is_an_error_at_its_row_and_column(engine, leader):
    frame = table([
        ["Fornavn", "Efternavn", "Fødselsår", "Bemærkning"],
        ["Aisha", "Benali", "1990", ""],
        ["Bo 010190-1234", "Hansen", "1990", ""],
        ["Ida", "Larsen", "1991", "cpr 2412851234"],
    ])
    report = importing.dry_run(engine, leader, "citizens", frame)
    assert errors_of(report) == [(3, "Fornavn", "error.cpr_in_text"),
                                 (4, "Bemærkning", "error.cpr_in_text")]
    assert report.ignored_columns == ("Bemærkning",)
    # The CPR number itself is never echoed back in the reason.
    assert all("1234" not in str(params) for params in report.errors["params"])


@pytest.mark.parametrize("cells, column, key", [
    (["B" * 81, "", "", "", ""], "Fornavn", "error.citizen_text_too_long"),
    (["Bo", "m" * 81, "", "", ""], "Målgruppe", "error.citizen_text_too_long"),
    (["Bo", "", "5", "", ""], "Matchgruppe", "error.match_group"),
    (["Bo", "", "", ", ".join(f"ønske {i}" for i in range(21)), ""], "Ønsker",
     "error.too_many_tags"),
    (["Bo", "", "", "", "1234567890"], "Sagsreference", "error.external_ref_cpr"),
])
def test_citizens_meet_the_rules_of_the_citizen_form(engine, leader, cells, column, key):
    frame = table([["Fornavn", "Efternavn", "Fødselsår", "Målgruppe", "Matchgruppe", "Ønsker",
                    "Sagsreference"], [cells[0], "Hansen", "1990", *cells[1:]]])
    assert errors_of(importing.dry_run(engine, leader, "citizens", frame)) == [(2, column, key)]


def duplicates_of(report) -> list[tuple[int, str, dict]]:
    return list(zip(report.duplicates["row"], report.duplicates["key"], report.duplicates["params"]))


def test_case_references_must_be_new_and_unique_in_the_file(engine, leader):
    add(engine, Citizen(first_name="Mette", last_name="Olsen", birth_year=1975, external_ref="J-1"))
    frame = table([["Fornavn", "Efternavn", "Fødselsår", "Sagsreference"],
                   ["Aisha", "Benali", "1990", "J-1"],
                   ["Jonas", "Madsen", "1991", "J-2"],
                   ["Ida", "Larsen", "1992", "J-2"],
                   ["Bo", "Hansen", "1993", "0101901234"]])
    report = importing.dry_run(engine, leader, "citizens", frame, skip_duplicates=False)
    assert errors_of(report) == [(2, "Sagsreference", "data.error_ref_exists"),
                                 (4, "Sagsreference", "data.error_duplicate_in_file"),
                                 (5, "Sagsreference", "error.cpr_in_text")]
    assert report.errors.loc[1, "params"] == {"first": 3}
    # Skipped, the reference already there is a duplicate; two different rows of one reference
    # are still an error: which of them is right only the file's author knows.
    report = importing.dry_run(engine, leader, "citizens", frame, skip_duplicates=True)
    assert errors_of(report) == [(4, "Sagsreference", "data.error_duplicate_in_file"),
                                 (5, "Sagsreference", "error.cpr_in_text")]
    assert duplicates_of(report) == [(2, "data.error_ref_exists", {"value": "J-1"})]


def test_housing_area_and_initiative_are_found_by_name(engine, leader):
    area, initiative = add(engine, HousingArea(name="Brøndby Strand", municipality="Brøndby"),
                           Initiative(name="STV"))
    frame = table([["Fornavn", "Efternavn", "Fødselsår", "Boligområde", "Indsats"],
                   ["Aisha", "Benali", "1990", "BRØNDBY STRAND", "stv"]])
    assert importing.commit_import(engine, leader, "citizens", frame) == 1
    with Session(engine) as session:
        citizen = session.exec(select(Citizen)).one()
    assert (citizen.housing_area_id, citizen.initiative_id) == (area, initiative)


def test_a_missing_required_column_is_reported_on_the_header_row(engine, leader):
    frame = table([["first_name", "birth_year"], ["Aisha", "1990"]])
    report = importing.dry_run(engine, leader, "citizens", frame)
    assert errors_of(report) == [(1, "Last name", "data.error_missing_column")]
    assert (report.rows_ok, report.can_commit) == (0, False)


def test_two_headers_for_the_same_field_are_refused(engine, leader):
    frame = table([["Fornavn", "first_name", "Efternavn", "Fødselsår"], ["A", "A", "B", "1990"]])
    report = importing.dry_run(engine, leader, "citizens", frame)
    assert errors_of(report) == [(1, "first_name", "data.error_duplicate_column")]


def test_only_leaders_and_admins_may_import(engine, actor_factory):
    frame = table(CITIZENS_DA)
    for role in ("consultant", "caseworker", "mentor"):
        with pytest.raises(AccessDenied):
            importing.dry_run(engine, actor_factory(role), "citizens", frame)
        with pytest.raises(AccessDenied):
            importing.commit_import(engine, actor_factory(role), "citizens", frame)
    assert importing.dry_run(engine, actor_factory("admin"), "citizens", frame).can_commit


def test_a_file_without_rows_cannot_be_committed(engine, leader):
    frame = table([["Fornavn", "Efternavn", "Fødselsår"]])
    assert importing.dry_run(engine, leader, "citizens", frame).can_commit is False
    with pytest.raises(ValidationError, match="data.error_no_rows"):
        importing.commit_import(engine, leader, "citizens", frame)


def test_a_failure_midway_through_the_writing_writes_nothing(engine, leader, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    frame = table(CITIZENS_DA)
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done > total // 2:  # the first row is written (flushed); then it breaks
            raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError):
        importing.commit_import(engine, leader, "citizens", frame, progress=progress)
    assert seen == [(1, 4), (2, 4), (3, 4)]
    assert count(engine, Citizen) == 0
    assert imports_logged(engine) == []


def test_progress_reports_every_row_checked_and_written(engine, leader, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    frame = table(CITIZENS_DA)
    checked, written = [], []
    importing.dry_run(engine, leader, "citizens", frame, progress=lambda d, t: checked.append((d, t)))
    importing.commit_import(engine, leader, "citizens", frame,
                            progress=lambda d, t: written.append((d, t)))
    assert checked == [(1, 2), (2, 2)]
    assert written == [(1, 4), (2, 4), (3, 4), (4, 4)]


# --- companies ----------------------------------------------------------------------------------

def test_companies_import_with_cvr_agreement_and_supplier_flag(engine, leader):
    frame = importing.read_table(xlsx_bytes([
        ["Virksomhed", "CVR", "Branche", "Kommune", "Aftale", "Aftale siden",
         "Leverandør til boligorganisation"],
        ["Strandens Bageri ApS", f"DK {CVR_A}", "Bager", "Brøndby", "Samarbejdsaftale",
         "01-03-2025", "ja"],
        ["Grøn Have Anlæg", "", "Grønne områder", "Brøndby", "ingen", "", "nej"],
    ]), "virksomheder.xlsx")
    assert importing.commit_import(engine, leader, "companies", frame) == 2
    with Session(engine) as session:
        bakery, garden = session.exec(select(Company).order_by(Company.name.desc())).all()
    assert (bakery.cvr, bakery.agreement_kind, bakery.agreement_since, bakery.housing_supplier) == \
        (CVR_A, "samarbejdsaftale", date(2025, 3, 1), True)
    assert (garden.name, garden.cvr, garden.agreement_kind, garden.housing_supplier) == \
        ("Grøn Have Anlæg", None, "none", False)
    assert imports_logged(engine) == ["count=2"]


def test_cvr_numbers_must_be_valid_new_and_unique_within_the_file(engine, leader):
    add(engine, Company(name="Kirkebjerg Lager A/S", cvr=CVR_C))
    frame = table([["Virksomhed", "CVR"],
                   ["Strandens Bageri", CVR_A],
                   ["Vestegnens VVS", CVR_B],
                   ["Bageriet igen", CVR_A],
                   ["Lageret", CVR_C],
                   ["Tastefejl ApS", "12345678"],
                   ["Kirkebjerg Lager A/S", ""]])
    report = importing.dry_run(engine, leader, "companies", frame, skip_duplicates=False)
    assert errors_of(report) == [(4, "CVR", "data.error_duplicate_in_file"),
                                 (5, "CVR", "error.cvr_taken"),
                                 (6, "CVR", "error.cvr_invalid")]
    assert report.errors["params"].tolist()[:2] == [
        {"first": 2}, {"cvr": CVR_C, "name": "Kirkebjerg Lager A/S"}]
    # Nothing forbids two companies of one name: without a CVR number it is a duplicate to list,
    # written when duplicates are not skipped.
    assert duplicates_of(report) == [(7, "data.error_company_exists",
                                      {"value": "Kirkebjerg Lager A/S"})]
    report = importing.dry_run(engine, leader, "companies", frame, skip_duplicates=True)
    assert errors_of(report) == [(4, "CVR", "data.error_duplicate_in_file"),
                                 (6, "CVR", "error.cvr_invalid")]
    assert [row for row, _key, _params in duplicates_of(report)] == [5, 7]
    assert count(engine, Company) == 1


@pytest.mark.parametrize("cells, column, key", [
    (["", "Bager", "samarbejdsaftale", ""], "Virksomhed", "data.error_required"),
    (["Bageri", "Bager", "kontrakt", ""], "Aftale", "error.company_unknown_agreement"),
    (["Bageri", "Bager", "samarbejdsaftale", "01-01-2999"], "Aftale siden",
     "error.agreement_since_future"),
    (["Bageri", "Bager", "samarbejdsaftale", "kan ikke huske"], "Aftale siden", "data.error_date"),
])
def test_companies_meet_the_rules_of_the_company_form(engine, leader, cells, column, key):
    frame = table([["Virksomhed", "Branche", "Aftale", "Aftale siden"], cells])
    assert errors_of(importing.dry_run(engine, leader, "companies", frame)) == [(2, column, key)]


# --- placements ---------------------------------------------------------------------------------

@pytest.fixture
def known(engine):
    """Citizens and companies that an import of placements refers to."""
    aisha, young, twin1, twin2 = add(
        engine,
        Citizen(first_name="Aisha", last_name="Benali", birth_year=1990, external_ref="J-101"),
        Citizen(first_name="Jonas", last_name="Ørsted", birth_year=THIS_YEAR - 15),
        Citizen(first_name="Ida", last_name="Larsen", birth_year=1991),
        Citizen(first_name="Ida", last_name="Larsen", birth_year=1991))
    bakery, cafe = add(engine, Company(name="Strandens Bageri ApS", cvr=CVR_A),
                       Company(name="Strand Café"))
    return {"aisha": aisha, "young": young, "bakery": bakery, "cafe": cafe}


def test_placements_find_citizen_and_company_and_get_a_follow_up_plan(engine, leader, known):
    start = clock.today().replace(day=1)
    frame = table([
        ["Sagsreference", "Fornavn", "Efternavn", "Fødselsår", "CVR", "Virksomhed", "Forløbstype",
         "Startdato", "Slutdato", "Timer pr. uge", "Timeløn"],
        ["J-101", "", "", "", CVR_A, "", "Virksomhedspraktik", start.strftime("%d-%m-%Y"),
         "", "12,5", ""],
        ["", "jonas", "ØRSTED", THIS_YEAR - 15, "", "strand café", "lommepengejob",
         start.isoformat(), "", "6", "45"],
    ])
    report = importing.dry_run(engine, leader, "placements", frame)
    assert report.errors.empty, report.errors
    assert importing.commit_import(engine, leader, "placements", frame) == 2
    with Session(engine) as session:
        internship, pocket = session.exec(select(Placement).order_by(Placement.id)).all()
        follow_ups = session.exec(select(func.count()).select_from(FollowUp)
                                  .where(FollowUp.placement_id == internship.id)).one()
    assert (internship.citizen_id, internship.company_id, internship.kind, internship.start_date,
            internship.hours_per_week, internship.status) == \
        (known["aisha"], known["bakery"], "virksomhedspraktik", start, 12.5, "active")
    assert (pocket.citizen_id, pocket.company_id, pocket.kind, pocket.hourly_wage) == \
        (known["young"], known["cafe"], "lommepengejob", 45.0)
    assert follow_ups == 9  # the default cadence 1, 2, 3, 5, 8, 14, 30, 60, 90 days
    assert imports_logged(engine) == ["count=2"]


@pytest.mark.parametrize("cells, column, key", [
    (["J-999", CVR_A, "virksomhedspraktik", "01-10-2026", "", ""], "Sagsreference",
     "data.error_unknown_citizen"),
    (["J-101", CVR_B, "virksomhedspraktik", "01-10-2026", "", ""], "CVR",
     "data.error_unknown_company"),
    (["J-101", "12345678", "virksomhedspraktik", "01-10-2026", "", ""], "CVR", "error.cvr_invalid"),
    (["J-101", CVR_A, "kaffeslabberads", "01-10-2026", "", ""], "Forløbstype",
     "error.unknown_placement_kind"),
    (["J-101", CVR_A, "lommepengejob", "01-10-2026", "", ""], "Forløbstype",
     "error.pocket_money_age"),
    (["J-101", CVR_A, "løntilskud", "01-10-2026", "30-09-2026", ""], "Slutdato",
     "error.end_before_start"),
    (["J-101", CVR_A, "løntilskud", "01-10-2026", "", "40"], "Timer pr. uge",
     "error.hours_per_week"),
    (["J-101", CVR_A, "løntilskud", "", "", ""], "Startdato", "data.error_required"),
    (["", CVR_A, "løntilskud", "01-10-2026", "", ""], "Sagsreference", "data.error_required"),
])
def test_placements_meet_the_placement_rules(engine, leader, known, cells, column, key):
    frame = table([["Sagsreference", "CVR", "Forløbstype", "Startdato", "Slutdato", "Timer pr. uge"],
                   cells])
    report = importing.dry_run(engine, leader, "placements", frame)
    assert errors_of(report) == [(2, column, key)]


def test_a_name_that_fits_two_citizens_asks_for_the_case_reference(engine, leader, known):
    frame = table([["Fornavn", "Efternavn", "Fødselsår", "Virksomhed", "Forløbstype", "Startdato"],
                   ["Ida", "Larsen", "1991", "Strand Café", "praktik", "01-10-2026"]])
    report = importing.dry_run(engine, leader, "placements", frame)
    assert errors_of(report) == [(2, "Efternavn", "data.error_ambiguous_citizen")]
    assert report.errors.loc[0, "params"] == {"value": "Ida Larsen (1991)"}


def test_a_placement_already_there_or_twice_in_the_file_is_refused(engine, leader, known):
    add(engine, Placement(citizen_id=known["aisha"], company_id=known["bakery"],
                          kind="virksomhedspraktik", start_date=date(2026, 10, 1)))
    frame = table([["Sagsreference", "CVR", "Forløbstype", "Startdato"],
                   ["J-101", CVR_A, "virksomhedspraktik", "01-10-2026"],
                   ["J-101", CVR_A, "løntilskud", "01-11-2026"],
                   ["J-101", CVR_A, "Løntilskud", "2026-11-01"]])
    # Row 4 is row 3 written otherwise: the same placement twice is an error in the file.
    report = importing.dry_run(engine, leader, "placements", frame, skip_duplicates=True)
    assert errors_of(report) == [(4, "Startdato", "data.error_duplicate_in_file")]
    assert duplicates_of(report) == [(2, "data.error_placement_exists", {})]
    # Nothing forbids a placement twice: not skipped, the one already there is written again.
    report = importing.dry_run(engine, leader, "placements", frame, skip_duplicates=False)
    assert errors_of(report) == [(4, "Startdato", "data.error_duplicate_in_file")]
    assert duplicates_of(report) == [(2, "data.error_placement_exists", {})]


def test_placements_need_a_way_to_find_the_citizen_and_the_company(engine, leader, known):
    frame = table([["Fornavn", "Forløbstype", "Startdato"], ["Aisha", "praktik", "01-10-2026"]])
    report = importing.dry_run(engine, leader, "placements", frame)
    assert [(row, key) for row, _column, key in errors_of(report)] == \
        [(1, "data.error_missing_one_of"), (1, "data.error_missing_one_of")]
    assert report.errors["params"].tolist() == [
        {"columns": "Sagsreference / Fornavn + Efternavn + Fødselsår"},
        {"columns": "CVR / Virksomhed"}]


def test_an_unknown_kind_of_import_is_refused(engine, leader):
    with pytest.raises(ValidationError, match="error.unknown_kind"):
        importing.dry_run(engine, leader, "sprints", table(CITIZENS_DA))


def test_a_large_file_is_checked_and_written_in_one_go(engine, leader):
    rows = [["Virksomhed", "Branche"], *[[f"Virksomhed nr. {i}", "Lager"] for i in range(450)]]
    frame = importing.read_table(xlsx_bytes(rows), "mange.xlsx")
    calls = []
    assert importing.commit_import(engine, leader, "companies", frame,
                                   progress=lambda d, t: calls.append((d, t))) == 450
    assert count(engine, Company) == 450
    assert calls[-1] == (900, 900) and calls == sorted(calls)
    assert imports_logged(engine) == ["count=450"]


def test_the_xlsx_reader_ignores_formulas_results_it_cannot_know():
    book = Workbook()
    book.active.append(["Fornavn", "Efternavn"])
    book.active.append(["=1+1", "Benali"])
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stores no computed value: the cell reads as empty, never as the formula text.
    frame = importing.read_table(buffer.getvalue(), "formel.xlsx")
    assert frame.loc[2].tolist() == ["", "Benali"]
    assert load_workbook(buffer).active["A2"].value == "=1+1"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_an_exported_placement_list_reads_back_as_the_same_placements(engine, leader, known, lang):
    add(engine,
        Placement(citizen_id=known["aisha"], company_id=known["bakery"], kind="loentilskud",
                  start_date=date(2026, 10, 1), hours_per_week=30),
        Placement(citizen_id=known["young"], company_id=known["cafe"], kind="lommepengejob",
                  start_date=date(THIS_YEAR, 6, 1), planned_end_date=date(THIS_YEAR, 8, 31)))
    exported = exporting.export_list(engine, leader, "placements", lang=lang)
    frame = importing.read_table(exporting.to_excel_bytes({"forløb": exported}), "forløb.xlsx")
    report = importing.dry_run(engine, leader, "placements", frame, skip_duplicates=True)
    # Every row is recognised as a placement that is already there, nothing else is wrong.
    assert report.errors.empty
    assert sorted(report.duplicates["key"]) == ["data.error_placement_exists"] * 2
    assert (report.rows_ok, report.can_commit) == (0, False)
    assert len(report.ignored_columns) == 5  # number, actual end, status, result, consultant


@pytest.mark.parametrize("lang", ["da", "en"])
def test_an_exported_company_list_reads_back_with_its_agreements(engine, leader, lang):
    add(engine, Company(name="Strandens Bageri ApS", cvr=CVR_A, agreement_kind="samarbejdsaftale",
                        agreement_since=date(2025, 3, 1), housing_supplier=True),
        Company(name="Strand Café"))
    exported = exporting.export_list(engine, leader, "companies", lang=lang)
    assert exported.iloc[:, 7].tolist()[0] != "samarbejdsaftale"  # shown by its name
    frame = importing.read_table(exporting.to_csv_bytes(exported), "virksomheder.csv")
    report = importing.dry_run(engine, leader, "companies", frame, skip_duplicates=True)
    # Both are recognised as companies already there; the agreement and the flag read back.
    assert report.errors.empty
    assert sorted(report.duplicates["key"]) == ["data.error_company_exists", "error.cvr_taken"]
    with Session(engine) as session:
        for company in session.exec(select(Company)).all():
            session.delete(company)
        session.commit()
    assert importing.commit_import(engine, leader, "companies", frame) == 2
    with Session(engine) as session:
        bakery = session.exec(select(Company).where(Company.cvr == CVR_A)).one()
    assert (bakery.agreement_kind, bakery.agreement_since, bakery.housing_supplier) == \
        ("samarbejdsaftale", date(2025, 3, 1), True)


# --- staff members and initiatives --------------------------------------------------------------

STAFF_DA = ["Navn", "Initialer", "Rolle", "Team", "Aktiv"]


@pytest.fixture
def admin_actor(actor_factory):
    return actor_factory("admin")


def staff_rows(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(Staff.name, Staff.initials, Staff.role, Team.name, Staff.active)
                            .outerjoin(Team, Team.id == Staff.team_id)
                            .where(Staff.name.not_like("Test %")).order_by(Staff.id)).all()


def test_staff_are_imported_into_their_teams_with_suggested_initials(engine, admin_actor):
    add(engine, Team(name="Jobteam Nord"))
    frame = table([STAFF_DA,
                   ["Sanne Ibsen", "", "jobkonsulent", "jobteam nord", ""],
                   ["Søren Iversen", "", "Konsulent", "Jobteam Nord", "ja"],
                   ["Simon Isaksen", "si", "consultant", "Jobteam Nord", ""],
                   ["Mette Kjær", "", "sagsbehandler", "Jobteam Nord", "nej"],
                   ["Jens Berg", "", "leder", "", ""]])
    own_team = staffing.list_teams(engine, admin_actor).set_index("id").loc[admin_actor.team_id, "name"]
    report = importing.dry_run(engine, admin_actor, "staff", frame)
    assert (report.can_commit, report.total_rows) == (True, 5)
    assert importing.commit_import(engine, admin_actor, "staff", frame) == 5
    # Typed initials ("SI") are kept free of the suggestions for the rows around them; a blank
    # team is the importing admin's own.
    assert staff_rows(engine) == [
        ("Sanne Ibsen", "SAI", "consultant", "Jobteam Nord", True),
        ("Søren Iversen", "SØI", "consultant", "Jobteam Nord", True),
        ("Simon Isaksen", "SI", "consultant", "Jobteam Nord", True),
        ("Mette Kjær", "MK", "caseworker", "Jobteam Nord", False),
        ("Jens Berg", "JB", "leader", own_team, True),
    ]
    assert imports_logged(engine) == ["count=5"]


def test_a_bad_staff_file_lists_every_row_and_writes_nothing(engine, admin_actor):
    add(engine, Team(name="Jobteam Nord"))
    staffing.create_staff(engine, admin_actor, name="Sanne Ibsen", role="consultant",
                          team_id=staffing.list_teams(engine, admin_actor)
                          .set_index("name").loc["Jobteam Nord", "id"].item())
    frame = table([STAFF_DA,
                   ["Bo Holm", "", "jobkonsulent", "Jobteam Nord", ""],        # good
                   ["Sanne Ibsen", "", "jobkonsulent", "Jobteam Nord", ""],    # already there
                   ["Simon Isaksen", "SI", "jobkonsulent", "Jobteam Nord", ""],  # SI is Sanne's
                   ["Ida Lund", "IL1", "mentor", "Jobteam Nord", ""],          # not letters
                   ["Ib Lund", "BL", "mentor", "Jobteam Nord", ""],            # BL is typed twice
                   ["Bent Lind", "BL", "mentor", "Jobteam Nord", ""],
                   ["Ole Dam", "", "mødeskærm", "Jobteam Nord", ""],           # not a staff role
                   ["Eva Holm", "", "mentor", "Jobteam Syd", ""],              # no such team
                   ["Per Ravn", "", "mentor", "Jobteam Nord", "måske"],        # not yes or no
                   ["", "", "", "", ""],                                       # blank: left out
                   ["Bo Holm", "", "mentor", "jobteam nord", ""]])             # twice in the file
    report = importing.dry_run(engine, admin_actor, "staff", frame)
    assert errors_of(report) == [
        (3, "Navn", "data.error_staff_exists"),
        (4, "Initialer", "error.initials_taken"),
        (5, "Initialer", "error.initials_invalid"),
        (7, "Initialer", "data.error_duplicate_in_file"),
        (8, "Rolle", "error.staff_role_unknown"),
        (9, "Team", "data.error_unknown_team"),
        (10, "Aktiv", "data.error_yes_no"),
        (12, "Navn", "data.error_duplicate_in_file"),
    ]
    assert report.errors.loc[1, "params"] == {"initials": "SI", "name": "Sanne Ibsen",
                                              "suggestion": "SII"}
    with pytest.raises(ValidationError):
        importing.commit_import(engine, admin_actor, "staff", frame)
    assert [row[0] for row in staff_rows(engine)] == ["Sanne Ibsen"]
    assert imports_logged(engine) == []


def test_missing_teams_are_created_only_when_asked_and_only_by_an_admin(engine, admin_actor,
                                                                          actor_factory):
    frame = table([STAFF_DA, ["Sanne Ibsen", "", "jobkonsulent", "Jobteam Nord", ""],
                   ["Bo Holm", "", "jobkonsulent", "JOBTEAM NORD", ""],
                   ["Ida Lund", "", "mentor", "Jobteam Syd", ""]])
    assert errors_of(importing.dry_run(engine, admin_actor, "staff", frame)) == [
        (2, "Team", "data.error_unknown_team"), (3, "Team", "data.error_unknown_team"),
        (4, "Team", "data.error_unknown_team")]
    with pytest.raises(AccessDenied):
        importing.dry_run(engine, actor_factory("leader"), "staff", frame, create_teams=True)
    assert importing.dry_run(engine, admin_actor, "staff", frame, create_teams=True).can_commit
    assert importing.commit_import(engine, admin_actor, "staff", frame, create_teams=True) == 3
    assert staff_rows(engine) == [("Sanne Ibsen", "SI", "consultant", "Jobteam Nord", True),
                                  ("Bo Holm", "BH", "consultant", "Jobteam Nord", True),
                                  ("Ida Lund", "IL", "mentor", "Jobteam Syd", True)]
    with Session(engine) as session:
        created = session.exec(select(AuditLog.detail).where(
            AuditLog.table_name == "team", AuditLog.action == "create")).all()
    assert created == ["Jobteam Nord", "Jobteam Syd"]


def test_a_leader_imports_staff_of_their_own_team_only(engine, admin_actor, actor_factory):
    north, south = add(engine, Team(name="Nord"), Team(name="Syd"))
    leader = actor_factory("leader", team_id=north)
    frame = table([STAFF_DA, ["Sanne Ibsen", "", "jobkonsulent", "", ""],
                   ["Bo Holm", "", "mentor", "Nord", ""],
                   ["Ida Lund", "", "mentor", "Syd", ""],
                   ["Jens Berg", "", "leder", "Nord", ""]])
    assert errors_of(importing.dry_run(engine, leader, "staff", frame)) == [
        (4, "Team", "error.staff_own_team_only"), (5, "Rolle", "error.staff_role_admin_only")]
    good = table([STAFF_DA, ["Sanne Ibsen", "", "jobkonsulent", "", ""],
                  ["Bo Holm", "", "mentor", "Nord", ""]])
    assert importing.commit_import(engine, leader, "staff", good) == 2
    assert {row[3] for row in staff_rows(engine)} == {"Nord"}
    assert "Syd" not in {row[3] for row in staff_rows(engine)} and south


def test_initiatives_are_imported_with_dates_and_funder(engine, leader):
    frame = table([["Navn", "Startdato", "Slutdato", "Finansieret af"],
                   ["STV Nord", "01-01-2026", "31-12-2027", "STAR"],
                   ["Jobløft", "2026-03-01", "", ""]])
    assert importing.commit_import(engine, leader, "initiatives", frame) == 2
    with Session(engine) as session:
        rows = session.exec(select(Initiative.name, Initiative.start_date, Initiative.end_date,
                                   Initiative.funder).order_by(Initiative.id)).all()
    assert rows == [("STV Nord", date(2026, 1, 1), date(2027, 12, 31), "STAR"),
                    ("Jobløft", date(2026, 3, 1), None, "")]
    assert imports_logged(engine) == ["count=2"]


def test_a_bad_initiatives_file_lists_every_row_and_writes_nothing(engine, leader):
    add(engine, Initiative(name="STV"))
    frame = table([["Name", "Start", "End", "Funded by"],
                   ["Jobløft", "01-01-2026", "", ""],             # good
                   ["stv", "", "", ""],                           # exists already
                   ["Energi", "01-01-2027", "01-01-2026", ""],    # ends before it starts
                   ["Splejs", "snart", "", ""],                   # not a date
                   ["Lommepenge", "", "", "=1+1"],                # a formula
                   ["Jobløft", "", "", ""]])                      # twice in the file
    report = importing.dry_run(engine, leader, "initiatives", frame)
    assert errors_of(report) == [(3, "Name", "data.error_initiative_exists"),
                                 (4, "End", "error.initiative_end_before_start"),
                                 (5, "Start", "data.error_date"),
                                 (6, "Funded by", "error.text_formula"),
                                 (7, "Name", "data.error_duplicate_in_file")]
    with pytest.raises(ValidationError):
        importing.commit_import(engine, leader, "initiatives", frame)
    assert count(engine, Initiative) == 1


@pytest.mark.parametrize("kind", ["staff", "initiatives"])
@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor"])
def test_only_admins_and_leaders_import_staff_and_initiatives(engine, actor_factory, kind, role):
    frame = importing.template(kind)
    with pytest.raises(AccessDenied):
        importing.dry_run(engine, actor_factory(role), kind, frame)
    assert not importing.may_import(actor_factory(role), kind)
    assert importing.may_import(actor_factory("leader"), kind)


# --- duplicates ---------------------------------------------------------------------------------

@dataclass
class DuplicateCase:
    """A kind's record already there, and the file rows of it and of a new record."""

    table: type
    header: list[str]
    there: list[object]
    new: list[object]
    key: str  # the reason given for the row already there
    params: dict
    column: str  # where it is refused when not skipped and only one may exist
    unique: bool


def duplicate_case(engine, kind: str) -> DuplicateCase:
    if kind == "citizens":
        add(engine, Citizen(first_name="Mette", last_name="Olsen", birth_year=1975, external_ref="J-1"))
        return DuplicateCase(Citizen, ["Fornavn", "Efternavn", "Fødselsår", "Sagsreference"],
                             ["Mette", "Olsen", "1975", "J-1"], ["Aisha", "Benali", "1990", "J-2"],
                             "data.error_ref_exists", {"value": "J-1"}, "Sagsreference", True)
    if kind == "companies":
        add(engine, Company(name="Strandens Bageri ApS", cvr=CVR_A))
        return DuplicateCase(Company, ["Virksomhed", "CVR"], ["Bageriet", CVR_A],
                             ["Vestegnens VVS", CVR_B], "error.cvr_taken",
                             {"cvr": CVR_A, "name": "Strandens Bageri ApS"}, "CVR", True)
    if kind == "placements":
        (citizen,) = add(engine, Citizen(first_name="Aisha", last_name="Benali", birth_year=1990,
                                         external_ref="J-101"))
        (company,) = add(engine, Company(name="Strandens Bageri ApS", cvr=CVR_A))
        add(engine, Placement(citizen_id=citizen, company_id=company, kind="virksomhedspraktik",
                              start_date=date(2026, 10, 1)))
        return DuplicateCase(Placement, ["Sagsreference", "CVR", "Forløbstype", "Startdato"],
                             ["J-101", CVR_A, "praktik", "01-10-2026"],
                             ["J-101", CVR_A, "løntilskud", "01-11-2026"],
                             "data.error_placement_exists", {}, "Startdato", False)
    if kind == "comparison_groups":
        (initiative,) = add(engine, Initiative(name="STV"))
        add(engine, ComparisonGroup(initiative_id=initiative, label="Kontanthjælp", month=6, n=100,
                                    reached=30))
        return DuplicateCase(ComparisonGroup, ["initiative", "label", "month", "n", "reached"],
                             ["STV", "kontanthjælp", "6", "100", "30"], ["STV", "Dagpenge", "6", "80", "40"],
                             "error.comparison_exists", {}, "label", True)
    if kind == "staff":
        (team,) = add(engine, Team(name="Jobteam Nord"))
        add(engine, Staff(name="Sanne Ibsen", initials="SI", role="consultant", team_id=team))
        return DuplicateCase(Staff, STAFF_DA, ["Sanne Ibsen", "", "jobkonsulent", "Jobteam Nord", ""],
                             ["Bo Holm", "", "mentor", "Jobteam Nord", ""], "data.error_staff_exists",
                             {"value": "Sanne Ibsen"}, "Navn", True)
    add(engine, Initiative(name="STV"))
    return DuplicateCase(Initiative, ["Navn"], ["stv"], ["Jobløft"], "data.error_initiative_exists",
                         {"value": "stv"}, "Navn", True)


ISSUE_FILE = [["Fornavn", "Efternavn", "Fødselsår"], ["Aisha", "Benali", "1990"],
              ["Aisha", "Benali", "1990"], ["aisha ", "BENALI", " 1990"]]


def test_identical_rows_of_a_file_are_listed_and_skipped(engine, leader):
    frame = table(ISSUE_FILE)
    report = importing.dry_run(engine, leader, "citizens", frame, skip_duplicates=True)
    assert duplicates_of(report) == [(3, "data.duplicate_same_row", {"first": 2}),
                                     (4, "data.duplicate_same_row", {"first": 2})]
    assert (report.total_rows, report.rows_ok, report.bad_rows, report.skipped_rows,
            report.can_commit) == (3, 1, 0, 2, True)
    assert importing.commit_import(engine, leader, "citizens", frame, skip_duplicates=True) == 1
    assert count(engine, Citizen) == 1
    assert imports_logged(engine) == ["count=1 skipped=2"]


def test_identical_rows_are_written_when_not_skipped_and_nothing_forbids_it(engine, leader):
    frame = table(ISSUE_FILE)
    report = importing.dry_run(engine, leader, "citizens", frame, skip_duplicates=False)
    # Still listed, so nobody is surprised by three citizens of one name.
    assert [row for row, _key, _params in duplicates_of(report)] == [3, 4]
    assert (report.rows_ok, report.skipped_rows, report.can_commit) == (3, 0, True)
    assert importing.commit_import(engine, leader, "citizens", frame, skip_duplicates=False) == 3
    assert count(engine, Citizen) == 3
    assert imports_logged(engine) == ["count=3"]


@pytest.mark.parametrize("kind", importing.KINDS)
def test_a_record_already_there_and_a_row_twice_are_listed_and_skipped(engine, admin_actor, kind):
    case = duplicate_case(engine, kind)
    frame = table([case.header, case.there, case.new, case.new])
    before = count(engine, case.table)
    report = importing.dry_run(engine, admin_actor, kind, frame, skip_duplicates=True)
    assert report.errors.empty, report.errors
    assert duplicates_of(report) == [(2, case.key, case.params),
                                     (4, "data.duplicate_same_row", {"first": 3})]
    assert (report.rows_ok, report.skipped_rows, report.can_commit) == (1, 2, True)
    assert importing.commit_import(engine, admin_actor, kind, frame, skip_duplicates=True) == 1
    assert count(engine, case.table) == before + 1


@pytest.mark.parametrize("kind", importing.KINDS)
def test_duplicates_not_skipped_are_refused_where_only_one_may_exist_else_written(engine, admin_actor,
                                                                                kind):
    case = duplicate_case(engine, kind)
    frame = table([case.header, case.there, case.new, case.new])
    before = count(engine, case.table)
    report = importing.dry_run(engine, admin_actor, kind, frame, skip_duplicates=False)
    if case.unique:
        assert errors_of(report) == [(2, case.column, case.key),
                                     (4, case.column, "data.error_duplicate_in_file")]
        with pytest.raises(ValidationError, match="data.error_not_clean"):
            importing.commit_import(engine, admin_actor, kind, frame, skip_duplicates=False)
        assert count(engine, case.table) == before
    else:
        assert report.errors.empty
        assert [row for row, _key, _params in duplicates_of(report)] == [2, 4]
        assert importing.commit_import(engine, admin_actor, kind, frame, skip_duplicates=False) == 3
        assert count(engine, case.table) == before + 3


def test_a_file_of_nothing_but_duplicates_has_nothing_to_import(engine, leader):
    add(engine, Initiative(name="STV"))
    frame = table([["Navn"], ["STV"], ["stv"]])
    report = importing.dry_run(engine, leader, "initiatives", frame, skip_duplicates=True)
    assert [row for row, _key, _params in duplicates_of(report)] == [2, 3]
    assert (report.rows_ok, report.can_commit) == (0, False)
    with pytest.raises(ValidationError, match="data.error_only_duplicates"):
        importing.commit_import(engine, leader, "initiatives", frame, skip_duplicates=True)
    assert count(engine, Initiative) == 1
    assert imports_logged(engine) == []


def test_a_row_with_an_error_is_never_listed_as_a_duplicate(engine, leader):
    frame = table([["Fornavn", "Efternavn", "Fødselsår", "Bemærkning"],
                   ["Aisha", "Benali", "1990", "cpr 010190-1234"],
                   ["Aisha", "Benali", "1990", "cpr 010190-1234"]])
    report = importing.dry_run(engine, leader, "citizens", frame, skip_duplicates=True)
    assert report.duplicates.empty
    assert errors_of(report) == [(2, "Bemærkning", "error.cpr_in_text"),
                                 (3, "Bemærkning", "error.cpr_in_text")]
