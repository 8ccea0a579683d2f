"""Partnerskaber."""

import streamlit as st

from pages import ui

actor = ui.guard("partnerskaber")
st.title(ui.t("nav.partnerships"))
