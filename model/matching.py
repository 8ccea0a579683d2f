"""Virksomhedsmatch: which companies fit a citizen, and which citizens fit a company.

The ranking is a pure function over plain facts: each reason below adds its points (a penalty
subtracts them), the highest score comes first, and ties go by name, then id. The loaders
gather the facts in a few aggregate queries; there is no external service.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from model import audit, clock, companies, metrics
from model.access import Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.people import visible_citizens
from model.placements import OPEN_STATUSES
from model.tables import Citizen, Company, Contact, HousingArea, Placement

# The points of each reason; change them here. A company's score is the sum of its reasons.
WEIGHTS: dict[str, int] = {
    "wish": 50,               # the company's industry is one the citizen wishes to work in
    "qualification": 25,      # the citizen holds a qualification used in the company's industry
    "agreement": 10,          # samarbejds-/partnerskabsaftale or virksomhedscenter with the job centre
    "housing_supplier": 5,    # supplier of the housing organisations (takes social responsibility)
    "room": 5,                # fewer open placements than its capacity
    "no_room": -10,           # as many open placements as its capacity, or more
    "job_result": 5,          # per earlier placement there that ended in job or education ...
    "same_municipality": 20,  # the company lies in the municipality of the citizen's housing area
    "recent_contact": -30,    # contacted about this citizen within RECENT_CONTACT_DAYS
}
JOB_RESULTS_COUNTED = 3       # ... counting at most this many
# A wish outweighs everything a company scores on its own facts (at most 10 + 5 + 5 + 3 * 5 = 35);
# a company close to home counts nearly as much as one matching a qualification.
RECENT_CONTACT_DAYS = 30
# How many citizens a company takes at once in placements, by its agreement.
CAPACITY: dict[str, int] = {"none": 1, "samarbejdsaftale": 2, "partnerskabsaftale": 3,
                            "virksomhedscenter": 5}
JOB_RESULTS = ("ordinary_job", "education")
# Reasons about the pair itself; a company's own facts are the same for every citizen.
CITIZEN_REASONS = ("wish", "qualification", "same_municipality", "recent_contact")
FIT_REASONS = ("wish", "qualification")
TOP_N = 5
# Industries in which a certificate or trade is the usual qualification (lower case).
QUALIFICATION_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "truckcertifikat": ("lager og logistik", "industri", "byggeri"),
    "kørekort b": ("transport", "pleje og omsorg"),
    "kørekort c": ("transport",),
    "kørekort ce": ("transport",),
    "hygiejnebevis": ("kantine og køkken", "detail"),
    "svejsecertifikat": ("industri", "byggeri"),
    "murer": ("byggeri",),
    "tømrer": ("byggeri",),
    "maler": ("byggeri",),
    "sosu-hjælper": ("pleje og omsorg",),
}
FILLER_WORDS = frozenset({"og", "and", "i", "in", "of"})
MIN_PREFIX = 3


@dataclass(frozen=True)
class CitizenFacts:
    """What the match needs to know of a citizen (borger)."""

    id: int
    name: str
    wishes: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    municipality: str = ""


@dataclass(frozen=True)
class CompanyFacts:
    """What the match needs to know of a company (virksomhed)."""

    id: int
    name: str
    industry: str = ""
    municipality: str = ""
    agreement_kind: str = "none"
    housing_supplier: bool = False
    open_placements: int = 0
    job_results: int = 0


@dataclass(frozen=True)
class Reason:
    """One reason in a suggestion: a code (text key matching.reason_<code>), its points and the
    values its text shows."""

    code: str
    points: int
    params: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Suggestion:
    """A company and a citizen that fit, with the score and the reasons, strongest first."""

    company_id: int
    company: str
    industry: str
    citizen_id: int
    citizen: str
    score: int
    reasons: tuple[Reason, ...]


def _words(text: str) -> list[str]:
    plain = text.casefold().replace("&", " og ")
    return [w for w in re.split(r"[^\w]+", plain) if w and w not in FILLER_WORDS]


def _word_match(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and (len(short) >= MIN_PREFIX or short == long)


def tag_matches_industry(tag: str, industry: str) -> bool:
    """True when a wish or trade names the industry: every word of the shorter of the two starts
    a word of the other ("lager" fits "Lager og logistik", "byg" fits "Byggeri")."""
    tag_words, industry_words = _words(tag), _words(industry)
    if not tag_words or not industry_words:
        return False
    short, long = sorted((tag_words, industry_words), key=len)
    return all(any(_word_match(word, other) for other in long) for word in short)


def qualification_fits(qualification: str, industry: str) -> bool:
    """True when the qualification is used in the industry (QUALIFICATION_INDUSTRIES), or names
    it itself (a trade such as "rengøring")."""
    usual = QUALIFICATION_INDUSTRIES.get(" ".join(qualification.casefold().split()), ())
    return any(tag_matches_industry(name, industry) for name in (qualification, *usual))


def capacity(agreement_kind: str) -> int:
    """How many citizens a company takes at once in placements, by its agreement."""
    return CAPACITY.get(agreement_kind, CAPACITY["none"])


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def reasons_for(citizen: CitizenFacts, company: CompanyFacts, *,
                days_since_contact: int | None = None) -> list[Reason]:
    """Every reason that applies to the pair, strongest first (penalties last)."""
    found: list[Reason] = []
    wishes = [w for w in citizen.wishes if tag_matches_industry(w, company.industry)]
    if wishes:
        found.append(Reason("wish", WEIGHTS["wish"], {"tags": ", ".join(wishes)}))
    held = [q for q in citizen.qualifications if qualification_fits(q, company.industry)]
    if held:
        found.append(Reason("qualification", WEIGHTS["qualification"], {"tags": ", ".join(held)}))
    if company.agreement_kind != "none":
        found.append(Reason("agreement", WEIGHTS["agreement"], {"kind": company.agreement_kind}))
    if company.housing_supplier:
        found.append(Reason("housing_supplier", WEIGHTS["housing_supplier"]))
    if company.job_results > 0:
        counted = min(company.job_results, JOB_RESULTS_COUNTED)
        found.append(Reason("job_result", WEIGHTS["job_result"] * counted,
                            {"n": company.job_results}))
    places = capacity(company.agreement_kind)
    code = "room" if company.open_placements < places else "no_room"
    found.append(Reason(code, WEIGHTS[code], {"taken": company.open_placements,
                                              "capacity": places}))
    if _same(citizen.municipality, company.municipality):
        found.append(Reason("same_municipality", WEIGHTS["same_municipality"],
                            {"municipality": company.municipality.strip()}))
    if days_since_contact is not None and 0 <= days_since_contact < RECENT_CONTACT_DAYS:
        found.append(Reason("recent_contact", WEIGHTS["recent_contact"],
                            {"days": days_since_contact}))
    return sorted(found, key=lambda r: -r.points)


def _suggestion(citizen: CitizenFacts, company: CompanyFacts, reasons: list[Reason]) -> Suggestion:
    return Suggestion(company_id=company.id, company=company.name, industry=company.industry,
                      citizen_id=citizen.id, citizen=citizen.name,
                      score=sum(r.points for r in reasons), reasons=tuple(reasons))


def rank_companies(citizen: CitizenFacts, candidates: Iterable[CompanyFacts], *,
                   contacted: Mapping[int, int] | None = None,
                   limit: int | None = None) -> list[Suggestion]:
    """The companies that fit the citizen (score above 0), best first; ties by name, then id.

    `contacted` maps a company's id to the days since it was last contacted about the citizen.
    """
    contacted = contacted or {}
    found = [_suggestion(citizen, company, reasons_for(
        citizen, company, days_since_contact=contacted.get(company.id))) for company in candidates]
    ranked = sorted((s for s in found if s.score > 0),
                    key=lambda s: (-s.score, s.company.casefold(), s.company_id))
    return ranked[:limit] if limit is not None else ranked


def rank_citizens(company: CompanyFacts, candidates: Iterable[CitizenFacts], *,
                  contacted: Mapping[int, int] | None = None,
                  limit: int | None = None) -> list[Suggestion]:
    """The citizens whose wishes or qualifications fit the company, best first; ties by name, then
    id. Only the pair's own reasons count (CITIZEN_REASONS): the company's are the same for all.

    `contacted` maps a citizen's id to the days since the company was last contacted about them.
    """
    contacted = contacted or {}
    found = []
    for citizen in candidates:
        reasons = [r for r in reasons_for(citizen, company,
                                          days_since_contact=contacted.get(citizen.id))
                   if r.code in CITIZEN_REASONS]
        if any(r.code in FIT_REASONS for r in reasons):
            found.append(_suggestion(citizen, company, reasons))
    ranked = sorted(found, key=lambda s: (-s.score, s.citizen.casefold(), s.citizen_id))
    return ranked[:limit] if limit is not None else ranked


# --- Loaders --------------------------------------------------------------------------------


def _days_since(moment: datetime | None, today: date) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times are UTC
    return (today - metrics.local_day(moment)).days


def _cutoff(today: date) -> datetime:
    """Contacts on or after this Danish midnight count as "within RECENT_CONTACT_DAYS days"."""
    return datetime.combine(today - timedelta(days=RECENT_CONTACT_DAYS - 1), time.min,
                            metrics.LOCAL_TZ).astimezone(UTC)


def _open_placement_of_citizen():
    return (select(Placement.id).where(Placement.citizen_id == Citizen.id,
                                       Placement.status.in_(OPEN_STATUSES)).exists())


def companies_for_citizen(engine: Engine, actor: Actor, citizen_id: int, *, limit: int = TOP_N,
                          today: date | None = None) -> list[Suggestion]:
    """The companies that fit a citizen the actor may see, best first (the view is logged).
    Companies where the citizen has an open placement are left out."""
    require(actor, "company.read")
    require(actor, "citizen.read")
    today = today or clock.today()
    open_counts = (select(Placement.company_id, func.count(Placement.id).label("n"))
                   .where(Placement.status.in_(OPEN_STATUSES))
                   .group_by(Placement.company_id).subquery())
    job_counts = (select(Placement.company_id, func.count(Placement.id).label("n"))
                  .where(Placement.result.in_(JOB_RESULTS))
                  .group_by(Placement.company_id).subquery())
    last_contact = (select(Contact.company_id, func.max(Contact.contacted_at).label("at"))
                    .where(Contact.citizen_id == citizen_id, Contact.contacted_at >= _cutoff(today))
                    .group_by(Contact.company_id).subquery())
    placed_now = select(Placement.company_id).where(Placement.citizen_id == citizen_id,
                                                    Placement.status.in_(OPEN_STATUSES))
    companies_stmt = (
        select(Company.id, Company.name, Company.industry, Company.municipality,
               Company.agreement_kind, Company.housing_supplier,
               func.coalesce(open_counts.c.n, 0), func.coalesce(job_counts.c.n, 0),
               last_contact.c.at)
        .outerjoin(open_counts, open_counts.c.company_id == Company.id)
        .outerjoin(job_counts, job_counts.c.company_id == Company.id)
        .outerjoin(last_contact, last_contact.c.company_id == Company.id)
        .where(Company.id.not_in(placed_now))
    )
    citizen_stmt = visible_citizens(actor, (
        select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.wishes,
               Citizen.qualifications, HousingArea.municipality)
        .outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
        .where(Citizen.id == citizen_id)))
    with write_session(engine) as session:
        row = session.exec(citizen_stmt).first()
        if row is None:
            raise ValidationError("error.not_found")
        rows = session.exec(companies_stmt).all()
        citizen = CitizenFacts(id=row[0], name=f"{row[1]} {row[2]}", wishes=tuple(row[3] or ()),
                               qualifications=tuple(row[4] or ()), municipality=row[5] or "")
        candidates = [CompanyFacts(id=r[0], name=r[1], industry=r[2], municipality=r[3],
                                   agreement_kind=r[4], housing_supplier=bool(r[5]),
                                   open_placements=int(r[6]), job_results=int(r[7]))
                      for r in rows]
        contacted = {r[0]: _days_since(r[8], today) for r in rows if r[8] is not None}
        ranked = rank_companies(citizen, candidates, contacted=contacted, limit=limit)
        audit.log(session, actor, "view_matches", "citizen", citizen_id,
                  detail=f"companies={','.join(str(s.company_id) for s in ranked)}")
        session.commit()
    return ranked


def citizens_for_company(engine: Engine, actor: Actor, company_id: int, *, limit: int = TOP_N,
                         today: date | None = None) -> list[Suggestion]:
    """The citizens the actor may see whose wishes or qualifications fit a company, best first;
    citizens already in an open placement are left out. The view is logged."""
    require(actor, "company.read")
    require(actor, "citizen.read")
    today = today or clock.today()
    last_contact = (select(Contact.citizen_id, func.max(Contact.contacted_at).label("at"))
                    .where(Contact.company_id == company_id, Contact.citizen_id.is_not(None),
                           Contact.contacted_at >= _cutoff(today))
                    .group_by(Contact.citizen_id).subquery())
    citizens_stmt = visible_citizens(actor, (
        select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.wishes,
               Citizen.qualifications, HousingArea.municipality, last_contact.c.at)
        .outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
        .outerjoin(last_contact, last_contact.c.citizen_id == Citizen.id)
        .where(~_open_placement_of_citizen())))
    with write_session(engine) as session:
        company_row = session.get(Company, company_id)
        if company_row is None:
            raise ValidationError("error.not_found")
        company = CompanyFacts(id=company_row.id, name=company_row.name,
                               industry=company_row.industry,
                               municipality=company_row.municipality,
                               agreement_kind=company_row.agreement_kind,
                               housing_supplier=company_row.housing_supplier)
        rows = session.exec(citizens_stmt).all()
        candidates = [CitizenFacts(id=r[0], name=f"{r[1]} {r[2]}", wishes=tuple(r[3] or ()),
                                   qualifications=tuple(r[4] or ()), municipality=r[5] or "")
                      for r in rows]
        contacted = {r[0]: _days_since(r[6], today) for r in rows if r[6] is not None}
        ranked = rank_citizens(company, candidates, contacted=contacted, limit=limit)
        audit.log(session, actor, "view_matches", "company", company_id,
                  detail=f"citizens={','.join(str(s.citizen_id) for s in ranked)}",
                  citizen_ids=[s.citizen_id for s in ranked])
        session.commit()
    return ranked


def log_contact_about(engine: Engine, actor: Actor, *, company_id: int, citizen_id: int) -> int:
    """Log a phone contact with the company about the citizen in one step, from a suggestion;
    outcome and next step are left open for the company's contact log. Returns the contact's id."""
    return companies.log_contact(engine, actor, company_id=company_id, citizen_id=citizen_id,
                                 channel="phone")
