"""Brugere og log: admins create, deactivate, reset and unlock accounts and set up teams, staff
members and initiatives (leaders their own team's staff, and initiatives); admins and leaders
filter the log and draw a sample with a seed the app draws; admins see and lift locked
accounts and blocked addresses; leaders only read."""

import re
from datetime import timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from model import auth, clock
from model.tables import AppUser, AuditLog, Initiative, Staff, Team
from tests.conftest import app_as, demo_actor, page_text

PAGE = "pages/administration.py"


def account(engine, username: str) -> AppUser:
    with Session(engine) as session:
        return session.exec(select(AppUser).where(AppUser.username == username)).one()


def shown_password(at) -> str:
    [code] = at.get("code")
    return code.value


def add_views(engine, n: int) -> None:
    leader = demo_actor(engine, "leder")
    with Session(engine) as session:
        for i in range(n):
            session.add(AuditLog(at=clock.now().replace(microsecond=i), action="view",
                                 table_name="citizen", row_id=i % 4, user_id=leader.user_id))
        session.commit()


def test_admin_creates_an_account_and_sees_its_password_once(app_db):
    at = app_as(app_db, "admin", PAGE)
    assert at.title[0].value == "Brugere og log"
    accounts = at.dataframe[0].value
    assert {"admin", "leder", "konsulent", "skaerm"} <= set(accounts["username"])
    at.text_input(key="admin_new_username").input("Ny.Mentor")
    at.selectbox(key="admin_new_role").select("mentor")
    at.selectbox(key="admin_new_staff").select(demo_actor(app_db, "mentor").staff_id)  # Ole Svendsen
    at.button(key="FormSubmitter:admin_create-Opret konto").click().run()
    assert not at.exception
    assert "Kontoen ny.mentor er oprettet." in page_text(at)
    password = shown_password(at)
    created = account(app_db, "ny.mentor")
    assert (created.role, created.must_change_password, created.staff_id) == (
        "mentor", True, demo_actor(app_db, "mentor").staff_id)
    assert auth.authenticate(app_db, "ny.mentor", password).must_change_password
    assert "ny.mentor" in set(at.dataframe[0].value["username"])
    # Shown once: the next click no longer shows it.
    at.run()
    assert not at.get("code")


def test_a_bad_username_is_refused_with_a_reason(app_db):
    at = app_as(app_db, "admin", PAGE)
    at.text_input(key="admin_new_username").input("Bo Hansen")
    at.button(key="FormSubmitter:admin_create-Opret konto").click().run()
    assert "Brugernavnet skal have 2-60 tegn" in at.error[0].value
    assert not at.get("code")


def test_admin_deactivates_resets_and_unlocks(app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "1")
    mentor = demo_actor(app_db, "mentor")
    try:
        auth.authenticate(app_db, "mentor", "not the password")
    except auth.AccountLocked:
        pass
    at = app_as(app_db, "admin", PAGE)
    at.selectbox(key="admin_account").select(mentor.user_id).run()
    at.button(key="admin_unlock").click().run()
    assert "Kontoen mentor er låst op." in page_text(at)
    assert account(app_db, "mentor").locked_until is None

    at.button(key="admin_reset").click().run()
    password = shown_password(at)
    assert auth.authenticate(app_db, "mentor", password).must_change_password

    at.button(key="admin_deactivate").click().run()
    assert "Kontoen mentor er deaktiveret" in page_text(at)
    assert auth.actor_for_user(app_db, mentor.user_id) is None
    at.button(key="admin_reactivate").click().run()
    assert auth.actor_for_user(app_db, mentor.user_id) is not None


