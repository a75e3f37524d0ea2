"""Governed reads remembered per vault state, behind the door: every read is still checked and audited.

``Access.rows`` and ``Access.review_rows`` compute a read's rows (the scope query, objections, pseudonyms)
once per vault state and terms, then serve a read with the same terms from memory: the agreement check before
it and the audit entry after it happen on every read, hit or miss, with the same counts. A worklist page read
by fifty partner workers so costs one scope query per change to the vault, not one per page.

The key holds everything the rows depend on: the vault's state (any committed write misses), the dataset, the
columns, the pseudonymised columns, the scope (geography, purpose and, for partner workers, the organisation
whose assignments limit them), the named records (review), the pseudonym keys, and a digest of the objections
in force for the purpose — read from the catalogue on every read, so an objection takes effect at once.
Rows are person-level: they are held only here, bounded (``SIZE`` reads, none over ``MAX_ROWS`` rows), handed
out as copies, and leave only through ``Access``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from placehub.store.memo import VaultMemo

SIZE = 32
MAX_ROWS = 20_000  # a larger read (an export of a whole source) is computed every time, not held


@dataclass(frozen=True)
class Read:
    """A governed read's rows and the counts its audit entry records."""

    frame: pd.DataFrame
    counts: dict[str, Any] = field(default_factory=dict)


_READS = VaultMemo(SIZE)


def remembered(vault: Path, what: Hashable, compute: Callable[[], Read], tables: frozenset[str]) -> Read:
    """The read for ``what`` at the present state of ``tables`` (every vault table it reads): from memory,
    else ``compute()`` (and held when not too large). The frame returned is the caller's own copy."""
    read = _READS.get(vault, what, compute, remember=lambda r: len(r.frame) <= MAX_ROWS, tables=tables)
    return Read(read.frame.copy(), dict(read.counts))


def forget() -> None:
    """Drop every remembered read (tests; an operator after changing the pseudonym keys)."""
    _READS.invalidate()
