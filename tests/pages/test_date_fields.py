"""A date field has no range of its own: Streamlit's default (ten years either side of today)
would refuse an earlier or later date in the browser with an English note and never save it. Every
date field goes through `ui.date_input`, which lifts that range, and the model answers a date
outside the field's range in Danish, writing nothing."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from model import clock, sprints
from model.tables import Company, Goal, Placement, Sprint
from pages import ui
from tests import demo_week
from tests.conftest import app_as

PAGES = Path(__file__).resolve().parents[2] / "pages"
DATE_RANGE = "Datoen skal ligge mellem 01-01-1970 og 31-12-2100."
# Outside Streamlit's default range (today ± 10 years) and outside the model's.
BEFORE, AFTER = date(1969, 12, 31), date(2101, 1, 1)


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def errors(at) -> list[str]:
    return [str(error.value) for error in at.error]


def test_every_date_field_goes_through_the_one_helper():
    helper = PAGES / "ui" / "__init__.py"
    direct = [f"{path.relative_to(PAGES.parent)}:{number}"
              for path in sorted(PAGES.rglob("*.py")) if path != helper
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if re.search(r"\.date_input\(", line) and not re.search(r"\bui\.date_input\(", line)]
    assert direct == []


@pytest.mark.parametrize("username, page, expected", [
    ("konsulent", "hurtig_registrering", {"qp_start", "qc_next_date"}),
    ("konsulent", "forloeb", {"new_start", "new_planned_end"}),
    ("leder", "sprinttavle", {"new_start", "new_end"}),
    ("leder", "resultater", {"results_period"}),
    ("leder", "omraadeoverblik", set()),
    ("admin", "administration", set()),
])
def test_no_date_field_on_a_page_has_a_range_of_its_own(app_db, username, page, expected):
    at = app_as(app_db, username, f"pages/{page}.py")
    if page == "forloeb":
        at.session_state["pl_tab"] = "Opret forløb"
        at.run()
    fields = {field.key: (field.min, field.max) for field in at.date_input}
    assert fields, f"no date field on {page}"
    assert expected <= set(fields)
    assert set(fields.values()) == {(ui.ANY_DATE["min_value"], ui.ANY_DATE["max_value"])}


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_a_quick_placement_start_outside_the_range_is_answered(app_db, day):
    card = demo_week.dialogue_card(app_db)
    before = count(app_db, Placement)
    at = app_as(app_db, "konsulent", "pages/hurtig_registrering.py")
    at.selectbox(key="qp_citizen").select(int(card.citizen_id))
    with Session(app_db) as session:
        at.selectbox(key="qp_company").select(session.exec(select(Company.id)).first())
    at.date_input(key="qp_start").set_value(day)
    at.button(key="FormSubmitter:quick_placement-Start forløb").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [DATE_RANGE]
    assert count(app_db, Placement) == before


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_a_sprint_start_outside_the_range_is_answered(app_db, day):
    before = count(app_db, Sprint)
    at = app_as(app_db, "leder", "pages/sprinttavle.py")
    at.text_input(key="new_name").input("Forkert år")
    start, end = sprints.proposed_week(clock.today())
    at.date_input(key="new_start").set_value(day)
    at.date_input(key="new_end").set_value(max(day, end))
    at.number_input(key="new_goal").set_value(12)
    at.button(key="FormSubmitter:new_form-Gem").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [DATE_RANGE]
    assert count(app_db, Sprint) == before


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_a_goal_period_outside_the_range_is_answered(app_db, day):
    before = count(app_db, Goal)
    at = app_as(app_db, "leder", "pages/maal.py")
    at.session_state["goals_tab"] = "Nyt mål"
    at.run()
    at.text_input(key="goal_new_name").input("Praktikker i år")
    at.number_input(key="goal_new_target_count").set_value(40)
    [start] = [field for field in at.date_input if field.key.startswith("goal_new_start")]
    [end] = [field for field in at.date_input if field.key.startswith("goal_new_end")]
    assert (start.min, end.max) == (ui.ANY_DATE["min_value"], ui.ANY_DATE["max_value"])
    start.set_value(min(day, clock.today()))
    end.set_value(max(day, clock.today()))
    at.button(key="goal_new_create").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [DATE_RANGE]
    assert count(app_db, Goal) == before

