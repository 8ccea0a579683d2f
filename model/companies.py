"""Companies (virksomheder), their agreements, outreach contacts (opsøgende kontakter) and next steps."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import case, distinct, func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from model import audit, clock, freshness, metrics, validation
from model.access import Actor, require
from model.db import write_session
from model.errors import StaleVersion, ValidationError
from model.paging import Page
from model.people import visible_citizens
from model.tables import Citizen, Company, Contact, Placement, Staff, utcnow
from model.validation import check_free_text

AGREEMENT_KINDS = ("none", "samarbejdsaftale", "partnerskabsaftale", "virksomhedscenter")
CHANNELS = ("phone", "email", "visit", "meeting")
CONTACT_OUTCOMES = ("interested", "placement_agreed", "agreement", "not_now", "no_answer")

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
PHONE = re.compile(r"\+?[\d ()./-]*")
MAX_PHONE = 30
MAX_NOTE = 2000
# The longest silence asked about: ten years.
MAX_SILENT_DAYS = 3650
SIMILAR_NAME_RATIO = 0.85
# Company-form suffixes that say nothing about which company it is ("Bageri ApS" = "Bageri").
COMPANY_SUFFIXES = ("aps", "a/s", "i/s", "k/s", "p/s", "ivs", "amba", "a.m.b.a.", "smba", "s.m.b.a.",
                    "fmba", "f.m.b.a.", "as", "is")

LIST_COLUMNS = ["id", "name", "cvr", "industry", "municipality", "agreement_kind", "housing_supplier",
                "placements", "citizens", "last_contact"]
CONTACT_COLUMNS = ["id", "contacted_at", "channel", "staff_id", "staff", "staff_initials",
                   "citizen_id", "citizen", "outcome", "note", "next_step", "next_step_date",
                   "next_step_done_at"]
PLACEMENT_COLUMNS = ["id", "citizen_id", "citizen", "kind", "start_date", "planned_end_date",
                     "actual_end_date", "status", "result"]
DUE_COLUMNS = ["id", "next_step_date", "next_step", "overdue", "company_id", "company", "staff_id",
               "staff_initials", "citizen_id", "citizen", "channel", "outcome", "contacted_at"]


@dataclass(frozen=True)
class CompanyProfile:
    """A company with its contacts log and its placements (citizen names only where visible)."""

    company: Company
    contacts: pd.DataFrame
    placements: pd.DataFrame


def company_choices(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Companies by name, for pickers."""
    return company_choice_page(engine, actor).rows


def company_choice_page(engine: Engine, actor: Actor, *, query: str = "",
                        limit: int | None = None, include: tuple[int, ...] = ()) -> Page:
    """Companies by name for a picker: those whose name or CVR number holds `query`, the first
    `limit` of them (plus the ids in `include`, so a current choice stays), and how many match."""
    require(actor, "sprint.read")
    check_free_text(query)
    text = query.strip()
    matches = [or_(_contains(Company.name, text), _contains(Company.cvr, re.sub(r"\s", "", text)))
               ] if text else []
    stmt = select(Company.id, Company.name).where(*matches).order_by(Company.name, Company.id)
    with Session(engine) as session:
        rows = session.exec(stmt.limit(limit)).all()
        total = len(rows)
        if limit is not None:
            total = int(session.exec(select(func.count(Company.id)).where(*matches)).one())
            missing = set(include) - {row[0] for row in rows}
            if missing:
                rows += session.exec(select(Company.id, Company.name)
                                     .where(Company.id.in_(missing))).all()
                rows.sort(key=lambda row: (row[1], row[0]))
    return Page(pd.DataFrame(rows, columns=["id", "name"]), total)


def valid_cvr(cvr: str) -> bool:
    """A CVR number: 8 digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11."""
    if len(cvr) != 8 or not (cvr.isascii() and cvr.isdigit()) or cvr[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(cvr, CVR_WEIGHTS)) % 11 == 0


