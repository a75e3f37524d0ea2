"""Reading back what was loaded: the catalogue's loads and a load's rejected rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from placehub.errors import NotFound
from placehub.settings import Settings
from placehub.store import Vault, open_catalogue
from placehub.store.models_ingest import Load


def list_loads(settings: Settings, *, source: str | None = None) -> list[Load]:
    """Every load, newest first (optionally of one source)."""
    catalogue = open_catalogue(settings.database_url)
    try:
        with catalogue.session() as s:
            q = select(Load).order_by(Load.id.desc())
            if source:
                q = q.where(Load.source == source)
            return list(s.scalars(q))
    finally:
        catalogue.dispose()


def get_load(settings: Settings, load_id: int) -> Load:
    catalogue = open_catalogue(settings.database_url)
    try:
        with catalogue.session() as s:
            row = s.get(Load, load_id)
    finally:
        catalogue.dispose()
    if row is None:
        raise NotFound(f"There is no load {load_id}: `placehub loads` lists them.")
    return row


@dataclass(frozen=True)
class RejectedRow:
    row_number: int
    reasons: list[str]
    cells: dict[str, Any]

    def lines(self) -> list[str]:
        """``row 311: NHS number 943 476 5918 fails its check digit``, one line per reason."""
        return [f"row {self.row_number}: {r}" for r in self.reasons]


def rejected_rows(settings: Settings, load_id: int) -> list[RejectedRow]:
    """A load's rejected rows in file order, each with its reasons and original cells."""
    get_load(settings, load_id)
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        return []
    with vault.connect(read_only=True) as con:
        if not vault.has_table(con, "rejects"):
            return []
        rows = con.execute(
            "select row_number, reasons, raw from rejects where load_id = ? order by row_number", [load_id]
        ).fetchall()
    return [RejectedRow(int(n), list(reasons), json.loads(raw)) for n, reasons, raw in rows]


def export_rejects(settings: Settings, load_id: int, out: Path) -> int:
    """Write a load's rejects for the partner (``row``, ``reasons``, then the original cells) as CSV or XLSX
    by the file's suffix, through the formula-safe writers. Returns rows written."""
    from placehub.publish.spreadsheet import write_csv, write_xlsx

    rows = rejected_rows(settings, load_id)
    columns: list[str] = []
    for r in rows:
        columns += [c for c in r.cells if c not in columns]
    header = ["row", "reasons", *columns]
    body = ([r.row_number, "; ".join(r.reasons), *(r.cells.get(c, "") for c in columns)] for r in rows)
    if out.suffix.lower() == ".xlsx":
        return write_xlsx(out, header, body, sheet=f"load {load_id} rejects")
    return write_csv(out, header, body, bom=True)
