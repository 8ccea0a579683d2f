"""Borgere: the list and its filters, creating and editing, the profile with its timeline,
measurements one by one and for a whole sprint or initiative."""

from datetime import timedelta
from pathlib import Path

import pandas as pd
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import clock, outcomes, people, sprints
from model.tables import Citizen, Outcome, Progression, Staff, Team
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text

# A dagpenge end date within the allowed range (a year back to three ahead) whatever today is.
DAGPENGE_END = clock.today() + timedelta(days=150)

PAGE = "pages/borgere.py"


def listed(at) -> pd.DataFrame:
    """The citizens the page's table shows."""
    return at.dataframe[0].value


def count_caption(at) -> str:
    return next(c.value for c in at.caption if str(c.value).endswith(" borgere"))


def first_sprint_citizen(engine) -> Citizen:
    leader = demo_actor(engine, "leder")
    board = sprints.board(engine, leader, sprints.current_sprint_id(engine, leader))
    return people.get_citizen(engine, leader, int(board["citizen_id"].iloc[0]))


def profile(engine, username: str, citizen_id: int):
    """The page opened on a citizen's profile by its link (?borger=<id>)."""
    at = app_as(engine, username, PAGE)
    at.query_params["borger"] = str(citizen_id)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_list_shows_the_citizens_and_a_filter_narrows_it(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    everyone = listed(at)
    assert count_caption(at) == f"{len(everyone)} borgere"
    assert everyone["active_placement"].any() and not everyone["active_placement"].all()
    at.selectbox(key="filter_active").select("yes").run()
    assert not at.exception
    active = listed(at)
    assert 0 < len(active) < len(everyone)
    assert active["active_placement"].all()
    assert count_caption(at) == f"{len(active)} borgere"
    at.selectbox(key="filter_active").select("no").run()
    assert len(listed(at)) == len(everyone) - len(active)


def test_the_initiative_filter_and_the_search_narrow_the_list(app_db):
    leader = demo_actor(app_db, "leder")
    stv = people.filter_options(app_db, leader)["initiatives"].set_index("name").loc["STV", "id"]
    at = app_as(app_db, "leder", PAGE)
    everyone = len(listed(at))
    at.selectbox(key="filter_initiative").select(int(stv)).run()
    in_stv = listed(at)
    assert 0 < len(in_stv) < everyone and set(in_stv["initiative"]) == {"STV"}
    name = in_stv["name"].iloc[0]
    at.text_input(key="citizen_search").input(name.split()[-1]).run()
    assert name in listed(at)["name"].tolist()
    assert set(listed(at)["initiative"]) == {"STV"}


def test_a_new_citizen_is_created_and_their_profile_opens(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    at.text_input(key="new_first").input("Yasmin")
    at.text_input(key="new_last").input("Nygaard")
    at.number_input(key="new_year").set_value(2011)
    at.selectbox(key="new_target").select("unge 13-17")
    at.selectbox(key="new_match").select(2)
    at.text_input(key="new_external_ref").input("SAG-2026-0042")
    at.button(key="FormSubmitter:new_citizen-Opret borger").click().run()
    assert not at.exception
    assert "Borgeren er oprettet." in page_text(at)
    assert at.header[0].value == "Yasmin Nygaard"
    with Session(app_db) as session:
        stored = session.exec(select(Citizen).where(Citizen.last_name == "Nygaard")).one()
    assert (stored.birth_year, stored.target_group, stored.match_group, stored.external_ref) == \
        (2011, "unge 13-17", 2, "SAG-2026-0042")
    assert at.query_params["borger"] == str(stored.id)
    assert "Der er endnu intet på borgerens tidslinje." in page_text(at)


def test_a_cpr_number_as_case_reference_is_refused(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    at.text_input(key="new_first").input("Yasmin")
    at.text_input(key="new_last").input("Nygaard")
    at.number_input(key="new_year").set_value(1994)
    at.text_input(key="new_external_ref").input("010194-1234")
    at.button(key="FormSubmitter:new_citizen-Opret borger").click().run()
    assert "Sagsreferencen ligner et CPR-nummer" in at.error[0].value
    with Session(app_db) as session:
        assert session.exec(select(Citizen).where(Citizen.last_name == "Nygaard")).first() is None


def test_choosing_a_citizen_opens_the_profile_with_the_timeline(app_db):
    citizen = first_sprint_citizen(app_db)
    at = app_as(app_db, "konsulent", PAGE)
    at.selectbox(key="open_citizen").select(citizen.id).run()
    assert not at.exception
    assert at.header[0].value == f"{citizen.first_name} {citizen.last_name}"
    text = page_text(at)
    assert f"Udvalgt til {demo_week.current_week(app_db).name} («Udvalgt»)" in text
    assert ":material/view_kanban:" in text
    at.button(key="back_to_list").click().run()
    assert not at.header and len(listed(at)) > 1


def test_another_teams_citizen_cannot_be_opened_by_link(app_db):
    admin = demo_actor(app_db, "admin")
    with Session(app_db) as session:
        team = Team(name="Et andet team")
        session.add(team)
        session.commit()
        team_id = team.id
    theirs = people.create_citizen(app_db, admin, first_name="Hemmelig", last_name="Borger",
                                   birth_year=1980, team_id=team_id)
    at = profile(app_db, "konsulent", theirs)
    assert at.error[0].value == "Det findes ikke, eller du har ikke adgang til det."
    assert "Hemmelig" not in page_text(at)


def test_an_outcome_recorded_on_the_profile_shows_on_the_timeline(app_db):
    citizen = first_sprint_citizen(app_db)
    at = profile(app_db, "sagsbehandler", citizen.id)
    at.selectbox(key="outcome_months").select(6)
    at.selectbox(key="outcome_status").select("education")
    at.button(key="FormSubmitter:outcome_form-Gem status").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Status efter 6 mdr. er gemt: Uddannelse." in text
    assert "Status efter 6 mdr.: Uddannelse" in text
    with Session(app_db) as session:
        stored = session.exec(select(Outcome).where(Outcome.citizen_id == citizen.id,
                                                    Outcome.months_after_start == 6)).one()
    assert (stored.status, stored.measured_at) == ("education", clock.today())


def test_a_progression_score_recorded_on_the_profile_shows_on_the_timeline(app_db):
    citizen = first_sprint_citizen(app_db)
    at = profile(app_db, "konsulent", citizen.id)
    at.slider(key="progression_score").set_value(8)
    at.button(key="FormSubmitter:progression_form-Gem score").click().run()
    assert not at.exception
    assert "Scoren 8 er gemt." in page_text(at)
    assert "Livsmestring: 8 af 10" in page_text(at)


def test_editing_a_citizen_saves_the_change(app_db):
    citizen = first_sprint_citizen(app_db)
    at = profile(app_db, "konsulent", citizen.id)
    prefix = f"edit{citizen.version}"
    at.text_input(key=f"{prefix}_last").input("Holm-Larsen")
    at.selectbox(key=f"{prefix}_benefit").select("dagpenge")
    at.date_input(key=f"{prefix}_dagpenge_end").set_value(DAGPENGE_END)
    at.button(key=f"FormSubmitter:{prefix}_citizen-Gem").click().run()
    assert not at.exception
    assert "Oplysningerne er gemt." in page_text(at)
    assert at.header[0].value == f"{citizen.first_name} Holm-Larsen"
    assert f"{DAGPENGE_END:%d-%m-%Y}" in page_text(at)
    leader = demo_actor(app_db, "leder")
    stored = people.get_citizen(app_db, leader, citizen.id)
    assert (stored.benefit_type, stored.version) == ("dagpenge", citizen.version + 1)


def test_a_bad_edit_shows_the_error_and_changes_nothing(app_db):
    citizen = first_sprint_citizen(app_db)
    at = profile(app_db, "konsulent", citizen.id)
    prefix = f"edit{citizen.version}"
    at.date_input(key=f"{prefix}_dagpenge_end").set_value(DAGPENGE_END)
    at.button(key=f"FormSubmitter:{prefix}_citizen-Gem").click().run()
    assert "gælder kun borgere på dagpenge" in at.error[0].value
    stored = people.get_citizen(app_db, demo_actor(app_db, "leder"), citizen.id)
    assert (stored.dagpenge_end_date, stored.version) == (None, citizen.version)


def test_outcomes_for_a_whole_sprint_are_entered_in_the_table(app_db):
    leader = demo_actor(app_db, "leder")
    sprint_id = sprints.current_sprint_id(app_db, leader)
    before = outcomes.outcome_sheet(app_db, leader, months=3, sprint_id=sprint_id)
    # Statuses that differ from whatever the demo recorded, so both rows are written.
    new = {row: "education" if before["status"].iloc[row] == "job" else "job" for row in (0, 2)}
    at = app_as(app_db, "leder", PAGE)
    at.session_state[f"outcome_sheet_sprint_{sprint_id}_3"] = {
        "edited_rows": {row: {"status": status} for row, status in new.items()},
        "added_rows": [], "deleted_rows": []}
    at.button(key="group_outcome_save").click().run()
    assert not at.exception
    assert "2 målinger er gemt." in page_text(at)
    after = outcomes.outcome_sheet(app_db, leader, months=3, sprint_id=sprint_id)
    assert after["status"].iloc[[0, 2]].tolist() == [new[0], new[2]]
    assert after["measured_at"].iloc[0] == clock.today()
    assert after["status"].iloc[1] == before["status"].iloc[1] or (
        pd.isna(after["status"].iloc[1]) and pd.isna(before["status"].iloc[1]))


def test_progression_for_a_whole_initiative_is_entered_in_the_table(app_db):
    leader = demo_actor(app_db, "leder")
    stv = int(people.filter_options(app_db, leader)["initiatives"]
              .set_index("name").loc["STV", "id"])
    sheet = outcomes.progression_sheet(app_db, leader, initiative_id=stv)
    at = app_as(app_db, "leder", PAGE)
    at.radio(key="group_kind").set_value("initiative").run()
    at.selectbox(key="group_initiative_id").select(stv).run()
    at.session_state[f"progression_sheet_initiative_{stv}"] = {
        "edited_rows": {1: {"score": 9}}, "added_rows": [], "deleted_rows": []}
    at.button(key="group_progression_save").click().run()
    assert not at.exception
    assert "1 måling er gemt." in page_text(at)
    with Session(app_db) as session:
        stored = session.exec(select(Progression.score, Progression.measured_at)
                              .where(Progression.citizen_id == int(sheet["citizen_id"].iloc[1]))
                              .order_by(Progression.id.desc())).first()
    assert tuple(stored) == (9, clock.today())


def test_a_mentor_reads_profiles_but_cannot_change_anything(app_db):
    citizen = first_sprint_citizen(app_db)
    at = app_as(app_db, "mentor", PAGE)
    assert len(listed(at)) > 1
    assert not [b for b in at.button if str(b.key).startswith("FormSubmitter:new_citizen")]
    assert "Målinger for en hel gruppe" not in [e.label for e in at.expander]
    at = profile(app_db, "mentor", citizen.id)
    assert at.header[0].value == f"{citizen.first_name} {citizen.last_name}"
    assert [tab.label for tab in at.tabs] == ["Tidslinje"]


def test_the_page_run_directly_shows_the_login_and_no_citizens(app_db):
    # Streamlit's legacy deep-link path runs the page file without app.py: its guard must hold.
    direct = AppTest.from_file(str(Path(__file__).resolve().parents[2] / PAGE), default_timeout=30)
    direct.query_params["borger"] = str(first_sprint_citizen(app_db).id)
    direct.run()
    assert not direct.exception
    assert direct.title[0].value == "Log ind på Jobtavlen"
    assert not direct.header and not direct.dataframe


def test_an_edit_keeps_a_consultant_who_is_no_longer_active(app_db):
    citizen = first_sprint_citizen(app_db)
    with Session(app_db) as session:
        session.get(Staff, citizen.consultant_id).active = False
        session.commit()
    at = profile(app_db, "konsulent", citizen.id)
    prefix = f"edit{citizen.version}"
    assert at.selectbox(key=f"{prefix}_consultant").value == citizen.consultant_id
    at.text_input(key=f"{prefix}_last").input("Holm")
    at.button(key=f"FormSubmitter:{prefix}_citizen-Gem").click().run()
    assert "Oplysningerne er gemt." in page_text(at)
    stored = people.get_citizen(app_db, demo_actor(app_db, "leder"), citizen.id)
    assert (stored.last_name, stored.consultant_id) == ("Holm", citizen.consultant_id)
