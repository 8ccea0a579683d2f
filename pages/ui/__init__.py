"""What every page shares: the engine, the language, the page guard and the login form."""

from __future__ import annotations

import runpy
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from model import access, audit, auth, clock, exporting, i18n, paging, sessions
from model.access import Actor
from model.clock import LOCAL_TZ
from model.db import database_url, make_engine
from model.errors import AccessDenied, UserError
from model.setup import prepare
from pages.ui import web
from pages.ui.tables import DATE_FORMAT, editor, table  # noqa: F401  (the pages' table helpers)

APP = Path(__file__).resolve().parents[2] / "app.py"
# Every date a date field can hold: the model checks each field's range and answers in the user's
# language, while a range set on the widget (Streamlit's default is ten years either side of
# today) refuses a date in the browser with an English note, and it is never saved.
ANY_DATE = {"min_value": date(1, 1, 1), "max_value": date(9999, 12, 31)}
# Set before a rerun the page asks for by itself (a board redrawn for a colleague's change,
# pages/ui/live.py): the guard then does not count the run as the user's activity.
QUIET_RERUN = "quiet_rerun"
# The signed-in user app.py found for this run, handed to the page's guard (`actor`), and the one
# the guard let in (`page_actor`), so that one run resolves the session once (a run executes
# app.py, then the page, in one thread; a fragment's rerun checks again in fragment_guard).
_RUN = threading.local()
_UNSET = object()


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
    """The text for `key` in the user's language. Pages show it as Markdown, so the text
    parameters (names, notes and titles users typed) go in escaped: data, never markup."""
    return i18n.t(key, lang(), **{name: i18n.as_text(value) if isinstance(value, str) else value
                                  for name, value in params.items()})


escape = i18n.as_text  # for typed text the pages put in Markdown themselves


def translator(chosen: str | None = None):
    """`t` bound to this run's language: a page with hundreds of labels then reads the session
    state once, not once per label."""
    chosen = chosen or lang()
    return lambda key, **params: i18n.t(key, chosen, **params)


def _placeholder(options: list, kwargs: dict, choose: str, choose_or_add: str) -> None:
    """Our text instead of Streamlit's English placeholder ("Choose an option"); with nothing to
    choose the box says so and is disabled, as Streamlit's own is."""
    if kwargs.get("accept_new_options"):
        kwargs.setdefault("placeholder", t(choose_or_add))
    elif not options:
        kwargs.setdefault("disabled", True)
        kwargs.setdefault("placeholder", t("common.no_options"))
    kwargs.setdefault("placeholder", t(choose))


def selectbox(label: str, options, *, where=None, **kwargs):
    """st.selectbox (on `where`, a column or container, else here) with its placeholder in the
    user's language."""
    options = list(options)
    _placeholder(options, kwargs, "common.choose", "common.choose_or_add")
    return (where or st).selectbox(label, options, **kwargs)


def multiselect(label: str, options, *, where=None, **kwargs):
    """st.multiselect with its placeholder in the user's language. Streamlit's "Select all" row
    has no text of its own to set, so it is left out in Danish."""
    options = list(options)
    _placeholder(options, kwargs, "common.choose_many", "common.choose_many_or_add")
    if lang() != "en":
        kwargs.setdefault("select_all", False)
    return (where or st).multiselect(label, options, **kwargs)


def date_input(label: str, value="today", *, where=None, **kwargs):
    """st.date_input showing dd-mm-åååå, with no range of its own (ANY_DATE: the model answers a
    date outside the field's range); "today" is the app's today (clock.today()), not the
    machine's, so a date set for training or a test holds in the pickers too."""
    kwargs.setdefault("format", DATE_FORMAT)
    kwargs = ANY_DATE | kwargs
    return (where or st).date_input(label, clock.today() if isinstance(value, str) and value == "today"
                                    else value, **kwargs)


def show_error(error: UserError) -> None:
    if isinstance(error, AccessDenied):
        # A refusal by the model is logged like the guard's; the refused operation rolled back.
        user_id = st.session_state.get("user_id")
        actor = auth.actor_for_user(engine(), user_id) if user_id is not None else None
        audit.log_refused(engine(), actor, str(error.params.get("permission", "")))
    st.error(t(error.key, **error.params))


