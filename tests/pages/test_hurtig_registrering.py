"""Hurtig registrering: the four short forms write what they say, with the defaults filled in."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import clock, people, quick, sprints
from model.tables import Citizen, Company, Contact, FollowUp, Placement, SprintCard, Staff
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text

QUICK = "pages/hurtig_registrering.py"
ROOT = Path(__file__).resolve().parents[2]


def dialogue_card(engine) -> SprintCard:
    with Session(engine) as session:
        return session.get(SprintCard, int(demo_week.dialogue_card(engine).card_id))


def company_id(engine, name: str = "Strandens Bageri ApS") -> int:
    with Session(engine) as session:
        return session.exec(select(Company.id).where(Company.name == name)).one()


def test_starting_a_placement_uses_the_defaults(app_db):
    card = dialogue_card(app_db)
    at = app_as(app_db, "konsulent", QUICK)
    at.selectbox(key="qp_citizen").select(card.citizen_id)
    at.selectbox(key="qp_company").select(company_id(app_db))
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert not at.exception
    assert "Forløb startet" in at.success[0].value
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(
            Placement.citizen_id == card.citizen_id)).one()
        plan = session.exec(select(FollowUp).where(FollowUp.placement_id == placement.id)).all()
        citizens_consultant = session.get(Citizen, card.citizen_id).consultant_id
    assert (placement.kind, placement.start_date, placement.hours_per_week) == (
        "virksomhedspraktik", clock.today(), 15)
    assert placement.consultant_id == citizens_consultant  # the citizen's, not the typist's
    assert len(plan) >= 5


def test_a_placement_without_a_company_is_refused(app_db):
    card = dialogue_card(app_db)
    at = app_as(app_db, "konsulent", QUICK)
    at.selectbox(key="qp_citizen").select(card.citizen_id)
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert at.error[0].value == "Vælg både borger og virksomhed."
    with Session(app_db) as session:
        assert session.exec(select(Placement).where(
            Placement.citizen_id == card.citizen_id)).first() is None


def test_logging_a_contact_with_a_next_step(app_db):
    at = app_as(app_db, "konsulent", QUICK)
    card = dialogue_card(app_db)
    at.selectbox(key="qc_company").select(company_id(app_db, "Strand Café"))
    at.selectbox(key="qc_citizen").select(card.citizen_id)
    at.text_input(key="qc_note").input("Talte med køkkenchefen")
    at.text_input(key="qc_next_step").input("Besøg med borgeren")
    next_week = clock.today() + timedelta(days=7)
    at.date_input(key="qc_next_date").set_value(next_week)
    at.button(key="FormSubmitter:quick_contact-Gem kontakt").click().run()
    assert not at.exception
    assert "Kontakten med Strand Café er gemt." in page_text(at)
    with Session(app_db) as session:
        contact = session.exec(select(Contact).order_by(Contact.id.desc())).first()
    assert (contact.citizen_id, contact.note, contact.next_step, contact.next_step_date,
            contact.channel) == (card.citizen_id, "Talte med køkkenchefen", "Besøg med borgeren",
                                 next_week, "phone")


def test_a_cpr_number_in_a_contact_note_is_refused(app_db):
    at = app_as(app_db, "konsulent", QUICK)
    with Session(app_db) as session:
        before = len(session.exec(select(Contact.id)).all())
    at.selectbox(key="qc_company").select(company_id(app_db, "Strand Café"))
    at.text_input(key="qc_note").input("Borger 010190-1234")
    at.button(key="FormSubmitter:quick_contact-Gem kontakt").click().run()
    assert "CPR-nummer" in at.error[0].value
    with Session(app_db) as session:
        assert len(session.exec(select(Contact.id)).all()) == before


def test_recording_a_follow_up_closes_the_earliest_open_one(app_db):
    at = app_as(app_db, "konsulent", QUICK)
    with Session(app_db) as session:
        konsulent = demo_actor(app_db, "konsulent")
        placement_id = session.exec(select(Placement.id).where(
            Placement.consultant_id == konsulent.staff_id, Placement.status == "active")
            .order_by(Placement.id)).first()
        open_before = session.exec(select(FollowUp.id).where(
            FollowUp.placement_id == placement_id, FollowUp.done_at.is_(None))).all()
    at.selectbox(key="qf_placement").select(placement_id)
    at.text_input(key="qf_note").input("Trives, vil gerne have flere timer")
    at.button(key="FormSubmitter:quick_follow_up-Registrér opfølgning").click().run()
    assert not at.exception
    assert "Opfølgningen er registreret" in at.success[0].value
    with Session(app_db) as session:
        notes = session.exec(select(FollowUp.note).where(
            FollowUp.placement_id == placement_id, FollowUp.done_at.is_not(None))).all()
        open_after = session.exec(select(FollowUp.id).where(
            FollowUp.placement_id == placement_id, FollowUp.done_at.is_(None))).all()
    assert "Trives, vil gerne have flere timer" in notes
    assert len(open_after) <= len(open_before)


def test_moving_a_sprint_card_from_quick_entry(app_db):
    card = dialogue_card(app_db)
    at = app_as(app_db, "konsulent", QUICK)
    at.selectbox(key="qk_card").select(card.id)
    at.button(key="FormSubmitter:quick_card-Flyt kort").click().run()
    assert not at.exception
    with Session(app_db) as session:
        citizen = session.get(Citizen, card.citizen_id)
        assert session.get(SprintCard, card.id).stage == "secured"
    assert f"{citizen.first_name} {citizen.last_name} er flyttet til «Forløb sikret»." in page_text(at)


def test_caseworkers_do_not_get_quick_entry(app_db):
    at = app_as(app_db, "sagsbehandler")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(QUICK)
    direct = AppTest.from_file(str(ROOT / QUICK), default_timeout=30)
    direct.session_state["user_id"] = demo_actor(app_db, "sagsbehandler").user_id
    direct.run()
    assert direct.error[0].value == "Din rolle har ikke adgang til denne side."


def test_a_card_a_colleague_moved_meanwhile_is_not_overwritten(app_db):
    card = dialogue_card(app_db)
    at = app_as(app_db, "konsulent", QUICK)
    sprints.move_card(app_db, demo_actor(app_db, "leder"), card.id, "clarified",
                      expected_version=card.version)
    at.selectbox(key="qk_card").select(card.id)
    at.button(key="FormSubmitter:quick_card-Flyt kort").click().run()
    assert "En anden har flyttet kortet" in at.error[0].value
    with Session(app_db) as session:
        assert session.get(SprintCard, card.id).stage == "clarified"


def test_the_pickers_offer_a_few_hundred_and_the_searches_find_the_rest(app_db):
    at = app_as(app_db, "leder", QUICK)  # a leader may pick every team's citizens
    with Session(app_db) as session:
        everyone = len(session.exec(select(Citizen.id)).all())
        somebody = session.exec(select(Citizen).order_by(Citizen.last_name.desc())).first()
    offered = at.selectbox(key="qp_citizen").options
    assert len(offered) == min(everyone, quick.PICKER_SIZE)
    if everyone > quick.PICKER_SIZE:
        assert f"Valglisterne viser {quick.PICKER_SIZE} af {everyone} borgere" in page_text(at)
    at.text_input(key="quick_find_citizen").input(somebody.last_name).run()
    found = at.selectbox(key="qp_citizen").options
    assert f"{somebody.first_name} {somebody.last_name} ({somebody.birth_year})" in found
    assert all(somebody.last_name in label for label in found)
    assert at.selectbox(key="qc_citizen").options == found
    at.text_input(key="quick_find_company").input("bageri").run()
    assert at.selectbox(key="qp_company").options == ["Strandens Bageri ApS"]


# --- A placement that secures the citizen's card -------------------------------------------------


def staff_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Staff.id).where(Staff.name == name)).one()


def citizen_on_a_running_sprint(engine, *, stage: str = "dialogue") -> tuple[int, SprintCard]:
    """A new citizen of the demo team whose consultant is Søren Dahl, with a card at `stage` on
    a sprint running today (made here, so the demo's own sprints do not matter)."""
    konsulent = demo_actor(engine, "konsulent")
    soeren = staff_id(engine, "Søren Dahl")
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, konsulent, first_name="Yasmin",
                                           last_name="Nygaard", birth_year=1991,
                                           consultant_id=soeren)
        session.commit()
        citizen_id = citizen.id
    today = clock.today()
    sprint_id = sprints.create_sprint(engine, konsulent, name="Intensiv uge",
                                      start=today - timedelta(days=2),
                                      end=today + timedelta(days=2), goal=4)
    card_id = sprints.add_card(engine, konsulent, sprint_id, citizen_id=citizen_id,
                               consultant_id=soeren)
    if stage != "selected":
        sprints.move_card(engine, konsulent, card_id, stage, expected_version=1)
    with Session(engine) as session:
        return citizen_id, session.get(SprintCard, card_id)


