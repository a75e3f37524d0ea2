"""Read, check and stage a delivered file in the vault connection's temporary tables.

Nothing here is visible outside the connection: ``placehub.ingest.load`` moves staged rows into the vault
in one transaction. A whole-file problem (empty, header only, header not matching the contract) raises
LoadError.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import duckdb
import pyarrow as pa

from placehub.errors import LoadError
from placehub.ingest.contract import Contract
from placehub.ingest.encoding import FileFacts, inspect_file
from placehub.ingest.header import HeaderMap, match_header
from placehub.ingest.readers import open_table
from placehub.ingest.validate import Validator

CHUNK_ROWS = 50_000
Progress = Callable[[int, int], None]


@dataclass
class Staged:
    contract: Contract
    path: Path
    facts: FileFacts
    header: HeaderMap
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    kinds: Counter[str] = field(default_factory=Counter)

    def counts(self, con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
        accepted = con.execute("select count(*) from stage_accepted").fetchone()[0]
        rejected = con.execute("select count(*) from stage_rejected").fetchone()[0]
        return int(accepted), int(rejected)


def _chunks(rows: Iterator[tuple[int, list[str]]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def stage_file(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    path: Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    extra_unique: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> Staged:
    if not path.is_file():
        raise LoadError(f"There is no file at {path}.")
    enc = encoding or (contract.format.encoding if contract.format.encoding != "auto" else None)
    facts = inspect_file(path, encoding=enc)
    table = open_table(path, facts, contract, sheet=sheet)
    try:
        header = match_header(table.header, contract, path.name)
        validator = Validator(contract, header)
        if extra_unique and extra_unique not in validator.unique_keys:
            validator.unique_keys.append(extra_unique)
            validator.seen[extra_unique] = []
        con.execute("drop table if exists stage_accepted")
        con.execute("drop table if exists stage_rejected")
        con.execute("create temp table stage_rejected (row_number BIGINT, raw VARCHAR, reasons VARCHAR[])")
        created = False
        for chunk in _chunks(table.rows, CHUNK_ROWS):
            result = validator.validate(chunk)
            con.register("chunk_accepted", result.accepted)
            if not created:
                con.execute("create temp table stage_accepted as select * from chunk_accepted")
                created = True
            else:
                con.execute("insert into stage_accepted select * from chunk_accepted")
            con.unregister("chunk_accepted")
            if result.rejected:
                rejected = pa.table(
                    {
                        "row_number": pa.array([r.row_number for r in result.rejected], pa.int64()),
                        "raw": pa.array([r.raw for r in result.rejected], pa.string()),
                        "reasons": pa.array([r.reasons for r in result.rejected], pa.list_(pa.string())),
                    }
                )
                con.register("chunk_rejected", rejected)
                con.execute("insert into stage_rejected select * from chunk_rejected")
                con.unregister("chunk_rejected")
            if progress:
                progress(*table.progress())
    finally:
        table.close()
    if not created:
        raise LoadError(f"The file '{path.name}' has a header but no data rows.")
    _reject_duplicates(con, contract, header, validator.duplicates())
    staged = Staged(
        contract=contract,
        path=path,
        facts=facts,
        header=header,
        format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        kinds=validator.kinds,
    )
    accepted_n, rejected_n = staged.counts(con)
    if accepted_n + rejected_n == 0:
        raise LoadError(f"The file '{path.name}' has a header but no data rows.")
    return staged


def _reject_duplicates(
    con: duckdb.DuckDBPyConnection, contract: Contract, header: HeaderMap, dups: dict[int, list[str]]
) -> None:
    """Move rows that share a unique value into the rejects (with the reason), or add the reason to a row
    already rejected for something else."""
    if not dups:
        return
    dup = pa.table(
        {
            "row_number": pa.array(list(dups), pa.int64()),
            "reasons": pa.array(list(dups.values()), pa.list_(pa.string())),
        }
    )
    con.register("dup", dup)
    con.execute(
        "update stage_rejected set reasons = list_concat(stage_rejected.reasons, dup.reasons) "
        "from dup where stage_rejected.row_number = dup.row_number"
    )
    text_cols = [f"t{i}" if f.type != "string" else f"f{i}" for i, f in enumerate(contract.fields)]
    moved = con.execute(
        f"select s._row_number, {', '.join(text_cols)}, dup.reasons from stage_accepted s "  # noqa: S608
        "join dup on s._row_number = dup.row_number order by 1"
    ).fetchall()
    names = [header.names[c] for c in header.columns]
    rows = [
        (
            r[0],
            json.dumps({n: (v or "") for n, v in zip(names, r[1:-1], strict=True)}, ensure_ascii=False),
            r[-1],
        )
        for r in moved
    ]
    if rows:
        con.executemany("insert into stage_rejected values (?, ?, ?)", rows)
        con.execute("delete from stage_accepted where _row_number in (select row_number from dup)")
    con.unregister("dup")
