"""Sprints: creation, moves with the version check, burn-up, funnel, programme, result."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from model import sprints
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import AuditLog, Citizen, SprintCard, StageChange
from tests.conftest import demo_actor

MONDAY = date(2026, 9, 21)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 9, 21 + day, hour, tzinfo=UTC)


@pytest.fixture
def week(engine, actor_factory):
    """A five-day sprint with two citizens on the board, and the consultant who runs it."""
    consultant = actor_factory("consultant")
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=MONDAY,
                                      end=date(2026, 9, 25), goal=2, focus="praktik")
    cards = [
        sprints.add_new_citizen_card(engine, consultant, sprint_id,
                                     consultant_id=consultant.staff_id, now=at(0, 8),
                                     first_name=first, last_name="Hansen", birth_year=1990)
        for first in ("Aisha", "Bo")
    ]
    return consultant, sprint_id, cards


def test_move_card_writes_a_stage_change_and_bumps_the_version(engine, week):
    consultant, sprint_id, (card_id, _) = week
    version = sprints.move_card(engine, consultant, card_id, "clarified", expected_version=1,
                                now=at(0, 12))
    assert version == 2
    with Session(engine) as session:
        card = session.get(SprintCard, card_id)
        changes = session.exec(select(StageChange.from_stage, StageChange.to_stage)
                               .where(StageChange.card_id == card_id)
                               .order_by(StageChange.id)).all()
    assert (card.stage, card.version) == ("clarified", 2)
    assert changes == [(None, "selected"), ("selected", "clarified")]


def test_move_card_refuses_a_stale_version_and_overwrites_nothing(engine, week):
    consultant, sprint_id, (card_id, _) = week
    sprints.move_card(engine, consultant, card_id, "dialogue", expected_version=1)
    with pytest.raises(StaleVersion):
        sprints.move_card(engine, consultant, card_id, "parked", expected_version=1,
                          park_reason="syg")
    with Session(engine) as session:
        assert session.get(SprintCard, card_id).stage == "dialogue"
        n_changes = session.exec(select(func.count()).select_from(StageChange)
                                 .where(StageChange.card_id == card_id)).one()
    assert n_changes == 2


def test_parking_a_card_needs_a_reason(engine, week):
    consultant, _, (card_id, _) = week
    with pytest.raises(ValidationError) as refused:
        sprints.move_card(engine, consultant, card_id, "parked", expected_version=1)
    assert refused.value.key == "error.park_reason_required"


@pytest.mark.parametrize("role", ["caseworker", "mentor", "screen"])
def test_roles_without_edit_rights_cannot_move_cards(engine, week, actor_factory, role):
    _, _, (card_id, _) = week
    with pytest.raises(AccessDenied):
        sprints.move_card(engine, actor_factory(role), card_id, "secured", expected_version=1)


def test_screen_role_cannot_read_the_named_board(engine, week, actor_factory):
    _, sprint_id, _ = week
    screen = actor_factory("screen")
    with pytest.raises(AccessDenied):
        sprints.board(engine, screen, sprint_id)
    shown = sprints.screen_board(engine, screen, sprint_id)
    assert sorted(shown["citizen"]) == ["A.H.", "B.H."]
    assert "first_name" not in shown.columns and "last_name" not in shown.columns


def test_consultant_of_another_team_cannot_see_the_sprint(engine, week, actor_factory):
    _, sprint_id, _ = week
    outsider = actor_factory("consultant")
    with pytest.raises(ValidationError):
        sprints.board(engine, outsider, sprint_id)
    assert sprint_id not in sprints.list_sprints(engine, outsider)["id"].tolist()


def test_viewing_the_board_is_audited(engine, week):
    consultant, sprint_id, _ = week
    sprints.board(engine, consultant, sprint_id)
    with Session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "view_board")).one()
    assert (entry.user_id, entry.table_name, entry.row_id) == (consultant.user_id, "sprint",
                                                               sprint_id)


def test_burn_up_counts_secured_cards_at_the_end_of_each_day(engine, week):
    consultant, sprint_id, (first, second) = week
    sprints.move_card(engine, consultant, first, "secured", expected_version=1, now=at(1, 10))
    sprints.move_card(engine, consultant, second, "secured", expected_version=1, now=at(2, 10))
    sprints.move_card(engine, consultant, second, "dialogue", expected_version=2, now=at(3, 10))
    burn = sprints.burn_up(engine, consultant, sprint_id)
    assert burn["secured"].tolist() == [0, 1, 2, 1, 1]
    assert burn["goal"].unique().tolist() == [2]


def test_stage_funnel_counts_cards_that_reached_each_stage(engine, week):
    consultant, sprint_id, (first, second) = week
    sprints.move_card(engine, consultant, first, "dialogue", expected_version=1)
    sprints.move_card(engine, consultant, first, "secured", expected_version=2)
    sprints.move_card(engine, consultant, second, "parked", expected_version=1,
                      park_reason="sygdom")
    funnel = sprints.stage_funnel(engine, consultant, sprint_id)
    assert dict(zip(funnel["stage"], funnel["cards"])) == {
        "selected": 2, "clarified": 1, "dialogue": 1, "secured": 1, "parked": 1}


def test_closing_a_sprint_reports_the_result(engine, week):
    consultant, sprint_id, (first, second) = week
    sprints.move_card(engine, consultant, first, "secured", expected_version=1)
    result = sprints.close_sprint(engine, consultant, sprint_id)
    assert (result.secured, result.goal, result.reached) == (1, 2, False)
    assert sprints.get_sprint(engine, consultant, sprint_id).status == "closed"


@pytest.mark.parametrize("changes, key", [
    ({"name": " "}, "error.name_required"),
    ({"end": date(2026, 9, 1)}, "error.end_before_start"),
    ({"goal": 0}, "error.goal_positive"),
    ({"kind": "weekend"}, "error.unknown_kind"),
    ({"focus": "borger 010190-1234"}, "error.cpr_in_text"),
])
def test_create_sprint_refuses_bad_input(engine, actor_factory, changes, key):
    consultant = actor_factory("consultant")
    fields = dict(name="Uge 40", start=MONDAY, end=date(2026, 9, 25), goal=16) | changes
    with pytest.raises(ValidationError) as refused:
        sprints.create_sprint(engine, consultant, **fields)
    assert refused.value.key == key
    assert sprints.list_sprints(engine, consultant).empty


def test_update_sprint_refuses_a_stale_version(engine, week):
    consultant, sprint_id, _ = week
    fields = dict(name="Uge 39 – ny", start=MONDAY, end=date(2026, 9, 25), goal=3, focus="",
                  kind="intensive_week", stage_names={"dialogue": "Ude hos virksomhed"})
    sprints.update_sprint(engine, consultant, sprint_id, expected_version=1, **fields)
    sprint = sprints.get_sprint(engine, consultant, sprint_id)
    assert (sprint.name, sprint.goal_count, sprint.stage_names) == (
        "Uge 39 – ny", 3, {"dialogue": "Ude hos virksomhed"})
    with pytest.raises(StaleVersion):
        sprints.update_sprint(engine, consultant, sprint_id, expected_version=1, **fields)


def test_adding_the_same_citizen_twice_is_refused(engine, week):
    consultant, sprint_id, (card_id, _) = week
    with Session(engine) as session:
        citizen_id = session.get(SprintCard, card_id).citizen_id
    with pytest.raises(ValidationError):
        sprints.add_card(engine, consultant, sprint_id, citizen_id=citizen_id,
                         consultant_id=consultant.staff_id)


def test_new_citizen_card_with_bad_birth_year_writes_nothing(engine, week):
    consultant, sprint_id, _ = week
    with pytest.raises(ValidationError):
        sprints.add_new_citizen_card(engine, consultant, sprint_id,
                                     consultant_id=consultant.staff_id, first_name="Ny",
                                     last_name="Borger", birth_year=1850)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Citizen)).one() == 2


def test_save_agenda_replaces_the_programme_in_one_transaction(engine, week):
    consultant, sprint_id, _ = week
    good = pd.DataFrame([{"day": MONDAY, "part": "formiddag", "title": "Sparring", "note": ""}])
    sprints.save_agenda(engine, consultant, sprint_id, good)
    bad = pd.DataFrame([
        {"day": MONDAY, "part": "", "title": "Ny opstart", "note": ""},
        {"day": date(2026, 10, 1), "part": "", "title": "Uden for ugen", "note": ""},
    ])
    with pytest.raises(ValidationError) as refused:
        sprints.save_agenda(engine, consultant, sprint_id, bad)
    assert refused.value.key == "error.agenda_day_outside"
    assert sprints.agenda(engine, consultant, sprint_id)["title"].tolist() == ["Sparring"]


def test_current_sprint_prefers_a_running_sprint_covering_today(engine, actor_factory):
    leader = actor_factory("leader")
    old = sprints.create_sprint(engine, leader, name="Gammel", start=date(2026, 1, 5),
                                end=date(2026, 1, 9), goal=3)
    now = sprints.create_sprint(engine, leader, name="Nu", start=date(2026, 11, 23),
                                end=date(2026, 11, 27), goal=3)
    sprints.create_sprint(engine, leader, name="Senere", start=date(2027, 1, 4),
                          end=date(2027, 1, 8), goal=3)
    assert sprints.current_sprint_id(engine, leader, today=date(2026, 11, 25)) == now
    sprints.close_sprint(engine, leader, now)
    assert sprints.running_sprint_id(engine, leader, today=date(2026, 11, 25)) is None
    assert old in sprints.list_sprints(engine, leader)["id"].tolist()


def test_demo_sprint_shows_21_of_16(demo_engine):
    leader = demo_actor(demo_engine, "leder")
    listed = sprints.list_sprints(demo_engine, leader)
    sprint_id = int(listed.loc[listed["name"] == "Uge 39 – Brøndby", "id"].item())
    sprint = sprints.get_sprint(demo_engine, leader, sprint_id)
    result = sprints.sprint_result(demo_engine, leader, sprint_id)
    assert (sprint.name, result.secured, result.goal, result.reached) == (
        "Uge 39 – Brøndby", 21, 16, True)
    board = sprints.board(demo_engine, leader, sprint_id)
    assert len(board) == 24 and board["consultant_id"].nunique() == 8
    assert sprints.burn_up(demo_engine, leader, sprint_id)["secured"].tolist() == [0, 3, 10, 17, 21]
    days = sprints.agenda(demo_engine, leader, sprint_id)["day"]
    assert sorted({d.weekday() for d in days}) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("today, closed, status", [
    (date(2027, 9, 26), False, "planned"),   # the Sunday before
    (date(2027, 9, 27), False, "running"),   # its Monday
    (date(2027, 10, 1), False, "running"),   # its Friday
    (date(2027, 10, 2), False, "ended"),     # the Saturday after: waiting for the leader
    (date(2027, 9, 29), True, "closed"),     # closed early: closed, whatever the dates say
    (date(2027, 12, 1), True, "closed"),
])
def test_a_sprint_status_follows_its_dates_until_it_is_closed(today, closed, status):
    assert sprints.lifecycle(date(2027, 9, 27), date(2027, 10, 1), closed, today) == status


def test_the_listed_status_follows_the_dates_not_the_stored_one(engine, actor_factory):
    leader = actor_factory("leader")
    week = sprints.create_sprint(engine, leader, name="Uge 39", start=date(2027, 9, 27),
                                 end=date(2027, 10, 1), goal=16)
    status = {day: sprints.list_sprints(engine, leader, today=day).set_index("id").loc[week, "status"]
              for day in (date(2027, 9, 24), date(2027, 9, 29), date(2027, 12, 4))}
    assert list(status.values()) == ["planned", "running", "ended"]
    assert sprints.sprint_status(sprints.get_sprint(engine, leader, week), date(2027, 12, 4)) == "ended"
    sprints.close_sprint(engine, leader, week)
    assert sprints.list_sprints(engine, leader, today=date(2027, 9, 29)).set_index("id").loc[
        week, "status"] == "closed"


def test_the_running_sprint_is_the_teams_own_whose_dates_hold_today(engine, actor_factory):
    leader = actor_factory("leader")
    other = actor_factory("leader")
    mine = sprints.create_sprint(engine, leader, name="Uge 53", start=date(2026, 12, 28),
                                 end=date(2027, 1, 1), goal=5)
    theirs = sprints.create_sprint(engine, other, name="Deres uge", start=date(2026, 12, 28),
                                   end=date(2027, 1, 1), goal=5)
    coming = sprints.create_sprint(engine, leader, name="Uge 2", start=date(2027, 1, 11),
                                   end=date(2027, 1, 15), goal=5)
    friday_week_53 = date(2027, 1, 1)
    assert sprints.running_sprint_id(engine, leader, today=friday_week_53) == mine
    assert sprints.running_sprint_id(engine, other, today=friday_week_53) == theirs
    # The weekend after: nothing runs; the next planned one is offered instead.
    assert sprints.running_sprint_id(engine, leader, today=date(2027, 1, 2)) is None
    assert sprints.next_sprint_id(engine, leader, today=date(2027, 1, 2)) == coming
    assert sprints.current_sprint_id(engine, leader, today=date(2027, 1, 2)) == coming
    # After the last one ended, the latest is shown.
    assert sprints.running_sprint_id(engine, leader, today=date(2027, 2, 1)) is None
    assert sprints.current_sprint_id(engine, leader, today=date(2027, 2, 1)) == coming
