"""Resultater: every chart's numbers on small hand-made data, by hand, on SQLite and PostgreSQL;
the figures show the same numbers; comparison groups by hand and by import."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlmodel import Session, select

from model import auth, charts, i18n, importing, results, stats
from model.access import Actor
from model.errors import AccessDenied, ValidationError
from model.tables import (
    AuditLog,
    Citizen,
    Company,
    ComparisonGroup,
    FollowUp,
    HousingArea,
    Initiative,
    Outcome,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    Staff,
    StageChange,
    Team,
)

TODAY = date(2026, 6, 30)
YEAR = results.Filter(start=date(2026, 1, 1), end=TODAY)


@dataclass
class World:
    """Two teams, two initiatives, two housing areas, four companies, a leader and a consultant."""

    engine: object
    team_a: int
    team_b: int
    energi: int
    stv: int
    vest: int
    oest: int
    companies: list[int]
    leader: object
    consultant: object

    def citizen(self, session: Session, name: str, *, team: str = "a", initiative: str = "energi",
                area: str = "vest", target_group: str = "unge") -> int:
        citizen = Citizen(first_name=name, last_name="Test", birth_year=1995, target_group=target_group,
                          team_id=self.team_a if team == "a" else self.team_b,
                          initiative_id=getattr(self, initiative), housing_area_id=getattr(self, area))
        session.add(citizen)
        session.flush()
        return citizen.id

    def placement(self, session: Session, citizen_id: int, kind: str, start: date, *,
                  end: date | None = None, status: str | None = None, result: str | None = None,
                  company: int = 0) -> int:
        placement = Placement(citizen_id=citizen_id, company_id=self.companies[company], kind=kind,
                              start_date=start, actual_end_date=end, result=result,
                              status=status or ("completed" if end else "active"))
        session.add(placement)
        session.flush()
        return placement.id


def quick_actor(engine, role: str, team_id: int | None = None) -> Actor:
    """A user without a password (no slow hashing): results need a role, a team and a user id."""
    with Session(engine) as session:
        if team_id is None:
            team = Team(name=f"Team {role}")
            session.add(team)
            session.flush()
            team_id = team.id
        staff = Staff(name=f"Test {role}", initials="TT", role=role, team_id=team_id)
        session.add(staff)
        session.flush()
        user = auth.create_user(session, username=f"{role}-{team_id}-{staff.id}", role=role,
                                staff_id=staff.id)
        session.commit()
        return Actor(user_id=user.id, username=user.username, role=role, staff_id=staff.id,
                     team_id=team_id, name=staff.name)


@pytest.fixture
def world(engine) -> World:
    with Session(engine) as session:
        teams = [Team(name="Team A"), Team(name="Team B")]
        initiatives = [Initiative(name="Energi til hinanden"), Initiative(name="STV")]
        areas = [HousingArea(name="Vestparken", municipality="Esbjerg"),
                 HousingArea(name="Østparken", municipality="Esbjerg")]
        companies = [
            Company(name="Bageriet", industry="Bager", agreement_kind="samarbejdsaftale",
                    agreement_since=date(2026, 2, 10)),
            Company(name="Lageret", industry="Lager", agreement_kind="samarbejdsaftale",
                    agreement_since=date(2026, 3, 5)),
            Company(name="Kantinen", industry="Køkken"),
            Company(name="Gamle Aftale", industry="Køkken", agreement_kind="partnerskabsaftale",
                    agreement_since=date(2025, 12, 1)),
        ]
        session.add_all([*teams, *initiatives, *areas, *companies])
        session.commit()
        ids = [row.id for row in (*teams, *initiatives, *areas)]
        company_ids = [c.id for c in companies]
    return World(engine, *ids, company_ids, quick_actor(engine, "leader"),
                 quick_actor(engine, "consultant", team_id=ids[0]))


def _plain(value):
    """A cell as compared: missing as None, floats rounded to 9 decimals."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 9) if isinstance(value, float) else value


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in frame[columns].itertuples(index=False)]


def rounded(expected: list[tuple]) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in expected]


# --- Data for each chart -------------------------------------------------------------------------

def add_outcomes(world: World) -> None:
    """Energi: six in team A (3 of 6 in job or education at 3 months; 3 measured at 6 months) and one
    in team B (job); STV: five in Østparken, one in job. One measurement lies before the period."""
    with Session(world.engine) as session:
        energi = [world.citizen(session, f"E{i}") for i in range(6)]
        for citizen, status in zip(energi, ["job", "education", "benefits", "job_with_benefits", "job",
                                            "other"]):
            session.add(Outcome(citizen_id=citizen, measured_at=date(2026, 3, 1), months_after_start=3,
                                status=status))
        for citizen, status in zip(energi, ["job", "job", "benefits"]):
            session.add(Outcome(citizen_id=citizen, measured_at=date(2026, 5, 1), months_after_start=6,
                                status=status))
        other_team = world.citizen(session, "B1", team="b")
        session.add(Outcome(citizen_id=other_team, measured_at=date(2026, 3, 2), months_after_start=3,
                            status="job"))
        stv = [world.citizen(session, f"S{i}", initiative="stv", area="oest", target_group="voksne")
               for i in range(5)]
        for citizen, status in zip(stv, ["job", "benefits", "benefits", "benefits", "other"]):
            session.add(Outcome(citizen_id=citizen, measured_at=date(2026, 3, 1), months_after_start=3,
                                status=status))
        session.add(Outcome(citizen_id=stv[0], measured_at=date(2025, 12, 1), months_after_start=12,
                            status="job"))
        # E0 and S0 had an internship, which the kind filter and the kind grouping look at.
        world.placement(session, energi[0], "virksomhedspraktik", date(2025, 11, 1), end=date(2025, 12, 1))
        world.placement(session, stv[0], "virksomhedspraktik", date(2025, 11, 1), end=date(2025, 12, 1))
        session.commit()


