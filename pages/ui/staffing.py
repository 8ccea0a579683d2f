"""Administration's set-up sections: teams, staff members and initiatives (model/staffing.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model import access, i18n, staffing
from model.access import Actor
from model.errors import StaleVersion, UserError
from pages import ui


def _role_label(role: str) -> str:
    return ui.t(f"role.{role}")


def _notice(key: str) -> None:
    if message := st.session_state.pop(key, None):
        st.success(message)


def _seen(key: str, current, widget_key: str):
    """The row as the open form was filled from: kept while the form stays on the page, so a
    colleague's save in between is refused instead of overwritten."""
    seen = st.session_state.get(key)
    if seen is None or seen.id != current.id or widget_key not in st.session_state:
        st.session_state[key] = seen = current
    return seen


# --- Teams ------------------------------------------------------------------------------------


def teams_section(engine, actor: Actor, teams) -> None:
    t = ui.t
    st.subheader(t("staffing.teams_header"))
    if teams.empty:
        st.info(t("staffing.no_teams"))
    else:
        ui.table(teams.drop(columns=["id"]), key="staffing_teams", lang=ui.lang(),
                 column_config={"name": t("staffing.col_team"),
                                "staff": t("staffing.col_staff_count"),
                                "citizens": t("staffing.col_citizen_count")})
    if not access.can(actor, "team.edit"):
        return
    left, right = st.columns(2)
    with left, st.form("team_create", clear_on_submit=True):
        st.markdown(f"**{t('staffing.team_create_header')}**")
        name = st.text_input(t("staffing.team_name"), key="team_new_name")
        if st.form_submit_button(t("staffing.team_create_submit"), type="primary"):
            try:
                staffing.create_team(engine, actor, name=name)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["staffing_notice"] = t("staffing.team_created", name=name.strip())
                st.rerun()
    if teams.empty:
        return
    with right, st.container(border=True):
        st.markdown(f"**{t('staffing.team_rename_header')}**")
        names = dict(zip(teams["id"].astype(int), teams["name"]))
        team_id = ui.selectbox(t("staffing.team"), list(names), format_func=names.get,
                               key="team_rename_id")
        refill = st.session_state.get("team_refill", 0)
        widget = f"team_rename_name_{team_id}_{refill}"
        if widget not in st.session_state:
            st.session_state["team_seen"] = names[team_id]  # the name the form is filled from
        with st.form("team_rename"):
            new_name = st.text_input(t("staffing.team_new_name"), value=names[team_id], key=widget)
            if st.form_submit_button(t("common.save")):
                try:
                    staffing.rename_team(engine, actor, team_id,
                                         expected_name=st.session_state["team_seen"], name=new_name)
                except UserError as error:
                    if isinstance(error, StaleVersion):
                        st.session_state["team_refill"] = refill + 1
                    ui.show_error(error)
                else:
                    st.session_state["staffing_notice"] = t("staffing.team_renamed",
                                                            name=new_name.strip())
                    st.rerun()


# --- Staff members ----------------------------------------------------------------------------


def _staff_fields(prefix: str, actor: Actor, team_names: dict, member=None) -> dict:
    """The inputs of a staff member inside a form; the roles and teams the actor may give."""
    t = ui.t
    roles = list(staffing.STAFF_MEMBER_ROLES) if actor.role == "admin" \
        else [r for r in staffing.STAFF_MEMBER_ROLES if r in staffing.LEADER_GIVES]
    teams = [None, *team_names] if actor.role == "admin" else [actor.team_id]
    c1, c2 = st.columns([3, 1])
    name = c1.text_input(t("staffing.name"), value=member.name if member else "",
                         key=f"{prefix}_name")
    initials = c2.text_input(t("staffing.initials"), value=member.initials if member else "",
                             key=f"{prefix}_initials", max_chars=4,
                             help=t("staffing.initials_help"))
    c3, c4, c5 = st.columns([2, 2, 1], vertical_alignment="bottom")
    role = ui.selectbox(t("staffing.role"), roles, format_func=_role_label, key=f"{prefix}_role",
                        index=roles.index(member.role) if member and member.role in roles
                        else roles.index("consultant"), where=c3)
    if member is not None:
        team_index = teams.index(member.team_id) if member.team_id in teams else 0
    else:
        team_index = 1 if len(teams) > 1 else 0  # an admin's first team rather than none
    # Keyed by the number of teams: a new team draws a new picker, on the first team by default.
    team_id = ui.selectbox(t("staffing.team"), teams, key=f"{prefix}_team_{len(teams)}",
                           index=team_index,
                           format_func=lambda i: team_names.get(i) or t("staffing.no_team"),
                           where=c4)
    active = c5.checkbox(t("staffing.active"), value=member.active if member else True,
                         key=f"{prefix}_active")
    return dict(name=name, initials=initials, role=role, team_id=team_id, active=active)


