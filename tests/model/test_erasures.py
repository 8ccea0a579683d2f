"""Erasure that lasts: the register kept apart from the backups is re-applied by the restore
command and at every start, so a backup made before an erasure never brings the citizen back."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from model import backup, erasures, privacy
from model.__main__ import main
from model.db import make_engine, migrate
from model.setup import prepare
from model.tables import AuditLog, Citizen, RetentionRun
from tests.conftest import make_actor
from tests.model.test_retention import RECENT, citizen_record


def _citizen(engine, first: str, last: str) -> int:
    with Session(engine) as session:
        citizen_id = citizen_record(session, first=first, last=last, when=RECENT)
        session.commit()
    return citizen_id


def _exists(engine, citizen_id: int) -> bool:
    with Session(engine) as session:
        return session.get(Citizen, citizen_id) is not None


def test_the_register_holds_ids_and_dates_only(engine):
    admin = make_actor(engine, "admin")
    target = _citizen(engine, "Ronja", "Vindelbo")
    privacy.erase_citizen(engine, admin, target, confirm_name="Ronja Vindelbo")
    path = erasures.register_path(engine)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [sorted(line) for line in lines] == [["citizen_id", "created_at", "erased_at"]]
    assert lines[0]["citizen_id"] == target
    assert "Vindelbo" not in path.read_text() and "Ronja" not in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_start_up_erases_again_a_citizen_a_restored_database_brought_back(engine):
    """PostgreSQL is restored with pg_restore; the next start re-applies the register there too."""
    admin = make_actor(engine, "admin")
    target = _citizen(engine, "Ronja", "Vindelbo")
    kept = _citizen(engine, "Bertil", "Ågesen")
    with Session(engine) as session:  # what a restored backup made before the erasure holds
        saved = session.get(Citizen, target).model_dump()
    privacy.erase_citizen(engine, admin, target, confirm_name="Ronja Vindelbo")
    with Session(engine) as session:
        session.add(Citizen(**saved))
        session.commit()
    assert _exists(engine, target)

    prepare(engine, out=lambda line: None)

    assert not _exists(engine, target) and _exists(engine, kept)
    with Session(engine) as session:
        logged = session.execute(select(AuditLog.detail).where(
            AuditLog.action == "erase", AuditLog.row_id == target, AuditLog.user_id.is_(None))
        ).scalars().all()
        erasure_runs = session.execute(select(func.count(RetentionRun.id))
                                       .where(RetentionRun.reason == "erasure")).scalar_one()
    assert logged == ["erasure register"] and erasure_runs == 2


def test_a_later_citizen_with_the_same_id_is_not_erased(engine):
    admin = make_actor(engine, "admin")
    target = _citizen(engine, "Ronja", "Vindelbo")
    with Session(engine) as session:
        saved = session.get(Citizen, target).model_dump()
    privacy.erase_citizen(engine, admin, target, confirm_name="Ronja Vindelbo")
    # A new citizen gets the erased id, as SQLite or a reset sequence may hand it out again.
    with Session(engine) as session:
        session.add(Citizen(**{**saved, "first_name": "Ny", "last_name": "Borger",
                               "created_at": erasures.entries(engine)[0].erased_at}))
        session.commit()

    assert erasures.reapply(engine) == []
    with Session(engine) as session:
        assert session.get(Citizen, target).first_name == "Ny"


def test_the_restore_command_erases_again_and_says_so(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv(erasures.SETTING, raising=False)  # the register beside the database
    monkeypatch.setenv("JOBTAVLEN_LANG", "da")
    live = make_engine(url)
    migrate(live)
    admin = make_actor(live, "admin")
    target = _citizen(live, "Ronja", "Vindelbo")
    before = backup.backup_sqlite(live, tmp_path / "backups" / "before.db")
    privacy.erase_citizen(live, admin, target, confirm_name="Ronja Vindelbo")
    live.dispose()
    assert erasures.register_path(live) == tmp_path / "live.db.erasures.jsonl"

    assert main(["restore", str(before.path), "--force"]) == 0

    assert "1 borger(e)" in capsys.readouterr().out
    engine = make_engine(url)
    assert not _exists(engine, target)
    engine.dispose()


def test_a_failed_erasure_leaves_no_line_in_the_register(engine, monkeypatch):
    admin = make_actor(engine, "admin")
    target = _citizen(engine, "Ronja", "Vindelbo")

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(privacy.retention, "record_erasure", broken)
    with pytest.raises(RuntimeError):
        privacy.erase_citizen(engine, admin, target, confirm_name="Ronja Vindelbo")
    assert _exists(engine, target) and erasures.entries(engine) == []
    assert os.environ[erasures.SETTING]  # the tests keep registers out of the repository
