"""Områdeoverblik and Partnerskaber in the browser with the demo: the charts draw, choosing an area
changes the numbers, and the partnership shows its reach and costs; screenshots for a human eye."""

from __future__ import annotations

from playwright.sync_api import expect

from model import areas, partnerships
from model.db import make_engine
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
