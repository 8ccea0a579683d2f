"""Placements (forløb) and their follow-up: cadence, plan, due list, ticking off, ending."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, delete, func, select

from model import clock, people, placements, sprints
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import AuditLog, Company, FollowUp, FollowUpCadence, Placement, SprintCard

START = date(2026, 3, 2)  # a Monday well in the past
DEFAULT_DATES = [START + timedelta(days=d) for d in placements.DEFAULT_CADENCE]


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
    (date(2026, 12, 30), [1, 2, 5], [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 4)]),
    (date(2028, 2, 28), [1, 30], [date(2028, 2, 29), date(2028, 3, 29)]),
    (date(2026, 3, 2), [], []),
])
def test_follow_up_dates_count_days_after_the_start(start_day, days, expected):
    assert placements.follow_up_dates(start_day, days) == expected


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


def test_the_plan_names_the_state_of_each_follow_up(engine, world):
    consultant, citizen_id, company_id = world
    today = clock.today()
    placement_id = start(engine, consultant, citizen_id, company_id,
                         start_date=today - timedelta(days=2))
    placements.record_follow_up(engine, consultant, placement_id=placement_id, note="fin")
    plan = placements.follow_up_plan(engine, consultant, placement_id)
    assert plan["state"].tolist()[:4] == ["done", "due", "planned", "planned"]
    assert plan.loc[0, ["note", "done_by_name"]].tolist() == ["fin", consultant.name]


def test_the_screen_role_reads_no_placements(engine, actor_factory):
    with pytest.raises(AccessDenied):
        placements.list_placements(engine, actor_factory("screen"))
    with pytest.raises(AccessDenied):
        placements.due_follow_ups(engine, actor_factory("screen"), today=START)


def test_follow_up_counts_split_due_today_from_overdue(engine, world, actor_factory):
    consultant, citizen_id, company_id = world
    placement_id = start(engine, consultant, citizen_id, company_id)
    # Days 1, 2, 3 and 5 after the start: 5 is "today", the three before it are overdue.
    today = START + timedelta(days=5)
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
