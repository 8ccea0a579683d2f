"""Opbevaringsfrister: how long each category of personal data is kept, and the deletion run.

The run deletes for real, in one transaction: citizens whose last activity lies further back
than their period with everything hanging off them, contacts with companies, and old audit
rows (through `audit.purge_older_than`, the log's one way out) with the sign-in sessions that
ended SESSION_DAYS ago (a browser's address and user agent). On SQLite the connection
overwrites what it deletes (`secure_delete`) and the WAL is checkpointed into the file and
truncated afterwards. Each run writes a ledger row per category: when, the cutoff, how many
rows; never whom. It runs at start-up once a day (`run_if_due`) and as `python -m model retention`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

import pandas as pd
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from model import audit, freshness, metrics, sessions
from model.access import Actor, require
from model.db import is_sqlite, write_session
from model.errors import ValidationError
from model.placements import OPEN_STATUSES
from model.tables import (
    AuditLog,
    Citizen,
    Contact,
    Event,
    EventParticipant,
    FollowUp,
    Outcome,
    Placement,
    Progression,
    RetentionPolicy,
    RetentionRun,
    Sprint,
    SprintCard,
    StageChange,
    UserSession,
    utcnow,
)


@dataclass(frozen=True)
class Category:
    """A category of personal data with its default period and the periods an admin may set."""

    default: int
    low: int
    high: int


# Periods in months. The audit log is kept at least 6 months: the routine check of who looked
# at what needs them. docs/privacy.md describes every category (a test holds them together).
CATEGORIES: dict[str, Category] = {
    "citizen": Category(default=24, low=1, high=120),
    "company_contact": Category(default=36, low=1, high=120),
    "audit_log": Category(default=6, low=6, high=120),
}
# Sign-in sessions (user_session: who, when, from which address and browser) are deleted this many
# days after they ended, with the usage log and counted in its ledger row; not set by the admin.
SESSION_DAYS = 90
# Every table whose rows belong to a citizen, in the order they are removed (children first).
# `contact` is kept for the company's history, without the citizen and its free text.
CITIZEN_DEPENDENTS = ("stage_change", "sprint_card", "follow_up", "placement", "contact",
                      "outcome", "progression", "event_participant")
CHUNK = 500
RETENTION, ERASURE = "retention", "erasure"
# Several app processes may start at once on PostgreSQL: one runs, the others find the ledger.
ADVISORY_LOCK = 3940
# Bulk statements: the session holds no rows of these tables that would need updating.
NO_SYNC = {"synchronize_session": False}


@dataclass
class CategoryResult:
    """What a run did (or would do) to one category."""

    cutoff: datetime | None
    rows: int
    detail: dict[str, int] = field(default_factory=dict)


@dataclass
class RetentionReport:
    """The result of one deletion run: per category, and whether SQLite's WAL was emptied."""

    ran_at: datetime
    categories: dict[str, CategoryResult]
    checkpointed: bool = True

    @property
    def total(self) -> int:
        return sum(result.rows for result in self.categories.values())


# --- Periods ----------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` calendar months earlier (31 March - 1 = 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - date(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def periods(session: Session) -> dict[str, int]:
    """The period of every category in months: the stored policy, else the default."""
    stored = dict(session.execute(select(RetentionPolicy.category, RetentionPolicy.months)).all())
    return {name: int(stored.get(name, category.default)) for name, category in CATEGORIES.items()}


def cutoffs(session: Session, now: datetime) -> dict[str, datetime]:
    """Rows older than these moments are due for deletion."""
    return {name: months_before(now, months) for name, months in periods(session).items()}


def policy(engine: Engine, actor: Actor) -> pd.DataFrame:
    """The retention policy for the Persondata page: category, months, default and bounds."""
    require(actor, "retention.read")
    with Session(engine) as session:
        current = periods(session)
        changed = dict(session.execute(select(RetentionPolicy.category,
                                              RetentionPolicy.updated_at)).all())
    return pd.DataFrame(
        [(name, current[name], c.default, c.low, c.high, changed.get(name))
         for name, c in CATEGORIES.items()],
        columns=["category", "months", "default", "low", "high", "updated_at"])


