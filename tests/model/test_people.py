"""Citizens: validation, the CPR guard, search and filters within the actor's team, the profile,
edits with a version check, and the timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from model import clock, people, timeline, validation
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import (
    AuditLog,
    AuditSubject,
    Citizen,
    Company,
    Contact,
    FollowUp,
    HousingArea,
    Initiative,
    Outcome,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    Staff,
    StageChange,
)

# A dagpenge end date within the allowed range (a year back to three ahead) whatever today is.
DAGPENGE_END = clock.today() + timedelta(days=150)


@pytest.mark.parametrize("text, found", [
    ("010190-1234", True),
    ("ring om 3112991234 i morgen", True),
    ("cpr 150875 1234", True),
    ("tlf 43282579", False),
    ("321390-1234", False),  # day 32 is no date
    ("uge 39, 16 af 24", False),
    ("", False),
])
def test_contains_cpr(text, found):
    assert validation.contains_cpr(text) is found


def create(engine, actor, **fields):
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, actor, **fields)
        session.commit()
        return citizen.id


@pytest.mark.parametrize("fields, key", [
    ({"first_name": " ", "last_name": "Hansen", "birth_year": 1990}, "error.citizen_name_required"),
    ({"first_name": "Bo", "last_name": "010190-1234", "birth_year": 1990}, "error.cpr_in_text"),
    ({"first_name": "Bo", "last_name": "Hansen", "birth_year": 1900}, "error.birth_year"),
    ({"first_name": "Bo", "last_name": "Hansen", "birth_year": 2024}, "error.birth_year"),
    ({"first_name": "Bo", "last_name": "Hansen", "birth_year": 1990, "benefit_type": "løn"},
     "error.unknown_benefit"),
])
def test_create_citizen_refuses_bad_input(engine, actor_factory, fields, key):
    with pytest.raises(ValidationError) as refused:
        create(engine, actor_factory("consultant"), **fields)
    assert refused.value.key == key
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Citizen)).one() == 0


def test_mentor_cannot_create_citizens(engine, actor_factory):
    with pytest.raises(AccessDenied):
        create(engine, actor_factory("mentor"), first_name="Bo", last_name="Hansen",
               birth_year=1990)


def test_search_finds_by_name_within_the_team_and_is_logged(engine, actor_factory):
    mine = actor_factory("consultant")
    other = actor_factory("consultant")
    create(engine, mine, first_name="Aisha", last_name="Benali", birth_year=1990)
    create(engine, other, first_name="Aisha", last_name="Hansen", birth_year=1991)
    found = people.search_citizens(engine, mine, "aisha")
    assert found["last_name"].tolist() == ["Benali"]
    leader = actor_factory("leader")
    assert len(people.search_citizens(engine, leader, "AISHA")) == 2
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.id, AuditLog.detail)
                              .where(AuditLog.action == "search").order_by(AuditLog.id)).all()
        shown = [sorted(session.exec(select(AuditSubject.citizen_id)
                                     .where(AuditSubject.audit_id == log_id))) for log_id, _ in logged]
    # The log holds the ids the search showed, not the name typed to find them.
    assert [detail for _, detail in logged] == ["by_name;rows=1", "by_name;rows=2"]
    assert shown == [found["id"].tolist(), sorted(people.search_citizens(engine, leader, "aisha")["id"])]



# Citizens: the form's fields, the list with filters, profile, edits and the timeline ----------

THIS_YEAR = clock.today().year


def add(engine, *rows):
    """Insert rows directly (other areas' tables) and return their ids."""
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def world(engine, actor_factory):
    """Two teams, two areas, two initiatives, a consultant each, and citizens with placements."""
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    strand, vest = add(engine, HousingArea(name="Brøndby Strand", municipality="Brøndby"),
                       HousingArea(name="Vestbyen", municipality="Fredericia"))
    stv, lomme = add(engine, Initiative(name="STV"), Initiative(name="Lommepengejob"))
    colleague = add(engine, Staff(name="Søren Dahl", initials="SD", role="consultant",
                                  team_id=mine.team_id))[0]
    (company,) = add(engine, Company(name="Strand Café"))
    ids = {
        "aisha": people.create_citizen(
            engine, mine, first_name="Aisha", last_name="Benali", birth_year=1990,
            target_group="aktivitetsparat kontanthjælp", benefit_type="kontanthjaelp",
            housing_area_id=strand, initiative_id=stv, consultant_id=mine.staff_id),
        "jonas": people.create_citizen(
            engine, mine, first_name="Jonas", last_name="Madsen", birth_year=THIS_YEAR - 15,
            target_group="unge 13-17", housing_area_id=strand, initiative_id=lomme,
            consultant_id=colleague),
        "mette": people.create_citizen(
            engine, mine, first_name="Mette", last_name="Olsen", birth_year=1975,
            target_group="dagpenge", benefit_type="dagpenge", housing_area_id=vest,
            initiative_id=stv, consultant_id=mine.staff_id, external_ref="J.nr. 2026-118"),
        "omar": people.create_citizen(
            engine, other, first_name="Omar", last_name="Hussein", birth_year=1988,
            target_group="aktivitetsparat kontanthjælp", housing_area_id=strand, initiative_id=stv,
            consultant_id=other.staff_id),
    }
    add(engine,
        Placement(citizen_id=ids["aisha"], company_id=company, kind="virksomhedspraktik",
                  start_date=date(2026, 9, 28), status="active"),
        Placement(citizen_id=ids["mette"], company_id=company, kind="virksomhedspraktik",
                  start_date=date(2026, 1, 5), actual_end_date=date(2026, 3, 1), status="completed"),
        Placement(citizen_id=ids["omar"], company_id=company, kind="loentilskud",
                  start_date=date(2026, 9, 28), status="active"))
    return mine, other, ids, {"strand": strand, "vest": vest, "stv": stv, "lomme": lomme,
                              "colleague": colleague, "company": company}


def first_names(frame) -> list[str]:
    return sorted(frame["first_name"])


@pytest.mark.parametrize("criteria, expected", [
    ({}, ["Aisha", "Jonas", "Mette"]),
    ({"query": "ben"}, ["Aisha"]),
    ({"query": "2026-118"}, ["Mette"]),
    ({"target_group": "unge 13-17"}, ["Jonas"]),
    ({"housing_area_id": "vest"}, ["Mette"]),
    ({"initiative_id": "stv"}, ["Aisha", "Mette"]),
    ({"consultant_id": "colleague"}, ["Jonas"]),
    ({"active_placement": True}, ["Aisha"]),
    ({"active_placement": False}, ["Jonas", "Mette"]),
    ({"initiative_id": "stv", "active_placement": False}, ["Mette"]),
])
def test_list_citizens_filters_within_the_team(engine, actor_factory, criteria, expected):
    mine, _, _, refs = world(engine, actor_factory)
    criteria = {k: refs.get(v, v) if isinstance(v, str) and k.endswith("_id") else v
                for k, v in criteria.items()}
    assert first_names(people.list_citizens(engine, mine, **criteria)) == expected


def test_list_citizens_shows_names_and_the_active_placement_flag(engine, actor_factory):
    mine, _, ids, _ = world(engine, actor_factory)
    listed = people.list_citizens(engine, mine).set_index("id")
    aisha = listed.loc[ids["aisha"]]
    assert (aisha["housing_area"], aisha["initiative"], aisha["consultant"]) == \
        ("Brøndby Strand", "STV", "Test Consultant")
    assert listed["active_placement"].to_dict() == {ids["aisha"]: True, ids["jonas"]: False,
                                                    ids["mette"]: False}


def test_a_leader_lists_every_team(engine, actor_factory):
    world(engine, actor_factory)
    leader = actor_factory("leader")
    assert first_names(people.list_citizens(engine, leader, active_placement=True)) == \
        ["Aisha", "Omar"]


def test_the_list_search_is_logged_with_its_criteria(engine, actor_factory):
    mine, _, ids, refs = world(engine, actor_factory)
    people.list_citizens(engine, mine, query=" Aisha ", housing_area_id=refs["strand"],
                         active_placement=True)
    with Session(engine) as session:
        logged = session.exec(select(AuditLog).where(AuditLog.action == "search")).all()
        shown = session.exec(select(AuditSubject.citizen_id)
                             .where(AuditSubject.audit_id == logged[0].id)).all()
    assert [(row.user_id, row.table_name, row.detail) for row in logged] == [
        (mine.user_id, "citizen",
         f"by_name=True;housing_area_id={refs['strand']};active_placement=True;rows=1")]
    assert shown == [ids["aisha"]]


def test_a_cpr_number_is_refused_as_a_search(engine, actor_factory):
    mine, *_ = world(engine, actor_factory)
    with pytest.raises(ValidationError) as refused:
        people.list_citizens(engine, mine, query="010190-1234")
    assert refused.value.key == "error.cpr_in_text"
    with Session(engine) as session:
        assert session.exec(select(AuditLog).where(AuditLog.action == "search")).all() == []


def test_filter_options_hold_the_teams_choices(engine, actor_factory):
    mine, other, _, refs = world(engine, actor_factory)
    options = people.filter_options(engine, mine)
    assert options["target_groups"].values.tolist() == [
        ["aktivitetsparat kontanthjælp", 1], ["dagpenge", 1], ["unge 13-17", 1]]
    assert options["housing_areas"]["name"].tolist() == ["Brøndby Strand", "Vestbyen"]
    assert options["initiatives"]["name"].tolist() == ["Lommepengejob", "STV"]
    assert sorted(options["consultants"]["id"]) == sorted([mine.staff_id, refs["colleague"]])
    leader_options = people.filter_options(engine, actor_factory("leader"))
    assert other.staff_id in leader_options["consultants"]["id"].tolist()
    assert leader_options["target_groups"].values.tolist()[0] == ["aktivitetsparat kontanthjælp", 2]


def test_tag_suggestions_are_the_teams_tags_most_used_first(engine, actor_factory):
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    for wishes in (["lager", "køkken"], ["køkken"], ["butik"]):
        people.create_citizen(engine, mine, first_name="Bo", last_name="Hansen", birth_year=1990,
                              wishes=wishes, qualifications=["kørekort B"])
    people.create_citizen(engine, other, first_name="Ida", last_name="Holm", birth_year=1990,
                          wishes=["pleje", "pleje2"])
    assert people.tag_suggestions(engine, mine) == {
        "wishes": ["køkken", "butik", "lager"], "qualifications": ["kørekort b"]}


def test_create_citizen_stores_every_field_of_the_form(engine, actor_factory):
    mine = actor_factory("consultant")
    area, initiative = add(engine, HousingArea(name="Korskærparken", municipality="Fredericia"),
                           Initiative(name="Splejseordningen"))
    citizen_id = people.create_citizen(
        engine, mine, first_name=" Mette ", last_name="Olsen", birth_year=1975,
        target_group="dagpenge", benefit_type="dagpenge", match_group=1,
        dagpenge_end_date=DAGPENGE_END, housing_area_id=area, initiative_id=initiative,
        consultant_id=mine.staff_id, wishes=[" tømrer", "Tømrer", "", "maler"],
        qualifications=["kørekort B"], external_ref=" SAG-2026-0042 ")
    with Session(engine) as session:
        stored = session.get(Citizen, citizen_id)
        created = session.exec(select(AuditLog).where(AuditLog.action == "create")).one()
    assert (stored.first_name, stored.match_group, stored.dagpenge_end_date, stored.team_id) == \
        ("Mette", 1, DAGPENGE_END, mine.team_id)
    assert (stored.wishes, stored.qualifications, stored.external_ref) == \
        (["tømrer", "maler"], ["kørekort b"], "SAG-2026-0042")
    assert (created.table_name, created.row_id, created.user_id) == ("citizen", citizen_id, mine.user_id)


VALID = {"first_name": "Bo", "last_name": "Hansen", "birth_year": 1990}


@pytest.mark.parametrize("changes, key", [
    ({"birth_year": THIS_YEAR - 12}, "error.birth_year"),
    ({"birth_year": THIS_YEAR - 101}, "error.birth_year"),
    ({"birth_year": None}, "error.birth_year_number"),
    ({"birth_year": "1990"}, "error.birth_year_number"),
    ({"first_name": "B" * 81}, "error.citizen_text_too_long"),
    ({"last_name": "  "}, "error.citizen_name_required"),
    ({"target_group": "unge 010190-1234"}, "error.cpr_in_text"),
    ({"benefit_type": "løn"}, "error.unknown_benefit"),
    ({"match_group": 4}, "error.match_group"),
    ({"match_group": 0}, "error.match_group"),
    ({"dagpenge_end_date": DAGPENGE_END}, "error.dagpenge_end_without_dagpenge"),
    ({"benefit_type": "kontanthjaelp", "dagpenge_end_date": DAGPENGE_END},
     "error.dagpenge_end_without_dagpenge"),
    ({"wishes": ["lager", "ring 0101901234"]}, "error.cpr_in_text"),
    ({"qualifications": ["150875 1234"]}, "error.cpr_in_text"),
    ({"wishes": ["x" * 41]}, "error.citizen_text_too_long"),
    ({"wishes": [f"ønske {i}" for i in range(21)]}, "error.too_many_tags"),
    ({"external_ref": "010190-1234"}, "error.external_ref_cpr"),
    ({"external_ref": "3112991234"}, "error.external_ref_cpr"),
    ({"external_ref": "999999-9999"}, "error.external_ref_cpr"),  # ten digits: a mistyped CPR
    ({"external_ref": "sag 010190 1234"}, "error.external_ref_cpr"),
    ({"external_ref": "R" * 41}, "error.citizen_text_too_long"),
])
def test_clean_citizen_fields_refuses_bad_input(changes, key):
    with pytest.raises(ValidationError) as refused:
        people.clean_citizen_fields(**(VALID | changes))
    assert refused.value.key == key


@pytest.mark.parametrize("changes, key", [
    ({"external_ref": "010190-1234"}, "error.external_ref_cpr"),
    ({"wishes": ["ring 0101901234"]}, "error.cpr_in_text"),
    ({"housing_area_id": 9999}, "error.citizen_unknown_reference"),
    ({"initiative_id": 9999}, "error.citizen_unknown_reference"),
    ({"consultant_id": 9999}, "error.citizen_unknown_reference"),
])
def test_create_citizen_refuses_bad_fields_and_writes_nothing(engine, actor_factory, changes, key):
    with pytest.raises(ValidationError) as refused:
        people.create_citizen(engine, actor_factory("consultant"), **(VALID | changes))
    assert refused.value.key == key
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Citizen)).one() == 0
        assert session.exec(select(func.count()).select_from(AuditLog)).one() == 0


