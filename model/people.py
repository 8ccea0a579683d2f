"""Citizens (borgere) and staff: creation and editing with validation, search, profile and timeline."""

from __future__ import annotations

import numbers
import re
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import exists, func, or_, true, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock, validation
from model.access import Actor, require
from model.db import write_session
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.paging import Page
from model.tables import (
    BENEFIT_TYPES,
    Citizen,
    HousingArea,
    Initiative,
    Placement,
    Staff,
    utcnow,
)
from model.validation import check_free_text, contains_cpr

# An external reference of ten digits (optionally split 6-4) could be a mistyped CPR number.
TEN_DIGITS = re.compile(r"\d{6}[-\s]?\d{4}")
OLDEST_AGE = 100
YOUNGEST_AGE = 13
MATCH_GROUPS = (1, 2, 3)
MAX_NAME = 80
MAX_TAG = 40
MAX_TAGS = 20
MAX_EXTERNAL_REF = 40
DAGPENGE_END_PAST = timedelta(days=365)
DAGPENGE_END_AHEAD = timedelta(days=3 * 365)
# The fields a citizen form may set; create_citizen and update_citizen take these.
CITIZEN_FIELDS = ("first_name", "last_name", "birth_year", "target_group", "benefit_type",
                  "match_group", "dagpenge_end_date", "housing_area_id", "initiative_id",
                  "consultant_id", "team_id", "wishes", "qualifications", "external_ref")


def validate_birth_year(birth_year: int, today: date | None = None) -> None:
    year = (today or clock.today()).year
    if not year - OLDEST_AGE <= birth_year <= year - YOUNGEST_AGE:
        raise ValidationError("error.birth_year", low=year - OLDEST_AGE, high=year - YOUNGEST_AGE)


def validate_dagpenge_end(end: date, today: date | None = None) -> None:
    """The day the right to dagpenge runs out: at most a year ago (still worth mapping) and at
    most three years ahead (the dagpenge period is two years, plus room for re-earning it)."""
    today = today or clock.today()
    low, high = today - DAGPENGE_END_PAST, today + DAGPENGE_END_AHEAD
    if not low <= end <= high:
        raise ValidationError("error.dagpenge_end_range", low=low.strftime("%d-%m-%Y"),
                              high=high.strftime("%d-%m-%Y"))


def _short_text(value: str | None, limit: int) -> str:
    return validation.clean_line(value, limit, too_long="error.citizen_text_too_long")


def clean_person_name(value: str | None) -> str:
    """A first or last name: one trimmed line of letters, no CPR number; "" when empty."""
    name = _short_text(value, MAX_NAME)
    check_free_text(name)
    validation.check_person_name(name)
    return name


def clean_tags(tags: list[str] | tuple[str, ...] | None) -> list[str]:
    """Wishes or qualifications as tags: trimmed, lower case (so "Kørekort B" counts as "kørekort b"
    in the area overview), inner spaces collapsed, without empties and repeats, no CPR numbers."""
    if isinstance(tags, str):
        tags = [tags]  # one tag typed where a list was expected
    if tags is not None and not isinstance(tags, list | tuple):
        raise ValidationError("error.text_not_text")
    cleaned: list[str] = []
    for tag in tags or []:
        text = " ".join(_short_text(str(tag), MAX_TAG).split()).lower()
        if text and text not in cleaned:
            cleaned.append(text)
    check_free_text(*cleaned)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError("error.too_many_tags", max=MAX_TAGS)
    return cleaned


def clean_external_ref(external_ref: str | None) -> str | None:
    """The optional case reference of another system; it must never be (or hold) a CPR number."""
    ref = _short_text(external_ref, MAX_EXTERNAL_REF)
    if contains_cpr(ref) or TEN_DIGITS.fullmatch(validation.ascii_digits(ref)):
        raise ValidationError("error.external_ref_cpr")
    return ref or None


