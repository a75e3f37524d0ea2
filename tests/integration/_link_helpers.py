"""Hand-made vault contents for linkage tests: `records`, `current_records`, `matches` (docs/vault.md).

A seeded population of residents, each with one to three records across sources that differ the way partner
files differ (nicknames, a typo in the date of birth, day and month swapped, a missing NHS number). The truth
(which records are one person) is known exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

FIRST = [
    "WILLIAM",
    "MARGARET",
    "ROBERT",
    "ELIZABETH",
    "JAMES",
    "SUSAN",
    "THOMAS",
    "CATHERINE",
    "RICHARD",
    "DOROTHY",
    "EDWARD",
    "PATRICIA",
    "HENRY",
    "REBECCA",
    "DANIEL",
    "VICTORIA",
    "ANTHONY",
    "JENNIFER",
    "PETER",
    "HELEN",
    "OWEN",
    "SIOBHAN",
    "AMIR",
    "PRIYA",
    "TOMASZ",
    "AISHA",
    "GARETH",
    "NIAMH",
    "KWAME",
    "LUCY",
]
NICK = {
    "WILLIAM": "BILL",
    "MARGARET": "PEGGY",
    "ROBERT": "BOB",
    "ELIZABETH": "LIZ",
    "JAMES": "JIM",
    "SUSAN": "SUE",
    "THOMAS": "TOM",
    "CATHERINE": "KATE",
    "RICHARD": "DICK",
    "DOROTHY": "DOT",
}
SURNAMES = [
    "SMITH",
    "JONES",
    "WILLIAMS",
    "TAYLOR",
    "DAVIES",
    "EVANS",
    "THOMAS",
    "JOHNSON",
    "ROBERTS",
    "WALKER",
    "WRIGHT",
    "ROBINSON",
    "THOMPSON",
    "WHITE",
    "HUGHES",
    "EDWARDS",
    "GREEN",
    "HALL",
    "WOOD",
    "HARRIS",
    "MORGAN",
    "LEWIS",
    "OKAFOR",
    "NOWAK",
    "KHAN",
    "PATEL",
    "MURPHY",
    "OSEI",
    "CHEN",
    "PRICE",
]
POSTCODES = ["CF47 8AA", "CF47 8AB", "CF47 9UX", "CF48 1AA", "CF48 2BB", "CF46 6AA", "CF47 0HB", "CF48 4LT"]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = (11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@dataclass
class Population:
    records: list[dict] = field(default_factory=list)
    truth: dict[str, str] = field(default_factory=dict)  # "source|record_id" → true person


def population(
    n_people: int = 150, seed: int = 7, sources: tuple[str, ...] = ("gp", "care", "food")
) -> Population:
    rng = random.Random(seed)
    pop = Population()
    seen: set[tuple[str, str, date]] = set()
    counters = {s: 0 for s in sources}
    for p in range(n_people):
        while True:
            first, sur = rng.choice(FIRST), rng.choice(SURNAMES)
            dob = date(1930, 1, 1) + timedelta(days=rng.randrange(80 * 365))
            if (first, sur, dob) not in seen:
                seen.add((first, sur, dob))
                break
        uprn = str(100000000 + rng.randrange(60))  # a few people share a home
        postcode = POSTCODES[int(uprn) % len(POSTCODES)]
        nhs = nhs_number(rng)
        n_records = rng.choice([1, 1, 2, 2, 3])
        for k, src in enumerate(rng.sample(sources, n_records)):
            counters[src] += 1
            rid = f"{src[0].upper()}{counters[src]:04d}"
            f, d, n = first, dob, nhs
            if k == 1:
                variant = p % 4
                if variant == 0 and first in NICK:
                    f = NICK[first]
                elif variant == 1 and dob.day <= 12 and dob.day != dob.month:
                    d = date(dob.year, dob.day, dob.month)  # day and month swapped
                elif variant == 2:
                    n = None  # the partner does not hold the NHS number
            if k == 2:
                d = dob + timedelta(days=1)  # a typo in the day
            pop.records.append(
                {
                    "source": src,
                    "record_id": rid,
                    "first_name": f,
                    "surname": sur,
                    "dob": d,
                    "nhs_number": n,
                    "postcode": postcode,
                    "uprn": uprn,
                    "sex": "F" if p % 2 else "M",
                }
            )
            pop.truth[f"{src}|{rid}"] = f"T{p}"
    return pop


RECORDS_DDL = """
create table if not exists records (
    source varchar, load_id varchar, row_number integer, record_id varchar, nhs_number varchar,
    first_name varchar, middle_name varchar, surname varchar, full_name varchar, dob date, sex varchar,
    address varchar, postcode varchar, uprn_supplied varchar, phone varchar, email varchar,
    date_of_death date, household_id varchar)
"""
MATCHES_DDL = """
create table if not exists matches (
    source varchar, load_id varchar, record_id varchar, address varchar, postcode varchar, uprn varchar,
    method varchar, score double, status varchar, candidates json, decided_by varchar, matched_at timestamp)
"""
CURRENT_VIEW = """
create or replace view current_records as
select r.* from records r
join (select source, max(load_id) as load_id from records group by source) l using (source, load_id)
"""


def write_load(con: duckdb.DuckDBPyConnection, source: str, load_id: str, rows: list[dict]) -> None:
    """Add one load of a source (records + their address matches) and refresh `current_records`."""
    con.execute(RECORDS_DDL)
    con.execute(MATCHES_DDL)
    for i, r in enumerate(rows, start=1):
        con.execute(
            "insert into records (source, load_id, row_number, record_id, nhs_number, first_name, surname, "
            "dob, "
            "sex, address, postcode) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source,
                load_id,
                i,
                r["record_id"],
                r.get("nhs_number"),
                r.get("first_name"),
                r.get("surname"),
                r.get("dob"),
                r.get("sex"),
                f"{r.get('uprn')} HIGH STREET",
                r.get("postcode"),
            ],
        )
        if r.get("uprn"):
            con.execute(
                "insert into matches values (?, ?, ?, ?, ?, ?, 'exact', 1.0, 'auto', '[]', null, now())",
                [source, load_id, r["record_id"], f"{r['uprn']} HIGH STREET", r.get("postcode"), r["uprn"]],
            )
    con.execute(CURRENT_VIEW)


def load_population(con: duckdb.DuckDBPyConnection, pop: Population, load_id: str = "L1") -> None:
    by_source: dict[str, list[dict]] = {}
    for r in pop.records:
        by_source.setdefault(r["source"], []).append(r)
    for src in sorted(by_source):
        write_load(con, src, f"{load_id}-{src}", by_source[src])


def partition(mapping: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for rid, g in mapping.items():
        groups.setdefault(g, set()).add(rid)
    return {frozenset(v) for v in groups.values()}
