"""Mødeskærm: the read-only meeting screen for a TV; initials only, refreshes itself."""

import os

import streamlit as st

from model import clock, i18n, sprints
from model.clock import LOCAL_TZ
from model.tables import STAGES
from pages import ui

actor = ui.guard("moedeskaerm")
t, engine = ui.translator(), ui.engine()
lang = ui.lang()
REFRESH_SECONDS = int(os.environ.get("JOBTAVLEN_SCREEN_REFRESH", "30"))
CHIPS_PER_STAGE = 30

# Static CSS only (no user data): large type that reads across a meeting room.
st.markdown(
    """<style>
    [data-testid="stMainBlockContainer"] {padding-top: 3rem; max-width: 100%;}
    [data-testid="stMain"] .stMarkdown p, [data-testid="stMain"] .stMarkdown li {font-size: 1.45rem;}
    [data-testid="stMetricValue"] {font-size: 5.5rem; line-height: 1.1;}
    [data-testid="stMetricLabel"] p {font-size: 1.5rem;}
    </style>""",
    unsafe_allow_html=True,
)

requested = st.query_params.get("sprint")
sprint_ids = sprints.list_sprints(engine, actor)["id"].tolist()
sprint_id = int(requested) if requested and requested.isdigit() and int(requested) in sprint_ids \
    else sprints.current_sprint_id(engine, actor)


@st.fragment(run_every=REFRESH_SECONDS)
def meeting_screen() -> None:
    if sprint_id is None:
        st.header(t("screen.no_sprint"))
        return
    sprint = sprints.get_sprint(engine, actor, sprint_id)
    labels = sprints.stage_labels(sprint, {s: t(f"stage.{s}") for s in STAGES})
    result = sprints.sprint_result(engine, actor, sprint_id)
    now = clock.local_now()

    top_left, top_right = st.columns([3, 2])
    with top_left:
        st.title(sprint.name)
        st.markdown(t("board.period", start=i18n.format_date(sprint.start_date),
                      end=i18n.format_date(sprint.end_date),
                      week=i18n.week_label(sprint.start_date, lang)))
        st.progress(min(1.0, result.secured / result.goal))
    with top_right:
        st.metric(t("screen.goal"), f"{result.secured} / {result.goal}")
    st.caption(t("screen.updated", time=now.strftime("%H:%M:%S"), seconds=REFRESH_SECONDS))

    cards = sprints.screen_board(engine, actor, sprint_id)
    for stage, column in zip(STAGES, st.columns(len(STAGES))):
        in_stage = cards[cards["stage"] == stage]
        with column, st.container(border=True):
            st.markdown(f"### {labels[stage]}")
            st.markdown(f"## {len(in_stage)}")
            chips = [f"{c.citizen}\u00a0({c.consultant_initials})"
                     for c in in_stage.head(CHIPS_PER_STAGE).itertuples()]
            if len(in_stage) > CHIPS_PER_STAGE:
                chips.append(t("screen.more", n=len(in_stage) - CHIPS_PER_STAGE))
            st.markdown(" · ".join(chips))

    programme_col, latest_col = st.columns(2)
    with programme_col:
        st.header(t("screen.today"))
        programme = sprints.agenda(engine, actor, sprint_id)
        today_items = programme[programme["day"] == clock.today()]
        if today_items.empty:
            st.markdown(t("screen.no_programme_today"))
            today_items = programme
        st.markdown("\n".join(
            f"- {i18n.weekday(item.day, lang)[:3]}. {item.part}: {item.title}"
            for item in today_items.itertuples()))
    with latest_col:
        st.header(t("screen.latest"))
        latest = sprints.latest_secured(engine, actor, sprint_id)
        if latest.empty:
            st.markdown(t("screen.no_latest"))
        st.markdown("\n".join(
            f"- **{row.citizen}** · {row.company or ''} · {row.consultant_initials} · "
            f"{i18n.weekday(row.changed_at.astimezone(LOCAL_TZ).date(), lang)[:3]}. "
            f"{row.changed_at.astimezone(LOCAL_TZ):%H:%M}"
            for row in latest.itertuples()))


meeting_screen()
