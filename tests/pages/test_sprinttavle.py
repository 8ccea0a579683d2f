"""Sprinttavle: create a sprint, move cards, refusals, programme, closing."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import clock, companies, i18n, people, placements, sprints
from model.tables import FollowUp, Placement, SprintCard, StageChange
from tests import demo_week
from tests.conftest import app_as, demo_actor, make_actor, page_text

BOARD = "pages/sprinttavle.py"


def dialogue_card(engine):
    return demo_week.dialogue_card(engine)


def secured_metric(at) -> str:
    return next(m.value for m in at.metric if m.label == "Sikrede forløb")


def test_board_shows_the_demo_week(app_db):
    at = app_as(app_db, "konsulent", BOARD)
    text = page_text(at)
    counts = demo_week.stage_counts(app_db)
    assert secured_metric(at) == f"{counts['secured']} / 16"
    assert f"#### Forløb sikret · {counts['secured']}" in text
    assert f"#### I dialog med virksomhed · {counts['dialogue']}" in text
    assert demo_week.week_period(demo_week.current_week(app_db)) in text
    assert "Opstart: hver konsulent præsenterer sine tre borgere" in text
    assert len(at.get("plotly_chart")) == 2


def test_moving_a_card_changes_the_count_and_writes_history(app_db):
    card = dialogue_card(app_db)
    secured = demo_week.stage_counts(app_db)["secured"]
    at = app_as(app_db, "konsulent", BOARD)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    assert not at.exception
    assert secured_metric(at) == f"{secured + 1} / 16"
    assert f"#### Forløb sikret · {secured + 1}" in page_text(at)
    assert f"{card.first_name} {card.last_name} er flyttet til «Forløb sikret»." in page_text(at)
    with Session(app_db) as session:
        last = session.exec(select(StageChange).order_by(StageChange.id.desc())).first()
    assert (last.card_id, last.from_stage, last.to_stage) == (card.card_id, "dialogue", "secured")


def test_a_move_on_a_card_someone_else_moved_is_refused(app_db):
    card = dialogue_card(app_db)
    secured = demo_week.stage_counts(app_db)["secured"]
    at = app_as(app_db, "konsulent", BOARD)
    # A colleague moves the card after this board was drawn.
    sprints.move_card(app_db, demo_actor(app_db, "leder"), int(card.card_id), "clarified",
                      expected_version=int(card.version))
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    assert "En anden har flyttet kortet" in at.error[0].value
    assert secured_metric(at) == f"{secured} / 16"
    with Session(app_db) as session:
        assert session.get(SprintCard, int(card.card_id)).stage == "clarified"


def test_parking_a_card_asks_for_a_reason(app_db):
    card = dialogue_card(app_db)
    parked = demo_week.stage_counts(app_db)["parked"]
    at = app_as(app_db, "konsulent", BOARD)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("parked").run()
    at.text_input(key="park_reason").input("Sygemeldt resten af ugen")
    at.button(key="FormSubmitter:park_form-Flyt").click().run()
    assert not at.exception
    assert f"#### Ikke denne gang · {parked + 1}" in page_text(at)
    with Session(app_db) as session:
        parked = session.get(SprintCard, int(card.card_id))
    assert (parked.stage, parked.park_reason) == ("parked", "Sygemeldt resten af ugen")


def test_creating_a_sprint_selects_it(app_db):
    at = app_as(app_db, "leder", BOARD)
    at.text_input(key="new_name").input("Uge 49 – fastholdelse")
    start, end = sprints.proposed_week(clock.today())  # a week that stays current as days pass
    at.date_input(key="new_start").set_value(start)
    at.date_input(key="new_end").set_value(end)
    at.number_input(key="new_goal").set_value(12)
    at.button(key="FormSubmitter:new_form-Gem").click().run()
    assert not at.exception
    assert "Sprinten er oprettet." in page_text(at)
    assert secured_metric(at) == "0 / 12"
    assert "Uge 49 – fastholdelse" in page_text(at)


def test_creating_a_sprint_with_bad_dates_writes_nothing(app_db):
    at = app_as(app_db, "leder", BOARD)
    before = len(sprints.list_sprints(app_db, demo_actor(app_db, "leder")))
    at.text_input(key="new_name").input("Baglæns")
    start = clock.today()  # the app's day: only the order of the two dates is wrong
    at.date_input(key="new_start").set_value(start)
    at.date_input(key="new_end").set_value(start - timedelta(days=4))
    at.button(key="FormSubmitter:new_form-Gem").click().run()
    assert at.error[0].value == "Slutdatoen ligger før startdatoen."
    assert len(sprints.list_sprints(app_db, demo_actor(app_db, "leder"))) == before


def test_a_new_citizen_can_be_created_onto_the_board(app_db):
    selected = demo_week.stage_counts(app_db)["selected"]
    at = app_as(app_db, "konsulent", BOARD)
    at.text_input(key="nc_first").input("Yasmin")
    at.text_input(key="nc_last").input("Nygaard")
    at.number_input(key="nc_year").set_value(1994)
    at.button(key="FormSubmitter:new_citizen-Sæt på tavlen").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Borgeren er sat på tavlen." in text
    assert f"#### Udvalgt · {selected + 1}" in text and "**Yasmin Nygaard**" in text


def test_a_cpr_number_in_a_new_citizen_is_refused(app_db):
    selected = demo_week.stage_counts(app_db)["selected"]
    at = app_as(app_db, "konsulent", BOARD)
    at.text_input(key="nc_first").input("Yasmin")
    at.text_input(key="nc_last").input("0101901234")
    at.button(key="FormSubmitter:new_citizen-Sæt på tavlen").click().run()
    assert "ligner et CPR-nummer" in at.error[0].value
    assert f"#### Udvalgt · {selected}" in page_text(at)


def test_the_programme_is_edited_in_the_table(app_db):
    at = app_as(app_db, "leder", BOARD)
    at.session_state["agenda_editor"] = {
        "edited_rows": {0: {"title": "Opstart og målsætning"}},
        "added_rows": [], "deleted_rows": [8]}
    at.button(key="agenda_save").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Programmet er gemt." in text
    assert "formiddag: Opstart og målsætning" in text
    assert "Fælles opsamling med sagsbehandlere og mentorer" not in text


def test_closing_the_sprint_shows_its_result(app_db):
    secured = demo_week.stage_counts(app_db)["secured"]
    at = app_as(app_db, "leder", BOARD)
    at.button(key="close_sprint").click().run()
    assert not at.exception
    assert f"{secured} af 16 – {'mål nået' if secured >= 16 else 'mål ikke nået'}" in page_text(at)
    assert any("Sprinten er afsluttet." in s.value for s in [*at.success, *at.warning])


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_caseworkers_and_mentors_see_the_board_read_only(app_db, username):
    at = app_as(app_db, username, BOARD)
    assert secured_metric(at) == f"{demo_week.stage_counts(app_db)['secured']} / 16"
    assert any("din rolle kan ikke flytte kort" in info.value for info in at.info)
    assert not [s for s in at.selectbox if str(s.key).startswith("move_")]


def test_swimlanes_and_consultant_filter(app_db):
    at = app_as(app_db, "leder", BOARD)
    at.toggle(key="board_swimlanes").set_value(True).run()
    assert len([m for m in at.markdown if str(m.value).startswith("##### ")]) == 8
    leader = demo_actor(app_db, "leder")
    week_id = demo_week.current_week(app_db).id
    consultant_id = int(sprints.board(app_db, leader, week_id)["consultant_id"].iloc[0])
    at.selectbox(key="board_consultant").select(consultant_id).run()
    assert not at.exception
    assert len([m for m in at.markdown if str(m.value).startswith("##### ")]) == 1
    assert len([s for s in at.selectbox if str(s.key).startswith("move_")]) == 3


def test_the_company_in_dialogue_is_set_on_the_card(app_db):
    card = dialogue_card(app_db)
    at = app_as(app_db, "konsulent", BOARD)
    picker = at.selectbox(key=f"company_{card.card_id}_{card.version}")
    company_id = next(c for c in range(1, 13) if c != card.company_id)
    picker.select(company_id).run()
    assert not at.exception
    with Session(app_db) as session:
        stored = session.get(SprintCard, int(card.card_id))
    assert (stored.company_id, stored.stage) == (company_id, "dialogue")
    assert f"{card.first_name} {card.last_name}:" in at.success[0].value


def offer_title(at) -> list[str]:
    return [str(m.value) for m in at.markdown if "opret forløbet nu" in str(m.value)]


def test_securing_a_card_offers_the_placement_and_creating_it_links_the_card(app_db):
    card = dialogue_card(app_db)
    name = f"{card.first_name} {card.last_name}"
    at = app_as(app_db, "konsulent", BOARD)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    assert offer_title(at) == [f"**:material/work: Forløb sikret for {name}: opret forløbet nu**"]
    # The company the citizen was in dialogue with is filled in.
    assert at.selectbox(key=f"place_company_{card.card_id}").value == card.company_id
    at.selectbox(key=f"place_kind_{card.card_id}").select("ordinaere_timer")
    at.number_input(key=f"place_hours_{card.card_id}").set_value(12)
    at.button(key="FormSubmitter:place_form-Opret forløb").click().run()
    assert not at.exception
    assert f"Forløbet for {name} er oprettet og knyttet til kortet." in page_text(at)
    assert offer_title(at) == []
    with Session(app_db) as session:
        stored = session.get(SprintCard, int(card.card_id))
        placement = session.get(Placement, stored.placement_id)
        follow_ups = session.exec(select(FollowUp).where(
            FollowUp.placement_id == placement.id)).all()
    assert (placement.citizen_id, placement.company_id, placement.kind,
            placement.hours_per_week, placement.sprint_id) == (
        int(card.citizen_id), card.company_id, "ordinaere_timer", 12, demo_week.current_week(app_db).id)
    assert len(follow_ups) > 0
    marked = [m for m in at.markdown if str(m.value).startswith(f"**{name}**")]
    assert marked[0].value.endswith(":green-badge[:material/link: Forløb]")


def test_not_now_closes_the_offer_and_the_card_keeps_a_way_back(app_db):
    card = dialogue_card(app_db)
    secured = demo_week.stage_counts(app_db)["secured"]
    at = app_as(app_db, "konsulent", BOARD)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    at.button(key="FormSubmitter:place_form-Ikke nu").click().run()
    assert not at.exception
    assert offer_title(at) == []
    assert secured_metric(at) == f"{secured + 1} / 16"
    with Session(app_db) as session:
        assert session.get(SprintCard, int(card.card_id)).placement_id is None
    at.button(key=f"place_{card.card_id}_{card.version + 1}").click().run()
    assert len(offer_title(at)) == 1


def test_the_offer_without_a_company_is_refused_and_nothing_is_written(app_db):
    leader = demo_actor(app_db, "leder")
    board = sprints.board(app_db, leader, sprints.current_sprint_id(app_db, leader))
    card = board[board["company_id"].isna()].iloc[0]
    at = app_as(app_db, "konsulent", BOARD)
    at.selectbox(key=f"move_{card.card_id}_{card.version}").select("secured").run()
    assert at.selectbox(key=f"place_company_{card.card_id}").value is None
    at.button(key="FormSubmitter:place_form-Opret forløb").click().run()
    assert at.error[0].value == "Vælg en virksomhed."
    with Session(app_db) as session:
        assert session.get(SprintCard, int(card.card_id)).placement_id is None


def test_cards_with_a_recorded_placement_carry_the_link_mark(app_db):
    at = app_as(app_db, "leder", BOARD)
    linked = [m for m in at.markdown if str(m.value).endswith(":green-badge[:material/link: Forløb]")]
    assert len(linked) == demo_week.stage_counts(app_db)["secured"]


def test_the_cards_company_pickers_follow_the_boards_company_search(app_db):
    card = dialogue_card(app_db)
    leader = demo_actor(app_db, "leder")
    on_board = set(sprints.board(app_db, leader, demo_week.current_week(app_db).id)["company"]) - {""}
    at = app_as(app_db, "konsulent", BOARD)
    picker = f"company_{card.card_id}_{card.version}"
    before = set(at.selectbox(key=picker).options)
    at.text_input(key="board_company_find").input("bageri").run()
    after = set(at.selectbox(key=picker).options)
    # The search's match and the companies already on the board (so they stay chosen).
    assert after == {"Ingen virksomhed endnu", "Strandens Bageri ApS"} | on_board
    assert before - after and at.selectbox(key=picker).value == card.company_id


# --- Planning the week (own data, dates from the clock) ---------------------------------------

def own_sprint(engine, *, start=None, end=None, goal=3, name="Planlægningsuge") -> int:
    """A sprint of the demo leader's team, this week's Monday to Friday unless told."""
    week_start, week_end = sprints.proposed_week(clock.today())
    return sprints.create_sprint(engine, demo_actor(engine, "leder"), name=name,
                                 start=start or week_start, end=end or week_end, goal=goal)


def board_of(engine, username: str, sprint_id: int):
    at = app_as(engine, username, BOARD)
    at.selectbox(key="sprint_id").select(sprint_id).run()
    assert not at.exception, at.exception
    return at


def consultant_with_citizens(engine, name: str = "Aase Aagaard", n: int = 4):
    """A consultant of the demo leader's team with `n` citizens of their own."""
    leader = demo_actor(engine, "leder")
    consultant = make_actor(engine, "consultant", team_id=leader.team_id, name=name)
    first_names = ["Asta", "Bjørn", "Cecilie", "Dennis", "Ebba"][:n]
    ids = [people.create_citizen(engine, leader, first_name=first, last_name="Aagaard",
                                 birth_year=1990, consultant_id=consultant.staff_id,
                                 team_id=leader.team_id) for first in first_names]
    return consultant, ids


