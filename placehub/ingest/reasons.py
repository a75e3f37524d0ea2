"""Rejection reasons gathered while a chunk is checked: per row, in column order, counted by kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Reasons:
    """Reasons found in one chunk, by row index, with counts by kind."""

    by_row: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    column: int = 0  # the file column being checked: a row's reasons are listed in column order

    def add(self, rows: np.ndarray, kind: str, messages: list[str]) -> None:
        self.kinds[kind] += len(messages)
        for r, m in zip(rows.tolist(), messages, strict=True):
            found = self.by_row.setdefault(r, [])
            found.append((self.column, len(found), m))

    def messages(self, row: int) -> list[str]:
        return [m for _, _, m in sorted(self.by_row[row])]

    def fail(self, failing: np.ndarray, texts: pa.Array, kind: str, template: str) -> None:
        """Add ``template`` (with {v} = the cell as sent) for every failing cell."""
        rows = np.flatnonzero(failing)
        if len(rows):
            vals = pc.take(texts, pa.array(rows)).to_pylist()
            self.add(rows, kind, [template.replace("{v}", str(v)) for v in vals])
