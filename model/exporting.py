"""Export of lists to CSV and Excel, with cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import io

import pandas as pd

# A cell starting with one of these is run as a formula by Excel or LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and column name made safe."""
    safe = frame.copy()
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell)
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and semicolons, as Danish Excel opens it directly."""
    return safe_frame(frame).to_csv(index=False, sep=";").encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per frame (sheet names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = safe_frame(frame)
            for column in safe.columns:
                if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
                    safe[column] = safe[column].dt.tz_localize(None)
            safe.to_excel(writer, sheet_name=str(name)[:31], index=False)
    return buffer.getvalue()
