"""The demo generator: deterministic, laid out around the day it is made: the Brøndby team's
intensive week running in that week (planned for next week on a weekend), "Uge 39 – Brøndby" as
the story tells it closed in the history, and a year around it (Energi til hinanden, past sprints,
the housing-area map, events, partnerships and goals) that gives every chart something to show."""

import os
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from model import areas, clock, demo, goals, sprints, stats
from model.auth import verify_password
from model.companies import valid_cvr
from model.db import make_engine, migrate
from model.tables import (
    BENEFIT_TYPES,
    AppUser,
    Citizen,
    Company,
    ComparisonGroup,
    Contact,
    Event,
    EventParticipant,
    FollowUp,
    HousingArea,
    HousingAreaFigure,
    Initiative,
    Outcome,
    Partner,
    Partnership,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    Staff,
    StageChange,
    Team,
)
from tests.conftest import _create_database, demo_actor


def snapshot(engine) -> dict[str, list]:
    """Every row of every table except generated secrets, timestamps of creation and the random
    data stamp (model/freshness.py)."""
    skip = {"password_hash", "created_at", "updated_at", "stamp"}
    result = {}
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in skip]
            result[table.name] = [tuple(r) for r in session.execute(
                select(*columns).order_by(*table.primary_key.columns)).all()]
    return result


def fresh(tmp_path, name):
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    migrate(engine)
    return engine


ANCHOR = date(2026, 11, 27)
UGE39 = demo.UGE39_NAME


def sprint_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Sprint.id).where(Sprint.name == name))


def test_another_seed_gives_other_rows(tmp_path):
    first, second = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    demo.fill(first, seed=1, anchor=ANCHOR)
    demo.fill(second, seed=2, anchor=ANCHOR)
    assert snapshot(first)["citizen"] != snapshot(second)["citizen"]


# --- The demo on any day: the running week, uge 39 in the history, nothing after now ------------

# The day the demo is made: (Monday of the running or planned week, its status, Monday of uge 39).
ANCHORS = {
    date(2026, 11, 25): (date(2026, 11, 23), "running", date(2026, 9, 21)),  # a Wednesday
    date(2026, 11, 28): (date(2026, 11, 30), "planned", date(2026, 9, 21)),  # a Saturday
    date(2027, 1, 1): (date(2026, 12, 28), "running", date(2026, 9, 21)),  # Friday, ISO week 53
    date(2027, 9, 27): (date(2027, 9, 27), "running", date(2026, 9, 21)),  # Monday of week 39
}


def made_at(anchor: date) -> datetime:
    """The moment the demo is made: two o'clock in the afternoon of the anchor, Danish time."""
    return datetime.combine(anchor, time(14), clock.LOCAL_TZ)


@pytest.fixture(scope="module", params=list(ANCHORS), ids=str)
def made(request, tmp_path_factory):
    """The demo filled twice at the same anchor and moment, each into its own database."""
    anchor = request.param
    engines = []
    for name in ("a.db", "b.db"):
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('anchor') / name}")
        migrate(engine)
        demo.fill(engine, anchor=anchor, now=made_at(anchor))
        engines.append(engine)
    yield anchor, engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def running_week(engine, anchor: date) -> Sprint:
    """The STV team's sprint the pages open on at the anchor."""
    leader = demo_actor(engine, "leder")
    return sprints.get_sprint(engine, leader, sprints.current_sprint_id(engine, leader, today=anchor))


def test_same_seed_anchor_and_moment_give_the_same_rows(made):
    _, first, second = made
    assert snapshot(first) == snapshot(second)
    assert sum(len(rows) for rows in snapshot(first).values()) > 100


def test_the_brondby_week_runs_in_the_anchors_week_and_is_planned_on_a_weekend(made):
    anchor, engine, _ = made
    monday, status, _ = ANCHORS[anchor]
    week = running_week(engine, anchor)
    leader = demo_actor(engine, "leder")
    assert (week.start_date, week.end_date, week.goal_count) == (monday, monday + timedelta(days=4), 16)
    assert sprints.sprint_status(week, anchor) == status == week.status
    assert week.name == f"Intensiv uge {monday.isocalendar().week} – fastholdelse"
    assert scalar(engine, select(Team.name).where(Team.id == week.team_id)) == demo.STV_TEAM
    board = sprints.board(engine, leader, week.id)
    assert len(board) == 24 and board["consultant_id"].value_counts().tolist() == [3] * 8
    programme = sprints.agenda(engine, leader, week.id)
    assert list(zip((programme["day"] - monday).map(lambda d: d.days), programme["part"],
                    programme["title"])) == sprints.PROGRAMME_TEMPLATE
    if status == "running":
        assert not sprints.today_programme(engine, leader, week.id, anchor).empty


