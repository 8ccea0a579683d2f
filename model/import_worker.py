"""The Data page's reading and dry run of an upload, in a worker process.

Reading a file (`importing.read_table`) and checking its rows (`importing.dry_run`) is pure
Python: in a thread of the Streamlit server it holds the interpreter lock (the GIL) for seconds,
and every other user's page waits its turn (docs/performance.md, Imports). In a worker process it
runs on another core, and the server stays free for the others.

One worker serves every session, one file at a time (`ProcessPoolExecutor(max_workers=1)`),
started when someone who may import opens the Data page (`warm_up`) or on first use, and kept.
Its process comes from a fork server that has imported the importer once: never a fork of the
server itself (a fork of a process with threads is not safe), and when a worker dies the next is
ready in a moment, not in the second or two a fresh interpreter takes.

What goes to the worker and back is pickled: the file's bytes and name, or the table read
before (a file is read once per upload); the database URL (the worker makes an engine of its
own, read-only on SQLite, and disposes of it); the actor; the app's settings (JOBTAVLEN_*, its
date among them). Back come the table read, the report, a refusal (UserError, shown as in the
server) and the worker's process id. A worker that dies (out of memory, killed) gives the
refusal `STOPPED`. The write (`importing.commit_import`) stays in the server.

The worker reports how far it is (reading; rows checked) through a queue; `Job.wait` passes it on.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from sqlalchemy.engine import Engine

from model import importing
from model.access import Actor
from model.errors import UserError, ValidationError

START_METHOD = "forkserver"
PRELOAD = ["model.importing"]  # imported once by the fork server, not by every worker
SETTINGS_PREFIX = "JOBTAVLEN_"
POLL_SECONDS = 0.1
PROGRESS_SECONDS = 0.2  # the worker reports the rows checked at most this often
STOPPED = "data.error_check_stopped"
READING = 0  # the total of a progress report while the file is read (its rows are not known yet)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Request:
    """A job for the worker: only what pickles."""

    url: str
    actor: Actor
    kind: str
    data: bytes | None = None
    filename: str = ""
    frame: pd.DataFrame | None = None  # a table read before: it is checked, not read again
    create_teams: bool = False
    skip_duplicates: bool = False
    settings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Checked:
    """What the worker did: `read` (the file was read now) with the table, or the file's refusal
    in `error`; the dry run's `report`, or its refusal in `error`; and the process that did it."""

    read: bool = False
    frame: pd.DataFrame | None = None
    report: importing.ImportReport | None = None
    error: UserError | None = None
    pid: int = 0


# --- In the server -------------------------------------------------------------------------------

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_messages = None  # the progress queue of _pool's worker
_progress: dict[int, tuple[int, int]] = {}  # the latest report of each job still running
_ids = itertools.count(1)
_warming = False


def _executor() -> tuple[ProcessPoolExecutor, object]:
    global _pool, _messages
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context(START_METHOD)
            if START_METHOD == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            _messages = context.Queue()
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_started,
                                        initargs=(_messages,))
        return _pool, _messages


def warm_up(engine: Engine) -> None:
    """Start the worker now, in the background, so that the first file does not wait the second or
    two it takes (the Data page calls this for those who may import)."""
    global _warming
    with _lock:
        if _warming or _in_memory(engine):
            return
        _warming = True
    threading.Thread(target=_start_worker, name="import-worker-start", daemon=True).start()


def _start_worker() -> None:
    try:
        _executor()[0].submit(os.getpid)
    except BrokenProcessPool:
        pass  # the next file gets a new one


def _discard(pool: ProcessPoolExecutor) -> None:
    """A pool whose worker died is broken for good: the next job gets a new one."""
    global _pool, _messages
    with _lock:
        if _pool is not pool:
            return
        _pool, messages = None, _messages
        _messages = None
    pool.shutdown(wait=False, cancel_futures=True)
    messages.close()


def _drain(messages) -> None:
    """Take the reports the worker sent so far; each job keeps its latest."""
    with _lock:
        while True:
            try:
                job_id, done, total = messages.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                return
            if job_id in _progress:
                _progress[job_id] = (done, total)


