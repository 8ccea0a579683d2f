"""The report: one self-contained HTML file holding every chart and plotly.js, and an Excel file with
the same numbers, one sheet per chart; making it is audited."""
# The data and fixtures are test_results' own, imported; as test arguments they shadow the imports.
# ruff: noqa: F811

from __future__ import annotations

import html
import io
import math
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pandas as pd
import pytest
from openpyxl import load_workbook
from plotly.offline import get_plotlyjs
from sqlmodel import Session, select

from model import charts, clock, i18n, report, results
from model.clock import LOCAL_TZ
from model.errors import AccessDenied
from model.tables import AuditLog, Citizen, Initiative, Outcome
from tests.conftest import demo_actor
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
    drawn = {d.chart.key: d for d in charts.compute(world.engine, world.leader, flt, settings)}
    lines = drawn["comparison"].summary(settings, "da")
    assert len(lines) == 3
    for line in lines:
        assert html.escape(line) in page
    # 4 of 7 in job: the 3 others are too few to show, so neither is the share nor the verdict.
    assert lines[0] == i18n.t("results.verdict_hidden", months=3, initiative="Energi til hinanden",
                              label="Almindelig indsats", min=5)
    frame = results.comparison(world.engine, world.leader, flt, min_size=5)
    assert html.escape(results.verdict_text(frame.iloc[0], "da", 5)) not in page
    assert "var 57 %" in results.verdict_text(frame.iloc[0], "da", 5)


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
        assert [[_cell(v) for v in row] for row in values[1:]] == \
            [[_cell(v) for v in row] for row in table.itertuples(index=False)]
    # 4 of 7 and 3 measured: the 7 may be shown, every count below 5 and its share are "for få".
    sheet = list(book["Job eller uddannelse"].iter_rows(values_only=True))
    cells = [dict(zip(sheet[0], row)) for row in sheet[1:]]
    assert [c["Målte (n)"] for c in cells] == [7, "for få"]
    assert {c[column] for c in cells for column in ("I job eller uddannelse", "Andel (%)", "For få")} \
        == {"for få"}
    weeks = results.active_per_week(world.engine, world.leader, flt, today=TODAY)
    running = list(book["Forløb i gang"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in running] == ["for få" if 0 < n < 5 else n for n in weeks["active"]]
    assert [row[0].date() for row in running] == weeks["week"].tolist()


def _cell(value):
    """A cell as compared: blank as None, a moment at midnight (Excel's day) as its day."""
    if value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.date() if isinstance(value, datetime) else value


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


# --- Small numbers ------------------------------------------------------------------------------

# The columns of each chart's table that count people: citizens, and their placements and
# follow-ups (each one citizen's). Not listed: companies and agreements (not people), goals (a
# target), days, points and shares (checked through the counts they go with, below).
PEOPLE_COLUMNS = {
    "shares": ("n", "successes"),
    "comparison": ("n", "reached", "comparison_n", "comparison_reached"),
    "retention": ("n", "at_risk", "events", "censored"),
    "progression": ("citizens",),
    "placements_week": ("started", "ended"),
    "active": ("active",),
    "sprint_goals": ("secured", "cards"),
    "sprint_time": ("timed",),
    "companies": ("citizens", "placements"),
    "industries": ("citizens", "placements"),
    "follow_up": ("due", "on_time", "late", "overdue", "missed"),
}
# A share, an interval or a number of days computed from a count is hidden with it.
GOES_WITH = {
    "shares": {"share": "successes", "low": "successes", "high": "successes"},
    "comparison": {"share": "reached", "comparison_share": "comparison_reached",
                   "difference": "reached"},
    "sprint_time": {"median_days": "timed", "mean_days": "timed"},
    "follow_up": {"share": "on_time", "low": "on_time", "high": "on_time"},
}


class Tables(HTMLParser):
    """The tables of numbers on the report's page, by chart: a {header: text} per row."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chart: dict[str, list[dict]] = {}
        self._chart, self._headers, self._row, self._cell = None, [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self._chart, self._headers = dict(attrs)["id"], []
            self.by_chart[self._chart] = []
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._headers:
                self.by_chart[self._chart].append(dict(zip(self._headers, self._row)))
            else:
                self._headers = self._row
            self._row = None


def _number(value) -> float | None:
    """A cell's number, from Excel or from the page's Danish text; None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace("−", "-").replace(",", "."))
    except ValueError:
        return None


def test_no_count_of_one_to_four_people_anywhere_in_the_demos_report(demo_engine):
    leader = demo_actor(demo_engine, "leder")
    today = clock.today()
    # Every sprint, placement and measurement of the demo, also the sparring boards of three.
    flt = results.Filter(start=today - timedelta(days=730), end=today + timedelta(days=365))
    settings = charts.Settings(today=today, min_size=5)
    built = report.build(demo_engine, leader, flt, settings, now=NOW)
    book = load_workbook(io.BytesIO(built.excel))
    page = built.html.decode("utf-8")
    tables = Tables()
    tables.feed(page)
    few = i18n.t("results.too_few")
    checked, hidden = 0, 0
    for chart in charts.CHARTS:
        header = {code: i18n.t(key) for code, key in chart.columns.items()}
        rows = list(book[i18n.t(chart.sheet_key)].iter_rows(values_only=True))
        sheet = [dict(zip(rows[0], row)) for row in rows[1:]]
        assert len(tables.by_chart[chart.key]) == len(sheet), chart.key
        for row in [*sheet, *tables.by_chart[chart.key]]:
            for code in PEOPLE_COLUMNS.get(chart.key, ()):
                checked += 1
                hidden += row[header[code]] == few
                number = _number(row[header[code]])
                assert number is None or not 1 <= number < 5, (chart.key, code, row)
            for code, count in GOES_WITH.get(chart.key, {}).items():
                if row[header[count]] == few:
                    assert row[header[code]] == few, (chart.key, code, row)
    assert checked > 1000 and hidden > 100
    boards = [dict(zip(rows[0], row)) for rows in [list(book[i18n.t("results.sprint_goals_sheet")]
                                                        .iter_rows(values_only=True))]
              for row in rows[1:]]
    # The monthly sparring boards of three citizens (a coming one has nobody on it yet).
    sparring = [row for row in boards if row["Sprint"].startswith("Månedlig sparring")
                and row["Borgere på tavlen"] != 0]
    assert len(sparring) >= 2
    assert all(row["Sikret"] == row["Borgere på tavlen"] == few for row in sparring)
    # Nor in the charts' labels and the summaries.
    about = " ".join(str(value) for row in book[i18n.t("results.report_about_sheet")]
                     .iter_rows(values_only=True) for value in row)
    for text in (page, about):
        assert not re.search(r"n = [1-4]\b", text)