def add_week_placements(world: World) -> None:
    """Placements around June 2026 (weeks starting 1 and 8 June); one in team B, one not started."""
    with Session(world.engine) as session:
        a, b, c, d, e = (world.citizen(session, f"P{i}") for i in range(5))
        other_team = world.citizen(session, "PB", team="b")
        world.placement(session, a, "virksomhedspraktik", date(2026, 6, 1), end=date(2026, 6, 10))
        world.placement(session, b, "virksomhedspraktik", date(2026, 6, 3))
        world.placement(session, c, "loentilskud", date(2026, 6, 9))
        world.placement(session, d, "ordinaert_job", date(2026, 7, 6), status="planned")
        world.placement(session, e, "loentilskud", date(2026, 5, 4), end=date(2026, 5, 29))
        world.placement(session, other_team, "virksomhedspraktik", date(2026, 6, 2))
        session.commit()


def add_first_jobs(world: World) -> None:
    """First jobs from 1 January 2026: lost after 30, 60 and 60 days; censored at 45 (education),
    90 and 180 days (still running). Two STV citizens, and one whose first job came in 2025."""
    start = date(2026, 1, 1)
    with Session(world.engine) as session:
        k = [world.citizen(session, f"K{i}") for i in range(8)]
        world.placement(session, k[0], "ordinaert_job", start, end=date(2026, 1, 31), status="broken_off",
                        result="back_on_benefits")
        world.placement(session, k[1], "ordinaere_timer", start, end=date(2026, 3, 2),
                        result="back_on_benefits")
        world.placement(session, k[2], "laerlingeplads", start, end=date(2026, 2, 15), result="education")
        world.placement(session, k[3], "ordinaert_job", start)
        world.placement(session, k[4], "ordinaert_job", start, end=date(2026, 3, 2), result="other")
        world.placement(session, k[5], "ordinaert_job", date(2025, 6, 1), end=date(2025, 7, 1),
                        status="broken_off", result="back_on_benefits")
        world.placement(session, k[5], "ordinaert_job", date(2026, 2, 1))
        world.placement(session, k[6], "virksomhedspraktik", date(2025, 12, 1), end=date(2026, 3, 1),
                        result="continued_placement")
        world.placement(session, k[6], "ordinaert_job", date(2026, 4, 1))
        world.placement(session, k[7], "ordinaert_job", date(2026, 7, 10), status="planned")
        for name in ("J1", "J2"):
            citizen = world.citizen(session, name, initiative="stv")
            world.placement(session, citizen, "ordinaert_job", date(2026, 2, 1))
        session.commit()


def add_progression(world: World) -> None:
    """Five citizens with two or more scores in the period: changes +3, 0, +2, -1, +2."""
    scores = {
        "Q1": [(date(2026, 1, 10), 3), (date(2026, 3, 10), 5), (date(2026, 5, 10), 6)],
        "Q2": [(date(2026, 2, 1), 4), (date(2026, 4, 1), 4)],
        "Q3": [(date(2026, 1, 15), 5), (date(2026, 6, 1), 7)],
        "Q4": [(date(2026, 1, 15), 6), (date(2026, 2, 15), 5)],
        "Q5": [(date(2026, 1, 20), 2), (date(2026, 3, 20), 4)],
        "Q6": [(date(2026, 2, 1), 5)],
        "Q7": [(date(2025, 11, 1), 1), (date(2026, 2, 1), 5)],
    }
    with Session(world.engine) as session:
        for name, measured in scores.items():
            citizen = world.citizen(session, name)
            session.add_all([Progression(citizen_id=citizen, measured_at=day, score=score)
                             for day, score in measured])
            if name == "Q2":
                session.add(Progression(citizen_id=citizen, measured_at=date(2026, 5, 1), score=10,
                                        scale="selvtillid"))
        session.commit()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def add_sprints(world: World) -> None:
    """Team A's March sprint (goal 3, 2 secured after 2.0 and 1.5 days), team B's April sprint
    (goal 1, secured after 3 days), and a sprint of 2025."""
    with Session(world.engine) as session:
        march = Sprint(name="Marts-sprint", team_id=world.team_a, start_date=date(2026, 3, 2),
                       end_date=date(2026, 3, 6), goal_count=3, status="closed")
        april = Sprint(name="April-sprint", team_id=world.team_b, start_date=date(2026, 4, 6),
                       end_date=date(2026, 4, 10), goal_count=1, status="closed")
        old = Sprint(name="Gammel", team_id=world.team_a, start_date=date(2025, 9, 1),
                     end_date=date(2025, 9, 5), goal_count=2, status="closed")
        session.add_all([march, april, old])
        session.flush()
        monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
        moves = [
            (march, "secured", [(_at(monday, 9), "selected"), (_at(tuesday, 9), "dialogue"),
                                (_at(date(2026, 3, 4), 9), "secured")]),
            (march, "secured", [(_at(monday, 9), "selected"), (_at(tuesday, 21), "secured")]),
            (march, "parked", [(_at(monday, 9), "selected"), (_at(tuesday, 9), "parked")]),
            (march, "dialogue", [(_at(monday, 9), "selected"), (_at(tuesday, 9), "dialogue")]),
            (april, "secured", [(_at(date(2026, 4, 6), 10), "selected"),
                                (_at(date(2026, 4, 9), 10), "secured")]),
            (old, "secured", [(_at(date(2025, 9, 1), 10), "selected"),
                              (_at(date(2025, 9, 2), 10), "secured")]),
        ]
        for number, (sprint, stage, changes) in enumerate(moves):
            citizen = world.citizen(session, f"C{number}")
            card = SprintCard(sprint_id=sprint.id, citizen_id=citizen, stage=stage)
            session.add(card)
            session.flush()
            previous = None
            for moment, to_stage in changes:
                session.add(StageChange(card_id=card.id, from_stage=previous, to_stage=to_stage,
                                        changed_at=moment))
                previous = to_stage
        session.commit()


def add_company_placements(world: World) -> None:
    """Bageriet: two citizens in three placements (one a wage subsidy); Lageret: one citizen;
    Kantinen: one placement before the period."""
    with Session(world.engine) as session:
        x1, x2, x3, x4 = (world.citizen(session, f"X{i}") for i in range(4))
        world.placement(session, x1, "virksomhedspraktik", date(2026, 2, 1), end=date(2026, 3, 1), company=0)
        world.placement(session, x1, "virksomhedspraktik", date(2026, 3, 10), company=0)
        world.placement(session, x2, "loentilskud", date(2026, 2, 15), company=0)
        world.placement(session, x3, "virksomhedspraktik", date(2026, 1, 5), company=1)
        world.placement(session, x4, "virksomhedspraktik", date(2025, 10, 1), company=2)
        session.commit()


