"""Export of lists to CSV and Excel, with cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from model import audit, companies, i18n, placements
from model.access import Actor, require
from model.clock import LOCAL_TZ
from model.db import write_session
from model.errors import ValidationError
from model.people import visible_citizens
from model.tables import (
    BENEFIT_TYPES,
    PLACEMENT_KINDS,
    STAGES,
    Citizen,
    Company,
    Contact,
    FollowUp,
    HousingArea,
    Initiative,
    Placement,
    Sprint,
    SprintCard,
    Staff,
)

# A cell starting with one of these is run as a formula by Excel or LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel refuses in a sheet name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# The header of every column of an import or export, as a catalogue key (Danish and English).
COLUMN_KEYS = {
    "id": "data.col_id",
    "first_name": "data.col_first_name",
    "last_name": "data.col_last_name",
    "birth_year": "data.col_birth_year",
    "target_group": "data.col_target_group",
    "benefit_type": "data.col_benefit_type",
    "match_group": "data.col_match_group",
    "dagpenge_end_date": "data.col_dagpenge_end_date",
    "housing_area": "data.col_housing_area",
    "initiative": "data.col_initiative",
    "external_ref": "data.col_external_ref",
    "wishes": "data.col_wishes",
    "qualifications": "data.col_qualifications",
    "company": "data.col_company",
    "cvr": "data.col_cvr",
    "industry": "data.col_industry",
    "municipality": "data.col_municipality",
    "contact_person": "data.col_contact_person",
    "phone": "data.col_phone",
    "agreement_kind": "data.col_agreement_kind",
    "agreement_since": "data.col_agreement_since",
    "housing_supplier": "data.col_housing_supplier",
    "placements": "data.col_placements",
    "kind": "data.col_kind",
    "start_date": "data.col_start_date",
    "planned_end_date": "data.col_planned_end_date",
    "actual_end_date": "data.col_actual_end_date",
    "hours_per_week": "data.col_hours_per_week",
    "hourly_wage": "data.col_hourly_wage",
    "status": "data.col_status",
    "result": "data.col_result",
    "citizen": "data.col_citizen",
    "consultant": "data.col_consultant",
    "staff": "data.col_staff",
    "contacted_at": "data.col_contacted_at",
    "channel": "data.col_channel",
    "outcome": "data.col_outcome",
    "note": "data.col_note",
    "next_step": "data.col_next_step",
    "next_step_date": "data.col_next_step_date",
    "placement_id": "data.col_placement_id",
    "due_date": "data.col_due_date",
    "done_at": "data.col_done_at",
    "done_by": "data.col_done_by",
    "sprint": "data.col_sprint",
    "stage": "data.col_stage",
    "stage_since": "data.col_stage_since",
    "park_reason": "data.col_park_reason",
    "created_at": "data.col_created_at",
}


# Formula-safe cells and files -------------------------------------------------------------------

def safe_cell(value: object) -> object:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe.

    Lists (wishes, qualifications) become one comma-separated text first.
    """
    if isinstance(value, (list, tuple, set)):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and column name made safe; moments in Danish time, no zone."""
    safe = frame.copy()
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            safe.isetitem(position, column.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None))
        elif column.dtype == object or pd.api.types.is_string_dtype(column):
            safe.isetitem(position, column.map(safe_cell).astype(object))
    return safe


def _csv_cell(value: object) -> object:
    """Dates as dd-mm-åååå, the way Danish Excel reads them back."""
    if value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and semicolons, as Danish Excel opens it directly."""
    safe = safe_frame(frame)
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if column.dtype == object or pd.api.types.is_datetime64_any_dtype(column):
            safe.isetitem(position, column.astype(object).map(_csv_cell))
    # CRLF as Excel writes it; a line ending inside a cell (\r or \n) is then always quoted.
    return safe.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")


