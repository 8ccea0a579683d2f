"""Texts of Borgere: the citizen list, profile, timeline, outcomes and progression."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
