"""Mål: the goals with their status and week-by-week history; leaders and admins set them."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from model import access, clock, goals, i18n
from model.errors import StaleVersion, UserError
from pages import ui
from pages.ui import goal_labels as look

actor = ui.guard("maal")
t, engine, lang = ui.t, ui.engine(), ui.lang()
today = clock.today()
can_write = access.can(actor, "goal.write")


def flash(message: str, pick: int | None = None) -> None:
    """Show `message` after the rerun, on the list, with a goal picked (or none)."""
    st.session_state["goals_flash"] = message
    st.session_state["goals_goto_pick"] = pick
    if can_write:
        st.session_state["goals_goto_list"] = True
    st.rerun()


def goal_table(frame: pd.DataFrame, *, icons: bool) -> pd.DataFrame:
    """The list with headings and words in the person's language, as shown (icons) and downloaded."""
    return pd.DataFrame({
        t("goals.col_status"): frame["status"].map(look.status_cell if icons else look.status_word),
        t("goals.col_name"): frame["name"],
        t("goals.col_scope"): [look.scope_text(s, n) for s, n in zip(frame["scope"], frame["scope_name"])],
        t("goals.col_metric"): [look.metric_word(m, n) for m, n in zip(frame["metric"], frame["months"])],
        t("goals.col_current"): [look.figure(m, v) for m, v in zip(frame["metric"], frame["current"])],
        t("goals.col_target"): [look.figure(m, v) for m, v in zip(frame["metric"], frame["target"])],
        t("goals.col_projected"): [look.figure(m, v) for m, v in zip(frame["metric"], frame["projected"])],
        t("goals.col_period"): [f"{i18n.format_date(s)} – {i18n.format_date(e)}"
                                for s, e in zip(frame["period_start"], frame["period_end"])],
        t("goals.col_owner"): frame["owner"].fillna(""),
    })


def history_chart(row) -> None:
    """The value at the end of each week against the target, and the steady pace where it has one."""
    st.markdown(f"**{t('goals.history')}**")
    history = goals.goal_history(engine, actor, int(row.id), today=today)
    if history.empty:
        st.caption(t("goals.history_empty"))
        return
    share = row.metric == goals.SHARE
    scale = 100 if share else 1
    weeks = [i18n.week_label(week, lang) for week in history["week"]]
    figure = go.Figure()
    has_pace = row.metric not in goals.LEVEL_METRICS
    if has_pace:
        pace = [goals.pace_to_target(row.target, row.period_start, row.period_end, day) * scale
                for day in history["upto"]]
        figure.add_scatter(x=weeks, y=pace, mode="lines", name=t("goals.chart_pace"),
                           line=dict(color="#9e9e9e", dash="dot", width=2))
    figure.add_scatter(x=weeks, y=history["value"] * scale, mode="lines+markers",
                       name=t("goals.chart_value"), line=dict(color="#1565c0", width=3))
    figure.add_hline(y=row.target * scale, line_dash="dash", line_color="#c62828",
                     annotation_text=f"{t('goals.col_target')}: {look.figure(row.metric, row.target)}",
                     annotation_position="top left")
    top = max(row.target, float(history["value"].max())) * scale
    figure.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                         yaxis=dict(range=[0, top * 1.15 + (0 if share else 1)],
                                    ticksuffix=" %" if share else ""))
    st.plotly_chart(figure, width="stretch", key=f"goal_chart_{row.id}")
    st.caption(t("goals.history_caption_pace" if has_pace else "goals.history_caption_level"))


