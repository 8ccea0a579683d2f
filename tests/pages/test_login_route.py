"""The password login route and gate (pages/ui/web.py), and runs of the app with the cookie.

The routes run in a small Starlette app of their own here (the same routes and middleware that
app.py gives st.App); the app's runs get the browser's cookie through ui.session_token.
"""

import hashlib
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from model import auth, sessions
from model.tables import AppUser, AuditLog, UserSession, utcnow
from pages import ui
from pages.ui import web
from tests.conftest import app_as, demo_actor, page_text

PASSWORD = "a long password!"


def the_app(request):
    return PlainTextResponse("the app")


@pytest.fixture
def client(app_db):
    with Session(app_db) as session:
        auth.create_user(session, username="ny", role="leader", password=PASSWORD)
        session.commit()
    site = Starlette(routes=[*web.ROUTES, Route("/", the_app), Route("/sprinttavle", the_app),
                             Route("/moedeskaerm", the_app)],
                     middleware=[Middleware(web.LoginGate)])
    with TestClient(site, base_url="http://jobtavlen.test", follow_redirects=False) as test_client:
        yield test_client


def log_in(client, username="ny", password=PASSWORD, next_path="/", **headers):
    return client.post(f"{web.LOGIN}?lang=da", data={"username": username, "password": password,
                                                     "next": next_path}, headers=headers)


def stored_sessions(engine) -> list[UserSession]:
    with Session(engine) as session:
        return list(session.exec(select(UserSession)).all())


def test_a_page_load_without_a_session_goes_to_the_login_and_back(client, app_db):
    reply = client.get("/sprinttavle?sprint=3", headers={"accept": "text/html"})
    assert reply.status_code == 303
    location = urlsplit(reply.headers["location"])
    assert location.path == web.LOGIN
    assert parse_qs(location.query)["next"] == ["/sprinttavle?sprint=3"]
    form = client.get(reply.headers["location"])
    assert form.status_code == 200
    assert "Log ind på Jobtavlen" in form.text
    assert "<label for='username'>Brugernavn</label>" in form.text
    assert "value='/sprinttavle?sprint=3'" in form.text
    signed = log_in(client, next_path="/sprinttavle?sprint=3")
    assert (signed.status_code, signed.headers["location"]) == (303, "/sprinttavle?sprint=3")
    assert client.get("/sprinttavle?sprint=3").text == "the app"


def test_the_cookie_is_httponly_strict_and_holds_a_token_the_database_only_hashes(client, app_db):
    reply = log_in(client)
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # gone with the browser
    token = re.match(rf"{sessions.COOKIE}=([^;]+)", cookie).group(1)
    [row] = stored_sessions(app_db)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.user_agent.startswith("testclient")
    secure = log_in(client, **{"x-forwarded-proto": "https"})
    assert "Secure" in secure.headers["set-cookie"]


def test_a_wrong_password_says_so_in_danish_and_starts_nothing(client, app_db):
    reply = log_in(client, password="not the password")
    assert reply.status_code == 401
    assert "Forkert brugernavn eller adgangskode." in reply.text
    assert "value='ny'" in reply.text  # the username stays typed, never the password
    assert "not the password" not in reply.text
    assert "set-cookie" not in reply.headers and stored_sessions(app_db) == []


def test_typed_text_on_the_login_page_is_text_never_markup(client):
    reply = log_in(client, username="<img src=x onerror=alert(1)>'", password="wrong password")
    assert "<img" not in reply.text and "&lt;img" in reply.text
    assert reply.headers["content-security-policy"].startswith("default-src 'none'")


def test_too_many_wrong_passwords_lock_the_account_with_a_clear_message(client, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "2")
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_PER_SOURCE", "10")  # the account's lock, not the address's
    monkeypatch.setattr("model.auth.SLOW_DOWN_SECONDS", 0)
    assert log_in(client, "leder", "wrong password 1").status_code == 401
    locked = log_in(client, "leder", "wrong password 2")
    assert locked.status_code == 429
    assert "Kontoen er låst efter for mange forkerte forsøg. Prøv igen efter " in locked.text
    # An unknown username gets the very same answers.
    log_in(client, "ingen-bruger", "wrong password 1")
    assert "Kontoen er låst" in log_in(client, "ingen-bruger", "wrong password 2").text


