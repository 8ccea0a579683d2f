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


CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def valid_cvr(cvr: str) -> bool:
    """A CVR number: 8 digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11."""
    if len(cvr) != 8 or not cvr.isdigit() or cvr[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(cvr, CVR_WEIGHTS)) % 11 == 0
