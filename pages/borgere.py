"""Borgere: list, search and filters; create and edit; the citizen's profile and timeline."""

import streamlit as st

from pages import ui

actor = ui.guard("borgere")
t, engine = ui.t, ui.engine()

st.title(t("nav.citizens"))
