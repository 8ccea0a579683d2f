"""Sprinttavle: the intensive week's board, programme, burn-up and funnel; it follows colleagues'
moves by itself (pages/ui/live.py) and offers to undo one's own last move for a few seconds."""

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from model import access, clock, companies, i18n, people, placements, sprints
from model.errors import UserError
from model.tables import PLACEMENT_KINDS, SECURED, STAGES
from pages import ui
from pages.ui import board_planning as planning
from pages.ui import live
from pages.ui import matching as matching_ui

actor = ui.guard("sprinttavle")
engine, lang = ui.engine(), ui.lang()
live.begin(engine)  # before any data is read
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
if (last_move := st.session_state.get("undo_move")) and clock.now() >= last_move["until"]:
    st.session_state.pop("undo_move")  # its confirmation stayed up until this run


def offer_undo(card_id: int, version: int, name: str, to_stage: str, from_stage: str,
               park_reason: str, moved_at: datetime) -> None:
    """The move's confirmation, with "Fortryd" for sprints.UNDO_SECONDS from `moved_at` (the time
    the move was written with, so the button and the model count the same seconds)."""
    message = t("board.moved", citizen=name, stage=stage_label[to_stage])
    if actor.staff_id is None:  # a move is undone by its mover, known by their staff row
        st.session_state["flash"] = message
        return
    st.session_state["undo_move"] = dict(
        card_id=card_id, version=version, citizen=name, message=message,
        back_to=stage_label[from_stage], park_reason=park_reason if from_stage == "parked" else "",
        until=moved_at + timedelta(seconds=sprints.UNDO_SECONDS))


def undo_offer() -> None:
    """The last move's confirmation; "Fortryd" while its seconds last (the model checks them too)."""
    undo = st.session_state.get("undo_move")
    if undo is None:
        return
    message, button = st.columns([6, 1], vertical_alignment="center")
    message.success(undo["message"])
    if clock.now() >= undo["until"] or not button.button(
            t("board.undo"), key=f"undo_{undo['card_id']}_{undo['version']}",
            icon=":material/undo:", help=t("board.undo_help", seconds=sprints.UNDO_SECONDS)):
        return
    st.session_state.pop("undo_move")
    try:
        sprints.undo_move(engine, actor, undo["card_id"], expected_version=undo["version"],
                          park_reason=undo["park_reason"])
    except UserError as error:
        st.session_state["move_error"] = error
    else:
        st.session_state["flash"] = t("board.undone", citizen=undo["citizen"],
                                      stage=undo["back_to"])
        if (st.session_state.get("place_card") or {}).get("card_id") == undo["card_id"]:
            st.session_state.pop("place_card")  # the placement it offered is no longer due
    st.rerun(scope="app")


def editing() -> bool:
    """Whether the user is filling something in that a redraw could change under their hands:
    the reason for parking a card, the placement of a secured card, or a panel with a form.
    (Streamlit sends a form's fields only on submit, so what is open is all the server knows.)"""
    state = st.session_state
    return bool(state.get("park_card") or state.get("place_card")
                or state.get("sprint_edit_open") or planning.panel_open(state.get("sprint_id")))


@st.fragment(run_every=live.CHECK_SECONDS)
def follow_colleagues() -> None:
    """The last move's undo, and a look at the data stamp every few seconds: a colleague's change
    redraws the board, unless the user is filling something in; then a note says it waits."""
    ui.fragment_guard(actor, activity=False)
    undo_offer()
    if not live.changed(engine):
        return
    if not editing():
        live.redraw()
    note, button = st.columns([6, 1], vertical_alignment="center")
    note.caption(f":material/sync: {t('board.changed_hold')}")
    if button.button(t("board.refresh_now"), key="board_refresh_now", type="tertiary"):
        st.rerun(scope="app")


follow_colleagues()

all_sprints = sprints.list_sprints(engine, actor)
# The consultants the new-sprint and add-card forms offer, read once per run.
staff = people.list_staff(engine, actor) if can_edit else None


