"""Texts of Administration: accounts, audit log."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
