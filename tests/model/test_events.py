"""Arrangementer: company events with their participants, validation, the company's engagement,
names only within the actor's teams, and the events on the citizen's timeline; on SQLite and
PostgreSQL."""

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from model import clock, events, timeline
from model.errors import AccessDenied, ValidationError
from model.tables import AuditLog, Citizen, Company, Event, EventParticipant

TODAY = clock.today()


def add(engine, *rows) -> list[int]:
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


@pytest.fixture
def setting(engine, actor_factory):
    """Two companies, a consultant with two citizens and a colleague in another team with one."""
    mine, theirs = actor_factory("consultant"), actor_factory("consultant")
    bakery, builder = add(engine, Company(name="Strandens Bageri ApS"),
                          Company(name="Lillebælt Murer ApS"))
    aisha, jonas, mette = add(
        engine, Citizen(first_name="Aisha", last_name="Benali", birth_year=1990, team_id=mine.team_id),
        Citizen(first_name="Jonas", last_name="Madsen", birth_year=1995, team_id=mine.team_id),
        Citizen(first_name="Mette", last_name="Olsen", birth_year=1975, team_id=theirs.team_id))
    return {"mine": mine, "theirs": theirs, "bakery": bakery, "builder": builder, "aisha": aisha,
            "jonas": jonas, "mette": mette}


def test_an_event_is_registered_with_its_participants_and_logged(engine, setting):
    event_id = events.create_event(
        engine, setting["mine"], company_id=setting["bakery"], kind="jobsamtaletraening",
        event_date=TODAY, title=" Jobsamtaletræning med bageren ", note="Godt forberedt",
        citizen_ids=[setting["aisha"], setting["jonas"], setting["aisha"]])
    with Session(engine) as session:
        event = session.get(Event, event_id)
        people = session.exec(select(EventParticipant.citizen_id)
                              .where(EventParticipant.event_id == event_id)).all()
        logged = session.exec(select(AuditLog.detail).where(AuditLog.table_name == "event")).one()
    assert (event.company_id, event.kind, event.event_date, event.title) == \
        (setting["bakery"], "jobsamtaletraening", TODAY, "Jobsamtaletræning med bageren")
    assert sorted(people) == sorted([setting["aisha"], setting["jonas"]])
    assert logged == f"company={setting['bakery']} kind=jobsamtaletraening participants=2"


@pytest.mark.parametrize("changes, key", [
    ({"kind": "fest"}, "error.event_kind"),
    ({"event_date": None}, "error.event_date_required"),
    ({"event_date": TODAY + timedelta(days=366)}, "error.event_date_range"),
    ({"event_date": TODAY - timedelta(days=2 * 365 + 1)}, "error.event_date_range"),
    ({"title": "x" * 121}, "error.event_text_too_long"),
    ({"note": "Ring 010190-1234"}, "error.cpr_in_text"),
    ({"company_id": 9999}, "error.company_required"),
    ({"company_id": None}, "error.company_required"),
    ({"citizen_ids": ["mette"]}, "error.not_found"),   # another team's citizen
    ({"citizen_ids": [9999]}, "error.not_found"),
])
def test_bad_events_are_refused_and_nothing_is_written(engine, setting, changes, key):
    fields = {"company_id": setting["bakery"], "kind": "virksomhedsbesoeg", "event_date": TODAY,
              "title": "Besøg", "citizen_ids": ["aisha"]} | changes
    fields["citizen_ids"] = [setting.get(c, c) for c in fields["citizen_ids"]]
    with pytest.raises(ValidationError) as refused:
        events.create_event(engine, setting["mine"], **fields)
    assert refused.value.key == key
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Event)).one() == 0
        assert session.exec(select(func.count()).select_from(EventParticipant)).one() == 0


@pytest.mark.parametrize("role", ["caseworker", "mentor", "screen"])
def test_only_editors_register_events(engine, setting, actor_factory, role):
    with pytest.raises(AccessDenied):
        events.create_event(engine, actor_factory(role), company_id=setting["bakery"],
                            kind="oplaeg", event_date=TODAY)


@pytest.fixture
def registered(engine, setting, actor_factory):
    leader = actor_factory("leader")
    for company, kind, day, who in (
            ("bakery", "virksomhedsbesoeg", TODAY - timedelta(days=30), ["aisha", "mette"]),
            ("bakery", "haandvaerkercafe", TODAY - timedelta(days=2), ["aisha"]),
            ("builder", "oplaeg", TODAY - timedelta(days=10), ["jonas"]),
            ("bakery", "oplaeg", TODAY, [])):
        events.create_event(engine, leader, company_id=setting[company], kind=kind, event_date=day,
                            title=f"{kind} {company}", citizen_ids=[setting[c] for c in who])
    return leader


def test_a_company_lists_its_events_newest_first_naming_only_the_teams_citizens(engine, setting,
                                                                             registered):
    mine = events.list_events(engine, setting["mine"], company_id=setting["bakery"])
    assert mine[["kind", "participants", "names"]].values.tolist() == [
        ["oplaeg", 0, ""], ["haandvaerkercafe", 1, "Aisha Benali"],
        ["virksomhedsbesoeg", 2, "Aisha Benali"]]   # Mette counts but is not named
    everyone = events.list_events(engine, registered, company_id=setting["bakery"])
    assert everyone["names"].tolist()[-1] == "Aisha Benali, Mette Olsen"
    recent = events.list_events(engine, registered, since=TODAY - timedelta(days=10))
    assert recent["company"].tolist() == ["Strandens Bageri ApS", "Strandens Bageri ApS",
                                          "Lillebælt Murer ApS"]


def test_events_count_in_the_company_engagement(engine, setting, registered):
    assert events.company_engagement(engine, setting["mine"], setting["bakery"]) == \
        {"events": 3, "citizens": 2}
    assert events.company_engagement(engine, setting["mine"], setting["builder"]) == \
        {"events": 1, "citizens": 1}
    [quiet] = add(engine, Company(name="Stille ApS"))
    assert events.company_engagement(engine, setting["mine"], quiet) == {"events": 0, "citizens": 0}


@pytest.mark.parametrize("lang, title", [
    ("da", "Håndværkercafé hos Strandens Bageri ApS"),
    ("en", "Craftsman café at Strandens Bageri ApS"),
])
def test_events_appear_on_the_citizens_timeline(engine, setting, registered, lang, title):
    shown = timeline.timeline(engine, setting["mine"], setting["aisha"], lang=lang)
    rows = shown[shown["kind"] == "event"]
    assert rows["title"].tolist() == [title, title.replace("Håndværkercafé", "Virksomhedsbesøg")
                                      .replace("Craftsman café", "Company visit")]
    assert rows["detail"].tolist() == ["haandvaerkercafe bakery", "virksomhedsbesoeg bakery"]
    assert [w.date() for w in rows["when"]] == [TODAY - timedelta(days=2), TODAY - timedelta(days=30)]
    jonas = timeline.timeline(engine, setting["mine"], setting["jonas"], lang=lang)
    assert jonas["kind"].tolist() == ["event"]
