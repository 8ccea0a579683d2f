"""Overblik: the landing page. Goals in short, the week's numbers (leaders), the running sprint
and the day's follow-ups; every figure links to the page that explains it."""

import streamlit as st

from model import access, clock, companies, goals, i18n, overview, placements, sprints
from pages import ui
from pages.ui import goal_labels as look

actor = ui.guard("overblik")
t, engine = ui.translator(), ui.engine()
lang = ui.lang()
today = clock.today()

st.title(t("overview.title"))

if access.can(actor, "goal.read"):
    st.subheader(t("nav.goals"))
    listed = goals.list_goals(engine, actor, today=today)
    running = listed[(listed["period_start"] <= today) & (listed["period_end"] >= today)]
    if running.empty:
        st.caption(t("goals.overview_none"))
    for goal in running.itertuples():
        st.markdown(f"{look.status_badge(goal.status)} **{goal.name}** · "
                    f"{look.figure(goal.metric, goal.current)} / {look.figure(goal.metric, goal.target)} · "
                    f":gray[{look.metric_word(goal.metric, goal.months)} · "
                    f"{look.scope_text(goal.scope, goal.scope_name)}]")
    st.page_link("pages/maal.py", label=t("goals.overview_all"), icon=":material/flag:")

if actor.sees_all_teams:
    week = overview.week_numbers(engine, actor, today=today)
    st.subheader(t("goals.week_heading", week=i18n.week_label(week.start, lang)))
    st.caption(t("goals.week_caption", start=i18n.format_date(week.start)))
    figures = [
        (t("goals.week_placements"), week.placements_started, "pages/resultater.py", "nav.results",
         ":material/insights:"),
        (t("goals.week_secured"), week.cards_secured, "pages/sprinttavle.py", "nav.board",
         ":material/view_kanban:"),
        (t("goals.week_contacts"), week.outreach_contacts, "pages/virksomheder.py", "nav.companies",
         ":material/business:"),
        (t("goals.week_agreements"), week.new_agreements, "pages/virksomheder.py", "nav.companies",
         ":material/handshake:"),
    ]
    for column, (label, value, page, link, icon) in zip(st.columns(4), figures):
        column.metric(label, value)
        column.page_link(page, label=t(link), icon=icon)

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

if access.can(actor, "placement.read"):
    # A consultant sees their own; leaders and others without a caseload see the team's.
    mine = actor.staff_id if actor.role == "consultant" else None
    follow_ups = placements.follow_up_counts(engine, actor, today=today, consultant_id=mine)
    steps = companies.next_step_counts(engine, actor, today=today, staff_id=mine)
    st.subheader(t("overview.my_day" if mine else "overview.team_day"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("overview.follow_ups_today"), follow_ups["due_today"])
    c2.metric(t("overview.follow_ups_overdue"), follow_ups["overdue"])
    c3.metric(t("overview.next_steps_today"), steps["due_today"])
    c4.metric(t("overview.next_steps_overdue"), steps["overdue"])
    l1, l2 = st.columns(2)
    l1.page_link("pages/forloeb.py", label=t("overview.open_follow_ups"),
                 icon=":material/work_history:")
    l2.page_link("pages/virksomheder.py", label=t("overview.open_next_steps"),
                 icon=":material/business:")

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
