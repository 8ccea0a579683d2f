"""Områdeoverblik: the unemployed per housing area, whose dagpenge run out first, and the further
training their wishes call for."""

import hashlib
import pickle
from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from model import access, areas, charts, clock, exporting, i18n
from model.errors import UserError
from pages import ui

actor = ui.guard("omraadeoverblik")
t, engine, lang = ui.t, ui.engine(), ui.lang()
today = clock.today()
can_write = access.can(actor, "area.write")
MATCH_COLORS = {1: "#2e7d32", 2: "#f9a825", 3: "#c62828"}
NO_MATCH_COLOR = "#90a4ae"
PRIORITY_PAGE = 100  # the soonest first, the rest a page at a time; the download holds them all
MAX_KEPT_FIGURES = 24  # a few areas' charts in both languages


def benefit_label(code: str) -> str:
    return i18n.code_label(exporting.CODE_KEYS["benefit_type"], code, lang)


def match_label(group: object) -> str:
    return t("citizens.match_group_none") if pd.isna(group) else t("citizens.match_group_n", n=group)


def shown_count(value: int | None) -> int | str:
    """A count of citizens as a metric shows it: "for få" when it is hidden."""
    return t("results.too_few") if value is None else value


def shown_number(value: float | None, decimals: int = 0) -> str:
    return t("results.too_few") if value is None else i18n.format_number(value, lang, decimals)


def chart_height(bars: int) -> int:
    return 38 * max(bars, 2) + 90


def layout(figure, height: int, separators: str) -> None:
    """The look every chart here shares: compact margins, legend on top, Danish number marks."""
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title=None),
                         separators=separators)


def decimal_marks() -> str:
    """Plotly's decimal and thousands marks in the chosen language."""
    return ",." if lang == "da" else ".,"


def dates(column: pd.Series) -> pd.Series:
    """A column of dates as dd-mm-åååå (i18n.format_date), formatted at once, not row by row."""
    return pd.to_datetime(column).dt.strftime("%d-%m-%Y")


def chart(build, *inputs):
    """The figure `build(*inputs)` draws, kept in the session for the same inputs.

    A plotly express figure costs some 25 ms to build (mostly copying its template), and the
    aggregates it draws change only with the data, so a rerun (every click) reuses the figures it
    drew before; st.plotly_chart only reads them. The inputs are counts and texts, keyed by their
    pickle, and the figures stay in this session only.
    """
    key = (build.__name__, hashlib.blake2b(pickle.dumps(inputs), digest_size=16).digest())
    figures = st.session_state.setdefault("areas_figures", {})
    if key not in figures:
        while len(figures) >= MAX_KEPT_FIGURES:
            figures.pop(next(iter(figures)))  # the oldest
        figures[key] = build(*inputs)
    return figures[key]


def benefit_chart(shown: pd.DataFrame, colors: dict, labels: dict, separators: str):
    """Citizens per benefit, stacked by match group, the largest benefit on top."""
    figure = px.bar(shown, x="citizens", y="benefit", color="group", orientation="h",
                    text="citizens", color_discrete_map=colors, labels=labels)
    layout(figure, chart_height(shown["benefit"].nunique()), separators)
    figure.update_layout(barmode="stack", yaxis=dict(categoryorder="total ascending"))
    return figure


def rate_chart(shown: pd.DataFrame, labels: dict, separators: str):
    """The unemployment rate per period, a bar per area."""
    figure = px.bar(shown, x="period", y="unemployment_rate", color="area", barmode="group",
                    text="rate_text", labels=labels)
    layout(figure, 320, separators)
    figure.update_traces(textposition="outside", textangle=0, cliponaxis=False,
                         textfont_size=11)
    figure.update_xaxes(type="category")
    figure.update_yaxes(range=[0, max(shown["unemployment_rate"].max() * 1.2, 1)])
    return figure


