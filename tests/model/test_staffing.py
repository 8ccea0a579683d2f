"""Teams, staff members and initiatives: a municipality sets itself up from an empty database.
Admins change everything; leaders their own team's consultants, caseworkers and mentors, and
initiatives; deactivating a staff member deactivates their account too."""

from datetime import date

import pytest
from sqlmodel import Session, select

from model import admin, auth, people, sprints, staffing
from model.errors import AccessDenied, StaleVersion, ValidationError
from model.tables import AppUser, AuditLog, Initiative, Staff, Team


@pytest.fixture
def boss(actor_factory):
    return actor_factory("admin")


def audit_rows(engine, table: str) -> list[tuple[str, int]]:
    with Session(engine) as session:
        return session.exec(select(AuditLog.action, AuditLog.row_id)
                            .where(AuditLog.table_name == table).order_by(AuditLog.id)).all()


def stored_staff(engine, staff_id: int) -> Staff:
    with Session(engine) as session:
        return session.get(Staff, staff_id)


def account_of(engine, username: str) -> AppUser:
    with Session(engine) as session:
        return session.exec(select(AppUser).where(AppUser.username == username)).one()


# --- Initials ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, taken, expected", [
    ("Sanne Ibsen", (), "SI"),
    ("Sanne Ibsen", ("SI",), "SAI"),
    ("Sanne Ibsen", ("SI", "SAI"), "SIB"),
    ("Anne-Marie Hansen", ("AH",), "AMH"),
    ("Søren Ørsted", (), "SØ"),
    ("Bo", (), "BO"),
    ("  ", (), ""),
    ("Bo", ("BO", "BO"), ""),
])
def test_initials_are_suggested_from_the_name_and_avoid_the_taken(name, taken, expected):
    assert staffing.suggest_initials(name, taken) == expected


@pytest.mark.parametrize("text, expected", [("si", "SI"), (" Abcd ", "ABCD"), ("øå", "ØÅ")])
def test_initials_are_stored_in_upper_case(text, expected):
    assert staffing.clean_initials(text) == expected


@pytest.mark.parametrize("text", ["S", "ABCDE", "S1", "S.I", "S I", ""])
def test_initials_must_be_two_to_four_letters(text):
    with pytest.raises(ValidationError) as refused:
        staffing.clean_initials(text)
    assert refused.value.key == "error.initials_invalid"


# --- Teams ------------------------------------------------------------------------------------


def test_an_admin_creates_and_renames_a_team_and_both_are_logged(engine, boss):
    team_id = staffing.create_team(engine, boss, name="  Jobteam Nord ")
    teams = staffing.list_teams(engine, boss).set_index("name")
    assert teams.loc["Jobteam Nord", ["id", "staff", "citizens"]].tolist() == [team_id, 0, 0]
    staffing.rename_team(engine, boss, team_id, expected_name="Jobteam Nord", name="Jobteam Syd")
    assert "Jobteam Syd" in set(staffing.list_teams(engine, boss)["name"])
    assert audit_rows(engine, "team") == [("create", team_id), ("update", team_id)]


@pytest.mark.parametrize("name, key", [
    ("", "error.team_name_required"),
    ("jobteam nord", "error.team_name_taken"),
    ("A" * 81, "error.team_name_too_long"),
    ("<b>Team</b>", "error.text_markup"),
    ("=1+1", "error.text_formula"),
    ("Team 010190-1234", "error.cpr_in_text"),
])
def test_a_bad_team_name_is_refused(engine, boss, name, key):
    staffing.create_team(engine, boss, name="Jobteam Nord")
    with pytest.raises(ValidationError) as refused:
        staffing.create_team(engine, boss, name=name)
    assert refused.value.key == key
    assert len(staffing.list_teams(engine, boss)) == 2  # the boss's own and Jobteam Nord


