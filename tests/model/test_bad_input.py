"""Bad input: the corpus under tests/data/bad_inputs/ run against the forms' model functions and the
import. Each input is refused with a message from the catalogue (in Danish and English, never a
traceback), and nothing is written. Add a case to a data file to grow the corpus.

Values in the data files: plain JSON, or {"$repeat": [text, n]}, {"$date": iso}, {"$days": n}
(today + n days), {"$datetime": iso}, {"$float": "nan"}, {"$tags": n} (n distinct tags),
{"$years_ago": n} (a birth year) and {"$ref": name} (a row of the test's world, see `world`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from model import (
    clock,
    companies,
    goals,
    i18n,
    importing,
    outcomes,
    people,
    placements,
    sprints,
)
from model.errors import UserError, ValidationError
from model.tables import Company, Contact, FollowUp, Initiative
from tests.conftest import make_actor

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_inputs"
FORM_FILES = sorted(p for p in CORPUS.glob("*.json") if not p.name.startswith(("import.", "files")))
IMPORT_FILES = sorted(CORPUS.glob("import.*.json"))
FILES = json.loads((CORPUS / "files.json").read_text())
TODAY = clock.today()
CVR_TAKEN = "24256790"
AUDIT_TABLES = {"audit_log", "audit_log_purge"}


def _pop(fields: dict, *names: str) -> list:
    return [fields.pop(name) for name in names]


# How each form's model function is called with the fields of a case.
CALLS = {
    "people.create_citizen": lambda e, a, f: people.create_citizen(e, a, **f),
    "people.update_citizen": lambda e, a, f: people.update_citizen(e, a, *_pop(f, "citizen_id"), **f),
    "companies.create_company": lambda e, a, f: companies.create_company(e, a, **f),
    "companies.log_contact": lambda e, a, f: companies.log_contact(e, a, **f),
    "placements.start_placement": lambda e, a, f: placements.start_placement(e, a, **f),
    "placements.end_placement": lambda e, a, f: placements.end_placement(
        e, a, *_pop(f, "placement_id"), **f),
    "placements.record_follow_up": lambda e, a, f: placements.record_follow_up(e, a, **f),
    "sprints.create_sprint": lambda e, a, f: sprints.create_sprint(e, a, **f),
    "sprints.move_card": lambda e, a, f: sprints.move_card(e, a, *_pop(f, "card_id", "to_stage"), **f),
    "goals.create_goal": lambda e, a, f: goals.create_goal(e, a, **f),
    "outcomes.record_outcome": lambda e, a, f: outcomes.record_outcome(e, a, **f),
}


def resolve(value, world: dict):
    """A corpus value as the Python value it stands for."""
    if isinstance(value, list):
        return [resolve(item, world) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and next(iter(value)).startswith("$"):
        (tag, arg), = value.items()
        return {
            "$repeat": lambda: arg[0] * arg[1],
            "$date": lambda: date.fromisoformat(arg),
            "$days": lambda: TODAY + timedelta(days=arg),
            "$datetime": lambda: datetime.fromisoformat(arg),
            "$float": lambda: float(arg),
            "$tags": lambda: [f"ønske {chr(97 + n % 26)}{n}" for n in range(arg)],
            "$years_ago": lambda: TODAY.year - arg,
            "$ref": lambda: world[arg],
        }[tag]()
    return {key: resolve(item, world) for key, item in value.items()}


def fingerprint(engine) -> tuple:
    """Rows per table, the sum of every version, and the follow-ups and next steps done: any
    insert, delete, versioned update or ticking-off changes it. The audit log is left out: a
    refused attempt on someone's record is logged on purpose."""
    tables = [table for table in SQLModel.metadata.sorted_tables if table.name not in AUDIT_TABLES]
    columns = [select(func.count()).select_from(table).scalar_subquery() for table in tables]
    columns += [select(func.coalesce(func.sum(table.c.version), 0)).scalar_subquery()
                for table in tables if "version" in table.c]
    columns += [select(func.count(FollowUp.id)).where(FollowUp.done_at.is_not(None)).scalar_subquery(),
                select(func.count(Contact.id)).where(Contact.next_step_done_at.is_not(None))
                .scalar_subquery()]
    with Session(engine) as session:
        return tuple(session.execute(select(*columns)).one())


