"""Områdeoverblik: the numbers shown are the model's for the chosen area, the weeks slider chooses
the priority list (a hundred at a time), leaders enter figures (consultants cannot), and the page
speaks English."""

import json
from datetime import timedelta

import pandas as pd
from sqlmodel import Session

from model import areas, clock
from model.tables import Citizen
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/omraadeoverblik.py"


def metrics_of(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_with(at, column: str):
    """The first table on the page with this column heading."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def area_id(engine, name: str) -> int:
    choices = areas.area_choices(engine, demo_actor(engine, "leder"))
    return int(choices.loc[choices["name"] == name, "id"].iloc[0])


def test_choosing_an_area_changes_the_numbers_to_the_models(app_db):
    leader = demo_actor(app_db, "leder")
    at = app_as(app_db, "leder", PAGE)
    everyone = areas.benefit_profile(app_db, leader)
    shown = metrics_of(at)
    assert shown["Borgere"] == str(everyone["citizens"].sum())
    dagpenge = everyone.loc[everyone["benefit_type"] == "dagpenge", "citizens"].sum()
    assert shown["Dagpenge"] == str(dagpenge)
    rate = areas.latest_unemployment(app_db, leader)["rate"]
    assert shown["Ledighed"] == f"{rate:.1f} %".replace(".", ",")

    skov = area_id(app_db, "Skovparken")
    at.selectbox(key="area_pick").select(skov).run()
    assert not at.exception, at.exception
    in_area = areas.benefit_profile(app_db, leader, housing_area_id=skov)
    assert metrics_of(at)["Borgere"] == str(in_area["citizens"].sum())
    assert in_area["citizens"].sum() < everyone["citizens"].sum()
    figures = table_with(at, "Ledige")
    assert set(figures["Boligområde"]) == {"Skovparken"}
    training = table_with(at, "Mangler kvalifikationen")
    expected = areas.shown_training_needs(areas.training_needs(app_db, leader, housing_area_id=skov))
    assert training["Branche (ønske)"].tolist() == expected.frame["industry"].tolist()
    # In one area, most counts of citizens are under five: "for få", and their shares too.
    lacking = [str(v) for v in training["Mangler kvalifikationen"]]
    assert lacking == ["for få" if pd.isna(v) else str(v) for v in expected.frame["lacking"]]
    assert "for få" in lacking
    for column in ("Ønsker branchen", "Mangler kvalifikationen"):
        assert not [v for v in training[column] if v != "for få" and 1 <= int(v) < 5]
    shares = training["Andel, der mangler"][training["Mangler kvalifikationen"] == "for få"]
    assert set(shares) == {"for få"}


def test_the_weeks_slider_changes_the_priority_list(app_db):
    leader = demo_actor(app_db, "leder")
    today = clock.today()
    short = areas.dagpenge_priority(app_db, leader, today=today, weeks=8).rows
    long = areas.dagpenge_priority(app_db, leader, today=today, weeks=52).rows
    assert len(short) < len(long)  # the demo spreads dagpenge end dates over the coming year
    at = app_as(app_db, "leder", PAGE)
    default = areas.dagpenge_priority(app_db, leader, today=today, weeks=26).rows
    assert table_with(at, "Uger tilbage")["Navn"].tolist() == \
        (default["first_name"] + " " + default["last_name"]).tolist()

    for weeks, expected in ((8, short), (52, long)):
        at.slider(key="priority_weeks").set_value(weeks).run()
        assert not at.exception, at.exception
        table = table_with(at, "Uger tilbage")
        assert table["Navn"].tolist() == (expected["first_name"] + " " + expected["last_name"]).tolist()
        assert table["Aktivt forløb"].tolist() == expected["active_placement"].tolist()
        assert f"{len(expected)} borgere mister retten til dagpenge inden for {weeks} uger" \
            in page_text(at)
    assert at.get("download_button")
    assert "Viser 1–" not in page_text(at)  # the demo's list fits on one page
    assert "priority_page_52_" not in [n.key for n in at.number_input]


def test_a_long_priority_list_comes_a_hundred_at_a_time_with_the_whole_lists_counts(app_db):
    leader = demo_actor(app_db, "leder")
    today = clock.today()
    skov = area_id(app_db, "Skovparken")
    with Session(app_db) as session:
        session.add_all(Citizen(first_name="Ny", last_name=f"Borger {i:03}", birth_year=1980,
                                benefit_type="dagpenge", housing_area_id=skov,
                                dagpenge_end_date=today + timedelta(days=1 + i % 90))
                        for i in range(150))
        session.commit()
    whole = areas.dagpenge_priority(app_db, leader, today=today, weeks=26)
    names = (whole.rows["first_name"] + " " + whole.rows["last_name"]).tolist()
    assert 150 < whole.total < 200 and whole.without >= 150

    at = app_as(app_db, "leder", PAGE)
    assert table_with(at, "Uger tilbage")["Navn"].tolist() == names[:100]
    text = page_text(at)
    assert f"{whole.total} borgere mister retten til dagpenge inden for 26 uger" in text
    assert f"; {whole.without} af dem har hverken" in text
    assert f"Viser 1–100 af {whole.total}" in text

    at.number_input(key="priority_page_26_").set_value(2).run()
    assert not at.exception, at.exception
    assert table_with(at, "Uger tilbage")["Navn"].tolist() == names[100:]
    assert f"Viser 101–{whole.total} af {whole.total}" in page_text(at)
    assert f"; {whole.without} af dem har hverken" in page_text(at)

    # Another area starts on its first page.
    at.selectbox(key="area_pick").select(skov).run()
    in_skov = areas.dagpenge_priority(app_db, leader, today=today, weeks=26, housing_area_id=skov)
    assert table_with(at, "Uger tilbage")["Navn"].tolist() == \
        (in_skov.rows["first_name"] + " " + in_skov.rows["last_name"]).tolist()[:100]
    assert f"Viser 1–100 af {in_skov.total}" in page_text(at)


def test_a_leader_enters_figures_and_the_rate_follows(app_db):
    leader = demo_actor(app_db, "leder")
    at = app_as(app_db, "leder", PAGE)
    skov = area_id(app_db, "Skovparken")
    period = clock.today().replace(day=1)
    at.selectbox(key="figure_area").select(skov)
    at.date_input(key="figure_period").set_value(period)
    at.number_input(key="figure_residents").set_value(1000)
    at.number_input(key="figure_unemployed").set_value(250)
    at.button(key="FormSubmitter:area_figure-Gem tallene").click().run()
    assert not at.exception, at.exception
    assert "Tallene for Skovparken er gemt." in page_text(at)
    figures = areas.area_figures(app_db, leader, housing_area_id=skov)
    assert figures.iloc[-1][["period_start", "working_age_residents", "unemployed"]].tolist() == \
        [period, 1000, 250]
    at.selectbox(key="area_pick").select(skov).run()
    assert metrics_of(at)["Ledighed"] == "25,0 %"


def test_bad_figures_show_the_reason_and_change_nothing(app_db):
    at = app_as(app_db, "leder", PAGE)
    before = areas.area_figures(app_db, demo_actor(app_db, "leder"))
    at.number_input(key="figure_residents").set_value(100)
    at.number_input(key="figure_unemployed").set_value(150)
    at.button(key="FormSubmitter:area_figure-Gem tallene").click().run()
    assert [e.value for e in at.error] == [
        "Antallet af ledige kan ikke være negativt eller større end antallet af beboere."]
    assert len(areas.area_figures(app_db, demo_actor(app_db, "leder"))) == len(before)


def test_a_consultant_sees_the_overview_but_cannot_enter_figures(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    assert "Dagpengeretten ophører snart" in page_text(at)
    assert not [e for e in at.expander if e.label == "Indtast tal for et boligområde"]
    assert "figure_residents" not in [n.key for n in at.number_input]


def test_the_page_speaks_english(app_db, monkeypatch):
    at = app_as(app_db, "leder", PAGE)
    monkeypatch.setenv("JOBTAVLEN_LANG", "en")
    at.selectbox(key="lang_choice").select("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Area overview"
    text = page_text(at)
    for heading in ("Citizens by benefit and match group", "Dagpenge running out soon",
                    "Need for further training", "Qualifications and wishes"):
        assert heading in text
    assert {"Citizens", "Unemployment"} <= set(metrics_of(at))
    assert "Weeks left" in table_with(at, "Weeks left").columns
    assert at.selectbox(key="area_pick").label == "Housing area"


def test_the_training_rules_are_the_models_mapping(app_db):
    at = app_as(app_db, "leder", PAGE)
    rules = next(d.value for d in at.dataframe if list(d.value.columns) == ["Branche (ønske)",
                                                                             "Kvalifikation"])
    assert dict(zip(rules["Branche (ønske)"], rules["Kvalifikation"])) == areas.TRAINING_NEEDS


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_a_rerun_reuses_the_sessions_charts_and_a_new_language_draws_them_anew(app_db, monkeypatch):
    at = app_as(app_db, "leder", PAGE)
    kept = dict(at.session_state["areas_figures"])
    assert len(kept) == 5 == len(chart_specs(at))
    at.slider(key="priority_weeks").set_value(8).run()  # a click that changes no chart
    assert not at.exception, at.exception
    assert all(at.session_state["areas_figures"][key] is figure for key, figure in kept.items())
    assert len(at.session_state["areas_figures"]) == 5
    danish = chart_specs(at)[0]["layout"]
    assert (danish["xaxis"]["title"]["text"], danish["separators"]) == ("Borgere", ",.")

    monkeypatch.setenv("JOBTAVLEN_LANG", "en")
    at.selectbox(key="lang_choice").select("en").run()
    assert not at.exception, at.exception
    english = chart_specs(at)[0]["layout"]
    assert (english["xaxis"]["title"]["text"], english["separators"]) == ("Citizens", ".,")
    assert len(at.session_state["areas_figures"]) == 10
