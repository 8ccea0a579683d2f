"""Brugere og log."""

import streamlit as st

from pages import ui

actor = ui.guard("administration")
st.title(ui.t("nav.administration"))
