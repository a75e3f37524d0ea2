"""Match a file's header to the contract's fields: by name, in any order, ignoring case and spacing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from placehub.errors import LoadError
from placehub.ingest.contract import Contract


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class HeaderMap:
    columns: tuple[int, ...]  # for each contract field (in contract order), its 0-based column in the file
    width: int  # how many cells the header has
    names: tuple[str, ...]  # the header as written (for rejected rows' JSON)


def match_header(header: list[str], contract: Contract, file_name: str) -> HeaderMap:
    where: dict[str, int] = {}
    unexpected: list[str] = []
    repeated: list[str] = []
    for i, name in enumerate(header):
        k = _key(name)
        if not k:
            unexpected.append(f"column {i + 1} (no name)")
        elif k in where:
            repeated.append(f"'{name.strip()}' (columns {where[k] + 1} and {i + 1})")
        else:
            where[k] = i
    if repeated:
        raise LoadError(f"The header of '{file_name}' names a column twice: {', '.join(repeated)}.")
    fields = {_key(f): f for f in contract.field_names}
    missing = [f for f in contract.field_names if _key(f) not in where]
    unexpected += [header[i].strip() for k, i in where.items() if k not in fields]
    if contract.format.extra_columns == "ignore":
        unexpected = []
    if missing or unexpected:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unexpected:
            parts.append("unexpected columns: " + ", ".join(unexpected))
        raise LoadError(
            f"The header of '{file_name}' does not match the contract for '{contract.name}': "
            + "; ".join(parts)
            + "."
        )
    return HeaderMap(
        columns=tuple(where[_key(f)] for f in contract.field_names),
        width=len(header),
        names=tuple(h.strip() for h in header),
    )
