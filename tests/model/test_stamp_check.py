"""The open boards' look for changes: reading the data stamp is one small query, never cached, and
a commit through any other connection (another server process) shows at the next read."""

from datetime import date

from sqlalchemy import event

from model import freshness, sprints
from model.db import make_engine

QUIET = {"BEGIN", "ROLLBACK", "COMMIT"}


def statements_on(engine) -> list[str]:
    """The SQL statements `engine` sends from now on (transaction control left out)."""
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_rest):
        if statement.strip().upper() not in QUIET:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    return sent


def test_reading_the_stamp_is_one_small_query(engine):
    freshness.stamp(engine)  # a pooled connection, as in a running app
    sent = statements_on(engine)
    freshness.stamp(engine)
    assert len(sent) == 1
    assert "data_generation" in sent[0] and "JOIN" not in sent[0].upper()


def test_a_move_by_another_process_shows_at_the_next_read_and_nothing_else_does(engine,
                                                                                 actor_factory):
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        consultant = actor_factory("consultant")
        sprint_id = sprints.create_sprint(other, consultant, name="Uge 39",
                                          start=date(2026, 9, 21), end=date(2026, 9, 25), goal=2)
        card_id = sprints.add_new_citizen_card(other, consultant, sprint_id,
                                               consultant_id=consultant.staff_id,
                                               first_name="Aisha", last_name="Hansen",
                                               birth_year=1990)
        drawn = freshness.stamp(engine)
        sprints.board(other, consultant, sprint_id)  # a colleague looking (logged) changes nothing
        assert freshness.stamp(engine) == drawn
        sprints.move_card(other, consultant, card_id, "clarified", expected_version=1)
        assert freshness.stamp(engine) not in (None, drawn)
    finally:
        other.dispose()
