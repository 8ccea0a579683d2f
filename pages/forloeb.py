"""Forløb: the follow-ups due today, the placements with their follow-up plan, new placements."""

import pandas as pd
import streamlit as st

from model import access, clock, companies, i18n, people, placements, quick
from model.errors import StaleVersion, UserError
from model.tables import PLACEMENT_KINDS
from pages import ui

actor = ui.guard("forloeb")
t, engine = ui.translator(), ui.engine()
today = clock.today()
can_write = access.can(actor, "placement.write")
can_tick = access.can(actor, "followup.done")
can_cadence = access.can(actor, "cadence.write")
# The oldest due follow-ups shown as forms; the rest follow as these are ticked off.
DUE_SHOWN = 30
LIST_PAGE = 500
STATE_KEYS = {"done": "placement.state_done", "due": "placement.state_due",
              "overdue": "placement.state_overdue", "planned": "placement.state_planned",
              "missed": "placement.state_missed"}


def kind_label(kind: str) -> str:
    return t(placements.KIND_KEYS[kind])


def cadence_kind_label(kind: str) -> str:
    return t("placement.cadence_default") if kind == "default" else kind_label(kind)


def status_label(status: str) -> str:
    return t(placements.STATUS_KEYS[status])


def result_label(result: str | None) -> str:
    return t(placements.RESULT_KEYS[result]) if result in placements.RESULT_KEYS else ""


def flash(message: str, goto: str | None = None, pick: int | None = None) -> None:
    """Show `message` after the rerun, optionally on another tab with a placement picked."""
    st.session_state["pl_flash"] = message
    if goto:
        st.session_state["pl_goto"] = goto
    if pick:
        st.session_state["pl_goto_pick"] = pick
    st.rerun()


st.title(t("nav.placements"))
if message := st.session_state.pop("pl_flash", None):
    st.success(message)

sections = {"due": t("placement.tab_due"), "list": t("placement.tab_list")}
if can_write:
    sections["new"] = t("placement.tab_new")
if can_cadence:
    sections["cadence"] = t("placement.tab_cadence")
if goto := st.session_state.pop("pl_goto", None):
    st.session_state["pl_tab"] = sections[goto]
tabs = dict(zip(sections, st.tabs(list(sections.values()), key="pl_tab", on_change="rerun")))


def due_section() -> None:
    """Opfølgning i dag: due today and overdue, each ticked off with a note in one action."""
    staff = people.list_staff(engine, actor)
    names = {int(i): n for i, n in zip(staff["id"], staff["name"])}
    options = [0, *names]
    mine = actor.staff_id if actor.staff_id in names else 0

    def whose(staff_id: int) -> str:
        if staff_id == 0:
            return t("placement.due_team")
        return t("placement.due_mine") if staff_id == actor.staff_id else names[staff_id]

    f1, m1, m2 = st.columns([2, 1, 1])
    chosen = ui.selectbox(t("placement.due_for"), options, index=options.index(mine),
                          key="due_for", format_func=whose, where=f1)
    counts = placements.follow_up_counts(engine, actor, today=today, consultant_id=chosen or None)
    due = placements.due_follow_ups(engine, actor, today=today, consultant_id=chosen or None,
                                    limit=DUE_SHOWN)
    m1.metric(t("placement.due_today"), i18n.format_number(counts["due_today"], ui.lang()))
    m2.metric(t("placement.overdue"), i18n.format_number(counts["overdue"], ui.lang()))
    if due.empty:
        st.success(t("placement.no_due"))
        return
    if (total := counts["due_today"] + counts["overdue"]) > len(due):
        st.caption(t("placement.due_shown", shown=len(due),
                     total=i18n.format_number(total, ui.lang())))
    for row in due.itertuples():
        with st.form(f"fu_{row.id}", border=True):
            info, note_col, button_col = st.columns([4, 4, 1], vertical_alignment="center")
            when = (f":red[{t('placement.overdue_since', date=i18n.format_date(row.due_date))}]"
                    if row.overdue else f":blue-badge[{t('placement.due_today_badge')}]")
            info.markdown(f"**{ui.escape(row.citizen)}** · {ui.escape(row.company)}  \n"
                          f"{when} :gray[{kind_label(row.kind)} · {ui.escape(row.consultant)}]")
            note = note_col.text_input(t("placement.note"), key=f"fu_note_{row.id}",
                                       placeholder=t("placement.note_placeholder"),
                                       label_visibility="collapsed")
            done = button_col.form_submit_button(t("placement.done"), type="primary",
                                                 icon=":material/check:", disabled=not can_tick)
        if done:
            try:
                placements.mark_follow_up_done(engine, actor, int(row.id), note=note)
            except UserError as error:
                ui.show_error(error)
            else:
                flash(t("placement.done_flash", citizen=row.citizen))


