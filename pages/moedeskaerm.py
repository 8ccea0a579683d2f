"""Mødeskærm: the read-only meeting screen for a TV; initials only, follows changes by itself
(a look at the data stamp every few seconds redraws it when the data or the day moved on).

The address may pin a team and a sprint (`?team=3&sprint=12`, kept by the TV's bookmark);
otherwise it shows the team's running sprint, or says none runs and names the next one.
Leaders pair a TV with a team here (pages/ui/screen_links.py).
"""

import pandas as pd
import streamlit as st

from model import clock, i18n, sprint_choice, sprints
from model.clock import LOCAL_TZ
from model.tables import STAGES
from pages import ui
from pages.ui import live, screen_links
from pages.ui.matching import escape

actor = ui.guard("moedeskaerm")
t, engine = ui.translator(), ui.engine()
live.begin(engine)  # before any data is read
lang = ui.lang()
CHIPS_PER_STAGE = 30

# Static CSS only (no user data): large type that reads across a meeting room. User text is
# shown with st.text, so it is styled here too.
st.markdown(
    """<style>
    [data-testid="stMainBlockContainer"] {padding-top: 3rem; max-width: 100%;}
    [data-testid="stMain"] h1 {font-size: 3.25rem;}
    [data-testid="stMain"] h2 {font-size: 2.25rem;}
    [data-testid="stMain"] .stMarkdown p, [data-testid="stMain"] .stMarkdown li {font-size: 1.6rem;}
    [data-testid="stMain"] [data-testid="stText"] {font-size: 1.6rem; font-family: inherit;
        white-space: pre-wrap; line-height: 1.5;}
    [data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.2rem;}
    [data-testid="stMetricValue"] {font-size: 5.5rem; line-height: 1.1;}
    [data-testid="stMetricLabel"] p {font-size: 1.6rem;}
    [class*="st-key-stage_"] h3 {font-size: 1.7rem;}
    [class*="st-key-stage_"] h2 {font-size: 4rem; line-height: 1.1; padding: 0;}
    .st-key-screen_today {background: #fff4d6; border-left: 0.5rem solid #e8a400;
        padding: 0.5rem 1rem; border-radius: 0.5rem;}
    .st-key-screen_today .stMarkdown p {font-weight: 700;}
    </style>""",
    unsafe_allow_html=True,
)


def day_label(day) -> str:
    """"tirsdag 15-12-2026": the weekday and the Danish date."""
    return f"{i18n.weekday(day, lang)} {i18n.format_date(day)}"


def item_line(item) -> str:
    return f"{item.part}: {item.title}" if item.part else item.title


def show_programme(programme: pd.DataFrame, today) -> None:
    """The programme grouped by day, today's highlighted; titles are user text, shown as text."""
    st.header(t("screen.today"), anchor=False)
    if programme.empty:
        st.markdown(t("screen.no_programme"))
        return
    if not (programme["day"] == today).any():
        st.markdown(t("screen.no_programme_today"))
    for day, items in programme.groupby("day", sort=True):
        if day == today:
            with st.container(key="screen_today"):
                st.markdown(t("screen.today_label", day=day_label(day)))
                st.text("\n".join(item_line(item) for item in items.itertuples()))
        else:
            st.markdown(f"**{day_label(day).capitalize()}**")
            st.text("\n".join(item_line(item) for item in items.itertuples()))


def show_latest(sprint_id: int) -> None:
    st.header(t("screen.latest"), anchor=False)
    latest = sprints.latest_secured(engine, actor, sprint_id)
    if latest.empty:
        st.markdown(t("screen.no_latest"))
        return
    lines = []
    for row in latest.itertuples():
        moment = row.changed_at.astimezone(LOCAL_TZ)
        lines.append(" · ".join(part for part in (
            row.citizen, row.company or "", row.consultant_initials or "",
            f"{i18n.weekday(moment.date(), lang)[:3]}. {moment:%H:%M}") if part))
    st.text("\n".join(lines))


