"""Outcome measurements and progression scores: one by one and in bulk for a sprint or initiative."""

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from model import clock, outcomes, people
from model.errors import AccessDenied, ValidationError
from model.tables import AuditLog, Initiative, Outcome, Progression, Sprint, SprintCard

DAY = clock.today() - timedelta(days=3)


def citizen(engine, actor, first_name: str, **fields) -> int:
    return people.create_citizen(engine, actor, first_name=first_name, last_name="Hansen",
                                 birth_year=1990, **fields)


def group(engine, actor_factory):
    """A team's sprint with three citizens, an initiative, and a citizen of another team."""
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    with Session(engine) as session:
        initiative = Initiative(name="Energi til hinanden")
        sprint = Sprint(name="Uge 39", team_id=mine.team_id, start_date=date(2026, 9, 21),
                        end_date=date(2026, 9, 25), goal_count=2)
        session.add_all([initiative, sprint])
        session.commit()
        initiative_id, sprint_id = initiative.id, sprint.id
    ids = {name: citizen(engine, mine, name, initiative_id=initiative_id)
           for name in ("Aisha", "Bashir", "Camilla")}
    ids["Dennis"] = citizen(engine, mine, "Dennis")
    ids["Omar"] = citizen(engine, other, "Omar", initiative_id=initiative_id)
    with Session(engine) as session:
        for name in ("Aisha", "Bashir", "Dennis"):
            session.add(SprintCard(sprint_id=sprint_id, citizen_id=ids[name]))
        session.commit()
    return mine, other, ids, sprint_id, initiative_id


def stored_outcomes(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(Outcome.citizen_id, Outcome.months_after_start, Outcome.status,
                                   Outcome.measured_at).order_by(Outcome.id)).all()


def stored_scores(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(Progression.citizen_id, Progression.scale, Progression.score,
                                   Progression.measured_at).order_by(Progression.id)).all()


def statuses(sheet) -> list[str | None]:
    return [None if pd.isna(status) else status for status in sheet["status"]]


def test_an_outcome_is_recorded_and_a_second_at_the_same_month_corrects_it(engine, actor_factory):
    mine = actor_factory("consultant")
    aisha = citizen(engine, mine, "Aisha")
    first = outcomes.record_outcome(engine, mine, citizen_id=aisha, months_after_start=3,
                                    status="benefits", measured_at=DAY - timedelta(days=1))
    outcomes.record_outcome(engine, mine, citizen_id=aisha, months_after_start=6, status="job",
                            measured_at=DAY)
    again = outcomes.record_outcome(engine, mine, citizen_id=aisha, months_after_start=3,
                                    status="job_with_benefits", measured_at=DAY)
    assert again == first
    assert stored_outcomes(engine) == [(aisha, 3, "job_with_benefits", DAY), (aisha, 6, "job", DAY)]
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action, AuditLog.row_id)
                              .where(AuditLog.table_name == "outcome")).all()
    assert [action for action, _ in logged] == ["create", "create", "update"]


@pytest.mark.parametrize("changes, key", [
    ({"months_after_start": 4}, "error.outcome_months"),
    ({"months_after_start": 0}, "error.outcome_months"),
    ({"status": "rich"}, "error.outcome_status"),
    ({"status": None}, "error.outcome_status"),
    ({"measured_at": clock.today() + timedelta(days=1)}, "error.measured_in_future"),
    ({"measured_at": None}, "error.measured_at_required"),
])
def test_a_bad_outcome_is_refused_and_writes_nothing(engine, actor_factory, changes, key):
    mine = actor_factory("consultant")
    fields = {"citizen_id": citizen(engine, mine, "Aisha"), "months_after_start": 3,
              "status": "job", "measured_at": DAY}
    with pytest.raises(ValidationError) as refused:
        outcomes.record_outcome(engine, mine, **(fields | changes))
    assert refused.value.key == key
    assert stored_outcomes(engine) == []


@pytest.mark.parametrize("score, valid", [
    (1, 1), (10, 10), (7.0, 7), (0, None), (11, None), (5.5, None), (True, None), ("7", None),
    (None, None),
])
def test_valid_score(score, valid):
    assert outcomes.valid_score(score) == valid


def test_progression_scores_are_recorded_over_time(engine, actor_factory):
    mine = actor_factory("consultant")
    aisha = citizen(engine, mine, "Aisha")
    outcomes.record_progression(engine, mine, citizen_id=aisha, score=3, measured_at=DAY - timedelta(90))
    outcomes.record_progression(engine, mine, citizen_id=aisha, score=6, measured_at=DAY)
    corrected = outcomes.record_progression(engine, mine, citizen_id=aisha, score=7, measured_at=DAY)
    assert stored_scores(engine) == [(aisha, "livsmestring", 3, DAY - timedelta(90)),
                                     (aisha, "livsmestring", 7, DAY)]
    with Session(engine) as session:
        assert session.get(Progression, corrected).score == 7