@pytest.mark.parametrize("age", [13, 17, 18, 100])
def test_birth_years_from_age_13_to_100_are_plausible(age):
    fields = people.clean_citizen_fields(**(VALID | {"birth_year": THIS_YEAR - age}))
    assert fields["birth_year"] == THIS_YEAR - age


@pytest.mark.parametrize("tags, cleaned", [
    ([" lager ", "Lager", "", "køkken"], ["lager", "køkken"]),
    (None, []),
    (("truckcertifikat",), ["truckcertifikat"]),
])
def test_clean_tags(tags, cleaned):
    assert people.clean_tags(tags) == cleaned


@pytest.mark.parametrize("ref, cleaned", [
    ("  ", None),
    (None, None),
    (" J.nr. 2026-4411 ", "J.nr. 2026-4411"),
    ("12345678", "12345678"),
    ("12345678901", "12345678901"),
])
def test_clean_external_ref_keeps_case_numbers(ref, cleaned):
    assert people.clean_external_ref(ref) == cleaned


def test_a_consultant_cannot_place_a_citizen_in_another_team(engine, actor_factory):
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    with pytest.raises(AccessDenied):
        people.create_citizen(engine, mine, **VALID, team_id=other.team_id)


@pytest.mark.parametrize("to_other_team", [True, False])
def test_only_leaders_move_a_citizen_to_another_team(engine, actor_factory, to_other_team):
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    team_id = other.team_id if to_other_team else None
    with pytest.raises(AccessDenied):
        people.update_citizen(engine, mine, citizen_id, expected_version=1, team_id=team_id)
    leader = actor_factory("leader")
    people.update_citizen(engine, leader, citizen_id, expected_version=1, team_id=team_id)
    assert people.get_citizen(engine, leader, citizen_id).team_id == team_id


