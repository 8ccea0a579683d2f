"""PostgreSQL roles: the app's role cannot change or drop the audit log's guard, cannot delete from
or update the log, has no DDL, yet runs the app and the retention run's purge."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session, select

from model import audit, clock, people, pg_roles
from model.__main__ import main
from model.db import make_engine, migrate
from model.errors import ValidationError
from model.tables import AuditLog
from tests.conftest import _create_database, make_actor

_numbers = iter(range(10_000))


@pytest.fixture
def roles(postgres_cluster):
    """A new database set up with owner and app roles by the superuser; yields (app, owner) engines."""
    number = next(_numbers)
    name = f"roles_{os.getpid()}_{number}"
    _create_database(postgres_cluster, name)
    superuser = make_engine(f"{postgres_cluster}/{name}")
    owner, app = f"owner_{os.getpid()}_{number}", f"app_{os.getpid()}_{number}"
    pg_roles.setup_roles(superuser, owner=owner, app=app, app_password="hemmeligt-og-langt")
    superuser.dispose()
    user_at = postgres_cluster.replace("postgres@", "{}@") + f"/{name}"
    app_engine, owner_engine = make_engine(user_at.format(app)), make_engine(user_at.format(owner))
    yield app_engine, owner_engine
    app_engine.dispose()
    owner_engine.dispose()


@pytest.mark.parametrize("statement", [
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "DELETE FROM audit_log",
    "UPDATE audit_log SET detail = 'x'",
    "TRUNCATE audit_log",
    "INSERT INTO audit_log_purge DEFAULT VALUES",
    "DROP TRIGGER audit_subject_append_only ON audit_subject",
    "DELETE FROM audit_subject",
    "UPDATE audit_subject SET citizen_id = 0",
    "TRUNCATE audit_subject",
    "DROP TABLE citizen",
    "CREATE TABLE stash (id integer)",
    "ALTER TABLE citizen ADD COLUMN cpr text",
    "UPDATE alembic_version SET version_num = '0001'",
    "DROP FUNCTION audit_log_purge_before(timestamptz)",
])
def test_the_app_role_may_not_touch_the_log_or_the_schema(roles, statement):
    app, _owner = roles
    with app.connect() as conn:
        with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
            conn.exec_driver_sql(statement)


def test_the_app_role_runs_the_app_and_the_retention_purge(roles):
    app, owner = roles
    migrate(app)  # what the app does on start: at head already, so it only reads
    actor = make_actor(app, "consultant")
    citizen_id = people.create_citizen(app, actor, first_name="Rolle", last_name="Prøve",
                                       birth_year=1990)
    people.get_citizen(app, actor, citizen_id)
    people.search_citizens(app, actor, "Prøve")  # logs the id it showed (audit_subject)
    with Session(app) as session:
        logged = session.exec(select(AuditLog.id)).all()
        assert logged  # the app appends to the log
        deleted = audit.purge_older_than(session, clock.now() + timedelta(seconds=1))
        session.commit()
    assert deleted == len(logged)
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM audit_subject")).scalar_one() == 0
        owners = conn.execute(text(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
    assert owners == [owner.url.username]


def test_setting_up_again_changes_nothing_that_is_right(postgres_cluster):
    name = f"again_{os.getpid()}"
    _create_database(postgres_cluster, name)
    superuser = make_engine(f"{postgres_cluster}/{name}")
    for _ in range(2):
        pg_roles.setup_roles(superuser, owner=f"o_{os.getpid()}", app=f"a_{os.getpid()}")
    superuser.dispose()


@pytest.mark.parametrize("owner, app", [("Owner", "app"), ("same", "same"), ('x"; DROP', "app")])
def test_bad_role_names_are_refused(owner, app):
    with pytest.raises(ValidationError):
        pg_roles.setup_roles(make_engine("sqlite://"), owner=owner, app=app)


def test_the_command_is_for_postgresql_only(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("JOBTAVLEN_LANG", "da")
    assert main(["setup-postgres-roles"]) == 2
    assert "Roller sættes kun op på PostgreSQL" in capsys.readouterr().err
