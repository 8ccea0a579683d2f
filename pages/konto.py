"""Min konto: where the user is signed in, signing other browsers out, and changing the password."""

import streamlit as st

from model import auth, sessions
from model.access import Actor
from model.errors import UserError
from pages import ui
from pages.ui.session_list import open_sessions

PASSWORD_FLASH = "account_password_flash"


def password_form(actor: Actor) -> None:
    """A change the user chooses (the forced one after a generated password is the guard's):
    the current password first, then the new one twice."""
    t = ui.t
    st.subheader(t("account.password_heading"))
    st.caption(t("account.password_help", n=auth.MIN_PASSWORD_LENGTH))
    if flash := st.session_state.pop(PASSWORD_FLASH, None):
        st.success(flash, icon=":material/check:")
    with st.form("own_password", clear_on_submit=True):
        current = st.text_input(t("account.current_password"), type="password",
                                key="own_current_password", autocomplete="current-password")
        new = st.text_input(t("account.new_password"), type="password",
                            key="own_new_password", autocomplete="new-password")
        again = st.text_input(t("account.repeat_password"), type="password",
                              key="own_repeat_password", autocomplete="new-password")
        submitted = st.form_submit_button(t("account.change_submit"), type="primary")
    if not submitted:
        return
    source = auth.client_address(st.context.headers, st.context.ip_address)
    try:
        sessions.change_own_password(ui.engine(), actor, current_password=current,
                                     new_password=new, confirmation=again, source=source)
    except (auth.AccountLocked, auth.SourceBlocked) as locked:
        st.error(t(locked.key, until=ui.local_moment(locked.until)))
    except UserError as error:
        ui.show_error(error)
    else:
        st.session_state[PASSWORD_FLASH] = t("account.password_changed")
        st.rerun()


def main() -> None:
    actor = ui.guard("konto")
    t = ui.t
    st.title(t("account.title"))
    st.caption(t("app.signed_in_as", name=actor.name, role=t(f"role.{actor.role}")))
    st.subheader(t("account.sessions"))
    st.caption(t("account.sessions_help", minutes=int(sessions.IDLE.total_seconds() // 60),
                 hours=int(sessions.WORKING_DAY.total_seconds() // 3600)))
    open_sessions(actor)
    # Not for an account that signs in only through the municipality's login, nor a TV.
    if sessions.password_login(ui.engine(), actor):
        password_form(actor)


main()