def test_caseworkers_cannot_create_or_edit_citizens(engine, actor_factory):
    mine = actor_factory("consultant")
    caseworker = actor_factory("caseworker", team_id=mine.team_id)
    citizen_id = people.create_citizen(engine, mine, **VALID)
    with pytest.raises(AccessDenied):
        people.create_citizen(engine, caseworker, **VALID)
    with pytest.raises(AccessDenied):
        people.update_citizen(engine, caseworker, citizen_id, expected_version=1, last_name="Holm")


def test_viewing_a_citizen_is_logged(engine, actor_factory):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    citizen = people.get_citizen(engine, mine, citizen_id)
    assert (citizen.first_name, citizen.last_name, citizen.version) == ("Bo", "Hansen", 1)
    with Session(engine) as session:
        viewed = session.exec(select(AuditLog).where(AuditLog.action == "view")).one()
    assert (viewed.user_id, viewed.table_name, viewed.row_id) == (mine.user_id, "citizen", citizen_id)


def test_a_consultant_asking_for_another_teams_citizen_by_id_is_refused(engine, actor_factory):
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    theirs = people.create_citizen(engine, other, **VALID)
    with pytest.raises(ValidationError) as refused:
        people.get_citizen(engine, mine, theirs)
    assert refused.value.key == "error.not_found"
    with pytest.raises(ValidationError):
        timeline.timeline(engine, mine, theirs)
    with pytest.raises(ValidationError):
        people.update_citizen(engine, mine, theirs, expected_version=1, last_name="Holm")
    with Session(engine) as session:
        actions = session.exec(select(AuditLog.action, AuditLog.row_id)
                               .where(AuditLog.user_id == mine.user_id)).all()
        assert session.get(Citizen, theirs).last_name == "Hansen"
    # Each refusal is logged: the profile, the timeline and the attempted change.
    assert actions == [("view_refused", theirs), ("view_refused", theirs), ("update_refused", theirs)]
    assert people.get_citizen(engine, actor_factory("leader"), theirs).id == theirs


