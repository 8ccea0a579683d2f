"""Citizens: validation, the CPR guard, and search within the actor's team."""

import pytest
from sqlmodel import Session, func, select

from model import people
from model.errors import AccessDenied, ValidationError
from model.tables import AuditLog, Citizen


@pytest.mark.parametrize("text, found", [
    ("010190-1234", True),
    ("ring om 3112991234 i morgen", True),
    ("cpr 150875 1234", True),
    ("tlf 43282579", False),
    ("321390-1234", False),  # day 32 is no date
    ("uge 39, 16 af 24", False),
    ("", False),
])
def test_contains_cpr(text, found):
    assert people.contains_cpr(text) is found


def create(engine, actor, **fields):
    with Session(engine) as session:
        citizen = people.create_citizen_in(session, actor, **fields)
        session.commit()
        return citizen.id


@pytest.mark.parametrize("fields, key", [
    ({"first_name": " ", "last_name": "Hansen", "birth_year": 1990}, "error.citizen_name_required"),
    ({"first_name": "Bo", "last_name": "010190-1234", "birth_year": 1990}, "error.cpr_in_text"),
    ({"first_name": "Bo", "last_name": "Hansen", "birth_year": 1900}, "error.birth_year"),
    ({"first_name": "Bo", "last_name": "Hansen", "birth_year": 2024}, "error.birth_year"),
    ({"first_name": "Bo", "last_name": "Hansen", "birth_year": 1990, "benefit_type": "løn"},
     "error.unknown_benefit"),
])
def test_create_citizen_refuses_bad_input(engine, actor_factory, fields, key):
    with pytest.raises(ValidationError) as refused:
        create(engine, actor_factory("consultant"), **fields)
    assert refused.value.key == key
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Citizen)).one() == 0


def test_mentor_cannot_create_citizens(engine, actor_factory):
    with pytest.raises(AccessDenied):
        create(engine, actor_factory("mentor"), first_name="Bo", last_name="Hansen",
               birth_year=1990)


def test_search_finds_by_name_within_the_team_and_is_logged(engine, actor_factory):
    mine = actor_factory("consultant")
    other = actor_factory("consultant")
    create(engine, mine, first_name="Aisha", last_name="Benali", birth_year=1990)
    create(engine, other, first_name="Aisha", last_name="Hansen", birth_year=1991)
    found = people.search_citizens(engine, mine, "aisha")
    assert found["last_name"].tolist() == ["Benali"]
    leader = actor_factory("leader")
    assert len(people.search_citizens(engine, leader, "AISHA")) == 2
    with Session(engine) as session:
        details = session.exec(select(AuditLog.detail).where(AuditLog.action == "search")).all()
    assert details == ["q=aisha", "q=AISHA"]
