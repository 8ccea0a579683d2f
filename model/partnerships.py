"""Partnerskaber: who stands behind an effort and who pays for what, the hours and wage cost of
pocket-money jobs (lommepengejob) per payer and month, and how many young people were reached.

Costs and reach are counts and sums over placements, not personal data, so they cover every team.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, Float, and_, case, cast, distinct, func, literal, union_all
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock, freshness, results, stats
from model.access import Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.people import visible_citizens
from model.tables import Citizen, Company, Initiative, Partner, Partnership, Placement
from model.validation import check_free_text

POCKET_MONEY = "lommepengejob"
# Kinds of partners, as stored; the demo and forms use these codes.
PARTNER_KINDS = ("boligorganisation", "kommune", "virksomhed", "leverandør", "uddannelsesinstitution",
                 "fond", "andet")
# Catalogue keys of the kinds, spelt out so the catalogue check sees each one used.
PARTNER_KIND_KEYS = {
    "boligorganisation": "partnership.kind.boligorganisation",
    "kommune": "partnership.kind.kommune",
    "virksomhed": "partnership.kind.virksomhed",
    "leverandør": "partnership.kind.leverandoer",
    "uddannelsesinstitution": "partnership.kind.uddannelsesinstitution",
    "fond": "partnership.kind.fond",
    "andet": "partnership.kind.andet",
}
MAX_NAME = 120
MAX_PAYS_FOR = 200
MAX_TARGET = 100_000
DAYS_PER_WEEK = 7.0

PARTNERSHIP_COLUMNS = ["id", "name", "initiative_id", "initiative", "target_reach", "partners"]
PARTNER_COLUMNS = ["id", "partnership_id", "partnership", "name", "kind", "pays_for"]
COST_COLUMNS = ["month", "payer_id", "payer", "placements", "hours", "wage_cost", "hours_done",
                "wage_cost_done", "hours_planned", "wage_cost_planned"]


def _clean_name(name: str, limit: int = MAX_NAME) -> str:
    text = (name or "").strip()
    if not text:
        raise ValidationError("error.partnership_name_required")
    if len(text) > limit:
        raise ValidationError("error.partnership_text_too_long", max=limit)
    check_free_text(text)
    return text


def create_partnership(engine: Engine, actor: Actor, *, name: str, initiative_id: int | None = None,
                       target_reach: int | None = None) -> int:
    """Register a partnership (partnerskab), optionally behind an initiative and with a target
    number of people to reach (for example 40 young people in Brøndby Strand)."""
    require(actor, "partnership.write")
    name = _clean_name(name)
    if target_reach is not None and (isinstance(target_reach, bool) or not isinstance(target_reach, int)
                                     or not 0 < target_reach <= MAX_TARGET):
        raise ValidationError("error.partnership_target", high=MAX_TARGET)
    with write_session(engine) as session:
        if initiative_id is not None and session.get(Initiative, initiative_id) is None:
            raise ValidationError("error.not_found")
        taken = session.exec(select(Partnership.name)).all()
        if name.casefold() in {n.casefold() for n in taken}:
            raise ValidationError("error.partnership_exists", name=name)
        partnership = Partnership(name=name, initiative_id=initiative_id, target_reach=target_reach)
        session.add(partnership)
        session.flush()
        audit.log(session, actor, "create", "partnership", partnership.id)
        session.commit()
        return partnership.id


def add_partner(engine: Engine, actor: Actor, *, partnership_id: int, name: str, kind: str,
                pays_for: str = "") -> int:
    """Add a partner to a partnership with what it pays for (for example the young people's wages)."""
    require(actor, "partnership.write")
    name = _clean_name(name)
    if kind not in PARTNER_KINDS:
        raise ValidationError("error.partner_kind")
    pays_for = (pays_for or "").strip()
    if len(pays_for) > MAX_PAYS_FOR:
        raise ValidationError("error.partnership_text_too_long", max=MAX_PAYS_FOR)
    check_free_text(pays_for)
    with write_session(engine) as session:
        if session.get(Partnership, partnership_id) is None:
            raise ValidationError("error.not_found")
        names = session.exec(select(Partner.name)
                             .where(Partner.partnership_id == partnership_id)).all()
        if name.casefold() in {n.casefold() for n in names}:
            raise ValidationError("error.partner_exists", name=name)
        partner = Partner(partnership_id=partnership_id, name=name, kind=kind, pays_for=pays_for)
        session.add(partner)
        session.flush()
        audit.log(session, actor, "create", "partner", partner.id,
                  detail=f"partnership={partnership_id}")
        session.commit()
        return partner.id


def list_partnerships(engine: Engine, actor: Actor) -> pd.DataFrame:
    """The partnerships by name, with their initiative, target and number of partners."""
    require(actor, "partnership.read")
    counted = (select(Partner.partnership_id, func.count(Partner.id).label("n"))
               .group_by(Partner.partnership_id).subquery())
    stmt = (select(Partnership.id, Partnership.name, Partnership.initiative_id, Initiative.name,
                   Partnership.target_reach, func.coalesce(counted.c.n, 0))
            .outerjoin(Initiative, Initiative.id == Partnership.initiative_id)
            .outerjoin(counted, counted.c.partnership_id == Partnership.id)
            .order_by(Partnership.name, Partnership.id))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    frame = pd.DataFrame(rows, columns=PARTNERSHIP_COLUMNS)
    frame["target_reach"] = frame["target_reach"].astype("Int64")
    frame["initiative_id"] = frame["initiative_id"].astype("Int64")
    return frame


def list_partners(engine: Engine, actor: Actor, *, partnership_id: int | None = None) -> pd.DataFrame:
    """The partners and what each pays for, by partnership and name."""
    require(actor, "partnership.read")
    stmt = (select(Partner.id, Partner.partnership_id, Partnership.name, Partner.name, Partner.kind,
                   Partner.pays_for)
            .join(Partnership, Partnership.id == Partner.partnership_id)
            .order_by(Partnership.name, Partner.name, Partner.id))
    if partnership_id is not None:
        stmt = stmt.where(Partner.partnership_id == partnership_id)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=PARTNER_COLUMNS)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s month, both included."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = _next_month(day)
    return months


