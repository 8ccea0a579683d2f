"""Versions: two people editing the same row, the second save is refused ("changed by someone else,
reload") and the first save's values stay; every table edited through the app has a version column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, func, select

from model import clock, companies, goals, i18n, people, placements, sprints
from model.errors import StaleVersion
from model.tables import AuditLog, Citizen, Company, Goal, Placement, Sprint, SprintCard
from tests.conftest import app_as, demo_actor, make_actor, page_text

TODAY = clock.today()
START = TODAY - timedelta(days=30)

# Tables whose rows are changed through the app: each save names the version it started from.
MODELS = {"citizen": Citizen, "placement": Placement, "sprint": Sprint, "sprint_card": SprintCard,
          "company": Company, "goal": Goal}
VERSIONED = set(MODELS)
# Tables whose rows are only added (and removed), or changed by a one-way step that checks the
# old state in SQL (a follow-up ticked off, a next step done), or settings one admin keeps
# (cadence, retention periods, accounts).
NOT_VERSIONED = {
    "team", "staff", "initiative", "housing_area", "housing_area_figure", "sprint_consultant",
    "stage_change", "agenda_item", "contact", "partnership", "partner", "follow_up",
    "follow_up_cadence", "event", "event_participant", "outcome", "progression",
    "comparison_group", "app_user", "audit_log", "audit_log_purge", "retention_policy",
    "retention_run", "data_generation", "login_source", "audit_subject", "user_session",
    "screen_link",
}


@dataclass
class World:
    anna: object  # the first consultant to save
    bo: object  # a colleague in the same team, saving second
    leader: object
    citizen_id: int
    company_id: int
    placement_id: int
    sprint_id: int
    card_id: int
    goal_id: int


@pytest.fixture
def world(engine) -> World:
    anna = make_actor(engine, "consultant", name="Anna Holm")
    bo = make_actor(engine, "consultant", team_id=anna.team_id, name="Bo Dahl")
    leader = make_actor(engine, "leader", team_id=anna.team_id)
    citizen_id = people.create_citizen(engine, anna, first_name="Aisha", last_name="Benali",
                                       birth_year=1990)
    company_id = companies.create_company(engine, anna, name="Strandens Bageri ApS")
    placement_id = placements.start_placement(engine, anna, citizen_id=citizen_id,
                                              company_id=company_id, kind="virksomhedspraktik",
                                              start_date=START, hours_per_week=20)
    sprint_id = sprints.create_sprint(engine, anna, name="Uge 39", start=TODAY, goal=16,
                                      end=TODAY + timedelta(days=4))
    card_id = sprints.add_card(engine, anna, sprint_id, citizen_id=citizen_id,
                               consultant_id=anna.staff_id)
    goal_id = goals.create_goal(engine, leader, name="Sikrede forløb", scope="period",
                                metric="placements_started", target=10, period_start=START,
                                period_end=TODAY + timedelta(days=60))
    return World(anna, bo, leader, citizen_id, company_id, placement_id, sprint_id, card_id, goal_id)


def sprint_fields(goal: int) -> dict:
    return dict(name="Uge 39", start=TODAY, end=TODAY + timedelta(days=4), goal=goal, focus="",
                kind="intensive_week", stage_names={})


def goal_fields(target: float) -> dict:
    return dict(name="Sikrede forløb", scope="period", metric="placements_started", target=target,
                period_start=START, period_end=TODAY + timedelta(days=60))


def placement_fields(w: World, hours: float) -> dict:
    return dict(kind="virksomhedspraktik", company_id=w.company_id, start_date=START,
                planned_end_date=None, hours_per_week=hours)


# (name, table, row id field, save(engine, actor, world, version, value), stored(engine, world),
#  the first save's value, the second's (either may depend on the world), the refusal's key)
EDITS = [
    ("citizen", "citizen", "citizen_id",
     lambda e, a, w, v, x: people.update_citizen(e, a, w.citizen_id, expected_version=v, last_name=x),
     lambda e, w: people.get_citizen(e, w.leader, w.citizen_id).last_name,
     "Holm", "Dahl", "error.stale_citizen"),
    ("placement edit", "placement", "placement_id",
     lambda e, a, w, v, x: placements.update_placement(e, a, w.placement_id, expected_version=v,
                                                       **placement_fields(w, x)),
     lambda e, w: placements.get_placement(e, w.leader, w.placement_id).hours_per_week,
     30.0, 10.0, "error.stale_placement"),
    ("placement ended after an edit", "placement", "placement_id",
     lambda e, a, w, v, x: (placements.update_placement(e, a, w.placement_id, expected_version=v,
                                                        **placement_fields(w, 25))
                            if x == "edited" else
                            placements.end_placement(e, a, w.placement_id, expected_version=v,
                                                     end_date=TODAY, result="ordinary_job")),
     lambda e, w: "edited" if placements.get_placement(e, w.leader, w.placement_id).status == "active"
     else "ended",
     "edited", "ended", "error.stale_placement"),
    ("card move", "sprint_card", "card_id",
     lambda e, a, w, v, x: sprints.move_card(e, a, w.card_id, x, expected_version=v),
     lambda e, w: _card(e, w).stage,
     "dialogue", "secured", "error.stale_card"),
    ("card company", "sprint_card", "card_id",
     lambda e, a, w, v, x: sprints.set_card_company(e, a, w.card_id, x, expected_version=v),
     lambda e, w: _card(e, w).company_id,
     lambda w: w.company_id, None, "error.stale_card"),
    ("sprint", "sprint", "sprint_id",
     lambda e, a, w, v, x: sprints.update_sprint(e, a, w.sprint_id, expected_version=v,
                                                 **sprint_fields(x)),
     lambda e, w: _row(e, Sprint, w.sprint_id).goal_count,
     20, 12, "error.stale_sprint"),
    ("company", "company", "company_id",
     lambda e, a, w, v, x: companies.update_company(e, a, w.company_id, expected_version=v, phone=x),
     lambda e, w: _row(e, Company, w.company_id).phone,
     "43 43 43 43", "70 10 20 30", "error.stale_company"),
    ("goal", "goal", "goal_id",
     lambda e, a, w, v, x: goals.update_goal(e, a, w.goal_id, expected_version=v, **goal_fields(x)),
     lambda e, w: _row(e, Goal, w.goal_id).target,
     12.0, 8.0, "error.stale_goal"),
]


def _row(engine, table, row_id):
    with Session(engine) as session:
        return session.get(table, row_id)


def _card(engine, w: World) -> SprintCard:
    return _row(engine, SprintCard, w.card_id)


def version_of(engine, table: str, row_id: int) -> int:
    return _row(engine, MODELS[table], row_id).version


def changes_logged(engine, table: str, row_id: int) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.table_name == table, AuditLog.row_id == row_id,
            AuditLog.action.in_(["update", "move", "end"]))).one()


@pytest.mark.parametrize("name, table, id_field, save, stored, first, second, key", EDITS,
                         ids=[edit[0] for edit in EDITS])
def test_the_second_save_from_the_same_version_is_refused_and_the_first_stays(
        engine, world, name, table, id_field, save, stored, first, second, key):
    first, second = (value(world) if callable(value) else value for value in (first, second))
    row_id = getattr(world, id_field)
    actors = (world.leader, world.leader) if table == "goal" else (world.anna, world.bo)
    seen = version_of(engine, table, row_id)  # both open the form and see this version
    logged = changes_logged(engine, table, row_id)

    save(engine, actors[0], world, seen, first)
    with pytest.raises(StaleVersion) as refused:
        save(engine, actors[1], world, seen, second)

    assert refused.value.key == key
    assert all(key in i18n.CATALOGUE[lang] for lang in i18n.LANGUAGES)
    assert stored(engine, world) == first
    assert version_of(engine, table, row_id) == seen + 1
    assert changes_logged(engine, table, row_id) == logged + 1  # the refused save left no trace


def test_the_same_save_repeated_with_the_version_it_got_back_goes_through(engine, world):
    version = sprints.move_card(engine, world.anna, world.card_id, "clarified", expected_version=1)
    version = sprints.move_card(engine, world.bo, world.card_id, "dialogue", expected_version=version)
    assert (_card(engine, world).stage, version) == ("dialogue", 3)


def test_closing_a_sprint_bumps_its_version_so_an_open_edit_form_is_refused(engine, world):
    seen = version_of(engine, "sprint", world.sprint_id)
    sprints.close_sprint(engine, world.leader, world.sprint_id)
    with pytest.raises(StaleVersion):
        sprints.update_sprint(engine, world.anna, world.sprint_id, expected_version=seen,
                              **sprint_fields(30))
    assert _row(engine, Sprint, world.sprint_id).goal_count == 16


def test_every_table_is_either_versioned_or_listed_as_not_edited(engine):
    tables = set(SQLModel.metadata.tables)
    assert tables - VERSIONED - NOT_VERSIONED == set(), "a new table: versioned or not edited?"
    inspector = inspect(engine)
    unversioned = {table for table in VERSIONED
                   if "version" not in {c["name"] for c in inspector.get_columns(table)}}
    assert unversioned == set()


def test_a_new_row_starts_at_version_one(engine, world):
    for table, id_field in (("citizen", "citizen_id"), ("company", "company_id"),
                            ("goal", "goal_id"), ("placement", "placement_id"),
                            ("sprint", "sprint_id"), ("sprint_card", "card_id")):
        assert version_of(engine, table, getattr(world, id_field)) == 1


# --- The citizen's edit form, opened by two people at once --------------------------------------

def _profile(app_db, username: str, citizen_id: int):
    at = app_as(app_db, username, "pages/borgere.py")
    at.query_params["borger"] = str(citizen_id)
    at.run()
    assert not at.exception, at.exception
    return at


def _save(at, version: int, last_name: str):
    prefix = f"edit{version}"
    at.text_input(key=f"{prefix}_last").input(last_name)
    at.button(key=f"FormSubmitter:{prefix}_citizen-Gem").click().run()
    assert not at.exception, at.exception
    return at


def test_two_people_editing_the_same_citizen_the_second_is_told_to_reload(app_db):
    leader = demo_actor(app_db, "leder")
    board = sprints.board(app_db, leader, sprints.current_sprint_id(app_db, leader))
    citizen = people.get_citizen(app_db, leader, int(board["citizen_id"].iloc[0]))
    first = _profile(app_db, "konsulent", citizen.id)
    second = _profile(app_db, "leder", citizen.id)

    _save(first, citizen.version, "Holm")
    assert "Oplysningerne er gemt." in page_text(first)
    _save(second, citizen.version, "Dahl")

    stale = i18n.t("error.stale_citizen")
    assert [e.value for e in second.error] == [stale]
    stored = people.get_citizen(app_db, leader, citizen.id)
    assert (stored.last_name, stored.version) == ("Holm", citizen.version + 1)
    # After the refusal the form shows the colleague's save, and a new save goes through.
    second.run()
    assert second.text_input(key=f"edit{citizen.version + 1}_last").value == "Holm"
    _save(second, citizen.version + 1, "Holm-Dahl")
    assert people.get_citizen(app_db, leader, citizen.id).last_name == "Holm-Dahl"


def test_two_people_editing_the_same_company_the_second_keeps_the_first_save(app_db):
    with Session(app_db) as session:
        company = session.exec(select(Company).order_by(Company.id)).first()
    forms = []
    for username in ("konsulent", "leder"):
        at = app_as(app_db, username, "pages/virksomheder.py")
        at.session_state["company_tab"] = "Profil"
        at.run()
        at.selectbox(key="company_pick").select(company.id).run()
        forms.append(at)
    first, second = forms
    prefix = f"edit_{company.id}"
    first.text_input(key=f"{prefix}_phone").input("43 43 43 43")
    first.button(key=f"FormSubmitter:company_edit_{company.id}-Gem").click().run()
    second.text_input(key=f"{prefix}_industry").input("Noget helt andet")
    second.button(key=f"FormSubmitter:company_edit_{company.id}-Gem").click().run()

    assert not second.exception, second.exception
    assert [e.value for e in second.error] == [i18n.t("error.stale_company")]
    stored = _row(app_db, Company, company.id)
    assert (stored.phone, stored.industry, stored.version) == \
        ("43 43 43 43", company.industry, company.version + 1)
    # The form is drawn anew from the stored company: the colleague's phone number is there.
    second.run()
    assert second.text_input(key=f"{prefix}_1_phone").value == "43 43 43 43"