def goal_fields(prefix: str, choices: dict[str, pd.DataFrame], row=None) -> dict:
    """The goal's widgets (new, or filled from `row`); returns the arguments of create/update_goal."""
    name = st.text_input(t("goals.form_name"), value=row.name if row is not None else "",
                         key=f"{prefix}_name", placeholder=t("goals.form_name_placeholder"))
    c1, c2 = st.columns(2)
    scope = ui.selectbox(t("goals.form_scope"), goals.SCOPES, key=f"{prefix}_scope", where=c1,
                         index=goals.SCOPES.index(row.scope if row is not None else "period"),
                         format_func=look.scope_word)
    ids: dict[str, int | None] = {}
    period = (row.period_start, row.period_end) if row is not None else goals.quarter(today)
    period_key = ""
    if scope == "period":
        c2.caption(t("goals.form_period_note"))
    else:
        options = choices[scope]
        names = {int(i): n for i, n in zip(options["id"], options["name"])}
        chosen_before = (int(row.scope_id) if row is not None and row.scope == scope
                         and pd.notna(row.scope_id) else None)
        ids[goals.SCOPE_COLUMNS[scope]] = chosen = ui.selectbox(
            t(f"goals.form_{scope}"), list(names), key=f"{prefix}_{scope}", where=c2,
            index=list(names).index(chosen_before) if chosen_before in names else None,
            placeholder=t("goals.form_choose"), format_func=names.get)
        if scope == "sprint" and chosen is not None and chosen != chosen_before:
            # A sprint goal covers the sprint's days unless the leader says otherwise.
            sprint = options[options["id"] == chosen].iloc[0]
            period, period_key = (sprint["start_date"], sprint["end_date"]), f"_{chosen}"
    c3, c4 = st.columns(2)
    metric = ui.selectbox(t("goals.form_metric"), goals.METRICS, key=f"{prefix}_metric", where=c3,
                          index=goals.METRICS.index(row.metric) if row is not None else 0,
                          format_func=look.metric_word)
    share = metric == goals.SHARE
    months = None
    if share:
        months_before = int(row.months) if row is not None and pd.notna(row.months) else None
        months = ui.selectbox(t("goals.form_months"), goals.SHARE_MONTHS, key=f"{prefix}_months",
                              where=c4,
                              index=goals.SHARE_MONTHS.index(months_before)
                              if months_before in goals.SHARE_MONTHS else None,
                              placeholder=t("goals.form_choose"),
                              format_func=lambda m: t("goals.form_months_option", months=m))
    c5, c6, c7, c8 = st.columns(4)
    target_before = None
    if row is not None and (row.metric == goals.SHARE) == share:
        target_before = round(row.target * 100) if share else round(row.target)
    # Shares are typed as percentages; the key changes with the kind so the number fits the label.
    target = c5.number_input(t("goals.form_target_share" if share else "goals.form_target_count"),
                             step=1,
                             value=target_before, key=f"{prefix}_target_{'share' if share else 'count'}",
                             placeholder=t("goals.form_target_placeholder"))
    start = ui.date_input(t("goals.form_start"), value=period[0], key=f"{prefix}_start{period_key}",
                          where=c6)
    end = ui.date_input(t("goals.form_end"), value=period[1], key=f"{prefix}_end{period_key}",
                        where=c7)
    owners = {int(i): n for i, n in zip(choices["owner"]["id"], choices["owner"]["name"])}
    owner_before = int(row.owner_id) if row is not None and pd.notna(row.owner_id) else actor.staff_id
    owner_id = ui.selectbox(t("goals.form_owner"), list(owners), key=f"{prefix}_owner", where=c8,
                            index=list(owners).index(owner_before) if owner_before in owners else None,
                            placeholder=t("goals.form_choose"), format_func=owners.get)
    return {"name": name, "scope": scope, "metric": metric, "months": months,
            "target": target / 100 if share and target is not None else target,
            "period_start": start, "period_end": end, "owner_id": owner_id, **ids}


def forget_form(prefix: str, version_key: str) -> None:
    """Drop an edit form's typed values and version, so it shows the stored goal again."""
    st.session_state.pop(version_key, None)
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
        del st.session_state[key]


def edit_section(row, choices: dict[str, pd.DataFrame]) -> None:
    # The version this person started from, so a colleague's save in between is caught.
    version_key = f"goal_version_{row.id}"
    version = st.session_state.setdefault(version_key, int(row.version))
    prefix = f"goal_edit_{row.id}"
    stale = st.session_state.pop(f"goal_stale_{row.id}", None)
    with st.expander(t("goals.edit_title"), icon=":material/edit:", expanded=stale is not None):
        if stale is not None:
            ui.show_error(stale)
        fields = goal_fields(prefix, choices, row)
        if st.button(t("goals.save"), key=f"{prefix}_save", type="primary", icon=":material/save:"):
            try:
                goals.update_goal(engine, actor, int(row.id), expected_version=version, **fields)
            except StaleVersion as error:
                # Someone saved in between: reload the form with their goal and say so.
                forget_form(prefix, version_key)
                st.session_state[f"goal_stale_{row.id}"] = error
                st.rerun()
            except UserError as error:
                ui.show_error(error)
            else:
                forget_form(prefix, version_key)
                flash(t("goals.saved", name=fields["name"].strip()), pick=int(row.id))
    with st.expander(t("goals.delete_title"), icon=":material/delete:"):
        sure = st.checkbox(t("goals.delete_confirm", name=row.name), key=f"goal_delete_{row.id}_sure")
        if st.button(t("goals.delete"), key=f"goal_delete_{row.id}", disabled=not sure,
                     icon=":material/delete:"):
            try:
                goals.delete_goal(engine, actor, int(row.id))
            except UserError as error:
                ui.show_error(error)
            else:
                flash(t("goals.deleted", name=row.name))


