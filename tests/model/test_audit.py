"""The audit log: append-only in the database, one documented purge, and what gets logged."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, func, select

from model import (
    audit,
    auth,
    clock,
    companies,
    exporting,
    people,
    placements,
    quick,
    sprints,
    timeline,
)
from model.db import write_session
from model.errors import ValidationError
from model.tables import AuditLog, AuditPurge, AuditSubject, Citizen, Company, Placement, Sprint, SprintCard


def add_entries(engine, moments: list[datetime]) -> list[int]:
    with Session(engine) as session:
        rows = [AuditLog(at=moment, action="view", table_name="citizen", row_id=i)
                for i, moment in enumerate(moments)]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def count(engine, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog).where(*where)).one()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'nothing'",
    "UPDATE audit_log SET detail = 'changed' WHERE id = {id}",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = {id}",
])
def test_sql_cannot_change_or_delete_the_log(engine, statement):
    [row_id] = add_entries(engine, [datetime(2026, 1, 5, tzinfo=UTC)])
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement.format(id=row_id)))
    with Session(engine) as session:
        row = session.get(AuditLog, row_id)
    assert (row.action, row.detail) == ("view", "")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_subject SET citizen_id = 0",
    "DELETE FROM audit_subject",
    "DELETE FROM audit_log",  # would cascade to its subjects
])
def test_the_citizens_a_list_showed_cannot_be_changed_or_deleted(engine, actor_factory, statement):
    actor = actor_factory("consultant")
    with write_session(engine) as session:
        audit.log_search(session, actor, "citizen", "by_name;rows=2", citizen_ids=[5, 9])
        session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    assert subjects(engine) == [5, 9]


def test_the_purge_takes_the_citizens_a_list_showed_with_its_rows(engine, actor_factory):
    actor = actor_factory("consultant")
    with write_session(engine) as session:
        audit.log_search(session, actor, "citizen", "by_name;rows=1", citizen_ids=[5])
        session.commit()
    with write_session(engine) as session:
        assert audit.purge_older_than(session, clock.now() + timedelta(seconds=1)) == 1
        session.commit()
    assert subjects(engine) == []


def test_the_same_criterion_showing_other_citizens_is_a_new_look(engine, actor_factory):
    actor = actor_factory("consultant")
    logged = []
    for shown in ([1, 2], [1, 2], [3], [3]):
        with write_session(engine) as session:
            logged.append(audit.log_search(session, actor, "citizen", "by_name;rows=2",
                                           citizen_ids=shown))
            session.commit()
    assert logged == [True, False, True, False]


def subjects(engine) -> list[int]:
    with Session(engine) as session:
        return list(session.exec(select(AuditSubject.citizen_id).order_by(AuditSubject.citizen_id)))


def test_truncate_is_refused_on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    add_entries(engine, [datetime(2026, 1, 5, tzinfo=UTC)])
    # With or without the citizens its lists showed (audit_subject refers to the log).
    for statement in ("TRUNCATE audit_log CASCADE", "TRUNCATE audit_subject"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    assert count(engine) == 1


def test_purge_deletes_only_entries_before_the_cutoff(engine):
    cutoff = datetime(2026, 6, 1, tzinfo=UTC)
    add_entries(engine, [cutoff - timedelta(days=200), cutoff - timedelta(seconds=1), cutoff,
                         cutoff + timedelta(days=1)])
    with write_session(engine) as session:
        assert audit.purge_older_than(session, cutoff) == 2
        session.commit()
    with Session(engine) as session:
        left = session.exec(select(AuditLog.at).order_by(AuditLog.at)).all()
        flags = session.exec(select(func.count()).select_from(AuditPurge)).one()
    assert left == [cutoff, cutoff + timedelta(days=1)]
    assert flags == 0
    # The permission ended with the purge: a plain DELETE is refused again.
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    assert count(engine) == 2


def test_a_purge_that_rolls_back_deletes_nothing(engine):
    add_entries(engine, [datetime(2025, 1, 1, tzinfo=UTC)])
    with write_session(engine) as session:
        assert audit.purge_older_than(session, datetime(2026, 1, 1, tzinfo=UTC)) == 1
        session.rollback()
    assert count(engine) == 1


def test_purge_wants_an_aware_cutoff(engine):
    with write_session(engine) as session, pytest.raises(ValueError):
        audit.purge_older_than(session, datetime(2026, 1, 1))


def test_the_same_search_is_logged_once_within_the_window(engine, actor_factory):
    actor = actor_factory("consultant")
    logged = []
    for detail in ("q=aisha", "q=aisha", "q=omar", "q=aisha"):
        with write_session(engine) as session:
            logged.append(audit.log_search(session, actor, "citizen", detail))
            session.commit()
    assert logged == [True, False, True, False]
    # An hour later the same criterion is a new look at the list.
    with Session(engine) as session:
        old = [AuditLog(at=clock.now() - timedelta(hours=1), user_id=actor.user_id,
                        action="search", table_name="citizen", detail="q=later")]
        session.add_all(old)
        session.commit()
    with write_session(engine) as session:
        assert audit.log_search(session, actor, "citizen", "q=later") is True
        session.commit()
    other = actor_factory("consultant")
    with write_session(engine) as session:
        assert audit.log_search(session, other, "citizen", "q=aisha") is True
        session.commit()


@pytest.fixture
def two_teams(engine, actor_factory):
    """A consultant of each team, a citizen with a placement and a sprint card in each."""
    mine, theirs = actor_factory("consultant"), actor_factory("consultant")
    ids = {}
    with Session(engine) as session:
        company = Company(name="Netto Brøndby", cvr="35954716")
        session.add(company)
        session.flush()
        for key, actor in (("mine", mine), ("theirs", theirs)):
            citizen = Citizen(first_name="Aisha" if key == "mine" else "Omar", last_name="Hansen",
                              birth_year=1990, team_id=actor.team_id)
            sprint = Sprint(name=f"Uge {key}", team_id=actor.team_id, start_date=date(2026, 9, 21),
                            end_date=date(2026, 9, 25), goal_count=5)
            session.add_all([citizen, sprint])
            session.flush()
            placement = Placement(citizen_id=citizen.id, company_id=company.id,
                                  kind="virksomhedspraktik", start_date=date(2026, 9, 1),
                                  status="active")
            session.add_all([placement, SprintCard(sprint_id=sprint.id, citizen_id=citizen.id)])
            session.flush()
            ids[key] = {"citizen": citizen.id, "placement": placement.id, "sprint": sprint.id}
        session.commit()
    return mine, theirs, ids


def entries(engine, user_id) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(AuditLog.action, AuditLog.table_name, AuditLog.row_id)
                            .where(AuditLog.user_id == user_id).order_by(AuditLog.id)).all()


def test_every_look_at_personal_data_is_logged_with_the_row(engine, two_teams):
    mine, _, ids = two_teams
    citizen, placement, sprint = ids["mine"]["citizen"], ids["mine"]["placement"], ids["mine"]["sprint"]
    people.get_citizen(engine, mine, citizen)
    timeline.timeline(engine, mine, citizen)
    placements.get_placement(engine, mine, placement)
    placements.follow_up_plan(engine, mine, placement)
    sprints.board(engine, mine, sprint)
    assert entries(engine, mine.user_id) == [
        ("view", "citizen", citizen), ("view_timeline", "citizen", citizen),
        ("view", "placement", placement), ("view", "placement", placement),
        ("view_board", "sprint", sprint)]


def test_every_search_and_list_is_logged_with_its_criterion(engine, two_teams):
    mine, _, _ = two_teams
    people.search_citizens(engine, mine, "aisha")
    people.list_citizens(engine, mine, query="han")
    placements.list_placements(engine, mine, status="active")
    placements.due_follow_ups(engine, mine, today=date(2026, 9, 21))
    companies.search_companies(engine, mine, "netto")
    companies.list_companies(engine, mine, query="brøndby")
    quick.citizen_choices(engine, mine)
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action, AuditLog.table_name, AuditLog.detail)
                              .where(AuditLog.user_id == mine.user_id).order_by(AuditLog.id)).all()
    assert [(a, t) for a, t, _ in logged] == [
        ("search", "citizen"), ("search", "citizen"), ("view_list", "placement"),
        ("view_due", "follow_up"), ("search", "company"), ("search", "company"),
        ("view_list", "citizen")]
    details = [d for _, _, d in logged]
    # Citizens are found by name, but the log holds the ids shown (audit_subject), not the name.
    assert details[0] == "by_name;rows=1"
    assert details[1] == "by_name=True;rows=1"
    assert not [d for d in details[:3] + details[6:] if "aisha" in d.lower() or "han" in d.lower()]
    assert "status=active" in details[2]
    assert details[4] == "q=netto"
    assert details[5] == "q=brøndby;rows=1"


def test_a_list_redrawn_on_every_click_is_logged_once(engine, two_teams):
    mine, _, ids = two_teams
    for _ in range(3):
        people.list_citizens(engine, mine, query="han")
        sprints.board(engine, mine, ids["mine"]["sprint"])
    assert entries(engine, mine.user_id) == [("search", "citizen", None),
                                             ("view_board", "sprint", ids["mine"]["sprint"])]


@pytest.mark.parametrize("look, action, table", [
    (lambda e, a, ids: people.get_citizen(e, a, ids["citizen"]), "view_refused", "citizen"),
    (lambda e, a, ids: timeline.timeline(e, a, ids["citizen"]), "view_refused", "citizen"),
    (lambda e, a, ids: placements.get_placement(e, a, ids["placement"]), "view_refused",
     "placement"),
    (lambda e, a, ids: people.update_citizen(e, a, ids["citizen"], expected_version=1,
                                             first_name="X"), "update_refused", "citizen"),
])
def test_a_refused_look_at_another_teams_citizen_is_logged(engine, two_teams, look, action, table):
    mine, _, ids = two_teams
    with pytest.raises(ValidationError) as refused:
        look(engine, mine, ids["theirs"])
    assert refused.value.key == "error.not_found"
    row = ids["theirs"]["placement" if table == "placement" else "citizen"]
    assert entries(engine, mine.user_id) == [(action, table, row)]


def test_exports_are_logged(engine, two_teams):
    mine, _, _ = two_teams
    exporting.export_list(engine, mine, "citizens")
    assert [e[0] for e in entries(engine, mine.user_id)] == ["export"]


def test_refused_access_is_logged_in_its_own_transaction(engine, actor_factory):
    mentor = actor_factory("mentor")
    audit.log_refused(engine, mentor, "citizen.write")
    audit.log_refused(engine, mentor, "administration", action="page_refused")
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action, AuditLog.detail, AuditLog.at)
                              .where(AuditLog.user_id == mentor.user_id)
                              .order_by(AuditLog.id)).all()
    assert [(a, d) for a, d, _ in logged] == [("access_refused", "citizen.write"),
                                              ("page_refused", "administration")]
    # Times are stored and returned in UTC.
    assert all(at.utcoffset() == timedelta(0) for _, _, at in logged)


def test_logins_logouts_and_password_changes_are_logged(engine, actor_factory):
    actor = actor_factory("consultant")
    auth.authenticate(engine, actor.username, "wrong password!!")
    auth.authenticate(engine, actor.username, "correct horse battery")
    auth.change_password(engine, actor, new_password="a brand new secret", confirmation="a brand new secret")
    auth.log_logout(engine, actor.user_id, "user")
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action, AuditLog.user_id, AuditLog.row_id)
                              .where(AuditLog.table_name == "app_user").order_by(AuditLog.id)).all()
    assert logged == [("login_failed", None, actor.user_id), ("login", actor.user_id, actor.user_id),
                      ("password_changed", actor.user_id, actor.user_id),
                      ("logout", actor.user_id, actor.user_id)]