def show_no_sprint(choice: sprint_choice.ScreenChoice) -> None:
    """None runs: say so plainly and name the next planned sprint with its dates."""
    st.title(t("screen.none_running", team=choice.team_name) if choice.team_name
             else t("screen.no_sprint"), anchor=False)
    if choice.next_sprint_id is None:
        st.header(t("screen.none_planned"), anchor=False)
        return
    upcoming = sprints.get_sprint(engine, actor, choice.next_sprint_id)
    st.header(t("screen.next_sprint", name=upcoming.name), anchor=False)
    st.markdown(t("board.period", start=i18n.format_date(upcoming.start_date),
                  end=i18n.format_date(upcoming.end_date),
                  week=i18n.week_label(upcoming.start_date, lang)))
    st.markdown(t("screen.starts", day=day_label(upcoming.start_date)))


def status_line(sprint, status: str, reached: bool) -> str | None:
    """What a sprint that is not running shows under its name."""
    if status == sprints.PLANNED:
        return t("screen.starts", day=day_label(sprint.start_date))
    if status in (sprints.ENDED, sprints.CLOSED):
        line = (t("screen.ended", day=day_label(sprint.end_date)) if status == sprints.ENDED
                else t("screen.closed"))
        return f"{line} · {t('screen.reached')}" if reached else line
    return None


def meeting_screen() -> None:
    # Chosen on every redraw (at the latest when the day changes), so a TV left on moves to the
    # sprint that starts the next morning; the pins are read from the address, which stays.
    today = clock.today()
    now = clock.local_now()
    choice = sprint_choice.screen_choice(engine, actor, team=st.query_params.get("team"),
                                         sprint=st.query_params.get("sprint"), today=today)
    if choice.sprint_id is None:
        show_no_sprint(choice)
        st.caption(t("screen.updated", time=now.strftime("%H:%M:%S")))
        return
    sprint = sprints.get_sprint(engine, actor, choice.sprint_id)
    labels = sprints.stage_labels(sprint, {s: t(f"stage.{s}") for s in STAGES})
    result = sprints.sprint_result(engine, actor, sprint.id)

    top_left, top_right = st.columns([3, 2])
    with top_left:
        st.title(escape(sprint.name), anchor=False)
        st.markdown(t("board.period", start=i18n.format_date(sprint.start_date),
                      end=i18n.format_date(sprint.end_date),
                      week=i18n.week_label(sprint.start_date, lang)))
        if line := status_line(sprint, sprints.sprint_status(sprint, today), result.reached):
            st.markdown(f"**{line}**")
        st.progress(min(1.0, result.secured / result.goal))
    with top_right:
        st.metric(t("screen.goal"), f"{result.secured} / {result.goal}")
    st.caption(t("screen.updated", time=now.strftime("%H:%M:%S")))

    cards = sprints.screen_board(engine, actor, sprint.id)
    for stage, column in zip(STAGES, st.columns(len(STAGES))):
        in_stage = cards[cards["stage"] == stage]
        with column, st.container(border=True, key=f"stage_{stage}"):
            st.subheader(escape(labels[stage]), anchor=False)
            st.header(str(len(in_stage)), anchor=False)
            chips = [f"{c.citizen}\u00a0({c.consultant_initials or '–'})"
                     for c in in_stage.head(CHIPS_PER_STAGE).itertuples()]
            if len(in_stage) > CHIPS_PER_STAGE:
                chips.append(t("screen.more", n=len(in_stage) - CHIPS_PER_STAGE))
            if chips:
                st.text(" · ".join(chips))

    programme_col, latest_col = st.columns(2)
    with programme_col:
        show_programme(sprints.agenda(engine, actor, sprint.id), today)
    with latest_col:
        show_latest(sprint.id)


@st.fragment(run_every=live.CHECK_SECONDS)
def follow_changes() -> None:
    """A look at the data stamp every few seconds; the screen is redrawn only when it moved on."""
    ui.fragment_guard(actor, activity=False)  # a deactivated account stops at the next look
    if live.changed(engine):
        live.redraw()


meeting_screen()
screen_links.section(engine, actor)  # leaders pair a TV here; a paired TV never sees it
follow_changes()
