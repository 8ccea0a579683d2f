"""The database: migrations create every table of the design, pragmas, indexes."""

import os

from sqlalchemy import inspect
from sqlmodel import SQLModel

from model.db import is_empty, make_engine, migrate

DESIGN_TABLES = {
    "staff", "initiative", "citizen", "housing_area", "company", "sprint", "sprint_card",
    "stage_change", "agenda_item", "contact", "placement", "follow_up", "event",
    "event_participant", "partnership", "partner", "outcome", "progression", "goal",
    "comparison_group", "app_user", "audit_log",
}


def test_migrations_create_every_table_of_the_design(engine):
    tables = set(inspect(engine).get_table_names())
    assert DESIGN_TABLES <= tables
    assert set(SQLModel.metadata.tables) <= tables


def test_every_foreign_key_is_indexed(engine):
    inspector = inspect(engine)
    missing = []
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        indexed = {tuple(ix["column_names"])[0] for ix in inspector.get_indexes(table)}
        indexed |= {inspector.get_pk_constraint(table)["constrained_columns"][0]}
        indexed |= {u["column_names"][0] for u in inspector.get_unique_constraints(table)}
        for fk in inspector.get_foreign_keys(table):
            if fk["constrained_columns"][0] not in indexed:
                missing.append(f"{table}.{fk['constrained_columns'][0]}")
    assert missing == []


def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                   for name in ("journal_mode", "foreign_keys", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000}


def test_migrate_is_idempotent_and_leaves_an_empty_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert is_empty(engine)
    migrate(engine)
    migrate(engine)
    assert is_empty(engine)
    assert inspect(engine).has_table("sprint_card")


def test_an_existing_sqlite_file_is_not_opened_outside_sqlite(tmp_path, monkeypatch):
    """Closing any handle on a SQLite database drops the locks this process's connections hold
    on it (POSIX advisory locks): a second engine on the same file must not open it to check it."""
    from model import db

    url = f"sqlite:///{tmp_path / 'app.db'}"
    first = db.make_engine(url)
    with first.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open",
                        lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    db.make_engine(url).dispose()
    first.dispose()
    assert str(tmp_path / "app.db") not in opened
    assert oct((tmp_path / "app.db").stat().st_mode & 0o777) == "0o600"
