"""Brugere og log: accounts (admins change them, lift locks and blocked addresses and end anyone's
open sessions), teams, staff members and initiatives (set up here from an empty database), and
the audit log (admins and leaders read it)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from model import access, admin, auth, clock, exporting, i18n
from model.access import ALL_ROLES
from model.clock import LOCAL_TZ
from model.errors import UserError
from model.tables import ROLES
from pages import ui
from pages.ui import staffing as staffing_ui
from pages.ui.session_list import open_sessions

actor = ui.guard("administration")
engine = ui.engine()
t = ui.t
may_change = access.can(actor, "account.admin")
today = clock.today()

st.title(t("admin.title"))
accounts_tab, staff_tab, initiatives_tab, log_tab, sample_tab = st.tabs(
    [t("admin.tab_accounts"), t("admin.tab_staff"), t("admin.tab_initiatives"), t("admin.tab_log"),
     t("admin.tab_sample")])


def local_times(frame, *columns):
    """Moments in Danish time without the offset, for tables people read."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(LOCAL_TZ) \
            .dt.tz_localize(None)
    return frame


def show_password_once() -> None:
    shown = st.session_state.pop("admin_password_once", None)
    if shown:
        username, password = shown
        st.success(t("admin.password_once", username=username))
        st.code(password, language=None)


def account_list(accounts) -> None:
    frame = accounts.copy()
    frame["role"] = [t(f"role.{role}") for role in frame["role"]]
    frame["login"] = [t(f"admin.login_{kind}") for kind in frame["login"]]
    local_times(frame, "locked_until", "last_login_at")
    ui.table(
        frame.drop(columns=["id", "locked"]), key="admin_accounts", lang=ui.lang(),
        column_config={
            "username": t("admin.col_username"), "role": t("admin.col_role"),
            "staff": t("admin.col_staff"), "team": t("admin.col_team"),
            "login": t("admin.col_login"),
            "active": st.column_config.CheckboxColumn(t("admin.col_active")),
            "locked_until": st.column_config.DatetimeColumn(t("admin.col_locked_until"),
                                                            format="DD-MM-YYYY HH:mm"),
            "must_change_password": st.column_config.CheckboxColumn(t("admin.col_must_change")),
            "failed_logins": t("admin.col_failed"),
            "last_login_at": st.column_config.DatetimeColumn(t("admin.col_last_login"),
                                                             format="DD-MM-YYYY HH:mm"),
        })


def create_form() -> None:
    staff = admin.staff_choices(engine, actor)
    plain = ui.translator()  # options show as plain text: typed names go in as typed
    labels = {None: t("admin.no_staff")} | {
        int(row.id): plain("admin.staff_option", name=row.name, role=t(f"role.{row.role}"),
                           team=row.team or "-")
        + (t("admin.staff_has_account") if row.accounts else "")
        for row in staff.itertuples()}
    with st.form("admin_create", clear_on_submit=True):
        st.subheader(t("admin.create_header"))
        st.caption(t("admin.create_intro") if len(labels) > 1 else t("admin.create_no_staff"))
        left, middle, right = st.columns(3)
        username = left.text_input(t("admin.username"), key="admin_new_username")
        # "" stands for the staff member's role (a None option would show as unchosen).
        roles = ["", *(r for r in ROLES if r in ALL_ROLES)]
        role = ui.selectbox(t("admin.role"), roles,
                            format_func=lambda r: t(f"role.{r}") if r else t("admin.role_of_staff"),
                            key="admin_new_role", where=middle)
        staff_id = ui.selectbox(t("admin.staff"), list(labels), format_func=labels.get,
                                key="admin_new_staff", where=right)
        oidc_sub = st.text_input(t("admin.oidc_sub"), key="admin_new_sub")
        if st.form_submit_button(t("admin.create_submit"), type="primary"):
            try:
                password = admin.create_account(engine, actor, username=username,
                                                role=role or None, staff_id=staff_id,
                                                oidc_sub=oidc_sub)
            except UserError as error:
                ui.show_error(error)
            else:
                name = username.strip().lower()
                st.session_state["admin_notice"] = t("admin.created", username=name)
                if password:
                    st.session_state["admin_password_once"] = (name, password)
                st.rerun()


