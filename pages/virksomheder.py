"""Virksomheder: companies, agreements, contacts log and placements; who takes most citizens,
agreements nobody has called, and the consultant's next steps."""

from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from model import access, clock, companies, events, i18n, people, placements
from model.errors import StaleVersion, UserError
from pages import ui
from pages.ui import events as events_ui
from pages.ui import matching as matching_ui

actor = ui.guard("virksomheder")
t, engine = ui.translator(), ui.engine()
can_edit = access.can(actor, "company.write")
can_log = access.can(actor, "contact.write")
today = clock.today()
DAYS_AHEAD = 7

AGREEMENT_LABELS = {
    "none": "company.agreement_none",
    "samarbejdsaftale": "company.agreement_samarbejdsaftale",
    "partnerskabsaftale": "company.agreement_partnerskabsaftale",
    "virksomhedscenter": "company.agreement_virksomhedscenter",
}
CHANNEL_LABELS = {
    "phone": "company.channel_phone",
    "email": "company.channel_email",
    "visit": "company.channel_visit",
    "meeting": "company.channel_meeting",
}
OUTCOME_LABELS = {
    "": "company.outcome_unset",
    "interested": "company.outcome_interested",
    "placement_agreed": "company.outcome_placement_agreed",
    "agreement": "company.outcome_agreement",
    "not_now": "company.outcome_not_now",
    "no_answer": "company.outcome_no_answer",
}
# The log-contact inputs and their empty values; set (not deleted) so the browser shows them cleared.
CONTACT_DEFAULTS = {"contact_channel": "phone", "contact_citizen_search": "", "contact_citizen": 0,
                    "contact_outcome": "", "contact_note": "", "contact_next_step": "",
                    "contact_next_date": None}


def label(labels: dict[str, str], value: object) -> str:
    return i18n.code_label(labels, value, ui.lang())


def shown_date(value: object) -> str:
    return "" if value is None or pd.isna(value) else i18n.format_date(value)


NEW_DEFAULTS = {"new_name": "", "new_cvr": "", "new_industry": "", "new_municipality": "",
                "new_contact_person": "", "new_phone": "", "new_agreement": "none", "new_since": None,
                "new_supplier": False}


LIST_PAGE = 200


def table_height(rows: int, most: int = 12) -> int:
    """Tall enough for up to `most` rows without an inner scrollbar (35 px a row and the header)."""
    return 35 * (min(rows, most) + 1) + 3


def agreement(kind: str) -> str:
    """The agreement's name; a code this version does not know (an import) is shown as it is."""
    return t(AGREEMENT_LABELS[kind]) if kind in AGREEMENT_LABELS else kind


def open_profile(company_id: int) -> None:
    """Show this company's profile on the next run."""
    st.session_state["company_pick"] = company_id
    st.session_state["company_goto"] = "profile"


st.title(t("nav.companies"))
if message := st.session_state.pop("company_flash", None):
    st.success(message)
if not can_edit:
    st.info(t("company.readonly"))

TABS = {"list": t("company.tab_list"), "profile": t("company.tab_profile"),
        "new": t("company.tab_new"), "top": t("company.tab_top"),
        "silent": t("company.tab_silent"), "steps": t("company.tab_steps")}
if not can_edit:
    TABS.pop("new")
if goto := st.session_state.pop("company_goto", None):
    st.session_state["company_tab"] = TABS[goto]
if st.session_state.get("company_tab") not in TABS.values():
    st.session_state.pop("company_tab", None)  # a label from the other language
tab = dict(zip(TABS, st.tabs(list(TABS.values()), key="company_tab", on_change="rerun")))


