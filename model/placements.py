"""Forløb: company-based placements and their hand-held follow-up."""

from __future__ import annotations

from datetime import date

from model.errors import ValidationError
from model.tables import PLACEMENT_KINDS

RESULTS = ("ordinary_job", "education", "continued_placement", "back_on_benefits", "other")
POCKET_MONEY_AGES = (13, 17)
MAX_HOURS_PER_WEEK = 37


def validate_placement_fields(
    *,
    kind: str,
    start_date: date,
    planned_end_date: date | None,
    hours_per_week: float | None,
    birth_year: int,
) -> None:
    """The rules every placement meets, whether typed in or imported; raises ValidationError."""
    if kind not in PLACEMENT_KINDS:
        raise ValidationError("error.unknown_placement_kind")
    if planned_end_date is not None and planned_end_date < start_date:
        raise ValidationError("error.end_before_start")
    if hours_per_week is not None and not 0 < hours_per_week <= MAX_HOURS_PER_WEEK:
        raise ValidationError("error.hours_per_week", high=MAX_HOURS_PER_WEEK)
    age = start_date.year - birth_year
    low, high = POCKET_MONEY_AGES
    if kind == "lommepengejob" and not low <= age <= high:
        raise ValidationError("error.pocket_money_age", low=low, high=high, age=age)