running_id = sprints.running_sprint_id(engine, actor)
next_id = None if running_id is not None else sprints.next_sprint_id(engine, actor)
if can_edit:
    # Open by itself when the team has nothing running or planned to work on.
    planning.new_sprint_panel(actor, staff, expanded=running_id is None and next_id is None)

if all_sprints.empty:
    st.info(t("board.no_sprints"))
    st.stop()

sprint_ids = all_sprints["id"].tolist()
requested = st.query_params.get("sprint")
if requested and requested.isdigit() and int(requested) in sprint_ids:
    st.session_state["sprint_id"] = int(requested)
if (opened := st.session_state.pop("open_sprint", None)) in sprint_ids:
    st.session_state["sprint_id"] = opened
if st.session_state.get("sprint_id") not in sprint_ids:
    st.session_state["sprint_id"] = running_id or next_id or sprints.current_sprint_id(engine, actor)
planning.running_notice(actor, running_id, next_id)
labels = {row.id: f"{row.name} ({t(f'status.{row.status}')})" for row in all_sprints.itertuples()}
sprint_id = ui.selectbox(t("board.choose_sprint"), sprint_ids, key="sprint_id",
                         format_func=labels.get, placeholder=t("board.pick_sprint"))
if sprint_id is None:
    st.stop()
sprint = sprints.get_sprint(engine, actor, sprint_id)
status = sprints.sprint_status(sprint)
stage_label = sprints.stage_labels(sprint, {s: t(f"stage.{s}") for s in STAGES})


result = sprints.sprint_result(engine, actor, sprint_id)
head1, head2 = st.columns([3, 1])
with head1:
    st.subheader(ui.escape(sprint.name))
    st.caption(" · ".join(filter(None, [
        t("board.period", start=i18n.format_date(sprint.start_date),
          end=i18n.format_date(sprint.end_date), week=i18n.week_label(sprint.start_date, lang)),
        t(f"kind.{sprint.kind}"), ui.escape(sprint.focus)])))
with head2:
    st.metric(t("screen.goal"), f"{result.secured} / {result.goal}")
st.progress(min(1.0, result.secured / result.goal),
            text=t("board.progress", secured=result.secured, goal=result.goal))
if status == sprints.CLOSED:
    (st.success if result.reached else st.warning)(
        f"{t('board.closed_info')} {planning.result_text(result)}")
    if can_edit:
        planning.repeat_panel(actor, sprint)
elif status == sprints.ENDED:
    planning.ended_notice(actor, sprint, result)

cards = sprints.board(engine, actor, sprint_id)
editable = can_edit and status != sprints.CLOSED
if not access.can(actor, "card.move"):
    st.info(t("board.readonly"))


def offer_placement(card_id: int, citizen_id: int, name: str, company_id: int | None) -> None:
    """Offer to record the placement of a secured card, right where the board is."""
    st.session_state["place_card"] = dict(card_id=card_id, citizen_id=citizen_id, name=name,
                                          company_id=company_id)


def first_report(widget_key: str) -> bool:
    """False when this change of a card's selector was acted on already: while the board redraws
    by itself a browser may report a change twice, and the second would read as a stale move."""
    if st.session_state.get("card_change_done") == widget_key:
        return False
    st.session_state["card_change_done"] = widget_key
    return True


def move(card_id: int, version: int, name: str, citizen_id: int, company_id: int | None,
         has_placement: bool, from_stage: str, park_reason: str) -> None:
    """Callback of a card's stage selector: one selection moves the card."""
    key = f"move_{card_id}_{version}"
    to_stage = st.session_state[key]
    if to_stage == from_stage or not first_report(key):
        return
    if to_stage == "parked":
        st.session_state["park_card"] = (card_id, version, name, from_stage)
        return
    moved_at = clock.now()
    try:
        new_version = sprints.move_card(engine, actor, card_id, to_stage,
                                        expected_version=version, now=moved_at)
    except UserError as error:
        st.session_state["move_error"] = error
    else:
        offer_undo(card_id, new_version, name, to_stage, from_stage, park_reason, moved_at)
        if to_stage == SECURED and can_place and not has_placement:
            offer_placement(card_id, citizen_id, name, company_id)


