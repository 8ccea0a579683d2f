"""Partnerskaber: reach against the target, partners and who pays, pocket-money cost per payer and
month as the model computes them; leaders add partnerships and partners, consultants only read;
English labels."""

from datetime import timedelta

from sqlmodel import Session, select

from model import clock, partnerships, people, placements
from model.tables import Company
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/partnerskaber.py"


def metrics_of(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def kroner(value: float) -> str:
    return f"{value:,.0f} kr.".replace(",", ".")


def test_the_pocket_money_partnership_shows_the_models_reach_partners_and_costs(app_db):
    leader = demo_actor(app_db, "leder")
    today = clock.today()
    listed = partnerships.list_partnerships(app_db, leader)
    strand = int(listed.loc[listed["name"] == "Lommepengejob i Brøndby Strand", "id"].iloc[0])
    at = app_as(app_db, "leder", PAGE)
    assert at.selectbox(key="partnership_pick").value == strand
    reached = partnerships.reach(app_db, leader, strand, as_of=today)
    assert reached["target"] == 40
    shown = metrics_of(at)
    assert shown["Nået"] == f"{reached['reached']} af 40"
    assert at.get("progress")[0].value == round(min(reached["reached"] / 40, 1.0) * 100)

    partners = table_with(at, "Betaler for")
    expected = partnerships.list_partners(app_db, leader, partnership_id=strand)
    assert partners["Partner"].tolist() == expected["name"].tolist()
    assert "Boligorganisation" in partners["Type"].tolist()

    costs = partnerships.pocket_money_costs(app_db, leader, partnership_id=strand, as_of=today)
    table = table_with(at, "Lønudgift (kr.)")
    assert len(table) == len(costs)
    assert table["Betaler"].tolist() == costs["payer"].tolist()
    assert table["Lønudgift (kr.)"].tolist() == costs["wage_cost"].round(0).tolist()
    assert shown["Lønudgift i alt inkl. planlagt"] == kroner(costs["wage_cost"].sum())
    assert shown["Lønudgift til og med i dag"] == kroner(costs["wage_cost_done"].sum())
    assert shown["Planlagt lønudgift efter i dag"] == kroner(costs["wage_cost_planned"].sum())
    assert at.get("plotly_chart")
    assert len(at.get("download_button")) == 4  # partners and costs, CSV and Excel


def test_choosing_another_partnership_changes_the_numbers(app_db):
    leader = demo_actor(app_db, "leder")
    strand = int(partnerships.list_partnerships(app_db, leader)["id"].iloc[0])
    other = partnerships.create_partnership(app_db, leader, name="Jobløft Silkeborg", target_reach=12)
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="partnership_pick").select(strand).run()
    before = metrics_of(at)["Nået"]
    assert before.endswith("af 40")
    at.selectbox(key="partnership_pick").select(other).run()
    assert not at.exception, at.exception
    assert metrics_of(at)["Nået"] == "0 af 12" != before
    assert "Partnerskabets partnere betaler ikke for nogen lommepengejob endnu." in page_text(at)
    assert "Partnerskabet har ingen partnere endnu." in page_text(at)


def test_a_leader_creates_a_partnership_and_adds_a_partner(app_db):
    at = app_as(app_db, "leder", PAGE)
    at.text_input(key="new_partnership_name").input("Jobløft Viborg")
    at.number_input(key="new_partnership_target").set_value(25)
    at.button(key="FormSubmitter:partnership_new-Opret partnerskab").click().run()
    assert not at.exception, at.exception
    assert "Partnerskabet Jobløft Viborg er oprettet." in page_text(at)
    assert at.selectbox(key="partnership_pick").value == \
        next(iter(partnerships.list_partnerships(app_db, demo_actor(app_db, "leder"))
                  .query("name == 'Jobløft Viborg'")["id"]))
    assert metrics_of(at)["Nået"] == "0 af 25"

    at.text_input(key="new_partner_name").input("Mercantec")
    at.selectbox(key="new_partner_kind").select("uddannelsesinstitution")
    at.text_input(key="new_partner_pays_for").input("Lokaler til håndværkercaféen")
    at.button(key="FormSubmitter:partner_new-Tilføj partner").click().run()
    assert not at.exception, at.exception
    partners = table_with(at, "Betaler for")
    assert partners.values.tolist() == [["Mercantec", "Uddannelsesinstitution",
                                         "Lokaler til håndværkercaféen"]]