def list_tab() -> None:
    options = companies.company_filter_options(engine, actor)
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    query = c1.text_input(t("company.search"), key="list_query")
    industry = ui.selectbox(t("company.industry"), ["", *options["industry"]], key="list_industry",
                            format_func=lambda v: v or t("company.all_industries"),
                            placeholder=t("company.all_industries"), where=c2)
    kind = ui.selectbox(t("company.agreement_kind"), ["", *companies.AGREEMENT_KINDS],
                        key="list_agreement", placeholder=t("company.all_agreements"),
                        format_func=lambda v: agreement(v) if v else t("company.all_agreements"),
                        where=c3)
    municipality = ui.selectbox(t("company.municipality"), ["", *options["municipality"]],
                                key="list_municipality", placeholder=t("company.all_municipalities"),
                                format_func=lambda v: v or t("company.all_municipalities"), where=c4)
    criteria = dict(query=query, industry=industry or None, agreement_kind=kind or None,
                    municipality=municipality or None)
    # A page of its own per search and filter, so a new one starts on the first page.
    page_key = "company_page_" + "_".join(str(v) for v in criteria.values())
    try:
        page = companies.company_page(engine, actor, **criteria, limit=LIST_PAGE,
                                      offset=ui.page_offset(page_key, LIST_PAGE))
    except UserError as error:  # a search that looks like a CPR number is refused
        ui.show_error(error)
        return
    found = page.rows
    if found.empty:
        st.info(t("company.none_found"))
        return
    if page.partial:
        counted = ui.shown_of(page)
    else:
        counted = t("company.count_one") if page.total == 1 else \
            t("company.count", n=i18n.format_number(page.total, ui.lang()))
    st.caption(f"{counted} · {t('company.list_hint')}")
    shown = list_table(found)
    ids = found["id"].tolist()

    def picked() -> None:
        rows = st.session_state["company_table"].selection.rows
        if rows:
            open_profile(int(ids[rows[0]]))

    ui.table(shown, key="company_table", lang=ui.lang(), height=table_height(len(shown), most=25),
             on_select=picked, selection_mode="single-row")
    ui.pager(page.total, LIST_PAGE, key=page_key)
    ui.download_buttons(lambda: list_table(companies.list_companies(engine, actor, **criteria)),
                        "virksomheder", key="companies_download")


def list_table(found: pd.DataFrame) -> pd.DataFrame:
    """The list as shown and downloaded, with Danish headings and words for codes."""
    return pd.DataFrame({
        t("company.name"): found["name"],
        t("company.cvr"): found["cvr"].fillna(""),
        t("company.industry"): found["industry"],
        t("company.municipality"): found["municipality"],
        t("company.agreement_kind"): [agreement(k) for k in found["agreement_kind"]],
        t("company.housing_supplier"): found["housing_supplier"].astype(bool),
        t("company.placements"): found["placements"],
        t("company.citizens"): found["citizens"],
        t("company.last_contact"): found["last_contact"],
    })


def company_fields(prefix: str, company=None) -> dict:
    """The inputs of a company (inside a form); returns their values."""
    c1, c2 = st.columns([2, 1])
    name = c1.text_input(t("company.name"), value=company.name if company else "",
                         key=f"{prefix}_name")
    cvr = c2.text_input(t("company.cvr"), value=(company.cvr or "") if company else "",
                        key=f"{prefix}_cvr", help=t("company.cvr_help"), max_chars=12)
    c1, c2 = st.columns(2)
    industry = c1.text_input(t("company.industry"), value=company.industry if company else "",
                             key=f"{prefix}_industry")
    municipality = c2.text_input(t("company.municipality"), key=f"{prefix}_municipality",
                                 value=company.municipality if company else "")
    c1, c2 = st.columns(2)
    contact_person = c1.text_input(t("company.contact_person"), key=f"{prefix}_contact_person",
                                   value=company.contact_person if company else "")
    phone = c2.text_input(t("company.phone"), value=company.phone if company else "",
                          key=f"{prefix}_phone")
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    kind = ui.selectbox(t("company.agreement_kind"), companies.AGREEMENT_KINDS,
                        key=f"{prefix}_agreement",
                        index=companies.AGREEMENT_KINDS.index(company.agreement_kind)
                        if company else 0, format_func=agreement, where=c1)
    since = ui.date_input(t("company.agreement_since"),
                          value=company.agreement_since if company else None,
                          key=f"{prefix}_since", help=t("company.since_help"), where=c2)
    supplier = c3.checkbox(t("company.housing_supplier"), key=f"{prefix}_supplier",
                           value=company.housing_supplier if company else False)
    return dict(name=name, cvr=cvr, industry=industry, municipality=municipality,
                contact_person=contact_person, phone=phone, agreement_kind=kind,
                agreement_since=since, housing_supplier=supplier)


