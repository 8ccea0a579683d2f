"""Borgere: list, search and filters; create and edit; the citizen's profile and timeline."""

import streamlit as st

from model import access, clock, i18n, outcomes, people, sprints, timeline
from model.errors import StaleVersion, UserError
from model.tables import BENEFIT_TYPES
from pages import ui
from pages.ui import matching as matching_ui

actor = ui.guard("borgere")
t, engine = ui.translator(), ui.engine()
lang = ui.lang()
can_write = access.can(actor, "citizen.write")
can_measure = access.can(actor, "outcome.write")
LIST_PAGE = 500

BENEFIT_KEYS = {
    "dagpenge": "citizens.benefit_dagpenge",
    "kontanthjaelp": "citizens.benefit_kontanthjaelp",
    "uddannelseshjaelp": "citizens.benefit_uddannelseshjaelp",
    "sygedagpenge": "citizens.benefit_sygedagpenge",
    "none": "citizens.benefit_none",
}
GROUP_KEYS = {"sprint": "citizens.group_sprint", "initiative": "citizens.group_initiative"}
ACTIVE_KEYS = {"all": "citizens.active_all", "yes": "citizens.active_yes",
               "no": "citizens.active_no"}
ICONS = {
    "stage_change": ":material/view_kanban:",
    "contact": ":material/call:",
    "event": ":material/groups:",
    "placement_planned": ":material/event_upcoming:",
    "placement_started": ":material/work:",
    "placement_ended": ":material/work_history:",
    "follow_up_done": ":material/task_alt:",
    "follow_up_planned": ":material/schedule:",
    "outcome": ":material/flag:",
    "progression": ":material/trending_up:",
}


def benefit_label(code: str) -> str:
    return t(BENEFIT_KEYS[code]) if code in BENEFIT_KEYS else code


def status_label(code: str) -> str:
    return t(outcomes.STATUS_KEYS[code]) if code in outcomes.STATUS_KEYS else code


def months_label(months: int) -> str:
    return t("citizens.months", months=months)


escape = ui.escape  # free text shown in Markdown reads as written


def open_profile(citizen_id: int) -> None:
    st.query_params["borger"] = str(citizen_id)


def open_chosen() -> None:
    """Callback of the "open a profile" picker."""
    if chosen := st.session_state.get("open_citizen"):
        open_profile(chosen)


def close_profile() -> None:
    st.query_params.pop("borger", None)


options = people.filter_options(engine, actor)
area_names = dict(zip(options["housing_areas"]["id"], options["housing_areas"]["name"]))
initiative_names = dict(zip(options["initiatives"]["id"], options["initiatives"]["name"]))
consultant_names = dict(zip(options["consultants"]["id"], options["consultants"]["name"]))
target_groups = options["target_groups"]["target_group"].tolist()


