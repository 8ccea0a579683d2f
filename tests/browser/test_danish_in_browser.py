"""Danish in the browser: in a browser set to American English, the demo leader's Partnerskaber and
Områdeoverblik draw their tables with Danish digit marks (1.729 and 25,7) and dd-mm-åååå dates,
and no Streamlit English ("Choose an option", "Select all", "None") shows.

The table cells are drawn on a canvas, so the test records every text the page draws there."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import open_page, screenshot, sign_in, wait_ready

# Every text drawn on a canvas (the cells of st.dataframe), kept for the test to read.
RECORD_DRAWN_TEXT = """
window.__drawn = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__drawn.push(String(text));
  return fillText.call(this, text, ...rest);
};
"""
STREAMLIT_ENGLISH = ("Choose an option", "Choose options", "Select all", "No options to select",
                     "Choose or add")
DANISH_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
DANISH_DECIMALS = re.compile(r"\d+,\d{1,2}")
ENGLISH_NUMBER = re.compile(r"\d{1,3}(,\d{3})+|\d+\.\d{1,2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}.*")
DANISH_DATE = re.compile(r"\d{2}-\d{2}-\d{4}")


@pytest.fixture
def english_page(browser):
    """A page in a browser whose own language is American English, recording canvas text."""
    context = browser.new_context(viewport={"width": 1600, "height": 2400}, locale="en-US")
    context.add_init_script(RECORD_DRAWN_TEXT)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def drawn_after_opening(page, name: str) -> set[str]:
    """The texts drawn in the tables of page `name`, opened from the sidebar."""
    page.evaluate("window.__drawn = []")
    open_page(page, name)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="attached")
    for table in page.locator('[data-testid="stDataFrame"]').all():
        if table.is_visible():  # tables in a closed expander are not drawn
            table.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    wait_ready(page)
    return set(page.evaluate("window.__drawn"))


def test_partnerskaber_and_omraadeoverblik_are_danish_in_an_english_browser(server, english_page):
    page = english_page
    sign_in(page, server, "leder")
    drawn = drawn_after_opening(page, "Partnerskaber")
    shot = screenshot(page, "danish-partnerskaber")
    assert {text for text in drawn if DANISH_THOUSANDS.fullmatch(text)}, (drawn, shot)  # 8.436
    assert {text for text in drawn if DANISH_DECIMALS.fullmatch(text)}, (drawn, shot)   # 14,6
    assert not {text for text in drawn if ENGLISH_NUMBER.fullmatch(text)}, shot
    assert "None" not in drawn
    body = page.locator("body").inner_text()
    assert "Lønudgift i alt inkl. planlagt" in body
    assert "Planlagt lønudgift efter i dag" in body
    assert not [words for words in STREAMLIT_ENGLISH if words in body]

    drawn = drawn_after_opening(page, "Områdeoverblik")
    screenshot(page, "danish-omraadeoverblik")
    assert {text for text in drawn if DANISH_DATE.fullmatch(text)}, drawn      # dagpenge end dates
    assert not {text for text in drawn if ISO_DATE.fullmatch(text)}
    assert not {text for text in drawn if ENGLISH_NUMBER.fullmatch(text)}
    assert "None" not in drawn
    body = page.locator("body").inner_text()
    assert not [words for words in STREAMLIT_ENGLISH if words in body]
