"""Street-level outbreak detection: case records → UPRN → coordinates → daily prospective space-time
permutation scan → clusters with the care homes and schools nearby → a plain-words alert list.

Case records are (case_id, date, address, postcode[, uprn]). Records that already carry a UPRN keep it; the
others go through the match engine (``match_case_addresses``). Coordinates come from the gazetteer (x, y in
British National Grid metres). Each analysis day scans the ``period_days`` up to that day, keeping only
windows that end on it (prospective); with one analysis a day a cluster's recurrence interval is 1 / p days.
Logs carry counts only; alert texts name no case address, only the care homes and schools nearby.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from placehub.errors import PlacehubUserError
from placehub.insight.scan import (
    Analysis,
    Coordinates,
    Model,
    ScanResult,
    ScanSettings,
    describe_recurrence,
    from_frames,
    run_scan,
)

CARE_HOME = "RI01"  # AddressBase classification of a care home
SCHOOL_PREFIX = "CE"  # education: nurseries, schools, colleges


class OutbreakError(PlacehubUserError):
    """Case records or a gazetteer the outbreak workflow cannot use."""


@dataclass(frozen=True)
class OutbreakSettings:
    period_days: int = 60  # study period of each daily scan, ending on the analysis day
    max_radius_km: float = 1.0
    max_spatial_share: float = 0.5
    max_temporal_days: int = 7
    min_cases: int = 2
    replications: int = 999
    seed: int = 1
    nearby_m: float = 250.0  # care homes and schools within this distance of the cluster circle
    alert_p: float = 0.01  # alert when p <= this (recurrence interval of 100 days or more)

    def scan_settings(self) -> ScanSettings:
        return ScanSettings(
            model=Model.SPACE_TIME_PERMUTATION,
            analysis=Analysis.PROSPECTIVE,
            max_spatial_share=self.max_spatial_share,
            max_radius_km=self.max_radius_km,
            max_temporal_days=self.max_temporal_days,
            min_cases=self.min_cases,
            replications=self.replications,
            seed=self.seed,
        )


@dataclass(frozen=True)
class NearbyPlace:
    uprn: str
    kind: str  # "care home" or "school"
    address: str
    distance_m: float  # from the cluster's centre


@dataclass(frozen=True)
class Alert:
    analysis_day: dt.date
    rank: int
    observed: int
    expected: float
    radius_m: float
    first_day: dt.date
    last_day: dt.date
    llr: float
    p_value: float
    recurrence_days: float
    centre_uprn: str
    x: float
    y: float
    nearby: tuple[NearbyPlace, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def text(self) -> str:
        """E.g. "9 cases within 400 m over 4 days, p = 0.003, recurrence once in 330 days; care homes
        nearby: …"."""
        homes = [f"{p.address} ({p.distance_m:.0f} m)" for p in self.nearby if p.kind == "care home"]
        schools = [f"{p.address} ({p.distance_m:.0f} m)" for p in self.nearby if p.kind == "school"]
        day_word = "day" if self.days == 1 else "days"
        return (
            f"{self.observed} cases within {self.radius_m:.0f} m over {self.days} {day_word} "
            f"({self.first_day:%d %b} to {self.last_day:%d %b %Y}; {self.expected:.1f} expected), "
            f"p = {self.p_value:.3f}, recurrence once in {describe_recurrence(self.recurrence_days)}; "
            f"care homes nearby: {'; '.join(homes) or 'none'}; schools nearby: {'; '.join(schools) or 'none'}"
        )


@dataclass
class OutbreakRun:
    run_id: str
    settings: OutbreakSettings
    scans: dict[dt.date, ScanResult]
    alerts: list[Alert]
    cases_used: int
    cases_unlocated: int


def match_case_addresses(cases: pd.DataFrame, gazetteer: pd.DataFrame, cache_dir: Path) -> pd.Series:
    """The address → UPRN step: the match engine's decision for each case; None unless auto-accepted or
    reviewed (a case needing review is not placed on the map)."""
    from placehub.match import (
        MatchStatus,
        MatchThresholds,
        RecordAddress,
        match_addresses,
        prepared_gazetteer,
    )

    con = duckdb.connect()
    try:
        con.register("outbreak_gazetteer", gazetteer[["uprn", "address", "postcode"]].astype(str))
        prepared, _ = prepared_gazetteer(con, con.table("outbreak_gazetteer"), cache_dir)
        records = [
            RecordAddress(str(r.case_id), r.address, r.postcode)
            for r in cases[["case_id", "address", "postcode"]].itertuples(index=False)
        ]
        decisions = match_addresses(con, prepared, records, MatchThresholds())
    finally:
        con.close()
    ok = {MatchStatus.AUTO, MatchStatus.REVIEWED}
    return pd.Series([d.uprn if d.status in ok else None for d in decisions], index=cases.index, dtype=object)


