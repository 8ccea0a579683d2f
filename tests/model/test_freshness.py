"""The data stamp and the aggregate cache: a change anywhere makes cached figures stale, the log
does not, and one scope's figures are never another's."""

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import Session, func, select

from model import audit, freshness
from model.access import AccessDenied
from model.tables import Citizen, DataGeneration, Team


def citizen(team_id: int | None, name: str = "Ali") -> Citizen:
    return Citizen(first_name=name, last_name="Hansen", birth_year=1990, team_id=team_id)


@freshness.cached_aggregate("citizen.read")
def count_citizens(engine, actor, *, plus: int = 0) -> int:
    """A stand-in aggregate: the actor's visible citizens, counted each time it is computed."""
    from model.people import visible_citizens

    count_citizens.computed += 1
    with Session(engine) as session:
        return session.exec(visible_citizens(actor, select(func.count(Citizen.id)))).one() + plus


count_citizens.computed = 0


def test_a_committed_change_renews_the_stamp_and_a_read_or_rollback_does_not(engine):
    first = freshness.stamp(engine)
    with Session(engine) as session:
        session.exec(select(Citizen)).all()
        session.commit()
    assert freshness.stamp(engine) == first
    with Session(engine) as session:
        session.add(citizen(None))
        session.flush()
        session.rollback()
    assert freshness.stamp(engine) == first
    with Session(engine) as session:
        session.add(citizen(None))
        session.commit()
    second = freshness.stamp(engine)
    assert second not in (None, first)


@pytest.mark.parametrize("change", ["update", "delete", "bulk_update", "bulk_delete"])
def test_every_kind_of_write_renews_the_stamp(engine, change):
    with Session(engine) as session:
        session.add(citizen(None))
        session.commit()
    before = freshness.stamp(engine)
    with Session(engine) as session:
        row = session.exec(select(Citizen)).one()
        if change == "update":
            row.first_name = "Bo"
        elif change == "delete":
            session.delete(row)
        elif change == "bulk_update":
            session.exec(update(Citizen).values(first_name="Bo"))
        else:
            session.exec(delete(Citizen))
        session.commit()
    assert freshness.stamp(engine) != before


def test_writing_the_log_keeps_the_stamp(engine, actor_factory):
    leader = actor_factory("leader")
    before = freshness.stamp(engine)
    with Session(engine) as session:
        audit.log(session, leader, "search", "citizen", None, detail="q=ali")
        session.commit()
    assert freshness.stamp(engine) == before


def test_a_cached_aggregate_is_recomputed_after_a_change_and_only_then(engine, actor_factory):
    leader = actor_factory("leader")
    count_citizens.computed = 0
    assert count_citizens(engine, leader) == 0
    assert count_citizens(engine, leader) == 0
    assert count_citizens(engine, leader, plus=1) == 1  # other arguments, another entry
    assert count_citizens.computed == 2
    with Session(engine) as session:
        session.add(citizen(leader.team_id))
        session.commit()
    assert count_citizens(engine, leader) == 1
    assert count_citizens.computed == 3


def test_a_team_never_gets_another_scopes_figures(engine, actor_factory):
    leader, mine = actor_factory("leader"), actor_factory("consultant")
    other = actor_factory("consultant")
    with Session(engine) as session:
        session.add_all([citizen(mine.team_id), citizen(mine.team_id), citizen(other.team_id)])
        session.commit()
    assert count_citizens(engine, leader) == 3
    assert count_citizens(engine, mine) == 2
    assert count_citizens(engine, other) == 1
    assert count_citizens(engine, leader) == 3


def test_a_refused_actor_is_refused_even_when_the_answer_is_cached(engine, actor_factory):
    leader, screen = actor_factory("leader"), actor_factory("screen")
    screen = type(screen)(**{**screen.__dict__, "role": "screen", "team_id": leader.team_id})
    count_citizens(engine, leader)
    with pytest.raises(AccessDenied):
        count_citizens(engine, screen)


def test_without_a_stamp_nothing_is_cached(engine, actor_factory):
    leader = actor_factory("leader")
    with Session(engine) as session:
        session.exec(delete(DataGeneration))
        session.commit()
    count_citizens.computed = 0
    count_citizens(engine, leader)
    count_citizens(engine, leader)
    assert freshness.stamp(engine) is None and count_citizens.computed == 2


def test_a_write_outside_a_session_is_marked_with_bump(engine):
    before = freshness.stamp(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO team (name) VALUES ('Raw')"))
        freshness.bump(connection)
    assert freshness.stamp(engine) != before
    with Session(engine) as session:
        assert session.exec(select(Team.name).where(Team.name == "Raw")).one() == "Raw"


# Every cached model function, with why it holds no personal data.
CACHED = {
    "model.areas.benefit_profile": "counts per benefit type and match group",
    "model.areas.tag_profile": "counts per wish and qualification",
    "model.areas.area_figures": "residents and unemployed per area",
    "model.areas.latest_unemployment": "sums of the latest area figures",
    "model.areas.training_needs": "counts per industry",
    "model.partnerships.pocket_money_costs": "hours and wages per payer and month",
    "model.partnerships.reach": "a count of people against a target",
    "model.partnerships.count_unpaid_pocket_money_jobs": "a count",
    "model.retention._preview_at": "counts per category",
    "model.placements.follow_up_counts": "two counts",
    "model.companies.next_step_counts": "two counts",
    "model.goals.list_goals": "goals with counted values (the owner is staff, not a citizen)",
    "model.overview.week_numbers": "four counts",
    "model.sprints.burn_up": "secured cards per sprint day",
    "model.sprints.stage_funnel": "cards per stage reached",
    "model.sprints.stage_counts": "cards per stage",
}


def test_only_aggregates_are_cached():
    import importlib
    import pkgutil

    import model

    found = set()
    for info in pkgutil.iter_modules(model.__path__):
        module = importlib.import_module(f"model.{info.name}")
        for name, value in vars(module).items():
            if getattr(value, "uncached", None) is not None and value.__module__ == module.__name__:
                found.add(f"{module.__name__}.{name}")
    assert found == set(CACHED)


def test_a_rolled_back_savepoint_keeps_the_change_made_before_it(engine):
    before = freshness.stamp(engine)
    with Session(engine) as session:
        session.add(citizen(None, "Before"))
        session.flush()
        savepoint = session.begin_nested()
        session.add(citizen(None, "Inside"))
        session.flush()
        savepoint.rollback()
        session.commit()
    assert freshness.stamp(engine) != before
