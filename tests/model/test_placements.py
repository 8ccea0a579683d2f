"""Placements (forløb) and their follow-up: cadence, plan, due list, ticking off, ending."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, delete, func, select

from model import clock, people, placements, sprints, workdays
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import (
    AuditLog,
    Citizen,
    Company,
    FollowUp,
    FollowUpCadence,
    Placement,
    SprintCard,
    StageChange,
)

START = date(2026, 3, 2)  # a Monday well in the past
# The default cadence (day 1, 2, 3, 5, 8, 14, 30, 60, 90) from START, on working days: day 5 is a
# Saturday and day 90 a Sunday, so both move to the Monday after.
DEFAULT_DATES = [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 9),
                 date(2026, 3, 10), date(2026, 3, 16), date(2026, 4, 1), date(2026, 5, 1),
                 date(2026, 6, 1)]


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)


def add_company(engine, name: str = "Strandens Bageri ApS") -> int:
    with Session(engine) as session:
        company = Company(name=name)
        session.add(company)
        session.commit()
        return company.id


def add_citizen(engine, actor, *, first_name: str = "Aisha", birth_year: int = 1990,
                team_id: int | None = None) -> int:
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, actor, first_name=first_name,
                                           last_name="Hansen", birth_year=birth_year,
                                           team_id=team_id)
        session.commit()
        return citizen.id


@pytest.fixture
def world(engine, actor_factory):
    """A consultant with a citizen of their team and a company."""
    consultant = actor_factory("consultant")
    return consultant, add_citizen(engine, consultant), add_company(engine)


def start(engine, actor, citizen_id, company_id, **fields) -> int:
    values = dict(kind="virksomhedspraktik", start_date=START) | fields
    return placements.start_placement(engine, actor, citizen_id=citizen_id,
                                      company_id=company_id, **values)


def due_dates(engine, placement_id: int, *, done: bool | None = None) -> list[date]:
    stmt = select(FollowUp.due_date).where(FollowUp.placement_id == placement_id)
    if done is not None:
        stmt = stmt.where(FollowUp.done_at.is_not(None) if done else FollowUp.done_at.is_(None))
    with Session(engine) as session:
        return sorted(session.exec(stmt).all())


# --- The cadence -----------------------------------------------------------------------------


@pytest.mark.parametrize("start_day, days, expected", [
    (date(2026, 3, 2), [1, 2, 3], [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)]),
    (date(2026, 3, 2), placements.DEFAULT_CADENCE, DEFAULT_DATES),
    (date(2028, 2, 28), [1, 30], [date(2028, 2, 29), date(2028, 3, 29)]),
    (date(2026, 12, 4), [1, 2, 3], [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)]),
    (date(2026, 3, 2), [], []),
])
def test_follow_up_dates_count_days_after_the_start_on_working_days(start_day, days, expected):
    assert placements.follow_up_dates(start_day, days) == expected


# Easter 2027: skærtorsdag 25-03, langfredag 26-03, 2. påskedag 29-03. Days 1, 2, 3 and 5 all
# fall on closed days and would meet on Tuesday 30-03: they keep their order on the working days
# after it, and day 8 (Thursday 01-04) moves past them; 23-04 was store bededag until 2024.
EASTER = (date(2027, 3, 24), placements.DEFAULT_CADENCE, [
    date(2027, 3, 30), date(2027, 3, 31), date(2027, 4, 1), date(2027, 4, 2), date(2027, 4, 5),
    date(2027, 4, 7), date(2027, 4, 23), date(2027, 5, 24), date(2027, 6, 22)])
# Christmas 2026: juleaften (closed), jul and the weekend; day 8 is the 29th, taken by day 5.
CHRISTMAS = (date(2026, 12, 21), [1, 2, 3, 5, 8, 14], [
    date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 29),
    date(2026, 12, 30), date(2027, 1, 4)])
# Nytårsaften (closed) and nytårsdag, then a weekend: the pocket-money cadence from juleaften.
NEW_YEAR = (date(2026, 12, 24), [1, 7, 14, 30, 60, 90], [
    date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 25),
    date(2027, 2, 22), date(2027, 3, 24)])


@pytest.mark.parametrize("start_day, days, expected", [EASTER, CHRISTMAS, NEW_YEAR],
                         ids=["easter", "christmas", "new_year"])
def test_follow_ups_on_holidays_move_to_distinct_working_days_in_order(start_day, days, expected):
    dates = placements.follow_up_dates(start_day, days)
    assert dates == expected
    assert all(workdays.is_working_day(d) for d in dates)
    assert dates == sorted(set(dates))  # as many follow-ups as cadence days, none on one day


def test_the_default_cadence_is_dense_first_then_further_apart():
    gaps = [b - a for a, b in zip(placements.DEFAULT_CADENCE, placements.DEFAULT_CADENCE[1:])]
    assert placements.DEFAULT_CADENCE[:3] == [1, 2, 3]
    assert gaps == sorted(gaps)


@pytest.mark.parametrize("text, days", [
    ("1, 2, 3, 5, 8", [1, 2, 3, 5, 8]),
    ("1;7 14", [1, 7, 14]),
    (" 30 ", [30]),
])
def test_parse_cadence_reads_typed_days(text, days):
    assert placements.parse_cadence(text) == days


@pytest.mark.parametrize("text", ["", "0, 1", "3, 2", "1, 1, 2", "1, x", "-1", "1.5", "731"])
def test_parse_cadence_refuses_days_that_are_not_increasing_whole_days(text):
    with pytest.raises(ValidationError) as refused:
        placements.parse_cadence(text)
    assert refused.value.key == "error.cadence_days"


@pytest.mark.parametrize("kind, expected", [
    ("lommepengejob", [1, 7, 14, 30, 60, 90]),
    ("ordinaert_job", [1, 3, 7, 14, 30, 90]),
    ("virksomhedspraktik", [1, 2, 3, 5, 8, 14, 30, 60, 90]),
])
def test_cadence_per_kind_falls_back_to_the_default_row(engine, kind, expected):
    assert placements.cadence(engine, kind) == expected


def test_cadence_falls_back_to_the_built_in_default_without_rows(engine):
    with Session(engine) as session:
        session.exec(delete(FollowUpCadence))
        session.commit()
    assert placements.cadence(engine, "lommepengejob") == placements.DEFAULT_CADENCE


def test_a_leader_sets_the_cadence_of_a_kind_and_new_placements_use_it(engine, world,
                                                                        actor_factory):
    consultant, citizen_id, company_id = world
    leader = actor_factory("leader")
    placements.set_cadence(engine, leader, kind="virksomhedspraktik", days=[1, 4, 10])
    assert placements.cadence(engine, "virksomhedspraktik") == [1, 4, 10]
    assert placements.cadence(engine, "loentilskud") == placements.DEFAULT_CADENCE
    placement_id = start(engine, consultant, citizen_id, company_id)
    assert due_dates(engine, placement_id) == placements.follow_up_dates(START, [1, 4, 10])
    table = placements.cadence_table(engine).set_index("kind")
    assert table.loc["virksomhedspraktik", "own"] and not table.loc["loentilskud", "own"]
    placements.clear_cadence(engine, leader, kind="virksomhedspraktik")
    assert placements.cadence(engine, "virksomhedspraktik") == placements.DEFAULT_CADENCE


@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor", "screen"])
def test_only_leaders_and_admins_set_the_cadence(engine, actor_factory, role):
    with pytest.raises(AccessDenied):
        placements.set_cadence(engine, actor_factory(role), kind="default", days=[1, 2])
    assert placements.cadence(engine, "default") == placements.DEFAULT_CADENCE


@pytest.mark.parametrize("kind, days", [("default", [2, 1]), ("default", []), ("bagerjob", [1])])
def test_a_bad_cadence_writes_nothing(engine, actor_factory, kind, days):
    with pytest.raises(ValidationError):
        placements.set_cadence(engine, actor_factory("admin"), kind=kind, days=days)
    assert placements.cadence(engine, "default") == placements.DEFAULT_CADENCE


# --- Starting, editing and ending ------------------------------------------------------------


def test_start_creates_the_follow_up_plan_in_one_go(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id, hours_per_week=15)
    assert due_dates(engine, placement_id) == DEFAULT_DATES
    with Session(engine) as session:
        placement = session.get(Placement, placement_id)
        logged = session.exec(select(AuditLog.action).where(
            AuditLog.table_name == "placement", AuditLog.row_id == placement_id)).all()
    assert (placement.status, placement.consultant_id, placement.hours_per_week) == (
        "active", consultant.staff_id, 15)
    assert logged == ["create"]


def test_the_plan_stops_at_the_planned_end(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id,
                         planned_end_date=START + timedelta(days=28))
    assert due_dates(engine, placement_id) == DEFAULT_DATES[:6]


def test_a_placement_starting_later_is_planned(engine, world):
    consultant, citizen_id, company_id = world
    later = clock.today() + timedelta(days=7)
    placement_id = start(engine, consultant, citizen_id, company_id, start_date=later)
    with Session(engine) as session:
        assert session.get(Placement, placement_id).status == "planned"
    assert placements.list_placements(engine, consultant)["status"].tolist() == ["planned"]


def test_start_from_a_sprint_card_links_the_card_and_sets_its_company(engine, world):
    consultant, citizen_id, company_id = world
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=START,
                                      end=START + timedelta(days=4), goal=1)
    card_id = sprints.add_card(engine, consultant, sprint_id, citizen_id=citizen_id,
                               consultant_id=consultant.staff_id)
    version = sprints.move_card(engine, consultant, card_id, "secured", expected_version=1)
    placement_id = start(engine, consultant, citizen_id, company_id, card_id=card_id)
    with Session(engine) as session:
        card = session.get(SprintCard, card_id)
        placement = session.get(Placement, placement_id)
    assert (card.placement_id, card.company_id, card.version) == (placement_id, company_id,
                                                                 version + 1)
    assert placement.sprint_id == sprint_id
    assert len(due_dates(engine, placement_id)) == len(DEFAULT_DATES)


def test_a_card_with_a_placement_refuses_a_second_and_nothing_is_written(engine, world):
    consultant, citizen_id, company_id = world
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=START,
                                      end=START + timedelta(days=4), goal=1)
    card_id = sprints.add_card(engine, consultant, sprint_id, citizen_id=citizen_id,
                               consultant_id=consultant.staff_id)
    start(engine, consultant, citizen_id, company_id, card_id=card_id)
    with pytest.raises(ValidationError) as refused:
        start(engine, consultant, citizen_id, company_id, card_id=card_id)
    assert refused.value.key == "error.card_has_placement"
    with Session(engine) as session:
        assert session.exec(select(func.count(Placement.id))).one() == 1
        assert session.exec(select(func.count(FollowUp.id))).one() == len(DEFAULT_DATES)


def test_a_card_of_another_citizen_is_refused(engine, world):
    consultant, citizen_id, company_id = world
    other = add_citizen(engine, consultant, first_name="Bo")
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=START,
                                      end=START + timedelta(days=4), goal=1)
    card_id = sprints.add_card(engine, consultant, sprint_id, citizen_id=other,
                               consultant_id=consultant.staff_id)
    with pytest.raises(ValidationError) as refused:
        start(engine, consultant, citizen_id, company_id, card_id=card_id)
    assert refused.value.key == "error.card_not_citizen"


@pytest.mark.parametrize("birth_year, allowed", [(2011, True), (2013, True), (2008, False),
                                                  (1990, False)])
def test_pocket_money_jobs_are_for_13_to_17_year_olds(engine, world, birth_year, allowed):
    consultant, _, company_id = world
    young = add_citizen(engine, consultant, first_name="Ung", birth_year=birth_year)
    if allowed:
        placement_id = start(engine, consultant, young, company_id, kind="lommepengejob",
                             hourly_wage=45)
        assert due_dates(engine, placement_id) == placements.follow_up_dates(
            START, [1, 7, 14, 30, 60, 90])
    else:
        with pytest.raises(ValidationError) as refused:
            start(engine, consultant, young, company_id, kind="lommepengejob")
        assert refused.value.key == "error.pocket_money_age"
        assert placements.list_placements(engine, consultant).empty


@pytest.mark.parametrize("fields, key", [
    ({"kind": "bagerjob"}, "error.unknown_placement_kind"),
    ({"planned_end_date": START - timedelta(days=1)}, "error.end_before_start"),
    ({"hours_per_week": 40}, "error.hours_per_week"),
    ({"hourly_wage": -1}, "error.hourly_wage"),
    ({"company_id": 0}, "error.company_required"),
])
def test_start_refuses_bad_input_and_writes_nothing(engine, world, fields, key):
    consultant, citizen_id, company_id = world
    fields = {"company_id": company_id} | fields
    with pytest.raises(ValidationError) as refused:
        placements.start_placement(engine, consultant, citizen_id=citizen_id,
                                   **{"kind": "virksomhedspraktik", "start_date": START} | fields)
    assert refused.value.key == key
    with Session(engine) as session:
        assert session.exec(select(func.count(Placement.id))).one() == 0


def test_a_citizen_of_another_team_is_out_of_reach(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    with pytest.raises(ValidationError) as refused:
        start(engine, actor_factory("consultant"), citizen_id, company_id)
    assert refused.value.key == "error.not_found"
    assert start(engine, actor_factory("leader"), citizen_id, company_id) > 0


@pytest.mark.parametrize("role", ["caseworker", "mentor", "screen"])
def test_roles_that_do_not_edit_cannot_start_placements(engine, world, actor_factory, role):
    consultant, citizen_id, company_id = world
    with pytest.raises(AccessDenied):
        start(engine, actor_factory(role, team_id=consultant.team_id), citizen_id, company_id)


def test_update_refuses_a_stale_version_and_overwrites_nothing(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id, hours_per_week=10)
    fields = dict(kind="virksomhedspraktik", company_id=company_id, start_date=START,
                  planned_end_date=None)
    placements.update_placement(engine, consultant, placement_id, expected_version=1,
                                hours_per_week=20, **fields)
    with pytest.raises(StaleVersion):
        placements.update_placement(engine, consultant, placement_id, expected_version=1,
                                    hours_per_week=30, **fields)
    with Session(engine) as session:
        placement = session.get(Placement, placement_id)
    assert (placement.hours_per_week, placement.version) == (20, 2)


def test_moving_the_start_replans_open_follow_ups_and_keeps_done_ones(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    placements.record_follow_up(engine, consultant, placement_id=placement_id, note="god start",
                                now=noon(START + timedelta(days=1)))
    later = START + timedelta(days=7)
    placements.update_placement(engine, consultant, placement_id, expected_version=1,
                                kind="virksomhedspraktik", company_id=company_id,
                                start_date=later, planned_end_date=None, hours_per_week=None)
    assert due_dates(engine, placement_id, done=True) == [START + timedelta(days=1)]
    assert due_dates(engine, placement_id, done=False) == placements.follow_up_dates(
        later, placements.DEFAULT_CADENCE)


def test_end_removes_later_open_follow_ups_and_keeps_the_rest(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    placements.record_follow_up(engine, consultant, placement_id=placement_id,
                                now=noon(START + timedelta(days=1)))
    end = START + timedelta(days=10)
    placements.end_placement(engine, consultant, placement_id, expected_version=1,
                             end_date=end, result="ordinary_job", broken_off=True)
    with Session(engine) as session:
        placement = session.get(Placement, placement_id)
    assert (placement.status, placement.result, placement.actual_end_date) == (
        "broken_off", "ordinary_job", end)
    assert due_dates(engine, placement_id) == DEFAULT_DATES[:5]
    assert due_dates(engine, placement_id, done=True) == DEFAULT_DATES[:1]
    plan = placements.follow_up_plan(engine, consultant, placement_id)
    assert plan["state"].tolist() == ["done", "missed", "missed", "missed", "missed"]


@pytest.mark.parametrize("end_offset, result, key", [
    (10, "promoted", "error.unknown_result"),
    (-1, "other", "error.end_before_start"),
    (None, "other", "error.end_in_future"),
])
def test_end_refuses_bad_input(engine, world, end_offset, result, key):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    end = clock.today() + timedelta(days=1) if end_offset is None \
        else START + timedelta(days=end_offset)
    with pytest.raises(ValidationError) as refused:
        placements.end_placement(engine, consultant, placement_id, expected_version=1,
                                 end_date=end, result=result)
    assert refused.value.key == key
    assert len(due_dates(engine, placement_id)) == len(DEFAULT_DATES)


def test_end_refuses_a_stale_version_and_an_ended_placement(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    placements.update_placement(engine, consultant, placement_id, expected_version=1,
                                kind="virksomhedspraktik", company_id=company_id,
                                start_date=START, planned_end_date=None, hours_per_week=12)
    with pytest.raises(StaleVersion):
        placements.end_placement(engine, consultant, placement_id, expected_version=1,
                                 end_date=START + timedelta(days=5), result="other")
    placements.end_placement(engine, consultant, placement_id, expected_version=2,
                             end_date=START + timedelta(days=5), result="other")
    with pytest.raises(ValidationError) as refused:
        placements.end_placement(engine, consultant, placement_id, expected_version=3,
                                 end_date=START + timedelta(days=6), result="other")
    assert refused.value.key == "error.placement_ended"


# --- Lists ------------------------------------------------------------------------------------


def test_list_shows_names_labels_and_the_next_open_follow_up(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    first = start(engine, consultant, citizen_id, company_id)
    placements.record_follow_up(engine, consultant, placement_id=first,
                                now=noon(DEFAULT_DATES[0]))
    other = add_citizen(engine, consultant, first_name="Bo")
    second = start(engine, consultant, other, company_id, kind="loentilskud",
                   start_date=START - timedelta(days=30))
    placements.end_placement(engine, consultant, second, expected_version=1,
                             end_date=START, result="education")
    listed = placements.list_placements(engine, consultant).set_index("id")
    assert listed.loc[first, ["citizen", "company", "status", "next_follow_up"]].tolist() == [
        "Aisha Hansen", "Strandens Bageri ApS", "active", DEFAULT_DATES[1]]
    assert listed.loc[second, "status"] == "completed"
    assert listed.loc[second, "result"] == "education"
    assert listed.loc[second, "next_follow_up"] is None
    assert placements.list_placements(engine, consultant, status="completed")["id"].tolist() == [
        second]
    assert placements.list_placements(engine, consultant, kind="loentilskud")["id"].tolist() == [
        second]
    assert placements.list_placements(engine, actor_factory("consultant")).empty


def test_a_planned_placement_whose_start_has_come_lists_as_active(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    with Session(engine) as session:
        session.get(Placement, placement_id).status = "planned"
        session.commit()
    assert placements.list_placements(engine, consultant, status="active")["id"].tolist() == [
        placement_id]


def test_due_follow_ups_at_a_fixed_day_flag_the_overdue(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    day = START + timedelta(days=3)
    due = placements.due_follow_ups(engine, consultant, today=day)
    assert due["due_date"].tolist() == DEFAULT_DATES[:3]
    assert due["overdue"].tolist() == [True, True, False]
    assert set(due["placement_id"]) == {placement_id}
    assert due.iloc[0][["citizen", "company", "kind", "consultant_id"]].tolist() == [
        "Aisha Hansen", "Strandens Bageri ApS", "virksomhedspraktik", consultant.staff_id]
    other = actor_factory("consultant", team_id=consultant.team_id)
    assert len(placements.due_follow_ups(engine, other, today=day)) == 3  # the team's list
    assert placements.due_follow_ups(engine, other, today=day,
                                     consultant_id=other.staff_id).empty
    assert placements.due_follow_ups(engine, actor_factory("consultant"), today=day).empty
    assert placements.due_follow_ups(engine, consultant, today=START).empty


def test_marking_done_is_one_call_and_the_row_leaves_the_due_list(engine, world):
    consultant, citizen_id, company_id = world
    start(engine, consultant, citizen_id, company_id)
    day = DEFAULT_DATES[0]
    [follow_up_id] = placements.due_follow_ups(engine, consultant, today=day)["id"].tolist()
    placements.mark_follow_up_done(engine, consultant, follow_up_id, note="Kender pauserne nu",
                                   now=noon(day))
    assert placements.due_follow_ups(engine, consultant, today=day).empty
    with Session(engine) as session:
        row = session.get(FollowUp, follow_up_id)
    assert (row.note, row.done_by, row.done_at) == ("Kender pauserne nu", consultant.staff_id,
                                                    noon(day))
    with pytest.raises(ValidationError) as refused:
        placements.mark_follow_up_done(engine, consultant, follow_up_id)
    assert refused.value.key == "error.follow_up_already_done"


def test_a_cpr_number_in_the_note_is_refused_and_nothing_is_ticked(engine, world):
    consultant, citizen_id, company_id = world
    start(engine, consultant, citizen_id, company_id)
    [follow_up_id] = placements.due_follow_ups(engine, consultant,
                                               today=DEFAULT_DATES[0])["id"].tolist()
    with pytest.raises(ValidationError) as refused:
        placements.mark_follow_up_done(engine, consultant, follow_up_id, note="cpr 010190-1234")
    assert refused.value.key == "error.cpr_in_text"
    assert len(placements.due_follow_ups(engine, consultant, today=DEFAULT_DATES[0])) == 1


@pytest.mark.parametrize("role, allowed", [("mentor", True), ("caseworker", True),
                                           ("screen", False)])
def test_mentors_and_caseworkers_may_tick_off_follow_ups(engine, world, actor_factory, role,
                                                        allowed):
    consultant, citizen_id, company_id = world
    start(engine, consultant, citizen_id, company_id)
    [follow_up_id] = placements.due_follow_ups(engine, consultant,
                                               today=DEFAULT_DATES[0])["id"].tolist()
    actor = actor_factory(role, team_id=consultant.team_id)
    if allowed:
        placements.mark_follow_up_done(engine, actor, follow_up_id, note="Mødt stabilt")
        assert placements.due_follow_ups(engine, consultant, today=DEFAULT_DATES[0]).empty
    else:
        with pytest.raises(AccessDenied):
            placements.mark_follow_up_done(engine, actor, follow_up_id)


def test_a_follow_up_of_another_team_cannot_be_ticked(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    start(engine, consultant, citizen_id, company_id)
    [follow_up_id] = placements.due_follow_ups(engine, consultant,
                                               today=DEFAULT_DATES[0])["id"].tolist()
    with pytest.raises(ValidationError) as refused:
        placements.mark_follow_up_done(engine, actor_factory("mentor"), follow_up_id)
    assert refused.value.key == "error.not_found"


def test_record_closes_the_earliest_open_follow_up_else_adds_one(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    day = DEFAULT_DATES[2]
    first = placements.record_follow_up(engine, consultant, placement_id=placement_id,
                                        note="ringede", now=noon(day))
    with Session(engine) as session:
        assert session.get(FollowUp, first).due_date == DEFAULT_DATES[0]
    before = len(due_dates(engine, placement_id))
    early = placements.record_follow_up(engine, consultant, placement_id=placement_id,
                                        now=noon(START))
    with Session(engine) as session:
        extra = session.get(FollowUp, early)
    assert (extra.due_date, extra.done_by) == (START, consultant.staff_id)
    assert len(due_dates(engine, placement_id)) == before + 1


def test_the_plan_names_the_state_of_each_follow_up(engine, world, monkeypatch):
    consultant, citizen_id, company_id = world
    monkeypatch.setenv("JOBTAVLEN_TODAY", "2027-09-29")  # a Wednesday
    # From Friday: days 1, 2 and 3 on Monday, Tuesday and today, day 5 on Thursday.
    placement_id = start(engine, consultant, citizen_id, company_id, start_date=date(2027, 9, 24))
    placements.record_follow_up(engine, consultant, placement_id=placement_id, note="fin")
    plan = placements.follow_up_plan(engine, consultant, placement_id)
    assert plan["due_date"].tolist()[:4] == [date(2027, 9, 27), date(2027, 9, 28),
                                             date(2027, 9, 29), date(2027, 9, 30)]
    assert plan["state"].tolist()[:4] == ["done", "overdue", "due", "planned"]
    assert plan.loc[0, ["note", "done_by_name"]].tolist() == ["fin", consultant.name]


def test_the_screen_role_reads_no_placements(engine, actor_factory):
    with pytest.raises(AccessDenied):
        placements.list_placements(engine, actor_factory("screen"))
    with pytest.raises(AccessDenied):
        placements.due_follow_ups(engine, actor_factory("screen"), today=START)


def test_follow_up_counts_split_due_today_from_overdue(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    # Days 1, 2, 3 and 5 after the start: 5 (a Saturday, so Monday) is "today", the three before
    # it are overdue.
    today = DEFAULT_DATES[3]
    assert placements.follow_up_counts(engine, consultant, today=today) == {
        "due_today": 1, "overdue": 3}
    first_open = placements.due_follow_ups(engine, consultant, today=today)["id"].iloc[0]
    placements.mark_follow_up_done(engine, consultant, int(first_open))
    assert placements.follow_up_counts(engine, consultant, today=today,
                                       consultant_id=consultant.staff_id) == {
        "due_today": 1, "overdue": 2}
    outsider = actor_factory("consultant")
    assert placements.follow_up_counts(engine, outsider, today=today) == {
        "due_today": 0, "overdue": 0}
    assert placement_id


# --- Long lists a page at a time ----------------------------------------------------------------


@pytest.mark.parametrize("limit, offset", [(2, 0), (2, 2), (3, 3), (10, 0)])
def test_a_page_of_placements_is_a_slice_of_the_list_with_the_total(engine, world, limit, offset):
    consultant, _, company_id = world
    for number in range(5):
        citizen_id = add_citizen(engine, consultant, first_name=f"Borger{'abcde'[number]}")
        start(engine, consultant, citizen_id, company_id, start_date=START + timedelta(days=number))
    everything = placements.list_placements(engine, consultant)
    page = placements.placement_page(engine, consultant, limit=limit, offset=offset)
    assert page.rows["id"].tolist() == everything["id"].tolist()[offset:offset + limit]
    assert page.rows.columns.tolist() == everything.columns.tolist()
    assert (page.total, page.offset, page.partial) == (5, offset, limit < 5)


def test_a_page_is_searched_by_the_citizens_name_and_stays_in_the_team(engine, world,
                                                                      actor_factory):
    consultant, citizen_id, company_id = world
    start(engine, consultant, citizen_id, company_id)
    start(engine, consultant, add_citizen(engine, consultant, first_name="Bashir"), company_id)
    found = placements.placement_page(engine, consultant, query="bash", limit=10)
    assert (found.rows["citizen"].tolist(), found.total) == (["Bashir Hansen"], 1)
    outsider = actor_factory("consultant")
    assert placements.placement_page(engine, outsider, query="bash", limit=10).total == 0
    with pytest.raises(ValidationError):
        placements.placement_page(engine, consultant, query="010190-1234", limit=10)


@pytest.mark.parametrize("status, shift, expected", [
    ("active", -1, True), ("planned", -1, False),  # a planned start that has come is active
    ("active", 1, False), ("planned", 1, True),
])
def test_the_status_filter_uses_the_status_as_of_today(engine, world, status, shift, expected):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id,
                         start_date=clock.today() + timedelta(days=shift))
    with Session(engine) as session:
        session.get(Placement, placement_id).status = "planned"
        session.commit()
    page = placements.placement_page(engine, consultant, status=status, limit=10)
    assert (placement_id in page.rows["id"].tolist(), page.total) == (expected, int(expected))


def test_the_first_due_follow_ups_are_the_oldest_and_the_counts_cover_them_all(engine, world):
    consultant, citizen_id, company_id = world
    start(engine, consultant, citizen_id, company_id)
    start(engine, consultant, add_citizen(engine, consultant, first_name="Bo"), company_id,
          start_date=START + timedelta(days=1))
    day = START + timedelta(days=3)
    everything = placements.due_follow_ups(engine, consultant, today=day)
    first = placements.due_follow_ups(engine, consultant, today=day, limit=2)
    assert first["id"].tolist() == everything["id"].tolist()[:2]
    assert first["due_date"].tolist() == sorted(everything["due_date"])[:2]
    counts = placements.follow_up_counts(engine, consultant, today=day)
    assert counts["due_today"] + counts["overdue"] == len(everything) == 5


# --- Plans on working days, stored ---------------------------------------------------------------


def test_a_placement_started_before_easter_plans_its_follow_ups_on_working_days(engine, world):
    consultant, citizen_id, company_id = world
    start_day, _, expected = EASTER
    placement_id = start(engine, consultant, citizen_id, company_id, start_date=start_day)
    assert due_dates(engine, placement_id) == expected
    # A planned end on Wednesday after Easter keeps the two follow-ups up to it.
    short = start(engine, consultant, add_citizen(engine, consultant, first_name="Bo"), company_id,
                  start_date=start_day, planned_end_date=date(2027, 3, 31))
    assert due_dates(engine, short) == expected[:2]


def test_moving_the_start_to_christmas_replans_on_working_days(engine, world):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id, kind="ordinaert_job")
    start_day, _, _ = CHRISTMAS
    placements.update_placement(engine, consultant, placement_id, expected_version=1,
                                kind="virksomhedspraktik", company_id=company_id,
                                start_date=start_day, planned_end_date=None, hours_per_week=None)
    assert due_dates(engine, placement_id)[:6] == CHRISTMAS[2]


# --- The job consultant of a new placement -------------------------------------------------------


def citizen_of(engine, actor, consultant_id: int | None, first_name: str = "Omar") -> int:
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, actor, first_name=first_name,
                                           last_name="Nielsen", birth_year=1988,
                                           consultant_id=consultant_id)
        session.commit()
        return citizen.id


def consultant_of(engine, placement_id: int) -> int | None:
    with Session(engine) as session:
        return session.get(Placement, placement_id).consultant_id


def test_a_placement_a_leader_registers_gets_the_citizens_consultant(engine, world,
                                                                    actor_factory):
    consultant, _, company_id = world
    leader = actor_factory("leader", team_id=consultant.team_id)
    citizen_id = citizen_of(engine, consultant, consultant.staff_id)
    placement_id = start(engine, leader, citizen_id, company_id)
    assert consultant_of(engine, placement_id) == consultant.staff_id != leader.staff_id


def test_a_colleague_registering_keeps_the_citizens_own_consultant(engine, world, actor_factory):
    consultant, _, company_id = world
    colleague = actor_factory("consultant", team_id=consultant.team_id)
    citizen_id = citizen_of(engine, consultant, consultant.staff_id)
    assert consultant_of(engine, start(engine, colleague, citizen_id, company_id)) == \
        consultant.staff_id


def test_without_a_consultant_of_the_citizen_a_consultant_registering_is_it_a_leader_not(
        engine, world, actor_factory):
    consultant, _, company_id = world
    leader = actor_factory("leader", team_id=consultant.team_id)
    by_consultant = start(engine, consultant, citizen_of(engine, consultant, None), company_id)
    by_leader = start(engine, leader, citizen_of(engine, consultant, None, "Bo"), company_id)
    assert consultant_of(engine, by_consultant) == consultant.staff_id
    assert consultant_of(engine, by_leader) is None


def test_a_consultant_given_wins_and_a_card_brings_its_consultant(engine, world, actor_factory):
    consultant, _, company_id = world
    leader = actor_factory("leader", team_id=consultant.team_id)
    colleague = actor_factory("consultant", team_id=consultant.team_id)
    chosen = start(engine, leader, citizen_of(engine, consultant, consultant.staff_id),
                   company_id, consultant_id=colleague.staff_id)
    assert consultant_of(engine, chosen) == colleague.staff_id
    # A citizen without a consultant of their own, brought to the board by the colleague.
    citizen_id = citizen_of(engine, consultant, None, "Bo")
    sprint_id, card_id = running_card(engine, consultant, citizen_id, colleague.staff_id)
    from_card = start(engine, leader, citizen_id, company_id, card_id=card_id)
    assert consultant_of(engine, from_card) == colleague.staff_id


# --- Starting a placement that secures the citizen's card ----------------------------------------


def running_card(engine, actor, citizen_id: int, consultant_id: int, *, shift: int = 0,
                 name: str = "Intensiv uge") -> tuple[int, int]:
    """A sprint around today (moved `shift` days) with the citizen's card; (sprint id, card id)."""
    today = clock.today() + timedelta(days=shift)
    sprint_id = sprints.create_sprint(engine, actor, name=name, start=today - timedelta(days=2),
                                      end=today + timedelta(days=2), goal=3)
    card_id = sprints.add_card(engine, actor, sprint_id, citizen_id=citizen_id,
                               consultant_id=consultant_id)
    return sprint_id, card_id


