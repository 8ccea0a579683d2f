"""The erasure register: which citizens were erased on request, kept apart from the backups, so a
restored backup never brings an erased citizen back.

One line of JSON per erasure with the citizen's id, when the row was created and when it was
erased: nothing else. The created time tells the erased row from a later citizen who got the same
id. The restore command and every start of the app re-apply the register.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from model import audit, clock, retention
from model.db import private_file, private_folder
from model.tables import Citizen

SETTING = "JOBTAVLEN_ERASURE_DIR"


@dataclass(frozen=True)
class Erasure:
    citizen_id: int
    created_at: datetime
    erased_at: datetime


def register_path(engine: Engine) -> Path | None:
    """The register of this database: beside an SQLite file, else under JOBTAVLEN_ERASURE_DIR
    (default data/); None for a database in memory."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"):
        return None
    name = url.render_as_string(hide_password=True)
    tag = f"{Path(url.database or 'db').name}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
    if folder := os.environ.get(SETTING):
        return Path(folder) / f"{tag}.erasures.jsonl"
    if url.get_backend_name() == "sqlite":
        return Path(f"{url.database}.erasures.jsonl")
    return Path("data") / f"{tag}.erasures.jsonl"


def _line(erasure: Erasure) -> str:
    return json.dumps({"citizen_id": erasure.citizen_id,
                       "created_at": erasure.created_at.isoformat(),
                       "erased_at": erasure.erased_at.isoformat()}) + "\n"


def record(engine: Engine, erasure: Erasure) -> None:
    """Add an erasure to the register, on disk before the erasure commits."""
    path = register_path(engine)
    if path is None:
        return
    private_folder(path.parent)
    private_file(path)
    with path.open("a", encoding="utf-8") as register:
        register.write(_line(erasure))
        register.flush()
        os.fsync(register.fileno())


def withdraw(engine: Engine, erasure: Erasure) -> None:
    """Take back the register's last line for `erasure` when the erasure itself failed."""
    path = register_path(engine)
    if path is None or not path.exists():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and lines[-1] == _line(erasure):
        path.write_text("".join(lines[:-1]), encoding="utf-8")


def entries(engine: Engine) -> list[Erasure]:
    """Every erasure in the register, oldest first."""
    path = register_path(engine)
    if path is None or not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            found.append(Erasure(int(row["citizen_id"]), datetime.fromisoformat(row["created_at"]),
                                 datetime.fromisoformat(row["erased_at"])))
    return found


def reapply(engine: Engine, now: datetime | None = None) -> list[int]:
    """Erase again every registered citizen that is back (a restored backup); returns their ids.

    Each is deleted as the erasure did, counted in the deletion ledger and logged by the system.
    """
    register = {erasure.citizen_id: erasure for erasure in entries(engine)}
    if not register:
        return []
    with retention.erasing_session(engine) as session:
        rows = session.exec(select(Citizen.id, Citizen.created_at)
                            .where(Citizen.id.in_(list(register)))).all()
        back = [citizen_id for citizen_id, created_at in rows
                if created_at == register[citizen_id].created_at]
        if not back:
            return []
        counts = retention.delete_citizens(session, back)
        retention.record_erasure(session, now or clock.now(), counts)
        for citizen_id in back:
            audit.log(session, None, "erase", "citizen", citizen_id, detail="erasure register")
        session.commit()
    return back
