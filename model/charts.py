"""The charts of Resultater and the report: plotly express figures drawn from model.results' frames.

Each chart is one `Chart` in CHARTS: its data function, what of its numbers may be shown, its
figure, the table of its numbers for people (downloads and the report) and an optional summary in
words. Figures, tables and summaries see only the shown numbers: every count of people under the
minimum group size, and whatever would give it away, is hidden as "for få" (stats.small_count_mask).
No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from model import i18n, results, stats
from model.access import Actor
from model.placements import KIND_KEYS
from model.results import Filter
from model.tables import PLACEMENT_KINDS

GREEN, RED, GREY, BLUE, LIGHT = "#2e7d32", "#c62828", "#757575", "#1565c0", "#bdbdbd"
KIND_COLORS = dict(zip(PLACEMENT_KINDS, px.colors.qualitative.Safe))
MONTH_COLORS = {3: "#9ecae1", 6: "#4292c6", 12: "#08519c"}
GROUP_COLORS = px.colors.qualitative.Bold
VERDICT_COLORS = {"better": GREEN, "worse": RED, "unclear": GREY, "too_few": GREY}
# The name of each grouping (results.GROUPINGS), as the filters call it.
GROUP_KEYS = {
    "initiative": "results.initiative",
    "target_group": "results.target_group",
    "housing_area": "results.housing_area",
    "kind": "results.kind",
    "team": "results.team",
}
VERDICT_LABELS = {
    "better": "results.verdict_label_better",
    "worse": "results.verdict_label_worse",
    "unclear": "results.verdict_label_unclear",
    "too_few": "results.verdict_label_too_few",
}
MONTH_NAMES = {
    "da": ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
WEEK_FORMAT = {"da": "uge %V<br>%Y", "en": "week %V<br>%Y"}
ROW_HEIGHT = 34
# Given to every figure when it is made: applying a template afterwards costs as much again.
TEMPLATE = "plotly_white"


@dataclass(frozen=True)
class Settings:
    """How the figures are cut: the day they are counted up to, the grouping and minimum group size."""

    today: date
    group_by: str = "initiative"
    min_size: int = field(default_factory=results.min_group_size)


# --- Labels and numbers --------------------------------------------------------------------------

def kind_label(kind: str, lang: str) -> str:
    return i18n.code_label(KIND_KEYS, kind, lang)


def group_label(group: str, group_by: str, lang: str) -> str:
    if not group:
        return i18n.t("results.group_missing", lang)
    return kind_label(group, lang) if group_by == "kind" else group


def month_label(month: date, lang: str) -> str:
    return f"{MONTH_NAMES[lang][month.month - 1]} {month.year}"


def number(value: float, lang: str, decimals: int = 1, sign: bool = False) -> str:
    """A number the way the language writes it: "1,5" in Danish, with a real minus sign."""
    text = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "da" else text


def percent(value: float, lang: str) -> str:
    return f"{value * 100:.0f} %" if lang == "da" else f"{value * 100:.0f}%"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def too_few_text(n: object, lang: str) -> str:
    """The "for få" label, with the group's size when that may be shown."""
    return i18n.t("results.too_few", lang) if _missing(n) else i18n.t("results.too_few_n", lang, n=n)


# --- Figures -------------------------------------------------------------------------------------

def _layout(figure: go.Figure, lang: str, height: int) -> go.Figure:
    figure.update_layout(height=height, separators=",." if lang == "da" else ".,",
                         margin=dict(l=10, r=20, t=40, b=10), font=dict(size=14),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title_text=""),
                         hoverlabel=dict(font_size=14))
    # Labels beside bars are drawn also where they reach past the plot area.
    figure.update_traces(cliponaxis=False, selector=dict(type="bar"))
    figure.update_yaxes(ticklabelstandoff=6)
    return figure


def empty_figure(lang: str, text_key: str = "results.no_data", **params: object) -> go.Figure:
    """A blank chart that says why it is blank."""
    figure = go.Figure(layout=dict(template=TEMPLATE))
    figure.add_annotation(text=i18n.t(text_key, lang, **params), showarrow=False, font=dict(size=16),
                          x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, lang, 200)


def placements_week_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty:
        return empty_figure(lang)
    long = frame.melt(id_vars=["week", "kind"], value_vars=["started", "ended"], var_name="measure",
                      value_name="count")
    long = long[long["count"].fillna(0) > 0].copy()
    measures = {"started": i18n.t("results.measure_started", lang),
                "ended": i18n.t("results.measure_ended", lang)}
    long["measure_label"] = long["measure"].map(measures)
    long["kind_label"] = long["kind"].map(lambda kind: kind_label(kind, lang))
    long["week"] = pd.to_datetime(long["week"])
    present = [k for k in PLACEMENT_KINDS if k in set(long["kind"])]
    figure = px.bar(
        long, template=TEMPLATE, x="week", y="count", color="kind_label", facet_row="measure_label",
        custom_data=["measure", "kind"],
        category_orders={"measure_label": list(measures.values()),
                         "kind_label": [kind_label(k, lang) for k in present]},
        color_discrete_map={kind_label(k, lang): KIND_COLORS[k] for k in present},
        labels={"week": "", "count": i18n.t("results.axis_placements", lang),
                "kind_label": i18n.t("results.col_kind", lang)})
    figure.for_each_annotation(lambda note: note.update(text=f"<b>{note.text.split('=', 1)[-1]}</b>",
                                                        font=dict(size=15)))
    figure.update_xaxes(tickformat=WEEK_FORMAT[lang])
    figure.update_traces(hovertemplate="%{x|" + WEEK_FORMAT[lang].replace("<br>", " ")
                         + "}<br>%{fullData.name}: %{y}<extra></extra>")
    return _layout(figure, lang, 480)