def test_admin_sees_and_lifts_a_lock_and_a_blocked_address(app_db, monkeypatch):
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_LOGINS", "1")
    monkeypatch.setenv("JOBTAVLEN_MAX_FAILED_PER_SOURCE", "1")
    stranger = "203.0.113.9"
    with pytest.raises(auth.AccountLocked):
        auth.authenticate(app_db, "mentor", "not the password")
    with pytest.raises(auth.SourceBlocked):
        auth.authenticate(app_db, "findes-ikke", "not the password", source=stranger)
    at = app_as(app_db, "admin", PAGE)
    assert "Låste konti og blokerede adresser" in page_text(at)
    locked = next(frame.value for frame in at.dataframe
                  if list(frame.value.columns) == ["username", "failed_logins", "locked_until"])
    blocked = table_with(at, "address")
    assert list(locked["username"]) == ["mentor"]
    assert locked["locked_until"].iloc[0] > pd.Timestamp(clock.local_now().replace(tzinfo=None))
    assert list(blocked["address"]) == [stranger]
    assert blocked["blocked_until"].iloc[0] > pd.Timestamp(clock.local_now().replace(tzinfo=None))

    at.selectbox(key="locked_account").select(demo_actor(app_db, "mentor").user_id)
    at.button(key="locked_unlock").click().run()
    assert not at.exception
    assert "Kontoen mentor er låst op." in [s.value for s in at.success]
    assert "Ingen konti er låst lige nu." in page_text(at)
    assert account(app_db, "mentor").locked_until is None

    at.selectbox(key="blocked_address").select(stranger)
    at.button(key="blocked_unblock").click().run()
    assert not at.exception
    assert f"Adressen {stranger} er ikke længere blokeret." in [s.value for s in at.success]
    assert "Ingen adresser er blokeret lige nu." in page_text(at)
    assert not any("address" in frame.value.columns for frame in at.dataframe)
    assert auth.blocked_addresses(app_db, demo_actor(app_db, "admin")).empty
    with Session(app_db) as session:
        actions = session.exec(select(AuditLog.action).where(
            AuditLog.action.in_(["unlock", "unblock_source"])).order_by(AuditLog.id)).all()
    assert actions == ["unlock", "unblock_source"]


def test_a_leader_reads_accounts_and_log_but_changes_nothing(app_db):
    at = app_as(app_db, "leder", PAGE)
    assert not at.exception
    assert "Kun en administrator kan ændre konti." in page_text(at)
    assert "Låste konti og blokerede adresser" not in page_text(at)
    assert len(at.dataframe[0].value) == 7
    assert not [w for w in at.text_input if w.key == "admin_new_username"]
    assert not [b for b in at.button if b.key in ("admin_reset", "admin_deactivate")]


def test_the_log_is_filtered_and_paged(app_db):
    add_views(app_db, 60)
    at = app_as(app_db, "admin", PAGE)
    assert "af" in page_text(at)
    at.selectbox(key="log_action").select("view")
    at.selectbox(key="log_table").select("citizen").run()
    assert "Viser 1-50 af 60 poster." in page_text(at)
    at.number_input(key="log_row").set_value(2).run()
    assert "Viser 1-15 af 15 poster." in page_text(at)
    log = at.dataframe[-1].value
    assert set(log["action"]) == {"view"} and set(log["row_id"]) == {2}
    at.number_input(key="log_row").set_value(None)
    at.number_input(key="log_page").set_value(2).run()
    assert "Viser 51-60 af 60 poster." in page_text(at)


def sample_seeds(engine) -> list[str]:
    with Session(engine) as session:
        details = session.exec(select(AuditLog.detail).where(AuditLog.action == "sample")
                               .order_by(AuditLog.id)).all()
    return [re.search(r"seed=(\d+)", detail).group(1) for detail in details]


def test_the_sample_shows_the_seed_the_app_drew_and_logged(app_db):
    add_views(app_db, 40)
    at = app_as(app_db, "leder", PAGE)
    at.number_input(key="sample_size").set_value(3)
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    assert not at.exception
    [seed] = sample_seeds(app_db)
    assert any(f"Stikprøve med frø {seed}: 3 poster" in s.value for s in at.success)
    assert len(at.dataframe[-1].value) == 3
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    first, second = sample_seeds(app_db)
    assert first == seed
    assert any(f"Stikprøve med frø {second}: 3 poster" in s.value for s in at.success)


def test_the_page_has_no_seed_to_type(app_db):
    at = app_as(app_db, "admin", PAGE)
    assert [w.key for w in at.number_input if "seed" in str(w.key) or w.label == "Frø"] == []
    assert [w.key for w in at.text_input if "seed" in str(w.key) or w.label == "Frø"] == []
    assert "sample_seed" not in at.session_state


# --- Teams, staff members and initiatives --------------------------------------------------------


def table_with(at, column: str):
    """The shown table that has `column` (AppTest does not expose a dataframe's key)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def staff_row(engine, name: str) -> Staff:
    with Session(engine) as session:
        return session.exec(select(Staff).where(Staff.name == name)).one()


def team_picker(at):
    """The new staff member's team (its key counts the teams, so a new team redraws it)."""
    return next(box for box in at.selectbox if str(box.key).startswith("staff_new_team_"))


def row_id(engine, table, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(table.id).where(table.name == name)).one()


