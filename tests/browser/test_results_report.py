"""Resultater in the browser: a leader filters the demo's results to one initiative and downloads the
report, whose HTML file opens on its own and holds every chart, drawn."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from model import charts, i18n
from tests.browser.conftest import ARTIFACTS, open_page, screenshot, sign_in, wait_ready

INITIATIVE = "Energi til hinanden"


def choose(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page)


def summaries(page) -> list[str]:
    """The lines in words under the charts of the open tab (verdicts, medians, ...)."""
    return page.locator('[data-testid="stMarkdownContainer"] li').all_inner_texts()


def test_a_leader_filters_the_results_and_downloads_the_report(server, page, tmp_path):
    page.set_viewport_size({"width": 1500, "height": 2400})
    sign_in(page, server, "leder")
    open_page(page, "Resultater")
    expect(page.get_by_role("heading", name=i18n.t("results.shares_title"))).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_attached()
    before = summaries(page)
    assert any(line.startswith("Splejseordningen:") for line in before)
    screenshot(page, "resultater-alle")

    choose(page, "Indsats", INITIATIVE)
    after = summaries(page)
    assert after != before
    assert not any(line.startswith("Splejseordningen:") for line in after)
    assert any(line.startswith(f"{INITIATIVE}:") for line in after)
    # The comparison with the normal effort is said in words.
    assert any(f"af deltagerne i {INITIATIVE} i job eller uddannelse mod" in line for line in after)
    screenshot(page, "resultater-energi")

    page.get_by_role("tab", name="Rapport og sammenligning").click()
    page.get_by_role("button", name="Lav rapport").click()
    wait_ready(page, timeout_ms=90_000)
    expect(page.get_by_text(f"Rapporten er klar: Resultater: {INITIATIVE}.")).to_be_visible()
    screenshot(page, "resultater-rapport-klar")
    with page.expect_download() as html_download:
        page.get_by_role("button", name="Hent rapport (HTML)").click()
    report = tmp_path / "rapport.html"
    html_download.value.save_as(report)
    assert html_download.value.suggested_filename.startswith("resultater_energi_til_hinanden-")
    text = report.read_text(encoding="utf-8")
    assert text.count('class="plotly-graph-div"') == len(charts.CHARTS)
    assert "<script src=" not in text
    with page.expect_download() as excel_download:
        page.get_by_role("button", name="Hent tallene (Excel)").click()
    book = load_workbook(io.BytesIO(excel_download.value.path().read_bytes()))
    assert book.sheetnames[1:] == [i18n.t(chart.sheet_key) for chart in charts.CHARTS]

    # The file opens on its own (no server, no network) and plotly draws every chart in it.
    viewer = page.context.new_page()
    viewer.route("http*://**", lambda route: route.abort())
    viewer.goto(report.as_uri())
    expect(viewer.get_by_role("heading", name=f"Resultater: {INITIATIVE}")).to_be_visible()
    expect(viewer.locator(".plotly-graph-div .main-svg").nth(len(charts.CHARTS) - 1)).to_be_attached()
    assert viewer.locator(".plotly-graph-div").count() == len(charts.CHARTS)
    viewer.set_viewport_size({"width": 1200, "height": 2400})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    viewer.screenshot(path=str(ARTIFACTS / "resultater-rapport.png"))
    viewer.close()
