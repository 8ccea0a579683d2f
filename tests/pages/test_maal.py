"""Mål: leaders create, change and delete goals and see their status and history; other roles read."""

import base64
import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session, func, select
from streamlit.testing.v1 import AppTest

from model import clock, goals
from model.errors import AccessDenied
from model.tables import Goal
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/maal.py"
ROOT = Path(__file__).resolve().parents[2]


def goal_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Goal)).one()


def stored(engine, goal_id: int) -> Goal | None:
    with Session(engine) as session:
        return session.get(Goal, goal_id)


def on_new_tab(at):
    at.session_state["goals_tab"] = "Nyt mål"
    at.run()
    assert not at.exception, at.exception
    return at


def fill_new(at, *, name: str, metric: str = "placements_started", target: int | None = 40,
             scope: str = "period", **choices) -> None:
    """Fill the new-goal widgets; `choices` are further selectboxes by key suffix (team=..., months=...)."""
    at.text_input(key="goal_new_name").input(name)
    at.selectbox(key="goal_new_scope").select(scope).run()
    at.selectbox(key="goal_new_metric").select(metric).run()
    for suffix, value in choices.items():
        at.selectbox(key=f"goal_new_{suffix}").select(value)
    share = metric == goals.SHARE
    at.number_input(key=f"goal_new_target_{'share' if share else 'count'}").set_value(target)
    at.button(key="goal_new_create").click().run()
    assert not at.exception, at.exception


def listed_row(at, name: str):
    table = at.dataframe[0].value
    [row] = table[table["Navn"] == name].to_dict("records")
    return row