def add_follow_ups(world: World) -> None:
    """May: two on time and one late; June: one overdue, one missed (placement over) and one done
    half past midnight Danish time the day after (late, though the same day in UTC)."""
    with Session(world.engine) as session:
        running = world.placement(session, world.citizen(session, "F1"), "virksomhedspraktik",
                                  date(2026, 5, 1))
        ended = world.placement(session, world.citizen(session, "F2"), "virksomhedspraktik",
                                date(2026, 5, 1), end=date(2026, 6, 20))
        session.add_all([
            FollowUp(placement_id=running, due_date=date(2026, 5, 5), done_at=_at(date(2026, 5, 5), 8)),
            FollowUp(placement_id=running, due_date=date(2026, 5, 10), done_at=_at(date(2026, 5, 12), 8)),
            FollowUp(placement_id=running, due_date=date(2026, 5, 20), done_at=_at(date(2026, 5, 19), 8)),
            FollowUp(placement_id=running, due_date=date(2026, 6, 2)),
            FollowUp(placement_id=ended, due_date=date(2026, 6, 3)),
            FollowUp(placement_id=running, due_date=date(2026, 6, 10),
                     done_at=_at(date(2026, 6, 10), 22, 30)),
            FollowUp(placement_id=running, due_date=TODAY),
            FollowUp(placement_id=running, due_date=date(2026, 4, 20), done_at=_at(date(2026, 4, 20), 8)),
        ])
        session.commit()


# --- Settings and filters -----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(None, 5), ("3", 3), ("abc", 5), ("0", 1), ("12", 12)])
def test_the_minimum_group_size_comes_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(results.MIN_GROUP_ENV, raising=False)
    else:
        monkeypatch.setenv(results.MIN_GROUP_ENV, value)
    assert results.min_group_size() == expected


def test_a_filter_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        results.outcome_shares(world.engine, world.leader,
                               results.Filter(start=date(2026, 2, 1), end=date(2026, 1, 1)))
    assert refused.value.key == "error.results_period"
    with pytest.raises(ValidationError):
        results.outcome_shares(world.engine, world.leader, YEAR, group_by="shoe_size")


def test_filter_options_keep_to_what_the_actor_may_see(world):
    add_outcomes(world)
    leader = results.filter_options(world.engine, world.leader)
    consultant = results.filter_options(world.engine, world.consultant)
    assert {world.team_a: "Team A", world.team_b: "Team B"}.items() <= leader.teams.items()
    assert consultant.teams == {world.team_a: "Team A"}
    assert leader.target_groups == consultant.target_groups == ("unge", "voksne")
    assert list(leader.initiatives.values()) == ["Energi til hinanden", "STV"]


def test_a_screen_cannot_read_results(world):
    screen = quick_actor(world.engine, "screen")
    with pytest.raises(AccessDenied):
        results.outcome_shares(world.engine, screen, YEAR)


# --- Share in job or education -------------------------------------------------------------------

def share(months, group, n, successes, min_size=5):
    if n < min_size:
        return (months, group, n, None, None, None, None, True)
    low, high = stats.wilson_interval(successes, n)
    return (months, group, n, successes, successes / n, low, high, False)


SHARE = ["months", "group", "n", "successes", "share", "low", "high", "too_few"]


@pytest.mark.parametrize("who, flt, group_by, min_size, expected", [
    ("leader", YEAR, "initiative", 5,
     [share(3, "Energi til hinanden", 7, 4), share(3, "STV", 5, 1), share(6, "Energi til hinanden", 3, 2)]),
    ("consultant", YEAR, "initiative", 5,
     [share(3, "Energi til hinanden", 6, 3), share(3, "STV", 5, 1), share(6, "Energi til hinanden", 3, 2)]),
    ("leader", YEAR, "initiative", 2,
     [share(3, "Energi til hinanden", 7, 4, 2), share(3, "STV", 5, 1, 2),
      share(6, "Energi til hinanden", 3, 2, 2)]),
    ("leader", YEAR, "target_group", 5, [share(3, "unge", 7, 4), share(3, "voksne", 5, 1),
                                          share(6, "unge", 3, 2)]),
    ("leader", YEAR, "kind", 1, [share(3, "virksomhedspraktik", 2, 2, 1),
                                 share(6, "virksomhedspraktik", 1, 1, 1)]),
    ("leader", results.Filter(start=YEAR.start, end=YEAR.end, target_group="voksne"), "initiative", 5,
     [share(3, "STV", 5, 1)]),
    ("leader", results.Filter(start=YEAR.start, end=YEAR.end, kind="virksomhedspraktik"), "initiative", 1,
     [share(3, "Energi til hinanden", 1, 1, 1), share(3, "STV", 1, 1, 1),
      share(6, "Energi til hinanden", 1, 1, 1)]),
    ("leader", results.Filter(start=YEAR.start, end=date(2026, 4, 1)), "initiative", 5,
     [share(3, "Energi til hinanden", 7, 4), share(3, "STV", 5, 1)]),
    ("leader", results.Filter(start=date(2025, 1, 1), end=YEAR.end), "initiative", 1,
     [share(3, "Energi til hinanden", 7, 4, 1), share(3, "STV", 5, 1, 1),
      share(6, "Energi til hinanden", 3, 2, 1), share(12, "STV", 1, 1, 1)]),
])
def test_share_in_job_or_education_by_group_with_wilson_intervals(world, who, flt, group_by, min_size,
                                                                  expected):
    add_outcomes(world)
    frame = results.outcome_shares(world.engine, getattr(world, who), flt, group_by=group_by,
                                   min_size=min_size)
    assert rows(frame, SHARE) == rounded(expected)


def test_the_team_and_area_filters_narrow_the_shares(world):
    add_outcomes(world)
    team_b = results.Filter(start=YEAR.start, end=YEAR.end, team_id=world.team_b)
    east = results.Filter(start=YEAR.start, end=YEAR.end, housing_area_id=world.oest)
    assert rows(results.outcome_shares(world.engine, world.leader, team_b, min_size=1), SHARE) == \
        rounded([share(3, "Energi til hinanden", 1, 1, 1)])
    assert rows(results.outcome_shares(world.engine, world.leader, east), SHARE) == \
        rounded([share(3, "STV", 5, 1)])
    # A consultant choosing another team's filter sees nothing of it.
    assert results.outcome_shares(world.engine, world.consultant, team_b, min_size=1).empty


