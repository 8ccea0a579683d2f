"""Hurtig registrering's citizen picker: a few hundred choices, the sprint's and the user's own
first, a search for the rest, never another team's citizens."""

from datetime import date

import pytest
from sqlmodel import Session

from model import people, quick, sprints
from model.errors import ValidationError


def citizen(engine, actor, first_name: str, **fields) -> int:
    with Session(engine) as session:
        made = people.create_citizen_in(session, actor, first_name=first_name, last_name="Hansen",
                                        birth_year=1990, **fields)
        session.commit()
        return made.id


@pytest.fixture
def team(engine, actor_factory):
    """A consultant with six team citizens: Zara on the sprint's board, Yrsa their own, the rest
    (added first, so first in the list) neither; and another team's Ib."""
    consultant = actor_factory("consultant")
    ids = {name: citizen(engine, consultant, name) for name in ("Cai", "Dan", "Eva", "Fie")}
    ids["Zara"] = citizen(engine, consultant, "Zara")
    ids["Yrsa"] = citizen(engine, consultant, "Yrsa", consultant_id=consultant.staff_id)
    citizen(engine, actor_factory("consultant"), "Ib")
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39", start=date(2026, 9, 21),
                                      end=date(2026, 9, 25), goal=4)
    sprints.add_card(engine, consultant, sprint_id, citizen_id=ids["Zara"],
                     consultant_id=consultant.staff_id)
    return consultant, sprint_id, ids


def test_the_board_and_the_own_citizens_come_first_within_the_limit(engine, team):
    consultant, sprint_id, ids = team
    page = quick.citizen_choice_page(engine, consultant, sprint_id=sprint_id, limit=3)
    assert set(page.rows["id"]) == {ids["Zara"], ids["Yrsa"], ids["Cai"]}
    assert page.rows["label"].tolist() == sorted(page.rows["label"])  # shown by name
    assert (page.total, page.partial) == (6, True)


@pytest.mark.parametrize("query, expected", [("zar", ["Zara Hansen (1990)"]), ("ib", [])])
def test_a_search_finds_any_citizen_of_the_team_and_no_other(engine, team, query, expected):
    consultant, sprint_id, _ = team
    page = quick.citizen_choice_page(engine, consultant, query=query, sprint_id=sprint_id,
                                     limit=3)
    assert (page.rows["label"].tolist(), page.total) == (expected, len(expected))


def test_without_a_limit_every_citizen_of_the_team_is_offered(engine, team):
    consultant, _, _ = team
    assert len(quick.citizen_choices(engine, consultant)) == 6


def test_a_search_that_looks_like_a_cpr_number_is_refused(engine, team):
    consultant, sprint_id, _ = team
    with pytest.raises(ValidationError):
        quick.citizen_choice_page(engine, consultant, query="010190-1234", limit=3)


@pytest.mark.parametrize("name, lang, expected", [
    ("Aisha Hansen", "da", "Aisha Hansens"),
    ("Jonas", "da", "Jonas'"),
    ("Max", "da", "Max'"),
    ("Fritz", "da", "Fritz'"),
    ("Aisha Hansen", "en", "Aisha Hansen's"),
    ("Jonas", "en", "Jonas's"),
])
def test_genitive_follows_the_language(name, lang, expected):
    assert quick.genitive(name, lang) == expected
