"""Companies and outreach contacts: CVR checks, duplicates, the list and profile, top companies,
agreements without contact, the contacts log and the next steps due."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from model import clock, companies, people
from model.errors import AccessDenied, ValidationError
from model.tables import AuditLog, Company, Contact, Placement

TODAY = date(2026, 11, 20)
# Real-looking CVR numbers that pass the modulus-11 check.
CVR_A, CVR_B, CVR_C = "24256790", "61126228", "54562519"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def make_company(engine, actor, name: str = "Strandens Bageri ApS", **fields) -> int:
    fields.setdefault("municipality", "Brøndby")
    return companies.create_company(engine, actor, name=name, **fields)


def make_citizen(engine, actor, first: str = "Aisha", last: str = "Benali") -> int:
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, actor, first_name=first, last_name=last,
                                           birth_year=1990)
        session.commit()
        return citizen.id


def make_placement(engine, *, citizen_id: int, company_id: int, start: date = TODAY) -> int:
    with Session(engine) as session:
        placement = Placement(citizen_id=citizen_id, company_id=company_id,
                              kind="virksomhedspraktik", start_date=start, status="active")
        session.add(placement)
        session.commit()
        return placement.id


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


@pytest.fixture
def consultant(actor_factory):
    return actor_factory("consultant")


# --- pure helpers -------------------------------------------------------------------------------

@pytest.mark.parametrize("cvr, valid", [
    (CVR_A, True),
    (CVR_B, True),
    (CVR_C, True),
    ("10150817", True),
    ("24256791", False),   # last digit changed: the weighted sum is off by one
    ("61126229", False),
    ("2425679", False),    # seven digits
    ("242567900", False),  # nine digits
    ("2425679a", False),
    ("02425679", False),   # CVR numbers never start with 0
    ("", False),
])
def test_valid_cvr(cvr, valid):
    assert companies.valid_cvr(cvr) is valid


@pytest.mark.parametrize("typed, cleaned", [
    (CVR_A, CVR_A),
    ("DK 2425 6790", CVR_A),
    ("dk24256790", CVR_A),
    (" 24 25 67 90 ", CVR_A),
    ("24-25-67-90", CVR_A),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_normalise_cvr_cleans_what_was_typed(typed, cleaned):
    assert companies.normalise_cvr(typed) == cleaned


@pytest.mark.parametrize("typed", ["24256791", "1234", "DK 2425 679", "ABCDEFGH"])
def test_normalise_cvr_refuses_what_is_no_cvr_number(typed):
    with pytest.raises(ValidationError) as refused:
        companies.normalise_cvr(typed)
    assert refused.value.key == "error.cvr_invalid"


@pytest.mark.parametrize("name, normalised", [
    ("Strandens Bageri ApS", "strandens bageri"),
    ("Kirkebjerg Lager A/S", "kirkebjerg lager"),
    ("Hansen & Søn I/S", "hansen og søn"),
    ("Brøndby Kantine & Café", "brøndby kantine og cafe"),
    ("Park Allé Plejecenter", "park alle plejecenter"),
    ("  VESTEGNENS   VVS aps ", "vestegnens vvs"),
    ("Nørregårds Kontorservice", "nørregards kontorservice"),
    ("ApS", ""),
])
def test_normalise_company_name(name, normalised):
    assert companies.normalise_company_name(name) == normalised


@pytest.mark.parametrize("a, b, similar", [
    ("Strandens Bageri ApS", "strandens bageri", True),
    ("Strandens Bageri ApS", "Strandens Bager", True),
    ("Vestegnens VVS ApS", "Vestegnens VVS A/S", True),
    ("Brøndby Kantine & Café", "Brøndby Kantine og Cafe", True),
    ("Grøn Have Anlæg", "Grønne Haver Anlæg ApS", True),
    ("Strand Café", "Strandens Bageri ApS", False),
    ("Bageriet", "Slagteriet", False),
    ("ApS", "A/S", False),  # nothing left to compare
])
def test_name_similarity_against_the_threshold(a, b, similar):
    assert (companies.name_similarity(a, b) >= companies.SIMILAR_NAME_RATIO) is similar


# --- creating and changing companies ------------------------------------------------------------

def test_create_company_stores_the_cleaned_fields_and_is_logged(engine, consultant):
    company_id = make_company(engine, consultant, name="  Vestegnens VVS ApS ", cvr="DK 2425 6790",
                              industry="Bygge og anlæg", contact_person="Lars Hansen",
                              phone="43 28 25 79", agreement_kind="partnerskabsaftale",
                              agreement_since=date(2025, 3, 1), housing_supplier=True)
    with Session(engine) as session:
        company = session.get(Company, company_id)
        logged = session.exec(select(AuditLog.action).where(AuditLog.table_name == "company",
                                                            AuditLog.row_id == company_id)).all()
    assert (company.name, company.cvr, company.municipality) == ("Vestegnens VVS ApS", CVR_A, "Brøndby")
    assert (company.agreement_kind, company.agreement_since, company.housing_supplier) == \
        ("partnerskabsaftale", date(2025, 3, 1), True)
    assert logged == ["create"]


def test_an_agreement_without_a_date_counts_from_today(engine, consultant):
    company_id = make_company(engine, consultant, agreement_kind="samarbejdsaftale")
    with Session(engine) as session:
        assert session.get(Company, company_id).agreement_since == clock.today()


def test_no_agreement_means_no_agreement_date(engine, consultant):
    company_id = make_company(engine, consultant, agreement_kind="none",
                              agreement_since=date(2025, 1, 1))
    with Session(engine) as session:
        assert session.get(Company, company_id).agreement_since is None


def test_a_company_without_cvr_is_allowed_more_than_once(engine, consultant):
    make_company(engine, consultant, name="Strand Café", cvr="")
    make_company(engine, consultant, name="Strand Café 2", cvr=None)
    assert count(engine, Company) == 2


@pytest.mark.parametrize("fields, key", [
    ({"name": "  "}, "error.name_required"),
    ({"cvr": "24256791"}, "error.cvr_invalid"),
    ({"cvr": "1234567"}, "error.cvr_invalid"),
    ({"agreement_kind": "handshake"}, "error.company_unknown_agreement"),
    ({"agreement_kind": "samarbejdsaftale", "agreement_since": date(2099, 1, 1)},
     "error.agreement_since_future"),
    ({"contact_person": "Lars 010190-1234"}, "error.cpr_in_text"),
])
def test_create_company_refuses_bad_input_and_writes_nothing(engine, consultant, fields, key):
    with pytest.raises(ValidationError) as refused:
        make_company(engine, consultant, **fields)
    assert refused.value.key == key
    assert count(engine, Company) == 0


def test_a_cvr_number_already_in_use_is_refused_however_it_is_typed(engine, consultant):
    make_company(engine, consultant, name="Vestegnens VVS ApS", cvr=CVR_A)
    with pytest.raises(ValidationError) as refused:
        make_company(engine, consultant, name="VVS Vest", cvr="DK 24 25 67 90")
    assert refused.value.key == "error.cvr_taken"
    assert refused.value.params == {"cvr": CVR_A, "name": "Vestegnens VVS ApS"}
    assert count(engine, Company) == 1


def test_update_company_changes_only_the_given_fields(engine, consultant):
    company_id = make_company(engine, consultant, cvr=CVR_A, industry="Bager og kiosk",
                              contact_person="Mette Jensen")
    companies.update_company(engine, consultant, company_id, expected_version=1, phone="43 43 43 43",
                             agreement_kind="samarbejdsaftale", agreement_since=date(2026, 1, 5))
    with Session(engine) as session:
        company = session.get(Company, company_id)
        detail = session.exec(select(AuditLog.detail).where(AuditLog.action == "update")).one()
    assert (company.name, company.cvr, company.industry, company.contact_person) == \
        ("Strandens Bageri ApS", CVR_A, "Bager og kiosk", "Mette Jensen")
    assert (company.phone, company.agreement_kind, company.agreement_since) == \
        ("43 43 43 43", "samarbejdsaftale", date(2026, 1, 5))
    assert detail == "agreement_kind,agreement_since,phone"


def test_update_company_ends_an_agreement_and_removes_the_cvr(engine, consultant):
    company_id = make_company(engine, consultant, cvr=CVR_A, agreement_kind="virksomhedscenter")
    companies.update_company(engine, consultant, company_id, expected_version=1,
                             agreement_kind="none", cvr="")
    with Session(engine) as session:
        company = session.get(Company, company_id)
    assert (company.agreement_kind, company.agreement_since, company.cvr) == ("none", None, None)


def test_update_company_refuses_another_companys_cvr_and_keeps_its_own(engine, consultant):
    make_company(engine, consultant, name="Vestegnens VVS ApS", cvr=CVR_A)
    company_id = make_company(engine, consultant, name="Strand Café", cvr=CVR_B)
    companies.update_company(engine, consultant, company_id, expected_version=1, cvr=CVR_B,
                             name="Strand Café & Is")
    with pytest.raises(ValidationError) as refused:
        companies.update_company(engine, consultant, company_id, expected_version=2, cvr=CVR_A)
    assert refused.value.key == "error.cvr_taken"
    with Session(engine) as session:
        assert session.get(Company, company_id).cvr == CVR_B


def test_update_of_a_missing_company_is_refused(engine, consultant):
    with pytest.raises(ValidationError) as refused:
        companies.update_company(engine, consultant, 999, expected_version=1, name="Ingen")
    assert refused.value.key == "error.not_found"


# --- duplicates and search ----------------------------------------------------------------------

def test_likely_duplicates_finds_the_same_cvr_in_any_municipality(engine, consultant):
    existing = make_company(engine, consultant, name="Vestegnens VVS ApS", cvr=CVR_A,
                            municipality="Glostrup")
    found = companies.likely_duplicates(engine, consultant, name="Helt Andet Navn",
                                        cvr="DK 2425 6790", municipality="Brøndby")
    assert found[["id", "reason"]].values.tolist() == [[existing, "cvr"]]


def test_likely_duplicates_finds_a_similar_name_in_the_same_municipality_only(engine, consultant):
    here = make_company(engine, consultant, name="Strandens Bageri ApS", municipality="Brøndby")
    make_company(engine, consultant, name="Strandens Bageri ApS", municipality="Esbjerg")
    make_company(engine, consultant, name="Strand Café", municipality="Brøndby")
    found = companies.likely_duplicates(engine, consultant, name="strandens bageri",
                                        municipality=" brøndby ")
    assert found["id"].tolist() == [here]
    assert found["reason"].tolist() == ["name"]
    assert found["similarity"].tolist() == [1.0]


def test_likely_duplicates_leaves_out_the_company_being_edited(engine, consultant):
    company_id = make_company(engine, consultant, name="Strandens Bageri ApS", cvr=CVR_A)
    found = companies.likely_duplicates(engine, consultant, name="Strandens Bageri", cvr=CVR_A,
                                        municipality="Brøndby", exclude_id=company_id)
    assert found.empty


def test_likely_duplicates_finds_nothing_for_a_new_name(engine, consultant):
    make_company(engine, consultant, name="Strandens Bageri ApS")
    assert companies.likely_duplicates(engine, consultant, name="Grøn Have Anlæg",
                                       municipality="Brøndby").empty


def test_search_companies_by_name_or_cvr_in_any_case(engine, consultant):
    bakery = make_company(engine, consultant, name="Strandens Bageri ApS", cvr=CVR_A)
    cafe = make_company(engine, consultant, name="Strand Café", cvr=CVR_B)
    make_company(engine, consultant, name="Grøn Have Anlæg", cvr=CVR_C)
    assert companies.search_companies(engine, consultant, "STRAND")["id"].tolist() == [cafe, bakery]
    assert companies.search_companies(engine, consultant, "2425 67")["id"].tolist() == [bakery]
    assert companies.search_companies(engine, consultant, "strand", limit=1)["id"].tolist() == [cafe]
    assert companies.search_companies(engine, consultant, "50%").empty  # % is taken literally
    assert list(companies.search_companies(engine, consultant, "")) == ["id", "name", "cvr",
                                                                        "municipality"]


# --- list, profile, top companies, agreements without contact -------------------------------------

def test_list_companies_counts_placements_citizens_and_the_last_contact(engine, consultant):
    bakery = make_company(engine, consultant, name="Strandens Bageri ApS", industry="Bager og kiosk",
                          agreement_kind="samarbejdsaftale")
    make_company(engine, consultant, name="Grøn Have Anlæg", industry="Grønne områder")
    aisha, bo = make_citizen(engine, consultant), make_citizen(engine, consultant, "Bo", "Hansen")
    for citizen_id in (aisha, aisha, bo):
        make_placement(engine, citizen_id=citizen_id, company_id=bakery)
    companies.log_contact(engine, consultant, company_id=bakery, channel="phone",
                          contacted_at=at(date(2026, 11, 2)))
    # 23:30 UTC on 9 November is 10 November in Denmark.
    companies.log_contact(engine, consultant, company_id=bakery, channel="visit",
                          contacted_at=datetime(2026, 11, 9, 23, 30, tzinfo=UTC))
    listed = companies.list_companies(engine, consultant)
    assert listed["name"].tolist() == ["Grøn Have Anlæg", "Strandens Bageri ApS"]
    row = listed.set_index("id").loc[bakery]
    assert (row["placements"], row["citizens"], row["last_contact"]) == (3, 2, date(2026, 11, 10))
    assert row["agreement_kind"] == "samarbejdsaftale"
    empty = listed[listed["name"] == "Grøn Have Anlæg"].iloc[0]
    assert (empty["placements"], empty["citizens"], empty["last_contact"]) == (0, 0, None)


@pytest.mark.parametrize("filters, expected", [
    ({}, ["Grøn Have Anlæg", "Strand Café", "Strandens Bageri ApS"]),
    ({"query": "strand"}, ["Strand Café", "Strandens Bageri ApS"]),
    ({"industry": "Køkken og kantine"}, ["Strand Café"]),
    ({"agreement_kind": "samarbejdsaftale"}, ["Strandens Bageri ApS"]),
    ({"municipality": "Esbjerg"}, ["Grøn Have Anlæg"]),
    ({"query": "strand", "agreement_kind": "none"}, ["Strand Café"]),
])
def test_list_companies_filters(engine, consultant, filters, expected):
    make_company(engine, consultant, name="Strandens Bageri ApS", industry="Bager og kiosk",
                 agreement_kind="samarbejdsaftale")
    make_company(engine, consultant, name="Strand Café", industry="Køkken og kantine")
    make_company(engine, consultant, name="Grøn Have Anlæg", industry="Grønne områder",
                 municipality="Esbjerg")
    assert companies.list_companies(engine, consultant, **filters)["name"].tolist() == expected


def test_filter_options_are_the_industries_and_municipalities_in_use(engine, consultant):
    make_company(engine, consultant, name="A", industry="Rengøring", municipality="Esbjerg")
    make_company(engine, consultant, name="B", industry="Bager og kiosk")
    make_company(engine, consultant, name="C", industry="Rengøring")
    assert companies.company_filter_options(engine, consultant) == {
        "industry": ["Bager og kiosk", "Rengøring"], "municipality": ["Brøndby", "Esbjerg"]}


def test_profile_shows_contacts_newest_first_and_placements_and_logs_the_view(engine, consultant):
    company_id = make_company(engine, consultant)
    aisha = make_citizen(engine, consultant)
    make_placement(engine, citizen_id=aisha, company_id=company_id)
    companies.log_contact(engine, consultant, company_id=company_id, channel="phone",
                          contacted_at=at(date(2026, 11, 2)), outcome="no_answer")
    companies.log_contact(engine, consultant, company_id=company_id, channel="visit",
                          citizen_id=aisha, contacted_at=at(date(2026, 11, 3)),
                          outcome="placement_agreed", note="Starter mandag")
    profile = companies.company_profile(engine, consultant, company_id)
    assert profile.company.name == "Strandens Bageri ApS"
    assert profile.contacts["outcome"].tolist() == ["placement_agreed", "no_answer"]
    assert profile.contacts["citizen"].tolist()[0] == "Aisha Benali"
    assert profile.contacts["staff_initials"].tolist() == ["CO", "CO"]
    assert profile.placements[["citizen", "kind"]].values.tolist() == [
        ["Aisha Benali", "virksomhedspraktik"]]
    with Session(engine) as session:
        views = session.exec(select(AuditLog.detail).where(AuditLog.action == "view",
                                                           AuditLog.table_name == "company")).all()
    assert views == [f"citizens={aisha}"]


def test_profile_hides_the_names_of_another_teams_citizens(engine, actor_factory):
    mine, theirs, leader = (actor_factory("consultant"), actor_factory("consultant"),
                            actor_factory("leader"))
    company_id = make_company(engine, mine)
    stranger = make_citizen(engine, theirs, "Omar", "Karimi")
    make_placement(engine, citizen_id=stranger, company_id=company_id)
    companies.log_contact(engine, theirs, company_id=company_id, channel="phone",
                          citizen_id=stranger)
    seen_by_me = companies.company_profile(engine, mine, company_id)
    assert seen_by_me.contacts["citizen"].isna().all()
    assert seen_by_me.placements["citizen"].isna().all()
    assert seen_by_me.placements["citizen_id"].tolist() == [stranger]
    seen_by_leader = companies.company_profile(engine, leader, company_id)
    assert seen_by_leader.placements["citizen"].tolist() == ["Omar Karimi"]


def test_profile_of_a_missing_company_is_refused(engine, consultant):
    with pytest.raises(ValidationError):
        companies.company_profile(engine, consultant, 999)


def test_top_companies_counts_distinct_citizens_since_a_date(engine, consultant):
    bakery = make_company(engine, consultant, name="Strandens Bageri ApS", industry="Bager og kiosk")
    cafe = make_company(engine, consultant, name="Strand Café", industry="Køkken og kantine")
    make_company(engine, consultant, name="Grøn Have Anlæg")
    citizens = [make_citizen(engine, consultant, first, "Hansen") for first in ("Al", "Bo", "Cy")]
    for citizen_id in citizens:
        make_placement(engine, citizen_id=citizen_id, company_id=cafe, start=date(2026, 3, 1))
    for citizen_id in citizens[:2] * 2:  # two citizens, twice each
        make_placement(engine, citizen_id=citizen_id, company_id=bakery, start=date(2026, 10, 1))
    top = companies.top_companies(engine, consultant)
    assert top[["company", "industry", "citizens"]].values.tolist() == [
        ["Strand Café", "Køkken og kantine", 3], ["Strandens Bageri ApS", "Bager og kiosk", 2]]
    since = companies.top_companies(engine, consultant, since=date(2026, 6, 1))
    assert since["company"].tolist() == ["Strandens Bageri ApS"]
    assert companies.top_companies(engine, consultant, limit=1)["id"].tolist() == [cafe]


def test_not_contacted_lists_agreements_silent_for_n_days_or_never_contacted(engine, consultant):
    never = make_company(engine, consultant, name="Aldrig Ringet ApS", agreement_kind="samarbejdsaftale")
    old = make_company(engine, consultant, name="Gammel Kontakt", agreement_kind="virksomhedscenter")
    edge = make_company(engine, consultant, name="Præcis 60 Dage", agreement_kind="partnerskabsaftale")
    recent = make_company(engine, consultant, name="Ringet For Nylig", agreement_kind="samarbejdsaftale")
    no_deal = make_company(engine, consultant, name="Uden Aftale", agreement_kind="none")
    companies.log_contact(engine, consultant, company_id=old, channel="phone",
                          contacted_at=at(TODAY - timedelta(days=200)))
    companies.log_contact(engine, consultant, company_id=old, channel="visit",
                          contacted_at=at(TODAY - timedelta(days=90)))
    companies.log_contact(engine, consultant, company_id=edge, channel="phone",
                          contacted_at=at(TODAY - timedelta(days=60)))
    companies.log_contact(engine, consultant, company_id=recent, channel="phone",
                          contacted_at=at(TODAY - timedelta(days=59)))
    silent = companies.not_contacted(engine, consultant, days=60, today=TODAY)
    assert silent["id"].tolist() == [never, old, edge]
    assert silent["days_since"].tolist() == [pd.NA, 90, 60]
    assert silent["last_contact"].tolist() == [None, TODAY - timedelta(days=90),
                                               TODAY - timedelta(days=60)]
    assert no_deal not in silent["id"].tolist() and recent not in silent["id"].tolist()
    assert companies.not_contacted(engine, consultant, days=61, today=TODAY)["id"].tolist() == \
        [never, old]


def test_not_contacted_needs_at_least_one_day(engine, consultant):
    with pytest.raises(ValidationError) as refused:
        companies.not_contacted(engine, consultant, days=0, today=TODAY)
    assert refused.value.key == "error.days_positive"


# --- contacts and next steps --------------------------------------------------------------------

def test_log_contact_records_the_consultant_and_the_citizen(engine, consultant):
    company_id = make_company(engine, consultant)
    aisha = make_citizen(engine, consultant)
    contact_id = companies.log_contact(engine, consultant, company_id=company_id, channel="meeting",
                                       citizen_id=aisha, outcome="interested",
                                       note=" Vil gerne møde hende ", next_step="Ring fredag",
                                       next_step_date=date(2099, 1, 2))
    with Session(engine) as session:
        contact = session.get(Contact, contact_id)
        logged = session.exec(select(AuditLog.detail).where(AuditLog.table_name == "contact",
                                                            AuditLog.action == "create")).one()
    assert (contact.staff_id, contact.citizen_id, contact.channel, contact.outcome) == \
        (consultant.staff_id, aisha, "meeting", "interested")
    assert (contact.note, contact.next_step, contact.next_step_date) == \
        ("Vil gerne møde hende", "Ring fredag", date(2099, 1, 2))
    assert logged == f"company={company_id} citizen={aisha}"


@pytest.fixture
def due_list(engine, actor_factory):
    """Contacts by two consultants of one team and one of another, with next steps around TODAY."""
    me = actor_factory("consultant")
    colleague = actor_factory("consultant", team_id=me.team_id)
    other_team = actor_factory("consultant")
    company_id = make_company(engine, me)
    monday = at(TODAY - timedelta(days=10))

    def step(actor, text, days, **kw):
        return companies.log_contact(engine, actor, company_id=company_id, channel="phone",
                                     contacted_at=monday, next_step=text,
                                     next_step_date=TODAY + timedelta(days=days), **kw)

    ids = {
        "overdue": step(me, "Send kontrakt", -2),
        "today": step(me, "Ring om opstart", 0),
        "in_a_week": step(me, "Besøg", 7),
        "too_far": step(me, "Evaluering", 8),
        "colleague": step(colleague, "Kollegas opfølgning", 1),
        "other_team": step(other_team, "Andet team", 1),
    }
    companies.log_contact(engine, me, company_id=company_id, channel="email", contacted_at=monday,
                          next_step="Uden dato")
    return me, ids


def test_next_steps_due_for_a_consultant_at_a_fixed_today(engine, due_list):
    me, ids = due_list
    due = companies.next_steps_due(engine, me, today=TODAY, staff_id=me.staff_id)
    assert due["id"].tolist() == [ids["overdue"], ids["today"], ids["in_a_week"]]
    assert due["overdue"].tolist() == [True, False, False]
    assert due["next_step"].tolist() == ["Send kontrakt", "Ring om opstart", "Besøg"]
    assert set(due["company"]) == {"Strandens Bageri ApS"}


def test_next_steps_due_for_the_team_leaves_out_other_teams(engine, due_list):
    me, ids = due_list
    due = companies.next_steps_due(engine, me, today=TODAY, days_ahead=1)
    assert due["id"].tolist() == [ids["overdue"], ids["today"], ids["colleague"]]


def test_a_leader_sees_every_teams_next_steps(engine, due_list, actor_factory):
    _, ids = due_list
    due = companies.next_steps_due(engine, actor_factory("leader"), today=TODAY, days_ahead=1)
    assert set(due["id"]) == {ids["overdue"], ids["today"], ids["colleague"], ids["other_team"]}


def test_a_completed_next_step_leaves_the_list(engine, due_list):
    me, ids = due_list
    companies.complete_next_step(engine, me, ids["overdue"])
    due = companies.next_steps_due(engine, me, today=TODAY, staff_id=me.staff_id)
    assert ids["overdue"] not in due["id"].tolist()
    with Session(engine) as session:
        assert session.get(Contact, ids["overdue"]).next_step_done_at is not None
    with pytest.raises(ValidationError) as refused:
        companies.complete_next_step(engine, me, ids["overdue"])
    assert refused.value.key == "error.contact_step_already_done"


@pytest.mark.parametrize("fields, key", [
    ({"note": "cpr 010190-1234"}, "error.cpr_in_text"),
    ({"next_step": "Ring om 0101901234"}, "error.cpr_in_text"),
    ({"channel": "sms"}, "error.contact_unknown_channel"),
    ({"outcome": "maybe"}, "error.contact_unknown_outcome"),
    ({"next_step_date": date(2026, 11, 1)}, "error.contact_next_step_before"),
    ({"company_id": 999}, "error.not_found"),
])
def test_log_contact_refuses_bad_input_and_writes_nothing(engine, consultant, fields, key):
    company_id = make_company(engine, consultant)
    arguments = {"company_id": company_id, "channel": "phone",
                 "contacted_at": at(date(2026, 11, 2)), **fields}
    with pytest.raises(ValidationError) as refused:
        companies.log_contact(engine, consultant, **arguments)
    assert refused.value.key == key
    assert count(engine, Contact) == 0


def test_log_contact_about_another_teams_citizen_is_refused(engine, actor_factory):
    mine, theirs = actor_factory("consultant"), actor_factory("consultant")
    company_id = make_company(engine, mine)
    stranger = make_citizen(engine, theirs, "Omar", "Karimi")
    with pytest.raises(ValidationError) as refused:
        companies.log_contact(engine, mine, company_id=company_id, channel="phone",
                              citizen_id=stranger)
    assert refused.value.key == "error.contact_citizen_not_visible"
    assert count(engine, Contact) == 0


@pytest.mark.parametrize("role", ["caseworker", "mentor", "screen"])
def test_read_only_roles_cannot_change_companies_or_log_contacts(engine, actor_factory, role):
    consultant = actor_factory("consultant")
    company_id = make_company(engine, consultant)
    contact_id = companies.log_contact(engine, consultant, company_id=company_id, channel="phone",
                                       next_step="Ring", next_step_date=date(2099, 1, 1))
    reader = actor_factory(role)
    attempts = [
        lambda: companies.create_company(engine, reader, name="Ny ApS"),
        lambda: companies.update_company(engine, reader, company_id, expected_version=1,
                                                name="Nyt navn"),
        lambda: companies.log_contact(engine, reader, company_id=company_id, channel="phone"),
        lambda: companies.complete_next_step(engine, reader, contact_id),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    assert (count(engine, Company), count(engine, Contact)) == (1, 1)


def test_the_meeting_screen_cannot_read_companies(engine, actor_factory):
    screen = actor_factory("screen")
    with pytest.raises(AccessDenied):
        companies.list_companies(engine, screen)
    with pytest.raises(AccessDenied):
        companies.next_steps_due(engine, screen, today=TODAY)


@pytest.mark.parametrize("role", ["caseworker", "mentor"])
def test_caseworkers_and_mentors_read_the_list_and_profile(engine, actor_factory, role):
    consultant = actor_factory("consultant")
    company_id = make_company(engine, consultant)
    reader = actor_factory(role, team_id=consultant.team_id)
    assert companies.list_companies(engine, reader)["id"].tolist() == [company_id]
    assert companies.company_profile(engine, reader, company_id).company.id == company_id


def test_next_step_counts_split_due_today_from_overdue(engine, consultant):
    company_id = make_company(engine, consultant)
    for offset in (-2, -1, 0, 3):
        companies.log_contact(engine, consultant, company_id=company_id, channel="phone",
                              contacted_at=at(TODAY - timedelta(days=5)), next_step="Ring igen",
                              next_step_date=TODAY + timedelta(days=offset))
    assert companies.next_step_counts(engine, consultant, today=TODAY,
                                      staff_id=consultant.staff_id) == {"due_today": 1,
                                                                        "overdue": 2}
    assert companies.next_step_counts(engine, consultant, today=TODAY, staff_id=-1) == {
        "due_today": 0, "overdue": 0}


# --- pages and pickers for many companies --------------------------------------------------------

@pytest.mark.parametrize("limit, offset, expected", [
    (2, 0, ["Anker VVS", "Bager Bo"]),
    (2, 2, ["Cafe Cirkel"]),
    (5, 0, ["Anker VVS", "Bager Bo", "Cafe Cirkel"]),
])
def test_a_page_of_companies_counts_only_its_own_and_knows_the_total(engine, consultant, limit,
                                                                      offset, expected):
    ids = {name: make_company(engine, consultant, name=name)
           for name in ("Cafe Cirkel", "Bager Bo", "Anker VVS")}
    citizen_id = make_citizen(engine, consultant)
    for name in ("Bager Bo", "Bager Bo", "Cafe Cirkel"):
        make_placement(engine, citizen_id=citizen_id, company_id=ids[name])
    page = companies.company_page(engine, consultant, limit=limit, offset=offset)
    assert (page.rows["name"].tolist(), page.total) == (expected, 3)
    everything = companies.list_companies(engine, consultant).set_index("id")
    for row in page.rows.itertuples():
        assert (row.placements, row.citizens) == tuple(
            everything.loc[row.id, ["placements", "citizens"]])


@pytest.mark.parametrize("query, include, expected, total", [
    ("", (), ["Anker VVS", "Bager Bo"], 3),
    ("", ("Cafe Cirkel",), ["Anker VVS", "Bager Bo", "Cafe Cirkel"], 3),  # the current choice stays
    ("cirkel", (), ["Cafe Cirkel"], 1),
    ("12345678", (), [], 0),
])
def test_a_company_picker_offers_the_first_by_name_and_finds_the_rest(engine, consultant, query,
                                                                      include, expected, total):
    ids = {name: make_company(engine, consultant, name=name)
           for name in ("Cafe Cirkel", "Bager Bo", "Anker VVS")}
    page = companies.company_choice_page(engine, consultant, query=query, limit=2,
                                         include=tuple(ids[name] for name in include))
    assert (page.rows["name"].tolist(), page.total) == (expected, total)
