"""Bulk data for the benchmark: the demo (1x) plus generated rows at 10x and 100x.

100x is about 50,000 citizens, 5,000 companies, 200,000 placements, 1,500,000 follow-ups and
contacts and 300 sprints. Rows go in with multi-row INSERTs (SQLite) or COPY (PostgreSQL), with ids
assigned here, in one transaction per table; the PostgreSQL sequences are moved past them.

    .venv/bin/python -m tests.benchmark.generate --url sqlite:////tmp/bench.db --scale 100
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from model import clock, demo
from model.db import make_engine, migrate
from model.tables import PLACEMENT_KINDS, STAGES, Citizen, Company, Initiative

# One scale unit; 100 units is the large municipality of issue 6.
UNIT = {
    "teams": 0.5,
    "citizens": 500,
    "companies": 50,
    "placements": 2000,
    "follow_ups_per_placement": 6,
    "contacts": 3000,
    "sprints": 3,
    "cards_per_sprint": 24,
    "audit": 2000,
}
FIRST = [
    "Anna",
    "Ali",
    "Mette",
    "Mohammed",
    "Sofie",
    "Jonas",
    "Fatima",
    "Emil",
    "Aisha",
    "Lars",
    "Zainab",
    "Oliver",
    "Ida",
    "Yusuf",
    "Freja",
    "Omar",
    "Clara",
    "Hassan",
    "Maja",
    "Noah",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Ahmed",
    "Hussein",
    "Yilmaz",
    "Khan",
    "Poulsen",
]
INDUSTRIES = [
    "lager og logistik",
    "byggeri",
    "rengøring",
    "detail",
    "kantine og køkken",
    "transport",
    "pleje og omsorg",
    "industri",
]
QUALIFICATIONS = ["truckcertifikat", "kørekort b", "hygiejnebevis", "svejsecertifikat"]
BENEFITS = ["dagpenge", "kontanthjaelp", "uddannelseshjaelp", "sygedagpenge", "none"]
CHUNK = 5000


def _next_id(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1


def _insert(engine: Engine, table, rows: Iterable[dict]) -> int:
    """Insert rows in one transaction: COPY on PostgreSQL, chunked executemany on SQLite."""
    rows = list(rows)
    if not rows:
        return 0
    columns = list(rows[0])
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([_pg_value(row[c]) for c in columns])
            raw.commit()
            with raw.cursor() as cursor:
                # Fresh statistics, else the foreign-key checks of the next table's COPY are
                # planned as scans of a table the planner still believes empty (minutes at 100x).
                cursor.execute(f"ANALYZE {table.name}")
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(table.insert(), rows[start : start + CHUNK])
    return len(rows)


def _pg_value(value):
    if isinstance(value, list | dict):
        import json

        return json.dumps(value)
    return value


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(7, 15), rng.randint(0, 59), tzinfo=UTC)


def bulk(engine: Engine, units: int, seed: int = 100) -> dict[str, int]:
    """Add `units` scale units of generated rows on top of what is there; returns rows per table."""
    rng = random.Random(seed)
    tables = SQLModel.metadata.tables
    today = clock.today()
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        initiatives = list(conn.execute(select(Initiative.id)).scalars())
    n = {key: int(value * units) for key, value in UNIT.items() if key != "follow_ups_per_placement"}

    team0 = _next_id(engine, tables["team"])
    teams = list(range(team0, team0 + max(1, n["teams"])))
    counts["team"] = _insert(
        engine, tables["team"], ({"id": i, "name": f"Benchmark-team {i}"} for i in teams)
    )
    staff0 = _next_id(engine, tables["staff"])
    staff_rows, consultants_of = [], {}
    for number, team in enumerate(teams):
        ids = list(range(staff0 + number * 9, staff0 + number * 9 + 9))
        consultants_of[team] = ids[:8]
        for k, staff_id in enumerate(ids):
            staff_rows.append(
                {
                    "id": staff_id,
                    "name": f"Konsulent {staff_id}",
                    "initials": f"K{staff_id}",
                    "role": "consultant" if k < 8 else "leader",
                    "team_id": team,
                    "active": True,
                }
            )
    counts["staff"] = _insert(engine, tables["staff"], staff_rows)

    area0 = _next_id(engine, tables["housing_area"])
    areas = list(range(area0, area0 + max(2, units // 2)))
    counts["housing_area"] = _insert(
        engine,
        tables["housing_area"],
        ({"id": a, "name": f"Boligområde {a}", "municipality": f"Kommune {a % 10}"} for a in areas),
    )

    citizen0 = _next_id(engine, Citizen.__table__)
    citizens = []
    for i in range(citizen0, citizen0 + n["citizens"]):
        team = rng.choice(teams)
        benefit = rng.choice(BENEFITS)
        created = _moment(today - timedelta(days=rng.randint(0, 5 * 365)), rng)
        citizens.append(
            {
                "id": i,
                "first_name": rng.choice(FIRST),
                "last_name": rng.choice(LAST),
                "birth_year": rng.randint(1965, 2008),
                "target_group": rng.choice(["unge", "voksne", "flygtninge"]),
                "benefit_type": benefit,
                "match_group": rng.choice([1, 2, 3]),
                "dagpenge_end_date": today + timedelta(days=rng.randint(0, 365))
                if benefit == "dagpenge"
                else None,
                "housing_area_id": rng.choice(areas),
                "team_id": team,
                "initiative_id": rng.choice(initiatives) if initiatives else None,
                "consultant_id": rng.choice(consultants_of[team]),
                "wishes": rng.sample(INDUSTRIES, 2),
                "qualifications": rng.sample(QUALIFICATIONS, rng.randint(0, 2)),
                "external_ref": None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
    counts["citizen"] = _insert(engine, Citizen.__table__, citizens)
    team_of = {c["id"]: c["team_id"] for c in citizens}
    consultant_of = {c["id"]: c["consultant_id"] for c in citizens}
    citizen_ids = list(team_of)

    company0 = _next_id(engine, Company.__table__)
    companies = list(range(company0, company0 + n["companies"]))
    counts["company"] = _insert(
        engine,
        Company.__table__,
        (
            {
                "id": c,
                "name": f"Virksomhed {c} ApS",
                "cvr": f"{30000000 + c:08d}",
                "industry": rng.choice(INDUSTRIES),
                "municipality": f"Kommune {c % 10}",
                "contact_person": "",
                "agreement_kind": rng.choice(["none", "none", "partnership", "framework"]),
                "agreement_since": today - timedelta(days=rng.randint(0, 1500)),
                "phone": "",
                "housing_supplier": False,
                "created_at": _moment(today - timedelta(days=1500), rng),
            }
            for c in companies
        ),
    )

    placement0 = _next_id(engine, tables["placement"])
    placements = []
    for i in range(placement0, placement0 + n["placements"]):
        citizen = rng.choice(citizen_ids)
        start = today - timedelta(days=rng.randint(-14, 5 * 365))
        ended = start < today - timedelta(days=90) or rng.random() < 0.2
        end = start + timedelta(days=rng.randint(14, 180)) if ended else None
        if end is not None and end > today:
            end = today
        status = (
            ("planned" if start > today else "active")
            if end is None
            else rng.choice(["completed", "completed", "completed", "broken_off"])
        )
        placements.append(
            {
                "id": i,
                "citizen_id": citizen,
                "company_id": rng.choice(companies),
                "consultant_id": consultant_of[citizen],
                "kind": rng.choice(PLACEMENT_KINDS[:6]),
                "start_date": start,
                "planned_end_date": start + timedelta(days=91),
                "actual_end_date": end,
                "hours_per_week": rng.choice([10.0, 15.0, 20.0, 37.0]),
                "hourly_wage": None,
                "status": status,
                "result": rng.choice(["ordinary_job", "education", "back_on_benefits", "other"])
                if end
                else None,
                "sprint_id": None,
                "payer_id": None,
                "created_at": _moment(start, rng),
                "version": 1,
            }
        )
    counts["placement"] = _insert(engine, tables["placement"], placements)

    follow0 = _next_id(engine, tables["follow_up"])
    follow_ups = []
    for p in placements:
        for day in (1, 2, 3, 5, 8, 14)[: UNIT["follow_ups_per_placement"]]:
            due = p["start_date"] + timedelta(days=day)
            done = due < today and rng.random() < 0.9
            follow_ups.append(
                {
                    "id": follow0 + len(follow_ups),
                    "placement_id": p["id"],
                    "due_date": due,
                    "done_at": _moment(due + timedelta(days=rng.choice([0, 0, 0, 1, 3])), rng)
                    if done
                    else None,
                    "done_by": p["consultant_id"] if done else None,
                    "note": "",
                }
            )
    counts["follow_up"] = _insert(engine, tables["follow_up"], follow_ups)
    del follow_ups

    contact0 = _next_id(engine, tables["contact"])
    all_staff = [s["id"] for s in staff_rows]
    counts["contact"] = _insert(
        engine,
        tables["contact"],
        (
            {
                "id": contact0 + k,
                "company_id": rng.choice(companies),
                "staff_id": rng.choice(all_staff),
                "citizen_id": rng.choice(citizen_ids) if rng.random() < 0.6 else None,
                "contacted_at": _moment(today - timedelta(days=rng.randint(0, 5 * 365)), rng),
                "channel": rng.choice(["phone", "email", "visit"]),
                "outcome": "",
                "note": "",
                "next_step": "",
                "next_step_date": None,
                "next_step_done_at": None,
            }
            for k in range(n["contacts"])
        ),
    )

    outcome0 = _next_id(engine, tables["outcome"])
    outcomes = []
    for p in placements[: len(placements) // 2]:
        for months in (3, 6, 12):
            measured = p["start_date"] + timedelta(days=30 * months)
            if measured <= today:
                outcomes.append(
                    {
                        "id": outcome0 + len(outcomes),
                        "citizen_id": p["citizen_id"],
                        "measured_at": measured,
                        "months_after_start": months,
                        "status": rng.choice(["job", "education", "benefits", "benefits", "other"]),
                    }
                )
    counts["outcome"] = _insert(engine, tables["outcome"], outcomes)

    sprint0 = _next_id(engine, tables["sprint"])
    card0 = _next_id(engine, tables["sprint_card"])
    change0 = _next_id(engine, tables["stage_change"])
    sprints, cards, changes = [], [], []
    for k in range(n["sprints"]):
        team = teams[k % len(teams)]
        start = today - timedelta(days=7 * (k // len(teams)) + 7)
        sprint_id = sprint0 + k
        sprints.append(
            {
                "id": sprint_id,
                "name": f"Sprint {sprint_id}",
                "team_id": team,
                "start_date": start,
                "end_date": start + timedelta(days=4),
                "goal_count": 16,
                "focus": "",
                "kind": "intensive_week",
                "status": "closed",
                "stage_names": {},
                "closed_at": _moment(start + timedelta(days=4), rng),
                "version": 1,
            }
        )
        team_citizens = [
            c for c in rng.sample(citizen_ids, min(200, len(citizen_ids))) if team_of[c] == team
        ][: UNIT["cards_per_sprint"]]
        for citizen in team_citizens:
            card_id = card0 + len(cards)
            stage = rng.choice(STAGES)
            cards.append(
                {
                    "id": card_id,
                    "sprint_id": sprint_id,
                    "citizen_id": citizen,
                    "consultant_id": consultant_of[citizen],
                    "stage": stage,
                    "stage_since": _moment(start, rng),
                    "company_id": None,
                    "placement_id": None,
                    "park_reason": "",
                    "version": 1,
                }
            )
            path = (
                ["selected"] + list(STAGES[1 : STAGES.index(stage) + 1])
                if stage != "parked"
                else ["selected", "parked"]
            )
            previous = None
            for day, to_stage in enumerate(path):
                changes.append(
                    {
                        "id": change0 + len(changes),
                        "card_id": card_id,
                        "from_stage": previous,
                        "to_stage": to_stage,
                        "changed_at": _moment(start + timedelta(days=day), rng),
                        "changed_by": consultant_of[citizen],
                    }
                )
                previous = to_stage
    counts["sprint"] = _insert(engine, tables["sprint"], sprints)
    counts["sprint_card"] = _insert(engine, tables["sprint_card"], cards)
    counts["stage_change"] = _insert(engine, tables["stage_change"], changes)

    audit0 = _next_id(engine, tables["audit_log"])
    counts["audit_log"] = _insert(
        engine,
        tables["audit_log"],
        (
            {
                "id": audit0 + k,
                "at": _moment(today - timedelta(days=rng.randint(0, 170)), rng),
                "user_id": None,
                "action": rng.choice(["view", "update", "create", "search"]),
                "table_name": "citizen",
                "row_id": rng.choice(citizen_ids),
                "detail": "",
            }
            for k in range(n["audit"])
        ),
    )

    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for name in counts:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return counts


def build(url: str, scale: int, seed: int = 100) -> tuple[dict[str, int], float]:
    """Migrate, fill the demo and, above 1x, add `scale` generated units; returns rows and seconds."""
    engine = make_engine(url)
    started = time.perf_counter()
    migrate(engine)
    passwords = demo.fill(engine)
    if scale > 1:
        bulk(engine, scale, seed)
    elapsed = time.perf_counter() - started
    with engine.connect() as conn:
        counts = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in SQLModel.metadata.tables
        }
    engine.dispose()
    counts["_passwords"] = passwords  # type: ignore[assignment]
    return counts, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    counts, elapsed = build(args.url, args.scale)
    counts.pop("_passwords")
    print({"seconds": round(elapsed, 1), **counts})


if __name__ == "__main__":
    main()
