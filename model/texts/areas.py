"""Texts of Områdeoverblik, events and partnerships."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