@pytest.mark.parametrize("changes, key", [
    ({"score": 0}, "error.progression_score"),
    ({"score": 11}, "error.progression_score"),
    ({"score": 6.5}, "error.progression_score"),
    ({"scale": " "}, "error.progression_scale"),
    ({"scale": "trivsel 010190-1234"}, "error.cpr_in_text"),
    ({"measured_at": clock.today() + timedelta(days=2)}, "error.measured_in_future"),
])
def test_a_bad_progression_score_is_refused_and_writes_nothing(engine, actor_factory, changes, key):
    mine = actor_factory("consultant")
    fields = {"citizen_id": citizen(engine, mine, "Aisha"), "score": 5, "measured_at": DAY}
    with pytest.raises(ValidationError) as refused:
        outcomes.record_progression(engine, mine, **(fields | changes))
    assert refused.value.key == key
    assert stored_scores(engine) == []


def test_measurements_of_another_teams_citizen_are_refused(engine, actor_factory):
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    omar = citizen(engine, other, "Omar")
    with pytest.raises(ValidationError) as refused:
        outcomes.record_outcome(engine, mine, citizen_id=omar, months_after_start=3, status="job",
                                measured_at=DAY)
    assert refused.value.key == "error.not_found"
    with pytest.raises(ValidationError):
        outcomes.record_progression(engine, mine, citizen_id=omar, score=5, measured_at=DAY)
    assert stored_outcomes(engine) == [] and stored_scores(engine) == []


def test_caseworkers_record_measurements_and_mentors_may_not(engine, actor_factory):
    mine = actor_factory("consultant")
    aisha = citizen(engine, mine, "Aisha")
    caseworker = actor_factory("caseworker", team_id=mine.team_id)
    outcomes.record_outcome(engine, caseworker, citizen_id=aisha, months_after_start=6,
                            status="education", measured_at=DAY)
    mentor = actor_factory("mentor", team_id=mine.team_id)
    with pytest.raises(AccessDenied):
        outcomes.record_progression(engine, mentor, citizen_id=aisha, score=5, measured_at=DAY)
    assert stored_outcomes(engine) == [(aisha, 6, "education", DAY)]


def test_the_outcome_sheet_of_a_sprint_shows_what_is_recorded_at_that_month(engine, actor_factory):
    mine, _, ids, sprint_id, _ = group(engine, actor_factory)
    outcomes.record_outcome(engine, mine, citizen_id=ids["Aisha"], months_after_start=3,
                            status="job", measured_at=DAY)
    outcomes.record_outcome(engine, mine, citizen_id=ids["Bashir"], months_after_start=6,
                            status="education", measured_at=DAY)
    sheet = outcomes.outcome_sheet(engine, mine, months=3, sprint_id=sprint_id)
    assert sheet.columns.tolist() == ["citizen_id", "name", "status", "measured_at"]
    assert sheet["name"].tolist() == ["Aisha Hansen", "Bashir Hansen", "Dennis Hansen"]
    assert statuses(sheet) == ["job", None, None]
    assert sheet["measured_at"].tolist()[0] == DAY
    six = outcomes.outcome_sheet(engine, mine, months=6, sprint_id=sprint_id)
    assert statuses(six) == [None, "education", None]


def test_the_sheet_of_an_initiative_holds_its_citizens_within_the_team(engine, actor_factory):
    mine, _, _, _, initiative_id = group(engine, actor_factory)
    sheet = outcomes.outcome_sheet(engine, mine, months=12, initiative_id=initiative_id)
    assert sheet["name"].tolist() == ["Aisha Hansen", "Bashir Hansen", "Camilla Hansen"]
    leader_sheet = outcomes.progression_sheet(engine, actor_factory("leader"),
                                              initiative_id=initiative_id)
    assert len(leader_sheet) == 4
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.detail).where(AuditLog.action == "view_sheet")).all()
    assert logged == [f"outcome months=12;initiative={initiative_id};rows=3",
                      f"progression scale=livsmestring;initiative={initiative_id};rows=4"]


@pytest.mark.parametrize("scope", [{}, {"sprint_id": 1, "initiative_id": 1}])
def test_a_sheet_needs_either_a_sprint_or_an_initiative(engine, actor_factory, scope):
    with pytest.raises(ValidationError) as refused:
        outcomes.outcome_sheet(engine, actor_factory("consultant"), months=3, **scope)
    assert refused.value.key == "error.sheet_scope"


