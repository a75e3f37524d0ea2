"""Read a definition's source tables and compute raw indicator values per area."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from placehub.insight.indices.definition import IndexDefinition, IndexDefinitionError, Indicator, Source


def read_source(source: Source) -> pd.DataFrame:
    """One source table, indexed by area code (text). Other columns stay text until used."""
    if not source.path.is_file():
        raise IndexDefinitionError(f"source {source.id!r}: file not found: {source.path}")
    df = pd.read_csv(source.path, dtype=str, keep_default_na=False)
    if source.area_column not in df.columns:
        raise IndexDefinitionError(
            f"source {source.id!r} ({Path(source.path).name}) has no column {source.area_column!r}; "
            f"columns: {', '.join(df.columns)}"
        )
    df[source.area_column] = df[source.area_column].str.strip()
    dupes = df[source.area_column][df[source.area_column].duplicated()].unique()
    if len(dupes):
        raise IndexDefinitionError(f"source {source.id!r}: area codes repeat ({', '.join(dupes[:5])}…)")
    return df.set_index(source.area_column)


def numeric(df: pd.DataFrame, column: str, source_id: str) -> pd.Series:
    if column not in df.columns:
        raise IndexDefinitionError(f"source {source_id!r} has no column {column!r}")
    return pd.to_numeric(df[column].replace("", np.nan), errors="coerce").astype(float)


def indicator_values(ind: Indicator, df: pd.DataFrame) -> pd.Series:
    """Raw value per area: a column as it is, or multiplier × Σ numerator / denominator."""
    if ind.value_column:
        return numeric(df, ind.value_column, ind.source) * ind.multiplier
    num = sum(numeric(df, c, ind.source) for c in ind.numerator)
    den = sum(numeric(df, c, ind.source) for c in ind.denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (ind.multiplier * num / den.where(den > 0)).astype(float)


def load_tables(definition: IndexDefinition) -> dict[str, pd.DataFrame]:
    return {sid: read_source(s) for sid, s in definition.sources.items()}


def area_codes(tables: dict[str, pd.DataFrame], used: set[str]) -> list[str]:
    """Areas present in every used source, sorted. A mismatch between sources is a user error."""
    sets = {sid: set(tables[sid].index) for sid in used}
    common = set.intersection(*sets.values())
    union = set.union(*sets.values())
    if common != union:
        odd = sorted(union - common)
        raise IndexDefinitionError(
            f"sources do not cover the same areas: {len(odd)} area(s) missing from some source "
            f"(e.g. {', '.join(odd[:5])}); "
            + "; ".join(f"{sid}: {len(s)} areas" for sid, s in sorted(sets.items()))
        )
    return sorted(common)


def area_names(
    definition: IndexDefinition, tables: dict[str, pd.DataFrame], codes: list[str]
) -> dict[str, str]:
    for sid, s in definition.sources.items():
        if s.name_column and s.name_column in tables[sid].columns:
            return tables[sid][s.name_column].reindex(codes).fillna("").to_dict()
    return {}


def reference_values(definition: IndexDefinition) -> pd.DataFrame:
    """Indicators computed on comparator rows (e.g. England, London), keyed by the reference's Name."""
    if not definition.references:
        return pd.DataFrame()
    rows: dict[str, dict[str, float]] = {}
    for ind in definition.indicators.values():
        ref = definition.references.get(ind.source)
        if ref is None or not ref.path.is_file():
            continue
        df = pd.read_csv(ref.path, dtype=str, keep_default_na=False)
        label = ref.name_column if ref.name_column in df.columns else ref.area_column
        df = df.set_index(label)
        try:
            values = indicator_values(ind, df)
        except IndexDefinitionError:
            continue
        for name, v in values.items():
            rows.setdefault(str(name), {})[ind.id] = float(v)
    return pd.DataFrame(rows).T
