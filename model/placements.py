"""Forløb: company-based placements and their hand-held follow-up (opfølgning)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, bindparam, case, delete, func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock, freshness, metrics, sprints, validation, workdays
from model.access import Actor, require
from model.db import write_session
from model.errors import StaleVersion, ValidationError
from model.paging import Page
from model.people import visible_citizen, visible_citizens
from model.tables import (
    PLACEMENT_KINDS,
    SECURED,
    Citizen,
    Company,
    FollowUp,
    FollowUpCadence,
    Partner,
    Placement,
    Sprint,
    SprintCard,
    Staff,
    utcnow,
)
from model.validation import check_free_text

RESULTS = ("ordinary_job", "education", "continued_placement", "back_on_benefits", "other")
POCKET_MONEY_AGES = (13, 17)
MAX_HOURS_PER_WEEK = 37
STATUSES = ("planned", "active", "completed", "broken_off")
OPEN_STATUSES = ("planned", "active")
# The hand-held follow-up: daily at first, then further apart (Fredericia's "Splejseordningen").
DEFAULT_CADENCE = [1, 2, 3, 5, 8, 14, 30, 60, 90]
CADENCE_KINDS = ("default", *PLACEMENT_KINDS)
MAX_CADENCE_DAY = 730
MAX_NOTE_LENGTH = 500
MAX_HOURLY_WAGE = 1000
# Catalogue keys of kinds, statuses and results ("placement.kind.<kind>" and alike), spelt out
# so the catalogue check sees each one used.
KIND_KEYS = {
    "virksomhedspraktik": "placement.kind.virksomhedspraktik",
    "loentilskud": "placement.kind.loentilskud",
    "ordinaere_timer": "placement.kind.ordinaere_timer",
    "ordinaert_job": "placement.kind.ordinaert_job",
    "laerlingeplads": "placement.kind.laerlingeplads",
    "lommepengejob": "placement.kind.lommepengejob",
    "jobsamtaletraening": "placement.kind.jobsamtaletraening",
    "virksomhedsbesoeg": "placement.kind.virksomhedsbesoeg",
}
STATUS_KEYS = {
    "planned": "placement.status.planned",
    "active": "placement.status.active",
    "completed": "placement.status.completed",
    "broken_off": "placement.status.broken_off",
}
RESULT_KEYS = {
    "ordinary_job": "placement.result.ordinary_job",
    "education": "placement.result.education",
    "continued_placement": "placement.result.continued_placement",
    "back_on_benefits": "placement.result.back_on_benefits",
    "other": "placement.result.other",
}

PLACEMENT_COLUMNS = ["id", "version", "citizen_id", "first_name", "last_name", "company_id",
                     "company", "kind", "start_date", "planned_end_date", "actual_end_date",
                     "hours_per_week", "hourly_wage", "status", "result", "consultant_id",
                     "consultant", "sprint_id", "next_follow_up"]
DUE_COLUMNS = ["id", "placement_id", "due_date", "overdue", "citizen_id", "citizen", "company",
               "kind", "consultant_id", "consultant"]
PLAN_COLUMNS = ["id", "due_date", "done_at", "done_by", "done_by_name", "note", "state"]


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
    validation.check_date(start_date, required=True)
    validation.check_date(planned_end_date)
    validation.check_number(hours_per_week)
    if planned_end_date is not None and planned_end_date < start_date:
        raise ValidationError("error.end_before_start")
    if hours_per_week is not None and not 0 < hours_per_week <= MAX_HOURS_PER_WEEK:
        raise ValidationError("error.hours_per_week", high=MAX_HOURS_PER_WEEK)
    age = start_date.year - birth_year
    low, high = POCKET_MONEY_AGES
    if kind == "lommepengejob" and not low <= age <= high:
        raise ValidationError("error.pocket_money_age", low=low, high=high, age=age)


# --- The follow-up cadence -------------------------------------------------------------------


def follow_up_dates(start: date, days: list[int]) -> list[date]:
    """The follow-up dates of a placement starting on `start`: each cadence day after it, moved
    forward to a working day, and past the date before it where a holiday would merge the two."""
    dates: list[date] = []
    for day in days:
        due = workdays.next_working_day(start + timedelta(days=day))
        if dates and due <= dates[-1]:
            due = workdays.working_day_after(dates[-1])
        dates.append(due)
    return dates


def validate_cadence(days: list[int]) -> None:
    """A cadence is at least one whole day after the start, strictly increasing, within two years."""
    valid = (
        bool(days)
        and all(isinstance(d, int) and not isinstance(d, bool) for d in days)
        and all(1 <= d <= MAX_CADENCE_DAY for d in days)
        and all(a < b for a, b in zip(days, days[1:]))
    )
    if not valid:
        raise ValidationError("error.cadence_days", high=MAX_CADENCE_DAY)


def parse_cadence(text: str) -> list[int]:
    """Days typed as "1, 2, 3, 5" (commas, semicolons or spaces) into a validated cadence."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not all(p.isdigit() for p in parts):
        raise ValidationError("error.cadence_days", high=MAX_CADENCE_DAY)
    days = [int(p) for p in parts]
    validate_cadence(days)
    return days


