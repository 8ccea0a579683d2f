"""Forløb: tick off today's follow-ups, create, edit and end placements, set the cadence."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import clock, i18n, people, placements, sprints, workdays
from model.tables import Citizen, Company, FollowUp, Placement, SprintCard, Staff
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/forloeb.py"
ROOT = Path(__file__).resolve().parents[2]


def citizen_of_the_team(engine, *, first_name: str = "Yasmin", last_name: str = "Nygaard",
                        birth_year: int = 1990) -> int:
    """A new citizen in the demo team, so the demo's own placements do not get in the way."""
    konsulent = demo_actor(engine, "konsulent")
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, konsulent, first_name=first_name,
                                           last_name=last_name, birth_year=birth_year)
        session.commit()
        return citizen.id


def company_id(engine, name: str = "Strandens Bageri ApS") -> int:
    with Session(engine) as session:
        return session.exec(select(Company.id).where(Company.name == name)).one()


def started(engine, *, days_ago: int | None = None, consultant: str | None = None,
            **fields) -> int:
    """A placement of a new team citizen that started `days_ago` days ago; by default the day
    before the last working day, so exactly one follow-up (day 1) is due: today on a working day."""
    if days_ago is None:
        days_ago = (clock.today() - workdays.previous_working_day(clock.today())).days + 1
    konsulent = demo_actor(engine, "konsulent")
    consultant_id = None
    if consultant:
        with Session(engine) as session:
            consultant_id = session.exec(select(Staff.id).where(Staff.name == consultant)).one()
    return placements.start_placement(
        engine, konsulent, citizen_id=citizen_of_the_team(engine, **fields),
        company_id=company_id(engine), kind="virksomhedspraktik",
        start_date=clock.today() - timedelta(days=days_ago), consultant_id=consultant_id)


def open_follow_ups(engine, placement_id: int) -> list:
    with Session(engine) as session:
        return session.exec(select(FollowUp).where(FollowUp.placement_id == placement_id,
                                                   FollowUp.done_at.is_(None))).all()


def due_rows(at, citizen: str = "Yasmin Nygaard") -> list[str]:
    return [str(m.value) for m in at.markdown if str(m.value).startswith(f"**{citizen}**")]


def on_tab(at, label: str):
    at.session_state["pl_tab"] = label
    return at.run()


