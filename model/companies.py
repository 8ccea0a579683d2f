"""Companies (virksomheder)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model.access import Actor, require
from model.tables import Company


def company_choices(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Companies by name, for pickers."""
    require(actor, "sprint.read")
    with Session(engine) as session:
        rows = session.exec(select(Company.id, Company.name).order_by(Company.name)).all()
    return pd.DataFrame(rows, columns=["id", "name"])
