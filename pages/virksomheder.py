"""Virksomheder: companies, agreements, contacts log and placements."""

import streamlit as st

from pages import ui

actor = ui.guard("virksomheder")
t, engine = ui.t, ui.engine()

st.title(t("nav.companies"))
