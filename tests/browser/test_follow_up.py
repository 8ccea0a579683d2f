"""The hand-held follow-up in the browser: today's follow-up is ticked off in one action, and a
card secured on the board gets its placement in the same place."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import Session, select

from model import auth, clock, people, placements, workdays
from model.db import make_engine
from model.tables import AppUser, Company, FollowUp, SprintCard
from tests import demo_week
from tests.browser.conftest import (
    open_page,
    screenshot,
    sign_in,
    submit_login,
    wait_ready,
)

CITIZEN = ("Yasmin", "Nygaard")  # not a demo name, so the row is this test's own


def start_with_one_follow_up_due(database_url: str) -> int:
    """A placement of a new citizen for the demo consultant that started the day before the last
    working day, so its first follow-up is due: today on a working day."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            user_id = session.exec(select(AppUser.id).where(AppUser.username == "konsulent")).one()
            company_id = session.exec(
                select(Company.id).where(Company.name == "Strandens Bageri ApS")).one()
        konsulent = auth.actor_for_user(engine, user_id)
        with Session(engine) as session:
            citizen = people.create_citizen_in(session, konsulent, first_name=CITIZEN[0],
                                               last_name=CITIZEN[1], birth_year=1991)
            session.commit()
            citizen_id = citizen.id
        return placements.start_placement(
            engine, konsulent, citizen_id=citizen_id, company_id=company_id,
            kind="virksomhedspraktik", start_date=due_day() - timedelta(days=1),
            hours_per_week=15)
    finally:
        engine.dispose()


def due_day():
    """The day the first follow-up falls due: the last working day up to today."""
    return workdays.previous_working_day(clock.today())


def follow_ups(database_url: str, placement_id: int) -> list[FollowUp]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(FollowUp).where(FollowUp.placement_id == placement_id)
                                .order_by(FollowUp.due_date)).all()
    finally:
        engine.dispose()


def test_a_follow_up_due_today_leaves_the_list_when_marked_done(server, page):
    page.set_viewport_size({"width": 1600, "height": 1400})
    page.goto(server.url)
    wait_ready(page)
    page.get_by_text("Log ind på Jobtavlen").wait_for()  # the first load has filled the demo
    placement_id = start_with_one_follow_up_due(server.database_url)
    submit_login(page, "konsulent", server.passwords()["konsulent"])

    open_page(page, "Forløb")
    expect(page.get_by_role("tab", name="Opfølgning i dag")).to_have_attribute(
        "aria-selected", "true")
    row = page.locator('[data-testid="stForm"]').filter(has_text=" ".join(CITIZEN))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Strandens Bageri ApS")
    expect(row).to_contain_text("I dag" if due_day() == clock.today() else "Forsinket")
    screenshot(page, "forloeb-opfoelgning")

    row.get_by_placeholder("Kort note").fill("God start, kender pauserne")
    row.get_by_role("button", name="Udført").click()
    wait_ready(page)

    expect(page.get_by_text(f"Opfølgningen med {' '.join(CITIZEN)} er registreret.")).to_be_visible()
    expect(row).to_have_count(0)
    done = [f for f in follow_ups(server.database_url, placement_id) if f.done_at is not None]
    assert [(f.due_date, f.note) for f in done] == [(due_day(), "God start, kender pauserne")]

    # The placement's plan shows the tick and what comes next.
    page.get_by_role("tab", name="Forløb", exact=True).click()
    wait_ready(page)
    page.get_by_role("combobox", name="Vælg et forløb").click()
    page.keyboard.type(" ".join(CITIZEN))  # a long list (the week's planned placements first)
    page.get_by_role("option", name=" ".join(CITIZEN)).first.click()
    wait_ready(page)
    expect(page.get_by_role("heading", name=f"{' '.join(CITIZEN)} · Strandens Bageri ApS")).to_be_visible()
    screenshot(page, "forloeb-plan")

    # A new placement: the searches answer while the person types.
    page.get_by_role("tab", name="Opret forløb").click()
    wait_ready(page)
    page.get_by_label("Søg borger").press_sequentially("Nygaa", delay=30)
    expect(page.get_by_role("combobox", name="Borger")).to_have_value("Yasmin Nygaard (1991)")
    page.get_by_label("Søg virksomhed").press_sequentially("bager", delay=30)
    expect(page.get_by_role("combobox", name="Virksomhed")).to_have_value(
        re.compile(r"^Strandens Bageri ApS"))
    wait_ready(page)
    screenshot(page, "forloeb-opret")


def test_securing_a_card_offers_the_placement_in_the_same_place(server, page):
    page.set_viewport_size({"width": 1600, "height": 1400})
    sign_in(page, server, "konsulent")
    with demo_week.engine_of(server.database_url) as engine:
        demo_week.dialogue_card(engine)  # one in dialogue, also before the week's outreach
        week_id, secured = demo_week.current_week(engine).id, demo_week.stage_counts(engine)["secured"]
    open_page(page, "Sprinttavle")
    boxes = page.get_by_role("combobox", name="Flyt til")
    in_dialogue = [boxes.nth(i) for i in range(boxes.count())
                   if boxes.nth(i).input_value() == "I dialog med virksomhed"]
    in_dialogue[0].click()
    page.get_by_role("option", name="Forløb sikret", exact=True).click()
    wait_ready(page)

    offer = page.locator('[data-testid="stForm"]').filter(has_text="opret forløbet nu")
    expect(offer).to_be_visible()
    expect(offer.get_by_role("button", name="Ikke nu")).to_be_visible()
    screenshot(page, "sprinttavle-tilbud-om-forloeb")
    offer.get_by_role("button", name="Opret forløb").click()
    wait_ready(page)

    expect(page.get_by_text("er oprettet og knyttet til kortet.")).to_be_visible()
    expect(offer).to_have_count(0)
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            linked = session.exec(select(SprintCard).where(SprintCard.sprint_id == week_id,
                                                           SprintCard.placement_id.is_not(None))
                                  ).all()
    finally:
        engine.dispose()
    assert len(linked) == secured + 1
