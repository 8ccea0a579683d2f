"""Long lists a page at a time: the rows shown and how many match in all, both from SQL."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows (from `offset` on) and how many rows match in all."""

    rows: pd.DataFrame
    total: int
    offset: int = 0

    @property
    def partial(self) -> bool:
        """True when the list holds more rows than this page shows."""
        return len(self.rows) < self.total


def page_count(total: int, size: int) -> int:
    """How many pages of `size` rows `total` rows fill (at least one)."""
    return max(1, -(-total // size))
