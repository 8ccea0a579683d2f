"""Resultater."""

import streamlit as st

from pages import ui

actor = ui.guard("resultater")
st.title(ui.t("nav.results"))
