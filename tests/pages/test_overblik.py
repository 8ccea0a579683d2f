"""Overblik: goals in short, the week's numbers for leaders, the running sprint and the day's work."""

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from model import clock, companies, goals, overview, placements, sprints
from model.tables import Company, Team
from tests.conftest import app_as, demo_actor, make_actor, page_text

STATUS = {"reached": "Nået", "on_track": "På vej", "at_risk": "I fare", "missed": "Ikke nået"}


def set_goal(engine, name: str, *, target: float, start, end, metric: str = "placements_started") -> int:
    return goals.create_goal(engine, demo_actor(engine, "leder"), name=name, scope="period",
                             metric=metric, target=target, period_start=start, period_end=end)


def goal_lines(at) -> dict[str, str]:
    """The compact goal lines, by goal name."""
    lines = [str(m.value) for m in at.markdown if "-badge[" in str(m.value) and "**" in str(m.value)]
    return {line.split("**")[1]: line for line in lines}


def test_overview_shows_the_running_sprint(app_db, running_week):
    leader = demo_actor(app_db, "leder")
    sprint = sprints.get_sprint(app_db, leader, sprints.current_sprint_id(app_db, leader))
    result = sprints.sprint_result(app_db, leader, sprint.id)
    at = app_as(app_db, "leder")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Sikrede forløb"] == f"{result.secured} / {result.goal}"
    assert shown["Borgere på tavlen"] == str(sum(sprints.stage_counts(app_db, leader, sprint.id).values()))
    assert f"Kørende sprint: {sprint.name}" in page_text(at)
    table = next(d.value for d in at.dataframe if "result" in d.value.columns)
    assert sprint.name in table["name"].tolist()
    assert f"{result.secured} / {result.goal}" in table["result"].tolist()


def test_a_leader_sees_the_running_goals_with_their_status(app_db):
    today = clock.today()
    first, last = goals.quarter(today)
    set_goal(app_db, "Mange forløb", target=10_000, start=first, end=last)
    set_goal(app_db, "Et enkelt forløb", target=1, start=first, end=last)
    set_goal(app_db, "Sidste år", target=5, start=first.replace(year=first.year - 1),
             end=last.replace(year=last.year - 1))
    listed = goals.list_goals(app_db, demo_actor(app_db, "leder"), today=today).set_index("name")

    at = app_as(app_db, "leder")
    lines = goal_lines(at)
    assert "Sidste år" not in lines  # ended: on Mål, not here
    for name in ("Mange forløb", "Et enkelt forløb"):
        goal = listed.loc[name]
        assert STATUS[goal["status"]] in lines[name]
        shown = f"{goal['current']:,.0f} / {goal['target']:,.0f}".replace(",", ".")
        assert shown in lines[name]  # Danish digit marks: 10.000
    assert ":orange-badge[:material/warning: I fare]" in lines["Mange forløb"]
    assert {p.page for p in at.get("page_link") if p.label == "Alle mål"} == {"maal"}


def test_the_weeks_numbers_equal_the_model(app_db):
    leader = demo_actor(app_db, "leder")
    with Session(app_db) as session:
        company_id = session.exec(select(Company.id).where(Company.name == "Strand Café")).one()
    companies.log_contact(app_db, leader, company_id=company_id, channel="phone")
    week = overview.week_numbers(app_db, leader, today=clock.today())
    assert week.outreach_contacts >= 1, "the contact just logged counts this week"

    at = app_as(app_db, "leder")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Startede forløb"] == str(week.placements_started)
    assert shown["Sikrede på tavlen"] == str(week.cards_secured)
    assert shown["Opsøgende kontakter"] == str(week.outreach_contacts)
    assert shown["Nye virksomhedsaftaler"] == str(week.new_agreements)
    assert f"Ugens tal, uge {week.start.isocalendar().week}" in page_text(at)


def test_every_figure_links_to_the_page_that_explains_it(app_db):
    at = app_as(app_db, "leder")
    pages = {p.page for p in at.get("page_link")}
    assert {"maal", "resultater", "forloeb", "sprinttavle", "virksomheder"} <= pages
    # Under each of the week's four numbers sits its own link.
    week_links = [p.label for p in at.get("page_link")
                  if p.label in {"Resultater", "Sprinttavle", "Virksomheder"}]
    assert week_links == ["Resultater", "Sprinttavle", "Virksomheder", "Virksomheder"]


@pytest.mark.parametrize("username", ["konsulent", "sagsbehandler"])
def test_other_roles_see_goals_in_short_but_not_the_weeks_numbers(app_db, username):
    today = clock.today()
    set_goal(app_db, "Teamets kvartal", target=3, start=today - timedelta(days=7),
             end=today + timedelta(days=7))
    at = app_as(app_db, username)
    assert "Teamets kvartal" in goal_lines(at)
    assert "Ugens tal" not in page_text(at)
    assert "Sikrede på tavlen" not in {m.label for m in at.metric}


def test_a_consultant_sees_their_own_day(app_db):
    at = app_as(app_db, "konsulent")
    konsulent = demo_actor(app_db, "konsulent")
    today = clock.today()
    follow_ups = placements.follow_up_counts(app_db, konsulent, today=today,
                                             consultant_id=konsulent.staff_id)
    steps = companies.next_step_counts(app_db, konsulent, today=today,
                                       staff_id=konsulent.staff_id)
    metrics_shown = {m.label: m.value for m in at.metric}
    assert "Min dag" in page_text(at)
    assert metrics_shown["Opfølgninger i dag"] == str(follow_ups["due_today"])
    assert metrics_shown["Forsinkede opfølgninger"] == str(follow_ups["overdue"])
    assert metrics_shown["Næste skridt i dag"] == str(steps["due_today"])
    assert metrics_shown["Forsinkede næste skridt"] == str(steps["overdue"])


