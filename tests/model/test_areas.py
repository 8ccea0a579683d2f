"""Områdeoverblik: the mapping fields (validated, edited, imported), citizens by benefit and match
group, the tag profile, area figures with the unemployment rate, the dagpenge priority list at a
fixed date, and the training-need summary; on SQLite and PostgreSQL."""

import csv
import io
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from model import areas, clock, importing, people
from model.errors import AccessDenied, ValidationError
from model.tables import (
    AuditLog,
    Citizen,
    Company,
    HousingArea,
    HousingAreaFigure,
    Placement,
    Sprint,
    SprintCard,
)

TODAY = date(2026, 6, 1)


# --- factories ----------------------------------------------------------------------------------

def add(engine, *rows) -> list[int]:
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def citizen(team_id: int, **fields) -> Citizen:
    """A citizen row with plain defaults; the test says what matters."""
    return Citizen(**({"first_name": "Bo", "last_name": "Hansen", "birth_year": 1980,
                       "team_id": team_id} | fields))


@pytest.fixture
def two_areas(engine):
    return dict(zip(("korskaer", "skov"), add(
        engine, HousingArea(name="Korskærparken", municipality="Fredericia"),
        HousingArea(name="Skovparken", municipality="Fredericia"))))


# --- mapping fields ------------------------------------------------------------------------------

VALID = {"first_name": "Bo", "last_name": "Hansen", "birth_year": 1980}


@pytest.mark.parametrize("changes, key", [
    ({"benefit_type": "løn"}, "error.unknown_benefit"),
    ({"benefit_type": "Dagpenge"}, "error.unknown_benefit"),
    ({"match_group": 4}, "error.match_group"),
    ({"match_group": True}, "error.match_group"),
    ({"benefit_type": "kontanthjaelp", "dagpenge_end_date": TODAY}, "error.dagpenge_end_without_dagpenge"),
    ({"benefit_type": "dagpenge", "dagpenge_end_date": TODAY - timedelta(days=366)},
     "error.dagpenge_end_range"),
    ({"benefit_type": "dagpenge", "dagpenge_end_date": TODAY + timedelta(days=3 * 365 + 1)},
     "error.dagpenge_end_range"),
    ({"wishes": ["x" * 41]}, "error.citizen_text_too_long"),
])
def test_mapping_fields_are_validated(changes, key):
    with pytest.raises(ValidationError) as refused:
        people.clean_citizen_fields(**(VALID | changes), today=TODAY)
    assert refused.value.key == key


@pytest.mark.parametrize("end", [TODAY - timedelta(days=365), TODAY, TODAY + timedelta(days=3 * 365)])
def test_dagpenge_end_dates_within_a_year_back_and_three_years_ahead_are_kept(end):
    fields = people.clean_citizen_fields(**VALID, benefit_type="dagpenge", dagpenge_end_date=end,
                                         today=TODAY)
    assert fields["dagpenge_end_date"] == end


@pytest.mark.parametrize("tags, cleaned", [
    (["Kørekort B", " kørekort  b ", "Truckcertifikat"], ["kørekort b", "truckcertifikat"]),
    (["Lager og Logistik", "LAGER OG LOGISTIK"], ["lager og logistik"]),
    (["  ", ""], []),
])
def test_tags_are_lower_case_trimmed_and_without_repeats(tags, cleaned):
    assert people.clean_tags(tags) == cleaned


def test_an_unchanged_old_dagpenge_end_date_does_not_block_other_edits(engine, actor_factory):
    mine = actor_factory("consultant")
    old_end = clock.today() - timedelta(days=500)
    [citizen_id] = add(engine, citizen(mine.team_id, benefit_type="dagpenge",
                                       dagpenge_end_date=old_end))
    people.update_citizen(engine, mine, citizen_id, expected_version=1, wishes=["Byggeri"])
    stored = people.get_citizen(engine, mine, citizen_id)
    assert (stored.dagpenge_end_date, stored.wishes) == (old_end, ["byggeri"])
    with pytest.raises(ValidationError) as refused:
        people.update_citizen(engine, mine, citizen_id, expected_version=2,
                              dagpenge_end_date=old_end - timedelta(days=1))
    assert refused.value.key == "error.dagpenge_end_range"


def csv_frame(rows: list[list[object]]) -> pd.DataFrame:
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    return importing.read_table(text.getvalue().encode("utf-8"), "borgere.csv")


