"""A deep link as a fresh server's very first page request: login first, then the normal app."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import demo_week
from tests.browser.conftest import Server, on_a_week_day, submit_login, wait_ready

# A leader's navigation, in the order of app.py's sections.
PAGE_NAMES = ["Overblik", "Sprinttavle", "Mødeskærm", "Hurtig registrering", "Borgere",
              "Virksomheder", "Forløb", "Mål", "Resultater", "Områdeoverblik", "Partnerskaber",
              "Data", "Brugere og log", "Persondata", "Min konto"]
LEGACY_NAMES = ["app", "overblik", "sprinttavle", "moedeskaerm", "hurtig_registrering", "borgere",
                "virksomheder", "forloeb", "maal", "resultater", "omraadeoverblik", "partnerskaber",
                "data", "administration", "persondata", "konto", "ui"]


@pytest.fixture
def fresh_server(tmp_path):
    """A server process of this test alone, on a day of the demo's running week: nothing but its
    health poll has reached it."""
    with on_a_week_day():
        srv = Server(tmp_path)
        yield srv
        srv.stop()


def test_deep_link_as_first_request_shows_login_then_normal_navigation(fresh_server, page):
    page.goto(f"{fresh_server.url}/sprinttavle")
    wait_ready(page)

    expect(page.get_by_text("Log ind på Jobtavlen")).to_be_visible()
    passwords = fresh_server.passwords()  # this very request filled the demo
    with demo_week.engine_of(fresh_server.database_url) as engine:
        week, secured = demo_week.current_week(engine), demo_week.stage_counts(engine)["secured"]
    body = page.inner_text("body")
    assert f"{secured} / 16" not in body
    assert "Uge 39" not in body
    shown = [name for name in fresh_server.citizen_names() if name in body]
    assert not shown, f"citizens' names before login: {shown}"
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)
    expect(page.get_by_role("combobox", name="Flyt til")).to_have_count(0)
    # Not even the page list: no legacy pages/ navigation (app, overblik, sprinttavle, ...).
    expect(page.locator('[data-testid="stSidebarNav"]').get_by_role("link")).to_have_count(0)
    assert page.title() == "Jobtavlen", page.title()

    submit_login(page, "leder", passwords["leder"])

    expect(page.get_by_role("heading", name="Sprinttavle", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Sikrede forløb")) \
        .to_contain_text(f"{secured} / 16")
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    expect(links).to_have_count(len(PAGE_NAMES))
    for name in PAGE_NAMES:
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(1)
    # The links carry the Danish titles, never the legacy file names (app, overblik, ...).
    labels = [text.split("\n")[-1].strip() for text in links.all_inner_texts()]
    assert not set(labels) & set(LEGACY_NAMES), labels
    expect(page.get_by_text("Logget ind som Maja Rosendahl (leder)")).to_be_visible()

    # The navigation works from here: the overview opens, and back to the board.
    nav.get_by_role("link", name="Overblik", exact=True).click()
    wait_ready(page)
    expect(page.get_by_role("heading", name=week.name, exact=False)).to_be_visible()
    nav.get_by_role("link", name="Sprinttavle").click()
    wait_ready(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Sikrede forløb")) \
        .to_contain_text(f"{secured} / 16")

