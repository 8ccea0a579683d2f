"""Administration: only admins change accounts; admins and leaders filter and sample the log."""

import inspect
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from model import admin, auth
from model.errors import AccessDenied, ValidationError
from model.tables import AppUser, AuditLog


@pytest.fixture
def boss(actor_factory):
    return actor_factory("admin")


def login_actions(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.exec(select(AuditLog.action, AuditLog.row_id)
                            .where(AuditLog.table_name == "app_user").order_by(AuditLog.id)).all()


def test_a_new_account_gets_a_generated_password_it_must_change(engine, boss, actor_factory):
    staff_of = actor_factory("consultant")
    password = admin.create_account(engine, boss, username=" Ny.Konsulent ", role="consultant",
                                    staff_id=staff_of.staff_id)
    assert len(password) >= auth.MIN_PASSWORD_LENGTH
    actor = auth.authenticate(engine, "ny.konsulent", password)
    assert (actor.role, actor.team_id, actor.must_change_password) == (
        "consultant", staff_of.team_id, True)
    accounts = admin.list_accounts(engine, boss).set_index("username")
    assert accounts.loc["ny.konsulent", ["role", "login", "active", "must_change_password"]] \
        .tolist() == ["consultant", "local", True, True]
    assert ("create", actor.user_id) in login_actions(engine)


def test_an_oidc_account_has_no_password(engine, boss):
    assert admin.create_account(engine, boss, username="oidc", role="mentor",
                                oidc_sub="sub-1") is None
    assert auth.actor_for_oidc(engine, "sub-1").role == "mentor"
    assert admin.list_accounts(engine, boss).set_index("username").loc["oidc", "login"] == "oidc"


@pytest.mark.parametrize("fields, key", [
    ({"username": "x", "role": "mentor"}, "error.username_invalid"),
    ({"username": "Bo Hansen", "role": "mentor"}, "error.username_invalid"),
    ({"username": "<script>", "role": "mentor"}, "error.username_invalid"),
    ({"username": "mentor2", "role": "boss"}, "error.unknown_role"),
    ({"username": "taken", "role": "mentor"}, "error.username_taken"),
    ({"username": "mentor2", "role": "mentor", "oidc_sub": "sub-taken"}, "error.oidc_sub_taken"),
    ({"username": "mentor2", "role": "mentor", "oidc_sub": "s" * 300}, "error.oidc_sub_invalid"),
    ({"username": "mentor2", "role": "mentor", "staff_id": 999_999}, "error.not_found"),
])
def test_create_account_refuses_bad_input(engine, boss, fields, key):
    admin.create_account(engine, boss, username="taken", role="mentor", oidc_sub="sub-taken")
    with pytest.raises(ValidationError) as refused:
        admin.create_account(engine, boss, **fields)
    assert refused.value.key == key
    assert len(admin.list_accounts(engine, boss)) == 2  # boss and "taken"


@pytest.mark.parametrize("role", ["leader", "consultant", "caseworker", "mentor", "screen"])
def test_only_admins_change_accounts(engine, boss, actor_factory, role):
    someone = actor_factory(role)
    calls = [
        lambda: admin.create_account(engine, someone, username="sneaky", role="admin"),
        lambda: admin.set_active(engine, someone, boss.user_id, active=False),
        lambda: admin.reset_password(engine, someone, boss.user_id),
        lambda: admin.unlock(engine, someone, boss.user_id),
        lambda: admin.staff_choices(engine, someone),
    ]
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert auth.actor_for_user(engine, boss.user_id) is not None


@pytest.mark.parametrize("role, may_read", [("admin", True), ("leader", True),
                                            ("consultant", False), ("caseworker", False),
                                            ("mentor", False), ("screen", False)])
def test_admins_and_leaders_read_the_log(engine, actor_factory, role, may_read):
    someone = actor_factory(role)
    reads = [lambda: admin.list_accounts(engine, someone),
             lambda: admin.log_entries(engine, someone, admin.LogFilter()),
             lambda: admin.export_log(engine, someone, admin.LogFilter()),
             lambda: admin.sample_log(engine, someone, start=date(2026, 1, 1),
                                      end=date(2026, 12, 31), size=5),
             lambda: admin.log_choices(engine, someone)]
    for read in reads:
        if may_read:
            read()
        else:
            with pytest.raises(AccessDenied):
                read()


def test_deactivation_bites_at_once_and_can_be_undone(engine, boss, actor_factory):
    someone = actor_factory("consultant")
    admin.set_active(engine, boss, someone.user_id, active=False)
    assert auth.actor_for_user(engine, someone.user_id) is None
    assert auth.authenticate(engine, someone.username, "correct horse battery") is None
    admin.set_active(engine, boss, someone.user_id, active=True)
    assert auth.actor_for_user(engine, someone.user_id) is not None
    assert [a for a, row in login_actions(engine) if row == someone.user_id] == [
        "deactivate", "login_failed", "reactivate"]


def test_an_admin_cannot_deactivate_their_own_account(engine, boss):
    with pytest.raises(ValidationError) as refused:
        admin.set_active(engine, boss, boss.user_id, active=False)
    assert refused.value.key == "error.account_self"


def test_reset_password_unlocks_and_forces_a_change(engine, boss, actor_factory, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "2")
    someone = actor_factory("mentor")
    assert auth.authenticate(engine, someone.username, "wrong password 1") is None
    with pytest.raises(auth.AccountLocked):
        auth.authenticate(engine, someone.username, "wrong password 2")
    password = admin.reset_password(engine, boss, someone.user_id)
    actor = auth.authenticate(engine, someone.username, password)
    assert actor.must_change_password
    assert auth.authenticate(engine, someone.username, "correct horse battery") is None


def test_unlock_lifts_a_lockout(engine, boss, actor_factory, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "1")
    someone = actor_factory("mentor")
    with pytest.raises(auth.AccountLocked):
        auth.authenticate(engine, someone.username, "wrong password 1")
    accounts = admin.list_accounts(engine, boss).set_index("username")
    assert accounts.loc[someone.username, "locked"]
    admin.unlock(engine, boss, someone.user_id)
    assert not admin.list_accounts(engine, boss).set_index("username").loc[someone.username, "locked"]
    assert auth.authenticate(engine, someone.username, "correct horse battery") is not None
    with Session(engine) as session:
        user = session.get(AppUser, someone.user_id)
    assert (user.failed_logins, user.locked_until) == (0, None)


# --- The log ----------------------------------------------------------------------------------


@pytest.fixture
def logged(engine, actor_factory, monkeypatch):
    """Entries of two users over September 2026 (UTC noon each day): 30 views and 5 updates. The
    app's clock stands in October, so what the tests write to the log falls outside September."""
    monkeypatch.setenv("JOBTAVLEN_TODAY", "2026-10-15")
    boss, consultant = actor_factory("admin"), actor_factory("consultant")
    with Session(engine) as session:
        for day in range(1, 31):
            session.add(AuditLog(at=datetime(2026, 9, day, 12, tzinfo=UTC), user_id=consultant.user_id,
                                 action="view", table_name="citizen", row_id=day % 3 + 1))
        for day in range(1, 6):
            session.add(AuditLog(at=datetime(2026, 9, day, 13, tzinfo=UTC), user_id=boss.user_id,
                                 action="update", table_name="company", row_id=7))
        session.commit()
    return boss, consultant


SEPTEMBER = {"start": date(2026, 9, 1), "end": date(2026, 9, 30)}


@pytest.mark.parametrize("criteria, expected", [
    (SEPTEMBER, 35),
    (SEPTEMBER | {"action": "update"}, 5),
    (SEPTEMBER | {"table_name": "citizen", "row_id": 1}, 10),
    ({"start": date(2026, 9, 10), "end": date(2026, 9, 12)}, 3),
    ({"start": date(2026, 9, 1), "end": date(2026, 9, 1)}, 2),
    ({"start": date(2026, 10, 1)}, 0),
    ({"end": date(2026, 8, 31)}, 0),
])
def test_the_log_filters_in_sql(engine, logged, criteria, expected):
    boss, _ = logged
    frame, total = admin.log_entries(engine, boss, admin.LogFilter(**criteria), page_size=100)
    assert total == expected
    assert len(frame) == expected
    assert list(frame.columns) == admin.LOG_COLUMNS


def test_the_log_filters_by_user_and_pages(engine, logged):
    boss, consultant = logged
    criteria = admin.LogFilter(**SEPTEMBER, user_id=consultant.user_id)
    first, total = admin.log_entries(engine, boss, criteria, page=1, page_size=20)
    second, _ = admin.log_entries(engine, boss, criteria, page=2, page_size=20)
    assert total == 30 and (len(first), len(second)) == (20, 10)
    assert set(first["username"]) == {consultant.username}
    assert first["at"].iloc[0] == datetime(2026, 9, 30, 12, tzinfo=UTC)  # newest first
    assert set(first["id"]).isdisjoint(second["id"])


def test_a_period_that_ends_before_it_starts_is_refused(engine, logged):
    boss, _ = logged
    with pytest.raises(ValidationError) as refused:
        admin.log_entries(engine, boss, admin.LogFilter(start=date(2026, 9, 2), end=date(2026, 9, 1)))
    assert refused.value.key == "error.log_period"


def test_looking_at_and_exporting_the_log_are_logged(engine, logged):
    boss, _ = logged
    criteria = admin.LogFilter(**SEPTEMBER, action="update")
    admin.log_entries(engine, boss, criteria)
    admin.log_entries(engine, boss, criteria)  # a redraw: logged once
    exported = admin.export_log(engine, boss, criteria)
    assert len(exported) == 5
    with Session(engine) as session:
        rows = session.exec(select(AuditLog.action, AuditLog.detail)
                            .where(AuditLog.table_name == "audit_log").order_by(AuditLog.id)).all()
    assert rows == [("view_log", "start=2026-09-01;end=2026-09-30;action=update;page=1"),
                    ("export", "start=2026-09-01;end=2026-09-30;action=update;rows=5")]


def logged_seeds(engine) -> list[int]:
    with Session(engine) as session:
        details = session.exec(select(AuditLog.detail).where(AuditLog.action == "sample")
                               .order_by(AuditLog.id)).all()
    return [int(re.search(r"seed=(\d+)", detail).group(1)) for detail in details]


def test_the_app_draws_the_seed_and_logs_it_with_the_draw(engine, logged):
    boss, _ = logged
    assert "seed" not in inspect.signature(admin.sample_log).parameters  # never typed
    sample = admin.sample_log(engine, boss, size=8, **SEPTEMBER)
    assert len(sample.entries) == 8 and sample.entries["id"].is_unique
    assert list(sample.entries.columns) == admin.LOG_COLUMNS
    assert 0 <= sample.seed < admin.SEED_LIMIT
    assert logged_seeds(engine) == [sample.seed]
    with Session(engine) as session:
        [detail] = session.exec(select(AuditLog.detail).where(AuditLog.action == "sample")).all()
    assert detail == f"start=2026-09-01;end=2026-09-30;size=8;seed={sample.seed};drawn=8"


def test_the_logged_seed_draws_the_same_entries_again(engine, logged):
    boss, _ = logged
    sample = admin.sample_log(engine, boss, size=8, **SEPTEMBER)
    [seed] = logged_seeds(engine)
    again = admin._sample_with_seed(engine, boss, size=8, seed=seed, **SEPTEMBER)
    assert again["id"].tolist() == sample.entries["id"].tolist()
    other = admin._sample_with_seed(engine, boss, size=8, seed=seed + 1, **SEPTEMBER)
    assert other["id"].tolist() != sample.entries["id"].tolist()


def test_the_sample_never_holds_more_than_the_period(engine, logged):
    boss, _ = logged
    sample = admin.sample_log(engine, boss, size=100, **SEPTEMBER)
    assert len(sample.entries) == 35
    with Session(engine) as session:
        [detail] = session.exec(select(AuditLog.detail).where(AuditLog.action == "sample")).all()
    assert detail.endswith(f"size=100;seed={sample.seed};drawn=35")


def test_the_sample_size_is_bounded(engine, logged):
    boss, _ = logged
    for size in (0, admin.MAX_SAMPLE + 1):
        with pytest.raises(ValidationError) as refused:
            admin.sample_log(engine, boss, size=size, **SEPTEMBER)
        assert refused.value.key == "error.sample_size"
    assert logged_seeds(engine) == []  # a refused draw is not a draw


def test_the_filter_choices_come_from_the_log(engine, logged):
    boss, consultant = logged
    choices = admin.log_choices(engine, boss)
    assert choices["actions"] == ["update", "view"]
    assert choices["tables"] == ["citizen", "company"]
    assert {name for _, name in choices["users"]} == {boss.username, consultant.username}


def test_a_danish_day_starts_at_midnight_local_time(engine, actor_factory):
    boss = actor_factory("admin")
    with Session(engine) as session:
        # 21 Sept 2026 00:30 in Copenhagen is 20 Sept 22:30 UTC.
        session.add(AuditLog(at=datetime(2026, 9, 20, 22, 30, tzinfo=UTC), action="view"))
        session.commit()
    day = date(2026, 9, 21)
    frame, total = admin.log_entries(engine, boss, admin.LogFilter(start=day, end=day))
    assert total == 1
    frame, total = admin.log_entries(engine, boss, admin.LogFilter(start=day - timedelta(days=1),
                                                                   end=day - timedelta(days=1)))
    assert total == 0
