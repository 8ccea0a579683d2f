"""Overblik: the week's numbers, counted from Monday in Danish time up to today, per team."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from model import overview, sprints
from model.errors import AccessDenied
from model.tables import Citizen, Company, Contact, Placement

TODAY = date(2026, 10, 1)  # Thursday of ISO week 40; Danish summer time is UTC+2
MONDAY = date(2026, 9, 28)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def week(engine, actor_factory):
    """Team 1 (leader, consultant; citizens A, B, C) and team 2 (consultant; citizen D), with
    placements, board moves, contacts and agreements just inside and just outside the week."""
    leader = actor_factory("leader")
    consultant = actor_factory("consultant", team_id=leader.team_id)
    other = actor_factory("consultant")
    with Session(engine) as session:
        people = {key: Citizen(first_name=key, last_name="Berg", birth_year=1995, team_id=team)
                  for key, team in (("A", leader.team_id), ("B", leader.team_id),
                                    ("C", leader.team_id), ("D", other.team_id))}
        company = Company(name="Lager A/S")
        session.add_all([*people.values(), company])
        session.flush()
        ids = {key: citizen.id for key, citizen in people.items()}
        session.add_all([
            Placement(citizen_id=ids["A"], company_id=company.id, kind="virksomhedspraktik",
                      start_date=MONDAY),  # counted
            Placement(citizen_id=ids["B"], company_id=company.id, kind="loentilskud",
                      start_date=TODAY),  # counted
            Placement(citizen_id=ids["D"], company_id=company.id, kind="loentilskud",
                      start_date=date(2026, 9, 30)),  # counted for the leader only
            Placement(citizen_id=ids["C"], company_id=company.id, kind="loentilskud",
                      start_date=date(2026, 9, 27)),  # last Sunday
            Placement(citizen_id=ids["C"], company_id=company.id, kind="loentilskud",
                      start_date=date(2026, 10, 2)),  # tomorrow
            Contact(company_id=company.id, staff_id=consultant.staff_id,
                    contacted_at=utc(9, 27, 22, 30)),  # Monday 00:30 in Denmark: counted
            Contact(company_id=company.id, staff_id=consultant.staff_id,
                    contacted_at=utc(9, 27, 21, 30)),  # Sunday 23:30 in Denmark
            Contact(company_id=company.id, staff_id=consultant.staff_id, citizen_id=ids["A"],
                    contacted_at=utc(9, 30, 9)),  # counted
            Contact(company_id=company.id, staff_id=other.staff_id, citizen_id=ids["D"],
                    contacted_at=utc(9, 29, 9)),  # about team 2's citizen: the leader's only
            Contact(company_id=company.id, staff_id=consultant.staff_id,
                    contacted_at=utc(10, 1, 22, 30)),  # Friday 00:30 in Denmark
            Company(name="Ny aftale 1", agreement_kind="samarbejdsaftale", agreement_since=MONDAY),
            Company(name="Ny aftale 2", agreement_kind="partnerskabsaftale", agreement_since=TODAY),
            Company(name="Gammel aftale", agreement_kind="samarbejdsaftale",
                    agreement_since=date(2026, 9, 27)),
            Company(name="Senere aftale", agreement_kind="samarbejdsaftale",
                    agreement_since=date(2026, 10, 2)),
            Company(name="Ingen aftale", agreement_kind="none", agreement_since=TODAY),
        ])
        session.commit()
    own = sprints.create_sprint(engine, leader, name="Uge 39-40", start=date(2026, 9, 21),
                                end=TODAY, goal=3, team_id=leader.team_id)
    theirs = sprints.create_sprint(engine, leader, name="Team 2", start=MONDAY, end=TODAY, goal=1,
                                   team_id=other.team_id)
    moves = [(own, "A", [("secured", utc(9, 29, 10))]),  # counted
             (own, "B", [("secured", utc(9, 29, 10)), ("dialogue", utc(9, 30, 10))]),  # moved back
             (own, "C", [("secured", utc(9, 25, 10))]),  # last week
             (theirs, "D", [("secured", utc(9, 30, 10))])]  # team 2's board: the leader's only
    for sprint_id, key, steps in moves:
        card = sprints.add_card(engine, leader, sprint_id, citizen_id=ids[key],
                                consultant_id=consultant.staff_id, now=utc(9, 21, 8))
        version = 1
        for stage, moment in steps:
            version = sprints.move_card(engine, leader, card, stage, expected_version=version,
                                        now=moment)
    return {"leader": leader, "consultant": consultant}


@pytest.mark.parametrize("who, expected", [
    ("leader", {"placements_started": 3, "cards_secured": 2, "outreach_contacts": 3,
                "new_agreements": 2}),
    ("consultant", {"placements_started": 2, "cards_secured": 1, "outreach_contacts": 2,
                    "new_agreements": 2}),
])
def test_week_numbers_count_from_monday_to_today_within_the_actors_teams(engine, week, who,
                                                                       expected):
    numbers = overview.week_numbers(engine, week[who], today=TODAY)
    assert (numbers.start, numbers.end) == (MONDAY, TODAY)
    assert {key: getattr(numbers, key) for key in expected} == expected


def test_on_monday_only_monday_counts(engine, week):
    numbers = overview.week_numbers(engine, week["leader"], today=MONDAY)
    assert (numbers.placements_started, numbers.cards_secured, numbers.outreach_contacts,
            numbers.new_agreements) == (1, 0, 1, 1)


@pytest.mark.parametrize("day, monday", [
    (date(2026, 10, 1), date(2026, 9, 28)),
    (date(2026, 9, 28), date(2026, 9, 28)),
    (date(2026, 10, 4), date(2026, 9, 28)),  # Sunday belongs to the week before
    (date(2027, 1, 1), date(2026, 12, 28)),  # across the new year
])
def test_week_start_is_the_monday_of_the_iso_week(day, monday):
    assert overview.week_start(day) == monday


def test_an_empty_database_has_a_quiet_week(engine, actor_factory):
    numbers = overview.week_numbers(engine, actor_factory("leader"), today=TODAY)
    assert (numbers.placements_started, numbers.cards_secured, numbers.outreach_contacts,
            numbers.new_agreements) == (0, 0, 0, 0)


def test_the_meeting_screen_account_cannot_read_the_week(engine, actor_factory):
    with pytest.raises(AccessDenied):
        overview.week_numbers(engine, actor_factory("screen"), today=TODAY)
