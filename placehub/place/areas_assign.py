"""Point-in-polygon on the British National Grid with a spatial index (shapely STRtree).

A point exactly on a shared boundary touches two polygons; it goes to the one with the smaller code so the
answer never depends on file order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from placehub.place.boundaries import BoundaryFeature


class PolygonIndex:
    """Polygons of one level, ready to answer 'which area holds each of these points?' in bulk."""

    def __init__(self, features: Sequence[BoundaryFeature]):
        order = sorted(range(len(features)), key=lambda i: features[i].code)
        self.codes = np.array([features[i].code for i in order], dtype=object)
        self.geometries = np.array([features[i].geometry for i in order], dtype=object)
        for g in self.geometries:
            shapely.prepare(g)
        self.tree = shapely.STRtree(self.geometries)

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Area code for each point (object array; None where the point is in no polygon or has no x/y)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        out = np.full(len(x), None, dtype=object)
        ok = np.isfinite(x) & np.isfinite(y)
        idx_ok = np.flatnonzero(ok)
        if len(idx_ok) == 0:
            return out
        points = shapely.points(x[idx_ok], y[idx_ok])
        pairs = self.tree.query(points, predicate="intersects")
        if pairs.shape[1] == 0:
            return out
        # geometries are sorted by code, so the smallest tree index per point is the smallest code
        point_i, geom_i = pairs
        order = np.lexsort((geom_i, point_i))
        point_i, geom_i = point_i[order], geom_i[order]
        first = np.ones(len(point_i), dtype=bool)
        first[1:] = point_i[1:] != point_i[:-1]
        out[idx_ok[point_i[first]]] = self.codes[geom_i[first]]
        return out

    def overlap_shares(self, geometry: shapely.Geometry) -> dict[str, float]:
        """Share of ``geometry``'s area falling in each polygon it overlaps (for best-fit lookups)."""
        area = geometry.area
        hits = self.tree.query(geometry, predicate="intersects")
        shares = {}
        for i in hits:
            inter = shapely.intersection(self.geometries[i], geometry).area
            if inter > 0:
                shares[str(self.codes[i])] = inter / area if area else 0.0
        return shares