def manage_form(accounts) -> None:
    st.subheader(t("admin.manage_header"))
    names = dict(zip(accounts["id"].astype(int), accounts["username"]))
    user_id = ui.selectbox(t("admin.account"), list(names), format_func=names.get,
                           key="admin_account")
    if user_id is None:
        return
    row = accounts[accounts["id"] == user_id].iloc[0]
    name = names[user_id]
    buttons = st.columns(3)
    try:
        if row["active"]:
            if buttons[0].button(t("admin.deactivate"), key="admin_deactivate",
                                 icon=":material/person_off:"):
                admin.set_active(engine, actor, user_id, active=False)
                st.session_state["admin_notice"] = t("admin.deactivated", username=name)
                st.rerun()
        elif buttons[0].button(t("admin.reactivate"), key="admin_reactivate",
                               icon=":material/person_check:"):
            admin.set_active(engine, actor, user_id, active=True)
            st.session_state["admin_notice"] = t("admin.reactivated", username=name)
            st.rerun()
        if buttons[1].button(t("admin.reset_password"), key="admin_reset", icon=":material/key:"):
            st.session_state["admin_password_once"] = (
                name, admin.reset_password(engine, actor, user_id))
            st.rerun()
        if buttons[2].button(t("admin.unlock"), key="admin_unlock", icon=":material/lock_open:",
                             disabled=not row["locked"] and row["failed_logins"] == 0):
            admin.unlock(engine, actor, user_id)
            st.session_state["admin_notice"] = t("admin.unlocked", username=name)
            st.rerun()
    except UserError as error:
        ui.show_error(error)


def locked_list() -> None:
    locked = auth.locked_accounts(engine, actor)
    st.markdown(f"**{t('admin.locked_accounts')}**")
    ui.table(
        local_times(locked.drop(columns=["id"]), "locked_until"), key="admin_locked",
        lang=ui.lang(), empty=t("admin.no_locked"),
        column_config={
            "username": t("admin.col_username"), "failed_logins": t("admin.col_failed"),
            "locked_until": st.column_config.DatetimeColumn(t("admin.col_locked_until"),
                                                            format="DD-MM-YYYY HH:mm"),
        })
    if locked.empty:
        return
    names = dict(zip(locked["id"].astype(int), locked["username"]))
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    user_id = ui.selectbox(t("admin.locked_account"), list(names), format_func=names.get,
                           key="locked_account", where=left)
    if right.button(t("admin.unlock"), key="locked_unlock", icon=":material/lock_open:",
                    disabled=user_id is None):
        admin.unlock(engine, actor, user_id)
        st.session_state["admin_notice"] = t("admin.unlocked", username=names[user_id])
        st.rerun()


def blocked_list() -> None:
    blocked = auth.blocked_addresses(engine, actor)
    st.markdown(f"**{t('admin.blocked_addresses')}**")
    ui.table(
        local_times(blocked.copy(), "last_failed_at", "blocked_until"), key="admin_blocked",
        lang=ui.lang(), empty=t("admin.no_blocked"),
        column_config={
            "address": t("admin.col_address"), "failed": t("admin.col_failed"),
            "last_failed_at": st.column_config.DatetimeColumn(t("admin.col_last_failed"),
                                                              format="DD-MM-YYYY HH:mm"),
            "blocked_until": st.column_config.DatetimeColumn(t("admin.col_blocked_until"),
                                                             format="DD-MM-YYYY HH:mm"),
        })
    if blocked.empty:
        return
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    address = ui.selectbox(t("admin.blocked_address"), list(blocked["address"]),
                           key="blocked_address", where=left)
    if right.button(t("admin.unblock"), key="blocked_unblock", icon=":material/lan:",
                    disabled=address is None):
        auth.unblock_address(engine, actor, address)
        st.session_state["admin_notice"] = t("admin.unblocked", address=address)
        st.rerun()


def locks_section() -> None:
    """Locked accounts and blocked addresses, each with when it ends; the admin lifts them early."""
    st.subheader(t("admin.locks_header"))
    st.caption(t("admin.locks_intro"))
    try:
        locked_list()
        blocked_list()
    except UserError as error:
        ui.show_error(error)


