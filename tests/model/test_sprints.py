"""Sprints: creation, moves with the version check, burn-up, funnel, programme, result."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from model import i18n, people, sprints
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import SECURED as SECURED_STAGE
from model.tables import AuditLog, Citizen, SprintCard, StageChange
from tests.conftest import demo_actor, make_actor
from tests.model.test_transactions import InjectedFailure, fail_audit_at, snapshot

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


# --- Planning the week -----------------------------------------------------------------------

@pytest.mark.parametrize("today, week", [
    (date(2027, 1, 1), (date(2026, 12, 28), date(2027, 1, 1))),    # Friday of ISO week 53
    (date(2026, 12, 5), (date(2026, 12, 7), date(2026, 12, 11))),  # Saturday: next week
    (date(2026, 12, 6), (date(2026, 12, 7), date(2026, 12, 11))),  # Sunday: next week
    (date(2027, 9, 27), (date(2027, 9, 27), date(2027, 10, 1))),   # Monday of week 39
    (date(2027, 9, 29), (date(2027, 9, 27), date(2027, 10, 1))),   # its Wednesday
])
def test_the_new_sprint_proposes_this_weeks_monday_to_friday(today, week):
    assert sprints.proposed_week(today) == week


def test_the_free_week_skips_weeks_that_already_have_a_sprint():
    taken = [(date(2027, 9, 27), date(2027, 10, 1)), (date(2027, 10, 8), date(2027, 10, 8))]
    # This week is taken, and a one-day session on Friday takes the next one too.
    assert sprints.free_week(date(2027, 9, 28), taken) == (date(2027, 10, 11), date(2027, 10, 15))
    assert sprints.free_week(date(2027, 9, 28), []) == (date(2027, 9, 27), date(2027, 10, 1))


def test_the_next_free_week_counts_only_the_teams_own_sprints(engine, actor_factory):
    leader, other = actor_factory("leader"), actor_factory("leader")
    sprints.create_sprint(engine, leader, name="Uge 39", start=date(2027, 9, 27),
                          end=date(2027, 10, 1), goal=16)
    sprints.create_sprint(engine, other, name="Deres uge 40", start=date(2027, 10, 4),
                          end=date(2027, 10, 8), goal=16)
    assert sprints.next_free_week(engine, leader, team_id=leader.team_id,
                                  today=date(2027, 9, 29)) == (date(2027, 10, 4), date(2027, 10, 8))
    assert sprints.next_free_week(engine, other, team_id=other.team_id,
                                  today=date(2027, 9, 29)) == (date(2027, 9, 27), date(2027, 10, 1))


def test_the_template_lands_on_the_sprints_weekdays():
    week = sprints.programme_from_template(date(2027, 9, 27), date(2027, 10, 1))
    assert len(week) == len(sprints.PROGRAMME_TEMPLATE)
    assert [day.weekday() for day, _, _ in week] == [n for n, _, _ in sprints.PROGRAMME_TEMPLATE]
    assert week[0] == (date(2027, 9, 27), "formiddag", sprints.PROGRAMME_TEMPLATE[0][2])
    # Friday to Tuesday across a weekend: Friday's, Monday's and Tuesday's items only.
    short = sprints.programme_from_template(date(2027, 10, 1), date(2027, 10, 5))
    assert [(day, part) for day, part, _ in short] == [
        (date(2027, 10, 4), "formiddag"), (date(2027, 10, 4), "eftermiddag"),
        (date(2027, 10, 5), "formiddag"), (date(2027, 10, 5), "eftermiddag"),
        (date(2027, 10, 1), "formiddag"), (date(2027, 10, 1), "eftermiddag")]


def test_applying_the_template_fills_an_empty_programme_and_asks_before_replacing(engine, week):
    consultant, sprint_id, _ = week
    assert sprints.apply_programme_template(engine, consultant, sprint_id) == 9
    programme = sprints.agenda(engine, consultant, sprint_id)
    assert sorted({d.weekday() for d in programme["day"]}) == [0, 1, 2, 3, 4]
    assert programme["title"].iloc[-1] == "Fælles opsamling med sagsbehandlere og mentorer"

    sprints.save_agenda(engine, consultant, sprint_id, programme.head(2))
    with pytest.raises(ValidationError) as refused:
        sprints.apply_programme_template(engine, consultant, sprint_id)
    assert (refused.value.key, refused.value.params) == ("error.programme_exists", {"items": 2})
    assert len(sprints.agenda(engine, consultant, sprint_id)) == 2
    assert sprints.apply_programme_template(engine, consultant, sprint_id, replace=True) == 9
    assert len(sprints.agenda(engine, consultant, sprint_id)) == 9


def test_applying_the_template_is_one_transaction(engine, week, monkeypatch):
    consultant, sprint_id, _ = week
    kept = pd.DataFrame([{"day": MONDAY, "part": "", "title": "Vores eget program", "note": ""}])
    sprints.save_agenda(engine, consultant, sprint_id, kept)
    fail_audit_at(monkeypatch, "template", "agenda_item")
    with pytest.raises(InjectedFailure):
        sprints.apply_programme_template(engine, consultant, sprint_id, replace=True)
    assert sprints.agenda(engine, consultant, sprint_id)["title"].tolist() == ["Vores eget program"]


@pytest.mark.parametrize("day", [
    "2026-09-22",                      # an empty editor's date column hands back ISO text
    "2026-09-22T00:00:00",
    "22-09-2026",
    pd.Timestamp("2026-09-22"),
    datetime(2026, 9, 22, 0, 0),
    date(2026, 9, 22),
])
def test_save_agenda_takes_the_day_as_the_editor_hands_it_back(engine, week, day):
    consultant, sprint_id, _ = week
    items = pd.DataFrame([{"day": day, "part": "formiddag", "title": "Sparring", "note": None},
                          {"day": None, "part": None, "title": None, "note": None},
                          # A new row the editor added with its default day, left empty.
                          {"day": "2026-09-21", "part": "", "title": None, "note": None}])
    sprints.save_agenda(engine, consultant, sprint_id, items)
    saved = sprints.agenda(engine, consultant, sprint_id)
    assert saved[["day", "part", "title", "note"]].values.tolist() == [
        [date(2026, 9, 22), "formiddag", "Sparring", ""]]


@pytest.mark.parametrize("day", ["tirsdag", "2026-13-01", "2026-10-05"])
def test_save_agenda_refuses_a_day_it_cannot_read_or_outside_the_sprint(engine, week, day):
    consultant, sprint_id, _ = week
    items = pd.DataFrame([{"day": day, "part": "", "title": "Sparring", "note": ""}])
    with pytest.raises(ValidationError) as refused:
        sprints.save_agenda(engine, consultant, sprint_id, items)
    assert refused.value.key == "error.agenda_day_outside"
    assert sprints.agenda(engine, consultant, sprint_id).empty


def test_save_agenda_refuses_a_programme_a_colleague_saved_in_between(engine, week):
    consultant, sprint_id, _ = week
    sprints.apply_programme_template(engine, consultant, sprint_id)
    mine = sprints.agenda(engine, consultant, sprint_id)
    stamp = sprints.programme_stamp(mine)
    theirs = mine.copy()
    theirs.loc[0, "title"] = "Kollegaens rettelse"
    sprints.save_agenda(engine, consultant, sprint_id, theirs, expected_stamp=stamp)
    with pytest.raises(StaleVersion):
        sprints.save_agenda(engine, consultant, sprint_id, mine.head(1), expected_stamp=stamp)
    saved = sprints.agenda(engine, consultant, sprint_id)
    assert len(saved) == 9 and saved["title"].iloc[0] == "Kollegaens rettelse"
    # Saved from what is stored now, it goes through.
    sprints.save_agenda(engine, consultant, sprint_id, saved.head(1),
                        expected_stamp=sprints.programme_stamp(saved))
    assert len(sprints.agenda(engine, consultant, sprint_id)) == 1


@pytest.fixture
def team(engine, actor_factory):
    """A team with a leader, two consultants with three citizens each, and this week's sprint."""
    leader = actor_factory("leader")
    consultants = [make_actor(engine, "consultant", team_id=leader.team_id, name=name)
                   for name in ("Anne Holm", "Bent Krog")]
    citizens = {
        c.staff_id: [people.create_citizen(engine, leader, first_name=first, last_name=last,
                                           birth_year=1988 + i, consultant_id=c.staff_id,
                                           team_id=leader.team_id)
                     for i, (first, last) in enumerate(names)]
        for c, names in zip(consultants, [
            [("Ali", "Berg"), ("Dorte", "Lund"), ("Emil", "Sand")],
            [("Fatima", "Dam"), ("Gert", "Mose"), ("Hiba", "Skov")]])}
    sprint_id = sprints.create_sprint(engine, leader, name="Uge 39", start=date(2027, 9, 27),
                                      end=date(2027, 10, 1), goal=4)
    return leader, consultants, citizens, sprint_id


