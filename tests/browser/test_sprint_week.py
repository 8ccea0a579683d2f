"""The sprint week on the board: a consultant moves a card, a leader creates a sprint."""

from __future__ import annotations

from playwright.sync_api import expect

from model import clock
from tests import demo_week
from tests.browser.conftest import copy_to_docs, open_page, screenshot, sign_in, wait_ready

SECURED = "Forløb sikret"
DIALOGUE = "I dialog med virksomhed"


def goal_metric(page):
    return page.locator('[data-testid="stMetric"]').filter(has_text="Sikrede forløb")


def column_header(page, stage: str, count: int):
    return page.get_by_role("heading", name=f"{stage} · {count}", exact=True)


def cards_in(page, stage: str) -> list:
    """The "Flyt til" comboboxes of the cards whose current stage is `stage`."""
    boxes = page.get_by_role("combobox", name="Flyt til")
    return [boxes.nth(i) for i in range(boxes.count()) if boxes.nth(i).input_value() == stage]


def test_fresh_server_fills_demo_and_consultant_moves_a_card(server, page):
    page.set_viewport_size({"width": 1600, "height": 2400})
    sign_in(page, server, "konsulent")
    assert set(server.passwords()) == {"admin", "leder", "konsulent", "konsulent-fredericia",
                                       "sagsbehandler", "mentor", "skaerm"}
    with demo_week.engine_of(server.database_url) as engine:
        demo_week.dialogue_card(engine)  # one in dialogue, also before the week's outreach
        counts = demo_week.stage_counts(engine)
    secured, dialogue = counts["secured"], counts["dialogue"]

    open_page(page, "Sprinttavle")
    expect(goal_metric(page)).to_contain_text(f"{secured} / 16")
    expect(column_header(page, SECURED, secured)).to_be_visible()
    expect(column_header(page, DIALOGUE, dialogue)).to_be_visible()
    expect(column_header(page, "Ikke denne gang", counts["parked"])).to_be_visible()

    assert len(cards_in(page, SECURED)) == secured
    in_dialogue = cards_in(page, DIALOGUE)
    assert len(in_dialogue) == dialogue
    in_dialogue[0].click()
    page.get_by_role("option", name=SECURED, exact=True).click()
    wait_ready(page)

    expect(goal_metric(page)).to_contain_text(f"{secured + 1} / 16")
    expect(column_header(page, SECURED, secured + 1)).to_be_visible()
    expect(column_header(page, DIALOGUE, dialogue - 1)).to_be_visible()
    expect(page.get_by_text("er flyttet til «Forløb sikret».")).to_be_visible()
    assert len(cards_in(page, SECURED)) == secured + 1
    assert len(cards_in(page, DIALOGUE)) == dialogue - 1

    path = screenshot(page, "sprinttavle")
    copy_to_docs(path, "sprinttavle.png")


def test_leader_creates_a_sprint(server, page):
    page.set_viewport_size({"width": 1600, "height": 2000})
    sign_in(page, server, "leder")
    open_page(page, "Sprinttavle")
    expect(goal_metric(page)).to_be_visible()

    new_sprint = page.locator('[data-testid="stExpander"]').filter(has_text="Opret sprint")
    new_sprint.get_by_text("Opret sprint").click()
    new_sprint.get_by_label("Navn").fill("Uge 44 – test")
    goal = new_sprint.get_by_label("Mål (antal sikrede forløb)")
    goal.fill("7")
    goal.press("Tab")
    new_sprint.get_by_role("button", name="Gem").click()
    wait_ready(page)

    expect(page.get_by_text("Sprinten er oprettet.")).to_be_visible()
    # The form proposes this week's Monday to Friday (next week's on a weekend: planned).
    status = "I gang" if clock.today().weekday() < 5 else "Planlagt"
    expect(page.get_by_role("combobox", name="Sprint", exact=True)).to_have_value(
        f"Uge 44 – test ({status})")
    expect(page.get_by_role("heading", name="Uge 44 – test")).to_be_visible()
    expect(goal_metric(page)).to_contain_text("0 / 7")
    expect(page.get_by_role("combobox", name="Flyt til")).to_have_count(0)
    expect(page.get_by_text("Ingen kort")).to_have_count(5)
    screenshot(page, "sprinttavle-ny-sprint")
