"""Import files of every shape for the benchmark: each is read and dry-run in a process of its own,
timed, with the memory it takes beside what the process held before.

    .venv/bin/python -m tests.benchmark.run --imports-only   # these cases alone, into docs/

The files are at most MAX_IMPORT_BYTES each, the most the Data page accepts: millions of small
rows, a small file that unpacks to a gigabyte, huge cells, wide rows, sheets that do not state
their size or state a wrong one, and the largest file that is read in full. Target: each is
refused or read and checked within 5 s, with at most 150 MB more memory.

Then another user's page switches are timed while the slowest file that is read and the slowest
that is refused are read over and over (`page_switches`): in a thread of the serving process, as
the Data page reads an upload, and in a process of their own. Target: at most 2x the time of a
page switch with the process otherwise idle.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from model import importing

TARGETS = {"seconds": 5.0, "extra_memory_mb": 150, "page_switch_ratio": 2.0}
# Another user's page switches, back and forth, while a file is read (AppTest, as a leader).
SWITCH_PAGES = ("borgere", "virksomheder")
SWITCHES = 12
SWITCHING_SECONDS = 8.0  # while a file is read: at least this long, to span reads and dry runs
SWITCH_SCALE = 10  # the generated data the pages show (tests/benchmark/generate.py)
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


def widest_rows(count: int, width: int = importing.MAX_IMPORT_COLUMNS) -> Iterable[bytes]:
    """A citizen's name and birth year and short texts in every further column, to `width`."""
    from openpyxl.utils import get_column_letter

    pick = random.Random(13)
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    header = ["Fornavn", "Efternavn", "Fødselsår", *(f"Felt {n}" for n in range(4, width + 1))]
    for number in range(1, count + 2):
        cells = header if number == 1 else [
            pick.choice(FIRST), pick.choice(LAST), str(pick.randrange(1960, 2005)),
            *(f"tekst {pick.randrange(1000)}" for _ in range(width - 3))]
        yield (f'<row r="{number}">'
               + "".join(_inline(letter, number, text) for letter, text in zip(letters, cells))
               + "</row>").encode()


