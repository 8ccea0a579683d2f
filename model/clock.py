"""The one clock of Jobtavlen: today and now in Danish time.

`JOBTAVLEN_TODAY=YYYY-MM-DD` sets the date for the whole app (training, demos, tests); the time of
day still runs, so moves made on a set day are ordered as they happen.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
SETTING = "JOBTAVLEN_TODAY"


def _system_now() -> datetime:
    """The machine's clock, in UTC; the only place that reads it."""
    return datetime.now(UTC)


def set_date() -> date | None:
    """The date `JOBTAVLEN_TODAY` sets, or None when the real date applies."""
    value = os.environ.get(SETTING, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{SETTING} must be a date as YYYY-MM-DD, not {value!r}") from error


def local_now() -> datetime:
    """Now in Denmark, on the set date when `JOBTAVLEN_TODAY` is given."""
    moment = _system_now().astimezone(LOCAL_TZ)
    fixed = set_date()
    if fixed is None:
        return moment
    return datetime.combine(fixed, moment.time().replace(tzinfo=None), tzinfo=LOCAL_TZ)


def now() -> datetime:
    """Now as a UTC moment, for the rows the app writes."""
    return local_now().astimezone(UTC)


def today() -> date:
    """Today in Denmark; the server's clock may run on UTC, an hour or two behind."""
    return local_now().date()


def local_day(moment: datetime) -> date:
    """The Danish calendar day of a UTC moment."""
    return moment.astimezone(LOCAL_TZ).date()
