"""Local accounts with argon2 hashes, and OIDC accounts keyed by the provider's `sub`."""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, sessions
from model.access import ALL_ROLES, Actor, require
from model.db import write_session
from model.errors import UserError, ValidationError
from model.tables import AppUser, AuditLog, LoginSource, Staff, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class SourceBlocked(UserError):
    """Too many wrong passwords from this address: none from it until `until` (aware UTC)."""

    def __init__(self, until: datetime) -> None:
        super().__init__("login.source_blocked", until=until)
        self.until = until


class SlowDown(UserError):
    """A wrong password from this address a moment ago: wait `seconds` before the next try."""

    def __init__(self, seconds: int) -> None:
        super().__init__("login.slow_down", seconds=seconds)
        self.seconds = seconds


class AccountLocked(UserError):
    """Too many wrong passwords: no login until `until` (aware UTC) or an admin unlocks."""

    def __init__(self, until: datetime) -> None:
        super().__init__("account.locked", until=until)
        self.until = until


def max_failed_logins() -> int:
    """Wrong passwords in a row before an account locks (JOBTAVLEN_MAX_FAILED_LOGINS, default 5)."""
    return max(1, int(os.environ.get("JOBTAVLEN_MAX_FAILED_LOGINS", "5")))


def lockout_period() -> timedelta:
    """How long a locked account stays locked (JOBTAVLEN_LOCKOUT_MINUTES, default 15)."""
    return timedelta(minutes=max(1, int(os.environ.get("JOBTAVLEN_LOCKOUT_MINUTES", "15"))))


def max_failed_per_source() -> int:
    """Wrong passwords from one address before it is blocked (JOBTAVLEN_MAX_FAILED_PER_SOURCE,
    default 3): fewer than lock an account, so a stranger is stopped before a colleague is."""
    return max(1, int(os.environ.get("JOBTAVLEN_MAX_FAILED_PER_SOURCE", "3")))


# After a wrong password the same address waits 2 s, then 4 s, ... before its next try.
SLOW_DOWN_SECONDS = 2