def set_company(card_id: int, version: int, name: str, current: int | None) -> None:
    """Callback of a card's company picker: the company the citizen is in dialogue with."""
    key = f"company_{card_id}_{version}"
    company_id = st.session_state[key] or None
    if company_id == current or not first_report(key):
        return
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

consultant_names = {int(i): name for i, name in zip(cards["consultant_id"], cards["consultant"])}
f1, f2, f3 = st.columns([2, 2, 1], vertical_alignment="bottom")
chosen = ui.selectbox(t("board.filter_consultant"), [0, *consultant_names], key="board_consultant",
                      format_func=lambda c: consultant_names.get(c) or t("board.all_consultants"),
                      where=f1)
# One search for every card's company picker (a search field on each card would cost each rerun).
company_query = f2.text_input(t("board.find_company"), key="board_company_find", type="search",
                              placeholder=t("board.find_company_placeholder")) if editable else ""
swimlanes = f3.toggle(t("board.swimlanes"), key="board_swimlanes")
offer = st.session_state.get("place_card")
# The cards' companies and the one a secured card offers stay in the pickers whatever the search.
board_companies = company_choices(company_query, include=tuple(
    int(c) for c in cards["company_id"].dropna()) + ((offer["company_id"],)
                                                     if offer and offer["company_id"] else ()))
# Who has brought citizens already, for the next consultant the planning panel proposes.
with_cards = {int(c) for c in cards["consultant_id"].dropna()}
if chosen:
    cards = cards[cards["consultant_id"] == chosen]

if pending := st.session_state.get("park_card"):
    card_id, version, name, from_stage = pending
    with st.form("park_form"):
        reason = st.text_input(f"{t('board.park_reason')}: {name}", key="park_reason")
        c1, c2 = st.columns(2)
        save, cancel = c1.form_submit_button(t("board.move"), type="primary"), \
            c2.form_submit_button(t("common.cancel"))
    if cancel:
        st.session_state.pop("park_card")
        # The card's selector shows its stage again (in the browser too) and may park it anew.
        st.session_state[f"move_{card_id}_{version}"] = from_stage
        st.session_state.pop("card_change_done", None)
        st.rerun()
    if save:
        moved_at = clock.now()
        try:
            new_version = sprints.move_card(engine, actor, card_id, "parked",
                                            expected_version=version, park_reason=reason,
                                            now=moved_at)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state.pop("park_card")
            offer_undo(card_id, new_version, name, "parked", from_stage, "", moved_at)
            st.rerun()

if offer:
    card_id, name = offer["card_id"], offer["name"]
    company_ids = list(board_companies)
    with st.form("place_form"):
        st.markdown(f"**:material/work: {t('board.place_title', citizen=name)}**")
        st.caption(t("board.place_caption"))
        c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
        company_id = ui.selectbox(
            t("board.place_company"), company_ids, key=f"place_company_{card_id}",
            index=company_ids.index(offer["company_id"]) if offer["company_id"] in board_companies
            else None, placeholder=t("board.place_pick_company"), format_func=board_companies.get,
            help=t("board.company_help"), where=c1)
        kind = ui.selectbox(t("board.place_kind"), PLACEMENT_KINDS, key=f"place_kind_{card_id}",
                            format_func=lambda k: t(placements.KIND_KEYS[k]), where=c2)
        start = ui.date_input(t("board.start"), value=clock.today(),
                              key=f"place_start_{card_id}", where=c3)
        hours = c4.number_input(t("board.place_hours"), value=None, step=0.5,
                                key=f"place_hours_{card_id}", help=t("board.place_hours_help"),
                                placeholder=t("board.place_hours_default"))
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
                                       hours_per_week=placements.default_hours(kind)
                                       if hours is None else hours, card_id=card_id)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state.pop("place_card")
            st.session_state["flash"] = t("board.place_created", citizen=name)
            st.rerun()



