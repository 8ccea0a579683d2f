"""Min konto's password change (the current password first; this browser stays signed in, the
others end), and the admin's list of everyone's open sessions on Brugere og log."""

from sqlmodel import Session

from model import auth, sessions
from model.tables import AppUser
from pages import ui
from tests.conftest import app_as, demo_actor, page_text

ACCOUNT, ADMIN = "pages/konto.py", "pages/administration.py"
SUBMIT = "FormSubmitter:own_password-Gem adgangskode"


def signed_in(engine, monkeypatch, username: str) -> str:
    """This browser's cookie: a session of `username` (the login route's doing in real life)."""
    token = sessions.start(engine, demo_actor(engine, username).user_id)
    monkeypatch.setattr(ui, "session_token", lambda: token)
    return token


def set_password(engine, username: str, password: str) -> None:
    with Session(engine) as session:
        user = session.get(AppUser, demo_actor(engine, username).user_id)
        user.password_hash = auth.hash_password(password)
        session.commit()


def change(at, current: str, new: str, again: str | None = None):
    at.text_input(key="own_current_password").input(current)
    at.text_input(key="own_new_password").input(new)
    at.text_input(key="own_repeat_password").input(new if again is None else again)
    return at.button(key=SUBMIT).click().run()


def test_a_user_changes_the_password_and_stays_signed_in_here_only(app_db, monkeypatch):
    set_password(app_db, "konsulent", "the old long secret")
    elsewhere = sessions.start(app_db, demo_actor(app_db, "konsulent").user_id)
    here = signed_in(app_db, monkeypatch, "konsulent")
    at = app_as(app_db, None, ACCOUNT)
    assert "Skift adgangskode" in [s.value for s in at.subheader]
    change(at, "not my password", "a brand new secret")
    assert [e.value for e in at.error] == ["Den nuværende adgangskode er forkert."]
    change(at, "the old long secret", "a brand new secret", "a brand new secreT")
    assert [e.value for e in at.error] == ["De to adgangskoder er ikke ens."]
    change(at, "the old long secret", "a brand new secret")
    assert not at.exception and not at.error
    assert "Din nye adgangskode er gemt. Du er logget ud alle andre steder." in page_text(at)
    assert at.title[0].value == "Min konto"
    assert sessions.resolve(app_db, here) is not None
    assert sessions.resolve(app_db, elsewhere) is None
    assert auth.authenticate(app_db, "konsulent", "a brand new secret") is not None


def test_a_lock_after_wrong_current_passwords_says_until_when_in_danish_time(app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "1")
    signed_in(app_db, monkeypatch, "konsulent")
    at = change(app_as(app_db, None, ACCOUNT), "a guess", "a brand new secret")
    [error] = at.error
    assert error.value.startswith("Kontoen er låst efter for mange forkerte forsøg. Prøv igen efter ")
    assert "+00:00" not in error.value and "UTC" not in error.value


def test_an_account_without_a_password_of_its_own_is_not_offered_the_change(app_db, monkeypatch):
    with Session(app_db) as session:
        session.get(AppUser, demo_actor(app_db, "mentor").user_id).password_hash = None
        session.commit()
    signed_in(app_db, monkeypatch, "mentor")
    at = app_as(app_db, None, ACCOUNT)
    assert at.title[0].value == "Min konto"
    assert "Skift adgangskode" not in [s.value for s in at.subheader]
    assert not at.text_input


def test_an_admin_sees_everyones_sessions_by_name_and_ends_one(app_db, monkeypatch):
    konsulent = demo_actor(app_db, "konsulent")
    theirs = sessions.start(app_db, konsulent.user_id, user_agent="Mozilla/5.0 (Windows) Firefox")
    signed_in(app_db, monkeypatch, "admin")
    at = app_as(app_db, None, ADMIN)
    assert "Åbne sessioner" in [s.value for s in at.subheader]
    listed = next(frame.value for frame in at.dataframe if "Navn" in frame.value.columns)
    assert {konsulent.name, "admin"} <= set(listed["Navn"]) | set(listed["Bruger"])
    assert konsulent.username in set(listed["Bruger"])
    session_id = sessions.resolve(app_db, theirs).session_id
    at.selectbox(key="session_pick_all").select(session_id).run()
    at.button(key="session_end_all").click().run()
    assert not at.exception
    assert "Sessionen er logget ud." in [s.value for s in at.success]
    assert sessions.resolve(app_db, theirs) is None


def test_a_leader_on_the_admin_page_sees_no_sessions_and_cannot_end_any(app_db, monkeypatch):
    signed_in(app_db, monkeypatch, "leder")
    at = app_as(app_db, None, ADMIN)
    assert "Åbne sessioner" not in [s.value for s in at.subheader]
    assert not [b for b in at.button if b.key == "session_end_all"]
