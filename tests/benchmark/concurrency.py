"""Concurrent writers (issue 5, point 13): threads each doing mixed writes through the model at once,
then a count that every write is there and a list of every error a user would have seen.

    .venv/bin/python -m tests.benchmark.concurrency                     # 20 x 200 on SQLite and PostgreSQL
    .venv/bin/python -m tests.benchmark.concurrency --threads 6 --writes 25 --databases sqlite

The mixed writes are the everyday ones of Hurtig registrering and the board: log a contact, record
a follow-up as done, move a card, register a citizen, start a placement. `run_on(engine, ...)` is
what tests/model/test_concurrency.py runs with small numbers; `run(url, ...)` migrates a database
first. Each thread is its own consultant with its own cards, so a refusal is never expected.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock, companies, people, placements, sprints
from model.access import Actor
from model.db import make_engine, migrate
from model.tables import (
    AppUser,
    AuditLog,
    Citizen,
    Company,
    Contact,
    FollowUp,
    Placement,
    Sprint,
    SprintCard,
    SprintConsultant,
    Staff,
    StageChange,
    Team,
)

OPERATIONS = ("contact", "follow_up", "move_card", "citizen", "placement")
# Where each operation leaves its mark; the follow-ups are those done.
COUNTED = {"contact": "contact", "follow_up": "follow_up_done", "move_card": "stage_change",
           "citizen": "citizen", "placement": "placement"}
MOVES = ("clarified", "dialogue", "secured", "selected")
_names = itertools.count(1)


@dataclass
class Writer:
    """One thread's consultant, the card it moves and the placement it follows up."""

    actor: Actor
    citizen_id: int
    card_id: int
    placement_id: int
    version: int = 1


@dataclass
class World:
    sprint_id: int
    company_id: int
    writers: list[Writer] = field(default_factory=list)


def _actor(session: Session, team_id: int) -> Actor:
    number = next(_names)
    staff = Staff(name=f"Konsulent {number}", initials=f"K{number}", role="consultant",
                  team_id=team_id)
    session.add(staff)
    session.flush()
    user = AppUser(username=f"writer-{number}-{time.monotonic_ns()}", role="consultant",
                   staff_id=staff.id)
    session.add(user)
    session.flush()
    return Actor(user_id=user.id, username=user.username, role="consultant", staff_id=staff.id,
                 team_id=team_id, name=staff.name)


def build_world(engine: Engine, threads: int) -> World:
    """A team with one consultant per thread, each with a citizen on the board and a placement."""
    today = clock.today()
    with Session(engine) as session:
        team = Team(name=f"Samtidighed {time.monotonic_ns()}")
        company = Company(name=f"Fælles Lager ApS {time.monotonic_ns()}")
        session.add_all([team, company])
        session.flush()
        sprint = Sprint(name="Uge 39", team_id=team.id, start_date=today - timedelta(days=2),
                        end_date=today + timedelta(days=2), goal_count=16)
        session.add(sprint)
        session.flush()
        world = World(sprint_id=sprint.id, company_id=company.id)
        actors = [_actor(session, team.id) for _ in range(threads)]
        session.commit()
    for actor in actors:
        with Session(engine) as session:
            citizen = people.create_citizen_in(session, actor, first_name="Aisha",
                                               last_name="Hansen", birth_year=today.year - 30)
            session.add(SprintConsultant(sprint_id=world.sprint_id, staff_id=actor.staff_id))
            session.flush()
            card = SprintCard(sprint_id=world.sprint_id, citizen_id=citizen.id,
                              consultant_id=actor.staff_id)
            session.add(card)
            session.flush()
            session.add(StageChange(card_id=card.id, to_stage="selected"))
            session.commit()
            citizen_id, card_id = citizen.id, card.id
        placement_id = placements.start_placement(
            engine, actor, citizen_id=citizen_id, company_id=world.company_id,
            kind="virksomhedspraktik", start_date=today - timedelta(days=60))
        world.writers.append(Writer(actor, citizen_id, card_id, placement_id))
    return world


def counts(engine: Engine) -> Counter:
    """Rows that the mixed writes add, counted in SQL."""
    tables = {"contact": Contact, "stage_change": StageChange, "citizen": Citizen,
              "placement": Placement, "audit_log": AuditLog}
    with Session(engine) as session:
        found = Counter({name: session.exec(select(func.count()).select_from(table)).one()
                         for name, table in tables.items()})
        found["follow_up_done"] = session.exec(
            select(func.count(FollowUp.id)).where(FollowUp.done_at.is_not(None))).one()
    return found


