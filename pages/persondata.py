"""Persondata."""

import streamlit as st

from pages import ui

actor = ui.guard("persondata")
st.title(ui.t("nav.personal_data"))
