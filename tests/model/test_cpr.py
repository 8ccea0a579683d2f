"""One CPR detector for every free-text check and the import: any separators, any digits' script,
a real day and month; ordinary numbers pass."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import validation
from model.errors import ValidationError

REFUSED = [
    "0101901234", "010190-1234", "010190 1234", "010190 - 1234", "010190 -1234", "010190- 1234",
    "010190–1234",  # en dash
    "010190—1234",  # em dash
    "010190‐1234",  # hyphen
    "010190‑1234",  # non-breaking hyphen
    "010190−1234",  # minus sign
    "010190－1234",  # full-width hyphen-minus
    "010190.1234", "010190/1234", "01.01.90-1234", "01.01.90.1234", "01-01-90-1234",
    "01 01 90 1234", "01/01/90 1234", "01 . 01 . 90 - 1234", "01.01.901234", "0101 90-1234",
    "cpr 311299-1234", "CPR: 31.12.99-1234 ring", "født 150875 1234, bor i Brøndby",
    "nr.290200-1234",  # 29 February 2000
    "290204-1234",  # 29 February 2004
    "300490-1234", "310190-1234", "010100-0000", "311299-9999",
    "٠١٠١٩٠-١٢٣٤",  # Arabic-Indic digits
    "०१०१९०-१२३४",  # Devanagari digits
    "０１０１９０－１２３４",  # full-width digits
    "০১০১৯০ ১২৩৪",  # Bengali digits
    "01019O-1234".replace("O", "0"),
    "ref 120385-4321 og 010101-0101",
    "(010190-1234)", "[010190-1234]", "x010190-1234x", "tlf 12 34 56 78 / cpr 010190-1234",
    "010190\u00a01234",  # no-break space
    "010190\t1234",
]

ACCEPTED = [
    "", "Ring igen på mandag", "1234", "12345678", "12 34 56 78", "+45 12 34 56 78",
    "4512345678",  # 45 is no day
    "3201901234",  # no 32nd day
    "0013901234",  # no 13th month
    "0000901234", "3102901234", "3104901234",  # 31 February, 31 April
    "290201-1234",  # no 29 February in 2001
    "1.234.567,00 kr.", "Løn 25.000 kr. pr. md.", "01-01-2027", "2027-01-01 12:30",
    "01-01-2020 1234", "2020-01-01-1234", "Faktura 2026-118", "J.nr. 2026-4411", "SAG-2026-0042",
    "CVR 12345678", "0101901234567", "10101901234",  # eleven digits, part of a longer number
    "010190-12345", "01019-1234", "Mødes 12.30-14.00", "1/1-90", "kl. 09.00-12.00 og 13-15",
    "Postnr. 2605 Brøndby", "Timer: 15, løn 120,50", "010190", "1234-5678",
]


@pytest.mark.parametrize("text", REFUSED)
def test_a_cpr_number_is_found_however_it_is_written(text):
    assert validation.contains_cpr(text)
    with pytest.raises(ValidationError) as refused:
        validation.check_free_text("ok", text)
    assert refused.value.key == "error.cpr_in_text"


@pytest.mark.parametrize("text", ACCEPTED)
def test_ordinary_numbers_are_not_taken_for_a_cpr_number(text):
    assert not validation.contains_cpr(text)
    validation.check_free_text(text)


def test_the_table_covers_at_least_sixty_written_forms():
    assert len(set(REFUSED)) + len(set(ACCEPTED)) >= 60


# Digit scripts by their zero: ASCII, Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali,
# Thai, full-width, mathematical bold.
ZEROS = [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10, 0x1D7CE]
SEPARATORS = ["", " ", "-", " - ", "–", "—", "‑", "−", ".", ". ", "/", " / ", "－", "\u00a0"]


def _digits(number: str, zero: int) -> str:
    return "".join(chr(zero + int(digit)) for digit in number)


@given(day=st.dates(), serial=st.integers(0, 9999), zero=st.sampled_from(ZEROS),
       separators=st.lists(st.sampled_from(SEPARATORS), min_size=3, max_size=3),
       before=st.sampled_from(["", "cpr ", "Borgerens nr. er ", "("]),
       after=st.sampled_from(["", " i morgen", ")", "."]))
def test_any_real_birth_date_with_any_separators_and_digits_is_found(day, serial, zero, separators,
                                                                     before, after):
    parts = [_digits(part, zero) for part in
             (f"{day.day:02d}", f"{day.month:02d}", f"{day.year % 100:02d}", f"{serial:04d}")]
    written = parts[0]
    for separator, part in zip(separators, parts[1:]):
        written += separator + part
    assert validation.contains_cpr(before + written + after)


@given(day=st.integers(32, 99), month=st.integers(1, 12), rest=st.integers(0, 999_999))
def test_no_day_above_31_is_taken_for_a_birth_date(day, month, rest):
    assert not validation.contains_cpr(f"{day:02d}{month:02d}{rest:06d}")
