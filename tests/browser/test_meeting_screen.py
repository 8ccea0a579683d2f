"""The meeting screen on the TV: the only page of the screen role, initials only, follows changes
by itself."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from model import i18n, sprints
from tests import demo_week
from tests.browser.conftest import Server, on_a_week_day, screenshot, sign_in, submit_login, wait_ready
from tests.conftest import demo_actor

UPDATED = re.compile(r"Opdateret (\d\d:\d\d:\d\d) · følger ændringer løbende")
INITIALS = re.compile(r"\b[A-ZÆØÅ]\.[A-ZÆØÅ]\.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server on a day of the demo's running week."""
    with on_a_week_day():
        srv = Server(tmp_path_factory.mktemp("screen"))
        yield srv
        srv.stop()


def updated_time(page) -> str:
    caption = page.get_by_text(UPDATED)
    expect(caption).to_be_visible()
    match = UPDATED.search(caption.inner_text())
    assert match, caption.inner_text()
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
    page.wait_for_timeout(3_000)  # nothing changed: the screen stays as drawn
    assert updated_time(page) == first
    # A colleague secures a card: no interaction at all, the screen shows it within 3 seconds.
    page.wait_for_timeout(1_000)  # a new second on the caption's clock
    with demo_week.engine_of(server.database_url) as engine:
        card = demo_week.dialogue_card(engine)
        secured = demo_week.stage_counts(engine)["secured"]
        sprints.move_card(engine, demo_actor(engine, "leder"), int(card.card_id), "secured",
                          expected_version=int(card.version))
    expect(metric).to_contain_text(f"{secured + 1} / 16", timeout=3_000)
    assert updated_time(page) != first

    body = page.inner_text("body")
    names = server.citizen_names()
    assert len(names) >= 24
    shown = [name for name in names if name in body]
    assert not shown, f"citizens' full names on the shared screen: {shown}"
    initials = INITIALS.findall(body)
    assert len(initials) >= 24, body

    screenshot(page, "moedeskaerm")


def test_a_tv_bookmark_pins_team_and_sprint_through_login_and_refreshes(server, page):
    """The TV opens its bookmark (`?team=..&sprint=..`), signs in as the screen account, and
    keeps showing the pinned sprint; a programme item added for today appears by itself."""
    from datetime import timedelta

    import pandas as pd
    from sqlmodel import Session

    from model import clock, sprints
    from model.db import make_engine
    from model.tables import Team
    from tests.conftest import make_actor

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(server.url)
    wait_ready(page)
    password = server.passwords()["skaerm"]  # the first page load filled the demo
    engine = make_engine(server.database_url)
    try:
        leader = make_actor(engine, "leader", name="Leder Hvidovre")
        with Session(engine) as session:
            team = session.get(Team, leader.team_id)
            team.name = "Hvidovre"
            session.commit()
        today = clock.today()
        # Pinned by id, so the sprint is shown whatever its dates; this one holds today.
        sprint_id = sprints.create_sprint(engine, leader, name="Intensiv uge – Hvidovre",
                                          start=today - timedelta(days=2),
                                          end=today + timedelta(days=2), goal=4,
                                          team_id=leader.team_id)
        consultant = make_actor(engine, "consultant", team_id=leader.team_id,
                                name="Sofie Kjær")
        citizens = [("Ahmad", "Rahimi", "secured"), ("Birgitte", "Holm", "dialogue"),
                    ("Carsten", "Lund", "dialogue"), ("Dorthe", "Ibsen", "clarified"),
                    ("Emil", "Frost", "selected"), ("Fatima", "Aziz", "selected")]
        for first, last, stage in citizens:
            card = sprints.add_new_citizen_card(engine, leader, sprint_id,
                                                consultant_id=consultant.staff_id,
                                                first_name=first, last_name=last, birth_year=1988)
            if stage != "selected":
                sprints.move_card(engine, leader, card, stage, expected_version=1)
        address = f"{server.url}/moedeskaerm?team={leader.team_id}&sprint={sprint_id}"
        page.goto(address)
        wait_ready(page)
        submit_login(page, "skaerm", password)

        expect(page.get_by_role("heading", name="Intensiv uge – Hvidovre")).to_be_visible()
        expect(page.locator('[data-testid="stMetric"]')).to_contain_text("1 / 4")
        expect(page.locator(".st-key-stage_dialogue")).to_contain_text("B.H. (CO) · C.L. (CO)")
        body = page.inner_text("body")
        assert not [last for _, last, _ in citizens if last in body], "initials only"
        expect(page.get_by_text("Intet program for ugen endnu.")).to_be_visible()
        # The screen's only page is served at the root after sign-in; the pins stay.
        pins = {"team": [str(leader.team_id)], "sprint": [str(sprint_id)]}
        assert parse_qs(urlsplit(page.url).query) == pins, page.url

        # A colleague adds today's item on the board; the screen shows it by itself.
        first = updated_time(page)
        sprints.save_agenda(engine, leader, sprint_id, pd.DataFrame([
            {"day": today, "part": "eftermiddag", "title": "Fællesmøde **kl. 13** i kantinen",
             "note": ""},
            {"day": today + timedelta(days=1), "part": "formiddag", "title": "Opsøgende arbejde",
             "note": ""},
        ]))
        today_box = page.locator(".st-key-screen_today")
        expect(today_box).to_contain_text("eftermiddag: Fællesmøde **kl. 13** i kantinen",
                                          timeout=15_000)
        expect(today_box).to_contain_text(f"I dag · {i18n.weekday(today)} {i18n.format_date(today)}")
        assert updated_time(page) != first
        expect(page.get_by_text("Opsøgende arbejde")).to_be_visible()
        expect(page.get_by_role("heading", name="Intensiv uge – Hvidovre")).to_be_visible()
        assert parse_qs(urlsplit(page.url).query) == pins, "the refresh kept the address"
        screenshot(page, "moedeskaerm_pinned")
    finally:
        engine.dispose()
