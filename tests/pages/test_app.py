"""The frame: login before anything, navigation by role, the language switch."""

import time
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import auth
from model.tables import AppUser, AuditLog
from tests import demo_week
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
    assert [b.label for b in at.button] == ["Log ind", "Log ind med kommunens login"]


def sign_in(at, username: str, password: str):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    return at.button(key="FormSubmitter:login-Log ind").click().run()


def test_too_many_wrong_passwords_lock_the_account_with_a_clear_message(app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "2")
    at = app_as(app_db, None)
    sign_in(at, "leder", "wrong password 1")
    assert at.error[0].value == "Forkert brugernavn eller adgangskode."
    sign_in(at, "leder", "wrong password 2")
    message = at.error[0].value
    assert message.startswith("Kontoen er låst efter for mange forkerte forsøg. Prøv igen efter ")
    assert "bed en administrator om at låse den op" in message
    assert at.title[0].value == "Log ind på Jobtavlen"
    # An unknown username gets the very same answers.
    other = app_as(app_db, None)
    sign_in(other, "ingen-bruger", "wrong password 1")
    sign_in(other, "ingen-bruger", "wrong password 2")
    assert other.error[0].value.startswith("Kontoen er låst")


def test_a_generated_password_must_be_changed_before_any_page(app_db):
    with Session(app_db) as session:
        auth.create_user(session, username="ny", role="leader", password="generated secret",
                         must_change_password=True)
        session.commit()
    at = app_as(app_db, None)
    sign_in(at, "ny", "generated secret")
    assert at.title[0].value == "Vælg din egen adgangskode"
    assert not at.metric and not at.dataframe
    # Run a page directly: still the change form, never data.
    at.switch_page("pages/borgere.py")
    at.run()
    assert at.title[0].value == "Vælg din egen adgangskode" and not at.dataframe
    submit = "FormSubmitter:password_change-Gem adgangskode"
    for new, again, error in [("generated secret", "generated secret",
                               "Vælg en anden adgangskode end den, du har nu."),
                              ("kort", "kort", "Adgangskoden skal have mindst 12 tegn."),
                              ("my own new secret", "my own new secreT",
                               "De to adgangskoder er ikke ens.")]:
        at.text_input(key="new_password").input(new)
        at.text_input(key="repeat_password").input(again)
        at.button(key=submit).click().run()
        assert at.error[0].value == error
    at.text_input(key="new_password").input("my own new secret")
    at.text_input(key="repeat_password").input("my own new secret")
    at.button(key=submit).click().run()
    assert not at.exception
    assert at.title[0].value == "Borgere"
    assert auth.authenticate(app_db, "ny", "my own new secret") is not None


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


def test_wrong_passwords_from_one_address_block_it_with_a_clear_message(app_db, monkeypatch):
    from pages import ui

    monkeypatch.setattr(ui, "client_address", lambda: "203.0.113.9")
    monkeypatch.setattr("model.auth.SLOW_DOWN_SECONDS", 0)  # no waiting between tries here
    at = app_as(app_db, None)
    messages = []
    for guess in ("gæt 1", "gæt 2", "gæt 3", "gæt 4"):
        at.text_input(key="login_username").input("konsulent")
        at.text_input(key="login_password").input(guess)
        at.button(key="FormSubmitter:login-Log ind").click().run()
        messages.append(at.error[0].value.split(".")[0])
    assert messages == ["Forkert brugernavn eller adgangskode"] * 2 + [
        "For mange forkerte adgangskoder fra denne adresse"] * 2
    with Session(app_db) as session:
        konsulent = session.exec(select(AppUser).where(AppUser.username == "konsulent")).one()
    assert (konsulent.failed_logins, konsulent.locked_until) == (3, None)
