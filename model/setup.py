"""Start-up: migrate, fill the demo on an empty embedded database, make sure someone can log in,
and run the deletion by retention periods once a day."""

from __future__ import annotations

import os
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from model import auth, demo, erasures, i18n, retention
from model.db import is_empty, is_sqlite, migrate, write_session
from model.tables import AppUser


def demo_wanted(engine: Engine) -> bool:
    """The demo fills an empty embedded database; JOBTAVLEN_DEMO=0/1 overrides."""
    flag = os.environ.get("JOBTAVLEN_DEMO")
    if flag is not None:
        return flag == "1"
    return is_sqlite(engine)


def prepare(engine: Engine, out=print, now: datetime | None = None) -> None:
    """Run migrations; on an empty database fill the demo (or create one admin) and print logins;
    erase again whom the erasure register names and a restored backup brought back; then the
    retention run, unless the ledger has one for today already (`now` is the clock)."""
    migrate(engine)
    if is_empty(engine):
        first_start(engine, out)
    if back := erasures.reapply(engine, now=now):
        out(i18n.t("privacy.cli_erasures_reapplied", i18n.default_language(), n=len(back)))
    report = retention.run_if_due(engine, now=now)
    if report is not None and report.total:
        out(retention_summary(report))


def retention_summary(report: retention.RetentionReport) -> str:
    """One line for the terminal: what the deletion run removed."""
    lang = i18n.default_language()
    line = i18n.t("privacy.cli_retention", lang, when=i18n.format_date(report.ran_at),
                  citizens=report.categories["citizen"].rows,
                  contacts=report.categories["company_contact"].rows,
                  logs=report.categories["audit_log"].rows)
    return line if report.checkpointed else f"{line}\n{i18n.t('privacy.cli_checkpoint_busy', lang)}"


def first_start(engine: Engine, out=print) -> None:
    """An empty database: the demo on the embedded one, else one admin with a generated password."""
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
