"""A citizen's timeline: everything about them in one list, newest first."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock, exporting, i18n, outcomes, placements
from model.access import Actor, require
from model.clock import LOCAL_TZ
from model.db import write_session
from model.errors import ValidationError
from model.events import KIND_KEYS as EVENT_KIND_KEYS
from model.events import citizen_events
from model.people import visible_citizen
from model.tables import (
    Company,
    Contact,
    FollowUp,
    Outcome,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    Staff,
    StageChange,
)

TIMELINE_KINDS = ("stage_change", "contact", "event", "placement_planned", "placement_started",
                  "placement_ended", "follow_up_done", "follow_up_planned", "outcome", "progression")
TIMELINE_COLUMNS = ["when", "kind", "title", "detail"]
def _moment(day: date) -> datetime:
    # Events known only by their day sort as midday, Danish time.
    return datetime.combine(day, time(12), LOCAL_TZ)


def _joined(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def _stage_rows(session: Session, citizen_id: int, lang: str) -> list[tuple]:
    rows = session.exec(
        select(StageChange.changed_at, StageChange.from_stage, StageChange.to_stage, Sprint.name,
               Sprint.stage_names, Staff.initials, SprintCard.park_reason)
        .join(SprintCard, SprintCard.id == StageChange.card_id)
        .join(Sprint, Sprint.id == SprintCard.sprint_id)
        .outerjoin(Staff, Staff.id == StageChange.changed_by)
        .where(SprintCard.citizen_id == citizen_id)
    ).all()
    events = []
    for at, from_stage, to_stage, sprint, names, initials, reason in rows:
        stage = (names or {}).get(to_stage) or i18n.t(f"stage.{to_stage}", lang)
        key = "timeline.card_added" if from_stage is None else "timeline.card_moved"
        by = i18n.t("timeline.by", lang, initials=initials) if initials else ""
        events.append((at, "stage_change", i18n.t(key, lang, stage=stage, sprint=sprint),
                       _joined(reason if to_stage == "parked" else "", by)))
    return events


def _contact_rows(session: Session, citizen_id: int, lang: str) -> list[tuple]:
    rows = session.exec(
        select(Contact.contacted_at, Company.name, Contact.channel, Contact.outcome, Contact.note,
               Contact.next_step, Contact.next_step_date, Staff.initials)
        .join(Company, Company.id == Contact.company_id)
        .outerjoin(Staff, Staff.id == Contact.staff_id)
        .where(Contact.citizen_id == citizen_id)
    ).all()
    events = []
    for at, company, channel, outcome, note, next_step, next_date, initials in rows:
        step = ""
        if next_step and next_date:
            step = i18n.t("timeline.next_step_on", lang, step=next_step,
                          date=i18n.format_date(next_date))
        elif next_step:
            step = i18n.t("timeline.next_step", lang, step=next_step)
        events.append((at, "contact",
                       i18n.t("timeline.contact", lang, company=company,
                              channel=i18n.code_label(exporting.CODE_KEYS["channel"], channel, lang)),
                       _joined(i18n.code_label(exporting.CODE_KEYS["outcome"], outcome, lang), note, step,
                               i18n.t("timeline.by", lang, initials=initials) if initials else "")))
    return events


def _placement_rows(session: Session, citizen_id: int, lang: str) -> list[tuple]:
    rows = session.exec(
        select(Placement.start_date, Placement.planned_end_date, Placement.actual_end_date,
               Placement.kind, Placement.status, Placement.result, Placement.hours_per_week,
               Company.name)
        .join(Company, Company.id == Placement.company_id)
        .where(Placement.citizen_id == citizen_id)
    ).all()
    events = []
    for start, planned_end, actual_end, kind, status, result, hours, company in rows:
        what = i18n.code_label(placements.KIND_KEYS, kind, lang)
        hours_text = i18n.t("timeline.hours", lang, hours=f"{hours:g}") if hours else ""
        until = i18n.t("timeline.planned_end", lang, date=i18n.format_date(planned_end)) \
            if planned_end else ""
        if status == "planned":
            events.append((_moment(start), "placement_planned",
                           i18n.t("timeline.placement_planned", lang, kind=what, company=company),
                           _joined(hours_text, until)))
        else:
            events.append((_moment(start), "placement_started",
                           i18n.t("timeline.placement_started", lang, kind=what, company=company),
                           _joined(hours_text, until)))
        if actual_end is not None:
            key = "timeline.placement_broken_off" if status == "broken_off" \
                else "timeline.placement_ended"
            events.append((_moment(actual_end), "placement_ended",
                           i18n.t(key, lang, kind=what, company=company),
                           i18n.t("timeline.result", lang, result=i18n.code_label(placements.RESULT_KEYS,
                                                                         result, lang))
                           if result else ""))
    return events


def _follow_up_rows(session: Session, citizen_id: int, lang: str) -> list[tuple]:
    rows = session.exec(
        select(FollowUp.due_date, FollowUp.done_at, FollowUp.note, Company.name, Staff.initials)
        .join(Placement, Placement.id == FollowUp.placement_id)
        .join(Company, Company.id == Placement.company_id)
        .outerjoin(Staff, Staff.id == FollowUp.done_by)
        .where(Placement.citizen_id == citizen_id)
    ).all()
    today = clock.today()
    events = []
    for due, done_at, note, company, initials in rows:
        if done_at is not None:
            events.append((done_at, "follow_up_done",
                           i18n.t("timeline.follow_up_done", lang, company=company),
                           _joined(note, i18n.t("timeline.by", lang, initials=initials)
                                   if initials else "")))
        else:
            key = "timeline.follow_up_overdue" if due < today else "timeline.follow_up_planned"
            events.append((_moment(due), "follow_up_planned", i18n.t(key, lang, company=company),
                           note))
    return events


def _event_rows(session: Session, citizen_id: int, lang: str) -> list[tuple]:
    return [(_moment(day), "event",
             i18n.t("timeline.event", lang, kind=i18n.code_label(EVENT_KIND_KEYS, kind, lang),
                    company=company or "–"), title)
            for day, kind, title, company in citizen_events(session, citizen_id)]


def _measurement_rows(session: Session, citizen_id: int, lang: str) -> list[tuple]:
    measured = session.exec(
        select(Outcome.measured_at, Outcome.months_after_start, Outcome.status)
        .where(Outcome.citizen_id == citizen_id)
    ).all()
    scores = session.exec(
        select(Progression.measured_at, Progression.scale, Progression.score)
        .where(Progression.citizen_id == citizen_id)
    ).all()
    events = [(_moment(at), "outcome",
               i18n.t("timeline.outcome", lang, months=months,
                      status=i18n.code_label(outcomes.STATUS_KEYS, status, lang)), "")
              for at, months, status in measured]
    events += [(_moment(at), "progression",
                i18n.t("timeline.progression", lang, score=score,
                       scale=i18n.t("timeline.scale_livsmestring", lang)
                       if scale == "livsmestring" else scale), "")
               for at, scale, score in scores]
    return events


def timeline(engine: Engine, actor: Actor, citizen_id: int, *, lang: str = "da") -> pd.DataFrame:
    """Everything about one citizen, newest first: sprint cards, contacts, company events,
    placements, follow-ups, outcome measurements and progression scores; the view is logged."""
    require(actor, "citizen.read")
    with write_session(engine) as session:
        if visible_citizen(session, actor, citizen_id) is None:
            audit.log(session, actor, "view_refused", "citizen", citizen_id, detail="timeline")
            session.commit()
            raise ValidationError("error.not_found")
        rows = [*_stage_rows(session, citizen_id, lang), *_contact_rows(session, citizen_id, lang),
                *_event_rows(session, citizen_id, lang),
                *_placement_rows(session, citizen_id, lang),
                *_follow_up_rows(session, citizen_id, lang),
                *_measurement_rows(session, citizen_id, lang)]
        audit.log(session, actor, "view_timeline", "citizen", citizen_id, detail=f"events={len(rows)}")
        session.commit()
    frame = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    if frame.empty:
        return frame
    frame["when"] = pd.to_datetime(frame["when"], utc=True).dt.tz_convert(LOCAL_TZ)
    frame["order"] = frame["kind"].map(TIMELINE_KINDS.index)
    frame = frame.sort_values(["when", "order"], ascending=[False, False], kind="stable")
    return frame.drop(columns="order").reset_index(drop=True)
