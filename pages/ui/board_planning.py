"""The Sprinttavle's planning panels: the sprint form, the programme, bringing citizens, closing
and repeating a sprint."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model import access, clock, i18n, people, sprints
from model.access import Actor
from model.errors import StaleVersion, UserError
from model.tables import SPRINT_KINDS, STAGES, Sprint
from pages.ui import date_input, editor, engine, escape, lang, multiselect, selectbox, show_error, t

# A consultant brings three citizens to the intensive week (the Brøndby story).
CITIZENS_AT_ONCE = 3
NEW_CITIZEN_ROWS = 3


def done(message: str, **state) -> None:
    """Show `message` after the rerun, with the session state the next run should start from
    (`open_sprint`: the sprint the chooser shows next; set again after a change of its name or
    status, since the chooser would otherwise keep showing the old label)."""
    st.session_state["flash"] = message
    st.session_state.update(state)
    st.rerun()


def result_text(result: sprints.SprintResult) -> str:
    """"21 af 16 – mål nået"."""
    key = "board.result_reached" if result.reached else "board.result_missed"
    return t(key, secured=result.secured, goal=result.goal)


def panel_open(sprint_id: int | None) -> bool:
    """Whether a panel with a form is open here, or the programme template's question is asked:
    the board then holds a colleague's redraw (their open states are kept in the session)."""
    state = st.session_state
    return state.get("template_confirm") == sprint_id or any(state.get(key) for key in (
        "new_sprint_open", "programme_open", "repeat_open", f"add_cards_open_{sprint_id}"))


# --- The sprint's own fields ------------------------------------------------------------------

def sprint_form(prefix: str, staff: pd.DataFrame, sprint: Sprint | None = None) -> dict | None:
    """The fields of a sprint (a new one proposes this week's Monday to Friday); returns them
    when the form is submitted."""
    proposed_start, proposed_end = sprints.proposed_week(clock.today())
    with st.form(f"{prefix}_form", clear_on_submit=sprint is None):
        name = st.text_input(t("board.name"), value=sprint.name if sprint else "",
                             key=f"{prefix}_name")
        c1, c2, c3 = st.columns(3)
        start = date_input(t("board.start"), key=f"{prefix}_start",
                           value=sprint.start_date if sprint else proposed_start, where=c1)
        end = date_input(t("board.end"), key=f"{prefix}_end",
                         value=sprint.end_date if sprint else proposed_end, where=c2)
        goal = c3.number_input(t("board.goal"), step=1, key=f"{prefix}_goal",
                               value=sprint.goal_count if sprint else 16)
        kind = st.radio(t("board.kind"), SPRINT_KINDS, horizontal=True, key=f"{prefix}_kind",
                        index=SPRINT_KINDS.index(sprint.kind) if sprint else 0,
                        format_func=lambda k: t(f"kind.{k}"))
        focus = st.text_input(t("board.focus"), value=sprint.focus if sprint else "",
                              key=f"{prefix}_focus")
        consultant_ids = []
        if sprint is None:
            consultant_ids = multiselect(
                t("board.consultants"), staff["id"].tolist(), key=f"{prefix}_consultants",
                placeholder=t("board.choose_consultants"),
                format_func=dict(zip(staff["id"], staff["name"])).get)
        st.caption(t("board.stage_names"))
        names = (sprint.stage_names if sprint else {}) or {}
        stage_cols = st.columns(len(STAGES))
        stage_names = {
            stage: col.text_input(t(f"stage.{stage}"), value=names.get(stage, ""),
                                  key=f"{prefix}_stage_{stage}")
            for stage, col in zip(STAGES, stage_cols)
        }
        if not st.form_submit_button(t("common.save"), type="primary"):
            return None
    return dict(name=name, start=start, end=end, goal=int(goal), kind=kind, focus=focus,
                stage_names=stage_names, consultant_ids=consultant_ids)


def new_sprint_panel(actor: Actor, staff: pd.DataFrame, *, expanded: bool) -> None:
    """"Opret sprint": open by itself when the team has nothing running or planned."""
    with st.expander(t("board.new_sprint"), icon=":material/add:", expanded=expanded,
                     key="new_sprint_open", on_change="rerun"):
        fields = sprint_form("new", staff)
        if fields is None:
            return
        try:
            new_id = sprints.create_sprint(engine(), actor, **fields)
        except UserError as error:
            show_error(error)
        else:
            done(t("board.created"), open_sprint=new_id)


