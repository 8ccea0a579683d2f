"""Import files of every shape for the benchmark: each is read and dry-run in a process of its own,
timed, with the memory it takes beside what the process held before.

    .venv/bin/python -m tests.benchmark.run --imports-only   # these cases alone, into docs/

The files are at most MAX_IMPORT_BYTES each, the most the Data page accepts: millions of small
rows, a small file that unpacks to a gigabyte, huge cells, wide rows, sheets that do not state
their size or state a wrong one, and the largest file that is read in full. Target: each is
refused or read and checked within 5 s, with at most 150 MB more memory.
"""

from __future__ import annotations

import io
import random
import resource
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from model import importing

TARGETS = {"seconds": 5.0, "extra_memory_mb": 150}
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHARED_STRINGS = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
CITIZEN_HEADER = ["Fornavn", "Efternavn", "Fødselsår", "Målgruppe", "Ydelse", "Matchgruppe",
                  "Sagsreference", "Ønsker", "Kvalifikationer", "Boligområde"]
FIRST = ["Anna", "Ali", "Mette", "Mohammed", "Sofie", "Jonas", "Fatima", "Emil", "Aisha", "Lars"]
LAST = ["Hansen", "Jensen", "Nielsen", "Benali", "Yilmaz", "Madsen", "Larsen", "Demir"]


def _template_parts() -> dict[str, bytes]:
    """The parts of an empty workbook as openpyxl writes it, to build large ones from."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_file(rows: Iterable[bytes], *, dimension: str | None, shared: Iterable[bytes] = (),
              budget: int = importing.MAX_IMPORT_BYTES, level: int = 6) -> bytes:
    """An .xlsx file of raw sheet rows (XML), cut off before it packs to more than `budget` bytes.
    `dimension`: the size the sheet states, if any; `shared`: the texts of a shared-strings part."""
    parts = _template_parts()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        shared = list(shared)
        for name, part in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                continue
            if name == "[Content_Types].xml" and shared:
                part = part.replace(b"</Types>", SHARED_STRINGS.encode() + b"</Types>")
            archive.writestr(name, part)
        if shared:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
                stream.write(b"<sst " + MAIN + b">")
                for text in shared:
                    stream.write(b"<si><t>" + text + b"</t></si>")
                stream.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(b"<worksheet " + MAIN + b">")
            if dimension:
                stream.write(f'<dimension ref="{dimension}"/>'.encode())
            stream.write(b"<sheetData>")
            batch: list[bytes] = []
            size = 0
            for row in rows:
                batch.append(row)
                size += len(row)
                if size >= 64 * 1024:
                    stream.write(b"".join(batch))
                    batch, size = [], 0
                    if buffer.tell() > budget - 512 * 1024:  # room for what is still buffered
                        break
            stream.write(b"".join(batch))
            stream.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _inline(column: str, number: int, text: str) -> str:
    return f'<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>'


def small_rows() -> Iterable[bytes]:
    """Rows of a name, a year and a case reference, varied as real ones, without end."""
    pick = random.Random(7)
    yield (f'<row r="1">{_inline("A", 1, "Fornavn")}{_inline("B", 1, "Efternavn")}'
           f'{_inline("C", 1, "Fødselsår")}</row>').encode()
    number = 1
    while True:
        number += 1
        yield (f'<row r="{number}">{_inline("A", number, pick.choice(FIRST))}'
               f'{_inline("B", number, pick.choice(LAST) + str(pick.randrange(10**6)))}'
               f'<c r="C{number}"><v>{pick.randrange(1950, 2010)}</v></c></row>').encode()


def identical_rows(count: int) -> Iterable[bytes]:
    """The same small row over and over, without row numbers (which a sheet may leave out)."""
    yield b'<row><c t="inlineStr"><is><t>Fornavn</t></is></c></row>'
    row = b'<row><c t="inlineStr"><is><t>Aisha</t></is></c></row>'
    for _ in range(count):
        yield row


def huge_cells(size: int) -> Iterable[bytes]:
    """Rows of one cell of `size` characters that do not pack (random letters)."""
    pick = random.Random(11)
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>Fornavn</t></is></c></row>'
    number = 1
    while True:
        number += 1
        text = bytes(pick.choices(b"abcdefghijklmnopqrstuvwxyz", k=size))
        yield (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>'.encode() + text
               + b"</t></is></c></row>")


def wide_rows(width: int) -> Iterable[bytes]:
    """Rows of `width` cells with a format and no value, as a formatted whole row leaves them."""
    from openpyxl.utils import get_column_letter

    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>Fornavn</t></is></c></row>'
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    number = 1
    while True:
        number += 1
        yield (f'<row r="{number}">'.encode()
               + b"".join(f'<c r="{letter}{number}" s="0"/>'.encode() for letter in letters)
               + b"</row>")


def citizens(count: int) -> Iterable[list[str]]:
    """The header and `count` rows of the ten columns of a citizens import, all fine."""
    pick = random.Random(3)
    yield CITIZEN_HEADER
    for number in range(2, count + 2):
        yield [pick.choice(FIRST), pick.choice(LAST), str(pick.randrange(1960, 2005)), "jobparat",
               pick.choice(["kontanthjælp", "dagpenge", "sygedagpenge"]), str(pick.randrange(1, 4)),
               f"J-{number}", "lager, køkken", "truckcertifikat", ""]


def citizen_rows(count: int, shared: dict[str, int] | None = None) -> Iterable[bytes]:
    """The citizens as sheet rows: texts in the cells (inline, as openpyxl writes them), or, given
    `shared`, as indexes into the shared texts it collects (as Excel writes them)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, len(CITIZEN_HEADER) + 1)]
    for number, cells in enumerate(citizens(count), start=1):
        if shared is None:
            xml = "".join(_inline(letter, number, text) for letter, text in zip(letters, cells) if text)
        else:
            xml = "".join(f'<c r="{letter}{number}" t="s"><v>{shared.setdefault(text, len(shared))}'
                          f"</v></c>" for letter, text in zip(letters, cells) if text)
        yield f'<row r="{number}">{xml}</row>'.encode()


