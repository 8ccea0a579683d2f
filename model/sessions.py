"""Sign-ins that survive a reload, and paired meeting screens.

A password login starts a server-side session: the browser gets a random token in an HttpOnly
cookie (pages/ui/web.py sets it), the user_session table keeps only the token's SHA-256, who,
when, from which address and browser. Every run of the app resolves the cookie here, so a
logout, a deactivation, a password change, the idle timeout or an admin ends the session in
every tab and process at the next run. A person's session also ends after a working day. On Min
konto the user changes their own password here (this browser stays signed in, the others end).

A leader pairs a meeting screen (a TV) with a team: a screen link is a long random token shown
once as an address; opening it starts a session for the link's own screen account, limited to
that team's meeting screen (and optionally one sprint), with no idle timeout. Revoking the link
ends its sessions at the screen's next refresh.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit
from model.access import Actor, can, require
from model.db import write_session
from model.errors import AccessDenied, ValidationError
from model.tables import AppUser, AuditLog, ScreenLink, Sprint, Staff, Team, UserSession, utcnow

COOKIE = "jobtavlen_session"
TOKEN_BYTES = 32  # 256 random bits: guessing one is hopeless, so a fast hash is enough
# Signed out after this long without a click (JOBTAVLEN_IDLE_MINUTES); never a paired screen.
IDLE = timedelta(minutes=int(os.environ.get("JOBTAVLEN_IDLE_MINUTES", "30")))
WORKING_DAY = timedelta(hours=12)  # a person's session ends after this, however busy
SCREEN_COOKIE_DAYS = 400  # the longest a browser keeps a cookie: the TV stays paired
TOUCH_EVERY = timedelta(minutes=1)  # last seen is written at most this often
USER_AGENT_LENGTH = 200


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clip_address(address: str | None) -> str | None:
    return address[:64] if address else None


@dataclass(frozen=True)
class Signed:
    """Whom a valid cookie signs in, and for a paired screen the team and sprint it shows."""

    session_id: int
    user_id: int
    last_seen_at: datetime
    screen_team_id: int | None = None
    screen_sprint_id: int | None = None


def start(engine: Engine, user_id: int, *, address: str | None = None, user_agent: str = "",
          now: datetime | None = None, screen_link_id: int | None = None) -> str:
    """A new session for `user_id`; returns the token for the cookie (shown nowhere else)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with write_session(engine) as session:
        session.add(UserSession(token_hash=_hash(token), user_id=user_id,
                                screen_link_id=screen_link_id, created_at=now, last_seen_at=now,
                                address=_clip_address(address),
                                user_agent=(user_agent or "")[:USER_AGENT_LENGTH]))
        session.commit()
    return token


def resolve(engine: Engine, token: str | None, *, now: datetime | None = None,
            idle: timedelta = IDLE) -> Signed | None:
    """Whom the cookie's `token` signs in, or None: unknown, revoked, an inactive account, a
    revoked screen link, or (for people, not screens) idle too long or older than a working day;
    the last three end the session here, logged."""
    if not token:
        return None
    now = now or utcnow()
    with Session(engine) as session:
        row = session.exec(
            select(UserSession, AppUser.active, AppUser.role, ScreenLink)
            .join(AppUser, AppUser.id == UserSession.user_id)
            .outerjoin(ScreenLink, ScreenLink.id == UserSession.screen_link_id)
            .where(UserSession.token_hash == _hash(token))
        ).first()
    if row is None:
        return None
    stored, active, role, link = row
    if stored.revoked_at is not None:
        return None
    reason = None
    if not active:
        reason = "inactive"
    elif link is not None and link.revoked_at is not None:
        reason = "revoked"
    elif role != "screen" and now - stored.last_seen_at > idle:
        reason = "idle"
    elif role != "screen" and now - stored.created_at > WORKING_DAY:
        reason = "expired"
    if reason is not None:
        _revoke(engine, stored.id, stored.user_id, reason, now)
        return None
    return Signed(stored.id, stored.user_id, stored.last_seen_at,
                  link.team_id if link else None, link.sprint_id if link else None)


