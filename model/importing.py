"""Import of citizens, companies, placements, comparison groups, staff members and initiatives from
CSV and Excel, with a dry run that writes nothing.

A file is read into text cells (`read_table`), every row is checked against the rules the forms
use (`dry_run`), and only a file without a single bad row is written, in one transaction
(`commit_import`).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from model import audit, companies, i18n, placements, results, staffing, validation
from model.access import Actor, can, require
from model.db import write_session
from model.errors import AccessDenied, ValidationError
from model.exporting import CODE_KEYS, COLUMN_KEYS
from model.people import (
    MAX_NAME,
    check_free_text,
    clean_citizen_fields,
    clean_external_ref,
    clean_person_name,
    clean_tags,
    validate_birth_year,
    visible_citizens,
)
from model.tables import (
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

KINDS = ("citizens", "companies", "placements", "comparison_groups", "staff", "initiatives")
TABLES = {"citizens": "citizen", "companies": "company", "placements": "placement",
          "comparison_groups": "comparison_group", "staff": "staff", "initiatives": "initiative"}
# Beside data.import, what each kind's rows need (the same as the forms that make them).
KIND_PERMISSIONS = {"comparison_groups": "comparison.write", "staff": "staff.edit",
                    "initiatives": "initiative.edit"}
FILE_TYPES = ("csv", "xlsx")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
# A job centre imports a few thousand rows at a time; at 20,000 the largest file is read and
# dry-run within 5 s (docs/performance.md, Imports), at 50,000 the dry run alone took 5-7 s.
MAX_IMPORT_ROWS = 20_000
HEADER_ROW = 1
PROGRESS_EVERY = 100
# A letter of Latin-1 Supplement (æ, ø, å, é, ...) written as UTF-8.
UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")

Progress = Callable[[int, int], None]


def normalise(text: str) -> str:
    """A header as compared: case, æ/ø/å, spaces, dots, dashes and underscores do not matter."""
    text = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[\s_.\-]+", " ", text).strip()


def code(text: str) -> str:
    """A value as a code: "Ordinære timer" -> "ordinaere_timer"."""
    return normalise(text).replace(" ", "_")


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import file: the field it fills. Its header may be Danish or English."""

    field: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    key: str | None = None  # the header's catalogue key, when not the export's (COLUMN_KEYS)

    def header(self, lang: str = "da") -> str:
        return i18n.t(self.key or COLUMN_KEYS[self.field], lang)

    def accepts(self, header: str) -> bool:
        names = {self.header(lang) for lang in i18n.LANGUAGES} | {self.field, *self.aliases}
        return normalise(header) in {normalise(name) for name in names}


NAME_COLUMNS = (ImportColumn("first_name", True), ImportColumn("last_name", True),
                ImportColumn("birth_year", True))
REF_COLUMN = ImportColumn("external_ref", aliases=("sagsnummer", "sagsnr"))
CVR_COLUMN = ImportColumn("cvr", aliases=("cvr nummer", "cvr nr"))
COLUMNS: dict[str, tuple[ImportColumn, ...]] = {
    "citizens": (
        *NAME_COLUMNS,
        ImportColumn("target_group"),
        ImportColumn("benefit_type", aliases=("ydelsestype", "benefit")),
        ImportColumn("match_group"),
        ImportColumn("dagpenge_end_date", aliases=("dagpenge slutdato",)),
        ImportColumn("housing_area"),
        ImportColumn("initiative", aliases=("projekt",)),
        REF_COLUMN,
        ImportColumn("wishes"),
        ImportColumn("qualifications"),
    ),
    "companies": (
        ImportColumn("company", True, ("name", "navn", "virksomhedsnavn")),
        CVR_COLUMN,
        ImportColumn("industry"),
        ImportColumn("municipality"),
        ImportColumn("contact_person"),
        ImportColumn("phone", aliases=("tlf", "telefonnummer")),
        ImportColumn("agreement_kind", aliases=("aftaletype", "agreement")),
        ImportColumn("agreement_since"),
        ImportColumn("housing_supplier", aliases=("leverandør", "boligleverandør")),
    ),
    "placements": (
        REF_COLUMN,
        *(ImportColumn(column.field) for column in NAME_COLUMNS),
        CVR_COLUMN,
        ImportColumn("company", aliases=("virksomhedsnavn",)),
        ImportColumn("kind", True, ("type", "forløb")),
        ImportColumn("start_date", True, ("start",)),
        ImportColumn("planned_end_date", aliases=("planlagt slutdato", "end date")),
        ImportColumn("hours_per_week", aliases=("timer",)),
        ImportColumn("hourly_wage"),
    ),
    # Sammenligningsgrupper: outcome figures of the normal effort (see model.results).
    "comparison_groups": (
        ImportColumn("initiative", True, ("projekt",)),
        ImportColumn("label", True, ("betegnelse", "gruppe"), key="results.col_label"),
        ImportColumn("month", True, ("måned", "måneder", "months"), key="results.col_months"),
        ImportColumn("n", True, ("antal", "antal personer"), key="results.comparison_n"),
        ImportColumn("reached", True, ("i job eller uddannelse",), key="results.comparison_reached"),
        ImportColumn("source", aliases=("kilde",), key="results.col_source"),
    ),
    # Medarbejdere: the team by its name (blank: the importing user's own team).
    "staff": (
        ImportColumn("name", True, ("navn", "medarbejder", "full name"), key="data.col_staff_name"),
        ImportColumn("initials", aliases=("init",), key="data.col_initials"),
        ImportColumn("role", True, ("stilling",), key="data.col_role"),
        ImportColumn("team", aliases=("teamnavn",), key="data.col_team"),
        ImportColumn("active", aliases=("aktiv",), key="data.col_active"),
    ),
    # Indsatser.
    "initiatives": (
        ImportColumn("name", True, ("navn", "indsats", "projekt", "initiative"),
                     key="data.col_initiative_name"),
        ImportColumn("start_date", aliases=("start", "startdato")),
        ImportColumn("end_date", aliases=("end", "slut", "slutdato"), key="data.col_end_date"),
        ImportColumn("funder", aliases=("finansiering", "bevillingsgiver", "funded by"),
                     key="data.col_funder"),
        ImportColumn("description", aliases=("beskrivelse",), key="data.col_description"),
    ),
}
# A placement names its citizen by case reference or by name and birth year, and its company
# by CVR number or exact name: one group of each pair must be among the columns.
ONE_OF = {"placements": ((("external_ref",), ("first_name", "last_name", "birth_year")),
                         (("cvr",), ("company",)))}


def _names_of(column: str) -> dict[str, str]:
    """The codes of an exported column by their names in both languages, as codes themselves."""
    return {code(i18n.CATALOGUE[lang][key]): value for value, key in CODE_KEYS[column].items()
            for lang in i18n.LANGUAGES if key in i18n.CATALOGUE[lang]}


# Words accepted for codes, beside the codes, their names, and their Danish spelling with æ/ø/å.
BENEFIT_WORDS = {"ingen": "none", "social_assistance": "kontanthjaelp",
                 "unemployment_benefit": "dagpenge", "sickness_benefit": "sygedagpenge",
                 "education_benefit": "uddannelseshjaelp", **_names_of("benefit_type")}
