"""Which sprint a page shows: the one pinned by the page's address (a TV's bookmark), else the
team's running sprint; and the ended sprints that wait for a leader to close them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock, sprints
from model.access import Actor, require
from model.tables import Team


@dataclass(frozen=True)
class ScreenChoice:
    """What the meeting screen shows: a sprint, or (none running) the team's next planned one."""

    sprint_id: int | None
    team_id: int | None
    team_name: str | None
    next_sprint_id: int | None = None


def _whole_id(value: object) -> int | None:
    """An id from the address ("12"), or None for anything else."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _sees_every_team(actor: Actor) -> bool:
    # Mirrors the sprints' visibility: leaders and admins, and the read-only screen account
    # (a screen paired with one team: that team's only).
    return actor.sees_all_teams or (actor.role == "screen" and not actor.extra.get("paired"))


def visible_team(engine: Engine, actor: Actor, team_id: int | None) -> tuple[int, str] | None:
    """The team (id, name) if it exists and the actor may see its sprints, else None."""
    require(actor, "sprint.screen")
    if team_id is None or not (_sees_every_team(actor) or team_id == actor.team_id):
        return None
    with Session(engine) as session:
        name = session.exec(select(Team.name).where(Team.id == team_id)).first()
    return None if name is None else (team_id, name)


def screen_choice(engine: Engine, actor: Actor, *, team: object = None, sprint: object = None,
                  today: date | None = None) -> ScreenChoice:
    """The sprint pinned by `sprint` (an id from the address) if the actor may see it; else the
    running sprint of the team pinned by `team` (if visible) or of the actor's own team; else
    none, with that team's next planned sprint. Ids the actor may not see are ignored."""
    today = today or clock.today()
    pinned_team = visible_team(engine, actor, _whole_id(team))
    own_team = pinned_team or visible_team(engine, actor, actor.team_id)
    team_id, team_name = own_team if own_team else (None, None)
    visible = sprints.list_sprints(engine, actor, today=today)
    pinned_sprint = _whole_id(sprint)
    if pinned_sprint is not None and pinned_sprint in set(visible["id"]):
        return ScreenChoice(sprint_id=pinned_sprint, team_id=team_id, team_name=team_name)
    running = sprints.running_sprint_id(engine, actor, today=today, team_id=team_id)
    if running is not None:
        return ScreenChoice(sprint_id=running, team_id=team_id, team_name=team_name)
    return ScreenChoice(sprint_id=None, team_id=team_id, team_name=team_name,
                        next_sprint_id=sprints.next_sprint_id(engine, actor, today=today,
                                                              team_id=team_id))


def awaiting_close(engine: Engine, actor: Actor, *, today: date | None = None) -> pd.DataFrame:
    """Sprints of the actor's team (and of no team) whose end has passed but that nobody closed
    yet, oldest end first; a user of no team (an admin) sees every team's."""
    listed = sprints.list_sprints(engine, actor, today=today or clock.today())
    ended = listed[listed["status"] == sprints.ENDED]
    if actor.team_id is not None:
        ended = ended[(ended["team_id"] == actor.team_id) | ended["team_id"].isna()]
    return ended.sort_values(["end_date", "id"]).reset_index(drop=True)
