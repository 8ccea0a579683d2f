"""Områdeoverblik: the map of the unemployed per housing area (boligområde), as Fredericia's
shared job consultant draws it: benefit type and match group, qualifications and wishes, the
unemployment rate, whose dagpenge run out first, and which further training the wishes call for.

"All areas" means every citizen who lives in one of the registered housing areas. Citizens are
always those of the actor's teams (people.visible_citizens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, case, distinct, exists, func, or_, true
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import audit, clock, freshness, results, stats, validation
from model.access import Actor, require
from model.db import write_session
from model.errors import ValidationError
from model.paging import Page
from model.people import MAX_NAME, visible_citizens
from model.tables import (
    Citizen,
    HousingArea,
    HousingAreaFigure,
    Placement,
    Sprint,
    SprintCard,
    Staff,
)
from model.validation import check_free_text

# Efteruddannelse: the qualification an industry usually asks for. A citizen who wishes to work
# in the industry (a wish tag) but lacks the qualification (no such qualification tag) needs it.
# Tags are stored in lower case, so keep this vocabulary in lower-case Danish.
TRAINING_NEEDS: dict[str, str] = {
    "lager og logistik": "truckcertifikat",
    "transport": "kørekort c",
    "kantine og køkken": "hygiejnebevis",
    "byggeri": "sikkerhedskursus",
    "industri": "svejsecertifikat",
    "pleje og omsorg": "sosu-hjælper",
    "rengøring": "kørekort b",
}
DEFAULT_PRIORITY_WEEKS = 26
MAX_PRIORITY_WEEKS = 104
MAX_RESIDENTS = 1_000_000
TAG_KINDS = ("wishes", "qualifications")

BENEFIT_COLUMNS = ["benefit_type", "match_group", "citizens"]
TAG_COLUMNS = ["kind", "tag", "citizens"]
FIGURE_COLUMNS = ["housing_area_id", "area", "period_start", "working_age_residents", "unemployed",
                  "unemployment_rate"]
PRIORITY_COLUMNS = ["id", "first_name", "last_name", "housing_area", "dagpenge_end_date",
                    "consultant", "active_placement", "sprint", "days_left"]
TRAINING_COLUMNS = ["industry", "qualification", "wishing", "lacking", "share_lacking"]


def _in_area(stmt, housing_area_id: int | None):
    """Citizens of one area, or of any registered area when no area is chosen."""
    if housing_area_id is None:
        return stmt.where(Citizen.housing_area_id.is_not(None))
    return stmt.where(Citizen.housing_area_id == housing_area_id)


def _unnest(engine: Engine):
    """The SQL function that turns a JSON list into rows of text ("value")."""
    return func.json_array_elements_text if engine.dialect.name == "postgresql" else func.json_each


def area_choices(engine: Engine, actor: Actor) -> pd.DataFrame:
    """The housing areas by name, for pickers."""
    require(actor, "area.read")
    with Session(engine) as session:
        rows = session.exec(select(HousingArea.id, HousingArea.name, HousingArea.municipality)
                            .order_by(HousingArea.name, HousingArea.id)).all()
    return pd.DataFrame(rows, columns=["id", "name", "municipality"])


def create_housing_area(engine: Engine, actor: Actor, *, name: str, municipality: str) -> int:
    """Register a housing area (boligområde); the same name in the same municipality is refused."""
    require(actor, "area.write")
    name, municipality = (name or "").strip(), (municipality or "").strip()
    if not name:
        raise ValidationError("error.area_name_required")
    if len(name) > MAX_NAME or len(municipality) > MAX_NAME:
        raise ValidationError("error.area_text_too_long", max=MAX_NAME)
    check_free_text(name, municipality)
    with write_session(engine) as session:
        taken = session.exec(select(HousingArea.name, HousingArea.municipality)).all()
        if (name.casefold(), municipality.casefold()) in {(n.casefold(), m.casefold())
                                                          for n, m in taken}:
            raise ValidationError("error.area_exists", name=name)
        area = HousingArea(name=name, municipality=municipality)
        session.add(area)
        session.flush()
        audit.log(session, actor, "create", "housing_area", area.id)
        session.commit()
        return area.id


@freshness.cached_aggregate("area.read")
def benefit_profile(engine: Engine, actor: Actor, *,
                    housing_area_id: int | None = None) -> pd.DataFrame:
    """Citizens by benefit type and match group (NULL match group as <NA>), counted in SQL."""
    require(actor, "area.read")
    stmt = (select(Citizen.benefit_type, Citizen.match_group, func.count(Citizen.id))
            .group_by(Citizen.benefit_type, Citizen.match_group)
            .order_by(Citizen.benefit_type, Citizen.match_group))
    with Session(engine) as session:
        rows = session.exec(visible_citizens(actor, _in_area(stmt, housing_area_id))).all()
    frame = pd.DataFrame(rows, columns=BENEFIT_COLUMNS)
    frame["match_group"] = frame["match_group"].astype("Int64")
    frame["citizens"] = frame["citizens"].astype(int)
    return frame


@freshness.cached_aggregate("area.read")
def tag_profile(engine: Engine, actor: Actor, *, housing_area_id: int | None = None,
                limit: int = 10) -> pd.DataFrame:
    """The most common wishes and qualifications (kind "wishes" / "qualifications"), each with the
    number of citizens carrying it, most common first, at most `limit` of each kind."""
    require(actor, "area.read")
    parts = []
    with Session(engine) as session:
        for kind in TAG_KINDS:
            tags = _unnest(engine)(getattr(Citizen, kind)).table_valued("value").alias(f"{kind}_tag")
            citizens = func.count(distinct(Citizen.id))
            stmt = (select(tags.c.value, citizens).select_from(Citizen).join(tags, true())
                    .group_by(tags.c.value).order_by(citizens.desc(), tags.c.value).limit(limit))
            rows = session.exec(visible_citizens(actor, _in_area(stmt, housing_area_id))).all()
            parts += [(kind, str(tag), int(n)) for tag, n in rows]
    return pd.DataFrame(parts, columns=TAG_COLUMNS)


@freshness.cached_aggregate("area.read")
def area_figures(engine: Engine, actor: Actor, *,
                 housing_area_id: int | None = None) -> pd.DataFrame:
    """Residents of working age and unemployed per area and period, with the unemployment rate
    (per cent of the residents of working age), oldest period first."""
    require(actor, "area.read")
    rate = HousingAreaFigure.unemployed * 100.0 / HousingAreaFigure.working_age_residents
    stmt = (select(HousingAreaFigure.housing_area_id, HousingArea.name,
                   HousingAreaFigure.period_start, HousingAreaFigure.working_age_residents,
                   HousingAreaFigure.unemployed, rate)
            .join(HousingArea, HousingArea.id == HousingAreaFigure.housing_area_id)
            .order_by(HousingAreaFigure.period_start, HousingArea.name))
    if housing_area_id is not None:
        stmt = stmt.where(HousingAreaFigure.housing_area_id == housing_area_id)
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["unemployment_rate"] = frame["unemployment_rate"].astype(float).round(1)
    return frame


@freshness.cached_aggregate("area.read")
def latest_unemployment(engine: Engine, actor: Actor, *,
                        housing_area_id: int | None = None) -> dict | None:
    """The latest figures of one area, or the sum of each area's latest figures for all areas:
    {"working_age_residents", "unemployed", "rate" (per cent), "period_start" (the newest)}.
    None when no figures are entered."""
    require(actor, "area.read")
    latest = (select(HousingAreaFigure.housing_area_id,
                     func.max(HousingAreaFigure.period_start).label("period_start"))
              .group_by(HousingAreaFigure.housing_area_id))
    if housing_area_id is not None:
        latest = latest.where(HousingAreaFigure.housing_area_id == housing_area_id)
    latest = latest.subquery()
    stmt = (select(func.sum(HousingAreaFigure.working_age_residents),
                   func.sum(HousingAreaFigure.unemployed), func.max(HousingAreaFigure.period_start))
            .join(latest, and_(latest.c.housing_area_id == HousingAreaFigure.housing_area_id,
                               latest.c.period_start == HousingAreaFigure.period_start)))
    with Session(engine) as session:
        residents, unemployed, period = session.exec(stmt).one()
    if not residents:
        return None
    return {"working_age_residents": int(residents), "unemployed": int(unemployed),
            "rate": round(int(unemployed) * 100 / int(residents), 1), "period_start": period}


def record_area_figure(engine: Engine, actor: Actor, *, housing_area_id: int, period_start: date,
                       working_age_residents: int, unemployed: int) -> None:
    """Enter (or correct) an area's residents of working age and unemployed for a period."""
    require(actor, "area.write")
    if period_start is None:
        raise ValidationError("error.area_period_required")
    if period_start > clock.today():
        raise ValidationError("error.area_period_future")
    validation.check_date(period_start)
    for value in (working_age_residents, unemployed):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("error.area_figure_number")
    if not 0 < working_age_residents <= MAX_RESIDENTS:
        raise ValidationError("error.area_residents", high=MAX_RESIDENTS)
    if not 0 <= unemployed <= working_age_residents:
        raise ValidationError("error.area_unemployed")
    with write_session(engine) as session:
        if session.get(HousingArea, housing_area_id) is None:
            raise ValidationError("error.not_found")
        figure = session.exec(select(HousingAreaFigure).where(
            HousingAreaFigure.housing_area_id == housing_area_id,
            HousingAreaFigure.period_start == period_start)).first()
        action = "update" if figure else "create"
        figure = figure or HousingAreaFigure(housing_area_id=housing_area_id,
                                             period_start=period_start,
                                             working_age_residents=0, unemployed=0)
        figure.working_age_residents, figure.unemployed = working_age_residents, unemployed
        session.add(figure)
        session.flush()
        audit.log(session, actor, action, "housing_area_figure", figure.id,
                  detail=f"area={housing_area_id} period={period_start.isoformat()} "
                         f"residents={working_age_residents} unemployed={unemployed}")
        session.commit()


