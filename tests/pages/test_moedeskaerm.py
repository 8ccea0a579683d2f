"""Mødeskærm: big progress, the condensed board, initials only."""

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import sprints
from model.tables import Citizen, Team
from tests import demo_week
from tests.conftest import app_as, demo_actor, make_actor, page_text

ROOT = Path(__file__).resolve().parents[2]


def full_names(engine) -> list[str]:
    with Session(engine) as session:
        return [f"{f} {l}" for f, l in session.exec(select(Citizen.first_name, Citizen.last_name))]


def test_meeting_screen_shows_progress_with_initials_only(app_db, running_week):
    at = app_as(app_db, "skaerm")
    text = page_text(at)
    assert at.metric[0].value == f"{demo_week.stage_counts(app_db)['secured']} / 16"
    assert "Seneste sikrede forløb" in text
    names = full_names(app_db)
    assert names
    shown = [name for name in names
             if name in text or name.split()[0] in text or name.split()[-1] in text]
    assert shown == []


def test_meeting_screen_for_a_leader_uses_the_same_initials(app_db, running_week):
    at = app_as(app_db, "leder", "pages/moedeskaerm.py")
    text = page_text(at)
    assert at.metric[0].value == f"{demo_week.stage_counts(app_db)['secured']} / 16"
    assert all(name not in text for name in full_names(app_db))


# --- Pinned by the address, the lifecycle and the programme, at a set date -----------------------
# Each test builds a team of its own (the demo is filled at the session's real date) and sets
# the app's date: Monday 27-09-2027, week 39.

MONDAY = date(2027, 9, 27)
SCREEN = "pages/moedeskaerm.py"