def _create_staff_form(engine, actor: Actor, team_names: dict) -> None:
    t = ui.t
    with st.form("staff_create", clear_on_submit=True):
        st.markdown(f"**{t('staffing.staff_create_header')}**")
        fields = _staff_fields("staff_new", actor, team_names)
        if st.form_submit_button(t("staffing.staff_create_submit"), type="primary"):
            try:
                member = staffing.create_staff(engine, actor, **fields)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["staffing_notice"] = t(
                    "staffing.staff_created", name=member.name, initials=member.initials)
                st.rerun()


def _saved_message(saved: staffing.StaffSaved) -> str:
    t = ui.t
    parts = [t("staffing.staff_saved", name=saved.member.name)]
    if saved.accounts_deactivated:
        parts.append(t("staffing.accounts_deactivated",
                       accounts=", ".join(saved.accounts_deactivated)))
    if saved.accounts_new_role:
        parts.append(t("staffing.accounts_new_role", accounts=", ".join(saved.accounts_new_role),
                       role=_role_label(saved.member.role)))
    return " ".join(parts)


def _edit_staff_form(engine, actor: Actor, members, team_names: dict) -> None:
    t = ui.t
    editable = [int(row.id) for row in members.itertuples()
                if staffing.may_edit_staff(actor, team_id=None if pd.isna(row.team_id)
                                           else int(row.team_id), role=row.role)]
    if not editable:
        return
    labels = {int(row.id): f"{row.name} ({row.initials}, {row.team or t('staffing.no_team')})"
              for row in members.itertuples()}
    with st.container(border=True):
        st.markdown(f"**{t('staffing.staff_edit_header')}**")
        staff_id = ui.selectbox(t("staffing.staff_member"), editable, format_func=labels.get,
                                key="staff_edit_id")
        try:
            current = staffing.get_staff(engine, actor, staff_id)
        except UserError as error:
            ui.show_error(error)
            return
        refill = st.session_state.get("staff_refill", 0)
        prefix = f"staff_edit_{staff_id}_{refill}"
        seen = _seen("staff_seen", current, f"{prefix}_name")
        accounts = members.loc[members["id"] == staff_id, "accounts"].iloc[0]
        with st.form(f"staff_edit_form_{staff_id}"):
            fields = _staff_fields(prefix, actor, team_names, seen)
            if accounts:
                st.caption(t("staffing.account_follows", accounts=accounts))
            if st.form_submit_button(t("common.save"), type="primary"):
                try:
                    saved = staffing.update_staff(engine, actor, staff_id, expected=seen, **fields)
                except UserError as error:
                    if isinstance(error, StaleVersion):
                        st.session_state.pop("staff_seen", None)
                        st.session_state["staff_refill"] = refill + 1
                    ui.show_error(error)
                else:
                    st.session_state.pop("staff_seen", None)
                    st.session_state["staffing_notice"] = _saved_message(saved)
                    st.rerun()


def staff_section(engine, actor: Actor, teams) -> None:
    t = ui.t
    st.subheader(t("staffing.staff_header"))
    members = staffing.list_staff_members(engine, actor)
    if members.empty:
        st.info(t("staffing.no_staff"))
    else:
        shown = members.drop(columns=["id", "team_id"])
        shown["role"] = shown["role"].map(_role_label)
        ui.table(shown, key="staffing_staff", lang=ui.lang(),
                 column_config={"name": t("staffing.name"),
                                "initials": t("staffing.initials"),
                                "role": t("staffing.role"), "team": t("staffing.team"),
                                "active": st.column_config.CheckboxColumn(t("staffing.active")),
                                "accounts": t("staffing.col_accounts")})
    if not staffing.may_edit_staff(actor):
        return
    if actor.role != "admin" and actor.team_id is None:
        st.info(t("staffing.leader_without_team"))
        return
    team_names = dict(zip(teams["id"].astype(int), teams["name"]))
    if actor.role == "admin" and not team_names:
        st.caption(t("staffing.create_team_first"))
    elif actor.role != "admin":
        st.caption(t("staffing.leader_scope"))
    _create_staff_form(engine, actor, team_names)
    if not members.empty:
        _edit_staff_form(engine, actor, members, team_names)


