"""Shared screens: everything the screen account can reach shows initials only.

The browser test (tests/browser/test_meeting_screen.py) reads the meeting screen's whole text;
this one goes over every page key: the screen role reaches the meeting screen and nothing else,
and no page it opens, by navigation or directly, holds a citizen's name.
"""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from model import access
from model.tables import Citizen
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text

ROOT = Path(__file__).resolve().parents[2]


def citizen_names(engine) -> tuple[set[str], set[str]]:
    """Every citizen's full name, and every first and last name on its own."""
    with Session(engine) as session:
        rows = session.execute(select(Citizen.first_name, Citizen.last_name)).all()
    return {f"{f} {l}" for f, l in rows}, {part for row in rows for part in row}


def everything(at) -> str:
    """All text, tables and widget choices a run shows (the sidebar included)."""
    parts = [page_text(at), *(frame.value.to_string() for frame in at.dataframe)]
    parts += [repr(box.options) for box in [*at.selectbox, *at.multiselect]]
    parts += [str(element.value) for element in at.get("text")]
    return "\n".join(parts)


def test_the_screen_role_may_open_the_meeting_screen_only():
    assert [page for page in access.PAGES if access.page_allowed(
        access.Actor(user_id=0, username="skaerm", role="screen"), page)] == ["moedeskaerm"]


def test_the_meeting_screen_shows_no_name_of_any_citizen(app_db, running_week):
    at = app_as(app_db, "skaerm")
    assert at.title[0].value == demo_week.current_week(app_db).name
    full, parts = citizen_names(app_db)
    shown = everything(at)
    assert [name for name in full if name in shown] == []
    # Not even a first or a last name on its own: initials only.
    words = set(shown.replace("·", " ").replace("(", " ").replace(")", " ").split())
    assert words & parts == set()


def test_every_other_page_refuses_the_screen_account_and_shows_no_names(app_db):
    full, _ = citizen_names(app_db)
    screen = demo_actor(app_db, "skaerm").user_id
    at = app_as(app_db, "skaerm")
    for page in sorted(set(access.PAGES) - {"moedeskaerm"}):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")
        # Run directly (the legacy deep-link path), the page's own guard must refuse.
        direct = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=30)
        direct.session_state["user_id"] = screen
        direct.run()
        assert not direct.exception, (page, direct.exception)
        assert direct.error[0].value == "Din rolle har ikke adgang til denne side.", page
        shown = everything(direct)
        assert [name for name in full if name in shown] == [], page
        assert not direct.dataframe and not direct.metric, page
