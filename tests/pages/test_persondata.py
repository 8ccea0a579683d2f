"""Persondata: the access export and erasure of one citizen, the retention periods (admins edit,
leaders read) and the deletion ledger."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from model import retention
from model.tables import AuditLog, Citizen, Company, Contact, RetentionPolicy
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/persondata.py"
ROOT = Path(__file__).resolve().parents[2]


def a_citizen(engine) -> Citizen:
    with Session(engine) as session:
        return session.execute(select(Citizen).order_by(Citizen.id)).scalars().first()


def pick(at, citizen: Citizen):
    at.text_input(key="pd_search").input(f"{citizen.first_name} {citizen.last_name}").run()
    at.selectbox(key="pd_citizen").select(citizen.id).run()
    assert not at.exception, at.exception
    return at


def downloads(at) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


def test_an_admin_makes_the_access_export_and_it_is_logged(app_db):
    citizen = a_citizen(app_db)
    at = pick(app_as(app_db, "admin", PAGE), citizen)
    at.button(key="pd_make_report").click().run()
    assert not at.exception
    name = f"{citizen.first_name} {citizen.last_name}"
    assert f"Indsigtsudtræk for {name} er klar" in page_text(at)
    assert downloads(at) == ["Hent som Excel", "Hent som JSON"]
    with Session(app_db) as session:
        logged = session.execute(select(AuditLog).where(AuditLog.action == "export",
                                                        AuditLog.row_id == citizen.id)).scalar_one()
    assert logged.user_id == demo_actor(app_db, "admin").user_id
    # Another search drops the pick and its export.
    with Session(app_db) as session:
        other = session.execute(select(Citizen).where(Citizen.last_name != citizen.last_name)
                                .order_by(Citizen.id.desc())).scalars().first()
    at.text_input(key="pd_search").input(f"{other.first_name} {other.last_name}").run()
    assert not at.exception
    assert at.selectbox(key="pd_citizen").value is None
    assert downloads(at) == []


def test_a_short_search_or_a_cpr_number_lists_nobody(app_db):
    at = app_as(app_db, "leder", PAGE)
    at.text_input(key="pd_search").input("a").run()
    assert "Skriv mindst 2 bogstaver" in page_text(at)
    assert [box for box in at.selectbox if box.key == "pd_citizen"] == []
    at.text_input(key="pd_search").input("010190-1234").run()
    assert not at.exception
    assert "ligner et CPR-nummer" in at.error[0].value
    assert [box for box in at.selectbox if box.key == "pd_citizen"] == []
    with Session(app_db) as session:
        logged = session.execute(select(AuditLog.detail)).scalars().all()
    assert not any("010190" in detail for detail in logged)


def test_erasure_needs_the_typed_name_then_removes_the_citizen(app_db):
    citizen = a_citizen(app_db)
    name = f"{citizen.first_name} {citizen.last_name}"
    at = pick(app_as(app_db, "leder", PAGE), citizen)
    assert "Sletning af " + name in page_text(at)

    at.text_input(key="pd_confirm").input("Forkert Navn")
    at.button(key="FormSubmitter:pd_erase_form-Slet borgeren").click().run()
    assert "Navnet passer ikke" in at.error[0].value
    with Session(app_db) as session:
        assert session.get(Citizen, citizen.id) is not None

    at.text_input(key="pd_confirm").input(name)
    at.button(key="FormSubmitter:pd_erase_form-Slet borgeren").click().run()
    assert not at.exception
    assert f"{name} er slettet" in at.success[0].value
    with Session(app_db) as session:
        assert session.get(Citizen, citizen.id) is None
        erased = session.execute(select(AuditLog).where(AuditLog.action == "erase")).scalar_one()
    assert erased.row_id == citizen.id


def test_erasure_redacts_the_name_in_a_colleagues_note_when_ticked(app_db):
    citizen = a_citizen(app_db)
    name = f"{citizen.first_name} {citizen.last_name}"
    with Session(app_db) as session:
        company_id = session.execute(select(Company.id)).scalars().first()
        note = Contact(company_id=company_id, contacted_at=datetime(2026, 9, 1, 9, tzinfo=UTC),
                       note=f"Talte om **{name}** og en anden kandidat")
        session.add(note)
        session.commit()
        note_id = note.id
    at = pick(app_as(app_db, "leder", PAGE), citizen)
    ticks = [box for box in at.checkbox if box.key == f"pd_redact_contact_{note_id}_note"]
    assert len(ticks) == 1 and ticks[0].value is True
    assert "Borgerens navn står også i" in page_text(at)
    assert f"\\*\\*{name}\\*\\*" in ticks[0].label  # the note read as written, not bold

    at.text_input(key="pd_confirm").input(name)
    at.button(key="FormSubmitter:pd_erase_form-Slet borgeren").click().run()
    assert not at.exception
    with Session(app_db) as session:
        assert session.get(Contact, note_id).note == "Talte om **[navn slettet]** og en anden kandidat"


def test_an_admin_changes_a_retention_period(app_db):
    at = app_as(app_db, "admin", PAGE)
    assert [at.number_input(key=f"pd_months_{c}").value for c in retention.CATEGORIES] == [24, 36, 6]
    at.number_input(key="pd_months_citizen").set_value(18)
    at.button(key="FormSubmitter:pd_periods-Gem frister").click().run()
    assert not at.exception
    assert "Fristerne er gemt." in page_text(at)
    with Session(app_db) as session:
        assert session.get(RetentionPolicy, "citizen").months == 18
    assert at.number_input(key="pd_months_citizen").value == 18


def test_a_leader_reads_the_periods_and_the_ledger_but_cannot_change_or_run(app_db):
    at = app_as(app_db, "leder", PAGE)
    assert all(at.number_input(key=f"pd_months_{c}").disabled for c in retention.CATEGORIES)
    assert "Kun en administrator kan ændre fristerne." in page_text(at)
    assert "Kør sletning nu" not in [b.label for b in at.button]
    # The start-up run of the fixture is in the ledger: one row per category, counts only.
    ledger = at.dataframe[0].value
    assert sorted(ledger["Kategori"]) == ["Borgere", "Kontakter med virksomheder", "Log over brug"]
    assert set(ledger["Rækker"]) == {0}
    assert set(ledger["Årsag"]) == {"Frist udløbet"}


def test_an_admin_runs_the_deletion_only_when_confirmed(app_db):
    at = app_as(app_db, "admin", PAGE)
    at.button(key="FormSubmitter:pd_run-Kør sletning nu").click().run()
    assert "Sæt flueben" in at.error[0].value
    at.checkbox(key="pd_run_sure").check()
    at.button(key="FormSubmitter:pd_run-Kør sletning nu").click().run()
    assert not at.exception
    assert "Sletningen er kørt: 0 borgere" in page_text(at)
    assert len(at.dataframe[0].value) == 6


def test_the_page_is_for_admins_and_leaders_only(app_db):
    for username in ("konsulent", "sagsbehandler", "mentor", "skaerm"):
        at = app_as(app_db, username)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(PAGE)
        # Run directly (the legacy deep-link path), the page's guard refuses the role.
        direct = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
        direct.session_state["user_id"] = demo_actor(app_db, username).user_id
        direct.run()
        assert direct.error[0].value == "Din rolle har ikke adgang til denne side.", username
        assert "Opbevaringsfrister" not in page_text(direct)


def test_the_page_reads_in_english(app_db):
    at = app_as(app_db, "admin", PAGE)
    at.selectbox(key="lang_choice").select("en").run()
    assert not at.exception
    assert "Retention periods" in page_text(at)
    assert at.number_input(key="pd_months_audit_log").label == "Usage log: months"