def set_period(engine: Engine, actor: Actor, *, category: str, months: int) -> None:
    """Change one category's period (admins only); the change is audited."""
    require(actor, "retention.write")
    if category not in CATEGORIES:
        raise ValidationError("error.retention_unknown_category")
    bounds = CATEGORIES[category]
    if isinstance(months, bool) or not isinstance(months, int) \
            or not bounds.low <= months <= bounds.high:
        raise ValidationError("error.retention_months", low=bounds.low, high=bounds.high)
    with write_session(engine) as session:
        row = session.get(RetentionPolicy, category)
        before = row.months if row else bounds.default
        if row is None:
            row = RetentionPolicy(category=category, months=months)
        row.months, row.updated_at, row.updated_by = months, utcnow(), actor.user_id
        session.add(row)
        audit.log(session, actor, "update", "retention_policy", None,
                  detail=f"{category}: {before}->{months}")
        session.commit()


# --- Which rows are due -----------------------------------------------------------------------


def _activity_since(cutoff: datetime):
    """True in SQL for a citizen with any activity at or after `cutoff` (last activity rule)."""
    day = metrics.local_day(cutoff)
    citizen = Citizen.id
    placement = select(Placement.id).where(Placement.citizen_id == citizen, or_(
        Placement.status.in_(OPEN_STATUSES), Placement.start_date >= day,
        func.coalesce(Placement.actual_end_date, Placement.planned_end_date,
                      Placement.start_date) >= day))
    follow_up = (select(FollowUp.id).join(Placement, Placement.id == FollowUp.placement_id)
                 .where(Placement.citizen_id == citizen,
                        or_(FollowUp.done_at >= cutoff, FollowUp.due_date >= day)))
    contact = select(Contact.id).where(Contact.citizen_id == citizen, or_(
        Contact.contacted_at >= cutoff, Contact.next_step_date >= day))
    card = (select(SprintCard.id).join(Sprint, Sprint.id == SprintCard.sprint_id)
            .where(SprintCard.citizen_id == citizen,
                   or_(SprintCard.stage_since >= cutoff, Sprint.end_date >= day)))
    outcome = select(Outcome.id).where(Outcome.citizen_id == citizen, Outcome.measured_at >= day)
    progression = select(Progression.id).where(Progression.citizen_id == citizen,
                                               Progression.measured_at >= day)
    event = (select(Event.id).join(EventParticipant, EventParticipant.event_id == Event.id)
             .where(EventParticipant.citizen_id == citizen, Event.event_date >= day))
    return or_(Citizen.updated_at >= cutoff, Citizen.created_at >= cutoff,
               *(query.exists() for query in (placement, follow_up, contact, card, outcome,
                                              progression, event)))


def expired_citizens(session: Session, cutoff: datetime) -> list[int]:
    """The ids of citizens whose last activity lies before `cutoff`."""
    return list(session.execute(select(Citizen.id).where(~_activity_since(cutoff))
                                .order_by(Citizen.id)).scalars())


def _expired_contacts(cutoff: datetime):
    """Contacts with companies that concern no citizen, made before `cutoff` and done with."""
    day = metrics.local_day(cutoff)
    return (Contact.citizen_id.is_(None), Contact.contacted_at < cutoff,
            or_(Contact.next_step_date.is_(None), Contact.next_step_date < day))


