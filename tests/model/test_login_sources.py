"""Throttling per sending address: wrong passwords slow an address down, then block it, before
the account locks; so a stranger cannot lock a colleague out, and an admin sees and lifts locks
and blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from model import admin, auth
from model.errors import AccessDenied, ValidationError
from model.tables import AppUser, AuditLog
from tests.conftest import make_actor

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
STRANGER, OFFICE = "203.0.113.9", "10.20.30.40"
PASSWORD = "long enough secret"


@pytest.fixture(autouse=True)
def defaults(monkeypatch):
    for setting in ("JOBTAVLEN_MAX_FAILED_LOGINS", "JOBTAVLEN_MAX_FAILED_PER_SOURCE",
                    "JOBTAVLEN_LOCKOUT_MINUTES"):
        monkeypatch.delenv(setting, raising=False)


@pytest.fixture
def colleague(engine):
    with Session(engine) as session:
        user = auth.create_user(session, username="kollega", role="admin", password=PASSWORD)
        session.commit()
        return user.id


def attempt(engine, password: str, source: str, at: datetime, username: str = "kollega") -> str:
    try:
        actor = auth.authenticate(engine, username, password, source=source, now=at)
    except auth.SourceBlocked as blocked:
        return f"blocked until {blocked.until:%H:%M}"
    except auth.SlowDown as wait:
        return f"wait {wait.seconds} s"
    except auth.AccountLocked as locked:
        return f"locked until {locked.until:%H:%M}"
    return "ok" if actor else "failed"


def test_a_stranger_is_blocked_before_the_colleague_is_locked_out(engine, colleague):
    # Each try after the previous one's wait: 2 s, then 4 s.
    tries = [NOW, NOW + timedelta(seconds=2), NOW + timedelta(seconds=6)]
    assert [attempt(engine, f"gæt {i}", STRANGER, at) for i, at in enumerate(tries)] == [
        "failed", "failed", "blocked until 08:15"]
    assert attempt(engine, "gæt 4", STRANGER, NOW + timedelta(minutes=1)) == "blocked until 08:15"
    # The colleague signs in from the office meanwhile: the account is not locked.
    assert attempt(engine, PASSWORD, OFFICE, NOW + timedelta(minutes=1)) == "ok"
    with Session(engine) as session:
        assert session.get(AppUser, colleague).locked_until is None
        actions = session.exec(select(AuditLog.action, AuditLog.detail)
                               .where(AuditLog.action == "block_source")).all()
    assert actions == [("block_source", f"address={STRANGER} failed_logins=3")]


def test_a_wrong_password_makes_the_address_wait_and_the_early_try_does_not_count(engine, colleague):
    assert attempt(engine, "forkert", OFFICE, NOW) == "failed"
    assert attempt(engine, PASSWORD, OFFICE, NOW + timedelta(seconds=1)) == "wait 1 s"
    assert attempt(engine, "forkert", OFFICE, NOW + timedelta(seconds=2)) == "failed"
    assert attempt(engine, PASSWORD, OFFICE, NOW + timedelta(seconds=3)) == "wait 3 s"
    assert attempt(engine, PASSWORD, OFFICE, NOW + timedelta(seconds=6)) == "ok"
    # A right password starts the address afresh.
    assert attempt(engine, "forkert", OFFICE, NOW + timedelta(seconds=7)) == "failed"
    assert attempt(engine, "forkert", OFFICE, NOW + timedelta(seconds=9)) == "failed"


def test_the_block_runs_out_and_unknown_usernames_count_the_same(engine, colleague):
    tries = [NOW, NOW + timedelta(seconds=2), NOW + timedelta(seconds=6)]
    assert [attempt(engine, "x", STRANGER, at, username="findes-ikke") for at in tries] == [
        "failed", "failed", "blocked until 08:15"]
    assert attempt(engine, PASSWORD, STRANGER, NOW + timedelta(minutes=15, seconds=6)) == "ok"


def test_guesses_from_many_addresses_still_lock_the_account(engine, colleague):
    answers = [attempt(engine, "gæt", f"198.51.100.{i}", NOW) for i in range(5)]
    assert answers == ["failed"] * 4 + ["locked until 08:15"]


def test_an_admin_sees_and_lifts_a_block(engine, colleague):
    tries = [NOW, NOW + timedelta(seconds=2), NOW + timedelta(seconds=6)]
    for at in tries:
        attempt(engine, "gæt", STRANGER, at)
    admin = make_actor(engine, "admin")
    blocked = auth.blocked_addresses(engine, admin, now=NOW + timedelta(minutes=1))
    assert blocked[["address", "failed"]].values.tolist() == [[STRANGER, 3]]
    assert auth.blocked_addresses(engine, admin, now=NOW + timedelta(minutes=16)).empty
    with pytest.raises(AccessDenied):
        auth.unblock_address(engine, make_actor(engine, "leader"), STRANGER)
    auth.unblock_address(engine, admin, STRANGER)
    assert attempt(engine, PASSWORD, STRANGER, NOW + timedelta(minutes=1)) == "ok"


def lock_colleague(engine) -> None:
    """Five wrong passwords from five addresses: no address is blocked, the account locks."""
    for i in range(5):
        attempt(engine, "gæt", f"198.51.100.{i}", NOW)


def test_an_admin_sees_a_lock_with_its_end_and_lifts_it(engine, colleague):
    lock_colleague(engine)
    admin_actor = make_actor(engine, "admin")
    locked = auth.locked_accounts(engine, admin_actor, now=NOW + timedelta(minutes=1))
    assert list(locked.columns) == auth.LOCKED_COLUMNS
    assert locked[["id", "username", "failed_logins"]].values.tolist() == [[colleague, "kollega", 5]]
    assert pd.Timestamp(locked["locked_until"].iloc[0]) == pd.Timestamp(NOW + timedelta(minutes=15))
    # The lock runs out by itself.
    assert auth.locked_accounts(engine, admin_actor, now=NOW + timedelta(minutes=16)).empty
    admin.unlock(engine, admin_actor, colleague)
    assert auth.locked_accounts(engine, admin_actor, now=NOW + timedelta(minutes=1)).empty
    assert attempt(engine, PASSWORD, OFFICE, NOW + timedelta(minutes=1)) == "ok"
    with Session(engine) as session:
        lifted = session.exec(select(AuditLog.user_id, AuditLog.row_id)
                              .where(AuditLog.action == "unlock")).all()
    assert lifted == [(admin_actor.user_id, colleague)]


def test_lifting_a_block_is_logged_with_the_admin_and_the_address(engine, colleague):
    for at in (NOW, NOW + timedelta(seconds=2), NOW + timedelta(seconds=6)):
        attempt(engine, "gæt", STRANGER, at)
    admin_actor = make_actor(engine, "admin")
    auth.unblock_address(engine, admin_actor, STRANGER)
    assert auth.blocked_addresses(engine, admin_actor, now=NOW + timedelta(minutes=1)).empty
    with Session(engine) as session:
        lifted = session.exec(select(AuditLog.user_id, AuditLog.detail)
                              .where(AuditLog.action == "unblock_source")).all()
    assert lifted == [(admin_actor.user_id, f"address={STRANGER}")]
    with pytest.raises(ValidationError):
        auth.unblock_address(engine, admin_actor, STRANGER)  # lifted already


@pytest.mark.parametrize("role", ["leader", "consultant", "caseworker", "mentor", "screen"])
def test_only_an_admin_sees_locks_and_blocks(engine, colleague, role):
    lock_colleague(engine)
    someone = make_actor(engine, role)
    for call in (lambda: auth.locked_accounts(engine, someone),
                 lambda: auth.blocked_addresses(engine, someone),
                 lambda: auth.unblock_address(engine, someone, STRANGER),
                 lambda: admin.unlock(engine, someone, colleague)):
        with pytest.raises(AccessDenied):
            call()
    with Session(engine) as session:
        assert session.get(AppUser, colleague).locked_until is not None


def test_without_an_address_only_the_account_counts(engine, colleague):
    answers = [attempt(engine, "gæt", None, NOW) for _ in range(5)]
    assert answers == ["failed"] * 4 + ["locked until 08:15"]