def download_buttons(frame, name: str, key: str) -> None:
    """CSV and Excel downloads of a list, formula-safe; `name` is the file name without suffix.

    The files are made when clicked (deferred), not on every rerun of the page; `frame` may be a
    function returning the list, so a long list is read from the database only then.
    """
    actor = getattr(_RUN, "page_actor", None) or current_actor()
    if not access.can(actor, "data.export"):
        return  # bulk export is for the roles in access.BULK_EXPORT_ROLES; the model refuses too
    listed = frame if callable(frame) else (lambda: frame)

    def rows():
        return exporting.log_download(engine(), actor, name, listed())

    left, right = st.columns(2)
    left.download_button(t("common.download_csv"), lambda: exporting.to_csv_bytes(rows()),
                         file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv",
                         icon=":material/download:")
    right.download_button(t("common.download_xlsx"), lambda: exporting.to_excel_bytes({name: rows()}),
                          file_name=f"{name}.xlsx", key=f"{key}_xlsx", icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def page_offset(key: str, size: int) -> int:
    """The first row of the page the pager `key` is on (read before the list is fetched)."""
    return (int(st.session_state.get(key) or 1) - 1) * size


def pager(total: int, size: int, key: str) -> None:
    """A page picker under a list longer than `size` rows (see page_offset)."""
    pages = paging.page_count(total, size)
    if pages == 1:
        st.session_state.pop(key, None)
        return
    if int(st.session_state.get(key) or 1) > pages:
        st.session_state[key] = pages  # the list got shorter since the page was chosen
    st.number_input(t("common.page", pages=i18n.format_number(pages, lang())), min_value=1,
                    max_value=pages, step=1, key=key, width=160)


def shown_of(page: paging.Page) -> str:
    """"Viser 1–500 af 50.388" for a partial list."""
    return t("common.shown", first=i18n.format_number(page.offset + 1, lang()),
             last=i18n.format_number(page.offset + len(page.rows), lang()),
             total=i18n.format_number(page.total, lang()))


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def session_token() -> str | None:
    """The session cookie this browser connected with (set by the login route, pages/ui/web.py)."""
    token = st.context.cookies.get(sessions.COOKIE)
    return token if isinstance(token, str) and token else None  # an AppTest run has no cookies


def _forget() -> None:
    for key in ("user_id", "last_seen", "signed"):
        st.session_state.pop(key, None)


def current_actor() -> Actor | None:
    """The signed-in user, checked against the database on every run: a session ended elsewhere
    (logout in another tab, deactivation, password change, idle timeout, an admin) bites at once."""
    db = engine()
    token = session_token()
    if token is not None:
        signed = sessions.resolve(db, token)
        actor = auth.actor_for_user(db, signed.user_id) if signed else None
        if actor is None:
            if signed is not None:
                sessions.sign_out(db, signed, "inactive")
            _forget()
            return None
        st.session_state["signed"] = signed
        st.session_state["user_id"] = signed.user_id
        # A paired meeting screen sees its own team only (model/sessions.py).
        team = signed.screen_team_id if signed.screen_team_id is not None else actor.team_id
        return replace(actor, team_id=team, extra={**actor.extra, "session_id": signed.session_id,
                                                   "paired": signed.screen_team_id is not None})
    # No cookie: the municipality's login (OIDC keeps its own), or a test signed in directly.
    user_id = st.session_state.get("user_id")
    if user_id is not None:
        actor = auth.actor_for_user(db, user_id)
        if actor is None:
            sign_out("inactive")
            return None
        # The meeting screen's account runs unattended on a TV: nobody touches it, by design.
        last_seen = st.session_state.get("last_seen", time.time())
        if actor.role != "screen" and time.time() - last_seen > sessions.IDLE.total_seconds():
            sign_out("idle")
            return None
        return actor
    if oidc_configured() and st.user.get("is_logged_in"):
        actor = auth.actor_for_oidc(db, str(st.user.get("sub")))
        if actor is not None:
            auth.log_oidc_login(db, actor)
            st.session_state["user_id"] = actor.user_id
        return actor
    return None


def mark_active() -> None:
    """The user did something: the idle timeout starts again (the session's, or this run's)."""
    st.session_state["last_seen"] = time.time()
    signed = st.session_state.get("signed")
    if signed is not None:
        sessions.touch(engine(), signed)


def sign_out(reason: str = "user") -> None:
    """End the sign-in (the session in every tab, when there is one); logged with why."""
    signed = st.session_state.get("signed")
    if signed is not None:
        sessions.sign_out(engine(), signed, reason)
    elif st.session_state.get("user_id") is not None:
        auth.log_logout(engine(), st.session_state["user_id"], reason)
    _forget()


def local_moment(moment) -> str:
    """A UTC moment as the user reads it: dd-mm-åååå tt:mm, Danish time."""
    local = moment.astimezone(LOCAL_TZ)
    return f"{i18n.format_date(local)} {local:%H:%M}"


def password_change_form(actor: Actor) -> None:
    """A generated or reset password must be replaced before any page shows."""
    st.title(t("account.change_title"))
    st.info(t("account.change_required", n=auth.MIN_PASSWORD_LENGTH))
    with st.form("password_change"):
        new = st.text_input(t("account.new_password"), type="password", key="new_password")
        again = st.text_input(t("account.repeat_password"), type="password", key="repeat_password")
        submitted = st.form_submit_button(t("account.change_submit"), type="primary")
    if submitted:
        try:
            auth.change_password(engine(), actor, new_password=new, confirmation=again)
        except UserError as error:
            show_error(error)
        else:
            st.session_state["password_changed"] = True
            st.rerun()


def login_screen() -> None:
    """Nobody is signed in on this connection (the login route sends page loads to its form
    first, so this shows after a sign-out or an ended session): the way back in."""
    st.title(t("login.title"))
    st.caption(t("app.logged_notice"))
    here = urlsplit(st.context.url or "/")
    path = (here.path or "/") + (f"?{here.query}" if here.query else "")
    st.link_button(t("login.submit"), f"{web.LOGIN}?next={quote(path, safe='')}",
                   type="primary", icon=":material/login:")
    if oidc_configured():
        if st.user.get("is_logged_in"):
            st.error(t("login.oidc_unknown"))
            st.button(t("app.logout"), on_click=st.logout)
        else:
            st.button(t("login.oidc"), on_click=st.login)


def run_actor() -> Actor | None:
    """current_actor() for the router's run, kept for the page's guard of the same run."""
    _RUN.page_actor = None
    _RUN.actor = current_actor()
    return _RUN.actor


def guard(page: str) -> Actor:
    """The first call of every page: signed in and allowed here, or show the login and stop."""
    if PagesManager.uses_pages_directory:
        # Streamlit's legacy path ran this file without app.py (a deep link as a fresh server's
        # first request). Run the router instead, which runs this page again, guarded, with the
        # normal navigation; then stop this outer run.
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
    actor = _RUN.__dict__.pop("actor", _UNSET)
    if actor is _UNSET:  # a page run without the router (AppTest of the page file alone)
        actor = current_actor()
    if actor is None:
        login_screen()
        st.stop()
    if not st.session_state.pop(QUIET_RERUN, False):
        mark_active()
    if actor.must_change_password:
        password_change_form(actor)
        st.stop()
    if not access.page_allowed(actor, page):
        audit.log_refused(engine(), actor, page, action="page_refused")
        st.error(t("login.page_denied"))
        st.stop()
    if st.session_state.pop("password_changed", False):
        st.toast(t("account.changed"), icon=":material/check:")
    _RUN.page_actor = actor
    return actor


def fragment_guard(page_actor: Actor, *, activity: bool) -> None:
    """The page's guard again in a fragment, whose own reruns (a timed refresh, typing into it)
    skip the page: unless the account is still the active, not idle one the page let in (same
    role, so still allowed there), a full rerun shows the login or the refusal. A timed refresh is
    no `activity`. Within a full run the page's guard has just checked: nothing to do."""
    run = get_script_run_ctx()
    if run is not None and not run.fragment_ids_this_run:
        return
    if current_actor() != page_actor:
        st.rerun(scope="app")
    if activity:
        mark_active()