def _ended_sessions(now: datetime):
    """Sessions that ended more than SESSION_DAYS before `now`: signed out, or (a person's, never
    signed out) started more than a working day before that. A paired TV's stay while it is."""
    cutoff = now - timedelta(days=SESSION_DAYS)
    return or_(UserSession.revoked_at < cutoff,
               and_(UserSession.revoked_at.is_(None), UserSession.screen_link_id.is_(None),
                    UserSession.created_at < cutoff - sessions.WORKING_DAY))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def delete_citizens(session: Session, citizen_ids: list[int]) -> dict[str, int]:
    """Remove citizens with every row that belongs to them, in the caller's transaction.

    Their contacts with companies stay for the company's history, without the citizen and
    without the free text (which was about them). Returns the rows touched per table.
    """
    counts = dict.fromkeys((*CITIZEN_DEPENDENTS, "citizen"), 0)
    for chunk in _chunks(citizen_ids):
        cards = select(SprintCard.id).where(SprintCard.citizen_id.in_(chunk))
        placements = select(Placement.id).where(Placement.citizen_id.in_(chunk))
        steps = (
            ("stage_change", delete(StageChange).where(StageChange.card_id.in_(cards))),
            ("sprint_card", delete(SprintCard).where(SprintCard.citizen_id.in_(chunk))),
            ("follow_up", delete(FollowUp).where(FollowUp.placement_id.in_(placements))),
            # A card of someone else linked to one of these placements keeps its card.
            (None, update(SprintCard).where(SprintCard.placement_id.in_(placements))
             .values(placement_id=None)),
            ("placement", delete(Placement).where(Placement.citizen_id.in_(chunk))),
            ("contact", update(Contact).where(Contact.citizen_id.in_(chunk))
             .values(citizen_id=None, note="", next_step="", next_step_date=None)),
            ("outcome", delete(Outcome).where(Outcome.citizen_id.in_(chunk))),
            ("progression", delete(Progression).where(Progression.citizen_id.in_(chunk))),
            ("event_participant", delete(EventParticipant)
             .where(EventParticipant.citizen_id.in_(chunk))),
            ("citizen", delete(Citizen).where(Citizen.id.in_(chunk))),
        )
        for table, statement in steps:
            affected = session.execute(statement, execution_options=NO_SYNC).rowcount
            if table:
                counts[table] += affected
    return counts


# --- The run ----------------------------------------------------------------------------------


@contextmanager
def erasing_session(engine: Engine) -> Iterator[Session]:
    """A write session that overwrites what it deletes.

    On SQLite the connection runs with `secure_delete` on, and after the commit the WAL is
    copied into the database file and truncated, so no deleted text stays behind in either.
    `session.info["checkpointed"]` tells whether the checkpoint got through.
    """
    if not is_sqlite(engine):
        with write_session(engine) as session:
            session.info["checkpointed"] = True
            yield session
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        before = raw.execute("PRAGMA secure_delete").fetchone()[0]
        raw.execute("PRAGMA secure_delete=ON")
        try:
            with Session(connection.execution_options(sqlite_immediate=True)) as session:
                session.info["checkpointed"] = False
                yield session
                committed = not connection.in_transaction()
        finally:
            if connection.in_transaction():
                connection.rollback()
            raw.execute(f"PRAGMA secure_delete={int(before)}")
        if committed:
            busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            session.info["checkpointed"] = not busy


