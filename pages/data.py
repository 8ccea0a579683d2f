"""Data: import from CSV and Excel with a dry run; export to CSV and Excel."""

import streamlit as st

from pages import ui

actor = ui.guard("data")
t, engine = ui.t, ui.engine()

st.title(t("nav.data"))
