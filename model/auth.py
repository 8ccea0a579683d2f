"""Local accounts with argon2 hashes, and OIDC accounts keyed by the provider's `sub`."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit
from model.access import ALL_ROLES, Actor
from model.db import write_session
from model.errors import ValidationError
from model.tables import AppUser, Staff, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12


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
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("error.password_too_short", n=MIN_PASSWORD_LENGTH)
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


def authenticate(engine: Engine, username: str, password: str) -> Actor | None:
    """Check a local login; log success and failure; return the actor or None."""
    with write_session(engine) as session:
        user = session.exec(
            select(AppUser).where(AppUser.username == username.strip().lower())
        ).first()
        if user is None or not user.active or not verify_password(user.password_hash, password):
            if user is not None:
                user.failed_logins += 1
            audit.log(session, None, "login_failed", "app_user", user.id if user else None,
                      detail=f"username={username.strip().lower()[:60]}")
            session.commit()
            return None
        user.failed_logins = 0
        user.last_login_at = utcnow()
        actor = _actor(session, user)
        audit.log(session, actor, "login", "app_user", user.id)
        session.commit()
        return actor


def actor_for_user(engine: Engine, user_id: int) -> Actor | None:
    """Reload the signed-in user on every run, so a deactivated account loses access at once."""
    with Session(engine) as session:
        user = session.get(AppUser, user_id)
        if user is None or not user.active:
            return None
        return _actor(session, user)


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