def audit_rows(engine, actor) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(AuditLog.action, AuditLog.table_name, AuditLog.row_id)
                            .where(AuditLog.user_id == actor.user_id)).all()


def secure(engine, actor, citizen_id, company_id, card_id, card_version, **fields) -> int:
    values = dict(kind="virksomhedspraktik", start_date=clock.today()) | fields
    return placements.secure_placement(engine, actor, card_id=card_id, card_version=card_version,
                                       citizen_id=citizen_id, company_id=company_id, **values)


def test_secure_placement_starts_it_and_moves_the_card_to_secured_linked(engine, world,
                                                                          actor_factory):
    consultant, citizen_id, company_id = world
    leader = actor_factory("leader", team_id=consultant.team_id)
    sprint_id, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    version = sprints.move_card(engine, consultant, card_id, "dialogue", expected_version=1)
    placement_id = secure(engine, leader, citizen_id, company_id, card_id, version)
    with Session(engine) as session:
        card = session.get(SprintCard, card_id)
        placement = session.get(Placement, placement_id)
        moves = session.exec(select(StageChange.from_stage, StageChange.to_stage, StageChange.changed_by)
                             .where(StageChange.card_id == card_id)
                             .order_by(StageChange.id)).all()
        logged = session.exec(select(AuditLog.action, AuditLog.table_name)
                              .where(AuditLog.user_id == leader.user_id)
                              .order_by(AuditLog.id)).all()
    assert (card.stage, card.placement_id, card.company_id) == ("secured", placement_id, company_id)
    assert card.version > version
    assert moves[-1] == ("dialogue", "secured", leader.staff_id)
    assert (placement.sprint_id, placement.consultant_id) == (sprint_id, consultant.staff_id)
    assert {("move", "sprint_card"), ("link", "sprint_card"), ("create", "placement")} <= set(logged)
    assert len(due_dates(engine, placement_id)) == len(placements.DEFAULT_CADENCE)
    assert sprints.sprint_result(engine, leader, sprint_id).secured == 1