def ranking_chart(rows: pd.DataFrame, x: str, y: str, labels: dict, color: str, separators: str,
                  hover: tuple = ()):
    """Horizontal bars, the first row on top."""
    figure = px.bar(rows.iloc[::-1], x=x, y=y, orientation="h", text=x, labels=labels,
                    hover_data={column: True for column in hover} or None,
                    color_discrete_sequence=[color])
    layout(figure, chart_height(len(rows)), separators)
    return figure


def leader_forms(names: dict[int, str]) -> None:
    """Leaders and admins enter an area's figures for a period, or register a new area."""
    with st.expander(t("areas.enter_figures"), icon=":material/edit_note:"):
        if names:
            with st.form("area_figure"):
                c1, c2, c3, c4 = st.columns(4)
                area_id = ui.selectbox(t("areas.area"), list(names), format_func=names.get,
                                       key="figure_area", where=c1)
                period = ui.date_input(t("areas.period_start"), value=today.replace(day=1),
                                       key="figure_period", where=c2,
                                       help=t("areas.period_help"))
                residents = c3.number_input(t("areas.residents"), step=10, value=None,
                                            key="figure_residents")
                unemployed = c4.number_input(t("areas.unemployed"), step=1,
                                             value=None, key="figure_unemployed")
                submitted = st.form_submit_button(t("areas.save_figures"), type="primary")
            if submitted:
                try:
                    areas.record_area_figure(
                        engine, actor, housing_area_id=area_id, period_start=period,
                        working_age_residents=None if residents is None else int(residents),
                        unemployed=None if unemployed is None else int(unemployed))
                except UserError as error:
                    ui.show_error(error)
                else:
                    st.session_state["areas_flash"] = t("areas.figures_saved", area=names[area_id])
                    st.rerun()
        st.markdown(f"**{t('areas.new_area')}**")
        with st.form("area_new", clear_on_submit=True):
            c1, c2 = st.columns(2)
            name = c1.text_input(t("areas.area_name"), key="new_area_name")
            municipality = c2.text_input(t("areas.municipality"), key="new_area_municipality")
            created = st.form_submit_button(t("areas.create_area"))
        if created:
            try:
                areas.create_housing_area(engine, actor, name=name, municipality=municipality)
            except UserError as error:
                ui.show_error(error)
            else:
                st.session_state["areas_flash"] = t("areas.area_created", area=name.strip())
                st.rerun()


def benefit_section(counts: areas.BenefitCounts) -> None:
    st.subheader(t("areas.benefit_title"))
    profile = counts.cells.frame
    if profile.empty:
        st.info(t("areas.no_citizens"))
        return
    shown = profile.assign(benefit=profile["benefit_type"].map(benefit_label),
                           group=profile["match_group"].map(match_label))
    colors = {match_label(g): c for g, c in MATCH_COLORS.items()} | {match_label(pd.NA): NO_MATCH_COLOR}
    figure = chart(benefit_chart, shown[shown["citizens"].notna()], colors,
                   {"citizens": t("areas.citizens"), "benefit": "", "group": ""}, decimal_marks())
    st.plotly_chart(figure, width="stretch", key="benefit_chart")
    table = charts.marked_as_text(pd.DataFrame({
        t("citizens.benefit"): shown["benefit"], t("citizens.match_group"): shown["group"],
        t("areas.citizens"): counts.cells.marked(t("results.too_few"))["citizens"]}), lang)
    with st.expander(t("areas.show_table")):
        ui.table(table, key="benefit_table", lang=lang)
        ui.download_buttons(table, "borgere-efter-ydelse", key="benefit_download")


