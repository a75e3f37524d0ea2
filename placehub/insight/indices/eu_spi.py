"""The EU Social Progress Index 2020 normalisation, applied to a whole raw-data table.

The official table lists, per indicator and in raw-data column order, whether it is inverted (lower is better)
and its utopian and dystopian values. Indicators are matched by position, not name, as the EUspiR package does
(names differ slightly between the table and the raw data).
"""

from __future__ import annotations

import pandas as pd

from placehub.insight.indices.scaling import utopia_dystopia


def normalise_eu_table(raw: pd.DataFrame, table: pd.DataFrame, first_indicator_column: int) -> pd.DataFrame:
    """Normalise ``raw``'s indicator columns (from ``first_indicator_column`` on) with the official table."""
    out = raw.copy()
    indicator_cols = list(raw.columns[first_indicator_column:])
    if len(indicator_cols) != len(table):
        raise ValueError(f"{len(indicator_cols)} indicator columns but {len(table)} rows in the table")
    for col, (_, row) in zip(indicator_cols, table.sort_values("order").iterrows(), strict=True):
        utopia, dystopia = float(row["Utopian value"]), float(row["Dystopian value"])
        out[col] = utopia_dystopia(pd.to_numeric(raw[col], errors="coerce").to_numpy(), utopia, dystopia)
    return out