def _running(today: date) -> list:
    """The conditions of a placement running on `today`: active, or planned and started."""
    return [Placement.actual_end_date.is_(None),
            or_(Placement.status == "active",
                and_(Placement.status == "planned", Placement.start_date <= today))]


def _active_placement(today: date):
    """True in SQL when the citizen has a placement running on `today`."""
    return exists().where(Placement.citizen_id == Citizen.id, *_running(today))


def _open_sprint_cards(column, today: date):
    """`column` of the cards that are not parked in a running or planned sprint on `today`."""
    return (select(column).select_from(SprintCard).join(Sprint, Sprint.id == SprintCard.sprint_id)
            .where(SprintCard.stage != "parked", Sprint.status != "closed", Sprint.end_date >= today))


def _in_a_sprint(today: date):
    """Citizens with a card that is not parked in a running or planned sprint on `today`."""
    return _open_sprint_cards(SprintCard.citizen_id, today)


def _priority_counts(matching, today: date):
    """How many citizens `matching` finds, and how many of them have neither a placement running
    on `today` nor a card in a sprint: sets, not a lookup per citizen (the running placements are
    a few percent of them all)."""
    running = select(Placement.citizen_id).where(*_running(today))
    without = and_(Citizen.id.not_in(running), Citizen.id.not_in(_in_a_sprint(today)))
    return matching(select(func.count(Citizen.id), func.count(case((without, Citizen.id)))))


