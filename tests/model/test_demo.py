"""The demo generator: deterministic, and the Brøndby week as the story tells it."""

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from model import demo
from model.auth import verify_password
from model.db import make_engine, migrate
from model.tables import AppUser, SprintCard, StageChange


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


def test_same_seed_gives_the_same_rows(tmp_path):
    first, second = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    demo.fill(first)
    demo.fill(second)
    assert snapshot(first) == snapshot(second)
    assert sum(len(rows) for rows in snapshot(first).values()) > 100


def test_another_seed_gives_other_rows(tmp_path):
    first, second = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    demo.fill(first, seed=1)
    demo.fill(second, seed=2)
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
