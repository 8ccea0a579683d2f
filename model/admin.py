"""Administration (Brugere og log): accounts, and the audit log's filter and random sample.

Only admins change accounts; admins and leaders read the log. Every change and every look at
the log is itself written to the log.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from model import audit, auth, metrics, paging, sessions
from model.access import ALL_ROLES, Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.tables import AppUser, AuditLog, Staff, Team, utcnow
from model.validation import check_date, check_free_text

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,59}")
MAX_OIDC_SUB = 255
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
EXPORT_LIMIT = 20_000
MAX_SAMPLE = 500
SEED_LIMIT = 1_000_000  # six digits: easy to read out and to find in the log
MAX_ROW_ID = 2_147_483_647  # the largest id a row can have (a PostgreSQL integer)

ACCOUNT_COLUMNS = ["id", "username", "role", "staff", "team", "login", "active", "locked",
                   "locked_until", "must_change_password", "failed_logins", "last_login_at"]
LOG_COLUMNS = ["id", "at", "username", "action", "table_name", "row_id", "detail"]


# --- Accounts -------------------------------------------------------------------------------


def list_accounts(engine: Engine, actor: Actor, *, now: datetime | None = None) -> pd.DataFrame:
    """Every account with its staff member, team, login kind and lock state."""
    require(actor, "audit.read")
    now = now or utcnow()
    stmt = (
        select(AppUser.id, AppUser.username, AppUser.role, Staff.name, Team.name,
               AppUser.oidc_sub.is_not(None), AppUser.active, AppUser.locked_until,
               AppUser.must_change_password, AppUser.failed_logins, AppUser.last_login_at)
        .outerjoin(Staff, Staff.id == AppUser.staff_id)
        .outerjoin(Team, Team.id == Staff.team_id)
        .order_by(AppUser.username)
    )
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame(
        [(uid, name, role, staff or "", team or "", "oidc" if oidc else "local", bool(active),
          locked is not None and locked > now, locked if locked is not None and locked > now else None,
          bool(change), failed, last)
         for uid, name, role, staff, team, oidc, active, locked, change, failed, last in rows],
        columns=ACCOUNT_COLUMNS)


def staff_choices(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Active staff members an account can be linked to, with their role (the account's role),
    their team (the account's team) and how many active accounts they have already."""
    require(actor, "account.admin")
    accounts = (select(AppUser.staff_id, func.count(AppUser.id).label("n")).where(AppUser.active)
                .group_by(AppUser.staff_id).subquery())
    stmt = (select(Staff.id, Staff.name, Staff.role, Team.name, func.coalesce(accounts.c.n, 0))
            .outerjoin(Team, Team.id == Staff.team_id)
            .outerjoin(accounts, accounts.c.staff_id == Staff.id)
            .where(Staff.active).order_by(Staff.name))
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "name", "role", "team", "accounts"])


def _clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise ValidationError("error.username_invalid")
    check_free_text(name)  # "010190-1234" fits the pattern but is a CPR number
    return name


def create_account(engine: Engine, actor: Actor, *, username: str, role: str | None = None,
                   staff_id: int | None = None, oidc_sub: str | None = None) -> str | None:
    """Create an account; a local one gets a generated password, returned once (to be shown once)
    and to be changed at first login. With `oidc_sub` the account signs in through the provider.

    An account for a staff member takes the staff member's role (and, through the staff row, the
    team): `role` may be left out, and a different one is refused. An account of no staff member
    (the meeting screen, an outside administrator) needs its role.
    """
    require(actor, "account.admin")
    name = _clean_username(username)
    if role is not None and role not in ALL_ROLES:
        raise ValidationError("error.unknown_role", role=role)
    sub = (oidc_sub or "").strip() or None
    check_free_text(sub)
    if sub is not None and len(sub) > MAX_OIDC_SUB:
        raise ValidationError("error.oidc_sub_invalid")
    if staff_id is None and role is None:
        raise ValidationError("error.account_role_required")
    password = None if sub else auth.generate_password()
    with write_session(engine) as session:
        if session.scalar(select(AppUser.id).where(AppUser.username == name)) is not None:
            raise ValidationError("error.username_taken")
        if sub and session.scalar(select(AppUser.id).where(AppUser.oidc_sub == sub)) is not None:
            raise ValidationError("error.oidc_sub_taken")
        if staff_id is not None:
            staff = session.get(Staff, staff_id)
            if staff is None:
                raise ValidationError("error.not_found")
            if not staff.active:
                raise ValidationError("error.account_staff_inactive", name=staff.name)
            if role is not None and role != staff.role:
                raise ValidationError("error.account_role_not_staff", name=staff.name)
            role = staff.role
        user = auth.create_user(session, username=name, role=role, password=password,
                                staff_id=staff_id, oidc_sub=sub,
                                must_change_password=password is not None)
        audit.log(session, actor, "create", "app_user", user.id,
                  detail=f"username={name} role={role} staff={staff_id} login={'oidc' if sub else 'local'}")
        session.commit()
    return password


