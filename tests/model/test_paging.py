"""Long lists a page at a time: how many pages a list fills and when a page is partial."""

import pandas as pd
import pytest

from model.paging import Page, page_count


@pytest.mark.parametrize("total, size, pages", [(0, 500, 1), (1, 500, 1), (500, 500, 1),
                                                (501, 500, 2), (50388, 500, 101)])
def test_page_count(total, size, pages):
    assert page_count(total, size) == pages


@pytest.mark.parametrize("rows, total, partial", [(3, 3, False), (2, 3, True), (0, 0, False)])
def test_a_page_is_partial_when_the_list_holds_more(rows, total, partial):
    assert Page(pd.DataFrame({"id": range(rows)}), total).partial is partial
