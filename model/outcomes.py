"""Outcome measurements (status at 3, 6 and 12 months) and progression scores (livsmestring)."""

from __future__ import annotations

import numbers
from datetime import date, datetime

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from model import audit, clock, sprints, validation
from model.access import Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.people import visible_citizens
from model.tables import Citizen, Initiative, Outcome, Progression, SprintCard
from model.validation import check_free_text

OUTCOME_STATUSES = ("job", "education", "job_with_benefits", "benefits", "other")
MEASURE_MONTHS = (3, 6, 12)
SCORE_RANGE = (1, 10)
DEFAULT_SCALE = "livsmestring"
MAX_SCALE = 40
# Catalogue keys of the statuses, for the pages and the citizen's timeline.
STATUS_KEYS = {
    "job": "outcome.status_job",
    "education": "outcome.status_education",
    "job_with_benefits": "outcome.status_job_with_benefits",
    "benefits": "outcome.status_benefits",
    "other": "outcome.status_other",
}
OUTCOME_SHEET_COLUMNS = ["citizen_id", "name", "status", "measured_at"]
PROGRESSION_SHEET_COLUMNS = ["citizen_id", "name", "latest_score", "latest_at", "score"]


def _measured_day(measured_at: date | datetime, today: date | None = None) -> date:
    if isinstance(measured_at, datetime):
        measured_at = measured_at.date()
    if not isinstance(measured_at, date):
        raise ValidationError("error.measured_at_required")
    if measured_at > (today or clock.today()):
        raise ValidationError("error.measured_in_future")
    return validation.check_date(measured_at)


def validate_months(months: int) -> int:
    if isinstance(months, bool) or months not in MEASURE_MONTHS:
        raise ValidationError("error.outcome_months", months=", ".join(map(str, MEASURE_MONTHS)))
    return int(months)


def validate_status(status: str) -> str:
    if status not in OUTCOME_STATUSES:
        raise ValidationError("error.outcome_status")
    return status


def valid_score(score: object) -> int | None:
    """The score as an int when it is a whole number from 1 to 10, else None."""
    if isinstance(score, bool) or not isinstance(score, numbers.Real) or score != int(score):
        return None
    low, high = SCORE_RANGE
    return int(score) if low <= score <= high else None


def validate_scale(scale: str) -> str:
    scale = (scale or "").strip()
    if not scale or len(scale) > MAX_SCALE:
        raise ValidationError("error.progression_scale", max=MAX_SCALE)
    check_free_text(scale)
    return scale


def _visible_ids(session: Session, actor: Actor, citizen_ids: list[int]) -> set[int]:
    stmt = visible_citizens(actor, select(Citizen.id).where(Citizen.id.in_(citizen_ids)))
    return set(session.exec(stmt).all())


def _save_outcome(session: Session, actor: Actor, citizen_id: int, months: int, status: str,
                  measured_at: date, *, keep_date: bool) -> tuple[int, bool]:
    """Add the citizen's status at `months`, or correct the one recorded; (id, written).

    With `keep_date` an unchanged status keeps the date it was measured (a sheet saved again).
    """
    existing = session.exec(
        select(Outcome).where(Outcome.citizen_id == citizen_id, Outcome.months_after_start == months)
        .order_by(Outcome.id.desc())
    ).first()
    if existing is not None and existing.status == status and (
            keep_date or existing.measured_at == measured_at):
        return existing.id, False
    if existing is None:
        existing = Outcome(citizen_id=citizen_id, months_after_start=months, status=status,
                           measured_at=measured_at)
        action = "create"
    else:
        existing.status, existing.measured_at = status, measured_at
        action = "update"
    session.add(existing)
    session.flush()
    audit.log(session, actor, action, "outcome", existing.id,
              detail=f"citizen={citizen_id};months={months};status={status}")
    return existing.id, True


def _save_score(session: Session, actor: Actor, citizen_id: int, scale: str, score: int,
                measured_at: date) -> tuple[int, bool]:
    """Add a progression score, or correct the one given the same day on the same scale."""
    existing = session.exec(
        select(Progression).where(Progression.citizen_id == citizen_id, Progression.scale == scale,
                                  Progression.measured_at == measured_at)
        .order_by(Progression.id.desc())
    ).first()
    if existing is not None and existing.score == score:
        return existing.id, False
    if existing is None:
        existing = Progression(citizen_id=citizen_id, scale=scale, score=score,
                               measured_at=measured_at)
        action = "create"
    else:
        existing.score = score
        action = "update"
    session.add(existing)
    session.flush()
    audit.log(session, actor, action, "progression", existing.id,
              detail=f"citizen={citizen_id};scale={scale};score={score}")
    return existing.id, True