def _days(engine: Engine, start, end):
    """Whole days from `start` to `end` in SQL (end minus start)."""
    if engine.dialect.name == "postgresql":
        return end - start
    return func.julianday(end) - func.julianday(start)


@freshness.cached_aggregate("partnership.read")
def pocket_money_costs(engine: Engine, actor: Actor, *, partnership_id: int | None = None,
                       as_of: date | None = None) -> pd.DataFrame:
    """Hours and wage cost of pocket-money jobs per payer and calendar month, summed in SQL.

    A placement runs from its start date to its last day, both included: the actual end date,
    else the planned end date, else `as_of` (today) for a job without an end. In a month it
    works hours_per_week × (its days in that month ÷ 7) hours, and costs those hours ×
    hourly_wage. A job from 20 January to 9 February at 4 hours a week thus works 4 × 12/7 hours
    in January and 4 × 9/7 in February. Jobs without hours or wage count 0. With a partnership,
    only the jobs paid by its partners; without, every job, those without a payer under payer
    None. Columns: month (its first day), payer_id, payer, placements, hours, wage_cost, and
    both split at `as_of`: *_done for the days up to and including it, *_planned for the days
    after it (the rest of the agreed jobs).
    """
    require(actor, "partnership.read")
    as_of = as_of or clock.today()
    last_day = func.coalesce(Placement.actual_end_date, Placement.planned_end_date,
                             literal(as_of, Date))
    jobs = [Placement.kind == POCKET_MONEY]
    if partnership_id is not None:
        jobs.append(Placement.payer_id.in_(
            select(Partner.id).where(Partner.partnership_id == partnership_id)))
    with Session(engine) as session:
        first, last, longest = session.exec(
            select(func.min(Placement.start_date), func.max(last_day),
                   func.max(_days(engine, Placement.start_date, last_day))).where(*jobs)).one()
        if first is None:
            return pd.DataFrame(columns=COST_COLUMNS)
        first, last = date.fromisoformat(str(first)[:10]), date.fromisoformat(str(last)[:10])
        longest = timedelta(days=max(0, int(getattr(longest, "days", longest))))
        # The calendar months the jobs span, as rows (a UNION ALL works on SQLite and PostgreSQL),
        # each with the earliest start of a job that can reach into it (no job runs longer than
        # `longest`), so each month reads its jobs by (kind, start_date), not every job.
        months = union_all(*(
            select(literal(m, Date).label("month_start"),
                   literal(_next_month(m) - timedelta(days=1), Date).label("month_end"),
                   literal(m - longest, Date).label("earliest_start"))
            for m in month_starts(first, last))).subquery("months")
        starts = case((Placement.start_date > months.c.month_start, Placement.start_date),
                      else_=months.c.month_start)
        ends = case((last_day < months.c.month_end, last_day), else_=months.c.month_end)
        days = _days(engine, starts, ends) + 1
        today = literal(as_of, Date)
        done_until = case((ends < today, ends), else_=today)
        days_done = case((done_until >= starts, _days(engine, starts, done_until) + 1), else_=0)
        per_day = func.coalesce(Placement.hours_per_week, 0) / DAYS_PER_WEEK
        wage = func.coalesce(Placement.hourly_wage, 0)
        hours = per_day * cast(days, Float)
        hours_done = per_day * cast(days_done, Float)
        hours_planned = per_day * cast(days - days_done, Float)
        # A job meets each month at most once, so counting rows counts jobs.
        stmt = (select(months.c.month_start, Placement.payer_id, Partner.name,
                       func.count(Placement.id), func.sum(hours), func.sum(hours * wage),
                       func.sum(hours_done), func.sum(hours_done * wage),
                       func.sum(hours_planned), func.sum(hours_planned * wage))
                .select_from(Placement)
                .join(months, and_(Placement.start_date <= months.c.month_end,
                                   Placement.start_date >= months.c.earliest_start,
                                   last_day >= months.c.month_start))
                .outerjoin(Partner, Partner.id == Placement.payer_id)
                .where(*jobs)
                .group_by(months.c.month_start, Placement.payer_id, Partner.name)
                .order_by(months.c.month_start, Partner.name.asc().nulls_last(), Placement.payer_id))
        rows = session.exec(stmt).all()
    frame = pd.DataFrame(rows, columns=COST_COLUMNS)
    frame["month"] = [date.fromisoformat(str(m)[:10]) for m in frame["month"]]
    frame["payer_id"] = frame["payer_id"].astype("Int64")
    frame["placements"] = frame["placements"].astype(int)
    for column in COST_COLUMNS[4:]:
        frame[column] = frame[column].astype(float).round(2)
    return frame