def shown_table(at, column: str):
    """The table on the page that has `column` (AppTest finds dataframes by position only)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def placement_open(engine, username: str, placement_id: int):
    at = on_tab(app_as(engine, username, PAGE), "Forløb")
    at.selectbox(key="pl_pick").select(placement_id).run()
    assert not at.exception
    return at


@pytest.fixture
def on_a_working_day(monkeypatch):
    """Today moved on to a working day, where follow-ups can fall due."""
    monkeypatch.setenv("JOBTAVLEN_TODAY", workdays.next_working_day(clock.today()).isoformat())


def test_a_follow_up_due_today_is_ticked_off_with_a_note_in_one_action(app_db, on_a_working_day):
    placement_id = started(app_db)
    [follow_up] = [f for f in open_follow_ups(app_db, placement_id)
                   if f.due_date == clock.today()]
    at = app_as(app_db, "konsulent", PAGE)
    [row] = due_rows(at)
    assert ":blue-badge[I dag]" in row and "Strandens Bageri ApS" in row
    at.text_input(key=f"fu_note_{follow_up.id}").input("God start, mangler arbejdssko")
    at.button(key=f"FormSubmitter:fu_{follow_up.id}-Udført").click().run()
    assert not at.exception
    assert "Opfølgningen med Yasmin Nygaard er registreret." in page_text(at)
    assert due_rows(at) == []
    with Session(app_db) as session:
        done = session.get(FollowUp, follow_up.id)
    assert done.note == "God start, mangler arbejdssko" and done.done_at is not None


def test_overdue_follow_ups_say_since_when(app_db):
    placement_id = started(app_db, days_ago=10)
    today = clock.today()
    due = sorted(f.due_date for f in open_follow_ups(app_db, placement_id) if f.due_date <= today)
    at = app_as(app_db, "konsulent", PAGE)
    rows = due_rows(at)
    assert len(rows) == len(due) >= 3
    for row, day in zip(rows, due):  # oldest first, each with its working day
        assert (f"Forsinket – skulle følges op {i18n.format_date(day)}" if day < today
                else ":blue-badge[I dag]") in row


def test_a_cpr_number_in_the_note_is_refused(app_db):
    placement_id = started(app_db)
    [follow_up] = open_follow_ups(app_db, placement_id)[:1]
    at = app_as(app_db, "konsulent", PAGE)
    at.text_input(key=f"fu_note_{follow_up.id}").input("cpr 010190-1234")
    at.button(key=f"FormSubmitter:fu_{follow_up.id}-Udført").click().run()
    assert "ligner et CPR-nummer" in at.error[0].value
    assert len(due_rows(at)) == 1


def test_the_list_is_mine_by_default_and_a_colleagues_or_the_teams_on_request(app_db):
    started(app_db, consultant="Søren Dahl", first_name="Bashir", last_name="Demir")
    at = app_as(app_db, "konsulent", PAGE)
    assert at.selectbox(key="due_for").value == demo_actor(app_db, "konsulent").staff_id
    assert due_rows(at, "Bashir Demir") == []
    at.selectbox(key="due_for").select(0).run()
    assert len(due_rows(at, "Bashir Demir")) == 1
    with Session(app_db) as session:
        soeren = session.exec(select(Staff.id).where(Staff.name == "Søren Dahl")).one()
    at.selectbox(key="due_for").select(soeren).run()
    assert len(due_rows(at, "Bashir Demir")) == 1


def test_a_mentor_sees_the_teams_follow_ups_ticks_one_off_but_cannot_create(app_db):
    placement_id = started(app_db)
    [follow_up] = open_follow_ups(app_db, placement_id)[:1]
    at = app_as(app_db, "mentor", PAGE)
    assert [tab.label for tab in at.tabs] == ["Opfølgning i dag", "Forløb"]
    assert at.selectbox(key="due_for").value == 0
    at.button(key=f"FormSubmitter:fu_{follow_up.id}-Udført").click().run()
    assert not at.exception
    assert due_rows(at) == []


def test_creating_a_placement_searches_citizen_and_company_and_plans_follow_ups(app_db):
    citizen_id = citizen_of_the_team(app_db)
    at = on_tab(app_as(app_db, "konsulent", PAGE), "Opret forløb")
    at.text_input(key="new_citizen_query").input("Nygaard").run()
    at.text_input(key="new_company_query").input("bageri").run()
    assert at.selectbox(key="new_citizen").value == citizen_id
    assert at.selectbox(key="new_company").value == company_id(app_db)
    at.selectbox(key="new_kind").select("loentilskud")
    at.number_input(key="new_hours").set_value(20)
    at.button(key="new_create").click().run()
    assert not at.exception
    assert "Forløbet er oprettet med sin opfølgningsplan." in page_text(at)
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).one()
    assert (placement.kind, placement.hours_per_week, placement.status) == ("loentilskud", 20,
                                                                           "active")
    # The page turns to the new placement and shows its plan.
    assert at.selectbox(key="pl_pick").value == placement.id
    plan = shown_table(at, "Udført af")
    assert len(plan) == len(placements.DEFAULT_CADENCE)
    # A real date (shown as dd-mm-åååå by the table), the first working day after today.
    assert plan["Dato"].iloc[0] == placements.follow_up_dates(clock.today(), [1])[0]


def test_a_pocket_money_job_for_an_adult_is_refused_and_nothing_is_written(app_db):
    citizen_id = citizen_of_the_team(app_db, birth_year=1990)
    at = on_tab(app_as(app_db, "konsulent", PAGE), "Opret forløb")
    at.text_input(key="new_citizen_query").input("Yasmin Nygaard").run()
    at.text_input(key="new_company_query").input("Bageri").run()
    at.selectbox(key="new_kind").select("lommepengejob")
    at.button(key="new_create").click().run()
    age = clock.today().year - 1990
    assert at.error[0].value == f"Lommepengejob er kun for unge på 13-17 år; borgeren er {age}."
    with Session(app_db) as session:
        assert session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).all() == []


def test_the_list_filters_and_offers_downloads(app_db):
    leader = demo_actor(app_db, "leder")
    at = on_tab(app_as(app_db, "leder", PAGE), "Forløb")
    assert len(shown_table(at, "Næste opfølgning")) == len(placements.list_placements(app_db, leader))
    at.selectbox(key="pl_kind").select("loentilskud").run()
    shown = shown_table(at, "Næste opfølgning")
    expected = placements.list_placements(app_db, leader, kind="loentilskud")
    assert len(shown) == len(expected) > 0
    assert set(shown["Type"]) == {"Løntilskud"}
    assert {b.key for b in at.get("download_button")} >= {"pl_download_csv", "pl_download_xlsx"}


def test_ending_a_placement_asks_for_the_result_and_drops_later_follow_ups(app_db):
    placement_id = started(app_db, days_ago=10)
    at = placement_open(app_db, "konsulent", placement_id)
    at.button(key=f"FormSubmitter:pl_end_{placement_id}-Afslut forløb").click().run()
    assert at.error[0].value == "Vælg resultatet af forløbet."
    at.selectbox(key=f"pl_end_{placement_id}_result").select("ordinary_job")
    at.button(key=f"FormSubmitter:pl_end_{placement_id}-Afslut forløb").click().run()
    assert not at.exception
    assert "Forløbet er afsluttet: Ordinært job." in page_text(at)
    with Session(app_db) as session:
        placement = session.get(Placement, placement_id)
    assert (placement.status, placement.result) == ("completed", "ordinary_job")
    assert all(f.due_date <= clock.today() for f in open_follow_ups(app_db, placement_id))


def test_an_edit_after_a_colleagues_save_is_refused_then_allowed(app_db):
    placement_id = started(app_db, days_ago=2)
    at = placement_open(app_db, "konsulent", placement_id)
    colleague = demo_actor(app_db, "leder")
    placements.update_placement(app_db, colleague, placement_id, expected_version=1,
                                kind="virksomhedspraktik", company_id=company_id(app_db),
                                start_date=clock.today() - timedelta(days=2),
                                planned_end_date=None, hours_per_week=12)
    at.number_input(key=f"pl_edit_{placement_id}_hours").set_value(25)
    at.button(key=f"FormSubmitter:pl_edit_{placement_id}-Gem").click().run()
    assert "En anden har ændret forløbet imens" in at.error[0].value
    with Session(app_db) as session:
        assert session.get(Placement, placement_id).hours_per_week == 12
    at.number_input(key=f"pl_edit_{placement_id}_hours").set_value(25)
    at.button(key=f"FormSubmitter:pl_edit_{placement_id}-Gem").click().run()
    assert "Forløbet er gemt." in page_text(at)
    with Session(app_db) as session:
        assert session.get(Placement, placement_id).hours_per_week == 25


def test_a_follow_up_is_recorded_from_the_plan(app_db):
    placement_id = started(app_db, days_ago=1)
    at = placement_open(app_db, "mentor", placement_id)
    at.text_input(key=f"pl_record_note_{placement_id}").input("Ringede, alt vel")
    at.button(key=f"FormSubmitter:pl_record_{placement_id}-Registrér opfølgning").click().run()
    assert not at.exception
    assert "Opfølgningen er registreret." in page_text(at)
    plan = shown_table(at, "Udført af")
    assert plan.iloc[0][["Status", "Udført af", "Note"]].tolist() == [
        "Udført", "Ole Svendsen", "Ringede, alt vel"]
    assert not [b for b in at.button if str(b.key).startswith(f"FormSubmitter:pl_end_{placement_id}")]


def test_a_leader_sets_the_cadence_of_a_kind(app_db):
    at = on_tab(app_as(app_db, "leder", PAGE), "Opfølgningsrytme")
    at.selectbox(key="cadence_kind").select("lommepengejob").run()
    assert at.text_input(key="cadence_days_lommepengejob").value == "1, 7, 14, 30, 60, 90"
    at.text_input(key="cadence_days_lommepengejob").input("3, 1")
    at.button(key="FormSubmitter:cadence_form-Gem").click().run()
    assert "stigende rækkefølge" in at.error[0].value
    at.text_input(key="cadence_days_lommepengejob").input("1, 3, 7, 21")
    at.button(key="FormSubmitter:cadence_form-Gem").click().run()
    assert "Opfølgningsrytmen for «Lommepengejob» er gemt." in page_text(at)
    assert placements.cadence(app_db, "lommepengejob") == [1, 3, 7, 21]


def test_consultants_do_not_see_the_cadence_settings(app_db):
    at = app_as(app_db, "konsulent", PAGE)
    assert [tab.label for tab in at.tabs] == ["Opfølgning i dag", "Forløb", "Opret forløb"]


def test_the_page_run_directly_shows_the_login(app_db):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Log ind på Jobtavlen"
    assert not at.tabs


def test_a_long_due_list_shows_the_oldest_forms_and_counts_them_all(app_db):
    # Five placements 40 days in: each has its seven first follow-ups (day 1 to 30) overdue.
    for first_name in ("Anna", "Bent", "Carl", "Dina", "Egon"):
        started(app_db, days_ago=40, first_name=first_name, last_name="Kofoed")
    at = app_as(app_db, "konsulent", PAGE)
    forms = [w for w in at.text_input if str(w.key).startswith("fu_note_")]
    total = sum(int(m.value) for m in at.metric if m.label in ("Til opfølgning i dag", "Forsinkede"))
    assert len(forms) == 30 and total >= 35
    assert f"Viser de 30 ældste af {total}." in page_text(at)


# --- The consultant proposed, and a placement that secures the citizen's card --------------------


def staff_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Staff.id).where(Staff.name == name)).one()


def test_a_new_placement_proposes_the_citizens_consultant_and_secures_their_card(app_db):
    konsulent = demo_actor(app_db, "konsulent")
    soeren = staff_id(app_db, "Søren Dahl")
    citizen_id = citizen_of_the_team(app_db)
    with Session(app_db) as session:
        session.get(Citizen, citizen_id).consultant_id = soeren
        session.commit()
    today = clock.today()
    sprint_id = sprints.create_sprint(app_db, konsulent, name="Intensiv uge",
                                      start=today - timedelta(days=1),
                                      end=today + timedelta(days=3), goal=4)
    card_id = sprints.add_card(app_db, konsulent, sprint_id, citizen_id=citizen_id,
                               consultant_id=soeren)
    at = on_tab(app_as(app_db, "leder", PAGE), "Opret forløb")
    at.text_input(key="new_citizen_query").input("Yasmin Nygaard").run()
    at.text_input(key="new_company_query").input("bageri").run()
    assert at.selectbox(key=f"new_consultant_{citizen_id}").value == soeren
    box = at.checkbox(key=f"new_secure_{card_id}")
    assert (box.label, box.value) == (
        "Flyt Yasmin Nygaards kort til «Forløb sikret» på Intensiv uge", True)
    preview = placements.follow_up_dates(today, placements.DEFAULT_CADENCE)
    assert f"Opfølgning planlægges: {', '.join(map(i18n.format_date, preview))}" in page_text(at)
    at.button(key="new_create").click().run()
    assert not at.exception
    assert "kortet er flyttet til «Forløb sikret»" in page_text(at)
    with Session(app_db) as session:
        placement = session.exec(select(Placement).where(Placement.citizen_id == citizen_id)).one()
        card = session.get(SprintCard, card_id)
    assert (placement.consultant_id, placement.sprint_id) == (soeren, sprint_id)
    assert (card.stage, card.placement_id) == ("secured", placement.id)


def test_a_citizen_without_a_consultant_proposes_the_consultant_typing_but_not_a_leader(app_db):
    citizen_of_the_team(app_db)
    for username, expected in (("konsulent", demo_actor(app_db, "konsulent").staff_id),
                               ("leder", None)):
        at = on_tab(app_as(app_db, username, PAGE), "Opret forløb")
        at.text_input(key="new_citizen_query").input("Yasmin Nygaard").run()
        citizen_id = at.selectbox(key="new_citizen").value
        assert at.selectbox(key=f"new_consultant_{citizen_id}").value == expected
        assert not [box for box in at.checkbox if str(box.key).startswith("new_secure_")]
