"""Backup and restore of the embedded SQLite database: the backup API while the app writes,
integrity_check and row counts per table, and the demo round-trip. PostgreSQL is backed up with
pg_dump/pg_restore (documented in the README and docs/privacy.md), not by this module."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from contextlib import closing

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from model import backup, demo
from model.__main__ import main
from model.db import make_engine, migrate, write_session
from model.errors import ValidationError
from model.tables import Citizen, Team


@pytest.fixture
def live(tmp_path):
    """A demo-filled SQLite database kept open, as the running app keeps it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate(engine)
    demo.fill(engine)
    yield engine
    engine.dispose()


def counts(path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return backup.table_counts(connection)


def test_the_demo_round_trips_through_backup_and_restore(live, tmp_path):
    saved = backup.backup_sqlite(live, tmp_path / "kopi.db")
    assert saved.ok and saved.check == "ok"
    assert {c.table for c in saved.tables} >= {"citizen", "placement", "audit_log", "retention_policy"}
    assert next(c for c in saved.tables if c.table == "citizen").target >= 24

    restored = backup.restore_sqlite(tmp_path / "kopi.db", f"sqlite:///{tmp_path / 'ny.db'}")

    assert restored.ok and restored.check == "ok"
    assert counts(tmp_path / "ny.db") == counts(tmp_path / "live.db")
    new = make_engine(f"sqlite:///{tmp_path / 'ny.db'}")
    migrate(new)  # the restored file is a working database at head
    with Session(new) as session, Session(live) as original:
        names = select(Citizen.first_name, Citizen.last_name).order_by(Citizen.id)
        assert session.execute(names).all() == original.execute(names).all()
    new.dispose()


def test_the_backup_holds_what_is_still_in_the_wal(live, tmp_path):
    with write_session(live) as session:
        session.add(Team(name="Skrevet lige før kopien"))
        session.commit()
    shutil.copy(tmp_path / "live.db", tmp_path / "filkopi.db")  # the wrong way, for contrast
    backup.backup_sqlite(live, tmp_path / "kopi.db")

    def teams(path) -> set[str]:
        with closing(sqlite3.connect(path)) as connection:
            try:
                return {row[0] for row in connection.execute("SELECT name FROM team")}
            except sqlite3.OperationalError:  # the file copy may not even hold the table yet
                return set()

    assert "Skrevet lige før kopien" in teams(tmp_path / "kopi.db")
    assert "Skrevet lige før kopien" not in teams(tmp_path / "filkopi.db")


def test_a_backup_while_the_app_writes_is_consistent(live, tmp_path):
    stop = threading.Event()
    written = []

    def writer():
        while not stop.is_set():
            with write_session(live) as session:
                session.add(Team(name=f"Team {len(written)}"))
                session.commit()
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        reports = [backup.backup_sqlite(live, tmp_path / f"kopi{i}.db") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert all(report.ok for report in reports), [r.tables for r in reports if not r.ok]
    with Session(live) as session:
        live_teams = session.execute(select(func.count()).select_from(Team)).scalar_one()
    copied = [next(c.target for c in r.tables if c.table == "team") for r in reports]
    assert copied == sorted(copied) and copied[-1] <= live_teams


def test_restore_refuses_a_database_with_data_unless_forced(live, tmp_path):
    backup.backup_sqlite(live, tmp_path / "kopi.db")
    with write_session(live) as session:
        session.add(Team(name="Efter kopien"))
        session.commit()
    live.dispose()  # the app is stopped before a restore
    with pytest.raises(ValidationError) as refused:
        backup.restore_sqlite(tmp_path / "kopi.db", live)
    assert refused.value.key == "error.backup_target_exists"

    report = backup.restore_sqlite(tmp_path / "kopi.db", live, force=True)

    assert report.ok
    assert counts(tmp_path / "live.db") == counts(tmp_path / "kopi.db")


def test_a_damaged_backup_is_refused_and_the_database_is_untouched(live, tmp_path):
    backup.backup_sqlite(live, tmp_path / "kopi.db")
    data = bytearray((tmp_path / "kopi.db").read_bytes())
    data[4096 * 3: 4096 * 3 + 200] = b"\xff" * 200  # a torn page
    (tmp_path / "skadet.db").write_bytes(bytes(data))
    (tmp_path / "ikke.db").write_bytes(b"not a database at all" * 100)
    before = counts(tmp_path / "live.db")
    live.dispose()
    for name in ("skadet.db", "ikke.db"):
        with pytest.raises(ValidationError) as refused:
            backup.restore_sqlite(tmp_path / name, live, force=True)
        assert refused.value.key == "error.backup_damaged", name
    assert counts(tmp_path / "live.db") == before


@pytest.mark.parametrize("database", [
    "postgresql+psycopg://jobtavlen@db.internal/jobtavlen", "sqlite:///:memory:"])
def test_only_an_sqlite_file_is_backed_up_here(database, tmp_path):
    # PostgreSQL has pg_dump/pg_restore; the refusal points there.
    with pytest.raises(ValidationError) as refused:
        backup.backup_sqlite(database, tmp_path / "kopi.db")
    assert refused.value.key == "error.backup_not_sqlite"


def test_the_commands_back_up_and_restore(live, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", str(live.url))
    monkeypatch.setenv("JOBTAVLEN_LANG", "da")
    assert main(["backup", str(tmp_path / "kopi.db")]) == 0
    out = capsys.readouterr().out
    assert "sikkerhedskopi skrevet til" in out and "integritetstjek: ok" in out
    assert "  citizen: " in out
    live.dispose()
    assert main(["restore", str(tmp_path / "kopi.db")]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "kopi.db"), "--force"]) == 0
    assert "genskabt fra" in capsys.readouterr().out


def test_the_retention_command_has_a_dry_run(live, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", str(live.url))
    monkeypatch.setenv("JOBTAVLEN_LANG", "da")
    assert main(["retention", "--dry-run"]) == 0
    assert "prøvekørsel, intet er slettet" in capsys.readouterr().out
    assert main(["retention"]) == 0
    assert "sletning efter opbevaringsfrister" in capsys.readouterr().out


def test_postgresql_round_trips_with_the_documented_pg_dump_and_pg_restore(engine, request,
                                                                         tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite is copied with the backup API (the tests above), not pg_dump")
    from tests.conftest import _create_database
    from tests.pg_cluster import PG_BIN

    demo.fill(engine)
    base = request.getfixturevalue("postgres_cluster")
    libpq = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"{engine.url.database}_restored"
    _create_database(base, name)
    dump = tmp_path / "jobtavlen.dump"
    # The commands of docs/privacy.md ("Backup and restore"), but for the names.
    subprocess.run([str(PG_BIN / "pg_dump"), "--format=custom", f"--file={dump}",
                    f"{libpq}/{engine.url.database}"], check=True, capture_output=True)
    subprocess.run([str(PG_BIN / "pg_restore"), "--no-owner", f"--dbname={libpq}/{name}",
                    str(dump)], check=True, capture_output=True)
    restored = make_engine(f"{base}/{name}")

    def pg_counts(eng) -> dict[str, int]:
        with Session(eng) as session:
            return {table.name: session.execute(select(func.count()).select_from(table))
                    .scalar_one() for table in SQLModel.metadata.sorted_tables}

    assert pg_counts(restored) == pg_counts(engine)
    assert pg_counts(restored)["citizen"] >= 24
    with restored.connect() as connection:  # the audit log's guard came along
        triggers = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'").scalar()
    assert triggers == 1
    restored.dispose()


def _mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_the_database_and_its_backups_are_for_their_owner_only(tmp_path):
    """Personal data: the data folder and backup folders 0700, the database and backups 0600."""
    data = tmp_path / "data"
    engine = make_engine(f"sqlite:///{data / 'jobtavlen.db'}")
    migrate(engine)
    with write_session(engine) as session:
        session.add(Team(name="Privat"))
        session.commit()
    saved = backup.backup_sqlite(engine, data / "backups" / "kopi.db")
    engine.dispose()
    restored = tmp_path / "restored" / "igen.db"
    backup.restore_sqlite(saved.path, restored)
    written = [data, data / "jobtavlen.db", data / "backups", saved.path, restored.parent, restored,
               *data.glob("*.db-*")]
    modes = {str(path.relative_to(tmp_path)): oct(_mode(path)) for path in written}
    assert modes == {str(path.relative_to(tmp_path)): "0o700" if path.is_dir() else "0o600"
                     for path in written}
