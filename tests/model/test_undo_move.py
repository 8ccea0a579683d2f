"""Fortryd: one's own last move is undone within ten seconds by the app's clock, as a move of its
own (version-checked, with its stage_change and log row); later, or after anyone's change, never."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from model import clock, sprints
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import AuditLog, SprintCard, StageChange

MONDAY = date(2026, 9, 21)
MOVED_AT = datetime(2026, 9, 22, 10, 0, tzinfo=UTC)


def seconds_later(seconds: float) -> datetime:
    return MOVED_AT + timedelta(seconds=seconds)


@pytest.fixture
def card(engine, actor_factory):
    """A consultant's card moved from "Udvalgt" to "Afklaret" at MOVED_AT (version 2 after it)."""
    consultant = actor_factory("consultant")
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=MONDAY,
                                      end=MONDAY + timedelta(days=4), goal=2)
    card_id = sprints.add_new_citizen_card(engine, consultant, sprint_id,
                                           consultant_id=consultant.staff_id,
                                           now=MOVED_AT - timedelta(days=1), first_name="Aisha",
                                           last_name="Hansen", birth_year=1990)
    sprints.move_card(engine, consultant, card_id, "clarified", expected_version=1, now=MOVED_AT)
    return consultant, card_id


def stage_of(engine, card_id: int) -> tuple[str, int, str]:
    with Session(engine) as session:
        row = session.get(SprintCard, card_id)
        return row.stage, row.version, row.park_reason


def history(engine, card_id: int) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(StageChange.from_stage, StageChange.to_stage)
                            .where(StageChange.card_id == card_id)
                            .order_by(StageChange.id)).all()


@pytest.mark.parametrize("after", [0.5, 9.9, 10])
def test_undo_within_ten_seconds_moves_the_card_back_and_is_logged_as_a_move(engine, card, after):
    consultant, card_id = card
    version = sprints.undo_move(engine, consultant, card_id, expected_version=2,
                                now=seconds_later(after))
    assert version == 3
    assert stage_of(engine, card_id) == ("selected", 3, "")
    assert history(engine, card_id) == [(None, "selected"), ("selected", "clarified"),
                                        ("clarified", "selected")]
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.user_id, AuditLog.action, AuditLog.detail)
                              .where(AuditLog.table_name == "sprint_card",
                                     AuditLog.row_id == card_id)
                              .order_by(AuditLog.id.desc())).first()
    assert logged == (consultant.user_id, "move", "clarified->selected (undo)")


@pytest.mark.parametrize("after", [10.001, 11, 3600])
def test_undo_after_ten_seconds_is_refused_and_moves_nothing(engine, card, after):
    consultant, card_id = card
    with pytest.raises(ValidationError) as refused:
        sprints.undo_move(engine, consultant, card_id, expected_version=2,
                          now=seconds_later(after))
    assert (refused.value.key, refused.value.params) == ("error.undo_too_late", {"seconds": 10})
    assert stage_of(engine, card_id) == ("clarified", 2, "")
    assert len(history(engine, card_id)) == 2


def test_the_window_is_counted_by_the_apps_clock(engine, card, monkeypatch):
    consultant, card_id = card
    monkeypatch.delenv(clock.SETTING, raising=False)  # the machine's clock, as set below
    monkeypatch.setattr(clock, "_system_now", lambda: seconds_later(11))
    with pytest.raises(ValidationError):
        sprints.undo_move(engine, consultant, card_id, expected_version=2)
    monkeypatch.setattr(clock, "_system_now", lambda: seconds_later(4))
    sprints.undo_move(engine, consultant, card_id, expected_version=2)
    assert stage_of(engine, card_id)[0] == "selected"


@pytest.mark.parametrize("change", ["moved", "company"])
def test_undo_after_someone_else_changed_the_card_is_refused(engine, card, actor_factory, change):
    consultant, card_id = card
    colleague = actor_factory("consultant", team_id=consultant.team_id)
    if change == "moved":
        sprints.move_card(engine, colleague, card_id, "dialogue", expected_version=2,
                          now=seconds_later(2))
    else:
        sprints.set_card_company(engine, colleague, card_id, None, expected_version=2)
    before = stage_of(engine, card_id)
    with pytest.raises(StaleVersion) as refused:
        sprints.undo_move(engine, consultant, card_id, expected_version=2, now=seconds_later(3))
    assert refused.value.key == "error.undo_changed_since"
    assert stage_of(engine, card_id) == before


def test_only_the_mover_can_undo_the_move(engine, card, actor_factory):
    consultant, card_id = card
    colleague = actor_factory("consultant", team_id=consultant.team_id)
    with pytest.raises(ValidationError) as refused:
        sprints.undo_move(engine, colleague, card_id, expected_version=2, now=seconds_later(1))
    assert refused.value.key == "error.undo_not_own"
    assert stage_of(engine, card_id) == ("clarified", 2, "")


def test_putting_a_card_on_the_board_is_no_move_to_undo(engine, card):
    consultant, card_id = card
    with Session(engine) as session:
        sprint_id = session.get(SprintCard, card_id).sprint_id
    new_card = sprints.add_new_citizen_card(engine, consultant, sprint_id,
                                            consultant_id=consultant.staff_id, now=MOVED_AT,
                                            first_name="Bo", last_name="Hansen", birth_year=1991)
    with pytest.raises(ValidationError) as refused:
        sprints.undo_move(engine, consultant, new_card, expected_version=1, now=seconds_later(1))
    assert refused.value.key == "error.undo_not_own"


def test_undoing_a_move_out_of_parked_restores_the_reason(engine, card):
    consultant, card_id = card
    sprints.move_card(engine, consultant, card_id, "parked", expected_version=2,
                      park_reason="Syg i ugen", now=seconds_later(20))
    sprints.move_card(engine, consultant, card_id, "dialogue", expected_version=3,
                      now=seconds_later(40))
    assert stage_of(engine, card_id) == ("dialogue", 4, "")
    sprints.undo_move(engine, consultant, card_id, expected_version=4, park_reason="Syg i ugen",
                      now=seconds_later(45))
    assert stage_of(engine, card_id) == ("parked", 5, "Syg i ugen")


@pytest.mark.parametrize("role", ["caseworker", "mentor", "screen"])
def test_roles_that_cannot_move_cards_cannot_undo(engine, card, actor_factory, role):
    _, card_id = card
    with pytest.raises(AccessDenied):
        sprints.undo_move(engine, actor_factory(role), card_id, expected_version=2,
                          now=seconds_later(1))


def test_a_card_of_another_team_is_not_found(engine, card, actor_factory):
    _, card_id = card
    with pytest.raises(ValidationError) as refused:
        sprints.undo_move(engine, actor_factory("consultant"), card_id, expected_version=2,
                          now=seconds_later(1))
    assert refused.value.key == "error.not_found"
