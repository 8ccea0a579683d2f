"""Resultater: the figures leaders look at, counted with SQL aggregates and judged with model.stats.

Every chart has one function here taking (engine, actor, Filter, ...) and returning a DataFrame.
Results are aggregates, but they count only the citizens (and sprints) of the teams the actor may
see. Share figures hide groups smaller than the minimum group size ("for få"), as small numbers
can identify people; what else of the figures may be shown is decided in model.charts, with
stats.small_count_mask, before anything is drawn or written.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Date, Numeric, and_, case, cast, distinct, exists, extract, func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from model import audit, clock, goals, i18n, stats, validation
from model.access import Actor, require
from model.db import is_sqlite, write_session
from model.errors import ValidationError
from model.goals import SUCCESS_STATUSES  # job eller uddannelse, as on Mål
from model.outcomes import MEASURE_MONTHS
from model.people import MAX_NAME, visible_citizens
from model.placements import OPEN_STATUSES
from model.tables import (
    PLACEMENT_KINDS,
    SECURED,
    Citizen,
    Company,
    ComparisonGroup,
    FollowUp,
    HousingArea,
    Initiative,
    Outcome,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    StageChange,
    Team,
)
from model.validation import check_free_text

MIN_GROUP_ENV = "JOBTAVLEN_MIN_GROUP_SIZE"
DEFAULT_MIN_GROUP_SIZE = 5
# The first job: a citizen's first placement of one of these kinds.
JOB_KINDS = ("ordinaert_job", "ordinaere_timer", "laerlingeplads")
# A first job is lost when broken off or when it ended back on benefits (or otherwise).
LOST_RESULTS = ("back_on_benefits", "other")
GROUPINGS = ("initiative", "target_group", "housing_area", "kind", "team")
DAYS_PER_MONTH = 30.4375
DEFAULT_SCALE = "livsmestring"
MAX_SOURCE = 200
TOP_LIMIT = 10

SHARE_COLUMNS = ["months", *stats.SHARE_COLUMNS]
COMPARISON_COLUMNS = ["initiative_id", "initiative", "months", "label", "n", "reached", "share", "low",
                      "high", "comparison_n", "comparison_reached", "comparison_share",
                      "comparison_low", "comparison_high", "difference", "difference_low",
                      "difference_high", "verdict", "source"]
RETENTION_COLUMNS = ["group", "n", "too_few", "days", "months", "at_risk", "events", "censored",
                     "survival"]
WEEK_COLUMNS = ["week", "kind", "started", "ended"]
ACTIVE_COLUMNS = ["week", "active"]
PROGRESSION_COLUMNS = ["change", "citizens", "too_few"]
SPRINT_COLUMNS = ["sprint_id", "sprint", "start_date", "end_date", "goal", "secured", "cards",
                  "timed", "median_days", "mean_days"]
COMPANY_COLUMNS = ["company_id", "company", "industry", "citizens", "placements"]
INDUSTRY_COLUMNS = ["industry", "companies", "citizens", "placements"]
AGREEMENT_COLUMNS = ["month", "agreements"]
FOLLOW_UP_COLUMNS = ["month", "due", "on_time", "late", "overdue", "missed", "share", "low", "high"]
COMPARISON_GROUP_COLUMNS = ["id", "initiative_id", "initiative", "label", "months", "n", "reached",
                            "source"]
VERDICT_KEYS = {
    "better": "results.verdict_better",
    "worse": "results.verdict_worse",
    "unclear": "results.verdict_unclear",
    "too_few": "results.verdict_too_few",
}


def min_group_size() -> int:
    """The smallest group whose share is shown: JOBTAVLEN_MIN_GROUP_SIZE, 5 unless set."""
    try:
        size = int(os.environ.get(MIN_GROUP_ENV, DEFAULT_MIN_GROUP_SIZE))
    except ValueError:
        return DEFAULT_MIN_GROUP_SIZE
    return max(size, 1)


@dataclass(frozen=True)
class Filter:
    """What the figures cover: a period and, optionally, one initiative, target group, housing
    area, placement kind and team."""

    start: date
    end: date
    initiative_id: int | None = None
    target_group: str | None = None
    housing_area_id: int | None = None
    kind: str | None = None
    team_id: int | None = None


def default_filter(today: date) -> Filter:
    """The last twelve months up to today."""
    return Filter(start=today - timedelta(days=365), end=today)


def check_filter(flt: Filter) -> Filter:
    """The period lies within the dates the app takes (validation.check_date names them) and does
    not end before it starts; it may reach past today (what has not happened counts nothing)."""
    validation.check_date(flt.start, required=True)
    validation.check_date(flt.end, required=True)
    if flt.end < flt.start:
        raise ValidationError("error.results_period")
    if flt.kind is not None and flt.kind not in PLACEMENT_KINDS:
        raise ValidationError("error.unknown_placement_kind")
    return flt


def _check_group(group_by: str) -> str:
    if group_by not in GROUPINGS:
        raise ValidationError("error.results_grouping")
    return group_by


@dataclass(frozen=True)
class FilterOptions:
    """The choices of each filter, within what the actor may see."""

    initiatives: dict[int, str]
    target_groups: tuple[str, ...]
    housing_areas: dict[int, str]
    kinds: tuple[str, ...]
    teams: dict[int, str]


def filter_options(engine: Engine, actor: Actor) -> FilterOptions:
    require(actor, "results.read")
    teams = select(Team.id, Team.name).order_by(Team.name)
    if not actor.sees_all_teams and actor.team_id is not None:
        teams = teams.where(Team.id == actor.team_id)
    groups = visible_citizens(actor, select(Citizen.target_group).distinct()
                              .where(Citizen.target_group != "")).order_by(Citizen.target_group)
    with Session(engine) as session:
        return FilterOptions(
            initiatives=dict(session.exec(select(Initiative.id, Initiative.name)
                                          .order_by(Initiative.name)).all()),
            target_groups=tuple(session.exec(groups).all()),
            housing_areas=dict(session.exec(select(HousingArea.id, HousingArea.name)
                                            .order_by(HousingArea.name)).all()),
            kinds=PLACEMENT_KINDS,
            teams=dict(session.exec(teams).all()),
        )


# --- Query building blocks -----------------------------------------------------------------------

def _scoped(stmt, actor: Actor, flt: Filter, *, kind: str = "citizen"):
    """Limit a statement that joins Citizen to the actor's teams and the filter.

    `kind` says how the placement-kind filter applies: "citizen" keeps citizens who had a placement
    of that kind, "placement" keeps placements of that kind (the statement joins Placement).
    """
    stmt = visible_citizens(actor, stmt)
    if flt.initiative_id is not None:
        stmt = stmt.where(Citizen.initiative_id == flt.initiative_id)
    if flt.target_group is not None:
        stmt = stmt.where(Citizen.target_group == flt.target_group)
    if flt.housing_area_id is not None:
        stmt = stmt.where(Citizen.housing_area_id == flt.housing_area_id)
    if flt.team_id is not None:
        stmt = stmt.where(Citizen.team_id == flt.team_id)
    if flt.kind is not None:
        if kind == "placement":
            stmt = stmt.where(Placement.kind == flt.kind)
        else:
            stmt = stmt.where(Citizen.id.in_(select(Placement.citizen_id)
                                             .where(Placement.kind == flt.kind)))
    return stmt


def _citizen_needed(actor: Actor, flt: Filter, *, kind: str = "citizen") -> bool:
    """Whether scoping needs the citizen's row: a team limit or a citizen filter."""
    return (not actor.sees_all_teams or flt.initiative_id is not None or flt.target_group is not None
            or flt.housing_area_id is not None or flt.team_id is not None
            or (flt.kind is not None and kind == "citizen"))


