"""Hurtig registrering: pickers and lookups for the four everyday actions."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit
from model.access import Actor, require
from model.db import write_session
from model.paging import Page
from model.people import visible_citizens
from model.tables import Citizen, SprintCard
from model.validation import check_free_text

# How many choices a picker offers; a search finds the rest.
PICKER_SIZE = 200


def citizen_choices(engine: Engine, actor: Actor, *, query: str = "", sprint_id: int | None = None,
                    limit: int | None = None) -> pd.DataFrame:
    """The citizens the actor may pick, labelled "name (birth year)", for a searchable picker.

    With `limit`: the sprint's board and the actor's own citizens first, then the rest by name,
    `limit` in all; with a `query`: those whose name holds every word of it.
    """
    return citizen_choice_page(engine, actor, query=query, sprint_id=sprint_id, limit=limit).rows


def citizen_choice_page(engine: Engine, actor: Actor, *, query: str = "",
                        sprint_id: int | None = None, limit: int | None = None) -> Page:
    """citizen_choices with how many citizens the actor may pick in all (or match the query)."""
    require(actor, "citizen.read")
    check_free_text(query)
    words = query.strip().split()
    matches = [or_(Citizen.first_name.ilike(f"%{word}%"), Citizen.last_name.ilike(f"%{word}%"))
               for word in words]
    columns = select(Citizen.id, Citizen.first_name, Citizen.last_name,
                     Citizen.birth_year).where(*matches)
    with write_session(engine) as session:
        if limit is None:
            rows = session.exec(visible_citizens(actor, columns)
                                .order_by(Citizen.first_name, Citizen.last_name)).all()
            total = len(rows)
        else:
            rows = _relevant_first(session, actor, columns, sprint_id, limit, searching=bool(words))
            total = int(session.exec(visible_citizens(
                actor, select(func.count(Citizen.id)).where(*matches))).one())
        detail = f"picker;rows={len(rows)}" + (";by_name" if words else "")
        audit.log_search(session, actor, "citizen", detail, action="view_list",
                         citizen_ids=[row[0] for row in rows])
        session.commit()
    return Page(pd.DataFrame([(i, f"{f} {l} ({y})") for i, f, l, y in rows],
                             columns=["id", "label"]), total)


def _relevant_first(session: Session, actor: Actor, columns, sprint_id: int | None, limit: int,
                    *, searching: bool) -> list[tuple]:
    """Up to `limit` rows, by name: the sprint's board, then the actor's own citizens, then the
    first by last name (each read through an index, never the whole table sorted)."""
    groups = []
    if not searching and sprint_id is not None:
        on_board = select(SprintCard.citizen_id).where(SprintCard.sprint_id == sprint_id)
        groups.append(columns.where(Citizen.id.in_(on_board)))
    if not searching and actor.staff_id is not None:
        groups.append(columns.where(Citizen.consultant_id == actor.staff_id))
    groups.append(columns)
    rows: dict[int, tuple] = {}
    for stmt in groups:
        stmt = visible_citizens(actor, stmt).order_by(Citizen.last_name, Citizen.id)
        for row in session.exec(stmt.limit(limit)):
            if len(rows) == limit:
                break
            rows.setdefault(row[0], tuple(row))
    return sorted(rows.values(), key=lambda row: (row[1], row[2], row[0]))


def card_of_citizen(engine: Engine, actor: Actor, *, sprint_id: int | None,
                    citizen_id: int) -> int | None:
    """The citizen's card in the sprint, if they have one, so a new placement can be linked."""
    require(actor, "sprint.read")
    if sprint_id is None:
        return None
    with Session(engine) as session:
        return session.exec(select(SprintCard.id).where(
            SprintCard.sprint_id == sprint_id, SprintCard.citizen_id == citizen_id)).first()


def genitive(name: str, lang: str = "da") -> str:
    """A name in the possessive: "Aisha Hansens", "Jonas'" (Danish), "Aisha Hansen's" (English)."""
    if lang == "da":
        return f"{name}'" if name[-1:].lower() in ("s", "x", "z") else f"{name}s"
    return f"{name}'s"