def running_notice(actor: Actor, running_id: int | None, next_id: int | None) -> None:
    """Say so when no sprint runs for the user's team, and name the next planned one."""
    if running_id is not None:
        return
    if next_id is None:
        st.info(t("board.none_running"), icon=":material/event_busy:")
        return
    sprint = sprints.get_sprint(engine(), actor, next_id)
    st.info(t("board.none_running_next", name=sprint.name,
              start=i18n.format_date(sprint.start_date)), icon=":material/event_upcoming:")


# --- The programme ----------------------------------------------------------------------------

def _apply_template(actor: Actor, sprint_id: int, replace: bool) -> None:
    try:
        count = sprints.apply_programme_template(engine(), actor, sprint_id, replace=replace)
    except UserError as error:
        show_error(error)
    else:
        st.session_state.pop("template_confirm", None)
        done(t("board.template_applied", items=count))


def _template_buttons(actor: Actor, sprint: Sprint, programme: pd.DataFrame) -> None:
    """The Brøndby programme in one click; a programme already there is replaced only when asked."""
    if st.session_state.get("template_confirm") == sprint.id and not programme.empty:
        st.warning(t("board.template_replace_question", items=len(programme)))
        yes, no, _ = st.columns([2, 1, 2])
        if yes.button(t("board.template_replace"), key="agenda_template_replace", type="primary"):
            _apply_template(actor, sprint.id, replace=True)
        if no.button(t("common.cancel"), key="agenda_template_cancel"):
            st.session_state.pop("template_confirm", None)
            st.rerun()
        return
    if st.button(t("board.template_apply"), key="agenda_template",
                 icon=":material/event_note:", help=t("board.template_help")):
        if programme.empty:
            _apply_template(actor, sprint.id, replace=False)
        else:
            st.session_state["template_confirm"] = sprint.id
            st.rerun()


def programme_panel(actor: Actor, sprint: Sprint, programme: pd.DataFrame) -> None:
    """Edit the programme in a table (a form: typing does not rerun the page) or start from the
    template, offered at once while the programme is empty. The panel keeps its open state (a
    key), so it stays open while one works in it."""
    seen_key = f"agenda_stamp_{sprint.id}"
    seen = st.session_state.get(seen_key)
    current = sprints.programme_stamp(programme)
    if programme.empty:
        st.caption(t("board.programme_empty"))
        _template_buttons(actor, sprint, programme)
    with st.expander(t("board.programme_edit"), icon=":material/edit_calendar:",
                     key="programme_open", on_change="rerun"):
        if not programme.empty:
            _template_buttons(actor, sprint, programme)
        table = programme.drop(columns=["id"])
        # A column of dates even when empty, so new rows come back as dates, not text.
        table["day"] = pd.to_datetime(table["day"])
        today = clock.today()
        with st.form("agenda_form", border=False):
            edited = editor(
                table, num_rows="dynamic", key="agenda_editor", lang=lang(), width="stretch",
                column_config={
                    "day": st.column_config.DateColumn(
                        t("board.col_day"), format="DD-MM-YYYY", min_value=sprint.start_date,
                        max_value=sprint.end_date, required=True,
                        default=today if sprint.start_date <= today <= sprint.end_date
                        else sprint.start_date),
                    "part": st.column_config.TextColumn(t("board.col_part")),
                    "title": st.column_config.TextColumn(t("board.col_title")),
                    "note": st.column_config.TextColumn(t("board.col_note")),
                })
            save = st.form_submit_button(t("common.save"), key="agenda_save")
        st.session_state[seen_key] = current
        if not save:
            return
        try:
            sprints.save_agenda(engine(), actor, sprint.id, edited, expected_stamp=seen or current)
        except UserError as error:
            show_error(error)
        else:
            done(t("board.programme_saved"))


