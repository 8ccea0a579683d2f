"""Retention: periods per category, the deletion run with an injected clock, its ledger, the
once-a-day run at start-up, and that deleted text is gone from the SQLite file."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session, SQLModel

from model import clock, retention, setup
from model.errors import AccessDenied, ValidationError
from model.tables import (
    AuditLog,
    Citizen,
    Company,
    Contact,
    Event,
    EventParticipant,
    FollowUp,
    Outcome,
    Placement,
    Progression,
    RetentionPolicy,
    RetentionRun,
    Sprint,
    SprintCard,
    Staff,
    StageChange,
)

NOW = datetime(2027, 6, 15, 10, 0, tzinfo=UTC)
# With the default 24 months the citizens' cutoff is 15-06-2025 10:00 UTC.
RECENT = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
# Past the citizens' 24 months, within the 36 months of company contacts.
OLD = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
LONG_AGO = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def citizen_record(session: Session, *, first: str, last: str, when: datetime,
                   team_id: int | None = None) -> int:
    """A citizen with a row in every table that hangs off a citizen, all dated around `when`."""
    day, number = when.date(), next(_numbers)
    staff = Staff(name=f"Konsulent {number}", initials="KK", role="consultant", team_id=team_id)
    company = Company(name=f"Firma nr. {number} ApS", created_at=when)
    session.add_all([staff, company])
    session.flush()
    citizen = Citizen(first_name=first, last_name=last, birth_year=1990, team_id=team_id,
                      consultant_id=staff.id, wishes=["lager"], created_at=when, updated_at=when)
    sprint = Sprint(name=f"Sprint {number}", start_date=day - timedelta(days=7), end_date=day,
                    goal_count=1, team_id=team_id, status="closed")
    event_row = Event(company_id=company.id, kind="oplaeg", event_date=day, title="Oplæg")
    session.add_all([citizen, sprint, event_row])
    session.flush()
    placement = Placement(citizen_id=citizen.id, company_id=company.id, kind="virksomhedspraktik",
                          start_date=day - timedelta(days=30), actual_end_date=day,
                          status="completed", result="ordinary_job", consultant_id=staff.id,
                          sprint_id=sprint.id, created_at=when)
    session.add(placement)
    session.flush()
    card = SprintCard(sprint_id=sprint.id, citizen_id=citizen.id, consultant_id=staff.id,
                      stage="secured", stage_since=when, company_id=company.id,
                      placement_id=placement.id)
    session.add(card)
    session.flush()
    session.add_all([
        StageChange(card_id=card.id, from_stage=None, to_stage="selected",
                    changed_at=when - timedelta(days=2), changed_by=staff.id),
        StageChange(card_id=card.id, from_stage="selected", to_stage="secured", changed_at=when,
                    changed_by=staff.id),
        FollowUp(placement_id=placement.id, due_date=day - timedelta(days=20),
                 done_at=when - timedelta(days=20), done_by=staff.id, note=f"Talt med {first}"),
        Contact(company_id=company.id, staff_id=staff.id, citizen_id=citizen.id,
                contacted_at=when - timedelta(days=31), channel="phone", outcome="interested",
                note=f"Om {first} {last}", next_step="Ring igen",
                next_step_date=day - timedelta(days=25)),
        Outcome(citizen_id=citizen.id, measured_at=day, months_after_start=3, status="job"),
        Progression(citizen_id=citizen.id, measured_at=day, score=7),
        EventParticipant(event_id=event_row.id, citizen_id=citizen.id),
    ])
    session.flush()
    return citizen.id


def rows_of(engine, citizen_id: int) -> dict[str, int]:
    """How many rows of each dependent table belong to the citizen."""
    cards = select(SprintCard.id).where(SprintCard.citizen_id == citizen_id)
    placements = select(Placement.id).where(Placement.citizen_id == citizen_id)
    counts = {
        "citizen": select(func.count()).where(Citizen.id == citizen_id),
        "stage_change": select(func.count()).where(StageChange.card_id.in_(cards)),
        "sprint_card": select(func.count()).where(SprintCard.citizen_id == citizen_id),
        "follow_up": select(func.count()).where(FollowUp.placement_id.in_(placements)),
        "placement": select(func.count()).where(Placement.citizen_id == citizen_id),
        "contact": select(func.count()).where(Contact.citizen_id == citizen_id),
        "outcome": select(func.count()).where(Outcome.citizen_id == citizen_id),
        "progression": select(func.count()).where(Progression.citizen_id == citizen_id),
        "event_participant": select(func.count()).where(EventParticipant.citizen_id == citizen_id),
    }
    with Session(engine) as session:
        return {table: session.execute(stmt).scalar_one() for table, stmt in counts.items()}


FULL = {"citizen": 1, "stage_change": 2, "sprint_card": 1, "follow_up": 1, "placement": 1,
        "contact": 1, "outcome": 1, "progression": 1, "event_participant": 1}
GONE = dict.fromkeys(FULL, 0)


def add(engine, **kw) -> int:
    with Session(engine) as session:
        citizen_id = citizen_record(session, **kw)
        session.commit()
        return citizen_id


def ledger_rows(engine) -> list[RetentionRun]:
    with Session(engine) as session:
        return list(session.execute(select(RetentionRun).order_by(RetentionRun.id)).scalars())


@pytest.mark.parametrize("moment, months, expected", [
    (datetime(2027, 6, 15, 10, tzinfo=UTC), 24, datetime(2025, 6, 15, 10, tzinfo=UTC)),
    (datetime(2027, 3, 31, 10, tzinfo=UTC), 1, datetime(2027, 2, 28, 10, tzinfo=UTC)),
    (datetime(2028, 3, 31, 10, tzinfo=UTC), 1, datetime(2028, 2, 29, 10, tzinfo=UTC)),
    (datetime(2027, 1, 15, 0, tzinfo=UTC), 1, datetime(2026, 12, 15, 0, tzinfo=UTC)),
    (datetime(2027, 8, 31, 23, 59, tzinfo=UTC), 6, datetime(2027, 2, 28, 23, 59, tzinfo=UTC)),
    (datetime(2027, 12, 31, tzinfo=UTC), 12, datetime(2026, 12, 31, tzinfo=UTC)),
])
def test_months_before_counts_calendar_months(moment, months, expected):
    assert retention.months_before(moment, months) == expected


def test_every_table_that_hangs_off_a_citizen_is_handled():
    # A new table with a foreign-key path to citizen.id must be added to delete_citizens.
    reaches, grew = {"citizen"}, True
    while grew:
        grew = False
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in reaches and any(fk.column.table.name in reaches
                                                 for fk in table.foreign_keys):
                reaches.add(table.name)
                grew = True
    assert reaches - {"citizen"} == set(retention.CITIZEN_DEPENDENTS)


def test_the_migration_seeds_the_default_periods(engine):
    with Session(engine) as session:
        stored = dict(session.execute(select(RetentionPolicy.category, RetentionPolicy.months)).all())
    assert stored == {name: c.default for name, c in retention.CATEGORIES.items()}
    assert stored["audit_log"] == 6


def test_an_inactive_citizen_goes_with_every_row_and_an_active_one_stays(engine):
    gone = add(engine, first="Inaktiv", last="Borgersen", when=OLD)
    kept = add(engine, first="Aktiv", last="Borgersen", when=RECENT)
    assert rows_of(engine, gone) == FULL and rows_of(engine, kept) == FULL

    report = retention.run(engine, now=NOW)

    assert rows_of(engine, gone) == GONE
    assert rows_of(engine, kept) == FULL
    assert report.categories["citizen"].rows == 1
    assert report.categories["citizen"].detail == FULL
    with Session(engine) as session:
        # The contact stays for the company's history, without the citizen and the free text.
        orphan = session.execute(select(Contact).where(Contact.note == "")).scalars().one()
        assert (orphan.citizen_id, orphan.next_step, orphan.next_step_date) == (None, "", None)
        # Events, sprints, companies and staff are not the citizen's: they stay.
        assert session.execute(select(func.count()).select_from(Event)).scalar_one() == 2
        assert session.execute(select(func.count()).select_from(Sprint)).scalar_one() == 2


def _touch(session: Session, citizen_id: int, source: str, when: datetime) -> None:
    """Give an otherwise long-inactive citizen one activity of one kind at `when`."""
    day = when.date()
    company = session.execute(select(Company.id).limit(1)).scalar_one()
    if source == "citizen_updated":
        session.get(Citizen, citizen_id).updated_at = when
    elif source == "placement_ended":
        session.add(Placement(citizen_id=citizen_id, company_id=company, kind="loentilskud",
                              start_date=LONG_AGO.date(), actual_end_date=day, status="completed"))
    elif source == "follow_up_done":
        placement = Placement(citizen_id=citizen_id, company_id=company, kind="loentilskud",
                              start_date=LONG_AGO.date(), actual_end_date=LONG_AGO.date(),
                              status="completed")
        session.add(placement)
        session.flush()
        session.add(FollowUp(placement_id=placement.id, due_date=LONG_AGO.date(), done_at=when))
    elif source == "contact":
        session.add(Contact(company_id=company, citizen_id=citizen_id, contacted_at=when))
    elif source == "outcome":
        session.add(Outcome(citizen_id=citizen_id, measured_at=day, months_after_start=12,
                            status="education"))
    elif source == "progression":
        session.add(Progression(citizen_id=citizen_id, measured_at=day, score=5))
    elif source == "sprint_card":
        sprint = Sprint(name="Senere sprint", start_date=day - timedelta(days=4), end_date=day,
                        goal_count=3, status="closed")
        session.add(sprint)
        session.flush()
        session.add(SprintCard(sprint_id=sprint.id, citizen_id=citizen_id, stage_since=when))
    elif source == "event":
        happening = Event(kind="haandvaerkercafe", event_date=day)
        session.add(happening)
        session.flush()
        session.add(EventParticipant(event_id=happening.id, citizen_id=citizen_id))


SOURCES = ["citizen_updated", "placement_ended", "follow_up_done", "contact", "outcome",
           "progression", "sprint_card", "event"]


def test_last_activity_is_the_latest_of_every_source(engine):
    # For each source: one citizen whose only newer activity is recent (kept), one whose is old.
    with Session(engine) as session:
        kept, gone = {}, {}
        for source in SOURCES:
            kept[source] = citizen_record(session, first="Nylig", last=source, when=LONG_AGO)
            gone[source] = citizen_record(session, first="Gammel", last=source, when=LONG_AGO)
            _touch(session, kept[source], source, RECENT)
            _touch(session, gone[source], source, OLD)
        session.commit()
    retention.run(engine, now=NOW)
    with Session(engine) as session:
        left = set(session.execute(select(Citizen.id)).scalars())
    assert {s for s in SOURCES if kept[s] not in left} == set(), "recent activity not seen"
    assert {s for s in SOURCES if gone[s] in left} == set(), "old activity kept the citizen"


def test_a_running_placement_keeps_the_citizen_however_old_it_is(engine):
    with Session(engine) as session:
        citizen_id = citizen_record(session, first="Igang", last="Værende", when=LONG_AGO)
        company = session.execute(select(Company.id).limit(1)).scalar_one()
        session.add(Placement(citizen_id=citizen_id, company_id=company, kind="ordinaere_timer",
                              start_date=LONG_AGO.date(), status="active"))
        session.commit()
    retention.run(engine, now=NOW)
    assert rows_of(engine, citizen_id)["citizen"] == 1


def test_the_ledger_holds_counts_and_cutoffs_without_names(engine):
    add(engine, first="Xenia", last="Qvortrup", when=OLD)
    retention.run(engine, now=NOW)
    runs = ledger_rows(engine)
    assert [(r.category, r.reason, r.rows_deleted) for r in runs] == [
        ("citizen", "retention", 1), ("company_contact", "retention", 0),
        ("audit_log", "retention", 0)]
    assert all(r.ran_at == NOW for r in runs)
    assert runs[0].cutoff == datetime(2025, 6, 15, 10, tzinfo=UTC)
    assert runs[2].cutoff == datetime(2026, 12, 15, 10, tzinfo=UTC)
    assert runs[0].detail["placement"] == 1
    written = repr([(r.category, r.detail, r.cutoff) for r in runs])
    with Session(engine) as session:
        written += repr(session.execute(select(AuditLog.detail)).scalars().all())
    assert "Xenia" not in written and "Qvortrup" not in written


def test_old_audit_rows_go_through_the_audit_purge_and_newer_ones_stay(engine):
    with Session(engine) as session:
        session.add_all([AuditLog(at=NOW - timedelta(days=200), action="view", table_name="citizen",
                                  row_id=1),
                         AuditLog(at=NOW - timedelta(days=150), action="view", table_name="citizen",
                                  row_id=2)])
        session.commit()
    report = retention.run(engine, now=NOW)
    assert report.categories["audit_log"].rows == 1
    with Session(engine) as session:
        left = session.execute(select(AuditLog.action, AuditLog.row_id)
                               .order_by(AuditLog.id)).all()
    # The 150-day-old view stays; the run logs itself.
    assert [tuple(row) for row in left] == [("view", 2), ("retention_run", None)]


def test_company_contacts_without_a_citizen_follow_their_own_period(engine):
    with Session(engine) as session:
        company = Company(name="Kontaktfirma A/S")
        session.add(company)
        session.flush()
        old_day = (NOW - timedelta(days=40 * 30)).date()
        session.add_all([
            Contact(company_id=company.id, contacted_at=NOW - timedelta(days=40 * 30),
                    note="gammel"),
            Contact(company_id=company.id, contacted_at=NOW - timedelta(days=40 * 30),
                    note="gammel med skridt", next_step_date=NOW.date() + timedelta(days=3)),
            Contact(company_id=company.id, contacted_at=NOW - timedelta(days=20 * 30),
                    note="nyere"),
        ])
        session.commit()
    assert old_day < NOW.date()
    report = retention.run(engine, now=NOW)
    assert report.categories["company_contact"].rows == 1
    with Session(engine) as session:
        notes = set(session.execute(select(Contact.note)).scalars())
    assert notes == {"gammel med skridt", "nyere"}


def test_the_run_is_one_transaction(engine, monkeypatch):
    citizen_id = add(engine, first="Halv", last="Vejs", when=OLD)

    def broken(session, cutoff):
        raise RuntimeError("disk full")

    monkeypatch.setattr(retention.audit, "purge_older_than", broken)
    with pytest.raises(RuntimeError):
        retention.run(engine, now=NOW)
    assert rows_of(engine, citizen_id) == FULL
    assert ledger_rows(engine) == []


def test_an_admin_changes_a_period_and_the_run_follows_it(engine, actor_factory):
    admin = actor_factory("admin")
    # Inactive for 22 months: within the default 24, past a period of 12.
    citizen_id = add(engine, first="Tolv", last="Måneder", when=NOW - timedelta(days=22 * 30))
    retention.run(engine, now=NOW)
    assert rows_of(engine, citizen_id)["citizen"] == 1
    retention.set_period(engine, admin, category="citizen", months=12)
    with Session(engine) as session:
        change = session.execute(select(AuditLog).where(
            AuditLog.table_name == "retention_policy")).scalars().one()
    assert (change.user_id, change.detail) == (admin.user_id, "citizen: 24->12")
    table = retention.policy(engine, admin).set_index("category")
    assert table.loc["citizen", "months"] == 12 and table.loc["citizen", "default"] == 24
    assert retention.preview(engine, admin, now=NOW)["citizen"] == 1
    retention.run(engine, now=NOW)
    assert rows_of(engine, citizen_id)["citizen"] == 0


BAD_PERIODS = [
    ("audit_log", 5, "error.retention_months"),
    ("citizen", 0, "error.retention_months"),
    ("citizen", 121, "error.retention_months"),
    ("citizen", True, "error.retention_months"),
    ("citizen", 6.5, "error.retention_months"),
    ("cpr", 12, "error.retention_unknown_category"),
]


def test_bad_periods_are_refused_and_nothing_changes(engine, actor_factory):
    admin = actor_factory("admin")
    for category, months, key in BAD_PERIODS:
        with pytest.raises(ValidationError) as refused:
            retention.set_period(engine, admin, category=category, months=months)
        assert refused.value.key == key, (category, months)
    assert retention.policy(engine, admin)["months"].tolist() == [24, 36, 6]


def test_only_admins_change_periods_or_start_a_run(engine, actor_factory):
    for role in ("leader", "consultant", "caseworker", "mentor", "screen"):
        actor = actor_factory(role)
        with pytest.raises(AccessDenied):
            retention.set_period(engine, actor, category="citizen", months=12)
        with pytest.raises(AccessDenied):
            retention.run_now(engine, actor, now=NOW)
        if role != "leader":
            with pytest.raises(AccessDenied):
                retention.policy(engine, actor)
            with pytest.raises(AccessDenied):
                retention.ledger(engine, actor)
    assert ledger_rows(engine) == []


def test_start_up_runs_once_a_day_as_the_ledger_tells(engine, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_DEMO", "0")
    lines: list[str] = []
    setup.prepare(engine, out=lines.append, now=NOW)
    assert len(ledger_rows(engine)) == 3
    citizen_id = add(engine, first="Senere", last="Samme Dag", when=OLD)

    setup.prepare(engine, out=lines.append, now=NOW + timedelta(hours=3))
    assert len(ledger_rows(engine)) == 3
    assert rows_of(engine, citizen_id)["citizen"] == 1

    setup.prepare(engine, out=lines.append, now=NOW + timedelta(days=1))
    assert len(ledger_rows(engine)) == 6
    assert rows_of(engine, citizen_id)["citizen"] == 0
    assert any("1 borgere" in line for line in lines)


def test_a_day_is_the_danish_calendar_day(engine):
    # 22:30 UTC on 15 June is already 16 June in Denmark (summer time): a new day.
    evening = datetime(2027, 6, 15, 20, 30, tzinfo=UTC)
    assert retention.run_if_due(engine, now=evening) is not None
    assert retention.run_if_due(engine, now=evening + timedelta(hours=1)) is None
    assert retention.run_if_due(engine, now=evening + timedelta(hours=2)) is not None


# --- SQLite: the deleted name is gone from the file ---------------------------------------------


def _file_bytes(path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _secure_delete_off(engine):
    """The test database with every new connection starting with secure_delete off (Debian's
    SQLite turns it on by default), so the test sees what the run itself turns on."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no secure_delete; its deleted rows go with "
                    "VACUUM and its WAL archive and backups expire (docs/privacy.md)")
    engine.dispose()
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA secure_delete=OFF"))
    return engine, Path(engine.url.database)