def citizen_form(prefix: str, citizen=None) -> dict | None:
    """The fields of a citizen; returns them when the form is submitted."""
    tags = people.tag_suggestions(engine, actor)
    with st.form(f"{prefix}_citizen", clear_on_submit=citizen is None):
        c1, c2, c3 = st.columns([2, 2, 1])
        first = c1.text_input(t("citizens.first_name"), key=f"{prefix}_first",
                              value=citizen.first_name if citizen else "")
        last = c2.text_input(t("citizens.last_name"), key=f"{prefix}_last",
                             value=citizen.last_name if citizen else "")
        year = c3.number_input(t("citizens.birth_year"), step=1,
                               value=citizen.birth_year if citizen else None, key=f"{prefix}_year",
                               placeholder=t("citizens.birth_year_placeholder"))
        c1, c2, c3 = st.columns(3)
        groups = sorted({*target_groups, *([citizen.target_group] if citizen else [])} - {""})
        current_group = citizen.target_group if citizen else ""
        target = ui.selectbox(t("citizens.target_group"), groups, key=f"{prefix}_target",
                              index=groups.index(current_group) if current_group in groups else None,
                              accept_new_options=True, where=c1,
                              placeholder=t("citizens.target_group_placeholder"))
        benefit = ui.selectbox(t("citizens.benefit"), BENEFIT_TYPES, key=f"{prefix}_benefit",
                               index=BENEFIT_TYPES.index(citizen.benefit_type if citizen else "none"),
                               format_func=benefit_label, where=c2)
        match_ids = [0, *people.MATCH_GROUPS]
        match = ui.selectbox(t("citizens.match_group"), match_ids, key=f"{prefix}_match", where=c3,
                             index=match_ids.index(citizen.match_group or 0) if citizen else 0,
                             format_func=lambda m: t("citizens.match_group_n", n=m) if m
                             else t("citizens.match_group_none"))
        c1, c2, c3 = st.columns(3)
        area_ids, initiative_ids = [0, *area_names], [0, *initiative_names]
        # A responsible consultant who has left (or is in another team) stays chosen on save.
        choosable = consultant_names | ({citizen.consultant_id: t("citizens.unlisted_consultant")}
                                        if citizen and citizen.consultant_id
                                        and citizen.consultant_id not in consultant_names else {})
        consultant_ids = [0, *choosable]
        area = ui.selectbox(t("citizens.housing_area"), area_ids, key=f"{prefix}_area", where=c1,
                            index=area_ids.index(citizen.housing_area_id)
                            if citizen and citizen.housing_area_id in area_names else 0,
                            format_func=lambda i: area_names.get(i) or t("citizens.no_area"))
        initiative = ui.selectbox(
            t("citizens.initiative"), initiative_ids, key=f"{prefix}_initiative", where=c2,
            index=initiative_ids.index(citizen.initiative_id)
            if citizen and citizen.initiative_id in initiative_names else 0,
            format_func=lambda i: initiative_names.get(i) or t("citizens.no_initiative"))
        responsible = citizen.consultant_id if citizen else actor.staff_id
        consultant = ui.selectbox(
            t("citizens.consultant"), consultant_ids, key=f"{prefix}_consultant", where=c3,
            index=consultant_ids.index(responsible) if responsible in choosable else 0,
            format_func=lambda i: choosable.get(i) or t("citizens.no_consultant"))
        c1, c2 = st.columns(2)
        wishes = ui.multiselect(
            t("citizens.wishes"), sorted({*tags["wishes"], *(citizen.wishes if citizen else [])}),
            default=citizen.wishes if citizen else [], key=f"{prefix}_wishes", where=c1,
            accept_new_options=True, placeholder=t("citizens.tags_placeholder"))
        qualifications = ui.multiselect(
            t("citizens.qualifications"),
            sorted({*tags["qualifications"], *(citizen.qualifications if citizen else [])}),
            default=citizen.qualifications if citizen else [], key=f"{prefix}_qualifications", where=c2,
            accept_new_options=True, placeholder=t("citizens.tags_placeholder"))
        c1, c2 = st.columns(2)
        dagpenge_end = ui.date_input(t("citizens.dagpenge_end"), where=c1,
                                     value=citizen.dagpenge_end_date if citizen else None,
                                     key=f"{prefix}_dagpenge_end", help=t("citizens.dagpenge_end_help"))
        external_ref = c2.text_input(t("citizens.external_ref"), key=f"{prefix}_external_ref",
                                     value=(citizen.external_ref or "") if citizen else "",
                                     help=t("citizens.external_ref_help"))
        label = t("common.save") if citizen else t("citizens.create_submit")
        if not st.form_submit_button(label, type="primary"):
            return None
    return dict(first_name=first, last_name=last, birth_year=None if year is None else int(year),
                target_group=target or "", benefit_type=benefit, match_group=match or None,
                dagpenge_end_date=dagpenge_end, housing_area_id=area or None,
                initiative_id=initiative or None, consultant_id=consultant or None,
                wishes=list(wishes), qualifications=list(qualifications), external_ref=external_ref)


def show_timeline(citizen_id: int) -> None:
    events = timeline.timeline(engine, actor, citizen_id, lang=lang)
    if events.empty:
        st.info(t("citizens.timeline_empty"))
        return
    now = clock.local_now()
    upcoming = events[events["when"] > now]
    if not upcoming.empty:
        st.caption(t("citizens.timeline_upcoming", n=len(upcoming)))
    for event in events.itertuples():
        line = f"{ICONS.get(event.kind, ':material/circle:')} **{i18n.format_date(event.when)}** · " \
               f"{escape(event.title)}"
        if event.when > now:
            line = f":gray[{line}]"
        if event.detail:
            line += f"  \n:gray[{escape(event.detail)}]"
        st.markdown(line)
    ui.download_buttons(events.assign(when=events["when"].map(i18n.format_date)),
                        f"tidslinje-{citizen_id}", key="timeline")


