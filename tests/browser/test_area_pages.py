"""Områdeoverblik and Partnerskaber in the browser with the demo: the charts draw, choosing an area
changes the numbers, a long priority list comes a page at a time, and the partnership shows its
reach and costs; screenshots for a human eye."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import Session

from model import areas, clock, partnerships
from model.db import make_engine
from model.tables import Citizen
from tests.browser.conftest import open_page, screenshot, sign_in, wait_ready
from tests.conftest import demo_actor


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).first


def test_the_area_overview_draws_its_charts_and_follows_the_chosen_area(server, page):
    page.set_viewport_size({"width": 1600, "height": 3400})
    sign_in(page, server, "leder")
    open_page(page, "Områdeoverblik")
    for heading in ("Borgere efter ydelse og matchgruppe", "Ledighed i området",
                    "Kvalifikationer og ønsker", "Dagpengeretten ophører snart",
                    "Behov for efteruddannelse"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(5, timeout=20_000)  # 5 charts
    engine = make_engine(server.database_url)
    try:
        leader = demo_actor(engine, "leder")
        everyone = int(areas.benefit_profile(engine, leader)["citizens"].sum())
        choices = areas.area_choices(engine, leader)
        skov = int(choices.loc[choices["name"] == "Skovparken", "id"].iloc[0])
        in_skov = int(areas.benefit_profile(engine, leader, housing_area_id=skov)["citizens"].sum())
    finally:
        engine.dispose()
    expect(metric(page, "Borgere")).to_contain_text(str(everyone))
    screenshot(page, "omraadeoverblik-alle")

    page.get_by_role("combobox", name="Boligområde").first.click()
    page.get_by_role("option", name="Skovparken", exact=True).click()
    wait_ready(page)
    expect(metric(page, "Borgere")).to_contain_text(str(in_skov))
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    screenshot(page, "omraadeoverblik-skovparken")


def test_the_partnership_shows_reach_partners_and_cost_per_payer(server, page):
    page.set_viewport_size({"width": 1600, "height": 2000})
    sign_in(page, server, "leder")
    open_page(page, "Partnerskaber")
    engine = make_engine(server.database_url)
    try:
        leader = demo_actor(engine, "leder")
        listed = partnerships.list_partnerships(engine, leader)
        strand = int(listed.loc[listed["name"] == "Lommepengejob i Brøndby Strand", "id"].iloc[0])
        reached = partnerships.reach(engine, leader, strand)
    finally:
        engine.dispose()
    combobox = page.get_by_role("combobox", name="Partnerskab")
    if combobox.input_value() != "Lommepengejob i Brøndby Strand":
        combobox.click()
        page.get_by_role("option", name="Lommepengejob i Brøndby Strand").click()
        wait_ready(page)
    expect(metric(page, "Nået")).to_contain_text(f"{reached['reached']} af 40")
    expect(page.locator('[data-testid="stProgress"]')).to_be_visible()
    expect(page.get_by_role("heading", name="Partnere, og hvem der betaler for hvad")).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1, timeout=20_000)
    expect(page.get_by_role("button", name="Hent som Excel")).to_have_count(2)
    screenshot(page, "partnerskaber")


def test_a_long_priority_list_shows_a_hundred_and_pages_on(server, page):
    page.set_viewport_size({"width": 1600, "height": 3400})
    sign_in(page, server, "leder")  # the first start fills the demo
    engine = make_engine(server.database_url)
    try:
        today = clock.today()
        skov = int(areas.area_choices(engine, demo_actor(engine, "leder"))
                   .query("name == 'Skovparken'")["id"].iloc[0])
        with Session(engine) as session:
            session.add_all(Citizen(first_name="Ny", last_name=f"Borger {i:03}", birth_year=1980,
                                    benefit_type="dagpenge", housing_area_id=skov,
                                    dagpenge_end_date=today + timedelta(days=1 + i % 90))
                            for i in range(150))
            session.commit()
        whole = areas.dagpenge_priority(engine, demo_actor(engine, "leder"), today=today, weeks=26)
    finally:
        engine.dispose()
    open_page(page, "Områdeoverblik")
    expect(page.get_by_text(f"{whole.total} borgere mister retten til dagpenge")).to_be_visible()
    expect(page.get_by_text(f"Viser 1–100 af {whole.total}")).to_be_visible()
    pager = page.get_by_label("Side (af 2)")
    pager.scroll_into_view_if_needed()
    screenshot(page, "omraadeoverblik-prioritet-side-1")
    pager.fill("2")
    pager.press("Enter")
    wait_ready(page)
    expect(page.get_by_text(f"Viser 101–{whole.total} af {whole.total}")).to_be_visible()
    page.get_by_role("heading", name="Dagpengeretten ophører snart").scroll_into_view_if_needed()
    screenshot(page, "omraadeoverblik-prioritet-side-2")