def clean_citizen_fields(
    *,
    first_name: str,
    last_name: str,
    birth_year: int,
    target_group: str = "",
    benefit_type: str = "none",
    match_group: int | None = None,
    dagpenge_end_date: date | None = None,
    wishes: list[str] | None = None,
    qualifications: list[str] | None = None,
    external_ref: str | None = None,
    today: date | None = None,
    new_birth_year: bool = True,
    new_dagpenge_end: bool = True,
) -> dict:
    """Validate a citizen's own fields and return them trimmed; raises ValidationError.

    `new_birth_year=False` when an unchanged birth year is saved again: it stays valid even
    after the citizen has passed the oldest plausible age; likewise `new_dagpenge_end=False`
    for an unchanged dagpenge end date that has since moved out of the plausible range.
    """
    first_name, last_name = clean_person_name(first_name), clean_person_name(last_name)
    if not first_name or not last_name:
        raise ValidationError("error.citizen_name_required")
    target_group = _short_text(target_group, MAX_NAME)
    check_free_text(first_name, last_name, target_group)
    if isinstance(birth_year, bool) or not isinstance(birth_year, numbers.Integral):
        raise ValidationError("error.birth_year_number")
    birth_year = int(birth_year)
    if new_birth_year:
        validate_birth_year(birth_year, today)
    if benefit_type not in BENEFIT_TYPES:
        raise ValidationError("error.unknown_benefit")
    if match_group is not None:
        if isinstance(match_group, bool) or match_group not in MATCH_GROUPS:
            raise ValidationError("error.match_group", low=MATCH_GROUPS[0], high=MATCH_GROUPS[-1])
        match_group = int(match_group)
    dagpenge_end_date = validation.check_date(dagpenge_end_date)
    if dagpenge_end_date is not None and benefit_type != "dagpenge":
        raise ValidationError("error.dagpenge_end_without_dagpenge")
    if dagpenge_end_date is not None and new_dagpenge_end:
        validate_dagpenge_end(dagpenge_end_date, today)
    return dict(first_name=first_name, last_name=last_name, birth_year=birth_year,
                target_group=target_group, benefit_type=benefit_type, match_group=match_group,
                dagpenge_end_date=dagpenge_end_date, wishes=clean_tags(wishes),
                qualifications=clean_tags(qualifications), external_ref=clean_external_ref(external_ref))


def _check_references(session: Session, *, housing_area_id: int | None, initiative_id: int | None,
                      consultant_id: int | None) -> None:
    for table, row_id in ((HousingArea, housing_area_id), (Initiative, initiative_id),
                          (Staff, consultant_id)):
        if row_id is not None and session.get(table, row_id) is None:
            raise ValidationError("error.citizen_unknown_reference")


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
    match_group: int | None = None,
    dagpenge_end_date: date | None = None,
    wishes: list[str] | None = None,
    qualifications: list[str] | None = None,
    external_ref: str | None = None,
) -> Citizen:
    """Validate and add a citizen in the caller's transaction."""
    require(actor, "citizen.write")
    fields = clean_citizen_fields(
        first_name=first_name, last_name=last_name, birth_year=birth_year,
        target_group=target_group, benefit_type=benefit_type, match_group=match_group,
        dagpenge_end_date=dagpenge_end_date, wishes=wishes, qualifications=qualifications,
        external_ref=external_ref)
    _check_references(session, housing_area_id=housing_area_id, initiative_id=initiative_id,
                      consultant_id=consultant_id)
    citizen = Citizen(
        **fields, consultant_id=consultant_id,
        team_id=team_id if team_id is not None else actor.team_id,
        initiative_id=initiative_id, housing_area_id=housing_area_id,
    )
    session.add(citizen)
    session.flush()
    audit.log(session, actor, "create", "citizen", citizen.id)
    return citizen


def _check_team(actor: Actor, team_id: int | None) -> None:
    # Only roles that see every team may place a citizen in another team than their own.
    if team_id is not None and not actor.sees_all_teams and team_id != actor.team_id:
        raise AccessDenied("error.access_denied", permission="citizen.write")