def placement_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The list with Danish headings and labels, as shown and downloaded."""
    return pd.DataFrame({
        t("placement.col_citizen"): frame["citizen"],
        t("placement.col_company"): frame["company"],
        t("placement.col_kind"): frame["kind"].map(kind_label),
        t("placement.col_start"): frame["start_date"],
        t("placement.col_planned_end"): frame["planned_end_date"],
        t("placement.col_end"): frame["actual_end_date"],
        t("placement.col_hours"): frame["hours_per_week"],
        t("placement.col_status"): frame["status"].map(status_label),
        t("placement.col_result"): frame["result"].map(result_label),
        t("placement.col_consultant"): frame["consultant"],
        t("placement.col_next"): frame["next_follow_up"],
    })


def edit_form(placement, version: int) -> None:
    choices = companies.company_choices(engine, actor)
    company_names = {int(i): n for i, n in zip(choices["id"], choices["name"])}
    prefix = f"pl_edit_{placement.id}"
    with st.form(prefix):
        c1, c2 = st.columns(2)
        kind = ui.selectbox(t("placement.kind"), PLACEMENT_KINDS, key=f"{prefix}_kind",
                            index=PLACEMENT_KINDS.index(placement.kind), format_func=kind_label,
                            where=c1)
        ids = list(company_names)
        company_id = ui.selectbox(t("placement.company"), ids, key=f"{prefix}_company",
                                  index=ids.index(placement.company_id)
                                  if placement.company_id in company_names else None,
                                  placeholder=t("placement.company_placeholder"),
                                  format_func=company_names.get, where=c2)
        c3, c4, c5, c6 = st.columns(4)
        start = ui.date_input(t("placement.start"), value=placement.start_date,
                              key=f"{prefix}_start", where=c3)
        planned_end = ui.date_input(t("placement.planned_end"), value=placement.planned_end_date,
                                    key=f"{prefix}_planned_end", where=c4)
        hours = c5.number_input(t("placement.hours"), value=placement.hours_per_week, step=0.5,
                                key=f"{prefix}_hours")
        wage = c6.number_input(t("placement.wage"), value=placement.hourly_wage, step=1.0,
                               key=f"{prefix}_wage", help=t("placement.wage_help"))
        saved = st.form_submit_button(t("common.save"), type="primary")
    if saved:
        try:
            placements.update_placement(
                engine, actor, placement.id, expected_version=version, kind=kind,
                company_id=company_id or 0, start_date=start, planned_end_date=planned_end,
                hours_per_week=hours, hourly_wage=wage)
        except StaleVersion as error:
            st.session_state.pop(f"pl_version_{placement.id}", None)
            ui.show_error(error)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state.pop(f"pl_version_{placement.id}", None)
            flash(t("placement.saved"))


def end_form(placement, version: int) -> None:
    prefix = f"pl_end_{placement.id}"
    with st.form(prefix):
        c1, c2 = st.columns(2)
        end = ui.date_input(t("placement.end_date"), value=today, key=f"{prefix}_date", where=c1)
        result = ui.selectbox(t("placement.result"), placements.RESULTS, index=None,
                              key=f"{prefix}_result", format_func=result_label,
                              placeholder=t("placement.result_placeholder"), where=c2)
        broken_off = st.checkbox(t("placement.broken_off"), key=f"{prefix}_broken_off")
        ended = st.form_submit_button(t("placement.end_submit"), type="primary",
                                      icon=":material/flag:")
    if ended:
        try:
            placements.end_placement(engine, actor, placement.id, expected_version=version,
                                     end_date=end, result=result or "", broken_off=broken_off)
        except StaleVersion as error:
            st.session_state.pop(f"pl_version_{placement.id}", None)
            ui.show_error(error)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state.pop(f"pl_version_{placement.id}", None)
            flash(t("placement.ended", result=result_label(result)))


def placement_detail(row) -> None:
    """One placement: what it is, its follow-up plan, and (by role) record, edit and end."""
    placement = placements.get_placement(engine, actor, int(row.id))
    # The version this person started from, so a colleague's save in between is caught.
    version = st.session_state.setdefault(f"pl_version_{placement.id}", placement.version)
    running = placement.status in placements.OPEN_STATUSES
    period = i18n.format_date(placement.start_date)
    if placement.actual_end_date or placement.planned_end_date:
        period += f" – {i18n.format_date(placement.actual_end_date or placement.planned_end_date)}"
    facts = [kind_label(placement.kind), status_label(row.status), period]
    if placement.hours_per_week:
        facts.append(t("placement.hours_short", hours=f"{placement.hours_per_week:g}"))
    if placement.result:
        facts.append(result_label(placement.result))
    with st.container(border=True):
        st.subheader(ui.escape(f"{row.citizen} · {row.company}"), anchor=False)
        st.caption(" · ".join(facts))
        plan = placements.follow_up_plan(engine, actor, placement.id)
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{t('placement.plan')}**")
            if plan.empty:
                st.caption(t("placement.plan_empty"))
            else:
                ui.table(pd.DataFrame({
                    t("placement.col_due"): plan["due_date"],
                    t("placement.col_state"): plan["state"].map(lambda s: t(STATE_KEYS[s])),
                    t("placement.col_done_at"): plan["done_at"].map(
                        lambda at: i18n.local_date(at) if pd.notna(at) else None),
                    t("placement.col_done_by"): plan["done_by_name"],
                    t("placement.col_note"): plan["note"],
                }), key=f"pl_plan_{placement.id}", lang=ui.lang(), width="stretch")
        with right:
            if can_tick:
                with st.form(f"pl_record_{placement.id}", clear_on_submit=True):
                    note = st.text_input(t("placement.record_note"), key=f"pl_record_note_{placement.id}",
                                         placeholder=t("placement.note_placeholder"))
                    recorded = st.form_submit_button(t("placement.record"), icon=":material/task_alt:")
                if recorded:
                    try:
                        placements.record_follow_up(engine, actor, placement_id=placement.id,
                                                    note=note)
                    except UserError as error:
                        ui.show_error(error)
                    else:
                        flash(t("placement.recorded"))
            if can_write and running:
                with st.expander(t("placement.end_title"), icon=":material/flag:"):
                    end_form(placement, version)
        if can_write:
            with st.expander(t("placement.edit_title"), icon=":material/edit:"):
                edit_form(placement, version)


def list_section() -> None:
    staff = people.list_staff(engine, actor)
    names = {int(i): n for i, n in zip(staff["id"], staff["name"])}
    if pick := st.session_state.pop("pl_goto_pick", None):
        for key in ["pl_status", "pl_kind", "pl_consultant",
                    *(k for k in st.session_state if str(k).startswith("pl_page_"))]:
            st.session_state.pop(key, None)
        st.session_state["pl_pick"] = pick
    f1, f2, f3 = st.columns(3)
    status = ui.selectbox(t("placement.col_status"), ["", *placements.STATUSES], key="pl_status",
                          format_func=lambda s: status_label(s) if s else t("placement.all"),
                          where=f1)
    kind = ui.selectbox(t("placement.col_kind"), ["", *PLACEMENT_KINDS], key="pl_kind",
                        format_func=lambda k: kind_label(k) if k else t("placement.all"),
                        where=f2)
    consultant = ui.selectbox(t("placement.col_consultant"), [0, *names], key="pl_consultant",
                              format_func=lambda c: names.get(c) or t("placement.all"), where=f3)
    filters = dict(status=status or None, kind=kind or None, consultant_id=consultant or None)
    # A page of its own per filter, so a new filter starts on the first page.
    page_key = f"pl_page_{status}_{kind}_{consultant or ''}"
    page = placements.placement_page(engine, actor, **filters, limit=LIST_PAGE,
                                     offset=ui.page_offset(page_key, LIST_PAGE))
    frame = page.rows
    table = placement_table(frame)
    ui.table(table, key="pl_table", lang=ui.lang(), width="stretch")
    st.caption(ui.shown_of(page) if page.partial
               else t("placement.count", n=i18n.format_number(page.total, ui.lang())))
    ui.pager(page.total, LIST_PAGE, key=page_key)
    ui.download_buttons(lambda: placement_table(placements.list_placements(engine, actor, **filters)),
                        "forloeb", key="pl_download")

    labels = {int(r.id): f"{r.citizen} · {r.company} · {kind_label(r.kind)} "
                         f"({i18n.format_date(r.start_date)})" for r in frame.itertuples()}
    if st.session_state.get("pl_pick") not in labels:
        st.session_state.pop("pl_pick", None)
    picked = ui.selectbox(t("placement.pick"), list(labels), index=None, key="pl_pick",
                          placeholder=t("placement.pick_placeholder"), format_func=labels.get)
    if picked:
        placement_detail(frame[frame["id"] == picked].iloc[0])


@st.fragment
def new_section() -> None:
    """Opret forløb; the searches rerun only this part while the person types."""
    ui.fragment_guard(actor, activity=True)
    left, right = st.columns(2)
    query = left.text_input(t("placement.search_citizen"), key="new_citizen_query", type="search",
                            live="300ms", placeholder=t("placement.search_placeholder"))
    citizen_id = None
    if query.strip():
        try:
            found = people.search_citizens(engine, actor, query, limit=20)
        except UserError as error:  # a search that looks like a CPR number is refused
            left.error(t(error.key, **error.params))
        else:
            if found.empty:
                left.info(t("placement.no_citizens"))
            else:
                citizen_names = {int(r.id): f"{r.first_name} {r.last_name} ({r.birth_year})"
                                 for r in found.itertuples()}
                citizen_id = ui.selectbox(t("placement.citizen"), list(citizen_names), where=left,
                                          key="new_citizen", format_func=citizen_names.get)
    company_query = right.text_input(t("placement.search_company"), key="new_company_query",
                                     type="search", live="300ms",
                                     placeholder=t("placement.search_company_placeholder"))
    company_id = None
    if company_query.strip():
        try:
            hits = companies.search_companies(engine, actor, company_query, limit=20)
        except UserError as error:  # a search that looks like a CPR number is refused
            right.error(t(error.key, **error.params))
        else:
            if hits.empty:
                right.info(t("placement.no_companies"))
            else:
                company_names = {int(r.id): f"{r.name} ({r.cvr})" if r.cvr else r.name
                                 for r in hits.itertuples()}
                company_id = ui.selectbox(t("placement.company"), list(company_names), where=right,
                                          key="new_company", format_func=company_names.get)
    c1, c2, c3, c4, c5 = st.columns(5)
    kind = ui.selectbox(t("placement.kind"), PLACEMENT_KINDS, key="new_kind", format_func=kind_label,
                        where=c1)
    start = ui.date_input(t("placement.start"), value=today, key="new_start", where=c2)
    planned_end = ui.date_input(t("placement.planned_end"), value=None, key="new_planned_end",
                                where=c3)
    hours = c4.number_input(t("placement.hours"), value=None, step=0.5,
                            key="new_hours", placeholder=t("placement.hours_placeholder"))
    wage = c5.number_input(t("placement.wage"), value=None, step=1.0,
                           key="new_wage", help=t("placement.wage_help"))
    staff = people.list_staff(engine, actor)
    staff_names = {int(i): n for i, n in zip(staff["id"], staff["name"])}
    consultants = list(staff_names)
    defaults = placements.placement_defaults(engine, actor, citizen_id=citizen_id)
    # Keyed by the citizen, so picking another citizen proposes their consultant.
    consultant_id = ui.selectbox(t("placement.col_consultant"), consultants,
                                 key=f"new_consultant_{citizen_id}",
                                 index=consultants.index(defaults.consultant_id)
                                 if defaults.consultant_id in staff_names else None,
                                 placeholder=t("placement.consultant_placeholder"),
                                 format_func=staff_names.get)
    offer = defaults.offer
    # The card's version when the offer was drawn, so a colleague's move is not overwritten.
    seen_card = st.session_state.get("new_seen_card", {})
    st.session_state["new_seen_card"] = {offer.card_id: offer.version} if offer else {}
    secured_stage = (offer.secured_name or t("stage.secured")) if offer else ""
    secure = offer is not None and st.checkbox(
        t("placement.secure_card", whose=quick.genitive(defaults.citizen, ui.lang()),
          stage=secured_stage, sprint=offer.sprint_name),
        value=True, key=f"new_secure_{offer.card_id}")
    st.caption(t("placement.plan_preview", dates=", ".join(
        i18n.format_date(d) for d in placements.follow_up_dates(start, placements.cadence(engine, kind)))))
    if st.button(t("placement.create"), key="new_create", type="primary", icon=":material/add:"):
        if citizen_id is None:
            st.error(t("placement.pick_citizen"))
            return
        fields = dict(citizen_id=citizen_id, company_id=company_id or 0, kind=kind,
                      start_date=start, planned_end_date=planned_end, hours_per_week=hours,
                      hourly_wage=wage, consultant_id=consultant_id)
        try:
            if secure:
                new_id = placements.secure_placement(
                    engine, actor, card_id=offer.card_id,
                    card_version=seen_card.get(offer.card_id, offer.version), **fields)
            else:
                new_id = placements.start_placement(engine, actor, card_id=defaults.link_card_id,
                                                    **fields)
        except UserError as error:
            ui.show_error(error)
        else:
            flash(t("placement.created_secured", stage=secured_stage) if secure
                  else t("placement.created"), goto="list", pick=new_id)


def cadence_section() -> None:
    """The follow-up cadence per kind (leaders and administrators)."""
    st.caption(t("placement.cadence_intro"))
    table = placements.cadence_table(engine)
    ui.table(pd.DataFrame({
        t("placement.col_kind"): table["kind"].map(cadence_kind_label),
        t("placement.cadence_days"): table["days"].map(lambda days: ", ".join(map(str, days))),
        t("placement.cadence_source"): table["own"].map(
            lambda own: t("placement.cadence_own") if own else t("placement.cadence_follows")),
    }), key="cadence_table", lang=ui.lang(), width="stretch")
    kind = ui.selectbox(t("placement.cadence_kind"), placements.CADENCE_KINDS, key="cadence_kind",
                        format_func=cadence_kind_label)
    row = table[table["kind"] == kind].iloc[0]
    with st.form("cadence_form"):
        text = st.text_input(t("placement.cadence_days"), value=", ".join(map(str, row.days)),
                             key=f"cadence_days_{kind}", help=t("placement.cadence_help"))
        st.caption(t("placement.plan_preview", dates=", ".join(
            i18n.format_date(d) for d in placements.follow_up_dates(today, row.days))))
        saved = st.form_submit_button(t("common.save"), type="primary")
    if saved:
        try:
            placements.set_cadence(engine, actor, kind=kind, days=placements.parse_cadence(text))
        except UserError as error:
            ui.show_error(error)
        else:
            flash(t("placement.cadence_saved", kind=cadence_kind_label(kind)))
    if row.own and kind != "default":
        if st.button(t("placement.cadence_use_default"), key="cadence_reset"):
            placements.clear_cadence(engine, actor, kind=kind)
            flash(t("placement.cadence_saved", kind=kind_label(kind)))


with tabs["due"]:
    if tabs["due"].open:
        due_section()
with tabs["list"]:
    if tabs["list"].open:
        list_section()
if "new" in tabs:
    with tabs["new"]:
        if tabs["new"].open:
            new_section()
if "cadence" in tabs:
    with tabs["cadence"]:
        if tabs["cadence"].open:
            cadence_section()
