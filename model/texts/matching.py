"""Texts of Company matching."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