def create_citizen(engine: Engine, actor: Actor, **fields) -> int:
    """Register a citizen (borger) with the form's fields in one transaction; returns the id."""
    require(actor, "citizen.write")
    unknown = set(fields) - set(CITIZEN_FIELDS)
    if unknown:
        raise TypeError(f"unknown citizen fields: {sorted(unknown)}")
    _check_team(actor, fields.get("team_id"))
    with write_session(engine) as session:
        citizen = create_citizen_in(session, actor, **fields)
        session.commit()
        return citizen.id


def visible_citizens(actor: Actor, stmt):
    """Limit a citizen query to the actor's team and citizens of no team; admins and leaders see
    every team. Staff without a team see only citizens of no team (never everyone)."""
    if actor.sees_all_teams:
        return stmt
    if actor.team_id is None:
        return stmt.where(Citizen.team_id.is_(None))
    return stmt.where((Citizen.team_id == actor.team_id) | (Citizen.team_id.is_(None)))


def visible_citizen(session: Session, actor: Actor, citizen_id: int) -> Citizen | None:
    """The citizen if the actor may see them, else None."""
    return session.exec(visible_citizens(actor, select(Citizen).where(Citizen.id == citizen_id))).first()


def get_citizen(engine: Engine, actor: Actor, citizen_id: int) -> Citizen:
    """One citizen within the actor's teams; the view is logged, and so is a refused one."""
    require(actor, "citizen.read")
    with write_session(engine) as session:
        citizen = visible_citizen(session, actor, citizen_id)
        if citizen is None:
            audit.log(session, actor, "view_refused", "citizen", citizen_id)
            session.commit()
            raise ValidationError("error.not_found")
        session.expunge(citizen)
        audit.log(session, actor, "view", "citizen", citizen_id)
        session.commit()
    return citizen


def update_citizen(engine: Engine, actor: Actor, citizen_id: int, *, expected_version: int,
                   **fields) -> None:
    """Change a citizen's fields; refused if someone else saved the citizen first."""
    require(actor, "citizen.write")
    unknown = set(fields) - set(CITIZEN_FIELDS)
    if unknown:
        raise TypeError(f"unknown citizen fields: {sorted(unknown)}")
    with write_session(engine) as session:
        current = visible_citizen(session, actor, citizen_id)
        if current is None:
            audit.log(session, actor, "update_refused", "citizen", citizen_id)
            session.commit()
            raise ValidationError("error.not_found")
        if "team_id" in fields and fields["team_id"] != current.team_id and not actor.sees_all_teams:
            # Moving a citizen out of the team (or to no team, visible to all) is a leader's call.
            raise AccessDenied("error.access_denied", permission="citizen.write")
        merged = {name: getattr(current, name) for name in CITIZEN_FIELDS} | fields
        own = {k: merged[k] for k in ("first_name", "last_name", "birth_year", "target_group",
                                      "benefit_type", "match_group", "dagpenge_end_date",
                                      "wishes", "qualifications", "external_ref")}
        clean = clean_citizen_fields(
            **own, new_birth_year=merged["birth_year"] != current.birth_year,
            new_dagpenge_end=merged["dagpenge_end_date"] != current.dagpenge_end_date)
        _check_references(session, housing_area_id=merged["housing_area_id"],
                          initiative_id=merged["initiative_id"],
                          consultant_id=merged["consultant_id"])
        values = clean | {k: merged[k] for k in ("housing_area_id", "initiative_id",
                                                 "consultant_id", "team_id")}
        changed = sorted(k for k, v in values.items() if getattr(current, k) != v)
        result = session.execute(
            update(Citizen)
            .where(Citizen.id == citizen_id, Citizen.version == expected_version)
            .values(**values, updated_at=utcnow(), version=Citizen.version + 1)
        )
        if result.rowcount != 1:
            session.rollback()
            raise StaleVersion("error.stale_citizen")
        audit.log(session, actor, "update", "citizen", citizen_id, detail=",".join(changed))
        session.commit()


