"""Brugere og log: admins create, deactivate, reset and unlock accounts; admins and leaders
filter the log and draw a reproducible sample; leaders only read."""


from sqlmodel import Session, select

from model import auth, clock
from model.tables import AppUser, AuditLog
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


def test_a_leader_reads_accounts_and_log_but_changes_nothing(app_db):
    at = app_as(app_db, "leder", PAGE)
    assert not at.exception
    assert "Kun en administrator kan ændre konti." in page_text(at)
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


def test_the_sample_shows_its_seed_and_repeats_with_it(app_db):
    add_views(app_db, 40)
    at = app_as(app_db, "leder", PAGE)
    at.number_input(key="sample_size").set_value(3)
    at.number_input(key="sample_seed").set_value(1234)
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    assert not at.exception
    assert any("Stikprøve med frø 1234: 3 poster" in s.value for s in at.success)
    first = at.dataframe[-1].value
    assert len(first) == 3
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    assert at.dataframe[-1].value.equals(first)
    at.number_input(key="sample_seed").set_value(4321)
    at.button(key="FormSubmitter:sample-Træk stikprøve").click().run()
    assert not at.dataframe[-1].value.equals(first)
    with Session(app_db) as session:
        details = session.exec(select(AuditLog.detail).where(AuditLog.action == "sample")).all()
    assert [("seed=1234" in d, "seed=4321" in d) for d in details] == [
        (True, False), (True, False), (False, True)]