@cache
def _dummy_hash() -> str:
    # Verified against for unknown usernames, so they take as long as a wrong password.
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password for a new account, shown once in the terminal."""
    return secrets.token_urlsafe(12)


def _actor(session: Session, user: AppUser) -> Actor:
    staff = session.get(Staff, user.staff_id) if user.staff_id else None
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        staff_id=user.staff_id,
        team_id=staff.team_id if staff else None,
        name=staff.name if staff else user.username,
        must_change_password=user.must_change_password,
    )


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    password: str | None = None,
    staff_id: int | None = None,
    oidc_sub: str | None = None,
    must_change_password: bool = False,
) -> AppUser:
    """Add an account in the caller's transaction."""
    if role not in ALL_ROLES:
        raise ValidationError("error.unknown_role", role=role)
    if password is not None:
        check_new_password(password, password)
    user = AppUser(
        username=username.strip().lower(),
        role=role,
        staff_id=staff_id,
        oidc_sub=oidc_sub,
        password_hash=hash_password(password) if password else None,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    return user


def check_new_password(password: str, confirmation: str) -> None:
    """A new password must be long enough, not absurdly long, and typed the same twice."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("error.password_too_short", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("error.password_too_long", n=MAX_PASSWORD_LENGTH)
    if password != confirmation:
        raise ValidationError("error.password_mismatch")


def _unknown_name_lock(session: Session, detail: str, now: datetime) -> datetime | None:
    """When an unknown username has failed as often as an account may, it "locks" the same way,
    so the answer never tells whether a username exists."""
    count, last = session.exec(
        select(func.count(AuditLog.id), func.max(AuditLog.at)).where(
            AuditLog.action == "login_failed", AuditLog.row_id.is_(None),
            AuditLog.detail == detail, AuditLog.at >= now - lockout_period())).one()
    return last + lockout_period() if count >= max_failed_logins() else None


def _check_source(session: Session, source: str | None, now: datetime) -> LoginSource | None:
    """The sending address's record; refuses a blocked address, or one that must wait a moment."""
    if not source:
        return None
    address = source[:64]
    sender = session.exec(select(LoginSource).where(LoginSource.address == address)
                          .with_for_update()).first()
    if sender is None:
        sender = LoginSource(address=address)
        session.add(sender)
        return sender
    if sender.blocked_until is not None and sender.blocked_until > now:
        audit.log(session, None, "login_blocked", "login_source", None, detail=f"address={address}")
        session.commit()
        raise SourceBlocked(sender.blocked_until)
    if sender.retry_after is not None and sender.retry_after > now:
        raise SlowDown(max(1, math.ceil((sender.retry_after - now).total_seconds())))
    if sender.last_failed_at is None or sender.last_failed_at <= now - lockout_period() \
            or sender.blocked_until is not None:
        sender.failed, sender.blocked_until = 0, None  # a quiet while, or a block run out: afresh
    return sender


def _source_failed(session: Session, sender: LoginSource | None, now: datetime) -> datetime | None:
    """Count a wrong password against its address; returns the block's end when it blocks now."""
    if sender is None:
        return None
    sender.failed += 1
    sender.last_failed_at = now
    if sender.failed >= max_failed_per_source():
        sender.blocked_until, sender.retry_after = now + lockout_period(), None
        audit.log(session, None, "block_source", "login_source", None,
                  detail=f"address={sender.address} failed_logins={sender.failed}")
        return sender.blocked_until
    sender.retry_after = now + timedelta(seconds=SLOW_DOWN_SECONDS * 2 ** (sender.failed - 1))
    return None


def client_address(headers: Mapping[str, str], peer: str | None) -> str | None:
    """Where a request comes from: the connection's address, or behind a proxy the header it sets
    (JOBTAVLEN_CLIENT_ADDRESS_HEADER, e.g. X-Real-IP; of X-Forwarded-For the proxy's last entry).
    `headers` is looked up case-insensitively by the caller's mapping."""
    header = os.environ.get("JOBTAVLEN_CLIENT_ADDRESS_HEADER", "").strip()
    if header:
        value = (headers.get(header) or "").split(",")[-1].strip()
        if value:
            return value[:64]
    return peer[:64] if isinstance(peer, str) and peer else None


def authenticate(engine: Engine, username: str, password: str, *, source: str | None = None,
                 now: datetime | None = None, confirming: bool = False) -> Actor | None:
    """Check a local login from the address `source`; log success and failure; return the actor
    or None. `confirming`: a signed-in user confirms their password (to change it), which is
    throttled and locked like a login but logged as "password_confirmed", not as a login.

    Wrong passwords from one address make it wait (SlowDown) and after max_failed_per_source()
    block it (SourceBlocked) for lockout_period(), before any account locks. Raises AccountLocked
    once max_failed_logins() wrong passwords in a row (from several addresses) have locked the
    account (or the unknown username); a successful login resets both counts.
    """
    now = now or utcnow()
    name = username.strip().lower()
    detail = f"username={name[:60]}"
    with write_session(engine) as session:
        sender = _check_source(session, source, now)
        # Locked on PostgreSQL, so parallel guesses cannot lose a count (SQLite locks on BEGIN).
        user = session.exec(select(AppUser).where(AppUser.username == name)
                            .with_for_update()).first()
        if user is None:
            until = _unknown_name_lock(session, detail, now)
            if until is not None and until > now:
                audit.log(session, None, "login_locked", "app_user", None, detail=detail)
                session.commit()
                raise AccountLocked(until)
            verify_password(_dummy_hash(), password)  # as slow as checking a real password
            audit.log(session, None, "login_failed", "app_user", None, detail=detail)
            blocked = _source_failed(session, sender, now)
            session.flush()
            until = _unknown_name_lock(session, detail, now)
            session.commit()
            if blocked is not None:
                raise SourceBlocked(blocked)
            if until is not None:
                raise AccountLocked(until)
            return None
        if user.locked_until is not None:
            if user.locked_until > now:
                audit.log(session, None, "login_locked", "app_user", user.id, detail=detail)
                session.commit()
                raise AccountLocked(user.locked_until)
            user.locked_until, user.failed_logins = None, 0  # the lock ran out: a fresh start
        if not user.active or not verify_password(user.password_hash, password):
            user.failed_logins += 1
            audit.log(session, None, "login_failed", "app_user", user.id, detail=detail)
            blocked = _source_failed(session, sender, now)
            if blocked is not None:
                session.commit()
                raise SourceBlocked(blocked)
            locked = user.failed_logins >= max_failed_logins()
            if locked:
                user.locked_until = now + lockout_period()
                audit.log(session, None, "lock", "app_user", user.id,
                          detail=f"failed_logins={user.failed_logins}")
            until = user.locked_until
            session.commit()
            if locked:
                raise AccountLocked(until)
            return None
        user.failed_logins = 0
        if sender in session.new:  # a right password: the address starts afresh
            session.expunge(sender)
        elif sender is not None:
            session.delete(sender)
        if not confirming:
            user.last_login_at = now
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        actor = _actor(session, user)
        audit.log(session, actor, "password_confirmed" if confirming else "login", "app_user",
                  user.id)
        session.commit()
        return actor


LOCKED_COLUMNS = ["id", "username", "failed_logins", "locked_until"]
BLOCKED_COLUMNS = ["address", "failed", "last_failed_at", "blocked_until"]


def locked_accounts(engine: Engine, actor: Actor, *, now: datetime | None = None) -> pd.DataFrame:
    """The accounts locked now after too many wrong passwords, for the admin (who unlocks them with
    admin.unlock)."""
    require(actor, "account.admin")
    now = now or utcnow()
    with Session(engine) as session:
        rows = session.exec(select(AppUser.id, AppUser.username, AppUser.failed_logins,
                                   AppUser.locked_until)
                            .where(AppUser.locked_until > now)
                            .order_by(AppUser.locked_until.desc())).all()
    return pd.DataFrame(rows, columns=LOCKED_COLUMNS)


def blocked_addresses(engine: Engine, actor: Actor, *, now: datetime | None = None) -> pd.DataFrame:
    """The addresses blocked now after too many wrong passwords, for the admin."""
    require(actor, "account.admin")
    now = now or utcnow()
    with Session(engine) as session:
        rows = session.exec(select(LoginSource.address, LoginSource.failed, LoginSource.last_failed_at,
                                   LoginSource.blocked_until)
                            .where(LoginSource.blocked_until > now)
                            .order_by(LoginSource.blocked_until.desc())).all()
    return pd.DataFrame(rows, columns=BLOCKED_COLUMNS)


def unblock_address(engine: Engine, actor: Actor, address: str) -> None:
    """Lift an address's block at once (the admin knows it is a colleague's)."""
    require(actor, "account.admin")
    with write_session(engine) as session:
        sender = session.get(LoginSource, address)
        if sender is None:
            raise ValidationError("error.not_found")
        session.delete(sender)
        audit.log(session, actor, "unblock_source", "login_source", None, detail=f"address={address}")
        session.commit()


def change_password(engine: Engine, actor: Actor, *, new_password: str, confirmation: str) -> None:
    """The signed-in user sets a new password (required after a generated one); it must differ
    from the old one."""
    check_new_password(new_password, confirmation)
    with write_session(engine) as session:
        user = session.get(AppUser, actor.user_id)
        if user is None or not user.active:
            raise ValidationError("error.not_found")
        if verify_password(user.password_hash, new_password):
            raise ValidationError("error.password_unchanged")
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        # Every other browser signed in as this user is signed out; this one stays.
        sessions.end_all(session, user.id, "password", keep=actor.extra.get("session_id"))
        audit.log(session, actor, "password_changed", "app_user", user.id)
        session.commit()


def log_logout(engine: Engine, user_id: int, reason: str = "") -> None:
    """Log a sign-out: by the user, after inactivity, or because the account was deactivated."""
    with write_session(engine) as session:
        if session.get(AppUser, user_id) is not None:
            session.add(AuditLog(user_id=user_id, action="logout", table_name="app_user",
                                 row_id=user_id, detail=reason))
            session.commit()


def actor_for_user(engine: Engine, user_id: int) -> Actor | None:
    """Reload the signed-in user on every run, so a deactivated account loses access at once."""
    with Session(engine) as session:
        user = session.get(AppUser, user_id)
        if user is None or not user.active:
            return None
        return _actor(session, user)


def first_active_actor(engine: Engine, role: str) -> Actor | None:
    """The first active account of a role (the app's own work on behalf of that role, such as
    drawing the leaders' charts when the server starts), or None."""
    with Session(engine) as session:
        user = session.exec(select(AppUser).where(AppUser.role == role, AppUser.active)
                            .order_by(AppUser.id)).first()
        return _actor(session, user) if user is not None else None


def actor_for_oidc(engine: Engine, sub: str) -> Actor | None:
    """Map an OIDC provider's `sub` to an active account; None when no account is linked."""
    with write_session(engine) as session:
        user = session.exec(select(AppUser).where(AppUser.oidc_sub == sub)).first()
        if user is None or not user.active:
            audit.log(session, None, "login_refused", "app_user", user.id if user else None,
                      detail="oidc sub not linked")
            session.commit()
            return None
        actor = _actor(session, user)
        return actor


def log_oidc_login(engine: Engine, actor: Actor) -> None:
    with write_session(engine) as session:
        user = session.get(AppUser, actor.user_id)
        user.last_login_at = utcnow()
        audit.log(session, actor, "login", "app_user", actor.user_id, detail="oidc")
        session.commit()
