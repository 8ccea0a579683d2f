"""Jobtavlen: the frame and router. Page config, language switch, sign-in state, navigation.

`streamlit run app.py` serves this file as an ASGI app (`app`, at the end) with the login and
screen-pairing routes of pages/ui/web.py; every browser run executes it as the script (`main`).
"""

import streamlit as st
from starlette.middleware import Middleware

from model import access, clock, i18n
from pages import ui
from pages.ui import web

# key: (file, catalogue key of its title, icon)
PAGES = {
    "overblik": ("pages/overblik.py", "nav.overview", ":material/dashboard:"),
    "sprinttavle": ("pages/sprinttavle.py", "nav.board", ":material/view_kanban:"),
    "moedeskaerm": ("pages/moedeskaerm.py", "nav.screen", ":material/tv:"),
    "hurtig_registrering": ("pages/hurtig_registrering.py", "nav.quick", ":material/bolt:"),
    "borgere": ("pages/borgere.py", "nav.citizens", ":material/groups:"),
    "virksomheder": ("pages/virksomheder.py", "nav.companies", ":material/business:"),
    "forloeb": ("pages/forloeb.py", "nav.placements", ":material/work_history:"),
    "maal": ("pages/maal.py", "nav.goals", ":material/flag:"),
    "resultater": ("pages/resultater.py", "nav.results", ":material/insights:"),
    "omraadeoverblik": ("pages/omraadeoverblik.py", "nav.areas", ":material/location_city:"),
    "partnerskaber": ("pages/partnerskaber.py", "nav.partnerships", ":material/handshake:"),
    "data": ("pages/data.py", "nav.data", ":material/upload_file:"),
    "administration": ("pages/administration.py", "nav.administration",
                       ":material/admin_panel_settings:"),
    "persondata": ("pages/persondata.py", "nav.personal_data", ":material/shield_person:"),
    "konto": ("pages/konto.py", "nav.account", ":material/account_circle:"),
}
SECTIONS = {
    "nav.sprint": ["overblik", "sprinttavle", "moedeskaerm"],
    "nav.placements_section": ["hurtig_registrering", "borgere", "virksomheder", "forloeb"],
    "nav.results_section": ["maal", "resultater"],
    "nav.areas_section": ["omraadeoverblik", "partnerskaber"],
    "nav.admin": ["data", "administration", "persondata"],
    "nav.account_section": ["konto"],
}


def sidebar(actor: access.Actor) -> None:
    t = ui.t
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


def main() -> None:
    actor = ui.run_actor()
    # The meeting screen runs on a TV: no sidebar unless someone opens it.
    screen = actor is not None and actor.role == "screen"
    st.set_page_config(page_title="Jobtavlen", page_icon=":material/view_kanban:", layout="wide",
                       initial_sidebar_state="collapsed" if screen else "auto")
    t = ui.t
    pages = {key: st.Page(path, title=t(title), icon=icon, default=key == "overblik")
             for key, (path, title, icon) in PAGES.items()}
    if actor is None:
        # Every page is routable but none is listed: each page's guard shows the way in.
        navigation = st.navigation(list(pages.values()), position="hidden")
    elif screen:
        navigation = st.navigation([pages["moedeskaerm"]], position="hidden")
    else:
        allowed = {t(section): [pages[key] for key in keys if access.page_allowed(actor, key)]
                   for section, keys in SECTIONS.items()}
        # expanded: every page stays listed (no "View more") however many a leader may open.
        navigation = st.navigation({section: listed for section, listed in allowed.items()
                                    if listed}, expanded=True)
        with st.sidebar:
            sidebar(actor)
    navigation.run()


if __name__ == "__main__":
    main()
else:  # imported by `streamlit run`'s server: the app with the login route and gate
    app = st.App(__file__, routes=web.ROUTES, middleware=[Middleware(web.LoginGate)],
                 lifespan=web.prepared)
