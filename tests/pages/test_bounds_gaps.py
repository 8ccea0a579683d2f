"""The last bounded fields, typed or stepped just outside their range on the page: Brugere og log's
row id, page, sample size and periods, Resultater's period, and the programme and progression
tables. The value reaches the model, the page shows its Danish message, and nothing is written."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from model import admin, clock, outcomes, people, sprints
from model.tables import AgendaItem, AuditLog, Progression
from tests.conftest import app_as, demo_actor

ADMIN, RESULTS, BOARD, CITIZENS = ("pages/administration.py", "pages/resultater.py",
                                   "pages/sprinttavle.py", "pages/borgere.py")
DATE_RANGE = "Datoen skal ligge mellem 01-01-1970 og 31-12-2100."
BEFORE, AFTER = date(1969, 12, 31), date(2101, 1, 1)


def errors(at) -> list[str]:
    return [str(error.value) for error in at.error]


def logged(engine, action: str) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)
                            .where(AuditLog.action == action)).one()


def log_of_sixty_views(engine):
    """Brugere og log as the admin, filtered to 60 views of citizens logged today: two pages."""
    leader = demo_actor(engine, "leder")
    with Session(engine) as session:
        session.add_all(AuditLog(at=clock.now(), action="view", table_name="citizen",
                                 row_id=i % 4, user_id=leader.user_id) for i in range(60))
        session.commit()
    at = app_as(engine, "admin", ADMIN)
    at.selectbox(key="log_action").select("view")
    at.selectbox(key="log_table").select("citizen").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("row_id", [0, admin.MAX_ROW_ID + 1])
def test_a_row_id_outside_its_range_is_answered_and_not_searched(app_db, running_week, row_id):
    at = log_of_sixty_views(app_db)
    before = logged(app_db, "view_log")
    at.number_input(key="log_row").set_value(row_id).run()
    assert not at.exception, at.exception
    assert errors(at) == [f"Række-id skal være et helt tal fra 1 til {admin.MAX_ROW_ID}."]
    assert logged(app_db, "view_log") == before


@pytest.mark.parametrize("page", [0, 3])
def test_a_page_outside_the_log_is_answered_and_not_searched(app_db, running_week, page):
    at = log_of_sixty_views(app_db)
    before = logged(app_db, "view_log")
    at.number_input(key="log_page").set_value(page).run()
    assert not at.exception, at.exception
    assert errors(at) == ["Vælg en side fra 1 til 2."]
    assert logged(app_db, "view_log") == before


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_a_log_period_outside_the_dates_is_answered_and_not_searched(app_db, running_week, day):
    at = app_as(app_db, "admin", ADMIN)
    before = logged(app_db, "view_log")
    at.date_input(key="log_period").set_value((min(day, running_week), max(day, running_week)))
    at.run()
    assert not at.exception, at.exception
    assert errors(at) == [DATE_RANGE]
    assert logged(app_db, "view_log") == before


@pytest.mark.parametrize("size", [0, admin.MAX_SAMPLE + 1])
def test_a_sample_size_outside_its_range_is_answered_and_not_drawn(app_db, running_week, size):
    at = app_as(app_db, "admin", ADMIN)
    at.number_input(key="sample_size").set_value(size)
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [f"Stikprøven skal have mellem 1 og {admin.MAX_SAMPLE} poster."]
    assert logged(app_db, "sample") == 0


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_a_sample_period_outside_the_dates_is_answered_and_not_drawn(app_db, running_week, day):
    at = app_as(app_db, "admin", ADMIN)
    at.date_input(key="sample_period").set_value((min(day, running_week), max(day, running_week)))
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [DATE_RANGE]
    assert logged(app_db, "sample") == 0


def test_the_administration_fields_set_no_bounds_in_the_browser(app_db, running_week):
    """A bound on the widget refuses a typed value in the browser (in English) before the model
    could answer."""
    at = app_as(app_db, "admin", ADMIN)
    for key in ("log_row", "log_page", "sample_size"):
        assert (at.number_input(key=key).min, at.number_input(key=key).max) == (None, None), key
    for key in ("log_period", "sample_period"):
        assert at.date_input(key=key).min == date(1, 1, 1), key


@pytest.mark.parametrize("period, message", [
    (lambda today: (BEFORE, today), DATE_RANGE),
    (lambda today: (today, AFTER), DATE_RANGE),
    (lambda today: (today, today - timedelta(days=1)), "Periodens slutdato ligger før startdatoen."),
], ids=["before", "after", "backwards"])
def test_a_results_period_outside_the_dates_or_backwards_is_answered_not_drawn(
        app_db, running_week, period, message):
    at = app_as(app_db, "leder", RESULTS)
    assert at.get("plotly_chart")
    at.date_input(key="results_period").set_value(period(running_week)).run()
    assert not at.exception, at.exception
    assert errors(at) == [message]
    assert not at.get("plotly_chart")


def test_the_results_period_sets_no_bounds_in_the_browser(app_db, running_week):
    period = app_as(app_db, "leder", RESULTS).date_input(key="results_period")
    assert (period.min, period.max) == (date(1, 1, 1), date(9999, 12, 31))


@pytest.mark.parametrize("outside", [-1, 1])
def test_a_programme_day_outside_the_sprint_is_answered_and_not_saved(app_db, running_week,
                                                                      outside):
    start, end = sprints.proposed_week(running_week)
    leader = demo_actor(app_db, "leder")
    sprint_id = sprints.create_sprint(app_db, leader, name="Grænseugen", start=start, end=end,
                                      goal=3)
    at = app_as(app_db, "leder", BOARD)
    at.selectbox(key="sprint_id").select(sprint_id).run()
    day = start - timedelta(days=1) if outside < 0 else end + timedelta(days=1)
    at.session_state["agenda_editor"] = {
        "edited_rows": {}, "added_rows": [{"day": day.isoformat(), "title": "Uden for ugen"}],
        "deleted_rows": []}
    at.button(key="agenda_save").click().run()
    assert not at.exception, at.exception
    assert errors(at) == ["Hvert punkt skal ligge på en dag inden for sprinten, "
                          f"fra {start:%d-%m-%Y} til {end:%d-%m-%Y}."]
    with Session(app_db) as session:
        assert session.exec(select(AgendaItem).where(AgendaItem.sprint_id == sprint_id)).all() == []


@pytest.mark.parametrize("score", [0, 11])
def test_a_progression_score_outside_its_range_is_answered_and_not_saved(app_db, running_week,
                                                                         score):
    leader = demo_actor(app_db, "leder")
    stv = int(people.filter_options(app_db, leader)["initiatives"]
              .set_index("name").loc["STV", "id"])
    sheet = outcomes.progression_sheet(app_db, leader, initiative_id=stv)
    with Session(app_db) as session:
        before = session.exec(select(func.count()).select_from(Progression)).one()
    at = app_as(app_db, "leder", CITIZENS)
    at.radio(key="group_kind").set_value("initiative").run()
    at.selectbox(key="group_initiative_id").select(stv).run()
    at.session_state[f"progression_sheet_initiative_{stv}"] = {
        "edited_rows": {1: {"score": score}}, "added_rows": [], "deleted_rows": []}
    at.button(key="group_progression_save").click().run()
    assert not at.exception, at.exception
    low, high = outcomes.SCORE_RANGE
    assert errors(at) == [f"Række 2 ({sheet['name'].iloc[1]}): scoren skal være et helt tal fra "
                          f"{low} til {high}. Intet er gemt."]
    with Session(app_db) as session:
        assert session.exec(select(func.count()).select_from(Progression)).one() == before