def test_secure_placement_on_a_stale_card_writes_no_placement_and_moves_nothing(engine, world,
                                                                                actor_factory):
    consultant, citizen_id, company_id = world
    _, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    colleague = actor_factory("consultant", team_id=consultant.team_id)
    sprints.move_card(engine, colleague, card_id, "clarified", expected_version=1)
    logged_before = audit_rows(engine, consultant)
    with pytest.raises(StaleVersion):
        secure(engine, consultant, citizen_id, company_id, card_id, card_version=1)
    assert audit_rows(engine, consultant) == logged_before
    with Session(engine) as session:
        card = session.get(SprintCard, card_id)
        assert (card.stage, card.placement_id, card.version) == ("clarified", None, 2)
        assert session.exec(select(func.count(Placement.id))).one() == 0
        assert session.exec(select(func.count(FollowUp.id))).one() == 0
        assert session.exec(select(func.count(StageChange.id))
                            .where(StageChange.card_id == card_id)).one() == 2


def test_secure_placement_with_a_bad_placement_leaves_the_card_where_it_was(engine, world):
    consultant, citizen_id, company_id = world
    _, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    with pytest.raises(ValidationError) as refused:
        secure(engine, consultant, citizen_id, company_id, card_id, 1, hours_per_week=40)
    assert refused.value.key == "error.hours_per_week"
    with pytest.raises(ValidationError) as refused:
        secure(engine, consultant, add_citizen(engine, consultant, first_name="Bo"), company_id,
               card_id, 1)
    assert refused.value.key == "error.card_not_citizen"
    with Session(engine) as session:
        card = session.get(SprintCard, card_id)
        assert (card.stage, card.version, card.placement_id) == ("selected", 1, None)
        assert session.exec(select(func.count(Placement.id))).one() == 0