def write(engine: Engine, world: World, writer: Writer, operation: str, number: int) -> None:
    """One business operation, as a page would call it."""
    actor = writer.actor
    if operation == "contact":
        companies.log_contact(engine, actor, company_id=world.company_id, channel="phone",
                              citizen_id=writer.citizen_id, outcome="interested",
                              note=f"Opkald {number}", next_step="Ring igen",
                              next_step_date=clock.today() + timedelta(days=7))
    elif operation == "follow_up":
        placements.record_follow_up(engine, actor, placement_id=writer.placement_id,
                                    note=f"Opfølgning {number}")
    elif operation == "move_card":
        to_stage = MOVES[number % len(MOVES)]
        writer.version = sprints.move_card(engine, actor, writer.card_id, to_stage,
                                           expected_version=writer.version)
    elif operation == "citizen":
        people.create_citizen(engine, actor, first_name="Omar", last_name="Demir",
                              birth_year=clock.today().year - 25)
    elif operation == "placement":
        placements.start_placement(engine, actor, citizen_id=writer.citizen_id,
                                   company_id=world.company_id, kind="ordinaere_timer",
                                   start_date=clock.today(), hours_per_week=15)


def _plan(index: int, writes: int) -> list[str]:
    # Each thread starts at another operation, so all five kinds run at the same moments.
    return [OPERATIONS[(index + n) % len(OPERATIONS)] for n in range(writes)]


def run_on(engine: Engine, *, threads: int, writes: int) -> dict:
    """Run `threads` writers of `writes` mixed writes each on a migrated database; report what was
    planned, what is missing, every error, and the timings."""
    world = build_world(engine, threads)
    before = counts(engine)
    plans = [_plan(index, writes) for index in range(threads)]
    planned = Counter(op for plan in plans for op in plan)
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(index: int) -> None:
        writer = world.writers[index]
        start.wait()
        for number, operation in enumerate(plans[index]):
            began = time.perf_counter()
            try:
                write(engine, world, writer, operation, number)
            except Exception as error:  # every error a user would have seen
                with lock:
                    errors.append(f"{operation}: {type(error).__name__}: {error}"
                                  + ("" if len(errors) else "\n" + traceback.format_exc()))
            else:
                with lock:
                    latencies.append(time.perf_counter() - began)

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - began
    after = counts(engine)
    expected = Counter({COUNTED[op]: n for op, n in planned.items()})
    expected["audit_log"] = threads * writes  # each write is audited once, in its transaction
    added = {name: after[name] - before[name] for name in expected}
    missing = {name: expected[name] - added[name] for name in expected if added[name] != expected[name]}
    ordered = sorted(latencies) or [0.0]
    return {
        "database": engine.dialect.name,
        "threads": threads,
        "writes_per_thread": writes,
        "writes": threads * writes,
        "seconds": round(seconds, 2),
        "writes_per_second": round(threads * writes / seconds, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "planned": dict(planned),
        "added": added,
        "missing": missing,
        "errors": errors,
    }


def run(url: str, *, threads: int, writes: int) -> dict:
    """Migrate the database at `url` and run the writers on it."""
    engine = make_engine(url)
    try:
        migrate(engine)
        return run_on(engine, threads=threads, writes=writes)
    finally:
        engine.dispose()


def report(result: dict) -> str:
    verdict = "every write present, no errors" if not (result["missing"] or result["errors"]) \
        else f"MISSING {result['missing']} ERRORS {len(result['errors'])}"
    lines = [f"{result['database']:>10}: {result['threads']} threads x {result['writes_per_thread']} "
             f"writes = {result['writes']} in {result['seconds']} s -> "
             f"{result['writes_per_second']} writes/s; latency median {result['median_ms']} ms, "
             f"p95 {result['p95_ms']} ms, max {result['max_ms']} ms; {verdict}",
             f"{'':>12}added {result['added']}"]
    lines += [f"{'':>12}{error}" for error in result["errors"][:5]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Jobtavlen concurrent writers (issue 5, point 13)")
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    failed = False
    for database in args.databases:
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                result = run(f"sqlite:///{Path(folder) / 'concurrency.db'}", threads=args.threads,
                             writes=args.writes)
        else:
            from tests import pg_cluster

            if not pg_cluster.available():
                print("postgresql: skipped, the PostgreSQL server binaries are not installed")
                continue
            with pg_cluster.cluster(durable=True) as base:
                result = run(f"{base}/postgres", threads=args.threads, writes=args.writes)
        print(report(result), flush=True)
        failed |= bool(result["missing"] or result["errors"])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