def picked(at, citizen_id: int):
    """Find the citizen by name and pick them (the form then offers their card)."""
    at.text_input(key="quick_find_citizen").input("Nygaard").run()
    at.selectbox(key="qp_citizen").select(citizen_id).run()
    assert not at.exception
    return at


SECURE_LABEL = "Flyt Yasmin Nygaards kort til «Forløb sikret» på Intensiv uge"


def test_a_placement_for_a_citizen_with_an_open_card_moves_the_card_to_secured(app_db):
    citizen_id, card = citizen_on_a_running_sprint(app_db)
    at = picked(app_as(app_db, "konsulent", QUICK), citizen_id)
    box = at.checkbox(key=f"qp_secure_{card.id}")
    assert (box.label, box.value) == (SECURE_LABEL, True)
    at.selectbox(key="qp_company").select(company_id(app_db))
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert not at.exception
    assert "Kortet er flyttet til «Forløb sikret»" in at.success[0].value
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).one()
        moved = session.get(SprintCard, card.id)
    assert (moved.stage, moved.placement_id, moved.company_id) == (
        "secured", placement.id, company_id(app_db))
    assert (placement.sprint_id, placement.consultant_id) == (card.sprint_id,
                                                              staff_id(app_db, "Søren Dahl"))
    assert at.selectbox(key="qp_citizen").value is None  # ready for the next one


