"""The catalogue: both languages have the same keys and placeholders; dates read the Danish way."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from model import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_both_languages_have_the_same_keys():
    assert set(i18n.CATALOGUE["da"]) == set(i18n.CATALOGUE["en"])


@pytest.mark.parametrize("key", sorted(i18n.CATALOGUE["da"]))
def test_placeholders_match_between_languages(key):
    fields = [set(re.findall(r"{(\w+)}", i18n.CATALOGUE[lang][key])) for lang in i18n.LANGUAGES]
    assert fields[0] == fields[1]


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in [*ROOT.glob("pages/**/*.py"), *ROOT.glob("model/*.py"), ROOT / "app.py"]:
        used |= set(re.findall(r"""["']((?:app|nav|login|board|screen|overview|common|error)"""
                               r"""\.(?!py\b)[a-z_]+)["']""", path.read_text()))
    assert used, "no catalogue keys found in the code"
    assert used - set(i18n.CATALOGUE["da"]) == set()


@pytest.mark.parametrize("value, expected", [
    (date(2026, 9, 21), "21-09-2026"),
    (datetime(2026, 9, 21, 23, 30, tzinfo=UTC), "22-09-2026"),
    (None, ""),
])
def test_format_date(value, expected):
    assert i18n.format_date(value) == expected


@pytest.mark.parametrize("lang, expected", [("da", "uge 39"), ("en", "week 39")])
def test_week_label_is_the_iso_week(lang, expected):
    assert i18n.week_label(date(2026, 9, 21), lang) == expected
    assert i18n.week_label(date(2027, 1, 1), "da") == "uge 53"


def _used(key: str, source: str) -> bool:
    """Written out in full, or built in an f-string from a prefix: f"stage.{stage}"."""
    if f'"{key}"' in source or f"'{key}'" in source:
        return True
    cuts = [i + 1 for i, char in enumerate(key) if char in "._"]
    return any(f'f"{key[:cut]}{{' in source or f"f'{key[:cut]}{{" in source for cut in cuts)


def test_every_catalogue_key_is_used():
    source = "".join(path.read_text() for path in
                     [*ROOT.glob("pages/**/*.py"), *ROOT.glob("model/*.py"), ROOT / "app.py"])
    unused = [key for key in i18n.CATALOGUE["da"] if not _used(key, source)]
    assert unused == []


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (7, "da", 0, "7"), (50388, "da", 0, "50.388"), (1202938, "da", 0, "1.202.938"),
    (50388, "en", 0, "50,388"), (1234.54, "da", 1, "1.234,5"), (30.0, "da", 1, "30,0"),
    (1234.54, "en", 1, "1,234.5"), (2268.57, "da", 0, "2.269"),
])
def test_format_number_groups_thousands_as_the_language_does(value, lang, decimals, expected):
    assert i18n.format_number(value, lang, decimals) == expected
