"""Danish working days: weekends, public holidays and the two eves a job centre is closed."""

from datetime import date

import pytest

from model import workdays


@pytest.mark.parametrize("day, working", [
    (date(2027, 3, 24), True),    # onsdag før påske
    (date(2027, 3, 25), False),   # skærtorsdag
    (date(2027, 3, 26), False),   # langfredag
    (date(2027, 3, 27), False),   # lørdag
    (date(2027, 3, 28), False),   # påskedag (a Sunday anyway)
    (date(2027, 3, 29), False),   # 2. påskedag
    (date(2027, 3, 30), True),
    (date(2027, 4, 23), True),    # would have been store bededag, abolished from 2024
    (date(2027, 5, 6), False),    # Kristi himmelfartsdag
    (date(2027, 5, 17), False),   # 2. pinsedag
    (date(2026, 6, 5), True),     # grundlovsdag is no public holiday (closed from noon at most)
    (date(2025, 6, 5), True),     # grundlovsdag on a Thursday (in 2028 it is 2. pinsedag)
    (date(2026, 5, 1), True),     # 1. maj is no public holiday either
    (date(2026, 12, 23), True),
    (date(2026, 12, 24), False),  # juleaftensdag: no public holiday, but the job centre is closed
    (date(2026, 12, 25), False),  # juledag
    (date(2026, 12, 26), False),  # 2. juledag (a Saturday)
    (date(2026, 12, 28), True),
    (date(2026, 12, 31), False),  # nytårsaftensdag: closed, as juleaftensdag
    (date(2027, 1, 1), False),    # nytårsdag
    (date(2027, 1, 4), True),
    (date(2026, 12, 5), False),   # a Saturday
    (date(2026, 12, 6), False),   # a Sunday
    (date(2026, 12, 7), True),    # a Monday
])
def test_is_working_day(day, working):
    assert workdays.is_working_day(day) is working


@pytest.mark.parametrize("day, expected", [
    (date(2027, 3, 24), date(2027, 3, 24)),  # a working day stays
    (date(2027, 3, 25), date(2027, 3, 30)),  # skærtorsdag to the Tuesday after 2. påskedag
    (date(2027, 3, 29), date(2027, 3, 30)),
    (date(2026, 12, 24), date(2026, 12, 28)),  # juleaften, jul and the weekend
    (date(2026, 12, 31), date(2027, 1, 4)),  # nytårsaften, nytårsdag and the weekend
    (date(2026, 6, 5), date(2026, 6, 5)),  # grundlovsdag is a working day
    (date(2027, 6, 5), date(2027, 6, 7)),  # grundlovsdag on a Saturday
    (date(2026, 12, 5), date(2026, 12, 7)),  # Saturday to Monday
    (date(2026, 12, 6), date(2026, 12, 7)),
])
def test_next_working_day_is_the_day_itself_or_the_first_working_day_after(day, expected):
    assert workdays.next_working_day(day) == expected


@pytest.mark.parametrize("day, expected", [
    (date(2027, 3, 24), date(2027, 3, 24)),
    (date(2027, 3, 29), date(2027, 3, 24)),  # back over Easter
    (date(2027, 1, 1), date(2026, 12, 30)),  # back over nytårsdag and nytårsaften
    (date(2026, 12, 6), date(2026, 12, 4)),  # Sunday to Friday
])
def test_previous_working_day_is_the_day_itself_or_the_last_working_day_before(day, expected):
    assert workdays.previous_working_day(day) == expected


@pytest.mark.parametrize("day, expected", [
    (date(2027, 3, 24), date(2027, 3, 30)),
    (date(2027, 3, 30), date(2027, 3, 31)),
    (date(2026, 12, 23), date(2026, 12, 28)),
    (date(2026, 12, 4), date(2026, 12, 7)),
])
def test_working_day_after_is_always_later(day, expected):
    assert workdays.working_day_after(day) == expected


def test_the_closed_days_of_a_year_are_the_public_holidays_and_the_two_eves():
    closed = workdays.closed_days(2027)
    assert {date(2027, 12, 24), date(2027, 12, 31), date(2027, 3, 25)} <= closed
    assert date(2027, 6, 5) not in closed and date(2027, 5, 1) not in closed
