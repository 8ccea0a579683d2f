"""A ranked list of matches with their reasons and a one-click "log contact about this citizen";
shown on the citizen's profile, on a sprint card and on the company's profile."""

from __future__ import annotations

import streamlit as st

from model import access, clock, i18n, matching
from model.access import Actor
from model.errors import UserError
from model.matching import Reason, Suggestion
from pages import ui

PLUS, MINUS = ":green[:material/check:]", ":orange[:material/remove:]"
POPOVER_WIDTH = 520  # px: reasons on one line each, even from a narrow board column
ICONS = {"recent_contact": ":orange[:material/history:]", "no_room": ":orange[:material/block:]"}


escape = ui.escape


def reason_text(reason: Reason) -> str:
    """The reason in words, in the chosen language."""
    params = reason.params
    if reason.code == "recent_contact" and params["days"] in (0, 1):
        return ui.t("matching.reason_recent_contact_today" if params["days"] == 0
                    else "matching.reason_recent_contact_yesterday")
    if reason.code == "job_result" and params["n"] == 1:
        return ui.t("matching.reason_job_result_one")
    if reason.code == "agreement":
        return ui.t("matching.reason_agreement",
                    agreement=ui.t(f"company.agreement_{params['kind']}").lower())
    return ui.t(f"matching.reason_{reason.code}", **params)


def _log(engine, actor: Actor, suggestion: Suggestion, key: str) -> None:
    """Callback of a suggestion's button: one click logs the contact."""
    try:
        matching.log_contact_about(engine, actor, company_id=suggestion.company_id,
                                   citizen_id=suggestion.citizen_id)
    except UserError as error:
        st.session_state[f"{key}_error"] = error
    else:
        st.session_state[f"{key}_logged"] = ui.t(
            "matching.logged", company=suggestion.company, citizen=suggestion.citizen,
            date=i18n.format_date(clock.today()))


def show_suggestions(engine, actor: Actor, suggestions: list[Suggestion], *, key: str,
                     about: str = "company") -> None:
    """The suggestions best first, each with its score, its reasons and (for roles that may log
    contacts) the one-click button. `about` names what each row is: "company" or "citizen"."""
    if message := st.session_state.pop(f"{key}_logged", None):
        st.success(message, icon=":material/call:")
    if error := st.session_state.pop(f"{key}_error", None):
        ui.show_error(error)
    if not suggestions:
        st.caption(ui.t("matching.none_companies" if about == "company"
                        else "matching.none_citizens"))
        return
    can_log = access.can(actor, "contact.write")
    for rank, suggestion in enumerate(suggestions, start=1):
        with st.container(border=True, key=f"{key}_{suggestion.company_id}_{suggestion.citizen_id}"):
            title = suggestion.company if about == "company" else suggestion.citizen
            detail = suggestion.industry if about == "company" else ""
            heading = f"**{rank}. {escape(title)}**"
            if detail:
                heading += f" :gray[· {escape(detail)}]"
            st.markdown(f"{heading} :blue-badge[{ui.t('matching.score', score=suggestion.score)}]")
            st.markdown("  \n".join(f"{ICONS.get(r.code, PLUS if r.points > 0 else MINUS)} "
                                     f"{reason_text(r)}" for r in suggestion.reasons))
            if can_log:
                st.button(ui.t("matching.log_button", citizen=suggestion.citizen),
                          key=f"{key}_log_{suggestion.company_id}_{suggestion.citizen_id}",
                          icon=":material/add_call:",
                          help=ui.t("matching.log_help", company=suggestion.company,
                                    citizen=suggestion.citizen),
                          on_click=_log, args=(engine, actor, suggestion, key))


def companies_for_citizen(engine, actor: Actor, citizen_id: int, *, key: str) -> None:
    """Load and show the companies that fit a citizen."""
    try:
        found = matching.companies_for_citizen(engine, actor, citizen_id)
    except UserError as error:
        ui.show_error(error)
        return
    show_suggestions(engine, actor, found, key=key, about="company")


def citizens_for_company(engine, actor: Actor, company_id: int, *, key: str) -> None:
    """Load and show the citizens who fit a company."""
    try:
        found = matching.citizens_for_company(engine, actor, company_id)
    except UserError as error:
        ui.show_error(error)
        return
    show_suggestions(engine, actor, found, key=key, about="citizen")


def card_popover(engine, actor: Actor, citizen_id: int, *, key: str) -> None:
    """A sprint card's "companies that fit" popover; the list loads only while it is open."""
    popover = st.popover(ui.t("matching.card_button"), icon=":material/join_inner:",
                         width="stretch", key=key, on_change="rerun")
    if popover.open:
        with popover, st.container(width=POPOVER_WIDTH):
            companies_for_citizen(engine, actor, citizen_id, key=f"{key}_list")


def profile_expander(engine, actor: Actor, citizen_id: int, citizen: str) -> None:
    """The citizen profile's "companies that fit"; the list loads only while it is open."""
    section = st.expander(ui.t("matching.companies_heading"), icon=":material/join_inner:",
                          key="citizen_matches_open", on_change="rerun")
    if section.open:
        with section:
            st.caption(ui.t("matching.companies_caption", citizen=citizen))
            companies_for_citizen(engine, actor, citizen_id, key="citizen_matches")