def _account(session: Session, user_id: int) -> AppUser:
    user = session.get(AppUser, user_id)
    if user is None:
        raise ValidationError("error.not_found")
    return user


def set_active(engine: Engine, actor: Actor, user_id: int, *, active: bool) -> None:
    """Deactivate or reactivate an account; a deactivated one loses access at its next click.
    An account of an inactive staff member stays inactive until the staff member is active."""
    require(actor, "account.admin")
    if user_id == actor.user_id and not active:
        raise ValidationError("error.account_self")
    with write_session(engine) as session:
        user = _account(session, user_id)
        staff = session.get(Staff, user.staff_id) if user.staff_id else None
        if active and staff is not None and not staff.active:
            # The staff member has left (model/staffing.py deactivated both): them first.
            raise ValidationError("error.account_staff_inactive", name=staff.name)
        user.active = active
        if not active:
            sessions.end_all(session, user_id, "inactive")
        audit.log(session, actor, "reactivate" if active else "deactivate", "app_user", user_id)
        session.commit()


def reset_password(engine: Engine, actor: Actor, user_id: int) -> str:
    """Give an account a new generated password (returned once), unlock it, and make the user
    choose their own at the next login."""
    require(actor, "account.admin")
    password = auth.generate_password()
    with write_session(engine) as session:
        user = _account(session, user_id)
        user.password_hash = auth.hash_password(password)
        user.must_change_password = True
        user.failed_logins, user.locked_until = 0, None
        sessions.end_all(session, user_id, "password")
        audit.log(session, actor, "reset_password", "app_user", user_id)
        session.commit()
    return password


def unlock(engine: Engine, actor: Actor, user_id: int) -> None:
    """Lift a lockout after too many wrong passwords."""
    require(actor, "account.admin")
    with write_session(engine) as session:
        user = _account(session, user_id)
        user.failed_logins, user.locked_until = 0, None
        audit.log(session, actor, "unlock", "app_user", user_id)
        session.commit()


# --- The audit log --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """The log entries of a period (local dates, both included) and optional exact criteria."""

    start: date | None = None
    end: date | None = None
    user_id: int | None = None
    action: str | None = None
    table_name: str | None = None
    row_id: int | None = None

    def criterion(self) -> str:
        return ";".join(f"{k}={v}" for k, v in asdict(self).items() if v not in (None, ""))


def _day_start(day: date) -> datetime:
    """The UTC moment a Danish calendar day starts."""
    return datetime.combine(day, time(), tzinfo=metrics.LOCAL_TZ).astimezone(UTC)


def _check(criteria: LogFilter) -> None:
    """The period within the dates the app takes (validation.check_date), start before end, and
    a row id an id can be; each refusal names the range."""
    check_date(criteria.start)
    check_date(criteria.end)
    if criteria.start and criteria.end and criteria.start > criteria.end:
        raise ValidationError("error.log_period")
    if criteria.row_id is not None and not 1 <= criteria.row_id <= MAX_ROW_ID:
        raise ValidationError("error.log_row_id", high=MAX_ROW_ID)


def _where(stmt, criteria: LogFilter):
    _check(criteria)
    if criteria.start:
        stmt = stmt.where(AuditLog.at >= _day_start(criteria.start))
    if criteria.end:
        stmt = stmt.where(AuditLog.at < _day_start(criteria.end + timedelta(days=1)))
    for column, value in ((AuditLog.user_id, criteria.user_id), (AuditLog.action, criteria.action),
                          (AuditLog.table_name, criteria.table_name),
                          (AuditLog.row_id, criteria.row_id)):
        if value not in (None, ""):
            stmt = stmt.where(column == value)
    return stmt


def _entries():
    """The log's columns with the acting user's name."""
    return (select(AuditLog.id, AuditLog.at, AppUser.username, AuditLog.action,
                   AuditLog.table_name, AuditLog.row_id, AuditLog.detail)
            .outerjoin(AppUser, AppUser.id == AuditLog.user_id))


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=LOG_COLUMNS)
    frame["username"] = frame["username"].fillna("")
    frame["row_id"] = frame["row_id"].astype("Int64")
    return frame


