"""Readers turn a delivered file into a header and numbered rows of text cells, whatever its format.

Row numbers are the ones a partner sees in a spreadsheet: the first line of the file is row 1.
"""

from __future__ import annotations

from pathlib import Path

from placehub.ingest.contract import Contract
from placehub.ingest.encoding import FileFacts
from placehub.ingest.readers.base import Table
from placehub.ingest.readers.csv_reader import open_csv
from placehub.ingest.readers.xlsx_reader import open_xlsx

__all__ = ["Table", "open_table"]


def open_table(path: Path, facts: FileFacts, contract: Contract, *, sheet: str | int | None = None) -> Table:
    """Open ``path`` as the contract says (sheet, header row) once ``inspect_file`` has classified it."""
    wanted = contract.format.type
    if wanted == "xlsx" and facts.kind != "xlsx":
        from placehub.errors import LoadError

        raise LoadError(
            f"The contract for '{contract.name}' expects an .xlsx workbook, but '{path.name}' is text."
        )
    if facts.kind == "xlsx":
        return open_xlsx(path, contract, sheet=sheet if sheet is not None else contract.format.sheet)
    return open_csv(path, facts, contract)