def programme_view(programme: pd.DataFrame) -> None:
    """The week's programme by day; today's day stands out (a border, a badge, bold items)."""
    today = clock.today()
    for day, items in programme.groupby("day", sort=True):
        is_today = day == today
        heading = f"**{i18n.weekday(day, lang()).capitalize()} {i18n.format_date(day)}**"
        if is_today:
            heading += f" :blue-badge[:material/today: {t('board.today')}]"
        lines = [escape(f"{item.part}: {item.title}" if item.part else item.title)
                 for item in items.itertuples()]
        with st.container(border=is_today, key="programme_today" if is_today else None):
            st.markdown(heading)
            st.markdown("\n".join(f"- **{line}**" if is_today else f"- {line}"
                                  for line in lines))


# --- Citizens onto the board ------------------------------------------------------------------

def _consultant_order(staff: pd.DataFrame, sprint: Sprint, with_cards: set[int]) -> list[int]:
    """The sprint team's consultants first, those without cards on the board before the rest."""
    order = staff.assign(other_team=staff["team_id"] != sprint.team_id,
                         has_cards=staff["id"].isin(with_cards))
    return order.sort_values(["other_team", "has_cards", "name"], kind="stable")["id"].tolist()


def _new_citizen_rows() -> list[dict]:
    """Up to three citizens typed in: first name, last name, birth year; empty rows are skipped."""
    st.caption(t("board.bring_new"))
    rows = []
    for row in range(NEW_CITIZEN_ROWS):
        c1, c2, c3 = st.columns([2, 2, 1])
        shown = "visible" if row == 0 else "collapsed"
        first = c1.text_input(t("board.first_name"), key=f"bring_first_{row}",
                              label_visibility=shown)
        last = c2.text_input(t("board.last_name"), key=f"bring_last_{row}",
                             label_visibility=shown)
        year = c3.number_input(t("board.birth_year"), value=None, step=1, key=f"bring_year_{row}",
                               label_visibility=shown, placeholder=t("board.year_placeholder"))
        if first.strip() or last.strip() or year is not None:
            rows.append(dict(first_name=first, last_name=last,
                             birth_year=int(year) if year is not None else None))
    return rows


def bring_citizens(actor: Actor, sprint: Sprint, staff: pd.DataFrame, with_cards: set[int]) -> None:
    """Pick a consultant and up to three of their citizens (or type new ones): one submit puts
    them on the board; then the next consultant without cards is proposed."""
    names = dict(zip(staff["id"], staff["name"]))
    order = _consultant_order(staff, sprint, with_cards)
    if not order:
        return
    if st.session_state.get("bring_consultant") not in order:
        st.session_state["bring_consultant"] = order[0]
    consultant_id = selectbox(t("board.bring_consultant"), order, key="bring_consultant",
                              format_func=names.get)
    choices = sprints.consultant_citizens(engine(), actor, sprint.id, consultant_id=consultant_id)
    # Those on the board already are listed last and marked, so one finds them, not a gap.
    labels = dict(zip(choices["id"], choices["first_name"] + " " + choices["last_name"] + " ("
                      + choices["birth_year"].astype(str) + ")"
                      + choices["on_sprint"].map({True: f" · {t('board.on_board')}", False: ""})))
    with st.form("bring_form", clear_on_submit=True):
        # No max_selections and no "select all": Streamlit words both in English only.
        chosen = multiselect(
            t("board.bring_citizens", n=CITIZENS_AT_ONCE), list(labels),
            key=f"bring_citizens_{consultant_id}", select_all=False, format_func=labels.get,
            placeholder=t("board.bring_placeholder") if not choices["on_sprint"].all()
            else t("board.bring_none_left"))
        typed = _new_citizen_rows()
        brought_by = selectbox(t("board.brought_by"), [0, *order], key="bring_by",
                               format_func=lambda i: names.get(i) or t("board.own_consultant"))
        submitted = st.form_submit_button(t("board.add"), type="primary", key="bring_add",
                                          icon=":material/group_add:")
    if not submitted:
        return
    if len(chosen) > CITIZENS_AT_ONCE:
        st.error(t("board.bring_too_many", n=CITIZENS_AT_ONCE))
        return
    try:
        added = sprints.add_cards(engine(), actor, sprint.id, consultant_id=consultant_id,
                                  citizen_ids=chosen, new_citizens=typed,
                                  brought_by=brought_by or None)
    except UserError as error:
        show_error(error)
    else:
        # The next run proposes the next consultant without cards.
        st.session_state.pop("bring_consultant", None)
        done(t("board.brought", n=len(added), consultant=names[consultant_id]))