def test_the_import_takes_the_mapping_fields_and_points_at_a_bad_dagpenge_date(engine, actor_factory,
                                                                                two_areas):
    leader = actor_factory("leader")
    soon = clock.today() + timedelta(days=90)
    header = ["Fornavn", "Efternavn", "Fødselsår", "Ydelse", "Matchgruppe", "Dagpenge ophører",
              "Boligområde", "Ønsker", "Kvalifikationer"]
    bad = csv_frame([header,
                     ["Mette", "Olsen", 1975, "dagpenge", "", "01-01-2040", "Skovparken", "", ""]])
    report = importing.dry_run(engine, leader, "citizens", bad)
    assert list(zip(report.errors["column"], report.errors["key"])) == \
        [("Dagpenge ophører", "error.dagpenge_end_range")]

    good = csv_frame([header,
                      ["Mette", "Olsen", 1975, "dagpenge", "", soon.strftime("%d-%m-%Y"), "skovparken",
                       "Lager og Logistik; Transport", "TRUCKCERTIFIKAT, Kørekort B"],
                      ["Omar", "Demir", 1990, "kontanthjælp", "2", "", "Korskærparken", "", ""]])
    assert importing.commit_import(engine, leader, "citizens", good) == 2
    with Session(engine) as session:
        mette, omar = session.exec(select(Citizen).order_by(Citizen.first_name)).all()
    assert (mette.benefit_type, mette.dagpenge_end_date, mette.housing_area_id, mette.wishes,
            mette.qualifications) == ("dagpenge", soon, two_areas["skov"],
                                      ["lager og logistik", "transport"],
                                      ["truckcertifikat", "kørekort b"])
    assert (omar.benefit_type, omar.match_group, omar.housing_area_id) == \
        ("kontanthjaelp", 2, two_areas["korskaer"])


# --- benefit and tag profile ----------------------------------------------------------------------

def test_citizens_by_benefit_and_match_group_per_area_and_for_all_areas(engine, actor_factory,
                                                                       two_areas):
    mine, other = actor_factory("consultant"), actor_factory("consultant")
    k, s = two_areas["korskaer"], two_areas["skov"]
    add(engine,
        citizen(mine.team_id, housing_area_id=k, benefit_type="kontanthjaelp", match_group=2),
        citizen(mine.team_id, housing_area_id=k, benefit_type="kontanthjaelp", match_group=2),
        citizen(mine.team_id, housing_area_id=k, benefit_type="kontanthjaelp", match_group=3),
        citizen(mine.team_id, housing_area_id=k, benefit_type="dagpenge"),
        citizen(mine.team_id, housing_area_id=s, benefit_type="dagpenge"),
        citizen(mine.team_id, benefit_type="dagpenge"),                    # no area: not mapped
        citizen(other.team_id, housing_area_id=k, benefit_type="sygedagpenge"))

    def counts(actor, area_id):
        frame = areas.benefit_profile(engine, actor, housing_area_id=area_id)
        return [(b, None if pd.isna(m) else int(m), n) for b, m, n in frame.itertuples(index=False)]

    assert counts(mine, k) == [("dagpenge", None, 1), ("kontanthjaelp", 2, 2), ("kontanthjaelp", 3, 1)]
    assert counts(mine, None) == [("dagpenge", None, 2), ("kontanthjaelp", 2, 2),
                                  ("kontanthjaelp", 3, 1)]
    assert counts(actor_factory("leader"), k) == [
        ("dagpenge", None, 1), ("kontanthjaelp", 2, 2), ("kontanthjaelp", 3, 1), ("sygedagpenge", None, 1)]


def test_the_tag_profile_counts_each_citizen_once_most_common_first(engine, actor_factory, two_areas):
    mine = actor_factory("consultant")
    k, s = two_areas["korskaer"], two_areas["skov"]
    add(engine,
        citizen(mine.team_id, housing_area_id=k, wishes=["byggeri", "transport"],
                qualifications=["kørekort b"]),
        citizen(mine.team_id, housing_area_id=k, wishes=["byggeri"], qualifications=["kørekort b",
                                                                                      "truckcertifikat"]),
        citizen(mine.team_id, housing_area_id=s, wishes=["detail"]),
        citizen(mine.team_id, wishes=["byggeri"]))  # no area
    profile = areas.tag_profile(engine, mine, housing_area_id=None)
    assert profile.values.tolist() == [
        ["wishes", "byggeri", 2], ["wishes", "detail", 1], ["wishes", "transport", 1],
        ["qualifications", "kørekort b", 2], ["qualifications", "truckcertifikat", 1]]
    top = areas.tag_profile(engine, mine, housing_area_id=k, limit=1)
    assert top.values.tolist() == [["wishes", "byggeri", 2], ["qualifications", "kørekort b", 2]]