def create(fields: dict) -> None:
    try:
        new_id = companies.create_company(engine, actor, **fields)
    except UserError as error:
        ui.show_error(error)
    else:
        st.session_state.pop("company_pending", None)
        st.session_state["company_new_reset"] = True
        open_profile(new_id)
        st.session_state["company_flash"] = t("company.created", name=fields["name"].strip())
        st.rerun()


def new_tab() -> None:
    if st.session_state.pop("company_new_reset", False):
        st.session_state.update(NEW_DEFAULTS)
    with st.form("company_new"):
        fields = company_fields("new")
        submitted = st.form_submit_button(t("company.new_submit"), type="primary")
    if submitted:
        try:
            companies.normalise_cvr(fields["cvr"])
            similar = companies.likely_duplicates(engine, actor, name=fields["name"],
                                                  cvr=fields["cvr"],
                                                  municipality=fields["municipality"])
        except UserError as error:
            ui.show_error(error)
            return
        if similar.empty or (similar["reason"] == "cvr").any():
            create(fields)  # a CVR number in use is refused by the model, with its owner's name
            return
        st.session_state["company_pending"] = {"fields": fields, "similar": similar}
    pending = st.session_state.get("company_pending")
    if pending is None:
        return
    fields, similar = pending["fields"], pending["similar"]
    with st.container(border=True):
        st.warning(t("company.duplicate_warning", name=fields["name"].strip()))
        for row in similar.itertuples():
            st.markdown("- " + t("company.duplicate_row", name=row.name,
                                 municipality=row.municipality or "–",
                                 cvr=row.cvr or t("company.no_cvr"),
                                 percent=round(row.similarity * 100)))
        c1, c2, c3 = st.columns([1, 1, 2])
        if c1.button(t("company.duplicate_confirm"), key="dup_confirm", type="primary"):
            create(fields)
        if c2.button(t("common.cancel"), key="dup_cancel"):
            st.session_state.pop("company_pending", None)
            st.rerun()
        first = similar.iloc[0]
        if c3.button(t("company.duplicate_open", name=first["name"]), key="dup_open"):
            st.session_state.pop("company_pending", None)
            open_profile(int(first["id"]))
            st.rerun()


def log_contact_form(company_id: int) -> None:
    if st.session_state.pop("contact_reset", False):
        st.session_state.update(CONTACT_DEFAULTS)
    with st.container(border=True):
        st.markdown(f"**{t('company.log_contact')}**")
        c1, c2 = st.columns([1, 1])
        channel = c1.radio(t("company.channel"), companies.CHANNELS, horizontal=True,
                           key="contact_channel", format_func=lambda c: t(CHANNEL_LABELS[c]))
        outcome = ui.selectbox(t("company.outcome"), list(OUTCOME_LABELS), key="contact_outcome",
                               format_func=lambda o: t(OUTCOME_LABELS[o]), where=c2)
        c1, c2 = st.columns([1, 1])
        query = c1.text_input(t("company.citizen_search"), key="contact_citizen_search")
        try:
            found = people.search_citizens(engine, actor, query, limit=20) if query.strip() else None
        except UserError as error:  # a search that looks like a CPR number is refused
            ui.show_error(error)
            found = None
        names = {} if found is None else dict(zip(
            found["id"].tolist(),
            (found["first_name"] + " " + found["last_name"] + " ("
             + found["birth_year"].astype(str) + ")").tolist()))
        if st.session_state.get("contact_citizen") not in (0, *names):
            st.session_state.pop("contact_citizen", None)  # the search no longer finds the pick
        citizen_id = ui.selectbox(t("company.citizen"), [0, *names], key="contact_citizen",
                                  format_func=lambda c: names.get(c) or t("company.no_citizen"),
                                  placeholder=t("company.no_citizen"), where=c2)
        note = st.text_area(t("company.note"), key="contact_note", height=68)
        c1, c2 = st.columns([2, 1])
        next_step = c1.text_input(t("company.next_step"), key="contact_next_step",
                                  placeholder=t("company.next_step_placeholder"))
        next_date = ui.date_input(t("company.next_step_date"), value=None,
                                  key="contact_next_date", where=c2)
        if st.button(t("company.save_contact"), key="contact_save", type="primary",
                     icon=":material/add_call:"):
            try:
                companies.log_contact(engine, actor, company_id=company_id, channel=channel,
                                      citizen_id=citizen_id or None, outcome=outcome, note=note,
                                      next_step=next_step, next_step_date=next_date)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["contact_reset"] = True
                st.session_state["company_flash"] = (
                    t("company.contact_saved_due", date=i18n.format_date(next_date)) if next_date
                    else t("company.contact_saved"))
                st.rerun()


