"""Which sprint the meeting screen shows (pinned by the address, else the running one), and the
ended sprints that wait for a leader to close them."""

from datetime import date, timedelta

import pytest

from model import sprint_choice, sprints
from model.access import Actor
from model.errors import AccessDenied

MONDAY = date(2027, 9, 27)  # week 39


@pytest.fixture
def teams(engine, actor_factory, monkeypatch):
    """Two teams, each with a leader and a consultant, at a set date (Monday of week 39)."""
    monkeypatch.setenv("JOBTAVLEN_TODAY", MONDAY.isoformat())
    own = actor_factory("leader")
    other = actor_factory("leader")
    return {"leader": own, "consultant": actor_factory("consultant", team_id=own.team_id),
            "other_leader": other,
            "other_consultant": actor_factory("consultant", team_id=other.team_id)}


def sprint(engine, leader, name: str, start: date) -> int:
    return sprints.create_sprint(engine, leader, name=name, start=start,
                                 end=start + timedelta(days=4), goal=3, team_id=leader.team_id)


def test_without_pins_the_screen_shows_the_teams_running_sprint(engine, teams):
    sprint(engine, teams["leader"], "Sidste uge", MONDAY - timedelta(days=7))
    running = sprint(engine, teams["leader"], "Denne uge", MONDAY)
    sprint(engine, teams["other_leader"], "De andres uge", MONDAY)
    choice = sprint_choice.screen_choice(engine, teams["consultant"])
    assert choice.sprint_id == running
    assert choice.team_id == teams["consultant"].team_id
    assert choice.next_sprint_id is None


def test_a_pinned_team_shows_its_running_sprint_to_the_screen_account(engine, teams, actor_factory):
    theirs = sprint(engine, teams["other_leader"], "De andres uge", MONDAY)
    sprint(engine, teams["leader"], "Denne uge", MONDAY)
    screen = actor_factory("screen")
    choice = sprint_choice.screen_choice(engine, screen, team=str(teams["other_leader"].team_id))
    assert (choice.sprint_id, choice.team_id) == (theirs, teams["other_leader"].team_id)


def test_a_pinned_sprint_wins_over_the_running_one(engine, teams):
    ended = sprint(engine, teams["leader"], "Sidste uge", MONDAY - timedelta(days=7))
    sprint(engine, teams["leader"], "Denne uge", MONDAY)
    choice = sprint_choice.screen_choice(engine, teams["consultant"], sprint=str(ended))
    assert choice.sprint_id == ended


def test_pins_of_another_team_are_ignored_for_a_consultant(engine, teams):
    own = sprint(engine, teams["leader"], "Denne uge", MONDAY)
    theirs = sprint(engine, teams["other_leader"], "De andres uge", MONDAY)
    choice = sprint_choice.screen_choice(engine, teams["consultant"],
                                         team=str(teams["other_leader"].team_id), sprint=str(theirs))
    assert (choice.sprint_id, choice.team_id) == (own, teams["consultant"].team_id)


@pytest.mark.parametrize("pin", ["abc", "-1", "1.5", "", " ", "99999", "١٢"])
def test_a_pin_that_is_no_id_or_names_nothing_is_ignored(engine, teams, pin):
    own = sprint(engine, teams["leader"], "Denne uge", MONDAY)
    choice = sprint_choice.screen_choice(engine, teams["consultant"], team=pin, sprint=pin)
    assert (choice.sprint_id, choice.team_id) == (own, teams["consultant"].team_id)


def test_with_none_running_the_choice_names_the_teams_next_planned_sprint(engine, teams):
    sprint(engine, teams["leader"], "Om to uger", MONDAY + timedelta(days=14))
    soon = sprint(engine, teams["leader"], "Næste uge", MONDAY + timedelta(days=7))
    sprint(engine, teams["other_leader"], "De andres uge", MONDAY + timedelta(days=1))
    choice = sprint_choice.screen_choice(engine, teams["consultant"])
    assert (choice.sprint_id, choice.next_sprint_id) == (None, soon)
    assert choice.team_name == sprint_choice.visible_team(engine, teams["leader"],
                                                          teams["leader"].team_id)[1]


def test_a_team_is_visible_to_its_own_staff_and_to_the_roles_that_see_every_team(
        engine, teams, actor_factory):
    other_team = teams["other_leader"].team_id
    assert sprint_choice.visible_team(engine, teams["consultant"], other_team) is None
    assert sprint_choice.visible_team(engine, teams["other_consultant"], other_team)[0] == other_team
    assert sprint_choice.visible_team(engine, teams["leader"], other_team)[0] == other_team
    assert sprint_choice.visible_team(engine, actor_factory("screen"), other_team)[0] == other_team
    assert sprint_choice.visible_team(engine, teams["leader"], 99999) is None


def test_awaiting_close_lists_the_teams_ended_sprints_that_nobody_closed(engine, teams):
    waiting = sprint(engine, teams["leader"], "Sidste uge", MONDAY - timedelta(days=7))
    closed = sprint(engine, teams["leader"], "For tre uger siden", MONDAY - timedelta(days=21))
    sprints.close_sprint(engine, teams["leader"], closed)
    this_week = sprint(engine, teams["leader"], "Denne uge", MONDAY)
    sprint(engine, teams["other_leader"], "De andres sidste uge", MONDAY - timedelta(days=7))
    assert sprint_choice.awaiting_close(engine, teams["leader"])["id"].tolist() == [waiting]
    # The day after this week ends, it waits too, after the older one.
    later = sprint_choice.awaiting_close(engine, teams["leader"], today=MONDAY + timedelta(days=5))
    assert later["id"].tolist() == [waiting, this_week]


def test_a_screen_account_of_no_team_shows_any_running_sprint_else_names_no_team(engine, teams):
    screen = Actor(user_id=0, username="skaerm", role="screen")
    assert sprint_choice.screen_choice(engine, screen) == sprint_choice.ScreenChoice(
        sprint_id=None, team_id=None, team_name=None, next_sprint_id=None)
    running = sprint(engine, teams["other_leader"], "De andres uge", MONDAY)
    assert sprint_choice.screen_choice(engine, screen).sprint_id == running


def test_the_choice_needs_a_role_that_may_see_the_screen(engine, teams):
    with pytest.raises(AccessDenied):
        sprint_choice.screen_choice(engine, Actor(user_id=0, username="x", role="nobody"))
