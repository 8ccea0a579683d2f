"""Sign-ins that survive, in a real browser: a reload keeps the login, a logout in one tab ends the
other tab at its next click; a leader pairs a TV on the Mødeskærm, the TV shows the meeting screen
without typing, still after a server restart and its own reload, and stops at its next refresh
once the leader revokes the link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LOGIN_FORM, Server, open_page, screenshot, sign_in, wait_ready

UPDATED = re.compile(r"Opdateret \d\d:\d\d:\d\d")
LOGIN_TITLE = "Log ind på Jobtavlen"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own: the test restarts it."""
    srv = Server(tmp_path_factory.mktemp("sessions"))
    yield srv
    srv.stop()


@pytest.fixture
def tv(browser):
    """A second browser (its own cookies): the TV in the meeting room."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="da-DK")
    screen = context.new_page()
    screen.set_default_timeout(30_000)
    yield screen
    context.close()


def signed_in(page) -> None:
    """The app with its navigation, not the login route's form nor the app's login screen."""
    expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible()
    expect(page.locator(LOGIN_FORM)).to_have_count(0)


def shows_the_meeting_screen(screen) -> str:
    """The meeting screen (no navigation, no login); returns its "Opdateret" caption."""
    caption = screen.get_by_text(UPDATED)
    expect(caption).to_be_visible()
    expect(screen.locator(LOGIN_FORM)).to_have_count(0)
    expect(screen.get_by_text(LOGIN_TITLE)).to_have_count(0)
    expect(screen.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    return caption.inner_text()


def pairing(page):
    """The Skærmlink til tv section, opened."""
    section = page.locator('[data-testid="stExpander"]').filter(has_text="Skærmlink til tv")
    if not section.get_by_role("button", name="Opret skærmlink").is_visible():
        section.locator("summary").click()
    expect(section.get_by_role("button", name="Opret skærmlink")).to_be_visible()
    return section


def test_a_paired_tv_survives_a_restart_and_stops_when_revoked(server, page, tv):
    sign_in(page, server, "leder")
    page.reload()  # a reload is a new Streamlit session: the cookie signs it in again
    wait_ready(page)
    signed_in(page)

    open_page(page, "Mødeskærm")
    section = pairing(page)
    section.get_by_role("button", name="Opret skærmlink").click()
    wait_ready(page)
    address = section.locator('[data-testid="stCode"] code').inner_text().strip()
    assert re.fullmatch(rf"{re.escape(server.url)}/tv/[A-Za-z0-9_-]{{43,}}", address), address
    expect(section.locator('[data-testid="stImage"] img')).to_be_visible()  # the QR code
    section.scroll_into_view_if_needed()
    screenshot(page, "moedeskaerm-skaermlink")

    tv.goto(address)  # nothing typed on the TV
    wait_ready(tv)
    assert "team=" in tv.url  # the pin of the screen link
    before = shows_the_meeting_screen(tv)

    server.restart()
    # The TV reconnects by itself and draws the screen again, signed in by its cookie ...
    expect(tv.get_by_text(UPDATED)).not_to_have_text(before, timeout=45_000)
    wait_ready(tv)
    shows_the_meeting_screen(tv)
    tv.reload()  # ... and after its own reboot
    wait_ready(tv)
    shows_the_meeting_screen(tv)

    page.reload()
    wait_ready(page)
    signed_in(page)
    section = pairing(page)
    expect(section.locator('[data-testid="stCode"]')).to_have_count(0)  # shown once, not again
    section.get_by_role("button", name="Tilbagekald").click()
    wait_ready(page)
    expect(section.get_by_text("er tilbagekaldt")).to_be_visible()
    # The TV's next look (every second) finds the session ended: the board is gone.
    expect(tv.get_by_text(LOGIN_TITLE)).to_be_visible(timeout=15_000)
    expect(tv.get_by_text(UPDATED)).to_have_count(0)


def test_a_logout_in_one_tab_ends_the_other_at_its_next_click(server, page):
    sign_in(page, server, "konsulent")
    other = page.context.new_page()  # a second tab: the same browser, the same cookie
    other.goto(server.url)
    wait_ready(other)
    signed_in(other)

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Log ud").click()
    expect(page.get_by_text(LOGIN_TITLE)).to_be_visible()

    other.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Borgere",
                                                              exact=True).click()
    expect(other.get_by_text(LOGIN_TITLE)).to_be_visible()
    expect(other.locator('[data-testid="stDataFrame"]')).to_have_count(0)