def touch(engine: Engine, signed: Signed, now: datetime | None = None) -> None:
    """The user did something: keep the session from going idle (written at most once a minute,
    so a busy board does not write on every click)."""
    now = now or utcnow()
    if now - signed.last_seen_at < TOUCH_EVERY:
        return
    with write_session(engine) as session:
        session.execute(update(UserSession).where(UserSession.id == signed.session_id,
                                                  UserSession.revoked_at.is_(None))
                        .values(last_seen_at=now))
        session.commit()


def _revoke(engine: Engine, session_id: int, user_id: int, reason: str, now: datetime,
            actor: Actor | None = None) -> None:
    with write_session(engine) as session:
        ended = session.execute(
            update(UserSession).where(UserSession.id == session_id,
                                      UserSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)).rowcount
        if ended:
            if actor is None:  # the user's own sign-out, or the app ending it for them
                session.add(AuditLog(user_id=user_id, action="logout", table_name="app_user",
                                     row_id=user_id, detail=reason))
            else:
                audit.log(session, actor, "session_ended", "user_session", session_id,
                          detail=f"user={user_id}")
        session.commit()


def sign_out(engine: Engine, signed: Signed, reason: str = "user",
             now: datetime | None = None) -> None:
    """End this session (the logout button; idle or deactivation seen by the page)."""
    _revoke(engine, signed.session_id, signed.user_id, reason, now or utcnow())


