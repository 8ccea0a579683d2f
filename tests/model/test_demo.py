"""The demo generator: deterministic, and the Brøndby week as the story tells it."""

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from model import demo
from model.auth import verify_password
from model.db import make_engine, migrate
from model.tables import (
    AppUser,
    Citizen,
    Contact,
    FollowUp,
    Outcome,
    Placement,
    Progression,
    SprintCard,
    StageChange,
)


def snapshot(engine) -> dict[str, list]:
    """Every row of every table except generated secrets and timestamps of creation."""
    skip = {"password_hash", "created_at", "updated_at"}
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


def test_same_seed_gives_the_same_rows(tmp_path):
    first, second = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    demo.fill(first, anchor=ANCHOR)
    demo.fill(second, anchor=ANCHOR)
    assert snapshot(first) == snapshot(second)
    assert sum(len(rows) for rows in snapshot(first).values()) > 100


def test_another_seed_gives_other_rows(tmp_path):
    first, second = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    demo.fill(first, seed=1, anchor=ANCHOR)
    demo.fill(second, seed=2, anchor=ANCHOR)
    assert snapshot(first)["citizen"] != snapshot(second)["citizen"]


def test_demo_passwords_are_generated_and_hashed(engine):
    first = demo.fill(engine)
    assert set(first) == {"admin", "leder", "konsulent", "sagsbehandler", "mentor", "skaerm"}
    assert len(set(first.values())) == len(first)
    with Session(engine) as session:
        users = {u.username: u for u in session.exec(select(AppUser)).scalars()}
    for username, password in first.items():
        assert users[username].password_hash.startswith("$argon2")
        assert verify_password(users[username].password_hash, password)


def test_stage_history_is_spread_over_the_week(demo_engine):
    with Session(demo_engine) as session:
        days = {c.changed_at.date() for c in session.exec(select(StageChange)).scalars()}
        secured = session.exec(select(SprintCard).where(SprintCard.stage == "secured")).scalars()
        linked = [c.placement_id is not None for c in secured if c.sprint_id == 1]
    assert len({d for d in days if d.isoformat() < "2026-10-01"}) == 5
    assert len(linked) == 21 and all(linked)


def test_wipe_then_fill_resets_the_demo(demo_engine):
    demo.wipe(demo_engine)
    rows = snapshot(demo_engine)
    assert rows.pop("follow_up_cadence"), "settings survive a reset"
    assert all(not table_rows for table_rows in rows.values())
    demo.fill(demo_engine)
    assert len(snapshot(demo_engine)["sprint_card"]) == 27
    assert len(snapshot(demo_engine)["placement"]) == 21 + 40 + 12  # uge 39, lommepengejob, Fredericia


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
        progression = session.scalar(select(func.count()).select_from(Progression))
        kinds = session.execute(select(Placement.kind).distinct()).scalars().all()
    assert done > 100 and overdue > 5 and upcoming > 20
    assert open_steps >= 2
    assert {3, 6} <= set(outcomes)
    assert progression == 48
    assert {"laerlingeplads", "ordinaert_job", "lommepengejob", "virksomhedspraktik"} <= set(kinds)
