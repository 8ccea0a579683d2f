"""Skærmlink til tv on the Mødeskærm page: a leader pairs a TV (the address shown once, with a QR
code), sees the links and revokes one; nobody else, and never the paired TV, sees the section."""

import pytest
from sqlmodel import Session, select

from model import sessions
from model.tables import ScreenLink, Sprint
from pages import ui
from pages.ui import screen_links
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/moedeskaerm.py"
HEADING = "Skærmlink til tv"
SITE = "https://jobtavlen.kommune.dk"


@pytest.mark.parametrize("url, headers, expected", [
    ("https://jobtavlen.kommune.dk/moedeskaerm", {}, "https://jobtavlen.kommune.dk"),
    ("http://127.0.0.1:8501/moedeskaerm", {}, "http://127.0.0.1:8501"),
    ("https://intra.kommune.dk/jobtavlen/moedeskaerm", {}, "https://intra.kommune.dk/jobtavlen"),
    # No address from the browser: the proxy's forwarded headers, else the Host header.
    (None, {"Host": "10.0.0.4:8501", "X-Forwarded-Host": "jobtavlen.kommune.dk",
            "X-Forwarded-Proto": "https"}, "https://jobtavlen.kommune.dk"),
    (None, {"host": "10.0.0.4:8501"}, "http://10.0.0.4:8501"),
    (None, {"Host": "a.dk", "X-Forwarded-Proto": "javascript"}, "http://a.dk"),
    (None, {}, ""),
])
def test_the_site_is_the_address_the_browser_reached(url, headers, expected):
    assert screen_links.site_origin(url, headers) == expected


def test_the_tv_address_is_the_pairing_route_and_its_qr_code_a_png():
    address = screen_links.screen_address(SITE, "abc_DEF-123")
    assert address == f"{SITE}/tv/abc_DEF-123"
    assert screen_links.qr_png(address).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture
def site(monkeypatch):
    """The browser's address, which AppTest does not have."""
    monkeypatch.setattr(screen_links, "site_origin", lambda url, headers: SITE)


def links_of(engine) -> list[ScreenLink]:
    with Session(engine) as session:
        return list(session.exec(select(ScreenLink).order_by(ScreenLink.id)).all())


def expander_labels(at) -> list[str]:
    return [expander.label for expander in at.expander]


def test_a_leader_pairs_a_tv_and_sees_the_address_once_with_a_qr_code(app_db, site):
    at = app_as(app_db, "leder", PAGE)
    assert HEADING in expander_labels(at)
    leader = demo_actor(app_db, "leder")
    assert at.selectbox(key="screen_link_team").value == leader.team_id
    assert at.selectbox(key="screen_link_sprint").value is None  # the running sprint
    at.button(key="screen_link_create").click().run()
    assert not at.exception
    [code] = at.code
    address = code.value
    assert address.startswith(f"{SITE}/tv/")
    assert at.image, "no QR code"
    assert "Adressen vises kun nu" in page_text(at)
    # The address is a working pairing: the TV that opens it shows this team.
    token = address.rsplit("/", 1)[-1]
    assert sessions.open_screen_link(app_db, token)[1:] == (leader.team_id, None)
    [link] = links_of(app_db)
    assert link.token_hash != token and token not in repr(link)
    # Listed with who made it and that one TV uses it.
    row = next(m.value for m in at.markdown if "oprettet af" in m.value)
    assert leader.name in row and "1 tv" not in row  # drawn before the TV opened it
    at.run()
    row = next(m.value for m in at.markdown if "oprettet af" in m.value)
    assert "1 tv" in row and "sidst åbnet" in row
    # Hidden, the address is gone for good.
    at.button(key="screen_link_hide").click().run()
    assert not at.code and not at.image
    assert token not in page_text(at)


def test_a_leader_pins_a_sprint_of_the_chosen_team(app_db, site):
    leader = demo_actor(app_db, "leder")
    with Session(app_db) as session:
        sprint = session.exec(select(Sprint).where(Sprint.team_id == leader.team_id)).first()
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="screen_link_sprint").select(sprint.id).run()
    at.button(key="screen_link_create").click().run()
    assert not at.exception
    [link] = links_of(app_db)
    assert (link.team_id, link.sprint_id) == (leader.team_id, sprint.id)
    assert sessions.screen_links(app_db, leader)["sprint"].tolist() == [sprint.name]


def test_revoking_a_link_says_so_and_stops_its_tv(app_db, site):
    leader = demo_actor(app_db, "leder")
    link = sessions.create_screen_link(app_db, leader, team_id=leader.team_id)
    tv, _, _ = sessions.open_screen_link(app_db, link.token)
    at = app_as(app_db, "leder", PAGE)
    at.button(key=f"screen_link_revoke_{link.link_id}").click().run()
    assert not at.exception
    assert "er tilbagekaldt" in " ".join(s.value for s in at.success)
    assert "Ingen aktive skærmlinks." in page_text(at)
    assert sessions.resolve(app_db, tv) is None
    assert sessions.open_screen_link(app_db, link.token) is None


@pytest.mark.parametrize("username", ["konsulent", "skaerm"])
def test_nobody_but_leaders_and_admins_sees_the_section(app_db, username):
    at = app_as(app_db, username, None if username == "skaerm" else PAGE)
    assert HEADING not in expander_labels(at)
    assert not [b for b in at.button if b.key == "screen_link_create"]


def test_the_paired_tv_never_sees_the_section(app_db, monkeypatch):
    leader = demo_actor(app_db, "leder")
    link = sessions.create_screen_link(app_db, leader, team_id=leader.team_id)
    tv, _, _ = sessions.open_screen_link(app_db, link.token)
    monkeypatch.setattr(ui, "session_token", lambda: tv)
    at = app_as(app_db, None)
    assert not at.exception
    assert "Opdateret" in page_text(at)  # the meeting screen
    assert HEADING not in expander_labels(at)