# --- figures --------------------------------------------------------------------------------------

def test_the_unemployment_rate_per_area_and_period_and_the_latest_for_all_areas(engine, actor_factory,
                                                                              two_areas):
    k, s = two_areas["korskaer"], two_areas["skov"]
    add(engine,
        HousingAreaFigure(housing_area_id=k, period_start=date(2025, 1, 1), working_age_residents=1000,
                          unemployed=330),
        HousingAreaFigure(housing_area_id=k, period_start=date(2026, 1, 1), working_age_residents=1200,
                          unemployed=300),
        HousingAreaFigure(housing_area_id=s, period_start=date(2025, 7, 1), working_age_residents=800,
                          unemployed=280))
    consultant = actor_factory("consultant")
    figures = areas.area_figures(engine, consultant)
    assert figures[["area", "period_start", "unemployment_rate"]].values.tolist() == [
        ["Korskærparken", date(2025, 1, 1), 33.0], ["Skovparken", date(2025, 7, 1), 35.0],
        ["Korskærparken", date(2026, 1, 1), 25.0]]
    assert areas.latest_unemployment(engine, consultant, housing_area_id=k) == {
        "working_age_residents": 1200, "unemployed": 300, "rate": 25.0,
        "period_start": date(2026, 1, 1)}
    # All areas: each area's latest figures summed, 580 of 2000.
    assert areas.latest_unemployment(engine, consultant) == {
        "working_age_residents": 2000, "unemployed": 580, "rate": 29.0,
        "period_start": date(2026, 1, 1)}
    [empty] = add(engine, HousingArea(name="Vestbyen", municipality="Brøndby"))
    assert areas.latest_unemployment(engine, consultant, housing_area_id=empty) is None


def test_a_leader_enters_figures_and_corrects_them_for_the_same_period(engine, actor_factory, two_areas):
    leader = actor_factory("leader")
    k = two_areas["korskaer"]
    areas.record_area_figure(engine, leader, housing_area_id=k, period_start=date(2026, 1, 1),
                             working_age_residents=1450, unemployed=400)
    areas.record_area_figure(engine, leader, housing_area_id=k, period_start=date(2026, 1, 1),
                             working_age_residents=1450, unemployed=435)
    figures = areas.area_figures(engine, leader, housing_area_id=k)
    assert figures[["unemployed", "unemployment_rate"]].values.tolist() == [[435, 30.0]]
    with Session(engine) as session:
        actions = session.exec(select(AuditLog.action).where(
            AuditLog.table_name == "housing_area_figure").order_by(AuditLog.id)).all()
    assert actions == ["create", "update"]


@pytest.mark.parametrize("changes, key", [
    ({"working_age_residents": 0}, "error.area_residents"),
    ({"unemployed": 1001}, "error.area_unemployed"),
    ({"unemployed": -1}, "error.area_unemployed"),
    ({"unemployed": 2.5}, "error.area_figure_number"),
    ({"period_start": None}, "error.area_period_required"),
    ({"period_start": clock.today() + timedelta(days=40)}, "error.area_period_future"),
    ({"housing_area_id": 9999}, "error.not_found"),
])
def test_bad_figures_are_refused_and_nothing_is_written(engine, actor_factory, two_areas, changes, key):
    fields = {"housing_area_id": two_areas["skov"], "period_start": date(2026, 1, 1),
              "working_age_residents": 1000, "unemployed": 300} | changes
    with pytest.raises(ValidationError) as refused:
        areas.record_area_figure(engine, actor_factory("leader"), **fields)
    assert refused.value.key == key
    assert areas.area_figures(engine, actor_factory("leader")).empty


@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor"])
def test_only_leaders_and_admins_enter_figures_and_areas(engine, actor_factory, two_areas, role):
    actor = actor_factory(role)
    with pytest.raises(AccessDenied):
        areas.record_area_figure(engine, actor, housing_area_id=two_areas["skov"],
                                 period_start=date(2026, 1, 1), working_age_residents=10, unemployed=3)
    with pytest.raises(AccessDenied):
        areas.create_housing_area(engine, actor, name="Vestbyen", municipality="Brøndby")


