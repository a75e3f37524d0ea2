"""A file uploaded in the browser (or through the API) → the ingest stage's load → a plain-English report.

The upload is written to a private folder under the home with its own name (the ingest stage names the file in
its messages), loaded with ``placehub.ingest.load_file`` (atomic: all or nothing, plus its rejects) and
removed; the ingest stage keeps the original under its SHA-256.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from placehub.errors import ContractError, LoadError, NotFound, PlacehubUserError
from placehub.ingest import get_load, list_contracts, load_contract, load_file, rejected_rows
from placehub.settings import Settings
from placehub.web.deps import VAULT_LOCK

SHOWN_REJECTS = 200


@dataclass(frozen=True)
class SourceInfo:
    name: str
    title: str
    provider: str
    kind: str


@dataclass
class LoadReport:
    """What the person sees after an upload: either ``error`` (nothing was loaded) or the load's counts."""

    file_name: str
    source: str
    error: str | None = None
    load_id: int | None = None
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    encoding: str | None = None
    format: str | None = None
    reason_counts: dict[str, int] = field(default_factory=dict)
    rejects: list[str] = field(default_factory=list)  # "row 7: NHS number … fails its check digit"
    more_rejects: int = 0
    rows_shown: bool = True  # False: the reasons quote cell values, so only the person who loaded sees them


def sources(settings: Settings, kind: str = "source") -> list[SourceInfo]:
    out = []
    for name in sorted(list_contracts(settings)):
        try:
            c = load_contract(settings, name)
        except ContractError:
            continue  # a broken contract is reported by `placehub ingest`, not hidden in a page
        if c.kind == kind:
            out.append(SourceInfo(c.name, c.title or c.name, c.provider or "", c.kind))
    return out


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    return re.sub(r"[^\w .()+-]", "_", base)[:200]


def load_upload(
    settings: Settings, source: str, file_name: str, stream: BinaryIO, *, user: str
) -> LoadReport:
    """Load an uploaded file; a file that cannot be loaded gives a report with ``error`` set (HTTP 422)."""
    name = _safe_name(file_name)
    if source not in {s.name for s in sources(settings)}:
        raise NotFound(f"There is no source '{source}': choose one of the sources listed on the page.")
    folder = settings.home / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, mode=0o700)
    path = folder / name
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        with VAULT_LOCK:
            result = load_file(settings, source, path, user=user)
    except (LoadError, ContractError) as exc:
        return LoadReport(file_name=name, source=source, error=str(exc))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return load_report(settings, result.load_id, viewer=user)


def load_report(settings: Settings, load_id: int, *, viewer: str) -> LoadReport:
    """A load's counts for anyone; its rejected rows' reasons (which quote cell values, such as an NHS number
    that fails its check digit) only for the person who loaded the file, who holds it already."""
    load = get_load(settings, load_id)
    shown = load.user == viewer
    rejected = []
    if shown:
        try:
            with VAULT_LOCK.shared():  # rejected_rows reads the vault read-only
                rejected = rejected_rows(settings, load_id)
        except PlacehubUserError:
            rejected = []
    lines = [line for r in rejected for line in r.lines()]
    return LoadReport(
        file_name=load.file_name,
        source=load.source,
        load_id=load.id,
        rows_total=load.rows_total,
        rows_accepted=load.rows_accepted,
        rows_rejected=load.rows_rejected,
        encoding=load.encoding,
        format=load.format,
        reason_counts=dict(load.reason_counts or {}),
        rejects=lines[:SHOWN_REJECTS],
        more_rejects=max(0, len(lines) - SHOWN_REJECTS),
        rows_shown=shown,
    )
