"""Alembic environment: runs on the connection Jobtavlen hands over, or on DATABASE_URL."""

from alembic import context
from sqlmodel import SQLModel

import model.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from model.db import make_engine

target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with make_engine().begin() as conn:
        run_migrations(conn)
