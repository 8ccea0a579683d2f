"""The meeting screen's own look for changes checks the account: deactivated while the TV shows
the screen, it stops at the next look with nobody touching it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from model import admin
from model.db import make_engine
from tests.browser.conftest import Server, on_a_week_day, sign_in, wait_ready
from tests.conftest import demo_actor

LOOK_SECONDS = 1
INITIALS = re.compile(r"\b[A-ZÆØÅ]\.[A-ZÆØÅ]\.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server on a day of the demo's week."""
    with on_a_week_day():
        srv = Server(tmp_path_factory.mktemp("screen_guard"))
        yield srv
        srv.stop()


def test_a_deactivated_screen_account_stops_at_the_next_refresh(server, page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, server, "skaerm")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Sikrede forløb")
    expect(metric).to_be_visible()
    assert INITIALS.findall(page.inner_text("body"))

    engine = make_engine(server.database_url)
    try:
        admin.set_active(engine, demo_actor(engine, "admin"),
                         demo_actor(engine, "skaerm").user_id, active=False)
    finally:
        engine.dispose()

    # No click, no reload: the look for changes alone brings the login.
    expect(page.get_by_text("Log ind på Jobtavlen")).to_be_visible(timeout=10 * LOOK_SECONDS * 1000)
    expect(metric).to_have_count(0)
    wait_ready(page)  # the run that shows the login has also cleared the screen below it
    body = page.inner_text("body")
    assert not INITIALS.findall(body), body
    assert "Seneste sikrede forløb" not in body
    assert not [name for name in server.citizen_names() if name in body]
