"""Data: the dry run shows every bad row, only a clean file is imported, exports by role."""

import io
import os
import signal

from openpyxl import Workbook
from sqlmodel import Session, func, select

from model import import_worker, importing
from model.tables import AuditLog, Citizen, Company, Initiative
from tests.conftest import app_as, page_text

DATA = "pages/data.py"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MIXED = ("Fornavn;Efternavn;Fødselsår;Ydelse\n"
         "Aisha;Import;1990;kontanthjælp\n"
         ";Hansen;1990;\n"
         "Bo;Jensen;1990;løn\n"
         "Ida;Larsen;010190-1234;\n").encode()
CLEAN = "Fornavn;Efternavn;Fødselsår\nAisha;Import;1990\nJonas;Import;1995\n".encode()


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def upload(at, name: str, data: bytes, mime: str = CSV):
    at.file_uploader(key="import_file_0").set_value((name, data, mime))
    return at.run()


def errors_table(at) -> list[list]:
    # AppTest does not expose a dataframe's key: the errors are the table with a reason column.
    (table,) = [table for table in at.dataframe if table.value.columns[-1] in ("Fejl", "Error")]
    return table.value.values.tolist()


def test_a_leader_sees_import_and_export_with_danish_headers_and_templates(app_db):
    at = app_as(app_db, "leder", DATA)
    assert [tab.label for tab in at.tabs] == ["Importér", "Eksportér"]
    assert "Fornavn*, Efternavn*, Fødselsår*, Målgruppe" in page_text(at)
    assert {b.key for b in at.get("download_button")} == {"template_citizens_csv",
                                                          "template_citizens_xlsx"}
    at.radio(key="import_kind").set_value("placements").run()
    text = page_text(at)
    assert "Sagsreference, Fornavn, Efternavn, Fødselsår, CVR, Virksomhed, Forløbstype*" in text
    assert "Forløbstyper: virksomhedspraktik, løntilskud" in text
    assert {b.key for b in at.get("download_button")} == {"template_placements_csv",
                                                          "template_placements_xlsx"}


def test_a_file_with_bad_rows_lists_each_with_column_and_reason_and_cannot_be_imported(app_db):
    before = count(app_db, Citizen)
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", MIXED)
    assert not at.exception
    assert "3 af 4 rækker har fejl. Ret dem i filen, og indlæs den igen. Intet er gemt." in \
        at.error[0].value
    assert [(m.label, m.value) for m in at.metric] == [("Rækker i orden", "1"), ("Dubletter", "0"),
                                                       ("Rækker med fejl", "3")]
    assert errors_table(at) == [
        [3, "Fornavn", "Skal udfyldes."],
        [4, "Ydelse", "Ukendt ydelsestype."],
        [5, "Fødselsår", "Teksten ligner et CPR-nummer. Jobtavlen gemmer aldrig CPR-numre; "
                         "fjern det og prøv igen."],
    ]
    assert at.button(key="import_commit").disabled
    assert count(app_db, Citizen) == before


def test_the_reasons_are_in_the_users_language(app_db):
    at = app_as(app_db, "leder")
    at.session_state["lang"] = "en"
    at.switch_page(DATA)
    at = upload(at.run(), "borgere.csv", MIXED)
    assert [tab.label for tab in at.tabs] == ["Import", "Export"]
    assert at.dataframe[0].value.columns.tolist() == ["Row", "Column", "Error"]
    assert errors_table(at)[:2] == [[3, "Fornavn", "Must be filled in."],
                                    [4, "Ydelse", "Unknown benefit type."]]


def test_a_clean_file_is_imported_once_and_the_uploader_is_emptied(app_db):
    before = count(app_db, Citizen)
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", CLEAN)
    assert at.success[0].value == "Alle 2 rækker er i orden og kan importeres."
    assert not at.button(key="import_commit").disabled
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert at.success[0].value == "Importen er gemt: 2 rækker (borgere)."
    assert count(app_db, Citizen) == before + 2
    assert count(app_db, Citizen, Citizen.last_name == "Import") == 2
    assert count(app_db, AuditLog, AuditLog.action == "import") == 1
    assert [u.key for u in at.file_uploader] == ["import_file_1"]
    assert not at.get("dataframe")