def test_a_leader_sees_the_team_day(app_db):
    at = app_as(app_db, "leder")
    team = placements.follow_up_counts(app_db, demo_actor(app_db, "leder"),
                                       today=clock.today())
    assert "Teamets dag" in page_text(at)
    assert team["overdue"] > 0, "the demo has overdue follow-ups"
    assert {m.label: m.value for m in at.metric}["Forsinkede opfølgninger"] == str(team["overdue"])


# --- The running sprint by its dates, the next planned one, and ended sprints awaiting close ----
# Each test builds a team of its own at a set date: Monday 27-09-2027, week 39.

MONDAY = date(2027, 9, 27)


@pytest.fixture
def team(app_db, monkeypatch):
    """A new team with its leader and one consultant, at the set date."""
    monkeypatch.setenv("JOBTAVLEN_TODAY", MONDAY.isoformat())
    leader = make_actor(app_db, "leader", name="Leder Hvidovre")
    with Session(app_db) as session:
        row = session.get(Team, leader.team_id)
        row.name = "Hvidovre"
        session.add(row)
        session.commit()
    return leader, make_actor(app_db, "consultant", team_id=leader.team_id, name="Konsulent Hvidovre")


def new_sprint(engine, leader, name: str, start: date) -> int:
    return sprints.create_sprint(engine, leader, name=name, start=start,
                                 end=start + timedelta(days=4), goal=3, team_id=leader.team_id)


def overview_as(actor):
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30)
    at.session_state["user_id"] = actor.user_id
    at.run()
    assert not at.exception, at.exception
    return at


def links(at) -> dict[str, tuple[str, dict]]:
    """Each page link's label, with its page and the query parameters it carries."""
    return {p.label: (p.page, dict(parse_qsl(p.proto.query_string))) for p in at.get("page_link")}


def test_the_running_sprint_is_the_teams_own_whose_dates_hold_today(app_db, team):
    leader, consultant = team
    new_sprint(app_db, leader, "Uge 38 – Hvidovre", MONDAY - timedelta(days=7))
    new_sprint(app_db, leader, "Uge 39 – Hvidovre", MONDAY)
    new_sprint(app_db, leader, "Uge 40 – Hvidovre", MONDAY + timedelta(days=7))
    at = overview_as(consultant)
    assert "Kørende sprint: Uge 39 – Hvidovre" in page_text(at)
    assert "27-09-2027 – 01-10-2027 · uge 39" in page_text(at)
    # The link to the meeting screen carries the team, so a TV's bookmark follows its sprints.
    assert links(at)["Åbn mødeskærmen"] == ("moedeskaerm", {"team": str(consultant.team_id)})


def test_with_none_running_the_overview_says_so_and_links_to_the_next_planned_one(app_db, team):
    leader, consultant = team
    new_sprint(app_db, leader, "Uge 38 – Hvidovre", MONDAY - timedelta(days=7))
    later = new_sprint(app_db, leader, "Uge 42 – Hvidovre", MONDAY + timedelta(days=21))
    soon = new_sprint(app_db, leader, "Uge 40 – Hvidovre", MONDAY + timedelta(days=7))
    at = overview_as(consultant)
    text = page_text(at)
    assert "Der kører ingen sprint lige nu." in [i.value for i in at.info]
    assert "Kørende sprint" not in text
    assert "Næste planlagte sprint:" in text
    shown = links(at)
    assert shown["Uge 40 – Hvidovre · 04-10-2027 – 08-10-2027"] == ("sprinttavle", {"sprint": str(soon)})
    assert not [label for label, (_, query) in shown.items()
                if "Uge 42" in label or query.get("sprint") == str(later)]


def test_with_none_running_or_planned_the_overview_says_there_is_none(app_db, team):
    leader, consultant = team
    new_sprint(app_db, leader, "Uge 38 – Hvidovre", MONDAY - timedelta(days=7))
    at = overview_as(consultant)
    assert "Der kører ingen sprint lige nu." in [i.value for i in at.info]
    assert "Der er ingen sprint planlagt." in page_text(at)


def test_a_leader_is_told_of_an_ended_sprint_waiting_to_be_closed(app_db, team):
    leader, consultant = team
    ended = new_sprint(app_db, leader, "Uge 38 – Hvidovre", MONDAY - timedelta(days=7))
    closed = new_sprint(app_db, leader, "Uge 36 – Hvidovre", MONDAY - timedelta(days=21))
    sprints.close_sprint(app_db, leader, closed)
    new_sprint(app_db, leader, "Uge 39 – Hvidovre", MONDAY)
    at = overview_as(leader)
    warnings = [w.value for w in at.warning]
    assert "Sprinten Uge 38 – Hvidovre sluttede 24-09-2027 og venter på at blive afsluttet" in warnings
    assert not [w for w in warnings if "Uge 36" in w or "Uge 39" in w]
    assert links(at)["Afslut Uge 38 – Hvidovre på sprinttavlen"] == ("sprinttavle", {"sprint": str(ended)})
    # Closing is the leader's step: the consultant's overview does not nag.
    assert not [w.value for w in overview_as(consultant).warning if "venter på" in w.value]


def test_a_team_without_sprints_gets_a_line_of_text_not_an_empty_sprints_table(app_db, team):
    _, consultant = team
    at = overview_as(consultant)
    assert "Ingen rækker" in [c.value for c in at.caption]
    assert not at.dataframe  # no grid showing Streamlit's English "empty"
