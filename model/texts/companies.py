"""Texts of Virksomheder and outreach contacts."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
