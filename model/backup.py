"""Sikkerhedskopi: an online backup of the embedded SQLite database and its restore.

The copy goes through SQLite's backup API, never a file copy: a file copy taken while the app
writes (with the WAL beside it) can be torn, the backup API reads one consistent snapshot. Both
directions end with `PRAGMA integrity_check` and the row count of every table. PostgreSQL is
backed up with pg_dump and restored with pg_restore (README and docs/privacy.md).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, Engine, make_url

from model.db import private_file, private_folder
from model.errors import ValidationError


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int | None
    target: int | None

    @property
    def equal(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class CopyReport:
    """The result of a backup or a restore: the integrity check and the counts per table."""

    path: Path
    check: str
    tables: list[TableCount]

    @property
    def ok(self) -> bool:
        return self.check == "ok" and all(count.equal for count in self.tables)


def sqlite_path(database: Engine | URL | str | Path) -> Path:
    """The file of an SQLite database given as an engine, a URL or a path."""
    if isinstance(database, Path):
        return database
    if isinstance(database, Engine):
        url = database.url
    elif isinstance(database, str) and "://" not in database:
        return Path(database)
    else:
        url = make_url(database)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ValidationError("error.backup_not_sqlite")
    return Path(url.database)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def integrity(connection: sqlite3.Connection) -> str:
    """"ok", or SQLite's list of what is wrong."""
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as error:  # not a database at all
        return str(error)
    return "; ".join(rows)


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """The number of rows of every table (SQLite's own tables left out)."""
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables}


def _compare(source: dict[str, int], target: dict[str, int]) -> list[TableCount]:
    return [TableCount(table, source.get(table), target.get(table))
            for table in sorted(set(source) | set(target))]


def backup_sqlite(database: Engine | URL | str | Path, path: str | Path) -> CopyReport:
    """Copy the live database to `path` with the backup API, while the app may be writing.

    The copy is written beside `path` and moved into place only when its integrity check
    passes; the report compares the copy's row counts with the snapshot it was taken from.
    """
    source_path, path = sqlite_path(database), Path(path)
    if not source_path.exists():
        raise ValidationError("error.backup_missing", path=str(source_path))
    if path.exists() and path.resolve() == source_path.resolve():
        raise ValidationError("error.backup_same_file")
    private_folder(path.parent)
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    private_file(partial)
    with closing(_connect(source_path)) as source, closing(sqlite3.connect(partial)) as copy:
        # One read transaction: the counts and the copy see the same snapshot, and in WAL mode
        # the app's writers go on meanwhile.
        source.execute("BEGIN")
        expected = table_counts(source)
        source.backup(copy, pages=-1)
        source.execute("COMMIT")
        copy.execute("PRAGMA journal_mode=DELETE")
        check, counts = integrity(copy), table_counts(copy)
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise ValidationError("error.backup_damaged", path=str(path), check=check)
    os.replace(partial, path)
    return CopyReport(path, check, _compare(expected, counts))


def _holds_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(_connect(path)) as connection:
        return any(n for table, n in table_counts(connection).items()
                   if table != "alembic_version")


def restore_sqlite(backup: str | Path, database: Engine | URL | str | Path, *,
                   force: bool = False) -> CopyReport:
    """Write the backup into the database (stop the app first), then check it.

    Refused when the backup fails its integrity check, or when the database already holds data
    and `force` is not given. The report compares every table's rows with the backup's.
    """
    backup, target = Path(backup), sqlite_path(database)
    if not backup.exists():
        raise ValidationError("error.backup_missing", path=str(backup))
    if target.exists() and target.resolve() == backup.resolve():
        raise ValidationError("error.backup_same_file")
    with closing(_connect(backup)) as source:
        check = integrity(source)
        if check != "ok":
            raise ValidationError("error.backup_damaged", path=str(backup), check=check)
        expected = table_counts(source)
        if _holds_data(target) and not force:
            raise ValidationError("error.backup_target_exists", target=str(target))
        private_folder(target.parent)
        private_file(target)
        with closing(_connect(target)) as restored:
            source.backup(restored, pages=-1)
            restored.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            check, counts = integrity(restored), table_counts(restored)
    return CopyReport(target, check, _compare(expected, counts))
