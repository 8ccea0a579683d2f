"""The meeting screen on the TV: the only page of the screen role, initials only, refreshes itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import demo_week
from tests.browser.conftest import Server, screenshot, sign_in

REFRESH = 2
UPDATED = re.compile(r"Opdateret (\d\d:\d\d:\d\d) · opdateres hvert (\d+)\. sekund")
INITIALS = re.compile(r"\b[A-ZÆØÅ]\.[A-ZÆØÅ]\.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server whose meeting screen refreshes every 2 seconds instead of 30."""
    srv = Server(tmp_path_factory.mktemp("screen"),
                 env={"JOBTAVLEN_SCREEN_REFRESH": str(REFRESH)})
    yield srv
    srv.stop()


def updated_time(page) -> str:
    caption = page.get_by_text(UPDATED)
    expect(caption).to_be_visible()
    match = UPDATED.search(caption.inner_text())
    assert match and match.group(2) == str(REFRESH), caption.inner_text()
    return match.group(1)


def test_screen_role_sees_only_the_meeting_screen_and_it_refreshes(server, page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, server, "skaerm")
    with demo_week.engine_of(server.database_url) as engine:
        week, secured = demo_week.current_week(engine), demo_week.stage_counts(engine)["secured"]

    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Sikrede forløb")
    expect(metric).to_contain_text(f"{secured} / 16")
    expect(page.get_by_role("heading", name=week.name)).to_be_visible()
    # The only page: no navigation, no link to the board or the overview.
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    expect(page.get_by_role("link", name="Sprinttavle")).to_have_count(0)
    expect(page.get_by_role("link", name="Overblik")).to_have_count(0)

    first = updated_time(page)
    page.wait_for_timeout(5_000)  # no interaction at all: the fragment reruns by itself
    second = updated_time(page)
    assert second != first, f"the meeting screen did not refresh itself ({first} -> {second})"
    expect(metric).to_contain_text(f"{secured} / 16")

    body = page.inner_text("body")
    names = server.citizen_names()
    assert len(names) >= 24
    shown = [name for name in names if name in body]
    assert not shown, f"citizens' full names on the shared screen: {shown}"
    initials = INITIALS.findall(body)
    assert len(initials) >= 24, body

    screenshot(page, "moedeskaerm")