AGREEMENT_WORDS = {"ingen": "none", **_names_of("agreement_kind")}
PLACEMENT_WORDS = {
    "praktik": "virksomhedspraktik", "internship": "virksomhedspraktik",
    "wage_subsidy": "loentilskud", "ordinary_hours": "ordinaere_timer",
    "ordinary_job": "ordinaert_job", "elevplads": "laerlingeplads", "apprenticeship": "laerlingeplads",
    "pocket_money_job": "lommepengejob", "job_interview_training": "jobsamtaletraening",
    "company_visit": "virksomhedsbesoeg", **_names_of("kind"),
}
# A staff member's role by its code or its name in either language ("jobkonsulent", "leder").
ROLE_WORDS = {"konsulent": "consultant", "administrator": "admin",
              **{code(i18n.CATALOGUE[lang][f"role.{role}"]): role
                 for role in staffing.STAFF_MEMBER_ROLES for lang in i18n.LANGUAGES}}
YES = {"ja", "j", "yes", "y", "true", "sand", "1", "x"}
NO = {"nej", "n", "no", "false", "falsk", "0"}

# Which column a refusal of one of the shared whole-row rules points at (the rules of a single
# cell, like clean_tags or clean_external_ref, are run on their cell).
CITIZEN_RULE_COLUMNS = {
    "error.birth_year_number": "birth_year", "error.birth_year": "birth_year",
    "error.unknown_benefit": "benefit_type", "error.match_group": "match_group",
    "error.dagpenge_end_without_dagpenge": "dagpenge_end_date",
    "error.dagpenge_end_range": "dagpenge_end_date",
}
COMPANY_RULE_COLUMNS = {
    "error.name_required": "company", "error.company_unknown_agreement": "agreement_kind",
    "error.agreement_since_future": "agreement_since", "error.cvr_invalid": "cvr",
    "error.cvr_taken": "cvr", "error.date_out_of_range": "agreement_since",
}
PLACEMENT_RULE_COLUMNS = {
    "error.unknown_placement_kind": "kind", "error.end_before_start": "planned_end_date",
    "error.hours_per_week": "hours_per_week", "error.pocket_money_age": "kind",
}


def template(kind: str, lang: str = "da") -> pd.DataFrame:
    """An empty sheet with the headers of one kind of import, to fill in."""
    _check_kind(kind)
    return pd.DataFrame(columns=[column.header(lang) for column in COLUMNS[kind]])


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError("error.unknown_kind")


def may_import(actor: Actor | None, kind: str) -> bool:
    """Whether the actor may import this kind (the Data page offers only these)."""
    return can(actor, "data.import") and (kind not in KIND_PERMISSIONS
                                          or can(actor, KIND_PERMISSIONS[kind]))


# --- Reading files -----------------------------------------------------------------------------

# What a file may hold. Each limit is checked while the file is read, row by row, and the reading
# stops at the first one exceeded: a file of any shape is refused or read within seconds.
MAX_IMPORT_COLUMNS = 100
# A cell longer than any field is read and refused by its field's rule, with its row and column;
# one longer than this is no cell anyone typed, and the file is refused as it is read.
MAX_CELL_CHARS = 100_000
MAX_IMPORT_CELLS = 250_000  # cells read, empty ones within a row included: 20,000 rows of 12, the header
MAX_IMPORT_CHARS = 20_000_000  # the text of all cells: one long Excel text may be used in many
MAX_LINE_CHARS = 130_000  # a CSV line: below the csv module's own limit for a cell (131,072)
# An .xlsx file is a zip archive; before a row is read, what it unpacks to is checked.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_WHOLE_PARTS_BYTES = 4 * 1024 * 1024  # the parts besides the sheets, read whole (texts, styles)
MAX_ROW_XML_BYTES = 4 * 1024 * 1024  # one row of a sheet, and what stands before and after the rows
MAX_UNSIZED_SHEET_BYTES = 32 * 1024 * 1024  # a sheet not stating its size is read in full on opening
SCAN_CHUNK = 1024 * 1024
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
SHEET_CHUNK = 16 * 1024  # parsed at a time: the rows it holds are taken before the next is parsed
# The names of a sheet's elements as the parser gives them: namespace, "}", tag (SpreadsheetML).
ROW, CELL, VALUE, INLINE, TEXT, PHONETIC = (f"{SHEET_MAIN_NS}}}{tag}"
                                            for tag in ("row", "c", "v", "is", "t", "rPh"))
