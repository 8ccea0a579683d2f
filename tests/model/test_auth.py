"""Local login with argon2 hashes, lockout, the forced password change, OIDC mapping, and the
audit of logins."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from model import auth, clock
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


# --- Lockout ----------------------------------------------------------------------------------

NOW = datetime(2026, 9, 21, 8, 0, tzinfo=UTC)


@pytest.fixture
def three_strikes(monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "3")
    monkeypatch.setenv("JOBTAVLEN_LOCKOUT_MINUTES", "15")


def attempts(engine, username, passwords, now=NOW) -> list[str]:
    """What each login attempt came to: ok, failed or locked."""
    outcomes = []
    for password in passwords:
        try:
            actor = auth.authenticate(engine, username, password, now=now)
        except auth.AccountLocked as locked:
            outcomes.append(f"locked until {locked.until:%H:%M}")
        else:
            outcomes.append("ok" if actor else "failed")
    return outcomes


def test_the_account_locks_after_too_many_wrong_passwords(engine, three_strikes):
    add_user(engine, username="k", role="consultant", password="long enough secret")
    assert attempts(engine, "k", ["wrong 1", "wrong 2", "wrong 3", "long enough secret"]) == [
        "failed", "failed", "locked until 08:15", "locked until 08:15"]
    # Still locked a minute before the end, open again once the period is over.
    assert attempts(engine, "k", ["long enough secret"], now=NOW + timedelta(minutes=14)) == [
        "locked until 08:15"]
    assert attempts(engine, "k", ["long enough secret"], now=NOW + timedelta(minutes=15)) == ["ok"]
    with Session(engine) as session:
        user = session.exec(select(AppUser)).one()
        actions = session.exec(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert (user.failed_logins, user.locked_until) == (0, None)
    assert actions == ["login_failed", "login_failed", "login_failed", "lock", "login_locked",
                       "login_locked", "login"]


def test_a_successful_login_resets_the_count(engine, three_strikes):
    add_user(engine, username="k", role="consultant", password="long enough secret")
    assert attempts(engine, "k", ["wrong 1", "wrong 2", "long enough secret", "wrong 3",
                                  "wrong 4", "long enough secret"]) == [
        "failed", "failed", "ok", "failed", "failed", "ok"]


def test_the_defaults_are_five_attempts_and_fifteen_minutes(monkeypatch):
    monkeypatch.delenv("JOBTAVLEN_MAX_FAILED_LOGINS", raising=False)
    monkeypatch.delenv("JOBTAVLEN_LOCKOUT_MINUTES", raising=False)
    assert (auth.max_failed_logins(), auth.lockout_period()) == (5, timedelta(minutes=15))


def test_an_unknown_username_answers_like_an_existing_one(engine, three_strikes):
    # The answers must not tell whether a username exists: both "lock" after the same attempts.
    add_user(engine, username="k", role="consultant", password="long enough secret")
    wrong = ["wrong 1", "wrong 2", "wrong 3", "wrong 4"]
    start = clock.now()
    unknown, known = attempts(engine, "nobody", wrong, now=None), attempts(engine, "k", wrong, now=None)
    assert [answer[:6] for answer in unknown] == [answer[:6] for answer in known] == [
        "failed", "failed", "locked", "locked"]
    assert attempts(engine, "nobody", ["x"], now=start + timedelta(minutes=16)) == ["failed"]


def test_a_deactivated_account_with_the_right_password_reads_as_wrong(engine):
    user_id = add_user(engine, username="k", role="consultant", password="long enough secret")
    with Session(engine) as session:
        session.get(AppUser, user_id).active = False
        session.commit()
    assert attempts(engine, "k", ["long enough secret"]) == ["failed"]


# --- Password change --------------------------------------------------------------------------


@pytest.mark.parametrize("new, again, key", [
    ("short", "short", "error.password_too_short"),
    ("x" * 300, "x" * 300, "error.password_too_long"),
    ("a brand new secret", "a brand new secreT", "error.password_mismatch"),
    ("long enough secret", "long enough secret", "error.password_unchanged"),
])
def test_a_new_password_is_checked(engine, new, again, key):
    user_id = add_user(engine, username="k", role="consultant", password="long enough secret",
                       must_change_password=True)
    actor = auth.actor_for_user(engine, user_id)
    with pytest.raises(ValidationError) as refused:
        auth.change_password(engine, actor, new_password=new, confirmation=again)
    assert refused.value.key == key
    assert auth.actor_for_user(engine, user_id).must_change_password


def test_changing_the_password_ends_the_forced_change(engine):
    user_id = add_user(engine, username="k", role="consultant", password="long enough secret",
                       must_change_password=True)
    actor = auth.actor_for_user(engine, user_id)
    assert actor.must_change_password
    auth.change_password(engine, actor, new_password="my very own secret",
                         confirmation="my very own secret")
    assert not auth.actor_for_user(engine, user_id).must_change_password
    assert auth.authenticate(engine, "k", "long enough secret") is None
    assert auth.authenticate(engine, "k", "my very own secret").user_id == user_id