def search_citizens(engine: Engine, actor: Actor, query: str = "", limit: int = 50) -> pd.DataFrame:
    """Citizens whose name matches the query, within the actor's teams; the search is logged."""
    require(actor, "citizen.read")
    check_free_text(query)
    stmt = select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.birth_year,
                  Citizen.target_group)
    words = query.strip().split()
    for word in words:
        like = f"%{word}%"
        stmt = stmt.where(or_(Citizen.first_name.ilike(like), Citizen.last_name.ilike(like)))
    stmt = visible_citizens(actor, stmt).order_by(Citizen.last_name, Citizen.first_name).limit(limit)
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        # The ids shown, not the words typed to find them.
        audit.log_search(session, actor, "citizen", f"by_name;rows={len(rows)}",
                         citizen_ids=[row[0] for row in rows])
        session.commit()
    return pd.DataFrame(rows, columns=["id", "first_name", "last_name", "birth_year", "target_group"])


def _active_placement():
    """True in SQL when the citizen has a placement running now."""
    return exists().where(Placement.citizen_id == Citizen.id, Placement.status == "active")


CITIZEN_LIST_COLUMNS = ["id", "first_name", "last_name", "birth_year", "target_group",
                        "benefit_type", "match_group", "dagpenge_end_date", "housing_area",
                        "initiative", "consultant", "external_ref", "active_placement"]


def list_citizens(
    engine: Engine,
    actor: Actor,
    *,
    query: str = "",
    target_group: str | None = None,
    housing_area_id: int | None = None,
    initiative_id: int | None = None,
    consultant_id: int | None = None,
    active_placement: bool | None = None,
) -> pd.DataFrame:
    """Citizens within the actor's teams matching a name search and filters; the search is logged."""
    return citizen_page(engine, actor, query=query, target_group=target_group,
                        housing_area_id=housing_area_id, initiative_id=initiative_id,
                        consultant_id=consultant_id, active_placement=active_placement).rows


def citizen_page(
    engine: Engine,
    actor: Actor,
    *,
    query: str = "",
    target_group: str | None = None,
    housing_area_id: int | None = None,
    initiative_id: int | None = None,
    consultant_id: int | None = None,
    active_placement: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page:
    """list_citizens by name, `limit` rows from `offset` on, and how many match in all."""
    require(actor, "citizen.read")
    check_free_text(query)
    active = _active_placement()
    criteria = [or_(Citizen.first_name.ilike(f"%{word}%"), Citizen.last_name.ilike(f"%{word}%"),
                    Citizen.external_ref.ilike(f"%{word}%")) for word in query.strip().split()]
    chosen = {"target_group": target_group, "housing_area_id": housing_area_id,
              "initiative_id": initiative_id, "consultant_id": consultant_id}
    criteria += [getattr(Citizen, name) == value for name, value in chosen.items()
                 if value is not None]
    if active_placement is not None:
        criteria.append(active if active_placement else ~active)
    stmt = (
        select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.birth_year,
               Citizen.target_group, Citizen.benefit_type, Citizen.match_group,
               Citizen.dagpenge_end_date, HousingArea.name, Initiative.name, Staff.name,
               Citizen.external_ref, active.label("active_placement"))
        .outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
        .outerjoin(Initiative, Initiative.id == Citizen.initiative_id)
        .outerjoin(Staff, Staff.id == Citizen.consultant_id)
        .where(*criteria)
    )
    stmt = visible_citizens(actor, stmt).order_by(Citizen.last_name, Citizen.first_name, Citizen.id)
    logged = {"by_name": bool(query.strip()) or None, **chosen, "active_placement": active_placement}
    with write_session(engine) as session:
        rows = session.exec(stmt.limit(limit).offset(offset if limit is not None else None)).all()
        total = len(rows) if limit is None else int(session.exec(visible_citizens(
            actor, select(func.count(Citizen.id)).where(*criteria))).one())
        detail = ";".join(f"{k}={v}" for k, v in logged.items() if v not in (None, ""))
        audit.log_search(session, actor, "citizen", f"{detail};rows={len(rows)}"
                         + (f";of={total};from={offset}" if limit is not None else ""),
                         citizen_ids=[row[0] for row in rows])
        session.commit()
    frame = pd.DataFrame(rows, columns=CITIZEN_LIST_COLUMNS)
    frame["active_placement"] = frame["active_placement"].astype(bool)
    frame["match_group"] = frame["match_group"].astype("Int64")
    return Page(frame, total, offset)


