"""Count tables before and after disclosure control.

A ``CountTable`` is what a definition counts: one row per area (every area of the level, zeros included, so an
absent row never hints at a small count) and one column per category (a single ``count`` column, or e.g. one
per week). Its margins are the row totals (when there is more than one column), the column totals and the
grand total. A ``Cell`` names an interior cell ``(row, column)`` or a margin (``column`` or ``row`` is
``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TOTAL = "total"  # the code and label used for margins in published files


@dataclass(frozen=True, order=True)
class Cell:
    row: str | None  # None: a column total (or the grand total)
    column: str | None  # None: a row total (or the grand total)

    @property
    def is_margin(self) -> bool:
        return self.row is None or self.column is None

    def key(self) -> str:
        return f"{self.row or TOTAL}|{self.column or TOTAL}"

    @staticmethod
    def from_key(key: str) -> Cell:
        row, column = key.split("|", 1)
        return Cell(None if row == TOTAL else row, None if column == TOTAL else column)


@dataclass(frozen=True)
class CountTable:
    row_dimension: str  # e.g. "ward"
    rows: tuple[str, ...]  # area codes, in order
    column_dimension: str  # e.g. "week", or "measure" for a single column
    columns: tuple[str, ...]
    values: dict[tuple[str, str], int]  # true counts; missing keys are 0
    row_labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(set(self.rows)) != len(self.rows) or len(set(self.columns)) != len(self.columns):
            raise ValueError("rows and columns must be unique")
        for (r, c), v in self.values.items():
            if r not in self.rows or c not in self.columns:
                raise ValueError(f"count for unknown cell ({r}, {c})")
            if v < 0:
                raise ValueError(f"negative count at ({r}, {c})")

    @staticmethod
    def from_rows(
        rows: Sequence[str],
        counts: dict[str, int],
        *,
        row_dimension: str,
        column: str = "count",
        row_labels: dict[str, str] | None = None,
    ) -> CountTable:
        """A one-column table: ``counts`` by area code (areas not given count 0)."""
        return CountTable(
            row_dimension=row_dimension,
            rows=tuple(rows),
            column_dimension="measure",
            columns=(column,),
            values={(r, column): int(v) for r, v in counts.items() if v},
            row_labels=dict(row_labels or {}),
        )

    def value(self, row: str, column: str) -> int:
        return self.values.get((row, column), 0)

    @property
    def has_row_totals(self) -> bool:
        return len(self.columns) > 1

    def interior(self) -> list[Cell]:
        return [Cell(r, c) for r in self.rows for c in self.columns]

    def margins(self) -> list[Cell]:
        out = [Cell(r, None) for r in self.rows] if self.has_row_totals else []
        out += [Cell(None, c) for c in self.columns]
        if self.has_row_totals:
            out.append(Cell(None, None))
        return out

    def members(self, margin: Cell) -> list[Cell]:
        """The interior cells a margin adds up."""
        rows = self.rows if margin.row is None else (margin.row,)
        cols = self.columns if margin.column is None else (margin.column,)
        return [Cell(r, c) for r in rows for c in cols]

    def true(self, cell: Cell) -> int:
        if not cell.is_margin:
            return self.value(cell.row, cell.column)  # type: ignore[arg-type]
        return sum(self.true(m) for m in self.members(cell))

    def lines(self, cell: Cell) -> list[Cell]:
        """The margins an interior cell adds into."""
        out = [Cell(cell.row, None)] if self.has_row_totals else []
        return [*out, Cell(None, cell.column)]


@dataclass(frozen=True)
class Hidden:
    cell: Cell
    kind: str  # "primary" or "secondary"
    reason: str


@dataclass(frozen=True)
class ProtectedTable:
    """A table after disclosure control: published values (None where suppressed) and why each is hidden."""

    table: CountTable
    published: dict[Cell, int | None]  # every interior cell and margin
    hidden: tuple[Hidden, ...]
    rule_set: str
    rounded: dict[Cell, int]  # rounded value of every cell (kept private: margins are built from these)

    def shown(self, cell: Cell) -> int | None:
        return self.published[cell]

    def hidden_cells(self) -> set[Cell]:
        return {h.cell for h in self.hidden}
