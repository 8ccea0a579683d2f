"""Texts of the Data page: import and export."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