def goal_detail(row) -> None:
    with st.container(border=True):
        st.subheader(row.name, anchor=False)
        st.caption(t("goals.detail_caption", scope=look.scope_text(row.scope, row.scope_name),
                     metric=look.metric_word(row.metric, row.months),
                     start=i18n.format_date(row.period_start), end=i18n.format_date(row.period_end),
                     owner=row.owner if isinstance(row.owner, str) else "–"))
        st.markdown(look.status_badge(row.status))
        c1, c2, c3 = st.columns(3)
        c1.metric(t("goals.col_current"), look.figure(row.metric, row.current))
        c2.metric(t("goals.col_target"), look.figure(row.metric, row.target))
        c3.metric(t("goals.projected"), look.figure(row.metric, row.projected))
        history_chart(row)
        if can_write:
            edit_section(row, goals.scope_choices(engine, actor))


def list_section() -> None:
    frame = goals.list_goals(engine, actor, today=today)
    if frame.empty:
        st.info(t("goals.none"))
        return
    counts = frame["status"].value_counts()
    st.markdown("  ".join(look.status_badge(status, f": {counts.get(status, 0)}")
                          for status in look.STATUS_LOOK))
    # The owner is in the goal's detail; without it the list fits a laptop screen.
    shown = goal_table(frame, icons=True).drop(columns=t("goals.col_owner"))
    styles = frame["status"].map(look.CELL_STYLE).tolist()
    widths = {"status": 95, "name": 260, "scope": 200, "metric": 215, "current": 55, "target": 55,
              "projected": 80, "period": 175}
    ui.table(
        shown.style.apply(lambda _: styles, subset=[t("goals.col_status")]), key="goals_table",
        lang=lang,
        column_config={t(f"goals.col_{column}"): st.column_config.TextColumn(width=width)
                       for column, width in widths.items()})
    st.caption(f"{t('goals.count', n=len(frame))} · {t('goals.caption')}")
    ui.download_buttons(goal_table(frame, icons=False), "maal", key="goals_download")

    if "goals_goto_pick" in st.session_state:
        st.session_state["goals_pick"] = st.session_state.pop("goals_goto_pick")
    names = dict(zip(frame["id"].astype(int), frame["name"]))
    if st.session_state.get("goals_pick") not in names:
        st.session_state.pop("goals_pick", None)
    picked = ui.selectbox(t("goals.pick"), list(names), index=None, key="goals_pick",
                          placeholder=t("goals.pick_placeholder"), format_func=names.get)
    if picked is not None:
        goal_detail(next(frame[frame["id"] == picked].itertuples()))


def new_section() -> None:
    fields = goal_fields("goal_new", goals.scope_choices(engine, actor))
    if st.button(t("goals.create"), key="goal_new_create", type="primary", icon=":material/add:"):
        try:
            goal_id = goals.create_goal(engine, actor, **fields)
        except UserError as error:
            ui.show_error(error)
        else:
            for key in [k for k in st.session_state if str(k).startswith("goal_new_")]:
                del st.session_state[key]
            flash(t("goals.created", name=fields["name"].strip()), pick=goal_id)


st.title(t("nav.goals"))
if message := st.session_state.pop("goals_flash", None):
    st.success(message)
if not can_write:
    st.caption(t("goals.read_only"))
    list_section()
else:
    sections = {"list": t("goals.tab_list"), "new": t("goals.tab_new")}
    if st.session_state.pop("goals_goto_list", False):
        st.session_state["goals_tab"] = sections["list"]
    tabs = dict(zip(sections, st.tabs(list(sections.values()), key="goals_tab", on_change="rerun")))
    with tabs["list"]:
        if tabs["list"].open:
            list_section()
    with tabs["new"]:
        if tabs["new"].open:
            new_section()