def test_a_housing_area_is_registered_once_per_municipality(engine, actor_factory, two_areas):
    admin = actor_factory("admin")
    new_id = areas.create_housing_area(engine, admin, name=" Vestbyen ", municipality="Brøndby")
    assert areas.area_choices(engine, admin).set_index("id").loc[new_id, "name"] == "Vestbyen"
    with pytest.raises(ValidationError) as refused:
        areas.create_housing_area(engine, admin, name="skovparken", municipality="fredericia")
    assert refused.value.key == "error.area_exists"
    assert areas.create_housing_area(engine, admin, name="Skovparken", municipality="Vejle") > new_id


# --- the dagpenge priority list -------------------------------------------------------------------

@pytest.fixture
def priority_rows(engine, actor_factory, two_areas):
    """Citizens around the 26-week window from TODAY (1 June 2026: until 30 November 2026)."""
    mine = actor_factory("consultant")
    other = actor_factory("consultant")
    k, s = two_areas["korskaer"], two_areas["skov"]
    team = mine.team_id

    def on_dagpenge(last_name, end, area=k, team_id=team):
        return citizen(team_id, last_name=last_name, benefit_type="dagpenge", dagpenge_end_date=end,
                       housing_area_id=area, consultant_id=mine.staff_id)

    rows = {
        "yesterday": on_dagpenge("Andersen", date(2026, 5, 31)),
        "today": on_dagpenge("Berg", date(2026, 6, 1)),
        "last_day": on_dagpenge("Carlsen", date(2026, 11, 30)),
        "day_after": on_dagpenge("Dahl", date(2026, 12, 1)),
        "kontanthjaelp": citizen(team, last_name="Eriksen", benefit_type="kontanthjaelp",
                                 housing_area_id=k, match_group=2),
        "placed": on_dagpenge("Frost", date(2026, 8, 15), area=s),
        "planned_started": on_dagpenge("Gade", date(2026, 7, 1)),
        "in_sprint": on_dagpenge("Holm", date(2026, 7, 1)),
        "old_sprints": on_dagpenge("Iversen", date(2026, 9, 1)),
        "no_area": on_dagpenge("Jensen", date(2026, 6, 10), area=None),
        "other_team": on_dagpenge("Krogh", date(2026, 6, 20), team_id=other.team_id),
    }
    add(engine, *rows.values())
    ids = {name: row.id for name, row in rows.items()}
    [company] = add(engine, Company(name="Lillebælt Murer ApS"))
    running, planned, closed = (Sprint(name=name, team_id=team, start_date=TODAY, goal_count=3,
                                       end_date=TODAY + timedelta(days=4), status=status)
                                for name, status in (("Uge 23", "running"), ("Uge 30", "planned"),
                                                     ("Uge 39 2025", "closed")))
    add(engine, running, planned, closed)
    add(engine,
        Placement(citizen_id=ids["placed"], company_id=company, kind="virksomhedspraktik",
                  start_date=date(2026, 5, 1), status="active"),
        Placement(citizen_id=ids["planned_started"], company_id=company, kind="loentilskud",
                  start_date=date(2026, 5, 20), status="planned"),
        Placement(citizen_id=ids["in_sprint"], company_id=company, kind="virksomhedspraktik",
                  start_date=date(2026, 3, 1), actual_end_date=date(2026, 4, 1), status="completed"),
        Placement(citizen_id=ids["old_sprints"], company_id=company, kind="virksomhedspraktik",
                  start_date=date(2026, 6, 15), status="planned"),
        SprintCard(sprint_id=running.id, citizen_id=ids["in_sprint"], stage="dialogue"),
        SprintCard(sprint_id=closed.id, citizen_id=ids["old_sprints"], stage="secured"),
        SprintCard(sprint_id=planned.id, citizen_id=ids["old_sprints"], stage="parked"))
    return mine, ids


def test_the_priority_list_at_a_fixed_date_soonest_first_with_placement_and_sprint(engine, priority_rows):
    mine, ids = priority_rows
    found = areas.dagpenge_priority(engine, mine, today=TODAY, weeks=26).rows
    found["sprint"] = found["sprint"].fillna("")
    assert found[["last_name", "dagpenge_end_date", "days_left", "active_placement", "sprint",
                  "housing_area"]].values.tolist() == [
        ["Berg", date(2026, 6, 1), 0, False, "", "Korskærparken"],
        ["Gade", date(2026, 7, 1), 30, True, "", "Korskærparken"],       # planned, start passed
        ["Holm", date(2026, 7, 1), 30, False, "Uge 23", "Korskærparken"],  # ended placement
        ["Frost", date(2026, 8, 15), 75, True, "", "Skovparken"],
        ["Iversen", date(2026, 9, 1), 92, False, "", "Korskærparken"],   # closed / parked cards
        ["Carlsen", date(2026, 11, 30), 182, False, "", "Korskærparken"],
    ]
    assert found["consultant"].unique().tolist() == [mine.name]


