"""Pure statistics: Wilson, Newcombe, Kaplan-Meier, paired change, goal status."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from model import stats

approx = pytest.approx


@pytest.mark.parametrize("successes, n, low, high", [
    (81, 263, 0.2553, 0.3662),  # Newcombe 1998, table I
    (15, 148, 0.0624, 0.1605),  # Newcombe 1998, table I
    (0, 20, 0.0, 0.1611),  # Newcombe 1998, table I
    (1, 29, 0.0061, 0.1718),  # Newcombe 1998, table I
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (1, 2, 0.0945, 0.9055),
])
def test_wilson_interval(successes, n, low, high):
    assert stats.wilson_interval(successes, n) == approx((low, high), abs=1e-3)


@pytest.mark.parametrize("successes, n", [(0, 0), (3, 2), (-1, 5)])
def test_wilson_interval_rejects_impossible_counts(successes, n):
    with pytest.raises(ValueError):
        stats.wilson_interval(successes, n)


def test_shares_by_group_hides_groups_below_the_minimum_size():
    frame = pd.DataFrame({
        "area": ["Nord"] * 10 + ["Syd"] * 4 + ["Vest"],
        "in_job": [True] * 3 + [False] * 7 + [True, True, False, None] + [True],
    })
    shares = stats.shares_by_group(frame, group="area", success="in_job", min_group_size=3)
    assert shares.columns.tolist() == stats.SHARE_COLUMNS
    assert shares["group"].tolist() == ["Nord", "Syd", "Vest"]
    assert shares["n"].tolist() == [10, 3, 1]  # the unmeasured row in Syd is left out
    assert shares["too_few"].tolist() == [False, False, True]
    nord, syd, vest = shares.to_dict("records")
    assert (nord["successes"], nord["share"]) == (3, approx(0.3))
    assert (nord["low"], nord["high"]) == (approx(0.1078, abs=1e-3), approx(0.6032, abs=1e-3))
    assert (syd["successes"], syd["share"]) == (2, approx(2 / 3))
    assert pd.isna(vest["successes"])
    assert all(math.isnan(vest[key]) for key in ("share", "low", "high"))


def test_shares_by_group_of_an_empty_frame_is_empty():
    frame = pd.DataFrame({"area": [], "in_job": []})
    shares = stats.shares_by_group(frame, group="area", success="in_job", min_group_size=5)
    assert shares.empty and shares.columns.tolist() == stats.SHARE_COLUMNS


@pytest.mark.parametrize("min_size, too_few", [(5, False), (6, True)])
def test_group_share_at_the_minimum_size(min_size, too_few):
    assert stats.group_share("A", 2, 5, min_size).too_few is too_few


@pytest.mark.parametrize("s1, n1, s2, n2, difference, low, high", [
    (56, 70, 48, 80, 0.2, 0.0524, 0.3339),  # Newcombe 1998, table II, method 10
    (9, 10, 3, 10, 0.6, 0.1705, 0.8090),
    (5, 56, 0, 29, 0.0893, -0.0381, 0.1926),
])
def test_difference_of_proportions(s1, n1, s2, n2, difference, low, high):
    result = stats.difference_of_proportions(s1, n1, s2, n2)
    assert result == approx((difference, low, high), abs=1e-3)


@pytest.mark.parametrize("low, high, verdict", [
    (0.0524, 0.3339, "better"),
    (-0.3339, -0.0524, "worse"),
    (-0.0381, 0.1926, "unclear"),
    (0.0, 0.2, "unclear"),
])
def test_difference_verdict(low, high, verdict):
    assert stats.difference_verdict(low, high) == verdict


# The 6-MP arm of Freireich et al. (1963); False marks a censored remission time.
MP6_TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP6_OBSERVED = [True, True, True, False, True, False, True, False, False, True, True,
                False, False, False, True, True, False, False, False, False, False]


@pytest.fixture
def mp6_curve():
    """Kaplan-Meier curve of the 6-MP arm."""
    return stats.kaplan_meier(MP6_TIMES, MP6_OBSERVED)


@pytest.mark.parametrize("time, at_risk, survival", [
    (0, 21, 1.0), (6, 21, 0.857), (7, 17, 0.807), (9, 16, 0.807), (10, 15, 0.753), (13, 12, 0.690),
    (16, 11, 0.627), (22, 7, 0.538), (23, 6, 0.448), (35, 1, 0.448),
])
def test_kaplan_meier_matches_the_freireich_6mp_arm(mp6_curve, time, at_risk, survival):
    row = mp6_curve.set_index("time").loc[time]
    assert (row["at_risk"], row["survival"]) == (at_risk, approx(survival, abs=1e-3))


def test_kaplan_meier_counts_events_and_censored_at_a_shared_time(mp6_curve):
    assert mp6_curve.columns.tolist() == stats.CURVE_COLUMNS
    row = mp6_curve.set_index("time").loc[6]
    assert (row["events"], row["censored"]) == (3, 1)
    assert mp6_curve["events"].sum() == 9 and mp6_curve["censored"].sum() == 12


def test_median_survival_of_the_6mp_arm(mp6_curve):
    assert stats.median_survival(mp6_curve) == 23


@pytest.mark.parametrize("durations, observed, median", [
    ([1, 2, 3, 4], [True] * 4, 2),  # S(2) is exactly 0.5
    ([1, 2, 3], [True, False, False], None),
    ([], [], None),
])
def test_median_survival(durations, observed, median):
    assert stats.median_survival(stats.kaplan_meier(durations, observed)) == median


def test_kaplan_meier_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        stats.kaplan_meier([1, 2], [True])


@pytest.mark.parametrize("df, quantile", [
    (1, 12.706), (3, 3.182), (30, 2.042), (31, 2.040), (40, 2.021), (60, 2.000), (120, 1.980),
])
def test_t_quantile_975(df, quantile):
    assert stats.t_quantile_975(df) == approx(quantile, abs=1e-3)


@pytest.mark.parametrize("first, latest, expected", [
    # Changes 2, 1, 3, 1: mean 1.75, sd 0.9574, t(3) 3.182, half-width 1.5233.
    ([1, 2, 3, 4], [3, 3, 6, 5], {"n": 4, "mean": 1.75, "low": 0.2267, "high": 3.2733}),
    # Changes 1, -1: mean 0, sd 1.4142, t(1) 12.706, half-width 12.706.
    ([5, 5], [6, 4], {"n": 2, "mean": 0.0, "low": -12.706, "high": 12.706}),
    ([2], [5], {"n": 1, "mean": 3.0, "low": None, "high": None}),
    ([], [], {"n": 0, "mean": None, "low": None, "high": None}),
])
def test_paired_change(first, latest, expected):
    assert stats.paired_change(first, latest) == approx(expected, abs=1e-3)


START, END = date(2026, 9, 1), date(2026, 9, 30)


@pytest.mark.parametrize("current, target, today, status", [
    (20, 20, date(2026, 9, 10), "reached"),
    (25, 20, date(2026, 10, 5), "reached"),
    (19, 20, date(2026, 10, 1), "missed"),
    (7, 20, date(2026, 9, 10), "on_track"),  # 7 in 10 of 30 days projects to 21
    (6, 20, date(2026, 9, 10), "at_risk"),  # 6 in 10 of 30 days projects to 18
    (19, 20, END, "at_risk"),  # the last day is still inside the period
    (0, 20, date(2026, 8, 20), "on_track"),  # not started yet
])
def test_goal_status(current, target, today, status):
    assert stats.goal_status(current=current, target=target, start=START, end=END, today=today) == status


@pytest.mark.parametrize("current, today, projected", [
    (7, date(2026, 9, 10), 21.0),
    (1, START, 30.0),
    (12, END, 12.0),
    (12, date(2026, 10, 15), 12.0),
    (3, date(2026, 8, 1), 3.0),
])
def test_projected_value(current, today, projected):
    assert stats.projected_value(current, START, END, today) == approx(projected, abs=1e-3)


def test_kaplan_meier_with_counts_equals_one_row_per_person():
    rng = np.random.default_rng(39)
    days = rng.integers(0, 60, size=400).astype(float)
    lost = rng.random(400) < 0.4
    pairs = pd.DataFrame({"days": days, "lost": lost}).value_counts().reset_index()
    weighted = stats.kaplan_meier(pairs["days"], pairs["lost"], pairs["count"])
    pd.testing.assert_frame_equal(weighted, stats.kaplan_meier(days, lost), check_exact=True)


def test_kaplan_meier_of_nobody_stays_at_one():
    curve = stats.kaplan_meier([], [])
    assert curve[["time", "at_risk", "survival"]].values.tolist() == [[0.0, 0, 1.0]]


# --- Small numbers ------------------------------------------------------------------------------

def counts_table(cells: list[list[int]], margins: str) -> pd.DataFrame:
    """Inner counts with the totals `margins` asks for: "row" (a total column), "column" (a total
    row), "both" or ""."""
    table = pd.DataFrame(cells, columns=[f"c{i}" for i in range(len(cells[0]))])
    if margins in ("row", "both"):
        table["total"] = table.sum(axis=1)
    if margins in ("column", "both"):
        table.loc["total"] = table.sum()
    return table


def mask(cells, margins, **options) -> list[str]:
    """The hidden cells as "x", row by row, totals included."""
    table = counts_table(cells, margins)
    hidden = stats.small_count_mask(table, min_size=5, total_row="total" if margins in ("column", "both")
                                    else None, total_column="total" if margins in ("row", "both") else None,
                                    **options)
    return ["".join("x" if h else "." for h in row) for row in hidden.to_numpy()]


@pytest.mark.parametrize("cells, margins, expected", [
    # Without a total, only the count under five.
    ([[3, 20], [7, 0]], "", ["x.", ".."]),
    # 1 to 4 hidden, 5 and 0 shown.
    ([[1, 4, 5, 0]], "", ["xx.."]),
    # In a row with its total: the 3 would follow from 53, so the next-smallest 20 goes too.
    ([[3, 20, 30]], "row", ["xx.."]),
    # The same in a column.
    ([[3], [20], [30]], "column", ["x", "x", ".", "."]),
    # Two hidden that sum to under five would give their sum away: a third goes.
    ([[1, 2, 30, 40]], "row", ["xxx.."]),
    # A zero protects nothing (the hidden sum stays 3): the next non-zero count goes instead.
    ([[0, 3, 20]], "row", [".xx."]),
    # A group too small to show hides its total and how it splits, its zero too.
    ([[0, 3]], "row", ["xxx"]),
    # 1 of 14 in job and 13 of 14: the share hides either way; 0 of 14 hides nothing.
    ([[1, 13], [13, 1], [0, 14]], "row", ["xx.", "xx.", "..."]),
    # Rows and columns: the 1 takes 20 (row) and 10 (column), then 30 so row 2 is not given away.
    ([[1, 20], [10, 30]], "both", ["xx.", "xx.", "..."]),
    # A small row total is hidden among the row totals too: the next-smallest row total goes, and
    # its row's counts with it (already hidden for their columns' sake).
    ([[2, 1], [10, 20], [12, 30]], "both", ["xxx", "xxx", "...", "..."]),
])
def test_small_counts_and_what_would_give_them_away_are_hidden(cells, margins, expected):
    assert mask(cells, margins) == expected


def test_a_kept_column_passes_its_count_over_for_the_total():
    # 16 of 18 secured: the 2 left would follow from 18, so the 18 goes and the 16 stays.
    assert mask([[16, 2], [3, 0], [10, 10]], "row", keep=["c0"]) == [".xx", "xxx", "..."]
    assert mask([[16, 2]], "row") == ["xx."]


def test_hidden_counts_are_written_as_the_marker_and_the_rest_stays_numbers():
    table = counts_table([[3, 20, 30], [0, 10, 12]], "row")
    shown = stats.suppress_small_counts(table, min_size=5, marker="for få", total_column="total")
    assert shown.values.tolist() == [["for få", "for få", 30, 53], [0, 10, 12, 22]]


def _lines(table: pd.DataFrame) -> list[list[tuple[int, int]]]:
    """Each row and each column of a table with both margins, its total last."""
    rows, columns = table.shape
    return ([[(r, c) for c in range(columns)] for r in range(rows)]
            + [[(r, c) for r in range(rows)] for c in range(columns)])


def worked_out(hidden: np.ndarray, lines: list) -> set:
    """The hidden cells a reader can work out: a line (cells and total) with one unknown gives it,
    and what is worked out helps in the crossing lines, until nothing more comes."""
    known = ~hidden
    found, more = set(), True
    while more:
        more = False
        for line in lines:
            unknown = [cell for cell in line if not known[cell]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                found.add(unknown[0])
                more = True
    return found


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_count_can_be_worked_out_from_the_totals(seed):
    rng = np.random.default_rng(seed)
    rows, columns = rng.integers(1, 6, size=2)
    # Mostly small counts and zeros, some large, so every rule gets its turn.
    cells = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 30], size=(rows, columns)).tolist()
    table = counts_table(cells, "both")
    hidden = stats.small_count_mask(table, min_size=5, total_row="total", total_column="total")
    values, flags = table.to_numpy(), hidden.to_numpy()
    assert not ((values >= 1) & (values < 5) & ~flags).any()
    assert worked_out(flags.copy(), _lines(table)) == set()
    for line in _lines(table):
        *cells_of, total = line
        secret = [values[cell] for cell in cells_of if flags[cell]]
        if not flags[total] and secret:
            # Nor the hidden cells of a line together: at least two, and not a small number.
            assert len(secret) >= 2 and sum(secret) >= 5, (cells, line)
