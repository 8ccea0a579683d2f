"""Pages that follow colleagues' changes by themselves: the Sprinttavle and the meeting screen.

A page notes the data stamp (model/freshness.py) and the day it is drawn at, before it reads any
data; a small fragment reads the stamp every CHECK_SECONDS (one tiny query) and redraws the page
only when the stamp or the day moved on. Such a redraw is no activity: the idle sign-out still
counts from the user's own last action, however busy the colleagues are.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st
from sqlalchemy.engine import Engine

from model import clock, freshness
from pages import ui

# A colleague's move shows within 3 s: the next look (at most 1 s away) plus the redraw of the
# board (0.6-1.3 s measured on the demo week); each look is the guard and one tiny query.
CHECK_SECONDS = 1
DRAWN = "live_drawn"  # the (stamp, day) the page on screen was drawn at


def begin(engine: Engine) -> None:
    """Note what this run draws: call it before the page reads any data, so a change that lands
    while the page is drawn is seen by the next check rather than missed."""
    st.session_state[DRAWN] = (freshness.stamp(engine), clock.today())


def changed(engine: Engine) -> bool:
    """Whether the data or the day moved on since the page was drawn."""
    return st.session_state.get(DRAWN) != (freshness.stamp(engine), clock.today())


def redraw() -> NoReturn:
    """Draw the whole page again, by the page's own doing (no activity)."""
    st.session_state[ui.QUIET_RERUN] = True
    st.rerun(scope="app")
