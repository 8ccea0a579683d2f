"""Overblik: the landing page with the running sprint's progress and key figures."""

import streamlit as st

from model import i18n, sprints
from pages import ui

actor = ui.guard("overblik")
t, engine = ui.t, ui.engine()
lang = ui.lang()

st.title(t("overview.title"))

sprint_id = sprints.current_sprint_id(engine, actor)
if sprint_id is None:
    st.info(t("overview.no_sprint"))
else:
    sprint = sprints.get_sprint(engine, actor, sprint_id)
    result = sprints.sprint_result(engine, actor, sprint_id)
    counts = sprints.stage_counts(engine, actor, sprint_id)
    stale = sprints.stale_count(engine, actor, sprint_id)
    st.subheader(f"{t('overview.running_sprint')}: {sprint.name}")
    st.caption(t("board.period", start=i18n.format_date(sprint.start_date),
                 end=i18n.format_date(sprint.end_date),
                 week=i18n.week_label(sprint.start_date, lang)))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("overview.secured"), f"{result.secured} / {result.goal}")
    c2.metric(t("overview.cards"), sum(counts.values()))
    c3.metric(t("overview.in_dialogue"), counts["dialogue"])
    c4.metric(t("overview.stale"), stale)
    st.progress(min(1.0, result.secured / result.goal),
                text=t("board.progress", secured=result.secured, goal=result.goal))
    l1, l2 = st.columns(2)
    l1.page_link("pages/sprinttavle.py", label=t("overview.open_board"),
                 icon=":material/view_kanban:")
    l2.page_link("pages/moedeskaerm.py", label=t("overview.open_screen"), icon=":material/tv:")

st.subheader(t("overview.sprints"))
summary = sprints.sprint_summaries(engine, actor)
st.dataframe(
    summary.assign(
        period=[f"{i18n.format_date(s)} – {i18n.format_date(e)}"
                for s, e in zip(summary["start_date"], summary["end_date"])],
        status=[t(f"status.{s}") for s in summary["status"]],
        result=[f"{s} / {g}" for s, g in zip(summary["secured"], summary["goal_count"])],
    )[["name", "period", "status", "result"]],
    hide_index=True, width="stretch",
    column_config={"name": t("overview.col_name"), "period": t("overview.col_period"),
                   "status": t("overview.col_status"), "result": t("overview.col_result")},
)
