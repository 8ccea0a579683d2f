"""Sprints (intensive weeks and monthly sparring), their board, moves, programme and results."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock, freshness, metrics, validation
from model.access import Actor, require
from model.db import write_session
from model.errors import StaleVersion, ValidationError
from model.people import create_citizen_in, visible_citizen, visible_citizens
from model.tables import (
    SECURED,
    SPRINT_KINDS,
    STAGES,
    AgendaItem,
    Citizen,
    Company,
    Sprint,
    SprintCard,
    SprintConsultant,
    Staff,
    StageChange,
    utcnow,
)
from model.validation import check_free_text

# The intensive week's programme from the Brøndby story (uge 39): (day from Monday, part, title).
PROGRAMME_TEMPLATE = [
    (0, "formiddag", "Opstart: hver konsulent præsenterer sine tre borgere, og teamet sætter målet"),
    (0, "eftermiddag", "Faglig sparring konsulenterne imellem om borgernes muligheder"),
    (1, "formiddag", "Brug af virksomhedscentre og behovet for nye samarbejdsaftaler"),
    (1, "eftermiddag", "Opsøgende arbejde med virksomhederne"),
    (2, "hele dagen", "Opsøgende arbejde med virksomhederne"),
    (2, "eftermiddag", "Fællesmøde: hvilke krav stiller vi til borgerne i praktikforløb?"),
    (3, "hele dagen", "Opsøgende arbejde med virksomhederne"),
    (4, "formiddag", "Opsøgende arbejde med virksomhederne"),
    (4, "eftermiddag", "Fælles opsamling med sagsbehandlere og mentorer"),
]
STALE_DAYS = 2
MAX_FOCUS = 500
MAX_STAGE_NAME = 40
MAX_PARK_REASON = 500
# How long a move's confirmation offers "Fortryd" (undo_move checks it by the app's clock).
UNDO_SECONDS = 10


@dataclass(frozen=True)
class SprintResult:
    secured: int
    goal: int

    @property
    def reached(self) -> bool:
        return metrics.goal_reached(self.secured, self.goal)


def _visible(actor: Actor, stmt):
    """Limit a sprint query to the actor's team unless the role sees all teams (the screen account
    too, but a paired screen only its team's); staff without a team see only sprints of no team."""
    if actor.sees_all_teams or (actor.role == "screen" and not actor.extra.get("paired")):
        return stmt
    if actor.team_id is None:
        return stmt.where(Sprint.team_id.is_(None))
    return stmt.where((Sprint.team_id == actor.team_id) | (Sprint.team_id.is_(None)))


PLANNED, RUNNING, ENDED, CLOSED = "planned", "running", "ended", "closed"
LIFECYCLE = (PLANNED, RUNNING, ENDED, CLOSED)


def lifecycle(start: date, end: date, closed: bool, today: date) -> str:
    """Where a sprint stands on `today`: its dates decide, until a leader closes it.

    planned (before its start), running (today within its dates), ended (after its end, waiting
    for the leader to close it with its result), closed.
    """
    if closed:
        return CLOSED
    if today < start:
        return PLANNED
    return RUNNING if today <= end else ENDED