def _scoped_by(stmt, citizen_id, actor: Actor, flt: Filter, *, kind: str = "citizen"):
    """`_scoped` for a statement over rows that name their citizen in `citizen_id` (never null).

    The join to Citizen is left out when nothing needs it: at 200,000 placements its row lookups
    cost more than the rest of the query.
    """
    if _citizen_needed(actor, flt, kind=kind):
        stmt = stmt.join(Citizen, Citizen.id == citizen_id)
    return _scoped(stmt, actor, flt, kind=kind)


def _citizen_kinds():
    """Each citizen with each kind of placement they had (once per kind)."""
    return select(Placement.citizen_id, Placement.kind).distinct().subquery("citizen_kind")


def _group_column(group_by: str, kinds):
    """The column naming a citizen's group; `_group_join` adds what it needs to a statement."""
    return {"initiative": Initiative.name, "housing_area": HousingArea.name, "team": Team.name,
            "kind": kinds.c.kind, "target_group": Citizen.target_group}[group_by]


def _group_join(stmt, group_by: str, kinds):
    if group_by == "initiative":
        return stmt.outerjoin(Initiative, Initiative.id == Citizen.initiative_id)
    if group_by == "housing_area":
        return stmt.outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
    if group_by == "team":
        return stmt.outerjoin(Team, Team.id == Citizen.team_id)
    if group_by == "kind":
        return stmt.join(kinds, kinds.c.citizen_id == Citizen.id)
    return stmt


def _date_days(engine: Engine, later, earlier):
    """Whole days between two date columns."""
    if is_sqlite(engine):
        return cast(func.julianday(later) - func.julianday(earlier), Numeric)
    return later - earlier