def test_a_group_under_the_minimum_hides_its_successes(world):
    add_outcomes(world)
    frame = results.outcome_shares(world.engine, world.leader, YEAR)
    hidden = frame[frame["too_few"]]
    assert hidden["group"].tolist() == ["Energi til hinanden"] and hidden["n"].tolist() == [3]
    assert hidden["successes"].isna().all() and hidden["share"].isna().all()


# --- The comparison group ------------------------------------------------------------------------

def add_comparison(world: World) -> None:
    with Session(world.engine) as session:
        normal = "Almindelig indsats"
        session.add_all([
            ComparisonGroup(initiative_id=world.energi, label=normal, month=3, n=100, reached=30),
            ComparisonGroup(initiative_id=world.energi, label="Landsgennemsnit", month=3, n=400, reached=40),
            ComparisonGroup(initiative_id=world.energi, label=normal, month=6, n=50, reached=20),
            ComparisonGroup(initiative_id=world.stv, label=normal, month=3, n=200, reached=160,
                            source="Jobindsats"),
        ])
        session.commit()


def test_the_initiative_against_its_comparison_group(world):
    add_outcomes(world)
    add_comparison(world)
    frame = results.comparison(world.engine, world.leader, YEAR, min_size=5)
    assert rows(frame, ["initiative", "months", "label", "n", "reached", "comparison_n",
                        "comparison_reached", "verdict"]) == [
        ("Energi til hinanden", 3, "Almindelig indsats", 7, 4, 100, 30, "unclear"),
        ("Energi til hinanden", 3, "Landsgennemsnit", 7, 4, 400, 40, "better"),
        ("Energi til hinanden", 6, "Almindelig indsats", 3, None, 50, 20, "too_few"),
        ("STV", 3, "Almindelig indsats", 5, 1, 200, 160, "worse"),
    ]
    unclear, better, too_few, worse = frame.to_dict("records")
    assert (unclear["difference"], unclear["difference_low"], unclear["difference_high"]) == \
        pytest.approx(stats.difference_of_proportions(4, 7, 30, 100))
    assert unclear["difference"] == pytest.approx(4 / 7 - 0.3)
    assert unclear["difference_low"] < 0 < unclear["difference_high"]
    assert better["difference_low"] > 0 and worse["difference_high"] < 0
    assert math.isnan(too_few["difference"])
    assert worse["source"] == "Jobindsats"


def test_the_verdicts_say_plainly_whether_the_difference_is_clear(world):
    add_outcomes(world)
    add_comparison(world)
    frame = results.comparison(world.engine, world.leader, YEAR, min_size=5)
    texts = [results.verdict_text(row, "da", 5) for _, row in frame.iterrows()]
    assert "ikke klar" in texts[0] and "tilfældigheder" in texts[0]
    assert texts[0].startswith("Efter 3 måneder var 57 % af deltagerne i Energi til hinanden i job "
                               "eller uddannelse mod 30 % i Almindelig indsats.")
    assert "klart bedre" in texts[1]
    assert "for få deltagere" in texts[2] and "under 5" in texts[2]
    assert "klart dårligere" in texts[3]
    assert "not clear" in results.verdict_text(frame.iloc[0], "en", 5)


def test_the_comparison_keeps_to_the_initiative_filter_and_the_actors_teams(world):
    add_outcomes(world)
    add_comparison(world)
    only_stv = results.Filter(start=YEAR.start, end=YEAR.end, initiative_id=world.stv)
    assert results.comparison(world.engine, world.leader, only_stv)["initiative"].tolist() == ["STV"]
    consultant = results.comparison(world.engine, world.consultant, YEAR, min_size=5)
    assert consultant["n"].tolist()[:2] == [6, 6]


# --- Placements per week and running ------------------------------------------------------------

JUNE = results.Filter(start=date(2026, 6, 1), end=TODAY)


@pytest.mark.parametrize("who, flt, expected", [
    ("leader", JUNE, [(date(2026, 6, 1), "virksomhedspraktik", 3, 0),
                      (date(2026, 6, 8), "loentilskud", 1, 0),
                      (date(2026, 6, 8), "virksomhedspraktik", 0, 1)]),
    ("consultant", JUNE, [(date(2026, 6, 1), "virksomhedspraktik", 2, 0),
                          (date(2026, 6, 8), "loentilskud", 1, 0),
                          (date(2026, 6, 8), "virksomhedspraktik", 0, 1)]),
    ("leader", results.Filter(start=JUNE.start, end=JUNE.end, kind="loentilskud"),
     [(date(2026, 6, 8), "loentilskud", 1, 0)]),
    ("leader", results.Filter(start=date(2026, 5, 1), end=date(2026, 5, 31)),
     [(date(2026, 5, 4), "loentilskud", 1, 0), (date(2026, 5, 25), "loentilskud", 0, 1)]),
])
def test_placements_started_and_ended_per_week_by_kind(world, who, flt, expected):
    add_week_placements(world)
    frame = results.placements_per_week(world.engine, getattr(world, who), flt, today=TODAY)
    assert rows(frame, ["week", "kind", "started", "ended"]) == expected


@pytest.mark.parametrize("who, flt, expected", [
    ("leader", JUNE, [3, 4, 3, 3, 3]),
    ("consultant", JUNE, [2, 3, 2, 2, 2]),
    ("leader", results.Filter(start=JUNE.start, end=JUNE.end, kind="loentilskud"), [0, 1, 1, 1, 1]),
])
def test_placements_running_per_week(world, who, flt, expected):
    add_week_placements(world)
    frame = results.active_per_week(world.engine, getattr(world, who), flt, today=TODAY)
    assert frame["week"].tolist() == [date(2026, 6, d) for d in (1, 8, 15, 22, 29)]
    assert frame["active"].tolist() == expected


# --- Retention of the first job ------------------------------------------------------------------