def card_rows(engine, sprint_id) -> list[tuple]:
    with Session(engine) as session:
        return sorted(session.exec(select(SprintCard.citizen_id, SprintCard.consultant_id,
                                          SprintCard.stage)
                                   .where(SprintCard.sprint_id == sprint_id)).all())


def test_a_consultant_joins_with_three_citizens_in_one_step(engine, team):
    leader, (anne, bent), citizens, sprint_id = team
    cards = sprints.add_cards(engine, leader, sprint_id, consultant_id=anne.staff_id,
                              citizen_ids=citizens[anne.staff_id])
    assert len(cards) == 3
    # "Medbragt af" is the citizen's own consultant; the consultant now takes part.
    assert card_rows(engine, sprint_id) == [(c, anne.staff_id, "selected")
                                            for c in citizens[anne.staff_id]]
    assert sprints.consultants(engine, leader, sprint_id)["id"].tolist() == [anne.staff_id]
    annes = sprints.consultant_citizens(engine, leader, sprint_id, consultant_id=anne.staff_id)
    bents = sprints.consultant_citizens(engine, leader, sprint_id, consultant_id=bent.staff_id)
    assert annes["on_sprint"].tolist() == [True] * 3
    assert bents["on_sprint"].tolist() == [False] * 3
    assert bents["first_name"].tolist() == ["Fatima", "Gert", "Hiba"]


