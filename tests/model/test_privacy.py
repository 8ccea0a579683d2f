"""A citizen's right of access (one export with everything, including who looked) and erasure
(confirmed, one transaction, the audit of the erasure kept)."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from model import exporting, people, privacy, retention
from model.errors import AccessDenied, ValidationError
from model.tables import (
    AgendaItem,
    AuditLog,
    Contact,
    FollowUp,
    Placement,
    RetentionRun,
    SprintCard,
)
from tests.model.test_retention import (
    FULL,
    GONE,
    RECENT,
    _file_bytes,
    _secure_delete_off,
    citizen_record,
    rows_of,
)


@pytest.fixture
def two_citizens(engine, actor_factory):
    """Two citizens with a full record each, in one team; returns (consultant, target, other)."""
    consultant = actor_factory("consultant")
    with Session(engine) as session:
        target = citizen_record(session, first="Ronja", last="Vindelbo", when=RECENT,
                                team_id=consultant.team_id)
        other = citizen_record(session, first="Bertil", last="Ågesen", when=RECENT,
                               team_id=consultant.team_id)
        contact = session.execute(select(Contact).where(Contact.citizen_id == target)).scalar_one()
        contact.note = "=HYPERLINK(\"http://x\")"  # a cell a spreadsheet would run
        session.commit()
    return consultant, target, other


def test_the_access_report_holds_everything_about_the_citizen_and_who_looked(
        engine, actor_factory, two_citizens):
    consultant, target, other = two_citizens
    people.get_citizen(engine, consultant, target)  # a view that must show up
    people.get_citizen(engine, consultant, other)  # not about the target
    leader = actor_factory("leader")

    report = privacy.access_report(engine, leader, target)

    assert list(report) == list(privacy.SHEETS)
    own = dict(zip(report["citizen"]["field"], report["citizen"]["value"]))
    assert (own["first_name"], own["last_name"], own["wishes"]) == ("Ronja", "Vindelbo", ["lager"])
    counts = {name: len(frame) for name, frame in report.items() if name != "citizen"}
    assert {k: v for k, v in counts.items() if k != "access_log"} == {
        "placements": 1, "follow_ups": 1, "contacts": 1, "outcomes": 1, "progression": 1,
        "sprint_cards": 1, "stage_changes": 2, "events": 1}
    log = report["access_log"]
    assert [tuple(r) for r in log[["user", "action", "table_name", "row_id"]].itertuples(
        index=False)] == [(consultant.username, "view", "citizen", target),
                          (leader.username, "export", "citizen", target)]
    assert log["staff"].iloc[0] == consultant.name
    with Session(engine) as session:
        logged = session.execute(select(AuditLog).where(AuditLog.action == "export")).scalar_one()
    assert (logged.user_id, logged.row_id, logged.detail) == (leader.user_id, target,
                                                              "right_of_access")


def test_who_looked_includes_every_search_list_and_download_that_showed_the_citizen(
        engine, actor_factory, two_citizens):
    consultant, target, other = two_citizens
    people.search_citizens(engine, consultant, "Vindelbo")  # finds the target
    people.search_citizens(engine, consultant, "Ågesen")  # finds only the other
    people.list_citizens(engine, consultant)  # both
    exporting.log_download(engine, consultant, "borgere",
                           pd.DataFrame({"citizen_id": [target], "name": ["R. V."]}))
    exporting.export_list(engine, consultant, "placements")  # the target's placement
    leader = actor_factory("leader")

    log = privacy.access_report(engine, leader, target)["access_log"]

    assert [tuple(r) for r in log[["user", "action", "table_name"]].itertuples(index=False)] == [
        (consultant.username, "search", "citizen"), (consultant.username, "search", "citizen"),
        (consultant.username, "export", "download"), (consultant.username, "export", "placement"),
        (leader.username, "export", "citizen")]
    with Session(engine) as session:
        details = session.execute(select(AuditLog.detail)).scalars().all()
    assert not [d for d in details if "Vindelbo" in d or "Ågesen" in d], "names typed are not logged"


def test_the_workbook_has_a_danish_sheet_per_category_and_no_formulas(engine, actor_factory,
                                                                     two_citizens):
    _, target, _ = two_citizens
    report = privacy.access_report(engine, actor_factory("admin"), target)
    book = openpyxl.load_workbook(io.BytesIO(privacy.access_workbook(report, "da")))
    assert book.sheetnames == ["Borger", "Forløb", "Opfølgninger", "Kontakter", "Statusmålinger",
                               "Progression", "Sprintkort", "Flytninger", "Arrangementer",
                               "Hvem har set hvad"]
    placements = book["Forløb"]
    header = [cell.value for cell in placements[1]]
    assert header[:3] == ["Id", "Virksomhed", "Type"]
    assert placements.cell(2, 3).value == "Virksomhedspraktik"
    fields = {row[0].value: row[1].value for row in book["Borger"].iter_rows(min_row=2)}
    assert fields["Fornavn"] == "Ronja" and fields["Ønsker"] == "lager"
    note = [row for row in book["Kontakter"].iter_rows(min_row=2, values_only=True)][0][6]
    assert note.startswith("'=")
    log = list(book["Hvem har set hvad"].iter_rows(min_row=2, values_only=True))
    assert [(row[3], row[4]) for row in log] == [("Eksporterede", "Borgerens stamdata")]
    english = openpyxl.load_workbook(io.BytesIO(privacy.access_workbook(report, "en")))
    assert english.sheetnames[-1] == "Who looked at what"


def test_the_json_export_reads_back_with_iso_dates(engine, actor_factory, two_citizens):
    _, target, _ = two_citizens
    with Session(engine) as session:  # an open follow-up: its done_at is empty
        placement = session.execute(select(Placement).where(
            Placement.citizen_id == target)).scalar_one()
        session.add(FollowUp(placement_id=placement.id, due_date=RECENT.date()))
        session.commit()
    report = privacy.access_report(engine, actor_factory("admin"), target)
    data = json.loads(privacy.access_json(report))
    assert data["citizen"]["last_name"] == "Vindelbo"
    assert data["citizen"]["created_at"].startswith(RECENT.date().isoformat())
    assert data["placements"][0]["kind"] == "virksomhedspraktik"
    assert data["outcomes"] == [{"measured_at": RECENT.date().isoformat(),
                                 "months_after_start": 3, "status": "job"}]
    assert [entry["action"] for entry in data["access_log"]] == ["export"]
    assert [f["done_at"] is None for f in data["follow_ups"]] == [False, True]
    assert data["follow_ups"][0]["done_at"].endswith("+00:00")
    book = openpyxl.load_workbook(io.BytesIO(privacy.access_workbook(report)))
    done = [row[4] for row in book["Opfølgninger"].iter_rows(min_row=2, values_only=True)]
    assert done[0] is not None and done[1] is None


@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor", "screen"])
def test_only_admins_and_leaders_export_or_erase(engine, actor_factory, two_citizens, role):
    _, target, _ = two_citizens
    actor = actor_factory(role)
    with pytest.raises(AccessDenied):
        privacy.access_report(engine, actor, target)
    with pytest.raises(AccessDenied):
        privacy.erase_citizen(engine, actor, target, confirm_name="Ronja Vindelbo")
    assert rows_of(engine, target) == FULL


def test_an_unknown_citizen_is_not_found(engine, actor_factory):
    with pytest.raises(ValidationError, match="error.not_found"):
        privacy.access_report(engine, actor_factory("admin"), 4711)


def test_erasure_needs_the_full_name_and_writes_nothing_without_it(engine, actor_factory,
                                                                 two_citizens):
    _, target, _ = two_citizens
    admin = actor_factory("admin")
    for wrong in ("", "Ronja", "Ronja Vindelbo Jensen", "Bertil Ågesen"):
        with pytest.raises(ValidationError) as refused:
            privacy.erase_citizen(engine, admin, target, confirm_name=wrong)
        assert refused.value.key == "error.privacy_confirm_name"
    assert rows_of(engine, target) == FULL
    with Session(engine) as session:
        assert session.execute(select(AuditLog).where(AuditLog.action == "erase")).first() is None


def test_erasure_removes_every_row_keeps_the_others_and_its_own_audit(engine, actor_factory,
                                                                     two_citizens):
    consultant, target, other = two_citizens
    people.get_citizen(engine, consultant, target)
    leader = actor_factory("leader")
    assert privacy.erasure_preview(engine, leader, target) == {
        table: n for table, n in FULL.items() if table != "citizen"}

    counts = privacy.erase_citizen(engine, leader, target, confirm_name="  ronja   VINDELBO ")

    assert counts == FULL
    assert rows_of(engine, target) == GONE
    assert rows_of(engine, other) == FULL
    with Session(engine) as session:
        kept = session.execute(select(Contact).where(Contact.citizen_id.is_(None))).scalar_one()
        assert (kept.note, kept.next_step) == ("", "")
        entries = session.execute(select(AuditLog.action, AuditLog.user_id, AuditLog.row_id)
                                  .where(AuditLog.table_name == "citizen",
                                         AuditLog.row_id == target)
                                  .order_by(AuditLog.id)).all()
        ledger = session.execute(select(RetentionRun)).scalars().all()
    # The earlier view stays until the log's own period; the erasure itself is logged.
    assert [tuple(e) for e in entries] == [("view", consultant.user_id, target),
                                           ("erase", leader.user_id, target)]
    assert [(r.reason, r.category, r.rows_deleted) for r in ledger] == [("erasure", "citizen", 1)]
    assert "Ronja" not in repr(ledger[0].detail) and "Vindelbo" not in repr(ledger[0].detail)
    with pytest.raises(ValidationError, match="error.not_found"):
        privacy.access_report(engine, leader, target)


def test_erasure_offers_to_redact_the_name_where_free_text_elsewhere_holds_it(
        engine, actor_factory, two_citizens):
    consultant, target, other = two_citizens
    with Session(engine) as session:
        others_contact = session.execute(select(Contact).where(Contact.citizen_id == other)).scalar_one()
        others_contact.note = "Spurgte også til Ronja  Vindelbo og hendes kørekort"
        sprint_id = session.execute(select(SprintCard.sprint_id)
                                    .where(SprintCard.citizen_id == target)).scalar_one()
        item = AgendaItem(sprint_id=sprint_id, day=date(2026, 9, 21), title="Samtale med VINDELBO")
        street = AgendaItem(sprint_id=sprint_id, day=date(2026, 9, 22),
                            title="Besøg på Vindelbovej", note="Ronja kommer med")  # no hit
        session.add_all([item, street])
        session.commit()
        contact_id, item_id, street_id = others_contact.id, item.id, street.id
    leader = actor_factory("leader")

    found = privacy.name_mentions(engine, leader, target)

    # The target's own contact (its note is emptied by the erasure anyway) is not listed.
    assert [(m.table, m.row_id, m.column) for m in found] == [
        ("contact", contact_id, "note"), ("agenda_item", item_id, "title")]
    with pytest.raises(AccessDenied):
        privacy.name_mentions(engine, consultant, target)

    counts = privacy.erase_citizen(engine, leader, target, confirm_name="Ronja Vindelbo",
                                   redact=[("contact", contact_id, "note"),
                                           ("agenda_item", street_id, "title")])  # not a hit

    assert counts["redacted"] == 1
    with Session(engine) as session:
        assert session.get(Contact, contact_id).note == "Spurgte også til [navn slettet] og hendes kørekort"
        assert session.get(AgendaItem, item_id).title == "Samtale med VINDELBO"  # left as chosen
        assert session.get(AgendaItem, street_id).title == "Besøg på Vindelbovej"
        redactions = session.execute(select(AuditLog.table_name, AuditLog.row_id, AuditLog.detail)
                                     .where(AuditLog.action == "redact")).all()
    assert [tuple(r) for r in redactions] == [("contact", contact_id, "note")]


def test_erasure_is_one_transaction(engine, actor_factory, two_citizens, monkeypatch):
    _, target, _ = two_citizens

    def broken(session, now, counts):
        raise RuntimeError("power cut after the deletes")

    monkeypatch.setattr(retention, "record_erasure", broken)
    with pytest.raises(RuntimeError):
        privacy.erase_citizen(engine, actor_factory("admin"), target,
                              confirm_name="Ronja Vindelbo")
    assert rows_of(engine, target) == FULL


def test_the_report_covers_every_table_that_holds_a_citizens_rows():
    # Each table delete_citizens touches is a sheet of the access report.
    sheet_of = {"stage_change": "stage_changes", "sprint_card": "sprint_cards",
                "follow_up": "follow_ups", "placement": "placements", "contact": "contacts",
                "outcome": "outcomes", "progression": "progression",
                "event_participant": "events"}
    assert set(sheet_of) == set(retention.CITIZEN_DEPENDENTS)
    assert set(sheet_of.values()) < set(privacy.SHEETS)


def test_an_erased_name_is_overwritten_in_the_sqlite_file(engine, actor_factory):
    eng, path = _secure_delete_off(engine)
    with Session(eng) as session:
        target = citizen_record(session, first="Xylander", last="Qorvatsch", when=RECENT)
        session.commit()
    with eng.connect() as connection:  # the name is in the database file itself now
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"Qorvatsch" in _file_bytes(path)

    privacy.erase_citizen(eng, actor_factory("admin"), target, confirm_name="Xylander Qorvatsch")

    content = _file_bytes(path)
    assert b"Qorvatsch" not in content and b"Xylander" not in content