def _with_lifecycle(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    """Replace the stored status column by the lifecycle on `today`."""
    frame["status"] = [lifecycle(start, end, status == CLOSED, today) for start, end, status
                       in zip(frame["start_date"], frame["end_date"], frame["status"])]
    return frame


def list_sprints(engine: Engine, actor: Actor, *, today: date | None = None) -> pd.DataFrame:
    """The sprints the actor may see, newest first, with their lifecycle status on `today`."""
    require(actor, "sprint.screen")
    stmt = _visible(actor, select(Sprint.id, Sprint.name, Sprint.status, Sprint.kind,
                                  Sprint.start_date, Sprint.end_date, Sprint.goal_count,
                                  Sprint.team_id))
    with Session(engine) as session:
        rows = session.exec(stmt.order_by(Sprint.start_date.desc(), Sprint.id.desc())).all()
    frame = pd.DataFrame(rows, columns=["id", "name", "status", "kind", "start_date", "end_date",
                                        "goal_count", "team_id"])
    return _with_lifecycle(frame, today or clock.today())


def _own_team_first(sprints: pd.DataFrame, team_id: int | None) -> pd.DataFrame:
    """The team's own sprints, then sprints of no team; other teams' only for a user of no team."""
    if team_id is None:
        return sprints
    own = sprints[sprints["team_id"] == team_id]
    shared = sprints[sprints["team_id"].isna()]
    return pd.concat([own, shared]) if not own.empty or not shared.empty else sprints.iloc[0:0]


def running_sprint_id(engine: Engine, actor: Actor, *, today: date | None = None,
                      team_id: int | None = None) -> int | None:
    """The running sprint: the one whose dates hold today for the team (the actor's by default)."""
    today = today or clock.today()
    sprints = _own_team_first(list_sprints(engine, actor, today=today),
                              team_id if team_id is not None else actor.team_id)
    running = sprints[sprints["status"] == RUNNING]
    return None if running.empty else int(running.iloc[0]["id"])


def next_sprint_id(engine: Engine, actor: Actor, *, today: date | None = None,
                   team_id: int | None = None) -> int | None:
    """The next planned sprint of the team (the actor's by default): the soonest to start."""
    today = today or clock.today()
    sprints = _own_team_first(list_sprints(engine, actor, today=today),
                              team_id if team_id is not None else actor.team_id)
    planned = sprints[sprints["status"] == PLANNED].sort_values(["start_date", "id"])
    return None if planned.empty else int(planned.iloc[0]["id"])


def current_sprint_id(engine: Engine, actor: Actor, today: date | None = None, *,
                      team_id: int | None = None) -> int | None:
    """The sprint a page opens on: the running one, else the next planned, else the latest."""
    today = today or clock.today()
    for pick in (running_sprint_id, next_sprint_id):
        if (sprint_id := pick(engine, actor, today=today, team_id=team_id)) is not None:
            return sprint_id
    sprints = _own_team_first(list_sprints(engine, actor, today=today),
                              team_id if team_id is not None else actor.team_id)
    return None if sprints.empty else int(sprints.iloc[0]["id"])


def sprint_status(sprint: Sprint, today: date | None = None) -> str:
    """The lifecycle status of one sprint on `today`."""
    return lifecycle(sprint.start_date, sprint.end_date, sprint.status == CLOSED,
                     today or clock.today())


def get_sprint(engine: Engine, actor: Actor, sprint_id: int) -> Sprint:
    require(actor, "sprint.screen")
    with Session(engine) as session:
        sprint = session.exec(_visible(actor, select(Sprint).where(Sprint.id == sprint_id))).first()
    if sprint is None:
        raise ValidationError("error.not_found")
    return sprint


def stage_labels(sprint: Sprint, default: dict[str, str]) -> dict[str, str]:
    """The sprint's own stage names where it renamed them, else the catalogue's."""
    return {stage: (sprint.stage_names or {}).get(stage) or default[stage] for stage in STAGES}


def _validate_sprint(name: str, start: date, end: date, goal: int, kind: str, focus: str) -> None:
    if not validation.clean_line(name):
        raise ValidationError("error.name_required")
    validation.check_date(start, required=True)
    validation.check_date(end, required=True)
    if end < start:
        raise ValidationError("error.end_before_start")
    if validation.check_number(goal, whole=True) is None or goal < 1:
        raise ValidationError("error.goal_positive")
    if kind not in SPRINT_KINDS:
        raise ValidationError("error.unknown_kind")
    validation.clean_text(focus, MAX_FOCUS)
    check_free_text(name, focus)


def _clean_stage_names(stage_names: dict[str, str] | None) -> dict[str, str]:
    """The sprint's own names of the stages, trimmed; empty names fall back to the catalogue's."""
    cleaned = {}
    for stage, name in (stage_names or {}).items():
        if stage not in STAGES:
            raise ValidationError("error.unknown_stage")
        if text := validation.clean_line(name, MAX_STAGE_NAME):
            check_free_text(text)
            cleaned[stage] = text
    return cleaned


def create_sprint(
    engine: Engine,
    actor: Actor,
    *,
    name: str,
    start: date,
    end: date,
    goal: int,
    focus: str = "",
    kind: str = "intensive_week",
    stage_names: dict[str, str] | None = None,
    team_id: int | None = None,
    consultant_ids: list[int] | None = None,
) -> int:
    """Create a sprint with its participating consultants in one transaction; return its id."""
    require(actor, "sprint.edit")
    _validate_sprint(name, start, end, goal, kind, focus)
    with write_session(engine) as session:
        sprint = Sprint(
            name=name.strip(), start_date=start, end_date=end, goal_count=goal, focus=focus.strip(),
            kind=kind, status=PLANNED if start > clock.today() else RUNNING,
            team_id=team_id if team_id is not None else actor.team_id,
            stage_names=_clean_stage_names(stage_names),
        )
        session.add(sprint)
        session.flush()
        for staff_id in consultant_ids or []:
            session.add(SprintConsultant(sprint_id=sprint.id, staff_id=staff_id))
        audit.log(session, actor, "create", "sprint", sprint.id, detail=name.strip())
        session.commit()
        return sprint.id


def update_sprint(
    engine: Engine,
    actor: Actor,
    sprint_id: int,
    *,
    expected_version: int,
    name: str,
    start: date,
    end: date,
    goal: int,
    focus: str,
    kind: str,
    stage_names: dict[str, str],
) -> None:
    """Edit a sprint; refused if someone else saved it first."""
    require(actor, "sprint.edit")
    _validate_sprint(name, start, end, goal, kind, focus)
    get_sprint(engine, actor, sprint_id)
    with write_session(engine) as session:
        result = session.execute(
            update(Sprint)
            .where(Sprint.id == sprint_id, Sprint.version == expected_version)
            .values(name=name.strip(), start_date=start, end_date=end, goal_count=goal,
                    focus=focus.strip(), kind=kind, version=Sprint.version + 1,
                    stage_names=_clean_stage_names(stage_names))
        )
        if result.rowcount != 1:
            raise StaleVersion("error.stale_sprint")
        audit.log(session, actor, "update", "sprint", sprint_id)
        session.commit()


def close_sprint(engine: Engine, actor: Actor, sprint_id: int) -> SprintResult:
    """Close the sprint and return its result ("21 af 16 – mål nået")."""
    require(actor, "sprint.close")
    get_sprint(engine, actor, sprint_id)
    with write_session(engine) as session:
        sprint = session.get(Sprint, sprint_id)
        sprint.status = "closed"
        sprint.closed_at = utcnow()
        sprint.version = Sprint.version + 1  # in SQL, so a concurrent save's bump is not lost
        audit.log(session, actor, "close", "sprint", sprint_id)
        session.commit()
    return sprint_result(engine, actor, sprint_id)


def reopen_sprint(engine: Engine, actor: Actor, sprint_id: int) -> None:
    require(actor, "sprint.close")
    get_sprint(engine, actor, sprint_id)
    with write_session(engine) as session:
        sprint = session.get(Sprint, sprint_id)
        sprint.status = RUNNING  # the lifecycle follows the dates again
        sprint.closed_at = None
        sprint.version = Sprint.version + 1  # in SQL, so a concurrent save's bump is not lost
        audit.log(session, actor, "reopen", "sprint", sprint_id)
        session.commit()


def sprint_result(engine: Engine, actor: Actor, sprint_id: int) -> SprintResult:
    sprint = get_sprint(engine, actor, sprint_id)
    with Session(engine) as session:
        secured = session.exec(
            select(func.count(SprintCard.id)).where(
                SprintCard.sprint_id == sprint_id, SprintCard.stage == SECURED
            )
        ).one()
    return SprintResult(secured=int(secured), goal=sprint.goal_count)


def consultants(engine: Engine, actor: Actor, sprint_id: int) -> pd.DataFrame:
    """The consultants taking part in the sprint."""
    require(actor, "sprint.read")
    with Session(engine) as session:
        rows = session.exec(
            select(Staff.id, Staff.name, Staff.initials)
            .join(SprintConsultant, SprintConsultant.staff_id == Staff.id)
            .where(SprintConsultant.sprint_id == sprint_id)
            .order_by(Staff.name)
        ).all()
    return pd.DataFrame(rows, columns=["id", "name", "initials"])


def add_consultant(engine: Engine, actor: Actor, sprint_id: int, staff_id: int) -> None:
    require(actor, "sprint.edit")
    get_sprint(engine, actor, sprint_id)
    with write_session(engine) as session:
        if session.get(SprintConsultant, (sprint_id, staff_id)) is None:
            session.add(SprintConsultant(sprint_id=sprint_id, staff_id=staff_id))
            audit.log(session, actor, "add_consultant", "sprint", sprint_id, detail=f"staff={staff_id}")
            session.commit()


def _add_card(session: Session, actor: Actor, sprint_id: int, citizen_id: int,
              consultant_id: int | None, now: datetime) -> int:
    exists = session.exec(select(SprintCard.id).where(
        SprintCard.sprint_id == sprint_id, SprintCard.citizen_id == citizen_id)).first()
    if exists is not None:
        raise ValidationError("error.citizen_already_on_board")
    if consultant_id is not None and \
            session.get(SprintConsultant, (sprint_id, consultant_id)) is None:
        session.add(SprintConsultant(sprint_id=sprint_id, staff_id=consultant_id))
    card = SprintCard(sprint_id=sprint_id, citizen_id=citizen_id, consultant_id=consultant_id,
                      stage="selected", stage_since=now)
    session.add(card)
    session.flush()
    session.add(StageChange(card_id=card.id, from_stage=None, to_stage="selected",
                            changed_at=now, changed_by=actor.staff_id))
    audit.log(session, actor, "create", "sprint_card", card.id, detail=f"citizen={citizen_id}")
    return card.id


def add_card(engine: Engine, actor: Actor, sprint_id: int, *, citizen_id: int,
             consultant_id: int, now: datetime | None = None) -> int:
    """Put an existing citizen on the board, brought by a consultant."""
    require(actor, "sprint.edit")
    require(actor, "citizen.write")
    get_sprint(engine, actor, sprint_id)
    with write_session(engine) as session:
        if visible_citizen(session, actor, citizen_id) is None:
            # Another team's citizen on this board would show their name to this team.
            raise ValidationError("error.not_found")
        card_id = _add_card(session, actor, sprint_id, citizen_id, consultant_id, now or utcnow())
        session.commit()
        return card_id


def add_new_citizen_card(engine: Engine, actor: Actor, sprint_id: int, *, consultant_id: int,
                         now: datetime | None = None, **citizen_fields) -> int:
    """Create a citizen and put them on the board in one transaction."""
    require(actor, "sprint.edit")
    sprint = get_sprint(engine, actor, sprint_id)
    with write_session(engine) as session:
        citizen = create_citizen_in(session, actor, consultant_id=consultant_id,
                                    team_id=sprint.team_id, **citizen_fields)
        card_id = _add_card(session, actor, sprint_id, citizen.id, consultant_id, now or utcnow())
        session.commit()
        return card_id


def move_card(engine: Engine, actor: Actor, card_id: int, to_stage: str, *,
              expected_version: int, park_reason: str = "", company_id: int | None = None,
              now: datetime | None = None, undo: bool = False) -> int:
    """Move a card to a stage and write its stage_change; refused if someone moved it first.
    `undo`: the move takes back the actor's last one (see undo_move), and the log says so.

    Returns the card's new version.
    """
    require(actor, "card.move")
    if to_stage not in STAGES:
        raise ValidationError("error.unknown_stage")
    park_reason = validation.clean_text(park_reason, MAX_PARK_REASON)
    if to_stage == "parked" and not park_reason:
        raise ValidationError("error.park_reason_required")
    check_free_text(park_reason)
    now = now or utcnow()
    with write_session(engine) as session:
        # The sprint is checked on this connection: a second one inside a write could wait for
        # a pool slot held by writers waiting for this write's lock.
        card = _visible_card(session, actor, card_id)
        from_stage = card.stage
        values = {"stage": to_stage, "stage_since": now, "version": SprintCard.version + 1,
                  "park_reason": park_reason if to_stage == "parked" else ""}
        if company_id is not None:
            values["company_id"] = company_id
        result = session.execute(
            update(SprintCard)
            .where(SprintCard.id == card_id, SprintCard.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            session.rollback()
            raise StaleVersion("error.stale_card")
        session.add(StageChange(card_id=card_id, from_stage=from_stage, to_stage=to_stage,
                                changed_at=now, changed_by=actor.staff_id))
        audit.log(session, actor, "move", "sprint_card", card_id,
                  detail=f"{from_stage}->{to_stage}" + (" (undo)" if undo else ""))
        session.commit()
        return expected_version + 1


def _visible_card(session: Session, actor: Actor, card_id: int) -> SprintCard:
    """The card, if its sprint is one the actor may see; else "not found"."""
    card = session.get(SprintCard, card_id)
    if card is None or session.exec(_visible(actor, select(Sprint.id).where(
            Sprint.id == card.sprint_id))).first() is None:
        raise ValidationError("error.not_found")
    return card


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # stored as UTC


def undo_move(engine: Engine, actor: Actor, card_id: int, *, expected_version: int,
              park_reason: str = "", now: datetime | None = None) -> int:
    """Fortryd: move the card back to where the actor's own last move took it from, within
    UNDO_SECONDS of that move (by the app's clock) and only while the card is still at the version
    that move left (`expected_version`). Itself a move through move_card: version-checked, with
    its stage_change and log row. `park_reason`: the reason to restore when the move left
    "Ikke denne gang" (a card leaving it keeps no reason). Returns the card's new version.
    """
    require(actor, "card.move")
    now = now or utcnow()
    with Session(engine) as session:
        card = _visible_card(session, actor, card_id)
        last = session.exec(select(StageChange).where(StageChange.card_id == card_id)
                            .order_by(StageChange.id.desc())).first()
    if card.version != expected_version:
        raise StaleVersion("error.undo_changed_since")
    if last is None or last.from_stage is None or actor.staff_id is None \
            or last.changed_by != actor.staff_id:
        raise ValidationError("error.undo_not_own")
    if now - _as_utc(last.changed_at) > timedelta(seconds=UNDO_SECONDS):
        raise ValidationError("error.undo_too_late", seconds=UNDO_SECONDS)
    try:
        return move_card(engine, actor, card_id, last.from_stage,
                         expected_version=expected_version, now=now, undo=True,
                         park_reason=park_reason if last.from_stage == "parked" else "")
    except StaleVersion:  # moved by someone between the check and the move
        raise StaleVersion("error.undo_changed_since") from None


def set_card_company(engine: Engine, actor: Actor, card_id: int, company_id: int | None,
                     *, expected_version: int) -> int:
    """Record which company the card's citizen is in dialogue with."""
    require(actor, "card.move")
    with write_session(engine) as session:
        _visible_card(session, actor, card_id)
        result = session.execute(
            update(SprintCard)
            .where(SprintCard.id == card_id, SprintCard.version == expected_version)
            .values(company_id=company_id, version=SprintCard.version + 1)
        )
        if result.rowcount != 1:
            raise StaleVersion("error.stale_card")
        audit.log(session, actor, "update", "sprint_card", card_id, detail=f"company={company_id}")
        session.commit()
    return expected_version + 1


BOARD_COLUMNS = ["card_id", "version", "stage", "stage_since", "park_reason", "citizen_id",
                 "first_name", "last_name", "consultant_id", "consultant", "consultant_initials",
                 "company_id", "company", "placement_id"]


def _board_rows(engine: Engine, sprint_id: int) -> pd.DataFrame:
    stmt = (
        select(SprintCard.id, SprintCard.version, SprintCard.stage, SprintCard.stage_since,
               SprintCard.park_reason, Citizen.id, Citizen.first_name, Citizen.last_name,
               Staff.id, Staff.name, Staff.initials, SprintCard.company_id, Company.name,
               SprintCard.placement_id)
        .join(Citizen, Citizen.id == SprintCard.citizen_id)
        .outerjoin(Staff, Staff.id == SprintCard.consultant_id)
        .outerjoin(Company, Company.id == SprintCard.company_id)
        .where(SprintCard.sprint_id == sprint_id)
        .order_by(Staff.name, Citizen.last_name, Citizen.first_name)
    )
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    board = pd.DataFrame(rows, columns=BOARD_COLUMNS)
    board["company"] = board["company"].fillna("")
    for column in ("company_id", "placement_id"):
        board[column] = board[column].astype("Int64")
    return board


def _with_days(board: pd.DataFrame, sprint: Sprint, now: datetime) -> pd.DataFrame:
    # A finished sprint's clock stops at its last day, so old cards don't look weeks stale.
    end_of_sprint = datetime.combine(sprint.end_date, datetime.max.time(), metrics.LOCAL_TZ)
    clock = min(now, end_of_sprint)
    board["days_in_stage"] = [metrics.days_in_stage(s, clock) for s in board["stage_since"]]
    board["stale"] = [metrics.is_stale(st, d, STALE_DAYS)
                      for st, d in zip(board["stage"], board["days_in_stage"])]
    return board


def board(engine: Engine, actor: Actor, sprint_id: int, *,
          now: datetime | None = None) -> pd.DataFrame:
    """The sprint's cards with citizen names, for staff; the view is logged."""
    require(actor, "citizen.read")
    sprint = get_sprint(engine, actor, sprint_id)
    rows = _with_days(_board_rows(engine, sprint_id), sprint, now or utcnow())
    with write_session(engine) as session:
        audit.log_search(session, actor, "sprint", f"cards={len(rows)}", action="view_board",
                         row_id=sprint_id)
        session.commit()
    return rows


def screen_board(engine: Engine, actor: Actor, sprint_id: int, *,
                 now: datetime | None = None) -> pd.DataFrame:
    """The board for a shared screen: initials only, no names or ids of citizens."""
    require(actor, "sprint.screen")
    sprint = get_sprint(engine, actor, sprint_id)
    rows = _with_days(_board_rows(engine, sprint_id), sprint, now or utcnow())
    rows["citizen"] = [metrics.initials(f, l) for f, l in zip(rows["first_name"], rows["last_name"])]
    return rows[["card_id", "stage", "citizen", "consultant_initials", "days_in_stage", "stale",
                 "company"]]


def _changes(engine: Engine, sprint_id: int) -> pd.DataFrame:
    stmt = (
        select(StageChange.card_id, StageChange.to_stage, StageChange.changed_at)
        .join(SprintCard, SprintCard.id == StageChange.card_id)
        .where(SprintCard.sprint_id == sprint_id)
        .order_by(StageChange.changed_at, StageChange.id)
    )
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=["card_id", "to_stage", "changed_at"])


@freshness.cached_aggregate("sprint.screen")
def burn_up(engine: Engine, actor: Actor, sprint_id: int) -> pd.DataFrame:
    """Secured placements at the end of each sprint day, with the goal."""
    sprint = get_sprint(engine, actor, sprint_id)
    days = metrics.sprint_days(sprint.start_date, sprint.end_date)
    return metrics.burn_up(_changes(engine, sprint_id), days, sprint.goal_count)


@freshness.cached_aggregate("sprint.screen")
def stage_funnel(engine: Engine, actor: Actor, sprint_id: int) -> pd.DataFrame:
    """How many cards reached each stage, and how many are parked."""
    get_sprint(engine, actor, sprint_id)
    with Session(engine) as session:
        reached = session.exec(
            select(StageChange.card_id, StageChange.to_stage).distinct()
            .join(SprintCard, SprintCard.id == StageChange.card_id)
            .where(SprintCard.sprint_id == sprint_id)
        ).all()
        current = session.exec(
            select(SprintCard.id, SprintCard.stage).where(SprintCard.sprint_id == sprint_id)
        ).all()
    return metrics.funnel(pd.DataFrame(reached, columns=["card_id", "to_stage"]),
                          pd.DataFrame(current, columns=["card_id", "stage"]))


@freshness.cached_aggregate("sprint.screen")
def stage_counts(engine: Engine, actor: Actor, sprint_id: int) -> dict[str, int]:
    """Cards per stage now, counted in SQL."""
    get_sprint(engine, actor, sprint_id)
    with Session(engine) as session:
        rows = session.exec(
            select(SprintCard.stage, func.count(SprintCard.id))
            .where(SprintCard.sprint_id == sprint_id).group_by(SprintCard.stage)
        ).all()
    counts = dict.fromkeys(STAGES, 0)
    counts.update({stage: int(n) for stage, n in rows})
    return counts


def latest_secured(engine: Engine, actor: Actor, sprint_id: int, limit: int = 5) -> pd.DataFrame:
    """The most recent moves to "secured", with initials only (for the meeting screen too)."""
    get_sprint(engine, actor, sprint_id)
    stmt = (
        select(StageChange.changed_at, Citizen.first_name, Citizen.last_name, Staff.initials,
               Company.name)
        .join(SprintCard, SprintCard.id == StageChange.card_id)
        .join(Citizen, Citizen.id == SprintCard.citizen_id)
        .outerjoin(Staff, Staff.id == SprintCard.consultant_id)
        .outerjoin(Company, Company.id == SprintCard.company_id)
        .where(SprintCard.sprint_id == sprint_id, StageChange.to_stage == SECURED,
               SprintCard.stage == SECURED)
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        .limit(limit)
    )
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(
        [(at, metrics.initials(f, l), c, co) for at, f, l, c, co in rows],
        columns=["changed_at", "citizen", "consultant_initials", "company"],
    )


def agenda(engine: Engine, actor: Actor, sprint_id: int) -> pd.DataFrame:
    """The sprint's day programme, in order."""
    get_sprint(engine, actor, sprint_id)
    with Session(engine) as session:
        return _agenda_rows(session, sprint_id)


def _as_day(value: object) -> date | None:
    """A programme day as the editor hands it back: a date, a moment, a Timestamp, or text
    (ISO "2027-09-27" from an editor whose column held no dates yet, or Danish "27-09-2027");
    None when there is none or it cannot be read."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def programme_stamp(items: pd.DataFrame) -> str:
    """A fingerprint of a programme as read: a save made from it is refused once it changed."""
    rows = sorted((int(i), str(d), p or "", t or "", n or "")
                  for i, d, p, t, n in items[["id", "day", "part", "title", "note"]]
                  .itertuples(index=False))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _agenda_rows(session: Session, sprint_id: int) -> pd.DataFrame:
    rows = session.exec(
        select(AgendaItem.id, AgendaItem.day, AgendaItem.part, AgendaItem.title, AgendaItem.note)
        .where(AgendaItem.sprint_id == sprint_id).order_by(AgendaItem.day, AgendaItem.id)
    ).all()
    return pd.DataFrame(rows, columns=["id", "day", "part", "title", "note"])


def _lock_sprint(session: Session, sprint_id: int) -> None:
    """Hold the sprint's row for this transaction (PostgreSQL), so programme saves queue up;
    SQLite's BEGIN IMMEDIATE already serialises every write."""
    session.exec(select(Sprint.id).where(Sprint.id == sprint_id).with_for_update())


def _cell_text(value: object) -> str:
    """A text cell of the editor: an empty cell comes back as None or NaN."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _clean_agenda(sprint: Sprint, items: pd.DataFrame) -> list[AgendaItem]:
    clean = []
    for row in items.to_dict("records"):
        title, part, note = (_cell_text(row.get(column)) for column in ("title", "part", "note"))
        if not (title or part or note):
            continue  # an empty row (a new row holds only its default day)
        if not title:
            raise ValidationError("error.agenda_title_required")
        day = _as_day(row.get("day"))
        if day is None or not sprint.start_date <= day <= sprint.end_date:
            raise ValidationError("error.agenda_day_outside", low=f"{sprint.start_date:%d-%m-%Y}",
                                  high=f"{sprint.end_date:%d-%m-%Y}")
        check_free_text(title, note, part)
        clean.append(AgendaItem(sprint_id=sprint.id, day=day, part=part, title=title, note=note))
    return clean


def save_agenda(engine: Engine, actor: Actor, sprint_id: int, items: pd.DataFrame, *,
                expected_stamp: str | None = None) -> None:
    """Replace the programme with the edited rows in one transaction; bad rows write nothing.

    With `expected_stamp` (programme_stamp of the programme the editor was filled from) the save
    is refused when a colleague saved the programme in between.
    """
    require(actor, "sprint.edit")
    sprint = get_sprint(engine, actor, sprint_id)
    clean = _clean_agenda(sprint, items)
    with write_session(engine) as session:
        _lock_sprint(session, sprint_id)
        if expected_stamp is not None and \
                programme_stamp(_agenda_rows(session, sprint_id)) != expected_stamp:
            raise StaleVersion("error.stale_programme")
        session.execute(delete(AgendaItem).where(AgendaItem.sprint_id == sprint_id))
        session.add_all(clean)
        audit.log(session, actor, "update", "agenda_item", sprint_id, detail=f"items={len(clean)}")
        session.commit()


def today_programme(engine: Engine, actor: Actor, sprint_id: int, today: date) -> pd.DataFrame:
    items = agenda(engine, actor, sprint_id)
    return items[items["day"] == today]


def stale_count(engine: Engine, actor: Actor, sprint_id: int, *,
                now: datetime | None = None) -> int:
    """Cards still on their way that have not moved for STALE_DAYS days."""
    sprint = get_sprint(engine, actor, sprint_id)
    with Session(engine) as session:
        rows = session.exec(
            select(SprintCard.stage, SprintCard.stage_since).where(SprintCard.sprint_id == sprint_id)
        ).all()
    board = _with_days(pd.DataFrame(rows, columns=["stage", "stage_since"]), sprint, now or utcnow())
    return int(board["stale"].sum())


def sprint_summaries(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Every visible sprint with its secured count, counted in SQL."""
    require(actor, "sprint.read")
    secured = func.count(SprintCard.id).filter(SprintCard.stage == SECURED)
    stmt = _visible(actor, select(Sprint.id, Sprint.name, Sprint.status, Sprint.start_date,
                                  Sprint.end_date, Sprint.goal_count, secured)
                    .outerjoin(SprintCard, SprintCard.sprint_id == Sprint.id)
                    .group_by(Sprint.id)
                    .order_by(Sprint.start_date.desc()))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    frame = pd.DataFrame(rows, columns=["id", "name", "status", "start_date", "end_date",
                                        "goal_count", "secured"])
    return _with_lifecycle(frame, clock.today())


# --- Planning the week -----------------------------------------------------------------------

def proposed_week(today: date) -> tuple[date, date]:
    """The dates a new intensive week proposes: this week's Monday to Friday, next week's from
    Saturday (ISO weeks, so week 53 too)."""
    monday = today - timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += timedelta(weeks=1)
    return monday, monday + timedelta(days=4)


def free_week(today: date, taken: Sequence[tuple[date, date]]) -> tuple[date, date]:
    """The first proposed week from `today` on that overlaps none of the `taken` periods."""
    start, end = proposed_week(today)
    while any(start <= taken_end and taken_start <= end for taken_start, taken_end in taken):
        start, end = start + timedelta(weeks=1), end + timedelta(weeks=1)
    return start, end


def next_free_week(engine: Engine, actor: Actor, *, team_id: int | None,
                   today: date | None = None) -> tuple[date, date]:
    """The next week without a sprint of the team (or of no team, for `team_id` None)."""
    require(actor, "sprint.read")
    team = Sprint.team_id.is_(None) if team_id is None else Sprint.team_id == team_id
    with Session(engine) as session:
        taken = session.exec(select(Sprint.start_date, Sprint.end_date).where(team)).all()
    return free_week(today or clock.today(), taken)


def programme_from_template(start: date, end: date,
                            template: Sequence[tuple[int, str, str]] = PROGRAMME_TEMPLATE,
                            ) -> list[tuple[date, str, str]]:
    """The template's items on a sprint's days: template day n (0 = Monday) lands on the sprint's
    first day of that weekday; days the sprint does not have are left out."""
    first_of_weekday: dict[int, date] = {}
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        first_of_weekday.setdefault(day.weekday(), day)
    return [(first_of_weekday[weekday], part, title) for weekday, part, title in template
            if weekday in first_of_weekday]


def apply_programme_template(engine: Engine, actor: Actor, sprint_id: int, *,
                             replace: bool = False) -> int:
    """Put the Brøndby programme on the sprint's days in one transaction; returns the items.

    A sprint that has a programme keeps it unless `replace` says to overwrite it.
    """
    require(actor, "sprint.edit")
    sprint = get_sprint(engine, actor, sprint_id)
    items = programme_from_template(sprint.start_date, sprint.end_date)
    with write_session(engine) as session:
        _lock_sprint(session, sprint_id)
        existing = session.exec(select(func.count(AgendaItem.id))
                                .where(AgendaItem.sprint_id == sprint_id)).one()
        if existing and not replace:
            raise ValidationError("error.programme_exists", items=int(existing))
        session.execute(delete(AgendaItem).where(AgendaItem.sprint_id == sprint_id))
        session.add_all([AgendaItem(sprint_id=sprint_id, day=day, part=part, title=title)
                         for day, part, title in items])
        audit.log(session, actor, "template", "agenda_item", sprint_id,
                  detail=f"items={len(items)} replaced={int(existing)}")
        session.commit()
    return len(items)


def consultant_citizens(engine: Engine, actor: Actor, sprint_id: int, *,
                        consultant_id: int) -> pd.DataFrame:
    """The consultant's own citizens (within the actor's teams), those not yet on the sprint
    first, by name, with `on_sprint`; the list view is logged."""
    require(actor, "citizen.read")
    get_sprint(engine, actor, sprint_id)
    on_sprint = Citizen.id.in_(select(SprintCard.citizen_id)
                               .where(SprintCard.sprint_id == sprint_id))
    stmt = visible_citizens(actor, select(Citizen.id, Citizen.first_name, Citizen.last_name,
                                          Citizen.birth_year, on_sprint)
                            .where(Citizen.consultant_id == consultant_id)
                            .order_by(on_sprint, Citizen.first_name, Citizen.last_name,
                                      Citizen.id))
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        audit.log_search(session, actor, "citizen", f"consultant={consultant_id}",
                         action="list_to_bring", row_id=sprint_id)
        session.commit()
    frame = pd.DataFrame(rows, columns=["id", "first_name", "last_name", "birth_year",
                                        "on_sprint"])
    frame["on_sprint"] = frame["on_sprint"].astype(bool)
    return frame


def add_cards(engine: Engine, actor: Actor, sprint_id: int, *, consultant_id: int,
              citizen_ids: Sequence[int] = (), new_citizens: Sequence[Mapping] = (),
              brought_by: int | None = None, now: datetime | None = None) -> list[int]:
    """A consultant joins the sprint with their citizens in one transaction: existing citizens
    and new ones typed in (first name, last name, birth year; their consultant is
    `consultant_id`). "Medbragt af" on each card is `brought_by`, else the citizen's own
    consultant. A citizen already on the sprint refuses the whole batch; returns the card ids.
    """
    require(actor, "sprint.edit")
    require(actor, "citizen.write")
    sprint = get_sprint(engine, actor, sprint_id)
    citizen_ids = list(dict.fromkeys(citizen_ids))
    if not citizen_ids and not new_citizens:
        raise ValidationError("error.no_citizens_chosen")
    now = now or utcnow()
    with write_session(engine) as session:
        for staff_id in {consultant_id, brought_by} - {None}:
            if session.get(Staff, staff_id) is None:
                raise ValidationError("error.not_found")
        citizens = []
        for citizen_id in citizen_ids:
            citizen = visible_citizen(session, actor, citizen_id)
            if citizen is None:
                # Another team's citizen on this board would show their name to this team.
                raise ValidationError("error.not_found")
            citizens.append(citizen)
        on_board = session.exec(select(SprintCard.citizen_id).where(
            SprintCard.sprint_id == sprint_id, SprintCard.citizen_id.in_(citizen_ids))).all()
        if on_board:
            twice = next(c for c in citizens if c.id in set(on_board))
            raise ValidationError("error.citizen_on_board_named",
                                  name=f"{twice.first_name} {twice.last_name}")
        for fields in new_citizens:
            citizens.append(create_citizen_in(session, actor, consultant_id=consultant_id,
                                              team_id=sprint.team_id, **fields))
        if session.get(SprintConsultant, (sprint_id, consultant_id)) is None:
            session.add(SprintConsultant(sprint_id=sprint_id, staff_id=consultant_id))
            audit.log(session, actor, "add_consultant", "sprint", sprint_id,
                      detail=f"staff={consultant_id}")
        card_ids = [_add_card(session, actor, sprint_id, citizen.id,
                              brought_by or citizen.consultant_id or consultant_id, now)
                    for citizen in citizens]
        session.commit()
        return card_ids


def repeatable_cards(engine: Engine, actor: Actor, sprint_id: int) -> pd.DataFrame:
    """The cards of a sprint whose citizen was not secured: who a repeated week may bring along."""
    require(actor, "citizen.read")
    get_sprint(engine, actor, sprint_id)
    stmt = visible_citizens(actor, select(
        SprintCard.citizen_id, Citizen.first_name, Citizen.last_name, SprintCard.stage,
        SprintCard.consultant_id, Staff.initials)
        .join(Citizen, Citizen.id == SprintCard.citizen_id)
        .outerjoin(Staff, Staff.id == SprintCard.consultant_id)
        .where(SprintCard.sprint_id == sprint_id, SprintCard.stage != SECURED)
        .order_by(Staff.name, Citizen.first_name, Citizen.last_name))
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        audit.log_search(session, actor, "sprint", f"cards={len(rows)}", action="view_repeatable",
                         row_id=sprint_id)
        session.commit()
    return pd.DataFrame(rows, columns=["citizen_id", "first_name", "last_name", "stage",
                                       "consultant_id", "consultant_initials"])


def _first_working_monday(start: date, end: date) -> date:
    """The Monday of the week of a sprint's first working day."""
    first = metrics.sprint_days(start, end)[0]
    return first - timedelta(days=first.weekday())


def repeat_sprint(engine: Engine, actor: Actor, sprint_id: int, *, name: str, start: date,
                  end: date, focus: str = "", goal: int | None = None,
                  citizen_ids: Sequence[int] = (), now: datetime | None = None) -> int:
    """Gentag ugen: a new sprint from a closed one in one transaction, with its consultants,
    goal, kind, stage names and programme (moved to the new dates by weekday), a new name, focus
    and dates, and the chosen citizens who were not secured back in "Udvalgt"; returns its id."""
    require(actor, "sprint.edit")
    source = get_sprint(engine, actor, sprint_id)
    goal = source.goal_count if goal is None else goal
    _validate_sprint(name, start, end, goal, source.kind, focus)
    if source.status != CLOSED:
        raise ValidationError("error.repeat_needs_closed")
    # Whole weeks between the two sprints' first working weeks: a Tuesday item lands on the
    # new Tuesday, also when one of them starts on a weekend.
    shift = _first_working_monday(start, end) - _first_working_monday(source.start_date,
                                                                       source.end_date)
    now = now or utcnow()
    with write_session(engine) as session:
        open_cards = {card.citizen_id: card for card in session.exec(select(SprintCard).where(
            SprintCard.sprint_id == sprint_id, SprintCard.stage != SECURED))}
        if set(citizen_ids) - set(open_cards):
            raise ValidationError("error.repeat_citizen_not_open")
        sprint = Sprint(name=name.strip(), start_date=start, end_date=end, goal_count=goal,
                        focus=focus.strip(), kind=source.kind, team_id=source.team_id,
                        status=PLANNED if start > clock.today() else RUNNING,
                        stage_names=dict(source.stage_names or {}))
        session.add(sprint)
        session.flush()
        staff_ids = session.exec(select(SprintConsultant.staff_id)
                                 .where(SprintConsultant.sprint_id == sprint_id)).all()
        session.add_all([SprintConsultant(sprint_id=sprint.id, staff_id=s) for s in staff_ids])
        session.add_all([
            AgendaItem(sprint_id=sprint.id, day=item.day + shift, part=item.part,
                       title=item.title, note=item.note)
            for item in session.exec(select(AgendaItem).where(AgendaItem.sprint_id == sprint_id)
                                     .order_by(AgendaItem.day, AgendaItem.id))
            if start <= item.day + shift <= end])
        audit.log(session, actor, "repeat", "sprint", sprint.id, detail=f"from={sprint_id}")
        for citizen_id in dict.fromkeys(citizen_ids):
            _add_card(session, actor, sprint.id, citizen_id,
                      open_cards[citizen_id].consultant_id or actor.staff_id, now)
        session.commit()
        return sprint.id
