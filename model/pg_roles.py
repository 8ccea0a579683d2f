"""PostgreSQL roles for production: an owner role that runs the migrations and owns every table,
and an app role with only the rights the app needs (no DDL, no UPDATE or DELETE on the audit log:
the retention run shortens it through the owner's function `audit_log_purge_before`)."""

from __future__ import annotations

import re

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url

from model.db import make_engine, migrate
from model.errors import ValidationError

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Tables the app reads but never writes.
READ_ONLY = ("alembic_version",)


def _name(role: str) -> str:
    if not ROLE_NAME.fullmatch(role):
        raise ValidationError("error.pg_role_name", role=role)
    return role


def _ensure_role(conn: Connection, role: str, password: str | None) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    verb = "ALTER" if exists else "CREATE"
    conn.exec_driver_sql(f'{verb} ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
    if password:
        # A literal, not a parameter: ALTER ROLE takes none. Quotes are doubled.
        conn.exec_driver_sql(f"""ALTER ROLE "{role}" PASSWORD '{password.replace("'", "''")}'""")


def _hand_over(conn: Connection, owner: str) -> None:
    """Give the database, its public schema and everything already in it to the owner role."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.exec_driver_sql(f'ALTER DATABASE "{database}" OWNER TO "{owner}"')
    conn.exec_driver_sql(f'ALTER SCHEMA public OWNER TO "{owner}"')
    objects = conn.execute(text("""
        SELECT 'TABLE', quote_ident(c.relname) FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
        UNION ALL
        SELECT 'SEQUENCE', quote_ident(c.relname) FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'S'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
        UNION ALL
        SELECT 'FUNCTION', p.oid::regprocedure::text FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    """)).all()
    for kind, name in objects:
        conn.exec_driver_sql(f'ALTER {kind} {name} OWNER TO "{owner}"')


def _grant(conn: Connection, owner: str, app: str) -> None:
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    for statement in (
        f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC',
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{app}"',
        'REVOKE ALL ON SCHEMA public FROM PUBLIC',
        f'GRANT USAGE ON SCHEMA public TO "{app}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
        # Tables of later migrations (run by the owner) get the same rights.
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f'GRANT USAGE, SELECT ON SEQUENCES TO "{app}"',
        # The log: read and append only; the purge goes through the owner's function.
        f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM "{app}"',
        f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_subject FROM "{app}"',
        f'REVOKE ALL ON audit_log_purge FROM "{app}"',
        f'GRANT EXECUTE ON FUNCTION audit_log_purge_before(timestamptz) TO "{app}"',
        *(f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM "{app}"' for table in READ_ONLY),
    ):
        conn.exec_driver_sql(statement)


def setup_roles(engine: Engine, *, owner: str, app: str, owner_password: str | None = None,
                app_password: str | None = None) -> None:
    """As a superuser on the app's database: create (or update) both roles, hand the database to
    the owner, run the migrations as the owner, and grant the app role its rights. Run it again
    after each upgrade; it changes nothing that is already right."""
    owner, app = _name(owner), _name(app)
    if owner == app:
        raise ValidationError("error.pg_roles_same")
    with engine.begin() as conn:
        _ensure_role(conn, owner, owner_password)
        _ensure_role(conn, app, app_password)
        _hand_over(conn, owner)
    _migrate_as(engine, owner)
    with engine.begin() as conn:
        _grant(conn, owner, app)


def _migrate_as(engine: Engine, owner: str) -> None:
    """Run the migrations with the owner's identity, so every new object is the owner's."""
    url = make_url(engine.url).render_as_string(hide_password=False)
    migrating = make_engine(url)

    @event.listens_for(migrating, "connect")
    def _become_owner(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{owner}"')
        dbapi_connection.commit()

    try:
        migrate(migrating)
    finally:
        migrating.dispose()