def test_first_job_retention_is_a_kaplan_meier_curve_with_censoring(world):
    add_first_jobs(world)
    frame = results.first_job_retention(world.engine, world.leader, YEAR, today=TODAY)
    energi = frame[frame["group"] == "Energi til hinanden"]
    assert rows(energi, ["n", "days", "at_risk", "events", "censored"]) == [
        (6, 0.0, 6, 0, 0), (6, 30.0, 6, 1, 0), (6, 45.0, 5, 0, 1), (6, 60.0, 4, 2, 0),
        (6, 90.0, 2, 0, 1), (6, 180.0, 1, 0, 1)]
    assert energi["survival"].tolist() == pytest.approx([1, 5 / 6, 5 / 6, 5 / 12, 5 / 12, 5 / 12])
    assert energi["months"].tolist() == pytest.approx([d / 30.4375 for d in (0, 30, 45, 60, 90, 180)])
    # Two STV citizens are too few for a curve.
    assert rows(frame[frame["group"] == "STV"], ["n", "too_few", "survival"]) == [(2, True, None)]
    medians = results.retention_medians(frame)
    assert rows(medians, ["group", "n", "median_days"]) == [("Energi til hinanden", 6, 60.0)]


def test_first_job_retention_by_kind_and_within_the_team(world):
    add_first_jobs(world)
    by_kind = results.first_job_retention(world.engine, world.leader, YEAR, today=TODAY,
                                          group_by="kind", min_size=1)
    first = by_kind.drop_duplicates("group")
    assert dict(zip(first["group"], first["n"])) == {"laerlingeplads": 1, "ordinaere_timer": 1,
                                                     "ordinaert_job": 6}
    none_left = results.first_job_retention(
        world.engine, world.leader, results.Filter(start=YEAR.start, end=YEAR.end, team_id=world.team_b),
        today=TODAY)
    assert none_left.empty


# --- Progression ---------------------------------------------------------------------------------

def test_progression_pairs_each_citizens_first_and_latest_score(world):
    add_progression(world)
    frame = results.progression_change(world.engine, world.leader, YEAR)
    assert rows(frame, ["change", "citizens", "too_few"]) == [(-1, 1, False), (0, 1, False), (2, 2, False),
                                                              (3, 1, False)]
    summary = results.progression_summary(frame)
    assert summary["n"] == 5
    assert summary["mean"] == pytest.approx(1.2)
    # sd = sqrt(10.8 / 4); half width = t(4) * sd / sqrt(5) with t(4) = 2.776.
    half = 2.776 * math.sqrt(2.7) / math.sqrt(5)
    assert (summary["low"], summary["high"]) == pytest.approx((1.2 - half, 1.2 + half))


def test_progression_of_too_few_citizens_shows_only_how_many(world):
    add_progression(world)
    frame = results.progression_change(world.engine, world.leader, YEAR, min_size=6)
    assert rows(frame, ["change", "citizens", "too_few"]) == [(None, 5, True)]
    assert results.progression_summary(frame)["n"] == 0


# --- Sprints -------------------------------------------------------------------------------------

SPRINT = ["sprint", "goal", "secured", "cards", "timed", "median_days", "mean_days"]


@pytest.mark.parametrize("who, team, expected", [
    ("leader", None, [("Marts-sprint", 3, 2, 4, 2, 1.75, 1.75), ("April-sprint", 1, 1, 1, 1, 3.0, 3.0)]),
    ("consultant", None, [("Marts-sprint", 3, 2, 4, 2, 1.75, 1.75)]),
    ("leader", "team_b", [("April-sprint", 1, 1, 1, 1, 3.0, 3.0)]),
])
def test_sprint_history_goal_against_result_and_days_to_secured(world, who, team, expected):
    add_sprints(world)
    flt = results.Filter(start=YEAR.start, end=YEAR.end,
                         team_id=getattr(world, team) if team else None)
    frame = results.sprint_history(world.engine, getattr(world, who), flt, today=TODAY)
    assert rows(frame, SPRINT) == rounded(expected)


# --- Companies -----------------------------------------------------------------------------------

def test_companies_and_industries_taking_most_citizens(world):
    add_company_placements(world)
    companies = results.top_companies(world.engine, world.leader, YEAR, today=TODAY)
    assert rows(companies, ["company", "industry", "citizens", "placements"]) == [
        ("Bageriet", "Bager", 2, 3), ("Lageret", "Lager", 1, 1)]
    industries = results.top_industries(world.engine, world.leader, YEAR, today=TODAY)
    assert rows(industries, ["industry", "companies", "citizens", "placements"]) == [
        ("Bager", 1, 2, 3), ("Lager", 1, 1, 1)]
    subsidy = results.Filter(start=YEAR.start, end=YEAR.end, kind="loentilskud")
    assert rows(results.top_companies(world.engine, world.leader, subsidy, today=TODAY),
                ["company", "citizens", "placements"]) == [("Bageriet", 1, 1)]


def test_new_agreements_per_month(world):
    frame = results.new_agreements(world.engine, world.leader,
                                   results.Filter(start=date(2026, 1, 1), end=date(2026, 3, 31)), today=TODAY)
    assert rows(frame, ["month", "agreements"]) == [(date(2026, 1, 1), 0), (date(2026, 2, 1), 1),
                                                    (date(2026, 3, 1), 1)]


# --- Follow-up -----------------------------------------------------------------------------------

def test_follow_up_punctuality_per_month_in_danish_days(world):
    add_follow_ups(world)
    flt = results.Filter(start=date(2026, 5, 1), end=TODAY)
    frame = results.follow_up_punctuality(world.engine, world.leader, flt, today=TODAY)
    assert rows(frame, ["month", "due", "on_time", "late", "overdue", "missed"]) == [
        (date(2026, 5, 1), 3, 2, 1, 0, 0), (date(2026, 6, 1), 3, 0, 1, 1, 1)]
    assert rows(frame, ["share", "low", "high"]) == rounded(
        [(2 / 3, *stats.wilson_interval(2, 3)), (0.0, *stats.wilson_interval(0, 3))])