def figures_section(area_id: int | None) -> None:
    st.subheader(t("areas.unemployment_title"))
    figures = areas.shown_area_figures(areas.area_figures(engine, actor, housing_area_id=area_id))
    if figures.frame.empty:
        st.info(t("areas.no_figures"))
        return
    shown = figures.frame.assign(period=dates(figures.frame["period_start"]),
                                 rate_text=figures.frame["unemployment_rate"].map(
                                     lambda r: f"{i18n.format_number(r, lang, 1)} %"))
    figure = chart(rate_chart, shown[shown["unemployment_rate"].notna()],
                   {"unemployment_rate": t("areas.rate_axis"), "period": "", "area": ""},
                   decimal_marks())
    st.plotly_chart(figure, width="stretch", key="rate_chart")
    marked = figures.marked(t("results.too_few"))
    table = pd.DataFrame({t("areas.area"): shown["area"],
                          t("areas.period_start"): shown["period_start"],
                          t("areas.residents"): marked["working_age_residents"],
                          t("areas.unemployed"): marked["unemployed"],
                          t("areas.rate"): marked["unemployment_rate"]})
    with st.expander(t("areas.show_table")):
        ui.table(charts.marked_as_text(table, lang), key="figures_table", lang=lang,
                 decimals={t("areas.rate"): 1}, units={t("areas.rate"): " %"})
        ui.download_buttons(table, "ledighed-pr-omraade", key="figures_download")


def tags_section(area_id: int | None) -> None:
    st.subheader(t("areas.tags_title"))
    shown = areas.shown_tags(areas.tag_profile(engine, actor, housing_area_id=area_id, limit=10))
    tags = shown.frame
    columns = st.columns(2)
    for column, kind, title, color in ((columns[0], "qualifications", "areas.top_qualifications",
                                        "#2e7d32"),
                                       (columns[1], "wishes", "areas.top_wishes", "#1565c0")):
        with column:
            st.markdown(f"**{t(title)}**")
            rows = tags[(tags["kind"] == kind) & tags["citizens"].notna()]
            if rows.empty:
                st.caption(t("areas.no_tags"))
                continue
            figure = chart(ranking_chart, rows, "citizens", "tag",
                           {"citizens": t("areas.citizens"), "tag": ""}, color, decimal_marks())
            st.plotly_chart(figure, width="stretch", key=f"{kind}_chart")
    table = pd.DataFrame({t("areas.tag_kind"): tags["kind"].map(
                              {"wishes": t("citizens.wishes"),
                               "qualifications": t("citizens.qualifications")}),
                          t("areas.tag"): tags["tag"],
                          t("areas.citizens"): shown.marked(t("results.too_few"))["citizens"]})
    with st.expander(t("areas.show_table")):
        ui.table(charts.marked_as_text(table, lang), key="tags_table", lang=lang)
        ui.download_buttons(table, "kvalifikationer-og-oensker", key="tags_download")


def priority_table(found: pd.DataFrame) -> pd.DataFrame:
    """The priority list as shown and downloaded (the table and the files show dd-mm-åååå)."""
    return pd.DataFrame({
        t("areas.col_name"): found["first_name"] + " " + found["last_name"],
        t("areas.area"): found["housing_area"].fillna(""),
        t("citizens.dagpenge_end"): found["dagpenge_end_date"],
        t("areas.col_weeks_left"): found["days_left"] // 7,
        t("citizens.consultant"): found["consultant"].fillna(""),
        t("areas.col_active"): found["active_placement"],
        t("areas.col_sprint"): found["sprint"].fillna(""),
    })


def priority_section(area_id: int | None) -> None:
    st.subheader(t("areas.priority_title"))
    weeks = st.slider(t("areas.priority_weeks"), 1, areas.MAX_PRIORITY_WEEKS,
                      value=areas.DEFAULT_PRIORITY_WEEKS, key="priority_weeks",
                      help=t("areas.priority_help"))
    # A page of its own per choice, so other weeks or another area start on the first page.
    page_key = f"priority_page_{weeks}_{area_id or ''}"
    found = areas.dagpenge_priority(engine, actor, today=today, weeks=weeks, housing_area_id=area_id,
                                    limit=PRIORITY_PAGE,
                                    offset=ui.page_offset(page_key, PRIORITY_PAGE))
    until = i18n.format_date(today + timedelta(weeks=weeks))
    if not found.total:
        st.success(t("areas.priority_none", weeks=weeks, date=until))
        return
    st.caption(t("areas.priority_caption", n=i18n.format_number(found.total, lang), weeks=weeks,
                 date=until, without=i18n.format_number(found.without, lang)))
    ui.table(priority_table(found.rows), key="priority_table", lang=lang,
             column_config={t("areas.col_active"): st.column_config.CheckboxColumn(width=110),
                            t("areas.col_weeks_left"): st.column_config.NumberColumn(width=90)})
    if found.partial:
        st.caption(ui.shown_of(found))
    ui.pager(found.total, PRIORITY_PAGE, key=page_key)
    ui.download_buttons(lambda: priority_table(areas.dagpenge_priority(
                            engine, actor, today=today, weeks=weeks, housing_area_id=area_id).rows),
                        f"dagpenge-ophoerer-{weeks}-uger", key="priority_download")