def xlsx_most_cells() -> bytes:
    """As many cells as a file may have, in as many columns as may have content."""
    from openpyxl.utils import get_column_letter

    width = importing.MAX_IMPORT_COLUMNS
    rows = importing.MAX_IMPORT_CELLS // width  # the header among them
    return xlsx_file(widest_rows(rows - 1, width), dimension=f"A1:{get_column_letter(width)}{rows}")


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
        f".xlsx of {importing.MAX_IMPORT_ROWS:,} citizens in 10 columns (the most rows a file may "
        "have), texts in the cells as openpyxl writes them",
        "borgere.xlsx", "citizens",
        lambda: xlsx_file(citizen_rows(importing.MAX_IMPORT_ROWS),
                      dimension=f"A1:J{importing.MAX_IMPORT_ROWS + 1}")),
    "xlsx_most_cells": (
        f".xlsx of as many cells as a file may have: {importing.MAX_IMPORT_COLUMNS} columns (the most "
        "with content) of short texts, as many rows as the cell limit allows",
        "brede-borgere.xlsx", "citizens",
        xlsx_most_cells),
    "xlsx_largest_read_shared": (
        f"the same {importing.MAX_IMPORT_ROWS:,} citizens with shared texts, as Excel writes them",
        "borgere-excel.xlsx", "citizens", lambda: xlsx_shared_citizens(importing.MAX_IMPORT_ROWS)),
    "csv_small_rows": (
        "CSV of small rows to the 10 MB limit", "mange.csv", "citizens", csv_small_rows),
    "csv_one_line": (
        "CSV of one line of 10 MB", "en-linje.csv", "citizens",
        lambda: b"Fornavn;" + b"x;" * (importing.MAX_IMPORT_BYTES // 2 - 8)),
    "csv_largest_read": (
        f"CSV of {importing.MAX_IMPORT_ROWS:,} citizens in 10 columns, read and checked", "borgere.csv",
        "citizens",
        lambda: csv_citizens(importing.MAX_IMPORT_ROWS)),
}


def _status_mb(field: str, pid: int | str = "self") -> float:
    """A size from a process's status: VmRSS (resident now) or VmHWM (its peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak(pid: int | str = "self") -> None:
    """Start the peak resident size afresh (Linux); the set-up's peak is not the case's."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


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


def measure_case_in_worker(path: str, filename: str, kind: str) -> dict:
    """Run in its own process, as the server: the file read and dry-run as the Data page has it
    done, in the import worker (model/import_worker.py), as a leader on a fresh database.

    *seconds* is the wait from handing the file over to the outcome back (pickling both ways
    included); *server CPU* the CPU time of this process meanwhile (its threads pickle the file
    and unpickle the table and report, holding the GIL); the extra memory of this process and of
    the worker, each its peak resident size during the case less its size just before. The worker
    is started before (a small file), as it is after the first upload of the server's life.
    """
    from model import import_worker
    from model.db import make_engine, migrate
    from tests.conftest import make_actor

    workdir = Path(tempfile.mkdtemp(prefix="jobtavlen-import-worker-"))
    engine = make_engine(f"sqlite:///{workdir / 'import.db'}")
    migrate(engine)
    actor = make_actor(engine, "leader")
    started = time.perf_counter()
    pid = import_worker.start(engine, actor, kind, data=b"Fornavn\nAisha\n", filename="lille.csv").wait().pid
    first_start = time.perf_counter() - started
    import_worker.start(engine, actor, kind, filename="lille.xlsx", data=xlsx_file(
        iter([b'<row r="1"><c r="A1"><v>1</v></c></row>']), dimension="A1:A1")).wait()
    data = Path(path).read_bytes()
    _reset_peak()
    _reset_peak(pid)
    before, worker_before = _status_mb("VmRSS"), _status_mb("VmRSS", pid)
    started, cpu, worker_cpu = time.perf_counter(), time.process_time(), _cpu_seconds(pid)
    checked = import_worker.start(engine, actor, kind, data=data, filename=filename,
                                  skip_duplicates=True).wait()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    worker_cpu = _cpu_seconds(pid) - worker_cpu
    peak, worker_peak = _status_mb("VmHWM"), _status_mb("VmHWM", pid)
    if checked.error is not None:
        outcome = f"refused: {checked.error.key}"
    elif checked.report is None:
        outcome = f"read {len(checked.frame):,} rows"
    else:
        report = checked.report
        outcome = (f"read {len(checked.frame):,} rows; dry run: {report.rows_ok:,} fine, "
                   f"{report.bad_rows:,} with errors, {len(report.duplicates):,} duplicates")
    engine.dispose()
    return {"seconds": round(seconds, 2), "server_cpu_seconds": round(cpu_seconds, 2),
            "worker_cpu_seconds": round(worker_cpu, 2),
            "server_extra_memory_mb": round(max(peak - before, 0.0), 1),
            "worker_extra_memory_mb": round(max(worker_peak - worker_before, 0.0), 1),
            "worker_memory_mb": round(worker_peak, 1), "worker_pid_differs": checked.pid != os.getpid(),
            "first_start_seconds": round(first_start, 2), "outcome": outcome}


def _cpu_seconds(pid: int) -> float:
    """The CPU time another process has used (user and system; Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh(function: str, **kwargs) -> dict:
    """Run a function of this module in a fresh Python process and return its JSON (as run.py's
    steps run: `python -m tests.benchmark.imports FUNCTION ARGS OUT`)."""
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    subprocess.run([sys.executable, "-m", "tests.benchmark.imports", function, json.dumps(kwargs),
                    str(out)], cwd=Path(__file__).resolve().parents[2], check=True)
    result = json.loads(out.read_text())
    out.unlink()
    return result


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
                         **child("import_case", path=str(path), filename=filename, kind=kind),
                         "worker": fresh("measure_case_in_worker", path=str(path),
                                         filename=filename, kind=kind)}
        path.unlink()
    return results


def slowest(results: dict) -> dict[str, str]:
    """The case read in full that takes longest to read and dry-run, and the refused case that
    takes longest to refuse."""
    read = {name: numbers["seconds"] + numbers["dry_run_seconds"]
            for name, numbers in results.items() if numbers["dry_run_seconds"] is not None}
    refused = {name: numbers["seconds"] for name, numbers in results.items()
               if numbers["dry_run_seconds"] is None}
    return {role: max(times, key=times.get) for role, times in (("read", read), ("refused", refused))
            if times}


def run_page_switches(child: Callable[..., dict], results: dict) -> dict | None:
    """Another user's page switches while the slowest files of `results` are read (`child`, from
    run.py, runs each step in a process of its own), on generated data (SWITCH_SCALE)."""
    worst = slowest(results)
    if not worst:
        return None
    workdir = Path(tempfile.mkdtemp(prefix="jobtavlen-import-switches-"))
    url = f"sqlite:///{workdir / 'pages.db'}"
    print(f"[bench] import page switches: generating {SWITCH_SCALE}x", flush=True)
    child("generate", url=url, scale=SWITCH_SCALE)
    files = {}
    for role, name in worst.items():
        _what, filename, kind, build = CASES[name]
        path = workdir / role / filename
        path.parent.mkdir()
        path.write_bytes(build())
        files[role] = {"case": name, "path": str(path), "filename": filename, "kind": kind}
    print(f"[bench] import page switches while reading {', '.join(worst.values())}", flush=True)
    measured = child("import_page_switches", url=url, files=files)
    for path in workdir.rglob("*"):
        if path.is_file():
            path.unlink()
    return measured


def page_switches(url: str, files: dict[str, dict]) -> dict:
    """Run in its own process, as the server: another user's page switches (a leader, between
    SWITCH_PAGES) with the process otherwise idle, and while each file is read over and over:
    uploaded to the Data page by a leader in another session of this process, which has it read
    and dry-run in the import worker (`page`, as the page does now); read and dry-run in a thread
    of this process (`thread`, as the page did before); and in a process of its own (`process`,
    what a worker may achieve at best). The idle switches are timed before and after, as the
    machine may have changed in between."""
    os.environ["DATABASE_URL"] = url
    from model.db import make_engine
    from tests.benchmark.run import LEADER, _user_id, serving_like_a_server, signed_in_app

    engine = make_engine(url)
    user_id = _user_id(engine, LEADER)
    load = [os.getloadavg()[0]]
    cases = {}
    with serving_like_a_server():
        at = signed_in_app(LEADER, SWITCH_PAGES[0])
        _switch_times(at, 2 * len(SWITCH_PAGES))  # warm-up: each page and its cached aggregates
        idle = _switch_times(at, SWITCHES)
        for role, file in files.items():
            data = Path(file["path"]).read_bytes()
            for where in ("page", "thread", "process"):
                with _reading(where, data, file, url, engine, user_id) as stats:
                    times = _switch_times(at, SWITCHES, SWITCHING_SECONDS)
                cases[f"{role}/{where}"] = {"role": role, "case": file["case"], "where": where,
                                            **stats(), "switched": len(times), "times": times}
        idle += _switch_times(at, SWITCHES)
    load.append(os.getloadavg()[0])
    engine.dispose()
    idle_ms = statistics.median(idle) * 1000
    return {
        "pages": list(SWITCH_PAGES), "switches": SWITCHES, "seconds": SWITCHING_SECONDS,
        "scale": SWITCH_SCALE,
        "load_average": [round(value, 1) for value in load],
        "idle_median_ms": round(idle_ms, 1),
        "cases": {key: {**{k: v for k, v in case.items() if k != "times"},
                        "median_ms": round(statistics.median(case["times"]) * 1000, 1),
                        "ratio": round(statistics.median(case["times"]) * 1000 / idle_ms, 2)}
                  for key, case in cases.items()},
    }


def _switch_times(at, count: int, at_least: float = 0.0) -> list[float]:
    """`count` page switches, and more until `at_least` seconds have passed."""
    times = []
    began = time.perf_counter()
    number = 0
    while number < count or time.perf_counter() - began < at_least:
        started = time.perf_counter()
        at.switch_page(f"pages/{SWITCH_PAGES[number % len(SWITCH_PAGES)]}.py")
        at.run()
        times.append(time.perf_counter() - started)
        number += 1
        if at.exception:
            raise RuntimeError(str(at.exception))
    return times


def _read_and_check(data: bytes, file: dict, engine, actor) -> None:
    """What the Data page does with an upload: read it, and dry-run it when it is read."""
    from model.errors import UserError

    try:
        frame = importing.read_table(data, file["filename"])
        importing.dry_run(engine, actor, file["kind"], frame, skip_duplicates=True)
    except UserError:
        pass


@contextmanager
def _reading(where: str, data: bytes, file: dict, url: str, engine, user_id: int):
    """The file read over and over while the block runs: uploaded to the Data page in another
    session of this process (`page`), read in a thread of this process, or in a process of its
    own; gives a function of what was done: the reads begun and, for the Data page, the seconds
    from each upload to the page with its report, and this process's and the worker's memory."""
    if where == "page":
        yield from _uploading(data, file, user_id)
        return
    if where == "thread":
        from model import auth

        actor = auth.actor_for_user(engine, user_id)
        stop, count = threading.Event(), [0]

        def loop() -> None:
            while not stop.is_set():
                count[0] += 1
                _read_and_check(data, file, engine, actor)

        worker = threading.Thread(target=loop, daemon=True)
        worker.start()
        try:
            yield lambda: {"reads": count[0]}
        finally:
            stop.set()
            worker.join()
        return
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, as a worker process would be
    stop, ready, shared = spawn.Event(), spawn.Event(), spawn.Value("i", 0)
    worker = spawn.Process(target=_read_in_a_process, args=(file, url, user_id, stop, ready, shared),
                           daemon=True)
    worker.start()
    try:
        if not ready.wait(120):
            raise RuntimeError("the reading process did not start")
        yield lambda: {"reads": shared.value}
    finally:
        stop.set()
        worker.join()


def _uploading(data: bytes, file: dict, user_id: int):
    """A leader's session on the Data page uploading the file over and over, in a thread."""
    from streamlit.testing.v1 import AppTest

    from model import import_worker
    from tests.benchmark.run import ROOT

    # Not run.signed_in_app: its engine of its own would open and close the database file in this
    # process, and SQLite's locks of every connection of the process would go with it.
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    page.session_state["user_id"] = user_id
    page.run()
    page.switch_page("pages/data.py")
    page.run()
    if file["kind"] != "citizens":
        page.radio(key="import_kind").set_value(file["kind"]).run()
    mime = "text/csv" if file["filename"].endswith(".csv") else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    seen = {}

    def upload() -> float:
        started = time.perf_counter()
        page.file_uploader(key="import_file_0").set_value((file["filename"], data, mime)).run()
        if page.exception:
            raise RuntimeError(str(page.exception))
        return time.perf_counter() - started

    start = import_worker.start

    def watched(*args, **kwargs):  # the worker's process id, for its memory
        job = start(*args, **kwargs)
        seen["job"] = job
        return job

    import_worker.start = watched
    try:
        first = upload()  # the first upload of the server's life starts the worker
        pid = seen["job"].wait().pid
        upload()
        _reset_peak()
        _reset_peak(pid)
        before, worker_before = _status_mb("VmRSS"), _status_mb("VmRSS", pid)
        stop, times, failed = threading.Event(), [], []

        def loop() -> None:
            try:
                while not stop.is_set():
                    times.append(upload())
            except Exception as error:  # noqa: BLE001  (told below, in the measuring thread)
                failed.append(error)

        uploader = threading.Thread(target=loop, daemon=True)
        uploader.start()
        try:
            yield lambda: {
                "reads": len(times) + 1, "first_upload_seconds": round(first, 2),
                "upload_median_seconds": round(statistics.median(times), 2) if times else None,
                "upload_max_seconds": round(max(times), 2) if times else None,
                "server_extra_memory_mb": round(max(_status_mb("VmHWM") - before, 0.0), 1),
                "worker_extra_memory_mb": round(max(_status_mb("VmHWM", pid) - worker_before, 0.0), 1),
                "worker_pid_differs": pid != os.getpid()}
        finally:
            stop.set()
            uploader.join()
        if failed:
            raise failed[0]
    finally:
        import_worker.start = start


