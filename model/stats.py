"""Pure statistics for the Resultater and Mål pages; no database, no Streamlit."""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import TypedDict

import numpy as np
import pandas as pd

Z95 = 1.959963984540054

# Two-sided 95 % t quantiles (the 97.5 % point) for 1..30 degrees of freedom.
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)

SHARE_COLUMNS = ["group", "n", "successes", "share", "low", "high", "too_few"]
CURVE_COLUMNS = ["time", "at_risk", "events", "censored", "survival"]


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for the proportion successes / n."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Share:
    """One group's share with its Wilson interval; hidden ("for få") when the group is too small."""

    group: str
    n: int
    successes: int | None
    share: float
    low: float
    high: float
    too_few: bool


def group_share(group: str, successes: int, n: int, min_group_size: int) -> Share:
    """The share for one group, or NaN and no count of successes when n < min_group_size."""
    if n < min_group_size or n == 0:
        # The success count would give the share away, so it is hidden too.
        return Share(group, n, None, math.nan, math.nan, math.nan, True)
    low, high = wilson_interval(successes, n)
    return Share(group, n, successes, successes / n, low, high, False)


def shares_by_group(frame: pd.DataFrame, *, group: str, success: str, min_group_size: int) -> pd.DataFrame:
    """Share of rows with `success` true per `group`, with 95 % Wilson intervals.

    Rows whose success is missing (not measured yet) are left out of n.
    """
    measured = frame.dropna(subset=[group, success])
    rows = [
        asdict(group_share(str(label), int(part[success].astype(bool).sum()), len(part), min_group_size))
        for label, part in measured.groupby(group, sort=True)
    ]
    result = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    result["successes"] = result["successes"].astype("Int64")
    return result


def difference_of_proportions(s1: int, n1: int, s2: int, n2: int,
                              z: float = Z95) -> tuple[float, float, float]:
    """p1 - p2 with Newcombe's hybrid score interval (method 10, Newcombe 1998)."""
    l1, u1 = wilson_interval(s1, n1, z)
    l2, u2 = wilson_interval(s2, n2, z)
    p1, p2 = s1 / n1, s2 / n2
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return difference, low, high


def difference_verdict(low: float, high: float) -> str:
    """The verdict on a difference: "better" above 0, "worse" below 0, "unclear" across 0."""
    if low > 0:
        return "better"
    if high < 0:
        return "worse"
    return "unclear"


def kaplan_meier(durations: Sequence[float], observed: Sequence[bool],
                 counts: Sequence[int] | None = None) -> pd.DataFrame:
    """Kaplan-Meier (product-limit) survival curve, from time 0 with survival 1.0.

    `observed` is False for a censored duration (a first job still running); censored
    people count as at risk at their own time and leave after that time's events. With
    `counts`, each (duration, observed) pair stands for that many people (aggregated in SQL).
    """
    if len(durations) != len(observed) or (counts is not None and len(counts) != len(durations)):
        raise ValueError("durations, observed and counts must have the same length")
    data = pd.DataFrame({"time": pd.Series(durations, dtype=float),
                         "event": pd.Series(observed, dtype=bool),
                         "n": pd.Series(1 if counts is None else counts, index=range(len(durations)),
                                        dtype="int64")})
    if (data["time"] < 0).any() or data["time"].isna().any():
        raise ValueError("durations must be non-negative numbers")
    times = sorted({0.0, *data["time"]})
    total = data.groupby("time")["n"].sum().reindex(times, fill_value=0).to_numpy()
    events = (data[data["event"]].groupby("time")["n"].sum()
              .reindex(times, fill_value=0).to_numpy())
    at_risk = np.cumsum(total[::-1])[::-1]  # everyone whose time is this one or later
    factor = np.where(at_risk > 0, 1 - events / np.maximum(at_risk, 1), 1.0)
    return pd.DataFrame({"time": np.array(times, dtype=float), "at_risk": at_risk.astype(int),
                         "events": events.astype(int), "censored": (total - events).astype(int),
                         "survival": np.cumprod(factor)}, columns=CURVE_COLUMNS)


