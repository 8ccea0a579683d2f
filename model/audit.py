"""The audit log: every view and change of personal data goes through log().

The log is append-only. Migration 0005 adds database triggers (SQLite and PostgreSQL) that
refuse every UPDATE, and every DELETE except inside `purge_older_than`, which the retention run
calls: it puts a row in `audit_log_purge` for the length of its own transaction, deletes, and
takes the row out again before committing. No other function here changes or deletes the log.
Searches, lists, downloads and group sheets log the ids of the citizens they showed in
`audit_subject` (migration 0013, append-only the same way, purged with its log rows), never the
words typed to find a person.
On PostgreSQL, production should also run migrations as the owner and grant the app's role only
SELECT and INSERT on audit_log, so the app cannot drop the triggers either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from model.access import Actor
from model.db import write_session
from model.tables import AuditLog, AuditPurge, AuditSubject, utcnow

# The same search by the same user within this window is logged once (reruns redraw a list).
SEARCH_REPEAT_WINDOW = timedelta(minutes=10)


def log(
    session: Session,
    actor: Actor | None,
    action: str,
    table_name: str = "",
    row_id: int | None = None,
    detail: str = "",
    *,
    citizen_ids: Iterable[int] = (),
) -> None:
    """Add one audit row in the caller's transaction, so it commits or rolls back with the change.
    `citizen_ids`: the citizens a search, list, download or sheet showed (audit_subject)."""
    entry = AuditLog(user_id=actor.user_id if actor else None, action=action,
                     table_name=table_name, row_id=row_id, detail=detail[:500])
    session.add(entry)
    subjects = sorted({int(i) for i in citizen_ids})
    if subjects:
        session.flush()
        session.execute(insert(AuditSubject), [{"audit_id": entry.id, "citizen_id": citizen_id}
                                               for citizen_id in subjects])


def log_search(session: Session, actor: Actor, table_name: str, detail: str, *,
               action: str = "search", row_id: int | None = None,
               citizen_ids: Iterable[int] = ()) -> bool:
    """Log a search or list view with its criterion (filters, never words typed to find a person)
    and the citizens it showed, unless the same user logged the very same one, showing the same
    citizens, within SEARCH_REPEAT_WINDOW (a page redraws its list on every click); True if logged."""
    detail = detail[:500]
    subjects = {int(i) for i in citizen_ids}
    same_row = AuditLog.row_id.is_(None) if row_id is None else AuditLog.row_id == row_id
    recent = session.scalars(select(AuditLog.id).where(
        AuditLog.user_id == actor.user_id, AuditLog.action == action,
        AuditLog.table_name == table_name, same_row, AuditLog.detail == detail,
        AuditLog.at >= utcnow() - SEARCH_REPEAT_WINDOW).order_by(AuditLog.id.desc()).limit(1)).first()
    if recent is not None and subjects == set(session.scalars(
            select(AuditSubject.citizen_id).where(AuditSubject.audit_id == recent))):
        return False
    log(session, actor, action, table_name, row_id, detail, citizen_ids=subjects)
    return True


def log_refused(engine: Engine, actor: Actor | None, what: str, table_name: str = "",
                row_id: int | None = None, action: str = "access_refused") -> None:
    """Log a refused access in a transaction of its own (the refused operation rolls back)."""
    with write_session(engine) as session:
        log(session, actor, action, table_name, row_id, detail=what)
        session.commit()


def purge_older_than(session: Session, cutoff: datetime) -> int:
    """Delete the audit rows logged before `cutoff` (aware UTC), in the caller's transaction;
    returns how many. The retention run's one way to shorten the log."""
    if cutoff.tzinfo is None:
        raise ValueError("cutoff must be an aware datetime")
    if session.get_bind().dialect.name == "postgresql":
        # The app's role may not DELETE from the log: the owner's function does it (migration 0010).
        return int(session.execute(select(func.audit_log_purge_before(cutoff))).scalar_one())
    flag = AuditPurge()
    session.add(flag)
    session.flush()
    # The subjects go with their rows (the foreign key cascades; said here as well, so it does not
    # rest on the connection's foreign_keys pragma).
    session.execute(delete(AuditSubject).where(AuditSubject.audit_id.in_(
        select(AuditLog.id).where(AuditLog.at < cutoff))))
    deleted = session.execute(delete(AuditLog).where(AuditLog.at < cutoff)).rowcount
    # The triggers' permission lasts only as long as this row (a failure rolls it back too).
    session.execute(delete(AuditPurge).where(AuditPurge.id == flag.id))
    session.expunge(flag)
    return deleted
