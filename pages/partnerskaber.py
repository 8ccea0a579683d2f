"""Partnerskaber: the partners behind an effort and who pays for what, the hours and wage cost of
pocket-money jobs per payer and month, and how many young people the partnership reached."""

import pandas as pd
import plotly.express as px
import streamlit as st

from model import access, charts, clock, i18n, partnerships, people, results
from model.errors import UserError
from pages import ui

actor = ui.guard("partnerskaber")
t, engine, lang = ui.t, ui.engine(), ui.lang()
today = clock.today()
can_write = access.can(actor, "partnership.write")
UNPAID_AT_ONCE = 50  # jobs without a payer offered in one go, oldest first


def kind_label(kind: str) -> str:
    return i18n.code_label(partnerships.PARTNER_KIND_KEYS, kind, lang)


def kroner(amount: float) -> str:
    return f"{i18n.format_number(amount, lang)} kr."


def month_label(day) -> str:
    return f"{t('partnership.months').split(',')[day.month - 1]} {day.year}"


def new_partnership_form() -> None:
    initiatives = people.filter_options(engine, actor)["initiatives"]
    names = dict(zip(initiatives["id"].tolist(), initiatives["name"].tolist()))
    with st.form("partnership_new", clear_on_submit=True):
        c1, c2, c3 = st.columns([2, 2, 1])
        name = c1.text_input(t("partnership.name"), key="new_partnership_name")
        initiative = ui.selectbox(t("partnership.initiative"), [0, *names], where=c2,
                                  key="new_partnership_initiative",
                                  format_func=lambda i: names.get(i) or t("partnership.no_initiative"))
        target = c3.number_input(t("partnership.target"), step=1, value=None,
                                 key="new_partnership_target", help=t("partnership.target_help"))
        submitted = st.form_submit_button(t("partnership.create"), type="primary")
    if submitted:
        try:
            new_id = partnerships.create_partnership(
                engine, actor, name=name, initiative_id=initiative or None,
                target_reach=None if target is None else int(target))
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state["partnership_pick"] = new_id
            st.session_state["partnership_flash"] = t("partnership.created", name=name.strip())
            st.rerun()


def new_partner_form(partnership_id: int) -> None:
    with st.form("partner_new", clear_on_submit=True):
        c1, c2, c3 = st.columns([2, 1, 2])
        name = c1.text_input(t("partnership.partner_name"), key="new_partner_name")
        kind = ui.selectbox(t("partnership.partner_kind"), partnerships.PARTNER_KINDS, where=c2,
                            key="new_partner_kind", format_func=kind_label)
        pays_for = c3.text_input(t("partnership.pays_for"), key="new_partner_pays_for",
                                 placeholder=t("partnership.pays_for_placeholder"))
        submitted = st.form_submit_button(t("partnership.add_partner"), type="primary")
    if submitted:
        try:
            partnerships.add_partner(engine, actor, partnership_id=partnership_id, name=name,
                                     kind=kind, pays_for=pays_for)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state["partnership_flash"] = t("partnership.partner_added", name=name.strip())
            st.rerun()


def reach_section(row) -> None:
    reached = partnerships.shown_reach(partnerships.reach(engine, actor, int(row.id), as_of=today))
    target, count = reached["target"], reached["reached"]
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    if count is None:
        # Under the minimum group size: no number, nor a bar that would show it.
        shown = t("results.too_few")
        c1.metric(t("partnership.reached"),
                  t("partnership.reached_of", n=shown, target=target) if target else shown)
        c2.caption(t("results.min_group", min=results.min_group_size()))
    elif target:
        c1.metric(t("partnership.reached"), t("partnership.reached_of", n=count, target=target))
        c2.progress(min(count / target, 1.0),
                    text=t("partnership.progress", percent=round(count * 100 / target)))
    else:
        c1.metric(t("partnership.reached"), count)
        c2.caption(t("partnership.no_target"))
    st.caption(t("partnership.reach_caption"))


def partners_section(partnership_id: int) -> None:
    st.subheader(t("partnership.partners_title"))
    partners = partnerships.list_partners(engine, actor, partnership_id=partnership_id)
    if partners.empty:
        st.info(t("partnership.no_partners"))
    else:
        table = pd.DataFrame({t("partnership.partner_name"): partners["name"],
                              t("partnership.partner_kind"): partners["kind"].map(kind_label),
                              t("partnership.pays_for"): partners["pays_for"]})
        ui.table(table, key="partners_table", lang=lang)
        ui.download_buttons(table, "partnere", key="partners_download")
    if can_write:
        with st.expander(t("partnership.add_partner"), icon=":material/group_add:"):
            new_partner_form(partnership_id)


