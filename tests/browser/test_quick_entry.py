"""Hurtig registrering in the browser: a new internship in at most 8 user actions."""


import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from model import clock
from model.db import make_engine
from model.tables import Citizen, Company, FollowUp, Placement, SprintCard
from tests.browser.conftest import Server, screenshot, sign_in, wait_ready

MAX_ACTIONS = 8


class CountedUser:
    """Drives the page and counts what a person does: each click, typed field or key press."""

    def __init__(self, page) -> None:
        self.page = page
        self.actions: list[str] = []

    def click(self, locator, what: str) -> None:
        locator.click()
        self.actions.append(f"click {what}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)
        self.actions.append(f"type {text!r}")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions.append(f"press {key}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("quick"))
    yield srv
    srv.stop()


def test_a_new_internship_takes_at_most_8_actions(server, page):
    sign_in(page, server, "konsulent")
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        card = session.exec(select(SprintCard).where(SprintCard.stage == "dialogue")
                            .order_by(SprintCard.id)).first()
        citizen = session.get(Citizen, card.citizen_id)
        company = session.exec(select(Company).where(Company.name == "Strandens Bageri ApS")).one()

    user = CountedUser(page)
    user.click(page.get_by_role("link", name="Hurtig registrering"), "the page in the sidebar")
    wait_ready(page)
    form = page.locator('[data-testid="stForm"]').filter(has_text="Start forløb").first
    # The citizen is picked above the form: the form then proposes their consultant and card.
    user.click(page.get_by_role("combobox", name="Borger", exact=True), "the citizen field")
    user.type(f"{citizen.first_name} {citizen.last_name}")
    user.press("Enter")
    wait_ready(page)
    user.click(form.locator('[data-testid="stSelectbox"]').nth(0), "the company field")
    user.type("Strandens")
    user.press("Enter")
    user.click(form.get_by_role("button", name="Start forløb"), "Start forløb")
    wait_ready(page)

    expect(page.get_by_text("Forløb startet")).to_be_visible()
    expect(page.get_by_role("combobox", name="Borger", exact=True)).to_have_value("")
    screenshot(page, "hurtig-registrering")
    assert len(user.actions) <= MAX_ACTIONS, user.actions
    with Session(engine) as session:
        placement = session.exec(select(Placement).where(
            Placement.citizen_id == citizen.id)).one()
        plan = session.exec(select(FollowUp).where(FollowUp.placement_id == placement.id)).all()
    assert (placement.company_id, placement.kind, placement.start_date) == (
        company.id, "virksomhedspraktik", clock.today())
    assert plan, "starting the placement made its follow-up plan"
    print(f"\nActions for a new internship ({len(user.actions)}): " + "; ".join(user.actions))