def clean_cvr(cvr: str | None) -> str | None:
    """The CVR number as typed, without spaces or a "DK" prefix; None when empty."""
    if cvr is None:
        return None
    cleaned = re.sub(r"[\s-]", "", str(cvr))
    if cleaned[:2].upper() == "DK":
        cleaned = cleaned[2:]
    return cleaned or None


def normalise_cvr(cvr: str | None) -> str | None:
    """The cleaned CVR number, or None when empty; raises ValidationError when it is no CVR number."""
    cleaned = clean_cvr(cvr)
    if cleaned is not None and not valid_cvr(cleaned):
        raise ValidationError("error.cvr_invalid", cvr=cleaned)
    return cleaned


def clean_phone(phone: str | None) -> str:
    """A phone number as typed: digits, spaces and + ( ) . / - only ("+45 43 28 25 79")."""
    text = validation.clean_text(phone, MAX_PHONE)
    if not PHONE.fullmatch(text):
        raise ValidationError("error.phone_invalid")
    return text


def normalise_company_name(name: str) -> str:
    """Lower case, "&" as "og", accents, punctuation and company-form suffixes (ApS, A/S, I/S ...)
    dropped."""
    # Accents dropped (é as e); ø and æ have no decomposition and stay.
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = plain.lower().replace("&", " og ").split()
    while words and words[-1].strip(",.") in COMPANY_SUFFIXES:
        words.pop()
    text = " ".join(words)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def name_similarity(a: str, b: str) -> float:
    """How alike two company names are (0-1), after normalising case and suffixes."""
    left, right = normalise_company_name(a), normalise_company_name(b)
    if not left or not right:
        return 0.0
    return difflib.SequenceMatcher(None, left, right).ratio()


def _contains(column, text: str):
    """Case-insensitive "contains", with the user's % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _visible_citizen_ids(actor: Actor):
    return visible_citizens(actor, select(Citizen.id))


def _citizen_name(actor: Actor, citizen_id_column):
    """The citizen's full name where the actor may see the citizen, else NULL."""
    full_name = Citizen.first_name + " " + Citizen.last_name
    if actor.sees_all_teams or actor.team_id is None:
        return full_name
    return case((citizen_id_column.in_(_visible_citizen_ids(actor)),
                 full_name), else_=None)


def _local_day(moment: datetime | None) -> date | None:
    """The Danish calendar day of a moment; None for no moment (pandas may hand over NaT)."""
    return None if moment is None or pd.isna(moment) else metrics.local_day(moment)


def _cvr_taken(session: Session, cvr: str | None) -> ValidationError:
    taken_by = session.exec(select(Company.name).where(Company.cvr == cvr)).first()
    return ValidationError("error.cvr_taken", cvr=cvr, name=taken_by or "?")


def validate_company_fields(
    session: Session,
    *,
    name: str,
    cvr: str | None,
    industry: str,
    municipality: str,
    contact_person: str,
    phone: str,
    agreement_kind: str,
    agreement_since: date | None,
    exclude_id: int | None = None,
    today: date | None = None,
) -> dict:
    """The company's fields cleaned and checked in the caller's session (also for imports);
    raises ValidationError on bad input. A given CVR number must be valid and not in use."""
    name = validation.clean_line(name)
    if not name:
        raise ValidationError("error.name_required")
    texts = {"industry": validation.clean_line(industry),
             "municipality": validation.clean_line(municipality),
             "contact_person": validation.clean_line(contact_person), "phone": clean_phone(phone)}
    check_free_text(name, *texts.values())
    cvr = normalise_cvr(cvr)
    if agreement_kind not in AGREEMENT_KINDS:
        raise ValidationError("error.company_unknown_agreement")
    today = today or clock.today()
    if agreement_kind == "none":
        agreement_since = None
    elif agreement_since is None:
        agreement_since = today
    elif not isinstance(agreement_since, date):
        raise ValidationError("error.date_invalid")
    elif agreement_since > today:
        raise ValidationError("error.agreement_since_future")
    else:
        validation.check_date(agreement_since)
    if cvr is not None:
        clash = select(Company.name).where(Company.cvr == cvr)
        if exclude_id is not None:
            clash = clash.where(Company.id != exclude_id)
        taken_by = session.exec(clash).first()
        if taken_by is not None:
            raise ValidationError("error.cvr_taken", cvr=cvr, name=taken_by)
    return {"name": name, "cvr": cvr, "agreement_kind": agreement_kind,
            "agreement_since": agreement_since, **texts}




