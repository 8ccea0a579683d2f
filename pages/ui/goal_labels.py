"""How a goal reads on Mål and Overblik: its status with colour and icon, metric, scope and values."""

from __future__ import annotations

import pandas as pd

from model import goals, i18n
from pages.ui import lang, t

# Colour, Material icon (badges) and plain symbol (tables) of each status, so it reads at a glance.
STATUS_LOOK = {
    "reached": ("green", ":material/check_circle:", "✓"),
    "on_track": ("blue", ":material/trending_up:", "↗"),
    "at_risk": ("orange", ":material/warning:", "⚠"),
    "missed": ("red", ":material/cancel:", "✗"),
}
# Text and background of a status cell in a table (the badge colours, readable on screen and print).
CELL_STYLE = {
    "reached": "color: #1e6b34; background-color: #e3f4e8; font-weight: 600",
    "on_track": "color: #1a4fa0; background-color: #e6effc; font-weight: 600",
    "at_risk": "color: #9a4a00; background-color: #fff1dc; font-weight: 600",
    "missed": "color: #a3221b; background-color: #fde8e6; font-weight: 600",
}


def status_word(status: str) -> str:
    return t(f"goals.status_{status}")


def status_badge(status: str, suffix: str = "") -> str:
    """Markdown for a coloured badge: ":green-badge[:material/check_circle: Nået]"."""
    colour, icon, _ = STATUS_LOOK[status]
    return f":{colour}-badge[{icon} {status_word(status)}{suffix}]"


def status_cell(status: str) -> str:
    return f"{STATUS_LOOK[status][2]} {status_word(status)}"


def metric_word(metric: str, months: object = None) -> str:
    if metric == goals.SHARE and months is not None and not pd.isna(months):
        return t("goals.metric_share_after", months=int(months))
    return t(f"goals.metric_{metric}")


def scope_word(scope: str) -> str:
    return t(f"goals.scope_{scope}")


def scope_text(scope: str, name: object) -> str:
    """"Sprint: Uge 39 – Brøndby", or the scope alone for a whole period."""
    return f"{scope_word(scope)}: {name}" if isinstance(name, str) and name else scope_word(scope)


def figure(metric: str, value: float) -> str:
    """A share as a whole percentage ("60 %"), a count as a whole number ("1.250") or with one
    decimal ("2,5"), in the language's digit marks."""
    if metric == goals.SHARE:
        return f"{i18n.format_number(value * 100, lang())} %"
    places = 0 if abs(value - round(value)) < 0.05 else 1
    return i18n.format_number(value, lang(), places)
