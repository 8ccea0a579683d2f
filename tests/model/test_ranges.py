"""Every bounded number or date a form offers is checked in the model: just outside either end it
is refused with a message that names the range (the form's field itself has no bounds, so what is
typed or stepped reaches this check), at both ends it is accepted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from model import areas, clock, companies, i18n, partnerships, people, placements, results, retention
from model.errors import ValidationError
from model.tables import Company, Initiative
from model.validation import EARLIEST_DATE, LATEST_DATE, check_date
from tests.conftest import make_actor

TODAY = clock.today()


@pytest.fixture
def world(engine) -> dict:
    """An admin, a leader, a consultant of the leader's team, a citizen with a running placement
    at a company, a housing area and an initiative."""
    leader = make_actor(engine, "leader")
    consultant = make_actor(engine, "consultant", team_id=leader.team_id)
    citizen = people.create_citizen(engine, consultant, first_name="Aisha", last_name="Benali",
                                    birth_year=1990)
    with Session(engine) as session:
        company, initiative = Company(name="Strandens Bageri ApS"), Initiative(name="Energi")
        session.add_all([company, initiative])
        session.commit()
        company_id, initiative_id = company.id, initiative.id
    placement = placements.start_placement(engine, consultant, citizen_id=citizen,
                                           company_id=company_id, kind="virksomhedspraktik",
                                           start_date=TODAY - timedelta(days=60))
    area = areas.create_housing_area(engine, leader, name="Brøndby Strand",
                                     municipality="Brøndby")
    return {"admin": make_actor(engine, "admin"), "leader": leader, "consultant": consultant,
            "citizen": citizen, "company": company_id, "initiative": initiative_id, "placement": placement,
            "area": area}


def _figure(engine, w, **fields):
    values = {"period_start": TODAY.replace(day=1), "working_age_residents": 100, "unemployed": 10}
    return areas.record_area_figure(engine, w["leader"], housing_area_id=w["area"],
                                    **values | fields)


def _wage(engine, w, wage):
    placement = placements.get_placement(engine, w["consultant"], w["placement"])
    return placements.update_placement(
        engine, w["consultant"], w["placement"], expected_version=placement.version,
        kind=placement.kind, company_id=w["company"], start_date=placement.start_date,
        planned_end_date=placement.planned_end_date, hours_per_week=placement.hours_per_week,
        hourly_wage=wage)


def _comparison(engine, w, n, reached):
    return results.add_comparison_group(engine, w["leader"], initiative_id=w["initiative"],
                                        label=f"Normal {n} {reached}", months=6, n=n,
                                        reached=reached)


YEAR = TODAY.year
# (field, call with one value, just below, lowest, highest, just above, the refusals' keys);
# None where the range is open on that side.
RANGES = [
    ("birth year", lambda e, w, v: people.create_citizen(
        e, w["consultant"], first_name="Omar", last_name="Demir", birth_year=v),
     YEAR - 101, YEAR - 100, YEAR - 13, YEAR - 12, ("error.birth_year", "error.birth_year")),
    ("hours per week", lambda e, w, v: placements.start_placement(
        e, w["consultant"], citizen_id=w["citizen"], company_id=w["company"],
        kind="virksomhedspraktik", start_date=TODAY, hours_per_week=v),
     0, 0.5, 37, 37.5, ("error.hours_per_week", "error.hours_per_week")),
    ("hourly wage", _wage, -1, 0, placements.MAX_HOURLY_WAGE, placements.MAX_HOURLY_WAGE + 1,
     ("error.hourly_wage", "error.hourly_wage_too_high")),
    ("residents", lambda e, w, v: _figure(e, w, working_age_residents=v, unemployed=0),
     0, 1, areas.MAX_RESIDENTS, areas.MAX_RESIDENTS + 1, ("error.area_residents",) * 2),
    ("unemployed", lambda e, w, v: _figure(e, w, unemployed=v),
     -1, 0, 100, 101, ("error.area_unemployed",) * 2),
    ("area period", lambda e, w, v: _figure(e, w, period_start=v),
     EARLIEST_DATE - timedelta(days=1), EARLIEST_DATE, TODAY, TODAY + timedelta(days=1),
     ("error.date_out_of_range", "error.area_period_future")),
    ("partnership target", lambda e, w, v: partnerships.create_partnership(
        e, w["leader"], name=f"Partnerskab {v}", target_reach=v),
     0, 1, partnerships.MAX_TARGET, partnerships.MAX_TARGET + 1,
     ("error.partnership_target",) * 2),
    ("retention months", lambda e, w, v: retention.set_period(
        e, w["admin"], category="citizen", months=v),
     0, 1, 120, 121, ("error.retention_months",) * 2),
    ("comparison n", lambda e, w, v: _comparison(e, w, v, 0), 0, 1, None, None,
     ("error.comparison_n", None)),
    ("comparison reached", lambda e, w, v: _comparison(e, w, 50, v), -1, 0, 50, 51,
     ("error.comparison_reached",) * 2),
    ("silent days", lambda e, w, v: companies.not_contacted(e, w["consultant"], days=v),
     0, 1, companies.MAX_SILENT_DAYS, companies.MAX_SILENT_DAYS + 1,
     ("error.days_positive", "error.days_too_many")),
    ("top companies since", lambda e, w, v: companies.top_companies(e, w["consultant"], since=v),
     EARLIEST_DATE - timedelta(days=1), EARLIEST_DATE, TODAY, TODAY + timedelta(days=1),
     ("error.date_out_of_range",) * 2),
]


@pytest.mark.parametrize("field, call, below, low, high, above, keys", RANGES,
                         ids=[case[0] for case in RANGES])
def test_a_bounded_field_is_refused_on_both_sides_and_accepted_at_both_ends(
        engine, world, field, call, below, low, high, above, keys):
    for value, key in ((below, keys[0]), (above, keys[1])):
        if value is None:
            continue
        with pytest.raises(ValidationError) as refused:
            call(engine, world, value)
        assert refused.value.key == key, (field, value)
        message = i18n.t(key, "da", **refused.value.params)
        assert "{" not in message and message.strip(), message
    for value in (low, high):
        if value is not None:
            call(engine, world, value)


@pytest.mark.parametrize("field, key, params", [
    ("birth year", "error.birth_year", {"low": YEAR - 100, "high": YEAR - 13}),
    ("hours per week", "error.hours_per_week", {"high": 37}),
    ("silent days", "error.days_too_many", {"high": companies.MAX_SILENT_DAYS}),
    ("retention months", "error.retention_months", {"low": 1, "high": 120}),
])
def test_the_refusal_names_the_range(field, key, params):
    message = i18n.t(key, "da", **params)
    assert all(str(value) in message for value in params.values()), message


@pytest.mark.parametrize("value, earliest, latest, refused", [
    (date(1969, 12, 31), EARLIEST_DATE, LATEST_DATE, True),
    (EARLIEST_DATE, EARLIEST_DATE, LATEST_DATE, False),
    (LATEST_DATE, EARLIEST_DATE, LATEST_DATE, False),
    (date(2101, 1, 1), EARLIEST_DATE, LATEST_DATE, True),
    (date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 9), False),
    (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 9), True),
    (date(2026, 3, 10), date(2026, 3, 2), date(2026, 3, 9), True),
])
def test_check_date_refuses_a_day_outside_its_range_and_names_both_ends(value, earliest, latest,
                                                                        refused):
    if not refused:
        assert check_date(value, earliest=earliest, latest=latest) == value
        return
    with pytest.raises(ValidationError) as error:
        check_date(value, earliest=earliest, latest=latest)
    assert error.value.key == "error.date_out_of_range"
    assert i18n.t(error.value.key, "da", **error.value.params) == (
        f"Datoen skal ligge mellem {earliest:%d-%m-%Y} og {latest:%d-%m-%Y}.")
