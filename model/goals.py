"""Mål: goals set by leaders, their current value counted in SQL, the projected status and history.

Every metric counts the day things happened (a card reached "Forløb sikret", a placement started, a
contact was made, an outcome was measured, an agreement began), never the day a row was written.

Share targets (share in job or education) are fractions between 0 and 1, like the values.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import and_, case, distinct, exists, func, or_, union_all, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from model import audit, freshness, stats, validation
from model.access import Actor, require
from model.clock import LOCAL_TZ
from model.db import write_session
from model.errors import StaleVersion, ValidationError
from model.people import visible_citizens
from model.tables import (
    SECURED,
    Citizen,
    Company,
    Contact,
    Goal,
    Initiative,
    Outcome,
    Placement,
    Sprint,
    SprintCard,
    SprintConsultant,
    Staff,
    StageChange,
    Team,
)
from model.validation import check_free_text

SCOPES = ("sprint", "team", "initiative", "period")
METRICS = ("secured_placements", "placements_started", "share_job_or_education", "outreach_contacts",
           "companies_with_agreement")
SHARE = "share_job_or_education"
SHARE_MONTHS = (3, 6, 12)
SUCCESS_STATUSES = ("job", "education")
# Levels, not running totals: projecting a share or a stock linearly from zero means nothing.
LEVEL_METRICS = frozenset({SHARE, "companies_with_agreement"})
# Companies belong to no sprint, team or initiative, so their goals cover a whole period.
PERIOD_ONLY_METRICS = frozenset({"companies_with_agreement"})
SCOPE_COLUMNS = {"sprint": "sprint_id", "team": "team_id", "initiative": "initiative_id"}
SCOPE_TABLES = {"sprint": Sprint, "team": Team, "initiative": Initiative}
SCOPE_REQUIRED = {"sprint": "error.goal_sprint_required", "team": "error.goal_team_required",
                  "initiative": "error.goal_initiative_required"}
GOAL_COLUMNS = ["id", "name", "scope", "scope_id", "scope_name", "metric", "months", "target",
                "period_start", "period_end", "current", "projected", "status", "owner_id", "owner",
                "version"]
HISTORY_COLUMNS = ["week", "upto", "value", "target"]


def _clean_fields(
    session: Session,
    *,
    name: str,
    scope: str,
    metric: str,
    target: float,
    period_start: date | None,
    period_end: date | None,
    sprint_id: int | None = None,
    team_id: int | None = None,
    initiative_id: int | None = None,
    months: int | None = None,
    owner_id: int | None = None,
) -> dict:
    """The goal's columns after validation; only the id that belongs to the scope is kept."""
    name = validation.clean_line(name)
    if not name:
        raise ValidationError("error.goal_name_required")
    check_free_text(name)
    if scope not in SCOPES:
        raise ValidationError("error.goal_unknown_scope")
    if metric not in METRICS:
        raise ValidationError("error.goal_unknown_metric")
    ids = {"sprint_id": sprint_id, "team_id": team_id, "initiative_id": initiative_id}
    if scope != "period":
        scope_id = ids[SCOPE_COLUMNS[scope]]
        if scope_id is None:
            raise ValidationError(SCOPE_REQUIRED[scope])
        if session.get(SCOPE_TABLES[scope], scope_id) is None:
            raise ValidationError("error.goal_scope_not_found")
    if metric in PERIOD_ONLY_METRICS and scope != "period":
        raise ValidationError("error.goal_metric_needs_period_scope")
    if period_start is None or period_end is None:
        raise ValidationError("error.goal_period_required")
    validation.check_date(period_start)
    validation.check_date(period_end)
    if period_end < period_start:
        raise ValidationError("error.goal_end_before_start")
    if target is None or not validation.check_number(target) > 0:
        raise ValidationError("error.goal_target_positive")
    if metric == SHARE:
        if target > 1:
            raise ValidationError("error.goal_share_target_range")
        if months not in SHARE_MONTHS:
            raise ValidationError("error.goal_months_required")
    elif months is not None:
        raise ValidationError("error.goal_months_only_for_share")
    if owner_id is not None and session.get(Staff, owner_id) is None:
        raise ValidationError("error.goal_owner_not_found")
    kept = {column: (value if column == SCOPE_COLUMNS.get(scope) else None) for column, value in ids.items()}
    return {"name": name.strip(), "scope": scope, "metric": metric, "target": float(target),
            "period_start": period_start, "period_end": period_end,
            "months": months if metric == SHARE else None, "owner_id": owner_id, **kept}


