"""Checks that boundaries and the postcode lookup tell the same story.

- ``label_points_check``: each area's own label point (e.g. ONS ``BNG_E``/``BNG_N``) lies in its own polygon.
- ``lookup_agreement``: for live postcodes, the ward the lookup gives agrees with the ward polygons: the
  postcode's LSOA polygon overlaps its ward polygon, and (a stricter measure, since LSOAs 2011 can straddle
  2022 wards) the lookup ward is the ward holding most of that LSOA's area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from placehub.place.areas_assign import PolygonIndex
from placehub.place.boundaries import BoundaryFeature


@dataclass(frozen=True)
class LabelPointCheck:
    areas: int
    inside_own: int
    wrong: list[str]  # codes whose point fell elsewhere or nowhere


def label_points_check(
    features: Sequence[BoundaryFeature], x: Sequence[float], y: Sequence[float]
) -> LabelPointCheck:
    idx = PolygonIndex(features)
    found = idx.locate(np.asarray(x, float), np.asarray(y, float))
    wrong = [f.code for f, code in zip(features, found, strict=True) if code != f.code]
    return LabelPointCheck(len(features), len(features) - len(wrong), wrong)


@dataclass(frozen=True)
class LookupAgreement:
    live_postcodes: int  # with both an LSOA and a ward in the lookup
    overlapping: int  # lookup ward polygon overlaps the lookup LSOA polygon (≥ min_share of its area)
    best_fit: int  # lookup ward = the ward holding the largest share of the LSOA
    lsoas_within_one_ward: int  # LSOAs lying ≥ 99% inside one ward
    lsoas: int

    @property
    def overlap_share(self) -> float:
        return self.overlapping / self.live_postcodes if self.live_postcodes else 0.0

    @property
    def best_fit_share(self) -> float:
        return self.best_fit / self.live_postcodes if self.live_postcodes else 0.0


def lookup_agreement(
    lookup: pd.DataFrame,
    lsoas: Sequence[BoundaryFeature],
    wards: Sequence[BoundaryFeature],
    *,
    min_share: float = 0.001,
) -> LookupAgreement:
    """Compare a postcode lookup (columns postcode, lsoa, ward, live) with LSOA and ward polygons."""
    ward_index = PolygonIndex(wards)
    shares = {f.code: ward_index.overlap_shares(f.geometry) for f in lsoas}
    live = lookup[lookup["live"] & lookup["lsoa"].notna() & lookup["ward"].notna()]
    overlapping = best = 0
    for lsoa, ward in live[["lsoa", "ward"]].itertuples(index=False):
        s = shares.get(lsoa, {})
        if s.get(ward, 0.0) >= min_share:
            overlapping += 1
        if s and max(s, key=lambda k: (s[k], k)) == ward:
            best += 1
    within_one = sum(1 for s in shares.values() if s and max(s.values()) >= 0.99)
    return LookupAgreement(len(live), overlapping, best, within_one, len(lsoas))


def union_area(features: Sequence[BoundaryFeature]) -> float:
    return float(shapely.union_all([f.geometry for f in features]).area)
