"""One transaction per business operation: a failure injected halfway leaves every table exactly as
it was, on SQLite and PostgreSQL; the same operation without the failure does write."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from model import (
    audit,
    clock,
    importing,
    outcomes,
    people,
    placements,
    quick,
    sprints,
)
from model.tables import Company
from tests.conftest import make_actor

TODAY = clock.today()
START = TODAY - timedelta(days=20)


class InjectedFailure(RuntimeError):
    """The failure a test puts halfway into an operation (a crash, a lost connection)."""


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    with Session(engine) as session:
        for name, table in SQLModel.metadata.tables.items():
            order = ", ".join(column.name for column in table.primary_key.columns)
            rows[name] = [tuple(row) for row in session.execute(
                text(f'SELECT * FROM "{name}" ORDER BY {order}')).all()]
    return rows


def fail_audit_at(monkeypatch, action: str, table: str, nth: int = 1) -> None:
    """Let audit.log raise the nth time it logs `action` on `table`, after the writes before it."""
    original, seen = audit.log, []

    def log(session, actor, logged_action, table_name="", row_id=None, detail=""):
        if (logged_action, table_name) == (action, table):
            seen.append(row_id)
            if len(seen) == nth:
                session.flush()  # what came before is in the database's transaction
                raise InjectedFailure(f"{action} {table}")
        return original(session, actor, logged_action, table_name, row_id, detail)

    monkeypatch.setattr(audit, "log", log)


def fail_function(monkeypatch, module, name: str, nth: int = 1) -> None:
    """Let module.name raise on its nth call."""
    original, calls = getattr(module, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == nth:
            raise InjectedFailure(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


def csv_frame(rows: list[list[object]]) -> pd.DataFrame:
    lines = io.StringIO()
    for row in rows:
        lines.write(";".join(str(cell) for cell in row) + "\n")
    return importing.read_table(lines.getvalue().encode("utf-8"), "import.csv")


@pytest.fixture
def world(engine):
    """A team's consultant and leader, two citizens (one on the running sprint's board) and a
    company, and a running placement with its follow-up plan."""
    consultant = make_actor(engine, "consultant")
    leader = make_actor(engine, "leader", team_id=consultant.team_id)
    aisha = people.create_citizen(engine, consultant, first_name="Aisha", last_name="Benali",
                                  birth_year=1990, external_ref="J-1")
    omar = people.create_citizen(engine, consultant, first_name="Omar", last_name="Demir",
                                 birth_year=1988)
    with Session(engine) as session:
        company = Company(name="Strandens Bageri ApS", cvr="24256790")
        session.add(company)
        session.commit()
        company_id = company.id
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=TODAY,
                                      end=TODAY + timedelta(days=4), goal=16,
                                      consultant_ids=[consultant.staff_id])
    card_id = sprints.add_card(engine, consultant, sprint_id, citizen_id=aisha,
                               consultant_id=consultant.staff_id)
    placement_id = placements.start_placement(engine, consultant, citizen_id=omar,
                                              company_id=company_id, kind="virksomhedspraktik",
                                              start_date=START)
    return dict(consultant=consultant, leader=leader, aisha=aisha, omar=omar, company=company_id,
                sprint=sprint_id, card=card_id, placement=placement_id)


def _start_from_card(engine, w):
    placements.start_placement(engine, w["consultant"], citizen_id=w["aisha"],
                               company_id=w["company"], kind="ordinaere_timer", start_date=TODAY,
                               hours_per_week=15, card_id=w["card"])


def _quick_placement(engine, w):
    # As Hurtig registrering calls it: the citizen's card in the running sprint is linked.
    actor = w["consultant"]
    sprint_id = sprints.current_sprint_id(engine, actor)
    placements.start_placement(
        engine, actor, citizen_id=w["aisha"], company_id=w["company"], kind="virksomhedspraktik",
        start_date=TODAY, hours_per_week=15.0, sprint_id=sprint_id,
        card_id=quick.card_of_citizen(engine, actor, sprint_id=sprint_id, citizen_id=w["aisha"]),
        consultant_id=actor.staff_id)


def _import_citizens(engine, w):
    rows = [["Fornavn", "Efternavn", "Fødselsår"]]
    rows += [["Yasmin", "Nygaard", 1980 + n % 20] for n in range(250)]  # three batches
    importing.commit_import(engine, w["leader"], "citizens", csv_frame(rows))


def _import_placements(engine, w):
    rows = [["Sagsreference", "CVR", "Forløbstype", "Startdato"],
            ["J-1", "24256790", "virksomhedspraktik", START.strftime("%d-%m-%Y")],
            ["J-1", "24256790", "loentilskud", START.strftime("%d-%m-%Y")]]
    importing.commit_import(engine, w["leader"], "placements", csv_frame(rows))


def _outcome_sheet(engine, w):
    sheet = pd.DataFrame({"citizen_id": [w["aisha"], w["omar"]], "name": ["Aisha", "Omar"],
                          "status": ["job", "education"]})
    outcomes.save_outcome_sheet(engine, w["consultant"], sheet, months=3, measured_at=TODAY)


def _agenda(engine, w):
    items = pd.DataFrame({"day": [TODAY, TODAY], "part": ["formiddag", "eftermiddag"],
                          "title": ["Opstart", "Virksomhedsbesøg"], "note": ["", ""]})
    sprints.save_agenda(engine, w["consultant"], w["sprint"], items)


# (name, operation(engine, world), how to fail halfway(monkeypatch))
OPERATIONS = [
    ("start placement: plan fails after the placement",
     _start_from_card, lambda m: fail_function(m, placements, "cadence_in")),
    ("start placement: fails after the card link",
     _start_from_card, lambda m: fail_audit_at(m, "create", "placement")),
    ("quick placement",
     _quick_placement, lambda m: fail_audit_at(m, "link", "sprint_card")),
    ("move card with its stage change",
     lambda e, w: sprints.move_card(e, w["consultant"], w["card"], "secured", expected_version=1,
                                    company_id=w["company"]),
     lambda m: fail_audit_at(m, "move", "sprint_card")),
    ("new citizen put on the board",
     lambda e, w: sprints.add_new_citizen_card(e, w["consultant"], w["sprint"],
                                               consultant_id=w["consultant"].staff_id,
                                               first_name="Ida", last_name="Larsen",
                                               birth_year=1995),
     lambda m: fail_audit_at(m, "create", "sprint_card")),
    ("import citizens: fails after three batches",
     _import_citizens, lambda m: fail_audit_at(m, "import", "citizen")),
    ("import placements: the second follow-up plan fails",
     _import_placements, lambda m: fail_function(m, placements, "plan_dates", nth=2)),
    ("close sprint", lambda e, w: sprints.close_sprint(e, w["leader"], w["sprint"]),
     lambda m: fail_audit_at(m, "close", "sprint")),
    ("outcome sheet: the second row fails", _outcome_sheet,
     lambda m: fail_audit_at(m, "create", "outcome", nth=2)),
    ("end placement and remove its later follow-ups",
     lambda e, w: placements.end_placement(e, w["consultant"], w["placement"], expected_version=1,
                                           end_date=TODAY - timedelta(days=5), result="education"),
     lambda m: fail_audit_at(m, "end", "placement")),
    ("record a follow-up", lambda e, w: placements.record_follow_up(
        e, w["consultant"], placement_id=w["placement"], note="Alt vel"),
     lambda m: fail_audit_at(m, "done", "follow_up")),
    ("replace the sprint programme", _agenda, lambda m: fail_audit_at(m, "update", "agenda_item")),
    ("edit a citizen", lambda e, w: people.update_citizen(e, w["consultant"], w["aisha"],
                                                         expected_version=1, last_name="Holm"),
     lambda m: fail_audit_at(m, "update", "citizen")),
    ("create a sprint with its consultants",
     lambda e, w: sprints.create_sprint(e, w["consultant"], name="Uge 40", start=TODAY,
                                        end=TODAY + timedelta(days=4), goal=10,
                                        consultant_ids=[w["consultant"].staff_id]),
     lambda m: fail_audit_at(m, "create", "sprint")),
]


@pytest.mark.parametrize("name, operation, inject", OPERATIONS, ids=[op[0] for op in OPERATIONS])
def test_a_failure_halfway_leaves_nothing_half_written(engine, world, monkeypatch, name,
                                                       operation, inject):
    before = snapshot(engine)
    with monkeypatch.context() as patch:
        inject(patch)
        with pytest.raises(InjectedFailure):
            operation(engine, world)
    assert snapshot(engine) == before

    operation(engine, world)  # without the failure the same operation writes
    assert snapshot(engine) != before