def create_goal(
    engine: Engine,
    actor: Actor,
    *,
    name: str,
    scope: str,
    metric: str,
    target: float,
    period_start: date,
    period_end: date,
    sprint_id: int | None = None,
    team_id: int | None = None,
    initiative_id: int | None = None,
    months: int | None = None,
    owner_id: int | None = None,
) -> int:
    """Set a goal (leaders and admins); the owner defaults to the acting user. Returns its id."""
    require(actor, "goal.write")
    with write_session(engine) as session:
        fields = _clean_fields(session, name=name, scope=scope, metric=metric, target=target,
                               period_start=period_start, period_end=period_end, sprint_id=sprint_id,
                               team_id=team_id, initiative_id=initiative_id, months=months,
                               owner_id=owner_id if owner_id is not None else actor.staff_id)
        goal = Goal(**fields)
        session.add(goal)
        session.flush()
        audit.log(session, actor, "create", "goal", goal.id, detail=f"{metric} {fields['name']}")
        session.commit()
        return goal.id


def update_goal(
    engine: Engine,
    actor: Actor,
    goal_id: int,
    *,
    expected_version: int,
    name: str,
    scope: str,
    metric: str,
    target: float,
    period_start: date,
    period_end: date,
    sprint_id: int | None = None,
    team_id: int | None = None,
    initiative_id: int | None = None,
    months: int | None = None,
    owner_id: int | None = None,
) -> None:
    """Replace a goal's fields with the same checks as create_goal; refused (StaleVersion) when
    someone saved the goal after `expected_version` was read."""
    require(actor, "goal.write")
    with write_session(engine) as session:
        goal = session.get(Goal, goal_id)
        if goal is None:
            raise ValidationError("error.not_found")
        fields = _clean_fields(session, name=name, scope=scope, metric=metric, target=target,
                               period_start=period_start, period_end=period_end, sprint_id=sprint_id,
                               team_id=team_id, initiative_id=initiative_id, months=months,
                               owner_id=owner_id)
        saved = session.execute(
            update(Goal).where(Goal.id == goal_id, Goal.version == expected_version)
            .values(**fields, version=Goal.version + 1))
        if saved.rowcount != 1:
            session.rollback()
            raise StaleVersion("error.stale_goal")
        audit.log(session, actor, "update", "goal", goal_id, detail=f"{metric} {fields['name']}")
        session.commit()


def delete_goal(engine: Engine, actor: Actor, goal_id: int) -> None:
    require(actor, "goal.write")
    with write_session(engine) as session:
        goal = session.get(Goal, goal_id)
        if goal is None:
            raise ValidationError("error.not_found")
        session.delete(goal)
        audit.log(session, actor, "delete", "goal", goal_id, detail=goal.name)
        session.commit()


def _day_start(day: date) -> datetime:
    """The start of a Danish calendar day, in UTC: moments are stored in UTC."""
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)


def _citizens_in_scope(goal: Goal, actor: Actor, stmt):
    """Limit a statement that joins Citizen to the goal's citizens."""
    if goal.scope == "sprint":
        on_board = select(SprintCard.citizen_id).where(SprintCard.sprint_id == goal.sprint_id)
        return stmt.where(Citizen.id.in_(on_board))
    if goal.scope == "team":
        return stmt.where(Citizen.team_id == goal.team_id)
    if goal.scope == "initiative":
        return stmt.where(Citizen.initiative_id == goal.initiative_id)
    return visible_citizens(actor, stmt)


def secured_placements(*, first: date | None, last: date, sprint_ids=None):
    """Sikrede forløb: one row (citizen_id, sprint_id) per placement secured from the Danish day
    `first` (None: from the beginning) up to and including `last`, as a subquery.

    A sprint card counts on the day of its latest move to "Forløb sikret" while it stands there at
    the end of `last`: a card that left "secured" again stops counting from that day, as in the
    burn-up. A placement credited to a sprint on whose board its citizen has no card (registered
    for the running sprint without a card, or imported) counts as secured on its start date.
    Goals, Overblik and Resultater all count with this one definition; never by when a row was
    written. `sprint_ids` (ids or a select of ids) limits both kinds to those sprints.
    """
    after = _day_start(last + timedelta(days=1))
    later = aliased(StageChange, name="later_change")
    moved_on = exists().where(later.card_id == StageChange.card_id, later.changed_at < after,
                              or_(later.changed_at > StageChange.changed_at,
                                  and_(later.changed_at == StageChange.changed_at,
                                       later.id > StageChange.id)))
    cards = (select(SprintCard.citizen_id, SprintCard.sprint_id)
             .join(StageChange, StageChange.card_id == SprintCard.id)
             .where(StageChange.to_stage == SECURED, StageChange.changed_at < after, ~moved_on))
    on_board = exists().where(SprintCard.sprint_id == Placement.sprint_id,
                              SprintCard.citizen_id == Placement.citizen_id)
    linked = exists().where(SprintCard.placement_id == Placement.id)
    loose = (select(Placement.citizen_id, Placement.sprint_id)
             .where(Placement.sprint_id.is_not(None), Placement.start_date <= last, ~on_board, ~linked))
    if first is not None:
        cards = cards.where(StageChange.changed_at >= _day_start(first))
        loose = loose.where(Placement.start_date >= first)
    if sprint_ids is not None:
        cards = cards.where(SprintCard.sprint_id.in_(sprint_ids))
        loose = loose.where(Placement.sprint_id.in_(sprint_ids))
    return union_all(cards, loose).subquery("secured")


