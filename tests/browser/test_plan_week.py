"""Planning this week's intensive week on an empty board, in at most 45 clicks and keys, then
running it: cards move, one is secured with its placement, today's programme stands out on the
board and the meeting screen, and the leader closes the sprint with its result."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Expect
from sqlmodel import Session, select

from model import auth, people, placements
from model.db import make_engine
from model.tables import Placement, Sprint, SprintCard, Staff, Team
from tests.browser.conftest import Server, screenshot, submit_login, wait_ready

TODAY = "2027-09-27"  # Monday of week 39: the week's first programme item is today's
MONDAY, FRIDAY = date(2027, 9, 27), date(2027, 10, 1)
MAX_ACTIONS = 45
# This module's assertions wait up to 30 s: on a busy machine a rerun can take longer than
# Playwright's default 5 s (its own instance, so other modules keep the default).
expect = Expect()
expect.set_options(timeout=30_000)
TEAM = "Team Vest, Jobcenter Brøndby"
LEADER = ("vest.leder", "Vestens leder kodeord 2027")
CONSULTANTS = ["Anja Bruun", "Bo Dalsgaard", "Carla Eriksen", "Dan Frost", "Eva Gregersen",
               "Finn Holt", "Gitte Iversen", "Hans Juhl"]
CITIZEN_NAMES = [("Amir", "Kaas"), ("Bente", "Lind"), ("Carsten", "Munk"), ("Dilek", "Nissen"),
                 ("Erik", "Olsen"), ("Fie", "Pihl"), ("Gustav", "Quist"), ("Hamza", "Ravn"),
                 ("Inge", "Storm"), ("Jonas", "Thorup"), ("Karin", "Ulrich"), ("Lars", "Vinter"),
                 ("Mette", "Wulff"), ("Nabil", "Yde"), ("Ole", "Zeuthen"), ("Pia", "Aaby"),
                 ("Rasmus", "Bech"), ("Sana", "Claussen"), ("Tom", "Dyhr"), ("Ulla", "Egholm"),
                 ("Viggo", "Falk"), ("Yasmin", "Gram"), ("Zenia", "Hald"), ("Åge", "Ibsen")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server whose today is a fixed Monday, so the week's first programme item is today's."""
    srv = Server(tmp_path_factory.mktemp("plan"), env={"JOBTAVLEN_TODAY": TODAY})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def team(server, browser):
    """After the demo is filled (by the first page load): a team of its own with a leader and
    eight consultants with three citizens each, made through the model. Yields their names."""
    context = browser.new_context()
    first = context.new_page()
    first.goto(server.url)
    wait_ready(first)
    server.passwords()  # the demo is in
    context.close()
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        team = Team(name=TEAM)
        session.add(team)
        session.flush()
        leader = Staff(name="Vera Vest", initials="VV", role="leader", team_id=team.id)
        consultants = [Staff(name=name, initials="".join(p[0] for p in name.split()),
                             role="consultant", team_id=team.id) for name in CONSULTANTS]
        session.add_all([leader, *consultants])
        session.flush()
        user = auth.create_user(session, username=LEADER[0], role="leader", password=LEADER[1],
                                staff_id=leader.id)
        session.commit()
        team_id, user_id = team.id, user.id
        consultant_ids = [c.id for c in consultants]
    actor = auth.actor_for_user(engine, user_id)
    citizens = {}
    for index, consultant_id in enumerate(consultant_ids):
        names = CITIZEN_NAMES[3 * index:3 * index + 3]
        for first_name, last_name in names:
            people.create_citizen(engine, actor, first_name=first_name, last_name=last_name,
                                  birth_year=1985 + index, consultant_id=consultant_id,
                                  team_id=team_id)
        citizens[CONSULTANTS[index]] = [f"{f} {last} ({1985 + index})" for f, last in names]
    yield dict(engine=engine, team_id=team_id, citizens=citizens)
    engine.dispose()


class Counted:
    """Every click, fill and key press of the planning, counted."""

    def __init__(self, page) -> None:
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.count += 1


def sign_in_as_team_leader(page, url: str) -> None:
    page.goto(url)
    wait_ready(page)
    submit_login(page, *LEADER)


def expander(page, title: str):
    return page.locator('[data-testid="stExpander"]').filter(has_text=title)


def open_list(page, combobox) -> None:
    """Open a selectbox's list. Scrolled to first (a scroll, not a click): a list opened while
    the page scrolls under it closes again."""
    combobox.scroll_into_view_if_needed()
    wait_ready(page)
    combobox.click()
    expect(page.get_by_role("listbox")).to_be_visible()


def column_header(page, stage: str, count: int):
    return page.get_by_role("heading", name=f"{stage} · {count}", exact=True)