def test_update_citizen_saves_the_changes_and_a_new_version(engine, actor_factory):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID, benefit_type="kontanthjaelp")
    before = people.get_citizen(engine, mine, citizen_id)
    people.update_citizen(engine, mine, citizen_id, expected_version=1, benefit_type="dagpenge",
                          dagpenge_end_date=DAGPENGE_END, wishes=["lager"], match_group=2)
    after = people.get_citizen(engine, mine, citizen_id)
    assert (after.benefit_type, after.dagpenge_end_date, after.wishes, after.match_group) == \
        ("dagpenge", DAGPENGE_END, ["lager"], 2)
    assert (after.first_name, after.version) == ("Bo", 2)
    assert after.updated_at > before.updated_at
    with Session(engine) as session:
        updated = session.exec(select(AuditLog).where(AuditLog.action == "update")).one()
    assert updated.detail == "benefit_type,dagpenge_end_date,match_group,wishes"


def test_an_edit_on_a_citizen_someone_else_saved_is_refused(engine, actor_factory):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    people.update_citizen(engine, mine, citizen_id, expected_version=1, last_name="Holm")
    with pytest.raises(StaleVersion) as refused:
        people.update_citizen(engine, mine, citizen_id, expected_version=1, last_name="Dahl")
    assert refused.value.key == "error.stale_citizen"
    stored = people.get_citizen(engine, mine, citizen_id)
    assert (stored.last_name, stored.version) == ("Holm", 2)


