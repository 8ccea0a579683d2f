"""Every user-facing string, in Danish (default) and English, and date formats."""

from __future__ import annotations

import importlib
import os
import re
from datetime import date, datetime

import pandas as pd

from model.clock import LOCAL_TZ

LANGUAGES = ("da", "en")
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

# One module per area under model/texts/, each with DA and EN dicts; keys never repeat.
SECTIONS = ("frame", "sprints", "citizens", "companies", "placements", "data", "quick", "goals",
            "results", "areas", "matching", "admin", "privacy", "trust", "sessions")


def _merge() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {"da": {}, "en": {}}
    for name in SECTIONS:
        section = importlib.import_module(f"model.texts.{name}")
        for lang, texts in (("da", section.DA), ("en", section.EN)):
            clash = set(texts) & set(catalogue[lang])
            if clash:
                raise ValueError(f"catalogue keys defined twice: {sorted(clash)}")
            catalogue[lang].update(texts)
    return catalogue


CATALOGUE = _merge()


def default_language() -> str:
    lang = os.environ.get("JOBTAVLEN_LANG", "da")
    return lang if lang in LANGUAGES else "da"


# What Markdown (and Streamlit's :color[...] directives) would read as markup in typed text.
MARKDOWN_SPECIALS = "\\`*_[]<>#|~$"
AUTOLINK = re.compile(r"[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE)


def as_text(value: object) -> str:
    """Text a user typed, put in a string Streamlit renders as Markdown: shown as written, so a
    name with link or image syntax stays a name."""
    text = str(value)
    for char in MARKDOWN_SPECIALS:
        text = text.replace(char, f"\\{char}")
    # Nor a bare address: the browser's Markdown makes "http://..." or "www...." a link from the
    # text it reads, escaped or not; an invisible word joiner inside keeps it text.
    return AUTOLINK.sub(lambda m: m.group(0).replace(":", ":\u2060").replace("w.", "w\u2060.", 1),
                        text)


def t(key: str, lang: str = "da", **params: object) -> str:
    """The text for `key` in `lang`, with its {placeholders} filled in."""
    text = CATALOGUE[lang][key]
    return text.format(**params) if params else text


def code_label(keys: dict[str, str], code: object, lang: str = "da") -> str:
    """The name of a stored code (`keys` maps codes to catalogue keys); "" for none, else the code."""
    if code is None or pd.isna(code):
        return ""
    key = keys.get(str(code))
    return t(key, lang) if key in CATALOGUE[lang] else str(code)


def local_date(value: date | datetime | None) -> date | None:
    """The Danish calendar day of a day or a moment (one without a zone is read as it is); None
    for none."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date() if value.tzinfo else value.date()
    return value


def format_date(value: date | datetime | None) -> str:
    """dd-mm-åååå, in Danish time for moments."""
    day = local_date(value)
    return "" if day is None else day.strftime("%d-%m-%Y")


def format_number(value: float, lang: str = "da", decimals: int = 0) -> str:
    """A number with thousands grouped and `decimals` decimals: 50.388 and 1.234,5 in Danish,
    50,388 and 1,234.5 in English."""
    grouped = f"{value:,.{decimals}f}"
    return grouped.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "da" else grouped


def week_label(value: date, lang: str = "da") -> str:
    """The ISO week number: "uge 39"."""
    return t("common.week", lang, week=value.isocalendar().week)


WEEKDAYS = {
    "da": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def weekday(value: date, lang: str = "da") -> str:
    return WEEKDAYS[lang][value.weekday()]
