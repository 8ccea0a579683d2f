"""Tables in the user's language: numbers with its digit marks (1.729 and 25,7 in Danish, 1,729 and
25.7 in English), dates as dd-mm-åååå, missing cells blank, and a line of text for an empty table.

Streamlit's own number formats follow the browser's locale ("localized") or print English marks
(printf), so numbers go through a pandas Styler: Streamlit shows its display values as they are
and still sorts on the numbers underneath. Dates use the column's moment.js format.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from model import i18n
from model.clock import LOCAL_TZ

DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:mm"
MAX_DECIMALS = 2
TOLERANCE = 1e-6


def column_kind(column: pd.Series) -> str | None:
    """"number", "date" or "datetime" for the columns a language formats; None for the rest."""
    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        moments = column.dropna()
        # Days read from SQL as timestamps are days, not moments at midnight.
        midnight = moments.dt.tz is None and bool((moments == moments.dt.normalize()).all())
        return "date" if midnight and len(moments) else "datetime"
    if pd.api.types.is_numeric_dtype(column):
        return "number"
    if column.dtype == object:
        first = column.first_valid_index()
        value = None if first is None else column.loc[first]
        if isinstance(value, datetime):
            return "datetime"
        if isinstance(value, date):
            return "date"
    return None


def decimals_of(column: pd.Series) -> int:
    """The fewest decimals (at most two) that show every value of the column as it is."""
    values = pd.to_numeric(column, errors="coerce").dropna().astype(float)
    for places in range(MAX_DECIMALS):
        scaled = values * 10 ** places
        if ((scaled - scaled.round()).abs() < TOLERANCE).all():
            return places
    return MAX_DECIMALS


def _has_zone(column: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.tz is not None
    first = column.first_valid_index()
    return first is not None and getattr(column.loc[first], "tzinfo", None) is not None


def _format_of(config: object) -> str | None:
    """The display format a column config already sets (it wins over a Styler's), else None."""
    if isinstance(config, dict):
        return (config.get("type_config") or {}).get("format")
    return None


def _with_format(config: object, kind: str, fmt: str, timezone: str | None = None) -> object:
    """The column config with the language's date format, keeping its label, width and the rest."""
    if isinstance(config, dict):
        type_config = config.get("type_config")
        if type_config is None:
            type_config = {"type": kind}
        elif type_config.get("type") != kind or type_config.get("format"):
            return config  # another column type, or a format of its own
        type_config = {**type_config, "format": fmt}
        if timezone and not type_config.get("timezone"):
            type_config["timezone"] = timezone
        return {**config, "type_config": type_config}
    column = st.column_config.DateColumn if kind == "date" else st.column_config.DatetimeColumn
    label = config if isinstance(config, str) else None
    return column(label, format=fmt) if kind == "date" else column(label, format=fmt,
                                                                      timezone=timezone)


def with_date_formats(frame: pd.DataFrame, config: dict | None = None) -> dict:
    """`config` with the dd-mm-åååå format on every date column and dd-mm-åååå tt:mm on moments.

    A column hidden by None, given another type or its own format stays as the page set it.
    """
    merged = dict(config or {})
    for name in frame.columns:
        kind = column_kind(frame[name])
        if kind not in ("date", "datetime") or (name in merged and merged[name] is None):
            continue
        # Moments with a zone (stored in UTC) are shown in Danish time.
        timezone = str(LOCAL_TZ) if kind == "datetime" and _has_zone(frame[name]) else None
        merged[name] = _with_format(merged.get(name), kind,
                                    DATE_FORMAT if kind == "date" else DATETIME_FORMAT, timezone)
    return merged


def number_formats(frame: pd.DataFrame, lang: str, *, config: dict | None = None,
                   decimals: dict | None = None, units: dict | None = None,
                   only: set | None = None) -> dict:
    """The display function of each number column in `lang`, or {} when Streamlit's own display
    already reads the same in both languages (whole numbers under 1000 only).

    `decimals` fixes a column's decimals (else the fewest that show its values), `units` adds a
    suffix (" %"); a column whose config sets its own format is left alone, as is one not in
    `only` when `only` is given (the editable columns of an editor take no Styler).
    """
    decimals, units, config = decimals or {}, units or {}, config or {}
    formats, needed = {}, False
    for name in frame.columns:
        column = frame[name]
        if column_kind(column) != "number" or _format_of(config.get(name)) \
                or (only is not None and name not in only):
            continue
        places = decimals.get(name, decimals_of(column))
        unit = units.get(name, "")
        values = pd.to_numeric(column, errors="coerce").dropna()
        needed = needed or places > 0 or bool(unit) or bool((values.abs() >= 1000).any())
        formats[name] = (lambda value, places=places, unit=unit:
                         f"{i18n.format_number(value, lang, places)}{unit}")
    return formats if needed else {}


def styled(frame: pd.DataFrame | Styler, formats: dict) -> pd.DataFrame | Styler:
    """`frame` as a Styler showing `formats`, or unchanged when there is nothing to format."""
    if not formats:
        return frame
    styler = frame if isinstance(frame, Styler) else frame.style
    if styler.data.size > pd.get_option("styler.render.max_elements"):
        return frame  # too large for a Styler: Streamlit's own digits, rather than no table
    return styler.format(na_rep="").format(formats, na_rep="")


def table(frame: pd.DataFrame | Styler, *, key: str, lang: str, column_config: dict | None = None,
          decimals: dict | None = None, units: dict | None = None, empty: str | None = None,
          **kwargs):
    """st.dataframe in `lang`: digit marks, dd-mm-åååå dates, blank missing cells; an empty
    table is the line `empty` (default "Ingen rækker") instead of a grid. Returns what
    st.dataframe returns, or None for an empty table.

    A year or an id stays plain with its own format in `column_config` (NumberColumn "%d").
    """
    data = frame.data if isinstance(frame, Styler) else frame
    if data.empty:
        st.caption(empty or i18n.t("common.no_rows", lang))
        return None
    config = with_date_formats(data, column_config)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "")
    formats = number_formats(data, lang, config=config, decimals=decimals, units=units)
    return st.dataframe(styled(frame, formats), key=key, column_config=config, **kwargs)