def sheet_name(name: str) -> str:
    """A valid Excel sheet name: no []:*?/\\ and at most 31 characters."""
    return SHEET_NAME_FORBIDDEN.sub("-", str(name))[:31] or "Ark"


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per frame; dates as dd-mm-åååå, the header row frozen."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            title = sheet_name(name)
            safe_frame(frame).to_excel(writer, sheet_name=title, index=False)
            sheet = writer.sheets[title]
            sheet.freeze_panes = "A2"
            for cells in sheet.columns:
                for cell in cells:
                    if isinstance(cell.value, datetime):
                        cell.number_format = "DD-MM-YYYY HH:MM"
                    elif isinstance(cell.value, date):
                        cell.number_format = "DD-MM-YYYY"
                longest = max((len(str(cell.value)) for cell in cells if cell.value is not None),
                              default=8)
                sheet.column_dimensions[cells[0].column_letter].width = min(max(longest, 8) + 2, 50)
    return buffer.getvalue()


# Codes shown by their name in the user's language: column -> {code: catalogue key}. The names
# are the areas' own, in their catalogue sections; a code whose name is missing stays a code.
CODE_KEYS: dict[str, dict[str, str]] = {
    "benefit_type": {code: f"citizens.benefit_{code}" for code in BENEFIT_TYPES},
    "agreement_kind": {code: f"company.agreement_{code}" for code in companies.AGREEMENT_KINDS},
    "kind": {code: f"placement.kind.{code}" for code in PLACEMENT_KINDS},
    "status": {code: f"placement.status.{code}" for code in placements.STATUSES},
    "result": {code: f"placement.result.{code}" for code in placements.RESULTS},
    "channel": {code: f"company.channel_{code}" for code in companies.CHANNELS},
    "outcome": {code: f"company.outcome_{code}" for code in companies.CONTACT_OUTCOMES},
    "stage": {code: f"stage.{code}" for code in STAGES},
}


def label(code: object, keys: dict[str, str], lang: str = "da") -> object:
    """The name of a code in `lang`; a code without one is shown as it is."""
    return i18n.code_label(keys, code, lang) if isinstance(code, str) else code


def with_headers(frame: pd.DataFrame, lang: str = "da") -> pd.DataFrame:
    """The frame for people: codes by their names, columns named in the user's language."""
    named = frame.copy()
    for column, keys in CODE_KEYS.items():
        if column in named.columns:
            named[column] = named[column].map(lambda code, keys=keys: label(code, keys, lang))
    return named.rename(columns={c: i18n.t(COLUMN_KEYS[c], lang) for c in named.columns
                                 if c in COLUMN_KEYS})


# The lists that can be exported ------------------------------------------------------------------

