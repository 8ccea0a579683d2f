"""The frame: login before anything, navigation by role, the language switch."""

import time
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import access, auth, i18n
from model.tables import AppUser, AuditLog
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text

ROOT = Path(__file__).resolve().parents[2]


def test_nobody_signed_in_sees_the_way_in_and_no_data(app_db):
    at = app_as(app_db, None)
    assert at.title[0].value == "Log ind på Jobtavlen"
    [way_in] = at.get("link_button")
    assert way_in.proto.url == "/konto/login?next=%2F"
    assert "21 / 16" not in page_text(at)
    assert not at.metric


def navigation() -> dict[str, tuple[str, str, str]]:
    """The pages of app.py's navigation (key: file, title key, icon), read from app.py itself, so
    a new page is covered here without editing a list."""
    import app

    return app.PAGES


# The demo account each role signs in with.
DEMO_USERS = {"leader": "leder", "admin": "admin", "consultant": "konsulent",
              "caseworker": "sagsbehandler", "mentor": "mentor", "screen": "skaerm"}


@pytest.mark.parametrize("key", list(navigation()))
def test_every_page_of_the_navigation_opens_for_a_role_allowed_there(app_db, key):
    path, title_key, _icon = navigation()[key]
    role = next(role for role in ("leader", "admin", "consultant") if role in access.PAGES[key])
    at = app_as(app_db, DEMO_USERS[role], path)
    assert not at.exception, at.exception
    assert at.title, key
    if key != "moedeskaerm":  # the meeting screen's heading is the sprint's name
        assert at.title[0].value == i18n.t(title_key, "da"), key
    assert not at.error, [error.value for error in at.error]


@pytest.mark.parametrize("page", [path for path, _title, _icon in navigation().values()])
def test_a_page_run_directly_shows_the_login(app_db, page):
    # Streamlit's legacy path runs a page file without app.py: the page's own guard must hold.
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert "21 / 16" not in page_text(at)


def test_screen_role_is_sent_to_the_meeting_screen_only(app_db, running_week):
    at = app_as(app_db, "skaerm")
    assert at.title[0].value == demo_week.current_week(app_db).name
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
    assert "Follow-ups today" in [m.label for m in at.metric]  # shown whether a sprint runs or not


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
    assert [b.label for b in at.get("link_button")] == ["Log ind"]
    assert [b.label for b in at.button] == ["Log ind med kommunens login"]


def test_a_deactivated_account_loses_access_at_its_next_click(app_db):
    at = app_as(app_db, "konsulent", "pages/borgere.py")
    assert at.title[0].value == "Borgere"
    with Session(app_db) as session:
        user = session.exec(select(AppUser).where(AppUser.username == "konsulent")).one()
        user.active = False
        session.commit()
    at.run()
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert not at.dataframe
    assert last_logout(app_db) == "inactive"


def test_inactivity_signs_the_user_out(app_db):
    at = app_as(app_db, "konsulent")
    at.session_state["last_seen"] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert last_logout(app_db) == "idle"


def test_signing_out_is_logged(app_db):
    at = app_as(app_db, "konsulent")
    next(b for b in at.sidebar.button if b.label == "Log ud").click().run()
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert last_logout(app_db) == "user"


def last_logout(engine) -> str:
    with Session(engine) as session:
        return session.exec(select(AuditLog.detail).where(AuditLog.action == "logout")
                            .order_by(AuditLog.id.desc())).first()


def test_a_refusal_by_the_model_is_logged_when_shown(app_db):
    def page():
        import streamlit as st

        from model.errors import AccessDenied
        from pages import ui

        ui.show_error(AccessDenied("error.access_denied", permission="citizen.write"))
        st.write("done")

    mentor = demo_actor(app_db, "mentor")
    at = AppTest.from_function(page, default_timeout=30)
    at.session_state["user_id"] = mentor.user_id
    at.run()
    assert at.error[0].value == "Din rolle har ikke adgang til dette."
    with Session(app_db) as session:
        logged = session.exec(select(AuditLog.user_id, AuditLog.detail)
                              .where(AuditLog.action == "access_refused")).all()
    assert logged == [(mentor.user_id, "citizen.write")]


def test_a_set_date_is_shown_in_the_sidebar(app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_TODAY", "2027-01-01")
    at = app_as(app_db, "konsulent")
    assert "Dagens dato er sat til 01-01-2027" in " ".join(w.value for w in at.sidebar.warning)


def test_the_real_date_shows_no_date_note(app_db, monkeypatch):
    monkeypatch.delenv("JOBTAVLEN_TODAY", raising=False)
    at = app_as(app_db, "konsulent")
    assert not [w for w in at.sidebar.warning if "JOBTAVLEN_TODAY" in w.value]