def test_admin_sets_up_a_team_and_a_consultant_and_gives_them_an_account(app_db):
    at = app_as(app_db, "admin", PAGE)
    assert [tab.label for tab in at.tabs] == ["Brugere", "Teams og medarbejdere", "Indsatser",
                                              "Log", "Stikprøve"]
    at.text_input(key="team_new_name").input("Jobteam Nord")
    at.button(key="FormSubmitter:team_create-Opret team").click().run()
    assert not at.exception
    assert "Teamet Jobteam Nord er oprettet." in page_text(at)
    assert "Jobteam Nord" in set(table_with(at, "citizens")["name"])

    team_id = row_id(app_db, Team, "Jobteam Nord")
    at.text_input(key="staff_new_name").input("Karen Vestergaard")
    team_picker(at).select(team_id)
    at.button(key="FormSubmitter:staff_create-Opret medarbejder").click().run()
    assert not at.exception
    assert "Karen Vestergaard er oprettet med initialerne KV." in page_text(at)
    listed = table_with(at, "initials").set_index("name")
    assert listed.loc["Karen Vestergaard", ["initials", "role", "team", "active"]].tolist() == [
        "KV", "jobkonsulent", "Jobteam Nord", True]

    # The account form offers her, and the account takes her role and team.
    karen = staff_row(app_db, "Karen Vestergaard")
    assert at.selectbox(key="admin_new_role").value == ""  # "Medarbejderens rolle"
    at.text_input(key="admin_new_username").input("karen")
    at.selectbox(key="admin_new_staff").select(karen.id)
    at.button(key="FormSubmitter:admin_create-Opret konto").click().run()
    assert "Kontoen karen er oprettet." in page_text(at)
    actor = auth.authenticate(app_db, "karen", shown_password(at))
    assert (actor.role, actor.team_id, actor.must_change_password) == (
        "consultant", karen.team_id, True)


def test_admin_refused_team_and_initials_get_danish_reasons(app_db):
    at = app_as(app_db, "admin", PAGE)
    at.text_input(key="team_new_name").input("stv-teamet, jobcenter brøndby")
    at.button(key="FormSubmitter:team_create-Opret team").click().run()
    assert "Der findes allerede et team, der hedder «stv-teamet, jobcenter brøndby»." in \
        [e.value for e in at.error]
    brondby = staff_row(app_db, "Maja Rosendahl").team_id
    at.text_input(key="staff_new_name").input("Mads Rasmussen")
    at.text_input(key="staff_new_initials").input("mr")  # Maja Rosendahl's
    team_picker(at).select(brondby)
    at.button(key="FormSubmitter:staff_create-Opret medarbejder").click().run()
    assert "Initialerne MR bruges allerede af Maja Rosendahl i teamet. Ledigt forslag: MAR." in \
        [e.value for e in at.error]


def test_deactivating_a_staff_member_says_their_account_goes_too(app_db):
    mentor = demo_actor(app_db, "mentor")  # Ole Svendsen, with the account "mentor"
    at = app_as(app_db, "admin", PAGE)
    at.selectbox(key="staff_edit_id").select(mentor.staff_id).run()
    assert "Kontoen mentor følger medarbejderen" in page_text(at)
    at.checkbox(key=f"staff_edit_{mentor.staff_id}_0_active").uncheck()
    at.button(key=f"FormSubmitter:staff_edit_form_{mentor.staff_id}-Gem").click().run()
    assert not at.exception
    assert "Ole Svendsen er gemt. Kontoen mentor er deaktiveret" in page_text(at)
    assert auth.actor_for_user(app_db, mentor.user_id) is None
    assert not table_with(at, "initials").set_index("name").loc["Ole Svendsen", "active"]


def test_an_edit_saved_by_someone_else_first_is_refused_and_the_form_refilled(app_db):
    from model import staffing

    mentor = demo_actor(app_db, "mentor")
    at = app_as(app_db, "admin", PAGE)
    at.selectbox(key="staff_edit_id").select(mentor.staff_id).run()
    colleague = demo_actor(app_db, "admin")
    seen = staffing.get_staff(app_db, colleague, mentor.staff_id)
    staffing.update_staff(app_db, colleague, mentor.staff_id, expected=seen, name="Ole Svendsen",
                          initials="OLS", role="mentor", team_id=seen.team_id, active=True)
    at.text_input(key=f"staff_edit_{mentor.staff_id}_0_name").input("Ole Sven")
    at.button(key=f"FormSubmitter:staff_edit_form_{mentor.staff_id}-Gem").click().run()
    assert any("En anden har ændret medarbejderen imens" in e.value for e in at.error)
    assert staff_row(app_db, "Ole Svendsen").initials == "OLS"
    at.run()
    assert at.text_input(key=f"staff_edit_{mentor.staff_id}_1_initials").value == "OLS"


