"""A small borough for publish tests: a gazetteer (areas come from it), seeded synthetic cases, definitions,
and an attacker who sees only what was published (plus, as the worst case, which cells did not change)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pandas as pd
import yaml
from sqlalchemy import select

from placehub.publish import AttackModel, Cell, CountTable, Observed, Release, get_rule_set
from placehub.settings import Settings
from placehub.store import Catalogue
from placehub.store.models_publish import PublishReleaseTruth

WARDS = [f"E05999{n:03d}" for n in range(1, 14)]  # 13 wards
LSOAS = {w: [f"E01999{n:03d}" for n in range(4 * i + 1, 4 * i + 5)] for i, w in enumerate(WARDS)}  # 52 LSOAs
START = dt.date(2026, 1, 5)  # a Monday


def build_gazetteer(settings: Settings, per_lsoa: int = 8) -> list[tuple[str, str, str]]:
    """(uprn, lsoa, ward) for ``per_lsoa`` addresses in each LSOA, written to the vault's gazetteer."""
    rows = []
    n = 1
    for ward, lsoas in LSOAS.items():
        for lsoa in lsoas:
            for _ in range(per_lsoa):
                rows.append((f"1000{n:08d}", lsoa, ward))
                n += 1
    con = duckdb.connect(str(settings.vault_path))
    con.execute("create table gazetteer (uprn varchar, postcode varchar, lsoa varchar, ward varchar)")
    con.executemany("insert into gazetteer values (?, 'AB1 2CD', ?, ?)", rows)
    con.close()
    return rows


def cases(
    gazetteer: list[tuple[str, str, str]], seed: int, weeks: int, *, start: dt.date = START
) -> pd.DataFrame:
    """Cases at a rate that varies by ward, so tables hold zeros, 1–7 counts and larger ones."""
    rng = random.Random(seed)
    rate = {w: rng.choice([0.02, 0.05, 0.1, 0.3, 0.8, 1.5]) for w in WARDS}
    out = []
    for uprn, _lsoa, ward in gazetteer:
        for day in range(7 * weeks):
            if rng.random() < rate[ward] / 7:
                out.append({"date": start + dt.timedelta(days=day), "uprn": uprn})
    return pd.DataFrame(out)


def write_definition(folder: Path, name: str, level: str, weeks: int, rule_set: str | None = None) -> Path:
    doc = {
        "name": name,
        "title": f"Cases by {level}",
        "description": "Synthetic cases for tests.",
        "input": "outbreak_cases",
        "area_level": level,
        "options": {"weeks": weeks},
    }
    if rule_set:
        doc["rule_set"] = rule_set
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{rule_set or 'default'}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def shape(release: Release) -> CountTable:
    """The table's shape as published (rows, columns): no counts."""
    m = release.meta
    return CountTable(m["row_dimension"], tuple(m["rows"]), m["column_dimension"], tuple(m["columns"]), {})


def published(release: Release) -> dict[Cell, int | None]:
    return {Cell.from_key(k): v for k, v in release.cells.items()}


def truth(catalogue: Catalogue, release: Release) -> dict[Cell, int]:
    with catalogue.session() as s:
        row = s.scalars(select(PublishReleaseTruth).where(PublishReleaseTruth.release_id == release.id)).one()
        values = {Cell.from_key(k): v for k, v in json.loads(row.values).items()}
    t = shape(release)
    for m in t.margins():
        values[m] = sum(values[c] for c in t.members(m))
    return values


def attack(catalogue: Catalogue, releases: list[Release]) -> dict[tuple[int, Cell], tuple[int, int, int]]:
    """For every suppressed cell of every release: (feasible min, feasible max, true value)."""
    truths = [truth(catalogue, r) for r in releases]
    observed = [Observed(shape(r), published(r), get_rule_set(r.rule_set)) for r in releases]
    same = [
        (j, c, k, c)
        for j in range(len(releases))
        for k in range(j + 1, len(releases))
        for c in shape(releases[j]).interior()
        if c in truths[k] and not c.is_margin and truths[j][c] == truths[k][c]
    ]
    model = AttackModel(observed, same)
    out = {}
    for j, r in enumerate(releases):
        for c, v in published(r).items():
            if v is None:
                iv = model.interval(j, c)
                out[(j, c)] = (iv.lo, iv.hi, truths[j][c])
    return out