def cards_of(engine, sprint_id: int) -> list[tuple[int, int, str]]:
    with Session(engine) as session:
        return sorted(session.exec(select(SprintCard.citizen_id, SprintCard.consultant_id,
                                          SprintCard.stage)
                                   .where(SprintCard.sprint_id == sprint_id)).all())


@pytest.mark.parametrize("today, start, end", [
    ("2027-01-01", date(2026, 12, 28), date(2027, 1, 1)),   # Friday of ISO week 53
    ("2026-12-05", date(2026, 12, 7), date(2026, 12, 11)),  # Saturday: next week
    ("2027-09-27", date(2027, 9, 27), date(2027, 10, 1)),   # Monday of week 39
])
def test_the_new_sprint_form_proposes_this_weeks_monday_to_friday(app_db, monkeypatch, today,
                                                                  start, end):
    monkeypatch.setenv("JOBTAVLEN_TODAY", today)
    at = app_as(app_db, "leder", BOARD)
    assert (at.date_input(key="new_start").value, at.date_input(key="new_end").value) == (
        start, end)
    at.text_input(key="new_name").input("Uge med forslag")
    at.button(key="FormSubmitter:new_form-Gem").click().run()
    assert not at.exception
    created = sprints.get_sprint(app_db, demo_actor(app_db, "leder"), at.selectbox(
        key="sprint_id").value)
    assert (created.name, created.start_date, created.end_date) == ("Uge med forslag", start, end)