def test_wrong_passwords_from_one_address_block_it_not_the_account(client, app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_CLIENT_ADDRESS_HEADER", "X-Real-IP")
    monkeypatch.setattr("model.auth.SLOW_DOWN_SECONDS", 0)  # no waiting between tries here
    messages = []
    for guess in ("gæt 1", "gæt 2", "gæt 3", "gæt 4"):
        reply = log_in(client, "konsulent", guess, **{"x-real-ip": "203.0.113.9"})
        messages.append(re.search(r"role='alert'>([^.]+)", reply.text).group(1))
    assert messages == ["Forkert brugernavn eller adgangskode"] * 2 + [
        "For mange forkerte adgangskoder fra denne adresse"] * 2
    with Session(app_db) as session:
        konsulent = session.exec(select(AppUser).where(AppUser.username == "konsulent")).one()
    assert (konsulent.failed_logins, konsulent.locked_until) == (3, None)
    # From another address the colleague still signs in.
    assert log_in(client, "ny", PASSWORD, **{"x-real-ip": "198.51.100.4"}).status_code == 303


def test_after_the_login_only_a_path_of_this_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        assert log_in(client, next_path=target).headers["location"] == "/"


def test_a_login_posted_from_another_site_is_refused(client, app_db):
    reply = log_in(client, origin="https://evil.example")
    assert reply.status_code == 403 and stored_sessions(app_db) == []


def test_a_link_from_another_site_loads_itself_again_to_send_the_strict_cookie(client):
    reply = client.get("/sprinttavle", headers={"sec-fetch-site": "cross-site",
                                                "accept": "text/html"})
    assert reply.status_code == 200
    assert "http-equiv='refresh' content='0;url=/sprinttavle'" in reply.text


def test_an_ended_session_is_sent_to_the_login_again(client, app_db):
    log_in(client)
    assert client.get("/").text == "the app"
    [row] = stored_sessions(app_db)
    with Session(app_db) as session:
        sessions.end_all(session, row.user_id, "admin")
        session.commit()
    assert client.get("/").status_code == 303


def test_assets_and_streamlits_own_routes_pass_the_gate(client):
    gate = web.LoginGate(None)
    gate._oidc = False
    for path in ("/_stcore/health", "/static/js/main.js", "/favicon.png", "/konto/login",
                 "/tv/abc", "/media/x.png"):
        assert not gate._wants_login({"type": "http", "method": "GET", "path": path})
    assert gate._wants_login({"type": "http", "method": "GET", "path": "/borgere"})
    assert not gate._wants_login({"type": "websocket", "path": "/_stcore/stream"})


def test_a_paired_screen_address_signs_the_tv_in_for_a_long_time(client, app_db):
    leader = demo_actor(app_db, "leder")
    link = sessions.create_screen_link(app_db, leader, team_id=leader.team_id)
    reply = client.get(f"/tv/{link.token}")
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/moedeskaerm?team={leader.team_id}"
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert f"Max-Age={400 * 86_400}" in cookie
    assert client.get("/moedeskaerm").text == "the app"
    sessions.revoke_screen_link(app_db, leader, link.link_id)
    assert client.get("/moedeskaerm").status_code == 303
    unknown = client.get(f"/tv/{link.token}")
    assert unknown.status_code == 404 and "Skærmadressen virker ikke" in unknown.text


# Runs of the app with the browser's cookie ------------------------------------------------

def with_cookie(monkeypatch, token: str | None) -> None:
    monkeypatch.setattr(ui, "session_token", lambda: token)


def a_session(engine, username: str) -> str:
    return sessions.start(engine, demo_actor(engine, username).user_id)


def test_the_cookie_signs_the_app_in_on_every_run_a_reload_included(app_db, monkeypatch):
    with_cookie(monkeypatch, a_session(app_db, "konsulent"))
    first = app_as(app_db, None)
    assert first.title[0].value == "Overblik"
    reload = app_as(app_db, None)  # a new browser session (reload, new tab, restarted server)
    assert reload.title[0].value == "Overblik"
    assert "Logget ind som" in page_text(reload)


def test_a_run_resolves_the_session_once_for_the_frame_and_the_page(app_db, monkeypatch):
    with_cookie(monkeypatch, a_session(app_db, "konsulent"))
    at = app_as(app_db, None, "pages/virksomheder.py")  # a page with downloads, which ask too
    calls = []
    resolve = sessions.resolve
    monkeypatch.setattr(sessions, "resolve", lambda *a, **k: calls.append(1) or resolve(*a, **k))
    at.run()
    assert at.title[0].value == "Virksomheder"
    assert len(calls) == 1


def test_logout_in_one_tab_ends_the_other_at_its_next_run(app_db, monkeypatch):
    with_cookie(monkeypatch, a_session(app_db, "konsulent"))
    one, other = app_as(app_db, None), app_as(app_db, None, "pages/borgere.py")
    assert other.title[0].value == "Borgere"
    next(b for b in one.sidebar.button if b.label == "Log ud").click().run()
    assert one.title[0].value == "Log ind på Jobtavlen"
    other.run()
    assert other.title[0].value == "Log ind på Jobtavlen" and not other.dataframe
    assert [b.label for b in other.get("link_button")] == ["Log ind"]
    with Session(app_db) as session:
        logged = session.exec(select(AuditLog.detail).where(AuditLog.action == "logout")).all()
    assert logged == ["user"]


def test_an_idle_session_signs_out_at_the_next_run(app_db, monkeypatch):
    token = a_session(app_db, "konsulent")
    with_cookie(monkeypatch, token)
    at = app_as(app_db, None)
    with Session(app_db) as session:
        row = session.exec(select(UserSession)).one()
        row.last_seen_at = utcnow() - sessions.IDLE - timedelta(seconds=5)
        session.commit()
    at.run()
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert sessions.resolve(app_db, token) is None


def test_a_generated_password_must_be_changed_before_any_page(app_db, monkeypatch):
    with Session(app_db) as session:
        user = auth.create_user(session, username="ny", role="leader", password="generated secret",
                                must_change_password=True)
        session.commit()
        new_id = user.id
    with_cookie(monkeypatch, sessions.start(app_db, new_id))
    at = app_as(app_db, None)
    assert at.title[0].value == "Vælg din egen adgangskode"
    assert not at.metric and not at.dataframe
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
    assert at.title[0].value == "Borgere"  # this browser stays signed in
    assert auth.authenticate(app_db, "ny", "my own new secret") is not None


def test_the_account_page_lists_and_ends_the_users_own_sessions(app_db, monkeypatch):
    here = a_session(app_db, "konsulent")
    elsewhere = a_session(app_db, "konsulent")
    a_session(app_db, "leder")
    with_cookie(monkeypatch, here)
    at = app_as(app_db, None, "pages/konto.py")
    assert at.title[0].value == "Min konto"
    [listed] = at.dataframe
    assert sorted(listed.value["Denne"]) == [False, True]  # this browser, and the other one
    at.button(key="session_end_others").click().run()
    assert "1 andre sessioner er logget ud." in [s.value for s in at.success]
    assert sessions.resolve(app_db, elsewhere) is None
    assert sessions.resolve(app_db, here) is not None
    assert at.title[0].value == "Min konto"