def active_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty or not frame["active"].any():
        return empty_figure(lang)
    data = frame.assign(week=pd.to_datetime(frame["week"]))
    figure = px.area(data, template=TEMPLATE, x="week", y="active", color_discrete_sequence=[BLUE],
                     labels={"week": "", "active": i18n.t("results.axis_active", lang)})
    figure.update_xaxes(tickformat=WEEK_FORMAT[lang])
    figure.update_traces(hovertemplate="%{x|" + WEEK_FORMAT[lang].replace("<br>", " ")
                         + "}: %{y}<extra></extra>")
    return _layout(figure, lang, 320)


def shares_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    """Horizontal bars per group, one panel per month, with Wilson intervals; "for få" as text."""
    if frame.empty:
        return empty_figure(lang)
    data = frame.copy()
    data["group_label"] = data["group"].map(lambda g: group_label(g, settings.group_by, lang))
    months = sorted(data["months"].unique())
    names = {m: i18n.t("results.months_label", lang, months=m) for m in months}
    data["months_label"] = data["months"].map(names)
    data["plus"] = data["high"] - data["share"]
    data["minus"] = data["share"] - data["low"]
    order = list(dict.fromkeys(data["group_label"]))
    figure = px.bar(
        data, template=TEMPLATE, x="share", y="group_label", facet_col="months_label", color="months_label",
        orientation="h", error_x="plus", error_x_minus="minus", facet_col_spacing=0.08,
        custom_data=["months", "n", "low", "high"],
        category_orders={"months_label": list(names.values()), "group_label": order},
        color_discrete_map={names[m]: MONTH_COLORS.get(m, BLUE) for m in months},
        labels={"share": i18n.t("results.axis_share", lang), "group_label": "",
                "months_label": ""})
    figure.for_each_annotation(lambda note: note.update(text=note.text.split("=", 1)[-1]))
    figure.update_traces(showlegend=False,
                         hovertemplate="%{y}: %{x:.0%} (95 %: %{customdata[2]:.0%}–%{customdata[3]:.0%})"
                                       ", n = %{customdata[1]}<extra></extra>")
    # A fixed range on faceted axes makes plotly cut categories off the other axis; this does not.
    figure.update_xaxes(autorangeoptions=dict(include=[0, 1], minallowed=0, maxallowed=1),
                        tickformat=".0%", dtick=0.5)
    for column, month in enumerate(months, start=1):
        for row in data[data["months"] == month].itertuples():
            # The share is written beside the interval's end, where no line crosses it.
            figure.add_annotation(
                x=0.02 if row.too_few else row.high + 0.02, y=row.group_label, row=1, col=column,
                showarrow=False, xanchor="left", font=dict(color=GREY if row.too_few else "#333"),
                text=too_few_text(row.n, lang) if row.too_few else percent(row.share, lang))
    return _layout(figure, lang, max(240, 110 + ROW_HEIGHT * len(order)))


def comparison_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    """The difference against each comparison group as a point with its interval around 0."""
    if frame.empty:
        return empty_figure(lang)
    data = frame.copy()
    several = data["initiative"].nunique() > 1
    data["row"] = [(f"{initiative} · " if several else "")
                   + f"{i18n.t('results.months_short', lang, months=months)} · {label}"
                   for initiative, months, label in zip(data["initiative"], data["months"], data["label"])]
    data["points"] = data["difference"] * 100
    data["plus"] = (data["difference_high"] - data["difference"]) * 100
    data["minus"] = (data["difference"] - data["difference_low"]) * 100
    labels = {code: i18n.t(key, lang) for code, key in VERDICT_LABELS.items()}
    data["verdict_label"] = data["verdict"].map(labels)
    figure = px.scatter(
        data, template=TEMPLATE, x="points", y="row", color="verdict_label", error_x="plus",
        error_x_minus="minus",
        custom_data=["share", "comparison_share", "difference_low", "difference_high"],
        category_orders={"row": list(data["row"]), "verdict_label": list(labels.values())},
        color_discrete_map={labels[code]: color for code, color in VERDICT_COLORS.items()},
        labels={"points": i18n.t("results.axis_difference", lang), "row": "", "verdict_label": ""})
    figure.update_traces(marker=dict(size=16), error_x=dict(thickness=3, width=8),
                         hovertemplate="%{y}: %{x:+.0f} (95 %: %{customdata[2]:+.0%} til "
                                       "%{customdata[3]:+.0%})<br>%{customdata[0]:.0%} mod "
                                       "%{customdata[1]:.0%}<extra></extra>")
    reach = max([10.0, *(abs(v) * 100 for v in data[["difference_low", "difference_high"]]
                         .to_numpy().ravel() if not _missing(v))])
    figure.update_xaxes(range=[-reach * 1.15, reach * 1.15], zeroline=False)
    figure.add_vline(x=0, line_dash="dash", line_color=GREY,
                     annotation_text=i18n.t("results.no_difference", lang),
                     annotation_position="top")
    for row in data[data["verdict"] == "too_few"].itertuples():
        figure.add_annotation(x=0, y=row.row, showarrow=False, font=dict(color=GREY), yshift=14,
                              text=too_few_text(row.n, lang))
    return _layout(figure, lang, max(240, 140 + 50 * len(data)))


