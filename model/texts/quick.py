"""Texts of Hurtig registrering."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
