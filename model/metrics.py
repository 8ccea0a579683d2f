"""Pure functions over rows and DataFrames; no database, no Streamlit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from model.clock import LOCAL_TZ, local_day
from model.tables import STAGES

__all__ = ["LOCAL_TZ", "local_day"]
PATH = ("selected", "clarified", "dialogue", "secured")


def sprint_days(start: date, end: date) -> list[date]:
    """The sprint's working days; weekends only when the sprint has no weekday at all."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weekdays = [day for day in days if day.weekday() < 5]
    return weekdays or days


def burn_up(changes: pd.DataFrame, days: list[date], goal: int) -> pd.DataFrame:
    """Secured cards at the end of each day, against the goal line.

    `changes` has columns card_id, to_stage, changed_at (UTC), one row per stage change.
    A card that leaves "secured" again stops counting from that day.
    """
    rows = []
    ordered = changes.sort_values(["changed_at", "card_id"]) if len(changes) else changes
    local_days = [local_day(m) for m in ordered["changed_at"]] if len(changes) else []
    for day in days:
        state: dict[int, str] = {}
        for (card_id, to_stage), change_day in zip(
            ordered[["card_id", "to_stage"]].itertuples(index=False), local_days
        ):
            if change_day > day:
                break
            state[card_id] = to_stage
        rows.append({"day": day, "secured": sum(1 for s in state.values() if s == "secured"),
                     "goal": goal})
    return pd.DataFrame(rows, columns=["day", "secured", "goal"])


def funnel(reached: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """How many cards reached each stage of the path at least once, plus those parked now.

    `reached` has card_id and to_stage for every stage a card has been in;
    `current` has card_id and stage as the cards stand now.
    """
    order = {stage: i for i, stage in enumerate(PATH)}
    furthest: dict[int, int] = {}
    for card_id, stage in reached[["card_id", "to_stage"]].itertuples(index=False):
        if stage in order:
            furthest[card_id] = max(furthest.get(card_id, 0), order[stage])
    for card_id in current["card_id"]:
        furthest.setdefault(card_id, 0)
    counts = [sum(1 for f in furthest.values() if f >= i) for i in range(len(PATH))]
    parked = int((current["stage"] == "parked").sum()) if len(current) else 0
    return pd.DataFrame({"stage": [*PATH, "parked"], "cards": [*counts, parked]})


def days_in_stage(stage_since: datetime, clock: datetime) -> int:
    """Whole days a card has stood in its stage, up to `clock`."""
    return max(0, (local_day(clock) - local_day(stage_since)).days)


def is_stale(stage: str, days: int, limit: int = 2) -> bool:
    """A card still on its way that has not moved for `limit` days gets a soft warning."""
    return stage not in ("secured", "parked") and days >= limit


def initials(first_name: str, last_name: str) -> str:
    """Initials for shared screens: "Aisha Benali" -> "A.B."."""
    parts = [p for p in f"{first_name} {last_name}".replace("-", " ").split() if p]
    if not parts:
        return "?"
    return "".join(f"{parts[i][0].upper()}." for i in ([0, -1] if len(parts) > 1 else [0]))


def goal_reached(secured: int, goal: int) -> bool:
    return secured >= goal


def stage_order(stage: str) -> int:
    return STAGES.index(stage)
