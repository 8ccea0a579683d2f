"""The last bounded fields: the log filter's row id, page and period, the sample's size and
period (Brugere og log), Resultater's period and the programme table's day. Just outside either
end the model refuses with a Danish message that names the range and writes nothing; at both ends
it accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from model import admin, i18n, results, sprints
from model.errors import ValidationError
from model.tables import AgendaItem, AuditLog
from model.validation import EARLIEST_DATE, LATEST_DATE

TODAY = date(2026, 10, 15)
SEPTEMBER = {"start": date(2026, 9, 1), "end": date(2026, 9, 30)}
BEFORE, AFTER = EARLIEST_DATE - timedelta(days=1), LATEST_DATE + timedelta(days=1)
DATE_RANGE = "Datoen skal ligge mellem 01-01-1970 og 31-12-2100."


@pytest.fixture(autouse=True)
def app_date(monkeypatch):
    """The app's today, so no test depends on the real date."""
    monkeypatch.setenv("JOBTAVLEN_TODAY", TODAY.isoformat())


@pytest.fixture
def logged(engine, actor_factory):
    """An admin and 60 views of citizens logged in September (two pages of 50)."""
    boss = actor_factory("admin")
    with Session(engine) as session:
        session.add_all(AuditLog(at=datetime(2026, 9, day % 30 + 1, 12, tzinfo=UTC),
                                 user_id=boss.user_id, action="view", table_name="citizen",
                                 row_id=day % 3 + 1) for day in range(60))
        session.commit()
    return boss


def log_size(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


def refused(call, key: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.key == key
    assert i18n.t(key, "da", **error.value.params) == message


ROW_ID = f"Række-id skal være et helt tal fra 1 til {admin.MAX_ROW_ID}."


@pytest.mark.parametrize("row_id", [0, admin.MAX_ROW_ID + 1])
def test_a_row_id_outside_its_range_is_refused_and_nothing_is_logged(engine, logged, row_id):
    criteria = admin.LogFilter(**SEPTEMBER, row_id=row_id)
    before = log_size(engine)
    refused(lambda: admin.log_entries(engine, logged, criteria), "error.log_row_id", ROW_ID)
    refused(lambda: admin.export_log(engine, logged, criteria), "error.log_row_id", ROW_ID)
    assert log_size(engine) == before


@pytest.mark.parametrize("row_id, expected", [(1, 20), (admin.MAX_ROW_ID, 0)])
def test_a_row_id_at_either_end_is_searched(engine, logged, row_id, expected):
    _, total = admin.log_entries(engine, logged, admin.LogFilter(**SEPTEMBER, row_id=row_id))
    assert total == expected


@pytest.mark.parametrize("page", [0, 3])
def test_a_page_outside_the_log_is_refused_and_nothing_is_logged(engine, logged, page):
    before = log_size(engine)
    refused(lambda: admin.log_entries(engine, logged, admin.LogFilter(**SEPTEMBER), page=page),
            "error.log_page", "Vælg en side fra 1 til 2.")
    assert log_size(engine) == before


@pytest.mark.parametrize("page, shown", [(1, 50), (2, 10)])
def test_the_first_and_the_last_page_are_shown(engine, logged, page, shown):
    entries, total = admin.log_entries(engine, logged, admin.LogFilter(**SEPTEMBER), page=page)
    assert (len(entries), total) == (shown, 60)


def test_an_empty_log_still_has_its_first_page(engine, logged):
    entries, total = admin.log_entries(engine, logged, admin.LogFilter(start=TODAY, end=TODAY))
    assert (len(entries), total) == (0, 0)


@pytest.mark.parametrize("period", [{"start": BEFORE, "end": TODAY},
                                    {"start": TODAY, "end": AFTER}])
def test_a_log_period_outside_the_dates_is_refused_and_nothing_is_logged(engine, logged, period):
    before = log_size(engine)
    refused(lambda: admin.log_entries(engine, logged, admin.LogFilter(**period)),
            "error.date_out_of_range", DATE_RANGE)
    refused(lambda: admin.sample_log(engine, logged, size=5, **period),
            "error.date_out_of_range", DATE_RANGE)
    assert log_size(engine) == before


def test_a_log_period_at_both_ends_of_the_dates_is_searched(engine, logged):
    _, total = admin.log_entries(engine, logged,
                                 admin.LogFilter(start=EARLIEST_DATE, end=LATEST_DATE))
    assert total == 60


@pytest.mark.parametrize("size", [0, admin.MAX_SAMPLE + 1])
def test_a_sample_size_outside_its_range_is_refused_and_nothing_is_logged(engine, logged, size):
    before = log_size(engine)
    refused(lambda: admin.sample_log(engine, logged, size=size, **SEPTEMBER),
            "error.sample_size", f"Stikprøven skal have mellem 1 og {admin.MAX_SAMPLE} poster.")
    assert log_size(engine) == before


@pytest.mark.parametrize("start, end, key, message", [
    (BEFORE, TODAY, "error.date_out_of_range", DATE_RANGE),
    (TODAY, AFTER, "error.date_out_of_range", DATE_RANGE),
    (AFTER, AFTER + timedelta(days=1), "error.date_out_of_range", DATE_RANGE),
    (TODAY, TODAY - timedelta(days=1), "error.results_period",
     "Periodens slutdato ligger før startdatoen."),
])
def test_a_results_period_outside_the_dates_or_backwards_is_refused(start, end, key, message):
    refused(lambda: results.check_filter(results.Filter(start=start, end=end)), key, message)


@pytest.mark.parametrize("start, end", [(EARLIEST_DATE, LATEST_DATE), (TODAY, TODAY)])
def test_a_results_period_within_the_dates_is_taken(start, end):
    flt = results.Filter(start=start, end=end)
    assert results.check_filter(flt) is flt


def test_the_figures_refuse_a_period_outside_the_dates(engine, actor_factory):
    leader = actor_factory("leader")
    refused(lambda: results.outcome_shares(engine, leader, results.Filter(start=BEFORE, end=TODAY)),
            "error.date_out_of_range", DATE_RANGE)


MONDAY, FRIDAY = date(2026, 10, 12), date(2026, 10, 16)


@pytest.mark.parametrize("day", [MONDAY - timedelta(days=1), FRIDAY + timedelta(days=1), "tirsdag"])
def test_a_programme_day_outside_the_sprint_is_refused_with_its_days(engine, actor_factory, day):
    leader = actor_factory("leader")
    sprint_id = sprints.create_sprint(engine, leader, name="Uge 42", start=MONDAY, end=FRIDAY,
                                      goal=2)
    sprints.save_agenda(engine, leader, sprint_id, pd.DataFrame(
        [{"day": MONDAY, "part": "", "title": "Opstart", "note": ""}]))
    edited = pd.DataFrame([{"day": MONDAY, "part": "", "title": "Opstart", "note": ""},
                           {"day": day, "part": "", "title": "Uden for ugen", "note": ""}])
    refused(lambda: sprints.save_agenda(engine, leader, sprint_id, edited),
            "error.agenda_day_outside",
            "Hvert punkt skal ligge på en dag inden for sprinten, fra 12-10-2026 til 16-10-2026.")
    with Session(engine) as session:
        assert session.exec(select(AgendaItem.title)).all() == ["Opstart"]
