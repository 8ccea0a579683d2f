"""The import worker: an upload is read and dry-run in a process of its own, with the same outcome
and the same refusals as in the server, and a worker that dies is told and replaced."""

import os
import signal

import pytest

from model import import_worker, importing
from model.db import make_engine, migrate
from model.errors import AccessDenied, ValidationError
from tests.benchmark.imports import csv_citizens
from tests.conftest import make_actor

CLEAN = "Fornavn;Efternavn;Fødselsår\nAisha;Import;1990\nJonas;Import;1995\n".encode()


def test_the_file_is_read_and_checked_in_another_process_as_it_would_be_here(engine, actor_factory):
    leader = actor_factory("leader")
    outcome = import_worker.start(engine, leader, "citizens", data=CLEAN, filename="borgere.csv").wait()
    assert outcome.pid not in (0, os.getpid())
    assert outcome.read and outcome.error is None
    here = importing.read_table(CLEAN, "borgere.csv")
    assert outcome.frame.equals(here)
    assert outcome.frame.index.tolist() == here.index.tolist() == [2, 3]
    assert (outcome.report.rows_ok, outcome.report.bad_rows) == (2, 0)
    # The worker stays: the next file goes to the same process.
    again = import_worker.start(engine, leader, "citizens", data=CLEAN, filename="igen.csv").wait()
    assert again.pid == outcome.pid


def test_a_table_read_before_is_checked_not_read_again(engine, actor_factory):
    leader = actor_factory("leader")
    frame = importing.read_table(CLEAN, "borgere.csv")
    outcome = import_worker.start(engine, leader, "companies", frame=frame).wait()
    assert not outcome.read and outcome.frame is None
    assert outcome.pid != os.getpid()
    assert outcome.report.kind == "companies"
    assert outcome.report.bad_rows == 2  # no company column
    assert outcome.report.errors["key"].tolist() == ["data.error_missing_column"]


@pytest.mark.parametrize("data, filename", [
    (b"Fornavn\n" + b"x" * importing.MAX_IMPORT_BYTES, "stor.csv"),
    (b"Fornavn;Efternavn\n" + b"Aisha;Import\n" * (importing.MAX_IMPORT_ROWS + 1), "mange.csv"),
    (b"PK\x03\x04 not a zip archive", "regneark.xlsx"),
    (CLEAN, "borgere.pdf"),
])
def test_a_refused_file_gives_the_same_refusal_as_here(engine, actor_factory, data, filename):
    with pytest.raises(ValidationError) as here:
        importing.read_table(data, filename)
    outcome = import_worker.start(engine, actor_factory("leader"), "citizens", data=data,
                                  filename=filename).wait()
    assert outcome.read and outcome.frame is None and outcome.report is None
    assert type(outcome.error) is ValidationError
    assert (outcome.error.key, outcome.error.params) == (here.value.key, here.value.params)


def test_a_refused_check_comes_back_with_the_table_read(engine, actor_factory):
    outcome = import_worker.start(engine, actor_factory("consultant"), "citizens", data=CLEAN,
                                  filename="borgere.csv").wait()
    assert outcome.read and len(outcome.frame) == 2
    assert isinstance(outcome.error, AccessDenied)
    assert (outcome.error.key, outcome.error.params) == ("error.access_denied",
                                                         {"permission": "data.import"})


def test_the_worker_checks_on_the_servers_date(engine, actor_factory, monkeypatch):
    leader = actor_factory("leader")
    assert not import_worker.start(engine, leader, "citizens", data=CLEAN,
                                   filename="borgere.csv").wait().report.bad_rows
    # The worker was started before this date was set: each job brings the server's settings.
    monkeypatch.setenv("JOBTAVLEN_TODAY", "2000-06-01")
    here = importing.dry_run(engine, leader, "citizens", importing.read_table(CLEAN, "borgere.csv"))
    outcome = import_worker.start(engine, leader, "citizens", data=CLEAN, filename="borgere.csv").wait()
    assert outcome.pid != os.getpid()
    assert outcome.report.bad_rows == here.bad_rows == 2
    assert outcome.report.errors.to_dict("list") == here.errors.to_dict("list")


def test_progress_is_reported_while_reading_and_checking(engine, actor_factory):
    reports = []
    data = csv_citizens(3000)
    job = import_worker.start(engine, actor_factory("leader"), "citizens", data=data,
                              filename="borgere.csv")
    outcome = job.wait(lambda done, total: reports.append((done, total)))
    assert outcome.report.rows_ok == 3000
    # Coarse: the latest report each time it is looked at (a quick job shows none); in order.
    assert reports
    checked = [done for done, total in reports if total == 3000]
    assert all(total in (import_worker.READING, 3000) for _done, total in reports)
    assert checked == sorted(checked)


def test_a_worker_that_dies_is_told_and_the_next_file_gets_a_new_one(engine, actor_factory):
    leader = actor_factory("leader")
    pid = import_worker.start(engine, leader, "citizens", data=CLEAN, filename="borgere.csv").wait().pid
    data = csv_citizens(importing.MAX_IMPORT_ROWS)
    job = import_worker.start(engine, leader, "citizens", data=data, filename="mange.csv")
    killed = []

    def progress(done, total):
        if not killed:  # the worker is busy with the file: it dies, as from running out of memory
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    outcome = job.wait(progress)
    assert killed == [pid]
    assert outcome.report is None and not outcome.read
    assert type(outcome.error) is ValidationError
    assert outcome.error.key == import_worker.STOPPED
    after = import_worker.start(engine, leader, "citizens", data=CLEAN, filename="borgere.csv").wait()
    assert after.pid not in (pid, os.getpid())
    assert after.report.rows_ok == 2


def test_an_in_memory_database_is_checked_here():
    memory = make_engine("sqlite://")
    migrate(memory)
    leader = make_actor(memory, "leader")
    outcome = import_worker.start(memory, leader, "citizens", data=CLEAN, filename="borgere.csv").wait()
    assert outcome.pid == os.getpid()
    assert outcome.report.rows_ok == 2
    memory.dispose()


def test_the_worker_reads_sqlite_without_ever_touching_the_servers_log(tmp_path):
    """The worker's SQLite connections are read-only. One that may write removes the write-ahead
    log when it closes and finds no lock of another process on the file, and a process loses its
    locks on a file when it closes any descriptor of it (as make_engine does, making sure of the
    file's permissions): the server would go on writing to a log no longer there."""
    path = tmp_path / "server.db"
    server = make_engine(f"sqlite:///{path}")
    migrate(server)
    leader = make_actor(server, "leader")  # the server's pool keeps its connection open
    make_engine(f"sqlite:///{path}").dispose()  # this process's locks on the file are gone
    outcome = import_worker.start(server, leader, "citizens", data=CLEAN, filename="borgere.csv").wait()
    assert outcome.report.rows_ok == 2 and outcome.pid != os.getpid()
    assert (tmp_path / "server.db-wal").exists()
    with pytest.raises(Exception, match="readonly"):
        with import_worker._engine(f"sqlite:///{path}").begin() as conn:
            conn.exec_driver_sql("DELETE FROM citizen")
    server.dispose()
