"""Områdeoverblik."""

import streamlit as st

from pages import ui

actor = ui.guard("omraadeoverblik")
st.title(ui.t("nav.areas"))