def _read_in_a_process(file: dict, url: str, user_id: int, stop, ready, count) -> None:
    from model import auth
    from model.db import make_engine

    engine = make_engine(url)
    actor = auth.actor_for_user(engine, user_id)
    data = Path(file["path"]).read_bytes()
    ready.set()
    while not stop.is_set():
        count.value += 1
        _read_and_check(data, file, engine, actor)
    engine.dispose()


def _unpacked(data: bytes, filename: str) -> int:
    """What an .xlsx file unpacks to (a CSV file is what it is)."""
    if not filename.endswith(".xlsx"):
        return len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


WHERE = {"page": "the Data page, through the import worker (as now)",
         "thread": "a thread of the serving process (as the Data page did before)",
         "process": "a process of its own (the best a worker can do)"}


def verdicts(results: dict, switches: dict | None = None) -> list[str]:
    lines = []
    for name, numbers in results.items():
        if numbers["seconds"] > TARGETS["seconds"]:
            lines.append(f"import {name}: {numbers['seconds']} s > {TARGETS['seconds']} s")
        # The user waits for the dry run as for the reading: it runs as soon as the file is read.
        waited = round(numbers["seconds"] + (numbers["dry_run_seconds"] or 0), 2)
        if numbers["dry_run_seconds"] and waited > TARGETS["seconds"]:
            lines.append(f"import {name}: read and dry run {waited} s > {TARGETS['seconds']} s")
        if numbers["extra_memory_mb"] > TARGETS["extra_memory_mb"]:
            lines.append(f"import {name}: {numbers['extra_memory_mb']} MB more memory > "
                         f"{TARGETS['extra_memory_mb']} MB")
        worker = numbers.get("worker")
        if worker is None:
            continue
        if worker["seconds"] > TARGETS["seconds"]:
            lines.append(f"import {name} through the worker: {worker['seconds']} s > "
                         f"{TARGETS['seconds']} s")
        for where in ("server", "worker"):
            if worker[f"{where}_extra_memory_mb"] > TARGETS["extra_memory_mb"]:
                lines.append(f"import {name} through the worker: {worker[f'{where}_extra_memory_mb']} MB "
                             f"more memory in the {where} process > {TARGETS['extra_memory_mb']} MB")
    for key, case in (switches or {}).get("cases", {}).items():
        # What the app does is judged: the Data page through the worker. A thread of the server
        # (as before) and a bare process (the best a worker can do) are there to compare.
        if case["where"] == "page" and case["ratio"] > TARGETS["page_switch_ratio"]:
            lines.append(f"import page switch while reading ({key}): {case['ratio']}x the idle "
                         f"time > {TARGETS['page_switch_ratio']:g}x")
    return lines