@pytest.mark.parametrize("weeks, area, last_names", [
    (1, None, ["Berg"]),
    (27, None, ["Berg", "Gade", "Holm", "Frost", "Iversen", "Carlsen", "Dahl"]),
    (26, "skov", ["Frost"]),
])
def test_the_number_of_weeks_and_the_area_choose_the_citizens(engine, priority_rows, two_areas,
                                                               weeks, area, last_names):
    mine, _ = priority_rows
    found = areas.dagpenge_priority(engine, mine, today=TODAY, weeks=weeks,
                                    housing_area_id=two_areas.get(area))
    assert found.rows["last_name"].tolist() == last_names
    assert found.total == len(last_names)


def test_a_leader_sees_every_team_and_each_view_is_logged(engine, priority_rows, actor_factory):
    leader = actor_factory("leader")
    found = areas.dagpenge_priority(engine, leader, today=TODAY, weeks=3)
    assert found.rows["last_name"].tolist() == ["Berg", "Krogh"]
    areas.dagpenge_priority(engine, leader, today=TODAY, weeks=3, limit=1, offset=1)
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.detail).where(AuditLog.user_id == leader.user_id)
                              .order_by(AuditLog.id)).all()
    assert logged == ["dagpenge_priority weeks=3 area=None;rows=2",
                      "dagpenge_priority weeks=3 area=None offset=1;rows=1"]


# Of the six within 26 weeks, Gade and Frost have a placement running and Holm a card in a sprint:
# Berg, Iversen and Carlsen have neither, whichever page is shown.
@pytest.mark.parametrize("limit, offset, last_names", [
    (2, 0, ["Berg", "Gade"]),
    (2, 2, ["Holm", "Frost"]),
    (4, 4, ["Iversen", "Carlsen"]),
    (2, 6, []),
    (None, 0, ["Berg", "Gade", "Holm", "Frost", "Iversen", "Carlsen"]),
])
def test_the_list_comes_a_page_at_a_time_and_the_counts_are_the_whole_lists(
        engine, priority_rows, limit, offset, last_names):
    mine, _ = priority_rows
    page = areas.dagpenge_priority(engine, mine, today=TODAY, weeks=26, limit=limit, offset=offset)
    assert page.rows["last_name"].tolist() == last_names
    assert (page.total, page.without, page.offset) == (6, 3, offset)
    assert page.partial == (len(last_names) < 6)
    assert list(page.rows.columns) == areas.PRIORITY_COLUMNS


def test_the_count_without_a_placement_or_sprint_follows_the_area_and_the_team(
        engine, priority_rows, two_areas, actor_factory):
    mine, _ = priority_rows
    in_skov = areas.dagpenge_priority(engine, mine, today=TODAY, weeks=26,
                                      housing_area_id=two_areas["skov"])
    assert (in_skov.total, in_skov.without) == (1, 0)  # Frost, placed
    leader = areas.dagpenge_priority(engine, actor_factory("leader"), today=TODAY, weeks=26, limit=1)
    assert (leader.total, leader.without) == (7, 4)  # and Krogh of the other team, unplaced
    assert leader.rows["last_name"].tolist() == ["Berg"]


@pytest.mark.parametrize("weeks", [0, 105, True])
def test_the_weeks_must_be_between_1_and_104(engine, actor_factory, weeks):
    with pytest.raises(ValidationError) as refused:
        areas.dagpenge_priority(engine, actor_factory("leader"), today=TODAY, weeks=weeks)
    assert refused.value.key == "error.priority_weeks"


def test_the_screen_role_gets_no_priority_list(engine, actor_factory):
    with pytest.raises(AccessDenied):
        areas.dagpenge_priority(engine, actor_factory("screen"), today=TODAY)


# --- training needs -------------------------------------------------------------------------------

