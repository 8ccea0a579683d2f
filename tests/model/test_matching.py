"""Company matching: each reason moves the rank as documented, ties go by name then id, a recent
contact about the citizen is a penalty; the loaders on SQLite and PostgreSQL, team-scoped, in a
fixed number of queries; the one-step contact."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import permutations

import pytest
from sqlalchemy import event
from sqlmodel import Session, func, select

from model import clock, matching
from model.clock import LOCAL_TZ
from model.errors import AccessDenied, ValidationError
from model.matching import WEIGHTS, CitizenFacts, CompanyFacts
from model.tables import AuditLog, Citizen, Company, Contact, HousingArea, Placement

TODAY = date(2026, 9, 22)
CITIZEN = CitizenFacts(id=1, name="Aisha Benali", wishes=("lager og logistik",),
                       qualifications=("truckcertifikat",), municipality="Brøndby")
# A company that fits nothing: no matching industry, no agreement, elsewhere, one free place.
PLAIN = CompanyFacts(id=0, name="", industry="Kontor og administration", municipality="Fredericia")


def pair(changed: dict, *, penalty: bool = False) -> tuple[CompanyFacts, CompanyFacts]:
    """Two companies alike but for `changed`; by name alone the changed one would come second
    (or first, for a penalty), so only the reason can put it where the test expects."""
    changed_name, plain_name = ("Alfa", "Beta") if penalty else ("Beta", "Alfa")
    return (replace(PLAIN, id=2, name=changed_name, **changed),
            replace(PLAIN, id=1, name=plain_name))


# --- the pure ranking ---------------------------------------------------------------------------

@pytest.mark.parametrize("changed, citizen, code, points", [
    ({"industry": "Lager og logistik"}, replace(CITIZEN, qualifications=()), "wish", WEIGHTS["wish"]),
    ({"industry": "Lager og logistik"}, replace(CITIZEN, wishes=()), "qualification",
     WEIGHTS["qualification"]),
    ({"agreement_kind": "samarbejdsaftale"}, CITIZEN, "agreement", WEIGHTS["agreement"]),
    ({"housing_supplier": True}, CITIZEN, "housing_supplier", WEIGHTS["housing_supplier"]),
    ({"job_results": 2}, CITIZEN, "job_result", 2 * WEIGHTS["job_result"]),
    ({"job_results": 7}, CITIZEN, "job_result", matching.JOB_RESULTS_COUNTED * WEIGHTS["job_result"]),
    ({"municipality": "brøndby "}, CITIZEN, "same_municipality", WEIGHTS["same_municipality"]),
])
def test_each_reason_lifts_the_company_by_its_weight(changed, citizen, code, points):
    better, plain = pair(changed)
    ranked = matching.rank_companies(citizen, [plain, better])
    assert [s.company for s in ranked] == ["Beta", "Alfa"]
    assert ranked[0].score - ranked[1].score == points
    assert code in [r.code for r in ranked[0].reasons]
    assert code not in [r.code for r in ranked[1].reasons]


def test_a_full_company_loses_the_room_bonus_and_gets_the_no_room_penalty():
    full, free = pair({"open_placements": 1}, penalty=True)  # capacity 1 without an agreement
    full, free = (replace(c, industry="Lager og logistik") for c in (full, free))
    ranked = matching.rank_companies(replace(CITIZEN, qualifications=()), [full, free])
    assert [s.company for s in ranked] == ["Beta", "Alfa"]
    assert ranked[0].score - ranked[1].score == WEIGHTS["room"] - WEIGHTS["no_room"]
    assert [(r.code, r.params) for r in ranked[1].reasons] == [
        ("wish", {"tags": "lager og logistik"}), ("no_room", {"taken": 1, "capacity": 1})]


@pytest.mark.parametrize("agreement_kind, taken, code", [
    ("none", 0, "room"), ("none", 1, "no_room"),
    ("samarbejdsaftale", 1, "room"), ("samarbejdsaftale", 2, "no_room"),
    ("partnerskabsaftale", 2, "room"), ("virksomhedscenter", 4, "room"),
    ("virksomhedscenter", 5, "no_room"),
])
def test_room_is_counted_against_the_capacity_of_the_agreement(agreement_kind, taken, code):
    company = replace(PLAIN, agreement_kind=agreement_kind, open_placements=taken)
    reasons = {r.code: r for r in matching.reasons_for(CITIZEN, company)}
    assert reasons[code].params == {"taken": taken, "capacity": matching.CAPACITY[agreement_kind]}


@pytest.mark.parametrize("days, penalised", [(0, True), (5, True), (29, True), (30, False),
                                             (None, False)])
def test_a_contact_about_the_citizen_within_30_days_is_a_penalty(days, penalised):
    contacted, other = pair({"industry": "Lager og logistik"}, penalty=True)
    other = replace(other, industry="Lager og logistik")
    ranked = matching.rank_companies(CITIZEN, [other, contacted],
                                     contacted={} if days is None else {contacted.id: days})
    # Alike but for the contact: without a penalty the tie goes to Alfa by name.
    assert [s.company for s in ranked] == (["Beta", "Alfa"] if penalised else ["Alfa", "Beta"])
    assert ranked[0].score - ranked[1].score == (-WEIGHTS["recent_contact"] if penalised else 0)
    codes = [r.code for s in ranked for r in s.reasons]
    assert codes.count("recent_contact") == (1 if penalised else 0)


def test_a_wish_outweighs_everything_a_company_scores_on_its_own_facts():
    best_own = replace(PLAIN, id=1, name="Alfa", agreement_kind="virksomhedscenter",
                       housing_supplier=True, job_results=10)
    wished = replace(PLAIN, id=2, name="Beta", industry="Lager og logistik")
    ranked = matching.rank_companies(replace(CITIZEN, qualifications=()), [best_own, wished])
    assert [s.company for s in ranked] == ["Beta", "Alfa"]


def test_ties_go_by_name_then_id_whatever_the_input_order():
    alike = [replace(PLAIN, id=3, name="beta"), replace(PLAIN, id=9, name="Alfa"),
             replace(PLAIN, id=4, name="alfa"), replace(PLAIN, id=1, name="Gamma")]
    orders = {tuple((s.company, s.company_id) for s in matching.rank_companies(CITIZEN, order))
              for order in permutations(alike)}
    assert orders == {(("alfa", 4), ("Alfa", 9), ("beta", 3), ("Gamma", 1))}


def test_reasons_come_strongest_first_with_penalties_last():
    company = replace(PLAIN, industry="Lager og logistik", agreement_kind="virksomhedscenter",
                      housing_supplier=True, job_results=1, municipality="Brøndby")
    reasons = matching.reasons_for(CITIZEN, company, days_since_contact=5)
    assert [r.code for r in reasons] == sorted(
        ["wish", "qualification", "agreement", "housing_supplier", "job_result", "room",
         "same_municipality", "recent_contact"], key=lambda code: -WEIGHTS[code])
    assert reasons[0].params == {"tags": "lager og logistik"}
    assert reasons[-1].params == {"days": 5}
    assert matching.rank_companies(CITIZEN, [company], contacted={0: 5})[0].score \
        == sum(r.points for r in reasons)


def test_companies_without_a_positive_score_are_left_out_and_the_limit_cuts():
    contacted = replace(PLAIN, id=1, name="Ringet i går")   # room +10, contact -30
    fits = [replace(PLAIN, id=i, name=f"Lager {i}", industry="Lager og logistik")
            for i in range(2, 9)]
    ranked = matching.rank_companies(CITIZEN, [contacted, *fits], contacted={1: 1}, limit=5)
    assert [s.company_id for s in ranked] == [2, 3, 4, 5, 6]


def test_citizens_for_a_company_count_only_their_own_reasons_and_must_fit():
    company = replace(PLAIN, id=5, name="Kirkebjerg Lager", industry="Lager og logistik",
                      agreement_kind="virksomhedscenter", municipality="Brøndby")
    wish = CitizenFacts(id=1, name="Ali Hansen", wishes=("lager",), municipality="Brøndby")
    truck = CitizenFacts(id=2, name="Bo Jensen", qualifications=("Truckcertifikat",),
                         municipality="Brøndby")
    contacted = CitizenFacts(id=3, name="Ali Demir", wishes=("lager",), municipality="Brøndby")
    neighbour = CitizenFacts(id=4, name="Ida Olsen", wishes=("pleje",), municipality="Brøndby")
    ranked = matching.rank_citizens(company, [neighbour, truck, contacted, wish],
                                    contacted={3: 2})
    assert [(s.citizen, s.score) for s in ranked] == [
        ("Ali Hansen", WEIGHTS["wish"] + WEIGHTS["same_municipality"]),
        ("Bo Jensen", WEIGHTS["qualification"] + WEIGHTS["same_municipality"]),
        ("Ali Demir", WEIGHTS["wish"] + WEIGHTS["same_municipality"] + WEIGHTS["recent_contact"]),
    ]
    assert {r.code for s in ranked for r in s.reasons} <= set(matching.CITIZEN_REASONS)


@pytest.mark.parametrize("tag, industry, fits", [
    ("lager og logistik", "Lager og logistik", True),
    ("lager", "Lager og logistik", True),
    ("byg", "Byggeri", True),
    ("kantine og køkken", "Køkken & kantine", True),
    ("pleje og omsorg", "Pleje", True),
    ("Rengøring", "rengøring", True),
    ("lager og logistik", "Transport og logistik", False),
    ("is", "Isenkram", False),
    ("detail", "Byggeri", False),
    ("", "Byggeri", False),
    ("byggeri", "", False),
])
def test_a_tag_names_an_industry_by_its_words(tag, industry, fits):
    assert matching.tag_matches_industry(tag, industry) is fits


@pytest.mark.parametrize("qualification, industry, fits", [
    ("truckcertifikat", "Lager og logistik", True),
    ("Kørekort  B", "Transport", True),
    ("hygiejnebevis", "Kantine og køkken", True),
    ("svejsecertifikat", "Industri", True),
    ("rengøring", "Rengøring", True),
    ("hygiejnebevis", "Byggeri", False),
    ("dansk 2", "Detail", False),
])
def test_a_qualification_fits_the_industries_it_is_used_in(qualification, industry, fits):
    assert matching.qualification_fits(qualification, industry) is fits


# --- the loaders, on SQLite and PostgreSQL ------------------------------------------------------

def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


@pytest.fixture
def world(engine, actor_factory):
    """A consultant's team with two citizens, another team's citizen, and five companies."""
    consultant = actor_factory("consultant")
    other_team = actor_factory("consultant").team_id
    with Session(engine) as session:
        area = HousingArea(name="Brøndby Strand", municipality="Brøndby")
        session.add(area)
        session.flush()
        aisha = Citizen(first_name="Aisha", last_name="Benali", birth_year=1990,
                        team_id=consultant.team_id, housing_area_id=area.id,
                        wishes=["lager og logistik"], qualifications=["truckcertifikat"])
        omar = Citizen(first_name="Omar", last_name="Hussein", birth_year=1985,
                       team_id=consultant.team_id, wishes=["lager"])
        placed = Citizen(first_name="Ida", last_name="Larsen", birth_year=1992,
                         team_id=consultant.team_id, wishes=["lager"])
        elsewhere = Citizen(first_name="Sara", last_name="Thomsen", birth_year=1991,
                            team_id=other_team, wishes=["lager"])
        lager = Company(name="Kirkebjerg Lager A/S", industry="Lager og logistik",
                        municipality="Brøndby", agreement_kind="virksomhedscenter")
        logistik = Company(name="Vestegnens Logistik", industry="Lager og logistik",
                           municipality="Hvidovre")
        kantine = Company(name="Brøndby Kantine", industry="Kantine og køkken",
                          municipality="Brøndby", agreement_kind="samarbejdsaftale")
        kontor = Company(name="Nørregårds Kontorservice", industry="Kontor og administration")
        current = Company(name="Strandens Lager", industry="Lager og logistik",
                          municipality="Brøndby", agreement_kind="partnerskabsaftale")
        session.add_all([aisha, omar, placed, elsewhere, lager, logistik, kantine, kontor,
                         current])
        session.flush()
        session.add_all([
            # Two earlier placements at the kitchen ended in a job; one at the small warehouse.
            *[Placement(citizen_id=omar.id, company_id=kantine.id, kind="virksomhedspraktik",
                        start_date=TODAY - timedelta(days=200), status="completed",
                        result=result) for result in ("ordinary_job", "education", "other")],
            # Vestegnens Logistik (capacity 1) has someone in placement now.
            Placement(citizen_id=placed.id, company_id=logistik.id, kind="virksomhedspraktik",
                      start_date=TODAY - timedelta(days=10), status="active"),
            # Aisha is in placement at Strandens Lager already.
            Placement(citizen_id=aisha.id, company_id=current.id, kind="virksomhedspraktik",
                      start_date=TODAY - timedelta(days=3), status="active"),
            # Kirkebjerg was called about Aisha 5 days ago, and about Omar 40 days ago.
            Contact(company_id=lager.id, citizen_id=aisha.id,
                    contacted_at=moment(TODAY - timedelta(days=5))),
            Contact(company_id=lager.id, citizen_id=omar.id,
                    contacted_at=moment(TODAY - timedelta(days=40))),
            # A contact with the kitchen about nobody in particular is no penalty.
            Contact(company_id=kantine.id, contacted_at=moment(TODAY - timedelta(days=1))),
        ])
        session.commit()
        ids = {name: row.id for name, row in [
            ("aisha", aisha), ("omar", omar), ("placed", placed), ("elsewhere", elsewhere),
            ("lager", lager), ("logistik", logistik), ("kantine", kantine), ("kontor", kontor),
            ("current", current)]}
    return consultant, ids


def test_companies_for_a_citizen_are_ranked_from_the_database(engine, world):
    consultant, ids = world
    ranked = matching.companies_for_citizen(engine, consultant, ids["aisha"], today=TODAY)
    w = WEIGHTS
    assert [(s.company, s.score) for s in ranked] == [
        ("Kirkebjerg Lager A/S", w["wish"] + w["qualification"] + w["agreement"] + w["room"]
         + w["same_municipality"] + w["recent_contact"]),
        ("Vestegnens Logistik", w["wish"] + w["qualification"] + w["no_room"]),
        ("Brøndby Kantine", w["agreement"] + 2 * w["job_result"] + w["room"]
         + w["same_municipality"]),
        ("Nørregårds Kontorservice", w["room"]),
    ]
    assert "Strandens Lager" not in [s.company for s in ranked]  # she is placed there now
    reasons = {s.company: {r.code: r.params for r in s.reasons} for s in ranked}
    assert reasons["Kirkebjerg Lager A/S"]["recent_contact"] == {"days": 5}
    assert reasons["Kirkebjerg Lager A/S"]["room"] == {"taken": 0, "capacity": 5}
    assert reasons["Vestegnens Logistik"]["no_room"] == {"taken": 1, "capacity": 1}
    assert reasons["Brøndby Kantine"]["job_result"] == {"n": 2}
    assert reasons["Brøndby Kantine"]["same_municipality"] == {"municipality": "Brøndby"}
    assert {s.citizen_id for s in ranked} == {ids["aisha"]}
    assert [s.company for s in matching.companies_for_citizen(
        engine, consultant, ids["aisha"], today=TODAY, limit=2)] == [
        "Kirkebjerg Lager A/S", "Vestegnens Logistik"]


def test_citizens_for_a_company_are_the_teams_fitting_citizens_without_a_placement(engine, world):
    consultant, ids = world
    ranked = matching.citizens_for_company(engine, consultant, ids["lager"], today=TODAY)
    # Aisha is placed elsewhere, Ida is in placement, Sara is in another team; Omar's contact
    # was 40 days ago and is no penalty.
    assert [(s.citizen, s.score) for s in ranked] == [("Omar Hussein", WEIGHTS["wish"])]
    assert [r.code for r in ranked[0].reasons] == ["wish"]


def test_a_leader_sees_every_teams_citizens(engine, world, actor_factory):
    _, ids = world
    leader = actor_factory("leader")
    ranked = matching.citizens_for_company(engine, leader, ids["lager"], today=TODAY)
    assert [s.citizen for s in ranked] == ["Omar Hussein", "Sara Thomsen"]


def test_another_teams_citizen_gets_no_suggestions(engine, world):
    consultant, ids = world
    with pytest.raises(ValidationError) as refused:
        matching.companies_for_citizen(engine, consultant, ids["elsewhere"], today=TODAY)
    assert refused.value.key == "error.not_found"
    with pytest.raises(ValidationError):
        matching.citizens_for_company(engine, consultant, 999_999, today=TODAY)


@pytest.mark.parametrize("role", ["screen"])
def test_roles_without_read_access_get_nothing(engine, world, actor_factory, role):
    _, ids = world
    with pytest.raises(AccessDenied):
        matching.companies_for_citizen(engine, actor_factory(role), ids["aisha"])
    with pytest.raises(AccessDenied):
        matching.citizens_for_company(engine, actor_factory(role), ids["lager"])


def test_the_views_are_logged_with_what_was_shown(engine, world):
    consultant, ids = world
    matching.companies_for_citizen(engine, consultant, ids["aisha"], today=TODAY)
    matching.citizens_for_company(engine, consultant, ids["lager"], today=TODAY)
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.table_name, AuditLog.row_id, AuditLog.detail)
                              .where(AuditLog.action == "view_matches")
                              .order_by(AuditLog.id)).all()
    assert logged == [
        ("citizen", ids["aisha"], "companies=" + ",".join(str(ids[n]) for n in (
            "lager", "logistik", "kantine", "kontor"))),
        ("company", ids["lager"], f"citizens={ids['omar']}"),
    ]


def test_the_loaders_need_the_same_few_queries_for_many_companies(engine, world):
    consultant, ids = world
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def queries() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            matching.companies_for_citizen(engine, consultant, ids["aisha"], today=TODAY)
            matching.citizens_for_company(engine, consultant, ids["lager"], today=TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    with Session(engine) as session:
        session.add_all([Company(name=f"Lager {i}", industry="Lager og logistik")
                         for i in range(40)])
        session.add_all([Citizen(first_name="Ny", last_name=f"Borger {i}", birth_year=1990,
                                 team_id=consultant.team_id, wishes=["lager"]) for i in range(40)])
        session.commit()
    assert queries() == few <= 8


# --- the one-step contact -----------------------------------------------------------------------

def contacts(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(Contact.company_id, Contact.citizen_id, Contact.staff_id,
                                   Contact.channel, Contact.outcome, Contact.next_step_date)
                            .order_by(Contact.id)).all()


def test_one_step_logs_a_phone_contact_about_the_citizen(engine, world):
    consultant, ids = world
    before = contacts(engine)
    contact_id = matching.log_contact_about(engine, consultant, company_id=ids["kontor"],
                                            citizen_id=ids["omar"])
    assert contacts(engine) == [*before, (ids["kontor"], ids["omar"], consultant.staff_id,
                                          "phone", "", None)]
    with Session(engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.table_name == "contact",
                                                    AuditLog.row_id == contact_id)).one()
    assert (audit.action, audit.detail) == ("create", f"company={ids['kontor']} "
                                                      f"citizen={ids['omar']}")


def test_the_contact_moves_the_company_down_for_that_citizen(engine, world):
    consultant, ids = world
    today = clock.today()  # the one-step contact is logged now
    first = matching.companies_for_citizen(engine, consultant, ids["omar"], today=today)
    top = first[0]
    assert top.company == "Kirkebjerg Lager A/S"  # ties with Strandens Lager, wins by name
    matching.log_contact_about(engine, consultant, company_id=top.company_id,
                               citizen_id=ids["omar"])
    again = matching.companies_for_citizen(engine, consultant, ids["omar"], today=today)
    assert again[0].company == "Strandens Lager"
    moved = next(s for s in again if s.company_id == top.company_id)
    assert moved.score == top.score + WEIGHTS["recent_contact"]
    assert ("recent_contact", {"days": 0}) in [(r.code, r.params) for r in moved.reasons]


@pytest.mark.parametrize("role", ["caseworker", "mentor"])
def test_roles_without_contact_write_are_refused_and_nothing_is_written(engine, world,
                                                                        actor_factory, role):
    consultant, ids = world
    before = contacts(engine)
    with pytest.raises(AccessDenied):
        matching.log_contact_about(engine, actor_factory(role, team_id=consultant.team_id),
                                   company_id=ids["lager"], citizen_id=ids["omar"])
    assert contacts(engine) == before


def test_a_contact_about_another_teams_citizen_is_refused(engine, world):
    consultant, ids = world
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(Contact)).one()
    with pytest.raises(ValidationError):
        matching.log_contact_about(engine, consultant, company_id=ids["lager"],
                                   citizen_id=ids["elsewhere"])
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Contact)).one() == before