@pytest.mark.parametrize("role", ["caseworker", "mentor"])
def test_roles_that_move_no_cards_cannot_secure_a_placement(engine, world, actor_factory, role):
    consultant, citizen_id, company_id = world
    _, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    with pytest.raises(AccessDenied):
        secure(engine, actor_factory(role, team_id=consultant.team_id), citizen_id, company_id,
               card_id, 1)


def test_the_board_still_offers_a_placement_for_a_card_moved_to_secured(engine, world,
                                                                        actor_factory):
    consultant, citizen_id, company_id = world
    leader = actor_factory("leader", team_id=consultant.team_id)
    _, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    sprints.move_card(engine, leader, card_id, "secured", expected_version=1)
    defaults = placements.placement_defaults(engine, leader, citizen_id=citizen_id)
    assert defaults.offer is None and defaults.link_card_id == card_id
    placement_id = start(engine, leader, citizen_id, company_id, card_id=card_id)
    assert consultant_of(engine, placement_id) == consultant.staff_id
    with Session(engine) as session:
        assert session.get(SprintCard, card_id).placement_id == placement_id


# --- What a form for a new placement proposes ----------------------------------------------------


def test_the_defaults_offer_the_open_card_on_the_running_sprint(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    leader = actor_factory("leader", team_id=consultant.team_id)
    with Session(engine) as session:
        session.get(Citizen, citizen_id).consultant_id = consultant.staff_id
        session.commit()
    running_card(engine, consultant, citizen_id, consultant.staff_id, shift=-30, name="Sidste måned")
    running_card(engine, consultant, citizen_id, consultant.staff_id, shift=30, name="Næste måned")
    sprint_id, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    defaults = placements.placement_defaults(engine, leader, citizen_id=citizen_id)
    assert defaults.consultant_id == consultant.staff_id
    assert (defaults.offer.card_id, defaults.offer.version, defaults.offer.sprint_id,
            defaults.offer.sprint_name) == (card_id, 1, sprint_id, "Intensiv uge")
    assert defaults.link_card_id is None


@pytest.mark.parametrize("stage, offered, linked", [
    ("selected", True, False), ("dialogue", True, False), ("secured", False, True),
    ("parked", False, False),
])
def test_the_defaults_by_the_stage_of_the_card(engine, world, stage, offered, linked):
    consultant, citizen_id, _ = world
    _, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    if stage != "selected":
        sprints.move_card(engine, consultant, card_id, stage, expected_version=1,
                          park_reason="Syg")
    defaults = placements.placement_defaults(engine, consultant, citizen_id=citizen_id)
    assert (defaults.offer is not None, defaults.link_card_id == card_id) == (offered, linked)


def test_the_defaults_skip_a_card_that_has_its_placement_and_a_closed_sprint(engine, world,
                                                                            actor_factory):
    consultant, citizen_id, company_id = world
    sprint_id, card_id = running_card(engine, consultant, citizen_id, consultant.staff_id)
    start(engine, consultant, citizen_id, company_id, card_id=card_id)
    assert placements.placement_defaults(engine, consultant, citizen_id=citizen_id).card is None
    other = add_citizen(engine, consultant, first_name="Bo")
    closed_sprint, _ = running_card(engine, consultant, other, consultant.staff_id, name="Lukket")
    sprints.close_sprint(engine, actor_factory("leader", team_id=consultant.team_id), closed_sprint)
    defaults = placements.placement_defaults(engine, consultant, citizen_id=other)
    assert (defaults.card, defaults.consultant_id) == (None, consultant.staff_id)


def test_the_defaults_of_another_teams_citizen_are_refused(engine, world, actor_factory):
    _, citizen_id, _ = world
    with pytest.raises(ValidationError) as refused:
        placements.placement_defaults(engine, actor_factory("consultant"), citizen_id=citizen_id)
    assert refused.value.key == "error.not_found"
