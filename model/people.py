"""Citizens (borgere) and staff: creation with validation, search, and the CPR guard."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit
from model.access import Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.tables import BENEFIT_TYPES, Citizen, Staff

# Something shaped like a CPR number: ddmmyy, optional dash or space, four digits.
CPR_PATTERN = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")
OLDEST_AGE = 100
YOUNGEST_AGE = 13


def contains_cpr(text: str | None) -> bool:
    return bool(text) and CPR_PATTERN.search(text) is not None


def check_free_text(*texts: str | None) -> None:
    """Refuse text that looks like it holds a CPR number; CPR numbers are never stored."""
    if any(contains_cpr(t) for t in texts):
        raise ValidationError("error.cpr_in_text")


def validate_birth_year(birth_year: int, today: date | None = None) -> None:
    year = (today or date.today()).year
    if not year - OLDEST_AGE <= birth_year <= year - YOUNGEST_AGE:
        raise ValidationError("error.birth_year", low=year - OLDEST_AGE, high=year - YOUNGEST_AGE)


def create_citizen_in(
    session: Session,
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    birth_year: int,
    target_group: str = "",
    benefit_type: str = "none",
    consultant_id: int | None = None,
    team_id: int | None = None,
    initiative_id: int | None = None,
    housing_area_id: int | None = None,
) -> Citizen:
    """Validate and add a citizen in the caller's transaction."""
    require(actor, "citizen.write")
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError("error.citizen_name_required")
    check_free_text(first_name, last_name, target_group)
    validate_birth_year(birth_year)
    if benefit_type not in BENEFIT_TYPES:
        raise ValidationError("error.unknown_benefit")
    citizen = Citizen(
        first_name=first_name, last_name=last_name, birth_year=birth_year,
        target_group=target_group.strip(), benefit_type=benefit_type,
        consultant_id=consultant_id, team_id=team_id if team_id is not None else actor.team_id,
        initiative_id=initiative_id, housing_area_id=housing_area_id,
    )
    session.add(citizen)
    session.flush()
    audit.log(session, actor, "create", "citizen", citizen.id)
    return citizen


def _visible_citizens(actor: Actor, stmt):
    if actor.sees_all_teams or actor.team_id is None:
        return stmt
    return stmt.where((Citizen.team_id == actor.team_id) | (Citizen.team_id.is_(None)))


def search_citizens(engine: Engine, actor: Actor, query: str = "", limit: int = 50) -> pd.DataFrame:
    """Citizens whose name matches the query, within the actor's teams; the search is logged."""
    require(actor, "citizen.read")
    stmt = select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.birth_year,
                  Citizen.target_group)
    words = query.strip().split()
    for word in words:
        like = f"%{word}%"
        stmt = stmt.where(or_(Citizen.first_name.ilike(like), Citizen.last_name.ilike(like)))
    stmt = _visible_citizens(actor, stmt).order_by(Citizen.last_name, Citizen.first_name).limit(limit)
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        audit.log(session, actor, "search", "citizen", None, detail=f"q={query.strip()[:80]}")
        session.commit()
    return pd.DataFrame(rows, columns=["id", "first_name", "last_name", "birth_year", "target_group"])


def list_staff(engine: Engine, actor: Actor, roles: tuple[str, ...] = ("consultant",)) -> pd.DataFrame:
    """Active staff with the given roles, by name."""
    require(actor, "staff.read")
    with Session(engine) as session:
        rows = session.exec(
            select(Staff.id, Staff.name, Staff.initials, Staff.team_id)
            .where(Staff.active, Staff.role.in_(roles)).order_by(Staff.name)
        ).all()
    return pd.DataFrame(rows, columns=["id", "name", "initials", "team_id"])