def test_the_weeks_cards_stand_where_the_day_of_the_week_has_brought_them(made):
    anchor, engine, _ = made
    leader = demo_actor(engine, "leder")
    week = running_week(engine, anchor)
    counts = sprints.stage_counts(engine, leader, week.id)
    burn_up = sprints.burn_up(engine, leader, week.id)["secured"].tolist()
    assert burn_up == sorted(burn_up) and burn_up[-1] == counts["secured"] < 21
    if anchor.weekday() >= 5:
        assert counts["selected"] == 24, "planned: every card selected, none moved yet"
    elif anchor.weekday() == 0:
        assert counts["dialogue"] == counts["secured"] == 0 and counts["clarified"] >= 1
    elif anchor.weekday() == 2:  # Wednesday afternoon: Tuesday's outreach has paid off
        assert counts["dialogue"] >= 3 and 3 <= counts["secured"] < 16
    elif anchor.weekday() == 4:  # Friday afternoon: about the story's pace
        assert burn_up[:4] == [0, 3, 9, 14] and 14 <= counts["secured"] <= 18
    # A secured card has its placement, starting on or after the day it was secured.
    with Session(engine) as session:
        secured = session.execute(
            select(StageChange.changed_at, Placement.start_date, Placement.sprint_id,
                   Placement.created_at)
            .join(SprintCard, SprintCard.id == StageChange.card_id)
            .join(Placement, Placement.id == SprintCard.placement_id)
            .where(SprintCard.sprint_id == week.id, StageChange.to_stage == "secured")).all()
    assert len(secured) == counts["secured"]
    assert all(clock.local_day(at) < start and sprint == week.id and created == at
               for at, start, sprint, created in secured)


def test_uge_39_lies_closed_in_the_history_with_21_of_16(made):
    anchor, engine, _ = made
    monday = ANCHORS[anchor][2]
    leader = demo_actor(engine, "leder")
    with Session(engine) as session:
        (uge39,) = session.scalars(select(Sprint).where(Sprint.name == UGE39)).all()
    assert (uge39.start_date, uge39.end_date) == (monday, monday + timedelta(days=4))
    assert sprints.sprint_status(uge39, anchor) == "closed"
    assert uge39.end_date < clock.local_day(uge39.closed_at) <= anchor
    result = sprints.sprint_result(engine, leader, uge39.id)
    assert (result.secured, result.goal) == (21, 16)
    assert sprints.burn_up(engine, leader, uge39.id)["secured"].tolist() == [0, 3, 10, 17, 21]
    board = sprints.board(engine, leader, uge39.id)
    assert (len(board), board["consultant_id"].nunique()) == (24, 8)
    assert len(sprints.agenda(engine, leader, uge39.id)) == len(sprints.PROGRAMME_TEMPLATE)


def test_every_sprint_has_a_lifecycle_that_fits_its_dates(made):
    anchor, engine, _ = made
    now = made_at(anchor)
    with Session(engine) as session:
        every = session.scalars(select(Sprint)).all()
    for sprint in every:
        if sprint.status == "closed":
            assert sprint.end_date < anchor and sprint.closed_at is not None, sprint.name
            assert clock.local_day(sprint.closed_at) >= sprint.end_date and sprint.closed_at <= now
        else:
            assert sprint.closed_at is None
            assert sprint.status == sprints.sprint_status(sprint, anchor) in ("planned", "running")
    running = [s.name for s in every if sprints.sprint_status(s, anchor) == "running"]
    assert running == ([] if anchor.weekday() >= 5 else [running_week(engine, anchor).name])


