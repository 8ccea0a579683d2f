"""All SQLModel tables of Jobtavlen, with the table names of DESIGN.md."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from model import clock

STAGES = ("selected", "clarified", "dialogue", "secured", "parked")
SECURED = "secured"
ROLES = ("admin", "leader", "consultant", "caseworker", "mentor", "screen")
SPRINT_KINDS = ("intensive_week", "monthly_sparring")
SPRINT_STATUSES = ("planned", "running", "closed")
PLACEMENT_KINDS = (
    "virksomhedspraktik",
    "loentilskud",
    "ordinaere_timer",
    "ordinaert_job",
    "laerlingeplads",
    "lommepengejob",
    "jobsamtaletraening",
    "virksomhedsbesoeg",
)
BENEFIT_TYPES = ("dagpenge", "kontanthjaelp", "uddannelseshjaelp", "sygedagpenge", "none")


def utcnow() -> datetime:
    """Now as a UTC moment, from the app's one clock."""
    return clock.now()


# A team of staff; citizens and sprints belong to one.
class Team(SQLModel, table=True):
    __tablename__ = "team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


# People who use Jobtavlen (jobkonsulent, sagsbehandler, mentor, leder).
class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    initials: str = Field(index=True)
    role: str = Field(index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = Field(default=True, index=True)


# Indsats / projekt: STV, Lommepengejob, Jobløft, Energi til hinanden, ...
class Initiative(SQLModel, table=True):
    __tablename__ = "initiative"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str = ""
    start_date: date | None = None
    end_date: date | None = None
    funder: str = ""


# Boligområde: a social-housing area.
class HousingArea(SQLModel, table=True):
    __tablename__ = "housing_area"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    municipality: str = Field(index=True)


# Residents of working age and unemployed in an area, entered per period.
class HousingAreaFigure(SQLModel, table=True):
    __tablename__ = "housing_area_figure"
    __table_args__ = (UniqueConstraint("housing_area_id", "period_start"),)
    id: int | None = Field(default=None, primary_key=True)
    housing_area_id: int = Field(foreign_key="housing_area.id", index=True)
    period_start: date
    working_age_residents: int
    unemployed: int


# Borger: the person the effort is for. Never a CPR number.
class Citizen(SQLModel, table=True):
    __tablename__ = "citizen"
    id: int | None = Field(default=None, primary_key=True)
    first_name: str
    last_name: str = Field(index=True)
    birth_year: int
    target_group: str = Field(default="", index=True)
    benefit_type: str = Field(default="none", index=True)
    match_group: int | None = Field(default=None, index=True)
    dagpenge_end_date: date | None = Field(default=None, index=True)
    housing_area_id: int | None = Field(default=None, foreign_key="housing_area.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    initiative_id: int | None = Field(default=None, foreign_key="initiative.id", index=True)
    consultant_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    wishes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    qualifications: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    external_ref: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    version: int = 1


# Virksomhed, identified by its CVR number when known.
class Company(SQLModel, table=True):
    __tablename__ = "company"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    cvr: str | None = Field(default=None, unique=True)
    industry: str = Field(default="", index=True)
    municipality: str = Field(default="", index=True)
    contact_person: str = ""
    agreement_kind: str = Field(default="none", index=True)
    agreement_since: date | None = Field(default=None, index=True)
    phone: str = ""
    housing_supplier: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# A sprint: an intensive week ("uge 39") or a monthly sparring session with a team goal.
class Sprint(SQLModel, table=True):
    __tablename__ = "sprint"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    start_date: date = Field(index=True)
    end_date: date = Field(index=True)
    goal_count: int
    focus: str = ""
    kind: str = "intensive_week"
    status: str = Field(default="running", index=True)
    stage_names: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    closed_at: datetime | None = None
    version: int = 1


# A consultant taking part in a sprint.
class SprintConsultant(SQLModel, table=True):
    __tablename__ = "sprint_consultant"
    sprint_id: int = Field(foreign_key="sprint.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, index=True)


# A citizen in focus in a sprint, brought by a consultant.
class SprintCard(SQLModel, table=True):
    __tablename__ = "sprint_card"
    __table_args__ = (UniqueConstraint("sprint_id", "citizen_id"),)
    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(foreign_key="sprint.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    consultant_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    stage: str = Field(default="selected", index=True)
    stage_since: datetime = Field(default_factory=utcnow)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    placement_id: int | None = Field(default=None, foreign_key="placement.id", index=True)
    park_reason: str = ""
    version: int = 1


# Every move of a sprint card, so the board can be drawn for any past moment.
class StageChange(SQLModel, table=True):
    __tablename__ = "stage_change"
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="sprint_card.id", index=True)
    from_stage: str | None = None
    to_stage: str = Field(index=True)
    changed_at: datetime = Field(default_factory=utcnow, index=True)
    changed_by: int | None = Field(default=None, foreign_key="staff.id", index=True)


# The day programme of a sprint.
class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(foreign_key="sprint.id", index=True)
    day: date = Field(index=True)
    part: str = "hele dagen"
    title: str
    note: str = ""


# Opsøgende kontakt: outreach to a company, optionally about one citizen.
class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    # A company's contacts in time order (its last contact); contacts of a period by staff.
    __table_args__ = (Index("ix_contact_company_contacted", "company_id", "contacted_at"),
                      Index("ix_contact_contacted_staff", "contacted_at", "staff_id"))
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    contacted_at: datetime = Field(default_factory=utcnow, index=True)
    channel: str = "phone"
    outcome: str = ""
    note: str = ""
    next_step: str = ""
    next_step_date: date | None = Field(default=None, index=True)
    next_step_done_at: datetime | None = Field(default=None, index=True)


# Partnership behind an effort (e.g. pocket-money jobs paid by housing organisations).
class Partnership(SQLModel, table=True):
    __tablename__ = "partnership"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    initiative_id: int | None = Field(default=None, foreign_key="initiative.id", index=True)
    target_reach: int | None = None


# A partner in a partnership and what it pays for.
class Partner(SQLModel, table=True):
    __tablename__ = "partner"
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    name: str
    kind: str = ""
    pays_for: str = ""


# Virksomhedsrettet forløb: a company-based placement.
class Placement(SQLModel, table=True):
    __tablename__ = "placement"
    # The running placements (a few percent after some years), for due lists and counts.
    __table_args__ = (Index("ix_placement_open", "consultant_id", "id",
                            sqlite_where=text("status IN ('planned', 'active')"),
                            postgresql_where=text("status IN ('planned', 'active')")),
                      # Counted per company and per period without reading the rows.
                      Index("ix_placement_company_citizen", "company_id", "citizen_id"),
                      Index("ix_placement_start_citizen", "start_date", "citizen_id"),
                      # The few paid pocket-money jobs: the plain payer_id index is mostly NULLs,
                      # which SQLite's statistics take for a poor index.
                      Index("ix_placement_paid", "payer_id", "start_date", "citizen_id",
                            sqlite_where=text("payer_id IS NOT NULL"),
                            postgresql_where=text("payer_id IS NOT NULL")),
                      # One kind's placements by start (pocket-money jobs per month).
                      Index("ix_placement_kind_start", "kind", "start_date"),
                      # Resultater: started in a period by kind, company and citizen, from the index.
                      Index("ix_placement_start_kind", "start_date", "kind", "citizen_id", "company_id"),
                      # The few credited to a sprint, by start date: secured placements without a card.
                      Index("ix_placement_sprint_start", "sprint_id", "start_date", "citizen_id",
                            sqlite_where=text("sprint_id IS NOT NULL"),
                            postgresql_where=text("sprint_id IS NOT NULL")))
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    consultant_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    kind: str = Field(index=True)
    start_date: date = Field(index=True)
    planned_end_date: date | None = None
    actual_end_date: date | None = Field(default=None, index=True)
    hours_per_week: float | None = None
    hourly_wage: float | None = None
    status: str = Field(default="planned", index=True)
    result: str | None = Field(default=None, index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    payer_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# Opfølgning: a planned or done follow-up of a placement.
class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    # The open follow-ups, by placement and by date: due lists, counts and "next follow-up".
    __table_args__ = (Index("ix_follow_up_open", "placement_id", "due_date", "id",
                            sqlite_where=text("done_at IS NULL"),
                            postgresql_where=text("done_at IS NULL")),
                      Index("ix_follow_up_open_due", "due_date",
                            sqlite_where=text("done_at IS NULL"),
                            postgresql_where=text("done_at IS NULL")),
                      # Resultater: punctuality per due date without reading the rows.
                      Index("ix_follow_up_due_done", "due_date", "done_at", "placement_id"))
    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    due_date: date = Field(index=True)
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="staff.id", index=True)
    note: str = ""


# The follow-up cadence of a placement kind ("default" for the rest): days after the start.
class FollowUpCadence(SQLModel, table=True):
    __tablename__ = "follow_up_cadence"
    kind: str = Field(primary_key=True)
    days: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# Company engagement beyond placements: visit, talk, job-interview training, craftsman café.
class Event(SQLModel, table=True):
    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    kind: str = Field(index=True)
    event_date: date = Field(index=True)
    title: str = ""
    note: str = ""


# A citizen taking part in an event.
class EventParticipant(SQLModel, table=True):
    __tablename__ = "event_participant"
    event_id: int = Field(foreign_key="event.id", primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", primary_key=True, index=True)


# The citizen's status at a point in time (job, education, ...), months after start.
class Outcome(SQLModel, table=True):
    __tablename__ = "outcome"
    # Goals and results count the statuses measured at a month after start within a period.
    __table_args__ = (Index("ix_outcome_months_measured", "months_after_start", "measured_at",
                            "citizen_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    measured_at: date = Field(index=True)
    months_after_start: int = Field(index=True)
    status: str = Field(index=True)


# Self-rated progression (for example livsmestring 1-10).
class Progression(SQLModel, table=True):
    __tablename__ = "progression"
    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    measured_at: date = Field(index=True)
    scale: str = "livsmestring"
    score: int


# A goal set by a leader.
class Goal(SQLModel, table=True):
    __tablename__ = "goal"
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    initiative_id: int | None = Field(default=None, foreign_key="initiative.id", index=True)
    name: str = ""
    metric: str
    months: int | None = None
    target: float
    period_start: date | None = None
    period_end: date | None = None
    owner_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# Outcome figure for a comparison group (the normal effort).
class ComparisonGroup(SQLModel, table=True):
    __tablename__ = "comparison_group"
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int | None = Field(default=None, foreign_key="initiative.id", index=True)
    label: str
    month: int
    n: int
    reached: int
    source: str = ""


# A login: local (argon2 hash) or OIDC (provider's sub).
class AppUser(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    password_hash: str | None = None
    oidc_sub: str | None = Field(default=None, unique=True)
    role: str = Field(index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    active: bool = True
    must_change_password: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


# A signed-in browser: its cookie holds a random token, this row only the token's SHA-256, so a
# copy of the database signs nobody in. Revoked (logout, deactivation, password change, idle
# timeout, an admin) by setting revoked_at; a paired meeting screen's session names its link.
class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    screen_link_id: int | None = Field(default=None, foreign_key="screen_link.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    address: str | None = Field(default=None, max_length=64)
    user_agent: str = Field(default="", max_length=200)
    revoked_at: datetime | None = Field(default=None, index=True)
    revoked_reason: str = Field(default="", max_length=20)


# A meeting screen paired by a leader: a long random token (only its hash here) that signs a TV in
# as this link's own screen account, on one team's meeting screen (and optionally one sprint).
class ScreenLink(SQLModel, table=True):
    __tablename__ = "screen_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    created_by: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


# Wrong passwords from one address (the browser's, or the proxy's forwarded one): they slow down
# and then block that address before any account locks, so a stranger cannot lock a colleague out.
class LoginSource(SQLModel, table=True):
    __tablename__ = "login_source"
    address: str = Field(primary_key=True, max_length=64)
    failed: int = 0
    last_failed_at: datetime | None = None
    retry_after: datetime | None = None
    blocked_until: datetime | None = Field(default=None, index=True)


# Who did what to which row, when (UTC).
class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    action: str = Field(index=True)
    table_name: str = Field(default="", index=True)
    row_id: int | None = Field(default=None, index=True)
    detail: str = ""


# The citizens a logged search, list, download or sheet showed: ids, never the words typed to find
# them, so the access report's "who looked" finds every list that showed the citizen. Append-only
# with its log row, and purged with it.
class AuditSubject(SQLModel, table=True):
    __tablename__ = "audit_subject"
    audit_id: int = Field(foreign_key="audit_log.id", primary_key=True, ondelete="CASCADE")
    citizen_id: int = Field(primary_key=True, index=True)


# While a row is here (inside audit.purge_older_than's transaction only), the audit_log
# triggers let rows be deleted; otherwise they refuse every UPDATE and DELETE.
class AuditPurge(SQLModel, table=True):
    __tablename__ = "audit_log_purge"
    id: int | None = Field(default=None, primary_key=True)


# Opbevaringsfrist: how many months one category of personal data is kept (model/retention.py).
class RetentionPolicy(SQLModel, table=True):
    __tablename__ = "retention_policy"
    category: str = Field(primary_key=True)
    months: int
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id", index=True)


# The ledger of deletions: one row per run and category with counts and cutoff, never whom.
class RetentionRun(SQLModel, table=True):
    __tablename__ = "retention_run"
    id: int | None = Field(default=None, primary_key=True)
    ran_at: datetime = Field(default_factory=utcnow, index=True)
    reason: str = Field(default="retention", index=True)
    category: str
    cutoff: datetime | None = None
    rows_deleted: int = 0
    detail: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# One row: a random stamp that every committed change to the data replaces (model/freshness.py),
# so aggregates cached in the app process know when they are stale.
class DataGeneration(SQLModel, table=True):
    __tablename__ = "data_generation"
    id: int = Field(default=1, primary_key=True)
    stamp: int = Field(default=0, sa_type=BigInteger)
