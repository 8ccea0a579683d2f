"""A citizen's rights: indsigt (right of access, GDPR art. 15) and sletning (erasure, art. 17).

The access report holds everything Jobtavlen has about one citizen, including who looked at
their record and when; it comes as an Excel workbook (one sheet per category) or as JSON, and
making it is logged. Erasure removes the citizen and every row that belongs to them in one
transaction (see retention.delete_citizens); the audit log, including the entry of the erasure
itself, stays until its own period runs out, and the deletion ledger keeps the counts only.
Before an erasure, the free text of the rest of the database (a company contact's note, a
programme item, a follow-up note) is searched for the citizen's name; each hit can be redacted in
the erasure's own transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from model import audit, erasures, exporting, i18n, outcomes, retention
from model.access import Actor, require
from model.clock import LOCAL_TZ
from model.db import write_session
from model.errors import ValidationError
from model.people import visible_citizen
from model.tables import (
    AgendaItem,
    AppUser,
    AuditLog,
    AuditSubject,
    Citizen,
    Company,
    Contact,
    Event,
    EventParticipant,
    FollowUp,
    HousingArea,
    Initiative,
    Outcome,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    Staff,
    StageChange,
    Team,
    utcnow,
)

# The sheets of the access report, in order, with their columns.
SHEETS: dict[str, list[str]] = {
    "citizen": ["field", "value"],
    "placements": ["id", "company", "kind", "start_date", "planned_end_date", "actual_end_date",
                   "hours_per_week", "hourly_wage", "status", "result", "consultant", "sprint"],
    "follow_ups": ["id", "placement_id", "company", "due_date", "done_at", "done_by", "note"],
    "contacts": ["id", "contacted_at", "company", "staff", "channel", "outcome", "note",
                 "next_step", "next_step_date"],
    "outcomes": ["measured_at", "months_after_start", "status"],
    "progression": ["measured_at", "scale", "score"],
    "sprint_cards": ["id", "sprint", "sprint_start", "consultant", "stage", "stage_since",
                     "company", "park_reason"],
    "stage_changes": ["card_id", "sprint", "from_stage", "to_stage", "changed_at", "changed_by"],
    "events": ["event_date", "kind", "title", "company"],
    "access_log": ["at", "user", "staff", "action", "table_name", "row_id"],
}
# The citizen's own fields, in the order the first sheet lists them.
CITIZEN_FIELDS = ["id", "first_name", "last_name", "birth_year", "target_group", "benefit_type",
                  "match_group", "dagpenge_end_date", "housing_area", "team", "initiative",
                  "consultant", "wishes", "qualifications", "external_ref", "created_at",
                  "updated_at"]
# Stored codes shown by their names: column -> the catalogue key of each code.
CODE_PREFIXES = {"kind": "placement.kind.", "status": "placement.status.",
                 "result": "placement.result.", "channel": "company.channel_",
                 "outcome": "company.outcome_", "stage": "stage.", "from_stage": "stage.",
                 "to_stage": "stage.", "benefit_type": "citizens.benefit_"}
SHEET_CODES = {"outcomes": {"status": outcomes.STATUS_KEYS}}


def _rows(session: Session, stmt) -> list[tuple]:
    return [tuple(row) for row in session.execute(stmt).all()]


def _citizen_sheet(session: Session, citizen_id: int) -> pd.DataFrame:
    consultant = aliased(Staff)
    row = session.execute(
        select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.birth_year,
               Citizen.target_group, Citizen.benefit_type, Citizen.match_group,
               Citizen.dagpenge_end_date, HousingArea.name, Team.name, Initiative.name,
               consultant.name, Citizen.wishes, Citizen.qualifications, Citizen.external_ref,
               Citizen.created_at, Citizen.updated_at)
        .outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
        .outerjoin(Team, Team.id == Citizen.team_id)
        .outerjoin(Initiative, Initiative.id == Citizen.initiative_id)
        .outerjoin(consultant, consultant.id == Citizen.consultant_id)
        .where(Citizen.id == citizen_id)
    ).one()
    return pd.DataFrame(list(zip(CITIZEN_FIELDS, row)), columns=SHEETS["citizen"])


def _placement_ids(session: Session, citizen_id: int) -> list[int]:
    return list(session.execute(select(Placement.id).where(Placement.citizen_id == citizen_id))
                .scalars())


def _collect(session: Session, citizen_id: int) -> dict[str, list[tuple]]:
    """Every row about the citizen, per sheet (the citizen sheet and the log apart)."""
    consultant, done_by, mover = aliased(Staff), aliased(Staff), aliased(Staff)
    placements = select(Placement.id).where(Placement.citizen_id == citizen_id)
    cards = select(SprintCard.id).where(SprintCard.citizen_id == citizen_id)
    return {
        "placements": _rows(session, select(
            Placement.id, Company.name, Placement.kind, Placement.start_date,
            Placement.planned_end_date, Placement.actual_end_date, Placement.hours_per_week,
            Placement.hourly_wage, Placement.status, Placement.result, consultant.name, Sprint.name)
            .join(Company, Company.id == Placement.company_id)
            .outerjoin(consultant, consultant.id == Placement.consultant_id)
            .outerjoin(Sprint, Sprint.id == Placement.sprint_id)
            .where(Placement.citizen_id == citizen_id).order_by(Placement.start_date, Placement.id)),
        "follow_ups": _rows(session, select(
            FollowUp.id, FollowUp.placement_id, Company.name, FollowUp.due_date, FollowUp.done_at,
            done_by.name, FollowUp.note)
            .join(Placement, Placement.id == FollowUp.placement_id)
            .join(Company, Company.id == Placement.company_id)
            .outerjoin(done_by, done_by.id == FollowUp.done_by)
            .where(FollowUp.placement_id.in_(placements)).order_by(FollowUp.due_date, FollowUp.id)),
        "contacts": _rows(session, select(
            Contact.id, Contact.contacted_at, Company.name, Staff.name, Contact.channel,
            Contact.outcome, Contact.note, Contact.next_step, Contact.next_step_date)
            .join(Company, Company.id == Contact.company_id)
            .outerjoin(Staff, Staff.id == Contact.staff_id)
            .where(Contact.citizen_id == citizen_id).order_by(Contact.contacted_at, Contact.id)),
        "outcomes": _rows(session, select(Outcome.measured_at, Outcome.months_after_start,
                                          Outcome.status)
                          .where(Outcome.citizen_id == citizen_id)
                          .order_by(Outcome.measured_at, Outcome.id)),
        "progression": _rows(session, select(Progression.measured_at, Progression.scale,
                                             Progression.score)
                             .where(Progression.citizen_id == citizen_id)
                             .order_by(Progression.measured_at, Progression.id)),
        "sprint_cards": _rows(session, select(
            SprintCard.id, Sprint.name, Sprint.start_date, consultant.name, SprintCard.stage,
            SprintCard.stage_since, Company.name, SprintCard.park_reason)
            .join(Sprint, Sprint.id == SprintCard.sprint_id)
            .outerjoin(consultant, consultant.id == SprintCard.consultant_id)
            .outerjoin(Company, Company.id == SprintCard.company_id)
            .where(SprintCard.citizen_id == citizen_id).order_by(Sprint.start_date, SprintCard.id)),
        "stage_changes": _rows(session, select(
            StageChange.card_id, Sprint.name, StageChange.from_stage, StageChange.to_stage,
            StageChange.changed_at, mover.name)
            .join(SprintCard, SprintCard.id == StageChange.card_id)
            .join(Sprint, Sprint.id == SprintCard.sprint_id)
            .outerjoin(mover, mover.id == StageChange.changed_by)
            .where(StageChange.card_id.in_(cards))
            .order_by(StageChange.changed_at, StageChange.id)),
        "events": _rows(session, select(Event.event_date, Event.kind, Event.title, Company.name)
                        .join(EventParticipant, EventParticipant.event_id == Event.id)
                        .outerjoin(Company, Company.id == Event.company_id)
                        .where(EventParticipant.citizen_id == citizen_id)
                        .order_by(Event.event_date, Event.id)),
    }


def _access_log(session: Session, citizen_id: int, rows: dict[str, list[tuple]]) -> list[tuple]:
    """Who looked at or changed the citizen's record and its rows, or had them in a search, list,
    download or group sheet, and when (oldest first)."""
    ids = {
        "citizen": [citizen_id],
        "placement": [r[0] for r in rows["placements"]],
        "follow_up": [r[0] for r in rows["follow_ups"]],
        "contact": [r[0] for r in rows["contacts"]],
        "sprint_card": [r[0] for r in rows["sprint_cards"]],
        "outcome": list(session.execute(select(Outcome.id).where(
            Outcome.citizen_id == citizen_id)).scalars()),
        "progression": list(session.execute(select(Progression.id).where(
            Progression.citizen_id == citizen_id)).scalars()),
    }
    shown = select(AuditSubject.audit_id).where(AuditSubject.citizen_id == citizen_id)
    concerns = or_(AuditLog.id.in_(shown),  # every search, list, download and sheet that showed them
                   *(and_(AuditLog.table_name == table, AuditLog.row_id.in_(row_ids))
                     for table, row_ids in ids.items() if row_ids))
    return _rows(session, select(AuditLog.at, AppUser.username, Staff.name, AuditLog.action,
                                 AuditLog.table_name, AuditLog.row_id)
                 .outerjoin(AppUser, AppUser.id == AuditLog.user_id)
                 .outerjoin(Staff, Staff.id == AppUser.staff_id)
                 .where(concerns).order_by(AuditLog.at, AuditLog.id))


def access_report(engine: Engine, actor: Actor, citizen_id: int) -> dict[str, pd.DataFrame]:
    """Everything about one citizen the actor may see, one frame per sheet; the export is logged
    first, so the report's own access log lists it."""
    require(actor, "privacy.access")
    with write_session(engine) as session:
        if visible_citizen(session, actor, citizen_id) is None:
            raise ValidationError("error.not_found")
        audit.log(session, actor, "export", "citizen", citizen_id, detail="right_of_access")
        session.flush()
        rows = _collect(session, citizen_id)
        report = {"citizen": _citizen_sheet(session, citizen_id)}
        report |= {name: pd.DataFrame(data, columns=SHEETS[name]) for name, data in rows.items()}
        report["access_log"] = pd.DataFrame(_access_log(session, citizen_id, rows),
                                            columns=SHEETS["access_log"])
        session.commit()
    return {name: report[name] for name in SHEETS}