def test_punctuality_keeps_to_the_actors_team_and_the_kind_filter(world):
    # The leader's unfiltered count skips the joins to placements and citizens; these must not.
    add_follow_ups(world)
    flt = results.Filter(start=date(2026, 5, 1), end=TODAY)
    columns = ["month", "due", "on_time", "late", "overdue", "missed"]
    everyone = rows(results.follow_up_punctuality(world.engine, world.leader, flt, today=TODAY), columns)
    assert rows(results.follow_up_punctuality(world.engine, world.consultant, flt, today=TODAY),
                columns) == everyone
    other_team = quick_actor(world.engine, "consultant", team_id=world.team_b)
    for actor, narrowed in ((other_team, flt), (world.leader, results.Filter(
            start=flt.start, end=flt.end, kind="loentilskud"))):
        counted = results.follow_up_punctuality(world.engine, actor, narrowed, today=TODAY)
        assert counted.empty or counted["due"].sum() == 0
    practice = results.Filter(start=flt.start, end=flt.end, kind="virksomhedspraktik")
    assert rows(results.follow_up_punctuality(world.engine, world.leader, practice, today=TODAY),
                columns) == everyone


# --- The figures show the model's numbers --------------------------------------------------------

@pytest.fixture
def full_world(world) -> World:
    for add in (add_outcomes, add_week_placements, add_first_jobs, add_progression, add_sprints,
                add_company_placements, add_follow_ups, add_comparison):
        add(world)
    return world


def _values(values) -> list:
    return [_plain(float(v)) if isinstance(v, int | float) else _plain(v) for v in values]


def test_every_figure_shows_the_numbers_of_its_model_function(full_world):
    # With a minimum group of 1 nothing is hidden; what is, is tested below.
    world = full_world
    settings = charts.Settings(today=TODAY, group_by="initiative", min_size=1)
    flt = results.Filter(start=date(2025, 9, 1), end=TODAY)
    drawn = {d.chart.key: d for d in charts.compute(world.engine, world.leader, flt, settings)}
    assert list(drawn) == [chart.key for chart in charts.CHARTS]

    def figure(key):
        return drawn[key].figure(settings, "da")

    shares = results.outcome_shares(world.engine, world.leader, flt, min_size=1)
    shown = [(c[0], y, x) for t in figure("shares").data for x, y, c in zip(t.x, t.y, t.customdata)]
    assert sorted(_values(v) for v in shown) == sorted(
        _values(v) for v in zip(shares["months"], shares["group"], shares["share"]))

    comparison = results.comparison(world.engine, world.leader, flt, min_size=1)
    points = {y: x for t in figure("comparison").data for x, y in zip(t.x, t.y)}
    def order(values):
        return sorted(_values(values), key=lambda v: (v is None, v or 0))

    assert order(points.values()) == order(comparison["difference"] * 100)

    retention = results.first_job_retention(world.engine, world.leader, flt, today=TODAY, min_size=1)
    lines = [t for t in figure("retention").data if t.meta != "censored"]
    curve = retention[~retention["too_few"]]
    parts = [part for _, part in curve.groupby("group", sort=False)]
    assert [list(t.y) for t in lines] == [list(part["survival"]) for part in parts]
    assert [list(t.x) for t in lines] == [list(part["months"]) for part in parts]

    progression = results.progression_change(world.engine, world.leader, flt, min_size=1)
    bars = sorted((x, y) for t in figure("progression").data for x, y in zip(t.x, t.y))
    assert bars == list(zip(progression["change"].astype(int), progression["citizens"].astype(int)))

    weeks = results.placements_per_week(world.engine, world.leader, flt, today=TODAY)
    for measure in ("started", "ended"):
        drawn_total = sum(y for t in figure("placements_week").data for y, c in zip(t.y, t.customdata)
                          if c[0] == measure)
        assert drawn_total == weeks[measure].sum()
    active = results.active_per_week(world.engine, world.leader, flt, today=TODAY)
    assert list(figure("active").data[0].y) == active["active"].tolist()

    sprints = results.sprint_history(world.engine, world.leader, flt, today=TODAY)
    goal, secured = figure("sprint_goals").data
    assert list(goal.x) == sprints["goal"].tolist() and list(secured.x) == sprints["secured"].tolist()
    median, mean = figure("sprint_time").data
    timed = sprints[sprints["timed"] > 0]
    assert list(median.x) == timed["median_days"].tolist() and list(mean.x) == timed["mean_days"].tolist()

    companies = results.top_companies(world.engine, world.leader, flt, today=TODAY)
    assert list(zip(figure("companies").data[0].y, figure("companies").data[0].x)) == \
        list(zip(companies["company"], companies["citizens"]))
    industries = results.top_industries(world.engine, world.leader, flt, today=TODAY)
    assert list(figure("industries").data[0].x) == industries["citizens"].tolist()
    agreements = results.new_agreements(world.engine, world.leader, flt, today=TODAY)
    assert list(figure("agreements").data[0].y) == agreements["agreements"].tolist()
    follow_up = results.follow_up_punctuality(world.engine, world.leader, flt, today=TODAY)
    assert _values(figure("follow_up").data[0].y) == _values(follow_up["share"])


def drawn_at(world: World, flt: results.Filter, min_size: int = 5) -> dict[str, charts.Drawn]:
    settings = charts.Settings(today=TODAY, min_size=min_size)
    return {d.chart.key: d for d in charts.compute(world.engine, world.leader, flt, settings)}


def test_too_few_is_written_on_the_chart_not_drawn_and_a_small_group_without_its_size(full_world):
    figure = drawn_at(full_world, YEAR)["shares"].figure(charts.Settings(today=TODAY, min_size=5), "da")
    # 4 of 7 and 1 of 5: the groups may be shown, not their shares; 3 measured at 6 months: neither.
    assert [a.text for a in figure.layout.annotations if "for få" in a.text] == [
        "for få (n = 7)", "for få (n = 5)", "for få"]
    assert all(_values(bar.x) == [None] * len(bar.x) for bar in figure.data)
    assert all(None in _values(c[1] for c in bar.customdata) for bar in figure.data
               if bar.name == "6 måneder")


def table_rows(drawn: charts.Drawn, *columns: str) -> list[tuple]:
    table = drawn.table(charts.Settings(today=TODAY, min_size=5), "da")
    headers = [i18n.t(drawn.chart.columns[column]) for column in columns]
    return [tuple(_plain(v) for v in row) for row in table[headers].itertuples(index=False)]


FEW = "for få"