def training_section(area_id: int | None) -> None:
    st.subheader(t("areas.training_title"))
    counted = areas.shown_training_needs(areas.training_needs(engine, actor, housing_area_id=area_id))
    needs, marked = counted.frame, counted.marked(t("results.too_few"))
    st.caption(t("areas.training_caption"))
    if needs.empty:
        st.info(t("areas.training_none"))
    else:
        shown = needs.assign(label=needs["industry"] + " → " + needs["qualification"])
        figure = chart(ranking_chart, shown[shown["lacking"].notna()], "lacking", "label",
                       {"lacking": t("areas.col_lacking"), "label": ""}, "#6a1b9a", decimal_marks(),
                       ("wishing",))
        st.plotly_chart(figure, width="stretch", key="training_chart")
        table = pd.DataFrame({t("areas.col_industry"): needs["industry"],
                              t("areas.col_qualification"): needs["qualification"],
                              t("areas.col_wishing"): marked["wishing"],
                              t("areas.col_lacking"): marked["lacking"],
                              t("areas.col_share"): marked["share_lacking"]})
        ui.table(charts.marked_as_text(table, lang), key="training_table", lang=lang,
                 decimals={t("areas.col_share"): 0}, units={t("areas.col_share"): " %"})
        ui.download_buttons(table, "behov-for-efteruddannelse", key="training_download")
    with st.expander(t("areas.training_rules")):
        ui.table(pd.DataFrame({t("areas.col_industry"): list(areas.TRAINING_NEEDS),
                               t("areas.col_qualification"): list(areas.TRAINING_NEEDS.values())}),
                 key="training_rules_table", lang=lang)


st.title(t("nav.areas"))
if message := st.session_state.pop("areas_flash", None):
    st.success(message)
choices = areas.area_choices(engine, actor)
names = dict(zip(choices["id"].tolist(), choices["name"].tolist()))
if can_write:
    leader_forms(names)
if not names:
    st.info(t("areas.no_areas"))
    st.stop()
if st.session_state.get("area_pick") not in (0, *names):
    st.session_state.pop("area_pick", None)
picked = ui.selectbox(t("areas.pick"), [0, *names], key="area_pick",
                      format_func=lambda i: names.get(i) or t("areas.all"))
area_id = picked or None

counts = areas.shown_benefit_profile(areas.benefit_profile(engine, actor, housing_area_id=area_id))
latest = areas.shown_latest_unemployment(areas.latest_unemployment(engine, actor,
                                                                   housing_area_id=area_id))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("areas.citizens"), shown_count(counts.total))
m2.metric(benefit_label("dagpenge"), shown_count(counts.by_benefit.get("dagpenge", 0)))
m3.metric(benefit_label("kontanthjaelp"), shown_count(counts.by_benefit.get("kontanthjaelp", 0)))
if latest is None:
    m4.metric(t("areas.rate"), "–", help=t("areas.no_figures"))
else:
    m4.metric(t("areas.rate"), shown_number(latest["rate"], 1) + ("" if latest["rate"] is None else " %"),
              help=t("areas.rate_help", unemployed=shown_number(latest["unemployed"]),
                     residents=shown_number(latest["working_age_residents"]),
                     date=i18n.format_date(latest["period_start"])))

left, right = st.columns(2)
with left:
    benefit_section(counts)
with right:
    figures_section(area_id)
tags_section(area_id)
priority_section(area_id)
training_section(area_id)