def retention_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    """Kaplan-Meier steps per group; ticks mark jobs still running (censored)."""
    if frame.empty:
        return empty_figure(lang)
    few = frame[frame["too_few"]].drop_duplicates("group")
    shown = frame[~frame["too_few"]].copy()
    if shown.empty:
        figure = empty_figure(lang, "results.too_few_groups", groups=_few_groups(few, settings, lang))
        return figure
    shown["group_label"] = [f"{group_label(g, settings.group_by, lang)} (n = {n})"
                            for g, n in zip(shown["group"], shown["n"])]
    order = list(dict.fromkeys(shown["group_label"]))
    colors = {label: GROUP_COLORS[i % len(GROUP_COLORS)] for i, label in enumerate(order)}
    figure = px.line(shown, template=TEMPLATE, x="months", y="survival", color="group_label", line_shape="hv",
                     custom_data=["days", "at_risk", "events", "censored"],
                     category_orders={"group_label": order}, color_discrete_map=colors,
                     labels={"months": i18n.t("results.axis_months_in_job", lang),
                             "survival": i18n.t("results.axis_still_in_job", lang), "group_label": ""})
    figure.update_traces(line=dict(width=3),
                         hovertemplate="%{fullData.name}<br>%{x:.1f}: %{y:.0%}<extra></extra>")
    for label in order:
        marks = shown[(shown["group_label"] == label) & (shown["censored"] > 0)]
        figure.add_trace(go.Scatter(x=marks["months"], y=marks["survival"], mode="markers",
                                    marker=dict(symbol="line-ns-open", size=12, color=colors[label]),
                                    showlegend=False, hoverinfo="skip", meta="censored"))
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    figure.update_xaxes(rangemode="tozero")
    if not few.empty:
        figure.add_annotation(text=i18n.t("results.too_few_groups", lang,
                                          groups=_few_groups(few, settings, lang)),
                              x=1, y=0.02, xref="paper", yref="paper", xanchor="right",
                              showarrow=False, font=dict(color=GREY))
    return _layout(figure, lang, 420)


def _few_groups(few: pd.DataFrame, settings: Settings, lang: str) -> str:
    return ", ".join(group_label(g, settings.group_by, lang) + ("" if _missing(n) else f" (n = {n})")
                     for g, n in zip(few["group"], few["n"]))


def progression_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    """Citizens per change in points, coloured by direction, with the mean and its interval."""
    if frame.empty:
        return empty_figure(lang)
    if frame["too_few"].any():
        citizens = frame["citizens"].iloc[0]
        return (empty_figure(lang, "results.too_few") if _missing(citizens)
                else empty_figure(lang, "results.too_few_n", n=int(citizens)))
    data = frame[frame["citizens"].notna()].astype({"change": int, "citizens": int})
    if data.empty:
        return empty_figure(lang, "results.too_few")
    names = {"down": i18n.t("results.change_down", lang), "same": i18n.t("results.change_same", lang),
             "up": i18n.t("results.change_up", lang)}
    data["direction"] = [names["up"] if c > 0 else names["down"] if c < 0 else names["same"]
                         for c in data["change"]]
    figure = px.bar(data, template=TEMPLATE, x="change", y="citizens", color="direction", text="citizens",
                    category_orders={"direction": list(names.values())},
                    color_discrete_map={names["down"]: RED, names["same"]: GREY, names["up"]: GREEN},
                    labels={"change": i18n.t("results.axis_change", lang),
                            "citizens": i18n.t("results.axis_citizens", lang), "direction": ""})
    figure.update_traces(hovertemplate="%{x:+d}: %{y}<extra></extra>")
    figure.update_xaxes(dtick=1)
    # Room above the highest bar for the mean's label.
    figure.update_yaxes(range=[0, data["citizens"].max() * 1.2])
    summary = paired_summary(frame)
    if summary["low"] is not None:
        figure.add_vrect(x0=summary["low"], x1=summary["high"], fillcolor=GREY, opacity=0.15,
                         line_width=0, layer="below")
    if summary["mean"] is not None:
        figure.add_vline(x=summary["mean"], line_color="black", line_width=2,
                         annotation_text=i18n.t("results.mean_mark", lang,
                                                mean=number(summary["mean"], lang, sign=True)),
                         annotation_position="top right")
    return _layout(figure, lang, 380)


def _sprint_labels(frame: pd.DataFrame) -> list[str]:
    """Sprint names, with the start date where two sprints share a name."""
    repeated = frame["sprint"].duplicated(keep=False)
    return [f"{name} ({i18n.format_date(start)})" if twice else name
            for name, start, twice in zip(frame["sprint"], frame["start_date"], repeated)]