def log_entries(engine: Engine, actor: Actor, criteria: LogFilter, *, page: int = 1,
                page_size: int = PAGE_SIZE) -> tuple[pd.DataFrame, int]:
    """One page of the matching entries, newest first, and how many match in all (both in SQL).
    Looking at the log is logged too; a page the matches do not fill is refused, naming the pages."""
    require(actor, "audit.read")
    page, page_size = int(page), min(max(1, int(page_size)), MAX_PAGE_SIZE)
    with write_session(engine) as session:
        total = session.scalar(_where(select(func.count(AuditLog.id)), criteria))
        pages = paging.page_count(total, page_size)
        if not 1 <= page <= pages:
            raise ValidationError("error.log_page", pages=pages)
        rows = session.execute(
            _where(_entries(), criteria).order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(page_size).offset((page - 1) * page_size)).all()
        audit.log_search(session, actor, "audit_log", f"{criteria.criterion()};page={page}",
                         action="view_log")
        session.commit()
    return _frame(rows), int(total)


def export_log(engine: Engine, actor: Actor, criteria: LogFilter) -> pd.DataFrame:
    """The matching entries for a download (at most EXPORT_LIMIT, newest first); logged as an export."""
    require(actor, "audit.read")
    with write_session(engine) as session:
        rows = session.execute(_where(_entries(), criteria).order_by(AuditLog.at.desc(), AuditLog.id.desc())
                               .limit(EXPORT_LIMIT)).all()
        audit.log(session, actor, "export", "audit_log", None,
                  detail=f"{criteria.criterion()};rows={len(rows)}")
        session.commit()
    return _frame(rows)


class LogSample(NamedTuple):
    """A stikprøve of log entries for the routine check, with the seed the app drew for it."""

    entries: pd.DataFrame
    seed: int


def sample_log(engine: Engine, actor: Actor, *, start: date, end: date, size: int) -> LogSample:
    """A random sample of `size` entries of a period for the routine check. The app draws the seed
    itself (never typed, so nobody picks which entries are checked), logs it and returns it."""
    seed = secrets.randbelow(SEED_LIMIT)
    return LogSample(_sample_with_seed(engine, actor, start=start, end=end, size=size, seed=seed),
                     seed)


def _sample_with_seed(engine: Engine, actor: Actor, *, start: date, end: date, size: int,
                      seed: int) -> pd.DataFrame:
    """The sample a seed draws: the same seed on the same log draws the same entries, so a logged
    draw can be repeated. The draw is logged with its seed."""
    require(actor, "audit.read")
    if not 1 <= size <= MAX_SAMPLE:
        raise ValidationError("error.sample_size", max=MAX_SAMPLE)
    criteria = LogFilter(start=start, end=end)
    with write_session(engine) as session:
        ids = session.scalars(_where(select(AuditLog.id), criteria).order_by(AuditLog.id)).all()
        chosen = sorted(random.Random(seed).sample(ids, min(size, len(ids))))
        rows = session.execute(_entries().where(AuditLog.id.in_(chosen))
                               .order_by(AuditLog.id)).all() if chosen else []
        audit.log(session, actor, "sample", "audit_log", None,
                  detail=f"{criteria.criterion()};size={size};seed={seed};drawn={len(chosen)}")
        session.commit()
    return _frame(rows)


def _distinct(column):
    """The distinct values of an indexed log column in order, one index step per value (a loose
    index scan as a recursive query): a plain DISTINCT reads the whole log, which only grows."""
    values = select(func.min(column).label("value")).cte("distinct_values", recursive=True)
    following = select(func.min(column)).where(column > values.c.value).scalar_subquery()
    values = values.union_all(select(following).where(values.c.value.is_not(None)))
    return select(values.c.value).where(values.c.value.is_not(None)).order_by(values.c.value)


def log_choices(engine: Engine, actor: Actor) -> dict[str, list]:
    """The actions and tables that occur in the log, and the accounts, for the filter's choices."""
    require(actor, "audit.read")
    with Session(engine) as session:
        actions = session.scalars(_distinct(AuditLog.action)).all()
        tables = [name for name in session.scalars(_distinct(AuditLog.table_name)).all() if name]
        users = session.execute(select(AppUser.id, AppUser.username).order_by(AppUser.username)).all()
    return {"actions": list(actions), "tables": list(tables),
            "users": [(uid, name) for uid, name in users]}
