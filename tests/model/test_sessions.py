"""Server-side sessions and paired screens: hashed tokens, expiry, revocation everywhere."""

import hashlib
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from model import admin, auth, i18n, retention, sessions, sprint_choice
from model.errors import AccessDenied, ValidationError
from model.tables import AppUser, AuditLog, ScreenLink, Sprint, Team, UserSession, utcnow
from tests.conftest import demo_actor, make_actor


@pytest.fixture
def engine(engine):
    """Two teams, a sprint of the first, and the accounts the tests sign in as (both databases)."""
    first = make_actor(engine, "leader")
    for username, role, team in (("leder", "leader", first.team_id),
                                 ("konsulent", "consultant", first.team_id),
                                 ("admin", "admin", None)):
        actor = make_actor(engine, role, team_id=team)
        with Session(engine) as session:
            session.get(AppUser, actor.user_id).username = username
            session.commit()
    with Session(engine) as session:
        session.add(Sprint(name="Uge 39", team_id=first.team_id, start_date=date(2026, 9, 21),
                           end_date=date(2026, 9, 25), goal_count=16))
        session.commit()
    return engine


def user_id(engine, username: str) -> int:
    with Session(engine) as session:
        return session.exec(select(AppUser.id).where(AppUser.username == username)).one()


def stored(engine) -> list[UserSession]:
    with Session(engine) as session:
        return list(session.exec(select(UserSession).order_by(UserSession.id)).all())


def test_the_table_keeps_the_hash_of_the_token_never_the_token(engine):
    token = sessions.start(engine, user_id(engine, "leder"), address="198.51.100.7",
                           user_agent="Mozilla/5.0 (Windows NT 10.0) Chrome/140")
    assert len(token) >= 43  # 32 random bytes
    [row] = stored(engine)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert (row.address, row.revoked_at) == ("198.51.100.7", None)
    assert "Chrome" in row.user_agent
    assert sessions.resolve(engine, token).user_id == user_id(engine, "leder")


def test_unknown_or_empty_tokens_sign_nobody_in(engine):
    sessions.start(engine, user_id(engine, "leder"))
    assert sessions.resolve(engine, "not-a-token") is None
    assert sessions.resolve(engine, "") is None
    assert sessions.resolve(engine, None) is None
    # The stored hash itself is no token either: a copy of the table signs nobody in.
    assert sessions.resolve(engine, stored(engine)[0].token_hash) is None


def test_idle_for_longer_than_the_timeout_ends_the_session_and_logs_it(engine):
    start = utcnow()
    token = sessions.start(engine, user_id(engine, "konsulent"), now=start)
    just_in_time = start + sessions.IDLE
    assert sessions.resolve(engine, token, now=just_in_time) is not None
    assert sessions.resolve(engine, token, now=just_in_time + timedelta(seconds=1)) is None
    assert stored(engine)[0].revoked_reason == "idle"
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action, AuditLog.detail)
                              .where(AuditLog.user_id == user_id(engine, "konsulent"))).all()
    assert ("logout", "idle") in logged
    # Once ended it stays ended, even if the clock were turned back.
    assert sessions.resolve(engine, token, now=start) is None


def test_a_click_keeps_the_session_alive_written_at_most_once_a_minute(engine):
    start = utcnow()
    token = sessions.start(engine, user_id(engine, "konsulent"), now=start)
    signed = sessions.resolve(engine, token, now=start)
    sessions.touch(engine, signed, now=start + timedelta(seconds=30))
    assert stored(engine)[0].last_seen_at == start  # not yet a minute: nothing written
    sessions.touch(engine, signed, now=start + timedelta(minutes=20))
    assert stored(engine)[0].last_seen_at == start + timedelta(minutes=20)
    assert sessions.resolve(engine, token, now=start + timedelta(minutes=45)) is not None


def test_a_session_ends_after_a_working_day_however_busy(engine):
    start = utcnow()
    token = sessions.start(engine, user_id(engine, "konsulent"), now=start)
    for step in range(1, 12 * 3 + 1):  # a click every 20 minutes for twelve hours
        moment = start + timedelta(minutes=20 * step) - timedelta(seconds=1)
        signed = sessions.resolve(engine, token, now=moment)
        assert signed is not None, moment
        sessions.touch(engine, signed, now=moment)
    assert sessions.resolve(engine, token,
                            now=start + sessions.WORKING_DAY + timedelta(seconds=1)) is None
    assert stored(engine)[0].revoked_reason == "expired"


