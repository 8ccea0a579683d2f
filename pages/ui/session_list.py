"""The open sessions, for the account page (one's own) and Brugere og log (everyone's, admins)."""

from __future__ import annotations

import streamlit as st

from model import i18n, sessions
from model.access import Actor
from model.errors import UserError
from pages import ui

FLASH = "sessions_flash"


def _browser(agent: str) -> str:
    """A short name for a browser's user agent: enough to tell a phone from a PC."""
    for name in ("Edg", "Firefox", "Chrome", "Safari"):
        if name in agent:
            kind = "Edge" if name == "Edg" else name
            system = next((s for s in ("Windows", "Android", "iPhone", "iPad", "Mac OS", "Linux")
                           if s in agent), "")
            return f"{kind} ({system})" if system else kind
    return agent[:40]


def open_sessions(actor: Actor, *, everyone: bool = False) -> None:
    t, lang = ui.t, ui.lang()
    key = "all" if everyone else "own"
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check:")
    listed = sessions.active_sessions(ui.engine(), actor, everyone=everyone)
    if listed.empty:
        st.caption(t("session.none_open") if everyone else t("account.no_sessions"))
        return
    shown = listed.assign(user_agent=listed["user_agent"].map(_browser))
    columns = ["name", "username"] * everyone + ["created_at", "last_seen_at", "address",
                                                 "user_agent", "current"]
    ui.table(shown[columns].rename(columns={c: t(f"session.col.{c}") for c in columns}),
             key=f"sessions_{key}", lang=lang)
    labels = {row.id: " · ".join(filter(None, [
        f"{row.name} ({row.username})" if everyone else "", ui.local_moment(row.last_seen_at),
        _browser(row.user_agent), t("account.this_browser") if row.current else ""]))
        for row in listed.itertuples()}
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    chosen = left.selectbox(t("session.choose"), list(labels), format_func=labels.get,
                            key=f"session_pick_{key}")
    if right.button(t("session.end") if everyone else t("account.end_session"),
                    key=f"session_end_{key}", icon=":material/logout:"):
        try:
            sessions.end_session(ui.engine(), actor, chosen)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state[FLASH] = t("account.ended")
            st.rerun()
    if not everyone and len(listed) > 1 and st.button(t("account.end_others"),
                                                     key="session_end_others"):
        ended = sessions.end_others(ui.engine(), actor)
        st.session_state[FLASH] = t("account.ended_others", n=i18n.format_number(ended, lang))
        st.rerun()