def _local(moment: datetime | None) -> datetime | None:
    """A stored UTC moment as Danish wall-clock time (naive, as a spreadsheet wants it)."""
    if moment is None or pd.isna(moment):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _frame(rows, columns: list[str], moments: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
    for column in moments:
        frame[column] = frame[column].map(_local).astype(object)
    return frame


def _full_name(citizen=Citizen):
    return citizen.first_name + " " + citizen.last_name


def export_citizens(session: Session, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """Borgere within the actor's teams, with area, initiative and consultant by name."""
    require(actor, "citizen.read")
    columns = ["id", "first_name", "last_name", "birth_year", "target_group", "benefit_type",
               "match_group", "dagpenge_end_date", "housing_area", "initiative", "consultant",
               "external_ref", "wishes", "qualifications", "created_at"]
    stmt = (select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.birth_year,
                   Citizen.target_group, Citizen.benefit_type, Citizen.match_group,
                   Citizen.dagpenge_end_date, HousingArea.name, Initiative.name, Staff.name,
                   Citizen.external_ref, Citizen.wishes, Citizen.qualifications, Citizen.created_at)
            .outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
            .outerjoin(Initiative, Initiative.id == Citizen.initiative_id)
            .outerjoin(Staff, Staff.id == Citizen.consultant_id)
            .order_by(Citizen.last_name, Citizen.first_name, Citizen.id))
    rows = session.exec(visible_citizens(actor, stmt).limit(limit)).all()
    return _frame(rows, columns, moments=("created_at",))


def export_companies(session: Session, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """Virksomheder with their number of placements (counted in SQL)."""
    require(actor, "company.read")
    columns = ["id", "company", "cvr", "industry", "municipality", "contact_person", "phone",
               "agreement_kind", "agreement_since", "housing_supplier", "placements"]
    placements = (select(Placement.company_id, func.count(Placement.id).label("n"))
                  .group_by(Placement.company_id).subquery())
    rows = session.exec(
        select(Company.id, Company.name, Company.cvr, Company.industry, Company.municipality,
               Company.contact_person, Company.phone, Company.agreement_kind,
               Company.agreement_since, Company.housing_supplier,
               func.coalesce(placements.c.n, 0))
        .outerjoin(placements, placements.c.company_id == Company.id)
        .order_by(Company.name, Company.id).limit(limit)
    ).all()
    return _frame(rows, columns)


def export_placements(session: Session, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """Forløb of the citizens within the actor's teams (with what an import needs to find them)."""
    require(actor, "placement.read")
    columns = ["id", "first_name", "last_name", "birth_year", "external_ref", "company", "cvr",
               "kind", "start_date", "planned_end_date", "actual_end_date", "hours_per_week",
               "hourly_wage", "status", "result", "consultant"]
    stmt = (select(Placement.id, Citizen.first_name, Citizen.last_name, Citizen.birth_year,
                   Citizen.external_ref, Company.name, Company.cvr, Placement.kind, Placement.start_date,
                   Placement.planned_end_date, Placement.actual_end_date, Placement.hours_per_week,
                   Placement.hourly_wage, Placement.status, Placement.result, Staff.name)
            .join(Citizen, Citizen.id == Placement.citizen_id)
            .join(Company, Company.id == Placement.company_id)
            .outerjoin(Staff, Staff.id == Placement.consultant_id)
            .order_by(Placement.start_date.desc(), Placement.id))
    return _frame(session.exec(visible_citizens(actor, stmt).limit(limit)).all(), columns)


def export_contacts(session: Session, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """Opsøgende kontakter; one about a citizen outside the actor's teams is left out."""
    require(actor, "company.read")
    columns = ["id", "contacted_at", "company", "staff", "citizen", "channel", "outcome", "note",
               "next_step", "next_step_date"]
    stmt = (select(Contact.id, Contact.contacted_at, Company.name, Staff.name, _full_name(),
                   Contact.channel, Contact.outcome, Contact.note, Contact.next_step,
                   Contact.next_step_date)
            .join(Company, Company.id == Contact.company_id)
            .outerjoin(Staff, Staff.id == Contact.staff_id)
            .outerjoin(Citizen, Citizen.id == Contact.citizen_id)
            .order_by(Contact.contacted_at.desc(), Contact.id))
    # Without a citizen the outer join leaves Citizen.team_id NULL, which the team filter lets through.
    return _frame(session.exec(visible_citizens(actor, stmt).limit(limit)).all(), columns,
                  moments=("contacted_at",))


def export_follow_ups(session: Session, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """Opfølgninger of the placements of citizens within the actor's teams."""
    require(actor, "placement.read")
    columns = ["id", "placement_id", "citizen", "company", "kind", "due_date", "done_at",
               "done_by", "note"]
    stmt = (select(FollowUp.id, FollowUp.placement_id, _full_name(), Company.name, Placement.kind,
                   FollowUp.due_date, FollowUp.done_at, Staff.name, FollowUp.note)
            .join(Placement, Placement.id == FollowUp.placement_id)
            .join(Citizen, Citizen.id == Placement.citizen_id)
            .join(Company, Company.id == Placement.company_id)
            .outerjoin(Staff, Staff.id == FollowUp.done_by)
            .order_by(FollowUp.due_date, FollowUp.id))
    return _frame(session.exec(visible_citizens(actor, stmt).limit(limit)).all(), columns,
                  moments=("done_at",))


def export_sprint_cards(session: Session, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """Every sprint's cards of citizens within the actor's teams, with stage and company."""
    require(actor, "sprint.read")
    columns = ["id", "sprint", "first_name", "last_name", "consultant", "stage", "stage_since",
               "company", "park_reason"]
    consultant = aliased(Staff)
    stmt = (select(SprintCard.id, Sprint.name, Citizen.first_name, Citizen.last_name,
                   consultant.name, SprintCard.stage, SprintCard.stage_since, Company.name,
                   SprintCard.park_reason)
            .join(Sprint, Sprint.id == SprintCard.sprint_id)
            .join(Citizen, Citizen.id == SprintCard.citizen_id)
            .outerjoin(consultant, consultant.id == SprintCard.consultant_id)
            .outerjoin(Company, Company.id == SprintCard.company_id)
            .order_by(Sprint.start_date.desc(), Sprint.id, Citizen.last_name, Citizen.first_name))
    return _frame(session.exec(visible_citizens(actor, stmt).limit(limit)).all(), columns,
                  moments=("stage_since",))


# The exportable lists: name -> (query, the table its audit entry names).
EXPORTS: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {
    "citizens": (export_citizens, "citizen"),
    "companies": (export_companies, "company"),
    "placements": (export_placements, "placement"),
    "contacts": (export_contacts, "contact"),
    "follow_ups": (export_follow_ups, "follow_up"),
    "sprint_cards": (export_sprint_cards, "sprint_card"),
}
# For each exported table: the query from its row ids to the citizens the rows are about.
CITIZEN_OF = {
    "citizen": lambda ids: select(Citizen.id).where(Citizen.id.in_(ids)),
    "placement": lambda ids: select(Placement.citizen_id).where(Placement.id.in_(ids)),
    "contact": lambda ids: select(Contact.citizen_id).where(Contact.id.in_(ids),
                                                            Contact.citizen_id.is_not(None)),
    "follow_up": lambda ids: select(Placement.citizen_id).join(
        FollowUp, FollowUp.placement_id == Placement.id).where(FollowUp.id.in_(ids)),
    "sprint_card": lambda ids: select(SprintCard.citizen_id).where(SprintCard.id.in_(ids)),
}
ID_CHUNK = 5_000


def _citizens_in(session: Session, table: str, frame: pd.DataFrame) -> set[int]:
    """The citizens an exported list's rows are about (none for companies), for the audit log."""
    if table not in CITIZEN_OF or frame.empty:
        return set()
    ids = [int(i) for i in frame["id"]]
    return {int(citizen_id) for start in range(0, len(ids), ID_CHUNK)
            for citizen_id in session.exec(CITIZEN_OF[table](ids[start:start + ID_CHUNK]))}


def log_download(engine: Engine, actor: Actor, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A list shown on a page, downloaded as a file: allowed by role, logged as an export with its
    rows (and the ids of the citizens in it, never their names); returns the list."""
    require(actor, "data.export")
    ids = frame["citizen_id"].dropna() if "citizen_id" in frame else []
    with write_session(engine) as session:
        audit.log(session, actor, "export", "download", None,
                  detail=f"list={name[:80]};rows={len(frame)}", citizen_ids=ids)
        session.commit()
    return frame


def export_list(engine: Engine, actor: Actor, name: str, *, lang: str = "da") -> pd.DataFrame:
    """One list with headers in `lang`, for CSV and Excel; the export is written to the audit log."""
    require(actor, "data.export")
    if name not in EXPORTS:
        raise ValidationError("error.unknown_kind")
    query, table = EXPORTS[name]
    with write_session(engine) as session:
        frame = query(session, actor)
        audit.log(session, actor, "export", table, None, detail=f"rows={len(frame)}",
                  citizen_ids=_citizens_in(session, table, frame))
        session.commit()
    return with_headers(frame, lang)


def export_preview(engine: Engine, actor: Actor, name: str, *, limit: int,
                   lang: str = "da") -> tuple[pd.DataFrame, bool]:
    """The first `limit` rows of a list as export_list gives them, and whether it holds more;
    the rows shown are written to the audit log like an export."""
    require(actor, "data.export")
    if name not in EXPORTS:
        raise ValidationError("error.unknown_kind")
    query, table = EXPORTS[name]
    with write_session(engine) as session:
        frame = query(session, actor, limit=limit + 1)
        more = len(frame) > limit
        frame = frame.head(limit)
        audit.log(session, actor, "export", table, None,
                  detail=f"preview rows={len(frame)}" + (" of more" if more else ""),
                  citizen_ids=_citizens_in(session, table, frame))
        session.commit()
    return with_headers(frame, lang), more