def test_nothing_in_the_demo_happened_after_it_was_made(made):
    anchor, engine, _ = made
    now = made_at(anchor)
    moments = {
        "stage change": select(func.max(StageChange.changed_at)),
        "card stage": select(func.max(SprintCard.stage_since)),
        "contact": select(func.max(Contact.contacted_at)),
        "next step done": select(func.max(Contact.next_step_done_at)),
        "follow-up done": select(func.max(FollowUp.done_at)),
        "placement registered": select(func.max(Placement.created_at)),
        "sprint closed": select(func.max(Sprint.closed_at)),
    }
    for what, stmt in moments.items():
        assert (scalar(engine, stmt) or now) <= now, what
    days = {
        "outcome": select(func.max(Outcome.measured_at)),
        "progression": select(func.max(Progression.measured_at)),
        "placement ended": select(func.max(Placement.actual_end_date)),
        "placement started": select(func.max(Placement.start_date)).where(Placement.status != "planned"),
        "event": select(func.max(Event.event_date)),
        "agreement": select(func.max(Company.agreement_since)),
        "area figure": select(func.max(HousingAreaFigure.period_start)),
    }
    for what, stmt in days.items():
        assert scalar(engine, stmt) <= anchor, what
    planned = select(func.min(Placement.start_date)).where(Placement.status == "planned")
    assert scalar(engine, planned) > anchor