def cadence_in(session: Session, kind: str) -> list[int]:
    rows = dict(session.exec(
        select(FollowUpCadence.kind, FollowUpCadence.days)
        .where(FollowUpCadence.kind.in_([kind, "default"]))
    ).all())
    return list(rows.get(kind) or rows.get("default") or DEFAULT_CADENCE)


def cadence(engine: Engine, kind: str) -> list[int]:
    """The follow-up days of a placement kind: its own row, else the "default" row, else built in."""
    with Session(engine) as session:
        return cadence_in(session, kind)


def cadence_table(engine: Engine) -> pd.DataFrame:
    """Every kind with the cadence it gets now, and whether it has a cadence of its own."""
    with Session(engine) as session:
        rows = dict(session.exec(select(FollowUpCadence.kind, FollowUpCadence.days)).all())
    fallback = rows.get("default") or DEFAULT_CADENCE
    return pd.DataFrame(
        [(kind, list(rows.get(kind) or fallback), kind in rows) for kind in CADENCE_KINDS],
        columns=["kind", "days", "own"],
    )


def set_cadence(engine: Engine, actor: Actor, *, kind: str, days: list[int]) -> None:
    """Set the follow-up days of a kind (or "default"); placements started later get them."""
    require(actor, "cadence.write")
    if kind not in CADENCE_KINDS:
        raise ValidationError("error.unknown_placement_kind")
    validate_cadence(days)
    with write_session(engine) as session:
        row = session.get(FollowUpCadence, kind)
        if row is None:
            session.add(FollowUpCadence(kind=kind, days=list(days)))
        else:
            row.days = list(days)
            session.add(row)
        audit.log(session, actor, "update", "follow_up_cadence", None,
                  detail=f"{kind}={','.join(map(str, days))}")
        session.commit()


def clear_cadence(engine: Engine, actor: Actor, *, kind: str) -> None:
    """Let a kind follow the default cadence again."""
    require(actor, "cadence.write")
    if kind not in CADENCE_KINDS or kind == "default":
        raise ValidationError("error.unknown_placement_kind")
    with write_session(engine) as session:
        session.execute(delete(FollowUpCadence).where(FollowUpCadence.kind == kind))
        audit.log(session, actor, "delete", "follow_up_cadence", None, detail=kind)
        session.commit()


def plan_dates(start: date, days: list[int], planned_end: date | None,
          after: date | None = None) -> list[date]:
    """Follow-up dates within the planned period, and later than `after` when given."""
    return [d for d in follow_up_dates(start, days)
            if (planned_end is None or d <= planned_end) and (after is None or d > after)]


# --- Placements ------------------------------------------------------------------------------


def initial_status(start_date: date) -> str:
    return "planned" if start_date > clock.today() else "active"


def validate_wage(hourly_wage: float | None) -> None:
    if validation.check_number(hourly_wage) is None:
        return
    if hourly_wage < 0:
        raise ValidationError("error.hourly_wage")
    if hourly_wage > MAX_HOURLY_WAGE:
        raise ValidationError("error.hourly_wage_too_high", high=MAX_HOURLY_WAGE)


def _visible_citizen(session: Session, actor: Actor, citizen_id: int) -> Citizen:
    citizen = visible_citizen(session, actor, citizen_id)
    if citizen is None:
        raise ValidationError("error.not_found")
    return citizen