def test_an_empty_programme_offers_the_template_and_replacing_it_is_asked_first(app_db):
    sprint_id = own_sprint(app_db)
    at = board_of(app_db, "leder", sprint_id)
    assert "Sprinten har intet program endnu." in page_text(at)
    at.button(key="agenda_template").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Ugeprogrammet er lagt ind (9 punkter). Ret det i tabellen." in text
    assert "Fælles opsamling med sagsbehandlere og mentorer" in text
    leader = demo_actor(app_db, "leder")
    assert len(sprints.agenda(app_db, leader, sprint_id)) == 9

    # Now the template sits in the editor's panel and asks before it replaces anything.
    sprints.save_agenda(app_db, leader, sprint_id,
                        sprints.agenda(app_db, leader, sprint_id).head(2))
    at.run()
    at.button(key="agenda_template").click().run()
    assert "Sprinten har allerede et program med 2 punkter" in at.warning[0].value
    assert len(sprints.agenda(app_db, leader, sprint_id)) == 2
    at.button(key="agenda_template_replace").click().run()
    assert not at.exception
    assert len(sprints.agenda(app_db, leader, sprint_id)) == 9


def test_an_empty_programme_saves_rows_whose_days_come_back_as_text(app_db):
    sprint_id = own_sprint(app_db)
    start, _ = sprints.proposed_week(clock.today())
    at = board_of(app_db, "leder", sprint_id)
    at.session_state["agenda_editor"] = {
        "edited_rows": {},
        "added_rows": [{"day": start.isoformat(), "part": "formiddag", "title": "Sparring"},
                       {"day": f"{start.isoformat()}T00:00:00", "title": "Frokost"}],
        "deleted_rows": []}
    at.button(key="agenda_save").click().run()
    assert not at.exception
    assert "Programmet er gemt." in page_text(at)
    saved = sprints.agenda(app_db, demo_actor(app_db, "leder"), sprint_id)
    assert saved[["day", "part", "title", "note"]].values.tolist() == [
        [start, "formiddag", "Sparring", ""], [start, "", "Frokost", ""]]