def median_survival(curve: pd.DataFrame) -> float | None:
    """The first time the survival curve drops to 0.5 or below; None if it never does."""
    below = curve[curve["survival"] <= 0.5 + 1e-12]
    return float(below["time"].iloc[0]) if len(below) else None


def t_quantile_975(df: int) -> float:
    """The 97.5 % point of Student's t: a table up to 30, a Cornish-Fisher series above."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(T975):
        return T975[df - 1]
    z = Z95
    return (z + (z**3 + z) / (4 * df)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * df**4))


class PairedChange(TypedDict):
    n: int
    mean: float | None
    low: float | None
    high: float | None


def paired_change(first: Sequence[float], latest: Sequence[float]) -> PairedChange:
    """Mean progression (latest - first) per citizen with a 95 % t interval; none when n < 2."""
    if len(first) != len(latest):
        raise ValueError("first and latest must have the same length")
    changes = [b - a for a, b in zip(first, latest)]
    n = len(changes)
    if n == 0:
        return {"n": 0, "mean": None, "low": None, "high": None}
    mean = sum(changes) / n
    if n < 2:
        return {"n": n, "mean": mean, "low": None, "high": None}
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / (n - 1))
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return {"n": n, "mean": mean, "low": mean - half, "high": mean + half}


def projected_value(current: float, start: date, end: date, today: date) -> float:
    """The value at the end of the period if the pace so far (from 0 at the start) keeps up."""
    if end < start:
        raise ValueError("end must not be before start")
    if today < start:
        return current
    # Days count inclusively, so the start day is one day of pace.
    elapsed = (min(today, end) - start).days + 1
    total = (end - start).days + 1
    return current * total / elapsed


def goal_status(*, current: float, target: float, start: date, end: date, today: date) -> str:
    """Mål: "reached", "missed" (period over), "on_track" (linear pace reaches it) or "at_risk"."""
    if current >= target:
        return "reached"
    if today > end:
        return "missed"
    if today < start:
        return "on_track"  # not started: no pace to judge yet
    return "on_track" if projected_value(current, start, end, today) >= target else "at_risk"


# --- Small numbers (diskretionering) -------------------------------------------------------------

Cell = tuple[int, int]


@dataclass(frozen=True)
class Suppressed:
    """Counts as they may be shown: `frame` with NA in every hidden cell, `hidden` True there."""

    frame: pd.DataFrame
    hidden: pd.DataFrame

    def marked(self, marker: str) -> pd.DataFrame:
        """The frame with `marker` ("for få") in the hidden cells, text beside the numbers."""
        return self.frame.astype(object).mask(self.hidden, marker)


def nothing_hidden(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(False, index=frame.index, columns=frame.columns)


def hide(frame: pd.DataFrame, hidden: pd.DataFrame) -> Suppressed:
    """`frame` with NA where `hidden` (columns `hidden` lacks are shown); whole numbers stay whole."""
    hidden = hidden.reindex(index=frame.index, columns=frame.columns, fill_value=False).astype(bool)
    shown = frame.copy()
    for column in hidden.columns[hidden.any()]:
        values = shown[column]
        if pd.api.types.is_integer_dtype(values) and not isinstance(values.dtype, pd.Int64Dtype):
            values = values.astype("Int64")
        shown[column] = values.mask(hidden[column])
    return Suppressed(shown, hidden)


def _lines(shape: tuple[int, int], total_row: int | None,
           total_column: int | None) -> list[tuple[list[Cell], Cell]]:
    """Each row with its total in the total column, each column with its total in the total row."""
    rows, columns = shape
    lines = []
    if total_column is not None:
        lines += [([(r, c) for c in range(columns) if c != total_column], (r, total_column))
                  for r in range(rows)]
    if total_row is not None:
        lines += [([(r, c) for r in range(rows) if r != total_row], (total_row, c))
                  for c in range(columns)]
    return lines


def _protect_line(values: np.ndarray, hidden: np.ndarray, kept: np.ndarray, members: list[Cell],
                  total: Cell, min_size: int) -> bool:
    """Hide more of one line until none of its hidden cells can be worked out; True if it did."""
    if np.isnan(values[total]):
        return False  # a line without a total gives nothing away
    members = [m for m in members if not np.isnan(values[m])]
    before = int(hidden.sum())
    if hidden[total] and values[total] < min_size:
        # A group too small to show hides how it splits, zeros too: "0 of them" tells about all.
        for member in members:
            hidden[member] = True
        return int(hidden.sum()) > before
    while True:
        secret = [m for m in members if hidden[m]]
        if hidden[total] and secret:
            break  # the total and a cell unknown: one equation, two unknowns
        if not hidden[total] and (not secret or (len(secret) >= 2
                                                 and sum(values[m] for m in secret) >= min_size)):
            break
        # The next-smallest count; a zero would hide nothing, as the hidden sum stays the same.
        shown = [m for m in members if not hidden[m] and values[m] > 0]
        free = [m for m in shown if not kept[m]]
        if free:
            hidden[min(free, key=lambda m: values[m])] = True
        elif not hidden[total]:
            hidden[total] = True
        elif shown:
            hidden[min(shown, key=lambda m: values[m])] = True
        else:
            break
    return int(hidden.sum()) > before


def small_count_mask(counts: pd.DataFrame, *, min_size: int, total_row: Hashable | None = None,
                     total_column: Hashable | None = None,
                     keep: Collection[Hashable] = ()) -> pd.DataFrame:
    """Which counts of people to show as "for få": True in every cell to hide.

    `counts` holds counts of people; `total_row` and `total_column` name its totals (the row of
    column sums, the column of row sums), a missing (NA) total meaning that line has no
    published total. The rule, applied to cells and totals alike:

    1. Every count from 1 to min_size - 1 is hidden. Zero is shown: it counts nobody.
    2. A line (a row with its total, a column with its total) whose total is hidden because it
       is small hides all its cells, zeros too, as "0 of them in job" tells about all of them.
    3. Complementary suppression: a line with a shown total that has hidden cells must have at
       least two, summing to at least min_size, so neither a cell nor the hidden cells together
       can be worked out from the total; otherwise its smallest shown non-zero cell is hidden too
       (a zero protects nothing), and its total when no such cell is left. Cells of the rows and
       columns named in `keep` (the result a table is for) are passed over for the total. A
       hidden total whose cells are all shown is given away by them, so one of them is hidden.
    4. Rules 2 and 3 run over every line again until nothing changes, as each hidden cell can
       call for another in its crossing line.
    """
    values = counts.to_numpy(dtype=float, na_value=np.nan)
    hidden = ~np.isnan(values) & (values >= 1) & (values < min_size)
    kept = np.logical_or.outer(counts.index.isin(list(keep)), counts.columns.isin(list(keep)))
    lines = _lines(values.shape,
                   None if total_row is None else counts.index.get_loc(total_row),
                   None if total_column is None else counts.columns.get_loc(total_column))
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            changed = _protect_line(values, hidden, kept, members, total, min_size) or changed
    return pd.DataFrame(hidden, index=counts.index, columns=counts.columns)


def suppress_small_counts(counts: pd.DataFrame, *, min_size: int, marker: str,
                          total_row: Hashable | None = None, total_column: Hashable | None = None,
                          keep: Collection[Hashable] = ()) -> pd.DataFrame:
    """`counts` with every count small_count_mask hides written as `marker` ("for få")."""
    hidden = small_count_mask(counts, min_size=min_size, total_row=total_row,
                              total_column=total_column, keep=keep)
    return hide(counts, hidden).marked(marker)