def _visible_placement(session: Session, actor: Actor, placement_id: int) -> tuple[Placement, Citizen]:
    row = session.exec(visible_citizens(
        actor,
        select(Placement, Citizen).join(Citizen, Citizen.id == Placement.citizen_id)
        .where(Placement.id == placement_id),
    )).first()
    if row is None:
        raise ValidationError("error.not_found")
    return row[0], row[1]


def _require_company(session: Session, company_id: int | None) -> None:
    if not company_id:
        raise ValidationError("error.company_required")
    if session.get(Company, company_id) is None:
        raise ValidationError("error.not_found")


def default_consultant(citizen: Citizen | None, card: SprintCard | None, actor: Actor) -> int | None:
    """The job consultant a new placement gets: the citizen's own, else the one who brought them to
    the board, else the acting user when a consultant (a leader typing it in is no job consultant)."""
    return ((citizen.consultant_id if citizen else None) or (card.consultant_id if card else None)
            or (actor.staff_id if actor.role == "consultant" else None))


def _start_in(
    session: Session,
    actor: Actor,
    *,
    citizen_id: int,
    company_id: int,
    kind: str,
    start_date: date,
    planned_end_date: date | None,
    hours_per_week: float | None,
    hourly_wage: float | None,
    sprint_id: int | None,
    card_id: int | None,
    consultant_id: int | None,
    payer_id: int | None,
) -> int:
    """Add the placement, its follow-up plan and the link from the card (when given) to the open
    transaction; returns the placement's id."""
    citizen = _visible_citizen(session, actor, citizen_id)
    validate_placement_fields(kind=kind, start_date=start_date,
                              planned_end_date=planned_end_date,
                              hours_per_week=hours_per_week, birth_year=citizen.birth_year)
    _require_company(session, company_id)
    if payer_id is not None and session.get(Partner, payer_id) is None:
        raise ValidationError("error.not_found")
    card = session.get(SprintCard, card_id) if card_id is not None else None
    if card_id is not None and (card is None or card.citizen_id != citizen_id):
        raise ValidationError("error.card_not_citizen")
    placement = Placement(
        citizen_id=citizen_id, company_id=company_id, kind=kind, start_date=start_date,
        planned_end_date=planned_end_date, hours_per_week=hours_per_week,
        hourly_wage=hourly_wage, status=initial_status(start_date), payer_id=payer_id,
        consultant_id=consultant_id or default_consultant(citizen, card, actor),
        sprint_id=sprint_id if sprint_id is not None else (card.sprint_id if card else None),
    )
    session.add(placement)
    session.flush()
    placement_id = placement.id
    plan = plan_dates(start_date, cadence_in(session, kind), planned_end_date)
    session.add_all([FollowUp(placement_id=placement_id, due_date=d) for d in plan])
    if card is not None:
        linked = session.execute(
            update(SprintCard)
            .where(SprintCard.id == card_id, SprintCard.placement_id.is_(None))
            .values(placement_id=placement_id, company_id=company_id,
                    version=SprintCard.version + 1)
        )
        if linked.rowcount != 1:
            raise ValidationError("error.card_has_placement")
        audit.log(session, actor, "link", "sprint_card", card_id,
                  detail=f"placement={placement_id}")
    audit.log(session, actor, "create", "placement", placement_id,
              detail=f"citizen={citizen_id} kind={kind} follow_ups={len(plan)}")
    return placement_id


def start_placement(
    engine: Engine,
    actor: Actor,
    *,
    citizen_id: int,
    company_id: int,
    kind: str,
    start_date: date,
    planned_end_date: date | None = None,
    hours_per_week: float | None = None,
    hourly_wage: float | None = None,
    sprint_id: int | None = None,
    card_id: int | None = None,
    consultant_id: int | None = None,
    payer_id: int | None = None,
) -> int:
    """Start a placement with its follow-up plan and, from a sprint card, link the card; one transaction.

    The consultant defaults as `default_consultant` says; returns the placement's id.
    """
    require(actor, "placement.write")
    validate_wage(hourly_wage)
    with write_session(engine) as session:
        placement_id = _start_in(
            session, actor, citizen_id=citizen_id, company_id=company_id, kind=kind,
            start_date=start_date, planned_end_date=planned_end_date,
            hours_per_week=hours_per_week, hourly_wage=hourly_wage, sprint_id=sprint_id,
            card_id=card_id, consultant_id=consultant_id, payer_id=payer_id)
        session.commit()
        return placement_id


