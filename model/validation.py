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
# What may stand between the parts of a CPR number (dd mm yy nnnn): nothing, or spaces around at
# most one dash of any kind, dot or slash.
_CPR_SEPARATOR = r"\s*[-./\u2010-\u2015\u2212\ufe58\ufe63\uff0d\uff0e\uff0f]?\s*"
_CPR_SHAPE = re.compile(
    rf"(?<![0-9])([0-9]{{2}}){_CPR_SEPARATOR}([0-9]{{2}}){_CPR_SEPARATOR}([0-9]{{2}})"
    rf"{_CPR_SEPARATOR}[0-9]{{4}}(?![0-9])")
# Days per month; 29 February counts, since a two-digit year may be a leap year.
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _format(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def has_control_characters(text: str, *, multi_line: bool) -> bool:
    """True for control characters (NUL, ESC, ...) and bidi overrides; line breaks and tabs are
    allowed only in multi-line text."""
    return bool(CONTROL.search(text) or (not multi_line and LINE_BREAK.search(text)))


def ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (Arabic-Indic, Devanagari, full-width, ...) as 0-9."""
    if text.isascii():  # nearly always: nothing to translate
        return text
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def contains_cpr(text: str | None) -> bool:
    """True when the text holds something written like a CPR number: a real day and month, a
    two-digit year and four digits, whatever the separators and digits' script; ordinary numbers
    (amounts, phone numbers, dates with a four-digit year) are not taken for one."""
    if not text:
        return False
    for match in _CPR_SHAPE.finditer(ascii_digits(text)):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            if month == 2 and day == 29 and int(match.group(3)) % 4:
                continue  # 29 February of a year that had none
            return True
    return False


def check_free_text(*texts: str | None) -> None:
    """Refuse text that looks like it holds a CPR number (CPR numbers are never stored), and text
    with control characters or HTML tags."""
    check_text(*texts)
    if any(contains_cpr(t) for t in texts):
        raise ValidationError("error.cpr_in_text")


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


def check_date(value: object, *, required: bool = False, earliest: date = EARLIEST_DATE,
               latest: date = LATEST_DATE) -> date | None:
    """A calendar date from `earliest` to `latest`, by default EARLIEST_DATE and LATEST_DATE (a
    moment counts as its date); the message names both ends."""
    if value is None:
        if required:
            raise ValidationError("error.date_invalid")
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise ValidationError("error.date_invalid")
    if not earliest <= value <= latest:
        raise ValidationError("error.date_out_of_range", low=_format(earliest), high=_format(latest))
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
