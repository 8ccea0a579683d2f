"""The frame: login before anything, navigation by role, the language switch."""

from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from model import auth
from tests.conftest import app_as, demo_actor, page_text

ROOT = Path(__file__).resolve().parents[2]


def test_nobody_signed_in_sees_the_login_and_no_data(app_db):
    at = app_as(app_db, None)
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert "21 / 16" not in page_text(at)
    assert not at.metric


def test_login_with_the_right_password_opens_the_overview(app_db):
    with Session(app_db) as session:
        auth.create_user(session, username="ny", role="leader", password="a long password!")
        session.commit()
    at = app_as(app_db, None)
    at.text_input(key="login_username").input("ny")
    at.text_input(key="login_password").input("a long password!")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Overblik"


def test_login_with_a_wrong_password_says_so(app_db):
    at = app_as(app_db, None)
    at.text_input(key="login_username").input("leder")
    at.text_input(key="login_password").input("not the password")
    at.button[0].click().run()
    assert at.error[0].value == "Forkert brugernavn eller adgangskode."
    assert at.title[0].value == "Log ind på Jobtavlen"


@pytest.mark.parametrize("page", ["pages/overblik.py", "pages/sprinttavle.py",
                                  "pages/moedeskaerm.py"])
def test_a_page_run_directly_shows_the_login(app_db, page):
    # Streamlit's legacy path runs a page file without app.py: the page's own guard must hold.
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert "21 / 16" not in page_text(at)


def test_screen_role_is_sent_to_the_meeting_screen_only(app_db):
    at = app_as(app_db, "skaerm")
    assert at.title[0].value == "Uge 39 – Brøndby"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/sprinttavle.py")
    # Run directly (the legacy deep-link path), the page's guard refuses the screen role.
    direct = AppTest.from_file(str(ROOT / "pages/sprinttavle.py"), default_timeout=30)
    direct.session_state["user_id"] = demo_actor(app_db, "skaerm").user_id
    direct.run()
    assert direct.error[0].value == "Din rolle har ikke adgang til denne side."
    assert not direct.metric


def test_language_switch_turns_the_ui_english(app_db):
    at = app_as(app_db, "leder")
    at.selectbox(key="lang_choice").select("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.metric[0].label == "Secured placements"


OIDC_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                         "cookie_secret": "test-only", "client_id": "jobtavlen",
                         "client_secret": "test-only",
                         "server_metadata_url": "https://login.example/.well-known/openid"}}


def oidc_app(user: dict):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets.update(OIDC_SECRETS)
    at.user = user
    return at.run()


def test_oidc_login_maps_sub_to_the_account_and_its_role(app_db):
    with Session(app_db) as session:
        auth.create_user(session, username="mentor-oidc", role="mentor", oidc_sub="sub-42")
        session.commit()
    at = oidc_app({"is_logged_in": True, "sub": "sub-42", "email": "m@example.dk"})
    assert not at.exception
    assert at.title[0].value == "Overblik"
    assert "Logget ind som mentor-oidc (mentor)" in page_text(at)


def test_oidc_login_without_a_linked_account_is_refused(app_db):
    at = oidc_app({"is_logged_in": True, "sub": "unknown-sub"})
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert "ikke knyttet til en konto" in at.error[0].value
    assert not at.metric


def test_login_page_offers_oidc_when_configured(app_db):
    at = oidc_app({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Log ind", "Log ind med kommunens login"]