def test_renaming_a_team_renamed_meanwhile_is_refused(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Jobteam Nord")
    staffing.rename_team(engine, boss, team_id, expected_name="Jobteam Nord", name="Team A")
    with pytest.raises(StaleVersion) as refused:
        staffing.rename_team(engine, boss, team_id, expected_name="Jobteam Nord", name="Team B")
    assert refused.value.key == "error.stale_team"
    with Session(engine) as session:
        assert session.get(Team, team_id).name == "Team A"


@pytest.mark.parametrize("role", ["leader", "consultant", "caseworker", "mentor", "screen"])
def test_only_admins_create_and_rename_teams(engine, boss, actor_factory, role):
    someone = actor_factory(role)
    team_id = staffing.create_team(engine, boss, name="Jobteam Nord")
    with pytest.raises(AccessDenied):
        staffing.create_team(engine, someone, name="Eget team")
    with pytest.raises(AccessDenied):
        staffing.rename_team(engine, someone, team_id, expected_name="Jobteam Nord", name="X")
    assert "Eget team" not in set(staffing.list_teams(engine, boss)["name"])


# --- Staff members ----------------------------------------------------------------------------


def test_an_admin_creates_staff_with_suggested_and_typed_initials(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Jobteam Nord")
    sanne = staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant",
                                  team_id=team_id)
    soren = staffing.create_staff(engine, boss, name="Søren Iversen", role="consultant",
                                  team_id=team_id, initials="")
    mette = staffing.create_staff(engine, boss, name="Mette Kjær", role="caseworker",
                                  team_id=team_id, initials="mkj")
    assert [(m.initials, m.role, m.team_id, m.active) for m in (sanne, soren, mette)] == [
        ("SI", "consultant", team_id, True), ("SØI", "consultant", team_id, True),
        ("MKJ", "caseworker", team_id, True)]
    listed = staffing.list_staff_members(engine, boss).set_index("name")
    assert listed.loc["Søren Iversen", ["initials", "team", "accounts"]].tolist() == [
        "SØI", "Jobteam Nord", ""]
    assert [row for row in audit_rows(engine, "staff")] == [
        ("create", sanne.id), ("create", soren.id), ("create", mette.id)]
    # The board offers the new consultants.
    assert {"Sanne Ibsen", "Søren Iversen"} <= set(people.list_staff(engine, boss)["name"])


def test_initials_are_unique_within_a_team_but_not_across_teams(engine, boss):
    north = staffing.create_team(engine, boss, name="Nord")
    south = staffing.create_team(engine, boss, name="Syd")
    staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant", team_id=north)
    with pytest.raises(ValidationError) as refused:
        staffing.create_staff(engine, boss, name="Simon Isaksen", role="mentor", team_id=north,
                              initials="si")
    assert refused.value.key == "error.initials_taken"
    assert refused.value.params == {"initials": "SI", "name": "Sanne Ibsen", "suggestion": "SII"}
    assert staffing.create_staff(engine, boss, name="Simon Isaksen", role="mentor", team_id=south,
                                 initials="si").initials == "SI"
    assert len(staffing.list_staff_members(engine, boss)) == 3  # the boss, Sanne and Simon


@pytest.mark.parametrize("fields, key", [
    ({"name": ""}, "error.staff_name_required"),
    ({"name": "B" * 81}, "error.staff_name_too_long"),
    ({"name": "Bo 010190-1234"}, "error.cpr_in_text"),
    ({"name": "<script>x</script>"}, "error.text_markup"),
    ({"name": "R2-D2"}, "error.person_name_characters"),
    ({"initials": "B1"}, "error.initials_invalid"),
    ({"initials": "ABCDE"}, "error.initials_invalid"),
    ({"role": "screen"}, "error.staff_role_unknown"),
    ({"role": "boss"}, "error.staff_role_unknown"),
    ({"team_id": 999_999}, "error.not_found"),
])
def test_a_bad_staff_member_is_refused_and_nothing_is_written(engine, boss, fields, key):
    team_id = staffing.create_team(engine, boss, name="Nord")
    before = len(staffing.list_staff_members(engine, boss))
    with pytest.raises(ValidationError) as refused:
        staffing.create_staff(engine, boss, **{"name": "Bo Holm", "role": "consultant",
                                               "team_id": team_id, **fields})
    assert refused.value.key == key
    assert len(staffing.list_staff_members(engine, boss)) == before


def test_an_edit_changes_the_row_and_logs_what_changed(engine, boss):
    north = staffing.create_team(engine, boss, name="Nord")
    south = staffing.create_team(engine, boss, name="Syd")
    member = staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant",
                                   team_id=north)
    saved = staffing.update_staff(engine, boss, member.id, expected=member, name="Sanne Ibsen Holm",
                                  initials="SIH", role="mentor", team_id=south, active=True)
    assert saved.member == staffing.StaffMember(id=member.id, name="Sanne Ibsen Holm",
                                                initials="SIH", role="mentor", team_id=south,
                                                active=True)
    assert saved.accounts_deactivated == saved.accounts_new_role == ()
    with Session(engine) as session:
        detail = session.exec(select(AuditLog.detail).where(
            AuditLog.table_name == "staff", AuditLog.action == "update")).one()
    assert detail == f"name=Sanne Ibsen Holm initials=SIH role=mentor team_id={south}"