def measurement_forms(citizen_id: int) -> None:
    left, right = st.columns(2)
    with left, st.form("outcome_form", clear_on_submit=True):
        st.markdown(f"**{t('citizens.outcome_heading')}**")
        months = ui.selectbox(t("citizens.outcome_months"), outcomes.MEASURE_MONTHS,
                              key="outcome_months", format_func=months_label)
        status = ui.selectbox(t("citizens.outcome_status"), outcomes.OUTCOME_STATUSES, index=None,
                              key="outcome_status", format_func=status_label,
                              placeholder=t("citizens.outcome_status_placeholder"))
        measured = ui.date_input(t("citizens.measured_at"), key="outcome_date")
        if st.form_submit_button(t("citizens.outcome_save"), type="primary"):
            try:
                outcomes.record_outcome(engine, actor, citizen_id=citizen_id, months_after_start=months,
                                        status=status, measured_at=measured)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["citizens_flash"] = t(
                    "citizens.outcome_saved", months=months, status=status_label(status))
                st.rerun()
    with right, st.form("progression_form", clear_on_submit=True):
        st.markdown(f"**{t('citizens.progression_heading')}**")
        low, high = outcomes.SCORE_RANGE
        score = st.slider(t("citizens.progression_score"), low, high, value=5, key="progression_score",
                          help=t("citizens.progression_help"))
        measured = ui.date_input(t("citizens.measured_at"), key="progression_date")
        if st.form_submit_button(t("citizens.progression_save"), type="primary"):
            try:
                outcomes.record_progression(engine, actor, citizen_id=citizen_id, score=score,
                                            measured_at=measured)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["citizens_flash"] = t("citizens.progression_saved", score=score)
                st.rerun()


def show_profile(citizen_id: int) -> None:
    st.button(t("citizens.back"), key="back_to_list", on_click=close_profile,
              icon=":material/arrow_back:")
    try:
        citizen = people.get_citizen(engine, actor, citizen_id)
    except UserError as error:
        ui.show_error(error)
        return
    st.header(escape(f"{citizen.first_name} {citizen.last_name}"))
    age = clock.today().year - citizen.birth_year
    st.caption(" · ".join(filter(None, [
        t("citizens.born", year=citizen.birth_year, age=age), escape(citizen.target_group),
        benefit_label(citizen.benefit_type),
        t("citizens.match_group_n", n=citizen.match_group) if citizen.match_group else ""])))
    facts = [
        (t("citizens.initiative"), initiative_names.get(citizen.initiative_id)),
        (t("citizens.housing_area"), area_names.get(citizen.housing_area_id)),
        (t("citizens.consultant"), consultant_names.get(citizen.consultant_id)),
        (t("citizens.dagpenge_end"), i18n.format_date(citizen.dagpenge_end_date)),
        (t("citizens.external_ref"), citizen.external_ref),
    ]
    shown = [(label, value) for label, value in facts if value]
    for (label, value), column in zip(shown, st.columns(max(1, len(shown)))):
        column.markdown(f":gray[{label}]  \n{escape(str(value))}")
    for label, tags, color in ((t("citizens.wishes"), citizen.wishes, "blue"),
                               (t("citizens.qualifications"), citizen.qualifications, "green")):
        if tags:
            st.markdown(f"{label}: " + " ".join(f":{color}-badge[{escape(tag)}]" for tag in tags))
    st.caption(t("citizens.updated", date=i18n.format_date(citizen.updated_at)))
    matching_ui.profile_expander(engine, actor, citizen_id,
                                 f"{citizen.first_name} {citizen.last_name}")

    names = [t("citizens.tab_timeline")]
    if can_measure:
        names.append(t("citizens.tab_measure"))
    if can_write:
        names.append(t("citizens.tab_edit"))
    tabs = dict(zip(names, st.tabs(names)))
    with tabs[t("citizens.tab_timeline")]:
        show_timeline(citizen_id)
    if can_measure:
        with tabs[t("citizens.tab_measure")]:
            measurement_forms(citizen_id)
    if can_write:
        with tabs[t("citizens.tab_edit")]:
            # The version the open form was filled from, so a colleague's save in between is
            # refused rather than overwritten; a form drawn anew starts from the stored citizen.
            seen_key = f"citizen_version_{citizen_id}"
            seen = st.session_state.get(seen_key)
            if seen is None or f"edit{seen}_last" not in st.session_state:
                seen = st.session_state[seen_key] = citizen.version
            fields = citizen_form(f"edit{seen}", citizen)
            if fields is not None:
                try:
                    people.update_citizen(engine, actor, citizen_id, expected_version=seen, **fields)
                except UserError as error:
                    if isinstance(error, StaleVersion):
                        st.session_state.pop(seen_key)
                    ui.show_error(error)
                else:
                    st.session_state.pop(seen_key)
                    st.session_state["citizens_flash"] = t("citizens.saved")
                    st.rerun()


def saved_message(written: int) -> str:
    return t("citizens.group_saved_one") if written == 1 else t("citizens.group_saved", n=written)