def test_a_leader_plans_and_runs_this_weeks_intensive_week(server, team, page):
    page.set_viewport_size({"width": 1600, "height": 2600})
    sign_in_as_team_leader(page, server.url)
    act = Counted(page)

    # --- The planning, counted ---
    act.click(page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Sprinttavle", exact=True))
    wait_ready(page)
    # Nothing runs or is planned for the team: it says so, and the new-sprint form is open.
    expect(page.get_by_text("Der kører ingen sprint for dit team lige nu")).to_be_visible()
    new_sprint = expander(page, "Opret sprint")
    # This week's Monday to Friday, written the Danish way.
    expect(new_sprint.get_by_role("group", name="Startdato")).to_have_text("27-09-2027")
    expect(new_sprint.get_by_role("group", name="Slutdato")).to_have_text("01-10-2027")
    act.fill(new_sprint.get_by_label("Navn"), "Uge 39 – Team Vest")
    act.click(new_sprint.get_by_role("button", name="Gem"))
    wait_ready(page)
    expect(page.get_by_text("Sprinten er oprettet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Uge 39 – Team Vest")).to_be_visible()

    act.click(page.get_by_role("button", name="Brug ugeprogrammet fra Brøndby"))
    wait_ready(page)
    expect(page.get_by_text("Ugeprogrammet er lagt ind (9 punkter).")).to_be_visible()

    add = expander(page, "Tilføj borgere")
    for consultant in CONSULTANTS:
        # The panel stays open and proposes the next consultant without cards.
        expect(add.get_by_role("combobox", name="Konsulent", exact=True)).to_have_value(consultant)
        citizens = add.get_by_role("combobox", name="Konsulentens borgere")
        # Scrolled to first (a scroll, not a click): a list opened while the page scrolls under
        # it closes again.
        citizens.scroll_into_view_if_needed()
        wait_ready(page)
        act.click(citizens)
        expect(page.get_by_role("listbox")).to_be_visible()
        for citizen in team["citizens"][consultant]:
            act.click(page.get_by_role("option", name=citizen, exact=True))
        # The open list hides the form from role queries; the button is found by its key.
        act.click(add.locator(".st-key-bring_add button"))
        expect(page.get_by_text(f"3 borgere fra {consultant} er sat på tavlen.")).to_be_visible()
        wait_ready(page)  # the whole run: the next consultant's list is drawn anew

    print(f"\nplanning the week took {act.count} counted actions (at most {MAX_ACTIONS})")
    assert act.count <= MAX_ACTIONS

    expect(column_header(page, "Udvalgt", 24)).to_be_visible()
    engine = team["engine"]
    with Session(engine) as session:
        sprint = session.exec(select(Sprint).where(Sprint.team_id == team["team_id"])).one()
        cards = session.exec(select(SprintCard).where(SprintCard.sprint_id == sprint.id)).all()
    assert (sprint.start_date, sprint.end_date, sprint.goal_count) == (MONDAY, FRIDAY, 16)
    assert len(cards) == 24 and len({c.consultant_id for c in cards}) == 8

    # --- Running the week ---
    moves = page.get_by_role("combobox", name="Flyt til")
    open_list(page, moves.first)
    page.get_by_role("option", name="Afklaret", exact=True).click()
    wait_ready(page)
    expect(column_header(page, "Afklaret", 1)).to_be_visible()

    open_list(page, moves.first)
    page.get_by_role("option", name="Forløb sikret", exact=True).click()
    wait_ready(page)
    offer = page.locator('[data-testid="stForm"]').filter(has_text="opret forløbet nu")
    expect(offer).to_be_visible()
    # One company field in the offer (the board's own search sits above the cards).
    expect(offer.get_by_role("combobox", name="Virksomhed")).to_have_count(1)
    expect(offer.get_by_role("textbox")).to_have_count(0)
    open_list(page, offer.get_by_role("combobox", name="Virksomhed"))
    page.get_by_role("option").first.click()
    offer.get_by_role("button", name="Opret forløb").click()
    wait_ready(page)
    expect(page.get_by_text("er oprettet og knyttet til kortet.")).to_be_visible()
    expect(column_header(page, "Forløb sikret", 1)).to_be_visible()
    with Session(engine) as session:
        secured = session.exec(select(SprintCard).where(SprintCard.sprint_id == sprint.id,
                                                        SprintCard.stage == "secured")).one()
        placement = session.get(Placement, secured.placement_id)
    assert placement.citizen_id == secured.citizen_id and placement.sprint_id == sprint.id
    assert placement.hours_per_week == placements.default_hours(placement.kind)
    assert placement.consultant_id == secured.consultant_id  # the citizen's, not the leader

    today = page.locator(".st-key-programme_today")
    expect(today).to_contain_text("Mandag 27-09-2027")
    expect(today).to_contain_text("I dag")
    expect(today).to_contain_text("Opstart: hver konsulent præsenterer sine tre borgere")
    expect(today).not_to_contain_text("Brug af virksomhedscentre")
    screenshot(page, "sprinttavle-planlagt-uge")
    today.scroll_into_view_if_needed()
    screenshot(page, "sprinttavle-dagens-program")

    # The meeting screen opened by its link with the sprint in it, on the TV's own browser.
    tv = page.context.browser.new_context(viewport={"width": 1920, "height": 1080},
                                          locale="da-DK").new_page()
    tv.goto(f"{server.url}/moedeskaerm?sprint={sprint.id}")
    wait_ready(tv)
    submit_login(tv, *LEADER)
    expect(tv.get_by_role("heading", name="Uge 39 – Team Vest")).to_be_visible()
    expect(tv.locator('[data-testid="stMetric"]')).to_contain_text("1 / 16")
    programme = tv.locator('[data-testid="stColumn"]').filter(
        has=tv.get_by_role("heading", name="Dagens program"))
    expect(programme).to_contain_text("Opstart: hver konsulent præsenterer sine tre borgere")
    expect(programme).not_to_contain_text("Intet program i dag")
    # The week's programme by day, today's items in the highlighted box.
    highlighted = tv.locator(".st-key-screen_today")
    expect(highlighted).to_contain_text("Opstart: hver konsulent præsenterer sine tre borgere")
    expect(highlighted).not_to_contain_text("Fælles opsamling")
    expect(programme).to_contain_text("Fælles opsamling")
    screenshot(tv, "moedeskaerm-planlagt-uge")
    tv.context.close()

    # The leader closes the week: its result.
    page.get_by_role("button", name="Afslut sprinten og vis resultatet").click()
    wait_ready(page)
    expect(page.get_by_text("1 af 16 – mål ikke nået").first).to_be_visible()
    expect(page.get_by_text("Sprinten er afsluttet.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Flyt til")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Sprint", exact=True)).to_have_value(
        "Uge 39 – Team Vest (Afsluttet)")
    screenshot(page, "sprinttavle-afsluttet-uge")


def test_the_empty_programme_is_typed_into_the_table_and_saved(server, team, page):
    """The programme editor on an empty programme: clicking into the table keeps its panel open,
    and the row typed in is saved with its day (it came back as text before)."""
    page.set_viewport_size({"width": 1600, "height": 2000})
    engine = team["engine"]
    with Session(engine) as session:
        leader_id = session.exec(select(Staff.id).where(Staff.name == "Vera Vest")).one()
        user = session.exec(select(auth.AppUser).where(auth.AppUser.staff_id == leader_id)).one()
    from model import sprints

    actor = auth.actor_for_user(engine, user.id)
    sprint_id = sprints.create_sprint(engine, actor, name="Uge 40 – tomt program",
                                      start=date(2027, 10, 4), end=date(2027, 10, 8), goal=5)
    sign_in_as_team_leader(page, server.url)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Sprinttavle", exact=True).click()
    wait_ready(page)
    open_list(page, page.get_by_role("combobox", name="Sprint", exact=True))
    page.get_by_role("option", name="Uge 40 – tomt program (Planlagt)").click()
    wait_ready(page)
    expect(page.get_by_text("Sprinten har intet program endnu.")).to_be_visible()

    panel = expander(page, "Redigér programmet")
    panel.get_by_text("Redigér programmet").click()
    wait_ready(page)
    grid = panel.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    # The grid's last line adds a row (its day is the sprint's first day by default).
    page.mouse.click(box["x"] + 60, box["y"] + box["height"] - 12)
    page.wait_for_timeout(500)
    page.keyboard.press("Escape")
    wait_ready(page)
    expect(grid).to_be_visible()  # the panel stayed open
    # The new row's "Punkt" cell (third column of the first row under the header) opens its editor
    # on a double click; the editor is the grid's text box, outside the canvas.
    box = grid.bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] * 0.67, box["y"] + 52)
    editor = page.locator("#portal textarea")
    expect(editor).to_be_visible()
    editor.fill("Sparring om borgerne")
    editor.press("Enter")
    page.wait_for_timeout(1000)  # the grid hands its edit to the form a moment after Enter
    panel.get_by_role("button", name="Gem").click()
    wait_ready(page)
    expect(page.get_by_text("Programmet er gemt.")).to_be_visible()
    saved = sprints.agenda(engine, actor, sprint_id)
    assert saved[["day", "title"]].values.tolist() == [[date(2027, 10, 4), "Sparring om borgerne"]]
    expect(page.get_by_text("Mandag 04-10-2027")).to_be_visible()
    screenshot(page, "sprinttavle-tomt-program-gemt")