def test_an_edit_of_a_row_changed_meanwhile_is_refused_and_overwrites_nothing(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Nord")
    member = staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant",
                                   team_id=team_id)
    staffing.update_staff(engine, boss, member.id, expected=member, name="Sanne Ibsen",
                          initials="SAI", role="consultant", team_id=team_id, active=True)
    with pytest.raises(StaleVersion) as refused:
        staffing.update_staff(engine, boss, member.id, expected=member, name="Sanne Ib",
                              initials="SI", role="mentor", team_id=team_id, active=True)
    assert refused.value.key == "error.stale_staff"
    stored = stored_staff(engine, member.id)
    assert (stored.name, stored.initials, stored.role) == ("Sanne Ibsen", "SAI", "consultant")


def test_an_edit_keeps_its_own_initials_but_cannot_take_a_colleagues(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Nord")
    sanne = staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant",
                                  team_id=team_id)
    bo = staffing.create_staff(engine, boss, name="Bo Holm", role="consultant", team_id=team_id)
    staffing.update_staff(engine, boss, sanne.id, expected=sanne, name="Sanne Ibsen",
                          initials="si", role="consultant", team_id=team_id, active=True)
    with pytest.raises(ValidationError) as refused:
        staffing.update_staff(engine, boss, bo.id, expected=bo, name="Bo Holm", initials="SI",
                              role="consultant", team_id=team_id, active=True)
    assert refused.value.key == "error.initials_taken"
    assert stored_staff(engine, bo.id).initials == "BH"


def test_deactivating_a_staff_member_deactivates_their_account_in_the_same_save(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Nord")
    member = staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant",
                                   team_id=team_id)
    password = admin.create_account(engine, boss, username="sanne", staff_id=member.id)
    account = account_of(engine, "sanne")
    saved = staffing.update_staff(engine, boss, member.id, expected=member, name="Sanne Ibsen",
                                  initials="SI", role="consultant", team_id=team_id, active=False)
    assert saved.accounts_deactivated == ("sanne",)
    assert auth.actor_for_user(engine, account.id) is None
    assert auth.authenticate(engine, "sanne", password) is None
    assert ("deactivate", account.id) in audit_rows(engine, "app_user")
    # Gone from the board's choices, and the account cannot be reactivated on its own.
    assert "Sanne Ibsen" not in set(people.list_staff(engine, boss)["name"])
    with pytest.raises(ValidationError) as refused:
        admin.set_active(engine, boss, account.id, active=True)
    assert refused.value.key == "error.account_staff_inactive"
    # Active again, the staff member's account stays off until an admin turns it on.
    inactive = staffing.get_staff(engine, boss, member.id)
    staffing.update_staff(engine, boss, member.id, expected=inactive, name="Sanne Ibsen",
                          initials="SI", role="consultant", team_id=team_id, active=True)
    assert not account_of(engine, "sanne").active
    admin.set_active(engine, boss, account.id, active=True)
    assert auth.actor_for_user(engine, account.id).team_id == team_id