def card_view(card) -> None:
    name = f"{card.first_name} {card.last_name}"
    linked = pd.notna(card.placement_id)
    company_id = int(card.company_id) if pd.notna(card.company_id) else None
    with st.container(border=True):
        mark = f" :green-badge[:material/link: {t('board.placement_linked')}]" if linked else ""
        st.markdown(f"**{ui.escape(name)}** :gray[· {ui.escape(card.consultant_initials or '')}]{mark}")
        if card.days_in_stage == 0:
            days = t("board.card_today")
        elif card.days_in_stage == 1:
            days = t("board.card_day")
        else:
            days = t("board.card_days", days=card.days_in_stage)
        lines = [f"{days} · {ui.escape(card.company)}" if card.company else days]
        if card.stage == "parked" and card.park_reason:
            lines.append(ui.escape(card.park_reason))
        st.caption("  \n".join(lines))
        if card.stale:
            st.markdown(f":orange[:material/schedule: {t('board.stale', days=card.days_in_stage)}]")
        if editable:
            ui.selectbox(t("board.move_to"), STAGES, index=STAGES.index(card.stage),
                         key=f"move_{card.card_id}_{card.version}",
                         format_func=stage_label.get, label_visibility="collapsed",
                         on_change=move, args=(card.card_id, card.version, name,
                                               int(card.citizen_id), company_id, linked,
                                               card.stage, card.park_reason))
        if editable and can_place and card.stage == SECURED and not linked:
            st.button(t("board.place_button"), key=f"place_{card.card_id}_{card.version}",
                      icon=":material/add_link:", type="tertiary", on_click=offer_placement,
                      args=(int(card.card_id), int(card.citizen_id), name, company_id))
        if editable and card.stage in ("selected", "clarified", "dialogue"):
            with st.popover(t("board.set_company"), icon=":material/business:", width="stretch"):
                ids = [0, *board_companies]
                current = ids.index(card.company_id) if card.company_id in board_companies else 0
                ui.selectbox(t("board.company"), ids, index=current,
                             key=f"company_{card.card_id}_{card.version}",
                             format_func=lambda c: board_companies.get(c) or t("board.no_company"),
                             on_change=set_company, args=(card.card_id, card.version, name, company_id),
                             help=t("board.company_help"))
        if status != sprints.CLOSED and card.stage in ("selected", "clarified", "dialogue"):
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
    planning.add_citizens_panel(actor, sprint, staff, with_cards)

st.divider()
programme_col, chart_col = st.columns([2, 3])
with programme_col:
    st.subheader(t("board.programme"))
    programme = sprints.agenda(engine, actor, sprint_id)
    planning.programme_view(programme)
    if editable:
        planning.programme_panel(actor, sprint, programme)

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

if can_edit:
    st.divider()
    # The form is drawn only while the section is open: it is rarely needed and costs each rerun.
    edit_section = st.expander(t("board.edit_sprint"), icon=":material/edit:",
                               key="sprint_edit_open", on_change="rerun")
    if edit_section.open:
        with edit_section:
            planning.edit_sprint_form(actor, sprint, staff)
    if status in (sprints.PLANNED, sprints.RUNNING):
        # Closing early is possible; an ended sprint offers it at the top with its result.
        planning.close_button(actor, sprint, t("board.close_confirm"))
    elif status == sprints.CLOSED and access.can(actor, "sprint.close") \
            and st.button(t("board.reopen"), key="reopen_sprint"):
        sprints.reopen_sprint(engine, actor, sprint_id)
        st.session_state["open_sprint"] = sprint_id  # the chooser's label shows the new status
        st.rerun()