def filter_options(engine: Engine, actor: Actor) -> dict[str, pd.DataFrame]:
    """The choices of the citizen filters and forms: target groups, areas, initiatives, consultants."""
    require(actor, "citizen.read")
    consultants = select(Staff.id, Staff.name, Staff.initials).where(
        Staff.active, Staff.role == "consultant")
    if not actor.sees_all_teams and actor.team_id is not None:
        consultants = consultants.where(Staff.team_id == actor.team_id)
    with Session(engine) as session:
        groups = session.exec(visible_citizens(actor, (
            select(Citizen.target_group, func.count())
            .where(Citizen.target_group != "")
            .group_by(Citizen.target_group).order_by(Citizen.target_group)))).all()
        areas = session.exec(select(HousingArea.id, HousingArea.name, HousingArea.municipality)
                             .order_by(HousingArea.name)).all()
        initiatives = session.exec(select(Initiative.id, Initiative.name)
                                   .order_by(Initiative.name)).all()
        staff = session.exec(consultants.order_by(Staff.name)).all()
    return {
        "target_groups": pd.DataFrame(groups, columns=["target_group", "citizens"]),
        "housing_areas": pd.DataFrame(areas, columns=["id", "name", "municipality"]),
        "initiatives": pd.DataFrame(initiatives, columns=["id", "name"]),
        "consultants": pd.DataFrame(staff, columns=["id", "name", "initials"]),
    }


# Tag suggestions come from this many of the most recently updated citizens: the words in use
# now, read without unpacking every citizen's tags on each rerun of the form.
TAG_SAMPLE = 2000


def tag_suggestions(engine: Engine, actor: Actor) -> dict[str, list[str]]:
    """Wishes and qualifications in use within the actor's teams (among the TAG_SAMPLE most
    recently updated citizens), most used first."""
    require(actor, "citizen.read")
    recent = visible_citizens(actor, select(Citizen.id, Citizen.wishes, Citizen.qualifications)
                              .order_by(Citizen.updated_at.desc()).limit(TAG_SAMPLE)).subquery()
    suggestions: dict[str, list[str]] = {}
    with Session(engine) as session:
        unnest = (func.json_array_elements_text if engine.dialect.name == "postgresql"
                  else func.json_each)
        for name in ("wishes", "qualifications"):
            tags = unnest(recent.c[name]).table_valued("value").alias(f"{name}_tag")
            stmt = (select(tags.c.value, func.count()).select_from(recent).join(tags, true())
                    .group_by(tags.c.value).order_by(func.count().desc(), tags.c.value))
            suggestions[name] = [str(tag) for tag, _ in session.exec(stmt)]
    return suggestions


def list_staff(engine: Engine, actor: Actor, roles: tuple[str, ...] = ("consultant",)) -> pd.DataFrame:
    """Active staff with the given roles, by name."""
    require(actor, "staff.read")
    with Session(engine) as session:
        rows = session.exec(
            select(Staff.id, Staff.name, Staff.initials, Staff.team_id)
            .where(Staff.active, Staff.role.in_(roles)).order_by(Staff.name)
        ).all()
    return pd.DataFrame(rows, columns=["id", "name", "initials", "team_id"])