def secure_placement(
    engine: Engine,
    actor: Actor,
    *,
    card_id: int,
    card_version: int,
    citizen_id: int,
    company_id: int,
    kind: str,
    start_date: date,
    planned_end_date: date | None = None,
    hours_per_week: float | None = None,
    hourly_wage: float | None = None,
    consultant_id: int | None = None,
    payer_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Start the citizen's placement and move their card to "Forløb sikret" with it, linked, in one
    transaction: a card someone moved since `card_version` refuses both. Returns the placement's id."""
    require(actor, "placement.write")
    require(actor, "card.move")
    validate_wage(hourly_wage)
    with write_session(engine) as session:
        # move_card's own session joins this one's transaction at a savepoint (SQLAlchemy's
        # joining of an external transaction), so its version check, stage_change and audit row
        # commit or roll back with the placement.
        with session.begin_nested():
            sprints.move_card(session.connection(), actor, card_id, SECURED,
                              expected_version=card_version, company_id=company_id, now=now)
        placement_id = _start_in(
            session, actor, citizen_id=citizen_id, company_id=company_id, kind=kind,
            start_date=start_date, planned_end_date=planned_end_date,
            hours_per_week=hours_per_week, hourly_wage=hourly_wage, sprint_id=None,
            card_id=card_id, consultant_id=consultant_id, payer_id=payer_id)
        session.commit()
        return placement_id


@dataclass(frozen=True)
class BoardCard:
    """The citizen's card on a running sprint that has no placement yet."""

    card_id: int
    version: int
    stage: str
    sprint_id: int
    sprint_name: str
    secured_name: str  # the sprint's own name of "Forløb sikret", "" for the catalogue's

    @property
    def open(self) -> bool:
        """Still on its way (neither secured nor parked): a new placement can secure it."""
        return self.stage not in (SECURED, "parked")


@dataclass(frozen=True)
class PlacementDefaults:
    """What a form for a new placement of one citizen proposes."""

    consultant_id: int | None
    card: BoardCard | None = None
    citizen: str = ""  # the citizen's name, for the offer to move their card

    @property
    def offer(self) -> BoardCard | None:
        """The open card the form offers to move to "Forløb sikret" with the placement."""
        return self.card if self.card is not None and self.card.open else None

    @property
    def link_card_id(self) -> int | None:
        """A card already secured without its placement: the new placement is linked to it."""
        return self.card.card_id if self.card is not None and self.card.stage == SECURED else None


def placement_defaults(engine: Engine, actor: Actor, *, citizen_id: int | None,
                       today: date | None = None) -> PlacementDefaults:
    """The consultant a new placement of the citizen gets, and their card without a placement on
    a running sprint the actor sees (the team's own first); before a citizen is picked, the
    consultant alone."""
    require(actor, "placement.write")
    if citizen_id is None:
        return PlacementDefaults(default_consultant(None, None, actor))
    listed = sprints.list_sprints(engine, actor, today=today)
    running = listed[listed["status"] == sprints.RUNNING]
    order = {int(i): n for n, i in enumerate(running["id"])}
    with Session(engine) as session:
        citizen = _visible_citizen(session, actor, citizen_id)
        cards = session.exec(
            select(SprintCard, Sprint)
            .join(Sprint, Sprint.id == SprintCard.sprint_id)
            .where(SprintCard.citizen_id == citizen_id, SprintCard.placement_id.is_(None),
                   SprintCard.sprint_id.in_(list(order)))
        ).all()
    name = f"{citizen.first_name} {citizen.last_name}"
    if not cards:
        return PlacementDefaults(default_consultant(citizen, None, actor), None, name)
    card, sprint = min(cards, key=lambda row: order[row[0].sprint_id])
    return PlacementDefaults(
        default_consultant(citizen, card, actor),
        BoardCard(card_id=card.id, version=card.version, stage=card.stage, sprint_id=sprint.id,
                  sprint_name=sprint.name,
                  secured_name=(sprint.stage_names or {}).get(SECURED, "")),
        name,
    )


def get_placement(engine: Engine, actor: Actor, placement_id: int) -> Placement:
    """One placement of a citizen the actor may see (a detached row, for forms); the view is
    logged, and so is a refused one."""
    require(actor, "placement.read")
    with write_session(engine) as session:
        try:
            placement, _ = _visible_placement(session, actor, placement_id)
        except ValidationError:
            audit.log(session, actor, "view_refused", "placement", placement_id)
            session.commit()
            raise
        session.expunge(placement)
        audit.log(session, actor, "view", "placement", placement_id)
        session.commit()
    return placement


def _replan(session: Session, placement_id: int, kind: str, start_date: date,
            planned_end_date: date | None) -> int:
    """Replace the open follow-ups with the plan's dates after the last one done."""
    last_done = session.exec(
        select(func.max(FollowUp.due_date))
        .where(FollowUp.placement_id == placement_id, FollowUp.done_at.is_not(None))
    ).one()
    session.execute(delete(FollowUp).where(FollowUp.placement_id == placement_id,
                                           FollowUp.done_at.is_(None)))
    plan = plan_dates(start_date, cadence_in(session, kind), planned_end_date, after=last_done)
    session.add_all([FollowUp(placement_id=placement_id, due_date=d) for d in plan])
    return len(plan)


def update_placement(
    engine: Engine,
    actor: Actor,
    placement_id: int,
    *,
    expected_version: int,
    kind: str,
    company_id: int,
    start_date: date,
    planned_end_date: date | None,
    hours_per_week: float | None,
    hourly_wage: float | None = None,
) -> None:
    """Edit a placement; refused if someone else saved it first.

    A running placement whose kind or dates change gets its open follow-ups planned anew.
    """
    require(actor, "placement.write")
    validate_wage(hourly_wage)
    with write_session(engine) as session:
        placement, citizen = _visible_placement(session, actor, placement_id)
        validate_placement_fields(kind=kind, start_date=start_date,
                                  planned_end_date=planned_end_date,
                                  hours_per_week=hours_per_week, birth_year=citizen.birth_year)
        _require_company(session, company_id)
        running = placement.status in OPEN_STATUSES
        plan_changed = running and (kind, start_date, planned_end_date) != (
            placement.kind, placement.start_date, placement.planned_end_date)
        values = dict(kind=kind, company_id=company_id, start_date=start_date,
                      planned_end_date=planned_end_date, hours_per_week=hours_per_week,
                      hourly_wage=hourly_wage, version=Placement.version + 1)
        if running:
            values["status"] = initial_status(start_date)
        result = session.execute(
            update(Placement)
            .where(Placement.id == placement_id, Placement.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise StaleVersion("error.stale_placement")
        detail = ""
        if plan_changed:
            detail = f"follow_ups={_replan(session, placement_id, kind, start_date, planned_end_date)}"
        audit.log(session, actor, "update", "placement", placement_id, detail=detail)
        session.commit()


def end_placement(
    engine: Engine,
    actor: Actor,
    placement_id: int,
    *,
    expected_version: int,
    end_date: date,
    result: str,
    broken_off: bool = False,
) -> None:
    """End a placement with its result; open follow-ups after the end date are removed."""
    require(actor, "placement.write")
    if result not in RESULTS:
        raise ValidationError("error.unknown_result")
    if validation.check_date(end_date, required=True) > clock.today():
        raise ValidationError("error.end_in_future")
    with write_session(engine) as session:
        placement, _ = _visible_placement(session, actor, placement_id)
        if placement.status not in OPEN_STATUSES:
            raise ValidationError("error.placement_ended")
        if end_date < placement.start_date:
            raise ValidationError("error.end_before_start")
        status = "broken_off" if broken_off else "completed"
        updated = session.execute(
            update(Placement)
            .where(Placement.id == placement_id, Placement.version == expected_version)
            .values(status=status, actual_end_date=end_date, result=result,
                    version=Placement.version + 1)
        )
        if updated.rowcount != 1:
            raise StaleVersion("error.stale_placement")
        removed = session.execute(
            delete(FollowUp).where(FollowUp.placement_id == placement_id,
                                   FollowUp.done_at.is_(None), FollowUp.due_date > end_date)
        ).rowcount
        audit.log(session, actor, "end", "placement", placement_id,
                  detail=f"{status} result={result} removed_follow_ups={removed}")
        session.commit()


def _running():
    """Placement.status IN ('planned', 'active') with the values written into the SQL: SQLite's
    planner then sees, through the partial index ix_placement_open, how few placements run."""
    return Placement.status.in_(bindparam("open_statuses", list(OPEN_STATUSES), expanding=True,
                                          literal_execute=True))


def _status_now(day: date):
    """The status as of `day`: a planned placement whose start has come is active."""
    return case((and_(Placement.status == "planned", Placement.start_date <= day), "active"),
                else_=Placement.status)


def _status_is(status: str, day: date):
    """`_status_now(day) == status`, written so the index on status can serve it."""
    if status == "active":
        return and_(_running(), or_(Placement.status == "active", Placement.start_date <= day))
    if status == "planned":
        return and_(Placement.status == "planned", Placement.start_date > day)
    return Placement.status == status


def _next_open_follow_up():
    """The earliest open follow-up of the row's placement (read from the index of open ones)."""
    return (select(func.min(FollowUp.due_date))
            .where(FollowUp.placement_id == Placement.id, FollowUp.done_at.is_(None))
            .correlate(Placement).scalar_subquery())


def placement_page(
    engine: Engine,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    consultant_id: int | None = None,
    citizen_id: int | None = None,
    company_id: int | None = None,
    query: str = "",
    limit: int | None = None,
    offset: int = 0,
) -> Page:
    """Placements of the citizens the actor may see, newest first, with the next open follow-up;
    `limit` rows from `offset` on, and how many match in all. `query` finds the citizen's name."""
    require(actor, "placement.read")
    check_free_text(query)
    day = clock.today()
    words = query.strip().split()
    criteria = [or_(Citizen.first_name.ilike(f"%{word}%"), Citizen.last_name.ilike(f"%{word}%"))
                for word in words]
    if status:
        criteria.append(_status_is(status, day))
    if kind:
        criteria.append(Placement.kind == kind)
    if consultant_id:
        criteria.append(Placement.consultant_id == consultant_id)
    if citizen_id:
        criteria.append(Placement.citizen_id == citizen_id)
    if company_id:
        criteria.append(Placement.company_id == company_id)
    matching = select(Placement.id).where(*criteria)
    if words or not actor.sees_all_teams:
        matching = visible_citizens(actor, matching.join(Citizen, Citizen.id == Placement.citizen_id))
    newest_first = (Placement.start_date.desc(), Placement.id.desc())
    if limit is not None:
        # The page's ids first, so only its rows are joined and get their next follow-up.
        matching = matching.order_by(*newest_first).limit(limit).offset(offset)
    stmt = (
        select(Placement.id, Placement.version, Citizen.id, Citizen.first_name, Citizen.last_name,
               Company.id, Company.name, Placement.kind, Placement.start_date,
               Placement.planned_end_date, Placement.actual_end_date, Placement.hours_per_week,
               Placement.hourly_wage, _status_now(day), Placement.result, Placement.consultant_id,
               Staff.name, Placement.sprint_id,
               case((Placement.status.in_(OPEN_STATUSES), _next_open_follow_up()), else_=None))
        .join(Citizen, Citizen.id == Placement.citizen_id)
        .join(Company, Company.id == Placement.company_id)
        .outerjoin(Staff, Staff.id == Placement.consultant_id)
        .where(Placement.id.in_(matching))
        .order_by(*newest_first)
    )
    counted = select(func.count(Placement.id)).where(*criteria)
    if words or not actor.sees_all_teams:
        counted = visible_citizens(actor, counted.join(Citizen, Citizen.id == Placement.citizen_id))
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        total = len(rows) if limit is None else int(session.exec(counted).one())
        audit.log_search(session, actor, "placement",
                         f"rows={len(rows)} status={status} kind={kind} consultant={consultant_id} "
                         f"citizen={citizen_id} company={company_id}"
                         + (" by_name" if words else "")
                         + (f" of={total} from={offset}" if limit is not None else ""),
                         action="view_list", citizen_ids=[row[2] for row in rows])
        session.commit()
    frame = pd.DataFrame(rows, columns=PLACEMENT_COLUMNS)
    frame.insert(3, "citizen", frame["first_name"] + " " + frame["last_name"])
    frame["consultant"] = frame["consultant"].fillna("")
    for column in ("consultant_id", "sprint_id"):
        frame[column] = frame[column].astype("Int64")
    return Page(frame, total, offset)


def list_placements(
    engine: Engine,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    consultant_id: int | None = None,
    citizen_id: int | None = None,
    company_id: int | None = None,
) -> pd.DataFrame:
    """Every placement of the citizens the actor may see, newest first (see placement_page)."""
    return placement_page(engine, actor, status=status, kind=kind, consultant_id=consultant_id,
                          citizen_id=citizen_id, company_id=company_id).rows


# --- Follow-up ------------------------------------------------------------------------------


def _plan_state(done_at: datetime | None, due: date, running: bool, day: date) -> str:
    if done_at is not None:
        return "done"
    if not running:
        return "missed"
    if due < day:
        return "overdue"
    return "due" if due == day else "planned"


def follow_up_plan(engine: Engine, actor: Actor, placement_id: int) -> pd.DataFrame:
    """Every planned and done follow-up of one placement, in date order; the view is logged.

    `state` is done, due (today), overdue, planned (later) or missed (not done before the end).
    """
    require(actor, "placement.read")
    with write_session(engine) as session:
        placement, _ = _visible_placement(session, actor, placement_id)
        running = placement.status in OPEN_STATUSES
        rows = session.exec(
            select(FollowUp.id, FollowUp.due_date, FollowUp.done_at, FollowUp.done_by, Staff.name,
                   FollowUp.note)
            .outerjoin(Staff, Staff.id == FollowUp.done_by)
            .where(FollowUp.placement_id == placement_id)
            .order_by(FollowUp.due_date, FollowUp.id)
        ).all()
        audit.log(session, actor, "view", "placement", placement_id, detail="follow_up_plan")
        session.commit()
    day = clock.today()
    return pd.DataFrame(
        [(*row, _plan_state(row[2], row[1], running, day)) for row in rows], columns=PLAN_COLUMNS)


def due_follow_ups(engine: Engine, actor: Actor, *, today: date,
                   consultant_id: int | None = None, limit: int | None = None) -> pd.DataFrame:
    """Open follow-ups due on or before `today` of running placements, oldest first (the first
    `limit` of them when given); logged."""
    require(actor, "placement.read")
    wanted = (
        select(FollowUp.id, FollowUp.placement_id, FollowUp.due_date,
               Citizen.id.label("citizen_id"), Citizen.first_name, Citizen.last_name)
        .select_from(FollowUp)
        .join(Placement, Placement.id == FollowUp.placement_id)
        .join(Citizen, Citizen.id == Placement.citizen_id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_date <= today, _running())
    )
    if consultant_id:
        wanted = wanted.where(Placement.consultant_id == consultant_id)
    # The due ones are found first and sorted after: with ORDER BY ... LIMIT on the query itself,
    # PostgreSQL walked every follow-up by date hoping to meet running placements early. Only
    # the first `limit` of them are then joined to their company and consultant.
    found = visible_citizens(actor, wanted).cte("due").prefix_with("MATERIALIZED")
    oldest = (select(*found.c)
              .order_by(found.c.due_date, found.c.last_name, found.c.first_name, found.c.id)
              .limit(limit).subquery("oldest"))
    stmt = (select(oldest.c.id, oldest.c.placement_id, oldest.c.due_date, oldest.c.citizen_id,
                   oldest.c.first_name, oldest.c.last_name, Company.name.label("company"),
                   Placement.kind, Placement.consultant_id, Staff.name.label("consultant"))
            .join(Placement, Placement.id == oldest.c.placement_id)
            .join(Company, Company.id == Placement.company_id)
            .outerjoin(Staff, Staff.id == Placement.consultant_id)
            .order_by(oldest.c.due_date, oldest.c.last_name, oldest.c.first_name, oldest.c.id))
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        audit.log_search(session, actor, "follow_up", f"rows={len(rows)} consultant={consultant_id}",
                         action="view_due")
        session.commit()
    return pd.DataFrame(
        [(fid, pid, due, due < today, cid, f"{first} {last}", company, kind, sid, staff or "")
         for fid, pid, due, cid, first, last, company, kind, sid, staff in rows],
        columns=DUE_COLUMNS,
    ).astype({"consultant_id": "Int64"})


def _clean_note(note: str) -> str:
    note = validation.clean_text(note)
    check_free_text(note)
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError("error.note_too_long", high=MAX_NOTE_LENGTH)
    return note


def _close(session: Session, actor: Actor, follow_up_id: int, note: str, now: datetime) -> None:
    done = session.execute(
        update(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.done_at.is_(None))
        .values(done_at=now, done_by=actor.staff_id, note=note)
    )
    if done.rowcount != 1:
        raise ValidationError("error.follow_up_already_done")


def mark_follow_up_done(engine: Engine, actor: Actor, follow_up_id: int, *, note: str = "",
                        now: datetime | None = None) -> None:
    """Tick off one follow-up with a short note, in one action."""
    require(actor, "followup.done")
    note = _clean_note(note)
    with write_session(engine) as session:
        found = session.exec(visible_citizens(
            actor,
            select(FollowUp.placement_id)
            .join(Placement, Placement.id == FollowUp.placement_id)
            .join(Citizen, Citizen.id == Placement.citizen_id)
            .where(FollowUp.id == follow_up_id),
        )).first()
        if found is None:
            raise ValidationError("error.not_found")
        _close(session, actor, follow_up_id, note, now or utcnow())
        audit.log(session, actor, "done", "follow_up", follow_up_id, detail=f"placement={found}")
        session.commit()


def record_follow_up(engine: Engine, actor: Actor, *, placement_id: int, note: str = "",
                     now: datetime | None = None) -> int:
    """Record a follow-up made now: it closes the earliest open one due by today, else adds one.

    Returns the id of the follow-up that was ticked off or added.
    """
    require(actor, "followup.done")
    note = _clean_note(note)
    now = now or utcnow()
    day = metrics.local_day(now)
    with write_session(engine) as session:
        _visible_placement(session, actor, placement_id)
        follow_up_id = session.exec(
            select(FollowUp.id)
            .where(FollowUp.placement_id == placement_id, FollowUp.done_at.is_(None),
                   FollowUp.due_date <= day)
            .order_by(FollowUp.due_date, FollowUp.id).limit(1)
        ).first()
        if follow_up_id is not None:
            _close(session, actor, follow_up_id, note, now)
            action = "done"
        else:
            extra = FollowUp(placement_id=placement_id, due_date=day, done_at=now,
                             done_by=actor.staff_id, note=note)
            session.add(extra)
            session.flush()
            follow_up_id, action = extra.id, "create"
        audit.log(session, actor, action, "follow_up", follow_up_id,
                  detail=f"placement={placement_id}")
        session.commit()
        return follow_up_id


@freshness.cached_aggregate("placement.read")
def follow_up_counts(engine: Engine, actor: Actor, *, today: date,
                     consultant_id: int | None = None) -> dict[str, int]:
    """How many open follow-ups are due today and how many are overdue, counted in SQL."""
    require(actor, "placement.read")
    stmt = (
        # count(*): the index of open follow-ups answers it without reading the rows.
        select(func.count().filter(FollowUp.due_date == today),
               func.count().filter(FollowUp.due_date < today))
        .select_from(FollowUp)
        .join(Placement, Placement.id == FollowUp.placement_id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_date <= today, _running())
    )
    if consultant_id:
        stmt = stmt.where(Placement.consultant_id == consultant_id)
    if not actor.sees_all_teams:
        stmt = visible_citizens(actor, stmt.join(Citizen, Citizen.id == Placement.citizen_id))
    with Session(engine) as session:
        due_today, overdue = session.exec(stmt).one()
    return {"due_today": int(due_today), "overdue": int(overdue)}


# The usual hours a week of each kind, used when a form leaves the hours empty (internships part
# time, wage subsidy and jobs full time, "ordinære timer" a few hours, pocket-money jobs a few
# hours after school); visits and interview training have no weekly hours.
DEFAULT_HOURS = {
    "virksomhedspraktik": 20.0,
    "loentilskud": 37.0,
    "ordinaere_timer": 10.0,
    "ordinaert_job": 37.0,
    "laerlingeplads": 37.0,
    "lommepengejob": 5.0,
    "jobsamtaletraening": None,
    "virksomhedsbesoeg": None,
}


def default_hours(kind: str) -> float | None:
    """The usual hours a week of a placement kind (None for kinds without weekly hours)."""
    return DEFAULT_HOURS.get(kind)
