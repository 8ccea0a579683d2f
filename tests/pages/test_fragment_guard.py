"""The guard on a fragment's own reruns: the meeting screen's timed look for changes and Forløb's
live searches check the signed-in account again, as a full run does."""

import time

import pytest
from sqlmodel import Session, select
from streamlit.runtime.scriptrunner import RerunData
from streamlit.testing.v1 import local_script_runner

from model import admin
from model.tables import AppUser, AuditLog
from tests.conftest import app_as, demo_actor, page_text

LOGIN = "Log ind på Jobtavlen"


def refresh(at):
    """One run of the page's fragments alone, as the browser's timer (or a widget inside a
    fragment) asks for it. AppTest's run() always reruns the whole script, so for this one run
    its runner is handed the fragments the last run registered."""
    fragments = list(at._fragment_storage._fragments)
    assert fragments, "the page registered no fragment"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local_script_runner, "RerunData",
                      lambda **data: RerunData(**data, fragment_id_queue=fragments,
                                               is_auto_rerun=True))
        at.run()
    assert not at.exception, at.exception
    return at


def deactivate(engine, username: str) -> None:
    admin.set_active(engine, demo_actor(engine, "admin"), demo_actor(engine, username).user_id,
                     active=False)


def last_logout(engine) -> str:
    with Session(engine) as session:
        return session.exec(select(AuditLog.detail).where(AuditLog.action == "logout")
                            .order_by(AuditLog.id.desc())).first()


def shows_the_screen(at) -> bool:
    return bool(at.metric) and "Seneste sikrede forløb" in page_text(at)


def signed_in_after_a_refresh(at) -> bool:
    """A timed look with nothing changed draws nothing (the screen stays as drawn): still signed in."""
    refresh(at)
    return "user_id" in at.session_state and not at.title


def test_a_deactivated_screen_account_stops_at_the_next_refresh(app_db, running_week):
    at = app_as(app_db, "skaerm")
    assert shows_the_screen(at)
    assert signed_in_after_a_refresh(at)
    deactivate(app_db, "skaerm")
    refresh(at)
    assert at.title[0].value == LOGIN
    assert not at.metric and not at.get("text")
    assert "Seneste sikrede forløb" not in page_text(at)
    assert "user_id" not in at.session_state
    assert last_logout(app_db) == "inactive"


def test_the_screen_account_has_no_idle_timeout(app_db, running_week):
    at = app_as(app_db, "skaerm")
    at.session_state["last_seen"] = time.time() - 8 * 60 * 60  # a TV left on all day
    assert signed_in_after_a_refresh(at)
    assert shows_the_screen(at.run())


def test_a_refresh_is_no_activity_and_an_idle_leader_is_signed_out_by_it(app_db, running_week):
    at = app_as(app_db, "leder", "pages/moedeskaerm.py")
    at.session_state["last_seen"] = seen = time.time() - 20 * 60
    assert signed_in_after_a_refresh(at)
    assert at.session_state["last_seen"] == seen
    at.session_state["last_seen"] = time.time() - 31 * 60
    refresh(at)
    assert at.title[0].value == LOGIN
    assert not at.metric
    assert last_logout(app_db) == "idle"


def test_a_role_no_longer_allowed_on_the_page_loses_it_at_the_next_search(app_db):
    at = new_placement_form(app_db, "konsulent")
    with Session(app_db) as session:
        user = session.exec(select(AppUser).where(AppUser.username == "konsulent")).one()
        user.role = "screen"  # the meeting screen only
        session.commit()
    search_citizens(at, "e")
    assert not [box for box in at.selectbox if box.key == "new_citizen"]
    assert "Opret forløb" not in [tab.label for tab in at.tabs]


def new_placement_form(engine, username: str):
    """Forløb as `username`, on the tab whose form searches while the person types."""
    at = app_as(engine, username, "pages/forloeb.py")
    at.session_state["pl_tab"] = "Opret forløb"
    return at.run()


def search_citizens(at, query: str):
    at.text_input(key="new_citizen_query").input(query)
    return refresh(at)


def test_a_deactivated_account_cannot_search_in_the_new_placement_form(app_db):
    at = new_placement_form(app_db, "konsulent")
    assert search_citizens(at, "a").selectbox(key="new_citizen").options
    deactivate(app_db, "konsulent")
    search_citizens(at, "e")
    assert at.title[0].value == LOGIN
    assert not [box for box in at.selectbox if box.key == "new_citizen"]
    assert last_logout(app_db) == "inactive"


def test_typing_in_the_new_placement_form_is_activity(app_db):
    at = new_placement_form(app_db, "konsulent")
    at.session_state["last_seen"] = time.time() - 29 * 60
    search_citizens(at, "a")
    assert time.time() - at.session_state["last_seen"] < 60
    at.session_state["last_seen"] = time.time() - 31 * 60
    search_citizens(at, "e")
    assert at.title[0].value == LOGIN
    assert last_logout(app_db) == "idle"
