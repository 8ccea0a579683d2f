"""Jobtavlen: the frame and router. Page config, language switch, sign-in state, navigation."""

import streamlit as st

from model import access, clock, i18n
from pages import ui

actor = ui.current_actor()
# The meeting screen runs on a TV: no sidebar unless someone opens it.
st.set_page_config(page_title="Jobtavlen", page_icon=":material/view_kanban:", layout="wide",
                   initial_sidebar_state="collapsed" if actor and actor.role == "screen" else "auto")
t = ui.t

PAGES = {
    "overblik": st.Page("pages/overblik.py", title=t("nav.overview"), icon=":material/dashboard:",
                        default=True),
    "sprinttavle": st.Page("pages/sprinttavle.py", title=t("nav.board"),
                           icon=":material/view_kanban:"),
    "moedeskaerm": st.Page("pages/moedeskaerm.py", title=t("nav.screen"), icon=":material/tv:"),
    "hurtig_registrering": st.Page("pages/hurtig_registrering.py", title=t("nav.quick"),
                                   icon=":material/bolt:"),
    "borgere": st.Page("pages/borgere.py", title=t("nav.citizens"), icon=":material/groups:"),
    "virksomheder": st.Page("pages/virksomheder.py", title=t("nav.companies"),
                            icon=":material/business:"),
    "forloeb": st.Page("pages/forloeb.py", title=t("nav.placements"),
                       icon=":material/work_history:"),
    "maal": st.Page("pages/maal.py", title=t("nav.goals"), icon=":material/flag:"),
    "resultater": st.Page("pages/resultater.py", title=t("nav.results"), icon=":material/insights:"),
    "omraadeoverblik": st.Page("pages/omraadeoverblik.py", title=t("nav.areas"),
                               icon=":material/location_city:"),
    "partnerskaber": st.Page("pages/partnerskaber.py", title=t("nav.partnerships"),
                             icon=":material/handshake:"),
    "data": st.Page("pages/data.py", title=t("nav.data"), icon=":material/upload_file:"),
    "administration": st.Page("pages/administration.py", title=t("nav.administration"),
                              icon=":material/admin_panel_settings:"),
    "persondata": st.Page("pages/persondata.py", title=t("nav.personal_data"),
                          icon=":material/shield_person:"),
}
SECTIONS = {
    "nav.sprint": ["overblik", "sprinttavle", "moedeskaerm"],
    "nav.placements_section": ["hurtig_registrering", "borgere", "virksomheder", "forloeb"],
    "nav.results_section": ["maal", "resultater"],
    "nav.areas_section": ["omraadeoverblik", "partnerskaber"],
    "nav.admin": ["data", "administration", "persondata"],
}

if actor is None:
    # Every page is routable but none is listed: each page's guard shows the login.
    navigation = st.navigation(list(PAGES.values()), position="hidden")
else:
    allowed = {
        t(section): [PAGES[key] for key in keys if access.page_allowed(actor, key)]
        for section, keys in SECTIONS.items()
    }
    allowed = {section: pages for section, pages in allowed.items() if pages}
    if actor.role == "screen":
        allowed = {"": [PAGES["moedeskaerm"]]}
    # expanded: every page stays listed (no "View more") however many a leader may open.
    navigation = st.navigation(allowed, position="hidden" if actor.role == "screen" else "sidebar",
                               expanded=True)
    with st.sidebar:
        st.caption(t("app.signed_in_as", name=actor.name, role=t(f"role.{actor.role}")))
        st.selectbox(t("app.language"), i18n.LANGUAGES, index=i18n.LANGUAGES.index(ui.lang()),
                     key="lang_choice", format_func=i18n.LANGUAGE_NAMES.get,
                     on_change=lambda: st.session_state.update(lang=st.session_state.lang_choice))
        if st.button(t("app.logout"), icon=":material/logout:"):
            ui.sign_out()
            if st.user.get("is_logged_in"):
                st.logout()
            st.rerun()
        st.caption(t("app.logged_notice"))
        if clock.set_date() is not None:
            st.warning(t("app.date_set", date=i18n.format_date(clock.today())), icon=":material/event:")

navigation.run()