def test_bringing_citizens_can_create_new_ones_and_name_who_brought_them(engine, team):
    leader, (anne, bent), citizens, sprint_id = team
    sprints.add_cards(engine, leader, sprint_id, consultant_id=bent.staff_id,
                      citizen_ids=citizens[bent.staff_id][:1],
                      new_citizens=[dict(first_name="Ida", last_name="Nør", birth_year=1995)],
                      brought_by=anne.staff_id)
    with Session(engine) as session:
        ida = session.exec(select(Citizen).where(Citizen.first_name == "Ida")).one()
    assert (ida.consultant_id, ida.team_id) == (bent.staff_id, leader.team_id)
    assert card_rows(engine, sprint_id) == sorted([
        (citizens[bent.staff_id][0], anne.staff_id, "selected"),
        (ida.id, anne.staff_id, "selected")])
    assert set(sprints.consultants(engine, leader, sprint_id)["id"]) == {anne.staff_id,
                                                                         bent.staff_id}


def test_bringing_a_citizen_already_on_the_sprint_writes_nothing(engine, team):
    leader, (anne, _), citizens, sprint_id = team
    first, *rest = citizens[anne.staff_id]
    sprints.add_card(engine, leader, sprint_id, citizen_id=first, consultant_id=anne.staff_id)
    before = snapshot(engine)
    with pytest.raises(ValidationError) as refused:
        sprints.add_cards(engine, leader, sprint_id, consultant_id=anne.staff_id,
                          citizen_ids=[*rest, first],
                          new_citizens=[dict(first_name="Ida", last_name="Nør", birth_year=1995)])
    assert refused.value.key == "error.citizen_on_board_named"
    assert refused.value.params == {"name": "Ali Berg"}
    assert i18n.t(refused.value.key, "da", **refused.value.params) == (
        "Ali Berg er allerede på tavlen i denne sprint. Intet er gemt.")
    assert snapshot(engine) == before


def test_bringing_citizens_is_one_transaction(engine, team, monkeypatch):
    leader, (anne, _), citizens, sprint_id = team
    before = snapshot(engine)
    fail_audit_at(monkeypatch, "create", "sprint_card", nth=3)
    with pytest.raises(InjectedFailure):
        sprints.add_cards(engine, leader, sprint_id, consultant_id=anne.staff_id,
                          citizen_ids=citizens[anne.staff_id])
    assert snapshot(engine) == before


def test_bringing_citizens_keeps_the_role_and_team_checks(engine, team, actor_factory):
    leader, (anne, _), citizens, sprint_id = team
    with pytest.raises(AccessDenied):
        sprints.add_cards(engine, actor_factory("caseworker", team_id=leader.team_id), sprint_id,
                          consultant_id=anne.staff_id, citizen_ids=citizens[anne.staff_id])
    outsider = actor_factory("consultant")
    own_sprint = sprints.create_sprint(engine, outsider, name="Deres uge", start=MONDAY,
                                       end=date(2026, 9, 25), goal=3)
    with pytest.raises(ValidationError) as refused:
        sprints.add_cards(engine, outsider, own_sprint, consultant_id=outsider.staff_id,
                          citizen_ids=citizens[anne.staff_id][:1])
    assert refused.value.key == "error.not_found"
    with pytest.raises(ValidationError) as nothing:
        sprints.add_cards(engine, leader, sprint_id, consultant_id=anne.staff_id)
    assert nothing.value.key == "error.no_citizens_chosen"
    assert card_rows(engine, sprint_id) == [] and card_rows(engine, own_sprint) == []


