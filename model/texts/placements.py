"""Texts of Forløb: placements and their follow-up."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
