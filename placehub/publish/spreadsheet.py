"""CSV and XLSX writing that a spreadsheet cannot turn into code (every export in placehub goes through here).

A cell that starts with = + - @, a tab or a carriage return can run as a formula when a person opens the file
("CSV injection"). As OWASP advises, such text is written with a leading apostrophe, which spreadsheets
show as text; XLSX cells holding text are also stored with the string type, never as formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet could run as a formula, prefixed with ``'``; everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(
    path: Path | str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False
) -> int:
    """Write a CSV (UTF-8; ``bom=True`` adds a byte-order mark for Excel). Returns rows written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([safe_cell(h) for h in header])
        for row in rows:
            w.writerow(["" if v is None else safe_cell(v) for v in row])
            n += 1
    return n


def write_xlsx(
    path: Path | str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1"
) -> int:
    """Write one sheet of an .xlsx workbook (streamed); text is never a formula. Returns rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31])

    def cell(value: Any) -> Any:
        if isinstance(value, str):
            # Control characters are not allowed in XLSX at all; drop them rather than fail the export.
            c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value)))
            c.data_type = "s"
            return c
        return value

    ws.append([cell(str(h)) for h in header])
    n = 0
    for row in rows:
        ws.append([cell(v) for v in row])
        n += 1
    wb.save(path)
    return n