def test_unticking_the_offer_starts_the_placement_and_leaves_the_card(app_db):
    citizen_id, card = citizen_on_a_running_sprint(app_db)
    at = picked(app_as(app_db, "konsulent", QUICK), citizen_id)
    at.checkbox(key=f"qp_secure_{card.id}").uncheck()
    at.selectbox(key="qp_company").select(company_id(app_db))
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert not at.exception
    assert "Forløb startet" in at.success[0].value
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).one()
        left = session.get(SprintCard, card.id)
    assert (left.stage, left.placement_id, placement.sprint_id) == ("dialogue", None, None)


def test_a_leader_sees_the_citizens_consultant_proposed_not_themself(app_db):
    citizen_id, card = citizen_on_a_running_sprint(app_db, stage="clarified")
    at = app_as(app_db, "leder", QUICK)
    leder = demo_actor(app_db, "leder")
    assert at.selectbox(key="qp_consultant_None").value is None  # a leader is no job consultant
    picked(at, citizen_id)
    consultant = at.selectbox(key=f"qp_consultant_{citizen_id}")
    assert consultant.value == staff_id(app_db, "Søren Dahl") != leder.staff_id
    assert consultant.label == "Jobkonsulent"
    at.selectbox(key="qp_company").select(company_id(app_db))
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).one()
    assert placement.consultant_id == staff_id(app_db, "Søren Dahl")


def test_a_consultant_without_a_citizen_picked_proposes_themself(app_db):
    at = app_as(app_db, "konsulent", QUICK)
    assert at.selectbox(key="qp_consultant_None").value == demo_actor(app_db, "konsulent").staff_id
    assert not [box for box in at.checkbox if str(box.key).startswith("qp_secure_")]


def test_a_card_a_colleague_moved_after_the_offer_refuses_the_placement_too(app_db):
    citizen_id, card = citizen_on_a_running_sprint(app_db)
    at = picked(app_as(app_db, "konsulent", QUICK), citizen_id)
    sprints.move_card(app_db, demo_actor(app_db, "leder"), card.id, "clarified",
                      expected_version=card.version)
    at.selectbox(key="qp_company").select(company_id(app_db))
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert "En anden har flyttet kortet" in at.error[0].value
    with Session(app_db) as session:
        assert session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).all() == []
        assert session.get(SprintCard, card.id).stage == "clarified"


def test_a_secured_card_without_its_placement_gets_it_linked_without_an_offer(app_db):
    citizen_id, card = citizen_on_a_running_sprint(app_db, stage="secured")
    at = picked(app_as(app_db, "konsulent", QUICK), citizen_id)
    assert not [box for box in at.checkbox if str(box.key).startswith("qp_secure_")]
    at.selectbox(key="qp_company").select(company_id(app_db))
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).one()
        linked = session.get(SprintCard, card.id)
    assert (linked.stage, linked.placement_id, placement.sprint_id) == (
        "secured", placement.id, card.sprint_id)