def test_a_new_role_becomes_the_accounts_role(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Nord")
    member = staffing.create_staff(engine, boss, name="Sanne Ibsen", role="consultant",
                                   team_id=team_id)
    admin.create_account(engine, boss, username="sanne", staff_id=member.id)
    saved = staffing.update_staff(engine, boss, member.id, expected=member, name="Sanne Ibsen",
                                  initials="SI", role="leader", team_id=team_id, active=True)
    assert saved.accounts_new_role == ("sanne",)
    assert auth.actor_for_user(engine, account_of(engine, "sanne").id).role == "leader"


def test_nobody_changes_their_own_role_or_deactivates_themselves(engine, boss):
    me = staffing.get_staff(engine, boss, boss.staff_id)
    for change in ({"role": "consultant"}, {"active": False}):
        fields = {"name": me.name, "initials": me.initials, "role": me.role,
                  "team_id": me.team_id, "active": True, **change}
        with pytest.raises(ValidationError) as refused:
            staffing.update_staff(engine, boss, me.id, expected=me, **fields)
        assert refused.value.key == "error.staff_self"
    assert auth.actor_for_user(engine, boss.user_id).role == "admin"


# --- Leaders and their own team ---------------------------------------------------------------


@pytest.fixture
def two_teams(engine, boss, actor_factory):
    """A leader of team Nord with one consultant, and a consultant of team Syd."""
    north = staffing.create_team(engine, boss, name="Nord")
    south = staffing.create_team(engine, boss, name="Syd")
    leader = actor_factory("leader", team_id=north)
    mine = staffing.create_staff(engine, boss, name="Bo Holm", role="consultant", team_id=north)
    theirs = staffing.create_staff(engine, boss, name="Ida Lund", role="consultant", team_id=south)
    return leader, north, south, mine, theirs


def test_a_leader_creates_and_edits_their_own_teams_consultants(engine, two_teams):
    leader, north, _, mine, _ = two_teams
    created = staffing.create_staff(engine, leader, name="Sanne Ibsen", role="mentor", team_id=north)
    assert (created.initials, created.team_id) == ("SI", north)
    saved = staffing.update_staff(engine, leader, mine.id, expected=mine, name="Bo Holm",
                                  initials="BH", role="caseworker", team_id=north, active=False)
    assert (saved.member.role, saved.member.active) == ("caseworker", False)
    assert staffing.may_edit_staff(leader, team_id=north, role="consultant")


@pytest.mark.parametrize("what", ["create in another team", "edit another team's",
                                  "move to another team", "give the leader role",
                                  "give the admin role", "edit a leader"])
def test_a_leader_cannot_reach_beyond_their_team_or_give_leader_roles(engine, boss, two_teams, what):
    leader, north, south, mine, theirs = two_teams
    other_leader = staffing.create_staff(engine, boss, name="Jens Berg", role="leader",
                                         team_id=north)
    same = {"initials": None, "active": True}
    attempts = {
        "create in another team": lambda: staffing.create_staff(
            engine, leader, name="Sanne Ibsen", role="consultant", team_id=south),
        "edit another team's": lambda: staffing.update_staff(
            engine, leader, theirs.id, expected=theirs, name="Ida Lund", role="consultant",
            team_id=south, **same),
        "move to another team": lambda: staffing.update_staff(
            engine, leader, mine.id, expected=mine, name="Bo Holm", role="consultant",
            team_id=south, **same),
        "give the leader role": lambda: staffing.update_staff(
            engine, leader, mine.id, expected=mine, name="Bo Holm", role="leader", team_id=north,
            **same),
        "give the admin role": lambda: staffing.create_staff(
            engine, leader, name="Sanne Ibsen", role="admin", team_id=north),
        "edit a leader": lambda: staffing.update_staff(
            engine, leader, other_leader.id, expected=other_leader, name="Jens Berg",
            role="consultant", team_id=north, **same),
    }
    before = staffing.list_staff_members(engine, boss)
    with pytest.raises(AccessDenied):
        attempts[what]()
    assert staffing.list_staff_members(engine, boss).equals(before)
    assert not staffing.may_edit_staff(leader, team_id=south, role="consultant")
    assert not staffing.may_edit_staff(leader, team_id=north, role="leader")


@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor", "screen"])
def test_other_roles_cannot_create_or_edit_staff(engine, two_teams, actor_factory, role):
    _, north, _, mine, _ = two_teams
    someone = actor_factory(role, team_id=north)
    with pytest.raises(AccessDenied):
        staffing.create_staff(engine, someone, name="Sanne Ibsen", role="consultant", team_id=north)
    with pytest.raises(AccessDenied):
        staffing.update_staff(engine, someone, mine.id, expected=mine, name="Bo Holm",
                              initials="BH", role="consultant", team_id=north, active=False)
    assert stored_staff(engine, mine.id).active


# --- Accounts for staff members ---------------------------------------------------------------


def test_an_account_for_a_staff_member_takes_its_role_and_team(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Nord")
    member = staffing.create_staff(engine, boss, name="Mette Kjær", role="caseworker",
                                   team_id=team_id)
    choices = admin.staff_choices(engine, boss).set_index("name")
    assert choices.loc["Mette Kjær", ["role", "team", "accounts"]].tolist() == [
        "caseworker", "Nord", 0]
    password = admin.create_account(engine, boss, username="mette", staff_id=member.id)
    actor = auth.authenticate(engine, "mette", password)
    assert (actor.role, actor.team_id, actor.name, actor.must_change_password) == (
        "caseworker", team_id, "Mette Kjær", True)
    assert admin.staff_choices(engine, boss).set_index("name").loc["Mette Kjær", "accounts"] == 1
    assert staffing.list_staff_members(engine, boss).set_index("name").loc[
        "Mette Kjær", "accounts"] == "mette"


@pytest.mark.parametrize("fields, key", [
    ({"role": "consultant"}, "error.account_role_not_staff"),
    ({"staff_id": None, "role": None}, "error.account_role_required"),
])
def test_an_account_with_the_wrong_or_no_role_is_refused(engine, boss, fields, key):
    team_id = staffing.create_team(engine, boss, name="Nord")
    member = staffing.create_staff(engine, boss, name="Mette Kjær", role="caseworker",
                                   team_id=team_id)
    with pytest.raises(ValidationError) as refused:
        admin.create_account(engine, boss, **{"username": "mette", "staff_id": member.id, **fields})
    assert refused.value.key == key
    assert "mette" not in set(admin.list_accounts(engine, boss)["username"])


def test_an_inactive_staff_member_gets_no_account(engine, boss):
    team_id = staffing.create_team(engine, boss, name="Nord")
    member = staffing.create_staff(engine, boss, name="Mette Kjær", role="caseworker",
                                   team_id=team_id, active=False)
    assert "Mette Kjær" not in set(admin.staff_choices(engine, boss)["name"])
    with pytest.raises(ValidationError) as refused:
        admin.create_account(engine, boss, username="mette", staff_id=member.id)
    assert refused.value.key == "error.account_staff_inactive"


def test_a_new_teams_consultant_plans_a_week_with_their_colleagues(engine, boss):
    """From nothing: a team, three consultants with accounts, and a sprint of that team."""
    team_id = staffing.create_team(engine, boss, name="Jobteam Nord")
    members = [staffing.create_staff(engine, boss, name=name, role="consultant", team_id=team_id)
               for name in ("Sanne Ibsen", "Bo Holm", "Ida Lund")]
    passwords = [admin.create_account(engine, boss, username=m.initials.lower(), staff_id=m.id)
                 for m in members]
    consultant = auth.authenticate(engine, "si", passwords[0])
    citizen = people.create_citizen(engine, boss, first_name="Aisha", last_name="Benali",
                                    birth_year=1990, team_id=team_id)
    start = date(2027, 9, 27)
    sprint_id = sprints.create_sprint(engine, consultant, name="Uge 39 – Nord", start=start,
                                      end=date(2027, 10, 1), goal=6,
                                      consultant_ids=[m.id for m in members])
    sprints.add_card(engine, consultant, sprint_id, citizen_id=citizen,
                     consultant_id=consultant.staff_id)
    assert sprints.get_sprint(engine, consultant, sprint_id).team_id == team_id
    assert set(sprints.consultants(engine, consultant, sprint_id)["initials"]) == {"SI", "BH", "IL"}
    assert sprints.board(engine, consultant, sprint_id)["consultant_initials"].tolist() == ["SI"]


# --- Initiatives ------------------------------------------------------------------------------


def test_admins_and_leaders_create_and_edit_initiatives(engine, boss, actor_factory):
    leader = actor_factory("leader")
    initiative_id = staffing.create_initiative(
        engine, leader, name=" STV Nord ", start_date=date(2026, 1, 1), end_date=date(2027, 12, 31),
        funder="Styrelsen for Arbejdsmarked og Rekruttering")
    row = staffing.get_initiative(engine, boss, initiative_id)
    assert (row.name, row.start_date, row.funder) == (
        "STV Nord", date(2026, 1, 1), "Styrelsen for Arbejdsmarked og Rekruttering")
    staffing.update_initiative(engine, boss, initiative_id, expected=row, name="STV Nord",
                               start_date=date(2026, 2, 1), end_date=None, funder="Kommunen",
                               description="Særligt tilrettelagt virksomhedsforløb")
    listed = staffing.list_initiatives(engine, boss).set_index("name")
    assert listed.loc["STV Nord", ["start_date", "end_date", "funder", "citizens"]].tolist() == [
        date(2026, 2, 1), None, "Kommunen", 0]
    assert audit_rows(engine, "initiative") == [("create", initiative_id), ("update", initiative_id)]


@pytest.mark.parametrize("fields, key", [
    ({"name": ""}, "error.initiative_name_required"),
    ({"name": "stv nord"}, "error.initiative_name_taken"),
    ({"name": "A" * 121}, "error.initiative_name_too_long"),
    ({"start_date": date(2027, 1, 1), "end_date": date(2026, 1, 1)},
     "error.initiative_end_before_start"),
    ({"start_date": date(1800, 1, 1)}, "error.date_out_of_range"),
    ({"funder": "=HYPERLINK(1)"}, "error.text_formula"),
    ({"funder": "F" * 201}, "error.funder_too_long"),
    ({"description": "<img src=x onerror=alert(1)>"}, "error.text_markup"),
    ({"funder": "Kontakt 010190-1234"}, "error.cpr_in_text"),
])
def test_a_bad_initiative_is_refused_and_nothing_is_written(engine, boss, fields, key):
    staffing.create_initiative(engine, boss, name="STV Nord")
    with pytest.raises(ValidationError) as refused:
        staffing.create_initiative(engine, boss, **{"name": "Jobløft", **fields})
    assert refused.value.key == key
    assert staffing.list_initiatives(engine, boss)["name"].tolist() == ["STV Nord"]


def test_an_initiative_changed_meanwhile_is_not_overwritten(engine, boss):
    initiative_id = staffing.create_initiative(engine, boss, name="STV Nord", funder="Kommunen")
    seen = staffing.get_initiative(engine, boss, initiative_id)
    staffing.update_initiative(engine, boss, initiative_id, expected=seen, name="STV Nord",
                               start_date=None, end_date=None, funder="Staten")
    with pytest.raises(StaleVersion):
        staffing.update_initiative(engine, boss, initiative_id, expected=seen, name="STV Syd",
                                   start_date=None, end_date=None, funder="Kommunen")
    with Session(engine) as session:
        assert session.get(Initiative, initiative_id).funder == "Staten"


@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor", "screen"])
def test_only_admins_and_leaders_change_initiatives(engine, boss, actor_factory, role):
    someone = actor_factory(role)
    initiative_id = staffing.create_initiative(engine, boss, name="STV Nord")
    seen = staffing.get_initiative(engine, boss, initiative_id)
    with pytest.raises(AccessDenied):
        staffing.create_initiative(engine, someone, name="Jobløft")
    with pytest.raises(AccessDenied):
        staffing.update_initiative(engine, someone, initiative_id, expected=seen, name="X",
                                   start_date=None, end_date=None, funder="")
    assert staffing.list_initiatives(engine, boss)["name"].tolist() == ["STV Nord"]


def test_the_lists_are_for_staff_not_the_meeting_screen(engine, actor_factory):
    screen = actor_factory("screen")
    for read in (staffing.list_teams, staffing.list_staff_members, staffing.list_initiatives):
        with pytest.raises(AccessDenied):
            read(engine, screen)
