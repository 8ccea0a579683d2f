"""Texts of Personal data: retention, right of access, erasure, backup."""

DA: dict[str, str] = {}

EN: dict[str, str] = {}