def create_company(
    engine: Engine,
    actor: Actor,
    *,
    name: str,
    cvr: str | None = None,
    industry: str = "",
    municipality: str = "",
    contact_person: str = "",
    phone: str = "",
    agreement_kind: str = "none",
    agreement_since: date | None = None,
    housing_supplier: bool = False,
) -> int:
    """Create a company; a given CVR number must be valid and not in use. Returns its id.

    An agreement without a date counts from today.
    """
    require(actor, "company.write")
    with write_session(engine) as session:
        fields = validate_company_fields(
            session, name=name, cvr=cvr, industry=industry, municipality=municipality,
            contact_person=contact_person, phone=phone, agreement_kind=agreement_kind,
            agreement_since=agreement_since)
        company = Company(**fields, housing_supplier=bool(housing_supplier))
        session.add(company)
        try:
            session.flush()
        except IntegrityError:
            # Someone saved the same CVR number between our check and our insert.
            session.rollback()
            raise _cvr_taken(session, fields["cvr"]) from None
        audit.log(session, actor, "create", "company", company.id, detail=fields["name"])
        session.commit()
        return company.id


def update_company(
    engine: Engine,
    actor: Actor,
    company_id: int,
    *,
    expected_version: int,
    name: str | None = None,
    cvr: str | None = None,
    industry: str | None = None,
    municipality: str | None = None,
    contact_person: str | None = None,
    phone: str | None = None,
    agreement_kind: str | None = None,
    agreement_since: date | None = None,
    housing_supplier: bool | None = None,
) -> None:
    """Change a company; fields left at None keep their value, and cvr="" removes the CVR number.

    Setting the agreement to "none" clears its date; a new agreement without a date counts from today.
    Refused (StaleVersion) when someone saved the company after `expected_version` was read.
    """
    require(actor, "company.write")
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            raise ValidationError("error.not_found")
        kind = agreement_kind if agreement_kind is not None else company.agreement_kind
        since = agreement_since if agreement_since is not None else company.agreement_since
        if agreement_kind is not None and agreement_kind != company.agreement_kind \
                and agreement_since is None:
            since = None  # a new kind of agreement starts now unless a date is given
        fields = validate_company_fields(
            session, exclude_id=company_id,
            name=name if name is not None else company.name,
            cvr=cvr if cvr is not None else company.cvr,
            industry=industry if industry is not None else company.industry,
            municipality=municipality if municipality is not None else company.municipality,
            contact_person=contact_person if contact_person is not None else company.contact_person,
            phone=phone if phone is not None else company.phone,
            agreement_kind=kind, agreement_since=since,
        )
        if housing_supplier is not None:
            fields["housing_supplier"] = bool(housing_supplier)
        changed = sorted(k for k, v in fields.items() if getattr(company, k) != v)
        try:
            saved = session.execute(
                update(Company)
                .where(Company.id == company_id, Company.version == expected_version)
                .values(**fields, version=Company.version + 1)
            )
        except IntegrityError:
            session.rollback()
            raise _cvr_taken(session, fields["cvr"]) from None
        if saved.rowcount != 1:
            session.rollback()
            raise StaleVersion("error.stale_company")
        audit.log(session, actor, "update", "company", company_id, detail=",".join(changed))
        session.commit()