def test_logout_ends_the_session_in_every_tab(engine):
    token = sessions.start(engine, user_id(engine, "konsulent"))
    signed = sessions.resolve(engine, token)
    sessions.sign_out(engine, signed)
    assert sessions.resolve(engine, token) is None  # the same cookie in another tab
    assert stored(engine)[0].revoked_reason == "user"


def test_deactivation_ends_every_session_of_the_account(engine):
    leader = demo_actor(engine, "admin")
    konsulent = user_id(engine, "konsulent")
    tokens = [sessions.start(engine, konsulent) for _ in range(2)]
    other = sessions.start(engine, user_id(engine, "leder"))
    admin.set_active(engine, leader, konsulent, active=False)
    assert [sessions.resolve(engine, token) for token in tokens] == [None, None]
    assert sessions.resolve(engine, other) is not None
    assert {row.revoked_reason for row in stored(engine) if row.user_id == konsulent} == {
        "inactive"}


def test_a_password_change_signs_out_every_other_browser_but_this_one(engine):
    konsulent = user_id(engine, "konsulent")
    here, elsewhere = (sessions.start(engine, konsulent) for _ in range(2))
    actor = demo_actor(engine, "konsulent")
    actor.extra["session_id"] = sessions.resolve(engine, here).session_id
    auth.change_password(engine, actor, new_password="a brand new secret",
                         confirmation="a brand new secret")
    assert sessions.resolve(engine, here) is not None
    assert sessions.resolve(engine, elsewhere) is None


def test_an_admins_password_reset_signs_the_user_out_everywhere(engine):
    konsulent = user_id(engine, "konsulent")
    token = sessions.start(engine, konsulent)
    admin.reset_password(engine, demo_actor(engine, "admin"), konsulent)
    assert sessions.resolve(engine, token) is None


def test_users_see_and_end_their_own_sessions_admins_anyones(engine):
    konsulent, leder = user_id(engine, "konsulent"), user_id(engine, "leder")
    mine = [sessions.start(engine, konsulent, user_agent=f"browser {n}") for n in range(2)]
    theirs = sessions.start(engine, leder)
    actor = demo_actor(engine, "konsulent")
    actor.extra["session_id"] = sessions.resolve(engine, mine[0]).session_id
    listed = sessions.active_sessions(engine, actor)
    assert len(listed) == 2 and listed["current"].sum() == 1
    assert set(listed["username"]) == {"konsulent"}
    their_id = sessions.resolve(engine, theirs).session_id
    with pytest.raises(AccessDenied):
        sessions.end_session(engine, actor, their_id)
    with pytest.raises(AccessDenied):
        sessions.active_sessions(engine, actor, everyone=True)
    assert sessions.end_others(engine, actor) == 1
    assert sessions.resolve(engine, mine[1]) is None and sessions.resolve(engine, mine[0])
    boss = demo_actor(engine, "admin")
    assert {"konsulent", "leder"} <= set(sessions.active_sessions(engine, boss,
                                                                  everyone=True)["username"])
    sessions.end_session(engine, boss, their_id)
    assert sessions.resolve(engine, theirs) is None
    assert stored(engine)[-1].revoked_reason == "admin"
    with pytest.raises(ValidationError):
        sessions.end_session(engine, boss, their_id)  # already ended


def a_team_and_sprint(engine) -> tuple[int, int]:
    with Session(engine) as session:
        sprint = session.exec(select(Sprint).where(Sprint.team_id.is_not(None))).first()
        return sprint.team_id, sprint.id


def test_a_paired_screen_shows_its_team_only_and_needs_no_idle_check(engine):
    team_id, sprint_id = a_team_and_sprint(engine)
    leader = demo_actor(engine, "leder")
    link = sessions.create_screen_link(engine, leader, team_id=team_id, sprint_id=sprint_id)
    assert len(link.token) >= 43
    with Session(engine) as session:
        row = session.get(ScreenLink, link.link_id)
        assert row.token_hash != link.token
        account = session.get(AppUser, row.user_id)
        assert (account.role, account.password_hash) == ("screen", None)
    opened = sessions.open_screen_link(engine, link.token, address="10.0.0.5",
                                       user_agent="SmartTV")
    token, shown_team, shown_sprint = opened
    assert (shown_team, shown_sprint) == (team_id, sprint_id)
    a_week_later = utcnow() + timedelta(days=7)
    signed = sessions.resolve(engine, token, now=a_week_later)
    assert signed is not None and signed.screen_team_id == team_id
    # Its actor sees its own team's sprints, not the other teams'.
    screen = auth.actor_for_user(engine, signed.user_id)
    from dataclasses import replace
    paired = replace(screen, team_id=team_id, extra={"paired": True})
    with Session(engine) as session:
        other_team = session.exec(select(Team.id).where(Team.id != team_id)).first()
    assert sprint_choice.visible_team(engine, paired, other_team) is None
    assert sprint_choice.visible_team(engine, paired, team_id) is not None
    assert sessions.screen_links(engine, leader)["screens"].tolist() == [1]


