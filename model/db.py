"""Engine, connection pragmas and migrations. No Streamlit here."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from model import freshness  # noqa: F401  (every commit that changes data renews the data stamp)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'jobtavlen.db'}"
# How long a SQLite writer waits for the write lock before the user is told.
WRITE_WAIT_SECONDS = 60


def database_url() -> str:
    """DATABASE_URL from the environment, else the embedded SQLite file under data/."""
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the meeting screen read while a consultant writes; the busy timeout waits out a writer.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Writers take the lock at the start, so two writers never deadlock on a lock upgrade;
    # readers stay deferred and, with WAL, never wait for a writer.
    if not conn.get_execution_options().get("sqlite_immediate", False):
        conn.exec_driver_sql("BEGIN")
        return
    # Each try waits up to busy_timeout; with many writers the lock can pass others by for
    # longer, so try again (nothing is done before BEGIN) until WRITE_WAIT_SECONDS have gone.
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        while time.monotonic() < deadline:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
    finally:
        cursor.close()
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # the last try, with SQLAlchemy's error if it fails


def private_folder(folder: Path) -> None:
    """Create a folder that holds personal data (the database, backups) for its owner only."""
    for missing in reversed([folder, *folder.parents]):
        if not missing.exists():
            missing.mkdir(mode=0o700)
            missing.chmod(0o700)  # whatever the umask says


def private_file(path: Path) -> None:
    """Create an empty file readable and writable by its owner only, unless it exists. An existing
    file is not opened at all: closing any handle on a SQLite database drops every lock this
    process's connections hold on it (POSIX advisory locks), which can corrupt it."""
    if path.exists():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:  # made meanwhile by another process
        pass


def make_engine(url: str | None = None) -> Engine:
    """One engine per process; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            # SQLite gives its -wal and -shm files the database file's permissions.
            private_folder(Path(path).parent)
            private_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def write_session(engine: Engine) -> Session:
    """A session for a unit of work that writes (BEGIN IMMEDIATE on SQLite)."""
    return Session(engine.execution_options(sqlite_immediate=True))


def migrate(engine: Engine) -> None:
    """Run the Alembic migrations up to head on this engine."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several app processes may start at once: one migrates, the others wait.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(3939)")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_empty(engine: Engine) -> bool:
    """True when the database holds no staff yet (a fresh install)."""
    from sqlmodel import select

    from model.tables import Staff

    if not inspect(engine).has_table("staff"):
        return True
    with Session(engine) as session:
        return session.exec(select(Staff.id).limit(1)).first() is None
