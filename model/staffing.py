"""Teams, staff members (medarbejdere) and initiatives (indsatser): what a municipality sets up
before its first week can be planned.

Who may change what:
- teams: admins only (a team decides which citizens and sprints people see);
- staff members: admins, and leaders for their own team's consultants, caseworkers and mentors
  (a leader may neither move someone to another team nor give or change the leader or admin role);
- initiatives: admins and leaders (leaders report on them to the funders).

Deactivating a staff member deactivates their accounts in the same transaction (someone who has
left must not keep a login); reactivating the staff member leaves the accounts as they are, for an
admin to reactivate under Brugere. Changing a staff member's role changes their accounts' role too:
an account takes its role from its staff member.

The tables have no version column, so an edit names the row as it was read (`expected`) and is
refused if the stored row differs (someone saved in between): nothing is overwritten unseen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from model import audit, sessions, validation
from model.access import Actor, can, require
from model.db import write_session
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.people import MAX_NAME
from model.tables import AppUser, Citizen, Initiative, Staff, Team
from model.validation import check_free_text

# The roles a staff member can have (the screen role belongs to an account without a person).
STAFF_MEMBER_ROLES = ("consultant", "caseworker", "mentor", "leader", "admin")
# What a leader may give their own team's members.
LEADER_GIVES = frozenset({"consultant", "caseworker", "mentor"})
MAX_TEAM_NAME = 80
MAX_INITIATIVE_NAME = 120
MAX_FUNDER = 200
MAX_DESCRIPTION = 1000
INITIALS = re.compile(r"[^\W\d_]{2,4}")
# PostgreSQL: staff writes take this transaction lock, so two saves cannot both pass the
# initials check (SQLite's BEGIN IMMEDIATE already serialises writers).
STAFF_LOCK = 3940


# --- Pure rules -------------------------------------------------------------------------------


def clean_initials(text: str | None) -> str:
    """Initials as stored: 2-4 letters (æ, ø, å included), upper case."""
    initials = (text or "").strip().upper()
    if not INITIALS.fullmatch(initials):
        raise ValidationError("error.initials_invalid")
    return initials


def _name_parts(name: str) -> list[str]:
    return [part for part in re.split(r"[\s\-']+", name.upper()) if part and part[0].isalpha()]


def suggest_initials(name: str, taken: Iterable[str] = ()) -> str:
    """Initials from a name that no one in `taken` has: "Sanne Ibsen" -> "SI", then "SAI",
    "SIB", ...; "" when the name gives none that is free (then the user types them)."""
    parts = [[c for c in part if c.isalpha()] for part in _name_parts(name or "")]
    parts = [part for part in parts if part]
    if not parts:
        return ""
    first, last = parts[0], parts[-1]
    candidates = []
    if len(parts) == 1:
        candidates += ["".join(first[:n]) for n in (2, 3, 4)]
    else:
        candidates.append(first[0] + last[0])
        if len(parts) > 2:
            candidates.append("".join(part[0] for part in parts)[:4])
        candidates += ["".join(first[:2]) + last[0], first[0] + "".join(last[:2]),
                       "".join(first[:2]) + "".join(last[:2]), first[0] + "".join(last[:3]),
                       "".join(first[:3]) + last[0]]
    used = {initials.upper() for initials in taken}
    return next((c for c in candidates if INITIALS.fullmatch(c) and c not in used), "")


def clean_team_name(name: str | None) -> str:
    text = validation.clean_line(name, MAX_TEAM_NAME, too_long="error.team_name_too_long")
    check_free_text(text)
    if not text:
        raise ValidationError("error.team_name_required")
    return text


def clean_staff_name(name: str | None) -> str:
    """A staff member's full name: one line of letters (as a citizen's name), at most MAX_NAME."""
    text = validation.clean_line(name, MAX_NAME, too_long="error.staff_name_too_long")
    check_free_text(text)
    validation.check_person_name(text)
    if not text:
        raise ValidationError("error.staff_name_required")
    return text


def check_staff_role(role: str) -> str:
    if role not in STAFF_MEMBER_ROLES:
        raise ValidationError("error.staff_role_unknown")
    return role


def check_leader_scope(actor: Actor, *, team_id: int | None, role: str) -> None:
    """A leader changes only their own team's consultants, caseworkers and mentors."""
    if actor.role == "admin":
        return
    if actor.team_id is None or team_id != actor.team_id:
        raise AccessDenied("error.staff_own_team_only", permission="staff.edit")
    if role not in LEADER_GIVES:
        raise AccessDenied("error.staff_role_admin_only", permission="staff.edit")