def end_all(session: Session, user_id: int, reason: str, *, keep: int | None = None,
            now: datetime | None = None) -> int:
    """End every session of `user_id` (but `keep`) in the caller's transaction: deactivation,
    a password change or reset. Returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id,
                                      UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return session.execute(query.values(revoked_at=now or utcnow(),
                                        revoked_reason=reason)).rowcount


SESSION_COLUMNS = ["id", "username", "name", "created_at", "last_seen_at", "address",
                   "user_agent", "current"]


def active_sessions(engine: Engine, actor: Actor, *, everyone: bool = False,
                    now: datetime | None = None, idle: timedelta = IDLE) -> pd.DataFrame:
    """The sessions still open: the actor's own, or with `everyone` (admins) all accounts' (with
    the staff member's name, else the username). `current` marks the one this browser uses.
    Idle or day-old ones count as ended."""
    if everyone:
        require(actor, "account.admin")
    now = now or utcnow()
    query = (select(UserSession.id, AppUser.username,
                    func.coalesce(Staff.name, AppUser.username).label("name"),
                    UserSession.created_at, UserSession.last_seen_at, UserSession.address,
                    UserSession.user_agent, AppUser.role)
             .join(AppUser, AppUser.id == UserSession.user_id)
             .outerjoin(Staff, Staff.id == AppUser.staff_id)
             .where(UserSession.revoked_at.is_(None), AppUser.active)
             .order_by(UserSession.last_seen_at.desc()))
    if not everyone:
        query = query.where(UserSession.user_id == actor.user_id)
    with Session(engine) as session:
        rows = session.exec(query).all()
    frame = pd.DataFrame([row._asdict() for row in rows],
                         columns=[*SESSION_COLUMNS[:-1], "role"])
    people = frame["role"] != "screen"
    stale = people & ((now - frame["last_seen_at"] > idle)
                      | (now - frame["created_at"] > WORKING_DAY)) if len(frame) else people
    frame = frame[~stale].drop(columns="role")
    frame["current"] = frame["id"] == actor.extra.get("session_id")
    return frame.reset_index(drop=True)


def end_session(engine: Engine, actor: Actor, session_id: int,
                now: datetime | None = None) -> None:
    """End one session: a user their own (another browser, a lost phone), an admin anyone's."""
    with Session(engine) as session:
        stored = session.get(UserSession, session_id)
    if stored is None or stored.revoked_at is not None:
        raise ValidationError("error.not_found")
    if stored.user_id != actor.user_id and not can(actor, "account.admin"):
        raise AccessDenied("error.access_denied", permission="account.admin")
    reason = "ended" if stored.user_id == actor.user_id else "admin"
    with write_session(engine) as session:
        session.execute(update(UserSession).where(UserSession.id == session_id)
                        .values(revoked_at=now or utcnow(), revoked_reason=reason))
        audit.log(session, actor, "session_ended", "user_session", session_id,
                  detail=f"user={stored.user_id}")
        session.commit()


def end_others(engine: Engine, actor: Actor, now: datetime | None = None) -> int:
    """Sign the actor out of every other browser (this one stays); returns how many ended."""
    with write_session(engine) as session:
        ended = end_all(session, actor.user_id, "ended", keep=actor.extra.get("session_id"),
                        now=now)
        if ended:
            audit.log(session, actor, "sessions_ended", "app_user", actor.user_id,
                      detail=f"n={ended}")
        session.commit()
    return ended


def password_login(engine: Engine, actor: Actor) -> bool:
    """Whether the actor signs in here with a password (not only through the municipality's
    login, and not a paired screen), so Min konto offers to change it."""
    if actor.role == "screen" or actor.extra.get("paired"):
        return False
    with Session(engine) as session:
        return session.exec(select(AppUser.password_hash)
                            .where(AppUser.id == actor.user_id)).first() is not None


def change_own_password(engine: Engine, actor: Actor, *, current_password: str,
                        new_password: str, confirmation: str, source: str | None = None) -> None:
    """Min konto: the user replaces their password. The current one is checked like a login
    (a wrong one counts toward the lock of the account and of `source`, the browser's address);
    this browser stays signed in, every other one of the user is signed out."""
    from model import auth  # auth imports this module for end_all

    if not password_login(engine, actor):
        raise AccessDenied("error.access_denied", permission="account.password")
    auth.check_new_password(new_password, confirmation)
    if auth.authenticate(engine, actor.username, current_password, source=source,
                         confirming=True) is None:
        raise ValidationError("error.current_password_wrong")
    auth.change_password(engine, actor, new_password=new_password, confirmation=confirmation)


# Paired meeting screens ----------------------------------------------------------------------

@dataclass(frozen=True)
class NewScreenLink:
    link_id: int
    token: str  # shown once, as the address the TV opens


def _screen_team(session: Session, actor: Actor, team_id: int) -> Team:
    require(actor, "tv.pair")
    team = session.get(Team, team_id)
    if team is None:
        raise ValidationError("error.not_found")
    if not actor.sees_all_teams and actor.team_id != team_id:
        raise AccessDenied("error.access_denied", permission="tv.pair")
    return team


def create_screen_link(engine: Engine, actor: Actor, *, team_id: int,
                       sprint_id: int | None = None, now: datetime | None = None) -> NewScreenLink:
    """A new screen link for a team's meeting screen (optionally pinned to one of its sprints),
    with its own screen account; the token is returned once and kept only as a hash."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with write_session(engine) as session:
        _screen_team(session, actor, team_id)
        if sprint_id is not None:
            sprint = session.get(Sprint, sprint_id)
            if sprint is None or sprint.team_id != team_id:
                raise ValidationError("error.screen_sprint_team")
        number = (session.exec(select(func.count()).select_from(ScreenLink)).one() or 0) + 1
        account = AppUser(username=f"skaerm-{number}-{secrets.token_hex(3)}", role="screen",
                          password_hash=None, created_at=now)
        session.add(account)
        session.flush()
        link = ScreenLink(token_hash=_hash(token), user_id=account.id, team_id=team_id,
                          sprint_id=sprint_id, created_by=actor.user_id, created_at=now)
        session.add(link)
        session.flush()
        audit.log(session, actor, "screen_paired", "screen_link", link.id,
                  detail=f"team={team_id} sprint={sprint_id or ''}")
        session.commit()
        return NewScreenLink(link.id, token)


def open_screen_link(engine: Engine, token: str, *, address: str | None = None,
                     user_agent: str = "", now: datetime | None = None) -> tuple[str, int,
                                                                                int | None] | None:
    """The TV opened its address: a new session for the link's screen account. Returns the
    session token, the team and the pinned sprint, or None for an unknown or revoked link."""
    now = now or utcnow()
    with Session(engine) as session:
        link = session.exec(select(ScreenLink).where(ScreenLink.token_hash == _hash(token))).first()
    if link is None or link.revoked_at is not None:
        return None
    session_token = start(engine, link.user_id, address=address, user_agent=user_agent, now=now,
                          screen_link_id=link.id)
    with write_session(engine) as session:
        session.add(AuditLog(user_id=link.user_id, action="login", table_name="app_user",
                             row_id=link.user_id, detail="screen link"))
        session.commit()
    return session_token, link.team_id, link.sprint_id


def screen_teams(engine: Engine, actor: Actor) -> pd.DataFrame:
    """The teams (id, name) the actor may pair a meeting screen with, by name."""
    require(actor, "tv.pair")
    query = select(Team.id, Team.name).order_by(Team.name)
    if not actor.sees_all_teams:
        query = query.where(Team.id == actor.team_id)
    with Session(engine) as session:
        rows = session.exec(query).all()
    return pd.DataFrame([row._asdict() for row in rows], columns=["id", "name"])


SCREEN_LINK_COLUMNS = ["id", "team", "sprint", "created_by", "created_at", "screens",
                       "last_seen_at"]


def screen_links(engine: Engine, actor: Actor) -> pd.DataFrame:
    """The links not revoked, of the teams the actor may pair, with how many TVs use each and
    when a TV last opened one (None: not opened yet)."""
    require(actor, "tv.pair")
    used = (select(UserSession.screen_link_id,
                   func.count().filter(UserSession.revoked_at.is_(None)).label("screens"),
                   func.max(UserSession.last_seen_at).label("last_seen_at"))
            .where(UserSession.screen_link_id.is_not(None))
            .group_by(UserSession.screen_link_id).subquery())
    query = (select(ScreenLink.id, Team.name.label("team"), Sprint.name.label("sprint"),
                    func.coalesce(Staff.name, AppUser.username).label("created_by"),
                    ScreenLink.created_at, func.coalesce(used.c.screens, 0).label("screens"),
                    used.c.last_seen_at)
             .join(Team, Team.id == ScreenLink.team_id)
             .outerjoin(Sprint, Sprint.id == ScreenLink.sprint_id)
             .join(AppUser, AppUser.id == ScreenLink.created_by)
             .outerjoin(Staff, Staff.id == AppUser.staff_id)
             .outerjoin(used, used.c.screen_link_id == ScreenLink.id)
             .where(ScreenLink.revoked_at.is_(None))
             .order_by(ScreenLink.created_at.desc(), ScreenLink.id.desc()))
    if not actor.sees_all_teams:
        query = query.where(ScreenLink.team_id == actor.team_id)
    with Session(engine) as session:
        rows = session.exec(query).all()
    return pd.DataFrame([row._asdict() for row in rows], columns=SCREEN_LINK_COLUMNS)


def revoke_screen_link(engine: Engine, actor: Actor, link_id: int,
                       now: datetime | None = None) -> None:
    """Stop a paired screen: the link, its sessions and its screen account end together."""
    now = now or utcnow()
    with write_session(engine) as session:
        link = session.get(ScreenLink, link_id)
        if link is None or link.revoked_at is not None:
            raise ValidationError("error.not_found")
        _screen_team(session, actor, link.team_id)
        link.revoked_at = now
        session.get(AppUser, link.user_id).active = False
        end_all(session, link.user_id, "revoked", now=now)
        audit.log(session, actor, "screen_revoked", "screen_link", link_id)
        session.commit()
