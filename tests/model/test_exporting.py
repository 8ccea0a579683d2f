"""Export: formula-safe CSV and Excel, and the exportable lists within the actor's teams."""

import csv
import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from model import exporting, i18n
from model.errors import AccessDenied, ValidationError
from model.tables import (
    AuditLog,
    AuditSubject,
    Citizen,
    Company,
    Contact,
    FollowUp,
    Placement,
    Sprint,
    SprintCard,
)

DANGEROUS = ["=HYPERLINK(\"http://x\",\"klik\")", "+45 43 28 25 79", "-2+3", "@SUM(A1:A2)",
             "\t=1+1", "\r=1+1"]


def add(engine, *rows) -> list[int]:
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def runs_as_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(exporting.FORMULA_STARTS)


# --- formula-safe cells and files ---------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"),
    ("+45 12 34 56 78", "'+45 12 34 56 78"),
    ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tskjult", "'\tskjult"),
    ("\rskjult", "'\rskjult"),
    ("Strandens Bageri", "Strandens Bageri"),
    ("a=b", "a=b"),
    ("", ""),
    ("'allerede citeret", "'allerede citeret"),
    (-5, -5),
    (12.5, 12.5),
    (None, None),
    (date(2026, 9, 21), date(2026, 9, 21)),
    (["lager", "køkken"], "lager, køkken"),
    (["=1+1"], "'=1+1"),
])
def test_safe_cell(value, expected):
    assert exporting.safe_cell(value) == expected


def test_safe_frame_neutralises_cells_and_column_names_and_leaves_the_original():
    frame = pd.DataFrame({"=navn": ["=1+1", "Bo"], "tal": [-1, 2]})
    safe = exporting.safe_frame(frame)
    assert list(safe.columns) == ["'=navn", "tal"]
    assert safe.iloc[:, 0].tolist() == ["'=1+1", "Bo"]
    assert safe["tal"].tolist() == [-1, 2]
    assert frame.iloc[0, 0] == "=1+1"


def test_the_csv_has_a_bom_semicolons_danish_dates_and_no_formula():
    frame = pd.DataFrame({"Navn": DANGEROUS, "Dato": [date(2026, 9, 21)] * len(DANGEROUS),
                          "Timer": [12.5] * len(DANGEROUS)})
    data = exporting.to_csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Navn", "Dato", "Timer"]
    assert [row[1:] for row in rows[1:]] == [["21-09-2026", "12,5"]] * len(DANGEROUS)
    assert [row[0] for row in rows[1:]] == ["'" + value for value in DANGEROUS]
    assert not any(runs_as_formula(cell) for row in rows for cell in row)


