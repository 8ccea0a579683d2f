"""Forløb: placements and their hand-held follow-up."""

import streamlit as st

from pages import ui

actor = ui.guard("forloeb")
t, engine = ui.t, ui.engine()

st.title(t("nav.placements"))
