"""Overblik: the key numbers of the week for leaders, each counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import freshness
from model.access import Actor, require
from model.clock import LOCAL_TZ
from model.goals import secured_placements
from model.people import visible_citizens
from model.tables import Citizen, Company, Contact, Placement, Sprint


@dataclass(frozen=True)
class WeekNumbers:
    """Ugens tal: what happened from Monday up to and including `end` (today), each on the day it
    happened (a start date, a card's move, a contact's moment, an agreement's date), never on the day
    its row was written. `cards_secured` counts as goals.secured_placements does."""

    start: date
    end: date
    placements_started: int
    cards_secured: int
    outreach_contacts: int
    new_agreements: int


def week_start(day: date) -> date:
    """The Monday of the ISO week that holds `day`."""
    return day - timedelta(days=day.weekday())


def _day_start(day: date) -> datetime:
    """The start of a Danish calendar day, in UTC: moments are stored in UTC."""
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)


def _placements_started(actor: Actor, first: date, last: date):
    stmt = (select(func.count(Placement.id)).join(Citizen, Citizen.id == Placement.citizen_id)
            .where(Placement.start_date >= first, Placement.start_date <= last))
    return visible_citizens(actor, stmt)


def _cards_secured(actor: Actor, first: date, last: date):
    # Placements secured in the week on the sprints the actor may see, as on the boards and Mål.
    secured = secured_placements(first=first, last=last)
    stmt = select(func.count()).select_from(secured).join(Sprint, Sprint.id == secured.c.sprint_id)
    if actor.sees_all_teams or actor.team_id is None:
        return stmt
    return stmt.where(or_(Sprint.team_id == actor.team_id, Sprint.team_id.is_(None)))


def _outreach_contacts(actor: Actor, first: datetime, after: datetime):
    stmt = select(func.count(Contact.id)).where(Contact.contacted_at >= first,
                                                Contact.contacted_at < after)
    if actor.sees_all_teams or actor.team_id is None:
        return stmt
    # Contacts about a citizen of another team are not the actor's to count.
    return stmt.where(or_(Contact.citizen_id.is_(None),
                          Contact.citizen_id.in_(visible_citizens(actor, select(Citizen.id)))))


def _new_agreements(first: date, last: date):
    return select(func.count(Company.id)).where(Company.agreement_kind != "none",
                                                Company.agreement_since >= first,
                                                Company.agreement_since <= last)


@freshness.cached_aggregate("placement.read")
def week_numbers(engine: Engine, actor: Actor, *, today: date) -> WeekNumbers:
    """Placements started, cards secured, outreach contacts and new company agreements this week."""
    require(actor, "placement.read")
    first = week_start(today)
    moments = (_day_start(first), _day_start(today + timedelta(days=1)))
    with Session(engine) as session:
        counts = [int(session.exec(stmt).one()) for stmt in (
            _placements_started(actor, first, today),
            _cards_secured(actor, first, today),
            _outreach_contacts(actor, *moments),
            _new_agreements(first, today),
        )]
    return WeekNumbers(first, today, *counts)
