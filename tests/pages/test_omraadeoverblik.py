"""Områdeoverblik: the numbers shown are the model's for the chosen area, the weeks slider chooses
the priority list, leaders enter figures (consultants cannot), and the page speaks English."""

from model import areas, metrics
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
    expected = areas.training_needs(app_db, leader, housing_area_id=skov)
    assert training["Branche (ønske)"].tolist() == expected["industry"].tolist()
    assert training["Mangler kvalifikationen"].tolist() == expected["lacking"].tolist()


def test_the_weeks_slider_changes_the_priority_list(app_db):
    leader = demo_actor(app_db, "leder")
    today = metrics.danish_today()
    short = areas.dagpenge_priority(app_db, leader, today=today, weeks=8)
    long = areas.dagpenge_priority(app_db, leader, today=today, weeks=52)
    assert len(short) < len(long)  # the demo spreads dagpenge end dates over the coming year
    at = app_as(app_db, "leder", PAGE)
    default = areas.dagpenge_priority(app_db, leader, today=today, weeks=26)
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


def test_a_leader_enters_figures_and_the_rate_follows(app_db):
    leader = demo_actor(app_db, "leder")
    at = app_as(app_db, "leder", PAGE)
    skov = area_id(app_db, "Skovparken")
    period = metrics.danish_today().replace(day=1)
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