def _in_memory(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


def start(engine: Engine, actor: Actor, kind: str, *, data: bytes | None = None, filename: str = "",
          frame: pd.DataFrame | None = None, create_teams: bool = False,
          skip_duplicates: bool = False) -> Job:
    """Read `data` (the file named `filename`) and dry-run it, or dry-run `frame`, read before, in
    the worker; `Job.wait` gives the outcome (Checked). An in-memory SQLite database, which no
    other process can open, is checked in this process when waited for."""
    request = Request(engine.url.render_as_string(hide_password=False), actor, kind, data, filename,
                      frame, create_teams, skip_duplicates,
                      tuple(sorted((name, value) for name, value in os.environ.items()
                                   if name.startswith(SETTINGS_PREFIX))))
    if _in_memory(engine):
        return Job(None, None, 0, lambda progress: _work(request, 0, engine, progress))
    job_id = next(_ids)
    for _attempt in (1, 2):  # a worker that died while idle is found out here, and replaced
        pool, messages = _executor()
        if _has_died(pool):  # before its pool noticed: a job handed to it would be lost
            _discard(pool)
            pool, messages = _executor()
        with _lock:
            _progress[job_id] = (0, -1)
        try:
            future = pool.submit(_work, request, job_id)
        except BrokenProcessPool:
            _forget(job_id)
            _discard(pool)
            continue
        future.add_done_callback(lambda _future: _forget(job_id))
        return Job(future, pool, job_id, messages=messages)
    return Job(None, None, job_id, lambda _progress: Checked(error=ValidationError(STOPPED)))


def _has_died(pool: ProcessPoolExecutor) -> bool:
    """True when a worker process of the pool has ended (killed, out of memory)."""
    processes = getattr(pool, "_processes", None) or {}  # the pool's own record of its workers
    return any(process.exitcode is not None for process in list(processes.values()))


def _forget(job_id: int) -> None:
    with _lock:
        _progress.pop(job_id, None)


class Job:
    """A file being read and checked in the worker."""

    def __init__(self, future: Future | None, pool: ProcessPoolExecutor | None, job_id: int,
                 here: Callable[[Progress | None], Checked] | None = None, messages=None) -> None:
        self.future, self.pool, self.id, self.here, self.messages = future, pool, job_id, here, messages

    def cancel(self) -> None:
        """Not wanted any more: dropped if it has not begun (a job begun runs to its end)."""
        if self.future is not None:
            self.future.cancel()

    def wait(self, progress: Progress | None = None) -> Checked:
        """The outcome, when the worker is done. Meanwhile, `progress(done, total)` is called in
        this thread with the latest report each time it changes: (0, READING) while the file is
        read, then the rows checked of all. A quick job reports nothing."""
        if self.here is not None:
            return self.here(progress)
        shown = None
        while True:
            try:
                return self.future.result(timeout=POLL_SECONDS)
            except TimeoutError:
                pass
            except BrokenProcessPool:
                _discard(self.pool)
                return Checked(error=ValidationError(STOPPED))
            except CancelledError:  # dropped with the pool of a worker that died
                return Checked(error=ValidationError(STOPPED))
            _drain(self.messages)  # also without `progress`: the queue's pipe is not to fill up
            with _lock:
                latest = _progress.get(self.id)
            if progress and latest is not None and latest[1] >= 0 and latest != shown:
                shown = latest
                progress(*latest)


# --- In the worker -------------------------------------------------------------------------------

_reports = None  # the worker's end of the progress queue


def _started(messages) -> None:
    global _reports
    _reports = messages
    messages.cancel_join_thread()  # a report nobody took does not keep the worker from ending


def _settle(settings: tuple[tuple[str, str], ...]) -> None:
    """The server's settings for this job, in place of the last job's."""
    wanted = dict(settings)
    for name in [name for name in os.environ if name.startswith(SETTINGS_PREFIX) and name not in wanted]:
        del os.environ[name]
    os.environ.update(wanted)


def _reporter(job_id: int) -> Progress:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if _reports is not None and (now - last[0] >= PROGRESS_SECONDS or done == total):
            last[0] = now
            _reports.put((job_id, done, total))

    return report


def _engine(url: str) -> Engine:
    """The worker's engine. SQLite is opened read-only: a dry run writes nothing, and a connection
    that may write, when it closes and finds no lock of the server's on the file, checkpoints the
    write-ahead log and deletes it under the server's feet (a process loses its SQLite locks on a
    file when it closes any descriptor of it: www.sqlite.org/howtocorrupt.html, 2.2)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL, make_url

    from model import db

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return db.make_engine(url)
    path = Path(parsed.database).resolve()
    engine = create_engine(URL.create("sqlite", database=f"file:{quote(str(path))}",
                                      query={"mode": "ro", "uri": "true"}),
                           connect_args={"check_same_thread": False})
    event.listen(engine, "connect", db._sqlite_pragmas)
    event.listen(engine, "begin", db._sqlite_begin)
    return engine


def _work(request: Request, job_id: int, engine: Engine | None = None,
          progress: Progress | None = None) -> Checked:
    """Read and check, in the worker (or, given the server's `engine`, in the server)."""
    pid = os.getpid()
    if engine is None:
        _settle(request.settings)
        progress = _reporter(job_id)
    frame, read = request.frame, request.frame is None
    try:
        if read:
            if progress:
                progress(0, READING)
            try:
                frame = importing.read_table(request.data or b"", request.filename)
            except UserError as refusal:
                return Checked(read=True, error=refusal, pid=pid)
            if frame.empty:
                return Checked(read=True, frame=frame, pid=pid)
        own = engine is None
        engine = _engine(request.url) if own else engine
        try:
            report = importing.dry_run(engine, request.actor, request.kind, frame, progress=progress,
                                       create_teams=request.create_teams,
                                       skip_duplicates=request.skip_duplicates)
        except UserError as refusal:
            return Checked(read=read, frame=frame if read else None, error=refusal, pid=pid)
        finally:
            if own:
                engine.dispose()
    except MemoryError:
        return Checked(error=ValidationError(STOPPED), pid=pid)
    return Checked(read=read, frame=frame if read else None, report=report, pid=pid)