def _moment_days(engine: Engine, later, earlier):
    """Days (with fractions) between two moments."""
    if is_sqlite(engine):
        return func.julianday(later) - func.julianday(earlier)
    return extract("epoch", later - earlier) / 86400


def _local_date(engine: Engine, moment):
    """The Danish calendar day of a stored UTC moment."""
    if is_sqlite(engine):
        # SQLite has no time zones: summer time is taken as April to October.
        offset = case((func.strftime("%m", moment).between("04", "10"), "+2 hours"), else_="+1 hour")
        return func.date(moment, offset)
    return cast(func.timezone("Europe/Copenhagen", moment), Date)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def _months(start: date, end: date) -> list[date]:
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _label(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _group_key(label: str) -> tuple[bool, str]:
    """Groups sorted by name with the unnamed group ("") last."""
    return label == "", label.casefold()


# --- Placements ---------------------------------------------------------------------------------

def _counts_by_day(session: Session, actor: Actor, flt: Filter, day_column, first: date | None,
                   last: date, *, by_kind: bool) -> pd.DataFrame:
    columns = [day_column, Placement.kind] if by_kind else [day_column]
    stmt = (select(*columns, func.count(Placement.id))
            .where(day_column.is_not(None), day_column <= last)
            .group_by(*columns))
    if first is not None:
        stmt = stmt.where(day_column >= first)
    rows = session.exec(_scoped_by(stmt, Placement.citizen_id, actor, flt, kind="placement")).all()
    return pd.DataFrame(rows, columns=["day", "kind", "count"] if by_kind else ["day", "count"])


def placements_per_week(engine: Engine, actor: Actor, flt: Filter, *, today: date) -> pd.DataFrame:
    """Placements started and ended per ISO week (Monday's date) and kind, in the period."""
    require(actor, "results.read")
    check_filter(flt)
    last = min(flt.end, today)
    with Session(engine) as session:
        started = _counts_by_day(session, actor, flt, Placement.start_date, flt.start, last, by_kind=True)
        ended = _counts_by_day(session, actor, flt, Placement.actual_end_date, flt.start, last,
                               by_kind=True)
    per_week = [counts.assign(week=counts["day"].map(monday)).groupby(["week", "kind"])["count"]
                .sum().rename(name) for name, counts in (("started", started), ("ended", ended))]
    table = pd.concat(per_week, axis=1).fillna(0).astype(int).reset_index()
    return table.sort_values(["week", "kind"], ignore_index=True)[WEEK_COLUMNS]


def active_per_week(engine: Engine, actor: Actor, flt: Filter, *, today: date) -> pd.DataFrame:
    """Placements running on at least one day of each week of the period (up to today)."""
    require(actor, "results.read")
    check_filter(flt)
    last = min(flt.end, today)
    weeks = []
    week = monday(flt.start)
    while week <= last:
        weeks.append(week)
        week += timedelta(days=7)
    if not weeks:
        return pd.DataFrame(columns=ACTIVE_COLUMNS)
    with Session(engine) as session:
        started = _counts_by_day(session, actor, flt, Placement.start_date, None, last, by_kind=False)
        ended = _counts_by_day(session, actor, flt, Placement.actual_end_date, None, last, by_kind=False)
    begun = _running_total(started, [min(week + timedelta(days=6), last) for week in weeks], "right")
    gone = _running_total(ended, weeks, "left")
    return pd.DataFrame({"week": weeks, "active": begun - gone}, columns=ACTIVE_COLUMNS)


def _running_total(counts: pd.DataFrame, days: list[date], side: str) -> np.ndarray:
    """How many were counted up to each day: on or before it ("right") or before it ("left")."""
    ordered = counts.sort_values("day")
    totals = np.concatenate([[0], ordered["count"].cumsum().to_numpy(dtype=int)])
    return totals[np.searchsorted(ordered["day"].to_numpy(), np.array(days, dtype=object), side=side)]


# --- Job or education ---------------------------------------------------------------------------

def _outcome_counts(flt: Filter, group):
    """(months, group, measured, succeeded) per month and group, of outcomes measured in the period."""
    succeeded = case((Outcome.status.in_(SUCCESS_STATUSES), Outcome.citizen_id))
    return (select(Outcome.months_after_start, group, func.count(distinct(Outcome.citizen_id)),
                   func.count(distinct(succeeded)))
            .join(Citizen, Citizen.id == Outcome.citizen_id)
            .where(Outcome.months_after_start.in_(MEASURE_MONTHS), Outcome.measured_at >= flt.start,
                   Outcome.measured_at <= flt.end)
            .group_by(Outcome.months_after_start, group))


def outcome_shares(engine: Engine, actor: Actor, flt: Filter, *, group_by: str = "initiative",
                   min_size: int | None = None) -> pd.DataFrame:
    """Share in job or education at 3, 6 and 12 months per group, with 95 % Wilson intervals.

    A citizen counts once per month: as a success when a measurement in the period says job or
    education (as on Mål). Grouped by kind, a citizen counts in each kind of placement they had.
    """
    require(actor, "results.read")
    check_filter(flt)
    _check_group(group_by)
    min_size = min_group_size() if min_size is None else min_size
    kinds = _citizen_kinds()
    stmt = _group_join(_outcome_counts(flt, _group_column(group_by, kinds)), group_by, kinds)
    with Session(engine) as session:
        rows = session.exec(_scoped(stmt, actor, flt)).all()
    rows = sorted(((int(months), _label(label), int(measured), int(succeeded))
                   for months, label, measured, succeeded in rows),
                  key=lambda row: (row[0], *_group_key(row[1])))
    frame = pd.DataFrame([{"months": months, **vars(stats.group_share(label, succeeded, measured, min_size))}
                          for months, label, measured, succeeded in rows], columns=SHARE_COLUMNS)
    frame["successes"] = frame["successes"].astype("Int64")
    frame["too_few"] = frame["too_few"].astype(bool)
    return frame


def comparison(engine: Engine, actor: Actor, flt: Filter, *,
               min_size: int | None = None) -> pd.DataFrame:
    """Each initiative with a comparison group against it: both shares in job or education at the
    group's month, the difference with Newcombe's 95 % interval, and a verdict.

    The initiative side counts outcomes measured in the period within the actor's teams; the other
    filters are left out, as the comparison group stands for the whole target group.
    """
    require(actor, "results.read")
    check_filter(flt)
    min_size = min_group_size() if min_size is None else min_size
    groups = (select(ComparisonGroup.initiative_id, Initiative.name, ComparisonGroup.month,
                     ComparisonGroup.label, ComparisonGroup.n, ComparisonGroup.reached,
                     ComparisonGroup.source)
              .join(Initiative, Initiative.id == ComparisonGroup.initiative_id)
              .order_by(Initiative.name, ComparisonGroup.month, ComparisonGroup.label))
    if flt.initiative_id is not None:
        groups = groups.where(ComparisonGroup.initiative_id == flt.initiative_id)
    with Session(engine) as session:
        compared = session.exec(groups).all()
        ids = sorted({row[0] for row in compared})
        counts = visible_citizens(actor, _outcome_counts(flt, Citizen.initiative_id)
                                  .where(Citizen.initiative_id.in_(ids)))
        measured = {(initiative, months): (n, s) for months, initiative, n, s
                    in session.exec(counts).all()}
    rows = []
    for initiative_id, name, months, label, c_n, c_reached, source in compared:
        n, reached = measured.get((initiative_id, months), (0, 0))
        own = stats.group_share(name, int(reached), int(n), min_size)
        other = stats.group_share(label, int(c_reached), int(c_n), 1)
        if own.too_few or other.too_few:
            difference = low = high = math.nan
            verdict = "too_few"
        else:
            difference, low, high = stats.difference_of_proportions(reached, n, c_reached, c_n)
            verdict = stats.difference_verdict(low, high)
        rows.append((initiative_id, name, months, label, int(n), own.successes, own.share, own.low,
                     own.high, int(c_n), int(c_reached), other.share, other.low, other.high,
                     difference, low, high, verdict, source))
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    frame["reached"] = frame["reached"].astype("Int64")
    return frame


def _percent(value: float, lang: str) -> str:
    text = f"{value * 100:.0f} %"
    return text if lang == "en" else text.replace(".", ",")


def _points(value: float) -> str:
    return f"{value * 100:+.0f}".replace("-", "−")


def verdict_text(row: dict | pd.Series, lang: str = "da", min_size: int | None = None) -> str:
    """The comparison of one row in plain words, saying so when the difference is not clear."""
    min_size = min_group_size() if min_size is None else min_size
    params = {"initiative": row["initiative"], "label": row["label"], "months": int(row["months"])}
    if row["verdict"] == "too_few":
        return i18n.t(VERDICT_KEYS["too_few"], lang, min=min_size, **params)
    return i18n.t(VERDICT_KEYS[row["verdict"]], lang, **params,
                  share=_percent(row["share"], lang),
                  comparison_share=_percent(row["comparison_share"], lang),
                  difference=_points(row["difference"]), low=_points(row["difference_low"]),
                  high=_points(row["difference_high"]))


# --- Retention of the first job -----------------------------------------------------------------

def first_job_retention(engine: Engine, actor: Actor, flt: Filter, *, today: date,
                        group_by: str = "initiative", min_size: int | None = None) -> pd.DataFrame:
    """Kaplan-Meier curves per group of how long citizens keep their first job (fastholdelse).

    The first job is a citizen's first placement of a job kind, counted when it started in the
    period. It is lost when broken off or ended back on benefits (or otherwise); a job still running
    (censored at today) or ended into education, an ordinary job or a continued placement is
    censored. Groups under the minimum size get one row with too_few and no curve. Grouped by kind,
    the group is the first job's kind.
    """
    require(actor, "results.read")
    check_filter(flt)
    _check_group(group_by)
    min_size = min_group_size() if min_size is None else min_size
    # A job placement started in the period is the first job when no job started before it (the
    # lower id first on the same day): index lookups for these few, not a window over every job.
    earlier = aliased(Placement, name="earlier")
    no_earlier_job = ~exists().where(
        earlier.citizen_id == Placement.citizen_id, earlier.kind.in_(JOB_KINDS),
        or_(earlier.start_date < Placement.start_date,
            and_(earlier.start_date == Placement.start_date, earlier.id < Placement.id)))
    ranked = (select(Placement.citizen_id, Placement.kind, Placement.start_date,
                     Placement.actual_end_date, Placement.status, Placement.result)
              .where(Placement.kind.in_(JOB_KINDS), Placement.start_date <= today,
                     Placement.start_date >= flt.start, Placement.start_date <= flt.end, no_earlier_job)
              .subquery("first_job"))
    end = func.coalesce(ranked.c.actual_end_date, today)
    lost = case((or_(ranked.c.status == "broken_off", ranked.c.result.in_(LOST_RESULTS)), 1), else_=0)
    kinds = _citizen_kinds()
    group = ranked.c.kind if group_by == "kind" else _group_column(group_by, kinds)
    per_citizen = (select(group.label("grp"), _date_days(engine, end, ranked.c.start_date).label("days"),
                          lost.label("lost"))
                   .select_from(ranked).join(Citizen, Citizen.id == ranked.c.citizen_id))
    if group_by != "kind":
        per_citizen = _group_join(per_citizen, group_by, kinds)
    sub = _scoped(per_citizen, actor, flt).subquery("per_citizen")
    stmt = select(sub.c.grp, sub.c.days, sub.c.lost, func.count()).group_by(sub.c.grp, sub.c.days,
                                                                           sub.c.lost)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    counts = pd.DataFrame([(_label(g), float(d), bool(lost), int(c)) for g, d, lost, c in rows],
                          columns=["group", "days", "lost", "count"])
    curves = []
    for label in sorted(counts["group"].unique(), key=_group_key):
        part = counts[counts["group"] == label]
        n = int(part["count"].sum())
        if n < min_size:
            curves.append(pd.DataFrame([{"group": label, "n": n, "too_few": True}],
                                       columns=RETENTION_COLUMNS))
            continue
        curve = stats.kaplan_meier(part["days"].to_numpy(), part["lost"].to_numpy(),
                                   part["count"].to_numpy()).rename(columns={"time": "days"})
        curve.insert(0, "group", label)
        curve.insert(1, "n", n)
        curve.insert(2, "too_few", False)
        curve.insert(4, "months", curve["days"] / DAYS_PER_MONTH)
        curves.append(curve[RETENTION_COLUMNS])
    if not curves:
        return pd.DataFrame(columns=RETENTION_COLUMNS)
    frame = pd.concat(curves, ignore_index=True)
    frame["too_few"] = frame["too_few"].astype(bool)
    return frame


def retention_medians(curves: pd.DataFrame) -> pd.DataFrame:
    """Per shown group: n and the median time (days) in the first job; None if over half keep it."""
    rows = []
    for label, part in curves[~curves["too_few"]].groupby("group", sort=False):
        rows.append((label, int(part["n"].iloc[0]), stats.median_survival(part.rename(
            columns={"days": "time"}))))
    return pd.DataFrame(rows, columns=["group", "n", "median_days"])


# --- Progression --------------------------------------------------------------------------------

def progression_change(engine: Engine, actor: Actor, flt: Filter, *, scale: str = DEFAULT_SCALE,
                       min_size: int | None = None) -> pd.DataFrame:
    """How many citizens changed by how much from their first to their latest score in the period
    (paired per citizen; at least two measurements). Fewer citizens than the minimum group size
    give one row with too_few and their number."""
    require(actor, "results.read")
    check_filter(flt)
    min_size = min_group_size() if min_size is None else min_size
    citizen = Progression.citizen_id
    ranked = _scoped(
        select(citizen, Progression.score,
               func.row_number().over(partition_by=citizen, order_by=(Progression.measured_at,
                                                                       Progression.id)).label("early"),
               func.row_number().over(partition_by=citizen, order_by=(Progression.measured_at.desc(),
                                                                       Progression.id.desc())).label("late"),
               func.count().over(partition_by=citizen).label("measurements"))
        .join(Citizen, Citizen.id == citizen)
        .where(Progression.scale == scale, Progression.measured_at >= flt.start,
               Progression.measured_at <= flt.end), actor, flt)
    first, latest = ranked.subquery("first_score"), ranked.subquery("latest_score")
    pairs = (select((latest.c.score - first.c.score).label("change"))
             .select_from(first).join(latest, latest.c.citizen_id == first.c.citizen_id)
             .where(first.c.early == 1, latest.c.late == 1, first.c.measurements >= 2)
             .subquery("pairs"))
    stmt = select(pairs.c.change, func.count()).group_by(pairs.c.change).order_by(pairs.c.change)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    n = sum(count for _, count in rows)
    if 0 < n < min_size:
        frame = pd.DataFrame([(None, n, True)], columns=PROGRESSION_COLUMNS)
    else:
        frame = pd.DataFrame([(int(c), int(k), False) for c, k in rows], columns=PROGRESSION_COLUMNS)
    frame["change"] = frame["change"].astype("Int64")
    frame["citizens"] = frame["citizens"].astype("Int64")
    frame["too_few"] = frame["too_few"].astype(bool)
    return frame


def progression_summary(distribution: pd.DataFrame) -> stats.PairedChange:
    """The mean change with its 95 % interval, from progression_change's distribution."""
    shown = distribution[~distribution["too_few"]]
    changes = np.repeat(shown["change"].astype(float).to_numpy(), shown["citizens"].astype(int))
    return stats.paired_change([0.0] * len(changes), list(changes))


# --- Sprints ------------------------------------------------------------------------------------

def sprint_history(engine: Engine, actor: Actor, flt: Filter, *, today: date | None = None) -> pd.DataFrame:
    """Every sprint in the period (of the team filter, within the actor's teams): goal against
    placements secured up to `today` (the clock's today when not given), counted as on Mål
    (goals.secured_placements), and the median and mean days from selected to secured.

    The citizen filters do not apply: a sprint's goal is set for all its cards.
    """
    require(actor, "results.read")
    check_filter(flt)
    today = today or clock.today()
    cards = (select(SprintCard.sprint_id, func.count(SprintCard.id).label("cards"))
             .group_by(SprintCard.sprint_id).subquery("cards"))
    stmt = (select(Sprint.id, Sprint.name, Sprint.start_date, Sprint.end_date, Sprint.goal_count,
                   func.coalesce(cards.c.cards, 0))
            .outerjoin(cards, cards.c.sprint_id == Sprint.id)
            .where(Sprint.start_date <= flt.end, Sprint.end_date >= flt.start)
            .order_by(Sprint.start_date, Sprint.id))
    if not actor.sees_all_teams and actor.team_id is not None:
        stmt = stmt.where(or_(Sprint.team_id == actor.team_id, Sprint.team_id.is_(None)))
    if flt.team_id is not None:
        stmt = stmt.where(Sprint.team_id == flt.team_id)
    with Session(engine) as session:
        sprints = session.exec(stmt).all()
        ids = [row[0] for row in sprints]
        secured = goals.secured_placements(first=None, last=today, sprint_ids=ids)
        secured_per_sprint = dict(session.exec(select(secured.c.sprint_id, func.count())
                                               .group_by(secured.c.sprint_id)).all())
        moves = (select(SprintCard.sprint_id,
                        func.min(StageChange.changed_at).filter(StageChange.to_stage == "selected")
                        .label("selected_at"),
                        func.min(StageChange.changed_at).filter(StageChange.to_stage == SECURED)
                        .label("secured_at"))
                 .join(StageChange, StageChange.card_id == SprintCard.id)
                 .where(SprintCard.stage == SECURED, SprintCard.sprint_id.in_(ids))
                 .group_by(SprintCard.id, SprintCard.sprint_id).subquery("moves"))
        days = func.round(cast(_moment_days(engine, moves.c.secured_at, moves.c.selected_at), Numeric), 1)
        timed = (select(moves.c.sprint_id, days.label("days"))
                 .where(moves.c.secured_at >= moves.c.selected_at).subquery("timed"))
        spread = session.exec(select(timed.c.sprint_id, timed.c.days, func.count())
                              .group_by(timed.c.sprint_id, timed.c.days)).all()
    times = pd.DataFrame([(s, float(d), int(c)) for s, d, c in spread],
                         columns=["sprint_id", "days", "count"])
    rows = []
    for sprint_id, name, start, end, goal, cards in sprints:
        secured_count = secured_per_sprint.get(sprint_id, 0)
        part = times[times["sprint_id"] == sprint_id]
        durations = np.repeat(part["days"].to_numpy(), part["count"])
        median = float(np.median(durations)) if len(durations) else math.nan
        mean = float(durations.mean()) if len(durations) else math.nan
        rows.append((sprint_id, name, start, end, int(goal), int(secured_count), int(cards),
                     len(durations), median, mean))
    return pd.DataFrame(rows, columns=SPRINT_COLUMNS)


# --- Companies ----------------------------------------------------------------------------------

def _placements_in_period(stmt, actor: Actor, flt: Filter, today: date):
    stmt = stmt.where(Placement.start_date >= flt.start, Placement.start_date <= min(flt.end, today))
    return _scoped_by(stmt, Placement.citizen_id, actor, flt, kind="placement")


def top_companies(engine: Engine, actor: Actor, flt: Filter, *, today: date,
                  limit: int = TOP_LIMIT) -> pd.DataFrame:
    """The companies that took most citizens into placements started in the period."""
    require(actor, "results.read")
    check_filter(flt)
    # Counted per company first, then named: the join is to the companies, not to every placement.
    per_company = _placements_in_period(
        select(Placement.company_id, func.count(distinct(Placement.citizen_id)).label("citizens"),
               func.count(Placement.id).label("placements")), actor, flt, today
    ).group_by(Placement.company_id).subquery("per_company")
    stmt = (select(Company.id, Company.name, Company.industry, per_company.c.citizens,
                   per_company.c.placements)
            .join(per_company, per_company.c.company_id == Company.id)
            .order_by(per_company.c.citizens.desc(), Company.name).limit(limit))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=COMPANY_COLUMNS)


