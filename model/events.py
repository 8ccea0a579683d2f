"""Arrangementer: company engagement beyond placements (company visits, talks, job-interview
training, craftsman cafés) with the citizens who took part."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import distinct, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock
from model.access import Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.people import visible_citizens
from model.tables import Citizen, Company, Event, EventParticipant
from model.validation import check_free_text

# Kinds of events, as stored (Danish codes without æ/ø/å, like the placement kinds).
EVENT_KINDS = ("virksomhedsbesoeg", "oplaeg", "jobsamtaletraening", "haandvaerkercafe", "andet")
# Catalogue keys of the kinds, spelt out so the catalogue check sees each one used.
KIND_KEYS = {
    "virksomhedsbesoeg": "event.kind.virksomhedsbesoeg",
    "oplaeg": "event.kind.oplaeg",
    "jobsamtaletraening": "event.kind.jobsamtaletraening",
    "haandvaerkercafe": "event.kind.haandvaerkercafe",
    "andet": "event.kind.andet",
}
MAX_TITLE = 120
MAX_NOTE = 500
MAX_PARTICIPANTS = 200
# Events are registered up to a year after (planned) and two years before today.
EVENT_DATE_PAST = timedelta(days=2 * 365)
EVENT_DATE_AHEAD = timedelta(days=365)
EVENT_COLUMNS = ["id", "event_date", "kind", "title", "note", "company_id", "company",
                 "participants", "names"]


def validate_event_fields(*, kind: str, event_date: date | None, title: str, note: str,
                          today: date | None = None) -> tuple[str, str]:
    """Check an event's own fields and return the trimmed title and note; raises ValidationError."""
    if kind not in EVENT_KINDS:
        raise ValidationError("error.event_kind")
    if event_date is None:
        raise ValidationError("error.event_date_required")
    today = today or clock.today()
    if not today - EVENT_DATE_PAST <= event_date <= today + EVENT_DATE_AHEAD:
        raise ValidationError("error.event_date_range")
    title, note = (title or "").strip(), (note or "").strip()
    if len(title) > MAX_TITLE or len(note) > MAX_NOTE:
        raise ValidationError("error.event_text_too_long", max=MAX_NOTE if len(note) > MAX_NOTE
                              else MAX_TITLE)
    check_free_text(title, note)
    return title, note


def create_event(
    engine: Engine,
    actor: Actor,
    *,
    company_id: int,
    kind: str,
    event_date: date,
    title: str = "",
    note: str = "",
    citizen_ids: list[int] | tuple[int, ...] = (),
) -> int:
    """Register an event at a company with the citizens who took part, in one transaction.

    Every participant must be a citizen the actor may see; returns the event's id.
    """
    require(actor, "event.write")
    title, note = validate_event_fields(kind=kind, event_date=event_date, title=title, note=note)
    wanted = sorted({int(c) for c in citizen_ids})
    if len(wanted) > MAX_PARTICIPANTS:
        raise ValidationError("error.event_too_many", max=MAX_PARTICIPANTS)
    with write_session(engine) as session:
        if not company_id or session.get(Company, company_id) is None:
            raise ValidationError("error.company_required")
        if wanted:
            seen = set(session.exec(visible_citizens(
                actor, select(Citizen.id).where(Citizen.id.in_(wanted)))).all())
            if seen != set(wanted):
                raise ValidationError("error.not_found")
        event = Event(company_id=company_id, kind=kind, event_date=event_date, title=title,
                      note=note)
        session.add(event)
        session.flush()
        session.add_all([EventParticipant(event_id=event.id, citizen_id=c) for c in wanted])
        audit.log(session, actor, "create", "event", event.id,
                  detail=f"company={company_id} kind={kind} participants={len(wanted)}")
        session.commit()
        return event.id


def list_events(engine: Engine, actor: Actor, *, company_id: int | None = None,
                since: date | None = None) -> pd.DataFrame:
    """Events, newest first, with the number of participants and the names of those the actor
    may see ("names", comma-separated); other teams' citizens count but are not named."""
    require(actor, "company.read")
    counted = (select(EventParticipant.event_id, func.count().label("n"))
               .group_by(EventParticipant.event_id).subquery())
    stmt = (select(Event.id, Event.event_date, Event.kind, Event.title, Event.note, Event.company_id,
                   Company.name, func.coalesce(counted.c.n, 0))
            .outerjoin(Company, Company.id == Event.company_id)
            .outerjoin(counted, counted.c.event_id == Event.id)
            .order_by(Event.event_date.desc(), Event.id.desc()))
    if company_id is not None:
        stmt = stmt.where(Event.company_id == company_id)
    if since is not None:
        stmt = stmt.where(Event.event_date >= since)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
        ids = [row[0] for row in rows]
        named = session.exec(visible_citizens(actor, (
            select(EventParticipant.event_id, Citizen.first_name, Citizen.last_name)
            .join(Citizen, Citizen.id == EventParticipant.citizen_id)
            .where(EventParticipant.event_id.in_(ids))
            .order_by(Citizen.first_name, Citizen.last_name)))).all() if ids else []
    names: dict[int, list[str]] = {}
    for event_id, first, last in named:
        names.setdefault(event_id, []).append(f"{first} {last}")
    return pd.DataFrame([(*row, ", ".join(names.get(row[0], []))) for row in rows],
                        columns=EVENT_COLUMNS)


def company_engagement(engine: Engine, actor: Actor, company_id: int) -> dict[str, int]:
    """How much a company engages beyond placements: its events and the distinct citizens in them."""
    require(actor, "company.read")
    with Session(engine) as session:
        events, citizens = session.exec(
            select(func.count(distinct(Event.id)), func.count(distinct(EventParticipant.citizen_id)))
            .select_from(Event)
            .outerjoin(EventParticipant, EventParticipant.event_id == Event.id)
            .where(Event.company_id == company_id)).one()
    return {"events": int(events), "citizens": int(citizens)}


def citizen_events(session: Session, citizen_id: int) -> list[tuple]:
    """(event_date, kind, title, company) of the events a citizen took part in, for the timeline."""
    return list(session.exec(
        select(Event.event_date, Event.kind, Event.title, Company.name)
        .join(EventParticipant, EventParticipant.event_id == Event.id)
        .outerjoin(Company, Company.id == Event.company_id)
        .where(EventParticipant.citizen_id == citizen_id)).all())