@pytest.fixture
def monday(monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_TODAY", MONDAY.isoformat())
    return MONDAY


def team_of(engine, name: str) -> tuple:
    """A new team with its leader and one consultant."""
    leader = make_actor(engine, "leader", name=f"Leder {name}")
    with Session(engine) as session:
        team = session.get(Team, leader.team_id)
        team.name = name
        session.add(team)
        session.commit()
    return leader, make_actor(engine, "consultant", team_id=leader.team_id, name=f"Konsulent {name}")


def sprint_of(engine, leader, name: str, start: date, *, goal: int = 3,
              programme: list[tuple[date, str, str]] = ()) -> int:
    sprint_id = sprints.create_sprint(engine, leader, name=name, start=start,
                                      end=start + timedelta(days=4), goal=goal,
                                      team_id=leader.team_id)
    if programme:
        sprints.save_agenda(engine, leader, sprint_id, pd.DataFrame(
            [{"day": day, "part": part, "title": title, "note": ""} for day, part, title in programme]))
    return sprint_id


def screen(engine, actor, **query):
    """The meeting screen as `actor`, with `query` in the page's address."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["user_id"] = actor.user_id
    at.query_params.update({key: str(value) for key, value in query.items()})
    at.run()
    if actor.role != "screen":
        at.switch_page(SCREEN)
        at.run()
    assert not at.exception, at.exception
    return at


def texts(at) -> list[str]:
    """What st.text shows (user text: programme titles, chips, the latest moves)."""
    return [str(element.value) for element in at.get("text")]


def everything(at) -> str:
    return "\n".join([page_text(at), *texts(at)])


def test_a_team_pinned_by_the_address_shows_its_running_sprint_and_keeps_the_pin(app_db, monday):
    leader, _ = team_of(app_db, "Hvidovre")
    sprint_of(app_db, leader, "Uge 39 – Hvidovre", monday)
    at = screen(app_db, demo_actor(app_db, "skaerm"), team=leader.team_id)
    assert at.title[0].value == "Uge 39 – Hvidovre"
    assert at.metric[0].value == "0 / 3"
    assert "27-09-2027 – 01-10-2027 · uge 39" in page_text(at)
    # The refresh reruns the page; the address (the TV's bookmark) keeps the pin.
    assert at.query_params["team"] == str(leader.team_id)
    at.run()
    assert at.title[0].value == "Uge 39 – Hvidovre"
    assert at.query_params == {"team": str(leader.team_id)}


def test_an_ended_sprint_pinned_by_the_address_shows_its_final_result(app_db, monday):
    leader, consultant = team_of(app_db, "Glostrup")
    ended = sprint_of(app_db, leader, "Uge 38 – Glostrup", monday - timedelta(days=7), goal=1)
    card = sprints.add_new_citizen_card(app_db, leader, ended, consultant_id=consultant.staff_id,
                                        first_name="Nadia", last_name="Østergaard", birth_year=1990)
    sprints.move_card(app_db, leader, card, "secured", expected_version=1)
    sprint_of(app_db, leader, "Uge 39 – Glostrup", monday)
    at = screen(app_db, demo_actor(app_db, "skaerm"), team=leader.team_id, sprint=ended)
    assert at.title[0].value == "Uge 38 – Glostrup"
    assert at.metric[0].value == "1 / 1"
    assert "**Sluttede fredag 24-09-2027 · endeligt resultat · Målet er nået**" in page_text(at)
    assert "N.Ø." in everything(at) and "Østergaard" not in everything(at)
    assert at.query_params == {"team": str(leader.team_id), "sprint": str(ended)}


def test_a_planned_sprint_pinned_by_the_address_says_when_it_starts(app_db, monday):
    leader, _ = team_of(app_db, "Ishøj")
    planned = sprint_of(app_db, leader, "Uge 41 – Ishøj", monday + timedelta(days=14))
    at = screen(app_db, demo_actor(app_db, "skaerm"), sprint=planned)
    assert at.title[0].value == "Uge 41 – Ishøj"
    assert "**Starter mandag 11-10-2027**" in page_text(at)


def test_a_consultant_cannot_pin_another_teams_sprint_or_team(app_db, monday):
    own_leader, consultant = team_of(app_db, "Albertslund")
    other_leader, _ = team_of(app_db, "Taastrup")
    sprint_of(app_db, own_leader, "Uge 39 – Albertslund", monday)
    others = sprint_of(app_db, other_leader, "Uge 39 – Taastrup", monday,
                       programme=[(monday, "formiddag", "Taastrups hemmelige møde")])
    at = screen(app_db, consultant, team=other_leader.team_id, sprint=others)
    assert at.title[0].value == "Uge 39 – Albertslund"
    assert "Taastrup" not in everything(at)


def test_a_consultant_pinning_another_team_without_a_running_sprint_sees_only_their_own(app_db, monday):
    own_leader, consultant = team_of(app_db, "Vallensbæk")
    other_leader, _ = team_of(app_db, "Rødovre")
    sprint_of(app_db, other_leader, "Uge 39 – Rødovre", monday)
    at = screen(app_db, consultant, team=other_leader.team_id)
    assert at.title[0].value == "Ingen sprint i gang for Vallensbæk"
    assert "Rødovre" not in everything(at)


def test_with_no_running_sprint_the_screen_names_the_next_planned_one(app_db, monday):
    leader, consultant = team_of(app_db, "Brøndbyvester")
    sprint_of(app_db, leader, "Uge 37 – Brøndbyvester", monday - timedelta(days=14))
    sprint_of(app_db, leader, "Uge 42 – Brøndbyvester", monday + timedelta(days=21))
    sprint_of(app_db, leader, "Uge 40 – Brøndbyvester", monday + timedelta(days=7))
    at = screen(app_db, consultant)
    text = page_text(at)
    assert at.title[0].value == "Ingen sprint i gang for Brøndbyvester"
    assert "Næste sprint: Uge 40 – Brøndbyvester" in text
    assert "04-10-2027 – 08-10-2027 · uge 40" in text
    assert "Starter mandag 04-10-2027" in text
    assert not at.metric, "no board of a sprint that is not running"


def test_with_nothing_running_or_planned_the_screen_says_so(app_db, monday):
    leader, consultant = team_of(app_db, "Avedøre")
    sprint_of(app_db, leader, "Uge 37 – Avedøre", monday - timedelta(days=14))
    at = screen(app_db, consultant)
    assert at.title[0].value == "Ingen sprint i gang for Avedøre"
    assert "Ingen sprint er planlagt endnu." in page_text(at)
    assert "Opdateret" in page_text(at), "the screen still shows it is alive"


def test_an_empty_programme_reads_one_line_and_no_dangling_heading(app_db, monday):
    leader, consultant = team_of(app_db, "Tårnby")
    sprint_of(app_db, leader, "Uge 39 – Tårnby", monday)
    at = screen(app_db, consultant)
    text = page_text(at)
    assert "Intet program for ugen endnu." in text
    assert "Ugens program" not in text and "Intet program i dag" not in text


def test_the_programme_is_grouped_by_day_with_todays_items_highlighted(app_db, monday):
    leader, consultant = team_of(app_db, "Dragør")
    sprint_of(app_db, leader, "Uge 39 – Dragør", monday, programme=[
        (monday, "formiddag", "Opstart med **hele** teamet [se her](http://example.com)"),
        (monday, "eftermiddag", "Sparring :red[om borgerne]"),
        (monday + timedelta(days=1), "hele dagen", "Opsøgende arbejde"),
    ])
    at = screen(app_db, consultant)
    text = page_text(at)
    assert "Intet program i dag" not in text
    assert "**Tirsdag 28-09-2027**" in text
    assert "hele dagen: Opsøgende arbejde" in texts(at)
    # Today's items sit in the highlighted box, shown as written: titles are text, not markup.
    today_box = [str(node.value) for node in at.main.get_by_key("screen_today")
                 if node.type in ("markdown", "text")]
    assert today_box == ["I dag · mandag 27-09-2027",
                         "formiddag: Opstart med **hele** teamet [se her](http://example.com)\n"
                         "eftermiddag: Sparring :red[om borgerne]"]


def test_with_items_but_none_today_the_weeks_programme_follows_by_day(app_db, monday, monkeypatch):
    leader, consultant = team_of(app_db, "Greve")
    sprint_of(app_db, leader, "Uge 39 – Greve", monday, programme=[
        (monday, "formiddag", "Opstart"),
        (monday + timedelta(days=2), "eftermiddag", "Fællesmøde"),
    ])
    monkeypatch.setenv("JOBTAVLEN_TODAY", (monday + timedelta(days=1)).isoformat())
    at = screen(app_db, consultant)
    programme = [str(node.value) for node in at.main if node.type in ("markdown", "text")]
    start = programme.index("Intet program i dag. Ugens program:")
    assert programme[start:start + 5] == ["Intet program i dag. Ugens program:",
                                          "**Mandag 27-09-2027**", "formiddag: Opstart",
                                          "**Onsdag 29-09-2027**", "eftermiddag: Fællesmøde"]
    assert not [node for node in at.main if getattr(node, "key", None) == "screen_today"]
