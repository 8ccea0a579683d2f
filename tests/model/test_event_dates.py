"""Figures count the day things happened, never the day a row was written.

Every row here is written today (created_at is today's moment), for events of last month, this week
and next month: each figure on Overblik, Mål and Resultater must count each event in its own period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from model import clock, goals, overview, results, sprints
from model.access import Actor
from model.tables import (
    Citizen,
    Company,
    ComparisonGroup,
    Contact,
    FollowUp,
    Goal,
    Initiative,
    Outcome,
    Placement,
    Progression,
    SprintCard,
)

TODAY = date(2026, 12, 3)  # a Thursday; the week began on Monday 30 November
MONDAY = date(2026, 11, 30)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))
NOVEMBER_WEEK = (date(2026, 11, 16), date(2026, 11, 20))


def utc(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    leader: Actor
    team_id: int
    initiative_id: int
    november_sprint: int
    this_week_sprint: int

    def scope_ids(self, scope: str, sprint_id: int) -> dict:
        return {"sprint": {"sprint_id": sprint_id}, "team": {"team_id": self.team_id},
                "initiative": {"initiative_id": self.initiative_id}, "period": {}}[scope]


@pytest.fixture
def world(engine, actor_factory, monkeypatch) -> World:
    """One team on 3 December 2026, every row written today:

    - November's sprint (16-20 November): A's card secured 18 November (placement starts 24
      November); C's card secured 18 November and moved back on the 19th; E's placement credited
      to the sprint without a card, started 25 November and broken off 2 December.
    - This week's sprint: B's card secured today (placement starts 4 January); H's placement
      credited to it without a card starts 2 December, F's on 11 January. G's job (no sprint)
      starts 1 December.
    - Contacts 26 November, Monday 30 November 00:30 (Danish time), 1 and 8 December; agreements
      since 10 November, 1 December and 4 January; outcomes at 3 months measured 10 November (A,
      job) and 1 December (E, benefits); A's progression 4 -> 7 in November; A's and E's follow-ups.
    """
    monkeypatch.setenv(clock.SETTING, TODAY.isoformat())
    leader = actor_factory("leader")
    consultant = actor_factory("consultant", team_id=leader.team_id)
    with Session(engine) as session:
        initiative = Initiative(name="Energi til hinanden")
        session.add(initiative)
        session.flush()
        people = {key: Citizen(first_name=key, last_name="Holm", birth_year=1990,
                               team_id=leader.team_id, initiative_id=initiative.id)
                  for key in "ABCEFGH"}
        company = Company(name="Lager A/S", industry="Lager")
        session.add_all([
            *people.values(), company,
            Company(name="Aftale i november", agreement_kind="samarbejdsaftale",
                    agreement_since=date(2026, 11, 10)),
            Company(name="Aftale i december", agreement_kind="samarbejdsaftale",
                    agreement_since=date(2026, 12, 1)),
            Company(name="Aftale i januar", agreement_kind="partnerskabsaftale",
                    agreement_since=date(2027, 1, 4)),
        ])
        session.commit()
        ids = {key: citizen.id for key, citizen in people.items()}
        company_id, initiative_id = company.id, initiative.id
    november = sprints.create_sprint(engine, leader, name="November-ugen", start=NOVEMBER_WEEK[0],
                                     end=NOVEMBER_WEEK[1], goal=3, team_id=leader.team_id)
    this_week = sprints.create_sprint(engine, leader, name="Denne uge", start=MONDAY,
                                      end=date(2026, 12, 4), goal=2, team_id=leader.team_id)
    cards = {}
    for key, sprint_id, added, moves in (
            ("A", november, utc(11, 16, 8), [("secured", utc(11, 18))]),
            ("C", november, utc(11, 16, 8), [("secured", utc(11, 18, 11)), ("dialogue", utc(11, 19))]),
            ("B", this_week, utc(11, 30, 8), [("secured", None)])):  # None: now, today
        cards[key] = sprints.add_card(engine, leader, sprint_id, citizen_id=ids[key],
                                      consultant_id=consultant.staff_id, now=added)
        version = 1
        for stage, moment in moves:
            version = sprints.move_card(engine, leader, cards[key], stage, expected_version=version,
                                        now=moment)
    with Session(engine) as session:
        def placement(key: str, kind: str, start: date, sprint_id: int | None, **extra) -> Placement:
            row = Placement(citizen_id=ids[key], company_id=company_id, kind=kind, start_date=start,
                            sprint_id=sprint_id, consultant_id=consultant.staff_id,
                            status="planned" if start > TODAY else "active", **extra)
            session.add(row)
            session.flush()
            return row

        started = {
            "A": placement("A", "virksomhedspraktik", date(2026, 11, 24), november),
            "B": placement("B", "virksomhedspraktik", date(2027, 1, 4), this_week),
            "E": placement("E", "virksomhedspraktik", date(2026, 11, 25), november,
                           actual_end_date=date(2026, 12, 2), result="back_on_benefits"),
            "F": placement("F", "loentilskud", date(2027, 1, 11), this_week),
            "G": placement("G", "ordinaert_job", date(2026, 12, 1), None),
            "H": placement("H", "loentilskud", date(2026, 12, 2), this_week),
        }
        started["E"].status = "broken_off"
        for key in "AB":
            card = session.get(SprintCard, cards[key])
            card.placement_id = started[key].id
        session.add_all([
            Contact(company_id=company_id, staff_id=consultant.staff_id, citizen_id=ids["A"],
                    contacted_at=utc(11, 26)),
            Contact(company_id=company_id, staff_id=consultant.staff_id,
                    contacted_at=utc(11, 29, 23, 30)),  # Monday 00:30 in Denmark
            Contact(company_id=company_id, staff_id=consultant.staff_id, contacted_at=utc(12, 1)),
            Contact(company_id=company_id, staff_id=consultant.staff_id, contacted_at=utc(12, 8)),
            Outcome(citizen_id=ids["A"], measured_at=date(2026, 11, 10), months_after_start=3,
                    status="job"),
            Outcome(citizen_id=ids["E"], measured_at=date(2026, 12, 1), months_after_start=3,
                    status="benefits"),
            Progression(citizen_id=ids["A"], measured_at=date(2026, 11, 5), score=4),
            Progression(citizen_id=ids["A"], measured_at=date(2026, 11, 20), score=7),
            ComparisonGroup(initiative_id=initiative_id, label="Normal indsats", month=3, n=20,
                            reached=6),
            FollowUp(placement_id=started["A"].id, due_date=date(2026, 11, 25),
                     done_at=utc(11, 25, 22, 30)),  # 23:30 in Denmark: on time
            FollowUp(placement_id=started["A"].id, due_date=date(2026, 11, 26), done_at=utc(11, 27)),
            FollowUp(placement_id=started["A"].id, due_date=date(2026, 12, 1)),  # overdue
            FollowUp(placement_id=started["E"].id, due_date=date(2026, 11, 27)),  # missed
        ])
        session.commit()
    return World(leader, leader.team_id, initiative_id, november, this_week)


def test_every_row_of_the_world_is_written_today(engine, world):
    # The premise: a figure counting by created_at would put every placement and company in today.
    with Session(engine) as session:
        written = [*session.exec(select(Placement.created_at)).all(),
                   *session.exec(select(Company.created_at)).all(),
                   *session.exec(select(Citizen.created_at)).all()]
    assert {clock.local_day(moment.replace(tzinfo=moment.tzinfo or UTC)) for moment in written} == {TODAY}
    assert clock.today() == TODAY


def test_overblik_counts_the_week_by_the_days_things_happened(engine, world):
    numbers = overview.week_numbers(engine, world.leader, today=clock.today())
    assert (numbers.start, numbers.end) == (MONDAY, TODAY)
    assert numbers.placements_started == 2  # G on 1 December, H on the 2nd
    assert numbers.cards_secured == 2  # B's card today, H's placement without a card
    assert numbers.outreach_contacts == 2  # Monday 00:30 and 1 December, not 26 November or 8 December
    assert numbers.new_agreements == 1  # since 1 December


def make_goal(engine, world: World, *, metric: str, scope: str, period: tuple[date, date],
              sprint_id: int | None = None, target: float = 12) -> Goal:
    goal_id = goals.create_goal(engine, world.leader, name=f"{metric} {scope} {period[0]:%m}",
                                scope=scope, metric=metric,
                                target=0.5 if metric == goals.SHARE else target,
                                period_start=period[0], period_end=period[1],
                                months=3 if metric == goals.SHARE else None,
                                **world.scope_ids(scope, sprint_id))
    with Session(engine) as session:
        return session.get(Goal, goal_id)


# Per metric: (November, December up to today), for a team goal (a period goal for agreements).
EXPECTED = {
    "secured_placements": (2, 2),  # A's card and E's placement; B's card and H's placement
    "placements_started": (2, 2),  # A and E; G and H (B and F start in January)
    "share_job_or_education": (1.0, 0.0),  # A in job; E on benefits
    "outreach_contacts": (2, 1),  # 26 and 30 November (00:30 Danish time); 1 December
    "companies_with_agreement": (1, 2),  # a level: since 10 November; and 1 December
}


def test_expected_values_cover_every_goal_metric():
    assert set(EXPECTED) == set(goals.METRICS)


def test_every_goal_metric_counts_each_event_in_its_own_month(engine, world):
    made = []
    for metric, (in_november, in_december) in EXPECTED.items():
        scope = "period" if metric in goals.PERIOD_ONLY_METRICS else "team"
        for period, expected in ((NOVEMBER, in_november), (DECEMBER, in_december)):
            goal = make_goal(engine, world, metric=metric, scope=scope, period=period)
            made.append((goal.id, expected))
            value = goals.goal_value(engine, world.leader, goal, upto=clock.today())
            assert value == pytest.approx(expected), (metric, period)
    listed = goals.list_goals(engine, world.leader, today=clock.today()).set_index("id")
    assert [listed.loc[goal_id, "current"] for goal_id, _ in made] == \
        pytest.approx([expected for _, expected in made])


@pytest.mark.parametrize("scope", goals.SCOPES)
def test_secured_placements_count_by_the_day_secured_in_every_scope(engine, world, scope):
    for period, sprint_id in ((NOVEMBER, world.november_sprint), (DECEMBER, world.this_week_sprint)):
        goal = make_goal(engine, world, metric="secured_placements", scope=scope, period=period,
                         sprint_id=sprint_id)
        assert goals.goal_value(engine, world.leader, goal, upto=clock.today()) == 2, period
    # F's placement for this week's sprint is secured on its start date, 11 January.
    whole = make_goal(engine, world, metric="secured_placements", scope=scope,
                      period=(DECEMBER[0], date(2027, 1, 31)), sprint_id=world.this_week_sprint)
    assert goals.goal_value(engine, world.leader, whole, upto=date(2027, 1, 10)) == 2
    assert goals.goal_value(engine, world.leader, whole, upto=date(2027, 1, 11)) == 3


def test_the_projection_runs_at_the_pace_of_the_events(engine, world):
    # The defect: 23 of 12 and a forecast of 178,2 when 2 were secured in the month.
    goal = make_goal(engine, world, metric="secured_placements", scope="team", period=DECEMBER)
    row = goals.list_goals(engine, world.leader, today=clock.today()).set_index("id").loc[goal.id]
    assert row["current"] == 2
    assert row["projected"] == pytest.approx(2 * 31 / 3)  # two in three of December's 31 days
    assert row["status"] == "on_track"
    projected, status = goals.projection(goal, 2, clock.today())
    assert (projected, status) == (pytest.approx(row["projected"]), row["status"])


def test_goal_history_counts_each_week_by_event_days(engine, world):
    secured = make_goal(engine, world, metric="secured_placements", scope="team", period=NOVEMBER)
    history = goals.goal_history(engine, world.leader, secured.id, today=clock.today())
    assert list(history["week"]) == [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9),
                                     date(2026, 11, 16), date(2026, 11, 23), MONDAY]
    assert list(history["upto"])[-1] == NOVEMBER[1]
    assert list(history["value"]) == [0, 0, 0, 1, 2, 2]  # A's card; E's placement (C moved back)
    started = make_goal(engine, world, metric="placements_started", scope="team", period=DECEMBER)
    history = goals.goal_history(engine, world.leader, started.id, today=clock.today())
    assert list(zip(history["week"], history["upto"], history["value"])) == [(MONDAY, TODAY, 2)]
    contacts = make_goal(engine, world, metric="outreach_contacts", scope="team", period=NOVEMBER)
    history = goals.goal_history(engine, world.leader, contacts.id, today=clock.today())
    assert list(history["value"]) == [0, 0, 0, 0, 1, 2]  # 26 November; Monday 30th 00:30


def test_a_card_that_left_secured_stops_counting_as_in_the_burn_up(engine, world):
    goal = make_goal(engine, world, metric="secured_placements", scope="sprint",
                     period=NOVEMBER_WEEK, sprint_id=world.november_sprint)
    burn_up = sprints.burn_up(engine, world.leader, world.november_sprint)
    values = [goals.goal_value(engine, world.leader, goal, upto=day) for day in burn_up["day"]]
    assert values == list(burn_up["secured"]) == [0, 0, 2, 1, 1]  # C secured on the 18th, back on the 19th


def test_resultater_counts_each_event_in_its_own_period(engine, world):
    leader, today = world.leader, clock.today()
    autumn = results.Filter(start=NOVEMBER[0], end=DECEMBER[1])
    november = results.Filter(start=NOVEMBER[0], end=NOVEMBER[1])
    december = results.Filter(start=DECEMBER[0], end=DECEMBER[1])

    weekly = results.placements_per_week(engine, leader, autumn, today=today)
    assert [tuple(row) for row in weekly[["week", "kind", "started", "ended"]].itertuples(index=False)] == [
        (date(2026, 11, 23), "virksomhedspraktik", 2, 0),
        (MONDAY, "loentilskud", 1, 0),
        (MONDAY, "ordinaert_job", 1, 0),
        (MONDAY, "virksomhedspraktik", 0, 1),
    ]
    active = results.active_per_week(engine, leader, autumn, today=today)
    assert list(active["active"]) == [0, 0, 0, 0, 2, 4]  # weeks from 26 October

    shares = results.outcome_shares(engine, leader, november, min_size=1)
    assert list(zip(shares["months"], shares["n"], shares["successes"])) == [(3, 1, 1)]
    shares = results.outcome_shares(engine, leader, december, min_size=1)
    assert list(zip(shares["months"], shares["n"], shares["successes"])) == [(3, 1, 0)]
    compared = results.comparison(engine, leader, november, min_size=1)
    assert list(zip(compared["n"], compared["reached"])) == [(1, 1)]

    history = results.sprint_history(engine, leader, autumn, today=today)
    assert list(zip(history["sprint"], history["secured"], history["cards"])) == [
        ("November-ugen", 2, 2), ("Denne uge", 2, 1)]
    assert history.equals(results.sprint_history(engine, leader, autumn))  # the clock's today

    for flt, citizens in ((november, 2), (december, 2)):  # A and E; G and H (not B's or F's January)
        companies = results.top_companies(engine, leader, flt, today=today)
        assert list(zip(companies["company"], companies["citizens"])) == [("Lager A/S", citizens)]
        industries = results.top_industries(engine, leader, flt, today=today)
        assert list(zip(industries["industry"], industries["placements"])) == [("Lager", citizens)]
    agreements = results.new_agreements(engine, leader, autumn, today=today)
    assert list(zip(agreements["month"], agreements["agreements"])) == [(NOVEMBER[0], 1), (DECEMBER[0], 1)]

    punctuality = results.follow_up_punctuality(engine, leader, autumn, today=today)
    assert [tuple(row) for row in punctuality[["month", "due", "on_time", "late", "overdue", "missed"]]
            .itertuples(index=False)] == [(NOVEMBER[0], 3, 1, 1, 0, 1), (DECEMBER[0], 1, 0, 0, 1, 0)]

    change = results.progression_change(engine, leader, november, min_size=1)
    assert list(zip(change["change"], change["citizens"])) == [(3, 1)]
    assert results.progression_change(engine, leader, december, min_size=1).empty

    jobs = results.first_job_retention(engine, leader, december, today=today, min_size=1)
    assert set(jobs["n"]) == {1}  # G's job from 1 December
    assert results.first_job_retention(engine, leader, november, today=today, min_size=1).empty
