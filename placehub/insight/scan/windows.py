"""Circular windows: for each centre, the locations sorted by distance, cut at the maximum circle.

Lat/long distances are great-circle km on a sphere of radius 6367 km, SaTScan's earth radius (it reproduces
the published NYCfever radii); British National Grid metres are converted to km; Cartesian coordinates keep
their own units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placehub.insight.scan.data import Coordinates

EARTH_RADIUS_KM = 6367.0


def distances_from(coords: np.ndarray, coordinates: Coordinates, centre: np.ndarray) -> np.ndarray:
    """Distances from one point to every location (km, or the file's units for Cartesian)."""
    if coordinates is Coordinates.LATLONG:
        lat, lon = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        lat0, lon0 = np.radians(centre[0]), np.radians(centre[1])
        # Haversine form of the great-circle distance (stable for the short distances a scan works at).
        a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat) * np.cos(lat0) * np.sin((lon - lon0) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    d = np.sqrt(((coords - centre) ** 2).sum(axis=1))
    return d / 1000.0 if coordinates is Coordinates.BNG else d


@dataclass(frozen=True)
class Windows:
    """Neighbour lists in CSR form.

    ``order[ptr[c]:ptr[c+1]]`` are the locations of centre ``c``'s largest allowed circle, nearest first.
    ``grow_loc``/``grow_size`` (CSR by ``grow_ptr``) list only the steps that add weight (cases, population or
    individuals): adding a weightless location cannot change any window's statistic, so the search skips it.
    ``grow_size`` is the number of locations in the circle after that step (SaTScan's cluster size).
    """

    ptr: np.ndarray
    order: np.ndarray
    dist: np.ndarray
    grow_ptr: np.ndarray
    grow_loc: np.ndarray
    grow_size: np.ndarray


def build_windows(
    coords: np.ndarray,
    coordinates: Coordinates,
    weight: np.ndarray,
    max_share: float,
    max_radius: float | None,
) -> Windows:
    """Circles centred on every location, growing until the next location would pass ``max_share`` of the
    total weight or lie beyond ``max_radius``."""
    n = len(coords)
    limit = max_share * float(weight.sum())
    ptr = [0]
    order: list[np.ndarray] = []
    dists: list[np.ndarray] = []
    gptr = [0]
    gloc: list[np.ndarray] = []
    gsize: list[np.ndarray] = []
    for c in range(n):
        # Nearest first; equal distances by location order, so results do not depend on sort internals.
        dc = distances_from(coords, coordinates, coords[c])
        nb = np.lexsort((np.arange(n), dc))
        cum = np.cumsum(weight[nb])
        keep = cum <= limit * (1 + 1e-12)
        if max_radius is not None:
            keep &= dc[nb] <= max_radius * (1 + 1e-12)
        # A circle stops at the first location that breaks a limit.
        stop = int(np.argmin(keep)) if not keep.all() else n
        nb = nb[:stop]
        order.append(nb)
        dists.append(dc[nb])
        ptr.append(ptr[-1] + stop)
        grows = np.flatnonzero(weight[nb] > 0)
        gloc.append(nb[grows])
        gsize.append(grows + 1)
        gptr.append(gptr[-1] + len(grows))
    return Windows(
        ptr=np.asarray(ptr, dtype=np.int64),
        order=np.concatenate(order).astype(np.int64) if order else np.zeros(0, np.int64),
        dist=np.concatenate(dists) if dists else np.zeros(0),
        grow_ptr=np.asarray(gptr, dtype=np.int64),
        grow_loc=np.concatenate(gloc).astype(np.int64) if gloc else np.zeros(0, np.int64),
        grow_size=np.concatenate(gsize).astype(np.int64) if gsize else np.zeros(0, np.int64),
    )
