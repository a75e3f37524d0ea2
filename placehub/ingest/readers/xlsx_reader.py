"""XLSX workbooks through openpyxl's read-only mode (streamed), sheet and header row as the contract says."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from placehub.errors import LoadError
from placehub.ingest.contract import Contract
from placehub.ingest.readers.base import Table

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def cell_text(v: Any) -> str:
    """A cell as the text a partner would see (dates as ISO, whole numbers without '.0')."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date | time):
        return v.isoformat()
    return str(v)


def merged_ranges(path: Path, sheet_xml: str) -> list[tuple[str, int, int]]:
    """Merged ranges of a sheet as (ref, first row, last row). Read-only openpyxl does not report merges, so
    scan the sheet's XML for <mergeCell>: they sit after the data, and a byte scan keeps this streaming."""
    out: list[tuple[str, int, int]] = []
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(sheet_xml) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            last_end = 0
            for m in _MERGE.finditer(buf):
                c1, r1, c2, r2 = m.groups()
                ref = f"{c1.decode()}{r1.decode()}" + (f":{c2.decode()}{r2.decode()}" if c2 else "")
                out.append((ref, int(r1), int(r2 or r1)))
                last_end = m.end()
            tail = buf[max(last_end, len(buf) - 200) :]
    return out


def _pick_sheet(wb: Any, sheet: str | int | None, file_name: str) -> Any:
    names = wb.sheetnames
    if sheet is None:
        return wb[names[0]]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        i = int(sheet)
        if not 1 <= i <= len(names):
            raise LoadError(
                f"The workbook '{file_name}' has {len(names)} sheet(s); there is no sheet number {i}."
            )
        return wb[names[i - 1]]
    if sheet not in names:
        raise LoadError(
            f"The workbook '{file_name}' has no sheet '{sheet}' "
            f"(its sheets: {', '.join(repr(n) for n in names)})."
        )
    return wb[sheet]


def open_xlsx(path: Path, contract: Contract, *, sheet: str | int | None) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LoadError(f"The file '{path.name}' is not a readable .xlsx workbook ({exc}).") from None
    ws = _pick_sheet(wb, sheet, path.name)
    header_row = contract.format.header_row
    merged = [ref for ref, r1, r2 in merged_ranges(path, ws._worksheet_path) if r1 <= header_row <= r2]
    if merged:
        wb.close()
        raise LoadError(
            f"The header row (row {header_row}) of sheet '{ws.title}' in '{path.name}' has merged cells "
            f"{', '.join(merged)}: unmerge them so that every column has its own name."
        )
    total = ws.max_row or 0
    it = ws.iter_rows(min_row=header_row, values_only=True)
    first = next(it, None)
    if first is None or not any(cell_text(v).strip() for v in first):
        wb.close()
        raise LoadError(
            f"Sheet '{ws.title}' of '{path.name}' has no header row (row {header_row} is missing or blank)."
        )
    header = [cell_text(v) for v in first]
    while header and not header[-1].strip():
        header.pop()  # the sheet's used range often runs past the last named column
    state = {"row": header_row}

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for values in it:
                state["row"] += 1
                cells = [cell_text(v) for v in values]
                yield state["row"], cells
        finally:
            wb.close()

    return Table(
        header=header,
        header_row=header_row,
        rows=rows(),
        format="xlsx",
        sheet=ws.title,
        progress=lambda: (state["row"], total),
        close=wb.close,
    )
