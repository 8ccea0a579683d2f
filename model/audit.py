"""The audit log: every view and change of personal data goes through log().

The log is append-only. Migration 0005 adds database triggers (SQLite and PostgreSQL) that
refuse every UPDATE, and every DELETE except inside `purge_older_than`, which the retention run
calls: it puts a row in `audit_log_purge` for the length of its own transaction, deletes, and
takes the row out again before committing. No other function here changes or deletes the log.
On PostgreSQL, production should also run migrations as the owner and grant the app's role only
SELECT and INSERT on audit_log, so the app cannot drop the triggers either.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from model.access import Actor
from model.db import write_session
from model.tables import AuditLog, AuditPurge, utcnow

# The same search by the same user within this window is logged once (reruns redraw a list).
SEARCH_REPEAT_WINDOW = timedelta(minutes=10)


def log(
    session: Session,
    actor: Actor | None,
    action: str,
    table_name: str = "",
    row_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one audit row in the caller's transaction, so it commits or rolls back with the change."""
    session.add(
        AuditLog(
            user_id=actor.user_id if actor else None,
            action=action,
            table_name=table_name,
            row_id=row_id,
            detail=detail[:500],
        )
    )


def log_search(session: Session, actor: Actor, table_name: str, detail: str, *,
               action: str = "search", row_id: int | None = None) -> bool:
    """Log a search or list view with its criterion, unless the same user logged the very same
    one within SEARCH_REPEAT_WINDOW (a page redraws its list on every click); True if logged."""
    detail = detail[:500]
    same_row = AuditLog.row_id.is_(None) if row_id is None else AuditLog.row_id == row_id
    repeated = session.scalar(select(exists().where(
        AuditLog.user_id == actor.user_id, AuditLog.action == action,
        AuditLog.table_name == table_name, same_row, AuditLog.detail == detail,
        AuditLog.at >= utcnow() - SEARCH_REPEAT_WINDOW)))
    if repeated:
        return False
    log(session, actor, action, table_name, row_id, detail)
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
    deleted = session.execute(delete(AuditLog).where(AuditLog.at < cutoff)).rowcount
    # The triggers' permission lasts only as long as this row (a failure rolls it back too).
    session.execute(delete(AuditPurge).where(AuditPurge.id == flag.id))
    session.expunge(flag)
    return deleted