def contacts_table(contacts: pd.DataFrame) -> None:
    if contacts.empty:
        st.caption(t("company.no_contacts"))
        return
    shown = pd.DataFrame({
        t("company.when"): contacts["contacted_at"],
        t("company.channel"): [label(CHANNEL_LABELS, c) for c in contacts["channel"]],
        t("company.by"): contacts["staff_initials"].fillna(""),
        t("company.citizen"): [citizen_name(c, n) for c, n in
                               zip(contacts["citizen_id"], contacts["citizen"])],
        t("company.outcome"): [label(OUTCOME_LABELS, o) for o in contacts["outcome"]],
        t("company.note"): contacts["note"],
        t("company.next_step"): contacts["next_step"],
        t("company.next_step_date"): contacts["next_step_date"],
        t("company.done"): [i18n.local_date(d) for d in contacts["next_step_done_at"]],
    })
    ui.table(shown, key="contacts_table", lang=ui.lang(), height=table_height(len(shown)))


def citizen_name(citizen_id: object, name: object) -> str:
    if pd.isna(citizen_id):
        return ""
    return t("company.other_team") if name is None or pd.isna(name) else str(name)


def placements_table(rows: pd.DataFrame) -> None:
    if rows.empty:
        st.caption(t("company.no_placements"))
        return
    shown = pd.DataFrame({
        t("company.citizen"): [citizen_name(c, n) for c, n in
                               zip(rows["citizen_id"], rows["citizen"])],
        t("company.kind"): [label(placements.KIND_KEYS, k) for k in rows["kind"]],
        t("company.start"): rows["start_date"],
        t("company.planned_end"): rows["planned_end_date"],
        t("company.actual_end"): rows["actual_end_date"],
        t("company.status"): [label(placements.STATUS_KEYS, s) for s in rows["status"]],
    })
    ui.table(shown, key="placements_table", lang=ui.lang(), height=table_height(len(shown)))


