"""Small-area geography: load boundaries and postcode lookups into the vault, assign every UPRN to its areas.

``load_geography`` stores polygons (``areas``) and the postcode lookup (``postcode_areas``); MSOA polygons are
derived by dissolving LSOAs when the lookup nests them and no MSOA file is given. ``assign_uprns`` puts every
gazetteer UPRN in its LSOA, MSOA and ward by point-in-polygon on its British National Grid x/y, falls back to
the postcode lookup where a point has no coordinates or lies outside every polygon, writes ``uprn_areas`` and
fills the gazetteer's ``lsoa``, ``msoa`` and ``ward`` columns.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from placehub.place.areas_assign import PolygonIndex
from placehub.place.areas_lookup import PostcodeLookup, normalise_postcode, read_postcode_lookup
from placehub.place.areas_store import UPRN_AREAS_DDL, read_areas, write_areas, write_postcodes
from placehub.place.boundaries import AreaLevel, BoundaryError, BoundaryFeature, read_boundaries
from placehub.store import Vault

log = logging.getLogger(__name__)

ASSIGNED_LEVELS = (AreaLevel.LSOA, AreaLevel.MSOA, AreaLevel.WARD)

__all__ = [
    "AssignSummary",
    "GeographyLoad",
    "assign_uprns",
    "load_geography",
    "parents_from_lookup",
]


@dataclass
class GeographyLoad:
    areas: dict[str, int] = field(default_factory=dict)  # level → polygons stored
    derived: dict[str, int] = field(default_factory=dict)  # level → polygons derived by dissolving
    postcodes: int = 0
    live_postcodes: int = 0
    lookup_columns: dict[str, str] = field(default_factory=dict)


@dataclass
class AssignSummary:
    uprns: int
    methods: dict[str, dict[str, int]]  # level → {polygon|postcode|parent|none: count}
    polygon_postcode_disagreements: dict[str, int]  # level → UPRNs whose polygon and postcode answers differ


def _mode(values: pd.Series) -> dict[str, str]:
    """For a code → parent series with repeats, the most frequent parent per code (ties: smallest)."""
    out: dict[str, str] = {}
    df = values.dropna().reset_index()
    df.columns = ["child", "parent"]
    counts = df.groupby(["child", "parent"]).size().reset_index(name="n")
    counts = counts.sort_values(["child", "n", "parent"], ascending=[True, False, True])
    for child, parent in counts.drop_duplicates("child")[["child", "parent"]].itertuples(index=False):
        out[str(child)] = str(parent)
    return out


def parents_from_lookup(lookup: PostcodeLookup) -> tuple[dict[str, str], dict[str, str]]:
    """(parent code, LAD code) for every OA, LSOA, MSOA and ward in the lookup (most postcodes win)."""
    t = lookup.table
    parents: dict[str, str] = {}
    lads: dict[str, str] = {}
    for child, parent in (("oa", "lsoa"), ("lsoa", "msoa"), ("msoa", "lad"), ("ward", "lad")):
        if t[child].notna().any() and t[parent].notna().any():
            parents.update(_mode(t.set_index(child)[parent]))
    for child in ("oa", "lsoa", "msoa", "ward"):
        if t[child].notna().any() and t["lad"].notna().any():
            lads.update(_mode(t.set_index(child)["lad"]))
    return parents, lads


def _dissolve(
    children: list[BoundaryFeature], parents: dict[str, str], level: AreaLevel
) -> list[BoundaryFeature]:
    groups: dict[str, list[shapely.Geometry]] = {}
    for f in children:
        if f.code in parents:
            groups.setdefault(parents[f.code], []).append(f.geometry)
    return [
        BoundaryFeature(code, None, level, shapely.make_valid(shapely.union_all(geoms)), {})
        for code, geoms in sorted(groups.items())
    ]


def load_geography(
    vault: Vault,
    boundaries: Sequence[Path | str] = (),
    lookup: Path | str | None = None,
    *,
    code_fields: Sequence[str | None] = (),
    derive_msoa: bool = True,
) -> GeographyLoad:
    """Store boundary files and a postcode lookup in the vault. Each boundary file holds one level."""
    result = GeographyLoad()
    pc = read_postcode_lookup(lookup) if lookup else None
    parents, lads = parents_from_lookup(pc) if pc else ({}, {})
    features_by_level: dict[AreaLevel, list[BoundaryFeature]] = {}
    sources: dict[AreaLevel, str] = {}
    for i, path in enumerate(boundaries):
        code_field = code_fields[i] if i < len(code_fields) else None
        feats = read_boundaries(path, code_field=code_field)
        levels = {f.level for f in feats}
        if len(levels) != 1:
            raise BoundaryError(
                f"{Path(path).name} mixes levels {sorted(lv.value for lv in levels)}: one per file"
            )
        level = levels.pop()
        if level in features_by_level:
            raise BoundaryError(f"two boundary files hold {level.value} polygons: load one file per level")
        features_by_level[level] = feats
        sources[level] = Path(path).name
    if (
        derive_msoa
        and AreaLevel.LSOA in features_by_level
        and AreaLevel.MSOA not in features_by_level
        and pc is not None
        and pc.table["msoa"].notna().any()
    ):
        derived = _dissolve(features_by_level[AreaLevel.LSOA], parents, AreaLevel.MSOA)
        features_by_level[AreaLevel.MSOA] = derived
        sources[AreaLevel.MSOA] = f"dissolved from {sources[AreaLevel.LSOA]}"
        result.derived[AreaLevel.MSOA.value] = len(derived)
    with vault.connect() as con:
        con.execute("begin")
        for level, feats in features_by_level.items():
            result.areas[level.value] = write_areas(
                con, feats, parents=parents, lads=lads, source=sources[level]
            )
        if pc is not None:
            result.postcodes = write_postcodes(con, pc.table)
            result.live_postcodes = int(pc.table["live"].sum())
            result.lookup_columns = dict(pc.columns)
        con.execute("commit")
    log.info("geography loaded: %s polygons, %d postcodes", result.areas, result.postcodes)
    return result


def _gazetteer_points(con) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return con.execute(
        "select cast(uprn as varchar) as uprn, cast(postcode as varchar) as postcode, "
        "try_cast(x as double) as x, try_cast(y as double) as y from gazetteer order by uprn"
    ).df()


def assign_uprns(vault: Vault, *, update_gazetteer: bool = True) -> AssignSummary:
    """Assign every gazetteer UPRN to LSOA, MSOA and ward; store ``uprn_areas`` and fill the gazetteer."""
    with vault.connect() as con:
        if not vault.has_table(con, "gazetteer"):
            raise BoundaryError("the vault has no gazetteer yet: run `placehub gazetteer load` first")
        if not vault.has_table(con, "areas"):
            raise BoundaryError("no boundaries in the vault yet: run `placehub geography load` first")
        # a real gazetteer can repeat a UPRN (one per address string); it is placed once, by its first row
        pts = _gazetteer_points(con).drop_duplicates("uprn").reset_index(drop=True)
        indexes = {lv: PolygonIndex(read_areas(con, lv)) for lv in ASSIGNED_LEVELS}
        parent_of = dict(con.execute("select code, parent_code from areas where level = 'lsoa'").fetchall())
        lookup = (
            con.execute("select postcode, lsoa, msoa, ward from postcode_areas").df().set_index("postcode")
            if vault.has_table(con, "postcode_areas")
            else None
        )
    x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
    postcodes = pts["postcode"].map(normalise_postcode)
    out = pd.DataFrame({"uprn": pts["uprn"]})
    methods: dict[str, dict[str, int]] = {}
    disagreements: dict[str, int] = {}
    for level in ASSIGNED_LEVELS:
        idx = indexes[level]
        codes = idx.locate(x, y) if len(idx.codes) else np.full(len(pts), None, dtype=object)
        method = np.where(pd.notna(codes), "polygon", "none").astype(object)
        if level is AreaLevel.MSOA and not len(idx.codes):
            parent = out["lsoa"].map(parent_of).to_numpy(dtype=object)
            fill = pd.isna(codes) & pd.notna(parent)
            codes[fill], method[fill] = parent[fill], "parent"
        if lookup is not None:
            by_pc = postcodes.map(lookup[level.value]).to_numpy(dtype=object)
            both = pd.notna(codes) & pd.notna(by_pc)
            disagreements[level.value] = int((codes[both] != by_pc[both]).sum())
            fill = pd.isna(codes) & pd.notna(by_pc)
            codes[fill], method[fill] = by_pc[fill], "postcode"
        out[level.value] = codes
        out[f"{level.value}_method"] = method
        methods[level.value] = dict(sorted(Counter(method).items()))
    with vault.connect() as con:
        con.execute("begin")
        con.execute(UPRN_AREAS_DDL)
        con.execute("delete from uprn_areas")
        con.register("_ua", out)
        con.execute(
            "insert into uprn_areas select uprn, lsoa, msoa, ward, lsoa_method, msoa_method, ward_method "
            "from _ua"
        )
        con.unregister("_ua")
        if update_gazetteer:
            for col in ("lsoa", "msoa", "ward"):
                con.execute(f"alter table gazetteer add column if not exists {col} varchar")
            con.execute(
                "update gazetteer g set lsoa = u.lsoa, msoa = u.msoa, ward = u.ward "
                "from uprn_areas u where u.uprn = cast(g.uprn as varchar)"
            )
        con.execute("commit")
    log.info("assigned %d UPRNs: %s", len(out), methods)
    return AssignSummary(len(out), methods, disagreements)
