"""Pure statistics for the Resultater and Mål pages; no database, no Streamlit."""

from __future__ import annotations

import math
from collections.abc import Sequence
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
