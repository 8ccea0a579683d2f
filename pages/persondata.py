"""Persondata: a citizen's right of access and erasure; retention periods and the deletion ledger."""

import pandas as pd
import streamlit as st

from model import access, i18n, people, privacy, retention
from model.errors import UserError
from pages import ui

actor = ui.guard("persondata")
t, engine, lang = ui.t, ui.engine(), ui.lang()
MIN_SEARCH = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(t("nav.personal_data"))
st.caption(t("privacy.intro"))
if flash := st.session_state.pop("pd_flash", None):
    st.success(flash)


def number(value: int) -> str:
    return i18n.format_number(value, lang)


def citizen_section() -> None:
    st.subheader(t("privacy.citizen_heading"))
    query = st.text_input(t("privacy.search"), key="pd_search", help=t("privacy.search_help"))
    if len(query.strip()) < MIN_SEARCH:
        st.caption(t("privacy.search_short", n=MIN_SEARCH))
        return
    try:
        found = people.search_citizens(engine, actor, query)
    except UserError as error:  # a CPR number typed as the search is refused, not logged
        ui.show_error(error)
        return
    if found.empty:
        st.info(t("privacy.no_match"))
        return
    names = {row.id: f"{row.first_name} {row.last_name}" for row in found.itertuples()}
    years = dict(zip(found["id"], found["birth_year"]))
    if st.session_state.get("pd_citizen") not in names:
        st.session_state.pop("pd_citizen", None)  # the new search no longer finds the pick
    citizen_id = ui.selectbox(
        t("privacy.pick"), list(names), key="pd_citizen", index=None,
        placeholder=t("privacy.pick_placeholder"),
        format_func=lambda cid: i18n.t("privacy.citizen_option", lang, name=names[cid],
                                       year=years[cid]))
    if citizen_id is None:
        return
    access_report(citizen_id, names[citizen_id])
    erasure(citizen_id, names[citizen_id])


def access_report(citizen_id: int, name: str) -> None:
    st.markdown(f"#### {t('privacy.access_heading')}")
    st.caption(t("privacy.access_help"))
    if st.button(t("privacy.make_report"), key="pd_make_report", icon=":material/summarize:"):
        try:
            report = privacy.access_report(engine, actor, citizen_id)
        except UserError as error:
            ui.show_error(error)
            return
        rows = sum(len(frame) for key, frame in report.items() if key != "citizen")
        st.session_state["pd_report"] = {
            "citizen_id": citizen_id, "rows": rows, "sheets": len(report),
            "xlsx": privacy.access_workbook(report, lang), "json": privacy.access_json(report),
            "views": len(report["access_log"]),
        }
    made = st.session_state.get("pd_report")
    if not made or made["citizen_id"] != citizen_id:
        return
    st.success(t("privacy.report_ready", name=name, rows=made["rows"], sheets=made["sheets"],
                 views=made["views"]))
    left, right = st.columns(2)
    file_name = f"indsigt-borger-{citizen_id}"
    left.download_button(t("privacy.download_xlsx"), made["xlsx"], file_name=f"{file_name}.xlsx",
                         mime=XLSX, key="pd_xlsx", icon=":material/download:")
    right.download_button(t("privacy.download_json"), made["json"], file_name=f"{file_name}.json",
                          mime="application/json", key="pd_json", icon=":material/download:")