@dataclass(frozen=True)
class PriorityPage(Page):
    """A page of the priority list; `total` and `without` (neither a placement running today nor
    a card in a sprint) count the whole list."""

    without: int = 0


def dagpenge_priority(engine: Engine, actor: Actor, *, today: date | None = None,
                      weeks: int = DEFAULT_PRIORITY_WEEKS, housing_area_id: int | None = None,
                      limit: int | None = None, offset: int = 0) -> PriorityPage:
    """Citizens on dagpenge whose right runs out from `today` to `weeks` weeks later (both days
    included), soonest first, with whether each has a placement running today and the name of a
    running or planned sprint where they have a card that is not parked ("sprint", else None);
    `limit` rows from `offset` on, and the counts of the whole list from SQL.

    Names are personal data: the list is for staff, and each view is logged.
    """
    require(actor, "citizen.read")
    require(actor, "area.read")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_PRIORITY_WEEKS:
        raise ValidationError("error.priority_weeks", high=MAX_PRIORITY_WEEKS)
    today = today or clock.today()
    last = today + timedelta(weeks=weeks)

    def matching(stmt):
        stmt = stmt.where(Citizen.benefit_type == "dagpenge", Citizen.dagpenge_end_date >= today,
                          Citizen.dagpenge_end_date <= last)
        return visible_citizens(actor, _in_area(stmt, housing_area_id))

    soonest_first = (Citizen.dagpenge_end_date, Citizen.last_name, Citizen.first_name, Citizen.id)
    sprint = (_open_sprint_cards(func.min(Sprint.name), today).where(SprintCard.citizen_id == Citizen.id)
              .correlate(Citizen).scalar_subquery())
    stmt = (select(Citizen.id, Citizen.first_name, Citizen.last_name, HousingArea.name,
                   Citizen.dagpenge_end_date, Staff.name, _active_placement(today).label("active"),
                   sprint.label("sprint"))
            .outerjoin(HousingArea, HousingArea.id == Citizen.housing_area_id)
            .outerjoin(Staff, Staff.id == Citizen.consultant_id)
            .order_by(*soonest_first))
    if limit is None and not offset:
        stmt = matching(stmt)
    else:
        # The page's ids first, so only its rows get their placement and sprint looked up.
        page_ids = matching(select(Citizen.id)).order_by(*soonest_first).limit(limit).offset(offset)
        stmt = stmt.where(Citizen.id.in_(page_ids))
    with write_session(engine) as session:
        rows = session.exec(stmt).all()
        total, unplaced = session.exec(_priority_counts(matching, today)).one()
        audit.log(session, actor, "search", "citizen", None,
                  detail=f"dagpenge_priority weeks={weeks} area={housing_area_id}"
                         + (f" offset={offset}" if offset else "") + f";rows={len(rows)}",
                  citizen_ids=[row[0] for row in rows])
        session.commit()
    # Plain tuples: pandas reads SQLAlchemy's Row objects several times slower.
    frame = pd.DataFrame([tuple(row) for row in rows], columns=PRIORITY_COLUMNS[:-1])
    frame["active_placement"] = frame["active_placement"].astype(bool)
    frame["days_left"] = (pd.to_datetime(frame["dagpenge_end_date"]) - pd.Timestamp(today)).dt.days
    frame["days_left"] = frame["days_left"].astype(int)
    return PriorityPage(frame, int(total), offset, int(unplaced))


