"""The access matrix: every role against every permission, every model action and every page, and
team scoping of citizens by id. The expected tables are written out here, not read from
model/access.py, so a change of rights has to be made twice: there and here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import (
    access,
    admin,
    areas,
    companies,
    events,
    exporting,
    goals,
    importing,
    metrics,
    outcomes,
    partnerships,
    people,
    placements,
    privacy,
    quick,
    results,
    retention,
    sessions,
    sprints,
    staffing,
    timeline,
)
from model.errors import AccessDenied, UserError, ValidationError
from model.tables import AuditLog, Citizen, Company, FollowUp, Placement, Sprint, SprintCard
from tests.conftest import demo_actor, make_actor, page_text

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("admin", "leader", "consultant", "caseworker", "mentor", "screen")

# x: the role has the permission. Columns in the order of ROLES.
PERMISSION_TABLE = """
                    admin leader consultant caseworker mentor screen
sprint.read           x     x       x          x        x      .
sprint.edit           x     x       x          .        .      .
sprint.close          x     x       x          .        .      .
card.move             x     x       x          .        .      .
citizen.read          x     x       x          x        x      .
citizen.write         x     x       x          .        .      .
sprint.screen         x     x       x          x        x      x
staff.read            x     x       x          x        x      .
company.read          x     x       x          x        x      .
company.write         x     x       x          .        .      .
contact.write         x     x       x          .        .      .
placement.read        x     x       x          x        x      .
placement.write       x     x       x          .        .      .
followup.done         x     x       x          x        x      .
cadence.write         x     x       .          .        .      .
outcome.write         x     x       x          x        .      .
data.import           x     x       .          .        .      .
data.export           x     x       x          .        .      .
goal.read             x     x       x          x        x      .
goal.write            x     x       .          .        .      .
results.read          x     x       x          x        x      .
comparison.write      x     x       .          .        .      .
area.read             x     x       x          x        x      .
area.write            x     x       .          .        .      .
event.write           x     x       x          .        .      .
partnership.read      x     x       x          x        x      .
partnership.write     x     x       .          .        .      .
account.admin         x     .       .          .        .      .
tv.pair               x     x       .          .        .      .
team.edit             x     .       .          .        .      .
staff.edit            x     x       .          .        .      .
initiative.edit       x     x       .          .        .      .
audit.read            x     x       .          .        .      .
retention.read        x     x       .          .        .      .
retention.write       x     .       .          .        .      .
privacy.access        x     x       .          .        .      .
privacy.erase         x     x       .          .        .      .
"""

PAGE_TABLE = """
                    admin leader consultant caseworker mentor screen