def test_a_leader_manages_only_their_own_teams_consultants_caseworkers_and_mentors(app_db):
    leader = demo_actor(app_db, "leder")
    at = app_as(app_db, "leder", PAGE)
    assert not at.exception
    assert not [w for w in at.text_input if w.key == "team_new_name"]
    assert "Som leder opretter og retter du jobkonsulenter" in page_text(at)
    assert at.selectbox(key="staff_new_role").options == ["jobkonsulent", "sagsbehandler", "mentor"]
    assert len(team_picker(at).options) == 1
    members = table_with(at, "initials")
    own = {name for name, team, role in zip(members["name"], members["team"], members["role"])
           if role in ("jobkonsulent", "sagsbehandler", "mentor")
           and team == "STV-teamet, Jobcenter Brøndby"}
    offered = at.selectbox(key="staff_edit_id").options
    assert len(offered) == len(own) > 0
    assert not any("Maja Rosendahl" in option for option in offered)  # a leader, herself
    at.text_input(key="staff_new_name").input("Karen Vestergaard")
    at.selectbox(key="staff_new_role").select("mentor")
    at.button(key="FormSubmitter:staff_create-Opret medarbejder").click().run()
    assert "Karen Vestergaard er oprettet med initialerne KV." in page_text(at)
    karen = staff_row(app_db, "Karen Vestergaard")
    assert (karen.role, karen.team_id) == ("mentor", leader.team_id)


def test_initiatives_are_created_and_edited(app_db):
    at = app_as(app_db, "leder", PAGE)
    at.text_input(key="initiative_new_name").input("Jobløft Nord")
    at.text_input(key="initiative_new_funder").input("Boligselskabet Strandparken")
    at.button(key="FormSubmitter:initiative_create-Opret indsats").click().run()
    assert not at.exception
    assert "Indsatsen Jobløft Nord er oprettet." in page_text(at)
    listed = table_with(at, "funder").set_index("name")
    assert listed.loc["Jobløft Nord", "funder"] == "Boligselskabet Strandparken"

    at.text_input(key="initiative_new_name").input("stv")
    at.button(key="FormSubmitter:initiative_create-Opret indsats").click().run()
    assert "Der findes allerede en indsats, der hedder «stv»." in [e.value for e in at.error]

    initiative_id = row_id(app_db, Initiative, "Jobløft Nord")
    at.selectbox(key="initiative_edit_id").select(initiative_id).run()
    prefix = f"initiative_edit_{initiative_id}_0"
    at.date_input(key=f"{prefix}_start").set_value(clock.today())
    at.date_input(key=f"{prefix}_end").set_value(clock.today() - timedelta(days=1))
    at.button(key=f"FormSubmitter:initiative_edit_form_{initiative_id}-Gem").click().run()
    assert "Indsatsens slutdato ligger før dens startdato." in [e.value for e in at.error]
    at.date_input(key=f"{prefix}_end").set_value(None)
    at.button(key=f"FormSubmitter:initiative_edit_form_{initiative_id}-Gem").click().run()
    assert f"Indsatsen Jobløft Nord ({clock.today():%d-%m-%Y} – …) er gemt." in page_text(at)


def test_the_set_up_sections_read_in_english(app_db):
    at = app_as(app_db, "admin")
    at.session_state["lang"] = "en"
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert [tab.label for tab in at.tabs][1:3] == ["Teams and staff", "Initiatives"]
    assert "Create staff member" in page_text(at)


def test_a_team_renamed_by_someone_else_first_is_not_renamed_again(app_db):
    from model import staffing

    team_id = row_id(app_db, Team, "STV-teamet, Jobcenter Brøndby")
    at = app_as(app_db, "admin", PAGE)
    at.selectbox(key="team_rename_id").select(team_id).run()
    staffing.rename_team(app_db, demo_actor(app_db, "admin"), team_id,
                         expected_name="STV-teamet, Jobcenter Brøndby", name="STV Brøndby")
    at.text_input(key=f"team_rename_name_{team_id}_0").input("Jobcenter Brøndby")
    at.button(key="FormSubmitter:team_rename-Gem").click().run()
    assert "En anden har ændret teamet imens. Se det nye navn, og prøv igen." in \
        [e.value for e in at.error]
    with Session(app_db) as session:
        assert session.get(Team, team_id).name == "STV Brøndby"
    at.run()
    assert at.text_input(key=f"team_rename_name_{team_id}_1").value == "STV Brøndby"
