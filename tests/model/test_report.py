"""The report: one self-contained HTML file holding every chart and plotly.js, and an Excel file with
the same numbers, one sheet per chart; making it is audited."""
# The data and fixtures are test_results' own, imported; as test arguments they shadow the imports.
# ruff: noqa: F811

from __future__ import annotations

import html
import io
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from plotly.offline import get_plotlyjs
from sqlmodel import Session, select

from model import charts, i18n, report, results
from model.clock import LOCAL_TZ
from model.errors import AccessDenied
from model.tables import AuditLog, Citizen, Initiative, Outcome
from tests.model.test_results import (  # noqa: F401
    TODAY,
    add_company_placements,
    add_comparison,
    add_first_jobs,
    add_follow_ups,
    add_outcomes,
    add_progression,
    add_sprints,
    add_week_placements,
    full_world,
    quick_actor,
    world,
)

PERIOD = results.Filter(start=date(2025, 9, 1), end=TODAY)
NOW = datetime(2026, 6, 30, 14, 5, tzinfo=LOCAL_TZ)


class Outline(HTMLParser):
    """What a browser would find in the page: its language, title, headings, chart divs, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.title, self.headings, self.charts, self.script_sources = None, "", [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "div" and "plotly-graph-div" in (attrs.get("class") or ""):
            self.charts.append(attrs["id"])
        if tag == "script" and "src" in attrs:
            self.script_sources.append(attrs["src"])
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        if self._in in ("h1", "h2"):
            self.headings.append(data)


@pytest.fixture
def made(full_world):
    settings = charts.Settings(today=TODAY, group_by="initiative", min_size=5)
    flt = results.Filter(start=PERIOD.start, end=PERIOD.end, initiative_id=full_world.energi)
    return full_world, flt, settings, report.build(full_world.engine, full_world.leader, flt, settings,
                                                   lang="da", now=NOW)


def test_the_html_report_holds_every_chart_and_plotly_itself(made):
    world, flt, settings, built = made
    page = built.html.decode("utf-8")
    outline = Outline()
    outline.feed(page)
    assert outline.lang == "da"
    assert outline.title == built.title == "Resultater: Energi til hinanden"
    assert outline.charts == [f"chart-{chart.key}" for chart in charts.CHARTS]
    assert outline.headings == [built.title, *(i18n.t(chart.title_key) for chart in charts.CHARTS)]
    # plotly.js is inside the file (it opens offline), once, and nothing is fetched from elsewhere.
    assert outline.script_sources == []
    plotly_js = get_plotlyjs()
    assert page.count(plotly_js) == 1
    assert "cdn.plot.ly" not in page.replace(plotly_js, "")
    for line in ("Periode: 01-09-2025 – 30-06-2026", "Lavet 30-06-2026 14:05 af Test leader",
                 "Andele og fastholdelse er opdelt efter: indsats."):
        assert line in page
    for chart in charts.CHARTS:
        assert i18n.t(chart.explain_key) in page
    assert "@media print" in page and "break-inside: avoid" in page
    assert built.file_name == "resultater_energi_til_hinanden-20250901-20260630"


def test_the_report_says_the_comparison_verdicts_in_words(made):
    world, flt, settings, built = made
    page = built.html.decode("utf-8")
    frame = results.comparison(world.engine, world.leader, flt, min_size=5)
    assert len(frame) == 3
    for _, row in frame.iterrows():
        assert html.escape(results.verdict_text(row, "da", 5)) in page


def test_the_excel_report_has_one_sheet_per_chart_with_the_same_numbers(made):
    world, flt, settings, built = made
    book = load_workbook(io.BytesIO(built.excel))
    assert book.sheetnames == [i18n.t("results.report_about_sheet"),
                               *(i18n.t(chart.sheet_key) for chart in charts.CHARTS)]
    about = [row for row in book["Om rapporten"].iter_rows(values_only=True)]
    assert about[1] == ("Titel", "Resultater: Energi til hinanden")
    drawn = {d.chart.key: d for d in charts.compute(world.engine, world.leader, flt, settings)}
    for chart in charts.CHARTS:
        sheet = book[i18n.t(chart.sheet_key)]
        values = list(sheet.iter_rows(values_only=True))
        table = drawn[chart.key].table(settings, "da")
        assert list(values[0]) == list(table.columns)
        assert len(values) - 1 == len(table)
    shares = results.outcome_shares(world.engine, world.leader, flt, min_size=5)
    sheet = list(book["Job eller uddannelse"].iter_rows(values_only=True))
    header = sheet[0]
    cells = [dict(zip(header, row)) for row in sheet[1:]]
    assert [c["Målte (n)"] for c in cells] == shares["n"].tolist()
    assert [c["Andel (%)"] for c in cells] == [None if s != s else round(s * 100, 1) for s in shares["share"]]
    assert [c["For få"] for c in cells] == ["for få" if few else None for few in shares["too_few"]]
    weeks = results.active_per_week(world.engine, world.leader, flt, today=TODAY)
    running = list(book["Forløb i gang"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in running] == weeks["active"].tolist()
    assert [row[0].date() for row in running] == weeks["week"].tolist()


def test_making_a_report_is_audited(made):
    world, flt, settings, built = made
    with Session(world.engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "report")).all()
    assert len(entries) == 1
    assert entries[0].user_id == world.leader.user_id
    assert f"initiative={world.energi};period=2025-09-01..2026-06-30" in entries[0].detail


def test_names_cannot_run_as_script_or_formula_in_the_report(world):
    name = '=HYPERLINK("http://x") </script><script>alert(1)</script>'
    with Session(world.engine) as session:
        odd = Initiative(name=name)
        session.add(odd)
        session.flush()
        for i in range(5):
            citizen = Citizen(first_name=f"O{i}", last_name="Test", birth_year=1995, team_id=world.team_a,
                              initiative_id=odd.id)
            session.add(citizen)
            session.flush()
            session.add(Outcome(citizen_id=citizen.id, measured_at=date(2026, 3, 1), months_after_start=3,
                                status="job"))
        session.commit()
    built = report.build(world.engine, world.leader, PERIOD, charts.Settings(today=TODAY, min_size=5),
                         now=NOW)
    assert "<script>alert(1)</script>" not in built.html.decode("utf-8")
    book = load_workbook(io.BytesIO(built.excel))
    groups = [row[1] for row in book["Job eller uddannelse"].iter_rows(values_only=True)][1:]
    assert groups == ["'" + name]


def test_a_consultants_report_counts_only_their_team_and_a_screen_gets_none(full_world):
    settings = charts.Settings(today=TODAY, min_size=5)
    built = report.build(full_world.engine, full_world.consultant, PERIOD, settings, now=NOW, lang="en")
    book = load_workbook(io.BytesIO(built.excel))
    assert book.sheetnames[0] == "About the report"
    shares = [row for row in book["Job or education"].iter_rows(values_only=True)][1:]
    assert (3, "Energi til hinanden", 6) in [row[:3] for row in shares]
    with pytest.raises(AccessDenied):
        report.build(full_world.engine, quick_actor(full_world.engine, "screen"), PERIOD, settings)
