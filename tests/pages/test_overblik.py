"""Overblik: the running sprint's progress and key figures."""

from tests.conftest import app_as, page_text


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
