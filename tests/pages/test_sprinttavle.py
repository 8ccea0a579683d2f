"""Sprinttavle: create a sprint, move cards, refusals, programme, closing."""

from datetime import date

import pytest
from sqlmodel import Session, select

from model import sprints
from model.tables import FollowUp, Placement, SprintCard, StageChange
from tests import demo_week
from tests.conftest import app_as, demo_actor, page_text

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
    at.date_input(key="new_start").set_value(date(2026, 11, 30))
    at.date_input(key="new_end").set_value(date(2026, 12, 4))
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
    at.date_input(key="new_start").set_value(date(2026, 12, 4))
    at.date_input(key="new_end").set_value(date(2026, 11, 30))
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
    assert "din rolle kan ikke flytte kort" in at.info[0].value
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
