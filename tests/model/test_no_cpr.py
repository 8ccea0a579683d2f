"""No CPR numbers: every free-text field of every model write function and every import column
refuses CPR-shaped text with the message that says why, and nothing is written.

A meta test finds the write functions of model/ by their signature, so a new one with a text
parameter fails here until it is covered below or listed with the reason it needs no check.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

import model
from model import (
    admin,
    areas,
    clock,
    companies,
    events,
    goals,
    i18n,
    importing,
    outcomes,
    partnerships,
    people,
    placements,
    quick,
    results,
    sprints,
    staffing,
)
from model.db import make_engine, migrate
from model.errors import ValidationError
from model.tables import Citizen, Company, FollowUp, Initiative, Sprint
from tests.conftest import _create_database, make_actor

CPR_VALUES = ("010190-1234", "0101901234")
CPR_KEYS = {"error.cpr_in_text", "error.external_ref_cpr"}
TODAY = clock.today()


class World:
    """One of everything a write function needs, made by an admin (who may do everything)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.admin = make_actor(engine, "admin", name="Admin Adminsen")
        self.citizen = people.create_citizen(engine, self.admin, first_name="Mads",
                                             last_name="Holm", birth_year=1990)
        self.company = companies.create_company(engine, self.admin, name="Bageriet ApS")
        self.sprint = sprints.create_sprint(engine, self.admin, name="Uge 1", start=TODAY,
                                            end=TODAY + timedelta(days=4), goal=3)
        self.card = sprints.add_card(engine, self.admin, self.sprint, citizen_id=self.citizen,
                                     consultant_id=self.admin.staff_id)
        self.placement = placements.start_placement(
            engine, self.admin, citizen_id=self.citizen, company_id=self.company,
            kind="virksomhedspraktik", start_date=TODAY - timedelta(days=3))
        self.partnership = partnerships.create_partnership(engine, self.admin, name="Strandens")
        with Session(engine) as session:
            initiative = Initiative(name="STV")
            session.add(initiative)
            session.commit()
            self.initiative = initiative.id
        self.goal = goals.create_goal(engine, self.admin, name="Mål", scope="sprint",
                                      metric="secured_placements", target=3, sprint_id=self.sprint,
                                      period_start=TODAY, period_end=TODAY + timedelta(days=4))

    def version(self, table, row_id: int) -> int:
        with Session(self.engine) as session:
            return session.get(table, row_id).version

    def follow_up(self) -> int:
        with Session(self.engine) as session:
            return session.execute(select(FollowUp.id).where(
                FollowUp.placement_id == self.placement, FollowUp.done_at.is_(None))
                .order_by(FollowUp.due_date)).scalars().first()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """One world per database for the whole module: every case below only refuses."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('cpr') / 'cpr.db'}")
    else:
        base = request.getfixturevalue("postgres_cluster")
        name = f"cpr_{os.getpid()}"
        _create_database(base, name, template="jobtavlen_template")
        engine = make_engine(f"{base}/{name}")
    migrate(engine)
    yield World(engine)
    engine.dispose()


def snapshot(engine) -> dict[str, list[str]]:
    """Every row of every table, to prove a refusal wrote nothing (the audit log included)."""
    with Session(engine) as session:
        return {table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
                for table in SQLModel.metadata.sorted_tables}


def agenda(text: str, field: str) -> pd.DataFrame:
    row = {"day": TODAY, "part": "formiddag", "title": "Sparring", "note": ""}
    return pd.DataFrame([{**row, field: text}])


# "module.function:parameter" -> a call that puts the CPR-shaped text into that parameter.
CASES = {
    "people.create_citizen:fields.first_name": lambda w, cpr: people.create_citizen(
        w.engine, w.admin, first_name=cpr, last_name="Holm", birth_year=1990),
    "people.create_citizen:fields.last_name": lambda w, cpr: people.create_citizen(
        w.engine, w.admin, first_name="Mads", last_name=f"Holm {cpr}", birth_year=1990),
    "people.create_citizen:fields.target_group": lambda w, cpr: people.create_citizen(
        w.engine, w.admin, first_name="Mads", last_name="Holm", birth_year=1990,
        target_group=cpr),
    "people.create_citizen:fields.wishes": lambda w, cpr: people.create_citizen(
        w.engine, w.admin, first_name="Mads", last_name="Holm", birth_year=1990,
        wishes=["lager", cpr]),
    "people.create_citizen:fields.qualifications": lambda w, cpr: people.create_citizen(
        w.engine, w.admin, first_name="Mads", last_name="Holm", birth_year=1990,
        qualifications=[cpr]),
    "people.create_citizen:fields.external_ref": lambda w, cpr: people.create_citizen(
        w.engine, w.admin, first_name="Mads", last_name="Holm", birth_year=1990,
        external_ref=cpr),
    "people.update_citizen:fields.first_name": lambda w, cpr: people.update_citizen(
        w.engine, w.admin, w.citizen, expected_version=w.version(Citizen, w.citizen),
        first_name=cpr),
    "people.update_citizen:fields.wishes": lambda w, cpr: people.update_citizen(
        w.engine, w.admin, w.citizen, expected_version=w.version(Citizen, w.citizen),
        wishes=[cpr]),
    "people.update_citizen:fields.external_ref": lambda w, cpr: people.update_citizen(
        w.engine, w.admin, w.citizen, expected_version=w.version(Citizen, w.citizen),
        external_ref=cpr),
    "people.search_citizens:query": lambda w, cpr: people.search_citizens(
        w.engine, w.admin, cpr),
    "people.list_citizens:query": lambda w, cpr: people.list_citizens(
        w.engine, w.admin, query=cpr),
    "sprints.add_new_citizen_card:citizen_fields.last_name": lambda w, cpr:
        sprints.add_new_citizen_card(w.engine, w.admin, w.sprint,
                                     consultant_id=w.admin.staff_id, first_name="Ny",
                                     last_name=cpr, birth_year=1991),
    "sprints.create_sprint:name": lambda w, cpr: sprints.create_sprint(
        w.engine, w.admin, name=f"Uge {cpr}", start=TODAY, end=TODAY, goal=1),
    "sprints.create_sprint:focus": lambda w, cpr: sprints.create_sprint(
        w.engine, w.admin, name="Uge 2", start=TODAY, end=TODAY, goal=1, focus=cpr),
    "sprints.create_sprint:stage_names": lambda w, cpr: sprints.create_sprint(
        w.engine, w.admin, name="Uge 2", start=TODAY, end=TODAY, goal=1,
        stage_names={"selected": cpr}),
    "sprints.update_sprint:name": lambda w, cpr: sprints.update_sprint(
        w.engine, w.admin, w.sprint, expected_version=w.version(Sprint, w.sprint), name=cpr,
        start=TODAY, end=TODAY + timedelta(days=4), goal=3, focus="", kind="intensive_week",
        stage_names={}),
    "sprints.update_sprint:focus": lambda w, cpr: sprints.update_sprint(
        w.engine, w.admin, w.sprint, expected_version=w.version(Sprint, w.sprint), name="Uge 1",
        start=TODAY, end=TODAY + timedelta(days=4), goal=3, focus=cpr, kind="intensive_week",
        stage_names={}),
    "sprints.update_sprint:stage_names": lambda w, cpr: sprints.update_sprint(
        w.engine, w.admin, w.sprint, expected_version=w.version(Sprint, w.sprint), name="Uge 1",
        start=TODAY, end=TODAY + timedelta(days=4), goal=3, focus="", kind="intensive_week",
        stage_names={"parked": f"Parkeret {cpr}"}),
    "sprints.move_card:park_reason": lambda w, cpr: sprints.move_card(
        w.engine, w.admin, w.card, "parked", expected_version=1, park_reason=cpr),
    "sprints.save_agenda:items.title": lambda w, cpr: sprints.save_agenda(
        w.engine, w.admin, w.sprint, agenda(cpr, "title")),
    "sprints.save_agenda:items.note": lambda w, cpr: sprints.save_agenda(
        w.engine, w.admin, w.sprint, agenda(cpr, "note")),
    "sprints.save_agenda:items.part": lambda w, cpr: sprints.save_agenda(
        w.engine, w.admin, w.sprint, agenda(cpr, "part")),
    "sprints.add_cards:new_citizens.last_name": lambda w, cpr: sprints.add_cards(
        w.engine, w.admin, w.sprint, consultant_id=w.admin.staff_id,
        new_citizens=[dict(first_name="Ny", last_name=cpr, birth_year=1991)]),
    "sprints.repeat_sprint:name": lambda w, cpr: sprints.repeat_sprint(
        w.engine, w.admin, w.sprint, name=f"Uge {cpr}", start=TODAY, end=TODAY),
    "sprints.repeat_sprint:focus": lambda w, cpr: sprints.repeat_sprint(
        w.engine, w.admin, w.sprint, name="Uge 2", start=TODAY, end=TODAY, focus=cpr),
    "companies.create_company:name": lambda w, cpr: companies.create_company(
        w.engine, w.admin, name=f"Firma {cpr}"),
    "companies.create_company:industry": lambda w, cpr: companies.create_company(
        w.engine, w.admin, name="Firma", industry=cpr),
    "companies.create_company:municipality": lambda w, cpr: companies.create_company(
        w.engine, w.admin, name="Firma", municipality=cpr),
    "companies.create_company:contact_person": lambda w, cpr: companies.create_company(
        w.engine, w.admin, name="Firma", contact_person=f"Ole {cpr}"),
    "companies.create_company:phone": lambda w, cpr: companies.create_company(
        w.engine, w.admin, name="Firma", phone=cpr),
    "companies.update_company:name": lambda w, cpr: companies.update_company(
        w.engine, w.admin, w.company, expected_version=w.version(Company, w.company), name=cpr),
    "companies.update_company:contact_person": lambda w, cpr: companies.update_company(
        w.engine, w.admin, w.company, expected_version=w.version(Company, w.company),
        contact_person=cpr),
    "companies.update_company:industry": lambda w, cpr: companies.update_company(
        w.engine, w.admin, w.company, expected_version=w.version(Company, w.company),
        industry=cpr),
    "companies.update_company:municipality": lambda w, cpr: companies.update_company(
        w.engine, w.admin, w.company, expected_version=w.version(Company, w.company),
        municipality=cpr),
    "companies.update_company:phone": lambda w, cpr: companies.update_company(
        w.engine, w.admin, w.company, expected_version=w.version(Company, w.company), phone=cpr),
    "companies.log_contact:note": lambda w, cpr: companies.log_contact(
        w.engine, w.admin, company_id=w.company, channel="phone", note=cpr),
    "companies.log_contact:next_step": lambda w, cpr: companies.log_contact(
        w.engine, w.admin, company_id=w.company, channel="phone", next_step=f"Ring om {cpr}"),
    "companies.search_companies:query": lambda w, cpr: companies.search_companies(
        w.engine, w.admin, cpr),
    "companies.list_companies:query": lambda w, cpr: companies.list_companies(
        w.engine, w.admin, query=cpr),
    "companies.company_page:query": lambda w, cpr: companies.company_page(
        w.engine, w.admin, query=cpr),
    "people.citizen_page:query": lambda w, cpr: people.citizen_page(w.engine, w.admin, query=cpr),
    "placements.placement_page:query": lambda w, cpr: placements.placement_page(
        w.engine, w.admin, query=cpr),
    "quick.citizen_choice_page:query": lambda w, cpr: quick.citizen_choice_page(
        w.engine, w.admin, query=cpr),
    "placements.mark_follow_up_done:note": lambda w, cpr: placements.mark_follow_up_done(
        w.engine, w.admin, w.follow_up(), note=cpr),
    "placements.record_follow_up:note": lambda w, cpr: placements.record_follow_up(
        w.engine, w.admin, placement_id=w.placement, note=cpr),
    "outcomes.record_progression:scale": lambda w, cpr: outcomes.record_progression(
        w.engine, w.admin, citizen_id=w.citizen, score=5, measured_at=TODAY, scale=cpr),
    "outcomes.save_progression_sheet:scale": lambda w, cpr: outcomes.save_progression_sheet(
        w.engine, w.admin, pd.DataFrame([{"citizen_id": w.citizen, "name": "Mads Holm",
                                          "score": 5}]), measured_at=TODAY, scale=cpr),
    "goals.create_goal:name": lambda w, cpr: goals.create_goal(
        w.engine, w.admin, name=cpr, scope="sprint", metric="secured_placements", target=3,
        sprint_id=w.sprint, period_start=TODAY, period_end=TODAY),
    "goals.update_goal:name": lambda w, cpr: goals.update_goal(
        w.engine, w.admin, w.goal, expected_version=1, name=cpr, scope="sprint",
        metric="secured_placements", target=3, sprint_id=w.sprint, period_start=TODAY,
        period_end=TODAY),
    "events.create_event:title": lambda w, cpr: events.create_event(
        w.engine, w.admin, company_id=w.company, kind="oplaeg", event_date=TODAY, title=cpr),
    "events.create_event:note": lambda w, cpr: events.create_event(
        w.engine, w.admin, company_id=w.company, kind="oplaeg", event_date=TODAY, note=cpr),
    "areas.create_housing_area:name": lambda w, cpr: areas.create_housing_area(
        w.engine, w.admin, name=cpr, municipality="Brøndby"),
    "areas.create_housing_area:municipality": lambda w, cpr: areas.create_housing_area(
        w.engine, w.admin, name="Strandparken", municipality=cpr),
    "partnerships.create_partnership:name": lambda w, cpr: partnerships.create_partnership(
        w.engine, w.admin, name=cpr),
    "partnerships.add_partner:name": lambda w, cpr: partnerships.add_partner(
        w.engine, w.admin, partnership_id=w.partnership, name=cpr, kind="kommune"),
    "partnerships.add_partner:pays_for": lambda w, cpr: partnerships.add_partner(
        w.engine, w.admin, partnership_id=w.partnership, name="Kommunen", kind="kommune",
        pays_for=cpr),
    "results.add_comparison_group:label": lambda w, cpr: results.add_comparison_group(
        w.engine, w.admin, initiative_id=w.initiative, label=cpr, months=6, n=100, reached=40),
    "results.add_comparison_group:source": lambda w, cpr: results.add_comparison_group(
        w.engine, w.admin, initiative_id=w.initiative, label="Normal indsats", months=6, n=100,
        reached=40, source=cpr),
    "admin.create_account:username": lambda w, cpr: admin.create_account(
        w.engine, w.admin, username=cpr, role="consultant"),
    "admin.create_account:oidc_sub": lambda w, cpr: admin.create_account(
        w.engine, w.admin, username="ny.bruger", role="consultant", oidc_sub=cpr),
    "staffing.create_team:name": lambda w, cpr: staffing.create_team(w.engine, w.admin, name=cpr),
    "staffing.rename_team:name": lambda w, cpr: staffing.rename_team(
        w.engine, w.admin, w.admin.team_id, expected_name="", name=f"Team {cpr}"),
    "staffing.create_staff:name": lambda w, cpr: staffing.create_staff(
        w.engine, w.admin, name=cpr, role="consultant", team_id=w.admin.team_id),
    "staffing.update_staff:name": lambda w, cpr: staffing.update_staff(
        w.engine, w.admin, w.admin.staff_id, name=f"Ad {cpr}", initials="AD", role="admin",
        team_id=w.admin.team_id, active=True,
        expected=staffing.get_staff(w.engine, w.admin, w.admin.staff_id)),
    "staffing.create_initiative:name": lambda w, cpr: staffing.create_initiative(
        w.engine, w.admin, name=cpr),
    "staffing.create_initiative:funder": lambda w, cpr: staffing.create_initiative(
        w.engine, w.admin, name="Jobløft", funder=cpr),
    "staffing.create_initiative:description": lambda w, cpr: staffing.create_initiative(
        w.engine, w.admin, name="Jobløft", description=f"Kontakt {cpr}"),
    **{f"staffing.update_initiative:{field}": lambda w, cpr, field=field: staffing.update_initiative(
        w.engine, w.admin, w.initiative, **{"name": "STV", "start_date": None, "end_date": None,
                                            "funder": "", "description": "", field: cpr},
        expected=staffing.get_initiative(w.engine, w.admin, w.initiative))
       for field in ("name", "funder", "description")},
}

# Text parameters that need no CPR check, with the reason.
NOT_FREE_TEXT = {
    # A code checked against a fixed list (anything else is refused as unknown).
    **dict.fromkeys([
        "companies.create_company:agreement_kind", "companies.update_company:agreement_kind",
        "companies.log_contact:channel", "companies.log_contact:outcome",
        "companies.list_companies:agreement_kind", "companies.company_page:agreement_kind",
        "placements.placement_page:status", "placements.placement_page:kind",
        "placements.start_placement:kind", "placements.secure_placement:kind",
        "placements.update_placement:kind",
        "placements.set_cadence:kind", "placements.clear_cadence:kind",
        "placements.end_placement:result", "placements.list_placements:status",
        "placements.list_placements:kind", "sprints.create_sprint:kind",
        "sprints.update_sprint:kind", "sprints.move_card:to_stage", "goals.create_goal:scope",
        "goals.create_goal:metric", "goals.update_goal:scope", "goals.update_goal:metric",
        "events.create_event:kind", "partnerships.add_partner:kind", "admin.create_account:role",
        "outcomes.record_outcome:status", "retention.set_period:category",
        "exporting.export_list:name", "exporting.export_list:lang",
        "exporting.export_preview:name", "exporting.export_preview:lang", "report.build:lang",
        "timeline.timeline:lang", "importing.commit_import:kind", "staffing.create_staff:role",
        "staffing.update_staff:role"], "a code from a fixed list"),
    **dict.fromkeys(["staffing.create_staff:initials", "staffing.update_staff:initials"],
                    "initials: 2-4 letters, never a digit"),
    "staffing.rename_team:expected_name": "compared with the stored name, never stored",
    "auth.unblock_address:address": "a network address already stored by a failed login",
    "exporting.log_download:name": "the name a page gives its list, never typed by a user",
    "exporting.log_download:frame": "the rows a page drew from stored values, not typed text",
    "privacy.erase_citizen:redact": "which found fields to redact: table, row id and column names",
    # A filter the page offers from the values already stored (checked when they were stored).
    **dict.fromkeys([
        "companies.list_companies:industry", "companies.list_companies:municipality",
        "companies.company_page:industry", "companies.company_page:municipality",
        "people.list_citizens:target_group", "people.citizen_page:target_group"],
        "a filter chosen from stored values"),
    "companies.create_company:cvr": "a CVR number: 8 digits with a modulus-11 check",
    "companies.update_company:cvr": "a CVR number: 8 digits with a modulus-11 check",
    "outcomes.save_outcome_sheet:sheet": "statuses are codes; the name column is not stored",
    "outcomes.save_progression_sheet:sheet": "scores are numbers; the name column is not stored",
    "importing.commit_import:frame": "every column is checked: test_every_import_column_...",
    "privacy.erase_citizen:confirm_name": "compared with the stored name, never stored",
    "sprints.save_agenda:expected_stamp": "a fingerprint the model made, compared, never stored",
    "auth.change_password:new_password": "stored only as an argon2 hash",
    "auth.change_password:confirmation": "stored only as an argon2 hash",
    "audit.log_refused:what": "written by the model, not typed by a user",
    "audit.log_refused:table_name": "written by the model, not typed by a user",
    "audit.log_refused:action": "written by the model, not typed by a user",
}
TEXT_HINTS = ("str", "DataFrame", "dict", "list")
NUMBERS_ONLY = ("list[int]", "tuple[int")


def text_parameters() -> set[str]:
    """Every "module.function:parameter" of model/ that takes an actor, writes, and takes text."""
    found = set()
    for info in pkgutil.iter_modules(model.__path__):
        if info.name == "__main__":
            continue
        module = importlib.import_module(f"model.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            signature = inspect.signature(function)
            source = inspect.getsource(function)
            if "actor" not in signature.parameters or "_session(engine" not in source:
                continue
            for parameter in signature.parameters.values():
                annotation = str(parameter.annotation)
                text = parameter.kind is parameter.VAR_KEYWORD or (
                    any(hint in annotation for hint in TEXT_HINTS)
                    and not any(hint in annotation for hint in NUMBERS_ONLY))
                if text and parameter.name not in {"engine", "actor"}:
                    found.add(f"{info.name}.{name}:{parameter.name}")
    return found


def test_every_text_parameter_of_a_write_function_is_covered():
    covered = {case.split(":")[0] + ":" + case.split(":")[1].split(".")[0] for case in CASES}
    missing = text_parameters() - covered - set(NOT_FREE_TEXT)
    assert missing == set(), "add a CPR case or a reason for these"


def test_the_refusal_says_why_in_danish():
    assert "CPR-nummer" in i18n.t("error.cpr_in_text", "da")
    assert "CPR-nummer" in i18n.t("error.external_ref_cpr", "da")


@pytest.mark.parametrize("case", sorted(CASES))
def test_cpr_shaped_text_is_refused_and_nothing_is_written(world, case):
    for cpr in CPR_VALUES:
        before = snapshot(world.engine)
        with pytest.raises(ValidationError) as refused:
            CASES[case](world, cpr)
        assert refused.value.key in CPR_KEYS, (cpr, refused.value.key)
        assert snapshot(world.engine) == before, cpr


# --- Imports ---------------------------------------------------------------------------------

VALID_ROWS = {
    "citizens": {"first_name": "Sara", "last_name": "Lund", "birth_year": "1992",
                 "target_group": "jobparat", "benefit_type": "kontanthjaelp", "match_group": "2",
                 "dagpenge_end_date": "", "housing_area": "", "initiative": "",
                 "external_ref": "SAG-7", "wishes": "lager", "qualifications": "truck"},
    "companies": {"company": "Lagerhuset ApS", "cvr": "", "industry": "Lager",
                  "municipality": "Brøndby", "contact_person": "Ole", "phone": "43 28 25 79",
                  "agreement_kind": "none", "agreement_since": "", "housing_supplier": "nej"},
    "placements": {"external_ref": "", "first_name": "Mads", "last_name": "Holm",
                   "birth_year": "1990", "cvr": "", "company": "Bageriet ApS",
                   "kind": "virksomhedspraktik", "start_date": TODAY.strftime("%d-%m-%Y"),
                   "planned_end_date": "", "hours_per_week": "20", "hourly_wage": ""},
    "comparison_groups": {"initiative": "STV", "label": "Normal indsats", "month": "6",
                          "n": "120", "reached": "41", "source": "Jobindsats.dk"},
    "staff": {"name": "Sanne Ibsen", "initials": "SI", "role": "jobkonsulent", "team": "",
              "active": "ja"},
    "initiatives": {"name": "Jobløft", "start_date": "01-03-2026", "end_date": "",
                    "funder": "Boligselskabet", "description": "Småjob"},
}
EXTRA = "Bemærkning"  # a column the import does not use is checked too
IMPORT_CASES = [(kind, column.field) for kind, columns in importing.COLUMNS.items()
                for column in columns] + [(kind, EXTRA) for kind in importing.COLUMNS]


def import_row(kind: str) -> dict[str, str]:
    """The valid row of `kind` under its Danish headers."""
    return {column.header("da"): VALID_ROWS[kind][column.field]
            for column in importing.COLUMNS[kind]}


def test_the_valid_rows_are_valid(world):
    # Without this, a refusal below could have another reason than the CPR number.
    for kind in importing.COLUMNS:
        assert set(VALID_ROWS[kind]) == {c.field for c in importing.COLUMNS[kind]}, kind
        frame = pd.DataFrame([import_row(kind)])
        assert importing.dry_run(world.engine, world.admin, kind, frame).can_commit, kind


@pytest.mark.parametrize("kind, field", IMPORT_CASES)
def test_every_import_column_refuses_a_cpr_number(world, kind, field):
    headers = {column.field: column.header("da") for column in importing.COLUMNS[kind]}
    header = headers.get(field, EXTRA)
    for cpr in CPR_VALUES:
        frame = pd.DataFrame([{**import_row(kind), header: cpr}])
        before = snapshot(world.engine)
        report = importing.dry_run(world.engine, world.admin, kind, frame)
        refused = report.errors[report.errors["key"].isin(CPR_KEYS)]
        assert set(refused["column"]) == {header}, report.errors
        with pytest.raises(ValidationError) as not_clean:
            importing.commit_import(world.engine, world.admin, kind, frame)
        assert not_clean.value.key == "data.error_not_clean"
        assert snapshot(world.engine) == before