def _secured(goal: Goal, actor: Actor, first: date, last: date):
    if goal.scope == "sprint":
        secured = secured_placements(first=first, last=last, sprint_ids=[goal.sprint_id])
        return select(func.count()).select_from(secured)
    secured = secured_placements(first=first, last=last)
    stmt = select(func.count()).select_from(secured).join(Citizen, Citizen.id == secured.c.citizen_id)
    return _citizens_in_scope(goal, actor, stmt)


def _started(goal: Goal, actor: Actor, start: date, last: date):
    stmt = (select(func.count(Placement.id)).join(Citizen, Citizen.id == Placement.citizen_id)
            .where(Placement.start_date >= start, Placement.start_date <= last))
    if goal.scope == "sprint":
        return stmt.where(Placement.sprint_id == goal.sprint_id)
    return _citizens_in_scope(goal, actor, stmt)


def _share_counts(goal: Goal, actor: Actor, start: date, last: date):
    succeeded = case((Outcome.status.in_(SUCCESS_STATUSES), Outcome.citizen_id))
    stmt = (select(func.count(distinct(Outcome.citizen_id)), func.count(distinct(succeeded)))
            .join(Citizen, Citizen.id == Outcome.citizen_id)
            .where(Outcome.months_after_start == goal.months, Outcome.measured_at >= start,
                   Outcome.measured_at <= last))
    return _citizens_in_scope(goal, actor, stmt)


def _contacts(goal: Goal, actor: Actor, first: datetime, after: datetime):
    stmt = select(func.count(Contact.id)).where(Contact.contacted_at >= first, Contact.contacted_at < after)
    if goal.scope == "sprint":
        # Outreach by the consultants taking part in the sprint.
        takers = select(SprintConsultant.staff_id).where(SprintConsultant.sprint_id == goal.sprint_id)
        return stmt.where(Contact.staff_id.in_(takers))
    if goal.scope == "team":
        return stmt.where(Contact.staff_id.in_(select(Staff.id).where(Staff.team_id == goal.team_id)))
    if goal.scope == "initiative":
        members = select(Citizen.id).where(Citizen.initiative_id == goal.initiative_id)
        return stmt.where(Contact.citizen_id.in_(members))
    if actor.sees_all_teams or actor.team_id is None:
        return stmt
    # Contacts about a citizen of another team are not the actor's to count.
    return stmt.where(or_(Contact.citizen_id.is_(None),
                          Contact.citizen_id.in_(visible_citizens(actor, select(Citizen.id)))))


def _value(session: Session, goal: Goal, actor: Actor, upto: date) -> float:
    """The metric from the period's start up to the Danish day `upto` (at most the period's end)."""
    last = min(upto, goal.period_end)
    if goal.metric == "companies_with_agreement":
        return float(session.exec(
            select(func.count(Company.id))
            .where(Company.agreement_kind != "none", Company.agreement_since <= last)).one())
    if last < goal.period_start:
        return 0.0
    first, after = _day_start(goal.period_start), _day_start(last + timedelta(days=1))
    if goal.metric == SHARE:
        measured, succeeded = session.exec(_share_counts(goal, actor, goal.period_start, last)).one()
        return succeeded / measured if measured else 0.0
    stmt = {
        "secured_placements": lambda: _secured(goal, actor, goal.period_start, last),
        "placements_started": lambda: _started(goal, actor, goal.period_start, last),
        "outreach_contacts": lambda: _contacts(goal, actor, first, after),
    }[goal.metric]()
    return float(session.exec(stmt).one())


def goal_value(engine: Engine, actor: Actor, goal: Goal, *, upto: date) -> float:
    """The goal's metric for its scope, from the period's start up to `upto` (at most its end)."""
    require(actor, "goal.read")
    with Session(engine) as session:
        return _value(session, goal, actor, upto)