def top_industries(engine: Engine, actor: Actor, flt: Filter, *, today: date,
                   limit: int = TOP_LIMIT) -> pd.DataFrame:
    """The industries that took most citizens into placements started in the period."""
    require(actor, "results.read")
    check_filter(flt)
    citizens = func.count(distinct(Placement.citizen_id))
    stmt = (select(Company.industry, func.count(distinct(Company.id)), citizens, func.count(Placement.id))
            .select_from(Placement).join(Company, Company.id == Placement.company_id))
    stmt = (_placements_in_period(stmt, actor, flt, today)
            .group_by(Company.industry).order_by(citizens.desc(), Company.industry).limit(limit))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=INDUSTRY_COLUMNS)


def new_agreements(engine: Engine, actor: Actor, flt: Filter, *, today: date) -> pd.DataFrame:
    """New cooperation agreements with companies per month of the period (company.agreement_since).

    Companies are shared by every team, so only the period applies.
    """
    require(actor, "results.read")
    check_filter(flt)
    last = min(flt.end, today)
    stmt = (select(Company.agreement_since, func.count(Company.id))
            .where(Company.agreement_kind != "none", Company.agreement_since >= flt.start,
                   Company.agreement_since <= last)
            .group_by(Company.agreement_since))
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    per_month = {month: 0 for month in _months(flt.start, last)}
    for day, count in rows:
        per_month[month_start(day)] += int(count)
    return pd.DataFrame(list(per_month.items()), columns=AGREEMENT_COLUMNS)