def message_problem(error: UserError) -> str | None:
    """Why the refusal's message would not reach the user as a clear text, or None."""
    for lang in i18n.LANGUAGES:
        if error.key not in i18n.CATALOGUE[lang]:
            return f"{error.key} is not in the {lang} catalogue"
        try:
            text = i18n.t(error.key, lang, **error.params)
        except (KeyError, IndexError, ValueError) as problem:
            return f"{error.key} cannot be filled in ({lang}): {problem!r}"
        if "Traceback" in text or not text.strip():
            return f"{error.key} reads {text!r}"
    return None


@pytest.fixture
def world(engine) -> dict:
    """A consultant and a leader of one team; a citizen (case J-1) with a running placement and a
    card on the running sprint; a second citizen with a card; a company with a CVR number; an
    initiative."""
    consultant = make_actor(engine, "consultant")
    leader = make_actor(engine, "leader", team_id=consultant.team_id)
    citizen = people.create_citizen(engine, consultant, first_name="Aisha", last_name="Benali",
                                    birth_year=1990, external_ref="J-1")
    other = people.create_citizen(engine, consultant, first_name="Omar", last_name="Demir",
                                  birth_year=1988)
    with Session(engine) as session:
        company = Company(name="Strandens Bageri ApS", cvr=CVR_TAKEN)
        session.add_all([company, Initiative(name="Energi til hinanden")])
        session.commit()
        company_id = company.id
    sprint = sprints.create_sprint(engine, consultant, name="Uge 39", start=TODAY,
                                   end=TODAY + timedelta(days=4), goal=16)
    card = sprints.add_card(engine, consultant, sprint, citizen_id=citizen,
                            consultant_id=consultant.staff_id)
    other_card = sprints.add_card(engine, consultant, sprint, citizen_id=other,
                                  consultant_id=consultant.staff_id)
    placement = placements.start_placement(engine, consultant, citizen_id=citizen,
                                           company_id=company_id, kind="virksomhedspraktik",
                                           start_date=TODAY - timedelta(days=60))
    return {"consultant": consultant, "leader": leader, "citizen": citizen, "citizen_version": 1,
            "company": company_id, "placement": placement, "card": card, "card_version": 1,
            "other_card": other_card, "taken_cvr": CVR_TAKEN, "citizen_ref": "J-1",
            "company_cvr": CVR_TAKEN, "initiative_name": "Energi til hinanden",
            "start": (TODAY - timedelta(days=10)).strftime("%d-%m-%Y")}


def test_the_corpus_holds_at_least_two_hundred_bad_inputs():
    forms = sum(len(json.loads(p.read_text())["cases"]) for p in FORM_FILES)
    imports = sum(len(json.loads(p.read_text())["cases"]) for p in IMPORT_FILES)
    assert set(CALLS) == {json.loads(p.read_text())["function"] for p in FORM_FILES}
    assert {json.loads(p.read_text())["kind"] for p in IMPORT_FILES} == set(importing.KINDS)
    assert forms + imports + len(FILES) >= 200


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.stem for p in FORM_FILES])
def test_a_form_refuses_every_bad_input_with_a_message_and_writes_nothing(engine, world, path):
    corpus = json.loads(path.read_text())
    call, actor = CALLS[corpus["function"]], world[corpus["actor"]]
    base = resolve(corpus["base"], world)
    problems = []
    for case in corpus["cases"]:
        fields = {**base, **resolve(case["fields"], world)}
        before = fingerprint(engine)
        try:
            call(engine, actor, dict(fields))
        except UserError as error:
            if error.key != case["key"]:
                problems.append(f"{case['why']}: {error.key}, expected {case['key']}")
            elif problem := message_problem(error):
                problems.append(f"{case['why']}: {problem}")
        except Exception as error:  # a traceback is what the user would have seen
            problems.append(f"{case['why']}: {type(error).__name__}: {str(error)[:200]}")
        else:
            problems.append(f"{case['why']}: accepted")
        if fingerprint(engine) != before:
            problems.append(f"{case['why']}: something was written")
    assert problems == []
    call(engine, actor, dict(base))  # the base itself is fine: each refusal is its field's doing


