"""Company matching on the pages: the citizen's profile, a sprint card and the company's profile
show ranked suggestions with their reasons, and one click logs a contact about the citizen."""

import re

import pytest
from sqlmodel import Session, select

from model import companies, matching, people, sprints
from model.tables import Contact
from tests.conftest import app_as, demo_actor, page_text

BORGERE, BOARD, COMPANIES = "pages/borgere.py", "pages/sprinttavle.py", "pages/virksomheder.py"
TITLE = re.compile(r"\*\*\d+\. (.+?)\*\*")


@pytest.fixture
def fit(app_db):
    """A citizen of the consultant's team who wishes to work as a watchmaker and holds a truck
    licence, and the one watchmaker's, with an agreement: ids of both."""
    consultant = demo_actor(app_db, "konsulent")
    citizen_id = people.create_citizen(
        app_db, consultant, first_name="Tove", last_name="Matzen", birth_year=1988,
        wishes=["urmageri"], qualifications=["truckcertifikat"])
    company_id = companies.create_company(
        app_db, consultant, name="Urmageriet ApS", industry="Urmageri",
        municipality="Brøndby", agreement_kind="virksomhedscenter")
    return citizen_id, company_id


def contacts_about(engine, citizen_id: int) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(Contact.company_id, Contact.staff_id, Contact.channel)
                            .where(Contact.citizen_id == citizen_id)).all()


def headings(at) -> list[str]:
    """The suggestions' titles in the order shown ("**1. Name** ...")."""
    found = (TITLE.match(str(m.value)) for m in at.markdown)
    return [re.sub(r"\\(.)", r"\1", m.group(1)) for m in found if m]


def log_buttons(at, prefix: str) -> list:
    return [b for b in at.button if str(b.key).startswith(f"{prefix}_log_")]


def citizen_profile(engine, username: str, citizen_id: int):
    at = app_as(engine, username, BORGERE)
    at.query_params["borger"] = str(citizen_id)
    at.session_state["citizen_matches_open"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_citizen_profile_shows_the_ranked_companies_with_reasons(app_db, fit):
    citizen_id, company_id = fit
    expected = matching.companies_for_citizen(app_db, demo_actor(app_db, "konsulent"), citizen_id)
    at = citizen_profile(app_db, "konsulent", citizen_id)
    assert headings(at) == [s.company for s in expected]
    assert headings(at)[0] == "Urmageriet ApS"  # the only wish outweighs the warehouses' facts
    text = page_text(at)
    assert "Branchen matcher ønsket: urmageri" in text
    assert "Kvalifikation der bruges i branchen: truckcertifikat" in text  # at the warehouses
    assert "Har aftale med jobcentret (virksomhedscenter)" in text
    assert "Plads til flere i forløb (0 af 5)" in text
    assert f"{expected[0].score} point" in text
    assert [b.label for b in log_buttons(at, "citizen_matches")] == \
        ["Log kontakt om Tove Matzen"] * len(expected)


def test_one_click_logs_exactly_one_contact_about_that_citizen(app_db, fit):
    citizen_id, company_id = fit
    konsulent = demo_actor(app_db, "konsulent")
    at = citizen_profile(app_db, "konsulent", citizen_id)
    at.button(key=f"citizen_matches_log_{company_id}_{citizen_id}").click().run()
    assert not at.exception, at.exception
    assert contacts_about(app_db, citizen_id) == [(company_id, konsulent.staff_id, "phone")]
    assert "Kontakt logget: Urmageriet ApS om Tove Matzen (telefon" in at.success[0].value
    # The list is drawn again with the contact counted against the company: it drops.
    assert headings(at)[0] != "Urmageriet ApS"
    at.run()
    assert len(contacts_about(app_db, citizen_id)) == 1  # a rerun logs nothing more


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_a_role_without_contact_write_sees_the_reasons_but_no_button(app_db, fit, username):
    citizen_id, _ = fit
    at = citizen_profile(app_db, username, citizen_id)
    assert "Urmageriet ApS" in headings(at)
    assert "Branchen matcher ønsket: urmageri" in page_text(at)
    assert log_buttons(at, "citizen_matches") == []


def test_the_company_profile_shows_the_citizens_who_fit(app_db, fit):
    citizen_id, company_id = fit
    at = app_as(app_db, "konsulent", COMPANIES)
    at.session_state["company_pick"] = company_id
    at.session_state["company_tab"] = "Profil"
    at.run()
    assert not at.exception, at.exception
    assert "Borgere der passer" in [s.value for s in at.subheader]
    assert headings(at) == ["Tove Matzen"]
    assert "Branchen matcher ønsket: urmageri" in page_text(at)
    assert "Har aftale med jobcentret" not in page_text(at)  # the same for every citizen
    at.button(key=f"company_matches_log_{company_id}_{citizen_id}").click().run()
    assert not at.exception, at.exception
    assert contacts_about(app_db, citizen_id) == [
        (company_id, demo_actor(app_db, "konsulent").staff_id, "phone")]


def test_a_sprint_card_opens_its_suggestions_and_logs_a_contact_in_one_click(app_db):
    konsulent = demo_actor(app_db, "konsulent")
    board = sprints.board(app_db, konsulent, sprints.current_sprint_id(app_db, konsulent))
    card = board[board["stage"].isin(["selected", "clarified", "dialogue"])].iloc[0]
    citizen_id = int(card.citizen_id)
    expected = matching.companies_for_citizen(app_db, konsulent, citizen_id)
    assert expected, "the demo should offer a company for every open card"
    at = app_as(app_db, "konsulent", BOARD)
    assert headings(at) == []  # closed popovers load nothing
    at.session_state[f"matches_{card.card_id}"] = True
    at.run()
    assert not at.exception, at.exception
    assert headings(at) == [s.company for s in expected]
    before = contacts_about(app_db, citizen_id)
    top = expected[0]
    at.button(key=f"matches_{card.card_id}_list_log_{top.company_id}_{citizen_id}").click().run()
    assert not at.exception, at.exception
    assert contacts_about(app_db, citizen_id) == [
        *before, (top.company_id, konsulent.staff_id, "phone")]
    assert f"Kontakt logget: {top.company} om {card.first_name} {card.last_name}" \
        in at.success[0].value