def values(array) -> list:
    """A plotly trace's numbers, whether written as a list or as typed binary ("bdata")."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def a_goal(engine, **changes) -> int:
    """A goal of the whole period, set by the demo leader through the model."""
    today = clock.today()
    fields = {"name": "Startede forløb i kvartalet", "scope": "period", "metric": "placements_started",
              "target": 40, "period_start": goals.quarter(today)[0],
              "period_end": goals.quarter(today)[1], **changes}
    return goals.create_goal(engine, demo_actor(engine, "leder"), **fields)


def test_a_leader_creates_a_team_goal_and_sees_it_listed_with_its_status(app_db):
    leader = demo_actor(app_db, "leder")
    team_id = leader.team_id
    at = on_new_tab(app_as(app_db, "leder", PAGE))
    assert at.selectbox(key="goal_new_owner").value == leader.staff_id
    fill_new(at, name="Sikrede forløb, teamet", metric="secured_placements", target=12,
             scope="team", team=team_id)

    assert "Målet »Sikrede forløb, teamet« er oprettet." in page_text(at)
    goal_id = at.session_state["goals_pick"]
    goal = stored(app_db, goal_id)
    first, last = goals.quarter(clock.today())
    assert (goal.scope, goal.team_id, goal.metric, goal.target, goal.owner_id) == (
        "team", team_id, "secured_placements", 12, leader.staff_id)
    assert (goal.period_start, goal.period_end) == (first, last)

    expected = goals.list_goals(app_db, leader, today=clock.today()).set_index("id").loc[goal_id]
    row = listed_row(at, "Sikrede forløb, teamet")
    status = {"reached": "Nået", "on_track": "På vej", "at_risk": "I fare", "missed": "Ikke nået"}
    assert row["Status"].endswith(status[expected["status"]])
    assert row["Nu"] == f"{expected['current']:.0f}" and row["Mål"] == "12"
    assert row["Gælder"] == f"Team: {expected['scope_name']}"
    assert row["Måltal"] == "Sikrede forløb"
    # The new goal is picked, with its badge and history.
    assert f"Nu {expected['current']:.0f}" in page_text(at)
    assert status[expected["status"]] in " ".join(m.value for m in at.markdown if "badge" in m.value)
    assert len(at.get("plotly_chart")) == 1


def test_a_bad_target_shows_the_danish_error_and_writes_nothing(app_db):
    before = goal_count(app_db)
    at = on_new_tab(app_as(app_db, "leder", PAGE))
    fill_new(at, name="Nul forløb", target=0)
    assert "Målet skal være større end 0." in [e.value for e in at.error]
    fill_new(at, name="Intet tal", target=None)
    assert "Målet skal være større end 0." in [e.value for e in at.error]
    assert goal_count(app_db) == before


def test_the_scope_shows_its_own_selector_and_a_sprint_goal_takes_its_days(app_db):
    before = goal_count(app_db)
    at = on_new_tab(app_as(app_db, "leder", PAGE))
    selectors = {"goal_new_sprint", "goal_new_team", "goal_new_initiative"}
    assert selectors & {box.key for box in at.selectbox} == set()  # the whole period: no selector
    for scope in ("sprint", "team", "initiative"):
        at.selectbox(key="goal_new_scope").select(scope).run()
        assert selectors & {box.key for box in at.selectbox} == {f"goal_new_{scope}"}
    fill_new(at, name="Uden team", scope="team")
    assert "Vælg det team, målet gælder." in [e.value for e in at.error]
    assert goal_count(app_db) == before

    # A sprint goal takes the sprint's days.
    sprint = goals.scope_choices(app_db, demo_actor(app_db, "leder"))["sprint"].iloc[-1]
    fill_new(at, name="Sprintens mål", metric="secured_placements", target=5, scope="sprint",
             sprint=int(sprint["id"]))
    goal = stored(app_db, at.session_state["goals_pick"])
    assert (goal.sprint_id, goal.period_start, goal.period_end) == (
        int(sprint["id"]), sprint["start_date"], sprint["end_date"])


def test_a_share_goal_is_typed_in_percent_and_needs_its_months(app_db):
    at = on_new_tab(app_as(app_db, "leder", PAGE))
    fill_new(at, name="I job efter 6 mdr.", metric=goals.SHARE, target=60)
    assert "Vælg om andelen måles efter 3, 6 eller 12 måneder." in [e.value for e in at.error]
    assert at.number_input(key="goal_new_target_share").label == "Mål (% i job eller uddannelse)"

    fill_new(at, name="I job efter 6 mdr.", metric=goals.SHARE, target=60, months=6)
    goal = stored(app_db, at.session_state["goals_pick"])
    assert (goal.metric, goal.months, goal.target) == (goals.SHARE, 6, pytest.approx(0.6))
    row = listed_row(at, "I job efter 6 mdr.")
    assert (row["Mål"], row["Måltal"]) == ("60 %", "Andel i job eller uddannelse efter 6 mdr.")
    assert row["Nu"].endswith(" %")
    # A share has no pace: its chart draws the value in percent against the target, no pace line.
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in figure["data"]] == ["Værdi"]
    assert figure["layout"]["yaxis"]["ticksuffix"] == " %" and figure["layout"]["shapes"][0]["y0"] == 60
    assert "Rød streg: målet" in page_text(at)


def test_a_leader_changes_a_goal(app_db):
    goal_id = a_goal(app_db)
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="goals_pick").select(goal_id).run()
    prefix = f"goal_edit_{goal_id}"
    assert at.number_input(key=f"{prefix}_target_count").value == 40
    at.text_input(key=f"{prefix}_name").input("Startede forløb, justeret")
    at.number_input(key=f"{prefix}_target_count").set_value(30)
    # The last day of the next quarter: after the goal's start, whatever today is.
    later_end = goals.quarter(goals.quarter(clock.today())[1] + timedelta(days=1))[1]
    at.date_input(key=f"{prefix}_end").set_value(later_end)
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception, at.exception

    assert "Målet »Startede forløb, justeret« er gemt." in page_text(at)
    goal = stored(app_db, goal_id)
    assert (goal.name, goal.target, goal.period_end, goal.version) == (
        "Startede forløb, justeret", 30, later_end, 2)
    assert listed_row(at, "Startede forløb, justeret")["Mål"] == "30"
    # The form shows the saved goal, and a second save starts from the new version.
    assert at.number_input(key=f"{prefix}_target_count").value == 30
    at.number_input(key=f"{prefix}_target_count").set_value(31)
    at.button(key=f"{prefix}_save").click().run()
    assert stored(app_db, goal_id).target == 31


def test_a_change_after_a_colleagues_save_is_refused_and_shows_their_goal(app_db):
    goal_id = a_goal(app_db)
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="goals_pick").select(goal_id).run()
    prefix = f"goal_edit_{goal_id}"
    at.number_input(key=f"{prefix}_target_count").set_value(30)
    first, last = goals.quarter(clock.today())
    goals.update_goal(app_db, demo_actor(app_db, "admin"), goal_id, expected_version=1,
                      name="Startede forløb i kvartalet", scope="period", metric="placements_started",
                      target=50, period_start=first, period_end=last)
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Ændret af en anden, mens du så på målet. Siden er genindlæst; ret igen og gem."]
    assert stored(app_db, goal_id).target == 50
    assert at.number_input(key=f"{prefix}_target_count").value == 50
    at.number_input(key=f"{prefix}_target_count").set_value(45)
    at.button(key=f"{prefix}_save").click().run()
    assert (stored(app_db, goal_id).target, stored(app_db, goal_id).version) == (45, 3)


def test_a_change_with_a_bad_period_is_refused_and_keeps_the_goal(app_db):
    goal_id = a_goal(app_db)
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="goals_pick").select(goal_id).run()
    prefix = f"goal_edit_{goal_id}"
    before_the_start = goals.quarter(clock.today())[0] - timedelta(days=1)
    at.date_input(key=f"{prefix}_end").set_value(before_the_start)
    at.button(key=f"{prefix}_save").click().run()
    assert "Periodens slut ligger før dens start." in [e.value for e in at.error]
    assert stored(app_db, goal_id).period_end == goals.quarter(clock.today())[1]


def test_a_leader_deletes_a_goal_after_confirming(app_db):
    goal_id = a_goal(app_db, name="Skal væk")
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="goals_pick").select(goal_id).run()
    assert at.button(key=f"goal_delete_{goal_id}").disabled
    at.checkbox(key=f"goal_delete_{goal_id}_sure").check().run()
    at.button(key=f"goal_delete_{goal_id}").click().run()
    assert not at.exception, at.exception
    assert "Målet »Skal væk« er slettet." in page_text(at)
    assert stored(app_db, goal_id) is None
    assert all(box.value is None for box in at.selectbox if box.key == "goals_pick")
    assert "Skal væk" not in (at.dataframe[0].value["Navn"].tolist() if at.dataframe else [])


def test_the_history_chart_draws_the_model_values_against_the_target(app_db):
    goal_id = a_goal(app_db)
    leader = demo_actor(app_db, "leder")
    history = goals.goal_history(app_db, leader, goal_id, today=clock.today())
    at = app_as(app_db, "leder", PAGE)
    at.selectbox(key="goals_pick").select(goal_id).run()
    [chart] = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert values(lines["Værdi"]["y"]) == pytest.approx(history["value"].tolist())
    assert lines["Værdi"]["x"] == [f"uge {week.isocalendar().week}" for week in history["week"]]
    assert 0 < values(lines["Tempo mod målet"]["y"])[-1] < 40  # the period is not over
    [target_line] = figure["layout"]["shapes"]
    assert target_line["y0"] == 40
    assert "Grå prikker" in page_text(at)


@pytest.mark.parametrize("username", ["konsulent", "sagsbehandler", "mentor"])
def test_other_roles_see_the_goals_but_cannot_change_them(app_db, username):
    goal_id = a_goal(app_db, name="Kun til læsning")
    at = app_as(app_db, username, PAGE)
    assert "Kun til læsning" in at.dataframe[0].value["Navn"].tolist()
    assert "Du kan se målene. Kun ledere kan oprette og rette dem." in page_text(at)
    assert not at.tabs
    downloads = {b.key for b in at.get("download_button")}
    if username == "konsulent":  # bulk export is for admins, leaders and consultants only
        assert downloads == {"goals_download_csv", "goals_download_xlsx"}
    else:
        assert downloads == set()
    at.selectbox(key="goals_pick").select(goal_id).run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    goal_keys = [w.key for kind in ("text_input", "number_input", "date_input", "button", "checkbox")
                 for w in getattr(at, kind) if str(w.key).startswith("goal_")]
    assert goal_keys == []
    with pytest.raises(AccessDenied):
        goals.create_goal(app_db, demo_actor(app_db, username), name="Mit eget mål", scope="period",
                          metric="placements_started", target=5,
                          period_start=goals.quarter(clock.today())[0],
                          period_end=goals.quarter(clock.today())[1])
    with pytest.raises(AccessDenied):
        goals.delete_goal(app_db, demo_actor(app_db, username), goal_id)
    assert stored(app_db, goal_id) is not None


def test_no_goals_shows_a_note_and_no_table(app_db):
    with Session(app_db) as session:
        for goal in session.exec(select(Goal)).all():
            session.delete(goal)
        session.commit()
    at = app_as(app_db, "leder", PAGE)
    assert "Der er ingen mål endnu." in [i.value for i in at.info]
    assert not at.dataframe and not at.get("download_button")


def test_the_english_switch_shows_english_labels(app_db):
    goal_id = a_goal(app_db, name="Placements this quarter")
    at = app_as(app_db, "leder", PAGE)
    assert at.title[0].value == "Mål"
    at.selectbox(key="lang_choice").select("en").run()
    assert at.title[0].value == "Goals"
    assert [tab.label for tab in at.tabs] == ["Goals", "New goal"]
    table = at.dataframe[0].value
    assert {"Status", "Name", "For", "Metric", "Now", "Target", "Expected", "Period"} <= set(table.columns)
    row = table[table["Name"] == "Placements this quarter"].iloc[0]
    assert row["Metric"] == "Placements started" and row["For"] == "Everyone in the period"
    assert row["Status"].split(" ", 1)[1] in {"Reached", "On track", "At risk", "Missed"}
    at.selectbox(key="goals_pick").select(goal_id).run()
    assert "Week by week" in page_text(at)
    assert at.button(key=f"goal_edit_{goal_id}_save").label == "Save changes"
    assert at.number_input(key=f"goal_edit_{goal_id}_target_count").label == "Target (number)"
    # No further run here: AppTest formats the options of the form's selectboxes outside the
    # script run, where the session's language is unknown, and would compare Danish with English.


def test_the_new_goal_form_reads_in_english(app_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["user_id"] = demo_actor(app_db, "leder").user_id
    at.session_state["lang"] = "en"
    at.session_state["goals_tab"] = "New goal"
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert at.text_input(key="goal_new_name").label == "Name"
    assert at.selectbox(key="goal_new_scope").label == "For"
    assert at.selectbox(key="goal_new_metric").options[:2] == ["Secured placements", "Placements started"]
    assert at.number_input(key="goal_new_target_count").label == "Target (number)"
    assert at.button(key="goal_new_create").label == "Create goal"