def xlsx_shared_citizens(count: int) -> bytes:
    shared: dict[str, int] = {}
    rows = list(citizen_rows(count, shared))
    return xlsx_file(rows, dimension=f"A1:J{count + 1}", shared=[text.encode() for text in shared])


def csv_small_rows(budget: int = importing.MAX_IMPORT_BYTES) -> bytes:
    pick = random.Random(5)
    lines = ["Fornavn;Efternavn;Fødselsår"]
    size = len(lines[0]) + 1
    while size < budget - 64:
        line = f"{pick.choice(FIRST)};{pick.choice(LAST)}{pick.randrange(10**6)};{pick.randrange(1950, 2010)}"
        lines.append(line)
        size += len(line.encode()) + 1
    return ("\n".join(lines[:-1]) + "\n").encode()


def csv_citizens(count: int) -> bytes:
    return "".join(";".join(cells) + "\n" for cells in citizens(count)).encode()


# name -> (what it is, file name, kind imported, how the file is made)
CASES: dict[str, tuple[str, str, str, Callable[[], bytes]]] = {
    "xlsx_small_rows": (
        ".xlsx of small rows to the 10 MB limit, its dimension saying one row",
        "mange.xlsx", "citizens", lambda: xlsx_file(small_rows(), dimension="A1:C1")),
    "xlsx_bomb": (
        ".xlsx of under 1 MB that unpacks to 6 million identical rows",
        "bombe.xlsx", "citizens", lambda: xlsx_file(identical_rows(6_000_000), dimension="A1:A2",
                                                level=9)),
    "xlsx_unsized_rows": (
        ".xlsx of small rows to the 10 MB limit, without a dimension",
        "uden-stoerrelse.xlsx", "citizens", lambda: xlsx_file(small_rows(), dimension=None)),
    "xlsx_unsized_32mb": (
        ".xlsx of small rows without a dimension, under the 32 MB unpacked such a sheet may have",
        "uden-stoerrelse-32.xlsx", "citizens",
        lambda: xlsx_file(small_rows(), dimension=None,
                      budget=importing.MAX_UNSIZED_SHEET_BYTES // 8)),
    "xlsx_huge_cells": (
        ".xlsx of 10 MB of cells of 1 MB each",
        "store-celler.xlsx", "citizens", lambda: xlsx_file(huge_cells(1024 * 1024), dimension="A1:A10")),
    "xlsx_huge_shared_text": (
        ".xlsx with one shared text of 60 MB (packs to 60 kB)",
        "stor-tekst.xlsx", "citizens",
        lambda: xlsx_file(iter([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), dimension="A1:A1",
                      shared=[b"x" * 60 * 1024 * 1024])),
    "xlsx_many_shared_texts": (
        ".xlsx with as many small shared texts as its other parts may hold, read whole on opening",
        "mange-tekster.xlsx", "citizens",
        lambda: xlsx_file(iter([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), dimension="A1:A1",
                      shared=[b"Fornavn", *(b"t%06d" % i for i in range(  # 23 bytes each
                          (importing.MAX_WHOLE_PARTS_BYTES - 64 * 1024) // 23))])),
    "xlsx_huge_inline_cell": (
        ".xlsx with one cell of 60 MB in the sheet (packs to 60 kB)",
        "stor-celle.xlsx", "citizens",
        lambda: xlsx_file(iter([b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * 60 * 1024 * 1024
                            + b"</t></is></c></row>"]), dimension="A1:A1")),
    "xlsx_wide_rows": (
        ".xlsx of rows of 16,384 formatted empty cells",
        "brede.xlsx", "citizens", lambda: xlsx_file(wide_rows(16_384), dimension="A1:XFD1")),
    "xlsx_largest_read": (
        ".xlsx of 50,000 citizens in 10 columns (the most rows a file may have), texts in the "
        "cells as openpyxl writes them",
        "borgere.xlsx", "citizens",
        lambda: xlsx_file(citizen_rows(importing.MAX_IMPORT_ROWS),
                      dimension=f"A1:J{importing.MAX_IMPORT_ROWS + 1}")),
    "xlsx_largest_read_shared": (
        "the same 50,000 citizens with shared texts, as Excel writes them",
        "borgere-excel.xlsx", "citizens", lambda: xlsx_shared_citizens(importing.MAX_IMPORT_ROWS)),
    "csv_small_rows": (
        "CSV of small rows to the 10 MB limit", "mange.csv", "citizens", csv_small_rows),
    "csv_one_line": (
        "CSV of one line of 10 MB", "en-linje.csv", "citizens",
        lambda: b"Fornavn;" + b"x;" * (importing.MAX_IMPORT_BYTES // 2 - 8)),
    "csv_largest_read": (
        "CSV of 50,000 citizens in 10 columns, read and checked", "borgere.csv", "citizens",
        lambda: csv_citizens(importing.MAX_IMPORT_ROWS)),
}


def _status_mb(field: str) -> float:
    """A size from the process's status: VmRSS (resident now) or VmHWM (its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak resident size afresh (Linux); the set-up's peak is not the case's."""
    Path("/proc/self/clear_refs").write_text("5")


def measure_case(path: str, filename: str, kind: str) -> dict:
    """Run in its own process: read the file and dry-run it as a leader, on a fresh database.

    The extra memory is the process's peak resident size during the case less its resident size
    just before it.
    """
    from model.db import make_engine, migrate
    from model.errors import UserError
    from tests.conftest import make_actor

    workdir = Path(tempfile.mkdtemp(prefix="jobtavlen-import-"))
    engine = make_engine(f"sqlite:///{workdir / 'import.db'}")
    migrate(engine)
    actor = make_actor(engine, "leader")
    # Everything the import loads on first use is loaded before the measuring starts.
    importing.read_table(b"Fornavn\nAisha\n", "lille.csv")
    importing.read_table(xlsx_file(iter([b'<row r="1"><c r="A1"><v>1</v></c></row>']),
                               dimension="A1:A1"), "lille.xlsx")
    data = Path(path).read_bytes()
    _reset_peak()
    before = _status_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    read = None
    try:
        frame = importing.read_table(data, filename)
        read = (time.perf_counter() - started, time.process_time() - cpu)
        report = importing.dry_run(engine, actor, kind, frame, skip_duplicates=True)
        outcome = (f"read {len(frame):,} rows; dry run: {report.rows_ok:,} fine, "
                   f"{report.bad_rows:,} with errors, {len(report.duplicates):,} duplicates")
    except UserError as refusal:
        outcome = f"refused: {refusal.key}"
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    peak = _status_mb("VmHWM")
    engine.dispose()
    return {"seconds": round(read[0] if read else seconds, 2),
            "cpu_seconds": round(read[1] if read else cpu_seconds, 2),
            "dry_run_seconds": round(seconds - read[0], 2) if read else None,
            "extra_memory_mb": round(max(peak - before, 0.0), 1), "outcome": outcome}


def run_cases(child: Callable[..., dict], names: Iterable[str] | None = None) -> dict:
    """Build each case's file and measure it in a process of its own (`child`, from run.py)."""
    results = {}
    workdir = Path(tempfile.mkdtemp(prefix="jobtavlen-import-files-"))
    for name in names or CASES:
        what, filename, kind, build = CASES[name]
        started = time.perf_counter()
        data = build()
        path = workdir / filename
        path.write_bytes(data)
        print(f"[bench] import {name}: {len(data) / 1024 / 1024:.1f} MB "
              f"(built in {time.perf_counter() - started:.1f} s)", flush=True)
        results[name] = {"what": what, "file_mb": round(len(data) / 1024 / 1024, 2),
                         "unpacked_mb": round(_unpacked(data, filename) / 1024 / 1024, 1),
                         **child("import_case", path=str(path), filename=filename, kind=kind)}
        path.unlink()
    return results


def _unpacked(data: bytes, filename: str) -> int:
    """What an .xlsx file unpacks to (a CSV file is what it is)."""
    if not filename.endswith(".xlsx"):
        return len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def verdicts(results: dict) -> list[str]:
    lines = []
    for name, numbers in results.items():
        if numbers["seconds"] > TARGETS["seconds"]:
            lines.append(f"import {name}: {numbers['seconds']} s > {TARGETS['seconds']} s")
        if numbers["extra_memory_mb"] > TARGETS["extra_memory_mb"]:
            lines.append(f"import {name}: {numbers['extra_memory_mb']} MB more memory > "
                         f"{TARGETS['extra_memory_mb']} MB")
    return lines


def markdown(results: dict, started: str) -> list[str]:
    out = [
        "## Imports",
        "",
        f"Run {started}. Each file is at most the 10 MB the Data page accepts; it is read and, when "
        "not refused, dry-run as a leader on an empty database, in a process of its own. *Read* is "
        "the time to the refusal or to the file read in full (wall clock, and the CPU time of the "
        "process beside it); *dry run* the check after it. *Extra memory* is the process's peak "
        "resident size less its size just before. Target: refused or read within "
        f"{TARGETS['seconds']:g} s, with at most {TARGETS['extra_memory_mb']} MB extra memory.",
        "",
        "| File | Size (MB) | Unpacked (MB) | Read (s) | CPU (s) | Dry run (s) | Extra memory (MB) "
        "| Outcome |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for numbers in results.values():
        out.append(f"| {numbers['what']} | {numbers['file_mb']} | {numbers['unpacked_mb']} | "
                   f"{numbers['seconds']} | {numbers['cpu_seconds']} | "
                   f"{numbers['dry_run_seconds'] or ''} | {numbers['extra_memory_mb']} | "
                   f"{numbers['outcome']} |")
    return [*out, ""]