def sprint_goals_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty:
        return empty_figure(lang)
    data = frame.assign(sprint_label=_sprint_labels(frame))
    series = {"goal": i18n.t("results.series_goal", lang), "secured": i18n.t("results.series_secured", lang)}
    long = data.melt(id_vars=["sprint_id", "sprint_label"], value_vars=["goal", "secured"],
                     var_name="series", value_name="count")
    long["series_label"] = long["series"].map(series)
    long["text"] = [i18n.t("results.too_few", lang) if _missing(count) else str(int(count))
                    for count in long["count"]]
    figure = px.bar(long, template=TEMPLATE, x="count", y="sprint_label", color="series_label",
                    barmode="group", orientation="h", text="text",
                    category_orders={"sprint_label": list(data["sprint_label"]),
                                     "series_label": list(series.values())},
                    color_discrete_map={series["goal"]: LIGHT, series["secured"]: GREEN},
                    labels={"count": i18n.t("results.axis_citizens", lang), "sprint_label": "",
                            "series_label": ""})
    figure.update_traces(textposition="outside", hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>")
    return _layout(figure, lang, max(240, 110 + 2 * ROW_HEIGHT * len(data)))


def sprint_time_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    labels = pd.Series(_sprint_labels(frame), index=frame.index)
    timed = frame[frame["timed"].fillna(0) > 0]
    if timed.empty:
        return empty_figure(lang)
    data = timed.assign(sprint_label=labels[timed.index])
    data["text"] = [i18n.t("results.days_text", lang, days=number(d, lang)) for d in data["median_days"]]
    figure = px.bar(data, template=TEMPLATE, x="median_days", y="sprint_label", orientation="h", text="text",
                    color_discrete_sequence=[BLUE],
                    labels={"median_days": i18n.t("results.axis_days", lang), "sprint_label": ""})
    figure.update_traces(name=i18n.t("results.series_median", lang), showlegend=True,
                         textposition="auto", textangle=0, insidetextanchor="start",
                         hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>")
    figure.add_trace(go.Scatter(x=data["mean_days"], y=data["sprint_label"], mode="markers",
                                name=i18n.t("results.series_mean", lang),
                                marker=dict(symbol="diamond", size=14, color="black"),
                                hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>"))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(rangemode="tozero")
    return _layout(figure, lang, max(240, 110 + ROW_HEIGHT * len(data)))


def companies_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty:
        return empty_figure(lang)
    data = frame.assign(industry=frame["industry"].map(lambda i: i or i18n.t("results.group_missing", lang)))
    figure = px.bar(data, template=TEMPLATE, x="citizens", y="company", orientation="h", text="citizens",
                    custom_data=["industry", "placements"], color_discrete_sequence=[GREEN],
                    labels={"citizens": i18n.t("results.axis_citizens", lang), "company": ""})
    figure.update_traces(textposition="outside",
                         hovertemplate="%{y} (%{customdata[0]}): %{x}<extra></extra>")
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, lang, max(220, 90 + ROW_HEIGHT * len(data)))


def industries_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty:
        return empty_figure(lang)
    data = frame.assign(industry=frame["industry"].map(lambda i: i or i18n.t("results.group_missing", lang)))
    figure = px.bar(data, template=TEMPLATE, x="citizens", y="industry", orientation="h", text="citizens",
                    custom_data=["companies", "placements"], color_discrete_sequence=[GREEN],
                    labels={"citizens": i18n.t("results.axis_citizens", lang), "industry": ""})
    figure.update_traces(textposition="outside", hovertemplate="%{y}: %{x}<extra></extra>")
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, lang, max(220, 90 + ROW_HEIGHT * len(data)))


def agreements_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty or not frame["agreements"].any():
        return empty_figure(lang)
    data = frame.assign(month_label=frame["month"].map(lambda m: month_label(m, lang)))
    figure = px.bar(data, template=TEMPLATE, x="month_label", y="agreements", text="agreements",
                    color_discrete_sequence=[BLUE],
                    labels={"month_label": "", "agreements": i18n.t("results.axis_agreements", lang)})
    figure.update_traces(textposition="outside", hovertemplate="%{x}: %{y}<extra></extra>")
    figure.update_yaxes(dtick=1, rangemode="tozero")
    return _layout(figure, lang, 320)


def follow_up_figure(frame: pd.DataFrame, settings: Settings, lang: str) -> go.Figure:
    if frame.empty or not frame["due"].any():
        return empty_figure(lang)
    data = frame.assign(month_label=frame["month"].map(lambda m: month_label(m, lang)),
                        plus=frame["high"] - frame["share"], minus=frame["share"] - frame["low"])
    data["text"] = ["" if _missing(s) else percent(s, lang) for s in data["share"]]
    figure = px.bar(data, template=TEMPLATE, x="month_label", y="share", text="text", error_y="plus",
                    error_y_minus="minus",
                    custom_data=["due", "on_time", "overdue"], color_discrete_sequence=[GREEN],
                    labels={"month_label": "", "share": i18n.t("results.axis_on_time", lang)})
    figure.update_traces(textposition="inside", insidetextanchor="middle",
                         hovertemplate="%{x}: %{y:.0%} (%{customdata[1]} / %{customdata[0]})"
                                       "<extra></extra>")
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return _layout(figure, lang, 340)


# --- Summaries in words ---------------------------------------------------------------------------

def comparison_summary(frame: pd.DataFrame, settings: Settings, lang: str) -> list[str]:
    lines = []
    for _, row in frame.iterrows():
        if row["verdict"] == "too_few" and not _missing(row["n"]) and row["n"] >= settings.min_size:
            # Enough measured, but a count on one side is too small to show.
            lines.append(i18n.t("results.verdict_hidden", lang, months=int(row["months"]),
                                initiative=row["initiative"], label=row["label"],
                                min=settings.min_size))
        else:
            lines.append(results.verdict_text(row, lang, settings.min_size))
    return lines


def retention_summary(frame: pd.DataFrame, settings: Settings, lang: str) -> list[str]:
    if frame.empty:
        return []
    lines = []
    for row in results.retention_medians(frame).itertuples():
        label = group_label(row.group, settings.group_by, lang)
        if _missing(row.median_days):
            lines.append(i18n.t("results.retention_no_median", lang, group=label, n=row.n))
        else:
            lines.append(i18n.t("results.retention_median", lang, group=label, n=row.n,
                                months=number(row.median_days / results.DAYS_PER_MONTH, lang)))
    return lines


def progression_summary(frame: pd.DataFrame, settings: Settings, lang: str) -> list[str]:
    if frame.empty or frame["too_few"].any():
        return []
    summary = paired_summary(frame)
    if summary["low"] is None:
        return [i18n.t("results.progression_summary_one", lang,
                       mean=number(summary["mean"], lang, sign=True))]
    return [i18n.t("results.progression_summary", lang, n=summary["n"],
                   mean=number(summary["mean"], lang, sign=True),
                   low=number(summary["low"], lang, sign=True),
                   high=number(summary["high"], lang, sign=True))]


def sprint_summary(frame: pd.DataFrame, settings: Settings, lang: str) -> list[str]:
    """Sprints that reached their goal, of those whose result may be shown (a goal reached
    would tell about a board too small to show)."""
    if frame.empty:
        return []
    shown = frame[frame["secured"].notna()]
    lines = []
    if not shown.empty:
        lines.append(i18n.t("results.sprint_summary", lang, sprints=len(shown),
                            reached=int((shown["secured"] >= shown["goal"]).sum())))
    if len(shown) < len(frame):
        lines.append(i18n.t("results.sprint_summary_hidden", lang, hidden=len(frame) - len(shown)))
    return lines


def follow_up_summary(frame: pd.DataFrame, settings: Settings, lang: str) -> list[str]:
    """The period's totals, as the shown numbers carry them (follow_up_shown), else summed."""
    totals = frame.attrs.get("totals") or {
        column: int(frame[column].sum()) if not frame.empty else 0
        for column in ("on_time", "due", "overdue")}
    due, on_time = totals["due"], totals["on_time"]
    if _missing(due) or not due:
        return []
    few = i18n.t("results.too_few", lang)
    return [i18n.t("results.follow_up_summary", lang, due=due,
                   on_time=few if _missing(on_time) else on_time,
                   share=few if _missing(on_time) else percent(on_time / due, lang),
                   overdue=few if _missing(totals["overdue"]) else totals["overdue"])]


def _no_summary(frame: pd.DataFrame, settings: Settings, lang: str) -> list[str]:
    return []


def paired_summary(frame: pd.DataFrame) -> stats.PairedChange:
    """The mean change of a progression frame: as published with its shown numbers (to 0.1, so
    the mean cannot give a hidden count away), else from its counts."""
    if "paired" in frame.attrs:
        return frame.attrs["paired"]
    return results.progression_summary(frame)


# --- What may be shown (small numbers) -----------------------------------------------------------

def _row_mask(cells: dict[str, pd.Series], total: pd.Series, min_size: int,
              keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """small_count_mask of each row's cells against the row's total (column "total")."""
    counts = pd.DataFrame({**cells, "total": total}).fillna(0).astype(int)
    return stats.small_count_mask(counts, min_size=min_size, total_column="total", keep=keep)


def _primary(frame: pd.DataFrame, columns: list[str], min_size: int) -> stats.Suppressed:
    """Counts of people with no published total: each from 1 to min_size - 1 hidden."""
    hidden = stats.nothing_hidden(frame)
    if not frame.empty:
        hidden[columns] = stats.small_count_mask(frame[columns].fillna(0), min_size=min_size)
    return stats.hide(frame, hidden)


def nothing_to_hide(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """For numbers that count no people (companies, agreements)."""
    return stats.hide(frame, stats.nothing_hidden(frame))


def shares_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Each group is [in job or education, not | measured]: "1 of 14" and "13 of 14" both hide
    the share (the one not in job follows from the total), a group under the minimum hides all."""
    successes = frame["successes"].fillna(0).astype(int)
    mask = _row_mask({"successes": successes, "rest": frame["n"] - successes}, frame["n"],
                     settings.min_size)
    hidden = stats.nothing_hidden(frame)
    hidden["n"] = mask["total"]
    for column in ("successes", "share", "low", "high"):
        hidden[column] = mask["successes"]
    shown = stats.hide(frame, hidden)
    shown.frame["too_few"] = mask["successes"].to_numpy(dtype=bool)
    return shown


def comparison_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Both sides as shares_shown; the difference hidden with either share (one share and the
    difference give the other), and then no verdict."""
    hidden = stats.nothing_hidden(frame)
    for prefix, n, reached in (("", "n", "reached"),
                               ("comparison_", "comparison_n", "comparison_reached")):
        counts = frame[reached].fillna(0).astype(int)
        mask = _row_mask({"reached": counts, "rest": frame[n] - counts}, frame[n], settings.min_size)
        hidden[n] = mask["total"]
        for column in (reached, f"{prefix}share", f"{prefix}low", f"{prefix}high"):
            hidden[column] = mask["reached"]
    for column in ("difference", "difference_low", "difference_high"):
        hidden[column] = hidden["reached"] | hidden["comparison_reached"]
    shown = stats.hide(frame, hidden)
    shown.frame.loc[hidden["difference"].to_numpy(dtype=bool), "verdict"] = "too_few"
    return shown


def comparison_groups_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """The comparison groups entered, each [in job or education, not | n]."""
    mask = _row_mask({"reached": frame["reached"], "rest": frame["n"] - frame["reached"]}, frame["n"],
                     settings.min_size)
    hidden = stats.nothing_hidden(frame)
    hidden["n"], hidden["reached"] = mask["total"], mask["reached"]
    return stats.hide(frame, hidden)


def _pooled_curve(curve: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """A group's Kaplan-Meier steps merged until each shown point has none or at least min_size
    people who lost the job, who left otherwise, and who are still followed after it; a step of
    one lost job would name that person's time. The tail that never gets there is left out."""
    points = []
    at_risk, events, censored = int(curve["at_risk"].iloc[0]), 0, 0
    for step in curve.to_dict("records"):
        events += int(step["events"])
        censored += int(step["censored"])
        followed = at_risk - events - censored
        if all(count == 0 or count >= min_size for count in (events, censored, followed)):
            points.append({**step, "at_risk": at_risk, "events": events, "censored": censored})
            at_risk, events, censored = followed, 0, 0
    return pd.DataFrame(points, columns=curve.columns)


def retention_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Curves pooled as _pooled_curve; a group under the minimum shows neither curve nor size."""
    if frame.empty:
        return nothing_to_hide(frame, settings)
    parts = [part if part["too_few"].iloc[0] else _pooled_curve(part, settings.min_size)
             for _, part in frame.groupby("group", sort=False)]
    pooled = pd.concat(parts, ignore_index=True)
    pooled["too_few"] = pooled["too_few"].astype(bool)
    hidden = stats.nothing_hidden(pooled)
    hidden["n"] = pooled["too_few"]
    return stats.hide(pooled, hidden)


def progression_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Citizens per change against their total (the n of the summary), with the mean published
    to 0.1."""
    hidden = stats.nothing_hidden(frame)
    if frame.empty or frame["too_few"].any():
        hidden["citizens"] = frame["too_few"]
        return stats.hide(frame, hidden)
    counts = frame[["citizens"]].astype(int)
    counts.loc["total"] = counts["citizens"].sum()
    mask = stats.small_count_mask(counts, min_size=settings.min_size, total_row="total")
    hidden["citizens"] = mask["citizens"].drop("total").to_numpy(dtype=bool)
    shown = stats.hide(frame, hidden)
    paired = results.progression_summary(frame)
    shown.frame.attrs["paired"] = {key: value if key == "n" or value is None else round(value, 1)
                                   for key, value in paired.items()}
    return shown


def sprints_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Each board is [secured, not | citizens on it], so a board under the minimum (a sparring of
    three) shows neither, and "16 of 18" hides the 18 (the result against the goal stays); the
    secured with a time are [timed, not | secured], and their days go with them. The goal is a
    target, not people."""
    rest = (frame["cards"] - frame["secured"]).clip(lower=0)
    board = _row_mask({"secured": frame["secured"], "rest": rest}, frame["cards"], settings.min_size,
                      keep=("secured",))
    untimed = (frame["secured"] - frame["timed"]).clip(lower=0)
    timing = _row_mask({"timed": frame["timed"], "rest": untimed}, frame["secured"], settings.min_size)
    hidden = stats.nothing_hidden(frame)
    hidden["cards"], hidden["secured"] = board["total"], board["secured"]
    for column in ("timed", "median_days", "mean_days"):
        hidden[column] = timing["timed"] | board["secured"]
    return stats.hide(frame, hidden)


def follow_up_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Each month is [on time, late, overdue, missed | due], under a row of the period's totals
    (the summary's); a share goes with its on-time count and its due count."""
    states = ["on_time", "late", "overdue", "missed", "due"]
    counts = frame[states].astype(int)
    counts.loc["all"] = counts.sum()
    mask = stats.small_count_mask(counts, min_size=settings.min_size, total_row="all",
                                  total_column="due")
    hidden = stats.nothing_hidden(frame)
    hidden[states] = mask[states].drop("all").to_numpy(dtype=bool)
    for column in ("share", "low", "high"):
        hidden[column] = hidden["on_time"] | hidden["due"]
    shown = stats.hide(frame, hidden)
    shown.frame.attrs["totals"] = {column: None if mask.at["all", column] else int(counts.at["all", column])
                                   for column in ("on_time", "due", "overdue")}
    return shown


def placements_week_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    return _primary(frame, ["started", "ended"], settings.min_size)


def active_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    return _primary(frame, ["active"], settings.min_size)


def companies_shown(frame: pd.DataFrame, settings: Settings) -> stats.Suppressed:
    """Citizens and their placements per company or industry; companies are not people."""
    return _primary(frame, ["citizens", "placements"], settings.min_size)


# --- The numbers for people ---------------------------------------------------------------------

PERCENT_COLUMNS = {"share", "low", "high", "comparison_share", "survival"}
POINT_COLUMNS = {"difference", "difference_low", "difference_high"}
ROUNDED_COLUMNS = {"median_days", "mean_days"}


def people_table(frame: pd.DataFrame, columns: dict[str, str], settings: Settings, lang: str,
                 hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chart's numbers with headers and names in `lang`; shares in per cent, rounded to 0.1;
    "for få" written in the `hidden` cells."""
    table = frame[list(columns)].copy()
    for column in table.columns:
        if column in PERCENT_COLUMNS or column in POINT_COLUMNS:
            table[column] = (table[column].astype(float) * 100).round(1)
        elif column in ROUNDED_COLUMNS:
            table[column] = table[column].astype(float).round(1)
        elif column == "kind":
            table[column] = table[column].map(lambda kind: kind_label(kind, lang))
        elif column == "group":
            table[column] = table[column].map(lambda g: group_label(g, settings.group_by, lang))
        elif column == "industry":
            table[column] = table[column].map(lambda i: i or i18n.t("results.group_missing", lang))
        elif column == "verdict":
            table[column] = table[column].map(lambda v: i18n.t(VERDICT_LABELS[v], lang))
        elif column == "month":
            table[column] = table[column].map(lambda month: month_label(month, lang))
        elif column == "too_few":
            table[column] = table[column].map(lambda few: i18n.t("results.too_few", lang) if few else "")
    if hidden is not None and hidden[list(columns)].to_numpy().any():
        table = table.astype(object).mask(hidden[list(columns)], i18n.t("results.too_few", lang))
    return table.rename(columns={column: i18n.t(key, lang) for column, key in columns.items()})


def marked_as_text(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The columns holding "for få" beside numbers as text throughout, the numbers written the
    way `lang` writes them, for a page's table (a column has one type there); a column where
    nothing is hidden goes back to numbers."""
    shown = table.copy()
    for column in shown.columns:
        values = shown[column]
        if values.dtype != object:
            continue
        text = values.map(lambda v: isinstance(v, str))
        numbers = values.map(lambda v: pd.api.types.is_number(v) and not isinstance(v, bool))
        if text.any() and numbers.any():
            shown[column] = values.map(lambda v: "" if _missing(v) else v if isinstance(v, str)
                                       else number(v, lang) if isinstance(v, float) else str(v))
        elif numbers.any():  # nothing hidden here: numbers, which the page writes in `lang`
            shown[column] = pd.to_numeric(values)
    return shown


# --- The charts -----------------------------------------------------------------------------------

def _placements_week(engine, actor, flt, settings):
    return results.placements_per_week(engine, actor, flt, today=settings.today)


def _active(engine, actor, flt, settings):
    return results.active_per_week(engine, actor, flt, today=settings.today)


def _shares(engine, actor, flt, settings):
    return results.outcome_shares(engine, actor, flt, group_by=settings.group_by, min_size=settings.min_size)


def _comparison(engine, actor, flt, settings):
    return results.comparison(engine, actor, flt, min_size=settings.min_size)


def _retention(engine, actor, flt, settings):
    return results.first_job_retention(engine, actor, flt, today=settings.today,
                                       group_by=settings.group_by, min_size=settings.min_size)


def _progression(engine, actor, flt, settings):
    return results.progression_change(engine, actor, flt, min_size=settings.min_size)


def _sprints(engine, actor, flt, settings):
    return results.sprint_history(engine, actor, flt, today=settings.today)


def _companies(engine, actor, flt, settings):
    return results.top_companies(engine, actor, flt, today=settings.today)


def _industries(engine, actor, flt, settings):
    return results.top_industries(engine, actor, flt, today=settings.today)


def _agreements(engine, actor, flt, settings):
    return results.new_agreements(engine, actor, flt, today=settings.today)


def _follow_up(engine, actor, flt, settings):
    return results.follow_up_punctuality(engine, actor, flt, today=settings.today)


Data = Callable[[Engine, Actor, Filter, Settings], pd.DataFrame]
Suppress = Callable[[pd.DataFrame, Settings], stats.Suppressed]
Figure = Callable[[pd.DataFrame, Settings, str], go.Figure]
Summary = Callable[[pd.DataFrame, Settings, str], list[str]]


@dataclass(frozen=True)
class Chart:
    """One chart: where its numbers come from, what of them may be shown, how it is drawn, and
    its texts in the catalogue."""

    key: str
    section: str
    title_key: str
    explain_key: str
    sheet_key: str
    data: Data
    figure: Figure
    columns: dict[str, str]
    summary: Summary = _no_summary
    suppress: Suppress = nothing_to_hide

    def table(self, shown: stats.Suppressed, settings: Settings, lang: str) -> pd.DataFrame:
        return people_table(shown.frame, self.columns, settings, lang, shown.hidden)


SECTIONS = {
    "outcomes": "results.tab_outcomes",
    "placements": "results.tab_placements",
    "sprints": "results.tab_sprints",
    "companies": "results.tab_companies",
    "follow_up": "results.tab_follow_up",
}
CHARTS: tuple[Chart, ...] = (
    Chart("shares", "outcomes", "results.shares_title", "results.shares_explain", "results.shares_sheet",
          _shares, shares_figure,
          {"months": "results.col_months", "group": "results.col_group", "n": "results.col_n",
           "successes": "results.col_successes", "share": "results.col_share", "low": "results.col_low",
           "high": "results.col_high", "too_few": "results.col_too_few"},
          suppress=shares_shown),
    Chart("comparison", "outcomes", "results.comparison_title", "results.comparison_explain",
          "results.comparison_sheet", _comparison, comparison_figure,
          {"initiative": "results.col_initiative", "months": "results.col_months",
           "label": "results.col_label", "n": "results.col_n", "reached": "results.col_successes",
           "share": "results.col_share", "comparison_n": "results.col_comparison_n",
           "comparison_reached": "results.col_comparison_reached",
           "comparison_share": "results.col_comparison_share", "difference": "results.col_difference",
           "difference_low": "results.col_difference_low", "difference_high": "results.col_difference_high",
           "verdict": "results.col_verdict", "source": "results.col_source"},
          comparison_summary, comparison_shown),
    Chart("retention", "outcomes", "results.retention_title", "results.retention_explain",
          "results.retention_sheet", _retention, retention_figure,
          {"group": "results.col_group", "n": "results.col_citizens", "days": "results.col_days",
           "at_risk": "results.col_at_risk", "events": "results.col_events",
           "censored": "results.col_censored", "survival": "results.col_survival",
           "too_few": "results.col_too_few"},
          retention_summary, retention_shown),
    Chart("progression", "outcomes", "results.progression_title", "results.progression_explain",
          "results.progression_sheet", _progression, progression_figure,
          {"change": "results.col_change", "citizens": "results.col_citizens",
           "too_few": "results.col_too_few"},
          progression_summary, progression_shown),
    Chart("placements_week", "placements", "results.placements_week_title",
          "results.placements_week_explain", "results.placements_week_sheet", _placements_week,
          placements_week_figure,
          {"week": "results.col_week", "kind": "results.col_kind", "started": "results.col_started",
           "ended": "results.col_ended"},
          suppress=placements_week_shown),
    Chart("active", "placements", "results.active_title", "results.active_explain", "results.active_sheet",
          _active, active_figure, {"week": "results.col_week", "active": "results.col_active"},
          suppress=active_shown),
    Chart("sprint_goals", "sprints", "results.sprint_goals_title", "results.sprint_goals_explain",
          "results.sprint_goals_sheet", _sprints, sprint_goals_figure,
          {"sprint": "results.col_sprint", "start_date": "results.col_start_date",
           "end_date": "results.col_end_date", "goal": "results.col_goal", "secured": "results.col_secured",
           "cards": "results.col_cards"},
          sprint_summary, sprints_shown),
    Chart("sprint_time", "sprints", "results.sprint_time_title", "results.sprint_time_explain",
          "results.sprint_time_sheet", _sprints, sprint_time_figure,
          {"sprint": "results.col_sprint", "timed": "results.col_timed",
           "median_days": "results.col_median_days", "mean_days": "results.col_mean_days"},
          suppress=sprints_shown),
    Chart("companies", "companies", "results.companies_title", "results.companies_explain",
          "results.companies_sheet", _companies, companies_figure,
          {"company": "results.col_company", "industry": "results.col_industry",
           "citizens": "results.col_citizens", "placements": "results.col_placements"},
          suppress=companies_shown),
    Chart("industries", "companies", "results.industries_title", "results.industries_explain",
          "results.industries_sheet", _industries, industries_figure,
          {"industry": "results.col_industry", "companies": "results.col_companies",
           "citizens": "results.col_citizens", "placements": "results.col_placements"},
          suppress=companies_shown),
    Chart("agreements", "companies", "results.agreements_title", "results.agreements_explain",
          "results.agreements_sheet", _agreements, agreements_figure,
          {"month": "results.col_month", "agreements": "results.col_agreements"}),
    Chart("follow_up", "follow_up", "results.follow_up_title", "results.follow_up_explain",
          "results.follow_up_sheet", _follow_up, follow_up_figure,
          {"month": "results.col_month", "due": "results.col_due", "on_time": "results.col_on_time",
           "late": "results.col_late", "overdue": "results.col_overdue", "missed": "results.col_missed",
           "share": "results.col_share", "low": "results.col_low", "high": "results.col_high"},
          follow_up_summary, follow_up_shown),
)


@dataclass(frozen=True)
class Drawn:
    """A chart with its numbers for one filter: the model's `frame`, and what of it is `shown`,
    from which alone the figure, the table and the summary are made."""

    chart: Chart
    frame: pd.DataFrame
    shown: stats.Suppressed

    def figure(self, settings: Settings, lang: str) -> go.Figure:
        return self.chart.figure(self.shown.frame, settings, lang)

    def table(self, settings: Settings, lang: str) -> pd.DataFrame:
        return self.chart.table(self.shown, settings, lang)

    def summary(self, settings: Settings, lang: str) -> list[str]:
        return self.chart.summary(self.shown.frame, settings, lang)


def compute(engine: Engine, actor: Actor, flt: Filter, settings: Settings) -> list[Drawn]:
    """Every chart's numbers for the filter; charts sharing a data function share one query."""
    frames: dict[Data, pd.DataFrame] = {}
    drawn = []
    for chart in CHARTS:
        if chart.data not in frames:
            frames[chart.data] = chart.data(engine, actor, flt, settings)
        frame = frames[chart.data]
        drawn.append(Drawn(chart, frame, chart.suppress(frame, settings)))
    return drawn
