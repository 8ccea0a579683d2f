"""Min konto: where the user is signed in, and signing other browsers out."""

import streamlit as st

from model import sessions
from pages import ui
from pages.ui.session_list import open_sessions


def main() -> None:
    actor = ui.guard("konto")
    t = ui.t
    st.title(t("account.title"))
    st.caption(t("app.signed_in_as", name=actor.name, role=t(f"role.{actor.role}")))
    st.subheader(t("account.sessions"))
    st.caption(t("account.sessions_help", minutes=int(sessions.IDLE.total_seconds() // 60),
                 hours=int(sessions.WORKING_DAY.total_seconds() // 3600)))
    open_sessions(actor)


main()
