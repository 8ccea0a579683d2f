"""Mål in the browser: a leader creates a goal and sees it listed with its status and history."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import open_page, screenshot, sign_in, wait_ready

NAME = "Startede forløb i kvartalet – test"


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by its label."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page)


def test_a_leader_creates_a_goal_and_sees_its_status(server, page):
    page.set_viewport_size({"width": 1600, "height": 1500})
    sign_in(page, server, "leder")
    open_page(page, "Mål")
    page.get_by_role("tab", name="Nyt mål").click()
    wait_ready(page)

    page.get_by_label("Navn").fill(NAME)
    choose(page, "Måltal", "Startede forløb")
    target = page.get_by_label("Mål (antal)")
    target.fill("40")
    target.press("Enter")
    wait_ready(page)
    screenshot(page, "maal-nyt")
    page.get_by_role("button", name="Opret mål").click()
    wait_ready(page)

    expect(page.get_by_text(f"Målet »{NAME}« er oprettet.")).to_be_visible()
    expect(page.get_by_role("tab", name="Målene")).to_have_attribute("aria-selected", "true")
    # The goal is picked: its name, status badge, figures and history chart.
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    badge = page.locator('[data-testid="stMarkdownContainer"] span').filter(
        has_text=re.compile(r"(Nået|På vej|I fare|Ikke nået)$"))
    expect(badge.first).to_be_visible()
    target = page.locator('[data-testid="stMetric"]').filter(has_text=re.compile(r"^Mål"))
    expect(target).to_contain_text("40")
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    screenshot(page, "maal-liste")
    page.locator(".js-plotly-plot").scroll_into_view_if_needed()
    screenshot(page, "maal-detalje")

    # "Overblik" is also part of "Områdeoverblik": match the whole name.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overblik", exact=True).click()
    wait_ready(page)
    expect(page.get_by_text(NAME)).to_be_visible()
    screenshot(page, "overblik-leder")