# --- Follow-up ----------------------------------------------------------------------------------

def follow_up_punctuality(engine: Engine, actor: Actor, flt: Filter, *, today: date) -> pd.DataFrame:
    """Per month of the due date: follow-ups due before today, how many were done on or before the
    due day (share with a 95 % Wilson interval), done late, still open (overdue) or left undone
    when the placement ended (missed)."""
    require(actor, "results.read")
    check_filter(flt)
    last = min(flt.end, today - timedelta(days=1))
    undone = FollowUp.done_at.is_(None)
    joined = flt.kind is not None or _citizen_needed(actor, flt, kind="placement")
    # Without filters on placement or citizen, only the open follow-ups ask whether their
    # placement runs (a set of running ids), instead of a join for every follow-up.
    running = (Placement.status.in_(OPEN_STATUSES) if joined else FollowUp.placement_id.in_(
        select(Placement.id).where(Placement.status.in_(OPEN_STATUSES))))
    state = case((undone & running, "overdue"), (undone, "missed"),
                 (_local_date(engine, FollowUp.done_at) <= FollowUp.due_date, "on_time"),
                 else_="late")
    per = select(FollowUp.due_date, state.label("state")).where(FollowUp.due_date >= flt.start,
                                                                 FollowUp.due_date <= last)
    if joined:
        per = _scoped_by(per.join(Placement, Placement.id == FollowUp.placement_id),
                         Placement.citizen_id, actor, flt, kind="placement")
    per = per.subquery("states")
    stmt = select(per.c.due_date, per.c.state, func.count()).group_by(per.c.due_date, per.c.state)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    states = ("on_time", "late", "overdue", "missed")
    per_month = {month: dict.fromkeys(states, 0) for month in _months(flt.start, last)}
    for day, name, count in rows:
        per_month[month_start(day)][name] += int(count)
    result = []
    for month, counts in per_month.items():
        due = sum(counts.values())
        share, low, high = (counts["on_time"] / due, *stats.wilson_interval(counts["on_time"], due)) \
            if due else (math.nan, math.nan, math.nan)
        result.append((month, due, *counts.values(), share, low, high))
    return pd.DataFrame(result, columns=FOLLOW_UP_COLUMNS)