def test_revoking_a_screen_link_stops_its_screens(engine):
    team_id, _ = a_team_and_sprint(engine)
    leader = demo_actor(engine, "leder")
    link = sessions.create_screen_link(engine, leader, team_id=team_id)
    token, _, _ = sessions.open_screen_link(engine, link.token)
    sessions.revoke_screen_link(engine, leader, link.link_id)
    assert sessions.resolve(engine, token) is None
    assert sessions.open_screen_link(engine, link.token) is None
    assert sessions.screen_links(engine, leader).empty
    with pytest.raises(ValidationError):
        sessions.revoke_screen_link(engine, leader, link.link_id)


def test_only_leaders_and_admins_pair_screens_and_a_sprint_must_be_the_teams(engine):
    team_id, sprint_id = a_team_and_sprint(engine)
    with pytest.raises(AccessDenied):
        sessions.create_screen_link(engine, demo_actor(engine, "konsulent"), team_id=team_id)
    with Session(engine) as session:
        other_team = session.exec(select(Team.id).where(Team.id != team_id)).first()
    with pytest.raises(ValidationError):
        sessions.create_screen_link(engine, demo_actor(engine, "leder"), team_id=other_team,
                                    sprint_id=sprint_id)
    assert sessions.open_screen_link(engine, "unknown") is None


def test_refusals_name_a_catalogue_text_the_page_can_show(engine):
    team_id, _ = a_team_and_sprint(engine)
    konsulent = demo_actor(engine, "konsulent")
    theirs = sessions.resolve(engine, sessions.start(engine, user_id(engine, "leder")))
    for refused in (lambda: sessions.end_session(engine, konsulent, theirs.session_id),
                    lambda: sessions.create_screen_link(engine, konsulent, team_id=team_id),
                    lambda: sessions.screen_teams(engine, konsulent)):
        with pytest.raises(AccessDenied) as error:
            refused()
        assert error.value.key in i18n.CATALOGUE["da"]


def test_the_admins_list_names_the_person_behind_each_session(engine):
    sessions.start(engine, user_id(engine, "konsulent"), user_agent="Firefox")
    listed = sessions.active_sessions(engine, demo_actor(engine, "admin"), everyone=True)
    [row] = listed[listed["username"] == "konsulent"].itertuples()
    assert row.name == demo_actor(engine, "konsulent").name != "konsulent"


def test_leaders_pair_any_team_and_see_who_made_a_link_and_when_a_tv_last_opened_it(engine):
    team_id, sprint_id = a_team_and_sprint(engine)
    leader = demo_actor(engine, "leder")
    with Session(engine) as session:
        every_team = set(session.exec(select(Team.id)).all())
    assert set(sessions.screen_teams(engine, leader)["id"]) == every_team
    link = sessions.create_screen_link(engine, leader, team_id=team_id, sprint_id=sprint_id)
    [row] = sessions.screen_links(engine, leader).itertuples()
    assert (row.id, row.sprint, row.created_by, row.screens) == (link.link_id, "Uge 39",
                                                                  leader.name, 0)
    assert row.last_seen_at is None or pd.isna(row.last_seen_at)
    opened_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
    sessions.open_screen_link(engine, link.token, now=opened_at)
    [row] = sessions.screen_links(engine, leader).itertuples()
    assert (row.screens, row.last_seen_at) == (1, opened_at)


def with_session(engine, username: str) -> tuple[str, object]:
    """A signed-in browser of `username`: its cookie's token and its actor."""
    token = sessions.start(engine, user_id(engine, username))
    actor = demo_actor(engine, username)
    actor.extra["session_id"] = sessions.resolve(engine, token).session_id
    return token, actor


