"""Hurtig registrering: short forms for the four everyday actions."""

import streamlit as st

from pages import ui

actor = ui.guard("hurtig_registrering")
t, engine = ui.t, ui.engine()

st.title(t("nav.quick"))
