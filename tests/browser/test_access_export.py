"""Persondata in the browser: the access export downloads as a real workbook, and the retention
periods and the deletion ledger read at a glance."""

from __future__ import annotations

import openpyxl
from playwright.sync_api import expect
from sqlmodel import Session, select

from model.db import make_engine
from model.tables import Citizen
from tests.browser.conftest import open_page, screenshot, sign_in, wait_ready


def first_citizen(database_url: str) -> Citizen:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(Citizen).order_by(Citizen.id)).first()
    finally:
        engine.dispose()


def test_an_admin_downloads_the_access_export_and_reads_the_periods(server, page, tmp_path):
    page.set_viewport_size({"width": 1600, "height": 1300})
    sign_in(page, server, "admin")
    open_page(page, "Persondata")
    citizen = first_citizen(server.database_url)
    name = f"{citizen.first_name} {citizen.last_name}"

    search = page.get_by_role("textbox", name="Søg på navn")
    search.fill(name)
    search.press("Enter")
    wait_ready(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Borger").click()
    page.get_by_role("option", name=f"{name} (f. {citizen.birth_year})").click()
    wait_ready(page)
    page.get_by_role("button", name="Lav indsigtsudtræk").click()
    wait_ready(page)
    expect(page.get_by_text(f"Indsigtsudtræk for {name} er klar")).to_be_visible()
    expect(page.get_by_text(f"Sletning af {name} fjerner for altid")).to_be_visible()
    screenshot(page, "persondata-indsigt")

    with page.expect_download() as download:
        page.get_by_role("button", name="Hent som Excel").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"indsigt-borger-{citizen.id}.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Borger" and book.sheetnames[-1] == "Hvem har set hvad"
    fields = {row[0].value: row[1].value for row in book["Borger"].iter_rows(min_row=2)}
    assert (fields["Fornavn"], fields["Efternavn"]) == (citizen.first_name, citizen.last_name)
    log = [row for row in book["Hvem har set hvad"].iter_rows(min_row=2, values_only=True)]
    assert ("admin", "Eksporterede") in [(row[1], row[3]) for row in log]

    page.get_by_role("tab", name="Opbevaring og sletning").click()
    wait_ready(page)
    expect(page.get_by_role("spinbutton", name="Borgere: måneder efter seneste aktivitet")
           ).to_have_value("24")
    expect(page.get_by_role("spinbutton", name="Log over brug: måneder")).to_have_value("6")
    expect(page.get_by_text("Slettelog", exact=True)).to_be_visible()
    screenshot(page, "persondata-opbevaring")