# --- Comparison groups (sammenligningsgrupper) ---------------------------------------------------

def clean_comparison_fields(session: Session, *, initiative_id: int | None, label: str,
                            months: object, n: object, reached: object, source: str = "") -> dict:
    """A comparison group's fields after the checks the form and the import share."""
    if initiative_id is None or session.get(Initiative, initiative_id) is None:
        raise ValidationError("error.comparison_initiative")
    label = validation.clean_line(label, MAX_NAME, too_long="error.comparison_label")
    if not label:
        raise ValidationError("error.comparison_label", max=MAX_NAME)
    source = validation.clean_line(source, MAX_SOURCE, too_long="error.comparison_source")
    check_free_text(label, source)
    if isinstance(months, bool) or months not in MEASURE_MONTHS:
        raise ValidationError("error.comparison_months", months=", ".join(map(str, MEASURE_MONTHS)))
    try:
        n = validation.check_number(n, whole=True)
        reached = validation.check_number(reached, whole=True)
    except ValidationError:
        raise ValidationError("error.comparison_n") from None
    if n is None or n < 1:
        raise ValidationError("error.comparison_n")
    if reached is None or not 0 <= reached <= n:
        raise ValidationError("error.comparison_reached")
    return {"initiative_id": initiative_id, "label": label, "month": int(months), "n": int(n),
            "reached": int(reached), "source": source}


