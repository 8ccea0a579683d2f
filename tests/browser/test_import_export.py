"""Data in the browser: a bad file changes nothing, a large clean file is imported with progress,
and an exported Excel file holds no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlmodel import Session, func, select

from model.db import make_engine
from model.exporting import FORMULA_STARTS
from model.tables import Citizen, Company, Placement
from tests.browser.conftest import Server, open_page, screenshot, sign_in, wait_ready

FORMULA_NAME = '=HYPERLINK("http://example.invalid","Klik her")'
PHONE_PERSON = "+45 43 28 25 79"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("data"))
    yield srv
    srv.stop()


def counts(server: Server) -> dict[str, int]:
    """Rows in the tables an import writes, in the server's own database."""
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            return {table.__tablename__: session.exec(select(func.count()).select_from(table)).one()
                    for table in (Citizen, Company, Placement)}
    finally:
        engine.dispose()


def upload(page, path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_ready(page)


def test_a_file_with_bad_rows_shows_every_error_and_changes_nothing(server, page, tmp_path):
    page.set_viewport_size({"width": 1600, "height": 1400})
    sign_in(page, server, "leder")
    open_page(page, "Data")
    before = counts(server)
    path = tmp_path / "borgere.csv"
    path.write_bytes(("Fornavn;Efternavn;Fødselsår;Ydelse;Sagsreference\n"
                      "Aisha;Benali;1990;kontanthjælp;J-1\n"
                      ";Hansen;1990;;J-2\n"
                      "Bo;Jensen;1990;løn;J-3\n"
                      "Ida;Larsen;1991;;010190-1234\n"
                      "Omar;Demir;1988;;J-1\n").encode("cp1252"))
    upload(page, path)

    expect(page.get_by_text("4 af 5 rækker har fejl.")).to_be_visible()
    # The grid is drawn on a canvas; its cells are also in the DOM for screen readers.
    table = page.locator('[data-testid="stDataFrame"]')
    expect(table).to_be_visible()
    cells = table.locator('td[role="gridcell"]')
    expect(cells).to_have_count(12)
    texts = cells.all_text_contents()
    assert [texts[i:i + 3] for i in range(0, 12, 3)] == [
        ["3", "Fornavn", "Skal udfyldes."],
        ["4", "Ydelse", "Ukendt ydelsestype."],
        ["5", "Sagsreference", "Teksten ligner et CPR-nummer. Jobtavlen gemmer aldrig CPR-numre; "
                               "fjern det og prøv igen."],
        ["6", "Sagsreference", "Det samme står allerede i række 2."],
    ]
    expect(page.get_by_role("button", name="Importér")).to_be_disabled()
    screenshot(page, "data-import-fejl")
    assert counts(server) == before


def test_a_large_clean_file_is_imported_with_progress(server, page, tmp_path):
    page.set_viewport_size({"width": 1600, "height": 1400})
    sign_in(page, server, "leder")
    open_page(page, "Data")
    before = counts(server)
    page.get_by_test_id("stRadioGroup").get_by_text("Virksomheder", exact=True).click()
    wait_ready(page)
    path = tmp_path / "virksomheder.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Virksomhed", "Branche", "Kommune"])
        writer.writerows([f"Importeret Butik {i}", "Butik", "Brøndby"] for i in range(600))
    upload(page, path)
    expect(page.get_by_text("Alle 600 rækker er i orden og kan importeres.")).to_be_visible()
    screenshot(page, "data-import-klar")

    page.get_by_role("button", name="Importér").click()
    # The progress bar shows while the rows are checked again and written.
    expect(page.locator('[data-testid="stProgress"]')).to_be_visible()
    wait_ready(page)
    expect(page.get_by_text("Importen er gemt: 600 rækker (virksomheder).")).to_be_visible()
    assert counts(server) == {**before, "company": before["company"] + 600}


def test_an_excel_export_has_no_cell_a_spreadsheet_would_run(server, page):
    engine = make_engine(server.database_url)
    try:
        sign_in(page, server, "konsulent")  # the first page load fills the demo
        # The forms refuse a formula as a name; a row from before that rule (or typed straight
        # into the database) must still leave the export harmless.
        with Session(engine) as session:
            session.add(Company(name=FORMULA_NAME, contact_person=PHONE_PERSON, municipality="Brøndby"))
            session.commit()
    finally:
        engine.dispose()
    open_page(page, "Data")
    expect(page.get_by_text("Import kræver rollen leder eller administrator.")).to_be_visible()
    page.get_by_role("combobox", name="Liste").click()
    page.get_by_role("option", name="Virksomheder").click()
    wait_ready(page)
    expect(page.get_by_role("button", name="Hent som Excel")).to_be_visible()
    screenshot(page, "data-eksport")

    with page.expect_download() as excel:
        page.get_by_role("button", name="Hent som Excel").click()
    book = load_workbook(io.BytesIO(excel.value.path().read_bytes()))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    dangerous = [cell.coordinate for cell in cells
                 if cell.data_type == "f" or (isinstance(cell.value, str)
                                              and cell.value.startswith(FORMULA_STARTS))]
    assert dangerous == []
    values = [cell.value for cell in cells]
    assert "'" + FORMULA_NAME in values and "'" + PHONE_PERSON in values
    assert excel.value.suggested_filename.startswith("virksomheder-")

    wait_ready(page)  # a click during a rerun asks for a file the rerun has replaced
    with page.expect_download() as csv_file:
        page.get_by_role("button", name="Hent som CSV").click()
    text = csv_file.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert any("'" + FORMULA_NAME in row for row in rows)
