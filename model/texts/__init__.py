"""The catalogue's sections, one module per area; model.i18n merges them into one catalogue."""