def test_saving_the_outcome_sheet_writes_the_filled_and_changed_rows(engine, actor_factory):
    mine, _, ids, sprint_id, _ = group(engine, actor_factory)
    outcomes.record_outcome(engine, mine, citizen_id=ids["Aisha"], months_after_start=3,
                            status="job", measured_at=DAY - timedelta(days=20))
    sheet = outcomes.outcome_sheet(engine, mine, months=3, sprint_id=sprint_id)
    sheet["status"] = ["job", "benefits", None]  # Aisha unchanged, Bashir new, Dennis blank
    assert outcomes.save_outcome_sheet(engine, mine, sheet, months=3, measured_at=DAY) == 1
    assert stored_outcomes(engine) == [(ids["Aisha"], 3, "job", DAY - timedelta(days=20)),
                                       (ids["Bashir"], 3, "benefits", DAY)]
    sheet["status"] = ["education", "benefits", "other"]
    assert outcomes.save_outcome_sheet(engine, mine, sheet, months=3, measured_at=DAY) == 2
    assert stored_outcomes(engine) == [(ids["Aisha"], 3, "education", DAY),
                                       (ids["Bashir"], 3, "benefits", DAY),
                                       (ids["Dennis"], 3, "other", DAY)]


@pytest.mark.parametrize("bad_row, key", [
    ({"citizen_id": "Bashir", "name": "Bashir Hansen", "status": "rich"}, "error.sheet_row_status"),
    ({"citizen_id": "Omar", "name": "Omar Hansen", "status": "job"}, "error.sheet_row_citizen"),
    ({"citizen_id": 99999, "name": "Ukendt", "status": "job"}, "error.sheet_row_citizen"),
    ({"citizen_id": "Aisha", "name": "Aisha igen", "status": "job"}, "error.sheet_row_repeated"),
])
def test_a_bad_row_refuses_the_whole_outcome_sheet(engine, actor_factory, bad_row, key):
    mine, _, ids, _, _ = group(engine, actor_factory)
    bad_row = bad_row | {"citizen_id": ids.get(bad_row["citizen_id"], bad_row["citizen_id"])}
    sheet = pd.DataFrame([{"citizen_id": ids["Aisha"], "name": "Aisha Hansen", "status": "job"},
                          bad_row])
    with pytest.raises(ValidationError) as refused:
        outcomes.save_outcome_sheet(engine, mine, sheet, months=6, measured_at=DAY)
    assert refused.value.key == key
    assert refused.value.params["row"] == 2 and refused.value.params["name"] == bad_row["name"]
    assert stored_outcomes(engine) == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AuditLog)
                            .where(AuditLog.table_name == "outcome")).one() == 0


def test_the_progression_sheet_shows_the_latest_score_and_saves_new_ones(engine, actor_factory):
    mine, _, ids, sprint_id, _ = group(engine, actor_factory)
    outcomes.record_progression(engine, mine, citizen_id=ids["Aisha"], score=3,
                                measured_at=DAY - timedelta(days=60))
    outcomes.record_progression(engine, mine, citizen_id=ids["Aisha"], score=5,
                                measured_at=DAY - timedelta(days=30))
    sheet = outcomes.progression_sheet(engine, mine, sprint_id=sprint_id)
    assert sheet.columns.tolist() == ["citizen_id", "name", "latest_score", "latest_at", "score"]
    assert sheet["latest_score"].tolist() == [5, pd.NA, pd.NA]
    assert sheet["latest_at"].tolist()[0] == DAY - timedelta(days=30)
    sheet["score"] = pd.array([7, None, 4], dtype="Int64")
    assert outcomes.save_progression_sheet(engine, mine, sheet, measured_at=DAY) == 2
    assert stored_scores(engine)[-2:] == [(ids["Aisha"], "livsmestring", 7, DAY),
                                          (ids["Dennis"], "livsmestring", 4, DAY)]
    again = outcomes.progression_sheet(engine, mine, sprint_id=sprint_id)
    assert again["latest_score"].tolist() == [7, pd.NA, 4]


@pytest.mark.parametrize("score", [11, 0, 2.5])
def test_a_bad_score_refuses_the_whole_progression_sheet(engine, actor_factory, score):
    mine, _, ids, sprint_id, _ = group(engine, actor_factory)
    sheet = outcomes.progression_sheet(engine, mine, sprint_id=sprint_id)
    sheet["score"] = [6, score, 8]
    with pytest.raises(ValidationError) as refused:
        outcomes.save_progression_sheet(engine, mine, sheet, measured_at=DAY)
    assert refused.value.key == "error.sheet_row_score"
    assert (refused.value.params["row"], refused.value.params["name"]) == (2, "Bashir Hansen")
    assert stored_scores(engine) == []


def test_mentors_cannot_save_a_sheet(engine, actor_factory):
    mine, _, ids, sprint_id, _ = group(engine, actor_factory)
    mentor = actor_factory("mentor", team_id=mine.team_id)
    sheet = outcomes.outcome_sheet(engine, mentor, months=3, sprint_id=sprint_id)
    sheet["status"] = "job"
    with pytest.raises(AccessDenied):
        outcomes.save_outcome_sheet(engine, mentor, sheet, months=3, measured_at=DAY)
    assert stored_outcomes(engine) == []