DIGITS = "0123456789"
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
DIMENSION_TAG = re.compile(rb"<(?:\w+:)?dimension[\s/>]")
# What a broken or foreign file raises while it is unpacked or parsed.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, TypeError,
               AttributeError, IndexError, ElementTree.ParseError, expat.ExpatError)


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """The first sheet of a CSV or .xlsx file as text cells, indexed by spreadsheet row number.

    Row 1 is the header, so the first data row is row 2; blank rows are left out but keep their
    numbers. The file is read a row at a time and refused at the first limit it exceeds (size,
    rows, columns, cells, cell length); also refused: other file types and unreadable files.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError("data.error_too_large", size=megabytes(len(data)),
                              limit=megabytes(MAX_IMPORT_BYTES))
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FILE_TYPES:
        raise ValidationError("data.error_file_type", name=Path(filename).name)
    rows = _csv_rows(data, filename) if suffix == "csv" else _xlsx_rows(data, filename)
    try:
        return _table(rows)
    finally:
        rows.close()  # a refused file is not read any further


def megabytes(size: int) -> str:
    """A size in MB with a Danish decimal comma, rounded up ("10,1" for a byte over 10 MB)."""
    return f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f}".replace(".", ",")


def _count(number: int) -> str:
    """A count in a message, grouped the Danish way ("50.000"), as megabytes() writes sizes."""
    return i18n.format_number(number)


def _decode(data: bytes) -> str:
    """The file's text: UTF-16 with a byte order mark (Excel's "Unicode text"), else UTF-8, else
    Windows-1252 (Danish Excel's "CSV (semikolonsepareret)"); never a mix of them."""
    try:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                if UTF8_LETTER.search(data):
                    # Some rows UTF-8, some not: read as either, æ, ø and å would come out wrong.
                    raise ValidationError("data.error_mixed_encoding") from None
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError("data.error_encoding") from None
    if "\x00" in text:
        raise ValidationError("data.error_encoding")  # binary, or UTF-16 without its byte order mark
    return text


def _csv_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    text = _decode(data)
    first_line = text[:MAX_LINE_CHARS].partition("\n")[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        yield from csv.reader(_lines(text), delimiter=delimiter)
    except csv.Error:
        raise ValidationError("data.error_unreadable", name=Path(filename).name) from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines, one at a time; a line too long to be a row of cells is refused before the
    csv module splits it into cells."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ValidationError("data.error_line_too_long", line=number, limit=_count(MAX_LINE_CHARS))
        yield line


def _xlsx_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    """The active sheet's rows, streamed after the archive is checked. openpyxl (read-only) opens
    the workbook: its shared texts, date formats and which sheet is active; the sheet's rows are
    parsed here (`_SheetReader`), two to three times as fast as openpyxl parses them."""
    unreadable = ValidationError("data.error_unreadable", name=Path(filename).name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except READ_ERRORS:
        raise unreadable from None
    try:
        sheet = book.active
        reader = _SheetReader(sheet._shared_strings, date_styles=book._date_formats,
                              duration_styles=book._timedelta_formats, epoch=book.epoch)
        # The size a sheet states may be wrong: the rows that are there are read, no more, no fewer.
        with book._archive.open(sheet._worksheet_path) as source:
            yield from reader.rows(source)
    except READ_ERRORS:
        raise unreadable from None
    finally:
        book.close()


class _SheetReader:
    """A sheet's rows as the text a person typed, parsed from its XML a piece at a time.

    The cells are read as openpyxl reads them without formulas (data only): shared and inline
    texts, numbers, dates and durations by their cell's format, true/false, and errors (#N/A).
    A row the sheet leaves out is an empty one; a row numbered at or before one already read is
    passed over; a DTD (which Excel never writes, and which may expand entities) is refused.
    """

    def __init__(self, shared: list[str], *, date_styles: set[int], duration_styles: set[int],
                 epoch: datetime) -> None:
        self.shared, self.epoch = shared, epoch
        self.date_styles, self.duration_styles = date_styles, duration_styles
        self.column_numbers: dict[str, int] = {}
        self.done: list[tuple[int, int, list[tuple[int, str]]]] = []  # rows parsed, not yet taken
        self.number = 0  # the row being read
        self.width = self.column = 0
        self.cells: list[tuple[int, str]] = []  # the row's cells with text, by column number
        self.kind = self.style = ""
        self.parts: list[str] = []  # the text of the cell being read
        self.collect = self.inline = self.phonetic = False

    def rows(self, source: io.BufferedIOBase) -> Iterator[list[str]]:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.refuse_doctype
        read = 0
        while True:
            chunk = source.read(SHEET_CHUNK)
            parser.Parse(chunk, not chunk)
            for number, width, cells in self.done:
                if number > read:
                    for _ in range(read + 1, number):
                        yield []
                    read = number
                    row = [""] * width
                    for column, text in cells:
                        row[column - 1] = text
                    yield row
            self.done.clear()
            if not chunk:
                return

    def refuse_doctype(self, *_declaration) -> None:
        raise ValueError("a sheet with a DTD")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == CELL:
            ref = attributes.get("r")
            if ref:
                letters = ref.rstrip(DIGITS)
                self.column = self.column_numbers.get(letters) or self._column_number(letters)
            else:
                self.column += 1
            self.kind = attributes.get("t", "n")
            self.style = attributes.get("s", "")
            self.parts = []
        elif name == VALUE:
            self.collect = self.kind not in ("", "inlineStr")  # in a cell, of a type with a value
        elif name == TEXT:
            self.collect = self.inline and not self.phonetic
        elif name == INLINE:
            self.inline = self.kind == "inlineStr"
        elif name == PHONETIC:
            self.phonetic = True
        elif name == ROW:
            stated = attributes.get("r")
            self.number = _row_number(stated) if stated else self.number + 1
            self.width = self.column = 0
            self.cells = []

    def characters(self, text: str) -> None:
        if self.collect:
            self.parts.append(text)

    def end(self, name: str) -> None:
        if name == CELL:
            if self.column > self.width:
                self.width = self.column
            if self.parts:
                text = self.text("".join(self.parts))
                if text:
                    self.cells.append((self.column, text))
            self.kind = ""
            self.collect = self.inline = self.phonetic = False
        elif name == VALUE or name == TEXT:
            self.collect = False
        elif name == PHONETIC:
            self.phonetic = False
        elif name == ROW:
            self.done.append((self.number, self.width, self.cells))

    def _column_number(self, letters: str) -> int:
        self.column_numbers[letters] = number = column_index_from_string(letters)
        return number

    def text(self, value: str) -> str:
        """A cell's text from its value as the sheet holds it, and its type (`kind`)."""
        kind = self.kind
        if kind == "s":
            return self.shared[int(value)].strip()
        if kind == "n":
            number = float(value) if "." in value or "e" in value or "E" in value else int(value)
            if self.style and int(self.style) in self.date_styles:
                try:
                    return _cell_text(from_excel(number, self.epoch,
                                                 timedelta=int(self.style) in self.duration_styles))
                except (OverflowError, ValueError):
                    return "#VALUE!"  # a number formatted as a date that is no date, as openpyxl
            return _cell_text(number)
        if kind == "b":
            return _cell_text(bool(int(value)))
        if kind == "d":
            return _cell_text(from_ISO8601(value))
        return value.strip()  # inline text, a formula's text ("str"), an error ("e", as #N/A)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)  # "2.0" is row 2, as openpyxl reads it
        if not number.is_integer():
            raise ValueError(f"{text} is not a row number") from None
        return int(number)


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an .xlsx file that unpacks to more than can be parsed safely, before it is parsed.

    The sizes a zip archive states bound what it unpacks to (a part is read no further than its
    size). The parts besides the sheets are read whole when the file is opened, so they are
    bounded on their own; a sheet is scanned, unparsed, for a row too large to parse.
    """
    infos = archive.infolist()
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError("data.error_xlsx_unpacked", size=megabytes(unpacked),
                              limit=megabytes(MAX_UNPACKED_BYTES))
    sheets = [info for info in infos if SHEET_PART.fullmatch(info.filename)]
    whole = unpacked - sum(info.file_size for info in sheets)
    if whole > MAX_WHOLE_PARTS_BYTES:
        raise ValidationError("data.error_xlsx_whole_parts", size=megabytes(whole),
                              limit=megabytes(MAX_WHOLE_PARTS_BYTES))
    for info in sheets:
        # openpyxl reads a sheet without a stated size once in full when the file is opened.
        if not _scan_sheet(archive, info) and info.file_size > MAX_UNSIZED_SHEET_BYTES:
            raise ValidationError("data.error_xlsx_unsized", size=megabytes(info.file_size),
                                  limit=megabytes(MAX_UNSIZED_SHEET_BYTES))


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a sheet states its size (a <dimension> before its rows). Refuses a sheet with a row,
    or what stands before or after the rows, over MAX_ROW_XML_BYTES: the parser holds a row whole."""
    sized = rows_begun = False
    pending = b""
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            pieces = ROW_TAG.split(pending + chunk)
            if not rows_begun:
                sized = DIMENSION_TAG.search(pieces[0]) is not None
                rows_begun = len(pieces) > 1
            if max(map(len, pieces)) > MAX_ROW_XML_BYTES:
                raise ValidationError("data.error_xlsx_row_too_large",
                                      limit=megabytes(MAX_ROW_XML_BYTES))
            pending = pieces[-1]
    return sized


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person typed: whole numbers without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(rows: Iterable[list[str]]) -> pd.DataFrame:
    """The rows as a frame: taken one at a time, and refused at the first limit exceeded, so a
    file of millions of rows is read no further than the row after the limit."""
    header: list[str] | None = None
    records, numbers = [], []
    blank = cells = chars = 0
    for number, row in enumerate(rows, start=HEADER_ROW):
        cells += max(len(row), 1)
        if cells > MAX_IMPORT_CELLS:
            raise ValidationError("data.error_too_many_cells", limit=_count(MAX_IMPORT_CELLS))
        row = [cell.strip() for cell in row]
        while row and not row[-1]:
            row.pop()
        _check_cells(row, number)
        chars += sum(map(len, row))
        if chars > MAX_IMPORT_CHARS:
            raise ValidationError("data.error_too_much_text", limit=_count(MAX_IMPORT_CHARS))
        if header is None:
            if not row:
                raise ValidationError("data.error_no_header")
            header = row
        elif row:
            records.append(row)
            numbers.append(number)
            if len(records) > MAX_IMPORT_ROWS:
                raise ValidationError("data.error_too_many_rows", limit=_count(MAX_IMPORT_ROWS))
        else:
            blank += 1
            if blank > MAX_IMPORT_ROWS:
                raise ValidationError("data.error_too_many_blank_rows", limit=_count(MAX_IMPORT_ROWS))
    if header is None:
        raise ValidationError("data.error_no_header")
    width = max(len(row) for row in (header, *records))
    given = header + [""] * (width - len(header))
    # A column without a header is named by its letter, as the spreadsheet shows it.
    names = [name or get_column_letter(i + 1) for i, name in enumerate(given)]
    seen: set[str] = set()
    for name in names:
        if normalise(name) in seen:
            raise ValidationError("data.error_duplicate_header", column=name)
        seen.add(normalise(name))
    padded = [row + [""] * (width - len(row)) for row in records]
    frame = pd.DataFrame(padded, columns=names, index=pd.Index(numbers, name="row"), dtype=object)
    # A column with neither a header nor a value is no column at all.
    empty = [name for name, text in zip(names, given) if not text and not frame[name].astype(bool).any()]
    return frame.drop(columns=empty)


def _check_cells(row: list[str], number: int) -> None:
    """Refuse a row with content beyond MAX_IMPORT_COLUMNS or a cell over MAX_CELL_CHARS."""
    if len(row) > MAX_IMPORT_COLUMNS:
        raise ValidationError("data.error_too_many_columns", limit=_count(MAX_IMPORT_COLUMNS))
    if max(map(len, row), default=0) > MAX_CELL_CHARS:
        column = next(i for i, cell in enumerate(row, start=1) if len(cell) > MAX_CELL_CHARS)
        raise ValidationError("data.error_cell_too_large", cell=f"{get_column_letter(column)}{number}",
                              length=_count(len(row[column - 1])), limit=_count(MAX_CELL_CHARS))


# --- Parsing cells ------------------------------------------------------------------------------

def _show(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def parse_whole_number(text: str) -> int:
    cleaned = text.replace(" ", "")
    if not re.fullmatch(r"-?\d+([.,]0+)?", cleaned):
        raise ValidationError("data.error_whole_number", value=_show(text))
    return int(re.split(r"[.,]", cleaned)[0])


def parse_number(text: str) -> float:
    """A number with a decimal comma or point: "12,5", "12.5", "1.250,50"."""
    cleaned = text.replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValidationError("data.error_number", value=_show(text)) from None
    if not math.isfinite(number):
        raise ValidationError("data.error_number", value=_show(text))
    return number


DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")


def parse_date(text: str) -> date:
    """A date written dd-mm-åååå (also with . or /) or ISO åååå-mm-dd."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValidationError("data.error_date", value=_show(text))


def parse_plausible_date(text: str) -> date:
    """A date as parse_date reads it, within the years any date of Jobtavlen may have."""
    return validation.check_date(parse_date(text))


def parse_yes_no(text: str) -> bool:
    word = text.casefold()
    if word not in YES | NO:
        raise ValidationError("data.error_yes_no", value=_show(text))
    return word in YES


def _birth_year(text: str) -> int:
    year = parse_whole_number(text)
    validate_birth_year(year)
    return year


def _tags(text: str) -> list[str]:
    return clean_tags([tag for tag in re.split(r"[,;]", text)])


def _hourly_wage(text: str) -> float:
    wage = parse_number(text)
    placements.validate_wage(wage)
    return wage


def _chunks(values: Iterable, size: int = 200) -> Iterable[list]:
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _same_name(column, names: list[str]):
    """Rows whose `column` may equal one of `names` but for case; the caller compares casefolded.

    SQLite's lower() leaves Æ, Ø and Å alone, so the usual spellings are matched as well.
    """
    spellings = sorted({s for name in names for s in (name, name.casefold(), name.title(), name.upper())})
    return column.in_(spellings) | func.lower(column).in_(sorted({n.casefold() for n in names}))


# --- Checking rows ------------------------------------------------------------------------------

def _duplicates_frame(duplicates: list[tuple[int, str, dict]]) -> pd.DataFrame:
    return pd.DataFrame(duplicates, columns=["row", "key", "params"]).astype({"row": int})


@dataclass(frozen=True)
class ImportReport:
    """A dry run's result: how many rows are fine, every bad row's column and reason, and every
    duplicate (dublet) with its reason.

    `errors` has the columns row (the spreadsheet row number; the header is row 1), column (the
    header as in the file), key and params (a catalogue key and its parameters). `duplicates` has
    row, key and params: rows the same as an earlier row of the file, or as a record already there
    by its natural key; they are skipped when `skip_duplicates`, else written where allowed.
    """

    kind: str
    total_rows: int
    bad_rows: int
    errors: pd.DataFrame
    ignored_columns: tuple[str, ...] = ()
    duplicates: pd.DataFrame = field(default_factory=lambda: _duplicates_frame([]))
    skip_duplicates: bool = False

    @property
    def skipped_rows(self) -> int:
        return len(self.duplicates) if self.skip_duplicates else 0

    @property
    def rows_ok(self) -> int:
        """The rows that are written."""
        return self.total_rows - self.bad_rows - self.skipped_rows

    @property
    def can_commit(self) -> bool:
        return self.rows_ok > 0 and self.errors.empty


@dataclass
class _Row:
    """One data row being checked: its cells by field, and the refusals found so far."""

    number: int
    cells: dict[str, str]
    errors: list[tuple[str, str, dict]] = field(default_factory=list)
    twin: int | None = None  # the earlier row of the file it is the same as
    duplicate: tuple[str, dict] | None = None  # why it is a duplicate: a catalogue key and params

    def fail(self, column: str, key: str, **params: object) -> None:
        self.errors.append((column, key, params))

    def failed(self, column: str) -> bool:
        return any(error[0] == column for error in self.errors)

    def value(self, column: str, parse: Callable[[str], object], required: bool = False):
        """The parsed cell, or None when it is empty or refused (the refusal is recorded)."""
        text = self.cells.get(column, "")
        if self.failed(column):
            return None
        if not text:
            if required:
                self.fail(column, "data.error_required")
            return None
        try:
            return parse(text)
        except ValidationError as error:
            self.fail(column, error.key, **error.params)
            return None

    def text(self, column: str, required: bool = False) -> str:
        return self.value(column, str, required) or ""

    def rule(self, check: Callable[[], object], columns: dict[str, str], default: str):
        """Run a shared rule over the row; a refusal is recorded at the column it concerns."""
        try:
            return check()
        except ValidationError as error:
            self.fail(columns.get(error.key, default), error.key, **error.params)
            return None


class _Checker:
    """Checks the rows of one kind against the rules and the database, in the caller's session."""

    table: type

    def __init__(self, session: Session, actor: Actor, rows: list[_Row], columns: set[str], *,
                 create_teams: bool = False, skip_duplicates: bool = False) -> None:
        self.session, self.actor, self.rows, self.columns = session, actor, rows, columns
        self.create_teams, self.skip_duplicates = create_teams, skip_duplicates

    def cells(self, column: str) -> set[str]:
        return {row.cells[column] for row in self.rows if row.cells.get(column)}

    def prepare(self) -> None:
        """Look up, in a few queries, what the rows refer to."""

    def already_there(self, row: _Row, column: str, key: str, *, unique: bool = True,
                      **params: object) -> bool:
        """A row whose natural key matches a record already there is a duplicate (reason `key`):
        skipped when asked, else refused where only one such record may exist (`unique`), else
        written again. True when the row goes no further."""
        if unique and not self.skip_duplicates:
            row.fail(column, key, **params)
            return True
        row.duplicate = (key, params)
        return self.skip_duplicates

    def check(self, row: _Row) -> dict | None:
        raise NotImplementedError

    def build(self, fields: dict):
        """The new row for the checked values of one data row."""
        return self.table(**fields)

    def added(self, rows: list) -> None:
        """Called with each flushed batch of new rows (which now have ids)."""


class _CitizenChecker(_Checker):
    table = Citizen

    def prepare(self) -> None:
        self.areas = self._ids_by_name(HousingArea.id, HousingArea.name)
        self.initiatives = self._ids_by_name(Initiative.id, Initiative.name)
        self.existing_refs = {ref for chunk in _chunks(self.cells("external_ref")) for ref in
                              self.session.exec(select(Citizen.external_ref)
                                                .where(Citizen.external_ref.in_(chunk))).all()}
        self.refs_in_file: dict[str, int] = {}

    def _ids_by_name(self, id_column, name_column) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for row_id, name in self.session.exec(select(id_column, name_column)).all():
            found.setdefault(name.strip().casefold(), []).append(row_id)
        return found

    @staticmethod
    def _one(found: dict[str, list[int]], unknown: str, ambiguous: str) -> Callable[[str], int]:
        def pick(text: str) -> int:
            ids = found.get(text.casefold(), [])
            if len(ids) != 1:
                raise ValidationError(ambiguous if ids else unknown, value=_show(text))
            return ids[0]
        return pick

    def check(self, row: _Row) -> dict | None:
        first_name = row.value("first_name", clean_person_name, required=True) or ""
        last_name = row.value("last_name", clean_person_name, required=True) or ""
        target_group = row.value("target_group", validation.clean_line) or ""
        birth_year = row.value("birth_year", _birth_year, required=True)
        benefit = row.value("benefit_type", lambda text: BENEFIT_WORDS.get(code(text), code(text)))
        match_group = row.value("match_group", parse_whole_number)
        dagpenge_end = row.value("dagpenge_end_date", parse_plausible_date)
        area_id = row.value("housing_area", self._one(self.areas, "data.error_unknown_area",
                                                      "data.error_ambiguous_area"))
        initiative_id = row.value("initiative", self._one(
            self.initiatives, "data.error_unknown_initiative", "data.error_ambiguous_initiative"))
        ref = row.value("external_ref", clean_external_ref)
        wishes = row.value("wishes", _tags)
        qualifications = row.value("qualifications", _tags)
        if ref in self.existing_refs:
            if self.already_there(row, "external_ref", "data.error_ref_exists", value=_show(ref)):
                return None
        elif ref in self.refs_in_file:
            row.fail("external_ref", "data.error_duplicate_in_file", first=self.refs_in_file[ref])
        elif ref:
            self.refs_in_file[ref] = row.number
        if row.errors:
            return None
        fields = row.rule(lambda: clean_citizen_fields(
            first_name=first_name, last_name=last_name, birth_year=birth_year,
            target_group=target_group, benefit_type=benefit or "none",
            match_group=match_group, dagpenge_end_date=dagpenge_end, wishes=wishes,
            qualifications=qualifications, external_ref=ref,
        ), {**CITIZEN_RULE_COLUMNS, "error.citizen_text_too_long": self._too_long(row)}, "first_name")
        if fields is None:
            return None
        return {**fields, "housing_area_id": area_id, "initiative_id": initiative_id,
                "team_id": self.actor.team_id}

    @staticmethod
    def _too_long(row: _Row) -> str:
        return next((c for c in ("first_name", "last_name", "target_group")
                     if len(row.cells.get(c, "")) > MAX_NAME), "first_name")


class _CompanyChecker(_Checker):
    table = Company

    def prepare(self) -> None:
        cvrs = {companies.clean_cvr(text) for text in self.cells("cvr")} - {None}
        self.existing_cvrs = dict(pair for chunk in _chunks(cvrs) for pair in self.session.exec(
            select(Company.cvr, Company.name).where(Company.cvr.in_(chunk))).all())
        names = self.cells("company")
        self.existing_names = {name.casefold() for chunk in _chunks(names) for name in self.session.exec(
            select(Company.name).where(_same_name(Company.name, chunk))).all()}
        self.cvrs_in_file: dict[str, int] = {}
        self.names_in_file: dict[str, int] = {}

    def check(self, row: _Row) -> dict | None:
        name = row.value("company", validation.clean_line, required=True) or ""
        texts = {column: row.value(column, validation.clean_line) or ""
                 for column in ("industry", "municipality", "contact_person")}
        phone = row.value("phone", companies.clean_phone) or ""
        cvr = row.value("cvr", companies.normalise_cvr)
        agreement = row.value("agreement_kind", lambda text: AGREEMENT_WORDS.get(code(text), code(text)))
        since = row.value("agreement_since", parse_date)
        supplier = row.value("housing_supplier", parse_yes_no)
        if cvr in self.existing_cvrs:
            if self.already_there(row, "cvr", "error.cvr_taken", cvr=cvr, name=self.existing_cvrs[cvr]):
                return None
        elif cvr in self.cvrs_in_file:
            row.fail("cvr", "data.error_duplicate_in_file", first=self.cvrs_in_file[cvr])
        elif cvr:
            self.cvrs_in_file[cvr] = row.number
        elif not row.cells.get("cvr") and name:
            # Without a CVR number the name is all that tells a second import of the same company;
            # nothing forbids two companies of one name, so a duplicate not skipped is written.
            folded = name.casefold()
            if folded in self.existing_names:
                if self.already_there(row, "company", "data.error_company_exists", unique=False,
                                      value=_show(name)):
                    return None
            elif folded in self.names_in_file and row.twin is None:
                row.fail("company", "data.error_duplicate_in_file", first=self.names_in_file[folded])
            else:
                self.names_in_file.setdefault(folded, row.number)
        if row.errors:
            return None
        # The CVR number was checked above, against the database in one query for the whole file.
        fields = row.rule(lambda: companies.validate_company_fields(
            self.session, name=name, cvr=None, **texts, phone=phone,
            agreement_kind=agreement or "none", agreement_since=since,
        ), COMPANY_RULE_COLUMNS, "company")
        if fields is None:
            return None
        return {**fields, "cvr": cvr, "housing_supplier": bool(supplier)}


@dataclass(frozen=True)
class _Person:
    id: int
    birth_year: int
    consultant_id: int | None


class _PlacementChecker(_Checker):
    table = Placement

    def prepare(self) -> None:
        person = (Citizen.id, Citizen.birth_year, Citizen.consultant_id)
        self.by_ref: dict[str, list[_Person]] = {}
        for chunk in _chunks(self.cells("external_ref")):
            stmt = select(Citizen.external_ref, *person).where(Citizen.external_ref.in_(chunk))
            for ref, *found in self.session.exec(visible_citizens(self.actor, stmt)).all():
                self.by_ref.setdefault(ref, []).append(_Person(*found))
        self.by_name: dict[tuple[str, str, int], list[_Person]] = {}
        for chunk in _chunks(self.cells("last_name")):
            stmt = (select(Citizen.first_name, Citizen.last_name, *person)
                    .where(_same_name(Citizen.last_name, chunk)))
            for first, last, *found in self.session.exec(visible_citizens(self.actor, stmt)).all():
                found = _Person(*found)
                key = (first.strip().casefold(), last.strip().casefold(), found.birth_year)
                self.by_name.setdefault(key, []).append(found)
        cvrs = {companies.clean_cvr(text) for text in self.cells("cvr")} - {None}
        self.by_cvr = dict(pair for chunk in _chunks(cvrs) for pair in self.session.exec(
            select(Company.cvr, Company.id).where(Company.cvr.in_(chunk))).all())
        self.by_company: dict[str, list[int]] = {}
        for chunk in _chunks(self.cells("company")):
            for name, company_id in self.session.exec(
                    select(Company.name, Company.id).where(_same_name(Company.name, chunk))).all():
                self.by_company.setdefault(name.strip().casefold(), []).append(company_id)
        citizen_ids = {p.id for found in [*self.by_ref.values(), *self.by_name.values()] for p in found}
        self.existing = {tuple(found) for chunk in _chunks(citizen_ids) for found in self.session.exec(
            select(Placement.citizen_id, Placement.company_id, Placement.kind, Placement.start_date)
            .where(Placement.citizen_id.in_(chunk))).all()}
        self.in_file: dict[tuple, int] = {}
        self.cadences: dict[str, list[int]] = {}

    def _citizen(self, row: _Row) -> _Person | None:
        by_name = {"first_name", "last_name", "birth_year"} <= self.columns
        if row.cells.get("external_ref") or not by_name:
            ref = row.text("external_ref", required=True)
            column, found, shown = "external_ref", self.by_ref.get(ref, []), ref
        else:
            first = row.text("first_name", required=True)
            last = row.text("last_name", required=True)
            year = row.value("birth_year", parse_whole_number, required=True)
            if not (first and last and year):
                return None
            column, shown = "last_name", f"{first} {last} ({year})"
            found = self.by_name.get((first.casefold(), last.casefold(), year), [])
        if not shown:
            return None
        if len(found) != 1:
            row.fail(column, "data.error_ambiguous_citizen" if found else "data.error_unknown_citizen",
                     value=_show(shown))
            return None
        return found[0]

    def _company(self, row: _Row) -> int | None:
        if row.cells.get("cvr") or "company" not in self.columns:
            cvr = row.value("cvr", companies.normalise_cvr, required=True)
            if cvr is not None and cvr not in self.by_cvr:
                row.fail("cvr", "data.error_unknown_company", value=cvr)
            return self.by_cvr.get(cvr)
        name = row.text("company", required=True)
        found = self.by_company.get(name.casefold(), [])
        if name and len(found) != 1:
            row.fail("company", "data.error_ambiguous_company" if found else "data.error_unknown_company",
                     value=_show(name))
        return found[0] if len(found) == 1 else None

    def check(self, row: _Row) -> dict | None:
        citizen = self._citizen(row)
        company_id = self._company(row)
        kind = row.value("kind", lambda text: PLACEMENT_WORDS.get(code(text), code(text)), required=True)
        start = row.value("start_date", parse_plausible_date, required=True)
        end = row.value("planned_end_date", parse_plausible_date)
        hours = row.value("hours_per_week", parse_number)
        wage = row.value("hourly_wage", _hourly_wage)
        if kind and start and not (row.failed("planned_end_date") or row.failed("hours_per_week")):
            # With the citizen unknown the other rules are still checked, at an age the
            # pocket-money rule accepts.
            birth_year = citizen.birth_year if citizen else start.year - placements.POCKET_MONEY_AGES[0]
            row.rule(lambda: placements.validate_placement_fields(
                kind=kind, start_date=start, planned_end_date=end, hours_per_week=hours,
                birth_year=birth_year), PLACEMENT_RULE_COLUMNS, "kind")
        if citizen is None or company_id is None or row.errors:
            return None
        # Nothing forbids a placement twice, so a duplicate not skipped is written.
        key = (citizen.id, company_id, kind, start)
        if key in self.existing:
            if self.already_there(row, "start_date", "data.error_placement_exists", unique=False):
                return None
        elif key in self.in_file and row.twin is None:
            row.fail("start_date", "data.error_duplicate_in_file", first=self.in_file[key])
            return None
        self.in_file.setdefault(key, row.number)
        return dict(citizen_id=citizen.id, company_id=company_id,
                    consultant_id=citizen.consultant_id or self.actor.staff_id, kind=kind,
                    start_date=start, planned_end_date=end, hours_per_week=hours, hourly_wage=wage,
                    status=placements.initial_status(start))

    def added(self, rows: list) -> None:
        """Each new placement gets its follow-up plan, as one started by hand does."""
        for placement in rows:
            if placement.kind not in self.cadences:
                self.cadences[placement.kind] = placements.cadence_in(self.session, placement.kind)
            plan = placements.plan_dates(placement.start_date, self.cadences[placement.kind],
                                    placement.planned_end_date)
            self.session.add_all([FollowUp(placement_id=placement.id, due_date=day) for day in plan])


COMPARISON_RULE_COLUMNS = {
    "error.comparison_initiative": "initiative", "error.comparison_label": "label",
    "error.comparison_months": "month", "error.comparison_n": "n",
    "error.comparison_reached": "reached", "error.comparison_source": "source",
}


class _ComparisonChecker(_Checker):
    table = ComparisonGroup

    def prepare(self) -> None:
        require(self.actor, "comparison.write")
        self.initiatives = _CitizenChecker._ids_by_name(self, Initiative.id, Initiative.name)
        self.existing = {(initiative_id, label.casefold(), month) for initiative_id, label, month
                         in self.session.exec(select(ComparisonGroup.initiative_id, ComparisonGroup.label,
                                                     ComparisonGroup.month)).all()}
        self.in_file: dict[tuple, int] = {}

    def check(self, row: _Row) -> dict | None:
        initiative_id = row.value("initiative", _CitizenChecker._one(
            self.initiatives, "data.error_unknown_initiative", "data.error_ambiguous_initiative"),
            required=True)
        label = row.value("label", lambda text: validation.clean_line(
            text, MAX_NAME, too_long="error.comparison_label"), required=True)
        months = row.value("month", parse_whole_number, required=True)
        n = row.value("n", parse_whole_number, required=True)
        reached = row.value("reached", parse_whole_number, required=True)
        source = row.value("source", lambda text: validation.clean_line(
            text, results.MAX_SOURCE, too_long="error.comparison_source"))
        if row.errors:
            return None
        fields = row.rule(lambda: results.clean_comparison_fields(
            self.session, initiative_id=initiative_id, label=label, months=months, n=n,
            reached=reached, source=source or ""), COMPARISON_RULE_COLUMNS, "label")
        if fields is None:
            return None
        key = (fields["initiative_id"], fields["label"].casefold(), fields["month"])
        if key in self.existing:
            self.already_there(row, "label", "error.comparison_exists")
        elif key in self.in_file:
            row.fail("label", "data.error_duplicate_in_file", first=self.in_file[key])
        else:
            self.in_file[key] = row.number
            return fields
        return None


def _role(text: str) -> str:
    return staffing.check_staff_role(ROLE_WORDS.get(code(text), code(text)))


def _one_line(limit: int, too_long: str) -> Callable[[str], str]:
    return lambda text: validation.clean_line(text, limit, too_long=too_long)


class _StaffChecker(_Checker):
    """Medarbejdere. A team is named as it is called; an unknown one is refused, or created when
    the importing admin asked for it (`create_teams`). Blank initials are suggested from the name,
    never the same as another's in the team (in the database or in the file)."""

    table = Staff

    def prepare(self) -> None:
        require(self.actor, "staff.edit")
        if self.create_teams:
            require(self.actor, "team.edit")
        staffing.lock_staff(self.session)
        self.teams = _CitizenChecker._ids_by_name(self, Team.id, Team.name)
        self.initials: dict[object, dict[str, str]] = {}
        self.names: set[tuple[object, str]] = set()
        for team_id, initials, name in self.session.exec(
                select(Staff.team_id, Staff.initials, Staff.name)).all():
            self.initials.setdefault(team_id, {})[initials.upper()] = name
            self.names.add((team_id, name.strip().casefold()))
        # Initials typed in the file are kept free of the suggestions for blank ones.
        self.typed: dict[object, dict[str, int]] = {}
        for row in self.rows:
            typed = row.cells.get("initials", "").strip().upper()
            if typed:
                self.typed.setdefault(self._team_key(row.cells.get("team", "")), {}).setdefault(
                    typed, row.number)
        self.names_in_file: dict[tuple[object, str], int] = {}
        self.new_teams: dict[str, Team] = {}

    def _team_key(self, text: str):
        """The team's id, ("new", name) for one to be created, or the importing user's team."""
        name = text.strip().casefold()
        if not name:
            return self.actor.team_id
        ids = self.teams.get(name, [])
        return ids[0] if len(ids) == 1 else ("new", name)

    def _team(self, row: _Row):
        text = row.value("team", lambda text: staffing.clean_team_name(text))
        if row.failed("team"):
            return None
        key = self._team_key(text or "")
        if isinstance(key, tuple) and not self.create_teams:
            row.fail("team", "data.error_unknown_team", value=_show(text))
            return None
        return key

    def check(self, row: _Row) -> dict | None:
        name = row.value("name", staffing.clean_staff_name, required=True)
        typed = row.value("initials", staffing.clean_initials)
        role = row.value("role", _role, required=True)
        active = row.value("active", parse_yes_no)
        team = self._team(row)
        if row.errors:
            return None
        try:
            if not isinstance(team, tuple):
                staffing.check_leader_scope(self.actor, team_id=team, role=role)
        except AccessDenied as refusal:
            row.fail("role" if refusal.key == "error.staff_role_admin_only" else "team",
                     refusal.key, **{k: v for k, v in refusal.params.items() if k != "permission"})
            return None
        person = (team, name.casefold())
        if person in self.names:
            self.already_there(row, "name", "data.error_staff_exists", value=_show(name))
            return None
        if person in self.names_in_file:
            row.fail("name", "data.error_duplicate_in_file", first=self.names_in_file[person])
            return None
        taken = self.initials.setdefault(team, {})
        typed_here = self.typed.get(team, {})
        if typed:
            if typed_here.get(typed, row.number) != row.number:
                row.fail("initials", "data.error_duplicate_in_file", first=typed_here[typed])
                return None
            if typed in taken:
                row.fail("initials", "error.initials_taken", initials=typed, name=taken[typed],
                         suggestion=staffing.suggest_initials(name, {*taken, *typed_here}) or "-")
                return None
            chosen = typed
        else:
            chosen = staffing.suggest_initials(name, {*taken, *typed_here})
            if not chosen:
                row.fail("initials", "error.initials_required")
                return None
        taken[chosen] = name
        self.names_in_file[person] = row.number
        return dict(name=name, initials=chosen, role=role, team=team,
                    active=True if active is None else active)

    def build(self, fields: dict):
        team = fields.pop("team")
        if isinstance(team, tuple):
            if team[1] not in self.new_teams:
                shown = next(row.cells["team"].strip() for row in self.rows
                             if row.cells.get("team", "").strip().casefold() == team[1])
                self.new_teams[team[1]] = staffing.add_team(self.session, self.actor, shown)
            team = self.new_teams[team[1]].id
        return Staff(**fields, team_id=team)


INITIATIVE_RULE_COLUMNS = {"error.initiative_end_before_start": "end_date"}


class _InitiativeChecker(_Checker):
    table = Initiative

    def prepare(self) -> None:
        require(self.actor, "initiative.edit")
        self.existing = {name.strip().casefold() for name in self.session.exec(select(Initiative.name))}
        self.in_file: dict[str, int] = {}

    def check(self, row: _Row) -> dict | None:
        name = row.value("name", _one_line(staffing.MAX_INITIATIVE_NAME,
                                           "error.initiative_name_too_long"), required=True)
        start = row.value("start_date", parse_plausible_date)
        end = row.value("end_date", parse_plausible_date)
        funder = row.value("funder", _one_line(staffing.MAX_FUNDER, "error.funder_too_long"))
        description = row.value("description", lambda text: validation.clean_text(
            text, staffing.MAX_DESCRIPTION))
        if name and name.casefold() in self.existing:
            if self.already_there(row, "name", "data.error_initiative_exists", value=_show(name)):
                return None
        elif name and name.casefold() in self.in_file:
            row.fail("name", "data.error_duplicate_in_file", first=self.in_file[name.casefold()])
        if row.errors:
            return None
        fields = row.rule(lambda: staffing.clean_initiative_fields(
            name=name, start_date=start, end_date=end, funder=funder or "",
            description=description or ""), INITIATIVE_RULE_COLUMNS, "name")
        if fields is not None:
            self.in_file[name.casefold()] = row.number
        return fields


CHECKERS: dict[str, type[_Checker]] = {"citizens": _CitizenChecker, "companies": _CompanyChecker,
                                       "placements": _PlacementChecker,
                                       "comparison_groups": _ComparisonChecker,
                                       "staff": _StaffChecker, "initiatives": _InitiativeChecker}


def _column_map(kind: str, frame: pd.DataFrame) -> tuple[dict[str, str], list[tuple[str, str, dict]],
                                                          tuple[str, ...]]:
    """Which file column fills which field, the header's refusals, and the columns not used."""
    mapping: dict[str, str] = {}
    errors: list[tuple[str, str, dict]] = []
    ignored: list[str] = []
    english = 0
    for header in frame.columns:
        column = next((c for c in COLUMNS[kind] if c.accepts(header)), None)
        if column is None:
            ignored.append(header)
        elif column.field in mapping:
            errors.append((header, "data.error_duplicate_column", {"other": mapping[column.field]}))
        else:
            mapping[column.field] = header
            english += normalise(header) == normalise(column.header("en"))
    lang = "en" if english * 2 > len(mapping) else "da"
    by_field = {column.field: column for column in COLUMNS[kind]}
    for column in COLUMNS[kind]:
        if column.required and column.field not in mapping:
            errors.append((column.header(lang), "data.error_missing_column", {}))
    for groups in ONE_OF.get(kind, ()):
        if not any(all(f in mapping for f in group) for group in groups):
            names = [" + ".join(by_field[f].header(lang) for f in group) for group in groups]
            errors.append((names[0], "data.error_missing_one_of", {"columns": " / ".join(names)}))
    return mapping, errors, tuple(ignored)


def _errors_frame(errors: list[tuple[int, str, str, dict]]) -> pd.DataFrame:
    return pd.DataFrame(errors, columns=["row", "column", "key", "params"]).astype({"row": int})


def _check(session: Session, actor: Actor, kind: str, frame: pd.DataFrame, progress: Progress | None,
           *, steps: int = 1, create_teams: bool = False,
           skip_duplicates: bool = False) -> tuple[ImportReport, list[dict], _Checker | None]:
    """Check every row; return the report, the values of the rows to write, and the checker."""
    _check_kind(kind)
    total = len(frame)
    mapping, header_errors, ignored = _column_map(kind, frame)
    if header_errors:
        # A missing or doubled column makes every row doubtful: the headers are fixed first.
        errors = [(HEADER_ROW, column, key, params) for column, key, params in header_errors]
        return ImportReport(kind, total, total, _errors_frame(errors), ignored,
                            skip_duplicates=skip_duplicates), [], None
    headers = list(frame.columns)
    position = {header: i for i, header in enumerate(headers)}
    header_of = {**{h: h for h in headers}, **mapping}
    field_of = {h: f for f, h in mapping.items()}
    rows = []
    # Each text is checked once: a file repeats its words (target groups, benefits, areas) often.
    refusals: dict[str, ValidationError | None] = {"": None}
    for number, cells in zip(frame.index, frame.itertuples(index=False, name=None)):
        texts = dict(zip(headers, ("" if pd.isna(cell) else str(cell).strip() for cell in cells)))
        row = _Row(int(number), {f: texts[h] for f, h in mapping.items()})
        for header, text in texts.items():
            if text not in refusals:
                refusals[text] = _free_text_refusal(text)
            # A CPR number is refused in every column, also in one the import does not use.
            if (error := refusals[text]) is not None:
                row.fail(field_of.get(header, header), error.key, **error.params)
        rows.append(row)
    _find_twins(rows)
    checker = CHECKERS[kind](session, actor, rows, set(mapping), create_teams=create_teams,
                             skip_duplicates=skip_duplicates)
    checker.prepare()
    errors, duplicates, values = [], [], []
    for done, row in enumerate(rows, start=1):
        if row.twin is not None and skip_duplicates:
            checked = None  # checked as the earlier row it is the same as
        else:
            checked = checker.check(row)
        if row.twin is not None and row.duplicate is None:
            row.duplicate = ("data.duplicate_same_row", {"first": row.twin})
        for column, key, params in sorted(row.errors, key=lambda e: position.get(
                header_of.get(e[0]), len(position))):
            errors.append((row.number, header_of.get(column, column), key, params))
        if row.errors:
            pass
        elif row.duplicate is not None:
            duplicates.append((row.number, *row.duplicate))
            if checked is not None:
                values.append(checked)  # not skipped, and nothing forbids a second one
        elif checked is not None:
            values.append(checked)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total * steps)
    bad = len({error[0] for error in errors})
    report = ImportReport(kind, total, bad, _errors_frame(errors), ignored,
                          _duplicates_frame(duplicates), skip_duplicates)
    return report, values, checker


def _free_text_refusal(text: str) -> ValidationError | None:
    try:
        check_free_text(text)
    except ValidationError as error:
        return error
    return None


def _find_twins(rows: list[_Row]) -> None:
    """Mark each row that is the same as an earlier one: the same text in every imported column,
    but for case and spaces."""
    first: dict[tuple[str, ...], int] = {}
    for row in rows:
        same = tuple(" ".join(text.split()).casefold() for text in row.cells.values())
        if first.setdefault(same, row.number) != row.number:
            row.twin = first[same]


def dry_run(engine: Engine, actor: Actor, kind: str, frame: pd.DataFrame, *,
            progress: Progress | None = None, create_teams: bool = False,
            skip_duplicates: bool = False) -> ImportReport:
    """Check a file without writing anything: every bad row with its column and reason, and every
    duplicate with its reason. `create_teams` (staff, admins): a team the file names that does not
    exist is to be created. `skip_duplicates` (the Data page's default): duplicates are left out;
    without it they are refused where only one such record may exist, else written."""
    require(actor, "data.import")
    with Session(engine) as session:
        report, _values, _checker = _check(session, actor, kind, frame, progress,
                                           create_teams=create_teams,
                                           skip_duplicates=skip_duplicates)
    return report


def commit_import(engine: Engine, actor: Actor, kind: str, frame: pd.DataFrame, *,
                  progress: Progress | None = None, create_teams: bool = False,
                  skip_duplicates: bool = False) -> int:
    """Check again and write every row in one transaction, or nothing; returns the count written.

    Duplicates are left out when `skip_duplicates`, else written where allowed. Refused
    (ValidationError) when the file has no rows, a single bad row, or nothing but duplicates. The
    import is audited as one "import" entry with the count (and the duplicates skipped).
    """
    require(actor, "data.import")
    _check_kind(kind)
    if frame.empty:
        raise ValidationError("data.error_no_rows")
    total = len(frame)
    with write_session(engine) as session:
        # The check runs in the writing transaction, so nobody adds the same CVR number in between.
        report, values, checker = _check(session, actor, kind, frame, progress, steps=2,
                                         create_teams=create_teams,
                                         skip_duplicates=skip_duplicates)
        if report.bad_rows:
            raise ValidationError("data.error_not_clean", bad=report.bad_rows)
        if not values:
            raise ValidationError("data.error_only_duplicates")
        try:
            batch = []
            for done, fields in enumerate(values, start=1):
                batch.append(checker.build(fields))
                if done % PROGRESS_EVERY == 0 or done == len(values):
                    session.add_all(batch)
                    session.flush()
                    checker.added(batch)
                    batch = []
                    if progress:
                        progress(total + done, total * 2)
            skipped = f" skipped={report.skipped_rows}" if report.skipped_rows else ""
            audit.log(session, actor, "import", TABLES[kind], None,
                      detail=f"count={len(values)}{skipped}")
            session.commit()
        except IntegrityError:
            session.rollback()
            raise ValidationError("data.error_conflict") from None
    return len(values)
