"""Caches that know when the data has changed.

Every commit that changes the data writes a new random stamp into the one row of
data_generation, in the same transaction. A cached aggregate is kept under the stamp it was
computed at, so the first read after any change (by this process, another server process or
the retention command) computes it again, and an unchanged database answers from memory.

Only aggregates are cached (counts and sums, no names), and always under the scope of what the
actor may see: a leader's figures are never handed to a consultant of one team, and no list of
citizens is kept here (views of personal data are logged each time, so they are never cached).
Writes of the log and of sign-in bookkeeping do not change any aggregate and keep the stamp.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from model import clock
from model.access import Actor, require
from model.tables import DataGeneration

# Tables whose writes change no aggregate: the log, sign-in bookkeeping and the stamp itself.
UNTRACKED = frozenset({"audit_log", "audit_log_purge", "app_user", "login_source",
                       "data_generation", "user_session", "screen_link"})
MAX_ENTRIES = 256
CHANGED = "jobtavlen_data_changed"


def _mark(session: Session, table_names) -> None:
    if any(name not in UNTRACKED for name in table_names):
        session.info[CHANGED] = True


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    _mark(session, (getattr(obj, "__tablename__", "")
                    for obj in (*session.new, *session.dirty, *session.deleted)))


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _mark(state.session, [getattr(table, "name", "")])


@event.listens_for(Session, "before_commit")
def _new_stamp(session: Session) -> None:
    session.flush()
    if session.info.pop(CHANGED, False):
        bump(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous) -> None:
    if not previous.nested:  # a savepoint's rollback keeps what the transaction changed before it
        session.info.pop(CHANGED, None)


def bump(session_or_connection) -> None:
    """Mark the data as changed (called on commit; call it after writes made outside a Session)."""
    session_or_connection.execute(
        update(DataGeneration).where(DataGeneration.id == 1).values(stamp=secrets.randbits(62)))


def stamp(engine: Engine) -> int | None:
    """The current data stamp, or None when the database has none (then nothing is cached).
    One small query, never cached: open boards ask it every few seconds (pages/ui/live.py)."""
    with engine.connect() as connection:
        return connection.execute(
            select(DataGeneration.stamp).where(DataGeneration.id == 1)).scalar()


def scope(actor: Actor) -> tuple:
    """Who may see the same aggregates: every team, one team, or no team (people.visible_citizens),
    per role, since a role's permissions decide what a function may answer."""
    return (actor.role, "all") if actor.sees_all_teams else (actor.role, "team", actor.team_id)


_entries: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _entries.clear()


def _copy(value):
    return value.copy() if isinstance(value, pd.DataFrame | dict | list) else value


def cached_aggregate(*permissions: str) -> Callable[[Callable], Callable]:
    """Cache a model function `function(engine, actor, ...)` that returns aggregates, per
    database, data stamp, actor scope and arguments. The permissions are checked on every call,
    before the cache is asked, so a refused actor is refused whether or not the answer is kept.
    """

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(engine: Engine, actor: Actor, *args, **keywords):
            for permission in permissions:
                require(actor, permission)
            current = stamp(engine)
            if current is None:
                return function(engine, actor, *args, **keywords)
            # Today is part of the key: functions count "as of today" unless told another day.
            key = (function.__module__, function.__qualname__, str(engine.url), current,
                   clock.today(), scope(actor), args, tuple(sorted(keywords.items())))
            try:
                hash(key)
            except TypeError:  # an argument that cannot be a key (a dict): compute every time
                return function(engine, actor, *args, **keywords)
            with _lock:
                if key in _entries:
                    _entries.move_to_end(key)
                    return _copy(_entries[key])
            value = function(engine, actor, *args, **keywords)
            with _lock:
                _entries[key] = _copy(value)
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
            return value

        wrapper.uncached = function
        return wrapper

    return decorate
