"""Overblik: the running sprint's progress and key figures."""

from tests.conftest import app_as, demo_actor, page_text


def test_overview_shows_the_running_sprint(app_db):
    at = app_as(app_db, "leder")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sikrede forløb"] == "21 / 16"
    assert metrics["Borgere på tavlen"] == "24"
    assert metrics["I dialog med virksomhed"] == "2"
    assert "Kørende sprint: Uge 39 – Brøndby" in page_text(at)
    sprints = at.dataframe[0].value
    assert "Uge 39 – Brøndby" in sprints["name"].tolist()
    assert "21 / 16" in sprints["result"].tolist()


def test_overview_for_a_caseworker_has_no_exception(app_db):
    at = app_as(app_db, "sagsbehandler")
    assert at.title[0].value == "Overblik"


def test_a_consultant_sees_their_own_day(app_db):
    from model import companies, metrics, placements

    at = app_as(app_db, "konsulent")
    konsulent = demo_actor(app_db, "konsulent")
    today = metrics.danish_today()
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
    from model import metrics, placements

    at = app_as(app_db, "leder")
    team = placements.follow_up_counts(app_db, demo_actor(app_db, "leder"),
                                       today=metrics.danish_today())
    assert "Teamets dag" in page_text(at)
    assert team["overdue"] > 0, "the demo has overdue follow-ups"
    assert {m.label: m.value for m in at.metric}["Forsinkede opfølgninger"] == str(team["overdue"])