def group_sheets() -> None:
    """Outcome and progression for a whole sprint's or initiative's citizens at once."""
    kind = st.radio(t("citizens.group_kind"), ("sprint", "initiative"), horizontal=True,
                    key="group_kind", format_func=lambda k: t(GROUP_KEYS[k]))
    if kind == "sprint":
        listed = sprints.list_sprints(engine, actor)
        names = dict(zip(listed["id"], listed["name"]))
        default = sprints.current_sprint_id(engine, actor)
    else:
        names, default = initiative_names, None
    if not names:
        st.info(t("citizens.group_none"))
        return
    ids = list(names)
    scope_id = ui.selectbox(t(GROUP_KEYS[kind]), ids, key=f"group_{kind}_id", format_func=names.get,
                            index=ids.index(default) if default in names else 0)
    scope = {"sprint_id": scope_id} if kind == "sprint" else {"initiative_id": scope_id}
    status_tab, score_tab = st.tabs([t("citizens.group_outcome_tab"), t("citizens.group_progression_tab")])
    with status_tab:
        c1, c2 = st.columns(2)
        months = ui.selectbox(t("citizens.outcome_months"), outcomes.MEASURE_MONTHS, key="group_months",
                              format_func=months_label, where=c1)
        measured = ui.date_input(t("citizens.measured_at"), key="group_outcome_date", where=c2)
        sheet = outcomes.outcome_sheet(engine, actor, months=months, **scope)
        if sheet.empty:
            st.info(t("citizens.group_empty"))
        else:
            editor_key = f"outcome_sheet_{kind}_{scope_id}_{months}"
            edited = ui.editor(
                sheet, key=editor_key, lang=lang, num_rows="fixed",
                column_order=["name", "status", "measured_at"],
                column_config={
                    "name": st.column_config.TextColumn(t("citizens.col_name"), disabled=True),
                    "status": st.column_config.SelectboxColumn(
                        t("citizens.col_status", months=months), options=outcomes.OUTCOME_STATUSES,
                        format_func=status_label),
                    "measured_at": st.column_config.DateColumn(t("citizens.col_measured_at"),
                                                               disabled=True),
                })
            st.caption(t("citizens.group_outcome_caption"))
            if st.button(t("citizens.group_save"), key="group_outcome_save", type="primary"):
                try:
                    written = outcomes.save_outcome_sheet(engine, actor, edited, months=months,
                                                          measured_at=measured)
                except UserError as error:
                    ui.show_error(error)
                else:
                    st.session_state.pop(editor_key, None)
                    st.session_state["citizens_flash"] = saved_message(written)
                    st.session_state["group_open"] = True
                    st.rerun()
    with score_tab:
        measured = ui.date_input(t("citizens.measured_at"), key="group_progression_date")
        sheet = outcomes.progression_sheet(engine, actor, **scope)
        if sheet.empty:
            st.info(t("citizens.group_empty"))
            return
        editor_key = f"progression_sheet_{kind}_{scope_id}"
        low, high = outcomes.SCORE_RANGE
        edited = ui.editor(
            sheet, key=editor_key, lang=lang, num_rows="fixed",
            column_order=["name", "latest_score", "latest_at", "score"],
            column_config={
                "name": st.column_config.TextColumn(t("citizens.col_name"), disabled=True),
                "latest_score": st.column_config.NumberColumn(t("citizens.col_latest_score"),
                                                              disabled=True),
                "latest_at": st.column_config.DateColumn(t("citizens.col_latest_at"),
                                                         disabled=True),
                "score": st.column_config.NumberColumn(t("citizens.col_new_score"), min_value=low,
                                                       max_value=high, step=1),
            })
        st.caption(t("citizens.group_progression_caption"))
        if st.button(t("citizens.group_save"), key="group_progression_save", type="primary"):
            try:
                written = outcomes.save_progression_sheet(engine, actor, edited, measured_at=measured)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state.pop(editor_key, None)
                st.session_state["citizens_flash"] = saved_message(written)
                st.session_state["group_open"] = True
                st.rerun()


