"""Concurrent writers: every write is there and no error reaches a user, on SQLite and PostgreSQL.

The full run (20 threads x 200 writes) is tests/benchmark/concurrency.py; this is the same code with
small numbers, so it runs in every test run.
"""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from model import db, people
from model.db import make_engine, migrate
from model.tables import Citizen
from tests.benchmark import concurrency
from tests.conftest import make_actor

THREADS, WRITES = 6, 25


def test_mixed_writers_at_once_leave_every_write_and_no_error(engine):
    result = concurrency.run_on(engine, threads=THREADS, writes=WRITES)
    assert result["errors"] == []
    assert result["missing"] == {}
    per_kind = THREADS * WRITES // len(concurrency.OPERATIONS)
    assert result["added"] == {"contact": per_kind, "follow_up_done": per_kind,
                               "stage_change": per_kind, "citizen": per_kind,
                               "placement": per_kind, "audit_log": THREADS * WRITES}


@pytest.fixture
def impatient_sqlite(tmp_path):
    """A SQLite database whose connections give up waiting for the write lock after 50 ms, and a
    way to hold that lock from another connection for a while."""
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect",
                 lambda connection, _record: connection.execute("PRAGMA busy_timeout=50"))
    migrate(engine)

    def hold_lock(seconds: float) -> threading.Thread:
        taken = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            taken.set()
            time.sleep(seconds)
            other.execute("ROLLBACK")
            other.close()

        thread = threading.Thread(target=hold)
        thread.start()
        taken.wait()
        return thread

    yield engine, hold_lock
    engine.dispose()


def citizens(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Citizen)).one()


def test_a_sqlite_writer_waits_past_the_busy_timeout_for_the_lock(impatient_sqlite):
    engine, hold_lock = impatient_sqlite
    actor = make_actor(engine, "consultant")
    holder = hold_lock(0.5)  # ten times the busy timeout
    people.create_citizen(engine, actor, first_name="Aisha", last_name="Benali", birth_year=1990)
    holder.join()
    assert citizens(engine) == 1


def test_a_sqlite_writer_gives_up_after_the_write_wait_and_writes_nothing(impatient_sqlite,
                                                                          monkeypatch):
    engine, hold_lock = impatient_sqlite
    actor = make_actor(engine, "consultant")
    monkeypatch.setattr(db, "WRITE_WAIT_SECONDS", 0.2)
    holder = hold_lock(1.0)
    with pytest.raises(OperationalError, match="locked"):
        people.create_citizen(engine, actor, first_name="Aisha", last_name="Benali",
                              birth_year=1990)
    holder.join()
    assert citizens(engine) == 0
