"""Hurtig registrering: short forms for the four everyday actions, with sane defaults."""


import streamlit as st

from model import clock, companies, i18n, people, placements, quick, sprints
from model.errors import UserError
from model.tables import PLACEMENT_KINDS, STAGES
from pages import ui

actor = ui.guard("hurtig_registrering")
t, engine = ui.translator(), ui.engine()

st.title(t("nav.quick"))
st.caption(t("quick.intro"))

if message := st.session_state.pop("quick_flash", None):
    st.success(message)

sprint_id = sprints.current_sprint_id(engine, actor)


def shown(page, key: str) -> str:
    return t(key, shown=i18n.format_number(len(page.rows), ui.lang()),
             total=i18n.format_number(page.total, ui.lang()))


# The pickers offer the sprint's and the user's own citizens and the first companies by name;
# the two searches reach the rest (a list of every citizen would be slow to send and to scroll).
find_citizen, find_company = st.columns(2)
citizen_query = find_citizen.text_input(t("quick.find_citizen"), key="quick_find_citizen",
                                        type="search", placeholder=t("quick.find_placeholder"))
company_query = find_company.text_input(t("quick.find_company"), key="quick_find_company",
                                        type="search", placeholder=t("quick.find_placeholder"))
try:
    citizens = quick.citizen_choice_page(engine, actor, query=citizen_query, sprint_id=sprint_id,
                                         limit=quick.PICKER_SIZE)
except UserError as error:  # a search that looks like a CPR number is refused
    find_citizen.error(t(error.key, **error.params))
    citizen_query = ""
    citizens = quick.citizen_choice_page(engine, actor, sprint_id=sprint_id, limit=quick.PICKER_SIZE)
try:
    company_choices = companies.company_choice_page(engine, actor, query=company_query,
                                                    limit=quick.PICKER_SIZE)
except UserError as error:
    find_company.error(t(error.key, **error.params))
    company_choices = companies.company_choice_page(engine, actor, limit=quick.PICKER_SIZE)
if citizens.partial:
    find_citizen.caption(shown(citizens, "quick.citizens_shown"))
if company_choices.partial:
    find_company.caption(shown(company_choices, "quick.companies_shown"))
citizen_label = dict(zip(citizens.rows["id"].tolist(), citizens.rows["label"]))
staff = people.list_staff(engine, actor)
consultant_names = dict(zip(staff["id"].astype(int).tolist(), staff["name"]))
company_label = dict(zip(company_choices.rows["id"].tolist(), company_choices.rows["name"]))


def done(message: str) -> None:
    st.session_state["quick_flash"] = message
    st.rerun()


def picker(label: str, options: dict, key: str, optional: bool = False):
    """A searchable selectbox: type to filter, Enter to choose."""
    ids = list(options)
    return ui.selectbox(label, ids, index=None, key=key, format_func=options.get,
                        placeholder=t("quick.optional" if optional else "quick.type_to_search"))


left, right = st.columns(2)

with left, st.container(border=True):
    st.subheader(t("quick.placement_title"), anchor=False)
    # Outside the form, so picking the citizen shows their consultant and the card to secure;
    # emptied after a placement is started, as the form is.
    if st.session_state.pop("qp_started", False):
        st.session_state["qp_citizen"] = None
    citizen_id = picker(t("quick.citizen"), citizen_label, "qp_citizen")
    defaults = placements.placement_defaults(engine, actor, citizen_id=citizen_id)
    offer = defaults.offer
    # The card's version when the offer was drawn, so a colleague's move is not overwritten.
    seen_card = st.session_state.get("qp_seen_card", {})
    st.session_state["qp_seen_card"] = {offer.card_id: offer.version} if offer else {}
    with st.form("quick_placement", clear_on_submit=True, border=False):
        company_id = picker(t("quick.company"), company_label, "qp_company")
        c1, c2, c3 = st.columns([2, 1, 1])
        kind = ui.selectbox(t("quick.kind"), PLACEMENT_KINDS, key="qp_kind",
                            format_func=lambda k: t(f"placement.kind.{k}"), where=c1)
        start = ui.date_input(t("quick.start"), value=clock.today(),
                              key="qp_start", where=c2)
        hours = c3.number_input(t("quick.hours"), value=15, step=1, key="qp_hours")
        consultant_ids = list(consultant_names)
        consultant_id = ui.selectbox(
            t("quick.consultant"), consultant_ids, key=f"qp_consultant_{citizen_id}",
            index=consultant_ids.index(defaults.consultant_id)
            if defaults.consultant_id in consultant_names else None,
            format_func=consultant_names.get, placeholder=t("quick.pick_consultant"))
        secured_stage = (offer.secured_name or t("stage.secured")) if offer else ""
        secure = offer is not None and st.checkbox(
            t("quick.secure_card", whose=quick.genitive(defaults.citizen, ui.lang()),
              stage=secured_stage, sprint=offer.sprint_name),
            value=True, key=f"qp_secure_{offer.card_id}")
        if st.form_submit_button(t("quick.placement_submit"), type="primary",
                                 icon=":material/work:"):
            if citizen_id is None or company_id is None:
                st.error(t("quick.pick_citizen_and_company"))
            else:
                fields = dict(citizen_id=citizen_id, company_id=company_id, kind=kind,
                              start_date=start, hours_per_week=float(hours),
                              consultant_id=consultant_id)
                try:
                    if secure:
                        placements.secure_placement(
                            engine, actor, card_id=offer.card_id,
                            card_version=seen_card.get(offer.card_id, offer.version), **fields)
                    else:
                        placements.start_placement(engine, actor, card_id=defaults.link_card_id,
                                                   **fields)
                except UserError as error:
                    ui.show_error(error)
                else:
                    st.session_state["qp_started"] = True
                    names = dict(citizen=citizen_label[citizen_id],
                                 company=company_label[company_id])
                    done(t("quick.placement_secured", stage=secured_stage, **names) if secure
                         else t("quick.placement_done", **names))

