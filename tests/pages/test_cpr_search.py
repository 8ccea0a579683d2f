"""A CPR number typed into a search box is refused with the reason on the page (the criterion
would otherwise be written to the audit log); the page keeps working."""

from sqlalchemy import select
from sqlmodel import Session

from model import i18n
from model.tables import AuditLog
from tests.conftest import app_as

NEW_PLACEMENT = ("pl_tab", i18n.t("placement.tab_new", "da"))
# (page, the tab to open as (its state key, label) or None, key of the search box)
SEARCHES = [
    ("pages/borgere.py", None, "citizen_search"),
    ("pages/virksomheder.py", None, "list_query"),
    ("pages/forloeb.py", NEW_PLACEMENT, "new_citizen_query"),
    ("pages/forloeb.py", NEW_PLACEMENT, "new_company_query"),
    ("pages/sprinttavle.py", None, "card_search"),
    ("pages/persondata.py", None, "pd_search"),
]


def test_a_cpr_number_in_any_search_box_is_refused_with_the_reason(app_db):
    for page, tab, key in SEARCHES:
        at = app_as(app_db, "leder", page)
        if tab:
            at.session_state[tab[0]] = tab[1]
            at.run()
        at.text_input(key=key).input("Find 0101901234").run()
        assert not at.exception, (page, key, at.exception)
        assert any("ligner et CPR-nummer" in error.value for error in at.error), (page, key)
    with Session(app_db) as session:
        details = session.execute(select(AuditLog.detail)).scalars().all()
    assert [detail for detail in details if "0101901234" in detail] == []