def test_a_programme_a_colleague_saved_meanwhile_is_not_overwritten(app_db):
    sprint_id = own_sprint(app_db)
    leader = demo_actor(app_db, "leder")
    sprints.apply_programme_template(app_db, leader, sprint_id)
    at = board_of(app_db, "leder", sprint_id)
    colleague = sprints.agenda(app_db, leader, sprint_id)
    colleague.loc[0, "title"] = "Kollegaens opstart"
    sprints.save_agenda(app_db, leader, sprint_id, colleague)
    at.session_state["agenda_editor"] = {"edited_rows": {1: {"title": "Min rettelse"}},
                                         "added_rows": [], "deleted_rows": []}
    at.button(key="agenda_save").click().run()
    assert "En anden har gemt programmet" in at.error[0].value
    titles = sprints.agenda(app_db, leader, sprint_id)["title"].tolist()
    assert titles[0] == "Kollegaens opstart" and "Min rettelse" not in titles


def test_todays_programme_item_stands_out_on_the_board(app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_TODAY", "2027-09-27")
    sprint_id = own_sprint(app_db, start=date(2027, 9, 27), end=date(2027, 10, 1))
    sprints.apply_programme_template(app_db, demo_actor(app_db, "leder"), sprint_id)
    at = board_of(app_db, "konsulent", sprint_id)
    markdown = [str(m.value) for m in at.markdown]
    assert "**Mandag 27-09-2027** :blue-badge[:material/today: I dag]" in markdown
    assert any(m.startswith("- **formiddag: Opstart") for m in markdown)
    assert "- formiddag: Brug af virksomhedscentre og behovet for nye samarbejdsaftaler" in \
        "\n".join(markdown)


def test_a_consultant_brings_three_citizens_and_a_new_one_in_one_submit(app_db):
    sprint_id = own_sprint(app_db)
    consultant, citizen_ids = consultant_with_citizens(app_db)
    at = board_of(app_db, "leder", sprint_id)
    at.selectbox(key="bring_consultant").select(consultant.staff_id).run()
    picker = at.multiselect(key=f"bring_citizens_{consultant.staff_id}")
    assert picker.options == ["Asta Aagaard (1990)", "Bjørn Aagaard (1990)",
                              "Cecilie Aagaard (1990)", "Dennis Aagaard (1990)"]
    for citizen_id in citizen_ids[:2]:
        picker.select(citizen_id)
    at.text_input(key="bring_first_0").input("Frida")
    at.text_input(key="bring_last_0").input("Nygaard")
    at.number_input(key="bring_year_0").set_value(1996)
    at.button(key="bring_add").click().run()
    assert not at.exception
    assert "3 borgere fra Aase Aagaard er sat på tavlen." in page_text(at)
    cards = cards_of(app_db, sprint_id)
    assert len(cards) == 3 and {c for _, c, _ in cards} == {consultant.staff_id}
    assert {c for c, _, _ in cards} >= set(citizen_ids[:2])
    assert consultant.staff_id in set(sprints.consultants(app_db, demo_actor(app_db, "leder"),
                                                          sprint_id)["id"])
    # The panel moves on to the next consultant without cards.
    assert at.selectbox(key="bring_consultant").value != consultant.staff_id
    assert "**Frida Nygaard**" in page_text(at)


def test_bringing_a_citizen_already_on_the_board_is_refused_and_writes_nothing(app_db):
    sprint_id = own_sprint(app_db)
    consultant, citizen_ids = consultant_with_citizens(app_db, name="Aase Aabel")
    at = board_of(app_db, "leder", sprint_id)
    at.selectbox(key="bring_consultant").select(consultant.staff_id).run()
    picker = at.multiselect(key=f"bring_citizens_{consultant.staff_id}")
    for citizen_id in citizen_ids[:3]:
        picker.select(citizen_id)
    sprints.add_card(app_db, demo_actor(app_db, "konsulent"), sprint_id,
                     citizen_id=citizen_ids[1], consultant_id=consultant.staff_id)
    at.button(key="bring_add").click().run()
    # Still offered (marked as on the board), so the refusal names who it was.
    assert at.error[0].value == "Bjørn Aagaard er allerede på tavlen i denne sprint. Intet er gemt."
    assert cards_of(app_db, sprint_id) == [(citizen_ids[1], consultant.staff_id, "selected")]
    at.run()
    assert "Bjørn Aagaard (1990) · på tavlen" in at.multiselect(
        key=f"bring_citizens_{consultant.staff_id}").options


def test_bringing_more_than_three_at_once_is_refused(app_db):
    sprint_id = own_sprint(app_db)
    consultant, citizen_ids = consultant_with_citizens(app_db, name="Aase Aaby")
    at = board_of(app_db, "leder", sprint_id)
    at.selectbox(key="bring_consultant").select(consultant.staff_id).run()
    picker = at.multiselect(key=f"bring_citizens_{consultant.staff_id}")
    for citizen_id in citizen_ids:
        picker.select(citizen_id)
    at.button(key="bring_add").click().run()
    assert at.error[0].value == "Vælg højst 3 borgere ad gangen; intet er gemt."
    assert cards_of(app_db, sprint_id) == []


def ended_sprint(engine) -> int:
    """A sprint of the leader's team that ended two weeks ago, with one of two cards secured."""
    monday, _ = sprints.proposed_week(clock.today())
    two_weeks_ago = monday - timedelta(weeks=2)
    sprint_id = own_sprint(engine, start=two_weeks_ago, end=two_weeks_ago + timedelta(days=4),
                           goal=2, name="Forrige uge")
    consultant, citizen_ids = consultant_with_citizens(engine, name="Aase Ended", n=2)
    leader = demo_actor(engine, "leder")
    cards = sprints.add_cards(engine, leader, sprint_id, consultant_id=consultant.staff_id,
                              citizen_ids=citizen_ids)
    sprints.move_card(engine, leader, cards[0], "secured", expected_version=1)
    return sprint_id


def test_an_ended_sprint_offers_the_leader_to_close_it_with_its_result(app_db):
    sprint_id = ended_sprint(app_db)
    at = board_of(app_db, "leder", sprint_id)
    assert "venter på at blive afsluttet: 1 af 2 – mål ikke nået." in at.warning[0].value
    close = at.button(key="close_sprint")
    assert close.label == "Afslut sprinten"
    close.click().run()
    assert not at.exception
    assert "1 af 2 – mål ikke nået" in at.success[0].value
    assert sprints.get_sprint(app_db, demo_actor(app_db, "leder"), sprint_id).status == "closed"
    assert any("Sprinten er afsluttet." in str(w.value) for w in at.warning)


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_an_ended_sprint_shows_others_its_result_without_the_close_button(app_db, username):
    sprint_id = ended_sprint(app_db)
    at = board_of(app_db, username, sprint_id)
    assert "1 af 2 – mål ikke nået" in at.warning[0].value
    assert not [b for b in at.button if b.key == "close_sprint"]


def test_a_closed_sprint_is_repeated_with_its_citizens_not_yet_secured(app_db):
    old = ended_sprint(app_db)
    leader = demo_actor(app_db, "leder")
    sprints.apply_programme_template(app_db, leader, old)
    sprints.close_sprint(app_db, leader, old)
    at = board_of(app_db, "leder", old)
    at.session_state["repeat_open"] = True
    at.run()
    start, end = sprints.next_free_week(app_db, leader, team_id=leader.team_id)
    assert (at.date_input(key="repeat_start").value, at.date_input(key="repeat_end").value) == (
        start, end)
    ticked = [c for c in at.checkbox if str(c.key).startswith(f"repeat_bring_{old}_")]
    assert len(ticked) == 1 and ticked[0].value is True
    at.text_input(key="repeat_name").input("Uge igen – fastholdelse")
    at.text_input(key="repeat_focus").input("fastholdelse")
    at.button(key="repeat_create").click().run()
    assert not at.exception
    assert "Den nye sprint er oprettet med 1 borgere fra den forrige." in page_text(at)
    new = at.selectbox(key="sprint_id").value
    sprint = sprints.get_sprint(app_db, leader, new)
    assert (sprint.name, sprint.focus, sprint.goal_count, sprint.start_date) == (
        "Uge igen – fastholdelse", "fastholdelse", 2, start)
    assert len(cards_of(app_db, new)) == 1
    assert len(sprints.agenda(app_db, leader, new)) == 9


def test_securing_a_card_offers_one_company_field_and_saves_the_kinds_usual_hours(app_db):
    sprint_id = own_sprint(app_db)
    consultant, citizen_ids = consultant_with_citizens(app_db, name="Aase Sikret", n=1)
    card_id, = sprints.add_cards(app_db, demo_actor(app_db, "leder"), sprint_id,
                                 consultant_id=consultant.staff_id, citizen_ids=citizen_ids)
    at = board_of(app_db, "konsulent", sprint_id)
    at.selectbox(key=f"move_{card_id}_1").select("secured").run()
    assert offer_title(at)
    assert not [i for i in at.text_input if str(i.key).startswith("place_find")]
    first_company = companies.company_choice_page(app_db, demo_actor(app_db, "leder"),
                                                  limit=1).rows["id"].iloc[0]
    at.selectbox(key=f"place_company_{card_id}").select(int(first_company))
    at.selectbox(key=f"place_kind_{card_id}").select("virksomhedspraktik")
    at.button(key="FormSubmitter:place_form-Opret forløb").click().run()
    assert not at.exception
    with Session(app_db) as session:
        placement = session.get(Placement, session.get(SprintCard, card_id).placement_id)
    assert (placement.kind, placement.hours_per_week) == (
        "virksomhedspraktik", placements.default_hours("virksomhedspraktik"))
    # The job consultant is the citizen's, not the colleague who typed it in.
    assert placement.consultant_id == consultant.staff_id


def test_no_running_sprint_for_the_team_is_said_and_the_next_planned_is_offered(app_db):
    today = clock.today()
    team_leader = make_actor(app_db, "leader", name="Lone Leder")
    planned = sprints.create_sprint(app_db, team_leader, name="Næste uges sprint",
                                    start=today + timedelta(days=10),
                                    end=today + timedelta(days=14), goal=5)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"),
                           default_timeout=30)
    at.session_state["user_id"] = team_leader.user_id
    at.run()
    at.switch_page(BOARD)
    at.run()
    assert not at.exception
    start = i18n.format_date(today + timedelta(days=10))
    assert (f"Der kører ingen sprint for dit team lige nu. Den næste er «Næste uges sprint», "
            f"som starter {start}.") in [i.value for i in at.info]
    assert at.selectbox(key="sprint_id").value == planned
