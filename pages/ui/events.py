"""A company's events (visits, talks, job-interview training, craftsman cafés) on its profile:
the list and a short form to register one with the citizens who took part."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model import access, clock, events, i18n, people
from model.errors import UserError
from pages import ui

# The event inputs and their empty values; set (not deleted) so the browser shows them cleared.
EVENT_DEFAULTS = {"event_kind": events.EVENT_KINDS[0], "event_title": "", "event_note": "",
                  "event_citizen_search": "", "event_citizens": []}


def kind_label(kind: str) -> str:
    return i18n.code_label(events.KIND_KEYS, kind, ui.lang())


def _form(engine, actor, company_id: int) -> None:
    t = ui.t
    if st.session_state.pop("event_reset", False):
        st.session_state.update(EVENT_DEFAULTS)
        st.session_state["event_names"] = {}
    names: dict[int, str] = st.session_state.setdefault("event_names", {})
    with st.container(border=True):
        st.markdown(f"**{t('event.register')}**")
        c1, c2 = st.columns([1, 1])
        kind = ui.selectbox(t("event.kind"), events.EVENT_KINDS, key="event_kind",
                            format_func=kind_label, where=c1)
        day = ui.date_input(t("event.date"), value=clock.today(), key="event_date", where=c2)
        title = st.text_input(t("event.title"), key="event_title",
                              placeholder=t("event.title_placeholder"))
        c1, c2 = st.columns([1, 1])
        query = c1.text_input(t("event.citizen_search"), key="event_citizen_search",
                              placeholder=t("event.citizen_search_placeholder"))
        try:
            found = people.search_citizens(engine, actor, query, limit=20) \
                if query.strip() else None
        except UserError as error:  # a search that looks like a CPR number is refused
            ui.show_error(error)
            found = None
        if found is not None:
            names.update(zip(found["id"].tolist(),
                             (found["first_name"] + " " + found["last_name"] + " ("
                              + found["birth_year"].astype(str) + ")").tolist()))
            shown = [*st.session_state.get("event_citizens", []), *found["id"].tolist()]
        else:
            shown = list(st.session_state.get("event_citizens", []))
        chosen = ui.multiselect(t("event.participants"), list(dict.fromkeys(shown)),
                                key="event_citizens", format_func=lambda c: names.get(c, str(c)),
                                placeholder=t("event.participants_placeholder"), where=c2)
        note = st.text_area(t("event.note"), key="event_note", height=68)
        if st.button(t("event.save"), key="event_save", type="primary", icon=":material/event:"):
            try:
                events.create_event(engine, actor, company_id=company_id, kind=kind, event_date=day,
                                    title=title, note=note, citizen_ids=chosen)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["event_reset"] = True
                st.session_state["company_flash"] = t("event.saved", n=len(chosen))
                st.rerun()


def company_events(engine, actor, company_id: int) -> None:
    """The events section of a company's profile."""
    t = ui.t
    st.subheader(t("event.section"))
    if access.can(actor, "event.write"):
        with st.expander(t("event.register"), icon=":material/event:"):
            _form(engine, actor, company_id)
    listed = events.list_events(engine, actor, company_id=company_id)
    if listed.empty:
        st.caption(t("event.none"))
        return
    table = pd.DataFrame({
        t("event.date"): listed["event_date"],
        t("event.kind"): listed["kind"].map(kind_label),
        t("event.title"): listed["title"],
        t("event.participant_count"): listed["participants"],
        t("event.participants"): listed["names"],
        t("event.note"): listed["note"],
    })
    ui.table(table, key="events_table", lang=ui.lang())
    ui.download_buttons(table, f"arrangementer-{company_id}", key="events_download")