def record_outcome(engine: Engine, actor: Actor, *, citizen_id: int, months_after_start: int,
                   status: str, measured_at: date) -> int:
    """The citizen's status (job, education, ...) at 3, 6 or 12 months; one per month, so a
    second measurement at the same month corrects the first. Returns the row's id."""
    require(actor, "outcome.write")
    months = validate_months(months_after_start)
    status = validate_status(status)
    day = _measured_day(measured_at)
    with write_session(engine) as session:
        if not _visible_ids(session, actor, [citizen_id]):
            raise ValidationError("error.not_found")
        outcome_id, _ = _save_outcome(session, actor, citizen_id, months, status, day,
                                      keep_date=False)
        session.commit()
    return outcome_id


def record_progression(engine: Engine, actor: Actor, *, citizen_id: int, score: int,
                       measured_at: date, scale: str = DEFAULT_SCALE) -> int:
    """A self-rated progression score from 1 to 10 (livsmestring by default); returns its id."""
    require(actor, "outcome.write")
    checked = valid_score(score)
    if checked is None:
        raise ValidationError("error.progression_score", low=SCORE_RANGE[0], high=SCORE_RANGE[1])
    scale = validate_scale(scale)
    day = _measured_day(measured_at)
    with write_session(engine) as session:
        if not _visible_ids(session, actor, [citizen_id]):
            raise ValidationError("error.not_found")
        score_id, _ = _save_score(session, actor, citizen_id, scale, checked, day)
        session.commit()
    return score_id


def _group(engine: Engine, actor: Actor, sprint_id: int | None, initiative_id: int | None):
    """The citizens of one sprint or one initiative, within the actor's teams, as a query."""
    if (sprint_id is None) == (initiative_id is None):
        raise ValidationError("error.sheet_scope")
    stmt = select(Citizen.id, Citizen.first_name, Citizen.last_name)
    if sprint_id is not None:
        sprints.get_sprint(engine, actor, sprint_id)
        stmt = stmt.join(SprintCard, SprintCard.citizen_id == Citizen.id).where(
            SprintCard.sprint_id == sprint_id)
    else:
        with Session(engine) as session:
            if session.get(Initiative, initiative_id) is None:
                raise ValidationError("error.not_found")
        stmt = stmt.where(Citizen.initiative_id == initiative_id)
    return visible_citizens(actor, stmt).order_by(Citizen.last_name, Citizen.first_name, Citizen.id)


def _log_sheet(engine: Engine, actor: Actor, what: str, citizen_ids: list[int],
               sprint_id: int | None, initiative_id: int | None) -> None:
    scope = f"sprint={sprint_id}" if sprint_id is not None else f"initiative={initiative_id}"
    with write_session(engine) as session:
        audit.log(session, actor, "view_sheet", "citizen", None,
                  detail=f"{what};{scope};rows={len(citizen_ids)}", citizen_ids=citizen_ids)
        session.commit()


def outcome_sheet(engine: Engine, actor: Actor, *, months: int, sprint_id: int | None = None,
                  initiative_id: int | None = None) -> pd.DataFrame:
    """One row per citizen of the sprint or initiative, with the status recorded at `months`."""
    require(actor, "citizen.read")
    months = validate_months(months)
    # The latest row per citizen of the group only, looked up through the index on citizen_id
    # (grouping every outcome of the municipality first made a sprint's sheet slow).
    earlier = aliased(Outcome)
    latest = (select(func.max(earlier.id))
              .where(earlier.citizen_id == Citizen.id, earlier.months_after_start == months)
              .correlate(Citizen).scalar_subquery())
    stmt = (_group(engine, actor, sprint_id, initiative_id)
            .add_columns(Outcome.status, Outcome.measured_at)
            .outerjoin(Outcome, Outcome.id == latest))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    _log_sheet(engine, actor, f"outcome months={months}", [row[0] for row in rows], sprint_id,
               initiative_id)
    return pd.DataFrame([(i, f"{first} {last}", status, at) for i, first, last, status, at in rows],
                        columns=OUTCOME_SHEET_COLUMNS)