@freshness.cached_aggregate("area.read")
def training_needs(engine: Engine, actor: Actor, *, housing_area_id: int | None = None,
                   needs: dict[str, str] | None = None) -> pd.DataFrame:
    """Per industry in TRAINING_NEEDS (or `needs`): how many citizens wish it ("wishing") and how
    many of them lack its usual qualification ("lacking", with "share_lacking" in per cent),
    counted in one SQL pass over the wishes; industries nobody wishes are left out; most lacking
    first."""
    require(actor, "area.read")
    needs = TRAINING_NEEDS if needs is None else needs
    if not needs:
        return pd.DataFrame(columns=TRAINING_COLUMNS)
    wished = _unnest(engine)(Citizen.wishes).table_valued("value").alias("wished")
    held = _unnest(engine)(Citizen.qualifications).table_valued("value").alias("held")
    # The qualification the wished industry asks for, looked up in SQL: CASE wish WHEN ... THEN ...
    asked_for = case(needs, value=wished.c.value)
    lacks = ~exists(select(1).select_from(held).where(held.c.value == asked_for))
    stmt = (select(wished.c.value, func.count(distinct(Citizen.id)),
                   func.count(distinct(case((lacks, Citizen.id)))))
            .select_from(Citizen).join(wished, true())
            .where(wished.c.value.in_(list(needs)))
            .group_by(wished.c.value))
    with Session(engine) as session:
        counts = session.exec(visible_citizens(actor, _in_area(stmt, housing_area_id))).all()
    rows = [(str(industry), needs[str(industry)], int(wishing), int(lacking),
             round(int(lacking) * 100 / int(wishing), 1)) for industry, wishing, lacking in counts]
    frame = pd.DataFrame(rows, columns=TRAINING_COLUMNS)
    return frame.sort_values(["lacking", "industry"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


# --- What may be shown (small numbers) -----------------------------------------------------------
# Every count of citizens under the minimum group size is shown as "for få", with whatever would
# give it away (stats.small_count_mask); hidden counts are NA here.

def _part_of_whole(part: pd.Series, whole: pd.Series, min_size: int) -> pd.DataFrame:
    """Each row as [part, the rest | whole]: columns "part" and "whole" True where hidden."""
    counts = pd.DataFrame({"part": part, "rest": whole - part, "whole": whole}).fillna(0).astype(int)
    return stats.small_count_mask(counts, min_size=min_size, total_column="whole")


@dataclass(frozen=True)
class BenefitCounts:
    """Citizens by benefit and match group as they may be shown, with the totals per benefit and
    for all (None where hidden)."""

    cells: stats.Suppressed
    by_benefit: dict[str, int | None]
    total: int | None


def shown_benefit_profile(profile: pd.DataFrame, *, min_size: int | None = None) -> BenefitCounts:
    """benefit_profile as a table of benefit by match group with the totals of both."""
    min_size = results.min_group_size() if min_size is None else min_size
    if profile.empty:
        return BenefitCounts(stats.hide(profile, stats.nothing_hidden(profile)), {}, 0)
    groups = profile["match_group"].fillna(0).astype(int)  # 0: no match group
    table = (profile.assign(group=groups)
             .pivot_table(index="benefit_type", columns="group", values="citizens", aggfunc="sum",
                          fill_value=0))
    table["all"] = table.sum(axis=1)
    table.loc["all"] = table.sum()
    hidden = stats.small_count_mask(table, min_size=min_size, total_row="all", total_column="all")
    cells = pd.DataFrame({"citizens": [bool(hidden.at[benefit, group])
                                       for benefit, group in zip(profile["benefit_type"], groups)]},
                         index=profile.index)
    totals = {benefit: None if hidden.at[benefit, "all"] else int(table.at[benefit, "all"])
              for benefit in table.index}
    return BenefitCounts(stats.hide(profile, cells),
                         {benefit: total for benefit, total in totals.items() if benefit != "all"},
                         totals["all"])


def shown_tags(tags: pd.DataFrame, *, min_size: int | None = None) -> stats.Suppressed:
    """tag_profile with counts under the minimum hidden; a citizen has several tags, so the
    counts add up to no total."""
    min_size = results.min_group_size() if min_size is None else min_size
    hidden = stats.nothing_hidden(tags)
    hidden["citizens"] = tags["citizens"].between(1, min_size - 1)
    return stats.hide(tags, hidden)


def _shown_part_of_whole(frame: pd.DataFrame, part: str, whole: str, share: str,
                         min_size: int | None) -> stats.Suppressed:
    """`frame` with each row as [part, the rest | whole]; the share goes with the part."""
    min_size = results.min_group_size() if min_size is None else min_size
    mask = _part_of_whole(frame[part], frame[whole], min_size)
    hidden = stats.nothing_hidden(frame)
    hidden[whole] = mask["whole"]
    hidden[part] = hidden[share] = mask["part"]
    return stats.hide(frame, hidden)


def shown_training_needs(needs: pd.DataFrame, *, min_size: int | None = None) -> stats.Suppressed:
    """training_needs with each industry as [lacking, not | wishing]."""
    return _shown_part_of_whole(needs, "lacking", "wishing", "share_lacking", min_size)


def shown_area_figures(figures: pd.DataFrame, *, min_size: int | None = None) -> stats.Suppressed:
    """area_figures with each period as [unemployed, not | residents]."""
    return _shown_part_of_whole(figures, "unemployed", "working_age_residents",
                                "unemployment_rate", min_size)


def shown_latest_unemployment(latest: dict | None, *, min_size: int | None = None) -> dict | None:
    """latest_unemployment with a hidden count (and the rate with the unemployed) as None."""
    if latest is None:
        return None
    min_size = results.min_group_size() if min_size is None else min_size
    mask = _part_of_whole(pd.Series([latest["unemployed"]]),
                          pd.Series([latest["working_age_residents"]]), min_size).iloc[0]
    return latest | {"working_age_residents": None if mask["whole"] else latest["working_age_residents"],
                     "unemployed": None if mask["part"] else latest["unemployed"],
                     "rate": None if mask["part"] else latest["rate"]}