def profile_tab() -> None:
    # The picker offers the first companies by name and the one picked; the search finds the rest.
    query = st.text_input(t("company.find"), key="profile_find", type="search",
                          placeholder=t("company.find_placeholder"))
    picked = st.session_state.get("company_pick")
    try:
        choices = companies.company_choice_page(engine, actor, query=query, limit=LIST_PAGE,
                                                include=(picked,) if picked else ())
    except UserError as error:  # a search that looks like a CPR number is refused
        ui.show_error(error)
        return
    if choices.rows.empty:
        st.info(t("company.no_companies") if not query.strip() else t("company.none_found"))
        return
    if choices.partial:
        st.caption(ui.shown_of(choices))
    names = dict(zip(choices.rows["id"].tolist(), choices.rows["name"].tolist()))
    if st.session_state.get("company_pick") not in names:
        st.session_state.pop("company_pick", None)
    company_id = ui.selectbox(t("company.pick"), list(names), key="company_pick",
                              format_func=names.get, placeholder=t("company.pick_placeholder"))
    profile = companies.company_profile(engine, actor, company_id)
    company = profile.company
    st.subheader(ui.escape(company.name))
    facts = [t("company.cvr_value", cvr=company.cvr) if company.cvr else t("company.no_cvr"),
             ui.escape(company.industry), ui.escape(company.municipality)]
    st.caption(" · ".join(f for f in facts if f))
    badges = []
    if company.agreement_kind != "none":
        text = t("company.agreement_badge", agreement=agreement(company.agreement_kind),
                 since=i18n.format_date(company.agreement_since))
        badges.append(f":green-badge[:material/handshake: {text}]")
    else:
        badges.append(f":gray-badge[{agreement('none')}]")
    if company.housing_supplier:
        badges.append(f":blue-badge[:material/apartment: {t('company.housing_supplier')}]")
    st.markdown(" ".join(badges))
    person = " · ".join(filter(None, [ui.escape(company.contact_person),
                                      t("company.phone_value", phone=company.phone)
                                      if company.phone else ""]))
    if person:
        st.markdown(f"{t('company.contact_person')}: {person}")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("company.placements"), len(profile.placements))
    m2.metric(t("company.citizens"), int(profile.placements["citizen_id"].nunique()))
    last = profile.contacts["contacted_at"].iloc[0] if not profile.contacts.empty else None
    m3.metric(t("company.last_contact"), i18n.format_date(last) if last is not None
              else t("company.never"))
    engaged = events.company_engagement(engine, actor, company_id)
    m4.metric(t("event.metric"), engaged["events"],
              help=t("event.metric_help", citizens=engaged["citizens"]))

    if can_edit:
        with st.expander(t("company.edit"), icon=":material/edit:"):
            # The version the open form was filled from, so a colleague's save in between is
            # refused; after a refusal the form is drawn anew (new keys) from the stored company.
            seen_key, refill_key = f"company_version_{company_id}", f"company_refill_{company_id}"
            refill = st.session_state.get(refill_key, 0)
            prefix = f"edit_{company_id}" + (f"_{refill}" if refill else "")
            if st.session_state.get(seen_key) is None or f"{prefix}_name" not in st.session_state:
                st.session_state[seen_key] = company.version
            with st.form(f"company_edit_{company_id}"):
                fields = company_fields(prefix, company)
                submitted = st.form_submit_button(t("common.save"), type="primary")
            if submitted:
                try:
                    companies.update_company(engine, actor, company_id,
                                             expected_version=st.session_state[seen_key], **fields)
                except UserError as error:
                    if isinstance(error, StaleVersion):
                        st.session_state.pop(seen_key)
                        st.session_state[refill_key] = refill + 1
                    ui.show_error(error)
                else:
                    st.session_state.pop(seen_key)
                    st.session_state["company_flash"] = t("company.saved")
                    st.rerun()

    st.subheader(t("company.contacts"))
    if can_log:
        log_contact_form(company_id)
    contacts_table(profile.contacts)
    st.subheader(t("company.placements_title"))
    placements_table(profile.placements)
    st.subheader(t("matching.citizens_heading"))
    st.caption(t("matching.citizens_caption"))
    matching_ui.citizens_for_company(engine, actor, company_id, key="company_matches")
    events_ui.company_events(engine, actor, company_id)