def _label(value: object, key: str | None, lang: str) -> object:
    if not isinstance(value, str) or key is None or key not in i18n.CATALOGUE[lang]:
        return value
    return i18n.t(key, lang)


def _code_key(sheet: str, column: str, code: object) -> str | None:
    keys = SHEET_CODES.get(sheet, {}).get(column)
    if keys is not None:
        return keys.get(str(code))
    if sheet == "events" and column == "kind":
        return f"event.kind.{code}"
    if sheet == "access_log" and column == "action":
        return f"privacy.action_{code}"
    if sheet == "access_log" and column == "table_name":
        return f"privacy.record_{code}"
    prefix = CODE_PREFIXES.get(column)
    return f"{prefix}{code}" if prefix else None


def _local(value: object) -> object:
    """Moments in Danish time without a zone (as a spreadsheet wants them)."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value
    return value


def readable(report: dict[str, pd.DataFrame], lang: str = "da") -> dict[str, pd.DataFrame]:
    """The report for people: sheets and columns named in `lang`, codes by their names."""
    sheets = {}
    for name, frame in report.items():
        shown = frame.copy()
        if name == "citizen":
            keys = [f"privacy.col_{field}" for field in shown["field"]]
            shown["value"] = [_local(_label(value, _code_key(name, field, value), lang))
                              for field, value in zip(shown["field"], shown["value"])]
            shown["field"] = [i18n.t(key, lang) for key in keys]
        for column in shown.columns:
            shown[column] = [_local(_label(value, _code_key(name, column, value), lang))
                             for value in shown[column]]
        shown.columns = [i18n.t(f"privacy.col_{column}", lang) for column in shown.columns]
        sheets[i18n.t(f"privacy.sheet_{name}", lang)] = shown
    return sheets


def access_workbook(report: dict[str, pd.DataFrame], lang: str = "da") -> bytes:
    """The report as one Excel workbook, a sheet per category, formula-safe."""
    return exporting.to_excel_bytes(readable(report, lang))


def _json_value(value: object) -> object:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None  # None, NaN and NaT alike
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def access_json(report: dict[str, pd.DataFrame]) -> bytes:
    """The report as JSON (UTF-8): the citizen as an object, every other category as a list."""
    data: dict[str, object] = {
        "citizen": {field: _json_value(value)
                    for field, value in zip(report["citizen"]["field"], report["citizen"]["value"])}
    }
    for name, frame in report.items():
        if name != "citizen":
            data[name] = [{column: _json_value(value) for column, value in zip(frame.columns, row)}
                          for row in frame.itertuples(index=False, name=None)]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# --- Erasure ---------------------------------------------------------------------------------


def _normal(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def erasure_preview(engine: Engine, actor: Actor, citizen_id: int) -> dict[str, int]:
    """How many rows of each table an erasure of the citizen would remove (or anonymise)."""
    require(actor, "privacy.erase")
    placements = select(Placement.id).where(Placement.citizen_id == citizen_id)
    cards = select(SprintCard.id).where(SprintCard.citizen_id == citizen_id)
    counts = {
        "stage_change": select(func.count()).where(StageChange.card_id.in_(cards)),
        "sprint_card": select(func.count()).where(SprintCard.citizen_id == citizen_id),
        "follow_up": select(func.count()).where(FollowUp.placement_id.in_(placements)),
        "placement": select(func.count()).where(Placement.citizen_id == citizen_id),
        "contact": select(func.count()).where(Contact.citizen_id == citizen_id),
        "outcome": select(func.count()).where(Outcome.citizen_id == citizen_id),
        "progression": select(func.count()).where(Progression.citizen_id == citizen_id),
        "event_participant": select(func.count()).where(EventParticipant.citizen_id == citizen_id),
    }
    with Session(engine) as session:
        if visible_citizen(session, actor, citizen_id) is None:
            raise ValidationError("error.not_found")
        return {table: int(session.execute(stmt).scalar_one()) for table, stmt in counts.items()}


# Free text where a colleague may have named a citizen about something else: table -> its text
# columns (the citizen's own rows are removed or emptied by the erasure itself).
FREE_TEXT = {
    "contact": (Contact, ("note", "next_step", "outcome")),
    "agenda_item": (AgendaItem, ("title", "note")),
    "follow_up": (FollowUp, ("note",)),
    "event": (Event, ("title", "note")),
    "sprint_card": (SprintCard, ("park_reason",)),
    "sprint": (Sprint, ("name", "focus")),
}
REDACTED = "[navn slettet]"


@dataclass(frozen=True)
class Mention:
    """One text field that names the citizen: where, and the text as it stands."""
    table: str
    row_id: int
    column: str
    text: str


def _name_pattern(citizen: Citizen) -> re.Pattern:
    """The full name, or the last name alone, as whole words in any case."""
    names = [f"{citizen.first_name} {citizen.last_name}", citizen.last_name]
    words = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names if name.strip())
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def _not_own_rows(citizen_id: int) -> dict[str, object]:
    """Leaves out the citizen's own rows in FREE_TEXT's tables: the erasure removes or empties them."""
    placements = select(Placement.id).where(Placement.citizen_id == citizen_id)
    return {"contact": or_(Contact.citizen_id.is_(None), Contact.citizen_id != citizen_id),
            "follow_up": FollowUp.placement_id.not_in(placements),
            "sprint_card": SprintCard.citizen_id != citizen_id}


def _mentions(session: Session, citizen: Citizen) -> list[Mention]:
    pattern, last = _name_pattern(citizen), citizen.last_name.strip()
    not_own = _not_own_rows(citizen.id)
    found = []
    for table, (model, columns) in FREE_TEXT.items():
        for column in columns:
            field = getattr(model, column)
            # SQL narrows by the last name (LIKE folds ASCII case only, so both spellings); the
            # pattern then keeps whole words only.
            stmt = select(model.id, field).where(or_(field.ilike(f"%{last}%"),
                                                     field.contains(last),
                                                     field.contains(last.upper())))
            if table in not_own:
                stmt = stmt.where(not_own[table])
            found += [Mention(table, int(row_id), column, text)
                      for row_id, text in session.execute(stmt.order_by(model.id))
                      if text and pattern.search(text)]
    return found


def name_mentions(engine: Engine, actor: Actor, citizen_id: int) -> list[Mention]:
    """Every free-text field outside the citizen's own rows that names them (full name or last
    name), for the erasure to offer redacting; looking is logged like a view of the citizen."""
    require(actor, "privacy.erase")
    with write_session(engine) as session:
        citizen = visible_citizen(session, actor, citizen_id)
        if citizen is None or not citizen.last_name.strip():
            raise ValidationError("error.not_found")
        found = _mentions(session, citizen)
        audit.log(session, actor, "find_mentions", "citizen", citizen_id, detail=f"hits={len(found)}")
        session.commit()
    return found


def _redact(session: Session, actor: Actor, citizen: Citizen,
            chosen: Iterable[tuple[str, int, str]]) -> int:
    """Replace the citizen's name with REDACTED in the chosen fields that name them (anything else
    chosen is ignored); returns how many fields changed."""
    wanted = {(table, int(row_id), column) for table, row_id, column in chosen}
    pattern = _name_pattern(citizen)
    changed = 0
    for hit in _mentions(session, citizen):
        if (hit.table, hit.row_id, hit.column) not in wanted:
            continue
        model = FREE_TEXT[hit.table][0]
        values = {hit.column: pattern.sub(REDACTED, hit.text)}
        if "version" in model.model_fields:
            values["version"] = model.version + 1
        session.execute(update(model).where(model.id == hit.row_id).values(**values))
        audit.log(session, actor, "redact", hit.table, hit.row_id, detail=hit.column)
        changed += 1
    return changed


def erase_citizen(engine: Engine, actor: Actor, citizen_id: int, *, confirm_name: str,
                  redact: Iterable[tuple[str, int, str]] = (),
                  now: datetime | None = None) -> dict[str, int]:
    """Erase a citizen on request, confirmed by typing their full name; one transaction.

    `redact`: (table, row id, column) of name_mentions' hits whose text gets the name replaced.
    Returns the rows removed per table (contacts are kept for the company, anonymised; "redacted":
    the fields redacted). The erasure is logged (the audit entry stays) and counted in the
    deletion ledger.
    """
    require(actor, "privacy.erase")
    with retention.erasing_session(engine) as session:
        citizen = visible_citizen(session, actor, citizen_id)
        if citizen is None:
            raise ValidationError("error.not_found")
        if _normal(confirm_name) != _normal(f"{citizen.first_name} {citizen.last_name}"):
            raise ValidationError("error.privacy_confirm_name")
        session.expunge(citizen)
        now = now or utcnow()
        # In the register first, so a backup restored later cannot bring the citizen back.
        registered = erasures.Erasure(citizen_id, citizen.created_at, now)
        erasures.record(engine, registered)
        try:
            redacted = _redact(session, actor, citizen, redact)
            counts = retention.delete_citizens(session, [citizen_id])
            retention.record_erasure(session, now, counts)
            audit.log(session, actor, "erase", "citizen", citizen_id,
                      detail=" ".join(f"{table}={n}" for table, n in counts.items() if n))
            session.commit()
            if redacted:
                counts = {**counts, "redacted": redacted}
        except BaseException:
            erasures.withdraw(engine, registered)
            raise
    return counts
