"""Texts of No lost data and bad input."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
