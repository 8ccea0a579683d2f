"""Text a user typed is data, never markup: with Markdown and HTML in every typed field of the
demo, every page shows it as written, so no image, link or bold text comes from it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from model import access, sprints
from model.tables import (
    AgendaItem,
    Citizen,
    Company,
    Contact,
    Event,
    Goal,
    HousingArea,
    Initiative,
    Partnership,
    Sprint,
    SprintCard,
    Team,
)
from tests import demo_week
from tests.conftest import app_as, demo_actor

# What a careless or hostile user could type: an image (the browser fetches it), a link, bold,
# and a tag.
TAIL = " ![px](http://evil.example/p.png) [lnk](http://evil.example/l) **fed** <b>tag</b>"
# The same syntax left unescaped in a string Streamlit renders as Markdown (a bare address
# becomes a link too).
MARKUP = [re.compile(r"(?<!\\)\]\(http"), re.compile(r"http://evil"),
          re.compile(r"(?<!\\)\*\*fed"), re.compile(r"(?<!\\)<b>tag")]
TYPED = [
    (Company, "name"), (Contact, "note"), (Contact, "next_step"), (Sprint, "name"),
    (Sprint, "focus"), (Goal, "name"), (AgendaItem, "title"), (AgendaItem, "note"),
    (Event, "title"), (Initiative, "name"), (HousingArea, "name"), (Team, "name"),
    (Partnership, "name"), (SprintCard, "park_reason"),
]
# Elements whose value, and widgets whose label, Streamlit renders as Markdown.
MARKDOWN_VALUES = ("markdown", "caption", "title", "header", "subheader", "success", "info",
                   "warning", "error", "toast")
LABELLED = ("button", "checkbox", "toggle", "radio", "expander", "tabs", "metric", "selectbox",
            "multiselect", "text_input", "text_area", "number_input", "date_input")


@pytest.fixture
def poisoned(app_db, running_week):
    """The demo with the markup appended to every typed field, and to citizens' first names; on
    any day a card of the week is with a company and one is parked with a reason."""
    card = demo_week.dialogue_card(app_db)
    with Session(app_db) as session:
        parked = session.exec(select(SprintCard).where(
            SprintCard.sprint_id == int(session.get(SprintCard, int(card.card_id)).sprint_id),
            SprintCard.id != int(card.card_id))).first()
        parked.stage, parked.park_reason = "parked", "Syg i denne uge"
        session.commit()
    with Session(app_db) as session:
        for table, column in TYPED:
            field = getattr(table, column)
            session.execute(update(table).values({column: field + TAIL}))
        session.execute(update(Citizen).values(first_name=Citizen.first_name + " **fed**"))
        session.execute(update(Company).values(contact_person=Company.contact_person + TAIL,
                                               industry=Company.industry + " **fed**"))
        session.commit()
    return app_db


def rendered(at) -> list[str]:
    """Every string of the run that Streamlit renders as Markdown."""
    shown = [str(element.value) for kind in MARKDOWN_VALUES for element in getattr(at, kind)]
    for kind in LABELLED:
        for widget in getattr(at, kind):
            shown.append(str(getattr(widget, "label", "")))
            if kind == "radio":
                shown += [str(option) for option in widget.options]
    return shown


def markup_in(at) -> list[str]:
    return [text for text in rendered(at) if any(p.search(text) for p in MARKUP)]


def escaped_in_plain_text(at) -> list[str]:
    """Options of select boxes and cells of tables, shown as plain text: typed text must read as
    typed there, without the backslashes that keep it text in Markdown."""
    shown = [str(option) for kind in ("selectbox", "multiselect") for widget in getattr(at, kind)
             for option in widget.options]
    for table in at.dataframe:
        frame = table.value
        shown += [str(cell) for column in frame.columns if frame[column].dtype == object
                  for cell in frame[column]]
    return [text for text in shown if "\\*" in text or "\\[" in text or "\\<" in text]


PAGES_BY_USER = {
    "leder": sorted(page for page, roles in access.PAGES.items() if "leader" in roles),
    "konsulent": sorted(page for page, roles in access.PAGES.items() if "consultant" in roles),
    "admin": ["administration", "data"],
    "skaerm": ["moedeskaerm"],
}


@pytest.mark.parametrize("username, page", [(user, page) for user, pages in PAGES_BY_USER.items()
                                            for page in pages])
def test_every_page_shows_typed_markup_as_text(poisoned, username, page):
    at = app_as(poisoned, username, None if page == "moedeskaerm" and username == "skaerm"
                else f"pages/{page}.py")
    assert not at.exception, at.exception
    assert markup_in(at) == []
    assert escaped_in_plain_text(at) == []


def test_the_profiles_show_typed_markup_as_text(poisoned):
    leader = demo_actor(poisoned, "leder")
    with Session(poisoned) as session:
        company_id = session.exec(select(Contact.company_id).order_by(Contact.id)).first()
    citizen_id = int(sprints.board(poisoned, leader,
                                   sprints.current_sprint_id(poisoned, leader))["citizen_id"].iloc[0])
    for page, state in (("virksomheder", {"company_tab": "Profil", "company_pick": company_id}),
                        ("borgere", {})):
        at = app_as(poisoned, "leder", f"pages/{page}.py")
        for key, value in state.items():
            at.session_state[key] = value
        if page == "borgere":  # opened by its link
            at.query_params["borger"] = str(citizen_id)
        at.run()
        assert not at.exception, at.exception
        assert any("evil.example" in text for text in rendered(at)), f"no typed text on {page}"
        assert markup_in(at) == [], page
        assert escaped_in_plain_text(at) == [], page
