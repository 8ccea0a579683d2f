"""Danish all the way: every select box and date picker on the pages speaks the chosen language,
every table shows dd-mm-åååå dates and the language's digit marks (1.729 and 25,7 in Danish), and
an empty table is a line of text, not Streamlit's English "empty" grid."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import streamlit as st
from sqlmodel import Session, select
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from model import clock, i18n, people, placements
from model.tables import Company
from pages.ui import tables
from tests.conftest import app_as, demo_actor, page_text

NUMBER = {"da": re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?( %)?$"),
          "en": re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?( %)?$")}
# The pages of this change, each opened as a role that sees all of it.
PAGES = [("pages/partnerskaber.py", "leder"), ("pages/omraadeoverblik.py", "leder"),
         ("pages/resultater.py", "leder"), ("pages/borgere.py", "leder"),
         ("pages/virksomheder.py", "leder"), ("pages/maal.py", "leder"),
         ("pages/persondata.py", "admin")]


def shown_values(element) -> pd.DataFrame | None:
    """What the browser shows in a table's cells when a Styler formats them, else None."""
    raw = element.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(raw) if raw else None


def table_problems(at, lang: str) -> list[str]:
    """Every cell format on the page that is not the language's: dates not dd-mm-åååå, numbers
    that need digit marks shown with Streamlit's own (English) ones, an empty read-only grid."""
    problems = []
    for element in at.dataframe:
        data = element.value
        config = json.loads(element.proto.columns or "{}")
        shown = shown_values(element)
        if data.empty and element.editing_mode == "read_only":
            problems.append(f"an empty grid with columns {list(data.columns)}")
        for position, name in enumerate(data.columns):
            column, entry = data[name], config.get(name) or {}
            kind, fmt = tables.column_kind(column), (entry.get("type_config") or {}).get("format")
            if kind == "date" and fmt != "DD-MM-YYYY":
                problems.append(f"{name}: dates as {fmt}")
            if kind == "datetime" and fmt != "DD-MM-YYYY HH:mm":
                problems.append(f"{name}: moments as {fmt}")
            editable = element.editing_mode != "read_only" and not entry.get("disabled")
            if kind != "number" or fmt or editable:
                continue
            values = pd.to_numeric(column, errors="coerce").dropna().astype(float)
            if not ((values - values.round()).abs() > 1e-9).any() and not (values.abs() >= 1000).any():
                continue  # whole numbers under 1000 read the same in both languages
            if shown is None:
                problems.append(f"{name}: Streamlit's own digits for {values.tolist()[:3]}")
                continue
            wrong = [v for v in shown.iloc[:, position] if v and not NUMBER[lang].match(v)]
            if wrong:
                problems.append(f"{name}: {wrong[:3]}")
    return problems


def widget_problems(at, lang: str) -> list[str]:
    """Select boxes without a placeholder of ours (Streamlit's English "Choose an option"), a
    "Select all" it cannot translate in Danish, and date pickers not showing dd-mm-åååå."""
    problems = [f"select box {box.label}: no placeholder" for box in at.selectbox
                if box.key != "lang_choice" and not box.proto.placeholder]
    problems += [f"multiselect {box.label}: no placeholder" for box in at.multiselect
                 if not box.proto.placeholder]
    if lang == "da":
        problems += [f"multiselect {box.label}: English 'Select all'" for box in at.multiselect
                     if box.proto.select_all != 0]
    problems += [f"date picker {d.label}: {d.proto.format}" for d in at.date_input
                 if d.proto.format != "DD-MM-YYYY"]
    return problems


@pytest.mark.parametrize("page, username", PAGES)
def test_every_table_and_widget_on_the_page_is_danish(app_db, page, username):
    at = app_as(app_db, username, page)
    assert at.dataframe or at.date_input or at.selectbox, "the page showed nothing to check"
    assert table_problems(at, "da") == []
    assert widget_problems(at, "da") == []