def sessions_section() -> None:
    """Everyone signed in now (a TV too); the admin ends a session, e.g. of a lost laptop."""
    st.subheader(t("session.all_heading"))
    st.caption(t("session.all_help"))
    open_sessions(actor, everyone=True)


with accounts_tab:
    notice = st.session_state.pop("admin_notice", None)
    if notice:
        st.success(notice)
    show_password_once()
    accounts = admin.list_accounts(engine, actor)
    account_list(accounts)
    if may_change:
        create_form()
        manage_form(accounts)
        locks_section()
        sessions_section()
    else:
        st.info(t("admin.leader_read_only"))


with staff_tab:
    staffing_ui.staff_tab(engine, actor)

with initiatives_tab:
    staffing_ui.initiatives_tab(engine, actor)


def period(key: str):
    chosen = ui.date_input(t("admin.period"), (today - timedelta(days=30), today), key=key,
                           **ui.ANY_DATE)
    return (chosen[0], chosen[1]) if len(chosen) == 2 else (chosen[0], chosen[0])


def log_table(frame, key: str) -> None:
    ui.table(
        local_times(frame.drop(columns=["id"]), "at"), key=key, lang=ui.lang(),
        column_config={
            "at": st.column_config.DatetimeColumn(t("admin.col_at"), format="DD-MM-YYYY HH:mm:ss"),
            "username": t("admin.col_user"), "action": t("admin.col_action"),
            "table_name": t("admin.col_table"),
            "row_id": st.column_config.NumberColumn(t("admin.col_row"), format="%d"),
            "detail": t("admin.col_detail"),
        })


with log_tab:
    st.caption(t("admin.log_intro"))
    choices = admin.log_choices(engine, actor)
    users = {None: t("admin.all")} | dict(choices["users"])
    with st.container(border=True):
        first_row = st.columns([2, 1, 1])
        with first_row[0]:
            start, end = period("log_period")
        user_id = ui.selectbox(t("admin.user"), list(users), format_func=users.get,
                               key="log_user", where=first_row[1])
        action = ui.selectbox(t("admin.action"), [None, *choices["actions"]],
                              format_func=lambda a: a or t("admin.all"), key="log_action",
                              where=first_row[2])
        second_row = st.columns([1, 1, 1])
        table_name = ui.selectbox(t("admin.table"), [None, *choices["tables"]],
                                  format_func=lambda a: a or t("admin.all"),
                                  key="log_table", where=second_row[0])
        # No bounds on the fields: the model answers a row id or page out of range.
        row_id = second_row[1].number_input(t("admin.row_id"), step=1, value=None, key="log_row")
        page = second_row[2].number_input(t("admin.page"), step=1, value=1, key="log_page")
    criteria = admin.LogFilter(start=start, end=end, user_id=user_id, action=action,
                               table_name=table_name, row_id=None if row_id is None else int(row_id))
    try:
        entries, total = admin.log_entries(engine, actor, criteria, page=int(page))
    except UserError as error:
        ui.show_error(error)
    else:
        if entries.empty:
            st.info(t("admin.no_entries"))
        else:
            first = (int(page) - 1) * admin.PAGE_SIZE + 1
            st.caption(t("admin.showing", first=first, last=first + len(entries) - 1, total=total))
            log_table(entries, "admin_log")
            st.download_button(
                t("admin.download"),
                data=lambda: exporting.to_csv_bytes(admin.export_log(engine, actor, criteria)),
                file_name=f"jobtavlen-log-{start:%Y%m%d}-{end:%Y%m%d}.csv", mime="text/csv",
                key="log_download", icon=":material/download:")


with sample_tab:
    st.caption(t("admin.sample_intro"))
    with st.form("sample"):
        start, end = period("sample_period")
        # No seed to type: the app draws it, so nobody chooses which entries are checked.
        size = st.columns(2)[0].number_input(t("admin.sample_size"), value=20, step=1,
                                             key="sample_size")
        drawn = st.form_submit_button(t("admin.sample_submit"), type="primary")
    if drawn:
        try:
            sample = admin.sample_log(engine, actor, start=start, end=end, size=int(size))
        except UserError as error:
            ui.show_error(error)
        else:
            st.success(t("admin.sample_result", seed=sample.seed, n=len(sample.entries),
                         start=i18n.format_date(start), end=i18n.format_date(end)))
            log_table(sample.entries, "admin_sample")
