"""Resultater's drawn charts, shared by everyone who may see the same aggregates until the data
changes, and drawn once in the background when the server starts, so the first leader to open
Resultater does not wait for plotly and the year's figures."""

from __future__ import annotations

import logging
import threading

import streamlit as st
from sqlalchemy.engine import Engine

from model import auth, charts, clock, freshness, i18n, results
from model.access import Actor

Drawn = tuple  # (chart, figure, table, summary)


def draw(engine: Engine, actor: Actor, flt: results.Filter, settings: charts.Settings,
         lang: str) -> list[Drawn]:
    """(chart, figure, table, summary) of every chart; plotly figures are slow to build."""
    return [(d.chart, d.figure(settings, lang), d.table(settings, lang), d.summary(settings, lang))
            for d in charts.compute(engine, actor, flt, settings)]


# The data stamp is part of the key, so any change anywhere draws them again; the engine and the
# actor (underscored: not part of the key) are those of the first caller with that scope.
@st.cache_resource(max_entries=64, show_spinner=False)
def _drawn(database: str, stamp: int, scope: tuple, flt: results.Filter,
           settings: charts.Settings, lang: str, _engine: Engine, _actor: Actor) -> list[Drawn]:
    return draw(_engine, _actor, flt, settings, lang)


def result_charts(engine: Engine, actor: Actor, flt: results.Filter, settings: charts.Settings,
                  lang: str) -> list[Drawn]:
    """The drawn charts for the filter, from the shared cache while the data stays the same."""
    stamp = freshness.stamp(engine)
    if stamp is None:
        return draw(engine, actor, flt, settings, lang)
    return _drawn(str(engine.url), stamp, freshness.scope(actor), flt, settings, lang,
                  engine, actor)


def default_settings() -> charts.Settings:
    """What Resultater opens with: counted up to today, grouped by initiative."""
    return charts.Settings(today=clock.today(), group_by=results.GROUPINGS[0],
                           min_size=results.min_group_size())


def warm_up(engine: Engine) -> threading.Thread | None:
    """Draw Resultater's opening charts for the leaders (every team) in a background thread;
    None when there is no active leader to draw them for."""
    leader = auth.first_active_actor(engine, "leader")
    if leader is None:
        return None

    def work() -> None:
        try:
            result_charts(engine, leader, results.default_filter(clock.today()), default_settings(),
                          i18n.default_language())
        except Exception:  # a warm-up is a favour: the page draws them itself when it must
            logging.getLogger(__name__).exception("Resultater's charts were not drawn on start")

    thread = threading.Thread(target=work, name="jobtavlen-warm-up", daemon=True)
    thread.start()
    return thread