@pytest.mark.parametrize("page, username", [PAGES[0], PAGES[1], PAGES[2]])
def test_in_english_the_tables_and_widgets_are_english(app_db, page, username):
    at = app_as(app_db, username, page)
    at.selectbox(key="lang_choice").select("en").run()
    assert not at.exception, at.exception
    assert table_problems(at, "en") == []
    assert widget_problems(at, "en") == []
    assert {box.proto.placeholder for box in at.selectbox if box.key != "lang_choice"} \
        <= {"Choose", "Choose …", "Choose, or type a new one", "Nothing to choose"}


def test_a_company_profile_shows_contact_moments_in_danish_time(app_db):
    at = app_as(app_db, "leder", "pages/virksomheder.py")
    with Session(app_db) as session:
        company = session.exec(select(Company.id).order_by(Company.name)).first()
    at.session_state["company_pick"] = company
    at.session_state["company_goto"] = "profile"
    at.run()
    assert not at.exception, at.exception
    contacts = next(d for d in at.dataframe if "Kanal" in d.value.columns)
    config = json.loads(contacts.proto.columns)
    moments = config["Dato"]["type_config"]
    assert (moments["format"], moments["timezone"]) == ("DD-MM-YYYY HH:mm", "Europe/Copenhagen")
    assert table_problems(at, "da") == []


def test_partnerskaber_shows_hours_and_kroner_with_danish_digit_marks(app_db):
    at = app_as(app_db, "leder", "pages/partnerskaber.py")
    costs = next(d for d in at.dataframe if "Timer" in d.value.columns)
    shown, data = shown_values(costs), costs.value
    assert shown is not None
    assert shown["Timer"].tolist() == [i18n.format_number(v, "da", 1) for v in data["Timer"]]
    assert shown["Lønudgift (kr.)"].tolist() == \
        [i18n.format_number(v, "da") for v in data["Lønudgift (kr.)"]]
    assert any("." in v for v in shown["Lønudgift (kr.)"])  # thousands: 8.436
    assert all("," in v for v in shown["Timer"])             # decimals: 14,6
    at.selectbox(key="lang_choice").select("en").run()
    costs = next(d for d in at.dataframe if "Hours" in d.value.columns)
    shown = shown_values(costs)
    assert shown["Hours"].tolist() == [i18n.format_number(v, "en", 1) for v in costs.value["Hours"]]
    assert any("," in v for v in shown["Wage cost (DKK)"])    # thousands: 8,436


def test_the_payer_form_offers_no_english_select_all_in_danish(app_db):
    konsulent = demo_actor(app_db, "konsulent")
    today = clock.today()
    young = people.create_citizen(app_db, konsulent, first_name="Nora", last_name="Bech",
                                  birth_year=today.year - 15)
    with Session(app_db) as session:
        company = session.exec(select(Company.id).order_by(Company.name)).first()
    placements.start_placement(app_db, konsulent, citizen_id=young, company_id=company,
                               kind="lommepengejob", start_date=today - timedelta(days=3),
                               hours_per_week=4, hourly_wage=65)
    at = app_as(app_db, "konsulent", "pages/partnerskaber.py")
    jobs = at.multiselect(key="unpaid_jobs")
    assert jobs.proto.select_all == 0
    assert jobs.proto.placeholder == "Vælg en eller flere"
    assert at.selectbox(key="unpaid_payer").proto.placeholder == "Vælg"


def _empty_table_app():
    import pandas as pd

    from pages.ui import tables

    tables.table(pd.DataFrame({"Navn": [], "Antal": []}), key="empty", lang="da")
    tables.table(pd.DataFrame({"Name": []}), key="empty_en", lang="en", empty="Nothing yet.")


def test_an_empty_table_is_a_line_of_text_not_an_empty_grid():
    at = AppTest.from_function(_empty_table_app).run()
    assert not at.exception, at.exception
    assert not at.dataframe
    assert [c.value for c in at.caption] == ["Ingen rækker", "Nothing yet."]
    assert "empty" not in page_text(at)


# --- The helpers, without a page --------------------------------------------------------------