@pytest.fixture
def training_rows(engine, actor_factory, two_areas):
    mine = actor_factory("consultant")
    k, s = two_areas["korskaer"], two_areas["skov"]
    add(engine,
        citizen(mine.team_id, housing_area_id=k, wishes=["lager og logistik"],
                qualifications=["truckcertifikat"]),
        citizen(mine.team_id, housing_area_id=k, wishes=["lager og logistik", "transport"]),
        citizen(mine.team_id, housing_area_id=s, wishes=["transport"], qualifications=["kørekort c"]),
        citizen(mine.team_id, housing_area_id=s, wishes=["byggeri"], qualifications=["kørekort b"]),
        citizen(mine.team_id, housing_area_id=s, wishes=["detail"], qualifications=["hygiejnebevis"]),
        citizen(mine.team_id, wishes=["byggeri"]),  # no area
        citizen(actor_factory("consultant").team_id, housing_area_id=k, wishes=["byggeri"]))
    return mine


def test_the_training_need_counts_who_wishes_an_industry_and_lacks_its_qualification(
        engine, training_rows, two_areas):
    needs = areas.training_needs(engine, training_rows)
    assert needs.values.tolist() == [
        ["byggeri", "sikkerhedskursus", 1, 1, 100.0],
        ["lager og logistik", "truckcertifikat", 2, 1, 50.0],
        ["transport", "kørekort c", 2, 1, 50.0],
    ]
    korskaer = areas.training_needs(engine, training_rows, housing_area_id=two_areas["korskaer"])
    assert korskaer.values.tolist() == [["lager og logistik", "truckcertifikat", 2, 1, 50.0],
                                        ["transport", "kørekort c", 1, 1, 100.0]]


def test_the_training_need_follows_the_mapping_it_is_given(engine, training_rows):
    needs = areas.training_needs(engine, training_rows, needs={"detail": "hygiejnebevis",
                                                               "byggeri": "kørekort b",
                                                               "rengøring": "kørekort b"})
    assert needs.values.tolist() == [["byggeri", "kørekort b", 1, 0, 0.0],
                                     ["detail", "hygiejnebevis", 1, 0, 0.0]]
    assert areas.training_needs(engine, training_rows, needs={}).empty


def test_the_mapping_speaks_the_lower_case_vocabulary_of_the_tags():
    for industry, qualification in areas.TRAINING_NEEDS.items():
        assert people.clean_tags([industry, qualification]) == [industry, qualification]


# --- Small numbers -------------------------------------------------------------------------------

def test_citizens_by_benefit_hide_every_count_under_five_and_what_gives_it_away():
    profile = pd.DataFrame({"benefit_type": ["dagpenge", "dagpenge", "kontanthjaelp", "sygedagpenge"],
                            "match_group": pd.array([1, 2, 1, None], dtype="Int64"),
                            "citizens": [20, 3, 30, 2]})
    shown = areas.shown_benefit_profile(profile, min_size=5)
    # The 3 takes the 20 beside it; the 2 on sygedagpenge (no match group) hides that whole row
    # and column, zeros too, and with them kontanthjælp's 30 (its zeros would follow from it).
    assert shown.cells.frame["citizens"].isna().all()
    assert shown.by_benefit == {"dagpenge": None, "kontanthjaelp": 30, "sygedagpenge": None}
    assert shown.total == 55
    large = profile.assign(citizens=[20, 10, 30, 12])
    assert areas.shown_benefit_profile(large, min_size=5).cells.frame["citizens"].tolist() == \
        [20, 10, 30, 12]


def test_the_training_need_and_the_unemployment_hide_small_counts_with_their_shares():
    needs = pd.DataFrame({"industry": ["byggeri", "transport", "industri"],
                          "qualification": ["sikkerhedskursus", "kørekort c", "svejsecertifikat"],
                          "wishing": [20, 12, 3], "lacking": [10, 11, 3],
                          "share_lacking": [50.0, 91.7, 100.0]})
    shown = areas.shown_training_needs(needs, min_size=5).marked("for få")
    # 11 of 12 lacking gives the one who does not away; 3 wishing is too few for anything.
    assert shown[["wishing", "lacking", "share_lacking"]].values.tolist() == [
        [20, 10, 50.0], [12, "for få", "for få"], ["for få", "for få", "for få"]]
    latest = {"working_age_residents": 400, "unemployed": 3, "rate": 0.8, "period_start": TODAY}
    assert areas.shown_latest_unemployment(latest, min_size=5) == {
        "working_age_residents": 400, "unemployed": None, "rate": None, "period_start": TODAY}
    assert areas.shown_latest_unemployment(latest | {"unemployed": 40}, min_size=5)["rate"] == 0.8