def closed_week(engine, team):
    """Uge 39 planned and closed: both consultants' citizens on it, two secured, one parked."""
    leader, (anne, bent), citizens, sprint_id = team
    for consultant in (anne, bent):
        sprints.add_cards(engine, leader, sprint_id, consultant_id=consultant.staff_id,
                          citizen_ids=citizens[consultant.staff_id])
    sprints.apply_programme_template(engine, leader, sprint_id)
    board = sprints.board(engine, leader, sprint_id).set_index("citizen_id")
    for citizen_id, stage in [(citizens[anne.staff_id][0], "secured"),
                              (citizens[bent.staff_id][0], "secured")]:
        sprints.move_card(engine, leader, int(board.loc[citizen_id, "card_id"]), stage,
                          expected_version=1)
    sprints.move_card(engine, leader, int(board.loc[citizens[bent.staff_id][1], "card_id"]),
                      "parked", expected_version=1, park_reason="Syg")
    sprints.close_sprint(engine, leader, sprint_id)
    return leader, anne, bent, citizens, sprint_id


def test_repeating_a_closed_sprint_copies_consultants_programme_and_goal(engine, team):
    leader, anne, bent, citizens, old = closed_week(engine, team)
    offered = sprints.repeatable_cards(engine, leader, old)
    assert len(offered) == 4 and SECURED_STAGE not in set(offered["stage"])
    bring = [citizens[anne.staff_id][1], citizens[bent.staff_id][1]]
    new = sprints.repeat_sprint(engine, leader, old, name="Uge 12 – fastholdelse",
                                start=date(2028, 3, 20), end=date(2028, 3, 24),
                                focus="fastholdelse", citizen_ids=bring)
    sprint = sprints.get_sprint(engine, leader, new)
    assert (sprint.name, sprint.focus, sprint.goal_count, sprint.kind, sprint.team_id) == (
        "Uge 12 – fastholdelse", "fastholdelse", 4, "intensive_week", leader.team_id)
    assert set(sprints.consultants(engine, leader, new)["id"]) == {anne.staff_id, bent.staff_id}
    before = sprints.agenda(engine, leader, old)
    after = sprints.agenda(engine, leader, new)
    assert after["title"].tolist() == before["title"].tolist()
    assert [d.weekday() for d in after["day"]] == [d.weekday() for d in before["day"]]
    assert after["day"].min() == date(2028, 3, 20) and after["day"].max() == date(2028, 3, 24)
    assert card_rows(engine, new) == sorted([(bring[0], anne.staff_id, "selected"),
                                             (bring[1], bent.staff_id, "selected")])
    # The old sprint is untouched.
    assert len(card_rows(engine, old)) == 6


def test_repeating_needs_a_closed_sprint_and_open_citizens(engine, team):
    leader, _, citizens, open_sprint = team
    fields = dict(name="Igen", start=date(2028, 3, 20), end=date(2028, 3, 24))
    with pytest.raises(ValidationError) as not_closed:
        sprints.repeat_sprint(engine, leader, open_sprint, **fields)
    assert not_closed.value.key == "error.repeat_needs_closed"
    leader, anne, _, citizens, old = closed_week(engine, team)
    before = snapshot(engine)
    with pytest.raises(ValidationError) as secured:
        sprints.repeat_sprint(engine, leader, old, citizen_ids=[citizens[anne.staff_id][0]],
                              **fields)
    assert secured.value.key == "error.repeat_citizen_not_open"
    with pytest.raises(ValidationError):
        sprints.repeat_sprint(engine, leader, old, **fields | {"name": " "})
    assert snapshot(engine) == before


def test_repeating_a_sprint_is_one_transaction(engine, team, monkeypatch):
    leader, anne, _, citizens, old = closed_week(engine, team)
    before = snapshot(engine)
    fail_audit_at(monkeypatch, "create", "sprint_card", nth=2)
    with pytest.raises(InjectedFailure):
        sprints.repeat_sprint(engine, leader, old, name="Igen", start=date(2028, 3, 20),
                              end=date(2028, 3, 24), citizen_ids=citizens[anne.staff_id][1:])
    assert snapshot(engine) == before


def test_a_repeated_programme_keeps_its_weekdays_when_the_old_week_began_on_a_weekend(
        engine, actor_factory):
    leader = actor_factory("leader")
    old = sprints.create_sprint(engine, leader, name="Lør-ons", start=date(2027, 9, 25),
                                end=date(2027, 9, 29), goal=2)
    sprints.apply_programme_template(engine, leader, old)
    sprints.close_sprint(engine, leader, old)
    new = sprints.repeat_sprint(engine, leader, old, name="Igen", start=date(2028, 3, 20),
                                end=date(2028, 3, 24))
    days = sprints.agenda(engine, leader, new)["day"].tolist()
    assert sorted(set(days)) == [date(2028, 3, 20), date(2028, 3, 21), date(2028, 3, 22)]
    assert len(days) == 6
