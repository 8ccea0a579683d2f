"""A bounded field answers on both sides of its range: a value typed (or stepped) just below or
just above reaches the model, which refuses it with a Danish message that names the range, and
nothing is written. One test per kind of bounded field."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from model import clock, companies, people, sprints
from model.tables import Citizen, Company, Outcome, Placement, RetentionPolicy
from tests import demo_week
from tests.conftest import app_as, demo_actor

YEAR = clock.today().year


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def errors(at) -> list[str]:
    return [str(error.value) for error in at.error]


@pytest.mark.parametrize("year", [1850, YEAR - 101, YEAR - 12, 2200])
def test_a_birth_year_outside_the_range_is_refused_with_the_range(app_db, year):
    before = count(app_db, Citizen)
    at = app_as(app_db, "konsulent", "pages/borgere.py")
    at.text_input(key="new_first").input("Yasmin")
    at.text_input(key="new_last").input("Nygaard")
    at.number_input(key="new_year").set_value(year)
    at.button(key="FormSubmitter:new_citizen-Opret borger").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [f"Fødselsåret skal ligge mellem {YEAR - 100} og {YEAR - 13}."]
    assert count(app_db, Citizen) == before


@pytest.mark.parametrize("hours", [0, 38])
def test_hours_per_week_outside_the_range_are_refused_with_the_range(app_db, hours):
    card = demo_week.dialogue_card(app_db)
    before = count(app_db, Placement)
    at = app_as(app_db, "konsulent", "pages/hurtig_registrering.py")
    at.selectbox(key="qp_citizen").select(int(card.citizen_id))
    with Session(app_db) as session:
        at.selectbox(key="qp_company").select(session.exec(select(Company.id)).first())
    at.number_input(key="qp_hours").set_value(hours)
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert not at.exception, at.exception
    assert errors(at) == ["Timer pr. uge skal være over 0 og højst 37."]
    assert count(app_db, Placement) == before


@pytest.mark.parametrize("day, message", [
    (date(1969, 12, 31), "Datoen skal ligge mellem 01-01-1970 og 31-12-2100."),
    (clock.today() + timedelta(days=1), "Målingen kan ikke ligge i fremtiden."),
])
def test_a_measuring_date_outside_the_range_is_refused_with_the_range(app_db, day, message):
    leader = demo_actor(app_db, "leder")
    board = sprints.board(app_db, leader, sprints.current_sprint_id(app_db, leader))
    citizen = people.get_citizen(app_db, leader, int(board["citizen_id"].iloc[0]))
    before = count(app_db, Outcome)
    at = app_as(app_db, "sagsbehandler", "pages/borgere.py")
    at.query_params["borger"] = str(citizen.id)
    at.run()
    at.selectbox(key="outcome_status").select("education")
    at.date_input(key="outcome_date").set_value(day)
    at.button(key="FormSubmitter:outcome_form-Gem status").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [message]
    assert count(app_db, Outcome) == before


@pytest.mark.parametrize("months", [0, 121])
def test_a_retention_period_outside_its_range_is_refused_with_the_range(app_db, months):
    at = app_as(app_db, "admin", "pages/persondata.py")
    at.number_input(key="pd_months_citizen").set_value(months)
    at.button(key="FormSubmitter:pd_periods-Gem frister").click().run()
    assert not at.exception, at.exception
    assert errors(at) == ["Fristen skal være et helt antal måneder fra 1 til 120."]
    with Session(app_db) as session:
        assert session.get(RetentionPolicy, "citizen").months == 24


def company_tab(engine, label: str):
    at = app_as(engine, "konsulent", "pages/virksomheder.py")
    at.session_state["company_tab"] = label
    return at.run()


@pytest.mark.parametrize("days, message", [
    (0, "Antallet af dage skal være mindst 1."),
    (companies.MAX_SILENT_DAYS + 1, f"Antallet af dage kan højst være {companies.MAX_SILENT_DAYS}."),
])
def test_a_number_of_days_outside_the_range_is_answered_not_shown(app_db, days, message):
    at = company_tab(app_db, "Aftaler uden kontakt")
    at.number_input(key="silent_days").set_value(days).run()
    assert not at.exception, at.exception
    assert errors(at) == [message]
    assert not at.dataframe


@pytest.mark.parametrize("day", [date(1969, 12, 31), clock.today() + timedelta(days=1)])
def test_a_since_date_outside_the_range_is_answered_not_shown(app_db, day):
    at = company_tab(app_db, "Flest borgere")
    at.date_input(key="top_since").set_value(day).run()
    assert not at.exception, at.exception
    assert errors(at) == [
        f"Datoen skal ligge mellem 01-01-1970 og {clock.today():%d-%m-%Y}."]
    assert not at.get("plotly_chart")


def test_the_bounded_fields_set_no_bounds_in_the_browser(app_db):
    """A bound on the widget would refuse a typed value in the browser (in English, or not at
    all) before the model could answer."""
    at = app_as(app_db, "konsulent", "pages/borgere.py")
    year = at.number_input(key="new_year")
    assert (year.min, year.max) == (None, None)
    at = company_tab(app_db, "Aftaler uden kontakt")
    assert (at.number_input(key="silent_days").min, at.number_input(key="silent_days").max) == (
        None, None)
