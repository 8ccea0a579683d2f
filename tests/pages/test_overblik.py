"""Overblik: goals in short, the week's numbers for leaders, the running sprint and the day's work."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from model import clock, companies, goals, overview, placements, sprints
from model.tables import Company
from tests.conftest import app_as, demo_actor, page_text

STATUS = {"reached": "Nået", "on_track": "På vej", "at_risk": "I fare", "missed": "Ikke nået"}


def set_goal(engine, name: str, *, target: float, start, end, metric: str = "placements_started") -> int:
    return goals.create_goal(engine, demo_actor(engine, "leder"), name=name, scope="period",
                             metric=metric, target=target, period_start=start, period_end=end)


def goal_lines(at) -> dict[str, str]:
    """The compact goal lines, by goal name."""
    lines = [str(m.value) for m in at.markdown if "-badge[" in str(m.value) and "**" in str(m.value)]
    return {line.split("**")[1]: line for line in lines}


def test_overview_shows_the_running_sprint(app_db):
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
        assert f"{goal['current']:.0f} / {goal['target']:.0f}" in lines[name]
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