def projection(goal: Goal, current: float, today: date) -> tuple[float, str]:
    """The projected value at the period's end and the status (reached, on_track, at_risk, missed)."""
    start, end = goal.period_start, goal.period_end
    if goal.metric in LEVEL_METRICS:
        # A level has no pace: short of the target while the period runs is at risk.
        if start <= today <= end and current < goal.target:
            return current, "at_risk"
        projected = current
    else:
        projected = stats.projected_value(current, start, end, today)
    return projected, stats.goal_status(current=current, target=goal.target, start=start, end=end,
                                        today=today)


@freshness.cached_aggregate("goal.read")
def list_goals(engine: Engine, actor: Actor, *, today: date) -> pd.DataFrame:
    """Every goal with its scope's name, current and projected value, status and owner."""
    require(actor, "goal.read")
    stmt = (select(Goal, Sprint.name, Team.name, Initiative.name, Staff.name)
            .outerjoin(Sprint, Sprint.id == Goal.sprint_id)
            .outerjoin(Team, Team.id == Goal.team_id)
            .outerjoin(Initiative, Initiative.id == Goal.initiative_id)
            .outerjoin(Staff, Staff.id == Goal.owner_id)
            .order_by(Goal.period_end.desc(), Goal.id))
    rows = []
    with Session(engine) as session:
        for goal, sprint_name, team_name, initiative_name, owner in session.exec(stmt).all():
            current = _value(session, goal, actor, today)
            projected, status = projection(goal, current, today)
            scope_column = SCOPE_COLUMNS.get(goal.scope)
            rows.append({
                "id": goal.id, "name": goal.name, "scope": goal.scope,
                "scope_id": getattr(goal, scope_column) if scope_column else None,
                "scope_name": {"sprint": sprint_name, "team": team_name,
                               "initiative": initiative_name}.get(goal.scope),
                "metric": goal.metric, "months": goal.months, "target": goal.target,
                "period_start": goal.period_start, "period_end": goal.period_end,
                "current": current, "projected": projected, "status": status,
                "owner_id": goal.owner_id, "owner": owner, "version": goal.version,
            })
    return pd.DataFrame(rows, columns=GOAL_COLUMNS)


def goal_history(engine: Engine, actor: Actor, goal_id: int, *, today: date) -> pd.DataFrame:
    """The value at the end of each ISO week (Monday dates) of the period so far, with the target."""
    require(actor, "goal.read")
    with Session(engine) as session:
        goal = session.get(Goal, goal_id)
        if goal is None:
            raise ValidationError("error.not_found")
        last = min(today, goal.period_end)
        rows = []
        week = goal.period_start - timedelta(days=goal.period_start.weekday())
        while week <= last:
            upto = min(week + timedelta(days=6), last)
            rows.append((week, upto, _value(session, goal, actor, upto), goal.target))
            week += timedelta(days=7)
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def quarter(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter that holds `day`: a new goal's default period."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    last_month = first_month + 2
    return (date(day.year, first_month, 1),
            date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]))


def pace_to_target(target: float, start: date, end: date, day: date) -> float:
    """The value a steady pace from 0 at the start to the target at the end has reached on `day`.

    At or above it, the projection reaches the target (stats.projected_value counts days the same way).
    """
    elapsed = min(max((day - start).days + 1, 0), (end - start).days + 1)
    return target * elapsed / ((end - start).days + 1)


def scope_choices(engine: Engine, actor: Actor) -> dict[str, pd.DataFrame]:
    """What a goal can be set for (sprints, teams, initiatives, newest sprint first) and its owners."""
    require(actor, "goal.read")
    with Session(engine) as session:
        found = {
            "sprint": session.exec(select(Sprint.id, Sprint.name, Sprint.start_date, Sprint.end_date)
                                   .order_by(Sprint.start_date.desc(), Sprint.id.desc())).all(),
            "team": session.exec(select(Team.id, Team.name).order_by(Team.name)).all(),
            "initiative": session.exec(select(Initiative.id, Initiative.name)
                                       .order_by(Initiative.name)).all(),
            "owner": session.exec(select(Staff.id, Staff.name)
                                  .where(Staff.active, Staff.role.in_(("leader", "admin", "consultant")))
                                  .order_by(Staff.name)).all(),
        }
    columns = {"sprint": ["id", "name", "start_date", "end_date"]}
    return {key: pd.DataFrame(rows, columns=columns.get(key, ["id", "name"])) for key, rows in found.items()}