def comparison_exists(session: Session, initiative_id: int, label: str, months: int) -> bool:
    return session.exec(select(ComparisonGroup.id).where(
        ComparisonGroup.initiative_id == initiative_id, ComparisonGroup.month == months,
        func.lower(ComparisonGroup.label) == label.lower())).first() is not None


def add_comparison_group(engine: Engine, actor: Actor, *, initiative_id: int | None, label: str,
                         months: int, n: int, reached: int, source: str = "") -> int:
    """Enter a comparison group's figure by hand: of n people in the normal effort, how many were
    in job or education after `months` months. Returns its id."""
    require(actor, "comparison.write")
    with write_session(engine) as session:
        fields = clean_comparison_fields(session, initiative_id=initiative_id, label=label,
                                         months=months, n=n, reached=reached, source=source)
        if comparison_exists(session, initiative_id, fields["label"], fields["month"]):
            raise ValidationError("error.comparison_exists")
        group = ComparisonGroup(**fields)
        session.add(group)
        session.flush()
        audit.log(session, actor, "create", "comparison_group", group.id,
                  detail=f"initiative={initiative_id};months={months};n={n};reached={reached}")
        session.commit()
        return group.id


def delete_comparison_group(engine: Engine, actor: Actor, group_id: int) -> None:
    require(actor, "comparison.write")
    with write_session(engine) as session:
        group = session.get(ComparisonGroup, group_id)
        if group is None:
            raise ValidationError("error.not_found")
        session.delete(group)
        audit.log(session, actor, "delete", "comparison_group", group_id, detail=group.label)
        session.commit()


def comparison_groups(engine: Engine, actor: Actor, *,
                      initiative_id: int | None = None) -> pd.DataFrame:
    """The comparison groups entered or imported, by initiative and month."""
    require(actor, "results.read")
    stmt = (select(ComparisonGroup.id, ComparisonGroup.initiative_id, Initiative.name,
                   ComparisonGroup.label, ComparisonGroup.month, ComparisonGroup.n,
                   ComparisonGroup.reached, ComparisonGroup.source)
            .outerjoin(Initiative, Initiative.id == ComparisonGroup.initiative_id)
            .order_by(Initiative.name, ComparisonGroup.month, ComparisonGroup.label))
    if initiative_id is not None:
        stmt = stmt.where(ComparisonGroup.initiative_id == initiative_id)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=COMPARISON_GROUP_COLUMNS)
