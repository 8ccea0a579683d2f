"""Sprinttavle: the intensive week's board, programme, burn-up and funnel."""

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from model import access, clock, companies, i18n, people, placements, sprints
from model.errors import StaleVersion, UserError
from model.tables import PLACEMENT_KINDS, SECURED, SPRINT_KINDS, STAGES
from pages import ui
from pages.ui import matching as matching_ui

actor = ui.guard("sprinttavle")
engine, lang = ui.engine(), ui.lang()
t = ui.translator(lang)
can_edit = access.can(actor, "sprint.edit")
can_place = access.can(actor, "placement.write")
# Company pickers offer this many by name (and the card's own); a search finds the rest.
COMPANY_CHOICES = 50

st.title(t("board.title"))
if message := st.session_state.pop("flash", None):
    st.success(message)
if error := st.session_state.pop("move_error", None):
    ui.show_error(error)

all_sprints = sprints.list_sprints(engine, actor)
# The consultants the new-sprint and add-card forms offer, read once per run.
staff = people.list_staff(engine, actor) if can_edit else None


def sprint_form(prefix: str, sprint=None) -> dict | None:
    """The fields of a sprint; returns them when the form is submitted."""
    today = clock.today()
    default_start = sprint.start_date if sprint else today
    with st.form(f"{prefix}_form", clear_on_submit=sprint is None):
        name = st.text_input(t("board.name"), value=sprint.name if sprint else "",
                             key=f"{prefix}_name")
        c1, c2, c3 = st.columns(3)
        start = c1.date_input(t("board.start"), value=default_start, format="DD-MM-YYYY",
                              key=f"{prefix}_start")
        end = c2.date_input(t("board.end"), format="DD-MM-YYYY", key=f"{prefix}_end",
                            value=sprint.end_date if sprint else default_start + timedelta(days=4))
        goal = c3.number_input(t("board.goal"), min_value=1, step=1, key=f"{prefix}_goal",
                               value=sprint.goal_count if sprint else 16)
        kind = st.radio(t("board.kind"), SPRINT_KINDS, horizontal=True, key=f"{prefix}_kind",
                        index=SPRINT_KINDS.index(sprint.kind) if sprint else 0,
                        format_func=lambda k: t(f"kind.{k}"))
        focus = st.text_input(t("board.focus"), value=sprint.focus if sprint else "",
                              key=f"{prefix}_focus")
        consultant_ids = []
        if sprint is None:
            consultant_ids = st.multiselect(
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


if can_edit:
    with st.expander(t("board.new_sprint"), icon=":material/add:",
                     expanded=all_sprints.empty):
        fields = sprint_form("new")
        if fields is not None:
            try:
                new_id = sprints.create_sprint(engine, actor, **fields)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["sprint_id"] = new_id
                st.session_state["flash"] = t("board.created")
                st.rerun()

if all_sprints.empty:
    st.info(t("board.no_sprints"))
    st.stop()

sprint_ids = all_sprints["id"].tolist()
requested = st.query_params.get("sprint")
if requested and requested.isdigit() and int(requested) in sprint_ids:
    st.session_state["sprint_id"] = int(requested)
if st.session_state.get("sprint_id") not in sprint_ids:
    st.session_state["sprint_id"] = sprints.current_sprint_id(engine, actor)
labels = {row.id: f"{row.name} ({t(f'status.{row.status}')})" for row in all_sprints.itertuples()}
sprint_id = st.selectbox(t("board.choose_sprint"), sprint_ids, key="sprint_id",
                         format_func=labels.get)
sprint = sprints.get_sprint(engine, actor, sprint_id)
stage_label = sprints.stage_labels(sprint, {s: t(f"stage.{s}") for s in STAGES})


result = sprints.sprint_result(engine, actor, sprint_id)
head1, head2 = st.columns([3, 1])
with head1:
    st.subheader(sprint.name)
    st.caption(" · ".join(filter(None, [
        t("board.period", start=i18n.format_date(sprint.start_date),
          end=i18n.format_date(sprint.end_date), week=i18n.week_label(sprint.start_date, lang)),
        t(f"kind.{sprint.kind}"), sprint.focus])))
with head2:
    st.metric(t("screen.goal"), f"{result.secured} / {result.goal}")
st.progress(min(1.0, result.secured / result.goal),
            text=t("board.progress", secured=result.secured, goal=result.goal))
if sprint.status == "closed":
    outcome_key = "board.result_reached" if result.reached else "board.result_missed"
    (st.success if result.reached else st.warning)(
        f"{t('board.closed_info')} {t(outcome_key, secured=result.secured, goal=result.goal)}")

cards = sprints.board(engine, actor, sprint_id)
editable = can_edit and sprint.status != "closed"
if not access.can(actor, "card.move"):
    st.info(t("board.readonly"))


def offer_placement(card_id: int, citizen_id: int, name: str, company_id: int | None) -> None:
    """Offer to record the placement of a secured card, right where the board is."""
    st.session_state["place_card"] = dict(card_id=card_id, citizen_id=citizen_id, name=name,
                                          company_id=company_id)


def move(card_id: int, version: int, name: str, citizen_id: int, company_id: int | None,
         has_placement: bool) -> None:
    """Callback of a card's stage selector: one selection moves the card."""
    to_stage = st.session_state[f"move_{card_id}_{version}"]
    if to_stage == "parked":
        st.session_state["park_card"] = (card_id, version, name)
        return
    try:
        sprints.move_card(engine, actor, card_id, to_stage, expected_version=version)
    except UserError as error:
        st.session_state["move_error"] = error
    else:
        st.session_state["flash"] = t("board.moved", citizen=name, stage=stage_label[to_stage])
        if to_stage == SECURED and can_place and not has_placement:
            offer_placement(card_id, citizen_id, name, company_id)


def set_company(card_id: int, version: int, name: str) -> None:
    """Callback of a card's company picker: the company the citizen is in dialogue with."""
    company_id = st.session_state[f"company_{card_id}_{version}"] or None
    try:
        sprints.set_card_company(engine, actor, card_id, company_id, expected_version=version)
    except UserError as error:
        st.session_state["move_error"] = error
    else:
        st.session_state["flash"] = t("board.company_set", citizen=name,
                                      company=company_names.get(company_id) or t("board.no_company"))


def company_choices(query: str = "", include: tuple[int, ...] = ()) -> dict[int, str]:
    """Companies for a picker (id: name), and remember their names for the messages."""
    try:
        found = companies.company_choice_page(engine, actor, query=query, include=include,
                                              limit=COMPANY_CHOICES).rows
    except UserError as error:  # a search that looks like a CPR number is refused
        ui.show_error(error)
        return company_choices("", include)
    choices = {int(i): name for i, name in found.itertuples(index=False)}
    company_names.update(choices)
    return choices


company_names: dict[int, str] = {}

if pending := st.session_state.get("park_card"):
    card_id, version, name = pending
    with st.form("park_form"):
        reason = st.text_input(f"{t('board.park_reason')}: {name}", key="park_reason")
        c1, c2 = st.columns(2)
        save, cancel = c1.form_submit_button(t("board.move"), type="primary"), \
            c2.form_submit_button(t("common.cancel"))
    if cancel:
        st.session_state.pop("park_card")
        st.rerun()
    if save:
        try:
            sprints.move_card(engine, actor, card_id, "parked", expected_version=version,
                              park_reason=reason)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state.pop("park_card")
            st.session_state["flash"] = t("board.moved", citizen=name,
                                          stage=stage_label["parked"])
            st.rerun()

if offer := st.session_state.get("place_card"):
    card_id, name = offer["card_id"], offer["name"]
    place_query = st.text_input(t("board.find_company"), key=f"place_find_{card_id}",
                                type="search", placeholder=t("board.find_company_placeholder"))
    place_choices = company_choices(place_query, include=(offer["company_id"],)
                                    if offer["company_id"] else ())
    company_ids = list(place_choices)
    with st.form("place_form"):
        st.markdown(f"**:material/work: {t('board.place_title', citizen=name)}**")
        st.caption(t("board.place_caption"))
        c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
        company_id = c1.selectbox(
            t("board.place_company"), company_ids, key=f"place_company_{card_id}",
            index=company_ids.index(offer["company_id"]) if offer["company_id"] in place_choices
            else None, placeholder=t("board.place_pick_company"), format_func=place_choices.get)
        kind = c2.selectbox(t("board.place_kind"), PLACEMENT_KINDS, key=f"place_kind_{card_id}",
                            format_func=lambda k: t(placements.KIND_KEYS[k]))
        start = c3.date_input(t("board.start"), value=clock.today(), format="DD-MM-YYYY",
                              key=f"place_start_{card_id}")
        hours = c4.number_input(t("board.place_hours"), value=None, min_value=0.5, step=0.5,
                                key=f"place_hours_{card_id}")
        b1, b2, _ = st.columns([1, 1, 4])
        create = b1.form_submit_button(t("board.place_create"), type="primary",
                                       icon=":material/add_link:")
        later = b2.form_submit_button(t("board.place_later"))
    if later:
        st.session_state.pop("place_card")
        st.rerun()
    if create:
        try:
            placements.start_placement(engine, actor, citizen_id=offer["citizen_id"],
                                       company_id=company_id or 0, kind=kind, start_date=start,
                                       hours_per_week=hours, card_id=card_id)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state.pop("place_card")
            st.session_state["flash"] = t("board.place_created", citizen=name)
            st.rerun()

consultant_names = {int(i): name for i, name in zip(cards["consultant_id"], cards["consultant"])}
f1, f2, f3 = st.columns([2, 2, 1], vertical_alignment="bottom")
chosen = f1.selectbox(t("board.filter_consultant"), [0, *consultant_names], key="board_consultant",
                      format_func=lambda c: consultant_names.get(c) or t("board.all_consultants"))
# One search for every card's company picker (a search field on each card would cost each rerun).
company_query = f2.text_input(t("board.find_company"), key="board_company_find", type="search",
                              placeholder=t("board.find_company_placeholder")) if editable else ""
swimlanes = f3.toggle(t("board.swimlanes"), key="board_swimlanes")
board_companies = company_choices(company_query, include=tuple(
    int(c) for c in cards["company_id"].dropna()))
if chosen:
    cards = cards[cards["consultant_id"] == chosen]


def card_view(card) -> None:
    name = f"{card.first_name} {card.last_name}"
    linked = pd.notna(card.placement_id)
    company_id = int(card.company_id) if pd.notna(card.company_id) else None
    with st.container(border=True):
        mark = f" :green-badge[:material/link: {t('board.placement_linked')}]" if linked else ""
        st.markdown(f"**{name}** :gray[· {card.consultant_initials or ''}]{mark}")
        if card.days_in_stage == 0:
            days = t("board.card_today")
        elif card.days_in_stage == 1:
            days = t("board.card_day")
        else:
            days = t("board.card_days", days=card.days_in_stage)
        lines = [f"{days} · {card.company}" if card.company else days]
        if card.stage == "parked" and card.park_reason:
            lines.append(card.park_reason)
        st.caption("  \n".join(lines))
        if card.stale:
            st.markdown(f":orange[:material/schedule: {t('board.stale', days=card.days_in_stage)}]")
        if editable:
            st.selectbox(t("board.move_to"), STAGES, index=STAGES.index(card.stage),
                         key=f"move_{card.card_id}_{card.version}",
                         format_func=stage_label.get, label_visibility="collapsed",
                         on_change=move, args=(card.card_id, card.version, name,
                                               int(card.citizen_id), company_id, linked))
        if editable and can_place and card.stage == SECURED and not linked:
            st.button(t("board.place_button"), key=f"place_{card.card_id}_{card.version}",
                      icon=":material/add_link:", type="tertiary", on_click=offer_placement,
                      args=(int(card.card_id), int(card.citizen_id), name, company_id))
        if editable and card.stage in ("selected", "clarified", "dialogue"):
            with st.popover(t("board.set_company"), icon=":material/business:", width="stretch"):
                ids = [0, *board_companies]
                current = ids.index(card.company_id) if card.company_id in board_companies else 0
                st.selectbox(t("board.company"), ids, index=current,
                             key=f"company_{card.card_id}_{card.version}",
                             format_func=lambda c: board_companies.get(c) or t("board.no_company"),
                             on_change=set_company, args=(card.card_id, card.version, name),
                             help=t("board.company_help"))
        if sprint.status != "closed" and card.stage in ("selected", "clarified", "dialogue"):
            matching_ui.card_popover(engine, actor, int(card.citizen_id),
                                     key=f"matches_{card.card_id}")


def columns_view(lane: pd.DataFrame, show_headers: bool) -> None:
    for stage, column in zip(STAGES, st.columns(len(STAGES))):
        in_stage = lane[lane["stage"] == stage]
        with column:
            if show_headers:
                st.markdown(f"#### {stage_label[stage]} · {len(in_stage)}")
            for card in in_stage.itertuples():
                card_view(card)
            if in_stage.empty and show_headers:
                st.caption(t("board.empty_column"))


if swimlanes:
    for stage, column in zip(STAGES, st.columns(len(STAGES))):
        column.markdown(f"#### {stage_label[stage]} · {int((cards['stage'] == stage).sum())}")
    for consultant_id, lane in cards.groupby("consultant_id", sort=False):
        st.markdown(f"##### {consultant_names.get(consultant_id, '')}")
        columns_view(lane, show_headers=False)
else:
    columns_view(cards, show_headers=True)

if editable:
    with st.expander(t("board.add_cards"), icon=":material/person_add:"):
        staff_names = dict(zip(staff["id"], staff["name"]))
        default_consultant = staff["id"].tolist().index(actor.staff_id) \
            if actor.staff_id in staff_names else 0
        existing, new = st.tabs([t("board.add_existing"), t("board.create_citizen")])
        with existing:
            query = st.text_input(t("board.search_citizen"), key="card_search")
            try:
                found = people.search_citizens(engine, actor, query) if query.strip() else None
            except UserError as error:  # a search that looks like a CPR number is refused
                ui.show_error(error)
                found = None
            if found is not None and not found.empty:
                citizen_id = st.selectbox(
                    t("board.citizen"), found["id"].tolist(), key="card_citizen",
                    format_func=dict(zip(found["id"], found["first_name"] + " "
                                         + found["last_name"] + " ("
                                         + found["birth_year"].astype(str) + ")")).get)
                consultant_id = st.selectbox(t("board.brought_by"), staff["id"].tolist(),
                                             index=default_consultant, key="card_consultant",
                                             format_func=staff_names.get)
                if st.button(t("board.add"), key="card_add", type="primary"):
                    try:
                        sprints.add_card(engine, actor, sprint_id, citizen_id=citizen_id,
                                         consultant_id=consultant_id)
                    except UserError as error:
                        ui.show_error(error)
                    else:
                        st.session_state["flash"] = t("board.added")
                        st.rerun()
        with new:
            with st.form("new_citizen", clear_on_submit=True):
                c1, c2, c3 = st.columns(3)
                first = c1.text_input(t("board.first_name"), key="nc_first")
                last = c2.text_input(t("board.last_name"), key="nc_last")
                year = c3.number_input(t("board.birth_year"), min_value=1900, max_value=2100,
                                       value=1990, step=1, key="nc_year")
                target = st.text_input(t("board.target_group"), key="nc_target",
                                       value="aktivitetsparat kontanthjælp")
                consultant_id = st.selectbox(t("board.brought_by"), staff["id"].tolist(),
                                             index=default_consultant, key="nc_consultant",
                                             format_func=staff_names.get)
                if st.form_submit_button(t("board.add"), type="primary"):
                    try:
                        sprints.add_new_citizen_card(
                            engine, actor, sprint_id, consultant_id=consultant_id,
                            first_name=first, last_name=last, birth_year=int(year),
                            target_group=target)
                    except UserError as error:
                        ui.show_error(error)
                    else:
                        st.session_state["flash"] = t("board.added")
                        st.rerun()
        participants = sprints.consultants(engine, actor, sprint_id)
        others = staff[~staff["id"].isin(participants["id"])]
        if not others.empty:
            c1, c2 = st.columns([3, 1])
            staff_id = c1.selectbox(t("board.add_consultant"), others["id"].tolist(),
                                    format_func=staff_names.get, key="add_consultant")
            if c2.button(t("board.add_consultant_button"), key="add_consultant_button"):
                sprints.add_consultant(engine, actor, sprint_id, staff_id)
                st.rerun()

st.divider()
programme_col, chart_col = st.columns([2, 3])
with programme_col:
    st.subheader(t("board.programme"))
    programme = sprints.agenda(engine, actor, sprint_id)
    today = clock.today()
    for day, items in programme.groupby("day", sort=True):
        heading = f"**{i18n.weekday(day, lang).capitalize()} {i18n.format_date(day)}**"
        if day == today:
            heading += f" :blue-badge[{t('board.today')}]"
        with st.container(border=day == today):
            st.markdown(heading)
            st.markdown("\n".join(f"- {item.part}: {item.title}" if item.part
                                  else f"- {item.title}" for item in items.itertuples()))
    if editable:
        with st.expander(t("board.programme_edit"), icon=":material/edit_calendar:"):
            edited = st.data_editor(
                programme.drop(columns=["id"]), num_rows="dynamic", key="agenda_editor",
                hide_index=True, width="stretch",
                column_config={
                    "day": st.column_config.DateColumn(t("board.col_day"), format="DD-MM-YYYY",
                                                       min_value=sprint.start_date,
                                                       max_value=sprint.end_date),
                    "part": st.column_config.TextColumn(t("board.col_part")),
                    "title": st.column_config.TextColumn(t("board.col_title")),
                    "note": st.column_config.TextColumn(t("board.col_note")),
                })
            if st.button(t("common.save"), key="agenda_save"):
                try:
                    sprints.save_agenda(engine, actor, sprint_id, edited)
                except UserError as error:
                    ui.show_error(error)
                else:
                    st.session_state["flash"] = t("board.programme_saved")
                    st.rerun()

with chart_col:
    st.subheader(t("board.burnup"))
    burn = sprints.burn_up(engine, actor, sprint_id)
    labels = [f"{i18n.weekday(d, lang)[:3]} {d:%d-%m}" for d in burn["day"]]
    top = max(sprint.goal_count, int(burn["secured"].max() or 0)) * 1.15 + 1
    # Built with graph_objects and a layout dict: plotly express takes ten times as long per rerun.
    figure = go.Figure(
        go.Bar(x=labels, y=burn["secured"].tolist(), text=burn["secured"].tolist(),
               marker_color="#2e7d32", name=t("board.burnup_secured"),
               hovertemplate="%{x}: %{y}<extra></extra>"),
        layout=dict(
            height=320, margin=dict(l=10, r=10, t=30, b=10),
            yaxis=dict(range=[0, top], title=t("board.burnup_secured")),
            shapes=[dict(type="line", xref="paper", x0=0, x1=1, y0=sprint.goal_count,
                         y1=sprint.goal_count, line=dict(dash="dash", color="#c62828"))],
            annotations=[dict(xref="paper", x=0, y=sprint.goal_count, xanchor="left",
                              yanchor="bottom", showarrow=False,
                              text=f"{t('board.burnup_goal')}: {sprint.goal_count}")]))
    st.plotly_chart(figure, width="stretch", key="burnup_chart")
    st.caption(t("board.burnup_caption"))
    ui.download_buttons(burn[["day", "secured", "goal"]], f"burnup-{sprint_id}", key="burnup")

    st.subheader(t("board.funnel"))
    funnel = sprints.stage_funnel(engine, actor, sprint_id)
    funnel_figure = go.Figure(
        go.Funnel(x=funnel["cards"].tolist(), y=funnel["stage"].map(stage_label).tolist(),
                  marker_color="#1565c0", name=t("board.cards"),
                  hovertemplate="%{y}: %{x}<extra></extra>"),
        layout=dict(height=300, margin=dict(l=10, r=10, t=10, b=10)))
    st.plotly_chart(funnel_figure, width="stretch", key="funnel_chart")
    st.caption(t("board.funnel_caption"))

def edit_sprint() -> None:
    """The sprint's own form; a save names the version it was filled from."""
    # The version the open form was filled from, so a colleague's save in between is refused;
    # after a refusal the form is drawn anew (new keys) from the stored sprint.
    seen_key, refill = f"sprint_version_{sprint_id}", st.session_state.get("sprint_refill", 0)
    prefix = "edit" + (f"_{refill}" if refill else "")
    if st.session_state.get(seen_key) is None or f"{prefix}_name" not in st.session_state:
        st.session_state[seen_key] = sprint.version
    fields = sprint_form(prefix, sprint)
    if fields is not None:
        fields.pop("consultant_ids")
        try:
            sprints.update_sprint(engine, actor, sprint_id,
                                  expected_version=st.session_state[seen_key], **fields)
        except UserError as error:
            if isinstance(error, StaleVersion):
                st.session_state.pop(seen_key)
                st.session_state["sprint_refill"] = refill + 1
            ui.show_error(error)
        else:
            st.session_state.pop(seen_key)
            st.session_state["flash"] = t("board.saved")
            st.rerun()


if can_edit:
    st.divider()
    # The form is drawn only while the section is open: it is rarely needed and costs each rerun.
    edit_section = st.expander(t("board.edit_sprint"), icon=":material/edit:",
                               key="sprint_edit_open", on_change="rerun")
    if edit_section.open:
        with edit_section:
            edit_sprint()
    if access.can(actor, "sprint.close"):
        if sprint.status != "closed":
            if st.button(t("board.close_confirm"), key="close_sprint", icon=":material/flag:"):
                closed = sprints.close_sprint(engine, actor, sprint_id)
                key = "board.result_reached" if closed.reached else "board.result_missed"
                st.session_state["flash"] = t(key, secured=closed.secured, goal=closed.goal)
                st.rerun()
        elif st.button(t("board.reopen"), key="reopen_sprint"):
            sprints.reopen_sprint(engine, actor, sprint_id)
            st.rerun()
