"""Virksomheder: the list, creating with the CVR check and the duplicate warning, the profile with
the contacts log, the next steps list, the two reports, and read-only roles."""

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from model import clock, companies, people
from model.tables import Company, Contact
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/virksomheder.py"
NEW = "FormSubmitter:company_new-Opret virksomhed"


def open_tab(at, label: str):
    at.session_state["company_tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def company_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Company)).one()


def demo_company(engine, name: str):
    with Session(engine) as session:
        return session.exec(select(Company).where(Company.name == name)).one()


def table_with(at, column: str):
    """The first table on the page with this column heading."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def fill_new(at, **fields) -> None:
    for key, value in fields.items():
        at.text_input(key=f"new_{key}").input(value)
    at.button(key=NEW).click().run()
    assert not at.exception, at.exception


def test_the_list_shows_every_company_and_filters_by_search(app_db):
    leader = demo_actor(app_db, "leder")
    everyone = companies.list_companies(app_db, leader)
    at = app_as(app_db, "konsulent", PAGE)
    table = at.dataframe[0].value
    assert table["Navn"].tolist() == everyone["name"].tolist()
    assert f"{len(everyone)} virksomheder" in page_text(at)
    assert {"CVR-nummer", "Aftale", "Forløb", "Borgere", "Seneste kontakt"} <= set(table.columns)

    at.text_input(key="list_query").input("bageri").run()
    assert at.dataframe[0].value["Navn"].tolist() == ["Strandens Bageri ApS"]
    assert "1 virksomhed ·" in page_text(at)
    at.text_input(key="list_query").input("").run()
    at.selectbox(key="list_agreement").select("virksomhedscenter").run()
    assert set(at.dataframe[0].value["Aftale"]) == {"Virksomhedscenter"}
    assert len(at.dataframe[0].value) == int((everyone["agreement_kind"] == "virksomhedscenter").sum())


def test_creating_a_company_opens_its_profile(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Opret virksomhed")
    at.selectbox(key="new_agreement").select("samarbejdsaftale")
    fill_new(at, name="Hvidovre Smede ApS", cvr="DK 2425 6790", industry="Metal",
             municipality="Hvidovre", contact_person="Lars Holm")
    text = page_text(at)
    assert "Hvidovre Smede ApS er oprettet." in text
    assert at.subheader[0].value == "Hvidovre Smede ApS"
    assert "CVR 24256790 · Metal · Hvidovre" in text
    assert f"Samarbejdsaftale siden {clock.today():%d-%m-%Y}" in text
    created = demo_company(app_db, "Hvidovre Smede ApS")
    assert (created.cvr, created.contact_person) == ("24256790", "Lars Holm")


def test_an_invalid_cvr_is_refused_and_nothing_is_created(app_db):
    before = company_count(app_db)
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Opret virksomhed")
    fill_new(at, name="Hvidovre Smede ApS", cvr="24256791", municipality="Hvidovre")
    assert at.error[0].value == "24256791 er ikke et gyldigt CVR-nummer (8 cifre, modulus 11)."
    assert company_count(app_db) == before


def test_a_cvr_number_in_use_is_refused_with_the_owners_name(app_db):
    bakery = demo_company(app_db, "Strandens Bageri ApS")
    before = company_count(app_db)
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Opret virksomhed")
    fill_new(at, name="Bageriet på Stranden", cvr=bakery.cvr, municipality="Brøndby")
    assert at.error[0].value == (f"CVR-nummeret {bakery.cvr} er allerede registreret på "
                                 "Strandens Bageri ApS.")
    assert not [b for b in at.button if b.key == "dup_confirm"]
    assert company_count(app_db) == before


def test_a_similar_name_in_the_same_municipality_warns_before_creating(app_db):
    before = company_count(app_db)
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Opret virksomhed")
    fill_new(at, name="Strandens Bageri", municipality="Brøndby")
    assert "Der findes måske allerede en virksomhed som «Strandens Bageri»" in at.warning[0].value
    assert "Strandens Bageri ApS (Brøndby, " in page_text(at)
    assert company_count(app_db) == before

    at.button(key="dup_confirm").click().run()
    assert not at.exception
    assert "Strandens Bageri er oprettet." in page_text(at)
    assert company_count(app_db) == before + 1


def test_the_same_name_in_another_municipality_is_created_without_a_warning(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Opret virksomhed")
    fill_new(at, name="Strandens Bageri", municipality="Esbjerg")
    assert not [w for w in at.warning if "Der findes måske allerede" in w.value]
    assert "Strandens Bageri er oprettet." in page_text(at)


def test_cancelling_the_duplicate_warning_creates_nothing(app_db):
    before = company_count(app_db)
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Opret virksomhed")
    fill_new(at, name="Strandens Bageri", municipality="Brøndby")
    at.button(key="dup_cancel").click().run()
    assert not [w for w in at.warning if "Der findes måske allerede" in w.value]
    assert company_count(app_db) == before


def log_contact(at, *, next_step: str = "", next_date=None, note: str = "", citizen=None):
    at.radio(key="contact_channel").set_value("visit")
    at.selectbox(key="contact_outcome").select("interested")
    if citizen is not None:
        citizen_id, _, last_name = citizen
        at.text_input(key="contact_citizen_search").input(last_name).run()
        at.selectbox(key="contact_citizen").select(citizen_id)
    at.text_area(key="contact_note").input(note)
    at.text_input(key="contact_next_step").input(next_step)
    if next_date is not None:
        at.date_input(key="contact_next_date").set_value(next_date)
    at.button(key="contact_save").click().run()
    assert not at.exception, at.exception


def test_a_logged_next_step_is_on_my_list_until_it_is_done(app_db):
    grove = demo_company(app_db, "Grøn Have Anlæg")
    citizen = a_citizen_of(app_db, "konsulent")
    tomorrow = clock.today() + timedelta(days=1)
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Profil")
    at.selectbox(key="company_pick").select(grove.id).run()
    log_contact(at, next_step="Ring om opstart i praktik", next_date=tomorrow,
                note="Talte med værkføreren", citizen=citizen)
    assert (f"Kontakten er gemt. Næste skridt står på listen den {tomorrow:%d-%m-%Y}."
            in page_text(at))
    log = table_with(at, "Kanal")
    first = log.iloc[0]
    assert (first["Kanal"], first["Udfald"], first["Borger"], first["Næste skridt"]) == (
        "Besøg", "Interesseret", f"{citizen[1]} {citizen[2]}",
        "Ring om opstart i praktik")
    assert at.text_input(key="contact_next_step").value == ""  # the form is ready for the next call

    open_tab(at, "Mine næste skridt")
    with Session(app_db) as session:
        contact_id = session.exec(select(Contact.id).where(
            Contact.next_step == "Ring om opstart i praktik")).one()
    assert "**Ring om opstart i praktik**" in page_text(at)
    at.button(key=f"step_done_{contact_id}").click().run()
    assert not at.exception
    assert "Markeret som udført: Ring om opstart i praktik" in page_text(at)
    assert "**Ring om opstart i praktik**" not in page_text(at)
    assert not [b for b in at.button if b.key == f"step_done_{contact_id}"]


def a_citizen_of(engine, username: str) -> tuple[int, str, str]:
    """The id, first and last name of a citizen the demo account may see."""
    row = people.search_citizens(engine, demo_actor(engine, username), "").iloc[0]
    return int(row["id"]), row["first_name"], row["last_name"]


def test_a_cpr_number_in_a_contact_note_is_refused_and_nothing_is_logged(app_db):
    with Session(app_db) as session:
        before = session.exec(select(func.count()).select_from(Contact)).one()
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Profil")
    log_contact(at, note="Borgerens cpr er 010190-1234")
    assert "ligner et CPR-nummer" in at.error[0].value
    assert at.text_area(key="contact_note").value == "Borgerens cpr er 010190-1234"
    with Session(app_db) as session:
        assert session.exec(select(func.count()).select_from(Contact)).one() == before


def test_editing_a_company_sets_its_agreement(app_db):
    cafe = demo_company(app_db, "Strand Café")
    at = app_as(app_db, "leder", PAGE)
    open_tab(at, "Profil")
    at.selectbox(key="company_pick").select(cafe.id).run()
    at.selectbox(key=f"edit_{cafe.id}_agreement").select("partnerskabsaftale")
    at.checkbox(key=f"edit_{cafe.id}_supplier").check()
    at.button(key=f"FormSubmitter:company_edit_{cafe.id}-Gem").click().run()
    assert not at.exception
    assert "Ændringerne er gemt." in page_text(at)
    assert f"Partnerskabsaftale siden {clock.today():%d-%m-%Y}" in page_text(at)
    stored = demo_company(app_db, "Strand Café")
    assert (stored.agreement_kind, stored.housing_supplier) == ("partnerskabsaftale", True)


def test_top_companies_chart_and_caption(app_db):
    leader = demo_actor(app_db, "leder")
    top = companies.top_companies(app_db, leader)
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Flest borgere")
    assert len(at.get("plotly_chart")) == 1
    assert (f"De {len(top)} virksomheder med flest forskellige borgere i forløb"
            in at.caption[0].value)


def test_agreements_without_contact_follow_the_number_of_days(app_db):
    leader = demo_actor(app_db, "leder")
    today = clock.today()
    at = app_as(app_db, "konsulent", PAGE)
    open_tab(at, "Aftaler uden kontakt")
    expected = companies.not_contacted(app_db, leader, days=60, today=today)
    assert "Aftaler uden kontakt i 60 dage" in page_text(at)
    assert table_with(at, "Dage siden")["Navn"].tolist() == expected["name"].tolist()
    at.number_input(key="silent_days").set_value(3000).run()
    assert "Aftaler uden kontakt i 3000 dage" in page_text(at)
    never = companies.not_contacted(app_db, leader, days=3000, today=today)
    if never.empty:
        assert "Alle virksomheder med en aftale er kontaktet" in page_text(at)
    else:
        assert table_with(at, "Dage siden")["Navn"].tolist() == never["name"].tolist()


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_caseworkers_and_mentors_see_companies_read_only(app_db, username):
    grove = demo_company(app_db, "Grøn Have Anlæg")
    companies.log_contact(app_db, demo_actor(app_db, "konsulent"), company_id=grove.id,
                          channel="phone", next_step="Send tilbud",
                          next_step_date=clock.today())
    at = app_as(app_db, username, PAGE)
    assert "din rolle kan ikke oprette eller ændre dem" in at.info[0].value
    assert "Opret virksomhed" not in [t.label for t in at.tabs]
    open_tab(at, "Profil")
    assert at.subheader[0].value  # the profile is shown
    assert not [w for w in at.text_input if str(w.key).startswith(("contact_", "edit_"))]
    assert not [b for b in at.button if b.key == "contact_save"]
    open_tab(at, "Mine næste skridt")
    at.toggle(key="steps_team").set_value(True).run()
    assert "**Send tilbud**" in page_text(at)
    assert not [b for b in at.button if str(b.key).startswith("step_done_")]
