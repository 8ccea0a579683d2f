"""A citizen's profile with image and link syntax typed into names: the browser shows the text as
written and fetches nothing from the address in it."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import update
from sqlmodel import Session, select

from model.db import make_engine
from model.tables import Citizen, Company, Placement
from tests.browser.conftest import screenshot, submit_login, wait_ready

IMAGE = "![px](http://evil.example/p.png)"
LINK = "[lnk](http://evil.example/l)"


def as_shown(text: str) -> str:
    """The text as the page holds it: an invisible word joiner keeps an address from linking."""
    return text.replace("http:", "http:\u2060")


def test_a_profile_shows_typed_markup_as_text_and_fetches_nothing(server, page):
    page.goto(server.url)
    wait_ready(page)
    passwords = server.passwords()  # the first page load filled the demo
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            citizen_id, company_id = session.exec(
                select(Placement.citizen_id, Placement.company_id).order_by(Placement.id)).first()
            session.execute(update(Citizen).where(Citizen.id == citizen_id)
                            .values(first_name=Citizen.first_name + f" {IMAGE}"))
            session.execute(update(Company).where(Company.id == company_id)
                            .values(name=Company.name + f" {LINK} **fed**"))
            session.commit()
    finally:
        engine.dispose()
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if "evil.example" in request.url else None)

    # The profile by its link, after signing in.
    page.goto(f"{server.url}/borgere?borger={citizen_id}")
    wait_ready(page)
    submit_login(page, "leder", passwords["leder"])
    heading = page.get_by_role("heading", level=2).filter(has_text="evil.example")
    expect(heading).to_contain_text(as_shown(IMAGE))
    expect(page.get_by_text(as_shown(f"{LINK} **fed**")).first).to_be_visible()
    page.wait_for_timeout(500)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('img[src*="evil.example"]').count() == 0
    assert main.locator('a[href*="evil.example"]').count() == 0
    assert main.locator("strong", has_text="fed").count() == 0
    assert outside == [], f"the page fetched {outside}"
    screenshot(page, "borger-tekst-som-tekst")