with right, st.container(border=True):
    st.subheader(t("quick.contact_title"), anchor=False)
    with st.form("quick_contact", clear_on_submit=True, border=False):
        company_id = picker(t("quick.company"), company_label, "qc_company")
        c1, c2 = st.columns(2)
        channel = ui.selectbox(t("quick.channel"), companies.CHANNELS, key="qc_channel",
                               format_func=lambda c: t(f"company.channel_{c}"), where=c1)
        outcome = ui.selectbox(t("quick.outcome"), companies.CONTACT_OUTCOMES, key="qc_outcome",
                               format_func=lambda o: t(f"company.outcome_{o}"), where=c2)
        about = picker(t("quick.about_citizen"), citizen_label, "qc_citizen", optional=True)
        note = st.text_input(t("quick.note"), key="qc_note")
        c3, c4 = st.columns([2, 1])
        next_step = c3.text_input(t("quick.next_step"), key="qc_next_step")
        next_date = ui.date_input(t("quick.next_step_date"), value=None,
                                  key="qc_next_date", where=c4)
        if st.form_submit_button(t("quick.contact_submit"), type="primary",
                                 icon=":material/call:"):
            if company_id is None:
                st.error(t("quick.pick_company"))
            else:
                try:
                    companies.log_contact(engine, actor, company_id=company_id, channel=channel,
                                          citizen_id=about, outcome=outcome, note=note,
                                          next_step=next_step, next_step_date=next_date)
                except UserError as error:
                    ui.show_error(error)
                else:
                    done(t("quick.contact_done", company=company_label[company_id]))

left, right = st.columns(2)

with left, st.container(border=True):
    st.subheader(t("quick.follow_up_title"), anchor=False)
    active = placements.placement_page(engine, actor, status="active", query=citizen_query,
                                       consultant_id=actor.staff_id, limit=quick.PICKER_SIZE)
    if active.total == 0:
        active = placements.placement_page(engine, actor, status="active", query=citizen_query,
                                           limit=quick.PICKER_SIZE)
    if active.partial:
        st.caption(shown(active, "quick.placements_shown"))
    placement_label = {int(row.id): f"{row.citizen} · {row.company}"
                       for row in active.rows.itertuples()}
    with st.form("quick_follow_up", clear_on_submit=True, border=False):
        placement_id = picker(t("quick.placement"), placement_label, "qf_placement")
        note = st.text_input(t("quick.note"), key="qf_note")
        if st.form_submit_button(t("quick.follow_up_submit"), type="primary",
                                 icon=":material/task_alt:"):
            if placement_id is None:
                st.error(t("quick.pick_placement"))
            else:
                try:
                    placements.record_follow_up(engine, actor, placement_id=placement_id,
                                                note=note)
                except UserError as error:
                    ui.show_error(error)
                else:
                    done(t("quick.follow_up_done", placement=placement_label[placement_id]))

with right, st.container(border=True):
    st.subheader(t("quick.card_title"), anchor=False)
    if sprint_id is None:
        st.info(t("quick.no_sprint"))
    else:
        sprint = sprints.get_sprint(engine, actor, sprint_id)
        st.caption(ui.escape(sprint.name))
        stage_label = sprints.stage_labels(sprint, {s: t(f"stage.{s}") for s in STAGES})
        cards = sprints.board(engine, actor, sprint_id)
        card_label = {int(c.card_id): f"{c.first_name} {c.last_name} · {stage_label[c.stage]}"
                      for c in cards.itertuples()}
        versions = dict(zip(cards["card_id"].astype(int), cards["version"].astype(int)))
        # The versions the user saw when the form was drawn, so a colleague's move is not overwritten.
        seen = st.session_state.get("qk_seen_versions", versions)
        st.session_state["qk_seen_versions"] = versions
        with st.form("quick_card", clear_on_submit=True, border=False):
            card_id = picker(t("quick.card"), card_label, "qk_card")
            c1, c2 = st.columns(2)
            to_stage = ui.selectbox(t("quick.to_stage"), STAGES, index=STAGES.index("secured"),
                                    key="qk_stage", format_func=stage_label.get, where=c1)
            reason = c2.text_input(t("board.park_reason"), key="qk_reason")
            if st.form_submit_button(t("quick.card_submit"), type="primary",
                                     icon=":material/move_item:"):
                if card_id is None:
                    st.error(t("quick.pick_card"))
                else:
                    try:
                        sprints.move_card(engine, actor, card_id, to_stage,
                                          expected_version=seen.get(card_id, versions[card_id]),
                                          park_reason=reason)
                    except UserError as error:
                        ui.show_error(error)
                    else:
                        done(t("board.moved", citizen=card_label[card_id].split(" · ")[0],
                               stage=stage_label[to_stage]))
