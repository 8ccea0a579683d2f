"""Mødeskærm: big progress, the condensed board, initials only."""

from sqlmodel import Session, select

from model.tables import Citizen
from tests import demo_week
from tests.conftest import app_as, page_text


def full_names(engine) -> list[str]:
    with Session(engine) as session:
        return [f"{f} {l}" for f, l in session.exec(select(Citizen.first_name, Citizen.last_name))]


def test_meeting_screen_shows_progress_with_initials_only(app_db):
    at = app_as(app_db, "skaerm")
    text = page_text(at)
    assert at.metric[0].value == f"{demo_week.stage_counts(app_db)['secured']} / 16"
    assert "Seneste sikrede forløb" in text
    names = full_names(app_db)
    assert names
    shown = [name for name in names
             if name in text or name.split()[0] in text or name.split()[-1] in text]
    assert shown == []


def test_meeting_screen_for_a_leader_uses_the_same_initials(app_db):
    at = app_as(app_db, "leder", "pages/moedeskaerm.py")
    text = page_text(at)
    assert at.metric[0].value == f"{demo_week.stage_counts(app_db)['secured']} / 16"
    assert all(name not in text for name in full_names(app_db))