def test_a_duplicate_partnership_is_refused_with_the_reason(app_db):
    at = app_as(app_db, "leder", PAGE)
    before = len(partnerships.list_partnerships(app_db, demo_actor(app_db, "leder")))
    at.text_input(key="new_partnership_name").input("lommepengejob i brøndby strand")
    at.button(key="FormSubmitter:partnership_new-Opret partnerskab").click().run()
    assert [e.value for e in at.error] == [
        "Der findes allerede et partnerskab med navnet lommepengejob i brøndby strand."]
    assert len(partnerships.list_partnerships(app_db, demo_actor(app_db, "leder"))) == before


def test_a_consultant_reads_but_cannot_add_partnerships_or_partners(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    assert "Kun ledere og administratorer kan oprette partnerskaber og partnere." in page_text(at)
    assert not [e for e in at.expander if e.label in ("Nyt partnerskab", "Tilføj partner")]
    assert "new_partnership_name" not in [w.key for w in at.text_input]
    assert "Nået" in metrics_of(at)


def test_the_page_speaks_english(app_db):
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="lang_choice").select("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Partnerships"
    assert {"Reached", "Wage cost in all, planned included", "Wage cost to date",
            "Planned wage cost after today", "Hours to date"} <= set(metrics_of(at))
    assert "Pocket-money jobs: hours and wage cost per payer and month" in page_text(at)
    assert {"Month", "Payer", "Hours", "Wage cost (DKK)"} <= set(table_with(at, "Payer").columns)
    assert "Housing organisation" in table_with(at, "Pays for")["Kind"].tolist()


def test_a_consultant_records_the_payer_of_a_pocket_money_job_without_one(app_db):
    konsulent = demo_actor(app_db, "konsulent")
    today = clock.today()
    young = people.create_citizen(app_db, konsulent, first_name="Yasmin", last_name="Nygaard",
                                  birth_year=today.year - 15)
    with Session(app_db) as session:
        cafe = session.exec(select(Company.id).order_by(Company.name)).first()
    placements.start_placement(app_db, konsulent, citizen_id=young, company_id=cafe,
                               kind="lommepengejob", start_date=today - timedelta(days=7),
                               hours_per_week=4, hourly_wage=65)
    at = app_as(app_db, "konsulent", PAGE)
    assert "1 lommepengejob har ingen betaler" in page_text(at)
    strand = at.selectbox(key="partnership_pick").value
    partners = partnerships.list_partners(app_db, konsulent, partnership_id=strand)
    payer = int(partners.loc[partners["name"] == "Boligselskabet Strandparken", "id"].iloc[0])
    assert at.multiselect(key="unpaid_jobs").value == \
        partnerships.unpaid_pocket_money_jobs(app_db, konsulent)["id"].tolist()
    at.selectbox(key="unpaid_payer").select(payer)
    at.button(key="FormSubmitter:payer_form-Gem betaleren").click().run()
    assert not at.exception, at.exception
    assert "Boligselskabet Strandparken er sat som betaler for 1 lommepengejob." in page_text(at)
    assert partnerships.unpaid_pocket_money_jobs(app_db, konsulent).empty
    assert "har ingen betaler" not in page_text(at)


def test_the_wage_cost_is_split_into_days_worked_and_days_still_planned(app_db):
    """A job from ten days ago to twenty days ahead, 7 h a week at 100 kr.: 100 kr. a day, 11 days
    worked (today included) and 20 planned; the total says it includes the planned days."""
    leader, konsulent = demo_actor(app_db, "leder"), demo_actor(app_db, "konsulent")
    today = clock.today()
    partnership = partnerships.create_partnership(app_db, leader, name="Sommerjob Vest")
    payer = partnerships.add_partner(app_db, leader, partnership_id=partnership, name="Vestfonden",
                                     kind="fond", pays_for="De unges løn")
    young = people.create_citizen(app_db, konsulent, first_name="Malik", last_name="Holm",
                                  birth_year=today.year - 15)
    with Session(app_db) as session:
        company = session.exec(select(Company.id).order_by(Company.name)).first()
    placements.start_placement(app_db, konsulent, citizen_id=young, company_id=company,
                               kind="lommepengejob", start_date=today - timedelta(days=10),
                               planned_end_date=today + timedelta(days=20), hours_per_week=7,
                               hourly_wage=100, payer_id=payer)
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="partnership_pick").select(partnership).run()
    assert not at.exception, at.exception
    shown = metrics_of(at)
    assert shown["Timer til og med i dag"] == "11"
    assert shown["Lønudgift til og med i dag"] == "1.100 kr."
    assert shown["Planlagt lønudgift efter i dag"] == "2.000 kr."
    assert shown["Lønudgift i alt inkl. planlagt"] == "3.100 kr."
    table = table_with(at, "Heraf planlagt (kr.)")
    assert table["Lønudgift (kr.)"].sum() == 3100
    assert table["Heraf planlagt (kr.)"].sum() == 2000
