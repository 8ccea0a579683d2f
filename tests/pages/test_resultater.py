"""Resultater: every chart with its explanation and downloads; the filters change the numbers to what
the model computes for them; the report; comparison groups by hand for leaders only."""

import base64
import json
import re

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from model import charts, clock, i18n, results
from model.tables import AuditLog, ComparisonGroup, Initiative
from tests.conftest import app_as, demo_actor, page_text

RESULTS = "pages/resultater.py"
# The page draws the charts tab by tab; each has a table of its numbers in that order.
ORDER = [chart.key for section in charts.SECTIONS for chart in charts.CHARTS if chart.section == section]


def shown_table(at, key: str) -> pd.DataFrame:
    # AppTest does not expose a dataframe's key: the tables come in the order the page draws them.
    return at.dataframe[ORDER.index(key)].value


def expected_table(engine, username: str, key: str, flt: results.Filter,
                   settings: charts.Settings) -> pd.DataFrame:
    drawn = {d.chart.key: d for d in charts.compute(engine, demo_actor(engine, username), flt, settings)}
    return charts.marked_as_text(drawn[key].table(settings, "da"), "da")


def same(shown: pd.DataFrame, expected: pd.DataFrame) -> bool:
    """The same cells, whatever the types the page's table went through."""
    def cells(frame):
        return [[None if pd.isna(v) else str(pd.Timestamp(v).date()) if hasattr(v, "year") else
                 round(float(v), 6) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                 for v in row] for row in frame.itertuples(index=False)]
    return list(shown.columns) == list(expected.columns) and cells(shown) == cells(expected)


def settings(**changes) -> charts.Settings:
    return charts.Settings(today=clock.today(), min_size=results.min_group_size(), **changes)


def test_a_leader_sees_every_chart_with_its_explanation_and_downloads(app_db):
    at = app_as(app_db, "leder", RESULTS)
    text = page_text(at)
    for chart in charts.CHARTS:
        assert i18n.t(chart.title_key) in text
        assert i18n.t(chart.explain_key) in text
    assert len(at.get("plotly_chart")) == len(charts.CHARTS)
    keys = {button.key for button in at.get("download_button")}
    assert {f"download_{chart.key}_{kind}" for chart in charts.CHARTS for kind in ("csv", "xlsx")} <= keys
    assert "Grupper med færre end 5 personer vises som »for få«" in text
    assert [tab.label for tab in at.tabs] == ["Job og uddannelse", "Forløb", "Sprint", "Virksomheder",
                                               "Opfølgning", "Rapport og sammenligning"]


def shown_figure(at, key: str) -> dict:
    return json.loads(at.get("plotly_chart")[ORDER.index(key)].proto.spec)