def test_every_count_under_five_is_for_faa_with_the_shares_and_boards_it_gives_away(full_world):
    drawn = drawn_at(full_world, YEAR)
    assert table_rows(drawn["shares"], "months", "n", "successes", "share", "too_few") == [
        (3, 7, FEW, FEW, FEW), (3, 5, FEW, FEW, FEW), (6, FEW, FEW, FEW, FEW)]
    assert table_rows(drawn["comparison"], "label", "n", "reached", "comparison_n",
                      "comparison_reached", "comparison_share", "difference", "verdict")[:2] == [
        ("Almindelig indsats", 7, FEW, 100, 30, 30.0, FEW, "For få"),
        ("Landsgennemsnit", 7, FEW, 400, 40, 10.0, FEW, "For få")]
    # March: 2 of 4 on the board; April: 1 of 1. The goals are targets, not people.
    assert table_rows(drawn["sprint_goals"], "sprint", "goal", "secured", "cards") == [
        ("Marts-sprint", 3, FEW, FEW), ("April-sprint", 1, FEW, FEW)]
    assert table_rows(drawn["sprint_time"], "timed", "median_days", "mean_days") == [(FEW, FEW, FEW)] * 2
    assert drawn["sprint_goals"].summary(charts.Settings(today=TODAY), "da") == [
        i18n.t("results.sprint_summary_hidden", hidden=2)]
    assert table_rows(drawn["companies"], "company", "citizens", "placements") == [
        ("Bageriet", 18, 19), ("Lageret", FEW, FEW)]
    # The progression's counts hide, its total of 5 (the summary's n) does not.
    assert {row[0] for row in table_rows(drawn["progression"], "citizens")} == {FEW}
    assert "for 5 borgere" in drawn["progression"].summary(charts.Settings(today=TODAY), "da")[0]
    # Follow-ups: May 2 on time and 1 late of 3, June 3: every count is too few, and the shares;
    # the period's 6 may be shown.
    june = results.Filter(start=date(2026, 5, 1), end=TODAY)
    assert set(table_rows(drawn_at(full_world, june)["follow_up"], "due", "on_time", "late", "share")) \
        == {(FEW, FEW, FEW, FEW)}
    assert drawn_at(full_world, june)["follow_up"].summary(charts.Settings(today=TODAY), "da") == [
        "for få af 6 opfølgninger (for få) blev gjort til tiden; for få er overskredet og endnu ikke gjort."]


def test_a_board_shows_its_result_and_hides_its_size_when_the_rest_is_too_few(world):
    """A sparring of three with three secured shows neither; sixteen of eighteen shows the 16 and
    hides the 18 (the two left would follow from it); ten of twenty shows both."""
    with Session(world.engine) as session:
        for name, cards, secured in (("Sparring", 3, 3), ("Uge 8", 18, 16), ("Uge 9", 20, 10)):
            sprint = Sprint(name=name, team_id=world.team_a, start_date=date(2026, 3, 2),
                            end_date=date(2026, 3, 6), goal_count=secured, status="closed")
            session.add(sprint)
            session.flush()
            for number in range(cards):
                stage = "secured" if number < secured else "dialogue"
                card = SprintCard(sprint_id=sprint.id, citizen_id=world.citizen(session, f"{name}{number}"),
                                  stage=stage)
                session.add(card)
                session.flush()
                session.add_all([StageChange(card_id=card.id, to_stage="selected",
                                             changed_at=_at(date(2026, 3, 2), 9))]
                                + ([StageChange(card_id=card.id, from_stage="selected", to_stage=stage,
                                                changed_at=_at(date(2026, 3, 4), 9))]
                                   if stage == "secured" else []))
        session.commit()
    frame = results.sprint_history(world.engine, world.leader, YEAR, today=TODAY)
    assert rows(frame, ["sprint", "secured", "cards"]) == [("Sparring", 3, 3), ("Uge 8", 16, 18),
                                                           ("Uge 9", 10, 20)]
    drawn = drawn_at(world, YEAR)
    assert table_rows(drawn["sprint_goals"], "sprint", "secured", "cards") == [
        ("Sparring", FEW, FEW), ("Uge 8", 16, FEW), ("Uge 9", 10, 20)]
    assert table_rows(drawn["sprint_time"], "timed", "median_days") == [(FEW, FEW), (16, 2.0), (10, 2.0)]
    assert drawn["sprint_goals"].summary(charts.Settings(today=TODAY), "da") == [
        i18n.t("results.sprint_summary", reached=2, sprints=2),
        i18n.t("results.sprint_summary_hidden", hidden=1)]
    goal, secured = drawn["sprint_goals"].figure(charts.Settings(today=TODAY), "da").data
    assert _values(secured.x) == [None, 16, 10] and list(secured.text) == [FEW, "16", "10"]


def km_curve(durations: list[float], lost: list[bool]) -> pd.DataFrame:
    return stats.kaplan_meier(durations, lost).rename(columns={"time": "days"})


@pytest.mark.parametrize("durations, lost, expected", [
    # Ten people, one job lost at a time: shown once five have lost theirs and five are left.
    ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], [True] * 10,
     [(0, 10, 0, 0), (50, 10, 5, 0), (100, 5, 5, 0)]),
    # Lost and still running mixed: a point only where each is none or at least five.
    ([5] * 5 + [7] * 2 + [9] * 3 + [12] * 6, [True] * 5 + [False] * 5 + [True] * 6,
     [(0, 16, 0, 0), (5, 16, 5, 0), (9, 11, 0, 5), (12, 6, 6, 0)]),
    # Seven people, three lose the job: the curve never leaves its start.
    ([10, 20, 30, 40, 40, 40, 40], [True, True, True, False, False, False, False], [(0, 7, 0, 0)]),
])
def test_a_retention_curve_is_shown_in_steps_of_none_or_at_least_five(durations, lost, expected):
    pooled = charts._pooled_curve(km_curve(durations, lost), 5)
    assert rows(pooled, ["days", "at_risk", "events", "censored"]) == expected
    curve = km_curve(durations, lost)
    assert pooled["survival"].tolist() == curve.set_index("days").loc[pooled["days"], "survival"].tolist()


# --- Comparison groups by hand -------------------------------------------------------------------