def clean_initiative_fields(*, name: str | None, start_date: date | None, end_date: date | None,
                            funder: str | None, description: str | None = "") -> dict:
    """The fields of an initiative as stored, or a ValidationError naming the first bad one."""
    text = validation.clean_line(name, MAX_INITIATIVE_NAME, too_long="error.initiative_name_too_long")
    check_free_text(text)
    if not text:
        raise ValidationError("error.initiative_name_required")
    start = validation.check_date(start_date)
    end = validation.check_date(end_date)
    if start and end and end < start:
        raise ValidationError("error.initiative_end_before_start")
    funder_text = validation.clean_line(funder, MAX_FUNDER, too_long="error.funder_too_long")
    about = validation.clean_text(description, MAX_DESCRIPTION)
    check_free_text(funder_text, about)
    return {"name": text, "start_date": start, "end_date": end, "funder": funder_text,
            "description": about}


# --- Teams ------------------------------------------------------------------------------------


def list_teams(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Every team with its number of active staff members and of citizens (counted in SQL)."""
    require(actor, "staff.read")
    staff = (select(Staff.team_id, func.count(Staff.id).label("n")).where(Staff.active)
             .group_by(Staff.team_id).subquery())
    citizens = (select(Citizen.team_id, func.count(Citizen.id).label("n"))
                .group_by(Citizen.team_id).subquery())
    stmt = (select(Team.id, Team.name, func.coalesce(staff.c.n, 0), func.coalesce(citizens.c.n, 0))
            .outerjoin(staff, staff.c.team_id == Team.id)
            .outerjoin(citizens, citizens.c.team_id == Team.id)
            .order_by(Team.name))
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "name", "staff", "citizens"])


def _team_name_taken(session: Session, name: str, other_than: int | None = None) -> bool:
    stmt = select(Team.id).where(func.lower(Team.name) == name.lower())
    if other_than is not None:
        stmt = stmt.where(Team.id != other_than)
    return session.exec(stmt).first() is not None


def add_team(session: Session, actor: Actor, name: str) -> Team:
    """Create a team in the caller's transaction (the form and the staff import use it)."""
    require(actor, "team.edit")
    name = clean_team_name(name)
    if _team_name_taken(session, name):
        raise ValidationError("error.team_name_taken", name=name)
    team = Team(name=name)
    session.add(team)
    session.flush()
    audit.log(session, actor, "create", "team", team.id, detail=name)
    return team


def create_team(engine: Engine, actor: Actor, *, name: str) -> int:
    """Create a team; its name is unique (whatever the case)."""
    require(actor, "team.edit")
    with write_session(engine) as session:
        try:
            team_id = add_team(session, actor, name).id
            session.commit()
        except IntegrityError:
            raise ValidationError("error.team_name_taken", name=name.strip()) from None
    return team_id


def rename_team(engine: Engine, actor: Actor, team_id: int, *, expected_name: str, name: str) -> None:
    """Rename a team; refused if it was renamed since the form was filled (`expected_name`)."""
    require(actor, "team.edit")
    name = clean_team_name(name)
    with write_session(engine) as session:
        if session.get(Team, team_id) is None:
            raise ValidationError("error.not_found")
        if _team_name_taken(session, name, other_than=team_id):
            raise ValidationError("error.team_name_taken", name=name)
        result = session.execute(update(Team).where(Team.id == team_id, Team.name == expected_name)
                                 .values(name=name))
        if result.rowcount != 1:
            raise StaleVersion("error.stale_team")
        audit.log(session, actor, "update", "team", team_id, detail=f"{expected_name} -> {name}")
        session.commit()


# --- Staff members ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    """A staff row as read; an edit passes it back as what it expects to change."""

    id: int
    name: str
    initials: str
    role: str
    team_id: int | None
    active: bool


STAFF_COLUMNS = ["id", "name", "initials", "role", "team_id", "team", "active", "accounts"]


def list_staff_members(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Every staff member, active or not, with team and the usernames of their active accounts."""
    require(actor, "staff.read")
    with Session(engine) as session:
        rows = session.execute(
            select(Staff.id, Staff.name, Staff.initials, Staff.role, Staff.team_id, Team.name,
                   Staff.active)
            .outerjoin(Team, Team.id == Staff.team_id)
            .order_by(Team.name, Staff.name, Staff.id)).all()
        accounts: dict[int, list[str]] = {}
        for staff_id, username in session.execute(
                select(AppUser.staff_id, AppUser.username)
                .where(AppUser.staff_id.is_not(None), AppUser.active).order_by(AppUser.username)):
            accounts.setdefault(staff_id, []).append(username)
    return pd.DataFrame(
        [(sid, name, initials, role, team_id, team or "", bool(active),
          ", ".join(accounts.get(sid, [])))
         for sid, name, initials, role, team_id, team, active in rows],
        columns=STAFF_COLUMNS).astype({"team_id": "Int64"})


def get_staff(engine: Engine, actor: Actor, staff_id: int) -> StaffMember:
    require(actor, "staff.read")
    with Session(engine) as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise ValidationError("error.not_found")
        return _member(staff)


def _member(staff: Staff) -> StaffMember:
    return StaffMember(id=staff.id, name=staff.name, initials=staff.initials, role=staff.role,
                       team_id=staff.team_id, active=bool(staff.active))


def lock_staff(session: Session) -> None:
    """Serialise staff writes on PostgreSQL for the rest of the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(func.pg_advisory_xact_lock(STAFF_LOCK)))


def team_initials(session: Session, team_id: int | None, *, other_than: int | None = None) -> dict[str, str]:
    """The initials in use in a team (or among staff of no team), each with whose they are."""
    same_team = Staff.team_id.is_(None) if team_id is None else Staff.team_id == team_id
    stmt = select(Staff.initials, Staff.name).where(same_team)
    if other_than is not None:
        stmt = stmt.where(Staff.id != other_than)
    return {initials.upper(): name for initials, name in session.exec(stmt).all()}


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise ValidationError("error.not_found")


def _initials_for(name: str, initials: str | None, taken: dict[str, str]) -> str:
    """The typed initials if free in the team, else a refusal naming their owner and a free
    suggestion; blank initials are suggested from the name."""
    if not (initials or "").strip():
        suggested = suggest_initials(name, taken)
        if not suggested:
            raise ValidationError("error.initials_required")
        return suggested
    cleaned = clean_initials(initials)
    if cleaned in taken:
        raise ValidationError("error.initials_taken", initials=cleaned, name=taken[cleaned],
                              suggestion=suggest_initials(name, taken) or "-")
    return cleaned


def create_staff(engine: Engine, actor: Actor, *, name: str, role: str, team_id: int | None,
                 initials: str | None = None, active: bool = True) -> StaffMember:
    """Create a staff member; blank initials are suggested from the name (free in the team)."""
    require(actor, "staff.edit")
    name = clean_staff_name(name)
    check_staff_role(role)
    check_leader_scope(actor, team_id=team_id, role=role)
    with write_session(engine) as session:
        lock_staff(session)
        _check_team(session, team_id)
        chosen = _initials_for(name, initials, team_initials(session, team_id))
        staff = Staff(name=name, initials=chosen, role=role, team_id=team_id, active=bool(active))
        session.add(staff)
        session.flush()
        audit.log(session, actor, "create", "staff", staff.id,
                  detail=f"initials={chosen} role={role} team={team_id}")
        member = _member(staff)
        session.commit()
    return member


@dataclass(frozen=True)
class StaffSaved:
    """What saving a staff member did beside the row: accounts deactivated or given a new role."""

    member: StaffMember
    accounts_deactivated: tuple[str, ...] = ()
    accounts_new_role: tuple[str, ...] = ()


def update_staff(engine: Engine, actor: Actor, staff_id: int, *, expected: StaffMember, name: str,
                 initials: str | None, role: str, team_id: int | None, active: bool) -> StaffSaved:
    """Edit a staff member. Deactivating deactivates their active accounts too, and a new role
    becomes their accounts' role; both in the same transaction, each audited. Refused if the row
    changed since `expected` was read, and for one's own role or active flag."""
    require(actor, "staff.edit")
    name = clean_staff_name(name)
    check_staff_role(role)
    # A leader may touch only their team's members, and only within their team.
    check_leader_scope(actor, team_id=expected.team_id, role=expected.role)
    check_leader_scope(actor, team_id=team_id, role=role)
    if staff_id == actor.staff_id and (role != expected.role or not active):
        raise ValidationError("error.staff_self")
    with write_session(engine) as session:
        lock_staff(session)
        stored = session.get(Staff, staff_id)
        if stored is None:
            raise ValidationError("error.not_found")
        if _member(stored) != expected:
            raise StaleVersion("error.stale_staff")
        _check_team(session, team_id)
        taken = team_initials(session, team_id, other_than=staff_id)
        chosen = _initials_for(name, initials, taken)
        stored.name, stored.initials, stored.role = name, chosen, role
        stored.team_id, stored.active = team_id, bool(active)
        changes = [f"{field}={getattr(stored, field)}" for field in
                   ("name", "initials", "role", "team_id", "active")
                   if getattr(expected, field) != getattr(stored, field)]
        audit.log(session, actor, "update", "staff", staff_id, detail=" ".join(changes)[:500])
        accounts = session.exec(select(AppUser).where(AppUser.staff_id == staff_id)).all()
        deactivated, new_role = [], []
        for account in accounts:
            if not active and account.active:
                account.active = False
                sessions.end_all(session, account.id, "inactive")
                deactivated.append(account.username)
                audit.log(session, actor, "deactivate", "app_user", account.id,
                          detail=f"staff {staff_id} deactivated")
            if account.role != role:
                account.role = role
                new_role.append(account.username)
                audit.log(session, actor, "update", "app_user", account.id,
                          detail=f"role={role} (staff {staff_id})")
        member = _member(stored)
        session.commit()
    return StaffSaved(member, tuple(deactivated), tuple(new_role))


# --- Initiatives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeRow:
    """An initiative as read; an edit passes it back as what it expects to change."""

    id: int
    name: str
    description: str
    start_date: date | None
    end_date: date | None
    funder: str


INITIATIVE_COLUMNS = ["id", "name", "start_date", "end_date", "funder", "description", "citizens"]


def list_initiatives(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Every initiative with its dates, funder and number of citizens (counted in SQL)."""
    require(actor, "staff.read")
    citizens = (select(Citizen.initiative_id, func.count(Citizen.id).label("n"))
                .group_by(Citizen.initiative_id).subquery())
    stmt = (select(Initiative.id, Initiative.name, Initiative.start_date, Initiative.end_date,
                   Initiative.funder, Initiative.description, func.coalesce(citizens.c.n, 0))
            .outerjoin(citizens, citizens.c.initiative_id == Initiative.id)
            .order_by(Initiative.name))
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=INITIATIVE_COLUMNS)


def get_initiative(engine: Engine, actor: Actor, initiative_id: int) -> InitiativeRow:
    require(actor, "staff.read")
    with Session(engine) as session:
        row = session.get(Initiative, initiative_id)
        if row is None:
            raise ValidationError("error.not_found")
        return _initiative(row)


def _initiative(row: Initiative) -> InitiativeRow:
    return InitiativeRow(id=row.id, name=row.name, description=row.description or "",
                         start_date=row.start_date, end_date=row.end_date, funder=row.funder or "")


def initiative_name_taken(session: Session, name: str, other_than: int | None = None) -> bool:
    stmt = select(Initiative.id).where(func.lower(Initiative.name) == name.lower())
    if other_than is not None:
        stmt = stmt.where(Initiative.id != other_than)
    return session.exec(stmt).first() is not None


def create_initiative(engine: Engine, actor: Actor, *, name: str, start_date: date | None = None,
                      end_date: date | None = None, funder: str = "", description: str = "") -> int:
    """Create an initiative (indsats); its name is unique (whatever the case)."""
    require(actor, "initiative.edit")
    fields = clean_initiative_fields(name=name, start_date=start_date, end_date=end_date,
                                     funder=funder, description=description)
    with write_session(engine) as session:
        if initiative_name_taken(session, fields["name"]):
            raise ValidationError("error.initiative_name_taken", name=fields["name"])
        row = Initiative(**fields)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise ValidationError("error.initiative_name_taken", name=fields["name"]) from None
        audit.log(session, actor, "create", "initiative", row.id, detail=fields["name"])
        session.commit()
        return row.id


def update_initiative(engine: Engine, actor: Actor, initiative_id: int, *, expected: InitiativeRow,
                      name: str, start_date: date | None, end_date: date | None, funder: str,
                      description: str = "") -> None:
    """Edit an initiative; refused if it changed since `expected` was read."""
    require(actor, "initiative.edit")
    fields = clean_initiative_fields(name=name, start_date=start_date, end_date=end_date,
                                     funder=funder, description=description)
    with write_session(engine) as session:
        stored = session.get(Initiative, initiative_id)
        if stored is None:
            raise ValidationError("error.not_found")
        if _initiative(stored) != expected:
            raise StaleVersion("error.stale_initiative")
        if initiative_name_taken(session, fields["name"], other_than=initiative_id):
            raise ValidationError("error.initiative_name_taken", name=fields["name"])
        for field, value in fields.items():
            setattr(stored, field, value)
        audit.log(session, actor, "update", "initiative", initiative_id, detail=fields["name"])
        session.commit()


def may_edit_staff(actor: Actor, *, team_id: int | None = None, role: str | None = None) -> bool:
    """Whether the page offers editing: every staff member to admins, their own team's
    consultants, caseworkers and mentors to leaders; without a member, whether any at all."""
    if not can(actor, "staff.edit"):
        return False
    if role is None or actor.role == "admin":
        return True
    return team_id is not None and team_id == actor.team_id and role in LEADER_GIVES
