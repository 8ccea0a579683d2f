"""Arbejdsdage: the Danish working days that follow-up plans and proposed dates fall on."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

# Juleaftensdag and nytårsaftensdag are no public holidays, but job centres are closed on both.
CLOSED_EVES = ((12, 24), (12, 31))


@cache
def closed_days(year: int) -> frozenset[date]:
    """The days of `year` a job centre is closed besides weekends: public holidays and the two eves."""
    public = holidays.country_holidays("DK", years=year)
    return frozenset(public) | {date(year, month, day) for month, day in CLOSED_EVES}


def is_working_day(day: date) -> bool:
    """Monday to Friday, and neither a public holiday nor Christmas or New Year's Eve."""
    return day.weekday() < 5 and day not in closed_days(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_day_after(day: date) -> date:
    """The first working day later than `day`."""
    return next_working_day(day + timedelta(days=1))