def staff_tab(engine, actor: Actor) -> None:
    """Teams and staff members: the lists, and the forms the actor's role may use."""
    _notice("staffing_notice")
    st.caption(ui.t("staffing.intro"))
    teams = staffing.list_teams(engine, actor)
    teams_section(engine, actor, teams)
    staff_section(engine, actor, teams)


# --- Initiatives -------------------------------------------------------------------------------


def _initiative_fields(prefix: str, row=None) -> dict:
    t = ui.t
    name = st.text_input(t("staffing.initiative_name"), value=row.name if row else "",
                         key=f"{prefix}_name")
    c1, c2, c3 = st.columns([1, 1, 2])
    start = ui.date_input(t("staffing.initiative_start"), value=row.start_date if row else None,
                          key=f"{prefix}_start", where=c1)
    end = ui.date_input(t("staffing.initiative_end"), value=row.end_date if row else None,
                        key=f"{prefix}_end", where=c2)
    funder = c3.text_input(t("staffing.initiative_funder"), value=row.funder if row else "",
                           key=f"{prefix}_funder")
    description = st.text_area(t("staffing.initiative_description"),
                               value=row.description if row else "", key=f"{prefix}_description",
                               height=80)
    return dict(name=name, start_date=start, end_date=end, funder=funder, description=description)


def initiatives_tab(engine, actor: Actor) -> None:
    """Initiatives (indsatser): the list, and create and edit for admins and leaders."""
    t = ui.t
    _notice("initiative_notice")
    st.caption(t("staffing.initiatives_intro"))
    rows = staffing.list_initiatives(engine, actor)
    if rows.empty:
        st.info(t("staffing.no_initiatives"))
    else:
        ui.table(rows.drop(columns=["id"]), key="staffing_initiatives", lang=ui.lang(),
                 column_config={
                     "name": t("staffing.initiative_name"),
                     "start_date": st.column_config.DateColumn(
                         t("staffing.initiative_start"), format="DD-MM-YYYY"),
                     "end_date": st.column_config.DateColumn(
                         t("staffing.initiative_end"), format="DD-MM-YYYY"),
                     "funder": t("staffing.initiative_funder"),
                     "description": t("staffing.initiative_description"),
                     "citizens": t("staffing.col_citizen_count")})
    if not access.can(actor, "initiative.edit"):
        return
    with st.form("initiative_create", clear_on_submit=True):
        st.markdown(f"**{t('staffing.initiative_create_header')}**")
        fields = _initiative_fields("initiative_new")
        if st.form_submit_button(t("staffing.initiative_create_submit"), type="primary"):
            try:
                staffing.create_initiative(engine, actor, **fields)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["initiative_notice"] = t("staffing.initiative_created",
                                                          name=fields["name"].strip())
                st.rerun()
    if rows.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{t('staffing.initiative_edit_header')}**")
        names = dict(zip(rows["id"].astype(int), rows["name"]))
        initiative_id = ui.selectbox(t("staffing.initiative"), list(names), format_func=names.get,
                                     key="initiative_edit_id")
        current = staffing.get_initiative(engine, actor, initiative_id)
        refill = st.session_state.get("initiative_refill", 0)
        prefix = f"initiative_edit_{initiative_id}_{refill}"
        seen = _seen("initiative_seen", current, f"{prefix}_name")
        with st.form(f"initiative_edit_form_{initiative_id}"):
            fields = _initiative_fields(prefix, seen)
            if st.form_submit_button(t("common.save"), type="primary"):
                try:
                    staffing.update_initiative(engine, actor, initiative_id, expected=seen, **fields)
                except UserError as error:
                    if isinstance(error, StaleVersion):
                        st.session_state.pop("initiative_seen", None)
                        st.session_state["initiative_refill"] = refill + 1
                    ui.show_error(error)
                else:
                    st.session_state.pop("initiative_seen", None)
                    st.session_state["initiative_notice"] = t(
                        "staffing.initiative_saved", name=fields["name"].strip(),
                        period=_period(fields["start_date"], fields["end_date"]))
                    st.rerun()


def _period(start, end) -> str:
    return f"{i18n.format_date(start) or '…'} – {i18n.format_date(end) or '…'}"