def test_a_user_changes_their_own_password_after_typing_the_current_one(engine):
    here, actor = with_session(engine, "konsulent")
    elsewhere = sessions.start(engine, actor.user_id)
    with Session(engine) as session:
        last_login = session.get(AppUser, actor.user_id).last_login_at
    sessions.change_own_password(engine, actor, current_password="correct horse battery",
                                 new_password="a brand new secret", confirmation="a brand new secret")
    assert sessions.resolve(engine, here) is not None
    assert sessions.resolve(engine, elsewhere) is None
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.action).where(AuditLog.user_id == actor.user_id)
                              .order_by(AuditLog.id)).all()
        # Confirming the current password is no login: "last login" stays as it was.
        assert session.get(AppUser, actor.user_id).last_login_at == last_login
    assert logged[-2:] == ["password_confirmed", "password_changed"]
    assert "login" not in logged[logged.index("password_confirmed"):]
    assert auth.authenticate(engine, "konsulent", "a brand new secret") is not None


def test_a_wrong_current_password_changes_nothing_and_counts_toward_the_lock(engine):
    _, actor = with_session(engine, "konsulent")
    with pytest.raises(ValidationError) as wrong:
        sessions.change_own_password(engine, actor, current_password="a guess",
                                     new_password="a brand new secret",
                                     confirmation="a brand new secret", source="198.51.100.7")
    assert wrong.value.key == "error.current_password_wrong"
    # The new password typed differently twice: refused before the current one is checked.
    with pytest.raises(ValidationError) as mismatch:
        sessions.change_own_password(engine, actor, current_password="another guess",
                                     new_password="a brand new secret",
                                     confirmation="a brand new secreT")
    assert mismatch.value.key == "error.password_mismatch"
    with Session(engine) as session:
        assert session.get(AppUser, actor.user_id).failed_logins == 1
    assert auth.authenticate(engine, "konsulent", "correct horse battery") is not None


def test_no_password_change_for_a_screen_or_an_account_without_a_password(engine):
    team_id, _ = a_team_and_sprint(engine)
    link = sessions.create_screen_link(engine, demo_actor(engine, "leder"), team_id=team_id)
    token, _, _ = sessions.open_screen_link(engine, link.token)
    screen = auth.actor_for_user(engine, sessions.resolve(engine, token).user_id)
    with Session(engine) as session:
        outside = AppUser(username="oidc-only", role="consultant", oidc_sub="sub-1")
        session.add(outside)
        session.commit()
        outside_id = outside.id
    for actor in (screen, auth.actor_for_user(engine, outside_id)):
        assert not sessions.password_login(engine, actor)
        with pytest.raises(AccessDenied):
            sessions.change_own_password(engine, actor, current_password="",
                                         new_password="a brand new secret",
                                         confirmation="a brand new secret")
    assert sessions.password_login(engine, demo_actor(engine, "konsulent"))


def test_the_retention_run_deletes_sessions_90_days_after_they_ended(engine):
    now = utcnow()
    long_ago, lately = now - timedelta(days=100), now - timedelta(days=10)
    konsulent = user_id(engine, "konsulent")

    def signed_out_at(moment) -> str:
        token = sessions.start(engine, konsulent, now=moment - timedelta(minutes=10))
        sessions.sign_out(engine, sessions.resolve(engine, token, now=moment), now=moment)
        return token

    kept = {"signed out lately": signed_out_at(lately),
            "open now": sessions.start(engine, konsulent, now=now - timedelta(hours=1))}
    gone = {"signed out long ago": signed_out_at(long_ago),
            "never signed out": sessions.start(engine, konsulent, now=long_ago)}
    team_id, _ = a_team_and_sprint(engine)
    leader = demo_actor(engine, "leder")
    paired = sessions.create_screen_link(engine, leader, team_id=team_id, now=long_ago)
    kept["a paired tv"] = sessions.open_screen_link(engine, paired.token, now=long_ago)[0]
    revoked = sessions.create_screen_link(engine, leader, team_id=team_id, now=long_ago)
    gone["a revoked tv"] = sessions.open_screen_link(engine, revoked.token, now=long_ago)[0]
    sessions.revoke_screen_link(engine, leader, revoked.link_id, now=long_ago)
    assert retention.due_counts(engine, now)["audit_log"] == len(gone)

    report = retention.run(engine, now=now)
    assert report.categories["audit_log"].detail["user_session"] == len(gone)
    left = {row.token_hash for row in stored(engine)}
    assert {name for name, token in kept.items()
            if hashlib.sha256(token.encode()).hexdigest() in left} == set(kept)
    assert not {hashlib.sha256(token.encode()).hexdigest() for token in gone.values()} & left
    assert sessions.resolve(engine, kept["a paired tv"]) is not None