UNPAID_COLUMNS = ["id", "first_name", "last_name", "company", "start_date", "hours_per_week",
                  "hourly_wage"]


@freshness.cached_aggregate("placement.read")
def count_unpaid_pocket_money_jobs(engine: Engine, actor: Actor) -> int:
    """How many pocket-money jobs of the actor's teams' citizens have no payer yet."""
    require(actor, "placement.read")
    stmt = (select(func.count(Placement.id)).join(Citizen, Citizen.id == Placement.citizen_id)
            .where(Placement.kind == POCKET_MONEY, Placement.payer_id.is_(None)))
    with Session(engine) as session:
        return int(session.exec(visible_citizens(actor, stmt)).one())


def unpaid_pocket_money_jobs(engine: Engine, actor: Actor, *, limit: int = 50) -> pd.DataFrame:
    """The oldest `limit` pocket-money jobs of the actor's teams' citizens without a payer."""
    require(actor, "placement.read")
    stmt = (select(Placement.id, Citizen.first_name, Citizen.last_name, Company.name,
                   Placement.start_date, Placement.hours_per_week, Placement.hourly_wage)
            .join(Citizen, Citizen.id == Placement.citizen_id)
            .join(Company, Company.id == Placement.company_id)
            .where(Placement.kind == POCKET_MONEY, Placement.payer_id.is_(None))
            .order_by(Placement.start_date, Placement.id).limit(limit))
    with Session(engine) as session:
        rows = session.exec(visible_citizens(actor, stmt)).all()
    return pd.DataFrame(rows, columns=UNPAID_COLUMNS)


