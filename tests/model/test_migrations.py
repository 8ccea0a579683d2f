"""Migrations: a database filled at the baseline revision is upgraded to head with every row and
value intact, on SQLite and PostgreSQL; the models and the migrations do not drift (alembic check)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import and_, inspect, select, text
from sqlmodel import SQLModel

from model.db import ROOT, make_engine, migrate
from tests import conftest

BASELINE = "0001"
AT = datetime(2026, 9, 21, 8, 30, 15, tzinfo=UTC)

# One realistic row (or two) for every table of the baseline, in an order that satisfies the
# foreign keys, written as plain SQL the way the baseline's schema had them.
ROWS: list[tuple[str, dict]] = [
    ("team", {"id": 1, "name": "Team Brøndby Strand"}),
    ("staff", {"id": 1, "name": "Mette Jensen", "initials": "MJ", "role": "consultant",
               "team_id": 1, "active": True}),
    ("staff", {"id": 2, "name": "Lars Holm", "initials": "LH", "role": "leader", "team_id": 1,
               "active": False}),
    ("initiative", {"id": 1, "name": "Energi til hinanden", "description": "Unge i boligområdet",
                    "start_date": date(2026, 1, 1), "end_date": None, "funder": "Boligselskabet"}),
    ("housing_area", {"id": 1, "name": "Brøndby Strand", "municipality": "Brøndby"}),
    ("housing_area_figure", {"id": 1, "housing_area_id": 1, "period_start": date(2026, 1, 1),
                             "working_age_residents": 2140, "unemployed": 612}),
    ("company", {"id": 1, "name": "Strandens Bageri ApS", "cvr": "24256790",
                 "industry": "Bager og kiosk", "municipality": "Brøndby",
                 "contact_person": "Mette Jensen", "agreement_kind": "samarbejdsaftale",
                 "housing_supplier": True, "created_at": AT}),
    ("citizen", {"id": 1, "first_name": "Aisha", "last_name": "Benali", "birth_year": 1990,
                 "target_group": "aktivitetsparat kontanthjælp", "benefit_type": "dagpenge",
                 "match_group": 2, "dagpenge_end_date": date(2027, 4, 30), "housing_area_id": 1,
                 "team_id": 1, "initiative_id": 1, "consultant_id": 1,
                 "wishes": ["lager", "køkken"], "qualifications": ["truckcertifikat"],
                 "external_ref": "J-101", "created_at": AT, "updated_at": AT, "version": 3}),
    ("sprint", {"id": 1, "name": "Uge 39 – Brøndby", "team_id": 1, "start_date": date(2026, 9, 21),
                "end_date": date(2026, 9, 25), "goal_count": 16, "focus": "Lager og transport",
                "kind": "intensive_week", "status": "closed",
                "stage_names": {"dialogue": "I dialog"}, "closed_at": AT, "version": 2}),
    ("sprint_consultant", {"sprint_id": 1, "staff_id": 1}),
    ("partnership", {"id": 1, "name": "Lommepengejob Brøndby Strand", "initiative_id": 1,
                     "target_reach": 40}),
    ("partner", {"id": 1, "partnership_id": 1, "name": "Boligselskabet Strandhusene",
                 "kind": "housing", "pays_for": "wages"}),
    ("placement", {"id": 1, "citizen_id": 1, "company_id": 1, "consultant_id": 1,
                   "kind": "virksomhedspraktik", "start_date": date(2026, 9, 28),
                   "planned_end_date": date(2026, 11, 20), "actual_end_date": date(2026, 11, 13),
                   "hours_per_week": 22.5, "hourly_wage": 132.75, "status": "completed",
                   "result": "ordinary_job", "sprint_id": 1, "payer_id": 1, "created_at": AT,
                   "version": 2}),
    ("sprint_card", {"id": 1, "sprint_id": 1, "citizen_id": 1, "consultant_id": 1,
                     "stage": "secured", "stage_since": AT, "company_id": 1, "placement_id": 1,
                     "park_reason": "", "version": 4}),
    ("stage_change", {"id": 1, "card_id": 1, "from_stage": "dialogue", "to_stage": "secured",
                      "changed_at": AT, "changed_by": 1}),
    ("agenda_item", {"id": 1, "sprint_id": 1, "day": date(2026, 9, 21), "part": "formiddag",
                     "title": "Opstart og kaffe", "note": "Lokale 2"}),
    ("contact", {"id": 1, "company_id": 1, "staff_id": 1, "citizen_id": 1, "contacted_at": AT,
                 "channel": "visit", "outcome": "placement_agreed", "note": "Vil gerne møde Aisha",
                 "next_step_date": date(2026, 9, 24)}),
    ("follow_up", {"id": 1, "placement_id": 1, "due_date": date(2026, 9, 29), "done_at": AT,
                   "done_by": 1, "note": "Godt i gang"}),
    ("follow_up", {"id": 2, "placement_id": 1, "due_date": date(2026, 10, 5), "done_at": None,
                   "done_by": None, "note": ""}),
    ("event", {"id": 1, "company_id": 1, "kind": "company_visit", "event_date": date(2026, 9, 23),
               "title": "Besøg på bageriet", "note": "Seks unge deltog"}),
    ("event_participant", {"event_id": 1, "citizen_id": 1}),
    ("outcome", {"id": 1, "citizen_id": 1, "measured_at": date(2026, 12, 28),
                 "months_after_start": 3, "status": "job"}),
    ("progression", {"id": 1, "citizen_id": 1, "measured_at": date(2026, 9, 21),
                     "scale": "livsmestring", "score": 6}),
    ("goal", {"id": 1, "scope": "team", "sprint_id": None, "team_id": 1, "initiative_id": None,
              "metric": "placements_started", "target": 40.0, "period_start": date(2026, 7, 1),
              "period_end": date(2026, 12, 31), "owner_id": 2, "created_at": AT}),
    ("comparison_group", {"id": 1, "initiative_id": 1, "label": "Normal indsats", "month": 6,
                          "n": 180, "reached": 47, "source": "Jobindsats 2025"}),
    ("app_user", {"id": 1, "username": "konsulent", "password_hash": "$argon2id$v=19$m=65536",
                  "oidc_sub": None, "role": "consultant", "staff_id": 1, "active": True,
                  "must_change_password": True, "failed_logins": 2, "last_login_at": AT,
                  "created_at": AT}),
    ("audit_log", {"id": 1, "at": AT, "user_id": 1, "action": "view", "table_name": "citizen",
                   "row_id": 1, "detail": "profile"}),
]


def literal(value: object, dialect: str) -> str:
    """A value as an SQL literal of the baseline's column types."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        # SQLite keeps SQLAlchemy's text form (UTC, no offset); PostgreSQL a timestamptz.
        utc = value.astimezone(UTC)
        return f"'{utc:%Y-%m-%d %H:%M:%S.%f}'" if dialect == "sqlite" else f"'{utc.isoformat()}'"
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return "'" + str(value).replace("'", "''") + "'"