def test_the_demo_made_on_a_set_date_takes_it_as_its_anchor(engine, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_TODAY", "2027-09-27")
    demo.fill(engine)
    week = running_week(engine, clock.today())
    assert (week.start_date, week.status) == (date(2027, 9, 27), "running")
    leader = demo_actor(engine, "leder")
    assert sprints.running_sprint_id(engine, leader) == week.id
    with Session(engine) as session:
        assert session.scalar(select(Sprint.start_date).where(Sprint.name == UGE39)) == date(2026, 9, 21)
        assert session.scalar(select(func.max(StageChange.changed_at))) <= clock.now()


def test_demo_passwords_are_generated_and_hashed(engine):
    first = demo.fill(engine)
    assert set(first) == {"admin", "leder", "konsulent", "konsulent-fredericia", "sagsbehandler",
                          "mentor", "skaerm"}
    assert len(set(first.values())) == len(first)
    with Session(engine) as session:
        users = {u.username: u for u in session.exec(select(AppUser)).scalars()}
    for username, password in first.items():
        assert users[username].password_hash.startswith("$argon2")
        assert verify_password(users[username].password_hash, password)


def test_the_fredericia_consultant_sees_the_fredericia_housing_areas(demo_engine):
    fredericia = demo_actor(demo_engine, "konsulent-fredericia")
    brondby = demo_actor(demo_engine, "konsulent")
    with Session(demo_engine) as session:
        team = session.scalar(select(Team.name).join(Staff, Staff.team_id == Team.id)
                              .where(Staff.id == fredericia.staff_id))
        korskaer = session.scalar(select(HousingArea.id).where(HousingArea.name == "Korskærparken"))
    assert (fredericia.role, team) == ("consultant", "Splejseordningen, Fredericia")
    assert areas.benefit_profile(demo_engine, fredericia, housing_area_id=korskaer)["citizens"].sum() >= 30
    assert areas.benefit_profile(demo_engine, brondby, housing_area_id=korskaer).empty


def test_stage_history_is_spread_over_the_week(demo_engine):
    uge39 = sprint_id(demo_engine, UGE39)
    with Session(demo_engine) as session:
        days = {c.changed_at.date() for c in session.exec(
            select(StageChange).join(SprintCard, SprintCard.id == StageChange.card_id)
            .where(SprintCard.sprint_id == uge39)).scalars()}
        secured = session.exec(select(SprintCard).where(SprintCard.stage == "secured")).scalars()
        linked = [c.placement_id is not None for c in secured if c.sprint_id == uge39]
    monday = demo.uge39_monday(clock.today())
    assert sorted(days) == [monday + timedelta(days=n) for n in range(5)]
    assert len(linked) == 21 and all(linked)


def test_wipe_then_fill_resets_the_demo(demo_engine):
    demo.wipe(demo_engine)
    rows = snapshot(demo_engine)
    assert rows.pop("follow_up_cadence"), "settings survive a reset"
    assert rows.pop("retention_policy"), "so do the retention periods"
    assert all(not table_rows for table_rows in rows.values())
    demo.fill(demo_engine)
    week = running_week(demo_engine, clock.today())
    with Session(demo_engine) as session:
        cards = dict(session.execute(select(Sprint.name, func.count(SprintCard.id))
                                     .join(SprintCard, SprintCard.sprint_id == Sprint.id)
                                     .group_by(Sprint.name)).all())
        kinds = dict(session.execute(select(Placement.kind, func.count()).group_by(Placement.kind)).all())
        uge39 = session.scalar(select(func.count(Placement.id)).join(Sprint, Sprint.id == Placement.sprint_id)
                               .where(Sprint.name == UGE39))
    assert (cards[UGE39], cards[week.name]) == (24, 24)
    assert (uge39, kinds["lommepengejob"]) == (21, 40)


def test_demo_has_pocket_money_jobs_for_40_young_people_aged_13_to_17(tmp_path):
    engine = fresh(tmp_path, "p.db")
    demo.fill(engine, anchor=ANCHOR)
    with Session(engine) as session:
        rows = session.execute(
            select(Placement.start_date, Placement.planned_end_date, Citizen.birth_year)
            .join(Citizen, Citizen.id == Placement.citizen_id)
            .where(Placement.kind == "lommepengejob")).all()
    assert len(rows) == 40
    assert all(13 <= start.year - born <= 17 for start, _, born in rows)
    assert all((end - start).days == 91 for start, end, _ in rows)


def test_demo_follow_ups_are_done_overdue_and_upcoming_around_the_anchor(tmp_path):
    engine = fresh(tmp_path, "f.db")
    demo.fill(engine, anchor=ANCHOR)
    with Session(engine) as session:
        done = session.scalar(select(func.count()).where(FollowUp.done_at.is_not(None)))
        overdue = session.scalar(select(func.count()).where(
            FollowUp.done_at.is_(None), FollowUp.due_date < ANCHOR))
        upcoming = session.scalar(select(func.count()).where(FollowUp.due_date >= ANCHOR))
        open_steps = session.scalar(select(func.count()).where(
            Contact.next_step_date.is_not(None), Contact.next_step_date <= ANCHOR + timedelta(days=7)))
        outcomes = session.execute(select(Outcome.months_after_start).distinct()).scalars().all()
        progression = session.scalar(select(func.count()).select_from(Progression).join(
            SprintCard, SprintCard.citizen_id == Progression.citizen_id)
            .join(Sprint, Sprint.id == SprintCard.sprint_id).where(Sprint.name == UGE39))
        kinds = session.execute(select(Placement.kind).distinct()).scalars().all()
    assert done > 100 and overdue > 5 and upcoming > 20
    assert open_steps >= 2
    assert {3, 6} <= set(outcomes)
    assert progression == 48, "two livsmestring scores for each citizen of uge 39"
    assert {"laerlingeplads", "ordinaert_job", "lommepengejob", "virksomhedspraktik"} <= set(kinds)


# --- The year around the Brøndby week -------------------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled(request, tmp_path_factory):
    """The demo filled once per database at ANCHOR, shared by the tests that only read it."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    else:
        base = request.getfixturevalue("postgres_cluster")
        name = f"demo_{os.getpid()}"
        _create_database(base, name, template="jobtavlen_template")
        engine = make_engine(f"{base}/{name}")
    migrate(engine)
    demo.fill(engine, anchor=ANCHOR)
    yield engine
    engine.dispose()


def scalar(engine, stmt):
    with Session(engine) as session:
        return session.scalar(stmt)


def rows(engine, stmt) -> list:
    with Session(engine) as session:
        return session.execute(stmt).all()


def initiative_id(engine, name: str) -> int:
    return scalar(engine, select(Initiative.id).where(Initiative.name == name))


def test_energi_til_hinanden_has_200_young_people_in_its_own_team(filled):
    energi = initiative_id(filled, "Energi til hinanden")
    people = rows(filled, select(Citizen.target_group, Citizen.benefit_type, Team.name, Citizen.birth_year)
                  .join(Team, Team.id == Citizen.team_id).where(Citizen.initiative_id == energi))
    assert len(people) == 200
    assert {(group, team) for group, _, team, _ in people} == {("unge under 30", "Ungeindsatsen, Esbjerg")}
    benefits = [benefit for _, benefit, _, _ in people]
    assert benefits.count("uddannelseshjaelp") + benefits.count("kontanthjaelp") > 180
    assert all(ANCHOR.year - 31 <= born <= ANCHOR.year - 18 for *_, born in people)
    assert "[DEMO]" in scalar(filled, select(Initiative.description).where(Initiative.id == energi))


def test_energi_til_hinanden_works_with_20_companies_in_esbjerg(filled):
    esbjerg = rows(filled, select(Company.cvr, Company.industry, Company.agreement_since)
                   .where(Company.municipality == "Esbjerg"))
    assert len(esbjerg) == 20 and all(valid_cvr(cvr) for cvr, _, _ in esbjerg)
    since = [day for _, _, day in esbjerg if day is not None]
    assert 10 <= len(since) < 20, "most, not all, have an agreement"
    assert all(ANCHOR - timedelta(days=365) <= day <= ANCHOR for day in since)
    assert len({(day.year, day.month) for day in since}) >= 9, "new agreements in most months"
    energi = initiative_id(filled, "Energi til hinanden")
    used = scalar(filled, select(func.count(func.distinct(Placement.company_id)))
                  .join(Citizen, Citizen.id == Placement.citizen_id).where(Citizen.initiative_id == energi))
    assert used >= 15


def test_the_comparison_group_stands_at_3_6_and_12_months(filled):
    groups = rows(filled, select(ComparisonGroup.month, ComparisonGroup.n, ComparisonGroup.reached,
                                 ComparisonGroup.label, ComparisonGroup.source,
                                 ComparisonGroup.initiative_id))
    assert sorted(month for month, *_ in groups) == [3, 6, 12]
    assert all(100 <= n < 1000 and 0 < reached < n for _, n, reached, *_ in groups)
    assert {label for *_, label, _, _ in groups} == {demo.COMPARISON_LABEL}
    assert all("[DEMO]" in source for *_, source, _ in groups)
    assert {i for *_, i in groups} == {initiative_id(filled, "Energi til hinanden")}


@pytest.mark.parametrize(("months", "verdict"), [(3, "unclear"), (6, "better"), (12, "better")])
def test_participants_reach_job_or_education_more_often_at_6_and_12_months(filled, months, verdict):
    """As the Esbjerg evaluation found; at 3 months the difference is not clear (the verdict
    text on Resultater needs both cases). Counted as the page counts: measured in the last year."""
    energi = initiative_id(filled, "Energi til hinanden")
    statuses = [status for (status,) in rows(filled, select(Outcome.status)
                .join(Citizen, Citizen.id == Outcome.citizen_id)
                .where(Citizen.initiative_id == energi, Outcome.months_after_start == months,
                       Outcome.measured_at >= ANCHOR - timedelta(days=365)))]
    n_group, reached = rows(filled, select(ComparisonGroup.n, ComparisonGroup.reached)
                            .where(ComparisonGroup.month == months))[0]
    succeeded = sum(status in ("job", "education") for status in statuses)
    assert len(statuses) >= 40
    _, low, high = stats.difference_of_proportions(succeeded, len(statuses), reached, n_group)
    assert stats.difference_verdict(low, high) == verdict


def test_outcomes_are_measured_once_per_month_and_never_ahead_of_the_anchor(filled):
    measured = rows(filled, select(Outcome.citizen_id, Outcome.months_after_start, Outcome.measured_at))
    assert max(day for *_, day in measured) <= ANCHOR
    assert len({(citizen, months) for citizen, months, _ in measured}) == len(measured)
    assert {months for _, months, _ in measured} == {3, 6, 12}


def first_jobs(engine) -> dict[str, list[tuple[int, bool]]]:
    """Per initiative: (days kept, lost) of each citizen's first job, as issue 4 defines it."""
    placements = rows(engine, select(Placement.citizen_id, Placement.start_date, Placement.actual_end_date,
                                     Placement.status, Placement.result, Initiative.name)
                      .join(Citizen, Citizen.id == Placement.citizen_id)
                      .join(Initiative, Initiative.id == Citizen.initiative_id)
                      .where(Placement.kind.in_(["ordinaert_job", "ordinaere_timer", "laerlingeplads"]),
                             Placement.start_date <= ANCHOR)
                      .order_by(Placement.start_date, Placement.id))
    first = {}
    for citizen, start, end, status, result, initiative in placements:
        first.setdefault(citizen, (initiative, ((end or ANCHOR) - start).days,
                                   status == "broken_off" or result in ("back_on_benefits", "other")))
    jobs: dict[str, list[tuple[int, bool]]] = {}
    for initiative, days, lost in first.values():
        jobs.setdefault(initiative, []).append((days, lost))
    return jobs


def kept_at(jobs: list[tuple[int, bool]], days: int) -> float:
    curve = stats.kaplan_meier([d for d, _ in jobs], [lost for _, lost in jobs])
    return float(curve[curve["time"] <= days]["survival"].iloc[-1])


def test_energi_participants_keep_their_first_job_longer_than_the_others(filled):
    jobs = first_jobs(filled)
    energi = jobs["Energi til hinanden"]
    assert len(energi) >= 50
    assert sum(not lost for _, lost in energi) / len(energi) >= 0.6, "most still in the job (censored)"
    assert any(lost for _, lost in energi), "but some lose it"
    for other in ("STV", "Splejseordningen"):
        assert len(jobs[other]) >= 5
        assert kept_at(energi, 180) > kept_at(jobs[other], 180), other


def test_livsmestring_rises_from_first_to_latest_score(filled):
    energi = initiative_id(filled, "Energi til hinanden")
    scores: dict[int, list[int]] = {}
    for citizen, score in rows(filled, select(Progression.citizen_id, Progression.score)
                               .join(Citizen, Citizen.id == Progression.citizen_id)
                               .where(Citizen.initiative_id == energi)
                               .order_by(Progression.citizen_id, Progression.measured_at)):
        scores.setdefault(citizen, []).append(score)
    paired = [(s[0], s[-1]) for s in scores.values() if len(s) >= 2]
    change = stats.paired_change([a for a, _ in paired], [b for _, b in paired])
    assert change["n"] >= 150 and change["low"] > 0
    assert all(1 <= s <= 10 for s in sum(scores.values(), []))


def test_sprints_of_the_past_year_hit_and_miss_their_goals(filled):
    sprints = rows(filled, select(Sprint.id, Sprint.name, Sprint.status, Sprint.start_date, Sprint.goal_count,
                                  func.count(SprintCard.id).filter(SprintCard.stage == "secured"))
                   .outerjoin(SprintCard, SprintCard.sprint_id == Sprint.id).group_by(Sprint.id))
    running = [name for _, name, status, *_ in sprints if status == "running"]
    assert running == ["Intensiv uge 48 – fastholdelse"], "the week of the anchor, stored as running"
    past = [(goal, secured) for _, _, status, start, goal, secured in sprints
            if status == "closed" and ANCHOR - timedelta(days=365) <= start <= ANCHOR]
    assert len(past) >= 6
    assert any(secured >= goal for goal, secured in past) and any(secured < goal for goal, secured in past)
    moves = rows(filled, select(SprintCard.id, StageChange.to_stage, StageChange.changed_at)
                 .join(StageChange, StageChange.card_id == SprintCard.id)
                 .join(Sprint, Sprint.id == SprintCard.sprint_id)
                 .where(SprintCard.stage == "secured", Sprint.status == "closed"))
    selected = {card: at for card, stage, at in moves if stage == "selected"}
    secured = {card: at for card, stage, at in moves if stage == "secured"}
    assert len(secured) > 60 and set(secured) == set(selected)
    assert all(timedelta(0) < secured[card] - selected[card] < timedelta(days=5) for card in secured)
    unlinked = scalar(filled, select(func.count(SprintCard.id))
                      .join(Sprint, Sprint.id == SprintCard.sprint_id)
                      .outerjoin(Placement, Placement.id == SprintCard.placement_id)
                      .where(SprintCard.stage == "secured",
                             (Placement.sprint_id.is_(None)) | (Placement.sprint_id != SprintCard.sprint_id)))
    assert unlinked == 0, "a secured card points at the placement its sprint secured"


def test_the_quarters_goals_show_reached_on_track_and_at_risk(filled):
    first, last = demo.quarter(ANCHOR)
    assert (first, last) == (date(2026, 10, 1), date(2026, 12, 31))
    listed = goals.list_goals(filled, demo_actor(filled, "leder"), today=ANCHOR)
    assert len(listed) >= 5
    assert {"reached", "on_track", "at_risk"} <= set(listed["status"])
    assert set(listed["metric"]) == set(goals.METRICS)
    assert (listed["period_start"] == first).all() and (listed["period_end"] == last).all()
    share = listed[listed["metric"] == goals.SHARE].iloc[0]
    assert (share["months"], share["target"], share["scope_name"]) == (6, 0.5, "Energi til hinanden")
    assert (listed[listed["metric"] != goals.SHARE]["months"].isna()).all()
    assert listed.loc[listed["metric"] == "companies_with_agreement", "scope"].tolist() == ["period"]


@pytest.mark.parametrize("area", ["Korskærparken", "Skovparken", "Brøndby Strand"])
def test_housing_areas_have_about_30_percent_unemployment(filled, area):
    figures = rows(filled, select(HousingAreaFigure.period_start, HousingAreaFigure.working_age_residents,
                                  HousingAreaFigure.unemployed)
                   .join(HousingArea, HousingArea.id == HousingAreaFigure.housing_area_id)
                   .where(HousingArea.name == area))
    assert len(figures) >= 3 and all(day <= ANCHOR for day, _, _ in figures)
    assert all(0.26 <= unemployed / residents <= 0.34 for _, residents, unemployed in figures)


def test_the_fredericia_map_holds_every_benefit_type_and_match_group(filled):
    mapped = rows(filled, select(Citizen.benefit_type, Citizen.match_group)
                  .join(HousingArea, HousingArea.id == Citizen.housing_area_id)
                  .where(HousingArea.municipality == "Fredericia"))
    assert len(mapped) >= 60
    assert {benefit for benefit, _ in mapped} == set(BENEFIT_TYPES)
    assert {group for _, group in mapped} - {None} == {1, 2, 3}


def test_dagpenge_run_out_spread_over_the_coming_year(filled):
    ends = rows(filled, select(Citizen.benefit_type, Citizen.dagpenge_end_date)
                .where(Citizen.dagpenge_end_date.is_not(None) | (Citizen.benefit_type == "dagpenge")))
    assert len(ends) >= 25 and {benefit for benefit, _ in ends} == {"dagpenge"}
    assert all(ANCHOR < day <= ANCHOR + timedelta(days=365) for _, day in ends)
    assert len({(day.year, day.month) for _, day in ends}) >= 10


def test_tags_and_industries_share_one_vocabulary(filled):
    industries = set(demo.TAG_VOCABULARY["industries"])
    qualifications = set(demo.TAG_VOCABULARY["qualifications"])
    assert demo.USUAL_QUALIFICATION == areas.TRAINING_NEEDS, "the needs Områdeoverblik counts"
    assert set(demo.USUAL_QUALIFICATION) <= industries
    assert set(demo.USUAL_QUALIFICATION.values()) <= qualifications
    tags = rows(filled, select(Citizen.wishes, Citizen.qualifications))
    assert {w for wishes, _ in tags for w in wishes} <= industries
    assert {q for _, held in tags for q in held} <= qualifications
    assert {i for (i,) in rows(filled, select(Company.industry))} <= industries
    lacking = [wishes for wishes, held in tags
               if "lager og logistik" in wishes and "truckcertifikat" not in held]
    assert len(lacking) >= 5, "wishes that call for further training"


def test_company_events_have_participants(filled):
    events = rows(filled, select(Event.kind, Event.event_date, func.count(EventParticipant.citizen_id))
                  .join(EventParticipant, EventParticipant.event_id == Event.id, isouter=True)
                  .group_by(Event.id))
    assert {kind for kind, _, _ in events} == {"virksomhedsbesoeg", "oplaeg", "jobsamtaletraening",
                                               "haandvaerkercafe"}
    assert all(n >= 1 for *_, n in events) and sum(n for *_, n in events) >= 80
    assert all(ANCHOR - timedelta(days=365) <= day <= ANCHOR for _, day, _ in events)


def test_the_pocket_money_partnership_reaches_40_and_two_housing_organisations_pay(filled):
    partnership, target = rows(filled, select(Partnership.id, Partnership.target_reach)
                               .where(Partnership.name == "Lommepengejob i Brøndby Strand"))[0]
    jobs = rows(filled, select(Placement.citizen_id, Placement.hours_per_week, Placement.hourly_wage,
                               Partner.name, Partner.partnership_id)
                .join(Partner, Partner.id == Placement.payer_id, isouter=True)
                .where(Placement.kind == "lommepengejob"))
    assert target == 40 and len({citizen for citizen, *_ in jobs}) == 40
    assert all(hours and wage for _, hours, wage, _, _ in jobs)
    assert {p for *_, p in jobs} == {partnership}
    assert {payer for *_, payer, _ in jobs} == {"Boligselskabet Strandparken", "Boligforeningen Strandhusene"}