def set_payer(engine: Engine, actor: Actor, *, placement_ids: list[int], payer_id: int) -> int:
    """Record which partner pays the wages of these pocket-money jobs; all or nothing.

    Every job must be a pocket-money job of a citizen the actor may see; returns the count.
    """
    require(actor, "placement.write")
    wanted = sorted({int(i) for i in placement_ids})
    if not wanted:
        raise ValidationError("error.payer_no_jobs")
    with write_session(engine) as session:
        if session.get(Partner, payer_id) is None:
            raise ValidationError("error.not_found")
        found = session.exec(visible_citizens(actor, (
            select(Placement).join(Citizen, Citizen.id == Placement.citizen_id)
            .where(Placement.id.in_(wanted), Placement.kind == POCKET_MONEY)))).all()
        if len(found) != len(wanted):
            raise ValidationError("error.not_found")
        for placement in found:
            placement.payer_id = payer_id
            placement.version += 1
            session.add(placement)
            audit.log(session, actor, "update", "placement", placement.id, detail=f"payer={payer_id}")
        session.commit()
    return len(wanted)


@freshness.cached_aggregate("partnership.read")
def reach(engine: Engine, actor: Actor, partnership_id: int, *,
          as_of: date | None = None) -> dict[str, int | None]:
    """How many distinct people the partnership reached by `as_of` (today), against its target.

    Reached: a citizen with a placement started on or before `as_of` that one of its partners
    pays for, or, when the partnership stands behind an initiative, a citizen of that initiative
    with such a started placement. Returns {"reached", "target"} (target None when not set).
    """
    require(actor, "partnership.read")
    as_of = as_of or clock.today()
    with Session(engine) as session:
        partnership = session.get(Partnership, partnership_id)
        if partnership is None:
            raise ValidationError("error.not_found")
        # Counted as two disjoint sets, each through an index: the initiative's citizens with a
        # started placement, and the others with a started placement a partner pays for.
        paid = (select(func.count(distinct(Placement.citizen_id)))
                .join(Citizen, Citizen.id == Placement.citizen_id)
                .where(Placement.payer_id.is_not(None), Placement.start_date <= as_of,
                       Placement.payer_id.in_(
                    select(Partner.id).where(Partner.partnership_id == partnership_id))))
        initiative = partnership.initiative_id
        if initiative is None:
            return {"reached": int(session.exec(paid).one()), "target": partnership.target_reach}
        started = (select(Placement.id)
                   .where(Placement.citizen_id == Citizen.id, Placement.start_date <= as_of))
        reached = session.exec(paid.where(Citizen.initiative_id.is_distinct_from(initiative))).one()
        reached += session.exec(select(func.count(Citizen.id)).where(
            Citizen.initiative_id == initiative, started.exists())).one()
    return {"reached": int(reached), "target": partnership.target_reach}


# --- What may be shown (small numbers) -----------------------------------------------------------

def shown_reach(reached: dict[str, int | None], *,
                min_size: int | None = None) -> dict[str, int | None]:
    """reach with a number reached under the minimum group size as None ("for få"); nobody
    reached (0) names nobody and stays."""
    min_size = results.min_group_size() if min_size is None else min_size
    return reached | {"reached": None if 0 < reached["reached"] < min_size else reached["reached"]}


def shown_costs(costs: pd.DataFrame, *, min_size: int | None = None) -> stats.Suppressed:
    """pocket_money_costs with a number of jobs (each one young person's) under the minimum
    hidden; hours and money stay."""
    min_size = results.min_group_size() if min_size is None else min_size
    hidden = stats.nothing_hidden(costs)
    hidden["placements"] = costs["placements"].between(1, min_size - 1)
    return stats.hide(costs, hidden)
