"""Mål."""

import streamlit as st

from pages import ui

actor = ui.guard("maal")
st.title(ui.t("nav.goals"))
