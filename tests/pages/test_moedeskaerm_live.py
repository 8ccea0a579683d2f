"""The meeting screen follows changes by itself: a timed look at the data stamp redraws it when a
card moved or the day changed, and otherwise draws nothing."""

import time
from datetime import timedelta

import pytest

from model import clock, sprints
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text
from tests.pages.test_fragment_guard import refresh

SCREEN = "pages/moedeskaerm.py"
pytestmark = pytest.mark.calendar  # the demo's week, at the app's date


def secured_on_screen(at) -> str:
    return at.metric[0].value


def colleague_secures_a_card(engine) -> None:
    card = demo_week.dialogue_card(engine)
    sprints.move_card(engine, demo_actor(engine, "leder"), int(card.card_id), "secured",
                      expected_version=int(card.version))


def test_a_look_with_nothing_changed_draws_nothing(app_db, running_week):
    at = app_as(app_db, "skaerm")
    assert at.metric
    refresh(at)
    assert not at.metric and not at.title and "user_id" in at.session_state


def test_a_move_shows_at_the_next_look(app_db, running_week):
    at = app_as(app_db, "skaerm")
    colleague_secures_a_card(app_db)  # puts a card in dialogue first when none is
    at.run()
    secured = demo_week.stage_counts(app_db)["secured"]
    assert secured_on_screen(at) == f"{secured} / 16"
    colleague_secures_a_card(app_db)
    refresh(at)
    assert secured_on_screen(at) == f"{secured + 1} / 16"
    assert "Seneste sikrede forløb" in page_text(at)
    refresh(at)
    assert not at.metric  # drawn at the new stamp


def test_the_next_day_redraws_the_screen_without_any_change(app_db, running_week, monkeypatch):
    at = app_as(app_db, "skaerm")
    refresh(at)
    assert not at.metric
    monkeypatch.setenv(clock.SETTING, (running_week + timedelta(days=1)).isoformat())
    refresh(at)
    assert at.title and "Opdateret" in page_text(at)  # drawn anew for the new day


def test_a_redraw_is_no_activity_of_a_leader_watching_the_screen(app_db, running_week):
    at = app_as(app_db, "leder", SCREEN)
    at.session_state["last_seen"] = seen = time.time() - 20 * 60
    colleague_secures_a_card(app_db)
    refresh(at)
    assert at.metric
    assert at.session_state["last_seen"] == seen
