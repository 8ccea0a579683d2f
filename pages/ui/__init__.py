"""What every page shares: the engine, the language, the page guard and the login form."""

from __future__ import annotations

import os
import runpy
import time
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from model import access, auth, exporting, i18n
from model.access import Actor
from model.db import database_url, make_engine
from model.errors import UserError
from model.setup import prepare

APP = Path(__file__).resolve().parents[2] / "app.py"
IDLE_MINUTES = int(os.environ.get("JOBTAVLEN_IDLE_MINUTES", "30"))


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    engine = make_engine(url)
    prepare(engine, out=lambda line: print(line, flush=True))
    return engine


def engine():
    """One engine per process and database, migrated (and demo-filled) on first use."""
    return _engine_for(database_url())


def lang() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = i18n.default_language()
    return st.session_state["lang"]


def t(key: str, **params: object) -> str:
    return i18n.t(key, lang(), **params)


def show_error(error: UserError) -> None:
    st.error(t(error.key, **error.params))


def download_buttons(frame, name: str, key: str) -> None:
    """CSV and Excel downloads of a list, formula-safe; `name` is the file name without suffix."""
    left, right = st.columns(2)
    left.download_button(t("common.download_csv"), exporting.to_csv_bytes(frame),
                         file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv",
                         icon=":material/download:")
    right.download_button(t("common.download_xlsx"), exporting.to_excel_bytes({name: frame}),
                          file_name=f"{name}.xlsx", key=f"{key}_xlsx", icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current_actor() -> Actor | None:
    """The signed-in user, reloaded from the database on every run (deactivation bites at once)."""
    db = engine()
    user_id = st.session_state.get("user_id")
    if user_id is not None:
        last_seen = st.session_state.get("last_seen", time.time())
        if time.time() - last_seen > IDLE_MINUTES * 60:
            sign_out()
            return None
        actor = auth.actor_for_user(db, user_id)
        if actor is None:
            sign_out()
        return actor
    if oidc_configured() and st.user.get("is_logged_in"):
        actor = auth.actor_for_oidc(db, str(st.user.get("sub")))
        if actor is not None:
            auth.log_oidc_login(db, actor)
            st.session_state["user_id"] = actor.user_id
        return actor
    return None


def sign_out() -> None:
    for key in ("user_id", "last_seen"):
        st.session_state.pop(key, None)


def login_form() -> None:
    st.title(t("login.title"))
    st.caption(t("app.logged_notice"))
    with st.form("login"):
        username = st.text_input(t("login.username"), key="login_username")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if submitted:
        actor = auth.authenticate(engine(), username, password)
        if actor is None:
            st.error(t("login.failed"))
        else:
            st.session_state["user_id"] = actor.user_id
            st.session_state["last_seen"] = time.time()
            st.rerun()
    if oidc_configured():
        if st.user.get("is_logged_in"):
            st.error(t("login.oidc_unknown"))
            st.button(t("app.logout"), on_click=st.logout)
        else:
            st.button(t("login.oidc"), on_click=st.login)


def guard(page: str) -> Actor:
    """The first call of every page: signed in and allowed here, or show the login and stop."""
    if PagesManager.uses_pages_directory:
        # Streamlit's legacy path ran this file without app.py (a deep link as a fresh server's
        # first request). Run the router instead, which runs this page again, guarded, with the
        # normal navigation; then stop this outer run.
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
    actor = current_actor()
    if actor is None:
        login_form()
        st.stop()
    if not access.page_allowed(actor, page):
        st.error(t("login.page_denied"))
        st.stop()
    st.session_state["last_seen"] = time.time()
    return actor