def alembic_config(connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    """A database with no tables at all, on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'baseline.db'}")
    else:
        base = request.getfixturevalue("postgres_cluster")
        name = f"baseline_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}"
        conftest._create_database(base, name)
        engine = make_engine(f"{base}/{name}")
    yield engine
    engine.dispose()


def test_rows_written_at_the_baseline_are_all_there_after_upgrading_to_head(empty_engine):
    dialect = empty_engine.dialect.name
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE)
    baseline_tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert {table for table, _ in ROWS} == baseline_tables, "one row for every baseline table"
    with empty_engine.begin() as connection:
        for table, row in ROWS:
            columns = ", ".join(row)
            values = ", ".join(literal(value, dialect) for value in row.values())
            connection.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({values})'))

    migrate(empty_engine)  # to whatever head is now

    with empty_engine.connect() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        for table_name, row in ROWS:
            table = SQLModel.metadata.tables[table_name]
            keys = [column.name for column in table.primary_key.columns]
            found = connection.execute(select(table).where(
                and_(*(table.c[key] == row[key] for key in keys)))).mappings().one()
            assert {name: found[name] for name in row} == row, f"{table_name} at {head}"
            # Columns added after the baseline got a value where they must have one.
            missing = [column.name for column in table.columns
                       if not column.nullable and found[column.name] is None]
            assert missing == [], f"{table_name}: {missing}"
    assert head != BASELINE


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_models_and_the_migrations_do_not_drift(dialect, request, tmp_path):
    """`alembic check`: autogenerate finds nothing to add, drop or change after the migrations."""
    if dialect == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'check.db'}")
    else:
        base = request.getfixturevalue("postgres_cluster")
        name = f"check_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}"
        conftest._create_database(base, name)
        engine = make_engine(f"{base}/{name}")
    try:
        migrate(engine)
        with engine.begin() as connection:
            command.check(alembic_config(connection))  # raises AutogenerateDiffsDetected on drift
    finally:
        engine.dispose()