def progression_sheet(engine: Engine, actor: Actor, *, sprint_id: int | None = None,
                      initiative_id: int | None = None, scale: str = DEFAULT_SCALE) -> pd.DataFrame:
    """One row per citizen of the sprint or initiative, with their latest score and room for a new."""
    require(actor, "citizen.read")
    scale = validate_scale(scale)
    ranked = (select(Progression.citizen_id, Progression.score, Progression.measured_at,
                     func.row_number().over(partition_by=Progression.citizen_id,
                                            order_by=(Progression.measured_at.desc(),
                                                      Progression.id.desc())).label("rank"))
              .where(Progression.scale == scale).subquery())
    stmt = (_group(engine, actor, sprint_id, initiative_id)
            .add_columns(ranked.c.score, ranked.c.measured_at)
            .outerjoin(ranked, (ranked.c.citizen_id == Citizen.id) & (ranked.c["rank"] == 1)))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    _log_sheet(engine, actor, f"progression scale={scale}", [row[0] for row in rows], sprint_id,
               initiative_id)
    frame = pd.DataFrame([(i, f"{first} {last}", score, at, None)
                          for i, first, last, score, at in rows], columns=PROGRESSION_SHEET_COLUMNS)
    frame["latest_score"] = frame["latest_score"].astype("Int64")
    frame["score"] = frame["score"].astype("Int64")
    return frame


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def _sheet_rows(session: Session, actor: Actor, sheet: pd.DataFrame, column: str) -> list[tuple]:
    """(row number, citizen id, name, value) of the filled rows; refuses unknown or repeated citizens."""
    filled, seen = [], set()
    for number, row in enumerate(sheet.to_dict("records"), start=1):
        value = row.get(column)
        if _blank(value):
            continue
        citizen_id, name = row.get("citizen_id"), row.get("name") or ""
        if _blank(citizen_id) or not isinstance(citizen_id, numbers.Integral):
            raise ValidationError("error.sheet_row_citizen", row=number, name=name)
        if int(citizen_id) in seen:
            raise ValidationError("error.sheet_row_repeated", row=number, name=name)
        seen.add(int(citizen_id))
        filled.append((number, int(citizen_id), name, value))
    visible = _visible_ids(session, actor, [c for _, c, _, _ in filled]) if filled else set()
    for number, citizen_id, name, _ in filled:
        if citizen_id not in visible:
            raise ValidationError("error.sheet_row_citizen", row=number, name=name)
    return filled


def save_outcome_sheet(engine: Engine, actor: Actor, sheet: pd.DataFrame, *, months: int,
                       measured_at: date) -> int:
    """Save every filled status of the sheet in one transaction; a bad row refuses the whole sheet.

    Returns how many measurements were added or changed; blank and unchanged rows are skipped.
    """
    require(actor, "outcome.write")
    months = validate_months(months)
    day = _measured_day(measured_at)
    with write_session(engine) as session:
        filled = _sheet_rows(session, actor, sheet, "status")
        for number, _, name, status in filled:
            if status not in OUTCOME_STATUSES:
                raise ValidationError("error.sheet_row_status", row=number, name=name)
        written = sum(_save_outcome(session, actor, citizen_id, months, status, day,
                                    keep_date=True)[1]
                      for _, citizen_id, _, status in filled)
        session.commit()
    return written


def save_progression_sheet(engine: Engine, actor: Actor, sheet: pd.DataFrame, *, measured_at: date,
                           scale: str = DEFAULT_SCALE) -> int:
    """Save every new score of the sheet in one transaction; a bad row refuses the whole sheet.

    Returns how many scores were added or changed; rows without a new score are skipped.
    """
    require(actor, "outcome.write")
    scale = validate_scale(scale)
    day = _measured_day(measured_at)
    with write_session(engine) as session:
        filled = _sheet_rows(session, actor, sheet, "score")
        scores = []
        for number, citizen_id, name, score in filled:
            checked = valid_score(score)
            if checked is None:
                raise ValidationError("error.sheet_row_score", row=number, name=name,
                                      low=SCORE_RANGE[0], high=SCORE_RANGE[1])
            scores.append((citizen_id, checked))
        written = sum(_save_score(session, actor, citizen_id, scale, score, day)[1]
                      for citizen_id, score in scores)
        session.commit()
    return written
