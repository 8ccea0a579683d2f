"""The one clock: Danish today and now, and JOBTAVLEN_TODAY for training, demos and tests."""

from datetime import UTC, date, datetime

import pytest

from model import clock


@pytest.fixture
def machine_at(monkeypatch):
    """Set the machine's UTC clock that model.clock reads."""
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "_system_now", lambda: moment)
    return set_to


@pytest.mark.parametrize("utc_moment, danish_day", [
    (datetime(2026, 12, 4, 23, 30, tzinfo=UTC), date(2026, 12, 5)),  # winter: UTC+1
    (datetime(2026, 12, 4, 22, 59, tzinfo=UTC), date(2026, 12, 4)),
    (datetime(2027, 7, 1, 22, 30, tzinfo=UTC), date(2027, 7, 2)),  # summer: UTC+2
    (datetime(2027, 7, 1, 21, 59, tzinfo=UTC), date(2027, 7, 1)),
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),  # a new year in Denmark first
])
def test_today_is_the_danish_day_whatever_the_machine_clock_says(monkeypatch, machine_at,
                                                               utc_moment, danish_day):
    monkeypatch.delenv(clock.SETTING, raising=False)
    machine_at(utc_moment)
    assert clock.today() == danish_day
    assert clock.now() == utc_moment
    assert clock.local_day(clock.now()) == danish_day


def test_the_setting_moves_today_and_keeps_the_time_of_day(monkeypatch, machine_at):
    machine_at(datetime(2026, 12, 4, 23, 30, tzinfo=UTC))  # 00:30 on 5 December in Denmark
    monkeypatch.setenv(clock.SETTING, "2027-09-27")
    assert clock.today() == date(2027, 9, 27)
    assert clock.set_date() == date(2027, 9, 27)
    local = clock.local_now()
    assert (local.date(), local.hour, local.minute) == (date(2027, 9, 27), 0, 30)
    assert clock.now() == datetime(2027, 9, 26, 22, 30, tzinfo=UTC)  # summer time in September


def test_without_the_setting_the_real_date_applies(monkeypatch):
    monkeypatch.setenv(clock.SETTING, "  ")
    assert clock.set_date() is None


def test_a_malformed_setting_says_what_it_wants(monkeypatch):
    monkeypatch.setenv(clock.SETTING, "04-12-2026")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        clock.today()


def test_rows_are_stamped_by_the_same_clock(monkeypatch):
    from model.tables import utcnow

    monkeypatch.setenv(clock.SETTING, "2027-01-01")
    assert clock.local_day(utcnow()) == date(2027, 1, 1)