def markdown(results: dict, started: str, switches: dict | None = None) -> list[str]:
    out = [
        "## Imports",
        "",
        f"Run {started}. Each file is at most the 10 MB the Data page accepts; it is read and, when "
        "not refused, dry-run as a leader on an empty database, in a process of its own. *Read* is "
        "the time to the refusal or to the file read in full (wall clock, and the CPU time of the "
        "process beside it); *dry run* the check after it, which the user waits for as well. *Extra "
        "memory* is the process's peak resident size less its size just before. Target: refused, or "
        f"read and dry-run, within {TARGETS['seconds']:g} s, with at most "
        f"{TARGETS['extra_memory_mb']} MB extra memory.",
        "",
        f"A file may have at most {importing.MAX_IMPORT_ROWS:,} rows and "
        f"{importing.MAX_IMPORT_CELLS:,} cells (a job centre imports a few thousand citizens at a "
        "time): the largest file read in full is then read and dry-run within the target on this "
        "machine. An .xlsx sheet is parsed by the importer's own streaming reader (model/importing.py, "
        "`_SheetReader`, on the standard library's expat), two to three times as fast as openpyxl's "
        "read-only mode; openpyxl still opens the workbook (shared texts, date formats).",
        "",
        "| File | Size (MB) | Unpacked (MB) | Read (s) | CPU (s) | Dry run (s) | Read and dry run (s) "
        "| Extra memory (MB) | Outcome |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for numbers in results.values():
        dry_run = numbers["dry_run_seconds"]
        waited = round(numbers["seconds"] + dry_run, 2) if dry_run is not None else ""
        out.append(f"| {numbers['what']} | {numbers['file_mb']} | {numbers['unpacked_mb']} | "
                   f"{numbers['seconds']} | {numbers['cpu_seconds']} | "
                   f"{'' if dry_run is None else dry_run} | {waited} | {numbers['extra_memory_mb']} | "
                   f"{numbers['outcome']} |")
    out.append("")
    if any("worker" in numbers for numbers in results.values()):
        out += _worker_markdown(results)
    if switches:
        out += _switch_markdown(switches, results)
    return out


def _worker_markdown(results: dict) -> list[str]:
    starts = [numbers["worker"]["first_start_seconds"] for numbers in results.values()
              if "worker" in numbers]
    out = [
        "The Data page has each file read and dry-run in the import worker, a process of its own "
        "(model/import_worker.py), so that the server stays free for the other users. The same "
        "files through it, in a process of their own as the server: *waited* from handing the "
        "file over to the outcome back (pickling both ways included); *worker CPU* the CPU time "
        "the worker used for it; *server CPU* the CPU time of the server process meanwhile "
        "(pickling the file, unpickling the table and report); the extra memory of the server "
        "process and of the worker, each its peak resident size less its size just before. The "
        "worker is started before the case, as the Data page starts it when someone who may import "
        f"opens it: from nothing that takes {min(starts, default=0):g}-{max(starts, default=0):g} s "
        "here. Target as above.",
        "",
        "| File | Waited (s) | Worker CPU (s) | Server CPU (s) | Server extra memory (MB) "
        "| Worker extra memory (MB) | Worker resident (MB) | Outcome |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for numbers in results.values():
        if "worker" not in numbers:
            continue
        worker = numbers["worker"]
        out.append(f"| {numbers['what']} | {worker['seconds']} | {worker['worker_cpu_seconds']} | "
                   f"{worker['server_cpu_seconds']} | "
                   f"{worker['server_extra_memory_mb']} | {worker['worker_extra_memory_mb']} | "
                   f"{worker['worker_memory_mb']} | {worker['outcome']} |")
    return [*out, ""]


def _switch_markdown(switches: dict, results: dict) -> list[str]:
    pages = " and ".join(switches["pages"])
    out = [
        f"Another user's page switches while a file is read: a leader switching between {pages} "
        f"({switches['scale']}x data, AppTest; the median of {switches['switches']} switches idle before "
        "the files and as many after, "
        f"and of as many as fit in {switches.get('seconds', SWITCHING_SECONDS):g} s while a file is "
        "read), while the slowest file read in full and the slowest refused are read over and over: "
        "uploaded again and again to the Data page by another leader in another session of the "
        "same process, which has it read and dry-run in the import worker (as the page does now); "
        "read and dry-run in a thread of the serving process (as the Data page did before); or in "
        "a process of its own. Idle: "
        f"{switches['idle_median_ms']} ms; load average "
        f"{switches['load_average'][0]} at the start and {switches['load_average'][1]} at the end "
        "(other work on the machine makes these ratios vary widely from run to run). Python runs "
        "one thread of a process at a time (the GIL): in a thread, reading and checking take turns "
        "with the page, 5 ms at a time; in a process of their own they use the other core. Target: "
        f"at most {TARGETS['page_switch_ratio']:g}x the idle time, for the Data page as it is now (the "
        "thread and the bare process are there to compare).",
        "",
        "| File read meanwhile | Where it is read | Reads begun | Page switch (ms) | x idle "
        "| Upload to report, median / max (s) | Server extra memory (MB) | Worker extra memory (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case in switches["cases"].values():
        what = results.get(case["case"], {}).get("what", case["case"])
        upload = (f"{case['upload_median_seconds']} / {case['upload_max_seconds']}"
                  if case.get("upload_median_seconds") is not None else "")
        out.append(f"| {what} | {WHERE.get(case['where'], case['where'])} | {case['reads']} | "
                   f"{case['median_ms']} | {case['ratio']} | {upload} | "
                   f"{case.get('server_extra_memory_mb', '')} | {case.get('worker_extra_memory_mb', '')} |")
    return [*out, ""]


if __name__ == "__main__":
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    _function, _args, _out = sys.argv[1:4]
    Path(_out).write_text(json.dumps(globals()[_function](**json.loads(_args)), default=str))