def costs_section(partnership_id: int) -> None:
    st.subheader(t("partnership.costs_title"))
    counted = partnerships.shown_costs(partnerships.pocket_money_costs(
        engine, actor, partnership_id=partnership_id, as_of=today))
    costs = counted.frame
    if costs.empty:
        st.info(t("partnership.no_costs"))
        return
    costs = costs.assign(payer=costs["payer"].fillna(t("partnership.no_payer")),
                         month_text=costs["month"].map(month_label))
    # What the jobs cost until today and what the agreed jobs will cost after it, never mixed
    # without saying so: the total names the planned days it includes.
    day = i18n.format_date(today)
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric(t("partnership.hours_done"), i18n.format_number(costs["hours_done"].sum(), lang))
    m2.metric(t("partnership.cost_done"), kroner(costs["wage_cost_done"].sum()),
              help=t("partnership.cost_done_help", date=day))
    m3.metric(t("partnership.cost_planned"), kroner(costs["wage_cost_planned"].sum()),
              help=t("partnership.cost_planned_help", date=day))
    m4.metric(t("partnership.total_cost"), kroner(costs["wage_cost"].sum()),
              help=t("partnership.total_cost_help"))
    this_month = costs[costs["month"] == today.replace(day=1)]
    m5.metric(t("partnership.month_cost", month=month_label(today)),
              kroner(this_month["wage_cost"].sum()), help=t("partnership.month_cost_help"))
    figure = px.bar(costs, x="month_text", y="wage_cost", color="payer",
                    labels={"wage_cost": t("partnership.cost_axis"), "month_text": "", "payer": ""},
                    hover_data={"hours": ":.1f", "placements": True},
                    category_orders={"month_text": list(dict.fromkeys(costs["month_text"]))})
    figure.update_layout(height=360, barmode="stack", margin=dict(l=10, r=10, t=10, b=10),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                         separators=",." if lang == "da" else ".,", yaxis_tickformat=",.0f")
    st.plotly_chart(figure, width="stretch", key="costs_chart")
    st.caption(t("partnership.costs_caption"))
    table = pd.DataFrame({t("partnership.col_month"): costs["month_text"],
                          t("partnership.col_payer"): costs["payer"],
                          t("partnership.col_jobs"): counted.marked(t("results.too_few"))["placements"],
                          t("partnership.col_hours"): costs["hours"].round(1),
                          t("partnership.col_cost"): costs["wage_cost"].round(0),
                          t("partnership.col_planned"): costs["wage_cost_planned"].round(0)})
    ui.table(charts.marked_as_text(table, lang), key="costs_table", lang=lang,
             decimals={t("partnership.col_hours"): 1, t("partnership.col_cost"): 0,
                       t("partnership.col_planned"): 0})
    ui.download_buttons(table, "lommepengejob-udgifter", key="costs_download")


def unpaid_section(partnership_id: int) -> None:
    """Pocket-money jobs without a payer: say so, and let an editor record one of the partners."""
    if not access.can(actor, "placement.write"):
        return
    missing = partnerships.count_unpaid_pocket_money_jobs(engine, actor)
    if not missing:
        return
    st.warning(t("partnership.unpaid_warning", n=missing))
    unpaid = partnerships.unpaid_pocket_money_jobs(engine, actor, limit=UNPAID_AT_ONCE)
    partners = partnerships.list_partners(engine, actor, partnership_id=partnership_id)
    if partners.empty:
        return
    jobs = {int(row.id): t("partnership.unpaid_job", name=f"{row.first_name} {row.last_name}",
                           company=row.company, date=i18n.format_date(row.start_date))
            for row in unpaid.itertuples()}
    payers = dict(zip(partners["id"].tolist(), partners["name"].tolist()))
    with st.expander(t("partnership.unpaid_title"), icon=":material/payments:"):
        with st.form("payer_form"):
            chosen = ui.multiselect(t("partnership.unpaid_jobs"), list(jobs), default=list(jobs),
                                    format_func=jobs.get, key="unpaid_jobs")
            payer = ui.selectbox(t("partnership.unpaid_payer"), list(payers), format_func=payers.get,
                                 key="unpaid_payer")
            submitted = st.form_submit_button(t("partnership.unpaid_save"), type="primary")
        if submitted:
            try:
                count = partnerships.set_payer(engine, actor, placement_ids=chosen, payer_id=payer)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["partnership_flash"] = t("partnership.unpaid_saved",
                                                          payer=payers[payer], n=count)
                st.rerun()


st.title(t("nav.partnerships"))
if message := st.session_state.pop("partnership_flash", None):
    st.success(message)
listed = partnerships.list_partnerships(engine, actor)
if can_write:
    with st.expander(t("partnership.new"), icon=":material/handshake:", expanded=listed.empty):
        new_partnership_form()
else:
    st.caption(t("partnership.readonly"))
if listed.empty:
    st.info(t("partnership.none"))
    st.stop()
names = dict(zip(listed["id"].tolist(), listed["name"].tolist()))
if st.session_state.get("partnership_pick") not in names:
    st.session_state.pop("partnership_pick", None)
chosen = ui.selectbox(t("partnership.pick"), list(names), key="partnership_pick", format_func=names.get)
row = next(listed[listed["id"] == chosen].itertuples())
if not pd.isna(row.initiative):
    st.caption(t("partnership.behind", initiative=row.initiative))
reach_section(row)
partners_section(chosen)
costs_section(chosen)
unpaid_section(chosen)
