"""Overblik: the landing page. Goals in short, the week's numbers (leaders), the running sprint
and the day's follow-ups; every figure links to the page that explains it."""

import streamlit as st

from model import access, clock, companies, goals, i18n, overview, placements, sprint_choice, sprints
from pages import ui
from pages.ui import goal_labels as look
from pages.ui.matching import escape

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
        st.markdown(f"{look.status_badge(goal.status)} **{escape(goal.name)}** · "
                    f"{look.figure(goal.metric, goal.current)} / {look.figure(goal.metric, goal.target)} · "
                    f":gray[{look.metric_word(goal.metric, goal.months)} · "
                    f"{escape(look.scope_text(goal.scope, goal.scope_name))}]")
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

# The running sprint is the team's own whose dates hold today; a planned one is not "running".
sprint_id = sprints.running_sprint_id(engine, actor, today=today)
if sprint_id is None:
    st.info(t("overview.no_sprint"))
    upcoming_id = sprints.next_sprint_id(engine, actor, today=today)
    if upcoming_id is None:
        st.caption(t("overview.none_planned"))
    else:
        upcoming = sprints.get_sprint(engine, actor, upcoming_id)
        st.caption(t("overview.next_sprint"))
        st.page_link("pages/sprinttavle.py", query_params={"sprint": upcoming_id},
                     label=f"{escape(upcoming.name)} · {i18n.format_date(upcoming.start_date)} – "
                           f"{i18n.format_date(upcoming.end_date)}",
                     icon=":material/event_upcoming:")
else:
    sprint = sprints.get_sprint(engine, actor, sprint_id)
    result = sprints.sprint_result(engine, actor, sprint_id)
    counts = sprints.stage_counts(engine, actor, sprint_id)
    stale = sprints.stale_count(engine, actor, sprint_id)
    st.subheader(f"{t('overview.running_sprint')}: {escape(sprint.name)}")
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
    # With the team in its address, the screen's bookmark follows the team's next sprints too.
    l2.page_link("pages/moedeskaerm.py", label=t("overview.open_screen"), icon=":material/tv:",
                 query_params={"team": actor.team_id} if actor.team_id is not None else None)

if actor.role in {"leader", "admin"}:
    # Closing an ended sprint with its result is the leader's step.
    for ended in sprint_choice.awaiting_close(engine, actor, today=today).itertuples():
        st.warning(t("overview.awaiting_close", name=ended.name,
                     date=i18n.format_date(ended.end_date)), icon=":material/flag:")
        st.page_link("pages/sprinttavle.py", query_params={"sprint": ended.id},
                     label=t("overview.close_on_board", name=ended.name),
                     icon=":material/view_kanban:")

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
ui.table(
    summary.assign(
        period=[f"{i18n.format_date(s)} – {i18n.format_date(e)}"
                for s, e in zip(summary["start_date"], summary["end_date"])],
        status=[t(f"status.{s}") for s in summary["status"]],
        result=[f"{s} / {g}" for s, g in zip(summary["secured"], summary["goal_count"])],
    )[["name", "period", "status", "result"]],
    key="overview_sprints", lang=lang, width="stretch",
    column_config={"name": t("overview.col_name"), "period": t("overview.col_period"),
                   "status": t("overview.col_status"), "result": t("overview.col_result")},
)
