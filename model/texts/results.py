"""Texts of Resultater and the management report."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
