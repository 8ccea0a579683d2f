"""The Sprinttavle follows colleagues by itself: a timed look at the data stamp redraws the board
when something changed, holds the redraw while the user fills something in, and is no activity;
a move's confirmation offers "Fortryd" for ten seconds."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock, sprints
from model.tables import AuditLog, SprintCard
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text
from tests.pages.test_fragment_guard import refresh

BOARD = "pages/sprinttavle.py"
HOLD = "Tavlen er ændret af en kollega"
pytestmark = pytest.mark.calendar  # the demo's week, at the app's date


def secured_metric(at) -> str:
    return next(m.value for m in at.metric if m.label == "Sikrede forløb")


def statements(run) -> list[str]:
    """The SQL statements the app sends while `run()` runs (transaction control left out)."""
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_rest):
        if statement.strip().upper() != "BEGIN":
            sent.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    return sent


def look(at) -> bool:
    """One timed look (a run of the page's fragments alone); True when it read the board's cards,
    that is when the board was drawn anew."""
    return any("sprint_card" in statement for statement in statements(lambda: refresh(at)))


def early_card(engine):
    """A card of the demo week not yet in dialogue (there are some on any day of the week)."""
    leader = demo_actor(engine, "leder")
    board = sprints.board(engine, leader, demo_week.current_week(engine).id)
    return board[board["stage"].isin(["selected", "clarified"])].iloc[0]


def colleague_secures(engine, card) -> None:
    """The team leader, in a session of their own, moves `card` to "Forløb sikret"."""
    with Session(engine) as session:
        version = session.get(SprintCard, int(card.card_id)).version
    sprints.move_card(engine, demo_actor(engine, "leder"), int(card.card_id), "secured",
                      expected_version=version)


@pytest.fixture
def board(app_db):
    """A consultant's open board with a card in dialogue, and the week's secured count."""
    card = demo_week.dialogue_card(app_db)
    secured = demo_week.stage_counts(app_db)["secured"]
    return app_as(app_db, "konsulent", BOARD), card, secured


def test_a_look_with_nothing_changed_draws_nothing_and_reads_no_board(board):
    at, _, _ = board
    assert not look(at)
    assert not at.metric and not at.title and HOLD not in page_text(at)


def test_a_look_costs_the_guard_and_one_small_query(board):
    at, _, _ = board
    sent = statements(lambda: refresh(at))
    # The guard reloads the account (user and staff row); the look itself reads the stamp only.
    assert len(sent) == 3, sent
    assert sum("data_generation" in statement for statement in sent) == 1
    assert not [statement for statement in sent if "sprint_card" in statement]


def test_a_colleagues_move_redraws_the_board_at_the_next_look(app_db, board):
    at, card, secured = board
    colleague_secures(app_db, card)
    assert look(at)
    assert secured_metric(at) == f"{secured + 1} / 16"
    assert f"#### Forløb sikret · {secured + 1}" in page_text(at)
    assert not look(at)  # drawn at the new stamp: the next look has nothing to do
    assert not at.metric


def test_a_redraw_is_not_the_users_activity(app_db, board):
    at, card, secured = board
    at.session_state["last_seen"] = seen = time.time() - 20 * 60
    colleague_secures(app_db, card)
    refresh(at)
    assert secured_metric(at) == f"{secured + 1} / 16"
    assert at.session_state["last_seen"] == seen
    at.run()  # the user's own next step is
    assert time.time() - at.session_state["last_seen"] < 60


def open_park_form(at, engine) -> None:
    card = early_card(engine)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("parked").run()
    assert at.text_input(key="park_reason")


def open_placement_form(at, engine) -> None:
    card = early_card(engine)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    assert "place_card" in at.session_state


def open_panel(key: str):
    def opening(at, engine) -> None:
        at.session_state[key.format(sprint=demo_week.current_week(engine).id)] = True
        at.run()
    return opening


@pytest.mark.parametrize("open_it", [
    open_park_form, open_placement_form, open_panel("programme_open"),
    open_panel("sprint_edit_open"), open_panel("new_sprint_open"),
    open_panel("add_cards_open_{sprint}"),
], ids=["park reason", "placement", "programme", "sprint", "new sprint", "add citizens"])
def test_an_open_form_holds_the_redraw_and_says_so(app_db, board, open_it):
    at, card, _ = board
    open_it(at, app_db)
    assert not at.exception
    secured = demo_week.stage_counts(app_db)["secured"]  # the placement form's move counted
    colleague_secures(app_db, card)
    assert not look(at)  # the board under the form stays as it is
    assert HOLD in page_text(at) and not at.metric
    assert at.button(key="board_refresh_now").label == "Opdater nu"
    assert not look(at) and HOLD in page_text(at)
    at.button(key="board_refresh_now").click()
    refresh(at)  # the user asks for it: the board is drawn anew, the form still open
    assert secured_metric(at) == f"{secured + 1} / 16"
    assert HOLD not in page_text(at)


# --- Fortryd ----------------------------------------------------------------------------------

def secure_on_the_board(at, card) -> None:
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    assert not at.exception


def undo_button(at, card):
    return [b for b in at.button if b.key == f"undo_{card.card_id}_{card.version + 1}"]


def test_a_move_offers_undo_and_undo_moves_the_card_back(app_db, board):
    at, card, secured = board
    name = f"{card.first_name} {card.last_name}"
    secure_on_the_board(at, card)
    assert f"{name} er flyttet til «Forløb sikret»." in page_text(at)
    assert secured_metric(at) == f"{secured + 1} / 16"
    [undo] = undo_button(at, card)
    assert undo.label == "Fortryd"
    undo.click().run()
    assert not at.exception
    assert (f"Flytningen er fortrudt: {name} er tilbage i «I dialog med virksomhed»."
            in page_text(at))
    assert secured_metric(at) == f"{secured} / 16"
    assert "place_card" not in at.session_state  # the placement it offered is not due any more
    assert not undo_button(at, card)
    with Session(app_db) as session:
        assert session.get(SprintCard, int(card.card_id)).stage == "dialogue"
        detail = session.exec(select(AuditLog.detail).where(AuditLog.action == "move")
                              .order_by(AuditLog.id.desc())).first()
    assert detail == "secured->dialogue (undo)"


def test_undo_after_a_colleagues_move_is_refused_with_a_message(app_db, board):
    at, card, _ = board
    secure_on_the_board(at, card)
    sprints.move_card(app_db, demo_actor(app_db, "leder"), int(card.card_id), "clarified",
                      expected_version=int(card.version) + 1)
    undo_button(at, card)[0].click().run()
    assert "En anden har flyttet eller ændret kortet siden" in at.error[0].value
    with Session(app_db) as session:
        assert session.get(SprintCard, int(card.card_id)).stage == "clarified"


def test_the_undo_button_goes_after_ten_seconds_by_the_apps_clock(app_db, board, monkeypatch):
    at, card, _ = board
    secure_on_the_board(at, card)
    assert undo_button(at, card)
    system_now = clock._system_now
    monkeypatch.setattr(clock, "_system_now", lambda: system_now() + timedelta(seconds=11))
    refresh(at)  # the timed look: the confirmation stays, its button goes
    assert "er flyttet til «Forløb sikret»." in page_text(at)
    assert not undo_button(at, card)
    at.run()  # the next full run drops the confirmation too
    assert "er flyttet til «Forløb sikret»." not in page_text(at)
    assert not undo_button(at, card)


# --- The stage selector ----------------------------------------------------------------------

def test_choosing_the_cards_own_stage_moves_nothing(app_db, board):
    at, card, _ = board
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("dialogue").run()
    with Session(app_db) as session:
        assert session.get(SprintCard, int(card.card_id)).version == card.version
    assert "undo_move" not in at.session_state


def test_a_cancelled_park_shows_the_cards_stage_again_and_can_be_chosen_anew(app_db, board):
    at, card, _ = board
    selector = f"move_{card.card_id}_{card.version}"
    at.selectbox(key=selector).select("parked").run()
    at.button(key="FormSubmitter:park_form-Annullér").click().run()
    assert "park_card" not in at.session_state
    assert at.selectbox(key=selector).value == "dialogue"
    at.selectbox(key=selector).select("parked").run()
    assert at.text_input(key="park_reason")
