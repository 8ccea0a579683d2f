"""Local login with argon2 hashes, OIDC mapping, and the audit of logins."""

import pytest
from sqlmodel import Session, select

from model import auth
from model.errors import ValidationError
from model.tables import AppUser, AuditLog


def add_user(engine, **fields):
    with Session(engine) as session:
        user = auth.create_user(session, **fields)
        session.commit()
        return user.id


def test_authenticate_accepts_the_right_password_and_logs_it(engine):
    user_id = add_user(engine, username="Leder", role="leader", password="long enough secret")
    actor = auth.authenticate(engine, "leder", "long enough secret")
    assert (actor.user_id, actor.role) == (user_id, "leader")
    with Session(engine) as session:
        actions = session.exec(select(AuditLog.action)).all()
    assert actions == ["login"]


def test_authenticate_refuses_a_wrong_password_and_counts_it(engine):
    add_user(engine, username="leder", role="leader", password="long enough secret")
    assert auth.authenticate(engine, "leder", "wrong password!!") is None
    assert auth.authenticate(engine, "nobody", "long enough secret") is None
    with Session(engine) as session:
        user = session.exec(select(AppUser)).one()
        actions = session.exec(select(AuditLog.action)).all()
    assert user.failed_logins == 1
    assert actions == ["login_failed", "login_failed"]


def test_a_deactivated_account_loses_access(engine):
    user_id = add_user(engine, username="k", role="consultant", password="long enough secret")
    assert auth.actor_for_user(engine, user_id) is not None
    with Session(engine) as session:
        session.get(AppUser, user_id).active = False
        session.commit()
    assert auth.actor_for_user(engine, user_id) is None
    assert auth.authenticate(engine, "k", "long enough secret") is None


def test_password_hashes_are_argon2_and_never_the_password(engine):
    add_user(engine, username="a", role="admin", password="long enough secret")
    with Session(engine) as session:
        stored = session.exec(select(AppUser.password_hash)).one()
    assert stored.startswith("$argon2id$") and "long enough secret" not in stored


@pytest.mark.parametrize("fields, key", [
    ({"role": "boss", "password": "long enough secret"}, "error.unknown_role"),
    ({"role": "admin", "password": "short"}, "error.password_too_short"),
])
def test_create_user_refuses_bad_input(engine, fields, key):
    with pytest.raises(ValidationError) as refused:
        add_user(engine, username="x", **fields)
    assert refused.value.key == key


def test_oidc_sub_maps_to_the_linked_account_only(engine):
    user_id = add_user(engine, username="oidc", role="mentor", oidc_sub="abc-123")
    assert auth.actor_for_oidc(engine, "abc-123").user_id == user_id
    assert auth.actor_for_oidc(engine, "someone-else") is None


def test_generated_passwords_differ():
    assert len({auth.generate_password() for _ in range(20)}) == 20
