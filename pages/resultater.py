"""Resultater: filters, one chart per question with its explanation and numbers, the report."""

from dataclasses import replace

import streamlit as st

from model import access, charts, clock, report, results
from model.errors import UserError
from model.outcomes import MEASURE_MONTHS
from pages import ui
from pages.ui import figures

actor = ui.guard("resultater")
t, engine, lang = ui.t, ui.engine(), ui.lang()
today = clock.today()


def choice(label_key: str, options: dict, key: str):
    """A select box with "Alle" first; returns the chosen key or None."""
    return ui.selectbox(t(label_key), [None, *options], key=key,
                        format_func=lambda k: t("results.all") if k is None else options[k])


def filters(options: results.FilterOptions) -> tuple[results.Filter, charts.Settings] | None:
    default = results.default_filter(today)
    with st.container(border=True):
        top = st.columns([2, 1.4, 1.4, 1.4])
        with top[0]:
            period = ui.date_input(t("results.period"), value=(default.start, default.end),
                                   key="results_period")
        with top[1]:
            initiative = choice("results.initiative", options.initiatives, "results_initiative")
        with top[2]:
            target_group = choice("results.target_group", {g: g for g in options.target_groups},
                                  "results_target_group")
        with top[3]:
            area = choice("results.housing_area", options.housing_areas, "results_area")
        bottom = st.columns([2, 1.4, 1.4, 1.4])
        with bottom[0]:
            group_by = st.radio(t("results.group_by"), results.GROUPINGS, horizontal=True,
                                key="results_group_by", format_func=lambda g: t(charts.GROUP_KEYS[g]))
        with bottom[1]:
            kind = choice("results.kind", {k: charts.kind_label(k, lang) for k in options.kinds},
                          "results_kind")
        with bottom[2]:
            team = choice("results.team", options.teams, "results_team")
        settings = replace(figures.default_settings(), today=today, group_by=group_by)
        bottom[3].caption(t("results.min_group", min=settings.min_size))
    if len(period) != 2:
        st.info(t("results.period_incomplete"))
        return None
    flt = results.Filter(start=period[0], end=period[1], initiative_id=initiative,
                         target_group=target_group, housing_area_id=area, kind=kind, team_id=team)
    return flt, settings


def show_chart(chart: charts.Chart, figure, table, summary: list[str]) -> None:
    st.subheader(t(chart.title_key))
    st.caption(t(chart.explain_key))
    st.plotly_chart(figure, width="stretch", key=f"chart_{chart.key}",
                    config={"displaylogo": False})
    for line in summary:
        st.markdown(f"- {ui.escape(line)}")  # plain text (the report prints it as such)
    with st.expander(t("results.numbers")):
        ui.table(charts.marked_as_text(table, lang), key=f"table_{chart.key}", lang=lang)
        ui.download_buttons(table, f"{t('results.report_file')}-{chart.key}-{today:%Y%m%d}",
                            key=f"download_{chart.key}")


def report_section(flt: results.Filter, settings: charts.Settings) -> None:
    st.subheader(t("results.report_section"))
    st.caption(t("results.report_intro"))
    wanted = (flt, settings, lang)
    if st.button(t("results.report_make"), key="report_make", type="primary",
                 icon=":material/description:"):
        with st.spinner():
            st.session_state["results_report"] = (wanted, report.build(engine, actor, flt, settings,
                                                                       lang=lang))
    made = st.session_state.get("results_report")
    if made is None or made[0] != wanted:
        return
    built = made[1]
    st.success(t("results.report_ready", title=built.title))
    left, right = st.columns(2)
    left.download_button(t("results.report_html"), built.html, file_name=f"{built.file_name}.html",
                         mime="text/html", key="report_html", icon=":material/download:",
                         on_click="ignore")
    right.download_button(t("results.report_xlsx"), built.excel, file_name=f"{built.file_name}.xlsx",
                          key="report_xlsx", icon=":material/download:", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def comparison_section(options: results.FilterOptions) -> None:
    st.subheader(t("results.comparison_groups"))
    st.caption(t("results.comparison_groups_intro"))
    groups = results.comparison_groups(engine, actor)
    if groups.empty:
        st.info(t("results.comparison_none"))
    else:
        settings = charts.Settings(today=today)
        shown = charts.comparison_groups_shown(groups, settings)
        ui.table(charts.marked_as_text(charts.people_table(shown.frame, {
            "initiative": "results.col_initiative", "label": "results.col_label",
            "months": "results.col_months", "n": "results.comparison_n",
            "reached": "results.comparison_reached", "source": "results.col_source"},
            settings, lang, shown.hidden), lang), key="comparison_groups", lang=lang)
    if not access.can(actor, "comparison.write"):
        return
    with st.form("comparison_add", clear_on_submit=True):
        st.markdown(f"**{t('results.comparison_add')}**")
        left, middle, right = st.columns([2, 2, 1])
        initiative = ui.selectbox(t("results.initiative"), list(options.initiatives), index=None,
                                  format_func=options.initiatives.get, key="comparison_initiative",
                                  placeholder=t("results.choose"), where=left)
        label = middle.text_input(t("results.comparison_label"), key="comparison_label",
                                  help=t("results.comparison_label_help"))
        months = ui.selectbox(t("results.comparison_months"), MEASURE_MONTHS, key="comparison_months",
                              where=right)
        left, middle, right = st.columns([1, 1, 2])
        n = left.number_input(t("results.comparison_n"), step=1, value=100, key="comparison_n")
        reached = middle.number_input(t("results.comparison_reached"), step=1, value=0,
                                      key="comparison_reached")
        source = right.text_input(t("results.comparison_source"), key="comparison_source",
                                  help=t("results.comparison_source_help"))
        if st.form_submit_button(t("results.comparison_save"), type="primary"):
            try:
                results.add_comparison_group(engine, actor, initiative_id=initiative, label=label,
                                             months=months, n=int(n), reached=int(reached), source=source)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["results_flash"] = t("results.comparison_saved")
                st.rerun()
    if groups.empty:
        return
    names = {row.id: f"{row.initiative} · {row.months} · {row.label}" for row in groups.itertuples()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = ui.selectbox(t("results.comparison_delete_choice"), list(names), index=None,
                          format_func=names.get, key="comparison_delete_id",
                          placeholder=t("results.choose"), where=left)
    if right.button(t("results.comparison_delete"), key="comparison_delete", disabled=chosen is None):
        try:
            results.delete_comparison_group(engine, actor, chosen)
        except UserError as error:
            ui.show_error(error)
        else:
            st.session_state["results_flash"] = t("results.comparison_deleted")
            st.rerun()


st.title(t("nav.results"))
st.caption(t("results.intro"))
if message := st.session_state.pop("results_flash", None):
    st.success(message)
options = results.filter_options(engine, actor)
chosen = filters(options)
if chosen is None:
    st.stop()
flt, settings = chosen
try:
    drawn = figures.result_charts(engine, actor, flt, settings, lang)
except UserError as error:
    ui.show_error(error)
    st.stop()

tabs = st.tabs([t(key) for key in charts.SECTIONS.values()] + [t("results.tab_report")])
for section, tab in zip(charts.SECTIONS, tabs):
    with tab:
        for chart, figure, table, summary in drawn:
            if chart.section == section:
                show_chart(chart, figure, table, summary)
with tabs[-1]:
    report_section(flt, settings)
    st.divider()
    comparison_section(options)
