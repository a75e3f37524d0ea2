"""Inputs: how a definition's counts are made from what the vault holds.

Person-level sources are read only through an ``Access`` under the definition's purpose (so the read is
checked against the agreement and audited) and counted here; nothing person-level is kept. Area lists come
from the vault's ``areas`` (or the gazetteer), so every area appears, zeros included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from placehub.errors import PlacehubUserError
from placehub.publish.definitions import Definition
from placehub.publish.table import CountTable
from placehub.settings import Settings
from placehub.store import Catalogue, Vault


class MissingInput(PlacehubUserError):
    """What a definition needs is not in the vault yet (names what is missing and which stage makes it)."""


@dataclass
class InputContext:
    settings: Settings
    catalogue: Catalogue
    maker: str  # the analyst whose access reads person-level rows
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # inputs given directly (demo, tests)
    purpose_rule_sets: dict[str, str] = field(default_factory=dict)  # filled as accesses are opened

    def access(self, purpose: str):  # type: ignore[no-untyped-def]
        from placehub.govern import open_access
        from placehub.govern.people import get_user

        user = get_user(self.catalogue, self.maker)
        access = open_access(
            self.catalogue,
            self.settings,
            username=self.maker,
            organisation=user.organisation,
            purpose=purpose,
        )
        self.purpose_rule_sets[purpose] = access.agreement.document.get("disclosure_control", "")
        return access


@dataclass(frozen=True)
class IndexTable:
    """Index values by area (not counts of people): published as they are."""

    rows: tuple[str, ...]
    row_labels: dict[str, str]
    values: dict[str, tuple[float | None, int | None, int | None]]  # value, rank, decile


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [table]
    ).fetchone()
    return bool(row and row[0])


def normalise_postcode(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = "".join(str(value).upper().split())
    return text or None


def areas(con: duckdb.DuckDBPyConnection, level: str) -> tuple[list[str], dict[str, str]]:
    """Every area of ``level`` with its name: the boundaries loaded, else the areas the gazetteer names."""
    if _has(con, "areas"):
        found = con.execute(
            "select code, name from areas where lower(level) = ? order by code", [level]
        ).fetchall()
        if found:
            return [c for c, _ in found], {c: n or c for c, n in found}
    if _has(con, "gazetteer"):
        codes = [
            r[0]
            for r in con.execute(
                f"select distinct {level} from gazetteer where {level} is not null order by 1"  # noqa: S608
            ).fetchall()
        ]
        if codes:
            return codes, {c: c for c in codes}
    raise MissingInput(
        f"No {level} areas are known: load the gazetteer (placehub gazetteer load) or area boundaries "
        "(placehub geography load) first."
    )


def postcode_areas(con: duckdb.DuckDBPyConnection, level: str) -> dict[str, str]:
    """Postcode → area: the ONS lookup when loaded, else the gazetteer's most common area for the postcode."""
    out: dict[str, str] = {}
    if _has(con, "postcode_areas"):
        sql = f"select postcode, {level} from postcode_areas where {level} is not null"  # noqa: S608
        for pc, area in con.execute(sql).fetchall():
            if (key := normalise_postcode(pc)) is not None:
                out[key] = area
    if not out and _has(con, "gazetteer"):
        rows = con.execute(
            f"select postcode, mode({level}) from gazetteer "  # noqa: S608
            f"where {level} is not null and postcode is not null group by postcode"
        ).fetchall()
        out = {normalise_postcode(pc): area for pc, area in rows if normalise_postcode(pc)}  # type: ignore[misc]
    return out


def source_records(defn: Definition, ctx: InputContext, con: duckdb.DuckDBPyConnection) -> CountTable:
    o = defn.options
    codes, labels = areas(con, defn.area_level)
    lookup = postcode_areas(con, defn.area_level)
    access = ctx.access(o["purpose"])
    frame = access.rows(o["dataset"], [o["record_id"], o["postcode"]], con=con)
    counts = Counter(lookup.get(normalise_postcode(pc) or "") for pc in frame[o["postcode"]])
    known = set(codes)
    return CountTable.from_rows(
        codes,
        {a: n for a, n in counts.items() if a in known},
        row_dimension=defn.area_level,
        column=str(o.get("column", "count")),
        row_labels=labels,
    )


