"""A company's events on its profile (pages/ui/events.py): registering one with participants found
by name, the list and the engagement count, the event on the citizen's timeline, and read-only
roles."""

from sqlmodel import Session, select

from model import events, timeline
from model.tables import Citizen, Company
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/virksomheder.py"


def open_profile(at, company_id: int):
    at.session_state["company_tab"] = "Profil"
    at.run()
    at.selectbox(key="company_pick").select(company_id).run()
    assert not at.exception, at.exception
    return at


def a_company_and_a_citizen(engine, username: str):
    actor = demo_actor(engine, username)
    with Session(engine) as session:
        company = session.exec(select(Company).order_by(Company.name)).first()
        citizen = session.exec(select(Citizen).where(Citizen.team_id == actor.team_id)
                               .order_by(Citizen.id)).first()
        return actor, company.id, citizen


def test_a_consultant_registers_an_event_and_it_counts_and_reaches_the_timeline(app_db):
    actor, company_id, citizen = a_company_and_a_citizen(app_db, "konsulent")
    before = events.company_engagement(app_db, actor, company_id)
    at = open_profile(app_as(app_db, "konsulent", PAGE), company_id)
    assert {m.label: m.value for m in at.metric}["Arrangementer"] == str(before["events"])

    at.selectbox(key="event_kind").select("jobsamtaletraening")
    at.text_input(key="event_title").input("Træning med butikschefen")
    at.text_input(key="event_citizen_search").input(citizen.last_name).run()
    at.multiselect(key="event_citizens").select(citizen.id).run()
    at.button(key="event_save").click().run()
    assert not at.exception, at.exception
    assert "Arrangementet er gemt (deltagere: 1)." in page_text(at)

    after = events.company_engagement(app_db, actor, company_id)
    assert after["events"] == before["events"] + 1
    assert {m.label: m.value for m in at.metric}["Arrangementer"] == str(after["events"])
    table = next(d.value for d in at.dataframe if "Antal deltagere" in d.value.columns)
    newest = table.iloc[0]
    assert (newest["Type"], newest["Titel"], newest["Antal deltagere"]) == \
        ("Jobsamtaletræning", "Træning med butikschefen", 1)
    assert f"{citizen.first_name} {citizen.last_name}" in newest["Deltagere"]
    assert at.multiselect(key="event_citizens").value == []  # the form is emptied
    shown = timeline.timeline(app_db, actor, citizen.id)
    assert "Træning med butikschefen" in shown.loc[shown["kind"] == "event", "detail"].tolist()


def test_a_mentor_sees_the_events_but_cannot_register_one(app_db):
    _, company_id, _ = a_company_and_a_citizen(app_db, "mentor")
    at = open_profile(app_as(app_db, "mentor", PAGE), company_id)
    assert "Arrangementer" in page_text(at)
    assert "event_save" not in [b.key for b in at.button]