def erasure(citizen_id: int, name: str) -> None:
    st.markdown(f"#### {t('privacy.erase_heading')}")
    if not access.can(actor, "privacy.erase"):
        return
    try:
        counts = privacy.erasure_preview(engine, actor, citizen_id)
    except UserError as error:
        ui.show_error(error)
        return
    removed = [t("privacy.count_line", what=t(f"privacy.table_{table}"), n=n)
               for table, n in counts.items() if n]
    st.markdown(t("privacy.erase_what", name=name) + "\n" + "\n".join(
        f"- {line}" for line in [t("privacy.erase_the_citizen"), *removed]))
    st.caption(t("privacy.erase_kept"))
    mentions = privacy.name_mentions(engine, actor, citizen_id)
    with st.form("pd_erase_form"):
        chosen = []
        if mentions:
            # Free text elsewhere that names the citizen: redacted with the erasure, unless unticked.
            st.markdown(t("privacy.mentions", n=len(mentions)))
            for hit in mentions:
                where = t("privacy.mention_where", table=t(f"privacy.text_{hit.table}"),
                          column=t(f"privacy.column_{hit.column}"), id=hit.row_id)
                if st.checkbox(f"{where}: {ui.escape(hit.text[:120])}", value=True,
                               key=f"pd_redact_{hit.table}_{hit.row_id}_{hit.column}"):
                    chosen.append((hit.table, hit.row_id, hit.column))
        confirm = st.text_input(t("privacy.erase_confirm_label", name=name), key="pd_confirm")
        submitted = st.form_submit_button(t("privacy.erase_button"), type="primary",
                                          icon=":material/delete_forever:")
    if submitted:
        try:
            done = privacy.erase_citizen(engine, actor, citizen_id, confirm_name=confirm,
                                         redact=chosen)
        except UserError as error:
            ui.show_error(error)
            return
        st.session_state["pd_flash"] = t("privacy.erased", name=name,
                                         rows=number(sum(done.values())))
        for key in ("pd_citizen", "pd_report", "pd_search"):
            st.session_state.pop(key, None)
        st.rerun()


def retention_section() -> None:
    st.subheader(t("privacy.retention_heading"))
    st.caption(t("privacy.retention_help"))
    may_edit = access.can(actor, "retention.write")
    current = retention.policy(engine, actor)
    with st.form("pd_periods"):
        chosen = {}
        for row in current.itertuples():
            chosen[row.category] = st.number_input(
                t(f"privacy.category_{row.category}"), value=int(row.months), step=1,
                key=f"pd_months_{row.category}", disabled=not may_edit,
                help=t(f"privacy.category_help_{row.category}", default=row.default))
        saved = st.form_submit_button(t("privacy.save_periods"), disabled=not may_edit)
    if not may_edit:
        st.caption(t("privacy.admin_only"))
    if saved and may_edit:
        try:
            for row in current.itertuples():
                if int(chosen[row.category]) != int(row.months):
                    retention.set_period(engine, actor, category=row.category,
                                         months=int(chosen[row.category]))
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state["pd_flash"] = t("privacy.periods_saved")
            st.rerun()

    due = retention.preview(engine, actor)
    st.markdown(t("privacy.preview", citizens=number(due["citizen"]),
                  contacts=number(due["company_contact"]), logs=number(due["audit_log"])))
    if may_edit:
        with st.form("pd_run"):
            sure = st.checkbox(t("privacy.run_confirm"), key="pd_run_sure")
            run = st.form_submit_button(t("privacy.run_now"), icon=":material/auto_delete:")
        if run:
            if not sure:
                st.error(t("privacy.run_confirm_missing"))
            else:
                report = retention.run_now(engine, actor)
                st.session_state["pd_flash"] = t(
                    "privacy.run_done", citizens=number(report.categories["citizen"].rows),
                    contacts=number(report.categories["company_contact"].rows),
                    logs=number(report.categories["audit_log"].rows))
                st.rerun()
    ledger_section()


def ledger_section() -> None:
    st.markdown(f"#### {t('privacy.ledger_heading')}")
    st.caption(t("privacy.ledger_help"))
    ledger = retention.ledger(engine, actor)
    if ledger.empty:
        st.info(t("privacy.ledger_empty"))
        return
    shown = pd.DataFrame({
        t("privacy.col_ran_at"): ledger["ran_at"],
        t("privacy.col_reason"): [t(f"privacy.reason_{v}") for v in ledger["reason"]],
        t("privacy.col_category"): [t(f"privacy.short_{v}") for v in ledger["category"]],
        t("privacy.col_cutoff"): ledger["cutoff"],
        t("privacy.col_rows_deleted"): ledger["rows_deleted"],
    })
    ui.table(shown, key="pd_ledger", lang=lang)


citizen_tab, retention_tab = st.tabs([t("privacy.tab_citizen"), t("privacy.tab_retention")])
with citizen_tab:
    citizen_section()
with retention_tab:
    retention_section()