def _csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def _headers(kind: str) -> dict[str, str]:
    return {column.field: column.header("da") for column in importing.COLUMNS[kind]}


@pytest.mark.parametrize("path", IMPORT_FILES, ids=[p.stem for p in IMPORT_FILES])
def test_the_import_refuses_every_bad_cell_at_its_column_and_writes_nothing(engine, world, path):
    corpus = json.loads(path.read_text())
    kind, actor = corpus["kind"], world[corpus["actor"]]
    headers = _headers(kind)
    base = resolve(corpus["base"], world)
    problems = []
    for case in corpus["cases"]:
        cells = {**base, **resolve(case["cells"], world)}
        data = _csv([[headers.get(name, name) for name in cells], list(cells.values())])
        expected = [(2, headers.get(case["column"], case["column"]), case["key"])] \
            if case["column"] else [case["key"]]
        before = fingerprint(engine)
        try:
            frame = importing.read_table(data, "import.csv")
            report = importing.dry_run(engine, actor, kind, frame)
            found = list(zip(report.errors["row"], report.errors["column"], report.errors["key"]))
            errors = [UserError(key, **params) for key, params in
                      zip(report.errors["key"], report.errors["params"])]
            with pytest.raises(ValidationError) as refused:
                importing.commit_import(engine, actor, kind, frame)
            errors.append(refused.value)
        except ValidationError as error:  # the file itself is refused
            found, errors = [error.key], [error]
        except Exception as error:
            problems.append(f"{case['why']}: {type(error).__name__}: {str(error)[:200]}")
            continue
        if found != expected:
            problems.append(f"{case['why']}: {found}, expected {expected}")
        problems += [f"{case['why']}: {p}" for p in map(message_problem, errors) if p]
        if fingerprint(engine) != before:
            problems.append(f"{case['why']}: something was written")
    assert problems == []
    frame = importing.read_table(_csv([[headers.get(n, n) for n in base], list(base.values())]),
                                 "import.csv")
    assert importing.dry_run(engine, actor, kind, frame).can_commit  # the base row is fine


def test_bad_files_are_refused_with_a_message_and_write_nothing(engine, world):
    leader = world["leader"]
    problems = []
    for entry in FILES:
        data = (CORPUS / "files" / entry["file"]).read_bytes()
        before = fingerprint(engine)
        found: list = []
        errors: list[UserError] = []
        try:
            frame = importing.read_table(data, entry["file"])
            if entry["stage"] == "commit":
                importing.commit_import(engine, leader, entry["kind"], frame)
            else:
                report = importing.dry_run(engine, leader, entry["kind"], frame)
                found = [list(error) for error in zip(report.errors["row"], report.errors["column"],
                                                      report.errors["key"])]
                errors = [UserError(key, **params) for key, params in
                          zip(report.errors["key"], report.errors["params"])]
                importing.commit_import(engine, leader, entry["kind"], frame)
        except ValidationError as error:
            errors.append(error)
            if entry["stage"] != "dry_run":
                found = error.key
        except Exception as error:
            problems.append(f"{entry['file']}: {type(error).__name__}: {str(error)[:200]}")
            continue
        else:
            problems.append(f"{entry['file']}: accepted")
        expected = entry.get("errors") or entry.get("key")
        if found != expected:
            problems.append(f"{entry['file']} ({entry['why']}): {found}, expected {expected}")
        problems += [f"{entry['file']}: {p}" for p in map(message_problem, errors) if p]
        if fingerprint(engine) != before:
            problems.append(f"{entry['file']}: something was written")
    assert problems == []
