"""Start-up: migrate, fill the demo on an empty embedded database, make sure someone can log in."""

from __future__ import annotations

import os

from sqlalchemy.engine import Engine
from sqlmodel import select

from model import auth, demo
from model.db import is_empty, is_sqlite, migrate, write_session
from model.tables import AppUser


def demo_wanted(engine: Engine) -> bool:
    """The demo fills an empty embedded database; JOBTAVLEN_DEMO=0/1 overrides."""
    flag = os.environ.get("JOBTAVLEN_DEMO")
    if flag is not None:
        return flag == "1"
    return is_sqlite(engine)


def prepare(engine: Engine, out=print) -> None:
    """Run migrations; on an empty database fill the demo (or create one admin) and print logins."""
    migrate(engine)
    if not is_empty(engine):
        return
    if demo_wanted(engine):
        demo.print_accounts(demo.fill(engine), out)
        return
    with write_session(engine) as session:
        if session.exec(select(AppUser.id).limit(1)).first() is None:
            password = auth.generate_password()
            auth.create_user(session, username="admin", role="admin", password=password,
                             must_change_password=True)
            session.commit()
            out(f"Jobtavlen: administrator oprettet:\n  JOBTAVLEN-LOGIN admin {password}  (admin)")