def index_values(defn: Definition, ctx: InputContext, con: duckdb.DuckDBPyConnection) -> IndexTable:
    name = defn.options["index"]
    if not _has(con, "index_values"):
        raise MissingInput(
            f"No index has been built yet (the vault has no index_values): run "
            f"`placehub index build {name}` first."
        )
    rows = con.execute(
        'select area_code, value, rank, decile from index_values where "index" = ? and lower(level) = ? '
        "and component = 'index' order by area_code",
        [name, defn.area_level],
    ).fetchall()
    if not rows:
        raise MissingInput(
            f"Index '{name}' has no {defn.area_level} values: run `placehub index build {name}`."
        )
    _, labels = areas(con, defn.area_level)
    return IndexTable(
        rows=tuple(r[0] for r in rows),
        row_labels={r[0]: labels.get(r[0], r[0]) for r in rows},
        values={r[0]: (None if r[1] is None else round(float(r[1]), 3), r[2], r[3]) for r in rows},
    )


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def outbreak_cases(defn: Definition, ctx: InputContext, con: duckdb.DuckDBPyConnection) -> CountTable:
    """Cases (date, uprn) by area and ISO week: the last ``weeks`` weeks up to the newest case."""
    if "outbreak_cases" in ctx.frames:
        cases = ctx.frames["outbreak_cases"][["date", "uprn"]]
    elif _has(con, "outbreak_cases"):
        cases = con.execute("select date, cast(uprn as varchar) uprn from outbreak_cases").df()
    else:
        raise MissingInput("No outbreak cases are in the vault (table outbreak_cases): load cases first.")
    codes, labels = areas(con, defn.area_level)
    level = defn.area_level
    uprn_area = dict(
        con.execute(f"select cast(uprn as varchar), any_value({level}) from gazetteer group by 1").fetchall()  # noqa: S608
    )
    dates = pd.to_datetime(cases["date"]).dt.date
    newest = max(dates)
    weeks = int(defn.options.get("weeks", 8))
    columns = [_iso_week(newest - dt.timedelta(weeks=k)) for k in range(weeks - 1, -1, -1)]
    counts: Counter[tuple[str, str]] = Counter()
    for d, u in zip(dates, cases["uprn"].astype(str), strict=True):
        area, week = uprn_area.get(u), _iso_week(d)
        if area in labels and week in columns:
            counts[(area, week)] += 1
    return CountTable(level, tuple(codes), "week", tuple(columns), dict(counts), row_labels=labels)


def contact_within_days(defn: Definition, ctx: InputContext, con: duckdb.DuckDBPyConnection) -> CountTable:
    """People assigned for the purpose, by ward: contacted within N days of assignment, and not."""
    days = int(defn.options["days"])
    if "contact_times" in ctx.frames:
        times = ctx.frames["contact_times"]
    else:
        from placehub.act import contact_times  # here: act imports publish (spreadsheets)

        purpose = defn.options["purpose"]
        access = ctx.access(purpose)  # the agreement is checked (and audited) first
        times = contact_times(access)
        if times.empty:
            raise MissingInput(
                f"Nobody has been assigned to a partner under purpose '{purpose}' yet: build and assign its "
                "cohorts first (placehub cohort build, placehub assign)."
            )
    codes, labels = areas(con, defn.area_level)
    within, later = f"contacted within {days} days", f"not contacted within {days} days"
    counts: Counter[tuple[str, str]] = Counter()
    for area, assigned, contacted in zip(
        times["area"], times["assigned_at"], times["contacted_at"], strict=True
    ):
        if area not in labels:
            continue
        ok = (
            contacted is not None
            and not pd.isna(contacted)
            and (pd.Timestamp(contacted) - pd.Timestamp(assigned) <= pd.Timedelta(days=days))
        )
        counts[(area, within if ok else later)] += 1
    return CountTable(
        defn.area_level, tuple(codes), "contact", (within, later), dict(counts), row_labels=labels
    )


READERS: dict[
    str, Callable[[Definition, InputContext, duckdb.DuckDBPyConnection], CountTable | IndexTable]
] = {
    "source_records": source_records,
    "index": index_values,
    "outbreak_cases": outbreak_cases,
    "contact_within_days": contact_within_days,
}


def make_table(defn: Definition, ctx: InputContext) -> CountTable | IndexTable:
    with Vault(ctx.settings.vault_path).connect() as con:
        return READERS[defn.input](defn, ctx, con)
