"""Load a delivered file: all of it or none of it, plus its rejects (ARCHITECTURE invariant 2).

The order keeps the two databases and the file store in step:
  1. read, check and stage the file in temporary tables (the long part; nothing is visible yet);
  2. open a catalogue transaction and add the Load row (this gives the load id);
  3. open a vault transaction and write raw_<source>, records, rejects and the vault's loads row;
  4. mark earlier loads of the source superseded and put the original file in place under its SHA-256;
  5. commit the catalogue, then the vault.
A failure before 5 rolls both back and removes the file if this load put it there; if the vault commit itself
fails after the catalogue committed, the catalogue row is deleted again (and earlier loads restored).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from placehub.errors import LoadError
from placehub.ingest.contract import Contract, load_contract
from placehub.ingest.stage import Progress, Staged, stage_file
from placehub.ingest.vault_tables import RECORD_COLUMNS, ROLE_COLUMN, ensure_common, ensure_raw, quote
from placehub.settings import Settings
from placehub.store import Vault, open_catalogue
from placehub.store.models_ingest import Load, LoadKind, LoadStatus

VaultWriter = Callable[[duckdb.DuckDBPyConnection, int, Staged], None]


@dataclass(frozen=True)
class LoadResult:
    load_id: int
    source: str
    kind: str
    file_name: str
    sha256: str
    stored_path: Path
    size_bytes: int
    format: str
    encoding: str | None
    encoding_note: str
    delimiter: str | None
    sheet: str | None
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    top_reasons: list[tuple[str, int]]
    seconds: float
    rows_objected: int = 0  # accepted rows withheld because the person objects (not in rows_accepted)

    @property
    def rows_per_second(self) -> float:
        return self.rows_total / self.seconds if self.seconds else 0.0


def load_file(
    settings: Settings,
    source: str,
    path: Path | str,
    *,
    user: str,
    sheet: str | int | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load one partner file against its source's contract (see module docstring for the guarantees)."""
    contract = load_contract(settings, source)
    if contract.kind != "source":
        raise LoadError(f"'{source}' is a {contract.kind} contract: load it with `placehub gazetteer load`.")
    objected: list[int] = []

    def drop_objectors(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
        # People on the objections register never reach the vault; the audit counts them, never names them.
        from placehub.govern.objections import apply_objections

        catalogue = open_catalogue(settings.database_url)
        try:
            outcome = apply_objections(
                catalogue,
                con,
                "stage_accepted",
                keys_dir=settings.keys_dir,
                nhs_number_column="r_nhs_number",
                actor=user,
                stage="ingest",
            )
        finally:
            catalogue.dispose()
        objected.append(outcome.excluded)

    result = run_load(
        settings,
        contract,
        Path(path),
        user=user,
        kind=LoadKind.SOURCE,
        writer=write_source_rows,
        sheet=sheet,
        encoding=encoding,
        progress=progress,
        prepare=drop_objectors,
    )
    return dataclasses.replace(result, rows_objected=sum(objected))


def run_load(
    settings: Settings,
    contract: Contract,
    path: Path,
    *,
    user: str,
    kind: LoadKind,
    writer: VaultWriter,
    sheet: str | int | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    extra_unique: tuple[str, ...] | None = None,
    prepare: Callable[[duckdb.DuckDBPyConnection, Staged], None] | None = None,
) -> LoadResult:
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    settings.ensure_dirs()
    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        staged = stage_file(
            con, contract, path, sheet=sheet, encoding=encoding, extra_unique=extra_unique, progress=progress
        )
        if prepare:
            prepare(con, staged)
        accepted, rejected = staged.counts(con)
        final = settings.files_dir / f"{staged.facts.sha256}{path.suffix.lower()}"
        partial = settings.files_dir / f".partial-{uuid.uuid4().hex}"
        catalogue = open_catalogue(settings.database_url)
        placed_new = False
        vault_open = False
        load_id: int | None = None
        try:
            _copy_checked(path, partial, staged.facts.sha256)
            with catalogue.sessions() as session, session.begin():
                row = Load(
                    kind=kind.value,
                    source=contract.name,
                    file_name=path.name,
                    sha256=staged.facts.sha256,
                    stored_path=str(final),
                    size_bytes=staged.facts.size,
                    format=staged.format,
                    encoding=staged.encoding,
                    delimiter=staged.delimiter,
                    sheet=staged.sheet,
                    rows_total=accepted + rejected,
                    rows_accepted=accepted,
                    rows_rejected=rejected,
                    reason_counts=dict(sorted(staged.kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
                    contract=contract.descriptor,
                    status=LoadStatus.CURRENT.value,
                    user=user,
                    started_at=started,
                    finished_at=started,
                )
                session.add(row)
                session.flush()
                load_id = row.id
                con.execute("begin transaction")
                vault_open = True
                ensure_common(con)
                writer(con, load_id, staged)
                _write_rejects(con, contract.name, load_id)
                con.execute(
                    "insert into loads values (?, ?, ?, ?, ?, ?)",
                    [load_id, contract.name, kind.value, started.replace(tzinfo=None), accepted, rejected],
                )
                superseded = _finish_catalogue(session, row)
                if not final.exists():
                    os.replace(partial, final)
                    placed_new = True
            # leaving the block above committed the catalogue; now the vault
            try:
                _commit_vault(con)
                vault_open = False
            except BaseException:
                vault_open = False
                _rollback_quietly(con)
                _undo_catalogue(settings, load_id, superseded)
                raise
        except BaseException:
            if vault_open:
                _rollback_quietly(con)
            if placed_new:
                final.unlink(missing_ok=True)
            raise
        finally:
            partial.unlink(missing_ok=True)
            catalogue.dispose()
            for t in ("stage_accepted", "stage_rejected"):
                con.execute(f"drop table if exists {t}")
    return LoadResult(
        load_id=load_id,
        source=contract.name,
        kind=kind.value,
        file_name=path.name,
        sha256=staged.facts.sha256,
        stored_path=final,
        size_bytes=staged.facts.size,
        format=staged.format,
        encoding=staged.encoding,
        encoding_note=staged.facts.encoding_note,
        delimiter=staged.delimiter,
        sheet=staged.sheet,
        rows_total=accepted + rejected,
        rows_accepted=accepted,
        rows_rejected=rejected,
        top_reasons=sorted(staged.kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:5],
        seconds=time.perf_counter() - t0,
    )


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # a failed commit has already ended the transaction
        con.execute("rollback")


def _commit_vault(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("commit")


def _copy_checked(path: Path, dest: Path, sha256: str) -> None:
    """Copy the original byte for byte and prove it: the copy's checksum must be the one we validated."""
    shutil.copyfile(path, dest)
    digest = hashlib.sha256()
    with dest.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        dest.unlink(missing_ok=True)
        raise LoadError(f"The file '{path.name}' changed while it was being loaded: load it again.")


def _finish_catalogue(session: Session, row: Load) -> list[int]:
    """Mark earlier current loads of the same source superseded; returns their ids (to restore on undo)."""
    earlier = list(
        session.scalars(
            select(Load.id).where(
                Load.source == row.source,
                Load.kind == row.kind,
                Load.id != row.id,
                Load.status == LoadStatus.CURRENT.value,
            )
        )
    )
    if earlier:
        session.execute(update(Load).where(Load.id.in_(earlier)).values(status=LoadStatus.SUPERSEDED.value))
    row.finished_at = datetime.now(UTC)
    return earlier


def _undo_catalogue(settings: Settings, load_id: int, superseded: list[int]) -> None:
    catalogue = open_catalogue(settings.database_url)
    try:
        with catalogue.session() as s:
            s.execute(update(Load).where(Load.id.in_(superseded)).values(status=LoadStatus.CURRENT.value))
            obj = s.get(Load, load_id)
            if obj is not None:
                s.delete(obj)
    finally:
        catalogue.dispose()


def _write_rejects(con: duckdb.DuckDBPyConnection, source: str, load_id: int) -> None:
    con.execute(
        "insert into rejects select ?, ?, row_number, raw::JSON, reasons from stage_rejected "
        "order by row_number",
        [source, load_id],
    )


def write_source_rows(con: duckdb.DuckDBPyConnection, load_id: int, staged: Staged) -> None:
    """raw_<source> (the contract's fields, typed) and records (the role columns, normalised)."""
    contract = staged.contract
    table = ensure_raw(con, contract)
    names = ", ".join(quote(f.name) for f in contract.fields)
    values = ", ".join(f"f{i}" for i in range(len(contract.fields)))
    con.execute(
        f"insert into {quote(table)} ({names}, _load_id, _row_number) "  # noqa: S608 (names from a checked contract)
        f"select {values}, ?, _row_number from stage_accepted order by _row_number",
        [load_id],
    )
    staged_cols = {r[0] for r in con.execute("select column_name from (describe stage_accepted)").fetchall()}
    column_role = {ROLE_COLUMN.get(role, role): role for role in contract.roles}
    exprs = []
    for name, sql_type in RECORD_COLUMNS:
        if name == "source" or name == "load_id":
            exprs.append("?")
        elif name == "row_number":
            exprs.append("_row_number")
        elif name == "record_id":
            exprs.append(
                "coalesce(r_record_id, cast(_row_number as varchar))"
                if "r_record_id" in staged_cols
                else "cast(_row_number as varchar)"
            )
        elif name in column_role and f"r_{column_role[name]}" in staged_cols:
            exprs.append(f"cast(r_{column_role[name]} as {sql_type})")
        else:
            exprs.append(f"cast(null as {sql_type})")
    cols = ", ".join(n for n, _ in RECORD_COLUMNS)
    con.execute(
        f"insert into records ({cols}) select {', '.join(exprs)} from stage_accepted "  # noqa: S608
        "order by _row_number",
        [contract.name, load_id],
    )
