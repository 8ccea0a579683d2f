"""The report for management or a funder: one self-contained HTML file and an Excel file with the
same numbers, one sheet per chart. Making a report is written to the audit log."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from plotly.offline import get_plotlyjs
from sqlalchemy.engine import Engine

from model import audit, charts, clock, exporting, i18n, importing, results
from model.access import Actor, require
from model.db import write_session
from model.results import Filter

CHART_CONFIG = {"displaylogo": False, "responsive": True}
STYLE = """
body { font-family: "Segoe UI", system-ui, -apple-system, sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.9rem; margin-bottom: .3rem; }
h2 { font-size: 1.35rem; margin: 0 0 .3rem; border-bottom: 2px solid #2e7d32; padding-bottom: .2rem; }
.meta { color: #555; margin: .1rem 0; }
nav ol { columns: 2; padding-left: 1.2rem; }
section.chart { margin: 2.5rem 0; break-inside: avoid; page-break-inside: avoid; }
.explain { color: #333; margin: .2rem 0 .6rem; }
ul.summary { background: #f3f7f3; border-left: 4px solid #2e7d32; padding: .5rem 1rem .5rem 2rem; }
.numbers { max-height: 320px; overflow: auto; margin-top: .5rem; }
.numbers h3 { font-size: 1rem; margin: .4rem 0; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #fafafa; position: sticky; top: 0; }
footer { color: #777; font-size: .85rem; margin-top: 3rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  nav, .no-print, .modebar-container { display: none !important; }
  section.chart { margin: 1.2rem 0; }
  .numbers { max-height: none; overflow: visible; }
  th { position: static; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
"""


@dataclass(frozen=True)
class Report:
    """A made report: its title, a file name without suffix, and both files."""

    title: str
    file_name: str
    html: bytes
    excel: bytes


def _filter_lines(flt: Filter, options: results.FilterOptions, lang: str) -> list[str]:
    """The filters beyond period and initiative, as "Målgruppe: unge 13-17"."""
    chosen = [
        ("results.target_group", flt.target_group),
        ("results.housing_area", options.housing_areas.get(flt.housing_area_id)),
        ("results.kind", charts.kind_label(flt.kind, lang) if flt.kind else None),
        ("results.team", options.teams.get(flt.team_id)),
    ]
    return [f"{i18n.t(key, lang)}: {value}" for key, value in chosen if value]


def _cells(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Dates the Danish way and numbers with the language's decimal mark, for the HTML tables."""
    shown = table.copy()
    for column in shown.columns:
        values = shown[column]
        if values.map(lambda v: isinstance(v, date)).any():
            shown[column] = values.map(lambda v: i18n.format_date(v) if isinstance(v, date) else v)
        elif pd.api.types.is_float_dtype(values):
            shown[column] = values.map(lambda v: "" if pd.isna(v) else charts.number(v, lang))
        elif values.dtype == object:
            # Numbers beside "for få" in one column.
            shown[column] = values.map(lambda v: charts.number(v, lang)
                                       if isinstance(v, float) and not pd.isna(v) else v)
    return shown.astype(object).where(shown.notna(), "")


def _section(drawn: charts.Drawn, settings: charts.Settings, lang: str) -> str:
    chart = drawn.chart
    figure = drawn.figure(settings, lang).to_html(full_html=False, include_plotlyjs=False,
                                                  div_id=f"chart-{chart.key}", config=CHART_CONFIG,
                                                  default_width="100%")
    summary = "".join(f"<li>{html.escape(line)}</li>" for line in drawn.summary(settings, lang))
    table = _cells(drawn.table(settings, lang), lang).to_html(index=False, escape=True, border=0)
    return (f'<section class="chart" id="{chart.key}">'
            f"<h2>{html.escape(i18n.t(chart.title_key, lang))}</h2>"
            f'<p class="explain">{html.escape(i18n.t(chart.explain_key, lang))}</p>'
            + (f'<ul class="summary">{summary}</ul>' if summary else "")
            + figure
            + f'<div class="numbers"><h3>{html.escape(i18n.t("results.numbers", lang))}</h3>{table}</div>'
            "</section>")


def render_html(drawn: list[charts.Drawn], settings: charts.Settings, lang: str, *, title: str,
                lines: list[str]) -> str:
    """One HTML page holding plotly.js itself, so it opens offline and the charts stay interactive."""
    header = "".join(f'<p class="meta">{html.escape(line)}</p>' for line in lines)
    note = html.escape(i18n.t("results.report_print_note", lang))
    contents = "".join(f'<li><a href="#{d.chart.key}">{html.escape(i18n.t(d.chart.title_key, lang))}</a></li>'
                       for d in drawn)
    sections = "".join(_section(d, settings, lang) for d in drawn)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
            f"<header><h1>{html.escape(title)}</h1>{header}</header>"
            f'<nav><ol>{contents}</ol><p class="meta">{note}</p></nav>'
            f"{sections}<footer>Jobtavlen</footer></body></html>")


def render_excel(drawn: list[charts.Drawn], settings: charts.Settings, lang: str, *, title: str,
                 lines: list[str]) -> bytes:
    """A sheet about the report (title, period, filters, the summaries), then one sheet per chart."""
    about = [(i18n.t("results.report_title_field", lang), title), *(("", line) for line in lines)]
    for item in drawn:
        about += [(i18n.t(item.chart.title_key, lang), line) for line in item.summary(settings, lang)]
    sheets = {i18n.t("results.report_about_sheet", lang): pd.DataFrame(
        about, columns=[i18n.t("results.report_field", lang), i18n.t("results.report_value", lang)])}
    for item in drawn:
        sheets[i18n.t(item.chart.sheet_key, lang)] = item.table(settings, lang)
    return exporting.to_excel_bytes(sheets)


def build(engine: Engine, actor: Actor, flt: Filter, settings: charts.Settings, *, lang: str = "da",
          now: datetime | None = None) -> Report:
    """The report of an initiative (or all) and a period, with the page's other filters."""
    require(actor, "results.read")
    results.check_filter(flt)
    now = now or clock.local_now()
    options = results.filter_options(engine, actor)
    initiative = options.initiatives.get(flt.initiative_id) or i18n.t("results.report_all_initiatives", lang)
    title = i18n.t("results.report_heading", lang, initiative=initiative)
    group_name = i18n.t(charts.GROUP_KEYS[settings.group_by], lang)
    lines = [i18n.t("results.report_period", lang, start=i18n.format_date(flt.start),
                    end=i18n.format_date(flt.end)),
             i18n.t("results.report_generated", lang, date=f"{i18n.format_date(now)} {now:%H:%M}",
                    name=actor.name or actor.username),
             i18n.t("results.report_filters", lang, filters=", ".join(_filter_lines(flt, options, lang))
                    or i18n.t("results.report_no_filters", lang)),
             i18n.t("results.report_groups", lang, group_by=group_name.lower()),
             i18n.t("results.min_group", lang, min=settings.min_size)]
    drawn = charts.compute(engine, actor, flt, settings)
    page = render_html(drawn, settings, lang, title=title, lines=lines)
    workbook = render_excel(drawn, settings, lang, title=title, lines=lines)
    with write_session(engine) as session:
        audit.log(session, actor, "report", "results", None,
                  detail=f"initiative={flt.initiative_id};period={flt.start}..{flt.end};"
                         f"target_group={flt.target_group};area={flt.housing_area_id};kind={flt.kind};"
                         f"team={flt.team_id};group_by={settings.group_by}")
        session.commit()
    stem = importing.code(f"{i18n.t('results.report_file', lang)} {initiative}")
    return Report(title, f"{stem}-{flt.start:%Y%m%d}-{flt.end:%Y%m%d}", page.encode("utf-8"), workbook)