def top_tab() -> None:
    st.subheader(t("company.top_title"))
    since = ui.date_input(t("company.top_since"), value=None, key="top_since",
                          where=st.columns([1, 3])[0])
    try:
        top = companies.top_companies(engine, actor, since=since, limit=10)
    except UserError as error:
        ui.show_error(error)
        return
    if top.empty:
        st.info(t("company.top_empty"))
        return
    figure = px.bar(top.iloc[::-1], x="citizens", y="company", orientation="h", text="citizens",
                    labels={"citizens": t("company.citizens"), "company": ""},
                    hover_data={"industry": True},
                    color_discrete_sequence=["#2e7d32"])
    figure.update_layout(height=40 * len(top) + 80, margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(figure, width="stretch", key="top_chart")
    st.caption(t("company.top_caption_since", n=len(top), date=i18n.format_date(since)) if since
               else t("company.top_caption_all", n=len(top)))
    ui.download_buttons(top.rename(columns={"company": t("company.company"),
                                            "industry": t("company.industry"),
                                            "citizens": t("company.citizens")}).drop(columns="id"),
                        "flest-borgere", key="top_download")


def silent_tab() -> None:
    days = int(st.columns([1, 3])[0].number_input(t("company.silent_days"), value=60, step=5,
                                                   key="silent_days"))
    try:
        silent = companies.not_contacted(engine, actor, days=days, today=today)
    except UserError as error:
        ui.show_error(error)
        return
    st.subheader(t("company.silent_title", days=days))
    if silent.empty:
        st.success(t("company.silent_none", days=days))
        return
    st.caption(t("company.silent_caption", days=days))
    shown = pd.DataFrame({
        t("company.name"): silent["name"],
        t("company.agreement_kind"): [agreement(k) for k in silent["agreement_kind"]],
        t("company.agreement_since"): silent["agreement_since"],
        t("company.contact_person"): silent["contact_person"],
        t("company.phone"): silent["phone"],
        t("company.last_contact"): [shown_date(d) or t("company.never")
                                    for d in silent["last_contact"]],
        t("company.days_since"): silent["days_since"],
    })
    ids = silent["id"].tolist()

    def picked() -> None:
        rows = st.session_state["silent_table"].selection.rows
        if rows:
            open_profile(int(ids[rows[0]]))

    ui.table(shown, key="silent_table", lang=ui.lang(), on_select=picked,
             selection_mode="single-row", height=table_height(len(shown), most=25), placeholder="–")
    ui.download_buttons(shown, f"aftaler-uden-kontakt-{days}-dage", key="silent_download")


def complete(contact_id: int, step: str) -> None:
    try:
        companies.complete_next_step(engine, actor, contact_id)
    except UserError as error:
        st.session_state["steps_error"] = error
    else:
        st.session_state["company_flash"] = t("company.steps_completed", step=step)


def steps_tab() -> None:
    st.subheader(t("company.tab_steps"))
    if error := st.session_state.pop("steps_error", None):
        ui.show_error(error)
    whole_team = actor.staff_id is None
    if whole_team:
        st.caption(t("company.steps_no_staff"))
    else:
        # Caseworkers and mentors log no contacts themselves: they start with the team's list.
        whole_team = st.toggle(t("company.steps_team"), value=not can_log, key="steps_team")
    due = companies.next_steps_due(engine, actor, today=today, days_ahead=DAYS_AHEAD,
                                   staff_id=None if whole_team else actor.staff_id)
    st.caption(t("company.steps_caption", days=DAYS_AHEAD,
                 date=i18n.format_date(today + timedelta(days=DAYS_AHEAD))))
    if due.empty:
        st.info(t("company.steps_none"))
        return
    for row in due.itertuples():
        step = row.next_step or t("company.step_default")
        with st.container(border=True):
            c1, c2, c3 = st.columns([1, 4, 1], vertical_alignment="center")
            when = i18n.format_date(row.next_step_date)
            c1.markdown(f":red[**{when}**]  \n:red-badge[{t('company.steps_overdue')}]"
                        if row.overdue else f"**{when}**")
            about = " · ".join(filter(None, [
                row.company, citizen_name(row.citizen_id, row.citizen),
                row.staff_initials if whole_team else ""]))
            c2.markdown(f"**{step}**  \n{about}")
            if can_log:
                c3.button(t("company.steps_done"), key=f"step_done_{row.id}",
                          icon=":material/check:", on_click=complete, args=(int(row.id), step))


renderers = {"list": list_tab, "profile": profile_tab, "new": new_tab, "top": top_tab,
             "silent": silent_tab, "steps": steps_tab}
for name, container in tab.items():
    if container.open:
        with container:
            renderers[name]()