def likely_duplicates(
    engine: Engine,
    actor: Actor,
    *,
    name: str,
    cvr: str | None = None,
    municipality: str = "",
    exclude_id: int | None = None,
) -> pd.DataFrame:
    """Companies that are probably the same: the same CVR number, or a very similar name in the
    same municipality. Columns: id, name, cvr, municipality, reason ("cvr" or "name"), similarity."""
    require(actor, "company.read")
    columns = ["id", "name", "cvr", "municipality", "reason", "similarity"]
    cvr = clean_cvr(cvr)
    conditions = []
    if cvr is not None:
        conditions.append(Company.cvr == cvr)
    if name.strip():
        conditions.append(func.lower(func.trim(Company.municipality)) == municipality.strip().lower())
    if not conditions:
        return pd.DataFrame(columns=columns)
    stmt = select(Company.id, Company.name, Company.cvr, Company.municipality).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Company.id != exclude_id)
    with Session(engine) as session:
        candidates = session.exec(stmt.order_by(Company.name)).all()
    found = []
    for row_id, row_name, row_cvr, row_municipality in candidates:
        similarity = name_similarity(name, row_name) if name.strip() else 0.0
        if cvr is not None and row_cvr == cvr:
            found.append((row_id, row_name, row_cvr, row_municipality, "cvr", round(similarity, 2)))
        elif similarity >= SIMILAR_NAME_RATIO:
            found.append((row_id, row_name, row_cvr, row_municipality, "name", round(similarity, 2)))
    found.sort(key=lambda r: (r[4] != "cvr", -r[5], r[1]))
    return pd.DataFrame(found, columns=columns)


def search_companies(engine: Engine, actor: Actor, query: str, limit: int = 20) -> pd.DataFrame:
    """Companies whose name or CVR number contains the query (any case), by name."""
    require(actor, "company.read")
    check_free_text(query)  # the criterion goes into the audit log
    stmt = select(Company.id, Company.name, Company.cvr, Company.municipality)
    text = query.strip()
    if text:
        stmt = stmt.where(or_(_contains(Company.name, text),
                              _contains(Company.cvr, re.sub(r"\s", "", text))))
    with write_session(engine) as session:
        rows = session.exec(stmt.order_by(Company.name, Company.id).limit(limit)).all()
        audit.log_search(session, actor, "company", f"q={text[:80]}")
        session.commit()
    return pd.DataFrame(rows, columns=["id", "name", "cvr", "municipality"])


def company_filter_options(engine: Engine, actor: Actor) -> dict[str, list[str]]:
    """The industries and municipalities in use, for the list's filters."""
    require(actor, "company.read")
    with Session(engine) as session:
        industries = session.exec(select(Company.industry).distinct().where(Company.industry != "")
                                  .order_by(Company.industry)).all()
        municipalities = session.exec(select(Company.municipality).distinct()
                                      .where(Company.municipality != "")
                                      .order_by(Company.municipality)).all()
    return {"industry": list(industries), "municipality": list(municipalities)}


def list_companies(
    engine: Engine,
    actor: Actor,
    *,
    query: str = "",
    industry: str | None = None,
    agreement_kind: str | None = None,
    municipality: str | None = None,
) -> pd.DataFrame:
    """Companies with their placements, distinct citizens placed and last contact, counted in SQL."""
    return company_page(engine, actor, query=query, industry=industry,
                        agreement_kind=agreement_kind, municipality=municipality).rows