def test_companies_import_from_excel(app_db):
    book = Workbook()
    for row in (["Virksomhed", "CVR", "Branche"], ["Importeret Lager ApS", 24256790, "Lager"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    at = app_as(app_db, "leder", DATA)
    at.radio(key="import_kind").set_value("companies").run()
    at = upload(at, "virksomheder.xlsx", buffer.getvalue(), XLSX)
    assert at.success[0].value == "Rækken er i orden og kan importeres."
    at.button(key="import_commit").click().run()
    assert at.success[0].value == "Importen er gemt: 1 række (virksomheder)."
    assert count(app_db, Company, Company.cvr == "24256790") == 1


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(app_db):
    too_big = b"Fornavn\n" + b"x" * importing.MAX_IMPORT_BYTES
    at = upload(app_as(app_db, "leder", DATA), "stor.csv", too_big)
    assert at.error[0].value == "Filen fylder 10,1 MB; grænsen er 10,0 MB. Del den op i mindre filer."
    assert "import_commit" not in [button.key for button in at.button]


def test_the_limits_are_stated_before_the_upload_and_the_uploader_lets_a_file_over_them_through(app_db):
    at = app_as(app_db, "leder", DATA)
    assert "Højst 10 MB og 20.000 rækker pr. fil. Del en større fil op i flere." in page_text(at)
    # Up to twice the limit a file reaches the page, which refuses it in the user's language; the
    # browser refuses a larger one before it is sent.
    (uploader,) = at.file_uploader
    assert uploader.proto.max_upload_size_mb == 2 * importing.MAX_IMPORT_BYTES // 1024 // 1024
    at.session_state["lang"] = "en"
    assert "At most 10 MB and 20,000 rows per file." in page_text(at.run())


def test_a_file_over_the_row_limit_is_refused_with_a_clear_message(app_db):
    # Read in the import worker, a process of its own: the real limit, not one set in this process.
    rows = "Aisha;Import;1990\n" * (importing.MAX_IMPORT_ROWS + 1)
    at = upload(app_as(app_db, "leder", DATA), "mange.csv", f"Fornavn;Efternavn;Fødselsår\n{rows}".encode())
    assert at.error[0].value == "Filen har over 20.000 rækker. Del den op i mindre filer."
    assert "import_commit" not in [button.key for button in at.button]


def test_a_file_is_read_once_however_often_the_page_reruns(app_db, monkeypatch):
    reads, checks = [], []
    start = import_worker.start

    def counting(*args, **kwargs):
        (reads if kwargs.get("data") is not None else checks).append(kwargs.get("filename"))
        return start(*args, **kwargs)

    monkeypatch.setattr(import_worker, "start", counting)
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", CLEAN)
    at.run()
    assert at.success[0].value == "Alle 2 rækker er i orden og kan importeres."
    assert (reads, checks) == (["borgere.csv"], [])
    # Another option is a new dry run of the table read before, not a new reading of the file.
    at.checkbox(key="import_skip_duplicates").uncheck().run()
    at.run()
    assert at.success[0].value == "Alle 2 rækker er i orden og kan importeres."
    assert (reads, len(checks)) == (["borgere.csv"], 1)
    # A refused file too: it is not read again on every rerun while it stays in the uploader.
    at = upload(at, "stor.csv", b"Fornavn\n" + b"x" * importing.MAX_IMPORT_BYTES)
    at.run()
    at.run()
    assert "Filen fylder 10,1 MB" in at.error[0].value
    assert reads == ["borgere.csv", "stor.csv"]


def test_the_file_is_read_and_checked_in_the_import_worker(app_db, monkeypatch):
    jobs = []
    start = import_worker.start
    monkeypatch.setattr(import_worker, "start", lambda *a, **kw: jobs.append(start(*a, **kw)) or jobs[-1])
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", MIXED)
    assert "3 af 4 rækker har fejl." in at.error[0].value
    (job,) = jobs
    outcome = job.wait()
    assert outcome.pid != os.getpid()  # another process: the server's GIL stays free meanwhile
    assert outcome.read and outcome.report.bad_rows == 3


def test_a_check_that_stops_is_told_in_the_users_language_and_the_file_can_be_chosen_again(app_db,
                                                                                            monkeypatch):
    from tests.conftest import demo_actor

    # The worker's process (it stays between files); it dies as soon as the next file is given to it.
    pid = import_worker.start(app_db, demo_actor(app_db, "leder"), "citizens", data=CLEAN,
                              filename="borgere.csv").wait().pid
    start = import_worker.start

    def dying(*args, **kwargs):
        job = start(*args, **kwargs)
        os.kill(pid, signal.SIGKILL)
        return job

    monkeypatch.setattr(import_worker, "start", dying)
    at = app_as(app_db, "leder")
    at.session_state["lang"] = "en"
    at.switch_page(DATA)
    many = "Fornavn;Efternavn;Fødselsår\n" + "Aisha;Import;1990\n" * 3000  # not done at once
    at = upload(at.run(), "borgere.csv", many.encode())
    assert not at.exception
    assert at.error[0].value == ("The check of the file stopped unexpectedly, and nothing has been "
                                 "saved. Choose the file again; if it happens again, split it into "
                                 "smaller files.")
    assert "import_commit" not in [button.key for button in at.button]
    monkeypatch.setattr(import_worker, "start", start)
    at = upload(at, "borgere.csv", CLEAN)
    assert at.success[0].value == "All 2 rows are fine and can be imported."


# --- Duplicates ------------------------------------------------------------------------------------

TWICE = "Fornavn;Efternavn;Fødselsår\nAisha;Dublet;1990\nAisha;Dublet;1990\naisha;dublet;1990\n".encode()


def duplicates_table(at) -> list[list]:
    (table,) = [table for table in at.dataframe if table.value.columns[-1] == "Hvorfor"]
    return table.value.values.tolist()


def test_identical_rows_are_listed_and_skipped_by_default(app_db):
    before = count(app_db, Citizen)
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", TWICE)
    assert at.checkbox(key="import_skip_duplicates").value is True
    assert [(m.label, m.value) for m in at.metric] == [("Rækker i orden", "1"), ("Dubletter", "2"),
                                                       ("Rækker med fejl", "0")]
    assert at.warning[0].value == "2 rækker er dubletter og springes over:"
    assert duplicates_table(at) == [[3, "Magen til række 2."], [4, "Magen til række 2."]]
    assert at.success[0].value == "Rækker, der kan importeres: 1. Dubletter, der springes over: 2."
    at.button(key="import_commit").click().run()
    assert at.success[0].value == \
        "Importen er gemt: 1 række (borgere). 2 dubletter er sprunget over."
    assert count(app_db, Citizen) == before + 1


def test_duplicates_are_imported_when_not_skipped(app_db):
    before = count(app_db, Citizen)
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", TWICE)
    at.checkbox(key="import_skip_duplicates").uncheck().run()
    assert at.warning[0].value == "2 rækker er dubletter og importeres alligevel:"
    assert at.success[0].value == "Alle 3 rækker er i orden og kan importeres."
    at.button(key="import_commit").click().run()
    assert at.success[0].value == "Importen er gemt: 3 rækker (borgere)."
    assert count(app_db, Citizen, func.lower(Citizen.last_name) == "dublet") == 3
    assert count(app_db, Citizen) == before + 3


def test_a_company_already_there_is_a_duplicate_and_refused_when_not_skipped(app_db):
    with Session(app_db) as session:
        name, cvr = session.exec(select(Company.name, Company.cvr).where(Company.cvr.is_not(None))).first()
    at = app_as(app_db, "leder", DATA)
    at.radio(key="import_kind").set_value("companies").run()
    at = upload(at, "virksomheder.csv", f"Virksomhed;CVR\nNyt navn;{cvr}\n".encode())
    assert at.warning[0].value == "1 række er en dublet og springes over:"
    assert duplicates_table(at) == [[2, f"CVR-nummeret {cvr} er allerede registreret på {name}."]]
    assert at.info[0].value == "Alle rækker er dubletter, så der er intet at importere."
    assert at.button(key="import_commit").disabled
    at.checkbox(key="import_skip_duplicates").uncheck().run()
    # A CVR number is one company's: not skipped, the row is an error and nothing can be imported.
    assert errors_table(at) == [[2, "CVR", f"CVR-nummeret {cvr} er allerede registreret på {name}."]]
    assert at.button(key="import_commit").disabled
    assert count(app_db, Company, Company.cvr == cvr) == 1


def test_unknown_columns_are_named_as_not_imported(app_db):
    data = "Fornavn;Efternavn;Fødselsår;Skostørrelse\nAisha;Import;1990;38\n".encode()
    at = upload(app_as(app_db, "leder", DATA), "borgere.csv", data)
    assert at.warning[0].value == \
        "Disse kolonner kendes ikke og bliver ikke importeret: Skostørrelse."
    assert not at.button(key="import_commit").disabled


def test_a_large_file_is_checked_with_progress_and_imported(app_db):
    rows = "\n".join(f"Virksomhed {i};Lager" for i in range(250))
    at = app_as(app_db, "leder", DATA)
    at.radio(key="import_kind").set_value("companies").run()
    at = upload(at, "mange.csv", f"Virksomhed;Branche\n{rows}\n".encode())
    assert at.success[0].value == "Alle 250 rækker er i orden og kan importeres."
    at.button(key="import_commit").click().run()
    assert count(app_db, Company, Company.industry == "Lager") == 250


def test_a_consultant_sees_only_the_export(app_db):
    at = app_as(app_db, "konsulent", DATA)
    assert not at.tabs
    assert not at.file_uploader
    assert "Import kræver rollen leder eller administrator." in page_text(at)
    assert at.selectbox(key="export_list").placeholder == "Vælg en liste"


def test_exporting_a_list_shows_it_and_offers_csv_and_excel(app_db):
    at = app_as(app_db, "konsulent", DATA)
    assert not at.get("download_button")
    at.selectbox(key="export_list").select("companies").run()
    assert not at.exception
    companies = count(app_db, Company)
    assert f"{companies} rækker" in page_text(at)
    (preview,) = [table.value for table in at.dataframe]
    assert preview.columns.tolist()[:3] == ["Nr.", "Virksomhed", "CVR"]
    assert len(preview) == companies
    assert {b.key for b in at.get("download_button")} == {"export_csv", "export_xlsx"}
    with Session(app_db) as session:
        logged = session.exec(select(AuditLog.table_name).where(AuditLog.action == "export")).all()
    assert logged == ["company"]


# --- Staff members and initiatives -----------------------------------------------------------------

STAFF = (b"Navn;Initialer;Rolle;Team;Aktiv\n"
         b"Karen Vestergaard;;jobkonsulent;Jobteam Nord;ja\n"
         b"Lars Bech;;jobkonsulent;Jobteam Nord;\n")


def staff_named(engine, *names):
    from model.tables import Staff, Team

    with Session(engine) as session:
        return session.exec(select(Staff.name, Staff.initials, Team.name)
                            .join(Team, Team.id == Staff.team_id)
                            .where(Staff.name.in_(names)).order_by(Staff.name)).all()


def test_an_admin_imports_staff_into_a_new_team_only_when_ticked(app_db):
    at = app_as(app_db, "admin", DATA)
    at.radio(key="import_kind").set_value("staff").run()
    assert "Navn*, Initialer, Rolle*, Team, Aktiv" in page_text(at)
    assert "Team: teamets navn (tomt: dit eget team)" in page_text(at)
    at = upload(at, "medarbejdere.csv", STAFF)
    assert errors_table(at) == [
        [2, "Team", "Teamet «Jobteam Nord» findes ikke. Opret det under Administration, eller "
                    "sæt flueben i «Opret manglende teams»."],
        [3, "Team", "Teamet «Jobteam Nord» findes ikke. Opret det under Administration, eller "
                    "sæt flueben i «Opret manglende teams»."]]
    assert at.button(key="import_commit").disabled
    at.checkbox(key="import_create_teams").check().run()
    assert "Alle 2 rækker er i orden og kan importeres." in page_text(at)
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert "Importen er gemt: 2 rækker (medarbejdere)." in page_text(at)
    assert staff_named(app_db, "Karen Vestergaard", "Lars Bech") == [
        ("Karen Vestergaard", "KV", "Jobteam Nord"), ("Lars Bech", "LB", "Jobteam Nord")]


def test_a_leader_imports_initiatives_and_sees_no_team_creation(app_db):
    at = app_as(app_db, "leder", DATA)
    at.radio(key="import_kind").set_value("staff").run()
    assert not [c for c in at.checkbox if c.key == "import_create_teams"]
    at.radio(key="import_kind").set_value("initiatives").run()
    assert "Navn*, Startdato, Slutdato, Finansieret af, Beskrivelse" in page_text(at)
    at = upload(at, "indsatser.csv", "Navn;Startdato;Slutdato;Finansieret af\n"
                                     "Jobløft Nord;01-03-2026;28-02-2028;Boligselskabet\n"
                                     "STV;;;\n".encode())
    assert duplicates_table(at) == [[3, "Indsatsen «STV» findes allerede."]]
    assert count(app_db, Initiative, Initiative.name == "Jobløft Nord") == 0
    at.button(key="import_commit").click().run()
    assert "Importen er gemt: 1 række (indsatser). 1 dublet er sprunget over." in page_text(at)
    assert count(app_db, Initiative, Initiative.name == "Jobløft Nord") == 1


def test_the_import_offers_only_what_the_role_may_import(app_db):
    at = app_as(app_db, "leder", DATA)
    assert list(at.radio(key="import_kind").options) == [
        "Borgere", "Virksomheder", "Forløb", "Sammenligningsgrupper", "Medarbejdere", "Indsatser"]