@pytest.mark.parametrize("values, kind", [
    ([1, 2, 3], "number"),
    ([25.7, None], "number"),
    ([True, False], None),
    (["a", None], None),
    ([None, date(2026, 9, 21)], "date"),
    ([datetime(2026, 9, 21, 8, 30, tzinfo=UTC)], "datetime"),
    (pd.to_datetime(["2026-09-21", "2026-09-22"]), "date"),         # days read as timestamps
    (pd.to_datetime(["2026-09-21 08:30"]), "datetime"),
    ([], None),
])
def test_column_kind(values, kind):
    assert tables.column_kind(pd.Series(values)) == kind


@pytest.mark.parametrize("values, places", [
    ([1, 2, 1729], 0), ([3.0, 12.0], 0), ([25.7, 3.0], 1), ([0.25, 1.5], 2), ([1 / 3], 2), ([], 0),
])
def test_decimals_are_the_fewest_that_show_the_values(values, places):
    assert tables.decimals_of(pd.Series(values, dtype=float)) == places


@pytest.mark.parametrize("lang, expected", [
    ("da", (["1.729", "5", "120.000"], ["25,7", "1.234,5", "3,0"], ["12,5 %", "", "7,0 %"])),
    ("en", (["1,729", "5", "120,000"], ["25.7", "1,234.5", "3.0"], ["12.5 %", "", "7.0 %"])),
])
def test_number_columns_are_shown_with_the_languages_digit_marks(lang, expected):
    frame = pd.DataFrame({"Antal": [1729, 5, 120000], "Timer": [25.7, 1234.5, 3.0],
                          "Andel": [12.5, None, 7.0], "Navn": ["a", "b", "c"]})
    formats = tables.number_formats(frame, lang, units={"Andel": " %"})
    assert set(formats) == {"Antal", "Timer", "Andel"}
    shown = [[formats[name](v) if pd.notna(v) else "" for v in frame[name]]
             for name in ("Antal", "Timer", "Andel")]
    assert tuple(shown) == expected


def test_small_whole_numbers_and_columns_with_their_own_format_need_no_styler():
    frame = pd.DataFrame({"Mål": [16, 21], "Fødselsår": [1985, 2009]})
    config = {"Fødselsår": st.column_config.NumberColumn(format="%d")}
    assert tables.number_formats(frame, "da", config=config) == {}
    assert tables.styled(frame, {}) is frame


def test_date_columns_get_the_danish_format_and_keep_what_the_page_set():
    frame = pd.DataFrame({"Start": [date(2026, 9, 21)], "Slut": [date(2026, 9, 25)],
                          "Set": [datetime(2026, 9, 21, 8, 0, tzinfo=UTC)],
                          "Skjult": [date(2026, 9, 21)], "Egen": [date(2026, 9, 21)],
                          "Navn": ["x"]})
    config = tables.with_date_formats(frame, {
        "Start": st.column_config.Column("Startdag", width=90), "Slut": "Slutdag",
        "Skjult": None, "Egen": st.column_config.DateColumn(format="D. MMM")})
    assert config["Start"]["label"] == "Startdag" and config["Start"]["width"] == 90
    assert config["Start"]["type_config"] == {"type": "date", "format": "DD-MM-YYYY"}
    assert config["Slut"]["label"] == "Slutdag"
    assert config["Slut"]["type_config"]["format"] == "DD-MM-YYYY"
    assert config["Set"]["type_config"]["format"] == "DD-MM-YYYY HH:mm"
    assert config["Set"]["type_config"]["timezone"] == "Europe/Copenhagen"
    assert config["Skjult"] is None
    assert config["Egen"]["type_config"]["format"] == "D. MMM"
    assert "Navn" not in config


@pytest.mark.parametrize("value, expected", [
    (date(2026, 9, 21), date(2026, 9, 21)),
    (datetime(2026, 9, 21, 23, 30, tzinfo=UTC), date(2026, 9, 22)),   # past midnight in Denmark
    (datetime(2026, 9, 21, 23, 30), date(2026, 9, 21)),
    (None, None), (pd.NaT, None),
])
def test_local_date_is_the_danish_calendar_day(value, expected):
    assert i18n.local_date(value) == expected
