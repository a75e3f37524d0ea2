"""The shape every reader returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass
class Table:
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text; "" for an empty cell)
    format: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # (done, total) in bytes for text, in rows for workbooks: drives the progress bar.
    progress: Callable[[], tuple[int, int]] = lambda: (0, 0)
    close: Callable[[], None] = field(default=lambda: None)