def company_page(
    engine: Engine,
    actor: Actor,
    *,
    query: str = "",
    industry: str | None = None,
    agreement_kind: str | None = None,
    municipality: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page:
    """list_companies by name, `limit` rows from `offset` on, and how many match in all; only the
    page's companies have their placements and contacts counted."""
    require(actor, "company.read")
    check_free_text(query)  # the criterion goes into the audit log
    text = query.strip()
    criteria = []
    if text:
        criteria.append(or_(_contains(Company.name, text),
                            _contains(Company.cvr, re.sub(r"\s", "", text))))
    for column, value in ((Company.industry, industry), (Company.agreement_kind, agreement_kind),
                          (Company.municipality, municipality)):
        if value:
            criteria.append(column == value)
    page = (select(Company.id, Company.name, Company.cvr, Company.industry, Company.municipality,
                   Company.agreement_kind, Company.housing_supplier)
            .where(*criteria).order_by(Company.name, Company.id).limit(limit).offset(offset)
            .subquery())
    # Counted per company of the page through the indexes on company_id: as one GROUP BY over the
    # page's ids, PostgreSQL misjudged the join and read every placement.
    placements = select(func.count(Placement.id)).where(Placement.company_id == page.c.id)
    citizens = select(func.count(distinct(Placement.citizen_id))).where(
        Placement.company_id == page.c.id)
    last_contact = select(func.max(Contact.contacted_at)).where(Contact.company_id == page.c.id)
    stmt = (select(*page.c, placements.scalar_subquery(), citizens.scalar_subquery(),
                   last_contact.scalar_subquery())
            .order_by(page.c.name, page.c.id))
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        total = len(rows) if limit is None else \
            int(session.exec(select(func.count(Company.id)).where(*criteria)).one())
        logged = {"q": text[:80], "industry": industry, "agreement_kind": agreement_kind,
                  "municipality": municipality}
        audit.log_search(session, actor, "company", ";".join(
            f"{k}={v}" for k, v in logged.items() if v not in (None, "")) + f";rows={len(rows)}"
            + (f";of={total};from={offset}" if limit is not None else ""))
        session.commit()
    frame = pd.DataFrame(rows, columns=LIST_COLUMNS)
    frame["last_contact"] = [_local_day(m) for m in frame["last_contact"]]
    return Page(frame, total, offset)


def company_profile(engine: Engine, actor: Actor, company_id: int) -> CompanyProfile:
    """The company, its contacts log (newest first) and its placements; the view is logged."""
    require(actor, "company.read")
    require(actor, "citizen.read")
    contacts_stmt = (
        select(Contact.id, Contact.contacted_at, Contact.channel, Contact.staff_id, Staff.name,
               Staff.initials, Contact.citizen_id, _citizen_name(actor, Contact.citizen_id),
               Contact.outcome, Contact.note, Contact.next_step, Contact.next_step_date,
               Contact.next_step_done_at)
        .outerjoin(Staff, Staff.id == Contact.staff_id)
        .outerjoin(Citizen, Citizen.id == Contact.citizen_id)
        .where(Contact.company_id == company_id)
        .order_by(Contact.contacted_at.desc(), Contact.id.desc())
    )
    placements_stmt = (
        select(Placement.id, Placement.citizen_id, _citizen_name(actor, Placement.citizen_id),
               Placement.kind, Placement.start_date, Placement.planned_end_date,
               Placement.actual_end_date, Placement.status, Placement.result)
        .join(Citizen, Citizen.id == Placement.citizen_id)
        .where(Placement.company_id == company_id)
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            raise ValidationError("error.not_found")
        contacts = pd.DataFrame(session.exec(contacts_stmt).all(), columns=CONTACT_COLUMNS)
        placements = pd.DataFrame(session.exec(placements_stmt).all(), columns=PLACEMENT_COLUMNS)
        shown = sorted({int(c) for frame in (contacts, placements)
                        for c, name in zip(frame["citizen_id"], frame["citizen"])
                        if name is not None and not pd.isna(c)})
        audit.log(session, actor, "view", "company", company_id,
                  detail=f"citizens={','.join(map(str, shown))}", citizen_ids=shown)
        snapshot = Company(**company.model_dump())  # stays readable after the session closes
        session.commit()
    for frame in (contacts, placements):
        frame["citizen_id"] = frame["citizen_id"].astype("Int64")
    return CompanyProfile(company=snapshot, contacts=contacts, placements=placements)


def top_companies(engine: Engine, actor: Actor, *, since: date | None = None,
                  limit: int = 10) -> pd.DataFrame:
    """The companies that took most distinct citizens into placements (started on or after `since`,
    a day up to today)."""
    require(actor, "company.read")
    since = validation.check_date(since, latest=clock.today())
    citizens = func.count(distinct(Placement.citizen_id))
    stmt = (select(Company.id, Company.name, Company.industry, citizens)
            .join(Placement, Placement.company_id == Company.id)
            .group_by(Company.id, Company.name, Company.industry)
            .order_by(citizens.desc(), Company.name)
            .limit(limit))
    if since is not None:
        stmt = stmt.where(Placement.start_date >= since)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=["id", "company", "industry", "citizens"])


def not_contacted(engine: Engine, actor: Actor, *, days: int,
                  today: date | None = None) -> pd.DataFrame:
    """Companies with an agreement that nobody has contacted for `days` days or more (or ever),
    the longest silence first."""
    require(actor, "company.read")
    days = validation.check_number(days, whole=True)
    if days is None or days < 1:
        raise ValidationError("error.days_positive")
    if days > MAX_SILENT_DAYS:
        raise ValidationError("error.days_too_many", high=MAX_SILENT_DAYS)
    today = today or clock.today()
    # Contacted on or after this Danish midnight means "within the last `days` days".
    cutoff = datetime.combine(today - timedelta(days=days - 1), time.min, metrics.LOCAL_TZ)
    last = func.max(Contact.contacted_at)
    stmt = (select(Company.id, Company.name, Company.agreement_kind, Company.agreement_since,
                   Company.contact_person, Company.phone, last)
            .outerjoin(Contact, Contact.company_id == Company.id)
            .where(Company.agreement_kind != "none")
            .group_by(Company.id, Company.name, Company.agreement_kind, Company.agreement_since,
                      Company.contact_person, Company.phone)
            .having(or_(last.is_(None), last < cutoff))
            .order_by(last.asc().nulls_first(), Company.name))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    frame = pd.DataFrame(rows, columns=["id", "name", "agreement_kind", "agreement_since",
                                        "contact_person", "phone", "last_contact"])
    frame["last_contact"] = [_local_day(m) for m in frame["last_contact"]]
    frame["days_since"] = pd.array([(today - d).days if d is not None else None
                                    for d in frame["last_contact"]], dtype="Int64")
    return frame


def log_contact(
    engine: Engine,
    actor: Actor,
    *,
    company_id: int,
    channel: str,
    citizen_id: int | None = None,
    outcome: str = "",
    note: str = "",
    next_step: str = "",
    next_step_date: date | None = None,
    contacted_at: datetime | None = None,
    staff_id: int | None = None,
) -> int:
    """Log an opsøgende kontakt (outreach to a company); a next step date puts it on the list of
    things due. A citizen outside the actor's team is refused. Returns the contact's id."""
    require(actor, "contact.write")
    if channel not in CHANNELS:
        raise ValidationError("error.contact_unknown_channel")
    if outcome and outcome not in CONTACT_OUTCOMES:
        raise ValidationError("error.contact_unknown_outcome")
    note, next_step = validation.clean_text(note, MAX_NOTE), validation.clean_text(next_step, MAX_NOTE)
    check_free_text(note, next_step)
    next_step_date = validation.check_date(next_step_date)
    if contacted_at is None:
        contacted_at = utcnow()
    if not isinstance(contacted_at, datetime):
        raise ValidationError("error.date_invalid")
    validation.check_date(contacted_at)
    if contacted_at.tzinfo is None:
        contacted_at = contacted_at.replace(tzinfo=metrics.LOCAL_TZ)  # typed in Danish time
    if next_step_date is not None and next_step_date < metrics.local_day(contacted_at):
        raise ValidationError("error.contact_next_step_before")
    staff_id = staff_id if staff_id is not None else actor.staff_id
    with write_session(engine) as session:
        if session.get(Company, company_id) is None:
            raise ValidationError("error.not_found")
        if staff_id is not None and session.get(Staff, staff_id) is None:
            raise ValidationError("error.not_found")
        if citizen_id is not None:
            visible = session.exec(visible_citizens(
                actor, select(Citizen.id).where(Citizen.id == citizen_id))).first()
            if visible is None:
                raise ValidationError("error.contact_citizen_not_visible")
        contact = Contact(company_id=company_id, staff_id=staff_id, citizen_id=citizen_id,
                          contacted_at=contacted_at, channel=channel, outcome=outcome, note=note,
                          next_step=next_step, next_step_date=next_step_date)
        session.add(contact)
        session.flush()
        audit.log(session, actor, "create", "contact", contact.id,
                  detail=f"company={company_id}" + (f" citizen={citizen_id}" if citizen_id else ""))
        session.commit()
        return contact.id


def next_steps_due(
    engine: Engine,
    actor: Actor,
    *,
    today: date,
    staff_id: int | None = None,
    days_ahead: int = 7,
) -> pd.DataFrame:
    """Open next steps due by today + days_ahead, the earliest first, with an overdue flag:
    one consultant's (staff_id) or, without it, the actor's team's (everyone's for leaders)."""
    require(actor, "company.read")
    require(actor, "citizen.read")
    stmt = (
        select(Contact.id, Contact.next_step_date, Contact.next_step, Contact.company_id,
               Company.name, Contact.staff_id, Staff.initials, Contact.citizen_id,
               _citizen_name(actor, Contact.citizen_id), Contact.channel, Contact.outcome,
               Contact.contacted_at)
        .join(Company, Company.id == Contact.company_id)
        .outerjoin(Staff, Staff.id == Contact.staff_id)
        .outerjoin(Citizen, Citizen.id == Contact.citizen_id)
        .where(Contact.next_step_date.is_not(None), Contact.next_step_done_at.is_(None),
               Contact.next_step_date <= today + timedelta(days=days_ahead))
        .order_by(Contact.next_step_date, Contact.id)
    )
    if staff_id is not None:
        stmt = stmt.where(Contact.staff_id == staff_id)
    elif not actor.sees_all_teams and actor.team_id is not None:
        stmt = stmt.where(Staff.team_id == actor.team_id)
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        audit.log_search(session, actor, "contact", f"next_steps staff={staff_id} rows={len(rows)}",
                         action="view")
        session.commit()
    frame = pd.DataFrame(
        [(r[0], r[1], r[2], r[1] < today, *r[3:]) for r in rows], columns=DUE_COLUMNS)
    frame["overdue"] = frame["overdue"].astype(bool)
    frame["citizen_id"] = frame["citizen_id"].astype("Int64")
    return frame


def complete_next_step(engine: Engine, actor: Actor, contact_id: int) -> None:
    """Mark a contact's next step as done."""
    require(actor, "contact.write")
    with write_session(engine) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise ValidationError("error.not_found")
        if contact.citizen_id is not None and session.exec(visible_citizens(
                actor, select(Citizen.id).where(Citizen.id == contact.citizen_id))).first() is None:
            raise ValidationError("error.not_found")
        # Conditional, so two people ticking off the same step at once record it only once.
        done = session.execute(
            update(Contact).where(Contact.id == contact_id, Contact.next_step_done_at.is_(None))
            .values(next_step_done_at=utcnow()))
        if done.rowcount != 1:
            raise ValidationError("error.contact_step_already_done")
        audit.log(session, actor, "complete_next_step", "contact", contact_id)
        session.commit()


@freshness.cached_aggregate("company.read")
def next_step_counts(engine: Engine, actor: Actor, *, today: date,
                     staff_id: int | None = None) -> dict[str, int]:
    """How many open next steps fall due today and how many are overdue, counted in SQL."""
    require(actor, "company.read")
    stmt = (
        select(func.count(Contact.id).filter(Contact.next_step_date == today),
               func.count(Contact.id).filter(Contact.next_step_date < today))
        .where(Contact.next_step_date.is_not(None), Contact.next_step_done_at.is_(None),
               Contact.next_step_date <= today)
    )
    if staff_id is not None:
        stmt = stmt.where(Contact.staff_id == staff_id)
    with Session(engine) as session:
        due_today, overdue = session.exec(stmt).one()
    return {"due_today": int(due_today), "overdue": int(overdue)}