def show_list() -> None:
    if can_write:
        with st.expander(t("citizens.create"), icon=":material/person_add:"):
            fields = citizen_form("new")
            if fields is not None:
                try:
                    new_id = people.create_citizen(engine, actor, **fields)
                except UserError as error:
                    ui.show_error(error)
                else:
                    st.session_state["citizens_flash"] = t("citizens.created")
                    open_profile(new_id)
                    st.rerun()

    query = st.text_input(t("citizens.search"), key="citizen_search", persist_state="page",
                          placeholder=t("citizens.search_placeholder"))
    f1, f2, f3, f4, f5 = st.columns(5)
    group = ui.selectbox(t("citizens.target_group"), ["", *target_groups], key="filter_target",
                         persist_state="page", where=f1,
                         format_func=lambda g: g or t("citizens.all_target_groups"))
    area = ui.selectbox(t("citizens.housing_area"), [0, *area_names], key="filter_area",
                        persist_state="page", where=f2,
                        format_func=lambda i: area_names.get(i) or t("citizens.all_areas"))
    initiative = ui.selectbox(t("citizens.initiative"), [0, *initiative_names], key="filter_initiative",
                              persist_state="page", where=f3,
                              format_func=lambda i: initiative_names.get(i) or t("citizens.all_initiatives"))
    consultant = ui.selectbox(t("citizens.consultant"), [0, *consultant_names], key="filter_consultant",
                              persist_state="page", where=f4,
                              format_func=lambda i: consultant_names.get(i) or t("citizens.all_consultants"))
    active = ui.selectbox(t("citizens.active_placement"), list(ACTIVE_KEYS), key="filter_active",
                          persist_state="page", format_func=lambda k: t(ACTIVE_KEYS[k]), where=f5)
    criteria = dict(query=query, target_group=group or None, housing_area_id=area or None,
                    initiative_id=initiative or None, consultant_id=consultant or None,
                    active_placement={"all": None, "yes": True, "no": False}[active])
    # A page of its own per search and filter, so a new one starts on the first page.
    page_key = "citizen_page_" + "_".join(str(v) for v in criteria.values())
    try:
        page = people.citizen_page(engine, actor, **criteria, limit=LIST_PAGE,
                                   offset=ui.page_offset(page_key, LIST_PAGE))
    except UserError as error:
        ui.show_error(error)
        return
    found = page.rows
    st.caption(ui.shown_of(page) if page.partial
               else t("citizens.count", n=i18n.format_number(page.total, lang)))
    shown = table_of(found)
    labels = {
        "name": t("citizens.col_name"), "birth_year": t("citizens.birth_year"),
        "active_placement": t("citizens.col_active"),
        "target_group": t("citizens.target_group"), "benefit_type": t("citizens.benefit"),
        "match_group": t("citizens.match_group"), "housing_area": t("citizens.housing_area"),
        "initiative": t("citizens.initiative"), "consultant": t("citizens.consultant"),
        "dagpenge_end_date": t("citizens.dagpenge_end"),
    }
    picked = ui.table(
        shown, key="citizen_table", lang=lang, on_select="rerun",
        selection_mode="single-row", column_order=list(labels),
        column_config={column: st.column_config.Column(label) for column, label in labels.items()}
        | {"birth_year": st.column_config.NumberColumn(labels["birth_year"], format="%d", width=80),
           "active_placement": st.column_config.CheckboxColumn(labels["active_placement"],
                                                               width=100),
           "match_group": st.column_config.NumberColumn(labels["match_group"], width=100)})
    if picked is not None and picked.selection.rows:
        open_profile(int(shown.iloc[picked.selection.rows[0]]["id"]))
        st.rerun()
    ui.pager(page.total, LIST_PAGE, key=page_key)
    if not found.empty:
        ui.selectbox(t("citizens.open"), found["id"].tolist(), index=None, key="open_citizen",
                     on_change=open_chosen, placeholder=t("citizens.open_placeholder"),
                     format_func=dict(zip(found["id"], found["first_name"] + " " + found["last_name"]
                                          + " (" + found["birth_year"].astype(str) + ")")).get)
    ui.download_buttons(lambda: table_of(people.list_citizens(engine, actor, **criteria))
                        .drop(columns="id").rename(columns=labels), "borgere", key="citizens")

    if can_measure:
        st.divider()
        with st.expander(t("citizens.group_heading"), icon=":material/table_edit:",
                         expanded=st.session_state.pop("group_open", False)):
            group_sheets()


def table_of(found):
    """The list as shown and downloaded: names joined, codes and dates in words."""
    return found.assign(
        name=found["first_name"] + " " + found["last_name"],
        benefit_type=found["benefit_type"].map(benefit_label),
    )[["id", "name", "birth_year", "active_placement", "target_group", "benefit_type", "match_group",
       "housing_area", "initiative", "consultant", "dagpenge_end_date"]]


st.title(t("nav.citizens"))
if message := st.session_state.pop("citizens_flash", None):
    st.success(message)
requested = st.query_params.get("borger", "")
if requested.isdigit():
    show_profile(int(requested))
else:
    show_list()
