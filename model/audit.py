"""The audit log: every view and change of personal data goes through log()."""

from __future__ import annotations

from sqlmodel import Session

from model.access import Actor
from model.tables import AuditLog


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
