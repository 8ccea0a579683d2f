"""Two consultants on the same Sprinttavle: a move on one shows on the other within three seconds,
nobody clicking there; a form being filled in holds it; a move can be undone for ten seconds."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests import demo_week
from tests.browser.conftest import Server, on_a_week_day, open_page, screenshot, wait_ready

pytestmark = pytest.mark.calendar

SECURED, DIALOGUE, PARKED = "Forløb sikret", "I dialog med virksomhed", "Ikke denne gang"
HOLD = "Tavlen er ændret af en kollega"
# Seconds to wait for a colleague's move without a click. The 3 s promise is a speed target for
# the benchmark, not for a test on a machine busy with the rest of the suite.
WITHIN = 15.0
STALE = "En anden har flyttet kortet"  # a spurious second report of a move would show this


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own, on a day of the demo's running week."""
    with on_a_week_day():
        srv = Server(tmp_path_factory.mktemp("live_board"))
        yield srv
        srv.stop()


@pytest.fixture
def colleague(browser):
    """A second browser (its own cookies and session): the colleague at another desk."""
    context = browser.new_context(viewport={"width": 1600, "height": 2400}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in_to_board(page, server: Server, username: str) -> None:
    """Sign in (the login form the app sends a page load to) and open the Sprinttavle."""
    page.goto(server.url)
    page.get_by_text("Log ind på Jobtavlen").wait_for()
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(server.passwords()[username])
    page.get_by_role("button", name="Log ind").click()
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    wait_ready(page)
    open_page(page, "Sprinttavle")


def column(page, stage: str, count: int):
    return page.get_by_role("heading", name=f"{stage} · {count}", exact=True)


def stages_shown(page) -> list[str]:
    """The stage of every card the page can move, in board order."""
    boxes = page.get_by_role("combobox", name="Flyt til")
    return [boxes.nth(i).input_value() for i in range(boxes.count())]


def move_first(page, from_stage: str | tuple[str, ...], to_stage: str) -> None:
    """Move the first card standing in `from_stage` (or in the first of several stages that has
    one) with its "Flyt til" box."""
    standing = stages_shown(page)
    stages = (from_stage,) if isinstance(from_stage, str) else from_stage
    stage = next(stage for stage in stages if stage in standing)
    page.get_by_role("combobox", name="Flyt til").nth(standing.index(stage)).click()
    page.get_by_role("option", name=to_stage, exact=True).click()


def seconds_until_visible(locator, limit: float) -> float:
    """How long until `locator` shows (polled every 50 ms), at most `limit` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if locator.count() and locator.first.is_visible():
            return time.monotonic() - start
        locator.page.wait_for_timeout(50)
    raise AssertionError(f"not shown within {limit} s: {locator}")


def test_a_colleagues_move_shows_without_a_click_and_typing_goes_on(server, page, colleague):
    page.set_viewport_size({"width": 1600, "height": 2400})
    with demo_week.engine_of(server.database_url) as engine:
        demo_week.dialogue_card(engine)
        counts = demo_week.stage_counts(engine)
    secured = counts["secured"]
    sign_in_to_board(page, server, "konsulent")
    sign_in_to_board(colleague, server, "leder")
    expect(column(page, SECURED, secured)).to_be_visible()

    # The consultant is typing a search, not yet sent (no Enter, no leaving the field).
    search = page.get_by_label("Søg virksomhed til kortene")
    search.click()
    search.press_sequentially("Kirke", delay=30)

    move_first(colleague, DIALOGUE, SECURED)
    delays = [seconds_until_visible(column(page, SECURED, secured + 1), limit=10)]
    print(f"\ncolleague's move shown on the open board after {delays[0]:.2f} s")
    expect(column(page, DIALOGUE, counts["dialogue"] - 1)).to_be_visible()
    # The redraw left the typing alone: the text is there and the field still has the cursor.
    assert search.input_value() == "Kirke"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") \
        == "Søg virksomhed til kortene"
    search.press_sequentially(" lager", delay=30)
    assert search.input_value() == "Kirke lager"

    # Once more the other way, once the leader has answered the placement the move offered
    # (while that form is open, their board waits).
    colleague.get_by_role("button", name="Ikke nu").click()
    wait_ready(colleague)
    wait_ready(page)
    # Their own card on to dialogue, or (when all of theirs have come further) one back from it.
    if {"Afklaret", "Udvalgt"} & set(stages_shown(page)):
        move_first(page, ("Afklaret", "Udvalgt"), DIALOGUE)
        shown = column(colleague, DIALOGUE, counts["dialogue"])
    else:
        move_first(page, DIALOGUE, "Afklaret")
        shown = column(colleague, "Afklaret", counts["clarified"] + 1)
    delays.append(seconds_until_visible(shown, limit=10))
    print(f"and the other way after {delays[1]:.2f} s")
    assert max(delays) < WITHIN, delays  # shown without a click (1-3 s when the machine is calm)
    for board in (page, colleague):
        expect(board.get_by_text(STALE)).to_have_count(0)
    screenshot(colleague, "sprinttavle-live")


def test_an_open_form_holds_the_redraw_and_a_move_can_be_undone(server, page, colleague):
    page.set_viewport_size({"width": 1600, "height": 2400})
    with demo_week.engine_of(server.database_url) as engine:
        demo_week.dialogue_card(engine)
        counts = demo_week.stage_counts(engine)
    sign_in_to_board(page, server, "konsulent")
    sign_in_to_board(colleague, server, "leder")

    # The consultant starts to park one of their cards (late in the week they may all have come
    # past the early stages) and types the reason; the leader moves another card.
    move_first(page, ("Udvalgt", "Afklaret", DIALOGUE), PARKED)
    reason = page.get_by_label(re.compile("Begrundelse for «Ikke denne gang»"))
    reason.fill("Syg resten af ugen")
    wait_ready(page)
    move_first(colleague, DIALOGUE, SECURED)
    expect(page.get_by_text(HOLD)).to_be_visible(timeout=WITHIN * 1000)
    page.wait_for_timeout(2500)  # another look or two: still held
    expect(column(page, SECURED, counts["secured"])).to_be_visible()
    assert reason.input_value() == "Syg resten af ugen"
    screenshot(page, "sprinttavle-live-held")
    page.get_by_role("button", name="Annullér").click()
    expect(column(page, SECURED, counts["secured"] + 1)).to_be_visible()
    expect(page.get_by_text(HOLD)).to_have_count(0)

    # The leader's own move is confirmed with "Fortryd"; a click takes it back, on both boards.
    # Early in the week a selected or clarified card goes on to dialogue; when none is left that
    # early (the week's last days), a card in dialogue goes back to clarified.
    if counts["clarified"] or counts["selected"]:
        source, target = ("Afklaret" if counts["clarified"] else "Udvalgt"), DIALOGUE
        before = counts["dialogue"] - 1  # the leader moved one on to secured above
    else:
        source, target, before = DIALOGUE, "Afklaret", 0
    wait_ready(colleague)
    wait_ready(page)
    move_first(colleague, source, target)
    undo = colleague.get_by_role("button", name="Fortryd")
    expect(undo).to_be_visible()
    expect(column(page, target, before + 1)).to_be_visible(timeout=WITHIN * 1000)
    undo.click()
    expect(colleague.get_by_text(re.compile(f"Flytningen er fortrudt: .+ er tilbage i «{source}»"))) \
        .to_be_visible()
    expect(column(colleague, target, before)).to_be_visible()
    expect(column(page, target, before)).to_be_visible(timeout=WITHIN * 1000)

    # Left alone, the button goes after ten seconds (the confirmation stays until the next click).
    wait_ready(colleague)
    move_first(colleague, source, target)
    expect(undo).to_be_visible()
    expect(undo).to_have_count(0, timeout=14_000)
    expect(colleague.get_by_text(f"er flyttet til «{target}».")).to_be_visible()
    for board in (page, colleague):
        expect(board.get_by_text(STALE)).to_have_count(0)