def _count(session: Session, stmt) -> int:
    return int(session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def preview(engine: Engine, actor: Actor, *, now: datetime | None = None) -> dict[str, int]:
    """How many rows of each category a run would delete (nothing is deleted): at `now`, by
    default at the start of the current hour, so the counts can be kept until the data changes
    (the search for expired citizens reads every citizen)."""
    require(actor, "retention.read")
    return _preview_at(engine, actor, now or utcnow().replace(minute=0, second=0, microsecond=0))


@freshness.cached_aggregate("retention.read")
def _preview_at(engine: Engine, actor: Actor, now: datetime) -> dict[str, int]:
    return due_counts(engine, now)


def due_counts(engine: Engine, now: datetime) -> dict[str, int]:
    """Rows per category past their period at `now` (for the command's dry run)."""
    with Session(engine) as session:
        due = cutoffs(session, now)
        return {
            "citizen": len(expired_citizens(session, due["citizen"])),
            "company_contact": _count(session, select(Contact.id).where(
                *_expired_contacts(due["company_contact"]))),
            "audit_log": (_count(session, select(AuditLog.id)
                                 .where(AuditLog.at < due["audit_log"]))
                          + _count(session, select(UserSession.id).where(_ended_sessions(now)))),
        }


def _delete_due(session: Session, now: datetime) -> dict[str, CategoryResult]:
    due = cutoffs(session, now)
    citizens = delete_citizens(session, expired_citizens(session, due["citizen"]))
    contacts = session.execute(delete(Contact).where(*_expired_contacts(due["company_contact"])),
                               execution_options=NO_SYNC).rowcount
    audit_rows = audit.purge_older_than(session, due["audit_log"])
    session_rows = session.execute(delete(UserSession).where(_ended_sessions(now)),
                                   execution_options=NO_SYNC).rowcount
    return {
        "citizen": CategoryResult(due["citizen"], citizens["citizen"], citizens),
        "company_contact": CategoryResult(due["company_contact"], contacts),
        "audit_log": CategoryResult(due["audit_log"], audit_rows + session_rows,
                                    {"audit_log": audit_rows, "user_session": session_rows}),
    }


def _record(session: Session, ran_at: datetime, reason: str,
            results: dict[str, CategoryResult]) -> None:
    for category, result in results.items():
        session.add(RetentionRun(ran_at=ran_at, reason=reason, category=category,
                                 cutoff=result.cutoff, rows_deleted=result.rows,
                                 detail={k: v for k, v in result.detail.items() if v}))


def _ran_today(session: Session, now: datetime) -> bool:
    last = session.execute(select(func.max(RetentionRun.ran_at))
                           .where(RetentionRun.reason == RETENTION)).scalar_one_or_none()
    return last is not None and metrics.local_day(last) >= metrics.local_day(now)


def run(engine: Engine, *, now: datetime, actor: Actor | None = None,
        only_if_due: bool = False) -> RetentionReport | None:
    """Delete everything past its period in one transaction and write the ledger.

    `now` is the clock (injected in tests). With `only_if_due` nothing happens when a run is
    already in the ledger for today's Danish date (then None is returned).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    with erasing_session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
        if only_if_due and _ran_today(session, now):
            return None
        results = _delete_due(session, now)
        _record(session, now, RETENTION, results)
        audit.log(session, actor, "retention_run", "retention_run", None,
                  detail=" ".join(f"{name}={result.rows}" for name, result in results.items()))
        session.commit()
    return RetentionReport(now, results, session.info["checkpointed"])


def run_if_due(engine: Engine, *, now: datetime | None = None) -> RetentionReport | None:
    """The start-up run: at most once per Danish calendar day, as the ledger tells."""
    return run(engine, now=now or utcnow(), only_if_due=True)


def run_now(engine: Engine, actor: Actor, *, now: datetime | None = None) -> RetentionReport:
    """A run started by an admin from the Persondata page."""
    require(actor, "retention.write")
    return run(engine, now=now or utcnow(), actor=actor)


def record_erasure(session: Session, now: datetime, counts: dict[str, int]) -> None:
    """The ledger row of one erasure on request (counts only; the audit log names the row)."""
    _record(session, now, ERASURE, {"citizen": CategoryResult(None, counts["citizen"], counts)})


LEDGER_COLUMNS = ["ran_at", "reason", "category", "cutoff", "rows_deleted", "detail"]


def ledger(engine: Engine, actor: Actor, *, limit: int = 60) -> pd.DataFrame:
    """The latest ledger rows, newest first."""
    require(actor, "retention.read")
    with Session(engine) as session:
        rows = session.execute(
            select(RetentionRun.ran_at, RetentionRun.reason, RetentionRun.category,
                   RetentionRun.cutoff, RetentionRun.rows_deleted, RetentionRun.detail)
            .order_by(RetentionRun.ran_at.desc(), RetentionRun.id.desc()).limit(limit)
        ).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=LEDGER_COLUMNS)
