"""Synthetic outbreak cases for the demo borough: background cases spread over residential addresses in
proportion to addresses, plus one planted cluster near a care home or school that a scan should find.

Input is any gazetteer table (uprn, x, y, classification, address, postcode; x, y in British National Grid
metres), e.g. demo-data/gazetteer.csv from ``placehub demo build``. Output holds no personal data beyond the
synthetic address of each case.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from placehub.errors import PlacehubUserError

CARE_HOME = "RI01"
SCHOOL_PREFIX = "CE"


@dataclass(frozen=True)
class PlantedCluster:
    """Extra cases at residential addresses within ``radius_m`` of a centre near a care home or school,
    spread over ``days`` days that end ``days_before_end`` days before the study period ends."""

    extra_cases: int = 12
    radius_m: float = 400.0
    days: int = 4
    days_before_end: int = 0
    near: str = "care home"  # or "school"
    centre_within_m: float = 150.0  # how far the cluster centre may be from the care home or school


@dataclass(frozen=True)
class PlantedTruth:
    centre_uprn: str
    x: float
    y: float
    radius_m: float
    first_day: dt.date
    last_day: dt.date
    case_ids: tuple[str, ...]
    near_uprn: str  # the care home or school the cluster was planted beside


def _residential(gazetteer: pd.DataFrame) -> pd.DataFrame:
    cls = gazetteer["classification"].fillna("").astype(str)
    homes = gazetteer[cls.str.startswith("RD")]
    return homes if len(homes) else gazetteer[cls.str.startswith("R") & ~cls.str.startswith("RI")]


def make_outbreak_cases(
    gazetteer: pd.DataFrame,
    seed: int,
    days: int = 60,
    planted: PlantedCluster | None = PlantedCluster(),
    *,
    start: dt.date = dt.date(2026, 1, 5),
    background_per_day: float = 3.0,
) -> tuple[pd.DataFrame, PlantedTruth | None]:
    """Cases (case_id, date, address, postcode, uprn) and the planted cluster's truth (None without one)."""
    rng = random.Random(seed)
    homes = _residential(gazetteer).reset_index(drop=True)
    if homes.empty:
        raise PlacehubUserError(
            "The gazetteer has no residential addresses (classification RD…) to place cases at."
        )
    end = start + dt.timedelta(days=days - 1)
    n_background = round(background_per_day * days)
    rows = []
    for _ in range(n_background):
        i = rng.randrange(len(homes))
        rows.append((start + dt.timedelta(days=rng.randrange(days)), i))
    truth = None
    if planted is not None:
        truth, extra = _plant(gazetteer, homes, planted, end, rng)
        rows += extra
    rows.sort(key=lambda r: (r[0], r[1]))
    cases = pd.DataFrame(
        {
            "case_id": [f"C{n:05d}" for n in range(1, len(rows) + 1)],
            "date": [r[0] for r in rows],
            "address": [homes.at[r[1], "address"] for r in rows],
            "postcode": [homes.at[r[1], "postcode"] for r in rows],
            "uprn": [str(homes.at[r[1], "uprn"]) for r in rows],
        }
    )
    if truth is not None:
        planted_rows = {id(r) for r in extra}
        ids = tuple(cases.case_id[i] for i, r in enumerate(rows) if id(r) in planted_rows)
        truth = PlantedTruth(**{**truth.__dict__, "case_ids": ids})
    return cases, truth


def _plant(
    gazetteer: pd.DataFrame, homes: pd.DataFrame, planted: PlantedCluster, end: dt.date, rng: random.Random
) -> tuple[PlantedTruth, list[tuple[dt.date, int]]]:
    cls = gazetteer["classification"].fillna("").astype(str)
    anchors = gazetteer[
        cls.eq(CARE_HOME) if planted.near == "care home" else cls.str.startswith(SCHOOL_PREFIX)
    ]
    if anchors.empty:
        raise PlacehubUserError(f"The gazetteer has no {planted.near} to plant the outbreak beside.")
    anchor = anchors.iloc[rng.randrange(len(anchors))]
    hx, hy = homes["x"].to_numpy(float), homes["y"].to_numpy(float)
    near_anchor = np.flatnonzero(np.hypot(hx - anchor.x, hy - anchor.y) <= planted.centre_within_m)
    if len(near_anchor) == 0:
        raise PlacehubUserError(
            f"No residential address lies within {planted.centre_within_m} m of a {planted.near}."
        )
    centre = int(near_anchor[rng.randrange(len(near_anchor))])
    cx, cy = float(hx[centre]), float(hy[centre])
    within = np.flatnonzero(np.hypot(hx - cx, hy - cy) <= planted.radius_m)
    last = end - dt.timedelta(days=planted.days_before_end)
    first = last - dt.timedelta(days=planted.days - 1)
    extra = [
        (first + dt.timedelta(days=rng.randrange(planted.days)), int(within[rng.randrange(len(within))]))
        for _ in range(planted.extra_cases)
    ]
    radius = max(math.hypot(hx[i] - cx, hy[i] - cy) for _, i in extra)
    truth = PlantedTruth(
        centre_uprn=str(homes.at[centre, "uprn"]),
        x=cx,
        y=cy,
        radius_m=float(radius),
        first_day=first,
        last_day=last,
        case_ids=(),
        near_uprn=str(anchor.uprn),
    )
    return truth, extra


def write_demo_cases(gazetteer: pd.DataFrame, out: Path, *, seed: int = 1, days: int = 60) -> PlantedTruth:
    """Write ``out`` (cases CSV) and ``out.truth.json`` (the planted cluster); returns the truth."""
    cases, truth = make_outbreak_cases(gazetteer, seed=seed, days=days)
    out.parent.mkdir(parents=True, exist_ok=True)
    cases.to_csv(out, index=False)
    out.with_suffix(".truth.json").write_text(json.dumps(asdict(truth), default=str, indent=2) + "\n")
    return truth
