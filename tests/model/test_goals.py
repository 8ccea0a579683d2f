"""Mål: goals, their values per metric and scope, status at fixed dates, history and who may change them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from model import goals, sprints
from model.access import Actor
from model.errors import AccessDenied, ValidationError
from model.tables import AuditLog, Citizen, Company, Contact, Goal, Initiative, Outcome, Placement
from tests.conftest import demo_actor

MONDAY = date(2026, 9, 21)
FRIDAY = date(2026, 9, 25)
PERIOD = (MONDAY, date(2026, 10, 18))


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class World:
    leader: Actor
    consultant: Actor
    other: Actor
    sprint_id: int
    initiative_id: int

    def scope_ids(self, scope: str) -> dict:
        return {"sprint": {"sprint_id": self.sprint_id}, "team": {"team_id": self.leader.team_id},
                "initiative": {"initiative_id": self.initiative_id}, "period": {}}[scope]


@pytest.fixture
def world(engine, actor_factory) -> World:
    """Two teams, a sprint of team 1 with three cards (A and B secured, C secured then moved back),
    citizen D of team 2; A and D in one initiative; placements, outcomes, contacts and companies."""
    leader = actor_factory("leader")
    consultant = actor_factory("consultant", team_id=leader.team_id)
    other = actor_factory("consultant")
    with Session(engine) as session:
        initiative = Initiative(name="Jobløft")
        session.add(initiative)
        session.flush()
        people = {
            key: Citizen(first_name=key, last_name="Hansen", birth_year=1990, team_id=team,
                         initiative_id=initiative.id if key in "AD" else None)
            for key, team in (("A", leader.team_id), ("B", leader.team_id), ("C", leader.team_id),
                              ("D", other.team_id))
        }
        companies = [Company(name="X"),
                     Company(name="Y", agreement_kind="samarbejdsaftale", agreement_since=date(2026, 9, 1)),
                     Company(name="Z", agreement_kind="partnerskabsaftale",
                             agreement_since=date(2026, 10, 10))]
        session.add_all([*people.values(), *companies])
        session.commit()
        ids = {key: citizen.id for key, citizen in people.items()}
        company_id, initiative_id = companies[0].id, initiative.id
    sprint_id = sprints.create_sprint(engine, leader, name="Uge 39", start=MONDAY, end=FRIDAY, goal=2,
                                      team_id=leader.team_id)
    for key, secured_on, back in (("A", 22, False), ("B", 23, False), ("C", 22, True)):
        card = sprints.add_card(engine, leader, sprint_id, citizen_id=ids[key],
                                consultant_id=consultant.staff_id, now=at(9, 21, 8))
        version = sprints.move_card(engine, leader, card, "secured", expected_version=1,
                                    now=at(9, secured_on))
        if back:
            sprints.move_card(engine, leader, card, "dialogue", expected_version=version,
                              now=at(9, 24))
    with Session(engine) as session:
        session.add_all([
            Placement(citizen_id=ids["A"], company_id=company_id, kind="virksomhedspraktik",
                      start_date=date(2026, 9, 28), sprint_id=sprint_id, created_at=at(9, 22)),
            Placement(citizen_id=ids["B"], company_id=company_id, kind="virksomhedspraktik",
                      start_date=date(2026, 10, 5), sprint_id=sprint_id, created_at=at(9, 23)),
            Placement(citizen_id=ids["D"], company_id=company_id, kind="loentilskud",
                      start_date=date(2026, 9, 30), created_at=at(9, 24)),
            Placement(citizen_id=ids["D"], company_id=company_id, kind="loentilskud",
                      start_date=date(2026, 11, 2), sprint_id=sprint_id, created_at=at(9, 25)),
            Outcome(citizen_id=ids["A"], measured_at=date(2026, 10, 1), months_after_start=6, status="job"),
            Outcome(citizen_id=ids["B"], measured_at=date(2026, 10, 2), months_after_start=6,
                    status="benefits"),
            Outcome(citizen_id=ids["D"], measured_at=date(2026, 10, 3), months_after_start=6,
                    status="education"),
            Outcome(citizen_id=ids["C"], measured_at=date(2026, 10, 1), months_after_start=3, status="job"),
            Outcome(citizen_id=ids["C"], measured_at=date(2026, 11, 1), months_after_start=6, status="job"),
            Contact(company_id=company_id, staff_id=consultant.staff_id, citizen_id=ids["A"],
                    contacted_at=at(9, 22)),
            Contact(company_id=company_id, staff_id=consultant.staff_id, contacted_at=at(9, 29)),
            Contact(company_id=company_id, staff_id=other.staff_id, citizen_id=ids["D"],
                    contacted_at=at(9, 23)),
            Contact(company_id=company_id, staff_id=leader.staff_id, contacted_at=at(10, 30)),
        ])
        session.commit()
    return World(leader, consultant, other, sprint_id, initiative_id)


def make_goal(engine, world: World, *, metric: str, scope: str, target: float = 1,
              period: tuple[date, date] = PERIOD, **extra) -> int:
    months = 6 if metric == goals.SHARE else None
    return goals.create_goal(engine, world.leader, name=f"{metric} {scope}", scope=scope, metric=metric,
                             target=target, period_start=period[0], period_end=period[1], months=months,
                             **world.scope_ids(scope), **extra)


def load(engine, goal_id: int) -> Goal:
    with Session(engine) as session:
        return session.get(Goal, goal_id)


@pytest.mark.parametrize("metric, scope, expected", [
    ("secured_placements", "sprint", 2),  # A and B; C left "secured" again
    ("secured_placements", "team", 2),  # cards A and B
    ("secured_placements", "initiative", 1),  # A; D's sprint placement without a card starts later
    ("secured_placements", "period", 2),
    ("placements_started", "sprint", 2),  # D's sprint placement starts after the period
    ("placements_started", "team", 2),
    ("placements_started", "initiative", 2),  # A and D
    ("placements_started", "period", 3),
    ("share_job_or_education", "sprint", 1 / 2),  # A job, B benefits; C's 6-month is later
    ("share_job_or_education", "team", 1 / 2),
    ("share_job_or_education", "initiative", 1.0),  # A job, D education
    ("share_job_or_education", "period", 2 / 3),
    ("outreach_contacts", "sprint", 2),  # by the sprint's consultant
    ("outreach_contacts", "team", 2),  # the leader's own contact lies after the period
    ("outreach_contacts", "initiative", 2),  # about A and D
    ("outreach_contacts", "period", 3),
    ("companies_with_agreement", "period", 2),
])
def test_goal_value_counts_the_metric_for_the_scope(engine, world, metric, scope, expected):
    goal = load(engine, make_goal(engine, world, metric=metric, scope=scope))
    assert goals.goal_value(engine, world.leader, goal, upto=PERIOD[1]) == pytest.approx(expected)


@pytest.mark.parametrize("metric, upto, expected", [
    ("secured_placements", date(2026, 9, 22), 2),  # A and C, secured that day
    ("secured_placements", date(2026, 9, 23), 3),  # and B
    ("secured_placements", date(2026, 9, 24), 2),  # C left "secured" again, as in the burn-up
    ("placements_started", date(2026, 9, 29), 1),
    ("companies_with_agreement", date(2026, 9, 30), 1),
    ("outreach_contacts", date(2026, 9, 20), 0),  # before the period
    ("outreach_contacts", date(2026, 12, 31), 3),  # capped at the period's end
])
def test_goal_value_counts_up_to_the_given_day(engine, world, metric, upto, expected):
    goal = load(engine, make_goal(engine, world, metric=metric, scope="period"))
    assert goals.goal_value(engine, world.leader, goal, upto=upto) == expected


@pytest.mark.parametrize("scope, expected", [("sprint", 3), ("initiative", 2), ("period", 3)])
def test_a_sprint_placement_without_a_card_counts_as_secured_on_its_start_date(engine, world, scope,
                                                                               expected):
    # D has no card on the sprint's board; the placement credited to the sprint starts 2 November.
    goal = load(engine, make_goal(engine, world, metric="secured_placements", scope=scope,
                                  period=(MONDAY, date(2026, 11, 30))))
    assert goals.goal_value(engine, world.leader, goal, upto=date(2026, 11, 1)) == expected - 1
    assert goals.goal_value(engine, world.leader, goal, upto=date(2026, 11, 2)) == expected


def test_period_scope_counts_only_what_a_consultant_may_see(engine, world):
    goal = load(engine, make_goal(engine, world, metric="placements_started", scope="period"))
    assert goals.goal_value(engine, world.consultant, goal, upto=PERIOD[1]) == 2  # not D's


@pytest.mark.parametrize("target, today, current, projected, status", [
    (2, FRIDAY, 2, 2, "reached"),
    (3, date(2026, 9, 22), 2, 5, "on_track"),  # A and C (not yet moved back) in two days of five
    (6, date(2026, 9, 22), 2, 5, "at_risk"),
    (3, date(2026, 9, 28), 2, 2, "missed"),
    (3, date(2026, 9, 20), 0, 0, "on_track"),  # not started
])
def test_list_goals_shows_value_projection_and_status(engine, world, target, today, current,
                                                      projected, status):
    make_goal(engine, world, metric="secured_placements", scope="sprint", target=target,
              period=(MONDAY, FRIDAY))
    row = goals.list_goals(engine, world.leader, today=today).iloc[0]
    assert (row["current"], row["projected"], row["status"]) == (current, pytest.approx(projected), status)
    assert (row["scope_name"], row["owner"]) == ("Uge 39", world.leader.name)


def test_a_share_short_of_its_target_is_at_risk_without_projection(engine, world):
    make_goal(engine, world, metric=goals.SHARE, scope="team", target=0.6)
    row = goals.list_goals(engine, world.leader, today=date(2026, 10, 10)).iloc[0]
    assert (row["current"], row["projected"], row["status"]) == (0.5, 0.5, "at_risk")


def test_goal_history_gives_the_value_at_the_end_of_each_week(engine, world):
    goal_id = make_goal(engine, world, metric="placements_started", scope="team")
    history = goals.goal_history(engine, world.leader, goal_id, today=date(2026, 10, 7))
    assert list(history["week"]) == [MONDAY, date(2026, 9, 28), date(2026, 10, 5)]
    assert list(history["upto"]) == [date(2026, 9, 27), date(2026, 10, 4), date(2026, 10, 7)]
    assert list(history["value"]) == [0, 1, 2]
    assert set(history["target"]) == {1}


def test_goal_history_is_empty_before_the_period(engine, world):
    goal_id = make_goal(engine, world, metric="placements_started", scope="team")
    assert goals.goal_history(engine, world.leader, goal_id, today=date(2026, 9, 1)).empty


VALID = {"name": "Sikrede forløb", "scope": "period", "metric": "secured_placements", "target": 10,
         "period_start": MONDAY, "period_end": FRIDAY}


@pytest.mark.parametrize("changes, key", [
    ({"name": "  "}, "error.goal_name_required"),
    ({"scope": "region"}, "error.goal_unknown_scope"),
    ({"metric": "smiles"}, "error.goal_unknown_metric"),
    ({"scope": "sprint"}, "error.goal_sprint_required"),
    ({"scope": "team"}, "error.goal_team_required"),
    ({"scope": "initiative"}, "error.goal_initiative_required"),
    ({"scope": "team", "team_id": 999_999}, "error.goal_scope_not_found"),
    ({"scope": "team", "metric": "companies_with_agreement", "use_team": True},
     "error.goal_metric_needs_period_scope"),
    ({"period_end": date(2026, 9, 20)}, "error.goal_end_before_start"),
    ({"period_start": None}, "error.goal_period_required"),
    ({"target": 0}, "error.goal_target_positive"),
    ({"target": -3}, "error.goal_target_positive"),
    ({"metric": goals.SHARE, "target": 60, "months": 6}, "error.goal_share_target_range"),
    ({"metric": goals.SHARE, "target": 0.6}, "error.goal_months_required"),
    ({"metric": goals.SHARE, "target": 0.6, "months": 9}, "error.goal_months_required"),
    ({"months": 6}, "error.goal_months_only_for_share"),
    ({"owner_id": 999_999}, "error.goal_owner_not_found"),
])
def test_create_goal_refuses_bad_input_and_writes_nothing(engine, actor_factory, changes, key):
    leader = actor_factory("leader")
    fields = {**VALID, **changes}
    if fields.pop("use_team", False):
        fields["team_id"] = leader.team_id
    with pytest.raises(ValidationError) as refused:
        goals.create_goal(engine, leader, **fields)
    assert refused.value.key == key
    with Session(engine) as session:
        assert session.exec(select(Goal)).all() == []


def test_create_update_and_delete_are_audited(engine, actor_factory):
    leader = actor_factory("leader")
    goal_id = goals.create_goal(engine, leader, **VALID)
    goals.update_goal(engine, leader, goal_id, expected_version=1,
                      **{**VALID, "scope": "team", "team_id": leader.team_id, "target": 12,
                         "owner_id": leader.staff_id})
    goal = load(engine, goal_id)
    assert (goal.scope, goal.team_id, goal.target, goal.owner_id) == ("team", leader.team_id, 12,
                                                                      leader.staff_id)
    goals.delete_goal(engine, leader, goal_id)
    with Session(engine) as session:
        assert session.get(Goal, goal_id) is None
        actions = session.exec(select(AuditLog.action).where(AuditLog.table_name == "goal",
                                                             AuditLog.row_id == goal_id)
                               .order_by(AuditLog.id)).all()
    assert actions == ["create", "update", "delete"]


def test_create_goal_keeps_only_the_id_of_its_scope(engine, actor_factory):
    leader = actor_factory("leader")
    goal_id = goals.create_goal(engine, leader, **VALID, team_id=leader.team_id)
    assert load(engine, goal_id).team_id is None


def test_a_consultant_sees_goals_but_cannot_change_them(engine, actor_factory):
    leader = actor_factory("leader")
    consultant = actor_factory("consultant", team_id=leader.team_id)
    goal_id = goals.create_goal(engine, leader, **VALID)
    with pytest.raises(AccessDenied):
        goals.create_goal(engine, consultant, **VALID)
    with pytest.raises(AccessDenied):
        goals.update_goal(engine, consultant, goal_id, expected_version=1, **{**VALID, "target": 1})
    with pytest.raises(AccessDenied):
        goals.delete_goal(engine, consultant, goal_id)
    listed = goals.list_goals(engine, consultant, today=MONDAY)
    assert list(listed["id"]) == [goal_id]
    assert load(engine, goal_id).target == 10


def test_the_meeting_screen_account_cannot_read_goals(engine, actor_factory):
    with pytest.raises(AccessDenied):
        goals.list_goals(engine, actor_factory("screen"), today=MONDAY)


def test_the_demo_broendby_goal_of_16_is_reached_with_21(demo_engine):
    leader = demo_actor(demo_engine, "leder")
    sprint = sprints.list_sprints(demo_engine, leader).set_index("name").loc["Uge 39 – Brøndby"]
    goal_id = goals.create_goal(demo_engine, leader, name="Uge 39", scope="sprint",
                                metric="secured_placements", target=16,
                                period_start=sprint["start_date"], period_end=sprint["end_date"],
                                sprint_id=int(sprint["id"]))
    # The demo sets goals of its own: find this one by id.
    row = goals.list_goals(demo_engine, leader, today=sprint["end_date"]).set_index("id").loc[goal_id]
    assert (row["current"], row["status"]) == (21, "reached")


@pytest.mark.parametrize("day, first, last", [
    (date(2026, 11, 28), date(2026, 10, 1), date(2026, 12, 31)),
    (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
    (date(2028, 2, 29), date(2028, 1, 1), date(2028, 3, 31)),
    (date(2026, 6, 30), date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 9, 21), date(2026, 7, 1), date(2026, 9, 30)),
])
def test_quarter_is_the_calendar_quarter_of_the_day(day, first, last):
    assert goals.quarter(day) == (first, last)


@pytest.mark.parametrize("day, expected", [
    (date(2026, 9, 20), 0),  # before the start
    (MONDAY, 2),  # one day of five: 10 * 1/5
    (date(2026, 9, 23), 6),
    (FRIDAY, 10),
    (date(2026, 10, 1), 10),  # after the end
])
def test_pace_to_target_rises_evenly_from_the_start_to_the_target(day, expected):
    assert goals.pace_to_target(10, MONDAY, FRIDAY, day) == pytest.approx(expected)


@pytest.mark.parametrize("current, today", [(2, MONDAY), (5.9, date(2026, 9, 23)), (6, date(2026, 9, 23))])
def test_at_or_above_the_pace_is_on_track(current, today):
    goal = Goal(scope="period", metric="placements_started", target=10, period_start=MONDAY,
                period_end=FRIDAY)
    above = current >= goals.pace_to_target(10, MONDAY, FRIDAY, today)
    assert (goals.projection(goal, current, today)[1] in ("on_track", "reached")) == above


def test_scope_choices_lists_sprints_teams_initiatives_and_owners(engine, world):
    choices = goals.scope_choices(engine, world.consultant)
    assert choices["sprint"][["id", "name", "start_date", "end_date"]].values.tolist() == [
        [world.sprint_id, "Uge 39", MONDAY, FRIDAY]]
    assert set(choices["team"]["id"]) == {world.leader.team_id, world.other.team_id}
    assert choices["initiative"]["name"].tolist() == ["Jobløft"]
    assert set(choices["owner"]["id"]) == {world.leader.staff_id, world.consultant.staff_id,
                                           world.other.staff_id}
