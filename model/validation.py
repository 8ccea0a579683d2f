"""The shared rules for what people type: text without control characters or markup, bounded
lengths, names that are names, plausible dates and real numbers. Every form and the import use them."""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from datetime import date, datetime

from model.errors import ValidationError

# Dates outside these are typing errors (year 1800, year 2200), whatever the field.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_LINE = 200
MAX_TEXT = 2000
# Control characters (Unicode's Cc: NUL, ESC, ... but tab and line breaks) and the bidirectional
# overrides and isolates, which make a name read differently from what is stored.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")
# What a spreadsheet runs as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@")
# Something that reads as an HTML tag or comment: "<b", "</", "<!", "<?".
TAG = re.compile(r"<\s*[a-zA-Z/!?]")
PERSON_NAME_MARKS = frozenset(" '’.-")


def _format(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def has_control_characters(text: str, *, multi_line: bool) -> bool:
    """True for control characters (NUL, ESC, ...) and bidi overrides; line breaks and tabs are
    allowed only in multi-line text."""
    return bool(CONTROL.search(text) or (not multi_line and LINE_BREAK.search(text)))


def check_text(*texts: str | None, multi_line: bool = True) -> None:
    """Refuse text with control characters or HTML tags; `None` and "" pass."""
    for text in texts:
        if not text:
            continue
        if not isinstance(text, str):
            raise ValidationError("error.text_not_text")
        if has_control_characters(text, multi_line=multi_line):
            raise ValidationError("error.text_control_characters")
        if TAG.search(text):
            raise ValidationError("error.text_markup")


def clean_text(value: object, limit: int = MAX_TEXT, *, too_long: str = "error.text_too_long") -> str:
    """Free text (a note, a next step): trimmed, bounded, without control characters or tags."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("error.text_not_text")
    text = value.strip()
    if len(text) > limit:
        raise ValidationError(too_long, max=limit)
    check_text(text)
    return text


def clean_line(value: object, limit: int = MAX_LINE, *, too_long: str = "error.text_too_long") -> str:
    """One line of text that names something (a company, a sprint, a tag): trimmed, bounded, no
    control characters, no < or >, and not starting like a spreadsheet formula."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("error.text_not_text")
    text = value.strip()
    if len(text) > limit:
        raise ValidationError(too_long, max=limit)
    if has_control_characters(text, multi_line=False):
        raise ValidationError("error.text_control_characters")
    if "<" in text or ">" in text:
        raise ValidationError("error.text_markup")
    if text.startswith(FORMULA_STARTS):
        raise ValidationError("error.text_formula")
    return text


def check_person_name(name: str) -> None:
    """A person's name: letters (any alphabet), spaces, hyphens, full stops and apostrophes,
    starting with a letter ("Anne-Marie", "O'Brien", "Jr.")."""
    if not name:
        return
    valid = name[0].isalpha() and all(
        char.isalpha() or unicodedata.category(char).startswith("M") or char in PERSON_NAME_MARKS
        for char in name)
    if not valid:
        raise ValidationError("error.person_name_characters")


def check_date(value: object, *, required: bool = False) -> date | None:
    """A calendar date between EARLIEST_DATE and LATEST_DATE (a moment counts as its date)."""
    if value is None:
        if required:
            raise ValidationError("error.date_invalid")
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise ValidationError("error.date_invalid")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError("error.date_out_of_range", low=_format(EARLIEST_DATE),
                              high=_format(LATEST_DATE))
    return value


def check_number(value: object, *, whole: bool = False) -> float | int | None:
    """A real, finite number (not a bool, not text); with `whole`, an integer. None passes."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValidationError("error.number_invalid")
    if whole:
        if value != int(value):
            raise ValidationError("error.whole_number_invalid")
        return int(value)
    return value
