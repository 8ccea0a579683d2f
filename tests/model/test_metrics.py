"""Pure metrics: burn-up, funnel, days in stage, initials."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from model import metrics


def changes(*rows):
    return pd.DataFrame(rows, columns=["card_id", "to_stage", "changed_at"])


def utc(day, hour=12):
    return datetime(2026, 9, day, hour, tzinfo=UTC)


DAYS = metrics.sprint_days(date(2026, 9, 21), date(2026, 9, 25))


def test_sprint_days_cover_start_to_end():
    assert DAYS[0] == date(2026, 9, 21) and DAYS[-1] == date(2026, 9, 25) and len(DAYS) == 5


def test_burn_up_with_no_changes_is_flat_zero():
    assert metrics.burn_up(changes(), DAYS, 16)["secured"].tolist() == [0] * 5


def test_burn_up_uses_danish_days():
    # 22:30 UTC on the 21st is 00:30 on the 22nd in Copenhagen.
    late = changes((1, "secured", datetime(2026, 9, 21, 22, 30, tzinfo=UTC)))
    assert metrics.burn_up(late, DAYS, 1)["secured"].tolist() == [0, 1, 1, 1, 1]


def test_burn_up_drops_a_card_that_leaves_secured():
    rows = changes((1, "secured", utc(22)), (2, "secured", utc(22)), (1, "dialogue", utc(24)))
    assert metrics.burn_up(rows, DAYS, 2)["secured"].tolist() == [0, 2, 2, 1, 1]


def test_funnel_counts_the_furthest_stage_reached():
    reached = pd.DataFrame([(1, "selected"), (1, "secured"), (2, "selected"), (2, "dialogue"),
                            (3, "selected"), (3, "parked")], columns=["card_id", "to_stage"])
    current = pd.DataFrame([(1, "secured"), (2, "dialogue"), (3, "parked")],
                           columns=["card_id", "stage"])
    funnel = metrics.funnel(reached, current)
    assert funnel["cards"].tolist() == [3, 2, 2, 1, 1]


@pytest.mark.parametrize("since, clock, days", [
    (utc(21, 8), utc(21, 15), 0),
    (utc(21, 8), utc(22, 8), 1),
    (utc(21, 23), utc(22, 8), 0),  # both are the 22nd in Copenhagen
    (utc(24, 8), utc(21, 8), 0),
])
def test_days_in_stage(since, clock, days):
    assert metrics.days_in_stage(since, clock) == days


@pytest.mark.parametrize("stage, days, stale", [
    ("selected", 2, True), ("dialogue", 1, False), ("secured", 5, False), ("parked", 9, False),
])
def test_is_stale(stage, days, stale):
    assert metrics.is_stale(stage, days) is stale


@pytest.mark.parametrize("first, last, expected", [
    ("Aisha", "Benali", "A.B."),
    ("Hans Christian", "Andersen", "H.A."),
    ("Marie-Louise", "Ørsted", "M.Ø."),
    ("Bo", "", "B."),
    ("", "", "?"),
])
def test_initials(first, last, expected):
    assert metrics.initials(first, last) == expected


def test_sprint_days_skip_the_weekend_of_a_week_that_spans_one():
    friday_to_thursday = metrics.sprint_days(date(2026, 11, 27), date(2026, 12, 3))
    assert [d.weekday() for d in friday_to_thursday] == [4, 0, 1, 2, 3]
    assert metrics.sprint_days(date(2026, 11, 28), date(2026, 11, 29)) == [
        date(2026, 11, 28), date(2026, 11, 29)]