def editor(frame: pd.DataFrame, *, key: str, lang: str, column_config: dict | None = None,
           decimals: dict | None = None, units: dict | None = None, **kwargs):
    """st.data_editor in `lang`: dates as dd-mm-åååå, missing cells blank, and the digit marks of
    `lang` on the columns that cannot be edited (Streamlit applies a Styler only to those).

    Editable whole-number columns show plain digits ("%d"); editable decimals keep Streamlit's
    English decimal point (no Danish format exists for an editable number cell).
    Returns the edited frame, as st.data_editor does.
    """
    config = with_date_formats(frame, column_config)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "")
    disabled = kwargs.get("disabled", False)
    locked = set(frame.columns) if disabled is True else set(disabled or ())
    locked |= {name for name, entry in config.items()
               if isinstance(entry, dict) and entry.get("disabled")}
    for name in frame.columns:
        if name not in locked and column_kind(frame[name]) == "number" \
                and pd.api.types.is_integer_dtype(frame[name]) and not _format_of(config.get(name)):
            config[name] = _with_number_format(config.get(name), "%d")
    formats = number_formats(frame, lang, config=config, decimals=decimals, units=units,
                             only=locked)
    return st.data_editor(styled(frame, formats), key=key, column_config=config, **kwargs)


def _with_number_format(config: object, fmt: str) -> object:
    if isinstance(config, dict):
        type_config = {"type": "number", **(config.get("type_config") or {}), "format": fmt}
        return {**config, "type_config": type_config}
    return st.column_config.NumberColumn(config if isinstance(config, str) else None, format=fmt)