def _add_one_existing(actor: Actor, sprint_id: int, staff: pd.DataFrame, default: int) -> None:
    """Search any citizen of the team by name and put them on the board."""
    db = engine()
    query = st.text_input(t("board.search_citizen"), key="card_search")
    try:
        found = people.search_citizens(db, actor, query) if query.strip() else None
    except UserError as error:  # a search that looks like a CPR number is refused
        show_error(error)
        found = None
    if found is None or found.empty:
        return
    citizen_id = selectbox(
        t("board.citizen"), found["id"].tolist(), key="card_citizen",
        format_func=dict(zip(found["id"], found["first_name"] + " " + found["last_name"] + " ("
                             + found["birth_year"].astype(str) + ")")).get)
    consultant_id = selectbox(t("board.brought_by"), staff["id"].tolist(), index=default,
                              key="card_consultant",
                              format_func=dict(zip(staff["id"], staff["name"])).get)
    if st.button(t("board.add"), key="card_add", type="primary"):
        try:
            sprints.add_card(db, actor, sprint_id, citizen_id=citizen_id,
                             consultant_id=consultant_id)
        except UserError as error:
            show_error(error)
        else:
            done(t("board.added"))


def _add_one_new(actor: Actor, sprint_id: int, staff: pd.DataFrame, default: int) -> None:
    """Register one new citizen with a target group and put them on the board."""
    with st.form("new_citizen", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        first = c1.text_input(t("board.first_name"), key="nc_first")
        last = c2.text_input(t("board.last_name"), key="nc_last")
        year = c3.number_input(t("board.birth_year"), value=1990, step=1, key="nc_year")
        target = st.text_input(t("board.target_group"), key="nc_target",
                               value="aktivitetsparat kontanthjælp")
        consultant_id = selectbox(t("board.brought_by"), staff["id"].tolist(), index=default,
                                  key="nc_consultant",
                                  format_func=dict(zip(staff["id"], staff["name"])).get)
        if not st.form_submit_button(t("board.add"), type="primary"):
            return
    try:
        sprints.add_new_citizen_card(engine(), actor, sprint_id, consultant_id=consultant_id,
                                     first_name=first, last_name=last, birth_year=int(year),
                                     target_group=target)
    except UserError as error:
        show_error(error)
    else:
        done(t("board.added"))


def _add_consultant(actor: Actor, sprint_id: int, staff: pd.DataFrame) -> None:
    participants = sprints.consultants(engine(), actor, sprint_id)
    others = staff[~staff["id"].isin(participants["id"])]
    if others.empty:
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    staff_id = selectbox(t("board.add_consultant"), others["id"].tolist(),
                         format_func=dict(zip(staff["id"], staff["name"])).get,
                         key="add_consultant", where=c1)
    if c2.button(t("board.add_consultant_button"), key="add_consultant_button"):
        sprints.add_consultant(engine(), actor, sprint_id, staff_id)
        st.rerun()


def add_citizens_panel(actor: Actor, sprint: Sprint, staff: pd.DataFrame,
                       with_cards: set[int]) -> None:
    """"Tilføj borgere": a consultant with their citizens, one citizen found by name, or one new
    citizen. Open by itself on an empty board; it keeps its open state (a key), ready for the
    next consultant."""
    default = staff["id"].tolist().index(actor.staff_id) \
        if actor.staff_id in set(staff["id"]) else 0
    # Its open state lives in the session from the first draw on (a changing `expanded` would
    # close it under the hands of someone adding the second consultant's citizens).
    # One open state per sprint: a sprint with an empty board opens with the panel open.
    open_key = f"add_cards_open_{sprint.id}"
    st.session_state.setdefault(open_key, not with_cards)
    panel = st.expander(t("board.add_cards"), icon=":material/person_add:", key=open_key,
                        on_change="rerun")
    with panel:
        bring, existing, new = st.tabs([t("board.bring_tab"), t("board.add_existing"),
                                        t("board.create_citizen")])
        with bring:
            if panel.open:  # the citizen list is read (and its view logged) only when shown
                bring_citizens(actor, sprint, staff, with_cards)
        with existing:
            _add_one_existing(actor, sprint.id, staff, default)
        with new:
            _add_one_new(actor, sprint.id, staff, default)
        _add_consultant(actor, sprint.id, staff)


# --- Closing and repeating --------------------------------------------------------------------

def close_button(actor: Actor, sprint: Sprint, label: str, *, primary: bool = False) -> None:
    """Close the sprint (those who may) and show its result."""
    if not access.can(actor, "sprint.close"):
        return
    if st.button(label, key="close_sprint", icon=":material/flag:",
                 type="primary" if primary else "secondary"):
        closed = sprints.close_sprint(engine(), actor, sprint.id)
        done(result_text(closed), open_sprint=sprint.id)


def ended_notice(actor: Actor, sprint: Sprint, result: sprints.SprintResult) -> None:
    """An ended sprint waits for the leader's close: its result, and the button to close it."""
    st.warning(t("board.ended_info", end=i18n.format_date(sprint.end_date),
                 result=result_text(result)), icon=":material/sports_score:")
    close_button(actor, sprint, t("board.close_ended"), primary=True)


def repeat_panel(actor: Actor, sprint: Sprint) -> None:
    """"Gentag sprinten": a new week with the same consultants, programme and goal, new dates and
    focus, and the citizens not yet secured brought along (ticked by default)."""
    panel = st.expander(t("board.repeat"), icon=":material/repeat:", key="repeat_open",
                        on_change="rerun")
    if not panel.open:
        return
    db = engine()
    start, end = sprints.next_free_week(db, actor, team_id=sprint.team_id)
    bring = sprints.repeatable_cards(db, actor, sprint.id)
    with panel, st.form(f"repeat_form_{sprint.id}"):
        st.caption(t("board.repeat_caption"))
        name = st.text_input(t("board.name"), key="repeat_name",
                             value=t("board.repeat_name", week=start.isocalendar().week))
        c1, c2, c3 = st.columns(3)
        new_start = date_input(t("board.start"), value=start, key="repeat_start", where=c1)
        new_end = date_input(t("board.end"), value=end, key="repeat_end", where=c2)
        goal = c3.number_input(t("board.goal"), step=1, value=sprint.goal_count,
                               key="repeat_goal")
        focus = st.text_input(t("board.focus"), key="repeat_focus",
                              placeholder=t("board.repeat_focus_placeholder"))
        chosen = []
        if not bring.empty:
            st.markdown(t("board.repeat_citizens", n=len(bring)))
            columns = st.columns(3)
            for i, card in enumerate(bring.itertuples()):
                who = escape(f"{card.first_name} {card.last_name} · {card.consultant_initials or ''}")
                label = f"{who} · {t(f'stage.{card.stage}')}"
                if columns[i % 3].checkbox(label, value=True,
                                           key=f"repeat_bring_{sprint.id}_{card.citizen_id}"):
                    chosen.append(int(card.citizen_id))
        if not st.form_submit_button(t("board.repeat_create"), type="primary",
                                     key="repeat_create", icon=":material/repeat:"):
            return
    try:
        new_id = sprints.repeat_sprint(db, actor, sprint.id, name=name, start=new_start,
                                       end=new_end, focus=focus, goal=int(goal),
                                       citizen_ids=chosen)
    except UserError as error:
        show_error(error)
    else:
        done(t("board.repeated", n=len(chosen)), open_sprint=new_id)


def edit_sprint_form(actor: Actor, sprint: Sprint, staff: pd.DataFrame) -> None:
    """The sprint's own form; a save names the version it was filled from."""
    # The version the open form was filled from, so a colleague's save in between is refused;
    # after a refusal the form is drawn anew (new keys) from the stored sprint.
    seen_key, refill = f"sprint_version_{sprint.id}", st.session_state.get("sprint_refill", 0)
    prefix = "edit" + (f"_{refill}" if refill else "")
    if st.session_state.get(seen_key) is None or f"{prefix}_name" not in st.session_state:
        st.session_state[seen_key] = sprint.version
    fields = sprint_form(prefix, staff, sprint)
    if fields is None:
        return
    fields.pop("consultant_ids")
    try:
        sprints.update_sprint(engine(), actor, sprint.id,
                              expected_version=st.session_state[seen_key], **fields)
    except UserError as error:
        if isinstance(error, StaleVersion):
            st.session_state.pop(seen_key)
            st.session_state["sprint_refill"] = refill + 1
        show_error(error)
    else:
        st.session_state.pop(seen_key)
        done(t("board.saved"), open_sprint=sprint.id)