def attach_uprns(cases: pd.DataFrame, gazetteer: pd.DataFrame, cache_dir: Path | None = None) -> pd.DataFrame:
    """Cases with a ``uprn`` column filled: supplied UPRNs kept, the rest matched from their address."""
    missing = [c for c in ("case_id", "date") if c not in cases.columns]
    if missing:
        raise OutbreakError("The case file lacks column(s): " + ", ".join(missing))
    out = cases.copy()
    if "uprn" not in out.columns:
        out["uprn"] = None
    out["uprn"] = (
        out["uprn"].astype(object).where(out["uprn"].notna() & (out["uprn"].astype(str).str.strip() != ""))
    )
    need = out["uprn"].isna()
    if need.any():
        if not {"address", "postcode"} <= set(out.columns):
            raise OutbreakError(
                f"{int(need.sum())} case(s) have no UPRN and the file has no address/postcode."
            )
        if cache_dir is None:
            raise OutbreakError("Cases without a UPRN need the match engine: give a cache folder for it.")
        out.loc[need, "uprn"] = match_case_addresses(out[need], gazetteer, cache_dir)
    out["uprn"] = out["uprn"].map(lambda u: None if u is None or pd.isna(u) else str(u).strip())
    return out


def locate_cases(cases: pd.DataFrame, gazetteer: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(cases with x, y from the gazetteer; number of cases without a UPRN or coordinates)."""
    gaz = gazetteer[["uprn", "x", "y"]].dropna().assign(uprn=lambda g: g.uprn.astype(str))
    merged = cases.merge(gaz.drop_duplicates("uprn"), on="uprn", how="left")
    ok = merged["x"].notna() & merged["uprn"].notna()
    located = merged[ok].assign(date=lambda d: pd.to_datetime(d["date"]).dt.date)
    return located.reset_index(drop=True), int((~ok).sum())


def scan_day(located: pd.DataFrame, day: dt.date, settings: OutbreakSettings) -> ScanResult | None:
    """Prospective scan of the ``period_days`` ending on ``day``; None when there are too few cases."""
    first = day - dt.timedelta(days=settings.period_days - 1)
    window = located[(located["date"] >= first) & (located["date"] <= day)]
    if len(window) < max(2, settings.min_cases):
        return None
    locs = window.drop_duplicates("uprn")[["uprn", "x", "y"]].rename(columns={"uprn": "location_id"})
    data = from_frames(
        window.rename(columns={"uprn": "location_id"})[["date", "location_id"]],
        locs,
        start=first,
        end=day,
        coordinates=Coordinates.BNG,
    )
    return run_scan(data, settings.scan_settings())


def nearby_places(
    x: float, y: float, radius_m: float, gazetteer: pd.DataFrame, within_m: float
) -> list[NearbyPlace]:
    """Care homes and schools no further than ``within_m`` from the edge of the circle, nearest first."""
    cls = gazetteer["classification"].fillna("").astype(str)
    places = gazetteer[cls.eq(CARE_HOME) | cls.str.startswith(SCHOOL_PREFIX)]
    d = np.hypot(places["x"].to_numpy(float) - x, places["y"].to_numpy(float) - y)
    keep = d <= radius_m + within_m
    out = [
        NearbyPlace(
            str(r.uprn), "care home" if r.classification == CARE_HOME else "school", str(r.address), float(dd)
        )
        for r, dd in zip(places[keep].itertuples(index=False), d[keep], strict=True)
    ]
    return sorted(out, key=lambda p: p.distance_m)


def run_outbreak(
    cases: pd.DataFrame,
    gazetteer: pd.DataFrame,
    settings: OutbreakSettings = OutbreakSettings(),
    *,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[dt.date], None] | None = None,
) -> OutbreakRun:
    """Daily prospective scans from ``first_day`` to ``last_day`` (default: the last case date only)."""
    with_uprn = attach_uprns(cases, gazetteer, cache_dir)
    located, unlocated = locate_cases(with_uprn, gazetteer)
    if located.empty:
        raise OutbreakError("No case could be placed: none has a UPRN found in the gazetteer.")
    last_day = last_day or max(located["date"])
    first_day = first_day or last_day
    scans: dict[dt.date, ScanResult] = {}
    alerts: list[Alert] = []
    day = first_day
    while day <= last_day:
        result = scan_day(located, day, settings)
        if result is not None:
            scans[day] = result
            for c in result.clusters:
                if c.p_value <= settings.alert_p:
                    radius_m = c.radius * 1000
                    alerts.append(
                        Alert(
                            day,
                            c.rank,
                            c.observed,
                            c.expected,
                            radius_m,
                            c.start,
                            c.end,
                            c.llr,
                            c.p_value,
                            c.recurrence_days or 1 / c.p_value,
                            c.centre_id,
                            c.centre[0],
                            c.centre[1],
                            tuple(
                                nearby_places(
                                    c.centre[0], c.centre[1], radius_m, gazetteer, settings.nearby_m
                                )
                            ),
                        )  # fmt: skip
                    )
        if progress:
            progress(day)
        day += dt.timedelta(days=1)
    return OutbreakRun(uuid.uuid4().hex[:12], settings, scans, alerts, len(located), unlocated)


def read_case_file(path: Path) -> pd.DataFrame:
    """A case CSV (case_id, date, address, postcode[, uprn]); identifiers kept as text."""
    if not path.is_file():
        raise OutbreakError(f"The case file {path} does not exist.")
    cases = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("case_id", "date") if c not in cases.columns]
    if missing:
        raise OutbreakError(f"{path.name} lacks column(s): {', '.join(missing)} (needs case_id, date, "
                            "address, "
                            "postcode and optionally uprn)")  # fmt: skip
    dates = pd.to_datetime(cases["date"], format="ISO8601", errors="coerce")
    other = dates.isna()  # UK forms (31/01/2026) where the date is not ISO
    dates[other] = pd.to_datetime(cases["date"][other], format="mixed", dayfirst=True, errors="coerce")
    if dates.isna().any():
        raise OutbreakError(
            f"{path.name}: {int(dates.isna().sum())} case(s) have no readable date (e.g. 2026-03-05)."
        )
    cases["date"] = dates.dt.date
    return cases


GAZETTEER_COLUMNS = ("uprn", "x", "y", "classification", "address", "postcode")
# AddressBase-style headers (as in demo-data/gazetteer.csv) mapped to the vault's gazetteer columns.
ADDRESSBASE_NAMES = {"x_coordinate": "x", "y_coordinate": "y", "classification_code": "classification"}


def load_gazetteer(path: Path | None, vault_path: Path) -> pd.DataFrame:
    """The gazetteer from a CSV (e.g. demo-data/gazetteer.csv) or, by default, the vault's ``gazetteer``."""
    if path is not None:
        if not path.is_file():
            raise OutbreakError(f"The gazetteer file {path} does not exist.")
        gaz = pd.read_csv(path, dtype=str)
        gaz.columns = [ADDRESSBASE_NAMES.get(c.lower(), c.lower()) for c in gaz.columns]
        for col in ("x", "y"):
            if col in gaz.columns:
                gaz[col] = pd.to_numeric(gaz[col], errors="coerce")
    else:
        if not vault_path.exists():
            raise OutbreakError("No vault yet: load a gazetteer first or pass --gazetteer FILE.")
        with duckdb.connect(str(vault_path), read_only=True) as con:
            has = con.execute("select count(*) from information_schema.tables where table_name = 'gazetteer'")
            if not has.fetchone()[0]:
                raise OutbreakError("The vault has no gazetteer: load one first or pass --gazetteer FILE.")
            gaz = con.execute(
                "select uprn::VARCHAR as uprn, x, y, classification, address, postcode from gazetteer"
            ).df()
    missing = [c for c in GAZETTEER_COLUMNS if c not in gaz.columns]
    if missing:
        raise OutbreakError("The gazetteer lacks column(s): " + ", ".join(missing))
    return gaz


ALERT_COLUMNS = (
    "run_id VARCHAR, run_at TIMESTAMP, analysis_day DATE, rank INTEGER, observed INTEGER, expected DOUBLE, "
    "radius_m DOUBLE, first_day DATE, last_day DATE, llr DOUBLE, p_value DOUBLE, recurrence_days DOUBLE, "
    "centre_uprn VARCHAR, x DOUBLE, y DOUBLE, nearby JSON, alert VARCHAR, settings JSON"
)


def save_alerts(con: duckdb.DuckDBPyConnection, run: OutbreakRun) -> int:
    """Append the run's alerts to the vault table ``outbreak_alerts``; returns how many were written."""
    con.execute(f"create table if not exists outbreak_alerts ({ALERT_COLUMNS})")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    settings_json = json.dumps(asdict(run.settings))
    for a in run.alerts:
        con.execute(
            "insert into outbreak_alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id, now, a.analysis_day, a.rank, a.observed, a.expected, a.radius_m, a.first_day,
                a.last_day, a.llr, a.p_value, a.recurrence_days, a.centre_uprn, a.x, a.y,
                json.dumps([asdict(p) for p in a.nearby]), a.text(), settings_json,
            ],
        )  # fmt: skip
    return len(run.alerts)


def stored_alerts(con: duckdb.DuckDBPyConnection, *, latest_run_only: bool = True) -> pd.DataFrame:
    """Alerts kept in the vault, newest analysis day first (only the latest run's unless asked)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'outbreak_alerts'"
    ).fetchone()[0]
    if not exists:
        return pd.DataFrame(columns=["analysis_day", "rank", "p_value", "alert"])
    where = (
        "where run_id = (select run_id from outbreak_alerts order by run_at desc limit 1)"
        if latest_run_only
        else ""
    )
    return con.execute(
        f"select run_id, analysis_day, rank, p_value, alert from outbreak_alerts {where} "  # noqa: S608
        "order by analysis_day desc, rank"
    ).df()