NAME = ("Quirinius", "Zebulonsdottir")


def _checkpoint(eng) -> None:
    with eng.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_without_secure_delete_a_deleted_name_stays_in_the_file(engine):
    # The control: it shows the check below can fail.
    eng, path = _secure_delete_off(engine)
    citizen_id = add(eng, first=NAME[0], last=NAME[1], when=OLD)
    _checkpoint(eng)
    with Session(eng) as session:
        retention.delete_citizens(session, [citizen_id])
        session.commit()
    _checkpoint(eng)
    assert NAME[1].encode() in _file_bytes(path)
    eng.dispose()


def test_the_run_overwrites_the_deleted_name_in_the_file_and_the_wal(engine):
    eng, path = _secure_delete_off(engine)
    add(eng, first=NAME[0], last=NAME[1], when=OLD)
    add(eng, first="Bliver", last="Her", when=RECENT)
    _checkpoint(eng)
    assert NAME[1].encode() in _file_bytes(path)

    report = retention.run(eng, now=NOW)

    assert report.categories["citizen"].rows == 1 and report.checkpointed
    content = _file_bytes(path)
    assert NAME[0].encode() not in content and NAME[1].encode() not in content
    assert b"Bliver" in content
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with eng.connect() as connection:  # the pool's connection is back to its own setting
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 0
    eng.dispose()


def test_postgresql_runs_without_the_sqlite_pragmas(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: the SQLite path of erasing_session is tested above")
    add(engine, first="Pg", last="Borger", when=OLD)
    report = retention.run(engine, now=NOW)
    assert report.categories["citizen"].rows == 1 and report.checkpointed


def test_the_demo_survives_the_first_run(demo_engine):
    before = _counts(demo_engine)
    report = retention.run(demo_engine, now=clock.now())
    assert report.total == 0
    after = _counts(demo_engine)
    assert {t: n for t, n in after.items() if t not in {"audit_log", "retention_run"}} == \
        {t: n for t, n in before.items() if t not in {"audit_log", "retention_run"}}


def _counts(eng) -> dict[str, int]:
    with Session(eng) as session:
        return {table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables}



def test_every_retention_category_is_described_in_docs_privacy_with_its_default():
    # The record of processing must match the code (datasette's documentation test).
    doc = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text()
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines()
            if line.startswith("| `")}
    for name, category in retention.CATEGORIES.items():
        assert f"`{name}`" in rows, f"{name} is missing from docs/privacy.md"
        row = rows[f"`{name}`"]
        assert f"**{category.default} months**" in row, row
        assert f"{category.low}-{category.high} months" in row, row
