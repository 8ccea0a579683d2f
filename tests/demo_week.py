"""The demo's running intensive week as page and browser tests meet it.

Where the week stands depends on the day and the hour the demo was made (on a Monday morning or a
weekend before the week no card has reached dialogue yet), so tests read its numbers from the
model, and a test that needs a card in dialogue puts one there through the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import sprints
from model.db import make_engine
from model.tables import Company, Sprint
from tests.conftest import demo_actor

# The company a card is put in dialogue with when the week has not come that far.
DIALOGUE_COMPANY = "Kirkebjerg Lager A/S"


@contextmanager
def engine_of(database_url: str) -> Iterator[Engine]:
    """An engine on a browser test's server database, disposed after use."""
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def current_week(engine) -> Sprint:
    """The sprint the pages open on: the Brøndby team's week, running or (on a weekend) planned."""
    leader = demo_actor(engine, "leder")
    return sprints.get_sprint(engine, leader, sprints.current_sprint_id(engine, leader))


def stage_counts(engine) -> dict[str, int]:
    """The week's cards per stage now."""
    return sprints.stage_counts(engine, demo_actor(engine, "leder"), current_week(engine).id)


def week_period(sprint: Sprint) -> str:
    """The sprint's dates as the board's caption shows them: "21-09-2026 – 25-09-2026 · uge 39"."""
    return (f"{sprint.start_date:%d-%m-%Y} – {sprint.end_date:%d-%m-%Y} · "
            f"uge {sprint.start_date.isocalendar().week}")


def dialogue_card(engine) -> pd.Series:
    """The first card of the week in dialogue with a company, as the board lists it; when none has
    come that far, the first selected or clarified card is moved there (with DIALOGUE_COMPANY)."""
    leader = demo_actor(engine, "leder")
    sprint_id = current_week(engine).id
    board = sprints.board(engine, leader, sprint_id)
    if not (board["stage"] == "dialogue").any():
        card = board[board["stage"].isin(["selected", "clarified"])].iloc[0]
        with Session(engine) as session:
            company_id = session.exec(select(Company.id)
                                      .where(Company.name == DIALOGUE_COMPANY)).one()
        sprints.move_card(engine, leader, int(card.card_id), "dialogue",
                          expected_version=int(card.version), company_id=company_id)
        board = sprints.board(engine, leader, sprint_id)
    return board[board["stage"] == "dialogue"].iloc[0]
