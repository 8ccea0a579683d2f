"""Skærmlink til tv, on the Mødeskærm page: a leader pairs a TV with a team's meeting screen
(optionally one pinned sprint) and revokes it again.

The new address is shown once, with a QR code of it; the model keeps only the token's hash.
A paired TV never sees this section.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd
import segno
import streamlit as st
from sqlalchemy.engine import Engine

from model import access, i18n, sessions, sprints
from model.access import Actor
from model.errors import UserError
from pages import ui
from pages.ui import web

NEW = "screen_link_new"  # (team, address) of the link just made, until the leader hides it
FLASH = "screen_link_flash"


def site_origin(url: str | None, headers: Mapping[str, str] | None = None) -> str:
    """The site as the browser reached it ("https://host[/base]"): from the page's address
    (st.context.url, which the browser reports, so it is right behind a proxy too), else from a
    proxy's X-Forwarded-Proto and -Host or the Host header; "" when none is known."""
    if url:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            base = parts.path.rstrip("/").rsplit("/", 1)[0]  # without the page's own name
            return f"{parts.scheme}://{parts.netloc}{base}"
    lowered = {str(name).lower(): str(value) for name, value in (headers or {}).items()}
    host = (lowered.get("x-forwarded-host") or lowered.get("host") or "").split(",")[0].strip()
    if not host:
        return ""
    scheme = (lowered.get("x-forwarded-proto") or "http").split(",")[0].strip().lower()
    return f"{scheme if scheme in ('http', 'https') else 'http'}://{host}"


def screen_address(origin: str, token: str) -> str:
    """The address the TV opens: the route that signs it in (pages/ui/web.py)."""
    return origin + web.SCREEN.format(token=token)


def qr_png(address: str) -> bytes:
    """A QR code of the address as PNG bytes, made in memory."""
    buffer = io.BytesIO()
    segno.make_qr(address, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _new_link() -> None:
    """The address just made: shown until the leader hides it, never again afterwards."""
    shown = st.session_state.get(NEW)
    if shown is None:
        return
    team, address = shown
    with st.container(border=True, key="screen_link_shown"):
        st.success(ui.t("screen_link.created", team=team), icon=":material/check:")
        st.warning(ui.t("screen_link.once"), icon=":material/visibility:")
        st.code(address, language=None, wrap_lines=True)
        st.image(qr_png(address), caption=ui.t("screen_link.qr"), width=260)
        if st.button(ui.t("screen_link.hide"), key="screen_link_hide",
                     icon=":material/visibility_off:"):
            st.session_state.pop(NEW, None)
            st.rerun()


def _create(engine: Engine, actor: Actor) -> None:
    t = ui.t
    teams = sessions.screen_teams(engine, actor)
    if teams.empty:
        st.info(t("screen_link.no_teams"))
        return
    names = dict(zip(teams["id"].astype(int), teams["name"]))
    ids = list(names)
    left, right = st.columns(2)
    team_id = ui.selectbox(t("screen_link.team"), ids, format_func=names.get,
                           index=ids.index(actor.team_id) if actor.team_id in names else 0,
                           key="screen_link_team", where=left)
    listed = sprints.list_sprints(engine, actor)
    own = listed[listed["team_id"] == team_id]
    pins = {None: t("screen_link.running_sprint")} | {
        int(row.id): f"{row.name} · {i18n.format_date(row.start_date)}–"
                     f"{i18n.format_date(row.end_date)}"
        for row in own.itertuples()}
    sprint_id = ui.selectbox(t("screen_link.sprint"), list(pins), format_func=pins.get,
                             key="screen_link_sprint", where=right)
    if st.button(t("screen_link.create"), key="screen_link_create", type="primary",
                 icon=":material/add_link:"):
        try:
            link = sessions.create_screen_link(engine, actor, team_id=team_id,
                                               sprint_id=sprint_id)
        except UserError as error:
            ui.show_error(error)
        else:
            origin = site_origin(st.context.url, st.context.headers)
            st.session_state[NEW] = (names[team_id], screen_address(origin, link.token))
            st.rerun()


def _existing(engine: Engine, actor: Actor) -> None:
    t, plain = ui.t, ui.translator()  # `t` escapes what users typed for Markdown, once
    st.markdown(f"**{t('screen_link.existing')}**")
    links = sessions.screen_links(engine, actor)
    if links.empty:
        st.caption(t("screen_link.none"))
        return
    for link in links.itertuples():
        seen = (plain("screen_link.never_seen") if pd.isna(link.last_seen_at)
                else plain("screen_link.last_seen", at=ui.local_moment(link.last_seen_at)))
        line, action = st.columns([5, 1], vertical_alignment="center")
        line.markdown(t("screen_link.row", team=link.team,
                        sprint=link.sprint or plain("screen_link.running_sprint"),
                        by=link.created_by, at=ui.local_moment(link.created_at),
                        screens=int(link.screens), seen=seen))
        if action.button(t("screen_link.revoke"), key=f"screen_link_revoke_{link.id}",
                         icon=":material/link_off:"):
            try:
                sessions.revoke_screen_link(engine, actor, int(link.id))
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state[FLASH] = t("screen_link.revoked", team=link.team)
                st.rerun()


def section(engine: Engine, actor: Actor) -> None:
    """Skærmlink til tv: for those who may pair a TV, never on a paired TV itself."""
    if not access.can(actor, "tv.pair") or actor.extra.get("paired"):
        return
    flash = st.session_state.pop(FLASH, None)
    # Static CSS only (no user data): the meeting screen's large type is for the room, not here.
    st.markdown(
        """<style>
        [data-testid="stMain"] .st-key-screen_links .stMarkdown p {font-size: 1rem;}
        [data-testid="stMain"] .st-key-screen_links [data-testid="stCaptionContainer"] p
            {font-size: 0.9rem;}
        </style>""",
        unsafe_allow_html=True,
    )
    with (st.container(key="screen_links"),
          st.expander(ui.t("screen_link.heading"), icon=":material/cast:",
                      expanded=flash is not None or NEW in st.session_state)):
        st.caption(ui.t("screen_link.intro"))
        if flash:
            st.success(flash, icon=":material/check:")
        _new_link()
        _create(engine, actor)
        _existing(engine, actor)
