"""Hurtig registrering: pickers and lookups for the four everyday actions."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit
from model.access import Actor, require
from model.db import write_session
from model.people import visible_citizens
from model.tables import Citizen, SprintCard


def citizen_choices(engine: Engine, actor: Actor) -> pd.DataFrame:
    """The citizens the actor may pick, labelled "name (birth year)", for a searchable picker."""
    require(actor, "citizen.read")
    stmt = visible_citizens(actor, select(Citizen.id, Citizen.first_name, Citizen.last_name,
                                           Citizen.birth_year))
    with write_session(engine) as session:
        rows = session.exec(stmt.order_by(Citizen.first_name, Citizen.last_name)).all()
        audit.log_search(session, actor, "citizen", f"picker;rows={len(rows)}", action="view_list")
        session.commit()
    return pd.DataFrame([(i, f"{f} {l} ({y})") for i, f, l, y in rows], columns=["id", "label"])


def card_of_citizen(engine: Engine, actor: Actor, *, sprint_id: int | None,
                    citizen_id: int) -> int | None:
    """The citizen's card in the sprint, if they have one, so a new placement can be linked."""
    require(actor, "sprint.read")
    if sprint_id is None:
        return None
    with Session(engine) as session:
        return session.exec(select(SprintCard.id).where(
            SprintCard.sprint_id == sprint_id, SprintCard.citizen_id == citizen_id)).first()