overblik              x     x       x          x        x      .
sprinttavle           x     x       x          x        x      .
moedeskaerm           x     x       x          x        x      x
hurtig_registrering   x     x       x          .        .      .
borgere               x     x       x          x        x      .
virksomheder          x     x       x          x        x      .
forloeb               x     x       x          x        x      .
data                  x     x       x          .        .      .
maal                  x     x       x          x        x      .
resultater            x     x       x          x        x      .
omraadeoverblik       x     x       x          x        x      .
partnerskaber         x     x       x          x        x      .
administration        x     x       .          .        .      .
persondata            x     x       .          .        .      .
konto                 x     x       x          x        x      .
"""


def parse(table: str) -> dict[str, set[str]]:
    lines = table.strip().splitlines()
    header = lines[0].split()
    assert tuple(header) == ROLES
    return {name: {role for role, mark in zip(ROLES, marks) if mark == "x"}
            for name, *marks in (line.split() for line in lines[1:])}


EXPECTED_PERMISSIONS = parse(PERMISSION_TABLE)
EXPECTED_PAGES = parse(PAGE_TABLE)


def test_the_tables_name_every_permission_and_page():
    assert set(EXPECTED_PERMISSIONS) == set(access.PERMISSIONS)
    assert set(EXPECTED_PAGES) == set(access.PAGES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", sorted(EXPECTED_PERMISSIONS))
def test_each_role_has_exactly_its_permissions(role, permission):
    actor = access.Actor(user_id=1, username="u", role=role)
    assert access.can(actor, permission) is (role in EXPECTED_PERMISSIONS[permission])


def test_nobody_signed_in_may_do_anything():
    assert not any(access.can(None, permission) for permission in access.PERMISSIONS)
    assert not any(access.page_allowed(None, page) for page in access.PAGES)


# --- Every model action, for every role -------------------------------------------------------

DAY = date(2026, 9, 21)
NONE = 999_999  # an id no row has: allowed roles get a "not found", never a refusal

# One model call per permission, each with input that is refused after the role check.
ACTIONS = {
    "sprint.read": lambda e, a: sprints.consultants(e, a, NONE),
    "sprint.edit": lambda e, a: sprints.create_sprint(e, a, name="", start=DAY, end=DAY, goal=1),
    "sprint.close": lambda e, a: sprints.close_sprint(e, a, NONE),
    "card.move": lambda e, a: sprints.move_card(e, a, NONE, "clarified", expected_version=1),
    "citizen.read": lambda e, a: people.search_citizens(e, a, "aisha"),
    "citizen.write": lambda e, a: people.create_citizen(e, a, first_name="", last_name="",
                                                        birth_year=1990),
    "sprint.screen": lambda e, a: sprints.list_sprints(e, a),
    "staff.read": lambda e, a: people.list_staff(e, a),
    "company.read": lambda e, a: companies.search_companies(e, a, "netto"),
    "company.write": lambda e, a: companies.create_company(e, a, name=""),
    "contact.write": lambda e, a: companies.log_contact(e, a, company_id=NONE, channel="phone"),
    "placement.read": lambda e, a: placements.list_placements(e, a),
    "placement.write": lambda e, a: placements.start_placement(
        e, a, citizen_id=NONE, company_id=NONE, kind="virksomhedspraktik", start_date=DAY),
    "followup.done": lambda e, a: placements.mark_follow_up_done(e, a, NONE),
    "cadence.write": lambda e, a: placements.set_cadence(e, a, kind="nonsense", days=[7]),
    "outcome.write": lambda e, a: outcomes.record_outcome(
        e, a, citizen_id=NONE, months_after_start=5, status="nonsense", measured_at=DAY),
    "data.import": lambda e, a: importing.dry_run(e, a, "nonsense", pd.DataFrame()),
    "data.export": lambda e, a: exporting.export_list(e, a, "nonsense"),
    "goal.read": lambda e, a: goals.list_goals(e, a, today=DAY),
    "goal.write": lambda e, a: goals.delete_goal(e, a, NONE),
    "results.read": lambda e, a: results.filter_options(e, a),
    "comparison.write": lambda e, a: results.delete_comparison_group(e, a, NONE),
    "area.read": lambda e, a: areas.area_choices(e, a),
    "area.write": lambda e, a: areas.create_housing_area(e, a, name="", municipality=""),
    "event.write": lambda e, a: events.create_event(e, a, company_id=NONE, kind="nonsense",
                                                    event_date=DAY),
    "partnership.read": lambda e, a: partnerships.list_partnerships(e, a),
    "partnership.write": lambda e, a: partnerships.create_partnership(e, a, name=""),
    "account.admin": lambda e, a: admin.staff_choices(e, a),
    "tv.pair": lambda e, a: sessions.screen_links(e, a),
    "team.edit": lambda e, a: staffing.create_team(e, a, name=""),
    "staff.edit": lambda e, a: staffing.create_staff(e, a, name="", role="consultant",
                                                     team_id=a.team_id),
    "initiative.edit": lambda e, a: staffing.create_initiative(e, a, name=""),
    "audit.read": lambda e, a: admin.log_choices(e, a),
    "retention.read": lambda e, a: retention.policy(e, a),
    "retention.write": lambda e, a: retention.set_period(e, a, category="nonsense", months=0),
    "privacy.access": lambda e, a: privacy.access_report(e, a, NONE),
    "privacy.erase": lambda e, a: privacy.erasure_preview(e, a, NONE),
}


def test_every_permission_has_an_action():
    assert set(ACTIONS) == set(EXPECTED_PERMISSIONS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_model_action(engine, role):
    actor = make_actor(engine, role)
    wrong = []
    for permission, action in ACTIONS.items():
        allowed = role in EXPECTED_PERMISSIONS[permission]
        try:
            action(engine, actor)
        except AccessDenied:
            refused = True
        except UserError:
            refused = False  # past the role check: the bad input was refused instead
        else:
            refused = False
        if refused == allowed:
            wrong.append(f"{permission}: {'refused' if refused else 'allowed'}")
    assert wrong == []


# --- Team scoping of citizens by id -----------------------------------------------------------


@pytest.fixture
def other_team(engine):
    """A consultant of one team, and a citizen of another team with a placement, follow-up and
    sprint card."""
    mine = make_actor(engine, "consultant")
    theirs = make_actor(engine, "consultant")
    with Session(engine) as session:
        company = Company(name="Netto Brøndby")
        citizen = Citizen(first_name="Omar", last_name="Hansen", birth_year=1990,
                          team_id=theirs.team_id)
        sprint = Sprint(name="Uge 39", team_id=theirs.team_id, start_date=DAY, end_date=DAY,
                        goal_count=3)
        my_sprint = Sprint(name="Uge 39 hos os", team_id=mine.team_id, start_date=DAY,
                           end_date=DAY, goal_count=3)
        session.add_all([company, citizen, sprint, my_sprint])
        session.flush()
        placement = Placement(citizen_id=citizen.id, company_id=company.id,
                              kind="virksomhedspraktik", start_date=DAY, status="active")
        session.add(placement)
        session.flush()
        follow_up = FollowUp(placement_id=placement.id, due_date=DAY)
        card = SprintCard(sprint_id=sprint.id, citizen_id=citizen.id)
        session.add_all([follow_up, card])
        session.commit()
        ids = {"citizen": citizen.id, "placement": placement.id, "follow_up": follow_up.id,
               "sprint": sprint.id, "company": company.id, "card": card.id,
               "my_sprint": my_sprint.id}
    return mine, theirs, ids


REFUSED_BY_ID = {
    "get_citizen": lambda e, a, ids: people.get_citizen(e, a, ids["citizen"]),
    "timeline": lambda e, a, ids: timeline.timeline(e, a, ids["citizen"]),
    "update_citizen": lambda e, a, ids: people.update_citizen(e, a, ids["citizen"],
                                                              expected_version=1, first_name="X"),
    "get_placement": lambda e, a, ids: placements.get_placement(e, a, ids["placement"]),
    "follow_up_plan": lambda e, a, ids: placements.follow_up_plan(e, a, ids["placement"]),
    "mark_follow_up_done": lambda e, a, ids: placements.mark_follow_up_done(e, a, ids["follow_up"]),
    "start_placement": lambda e, a, ids: placements.start_placement(
        e, a, citizen_id=ids["citizen"], company_id=ids["company"], kind="virksomhedspraktik",
        start_date=DAY),
    "record_outcome": lambda e, a, ids: outcomes.record_outcome(
        e, a, citizen_id=ids["citizen"], months_after_start=3, status="job", measured_at=DAY),
    "board": lambda e, a, ids: sprints.board(e, a, ids["sprint"]),
    "add_card": lambda e, a, ids: sprints.add_card(e, a, ids["my_sprint"], citizen_id=ids["citizen"],
                                                   consultant_id=a.staff_id),
    "move_card": lambda e, a, ids: sprints.move_card(e, a, ids["card"], "clarified",
                                                     expected_version=1),
    "set_card_company": lambda e, a, ids: sprints.set_card_company(e, a, ids["card"], ids["company"],
                                                                   expected_version=1),
}


@pytest.mark.parametrize("name", sorted(REFUSED_BY_ID))
def test_a_consultant_cannot_reach_another_teams_citizen_by_id(engine, other_team, name):
    mine, theirs, ids = other_team
    with pytest.raises(UserError):
        REFUSED_BY_ID[name](engine, mine, ids)
    # The owner team's consultant gets past the same check.
    if name not in ("start_placement", "record_outcome", "update_citizen", "mark_follow_up_done",
                    "add_card"):
        REFUSED_BY_ID[name](engine, theirs, ids)
    with Session(engine) as session:
        assert session.exec(select(Placement.id)).all() == [ids["placement"]]
        assert session.exec(select(SprintCard.sprint_id)).all() == [ids["sprint"]]
        citizen = session.get(Citizen, ids["citizen"])
    assert citizen.first_name == "Omar"


def test_lists_leave_out_another_teams_citizen(engine, other_team):
    mine, theirs, ids = other_team
    assert people.search_citizens(engine, mine, "omar").empty
    assert people.list_citizens(engine, mine).empty
    assert placements.list_placements(engine, mine, citizen_id=ids["citizen"]).empty
    assert quick.citizen_choices(engine, mine).empty
    assert len(people.search_citizens(engine, theirs, "omar")) == 1


def test_staff_without_a_team_see_no_team_but_their_own(engine, other_team):
    # A caseworker without a staff row (or team) must not see every team's citizens.
    _, _, ids = other_team
    loose = make_actor(engine, "caseworker")
    loose = access.Actor(user_id=loose.user_id, username=loose.username, role="caseworker")
    assert people.search_citizens(engine, loose, "omar").empty
    with pytest.raises(ValidationError):
        people.get_citizen(engine, loose, ids["citizen"])
    assert ids["sprint"] not in sprints.list_sprints(engine, loose)["id"].tolist()


SCREEN_REFUSED = {
    "get_citizen": lambda e, a, ids: people.get_citizen(e, a, ids["citizen"]),
    "search_citizens": lambda e, a, ids: people.search_citizens(e, a, ""),
    "list_citizens": lambda e, a, ids: people.list_citizens(e, a),
    "timeline": lambda e, a, ids: timeline.timeline(e, a, ids["citizen"]),
    "board": lambda e, a, ids: sprints.board(e, a, ids["sprint"]),
    "list_placements": lambda e, a, ids: placements.list_placements(e, a),
    "citizen_choices": lambda e, a, ids: quick.citizen_choices(e, a),
    "export": lambda e, a, ids: exporting.export_list(e, a, "citizens"),
}


@pytest.mark.parametrize("name", sorted(SCREEN_REFUSED))
def test_a_screen_account_cannot_read_citizens(engine, other_team, name):
    _, _, ids = other_team
    screen = make_actor(engine, "screen")
    with pytest.raises(AccessDenied):
        SCREEN_REFUSED[name](engine, screen, ids)
    # What it may show: the board with initials only.
    board = sprints.screen_board(engine, screen, ids["sprint"])
    assert board["citizen"].tolist() == [metrics.initials("Omar", "Hansen")] == ["O.H."]


# --- Every page, for every role ---------------------------------------------------------------

DEMO_USERS = {"admin": "admin", "leader": "leder", "consultant": "konsulent",
              "caseworker": "sagsbehandler", "mentor": "mentor", "screen": "skaerm"}
DENIED = "Din rolle har ikke adgang til denne side."
LOGIN = "Log ind på Jobtavlen"


@pytest.fixture(scope="module")
def pages_db(tmp_path_factory):
    """One demo database for the page matrix (AppTest runs read it through DATABASE_URL)."""
    from model.db import make_engine
    from model.setup import prepare

    url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'app.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("JOBTAVLEN_LANG", "da")
        engine = make_engine(url)
        prepare(engine, out=lambda line: None)
        yield engine
        engine.dispose()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_page(pages_db, role, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(pages_db.url))
    monkeypatch.setenv("JOBTAVLEN_LANG", "da")
    user_id = demo_actor(pages_db, DEMO_USERS[role]).user_id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user_id"] = user_id
    at.run()
    wrong = []
    for page, roles in EXPECTED_PAGES.items():
        if role in roles:
            at.switch_page(f"pages/{page}.py")
            at.run()
            shown = page_text(at)
            if at.exception or DENIED in shown or LOGIN in shown or not at.title:
                wrong.append(f"{page}: not shown ({at.exception or shown[:80]})")
        else:
            # Not in this role's navigation; run directly (a deep link), the guard must refuse.
            direct = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
            direct.session_state["user_id"] = user_id
            direct.run()
            if direct.exception or [e.value for e in direct.error] != [DENIED] or direct.dataframe:
                wrong.append(f"{page}: not refused")
    assert wrong == []
    refused = {page for page, roles in EXPECTED_PAGES.items() if role not in roles}
    with Session(pages_db) as session:
        logged = set(session.exec(select(AuditLog.detail).where(
            AuditLog.action == "page_refused", AuditLog.user_id == user_id)).all())
    assert logged == refused