@pytest.mark.parametrize("changes, key", [
    ({"external_ref": "0101901234"}, "error.external_ref_cpr"),
    ({"first_name": ""}, "error.citizen_name_required"),
    ({"birth_year": THIS_YEAR - 5}, "error.birth_year"),
    ({"match_group": 7}, "error.match_group"),
])
def test_a_bad_edit_changes_nothing(engine, actor_factory, changes, key):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    with pytest.raises(ValidationError) as refused:
        people.update_citizen(engine, mine, citizen_id, expected_version=1, **changes)
    assert refused.value.key == key
    stored = people.get_citizen(engine, mine, citizen_id)
    assert (stored.first_name, stored.birth_year, stored.external_ref, stored.version) == \
        ("Bo", 1990, None, 1)


def test_an_unchanged_old_birth_year_can_be_saved_again(engine, actor_factory):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    with Session(engine) as session:  # the citizen has since passed 100
        session.get(Citizen, citizen_id).birth_year = THIS_YEAR - 101
        session.commit()
    people.update_citizen(engine, mine, citizen_id, expected_version=1, last_name="Holm")
    assert people.get_citizen(engine, mine, citizen_id).last_name == "Holm"


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_the_timeline_holds_every_kind_newest_first(engine, actor_factory):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    start = clock.today() - timedelta(days=150)
    (company,) = add(engine, Company(name="Strand Café"))
    (sprint,) = add(engine, Sprint(name="Uge 39 – Brøndby", start_date=start,
                                   end_date=start + timedelta(days=4), goal_count=16,
                                   stage_names={"secured": "I praktik"}))
    (card,) = add(engine, SprintCard(sprint_id=sprint, citizen_id=citizen_id, stage="secured"))
    (placement,) = add(engine, Placement(
        citizen_id=citizen_id, company_id=company, kind="virksomhedspraktik",
        start_date=start + timedelta(days=7), actual_end_date=start + timedelta(days=60),
        status="completed", result="ordinary_job", hours_per_week=15))
    add(engine,
        StageChange(card_id=card, to_stage="selected", changed_at=at(start, 8),
                    changed_by=mine.staff_id),
        Contact(company_id=company, citizen_id=citizen_id, staff_id=mine.staff_id,
                contacted_at=at(start + timedelta(days=1), 10), channel="phone",
                outcome="placement_agreed", note="Talt om et konkret match"),
        StageChange(card_id=card, from_stage="selected", to_stage="secured",
                    changed_at=at(start + timedelta(days=2), 13)),
        FollowUp(placement_id=placement, due_date=start + timedelta(days=8),
                 done_at=at(start + timedelta(days=8), 9), note="Godt i gang"),
        Progression(citizen_id=citizen_id, measured_at=start + timedelta(days=14), score=6),
        Outcome(citizen_id=citizen_id, measured_at=start + timedelta(days=100),
                months_after_start=3, status="job"),
        FollowUp(placement_id=placement, due_date=clock.today() + timedelta(days=30)))
    events = timeline.timeline(engine, mine, citizen_id)
    assert events.columns.tolist() == ["when", "kind", "title", "detail"]
    assert events["kind"].tolist() == [
        "follow_up_planned", "outcome", "placement_ended", "progression", "follow_up_done",
        "placement_started", "stage_change", "contact", "stage_change"]
    assert events["title"].tolist() == [
        "Opfølgning hos Strand Café er planlagt",
        "Status efter 3 mdr.: Job",
        "Virksomhedspraktik hos Strand Café sluttede",
        "Livsmestring: 6 af 10",
        "Opfølgning hos Strand Café",
        "Virksomhedspraktik hos Strand Café startede",
        "Flyttet til «I praktik» i Uge 39 – Brøndby",
        "Kontakt med Strand Café (Telefon)",
        "Udvalgt til Uge 39 – Brøndby («Udvalgt»)"]
    assert events["detail"].tolist()[2] == "Resultat: Ordinært job"
    assert events["detail"].tolist()[-2] == "Forløb aftalt · Talt om et konkret match · af CO"
    assert events["when"].is_monotonic_decreasing
    english = timeline.timeline(engine, mine, citizen_id, lang="en")
    assert english["title"].tolist()[1] == "Status after 3 months: Job"
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.detail)
                              .where(AuditLog.action == "view_timeline")).all()
    assert logged == ["events=9", "events=9"]


def test_a_citizen_with_no_history_has_an_empty_timeline(engine, actor_factory):
    mine = actor_factory("consultant")
    citizen_id = people.create_citizen(engine, mine, **VALID)
    events = timeline.timeline(engine, mine, citizen_id)
    assert events.empty and events.columns.tolist() == ["when", "kind", "title", "detail"]


@pytest.mark.parametrize("limit, offset", [(2, 0), (2, 2), (10, 0)])
def test_a_page_of_citizens_is_a_slice_of_the_list_with_the_total(engine, actor_factory, limit,
                                                                  offset):
    mine = actor_factory("consultant")
    for first in ("Eva", "Dan", "Cai", "Bo", "Ali"):
        create(engine, mine, first_name=first, last_name="Hansen", birth_year=1990)
    create(engine, actor_factory("consultant"), first_name="Ib", last_name="Hansen",
           birth_year=1990)  # another team's
    everything = people.list_citizens(engine, mine)
    page = people.citizen_page(engine, mine, limit=limit, offset=offset)
    assert page.rows["id"].tolist() == everything["id"].tolist()[offset:offset + limit]
    assert page.total == len(everything) == 5
    assert people.citizen_page(engine, mine, query="ali", limit=limit).total == 1
