"""Errors the pages show to the user: each carries a catalogue key and its parameters."""

from __future__ import annotations


class UserError(Exception):
    """A refusal the user should read; `key` is an entry in model.i18n's catalogue."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ValidationError(UserError):
    """Bad input: nothing was written."""


class AccessDenied(UserError):
    """The acting user's role may not do this."""


class StaleVersion(UserError):
    """Someone else changed the row first; nothing was overwritten."""