def test_the_excel_file_has_no_formula_and_real_dates():
    moment = pd.Timestamp(datetime(2026, 9, 21, 7, 30, tzinfo=UTC))
    frame = pd.DataFrame({"Navn": DANGEROUS, "Dag": [date(2026, 9, 21)] * len(DANGEROUS),
                          "Tid": [moment] * len(DANGEROUS)})
    book = load_workbook(io.BytesIO(exporting.to_excel_bytes({"Virksomheder: [alle]": frame})))
    sheet = book["Virksomheder- -alle-"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" or runs_as_formula(cell.value) for cell in cells)
    # (XML reads a carriage return in a cell back as \n.)
    assert [cell.value for cell in sheet["A"][1:]] == ["'" + value.replace("\r", "\n")
                                                       for value in DANGEROUS]
    assert sheet["B2"].value.date() == date(2026, 9, 21)
    assert sheet["B2"].number_format == "DD-MM-YYYY"
    assert sheet["C2"].value == datetime(2026, 9, 21, 9, 30)  # Danish summer time
    assert sheet["C2"].number_format == "DD-MM-YYYY HH:MM"
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("name, expected", [
    ("Borgere", "Borgere"), ("a/b", "a-b"), ("x" * 40, "x" * 31), ("", "Ark"),
])
def test_sheet_names_are_valid_in_excel(name, expected):
    assert exporting.sheet_name(name) == expected


# --- the lists ----------------------------------------------------------------------------------

@pytest.fixture
def two_teams(engine, actor_factory):
    """A consultant in each of two teams, each with a citizen who has a placement and a card."""
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    aisha, omar = add(engine,
                      Citizen(first_name="Aisha", last_name="Benali", birth_year=1990,
                              team_id=mine.team_id, wishes=["lager", "køkken"]),
                      Citizen(first_name="Omar", last_name="Hussein", birth_year=1988,
                              team_id=other.team_id))
    bakery, garage = add(engine, Company(name="=Strandens Bageri", cvr="24256790",
                                         contact_person="+45 43 28 25 79"),
                         Company(name="Søndre Vej Autoværksted"))
    internship, wage = add(
        engine,
        Placement(citizen_id=aisha, company_id=bakery, kind="virksomhedspraktik",
                  start_date=date(2026, 9, 22), status="active"),
        Placement(citizen_id=omar, company_id=bakery, kind="loentilskud",
                  start_date=date(2026, 9, 23), status="active"))
    (sprint,) = add(engine, Sprint(name="Uge 39", start_date=date(2026, 9, 21),
                                   end_date=date(2026, 9, 25), goal_count=16))
    add(engine,
        FollowUp(placement_id=internship, due_date=date(2026, 9, 23)),
        FollowUp(placement_id=wage, due_date=date(2026, 9, 24)),
        SprintCard(sprint_id=sprint, citizen_id=aisha, stage="secured"),
        SprintCard(sprint_id=sprint, citizen_id=omar, stage="dialogue"),
        Contact(company_id=bakery, citizen_id=aisha, outcome="interested",
                contacted_at=datetime(2026, 9, 22, 8, 0, tzinfo=UTC)),
        Contact(company_id=bakery, citizen_id=omar, outcome="interested"),
        Contact(company_id=garage, outcome="not_now"))
    return mine, other


@pytest.mark.parametrize("name, column, expected", [
    ("citizens", "first_name", ["Aisha"]),
    ("placements", "first_name", ["Aisha"]),
    ("follow_ups", "citizen", ["Aisha Benali"]),
    ("sprint_cards", "first_name", ["Aisha"]),
    ("contacts", "citizen", [None, "Aisha Benali"]),
])
def test_a_consultant_exports_only_the_citizens_of_the_team(engine, two_teams, name, column,
                                                            expected):
    mine, _ = two_teams
    with Session(engine) as session:
        frame = exporting.EXPORTS[name][0](session, mine)
    found = [None if pd.isna(value) else value for value in frame[column]]
    assert sorted(found, key=str) == sorted(expected, key=str)


def test_a_leader_exports_every_team(engine, two_teams, actor_factory):
    leader = actor_factory("leader")
    frame = exporting.export_list(engine, leader, "citizens")
    assert frame["Fornavn"].tolist() == ["Aisha", "Omar"]


def test_companies_carry_their_number_of_placements(engine, two_teams):
    mine, _ = two_teams
    frame = exporting.export_list(engine, mine, "companies", lang="en")
    assert frame[["Company", "Placements"]].values.tolist() == [
        ["=Strandens Bageri", 2], ["Søndre Vej Autoværksted", 0]]


def test_headers_follow_the_language_and_moments_are_danish_time(engine, two_teams):
    mine, _ = two_teams
    danish = exporting.export_list(engine, mine, "contacts")
    english = exporting.export_list(engine, mine, "contacts", lang="en")
    assert list(danish.columns)[:4] == ["Nr.", "Kontaktet", "Virksomhed", "Medarbejder"]
    assert list(english.columns)[:4] == ["No.", "Contacted", "Company", "Staff member"]
    assert datetime(2026, 9, 22, 10, 0) in danish["Kontaktet"].tolist()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_codes_are_exported_by_their_names(engine, two_teams, lang):
    mine, _ = two_teams
    frame = exporting.export_list(engine, mine, "placements", lang=lang)
    kind, status = (i18n.t(COLUMN, lang) for COLUMN in ("data.col_kind", "data.col_status"))
    assert frame[[kind, status]].values.tolist() == [[
        i18n.t("placement.kind.virksomhedspraktik", lang), i18n.t("placement.status.active", lang)]]
    cards = exporting.export_list(engine, mine, "sprint_cards", lang=lang)
    assert cards[i18n.t("data.col_stage", lang)].tolist() == [i18n.t("stage.secured", lang)]


@pytest.mark.parametrize("code, expected", [("unknown_code", "unknown_code"), (None, None),
                                            (float("nan"), "nan")])
def test_a_code_without_a_name_is_exported_as_it_is(code, expected):
    assert str(exporting.label(code, exporting.CODE_KEYS["kind"])) == str(expected)


def test_an_export_is_written_to_the_audit_log(engine, two_teams):
    mine, _ = two_teams
    exporting.export_list(engine, mine, "citizens")
    with Session(engine) as session:
        logged = session.exec(select(AuditLog).where(AuditLog.action == "export")).all()
    assert [(row.user_id, row.table_name, row.detail) for row in logged] == \
        [(mine.user_id, "citizen", "rows=1")]


def test_every_list_exports_to_a_formula_free_workbook(engine, two_teams, actor_factory):
    leader = actor_factory("leader")
    sheets = {name: exporting.export_list(engine, leader, name) for name in exporting.EXPORTS}
    book = load_workbook(io.BytesIO(exporting.to_excel_bytes(sheets)))
    assert book.sheetnames == list(exporting.EXPORTS)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" or runs_as_formula(cell.value) for cell in cells)
    companies = book["companies"]
    assert companies["B2"].value == "'=Strandens Bageri"
    assert companies["F2"].value == "'+45 43 28 25 79"
    assert book["citizens"]["M2"].value == "lager, køkken"


def test_the_meeting_screen_may_not_export(engine, actor_factory):
    with pytest.raises(AccessDenied):
        exporting.export_list(engine, actor_factory("screen"), "companies")


def test_an_unknown_list_is_refused(engine, actor_factory):
    with pytest.raises(ValidationError, match="error.unknown_kind"):
        exporting.export_list(engine, actor_factory("leader"), "passwords")


@pytest.mark.parametrize("limit, more", [(1, True), (2, False), (5, False)])
def test_a_preview_is_the_first_rows_of_the_export_and_says_whether_there_are_more(
        engine, two_teams, actor_factory, limit, more):
    leader = actor_factory("leader")
    whole = exporting.export_list(engine, leader, "citizens")
    preview, has_more = exporting.export_preview(engine, leader, "citizens", limit=limit)
    assert preview.equals(whole.head(limit)) and has_more is more
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.detail).where(AuditLog.action == "export")).all()
    assert logged[-1] == f"preview rows={min(limit, 2)}" + (" of more" if more else "")


@pytest.mark.parametrize("role, allowed", [("admin", True), ("leader", True), ("consultant", True),
                                           ("caseworker", False), ("mentor", False)])
def test_a_downloaded_list_is_allowed_by_role_and_logged_with_its_rows(engine, actor_factory, role,
                                                                       allowed):
    actor = actor_factory(role)
    frame = pd.DataFrame({"citizen_id": [7, 3, 7], "name": ["A", "B", "A"]})
    if not allowed:
        with pytest.raises(AccessDenied):
            exporting.log_download(engine, actor, "borgere", frame)
        return
    assert exporting.log_download(engine, actor, "borgere", frame) is frame
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action, AuditLog.table_name, AuditLog.detail)
                              .where(AuditLog.user_id == actor.user_id)).all()
        shown = session.exec(select(AuditSubject.citizen_id).join(
            AuditLog, AuditLog.id == AuditSubject.audit_id)
            .where(AuditLog.user_id == actor.user_id).order_by(AuditSubject.citizen_id)).all()
    assert logged == [("export", "download", "list=borgere;rows=3")]
    assert shown == [3, 7]