def values(array) -> list:
    """A trace's numbers: plotly writes numeric arrays as base64 with their dtype."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_the_charts_and_tables_hold_the_models_numbers(app_db):
    at = app_as(app_db, "leder", RESULTS)
    today = clock.today()
    flt = results.default_filter(today)
    leader = demo_actor(app_db, "leder")
    active = results.active_per_week(app_db, leader, flt, today=today)
    assert values(shown_figure(at, "active")["data"][0]["y"]) == active["active"].tolist()
    companies = results.top_companies(app_db, leader, flt, today=today)
    bars = shown_figure(at, "companies")["data"][0]
    assert list(zip(values(bars["y"]), values(bars["x"]))) == \
        list(zip(companies["company"], companies["citizens"]))
    for key in ("active", "companies", "shares", "follow_up"):
        assert same(shown_table(at, key), expected_table(app_db, "leder", key, flt, settings()))


def test_the_page_shows_for_faa_for_every_count_under_five_people(app_db):
    at = app_as(app_db, "leder", RESULTS)
    shares = shown_table(at, "shares")
    sizes = shares[i18n.t("results.col_n")].tolist()
    assert "for få" in sizes
    assert not [n for n in sizes if n != "for få" and 1 <= int(n) < 5]
    # A hidden count hides its share, and the group's size goes from the chart's label.
    hidden = shares[shares[i18n.t("results.col_successes")] == "for få"]
    assert set(hidden[i18n.t("results.col_share")]) == {"for få"}
    labels = [note["text"] for note in shown_figure(at, "shares")["layout"]["annotations"]]
    assert "for få" in labels and not any(re.search(r"n = [1-4]\b", label) for label in labels)
    sprints = shown_table(at, "sprint_goals")
    assert "for få" in sprints[i18n.t("results.col_cards")].tolist()


def test_a_filter_changes_the_numbers_to_those_of_the_filter(app_db):
    at = app_as(app_db, "leder", RESULTS)
    before = {key: shown_table(at, key) for key in ("active", "companies")}
    with Session(app_db) as session:
        energi = session.exec(select(Initiative.id).where(Initiative.name == "Energi til hinanden")).one()
    at.selectbox(key="results_initiative").set_value(energi).run()
    assert not at.exception
    flt = results.Filter(**{**vars(results.default_filter(clock.today())), "initiative_id": energi})
    for key, old in before.items():
        new = shown_table(at, key)
        assert same(new, expected_table(app_db, "leder", key, flt, settings()))
        assert not same(new, old)
    at.radio(key="results_group_by").set_value("target_group").run()
    assert same(shown_table(at, "shares"),
                expected_table(app_db, "leder", "shares", flt, settings(group_by="target_group")))


def test_a_leader_makes_the_report_and_it_is_logged(app_db):
    at = app_as(app_db, "leder", RESULTS)
    assert "report_html" not in {b.key for b in at.get("download_button")}
    at.button(key="report_make").click().run()
    assert not at.exception
    assert {"report_html", "report_xlsx"} <= {b.key for b in at.get("download_button")}
    assert "Rapporten er klar: Resultater: alle indsatser." in page_text(at)
    with Session(app_db) as session:
        assert session.exec(select(AuditLog).where(AuditLog.action == "report")).first() is not None
    # Another filter makes the report out of date, so its downloads go until it is made again.
    at.radio(key="results_group_by").set_value("team").run()
    assert "report_html" not in {b.key for b in at.get("download_button")}


def test_a_consultant_sees_the_results_but_cannot_enter_comparison_groups(app_db):
    at = app_as(app_db, "konsulent", RESULTS)
    assert len(at.get("plotly_chart")) == len(charts.CHARTS)
    assert "Sammenligningsgrupper" in page_text(at)
    assert not any(b.label == i18n.t("results.comparison_save") for b in at.button)
    assert at.get("form") == []


def comparison_form(at, initiative: int, label: str, n: int, reached: int):
    at.selectbox(key="comparison_initiative").set_value(initiative)
    at.text_input(key="comparison_label").input(label)
    at.selectbox(key="comparison_months").set_value(6)
    at.number_input(key="comparison_n").set_value(n)
    at.number_input(key="comparison_reached").set_value(reached)
    at.text_input(key="comparison_source").input("Jobindsats.dk, 2025")
    next(b for b in at.button if b.label == i18n.t("results.comparison_save")).click()
    return at.run()


def test_a_leader_adds_a_comparison_group_by_hand(app_db):
    with Session(app_db) as session:
        stv = session.exec(select(Initiative.id).where(Initiative.name == "STV")).one()
    at = comparison_form(app_as(app_db, "leder", RESULTS), stv, "Almindelig indsats", 80, 90)
    assert "Antallet i job eller uddannelse skal være et helt tal mellem 0" in at.error[0].value
    at = comparison_form(at, stv, "Almindelig indsats", 80, 36)
    assert not at.exception
    assert "Sammenligningsgruppen er gemt." in page_text(at)
    with Session(app_db) as session:
        saved = session.exec(select(ComparisonGroup).where(ComparisonGroup.initiative_id == stv)).all()
    assert [(g.label, g.month, g.n, g.reached, g.source) for g in saved] == [
        ("Almindelig indsats", 6, 80, 36, "Jobindsats.dk, 2025")]
    # The comparison chart counts it at once.
    shown = shown_table(at, "comparison")
    assert "Almindelig indsats" in shown[i18n.t("results.col_label")].tolist()


def test_a_leader_imports_comparison_groups_under_data(app_db):
    with Session(app_db) as session:
        before = len(session.exec(select(ComparisonGroup)).all())
    at = app_as(app_db, "leder", "pages/data.py")
    at.radio(key="import_kind").set_value("comparison_groups").run()
    assert "Indsats*, Sammenligningsgruppe*, Måneder efter start*, Antal personer (n)*" in page_text(at)
    data = ("Indsats;Sammenligningsgruppe;Måneder efter start;Antal personer (n);"
            "Heraf i job eller uddannelse;Kilde\n"
            "STV;Almindelig indsats;3;120;30;Jobindsats.dk\n"
            "STV;Almindelig indsats;6;110;35;Jobindsats.dk\n").encode()
    at.file_uploader(key="import_file_0").set_value(("sammenligning.csv", data, "text/csv"))
    at.run()
    assert at.success[0].value == "Alle 2 rækker er i orden og kan importeres."
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert at.success[0].value == "Importen er gemt: 2 rækker (sammenligningsgrupper)."
    with Session(app_db) as session:
        assert len(session.exec(select(ComparisonGroup)).all()) == before + 2


def test_the_server_draws_the_opening_charts_on_start_and_the_first_leader_gets_them(app_db,
                                                                                    monkeypatch):
    from pages.ui import figures

    figures._drawn.clear()
    figures.warm_up(app_db).join(timeout=120)
    computed = []
    monkeypatch.setattr(charts, "compute", lambda *a, **k: computed.append(a) or [])
    at = app_as(app_db, "leder", RESULTS)
    assert not at.exception, at.exception
    assert computed == []  # drawn before anyone asked
    assert len(at.get("plotly_chart")) == len(charts.CHARTS)
    # A consultant sees their own team's figures: not the leaders' drawing.
    app_as(app_db, "konsulent", RESULTS)
    assert len(computed) == 1


def test_no_warm_up_without_a_leader(engine):
    from pages.ui import figures

    assert figures.warm_up(engine) is None