def test_a_leader_adds_and_deletes_a_comparison_group_and_it_is_logged(world):
    group_id = results.add_comparison_group(world.engine, world.leader, initiative_id=world.energi,
                                            label=" Almindelig indsats ", months=6, n=80, reached=36,
                                            source="Jobindsats.dk, 2025")
    groups = results.comparison_groups(world.engine, world.leader)
    assert rows(groups, ["initiative", "label", "months", "n", "reached", "source"]) == [
        ("Energi til hinanden", "Almindelig indsats", 6, 80, 36, "Jobindsats.dk, 2025")]
    with pytest.raises(ValidationError) as twice:
        results.add_comparison_group(world.engine, world.leader, initiative_id=world.energi,
                                     label="almindelig indsats", months=6, n=10, reached=1)
    assert twice.value.key == "error.comparison_exists"
    results.delete_comparison_group(world.engine, world.leader, group_id)
    assert results.comparison_groups(world.engine, world.leader).empty
    with Session(world.engine) as session:
        logged = session.exec(select(AuditLog.action).where(AuditLog.table_name == "comparison_group")
                              .order_by(AuditLog.id)).all()
    assert logged == ["create", "delete"]


BAD_COMPARISON_GROUPS = [
    ({"initiative_id": None}, "error.comparison_initiative"),
    ({"initiative_id": 9999}, "error.comparison_initiative"),
    ({"label": "  "}, "error.comparison_label"),
    ({"label": "x" * 81}, "error.comparison_label"),
    ({"label": "<b>fed</b>"}, "error.text_markup"),
    ({"label": "Gruppe 010190-1234"}, "error.cpr_in_text"),
    ({"months": 4}, "error.comparison_months"),
    ({"months": True}, "error.comparison_months"),
    ({"n": 0}, "error.comparison_n"),
    ({"n": 2.5}, "error.comparison_n"),
    ({"reached": 101}, "error.comparison_reached"),
    ({"reached": -1}, "error.comparison_reached"),
    ({"source": "s" * 201}, "error.comparison_source"),
]


def test_a_bad_comparison_group_is_refused_and_nothing_is_written(world):
    refusals = []
    for fields, _ in BAD_COMPARISON_GROUPS:
        values = {"initiative_id": world.energi, "label": "Almindelig indsats", "months": 3, "n": 100,
                  "reached": 30, "source": ""} | fields
        with pytest.raises(ValidationError) as refused:
            results.add_comparison_group(world.engine, world.leader, **values)
        refusals.append(refused.value.key)
    assert refusals == [key for _, key in BAD_COMPARISON_GROUPS]
    assert results.comparison_groups(world.engine, world.leader).empty


def test_a_consultant_may_not_enter_comparison_groups(world):
    with pytest.raises(AccessDenied):
        results.add_comparison_group(world.engine, world.consultant, initiative_id=world.energi,
                                     label="Almindelig indsats", months=3, n=100, reached=30)


# --- Comparison groups by import -----------------------------------------------------------------

HEADER = ["Indsats", "Sammenligningsgruppe", "Måneder efter start", "Antal personer (n)",
          "Heraf i job eller uddannelse", "Kilde"]


def sheet(*lines: list[str]) -> pd.DataFrame:
    text = "\n".join(";".join(line) for line in (HEADER, *lines)).encode()
    return importing.read_table(text, "sammenligning.csv")


def test_the_comparison_group_import_lists_every_bad_row_and_writes_nothing(world):
    frame = sheet(["Energi til hinanden", "Almindelig indsats", "3", "100", "30", "Jobindsats"],
                  ["Energi til hinanden", "Almindelig indsats", "7", "100", "30", ""],
                  ["Ukendt indsats", "Almindelig indsats", "3", "10", "5", ""],
                  ["STV", "Almindelig indsats", "6", "10", "11", ""],
                  ["Energi til hinanden", "Almindelig indsats", "3", "100", "31", ""])
    report = importing.dry_run(world.engine, world.leader, "comparison_groups", frame)
    assert (report.total_rows, report.bad_rows) == (5, 4)
    assert rows(report.errors, ["row", "column", "key"]) == [
        (3, "Måneder efter start", "error.comparison_months"),
        (4, "Indsats", "data.error_unknown_initiative"),
        (5, "Heraf i job eller uddannelse", "error.comparison_reached"),
        (6, "Sammenligningsgruppe", "data.error_duplicate_in_file"),
    ]
    with pytest.raises(ValidationError):
        importing.commit_import(world.engine, world.leader, "comparison_groups", frame)
    assert results.comparison_groups(world.engine, world.leader).empty


def test_a_clean_comparison_group_file_is_imported_in_one_go(world):
    results.add_comparison_group(world.engine, world.leader, initiative_id=world.stv, label="Normal",
                                 months=3, n=10, reached=2)
    frame = sheet(["Energi til hinanden", "Almindelig indsats", "3", "100", "30", "Jobindsats"],
                  ["energi til hinanden", "Almindelig indsats", "6", "90", "40", ""])
    assert importing.commit_import(world.engine, world.leader, "comparison_groups", frame) == 2
    assert rows(results.comparison_groups(world.engine, world.leader, initiative_id=world.energi),
                ["label", "months", "n", "reached", "source"]) == [
        ("Almindelig indsats", 3, 100, 30, "Jobindsats"), ("Almindelig indsats", 6, 90, 40, "")]
    again = importing.dry_run(world.engine, world.leader, "comparison_groups", frame)
    assert set(again.errors["key"]) == {"error.comparison_exists"}
    with pytest.raises(AccessDenied):
        importing.dry_run(world.engine, world.consultant, "comparison_groups", frame)


def test_without_data_every_chart_says_so(world):
    settings = charts.Settings(today=TODAY, min_size=5)
    for drawn in charts.compute(world.engine, world.leader, YEAR, settings):
        if drawn.chart.key == "agreements":
            # The world's companies have agreements, and those are not anybody's citizens.
            assert drawn.frame["agreements"].sum() == 2
            continue
        assert list(drawn.frame.columns) == list(drawn.frame.columns.unique())
        has_rows = drawn.chart.key in ("active", "follow_up")  # one row per week or month
        assert drawn.frame.empty != has_rows, drawn.chart.key
        figure = drawn.figure(settings, "da")
        assert [a.text for a in figure.layout.annotations] == ["Ingen tal for de valgte filtre."], \
            drawn.chart.key
        headers = [i18n.t(key) for key in drawn.chart.columns.values()]
        assert list(drawn.table(settings, "da").columns) == headers
