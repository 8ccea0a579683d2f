"""Company matching in the browser: a consultant opens a sprint card's suggestions and logs a
contact with the top company about that citizen in one click."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.browser.conftest import open_page, screenshot, sign_in, wait_ready

LOGGED = re.compile(r"Kontakt logget: (.+) om (.+) \(telefon, \d\d-\d\d-\d{4}\)")


def contacts_logged(database_url: str, company: str, citizen: str) -> list[tuple]:
    """The contacts with the named company about the named citizen, straight from the database."""
    from model.db import make_engine
    from model.tables import Citizen, Company, Contact

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(
                select(Contact.channel, Contact.staff_id)
                .join(Company, Company.id == Contact.company_id)
                .join(Citizen, Citizen.id == Contact.citizen_id)
                .where(Company.name == company,
                       Citizen.first_name + " " + Citizen.last_name == citizen)).all()
    finally:
        engine.dispose()


def test_a_cards_suggestions_log_a_contact_with_the_top_company(server, page):
    page.set_viewport_size({"width": 1600, "height": 1900})
    sign_in(page, server, "konsulent")
    open_page(page, "Sprinttavle")

    page.get_by_role("button", name="Virksomheder der passer").first.click()
    wait_ready(page)
    panel = page.locator('[data-testid="stPopoverBody"]')
    top = panel.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=re.compile(r"^1\. ")).first
    expect(top).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^\d+ point$")).first).to_be_visible()
    expect(panel.get_by_text(re.compile(r"Branchen matcher ønsket|Kvalifikation der bruges"))
           .first).to_be_visible()
    company = re.match(r"1\. (.+?) · ", top.inner_text()).group(1)
    button = panel.get_by_role("button", name=re.compile(r"^Log kontakt om ")).first
    citizen = button.inner_text().split("Log kontakt om ", 1)[1].strip()
    before = contacts_logged(server.database_url, company, citizen)
    screenshot(page, "matching-forslag")

    button.click()
    wait_ready(page)
    confirmation = panel.locator('[data-testid="stAlertContentSuccess"]')
    expect(confirmation).to_contain_text(f"Kontakt logget: {company} om {citizen}")
    assert LOGGED.search(confirmation.inner_text())
    screenshot(page, "matching-kontakt-logget")

    after = contacts_logged(server.database_url, company, citizen)
    assert len(after) == len(before) + 1
    assert after[-1][0] == "phone"
